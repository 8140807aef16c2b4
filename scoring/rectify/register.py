"""The rectification register (整改清单): listing items and moving them through their lifecycle.

Items are issued when their finding is recorded (scoring.engine.orders); here people follow them up.
Every status change is kept as history with who, when, note and evidence, and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pathlib import Path

from pydantic import ValidationError

from scoring.inputs.models import RectificationUpdateRow
from scoring.inputs.readers import ReadError, read_records
from scoring.inputs.cells import column_label, where
from scoring.rectify.items import DONE, LISTED_STATUSES, STATUSES, WITHDRAWN, days_late  # noqa: F401 (LISTED_STATUSES)
from scoring.store import Store
from scoring.i18n import _, current_lang, status_name
from scoring.inputs.reasons import reason

UPDATE_HEADERS = {"编号": "id", "整改事项编号": "id", "状态": "status", "整改状态": "status", "说明": "note",
                  "整改情况": "note", "佐证": "evidence", "日期": "date"}

# Which status may follow which: verified (销号) is final unless a re-inspection reopens it.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "rectified"}),
    "in_progress": frozenset({"rectified"}),
    "rectified": frozenset({"verified", "reopened"}),
    "verified": frozenset({"reopened"}),
    "reopened": frozenset({"in_progress", "rectified"}),
    WITHDRAWN: frozenset(),  # its finding was withdrawn: nothing more to do (restored only with the finding)
}


class RegisterError(ValueError):
    pass


def is_past_due(item: dict[str, Any], as_of: date) -> bool:
    """Overdue as the standard counts it for M2: deadline on or before the date, and not rectified or verified."""
    return (date.fromisoformat(item["deadline"]) <= as_of and item["status"] not in DONE
            and item["status"] != WITHDRAWN)


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
                     "owner": owner_of(item), "overdue": late, "late_days": days_late(item)})
    return rows


def owner_of(item: dict[str, Any]) -> str:
    """Who answers for an item: the unit, and the person named for it if one was."""
    return f"{item['unit']}/{item['owner']}" if item.get("owner") else item["unit"]


def assign_owner(store: Store, item_id: str, person: str) -> dict[str, Any]:
    with store.transaction():
        item = show_item(store, item_id)
        store.set_rectification_owner(item_id, person)
        store.audit("rectify owner", target=item_id, owner=person, previous=item.get("owner") or "")
    return show_item(store, item_id)


def show_item(store: Store, item_id: str) -> dict[str, Any]:
    rows = store.rectifications("id = ?", [item_id])
    if not rows:
        raise RegisterError(_("no rectification item {value!r}; see `scoring rectify list`", value=item_id))
    return {**rows[0], "history": store.rectification_history(item_id)}


def check_transition(item_id: str, current: str, status: str) -> None:
    allowed = TRANSITIONS[current]
    if current == WITHDRAWN:
        raise RegisterError(_("{item} is withdrawn (its finding was withdrawn); its status cannot change", item=item_id))
    if status not in allowed:
        raise RegisterError(_("{item} is {current}: it can move to {allowed}, not {status}", item=item_id,
                              current=status_name(current, current_lang()), status=status_name(status, current_lang()),
                              allowed=(", " if current_lang() == "en" else "、").join(
                                  status_name(s, current_lang()) for s in sorted(allowed))))


def import_updates(store: Store, path: Path, encoding: str | None = None) -> int:
    """Apply a file of status changes, in file order, all or nothing; returns how many were applied."""
    problems: list[str] = []
    changes: list[RectificationUpdateRow] = []
    current: dict[str, str] = {}
    try:
        for number, record in read_records(path, encoding):
            raw = {UPDATE_HEADERS.get(str(k).strip(), str(k).strip().lower()): v for k, v in record.items() if k}
            try:
                row = RectificationUpdateRow.model_validate({k: v for k, v in raw.items() if v is not None})
            except ValidationError as exc:
                problems += [where(path.name, number, column_label(".".join(map(str, e["loc"])), None, UPDATE_HEADERS))
                             + reason(e, UPDATE_HEADERS) for e in exc.errors(include_url=False)]
                continue
            if row.id not in current:
                found = store.rectifications("id = ?", [row.id])
                if not found:
                    problems.append(where(path.name, number, column_label("id", None, UPDATE_HEADERS)) + _("no rectification item {value!r}; see "
                                                                       "`scoring rectify list`", value=row.id))
                    continue
                current[row.id] = found[0]["status"]
            try:
                check_transition(row.id, current[row.id], row.status)
            except RegisterError as exc:
                problems.append(where(path.name, number, column_label("status", None, UPDATE_HEADERS)) + str(exc))
                continue
            current[row.id] = row.status
            changes.append(row)
    except ReadError as exc:
        raise RegisterError("\n".join(exc.problems)) from None
    if problems:
        raise RegisterError("\n".join(problems))
    with store.transaction():
        for row in changes:
            store.set_rectification_status(row.id, row.status, row.note or "", row.evidence or "",
                                           row.date.isoformat() if row.date else None)
            store.audit("rectify update", target=row.id, status=row.status, note=row.note or "",
                        evidence=row.evidence or "", file=path.name)
    return len(changes)


def update_status(store: Store, item_id: str, status: str, note: str = "", evidence: str = "") -> dict[str, Any]:
    if status not in STATUSES:
        raise RegisterError(_("unknown status {value!r}; use one of {statuses}", value=status, statuses=", ".join(STATUSES)))
    with store.transaction():
        item = show_item(store, item_id)
        check_transition(item_id, item["status"], status)
        store.set_rectification_status(item_id, status, note, evidence)
        store.audit("rectify update", target=item_id, status=status, previous=item["status"], note=note,
                    evidence=evidence)
    return show_item(store, item_id)
