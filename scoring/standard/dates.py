"""Dates a rule may compare: named dates relative to the period, and durations between two dates.

The one evaluator of date arithmetic. A rule never compares dates itself: the facts builder
adds *derived fields* (numbers) to a fact, and the engine compares those numbers like any other
field. Two spellings, both plain field names so every engine backend sees ordinary fields:

* `FIELD__minus__DATE`: days from the named date DATE to the fact's FIELD (positive = later),
  e.g. `published__minus__report_deadline: {gt: 0}` = published after the deadline.
* `FROM__to__TO__UNIT` (`UNIT` = days | workdays | months), optionally `__or__as_of` /
  `__or__period_end`: the duration from FROM to TO, with TO taken as the run date or the
  period's end when the fact has none (a message not yet answered).

A fact without one of the dates gets no derived field, so it matches no condition on it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable

from scoring.i18n import _

NAME = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"  # no double underscore: it separates the parts of a derived field
# Dates every period has, usable wherever a named date is.
PERIOD_DATES = ("period_start", "period_end", "as_of")
UNITS = ("days", "workdays", "months")
MISSING_TO = ("as_of", "period_end")


class DateError(ValueError):
    """A date the rules need cannot be computed (chinesecalendar has no holidays for that year)."""


def is_workday(day: date) -> bool:
    import chinese_calendar  # kept local like scoring.rectify.items: only working-day rules need it

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise DateError(_("chinesecalendar has no holidays for {year}, so working days cannot be counted; update it "
                          "(pip install -U chinesecalendar)", year=day.year)) from None


def add_months(day: date, months: int) -> date:
    """Calendar months later (or earlier); the 31st becomes the month's last day when the month is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_workdays(day: date, workdays: int) -> date:
    """`workdays` mainland working days after day (before it when negative)."""
    step = timedelta(days=1 if workdays >= 0 else -1)
    remaining = abs(workdays)
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days d with start < d ≤ end ("within 20 working days" ⇔ ≤ 20); negative when end < start."""
    if end < start:
        return -workdays_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=n)))


def months_between(start: date, end: date) -> Decimal:
    """Whole calendar months plus the fraction of the next month: > 3 exactly when end is after start + 3 months."""
    if end < start:
        return -months_between(end, start)
    whole = (end.year - start.year) * 12 + end.month - start.month
    while whole > 0 and add_months(start, whole) > end:
        whole -= 1
    base = add_months(start, whole)
    length = (add_months(start, whole + 1) - base).days
    return Decimal(whole) + Decimal((end - base).days) / Decimal(length)


def duration(start: date, end: date, unit: str) -> Decimal:
    if unit == "days":
        return Decimal((end - start).days)
    if unit == "workdays":
        return Decimal(workdays_between(start, end))
    return months_between(start, end)


def next_month_day(after: date, month: int, day: int) -> date:
    """The first `month`-`day` strictly after `after` (29 February falls back to the 28th in other years)."""
    for year in (after.year, after.year + 1):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate > after:
            return candidate
    raise AssertionError("a month-day recurs within a year")


@dataclass(frozen=True)
class Derived:
    """What a derived field means: FIELD minus a named date, or a duration between two date fields."""

    kind: str  # "minus" | "between"
    field: str  # minus: the fact's date field; between: the start field
    other: str  # minus: the named date; between: the end field
    unit: str = "days"
    missing_to: str | None = None


def parse_derived(name: str) -> Derived | None:
    """The meaning of a derived field name, or None for an ordinary field."""
    parts = name.split("__")
    if len(parts) == 3 and parts[1] == "minus":
        return Derived("minus", parts[0], parts[2])
    if len(parts) in (4, 6) and parts[1] == "to" and parts[3] in UNITS:
        missing = None
        if len(parts) == 6:
            if parts[4] != "or" or parts[5] not in MISSING_TO:
                return None
            missing = parts[5]
        return Derived("between", parts[0], parts[2], parts[3], missing)
    return None


def between_field(start: str, end: str, unit: str, missing_to: str | None = None) -> str:
    return f"{start}__to__{end}__{unit}" + (f"__or__{missing_to}" if missing_to else "")


def minus_field(field: str, named: str) -> str:
    return f"{field}__minus__{named}"


def derived_value(spec: Derived, fact: dict, named: dict[str, date]) -> Decimal | None:
    """The derived field's value for one fact, or None when a date it needs is missing."""
    start = _day(fact.get(spec.field))
    if start is None:
        return None
    if spec.kind == "minus":
        return Decimal((start - named[spec.other]).days)
    end = _day(fact.get(spec.other))
    if end is None and spec.missing_to:
        end = named[spec.missing_to]
    return None if end is None else duration(start, end, spec.unit)


def _day(value: object) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def evaluate_named(definitions: dict, period_start: date, period_end: date, as_of: date) -> dict[str, date]:
    """Every named date of the criteria (`dates:`) plus the period's own, for one period and run date."""
    named = {"period_start": period_start, "period_end": period_end, "as_of": as_of}
    for key, d in definitions.items():
        day = named[d.from_]
        if d.add is not None:
            day = shift(day, d.add)
        if d.next is not None:
            day = next_month_day(day, d.next.month, d.next.day)
        named[key] = day
    return named


def shift(day: date, by) -> date:
    if by.years is not None:
        return add_months(day, 12 * by.years)
    if by.months is not None:
        return add_months(day, by.months)
    if by.weeks is not None:
        return day + timedelta(weeks=by.weeks)
    if by.days is not None:
        return day + timedelta(days=by.days)
    return add_workdays(day, by.workdays)


def derived_names(names: Iterable[str]) -> list[tuple[str, Derived]]:
    return [(name, spec) for name in sorted(names) if (spec := parse_derived(name)) is not None]
