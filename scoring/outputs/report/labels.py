"""Labels of the report, the workbook and `scoring compare`: Chinese first, English on request.

Keys already in scoring.i18n (rank, unit, name, score …) are taken from there, so a column is called
the same in every output.
"""

from __future__ import annotations

from datetime import date

from scoring.i18n import LABELS as COMMON

LABELS: dict[str, tuple[str, str]] = {
    "report_title": ("{period}年度政务公开、办事公开考核情况通报", "Openness assessment {period}: ranked report"),
    "report_title_period": ("{period}政务公开、办事公开考核情况通报", "Openness assessment {period}: ranked report"),
    "summary": ("总体情况", "Summary"),
    "completeness": ("数据完整性", "Data completeness"),
    "draft": ("状态", "Status"),
    "draft_banner": ("草稿：本结果尚未定稿（{state}），以定稿结果为准。", "Draft: these results are not final ({state})."),
    "appeals": ("申诉及处理结果", "Appeals and outcomes"),
    "no_appeals": ("本周期没有申诉。", "No appeals this period."),
    "appeal_target": ("申诉事项", "Appealed line"),
    "appeal_reason": ("申诉理由", "Reason"),
    "appeal_outcome": ("处理结果", "Outcome"),
    "appeal_answer": ("答复", "Answer"),
    "data_complete": ("评分时各单位数据齐全。", "Every unit's data was in when the run was made."),
    "data_gaps": ("评分时以下数据缺失，相关单位按标准计分（如无问卷的，群众满意度不得分）：",
                  "When the run was made, this data was missing; the units concerned were scored as the standard "
                  "says for missing data (no survey: no satisfaction points):"),
    "data_unchecked": ("该评分批次未记录数据完整性检查。", "This run recorded no completeness check."),
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
    "source_text": ("第{run}号评分记录，评分标准第{version}版（{criteria}），整改状态截至{as_of}",
                    "run {run}, standard version {version} ({criteria}); rectification status as of {as_of}"),
    "scored_at": ("评分时间", "Scored at"),
    "examples": ("主要涉及单位", "Units with most"),
    "standard_label": ("评分标准", "Standard"),
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
    "indicators_sheet": ("各指标得分", "Indicators"),
    "rectification_units_sheet": ("整改情况", "Rectification by unit"),
    "details": ("明细", "Details"),
    "details_in_csv": ("得分明细和整改事项行数较多，未放入本工作簿，见同目录 CSV 文件：{files}",
                       "The score lines and rectification items are too many for this workbook: see the CSV files "
                       "beside it: {files}"),
    "summary_edition": ("汇总版：参评单位{units}个（多于{limit}个），本页列出排名、分布和汇总，不逐一列出各单位评分明细和整改事项。",
                        "Summary edition: {units} units (more than {limit}); this page shows rankings, distributions "
                        "and totals, not each unit's scorecard and rectification items."),
    "summary_edition_chosen": ("汇总版：参评单位{units}个，本页列出排名、分布和汇总，不逐一列出各单位评分明细和整改事项。",
                               "Summary edition: {units} units; this page shows rankings, distributions and totals, "
                               "not each unit's scorecard and rectification items."),
    "no_scorecards_chosen": ("汇总版不逐一列出各单位评分明细（参评单位{units}个）。",
                             "The summary edition does not lay out each unit's scorecard ({units} units)."),
    "where_details": ("各单位明细在哪里", "Where each unit's details are"),
    "group_comparison": ("各组对比", "Groups compared"),
    "ranking_cut": ("共{units}个单位，列出前{head}名和后{tail}名；完整排名见工作簿「{sheet}」表。",
                    "{units} units: the first {head} and the last {tail} are listed; the whole ranking is the "
                    "workbook's sheet {sheet}."),
    "omitted_rows": ("…… 中间{n}个单位略 ……", "… {n} units not listed …"),
    "chart_distribution": ("得分分布（每5分一档，单位数）", "Scores in bands of 5 points (units)"),
    "units_with_items": ("有整改事项的单位", "Units with items"),
    "units_overdue": ("有超期事项的单位", "Units with overdue items"),
    "overdue_units_title": ("超期未整改事项最多的{n}个单位", "The {n} units with most overdue items"),
    "items_in_csv": ("整改事项明细见 CSV 文件 report-{period}-rectifications-*.csv（按单位类型分文件），"
                     "或运行 scoring rectify list --period {period} --unit 单位编码。",
                     "Every item is in the CSV files report-{period}-rectifications-*.csv (one per unit type), or "
                     "run scoring rectify list --period {period} --unit CODE."),
    "items_in_book": ("整改事项明细见工作簿「整改清单」各表，或运行 scoring rectify list --period {period} --unit 单位编码。",
                      "Every item is in the workbook's rectification sheets, or run scoring rectify list "
                      "--period {period} --unit CODE."),
    "no_scorecards": ("参评单位{units}个（多于{limit}个），本页不逐一列出各单位评分明细。",
                      "{units} units (more than {limit}): this page does not lay out each unit's scorecard."),
    "scores_in_book": ("各单位各方面、各指标得分：工作簿「{dims}」「{inds}」表。",
                       "Every unit's dimension and indicator scores: the workbook's sheets {dims} and {inds}."),
    "lines_in_book": ("扣分与得分说明：工作簿「{sheet}」表。", "Points explained: the workbook's sheet {sheet}."),
    "lines_in_csv": ("扣分与得分说明：CSV 文件 report-{period}-lines.csv。",
                     "Points explained: the CSV file report-{period}-lines.csv."),
    "scorecard_command": ("单个单位的评分明细：", "One unit's scorecard: "),
    "select_command": ("生成含所选单位评分明细的报告（--unit 可重复）：",
                       "A report with the scorecards of chosen units (--unit may repeat): "),
    "unit_code_placeholder": ("单位编码", "CODE"),
    "group_placeholder": ("分组", "GROUP"),
    "kind_deduct": ("扣分", "deduction"),
    "kind_score": ("计分", "scored"),
    "kind_floor": ("扣完为止", "floor"),
    "kind_bonus": ("加分", "bonus"),
    "kind_veto": ("否决", "veto"),
    "kind_bonus_cap": ("加分封顶", "bonus cap"),
    "kind_earn": ("得分", "earned"),
    "kind_earn_cap": ("得分封顶", "earned points cap"),
    "kind_pool": ("减分上限", "deduction limit"),
    "kind_overflow": ("超出扣分计入上级", "overflow to the parent"),
    "kind_adjust": ("从总分扣分", "taken off the total"),
    "kind_stage_veto": ("单项否决", "veto"),
    "kind_skipped": ("未进入本环节", "not reached"),
    "kind_scale": ("折算", "conversion"),
    "kind_stage_cap": ("本环节封顶", "stage cap"),
    "kind_gate": ("环节判定", "gate"),
    "kind_gate_fail": ("判定不合格", "judged a fail"),
    "kind_part": ("按权重折算", "weighted part"),
    "parts": ("各部分得分", "Parts"),
    "part": ("部分", "Part"),
    "stage": ("环节", "Stage"),
    "weight": ("权重", "Weight"),
    "outcome": ("判定", "Outcome"),
    "outcome_pass": ("合格", "pass"),
    "outcome_fail": ("不合格", "fail"),
}


NUMERALS = "一二三四五六七八九十"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(period: str, lang: str = "zh") -> str:
    """2025 → 2025年度; 2025H1 → 2025年上半年; others as they are (2025Q3 → 2025年第三季度)."""
    if lang == "en":
        return period
    if period.isdigit():
        return f"{period}年度"
    year, rest = period[:4], period[4:]
    if rest in ("H1", "H2"):
        return f"{year}年{'上' if rest == 'H1' else '下'}半年"
    if rest[:1] == "Q" and rest[1:].isdigit():
        return f"{year}年第{NUMERALS[int(rest[1:]) - 1]}季度"
    if rest[:1] == "-" and rest[1:].isdigit():
        return f"{year}年{int(rest[1:])}月"
    return period


# The facts a line cites, as people read them: records keep their numbers (F2025-0182 is a finding,
# R-F2025-0182 its rectification item); the run-wide sources and self-assessments get words.
FACT_NAMES = {"survey": ("问卷调查", "survey"), "metrics": ("统计数据", "metrics")}
SELF_ASSESSMENT = ("自评", "self-assessment ")


def fact_name(fact: str, lang: str = "zh") -> str:
    """survey → 问卷调查, metrics → 统计数据, SA-P3 → 自评P3; a record's number as it is."""
    en = lang == "en"
    if fact in FACT_NAMES:
        return FACT_NAMES[fact][en]
    if fact.startswith("SA-"):
        return SELF_ASSESSMENT[en] + fact[3:]
    return fact


def label(key: str, lang: str = "zh", **values: str) -> str:
    zh, en = LABELS.get(key) or COMMON.get(key) or (key, key)
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
