"""Labels of the report, the workbook and `scoring compare`: Chinese first, English on request.

Keys already in scoring.i18n (rank, unit, name, score …) are taken from there, so a column is called
the same in every output.
"""

from __future__ import annotations

from datetime import date

from scoring.i18n import LABELS as COMMON, NP_, label as _label, label_table

LABELS = label_table(
    NP_("report.kind_earn", "earned"),
    NP_("report.kind_earn_cap", "earned points cap"),
    NP_("report.kind_pool", "deduction limit"),
    NP_("report.kind_overflow", "overflow to the parent"),
    NP_("report.kind_adjust", "taken off the total"),
    NP_("report.kind_stage_veto", "veto"),
    NP_("report.kind_skipped", "not reached"),
    NP_("report.kind_scale", "conversion"),
    NP_("report.kind_stage_cap", "stage cap"),
    NP_("report.kind_gate", "gate"),
    NP_("report.kind_gate_fail", "judged a fail"),
    NP_("report.kind_part", "weighted part"),
    NP_("report.kind_object", "an object's score"),
    NP_("report.kind_object_fail", "object failed"),
    NP_("report.kind_combine", "objects combined"),
    NP_("report.kind_uncounted", "data not scored"),
    NP_("report.kind_weight_na", "weights shared out"),
    NP_("report.parts", "Parts"),
    NP_("report.part", "Part"),
    NP_("report.stage", "Stage"),
    NP_("report.weight", "Weight"),
    NP_("report.outcome", "Outcome"),
    NP_("report.outcome_pass", "pass"),
    NP_("report.outcome_fail", "fail"),
    NP_("report.outcome_none", "no grade"),
    NP_("report.outcome_incomplete", "data incomplete"),
    NP_("report.no_objects", "No object of this part's kinds: not scored, its weight goes to the other parts."),
    NP_("report.report_title", "Openness assessment {period}: ranked report"),
    NP_("report.report_title_period", "Openness assessment {period}: ranked report"),
    NP_("report.summary", "Summary"),
    NP_("report.completeness", "Data completeness"),
    NP_("report.draft", "Status"),
    NP_("report.draft_banner", "Draft: these results are not final ({state})."),
    NP_("report.appeals", "Appeals and outcomes"),
    NP_("report.no_appeals", "No appeals this period."),
    NP_("report.appeal_target", "Appealed line"),
    NP_("report.appeal_reason", "Reason"),
    NP_("report.appeal_outcome", "Outcome"),
    NP_("report.appeal_answer", "Answer"),
    NP_("report.appeal_pending", "pending"),
    NP_("report.appeal_accepted", "accepted"),
    NP_("report.appeal_rejected", "not accepted"),
    NP_("report.data_complete", "Every unit's data was in when the run was made."),
    NP_("report.data_gaps", "When the run was made, this data was missing; the units concerned were scored as the standard says for missing data (no survey: no satisfaction points):"),
    NP_("report.data_unchecked", "This run recorded no completeness check."),
    NP_("report.units_assessed", "Units assessed"),
    NP_("report.average_score", "Average score"),
    NP_("report.grade_distribution", "Grades"),
    NP_("report.count", "Count"),
    NP_("report.share", "Share"),
    NP_("report.dimension", "Dimension"),
    NP_("report.dimension_name", "Dimension name"),
    NP_("report.average", "Average"),
    NP_("report.average_max", "Average maximum"),
    NP_("report.rate", "Rate"),
    NP_("report.average_lost", "Average points lost"),
    NP_("report.by_dimension", "Average by dimension"),
    NP_("report.ranking", "Ranking"),
    NP_("report.ranking_sheet", "Ranking"),
    NP_("report.dimensions_sheet", "Dimensions"),
    NP_("report.lines_sheet", "Score lines"),
    NP_("report.rectifications_sheet", "Rectification"),
    NP_("report.feed_sheet", "Feed"),
    NP_("report.about_sheet", "About"),
    NP_("report.previous_period", "Compared with"),
    NP_("report.previous_rank", "Previous rank"),
    NP_("report.rank_change", "Rank change"),
    NP_("report.previous_score", "Previous score"),
    NP_("report.score_change", "Score change"),
    NP_("report.previous_grade", "Previous grade"),
    NP_("report.new_codes", "New findings"),
    NP_("report.resolved_codes", "Resolved findings"),
    NP_("report.change_since", "Change since {previous}"),
    NP_("report.no_previous", "No earlier scored period: no change shown"),
    NP_("report.chart_scores", "Scores by unit"),
    NP_("report.chart_lost", "Average points lost by dimension (where the weakness is)"),
    NP_("report.chart_radar", "Share of maximum, by dimension"),
    NP_("report.group_average", "Group average"),
    NP_("report.frequent_findings", "Most frequent findings"),
    NP_("report.code", "Code"),
    NP_("report.findings", "Findings"),
    NP_("report.units_found", "Units"),
    NP_("report.points_lost", "Points lost"),
    NP_("report.scorecards", "Unit scorecards"),
    NP_("report.deductions", "Points explained"),
    NP_("report.rectification_list", "Rectification list"),
    NP_("report.no_rectifications", "No rectification items"),
    NP_("report.unit_type", "Unit type"),
    NP_("report.lines_kind", "Kind"),
    NP_("report.points", "Points"),
    NP_("report.indicator_name", "Indicator name"),
    NP_("report.indicator_score", "Indicator score"),
    NP_("report.max", "Maximum"),
    NP_("report.total", "Total"),
    NP_("report.as_of", "Scored as of"),
    NP_("report.generated", "Source"),
    NP_("report.source_text", "run {run}, standard version {version} ({criteria}); rectification status as of {as_of}"),
    NP_("report.scored_at", "Scored at"),
    NP_("report.examples", "Units with most"),
    NP_("report.standard_label", "Standard"),
    NP_("report.top", "Back to top"),
    NP_("report.contents", "Contents"),
    NP_("report.open_items", "Open"),
    NP_("report.overdue_items", "Overdue"),
    NP_("report.all_items", "Items"),
    NP_("report.moved_up", "up"),
    NP_("report.moved_down", "down"),
    NP_("report.new_unit", "new"),
    NP_("report.veto_short", "veto"),
    NP_("report.period_label", "Period"),
    NP_("report.none", "none"),
    NP_("report.facts", "Facts"),
    NP_("report.rationale", "Rationale"),
    NP_("report.indicators_sheet", "Indicators"),
    NP_("report.rectification_units_sheet", "Rectification by unit"),
    NP_("report.details", "Details"),
    NP_("report.details_in_csv", "The score lines and rectification items are too many for this workbook: see the CSV files beside it: {files}"),
    NP_("report.summary_edition", "Summary edition: {units} units (more than {limit}); this page shows rankings, distributions and totals, not each unit's scorecard and rectification items."),
    NP_("report.summary_edition_chosen", "Summary edition: {units} units; this page shows rankings, distributions and totals, not each unit's scorecard and rectification items."),
    NP_("report.no_scorecards_chosen", "The summary edition does not lay out each unit's scorecard ({units} units)."),
    NP_("report.where_details", "Where each unit's details are"),
    NP_("report.group_comparison", "Groups compared"),
    NP_("report.ranking_cut", "{units} units: the first {head} and the last {tail} are listed; the whole ranking is the workbook's sheet {sheet}."),
    NP_("report.omitted_rows", "… {n} units not listed …"),
    NP_("report.chart_distribution", "Scores in bands of 5 points (units)"),
    NP_("report.units_with_items", "Units with items"),
    NP_("report.units_overdue", "Units with overdue items"),
    NP_("report.overdue_units_title", "The {n} units with most overdue items"),
    NP_("report.items_in_csv", "Every item is in the CSV files report-{period}-rectifications-*.csv (one per unit type), or run scoring rectify list --period {period} --unit CODE."),
    NP_("report.items_in_book", "Every item is in the workbook's rectification sheets, or run scoring rectify list --period {period} --unit CODE."),
    NP_("report.no_scorecards", "{units} units (more than {limit}): this page does not lay out each unit's scorecard."),
    NP_("report.scores_in_book", "Every unit's dimension and indicator scores: the workbook's sheets {dims} and {inds}."),
    NP_("report.lines_in_book", "Points explained: the workbook's sheet {sheet}."),
    NP_("report.lines_in_csv", "Points explained: the CSV file report-{period}-lines.csv."),
    NP_("report.scorecard_command", "One unit's scorecard: "),
    NP_("report.select_command", "A report with the scorecards of chosen units (--unit may repeat): "),
    NP_("report.unit_code_placeholder", "CODE"),
    NP_("report.group_placeholder", "GROUP"),
    NP_("report.kind_deduct", "deduction"),
    NP_("report.kind_score", "scored"),
    NP_("report.kind_floor", "floor"),
    NP_("report.kind_bonus", "bonus"),
    NP_("report.kind_veto", "veto"),
    NP_("report.kind_bonus_cap", "bonus cap"),
)


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
    return _label(COMMON if key in COMMON and key not in LABELS else LABELS, key, lang, **values)
