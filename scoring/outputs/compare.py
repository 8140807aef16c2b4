"""Movement between two periods: rank and score per unit, and which finding codes are new or resolved.

Both periods are read from their latest stored runs (immutable scorecards); finding codes come from
the findings recorded for each period. Only defect codes count as new or resolved: bonus and veto
codes are events, not problems that get fixed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.outputs.results import NoRunError, rank_rows
from scoring.store import Store
from scoring.i18n import _

COLUMNS = ("unit", "name", "group", "rank", "previous_rank", "rank_change", "score", "previous_score",
           "score_change", "grade", "previous_grade", "new_codes", "resolved_codes")


def previous_period(store: Store, period: str) -> str | None:
    """The latest scored period of the same kind (year, half, quarter, month) that starts before `period`."""
    this = store.period(period)
    if this is None:
        return None
    earlier = [p for p in (store.period(code) for code in store.period_codes())
               if p and p["kind"] == this["kind"] and p["start"] < this["start"] and store.latest_run(p["code"])]
    return max(earlier, key=lambda p: p["start"])["code"] if earlier else None


def finding_codes(store: Store, period: str, defects: set[str] | None = None) -> dict[str, set[str]]:
    """unit → the finding codes recorded for it in `period` (only those in `defects`, when given)."""
    found: dict[str, set[str]] = {}
    for row in store.query("select distinct unit, code from findings where period = ?", [period]):
        if defects is None or row["code"] in defects:
            found.setdefault(row["unit"], set()).add(row["code"])
    return found


def signed(value: Decimal) -> str:
    """+1.25, -3.00, 0.00: a score difference with its direction."""
    return "0.00" if value == 0 else format(value, "+.2f")


def movement(store: Store, period: str, other: str, defects: set[str] | None = None) -> list[dict[str, Any]]:
    """One row per unit of `period` (rank order), then units scored only in `other`.

    rank_change is previous rank minus rank (positive: moved up); it is None when the unit was not
    ranked in the same group in `other`. score_change is the final score's difference, signed.
    """
    if period == other:
        raise NoRunError(_("--period and --with both name {period}: compare two different periods", period=period))
    now, before = rank_rows(store, period), rank_rows(store, other)
    codes_now, codes_before = finding_codes(store, period, defects), finding_codes(store, other, defects)
    earlier = {row["unit"]: row for row in before}
    rows = []
    for row in now:
        prev = earlier.get(row["unit"])
        same_group = prev is not None and prev["group"] == row["group"]
        found, was = codes_now.get(row["unit"], set()), codes_before.get(row["unit"], set())
        rows.append({
            "unit": row["unit"], "name": row["name"], "group": row["group"],
            "rank": row["rank"], "previous_rank": prev["rank"] if prev else None,
            "rank_change": prev["rank"] - row["rank"] if same_group else None,
            "score": row["score"], "previous_score": prev["score"] if prev else None,
            "score_change": signed(Decimal(row["score"]) - Decimal(prev["score"])) if prev else None,
            "grade": row["grade"], "previous_grade": prev["grade"] if prev else None,
            "new_codes": sorted(found - was) if prev else sorted(found),
            "resolved_codes": sorted(was - found) if prev else [],
        })
    scored = {row["unit"] for row in now}
    for prev in before:
        if prev["unit"] not in scored:
            rows.append({"unit": prev["unit"], "name": prev["name"], "group": prev["group"], "rank": None,
                         "previous_rank": prev["rank"], "rank_change": None, "score": None,
                         "previous_score": prev["score"], "score_change": None, "grade": None,
                         "previous_grade": prev["grade"], "new_codes": [],
                         "resolved_codes": sorted(codes_before.get(prev["unit"], set()))})
    return rows
