"""Labels of the report, the workbook and `scoring compare`: Chinese first, English on request.

Keys already in scoring.i18n (rank, unit, name, score …) are taken from there, so a column is called
the same in every output.
"""

from __future__ import annotations

from scoring.i18n import LABELS as COMMON

LABELS: dict[str, tuple[str, str]] = {
    "report_title": ("{period}年度政务公开、办事公开考核情况通报", "Openness assessment {period}: ranked report"),
    "report_title_period": ("{period}政务公开、办事公开考核情况通报", "Openness assessment {period}: ranked report"),
    "summary": ("总体情况", "Summary"),
    "units_assessed": ("参评单位", "Units assessed"),
    "average_score": ("平均得分", "Average score"),
    "grade_distribution": ("等次分布", "Grades"),
    "count": ("数量", "Count"),
    "share": ("占比", "Share"),
    "dimension": ("方面", "Dimension"),
    "dimension_name": ("方面名称", "Dimension name"),
    "average": ("平均得分", "Average"),
    "average_max": ("平均满分", "Average maximum"),
    "rate": ("得分率", "Rate"),
    "average_lost": ("平均失分", "Average points lost"),
    "by_dimension": ("各方面平均得分", "Average by dimension"),
    "ranking": ("排名情况", "Ranking"),
    "ranking_sheet": ("排名", "Ranking"),
    "dimensions_sheet": ("各方面得分", "Dimensions"),
    "lines_sheet": ("得分明细", "Score lines"),
    "rectifications_sheet": ("整改清单", "Rectification"),
    "feed_sheet": ("目标考核", "Feed"),
    "about_sheet": ("说明", "About"),
    "previous_period": ("对比周期", "Compared with"),
    "previous_rank": ("上期排名", "Previous rank"),
    "rank_change": ("名次变化", "Rank change"),
    "previous_score": ("上期得分", "Previous score"),
    "score_change": ("分数变化", "Score change"),
    "previous_grade": ("上期等次", "Previous grade"),
    "new_codes": ("新出现问题", "New findings"),
    "resolved_codes": ("已消除问题", "Resolved findings"),
    "change_since": ("与{previous}相比", "Change since {previous}"),
    "no_previous": ("无上期评分，不显示变化", "No earlier scored period: no change shown"),
    "chart_scores": ("各单位得分", "Scores by unit"),
    "chart_lost": ("各方面平均失分（薄弱环节）", "Average points lost by dimension (where the weakness is)"),
    "chart_radar": ("九个方面得分率", "Nine dimensions, share of maximum"),
    "group_average": ("组内平均", "Group average"),
    "frequent_findings": ("常见问题", "Most frequent findings"),
    "code": ("问题代码", "Code"),
    "findings": ("问题数", "Findings"),
    "units_found": ("涉及单位", "Units"),
    "points_lost": ("扣分合计", "Points lost"),
    "scorecards": ("各单位评分明细", "Unit scorecards"),
    "deductions": ("扣分与得分说明", "Points explained"),
    "rectification_list": ("整改清单", "Rectification list"),
    "no_rectifications": ("无整改事项", "No rectification items"),
    "unit_type": ("单位类型", "Unit type"),
    "lines_kind": ("类别", "Kind"),
    "points": ("分值", "Points"),
    "indicator_name": ("指标名称", "Indicator name"),
    "indicator_score": ("指标得分", "Indicator score"),
    "max": ("满分", "Maximum"),
    "total": ("总分", "Total"),
    "as_of": ("评分日期", "Scored as of"),
    "generated": ("数据来源", "Source"),
    "source_text": ("第{run}次评分（{criteria}），整改状态截至{as_of}",
                    "run {run} ({criteria}); rectification status as of {as_of}"),
    "top": ("返回顶部", "Back to top"),
    "contents": ("目录", "Contents"),
    "open_items": ("未完成", "Open"),
    "overdue_items": ("超期未整改", "Overdue"),
    "all_items": ("整改事项", "Items"),
    "moved_up": ("上升", "up"),
    "moved_down": ("下降", "down"),
    "new_unit": ("新参评", "new"),
    "veto_short": ("否决", "veto"),
    "period_label": ("考核周期", "Period"),
    "none": ("无", "none"),
    "facts": ("依据", "Facts"),
    "rationale": ("依据说明", "Rationale"),
    "kind_deduct": ("扣分", "deduction"),
    "kind_score": ("计分", "scored"),
    "kind_floor": ("扣完为止", "floor"),
    "kind_bonus": ("加分", "bonus"),
    "kind_veto": ("否决", "veto"),
    "kind_bonus_cap": ("加分封顶", "bonus cap"),
}


def label(key: str, lang: str = "zh", **values: str) -> str:
    zh, en = LABELS.get(key) or COMMON.get(key) or (key, key)
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
