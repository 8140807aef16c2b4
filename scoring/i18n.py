"""What people read, Chinese first, English on request (`scoring --lang en`, SCORING_LANG=en, the web's
language switch).

Messages go through gettext catalogs: `_("unknown unit {unit!r}", unit=code)` looks the English
message id up in scoring/locale/<zh_CN|en>/LC_MESSAGES/scoring.mo (compiled by Babel from the .po
files beside them; see scoring/locale/README.md) and fills in the values. This module is the only
one that touches gettext. The language is the caller's: the CLI and the web set it once per
command or request (`use_lang`), so library errors come out in the user's language without
threading a `lang` through every function.

The LABELS table below predates the catalogs and still serves table headers; new text goes to the
catalogs.
"""

from __future__ import annotations

import functools
import gettext
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any

LANGS = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "scoring"
CATALOGS = {"zh": "zh_CN", "en": "en"}
_chosen: ContextVar[str | None] = ContextVar("scoring_lang", default=None)


def current_lang() -> str:
    """The language of this command or request: set with use_lang, else $SCORING_LANG, else Chinese."""
    lang = _chosen.get() or os.environ.get("SCORING_LANG") or "zh"
    return lang if lang in LANGS else "zh"


def use_lang(lang: str | None) -> None:
    """Speak `lang` from now on in this thread or task (a CLI command, a web request)."""
    _chosen.set(lang if lang in LANGS else None)


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[CATALOGS[lang]], fallback=True)


def _(message: str, lang: str | None = None, **values: Any) -> str:
    """The message in the current language (or `lang`), its {placeholders} filled from `values`."""
    text = _catalog(lang or current_lang()).gettext(message)
    return text.format(**values) if values else text

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
    "adjust_lines": ("从总分扣分", "Taken off the total"),
    "dimension_lines": ("本维度", "This dimension"),
    "no_lines": ("未扣分", "no points lost"),
    # Parts and stages (criteria with parts:)
    "outcome_pass": ("合格", "pass"),
    "outcome_fail": ("不合格", "fail"),
    "raw": ("原始得分", "raw"),
    "skipped": ("未进入本环节", "not reached"),
    "weighted_sum": ("各部分按权重折算", "parts by weight"),
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


def N_(message: str) -> str:
    """Marks a message id for the catalogs where it is written; translated later, where it is shown."""
    return message
