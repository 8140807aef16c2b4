"""Does a row name what the workspace knows: its units, periods, objects, indicators, codes, metrics and kinds?

Shared by file imports and the web's forms (one check, one message, whichever way a row arrives).
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field
from typing import Any

from scoring.i18n import _
from scoring.inputs.judged import judged_problems
from scoring.inputs.models import Row
from scoring.inputs.objects import object_kind_problem, object_problem
from scoring.standard import Standard
from scoring.standard.words import has_chinese
from scoring.store.periods import Period, PeriodError, parse_period

@functools.lru_cache(maxsize=1024)
def _period(text: str) -> Period:
    """parse_period, remembered: a file names the same few periods on every row (errors are not cached)."""
    return parse_period(text)


def suggest(value: str, known: Any) -> str:
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.5)
    return _("; did you mean {value}?", value=close[0]) if close else ""


@dataclass
class Names:
    """What the workspace knows, to check references in rows."""

    standard: Standard
    units: set[str]
    periods: set[str]
    objects: dict[str, tuple[str, bool]] = field(default_factory=dict)  # object code -> (its unit, in use)
    unit_types: dict[str, str] = field(default_factory=dict)  # unit code -> type, for maxima by type (judged)


def reference_problems(kind: str, row: Row, names: Names) -> list[tuple[str, str]]:
    """(column, reason) for every name in the row that the workspace does not know."""
    criteria = names.standard.criteria
    if kind == "units":
        words = names.standard.unit_type_words
        if words.code(row.type) is None:
            known = "、".join(words.known(True)) if has_chinese(row.type) else ", ".join(words.known(False))
            return [("type", _("unknown unit type {value!r}{hint} (known: {known})", value=row.type,
                               hint=words.hint(row.type), known=known))]
        return []
    if kind == "objects":
        return [p for p in (_unit_problem(row.unit, names), object_kind_problem(row.kind, names.standard)) if p]
    problems = [p for p in (_unit_problem(row.unit, names), _period_problem(getattr(row, "period", None), names)) if p]
    if getattr(row, "object", None) is not None:
        problems += [p for p in (object_problem(row.object, row.unit, names.objects),) if p]
    if kind == "findings":
        problems += _finding_problems(row, names)
    elif kind == "self-assessments" and names.standard.indicator_words.code(row.indicator) is None:
        problems.append(("indicator", _unknown_indicator(row.indicator, names)))
    elif kind == "records":
        problems += _record_problems(row, names)
    elif kind == "judged":
        problems += judged_problems(row, names.standard, names.unit_types.get(row.unit),
                                    lambda: _unknown_indicator(row.indicator, names))
    elif kind == "metrics" and row.metric not in criteria.metrics:
        problems.append(("metric", _("unknown metric {value!r}{hint} (known: {known})", value=row.metric,
                                     hint=suggest(row.metric, criteria.metrics), known=", ".join(criteria.metrics))))
    return problems


def _record_problems(row: Row, names: Names) -> list[tuple[str, str]]:
    criteria = names.standard.criteria
    problems = []
    if row.kind not in criteria.record_kinds:
        problems.append(("kind", _("unknown record kind {value!r}{hint} (known: {known})", value=row.kind,
                                   hint=suggest(row.kind, criteria.record_kinds),
                                   known=", ".join(criteria.record_kinds) or _("none: the standard declares no record_kinds"))))
    if row.column_type and row.column_type not in criteria.column_types:
        problems.append(("column_type", _("unknown column type {value!r}{hint} (known: {known})", value=row.column_type,
                                          hint=suggest(row.column_type, criteria.column_types),
                                          known=", ".join(criteria.column_types) or _("none"))))
    return problems


def _unit_problem(unit: str, names: Names) -> tuple[str, str] | None:
    if unit in names.units:
        return None
    # No command in the words: the web shows this too (import the unit list first, by file or page).
    return ("unit", _("unknown unit {value!r}{hint}; import it in the unit list first", value=unit,
                      hint=suggest(unit, names.units)))


def _unknown_indicator(indicator: str, names: Names) -> str:
    words = names.standard.indicator_words  # a Chinese name is answered with the nearest Chinese name
    hint = words.hint(indicator) if has_chinese(indicator) else suggest(indicator, names.standard.indicators)
    return _("unknown indicator {value!r}{hint}", value=indicator, hint=hint)


def _period_problem(period: str, names: Names) -> tuple[str, str] | None:
    try:
        if _period(period).code in names.periods:
            return None
    except PeriodError as exc:
        return ("period", str(exc))
    return ("period", _("unknown period {value!r}{hint}; an administrator adds it to the workspace first",
                        value=period, hint=suggest(period, names.periods)))


def _code_problem(code: str, names: Names) -> tuple[str, str] | None:
    words = names.standard.finding_code_words
    if words.code(code) is not None:
        return None
    return ("code", _("unknown finding code {value!r}{hint}", value=code, hint=words.hint(code)))


def raw_name_problems(kind: str, raw: dict[str, Any], names: Names, failed: set[str]) -> list[tuple[str, str]]:
    """Unknown names in a row that did not validate, in the columns that did: every problem of a row in one go."""
    if kind == "units":
        return []
    checks = {"unit": _unit_problem, "period": _period_problem}
    if kind == "findings":  # upper-cased, as FindingRow does
        checks["code"] = lambda value, names: _code_problem(value.upper(), names)
    texts = {column: raw[column].strip() for column in checks
             if column not in failed and isinstance(raw.get(column), str)}
    return [p for column, text in texts.items() if text and (p := checks[column](text, names))]


def _finding_problems(row: Row, names: Names) -> list[tuple[str, str]]:
    unknown = _code_problem(row.code, names)
    if unknown:
        return [unknown]
    code = names.standard.criteria.finding_codes[names.standard.finding_code_words.code(row.code)]
    indicator = names.standard.indicator_words.code(row.indicator) if row.indicator else None  # 办事服务“七公开” is C3
    if code.indicator == "given":
        if not row.indicator:
            return [("indicator", _("finding {code} needs the indicator it concerns (for example C3)", code=row.code))]
        if indicator is None:
            return [("indicator", _unknown_indicator(row.indicator, names))]
    elif row.indicator and indicator != code.indicator:
        if code.indicator:
            return [("indicator", _("finding {code} always concerns {indicator}; leave the column empty or write "
                                    "{indicator}", code=row.code, indicator=code.indicator))]
        return [("indicator", _("finding {code} concerns no indicator (it is an event); leave the column empty",
                                code=row.code))]
    try:
        period = _period(row.period)
    except PeriodError:
        return []
    if not period.contains(row.date):
        return [("date", _("{date} is outside period {period} ({start} to {end})", date=row.date, period=period.code,
                           start=period.start, end=period.end))]
    return []
