"""Read a stored run: rank rows, scorecards and the feed, in the shapes of design/interfaces.md."""

from __future__ import annotations

import json
from typing import Any, Iterator

from scoring.store import Store
from scoring.store.rundocs import RUN_UNITS, decode_document
from scoring.store.lifecycle import state_of
from scoring.i18n import N_, _, said


class NoRunError(LookupError):
    pass


def run_for(store: Store, period: str, run: int | None = None) -> dict[str, Any]:
    """The run asked for, else the period's final (or publicised) run, else its latest (a draft)."""
    shown = state_of(store, period)["run"] if not run and store.period(period) else None
    found = store.run(run or shown) if (run or shown) else store.latest_run(period)
    if not found or found["period"] != period:
        if run:
            raise NoRunError(_("no run {run} of period {period}: score it with `scoring run --period {period}`", run=run,
                               period=period))
        raise NoRunError(said(N_("no run of {period} yet: score it with `scoring run --period {period}`"),
                                   N_("no run of {period} yet: score it on the Score page"), period=period))
    return found


def scorecard(store: Store, period: str, unit: str, run: int | None = None) -> dict[str, Any]:
    found = run_for(store, period, run)
    doc = store.run_document(found["id"], unit)
    if doc is None:
        raise NoRunError(_("unit {unit} was not scored in run {run} of {period}", unit=unit, run=found["id"],
                           period=period))
    return {"run": found["id"], **doc}


def _open_items(doc: dict[str, Any]) -> int:
    return sum(1 for r in doc["rectifications"] if r["status"] not in ("rectified", "verified"))


def rank_rows(store: Store, period: str, group: str | None = None, run: int | None = None) -> list[dict[str, Any]]:
    found = run_for(store, period, run)
    rows = []
    for doc in store.run_documents(found["id"], group):
        rows.append({"unit": doc["unit"], "name": doc["name"], "group": doc["group"], "rank": doc["rank"],
                     "score": doc["score"], "base": doc["base"], "bonus": doc["bonus"], "grade": doc["grade"],
                     "veto": doc["veto"], "dimensions": {d["code"]: d["score"] for d in doc["dimensions"]},
                     "open_rectifications": _open_items(doc)})
    return sorted(rows, key=lambda r: (r["group"], r["veto"], r["rank"], r["unit"]))


def feed_rows(store: Store, period: str, run: int | None = None) -> list[dict[str, Any]]:
    found = run_for(store, period, run)
    rows = []
    for doc in store.run_documents(found["id"]):
        rows.append({"unit": doc["unit"], "name": doc["name"], "group": doc["group"], "score": doc["score"],
                     "grade": doc["grade"], "rank": doc["rank"], "feed_points": doc["feed_points"]})
    return sorted(rows, key=lambda r: (r["group"], r["rank"], r["unit"]))


def run_unit_codes(store: Store, run_id: int) -> list[str]:
    """The codes of a run's units, in order (the run_units key: no document read)."""
    return [unit for (unit,) in store.execute("select unit from run_units where run = ? order by unit", [run_id])]


def document_pages(store: Store, run_id: int, units: list[str],
                   page: int = 500) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
    """The run's scorecard documents of these units, `page` units at a time (a page of a province: ≈2.5 MB
    packed, ≈16 MB for runs stored before schema 3): each page's units and their documents, in no order."""
    for start in range(0, len(units), page):
        codes = units[start:start + page]
        cursor = store.execute(RUN_UNITS + " where ru.run = ? and ru.unit in (select value from json_each(?))",
                               [run_id, json.dumps(codes)])
        names = [d[0] for d in cursor.description]
        yield codes, [decode_document(dict(zip(names, row))) for row in cursor.fetchall()]
