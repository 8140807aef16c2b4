"""Incremental runs: which units a run must score again, and the stored results it may reuse.

Offices re-run a period many times a week while findings come in, and most units have not changed
since the last run. A run stores, beside each unit's document, a fingerprint of everything that
document was computed from: the unit's facts as the rules see them (this period's findings,
self-assessment, survey, metrics, the previous period's findings), its rectification items with their
statuses and whether each is overdue as of the run's date, and the run's inputs key (the period, the
standard's hash, the engine and its version, the scoring code, and the as-of date where the rules read
it). The run stores that key too.

The next run of the period (same key) knows without reading any unit's inputs which units may have
changed: those stamped by a write since the base run (scoring.store.changes), and, when the as-of date
moved, those with a rectification item falling due between the two dates (the only thing the date
changes when no rule reads it). Only those units' facts are built; each whose fingerprint still equals
the base run's is reused all the same. Every other unit references the base run's document (stored
once, in the run that scored it). Ranks and grades are always placed afresh over every unit, so an
incremental run stores exactly the documents and ranks a full run would (tests/test_incremental.py
edits random inputs between runs and compares byte for byte).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from scoring.engine.dated import reads_as_of
from scoring.engine.facts import UnitFacts
from scoring.rectify.items import is_overdue
from scoring.standard import Standard
from scoring.store import Store
from scoring.store.changes import units_changed_since
from scoring.store.periods import Period

# Bumped whenever what goes into a fingerprint changes shape, so old fingerprints never match.
FORMAT = 4  # 4: items hashed as the rows read (facts.UnitFacts.item_rows)
# The code a scorecard document is computed by: any change to it (an upgrade) re-scores every unit.
_CODE = ("engine", "standard", "rectify", "fastjson.py", "i18n.py")


class Reusable(NamedTuple):
    """A unit's result in the run an incremental run builds on."""

    fingerprint: str
    group: str
    score: str
    veto: bool
    origin: int  # the run whose row holds the unit's packed document
    grade_code: str = ""  # as placed (ranking.NO_GRADE's code: nothing scored, placed ungraded again)


class Base(NamedTuple):
    """The run an incremental run builds on."""

    id: int
    as_of: str
    inputs_key: str | None  # None: a run stored before inputs keys (schema 9): every unit is checked


@cache
def code_hash() -> str:
    """A hash of the scoring code's source files (read once per process)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for name in _CODE:
        path = root / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if source.exists():
                digest.update(str(source.relative_to(root)).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(standard: Standard, engine: str, engine_version: str, period: str, as_of: date) -> bytes:
    """What every unit of a run shares: a change to any of it re-scores every unit. The as-of date only
    where the rules read it (scoring.engine.dated); otherwise what it changes is in each unit's fingerprint."""
    dated = as_of.isoformat() if reads_as_of(standard) else None
    return orjson.dumps([FORMAT, code_hash(), standard.content_hash, engine, engine_version, period, dated])


def inputs_key(key: bytes) -> str:
    return hashlib.blake2b(key, digest_size=16).hexdigest()


def fingerprint(key: bytes, uf: UnitFacts, period: Period, as_of: date) -> str:
    """The unit's inputs as the scoring sees them, hashed (≈ a tenth of building them): its facts, its items as
    read (their rows, a third shorter than their dicts; the dicts where no rows came with them) and whether each
    item is overdue as of `as_of`."""
    items = uf.items + uf.carried_items
    overdue = [is_overdue(item, item.get("status") or "open", period, as_of) for item in items]
    read = uf.item_rows if uf.item_rows is not None else [uf.items, uf.carried_items]
    # Keys in the order the facts SQL writes them (the same for the same inputs): sorting them cost a third.
    body = orjson.dumps([uf.unit, uf.facts, read, overdue], default=_text)
    digest = hashlib.blake2b(key, digest_size=16)  # the hash of key + b"\0" + body, without copying ≈ 25 KB
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def _text(value: Any) -> str:
    if isinstance(value, (Decimal, date, bytes)):
        return str(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def reusable(store: Store, run_id: int | None, codes: list[str] | None = None) -> dict[str, Reusable]:
    """The given (or all) units' stored results in run `run_id` that carry a fingerprint (runs before schema 7
    carry none), without their documents."""
    if run_id is None:
        return {}
    sql = """select unit, fingerprint, ranking_group, score, veto, coalesce(document_run, run), grade_code from run_units
        where run = ? and fingerprint is not null"""
    params: list[Any] = [run_id]
    if codes is not None:
        sql += " and unit in (select value from json_each(?))"
        params.append(orjson.dumps(codes).decode())
    return {unit: Reusable(fp, group, score, bool(veto), origin, grade_code or "")
            for unit, fp, group, score, veto, origin, grade_code in store.execute(sql, params)}


def base_run(store: Store, period: str) -> Base | None:
    """The run an incremental run of `period` builds on: its latest."""
    row = store.execute("select id, as_of, inputs_key from runs where period = ? order by id desc limit 1",
                        [period]).fetchone()
    return Base(*row) if row else None


def units_to_check(store: Store, base: Base | None, key: str, as_of: date) -> set[str] | None:
    """The units whose inputs may differ from what `base` scored; None: every unit (no base, or another key).

    Units written to since the base (scoring.store.changes), and, when the as-of date moved, units with a
    rectification item falling due between the two dates: whether an item is overdue is all the date
    changes when the inputs key leaves it out. Both ends count, so a boundary is never missed."""
    if base is None or base.inputs_key != key:
        return None
    units = units_changed_since(store.conn, base.id)
    if base.as_of != as_of.isoformat():
        low, high = sorted((base.as_of, as_of.isoformat()))
        units.update(row[0] for row in store.execute(
            "select distinct unit from rectifications where deadline between ? and ? and status != 'withdrawn'",
            [low, high]))
    return units
