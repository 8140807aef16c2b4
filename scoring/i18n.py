"""Labels for what people read: Chinese first, English on request (`--lang en` or SCORING_LANG=en)."""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "rank": ("排名", "Rank"),
    "unit": ("单位编码", "Unit"),
    "name": ("单位名称", "Name"),
    "group": ("分组", "Group"),
    "score": ("得分", "Score"),
    "base": ("基础分", "Base"),
    "bonus": ("加分", "Bonus"),
    "grade": ("等次", "Grade"),
    "veto": ("否决", "Veto"),
    "open_rectifications": ("未完成整改", "Open items"),
    "feed_points": ("目标考核得分", "Feed points"),
    "period": ("考核周期", "Period"),
    "criteria": ("评分标准", "Standard"),
    "flags": ("提示", "Flags"),
    "rectifications": ("整改事项", "Rectification items"),
    "deadline": ("整改期限", "Deadline"),
    "status": ("状态", "Status"),
    "overdue": ("超期", "Overdue"),
    "late_days": ("逾期整改", "Rectified late"),
    "indicator": ("指标", "Indicator"),
    "finding": ("问题编号", "Finding"),
    "rule": ("规则", "Rule"),
    "title": ("问题", "Issue"),
    "note": ("说明", "Note"),
    "id": ("编号", "Id"),
    "owner": ("责任人", "Owner"),
    "not_applicable": ("不涉及", "not applicable"),
    "by_unit_type": ("按单位类型", "by unit type"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "facts": ("依据", "facts"),
    "run": ("评分批次", "Run"),
    "veto_lines": ("一票否决", "Veto"),
    "no_lines": ("未扣分", "no points lost"),
}

STATUS_NAMES = {"open": ("待整改", "open"), "in_progress": ("整改中", "in progress"),
                "rectified": ("已整改", "rectified"), "verified": ("已销号", "verified"),
                "reopened": ("重新整改", "reopened"), "withdrawn": ("已撤销", "withdrawn")}


def late_text(days: int, lang: str = "zh") -> str:
    """How an item rectified after its deadline is shown wherever it is listed (逾期整改)."""
    if not days:
        return ""
    return f"rectified {days} day(s) late" if lang == "en" else f"逾期整改（{days}天）"


def t(key: str, lang: str = "zh") -> str:
    zh, en = LABELS.get(key, (key, key))
    return en if lang == "en" else zh


def status_name(status: str, lang: str = "zh") -> str:
    zh, en = STATUS_NAMES.get(status, (status, status))
    return en if lang == "en" else zh


def pick(doc: Any, key: str, lang: str) -> str:
    """`name` or `name_en` (likewise title, rationale) of a document or a model, by language;
    the Chinese where no English is given."""
    value = doc.get if isinstance(doc, dict) else (lambda name: getattr(doc, name, None))
    return (value(f"{key}_en") or value(key)) if lang == "en" else value(key)
