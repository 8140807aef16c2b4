"""Rectification items (整改事项): statuses, deadlines, overdue, and the facts the rules see of them.

An item's id follows from its finding (R-<finding id>). Items are issued when the finding is
recorded (scoring.engine.orders) and read by runs.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from scoring.store.periods import Period
from scoring.standard.vocabulary import STATUS_CODES
from scoring.i18n import _

if TYPE_CHECKING:  # an annotation only: the schema's pydantic models are not needed to read a status
    from scoring.standard.schema import Rectify

STATUSES = STATUS_CODES
DONE = frozenset({"rectified", "verified"})
WITHDRAWN = "withdrawn"  # the finding was withdrawn: the item is kept, never deleted, and counts nowhere
LISTED_STATUSES = (*STATUSES, WITHDRAWN)


class DeadlineError(ValueError):
    pass


def add_workdays(start: date, workdays: int) -> date:
    """The date `workdays` mainland-China working days after start (holidays and 调休 make-up days counted)."""
    import chinese_calendar  # kept local: only working-day deadlines need the holiday tables

    day = start
    remaining = workdays
    while remaining > 0:
        day += timedelta(days=1)
        try:
            if chinese_calendar.is_workday(day):
                remaining -= 1
        except NotImplementedError:
            raise DeadlineError(_(
                "no official holiday calendar for {year} yet; a working-day deadline after {start} "
                "cannot be computed (update chinesecalendar, or use deadline_days)", year=day.year, start=start)) from None
    return day


def deadline(rectify: Rectify, found: date) -> date:
    if rectify.deadline_days is not None:
        return found + timedelta(days=rectify.deadline_days)
    return add_workdays(found, rectify.deadline_workdays or 0)


def item_id(finding_ref: str) -> str:
    return f"R-{finding_ref}"


# Deadlines repeat (a province's items fall due on a few hundred days): each parsed once.
_day = lru_cache(maxsize=4096)(date.fromisoformat)


def is_overdue(item: dict[str, Any], status: str, period: Period, as_of: date) -> bool:
    """Overdue in P as of D: deadline on or before D and inside P, and not rectified or verified."""
    return fallen_due(item["deadline"], period, as_of) and status not in DONE


def overdue_in(come: dict[str, bool], deadline: str, status: str, period: Period, as_of: date) -> bool:
    """is_overdue, with whether each deadline has come (fallen_due) looked up in `come` and added to it once:
    a run's units share one for their period and as-of date (their items fall due on a few hundred days)."""
    due = come.get(deadline)
    if due is None:
        due = come[deadline] = fallen_due(deadline, period, as_of)
    return due and status not in DONE


def fallen_due(deadline: str, period: Period, as_of: date) -> bool:
    """The deadline has come by D, inside P (an item then is overdue unless rectified or verified)."""
    day = _day(deadline)
    return day <= as_of and period.contains(day)


def days_late(item: dict[str, Any]) -> int:
    """Days between the deadline and the day the item was rectified, when that was after it (逾期整改); else 0."""
    done = item.get("rectified_on")
    if not done or item.get("status") not in DONE:
        return 0
    return max(0, (date.fromisoformat(done[:10]) - date.fromisoformat(item["deadline"])).days)


def rectification_facts(items: list[dict[str, Any]], statuses: dict[str, str], period: Period,
                        as_of: date) -> list[dict[str, Any]]:
    facts = []
    for item in items:
        status = statuses.get(item["id"], item.get("status") or "open")
        facts.append({"fact": "rectification", "id": "rectification:" + item["id"], "ref": item["id"],
                      "indicator": item["indicator"], "finding": item["finding"], "rule": item["rule"],
                      "deadline": item["deadline"], "status": status, "period": item["period"],
                      "overdue": is_overdue(item, status, period, as_of)})
    return facts


# The item fields a group of items may be alike in: those an item shares with many others (its deadline,
# finding, title and id are its own). scoring.engine.matches.item_group_key picks those a standard's rules read.
GROUPABLE = ("overdue", "status", "indicator", "rule", "period")


def grouped_rectification_facts(items: list[dict[str, Any]], period: Period, as_of: date,
                                key: tuple[str, ...], come: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    """The items as one fact per group alike in the `key` fields (some of GROUPABLE), as findings are grouped: a
    group's fact holds those fields as each item's own fact (rectification_facts) would, how many items
    (`members`, and `count`, which per-match and per-count amounts are multiplied by) and every item's id in
    order (`refs`, which explanations cite); its id is its first item's, so matches sort as the items' would.

    `come`: deadline -> whether it has come, inside the period, by as_of (is_overdue's part of it), filled as
    deadlines are met; a caller grouping many units' items for one period and as-of date may share one."""
    pick = itemgetter(*(GROUPABLE.index(name) for name in key)) if key else (lambda values: ())
    come = {} if come is None else come
    groups: dict[Any, tuple[tuple, list[str]]] = {}
    for item in items:
        status = item.get("status") or "open"
        values = (overdue_in(come, item["deadline"], status, period, as_of), status, item["indicator"], item["rule"],
                  item["period"])
        group_key = pick(values)
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = (values, [])
        group[1].append(item["id"])
    facts = []
    for values, refs in groups.values():
        refs.sort()
        fact = {"fact": "rectification", "id": "rectification:" + refs[0], "ref": refs[0], "refs": refs,
                "members": len(refs), "count": len(refs)}
        fact.update((name, values[GROUPABLE.index(name)]) for name in key)
        facts.append(fact)
    facts.sort(key=lambda fact: fact["ref"])
    return facts
