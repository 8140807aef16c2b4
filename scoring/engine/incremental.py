"""Incremental runs: a fingerprint of each unit's inputs, and the stored results a run may reuse.

Offices re-run a period many times a week while findings come in, and most units have not changed
since the last run. A run stores, beside each unit's document, a fingerprint of everything that
document was computed from: the unit's facts as the rules see them (this period's findings,
self-assessment, survey, metrics, the previous period's findings), its rectification items with their
statuses, the as-of date, the period, the standard's hash, the engine and its version, and the
scoring code itself. The next run of the period builds every unit's facts (SQL, cheap) and re-scores
only the units whose fingerprint differs from the latest run's; the rest reuse that run's packed
document. Ranks and grades are always placed afresh over every unit, so an incremental run stores
exactly the documents and ranks a full run would (tests/test_incremental.py edits random inputs
between runs and compares byte for byte).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from scoring.engine.facts import UnitFacts
from scoring.store import Store

# Bumped whenever what goes into a fingerprint changes shape, so old fingerprints never match.
FORMAT = 1
# The code a scorecard document is computed by: any change to it (an upgrade) re-scores every unit.
_CODE = ("engine", "standard", "rectify", "fastjson.py", "i18n.py")


class Reusable(NamedTuple):
    """A unit's result in the run an incremental run builds on."""

    fingerprint: str
    group: str
    score: str
    veto: bool
    packed: bytes


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


def run_key(standard_hash: str, engine: str, engine_version: str, period: str, as_of: date) -> bytes:
    """What every unit of a run shares: a change to any of it re-scores every unit."""
    return orjson.dumps([FORMAT, code_hash(), standard_hash, engine, engine_version, period, as_of.isoformat()])


def fingerprint(key: bytes, uf: UnitFacts) -> str:
    """The unit's inputs as the scoring sees them, hashed (≈ a tenth of building them)."""
    body = orjson.dumps([uf.unit, uf.facts, uf.items, uf.carried_items, uf.notes],
                        option=orjson.OPT_SORT_KEYS, default=_text)
    return hashlib.blake2b(key + b"\0" + body, digest_size=16).hexdigest()


def _text(value: Any) -> str:
    if isinstance(value, (Decimal, date, bytes)):
        return str(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def reusable(store: Store, run_id: int | None, codes: list[str]) -> dict[str, Reusable]:
    """The given units' stored results in run `run_id` that carry a fingerprint (runs before schema 7 carry none)."""
    if run_id is None:
        return {}
    rows = store.execute("""select unit, fingerprint, ranking_group, score, veto, document from run_units
        where run = ? and unit in (select value from json_each(?)) and fingerprint is not null""",
                         [run_id, orjson.dumps(codes).decode()])
    return {unit: Reusable(fp, group, score, bool(veto), packed)
            for unit, fp, group, score, veto, packed in rows if isinstance(packed, bytes)}


def base_run(store: Store, period: str) -> int | None:
    """The run an incremental run of `period` builds on: its latest."""
    row = store.execute("select max(id) from runs where period = ?", [period]).fetchone()
    return row[0] if row else None
