"""Aggregates: the tally's arithmetic between the engine's two passes (counts, sums, shares per group).

The engine has already chosen the facts (each aggregate's selection rules, scoring.engine.matches);
here they are grouped by the aggregate's `per` keys, empty groups are filled in (declared values,
every window of the period) and one `aggregate` fact per group is made. The rule that reads it
compares its value in the engine's second pass, like any other condition.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, localcontext
from itertools import product
from typing import Any

from scoring.engine.expressions import PRECISION
from scoring.engine.matches import WHERE_MARK, Match, is_aggregate_selection
from scoring.standard import Standard
from scoring.standard.dates import add_months
from scoring.standard.schema import Aggregate, Per
from scoring.store.periods import Period

SHOWN_MEMBERS = 20  # refs an aggregate fact lists before "…共 N 条"
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6}


def selections(matches: list[Match]) -> tuple[list[Match], list[Match]]:
    """Split a pass's matches into the rules' own and the aggregates' selections."""
    own, selected = [], []
    for m in matches:
        (selected if is_aggregate_selection(m.rule) else own).append(m)
    return own, selected


def windows(every: str, start: date, end: date) -> list[tuple[date, date]]:
    """Every calendar window of the kind from start to end (a half month: the 1st–15th, the 16th–end)."""
    out = []
    day = start
    while day <= end:
        if every == "day":
            last = day
        elif every == "half_month":
            last = day.replace(day=15) if day.day <= 15 else add_months(day.replace(day=1), 1) - timedelta(days=1)
        else:
            first = day.replace(day=1)
            last = add_months(first, _MONTHS[every]) - timedelta(days=1)
        out.append((day, min(last, end)))
        day = last + timedelta(days=1)
    return out


def aggregate_facts(standard: Standard, selected: list[Match], period: Period) -> list[dict[str, Any]]:
    """One fact per group of every aggregate of the standard, in rule then group order."""
    chosen: dict[str, list[dict[str, Any]]] = {}
    for m in selected:
        (fact,) = m.facts.values()
        chosen.setdefault(m.rule, []).append(fact)
    out: list[dict[str, Any]] = []
    for src in standard.rules:
        for alias, agg in src.rule.aggregates.items():
            base = f"{src.rule.id}{'~agg~'}{alias}"
            members = sorted(chosen.get(base, []), key=lambda f: f["id"])
            numerator = {f["id"] for f in chosen.get(base + WHERE_MARK, [])}
            out.extend(_facts(f"{src.rule.id}.{alias}", agg, members, numerator, period))
    return out


def _facts(name: str, agg: Aggregate, members: list[dict], numerator: set[str], period: Period) -> list[dict]:
    groups: dict[tuple, list[dict]] = {key: [] for key in _empty_groups(agg.per, period)}
    for fact in members:
        keys = [_key(per, fact) for per in agg.per]
        # A fact opens every window for its field keys (a column updated once has 23 empty half months);
        # one without the window's date (a column never updated) opens them and counts in none.
        fields = {i: k for i, (per, k) in enumerate(zip(agg.per, keys)) if per.field is not None}
        for key in _empty_groups(agg.per, period, fixed=fields):
            groups.setdefault(key, [])
        if any(k is _NONE for k in keys):
            continue
        if any(per.every is not None and not period.contains(k) for per, k in zip(agg.per, keys)):
            continue  # dated outside the period: in none of its windows
        groups.setdefault(tuple(keys), []).append(fact)
    if not agg.per and not groups:
        groups[()] = []
    out = []
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        value = _value(agg, groups[key], numerator)
        if value is None:
            continue
        out.append(_fact(name, agg.per, key, value, groups[key]))
    return out


_NONE = object()


def _key(per: Per, fact: dict[str, Any]) -> Any:
    if per.field is not None:
        value = fact.get(per.field)
        return "" if value is None else str(value)
    day = fact.get(per.date)
    return _NONE if not day else window_start(per.every, date.fromisoformat(str(day)))


def window_start(every: str, day: date) -> date:
    if every == "day":
        return day
    if every == "half_month":
        return day.replace(day=1 if day.day <= 15 else 16)
    months = _MONTHS[every]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _empty_groups(pers: tuple[Per, ...], period: Period, fixed: dict[int, Any] | None = None) -> list[tuple]:
    """Groups that exist with no fact: declared field values, every window of the period.

    With a field that declares no values, no empty group exists unless a fact fixes that key."""
    axes: list[list[Any]] = []
    for i, per in enumerate(pers):
        if fixed is not None and i in fixed:
            axes.append([fixed[i]])
        elif per.every is not None:
            axes.append([start for start, _ in windows(per.every, period.start, period.end)])
        else:
            axes.append(list(per.values))
    return [tuple(k) for k in product(*axes)] if pers else []


def _value(agg: Aggregate, facts: list[dict], numerator: set[str]) -> Decimal | None:
    """The group's exact value; None (no fact) for a share, max or min of nothing."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if agg.aggregate == "count":
            return Decimal(len(facts))
        weights = [_number(f.get(agg.field)) if agg.field else Decimal(1) for f in facts]
        if agg.aggregate == "sum":
            return sum(weights, Decimal(0))
        if agg.aggregate == "share":
            whole = sum(weights, Decimal(0))
            part = sum((w for f, w in zip(facts, weights) if f["id"] in numerator), Decimal(0))
            return part / whole if whole else None
        if not facts:
            return None
        return max(weights) if agg.aggregate == "max" else min(weights)


def _number(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _fact(name: str, pers: tuple[Per, ...], key: tuple, value: Decimal, members: list[dict]) -> dict[str, Any]:
    fact: dict[str, Any] = {"fact": "aggregate", "name": name, "value": _engine_number(value)}
    labels = []
    for per, k in zip(pers, key):
        if per.field is not None:
            fact[per.field] = k
            labels.append(k or "（空）")
        else:
            start, end = next(w for w in windows(per.every, k, k + timedelta(days=366)) if w[0] == k)
            fact["window_start"], fact["window_end"] = start.isoformat(), end.isoformat()
            labels.append(start.isoformat() if start == end else f"{start.isoformat()}~{end.isoformat()}")
    refs = [str(f.get("ref") or f["id"]) for f in members]
    shown = "、".join(refs[:SHOWN_MEMBERS]) + (f" …共 {len(refs)} 条" if len(refs) > SHOWN_MEMBERS else "")
    group = " ".join(labels)
    fact["id"] = f"agg:{name}:{group}"
    fact["ref"] = f"{name}{' ' + group if group else ''} = {_show(value)}" + (f"（{shown}）" if refs else "")
    fact["exact_value"] = str(value)
    return fact


def _engine_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _show(value: Decimal) -> str:
    return format(round(value, 4).normalize(), "f")
