"""Judged points (评定分值, 根据实际情况进行评分): the checks of an imported row and its stored form.

The points must lie within [0, the indicator's max for the unit's type], and the indicator must be
scored by judged points, so a typo never becomes a score; the tally still clamps (and flags) a
value outside the range found in a hand-edited workspace.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from scoring.i18n import _
from scoring.inputs.models import Row
from scoring.standard import Standard


def judged_problems(row: Row, standard: Standard, unit_type: str | None,
                    unknown: Callable[[], str]) -> list[tuple[str, str]]:
    """(column, reason) for a judged row; `unit_type` None: the unit is unknown (reported on its own)."""
    node = standard.indicators.get(row.indicator)
    if node is None:
        return [("indicator", unknown())]
    if node.method != "judged":
        return [("indicator", _("indicator {indicator} is not scored by judged points (its method is {method}); "
                                "write an indicator whose method is judged", indicator=row.indicator,
                                method=node.method or "group"))]
    if unit_type is None:
        return []
    top = node.max_for(unit_type) if standard.applies(row.indicator, unit_type) else None
    if top is None:
        return [("indicator", _("indicator {indicator} does not apply to units of type {type}; "
                                "leave this row out", indicator=row.indicator, type=unit_type))]
    if not Decimal(0) <= row.points <= top:
        return [("points", _("{points} is outside [0, {max}], the points {indicator} can give; "
                             "write a value from 0 to {max}", points=_plain(row.points), max=_plain(top),
                             indicator=row.indicator))]
    return []


def judged_record(row: Row) -> dict[str, Any]:
    """The stored columns that differ from the row: exact points text, '' for no object, a readable id."""
    return {"points": _plain(row.points), "object": row.object or "",
            "id": row.id or "-".join(p for p in ("JG", row.indicator, row.object) if p)}


def _plain(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")
