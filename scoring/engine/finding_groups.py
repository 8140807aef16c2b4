"""A unit's findings as one fact per group alike in every field a rule compares (matches.FINDING_GROUP).

The engine sees ≈37 finding facts a unit instead of ≈100. A group's fact carries the summed count,
how many findings (members, which the tally multiplies per-match amounts by) and every finding's id
(refs, which explanations cite); its id is its first finding's, so matches sort as the findings' would.

The facts SQL reads each unit's findings as one JSON array of narrow rows (scoring.engine.facts: id,
code, indicator, corrected_on_spot, count) and they are grouped here: cheaper than grouping them in
SQL, which sorts every row first, and than reading them a row at a time. Within a unit the kind follows from
the code and the applicability from the indicator (the unit's type is fixed), so a group's key is
(code, indicator, corrected_on_spot), and the kind and applicability are looked up once a group.
"""

from __future__ import annotations

from typing import Any, Iterable


def group_findings(rows: Iterable[list]) -> dict[tuple, list]:
    """A unit's findings ([id, code, indicator, corrected_on_spot, count] each) -> per key, [summed count, ids...]."""
    groups: dict[tuple, list] = {}
    for ident, code, indicator, on_spot, count in rows:
        key = (code, indicator, on_spot)
        group = groups.get(key)
        if group is None:
            groups[key] = [count, ident]
            continue
        group.append(ident)
        if count is not None:
            group[0] = count if group[0] is None else group[0] + count
    return groups


def finding_facts(groups: dict[tuple, list], kinds: dict[str, str], applicable: frozenset) -> list[dict[str, Any]]:
    """One unit's groups as facts, as the SQL that once grouped them wrote them: findings of a code the criteria
    do not know are left out; groups in (code, indicator, corrected_on_spot) order, NULL first; a group's refs
    in id order; a count only where some finding has one. `applicable`: the indicators that apply to the unit."""
    facts = []
    for key in _ordered([key for key in groups if key[0] in kinds]):
        code, indicator, on_spot = key
        group = groups[key]
        refs = group[1:]
        refs.sort()
        first = refs[0]
        fact = {"fact": "finding", "id": "finding:" + first, "ref": first, "refs": refs, "members": len(refs),
                "code": code, "kind": kinds[code]}
        if indicator is not None:
            fact["indicator"] = indicator
        if group[0] is not None:
            fact["count"] = group[0]
        fact["corrected_on_spot"] = on_spot != 0 if type(on_spot) is int else sql_true(on_spot)
        fact["applicable"] = indicator in applicable
        facts.append(fact)
    return facts


def previous_facts(groups: dict[tuple, list], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """One unit's findings of the period before as one fact per (code, indicator) of a defect, as the SQL that
    once grouped them wrote them: in (code, indicator) order, NULL first; the ids in id order joined by 、;
    the summed count and the latest date, each only where some finding has one; no indicator reads as ''."""
    facts = []
    for key in _ordered([key for key in groups if kinds.get(key[0]) == "defect"]):
        code, indicator = key
        group = groups[key]
        refs = group[2:]
        refs.sort()
        indicator = "" if indicator is None else indicator
        fact = {"fact": "previous_finding", "id": f"previous:{code}:{indicator}", "ref": "、".join(refs),
                "code": code, "kind": "defect", "indicator": indicator}
        if group[0] is not None:
            fact["count"] = group[0]
        if group[1] is not None:
            fact["date"] = group[1]
        facts.append(fact)
    return facts


def group_previous(rows: Iterable[list]) -> dict[tuple, list]:
    """A unit's findings of the period before ([id, code, indicator, count, date] each) -> per (code, indicator),
    [summed count, latest date, ids...]."""
    groups: dict[tuple, list] = {}
    for ident, code, indicator, count, day in rows:
        key = (code, indicator)
        group = groups.get(key)
        if group is None:
            groups[key] = [count, day, ident]
            continue
        group.append(ident)
        if count is not None:
            group[0] = count if group[0] is None else group[0] + count
        if day is not None and (group[1] is None or day > group[1]):
            group[1] = day
    return groups


def _ordered(keys: list[tuple]) -> list[tuple]:
    # Python's own tuple order is SQLite's wherever it does not raise: texts by code point (SQLite's BINARY
    # order of UTF-8), numbers by value. Only a NULL or a text compared with a number raises: then SQLite's
    # order of types decides, NULL before numbers before text before blobs.
    try:
        keys.sort()
    except TypeError:
        keys.sort(key=_sql_order)
    return keys


def _sql_order(key: tuple) -> tuple:
    return tuple(_sql_rank(value) for value in key)


def _sql_rank(value: Any) -> tuple:
    if value is None:
        return (0,)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, value) if isinstance(value, str) else (3, bytes(value))


def sql_true(value: Any) -> bool:
    """SQLite's truth of a value (CASE WHEN value): a non-zero number, or text that reads as one."""
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    try:
        return float(str(value).strip()) != 0
    except ValueError:
        return False
