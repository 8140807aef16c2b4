"""What people read, Chinese first, English on request (`scoring --lang en`, SCORING_LANG=en, the web's
language switch).

Messages go through gettext catalogs: `_("unknown unit {unit!r}", unit=code)` looks the English
message id up in scoring/locale/<zh_CN|en>/LC_MESSAGES/scoring.mo (compiled by Babel from the .po
files beside them; see scoring/locale/README.md) and fills in the values. This module is the only
one that touches gettext. The language is the caller's: the CLI and the web set it once per
command or request (`use_lang`), so library errors come out in the user's language without
threading a `lang` through every function.

Labels (table headers, the web's words, the report's) are looked up by a key: `NP_("web.login",
"Sign in")` names the key in its table's namespace (the catalogs' msgctxt) and the English text (the
msgid), so one English word may have different Chinese texts ("open": 查看, 未评分, 待整改); `label`
gives the text in the current language.
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
_surface: ContextVar[str] = ContextVar("scoring_surface", default="cli")


def current_lang() -> str:
    """The language of this command or request: set with use_lang, else $SCORING_LANG, else Chinese."""
    lang = _chosen.get() or os.environ.get("SCORING_LANG") or "zh"
    return lang if lang in LANGS else "zh"


def use_lang(lang: str | None) -> None:
    """Speak `lang` from now on in this thread or task (a CLI command, a web request)."""
    _chosen.set(lang if lang in LANGS else None)


def use_surface(surface: str) -> None:
    """'web' while a web request runs (its messages say which page to use), else 'cli' (which command)."""
    _surface.set(surface if surface in ("cli", "web") else "cli")


def surface(cli: str, web: str) -> str:
    """Of a message's two ids, the one for where it is read: a command for the CLI, a page in the web app.
    Write both as N_(…) so the catalogs have them, and say them with `said`."""
    return web if _surface.get() == "web" else cli


def said(cli: str, web: str, **values: Any) -> str:
    """`_` of the message for where it is read: `said(N_("… `scoring import units FILE`"), N_("… Import files page"))`
    (not `_(surface(…))`: Babel does not extract messages nested in a marked call)."""
    return _(surface(cli, web), **values)


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[CATALOGS[lang]], fallback=True)


def _(message: str, lang: str | None = None, **values: Any) -> str:
    """The message in the current language (or `lang`), its {placeholders} filled from `values`."""
    text = _catalog(lang or current_lang()).gettext(message)
    return text.format(**values) if values else text


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks a label for the catalogs: its context ('web.login', table and key) and its English text."""
    return context, message


def label_table(*entries: tuple[str, str]) -> dict[str, tuple[str, str]]:
    """A table of labels, key → (context, English); the key is the context after its table's name."""
    return {context.split(".", 1)[1]: (context, message) for context, message in entries}


def label(table: dict[str, tuple[str, str]], key: str, lang: str | None = None, **values: Any) -> str:
    """The label `key` of `table` in the current language (or `lang`); the key itself when unknown."""
    entry = table.get(key)
    if entry is None:
        return key
    text = _catalog(lang or current_lang()).pgettext(*entry)
    return text.format(**values) if values else text


LABELS = label_table(
    NP_("common.adjust_lines", "Taken off the total"),
    NP_("common.dimension_lines", "This dimension"),
    NP_("common.rank", "Rank"),
    NP_("common.unit", "Unit"),
    NP_("common.name", "Name"),
    NP_("common.group", "Group"),
    NP_("common.score", "Score"),
    NP_("common.base", "Base"),
    NP_("common.bonus", "Bonus"),
    NP_("common.grade", "Grade"),
    NP_("common.veto", "Veto"),
    NP_("common.open_rectifications", "Open items"),
    NP_("common.feed_points", "Feed points"),
    NP_("common.period", "Period"),
    NP_("common.criteria", "Standard"),
    NP_("common.flags", "Flags"),
    NP_("common.rectifications", "Rectification items"),
    NP_("common.deadline", "Deadline"),
    NP_("common.status", "Status"),
    NP_("common.overdue", "Overdue"),
    NP_("common.late_days", "Rectified late"),
    NP_("common.indicator", "Indicator"),
    NP_("common.finding", "Finding"),
    NP_("common.rule", "Rule"),
    NP_("common.title", "Issue"),
    NP_("common.note", "Note"),
    NP_("common.id", "Id"),
    NP_("common.owner", "Owner"),
    NP_("common.not_applicable", "not applicable"),
    NP_("common.by_unit_type", "by unit type"),
    NP_("common.yes", "yes"),
    NP_("common.no", "no"),
    NP_("common.facts", "facts"),
    NP_("common.run", "Run"),
    NP_("common.veto_lines", "Veto"),
    NP_("common.no_lines", "no points lost"),
    NP_("common.outcome_pass", "pass"),
    NP_("common.outcome_fail", "fail"),
    NP_("common.outcome_none", "no grade"),
    NP_("common.outcome_incomplete", "data incomplete: no object of any part's kinds, nothing scored"),
    NP_("common.raw", "raw"),
    NP_("common.skipped", "not reached"),
    NP_("common.weighted_sum", "parts by weight"),
    NP_("common.no_objects", "no object of this part's kinds: not scored, its weight goes to the other parts"),
)

STATUS_NAMES = label_table(
    NP_("status.open", "open"), NP_("status.in_progress", "in progress"), NP_("status.rectified", "rectified"),
    NP_("status.verified", "verified"), NP_("status.reopened", "reopened"), NP_("status.withdrawn", "withdrawn"),
)


def late_text(days: int, lang: str = "zh") -> str:
    """How an item rectified after its deadline is shown wherever it is listed (逾期整改)."""
    if not days:
        return ""
    return _("rectified {days} day(s) late", lang, days=days)


def t(key: str, lang: str | None = None) -> str:
    return label(LABELS, key, lang)


def status_name(status: str, lang: str | None = None) -> str:
    return label(STATUS_NAMES, status, lang)


def pick(doc: Any, key: str, lang: str) -> str:
    """`name` or `name_en` (likewise title, rationale) of a document or a model, by language;
    the Chinese where no English is given."""
    value = doc.get if isinstance(doc, dict) else (lambda name: getattr(doc, name, None))
    return (value(f"{key}_en") or value(key)) if lang == "en" else value(key)


def N_(message: str) -> str:
    """Marks a message id for the catalogs where it is written; translated later, where it is shown."""
    return message
