"""The date-derived fields a standard's rules compare, added to a unit's facts before they are fired.

A rule that says `published: {gt: {date: report_deadline}}` or `between: [{from: formed, to:
published, in: workdays, gt: 20}]` compares a derived number field (scoring.standard.dates);
here each record fact gets the fields the rules name, and the `period` fact (the period, the
run date and every named date) is added when a rule reads it. A standard without such rules
gets its facts back untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.engine.matches import engine_fields, fact_kinds_read
from scoring.standard import Standard
from scoring.standard.dates import Derived, derived_names, derived_value, evaluate_named
from scoring.standard.memo import per_standard
from scoring.store.periods import Period

DATED_KINDS = ("record", "period")


@dataclass(frozen=True)
class _DatePlan:
    derived: dict[str, tuple[tuple[str, Derived], ...]]  # fact kind -> (field name, meaning)
    period_fact: bool

    @property
    def idle(self) -> bool:
        return not self.period_fact and not any(self.derived.values())


@per_standard
def _plan(standard: Standard) -> _DatePlan:
    fields = engine_fields(standard)
    uses_period = "period" in fact_kinds_read(standard)
    return _DatePlan({kind: tuple(derived_names(fields.get(kind, ()))) for kind in DATED_KINDS}, uses_period)


def reads_as_of(standard: Standard) -> bool:
    """Whether the facts the rules see depend on the run's as-of date (a derived date field or the period fact)."""
    return not _plan(standard).idle


def named_dates(standard: Standard, period: Period, as_of: date) -> dict[str, date]:
    return evaluate_named(standard.criteria.dates, period.start, period.end, as_of)


def with_dates(standard: Standard, facts: list[dict[str, Any]], period: Period, as_of: date) -> list[dict[str, Any]]:
    """The facts with the derived date fields the rules compare, and the period fact when a rule reads it."""
    plan = _plan(standard)
    if plan.idle:
        return facts
    named = named_dates(standard, period, as_of)
    records = plan.derived["record"]
    out = [_derived(f, records, named) if records and f.get("fact") == "record" else f for f in facts]
    if plan.period_fact:
        fact = {"fact": "period", "id": "period", "ref": period.code, "code": period.code, "months": period.months,
                "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                "as_of": as_of.isoformat()}
        out.append(_derived(fact, plan.derived["period"], named))
    return out


def _derived(fact: dict[str, Any], specs: tuple[tuple[str, Derived], ...], named: dict[str, date]) -> dict[str, Any]:
    out = dict(fact)
    for name, spec in specs:
        value = derived_value(spec, fact, named)
        if value is not None:
            out[name] = _number(value)
    return out


def _number(value: Decimal) -> int | float:
    """Engines compare JSON numbers: whole days stay exact integers; a month fraction is a float
    (w + r/len with r < len, so comparing it with a whole number of months is exact)."""
    return int(value) if value == value.to_integral_value() else float(value)
