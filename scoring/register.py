"""The rectification register (整改清单): listing items and moving them through their lifecycle.

Items are created by scoring runs (see scoring.rectification); here people follow them up.
Every status change is kept as history with who, when, note and evidence, and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.rectification import DONE, STATUSES
from scoring.store import Store

# Which status may follow which: verified (销号) is final unless a re-inspection reopens it.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "rectified"}),
    "in_progress": frozenset({"rectified"}),
    "rectified": frozenset({"verified", "reopened"}),
    "verified": frozenset({"reopened"}),
    "reopened": frozenset({"in_progress", "rectified"}),
}


class RegisterError(ValueError):
    pass


def is_past_due(item: dict[str, Any], as_of: date) -> bool:
    """The deadline has passed (the deadline day itself is still in time) and the item is not done."""
    return date.fromisoformat(item["deadline"]) < as_of and item["status"] not in DONE


def list_items(store: Store, period: str | None = None, unit: str | None = None, status: str | None = None,
               overdue: bool = False, as_of: date | None = None) -> list[dict[str, Any]]:
    clauses, params = [], []
    for column, value in (("period", period), ("unit", unit), ("status", status)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    as_of = as_of or date.today()
    rows = []
    for item in store.rectifications(" and ".join(clauses) or "1", params):
        late = is_past_due(item, as_of)
        if overdue and not late:
            continue
        rows.append({"id": item["id"], "unit": item["unit"], "period": item["period"], "indicator": item["indicator"],
                     "finding": item["finding"], "rule": item["rule"], "title": item["title"],
                     "note": item["note"] or "", "deadline": item["deadline"], "status": item["status"],
                     "overdue": late})
    return rows


def show_item(store: Store, item_id: str) -> dict[str, Any]:
    rows = store.rectifications("id = ?", [item_id])
    if not rows:
        raise RegisterError(f"no rectification item {item_id!r}; see `scoring rectify list`")
    return {**rows[0], "history": store.rectification_history(item_id)}


def update_status(store: Store, item_id: str, status: str, note: str = "", evidence: str = "") -> dict[str, Any]:
    if status not in STATUSES:
        raise RegisterError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    with store.transaction():
        item = show_item(store, item_id)
        allowed = TRANSITIONS[item["status"]]
        if status not in allowed:
            raise RegisterError(f"{item_id} is {item['status']}: it can move to {', '.join(sorted(allowed))}, "
                                f"not {status}")
        store.set_rectification_status(item_id, status, note, evidence)
        store.audit("rectify update", target=item_id, status=status, previous=item["status"], note=note,
                    evidence=evidence)
    return show_item(store, item_id)
