"""Scoring units a chunk at a time, in this process or in worker processes.

A chunk's result is lean enough to cross a process boundary: per unit its standing (group,
final score, veto) and its scorecard document without the placement members, already packed as
the run stores it. Placement (rank, grade, feed) needs
every unit of a group, so the parent places and stores it beside the packed document.

Workers are forked (on Linux) before the parent opens its write transaction; each opens its
own Store and Engine once, and is handed chunks only once the parent holds the write lock, so
every worker reads the inputs as of the same moment as the parent (runner.run_period says why).
Chunks are handed out in order and their results come back in order, as by a single process.
"""

from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable, Iterator

from scoring.engine import incremental, orphans
from scoring.engine.backends import Backend, Engine
from scoring.engine.facts import CHUNK, UnitFacts, build_facts
from scoring.engine.objects import NO_OBJECTS, score_objects
from scoring.engine.passes import fire_passes
from scoring.store.periods import Period
from scoring.engine.ranking import NO_GRADE, Placement
from scoring.engine.matches import item_group_key
from scoring.rectify.items import days_late, grouped_rectification_facts, overdue_in, rectification_facts
from scoring.engine.scorecard import document, score_text
from scoring.store.rundocs import PLACEMENT_COLUMNS, pack_document
from scoring.standard import Standard
from scoring.store import Store
from scoring.engine.tally import UnitScore, tally

_DUMMY = Placement(0, "", "", Decimal(0))


@dataclass(frozen=True)
class ScoringJob:
    """What every chunk of a run shares: where the workspace is, and what to score how."""

    db: str
    standard: Standard
    period: Period
    as_of: date
    backend: Backend  # the rules engine every process of the run uses
    base_run: int | None = None  # the run whose unchanged units' results are reused (None: score every unit)


@dataclass(frozen=True)
class Scored:
    """One unit scored, before placement: its standing and its document without the placement members,
    packed as the run stores it (rundocs.pack_document; ≈5 KB instead of ≈33 KB of JSON)."""

    unit: str
    group: str
    final: Decimal
    score: str  # the final score as the document shows it
    veto: bool
    packed: bytes | None  # None: reused, the document is the one stored in run `origin`
    fingerprint: str = ""  # of the unit's inputs (scoring.engine.incremental)
    reused: bool = False  # taken from the base run, not scored afresh
    origin: int | None = None  # reused: the run whose row holds the packed document (referenced, not copied)
    ungraded: bool = False  # nothing scored (no object of any part's kinds): placed with ranking.NO_GRADE


def reused(unit: str, kept: incremental.Reusable) -> Scored:
    """A unit's result taken over from the base run: its standing, and a reference to its document."""
    return Scored(unit, kept.group, Decimal(kept.score), kept.score, kept.veto, None, kept.fingerprint, True,
                  kept.origin, kept.grade_code == NO_GRADE.code)


Chunk = list[Scored]  # the units of a chunk, scored


def score_unit(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts) -> UnitScore:
    """Two passes in one engine session: findings and the rest, then the rectification items in the register.

    The items were issued when the findings were recorded (scoring.engine.orders); a run reads them."""
    code = uf.unit["code"]
    tracked = uf.items + uf.carried_items
    try:
        first, second = fire_passes(engine, standard, period, as_of, code, uf.facts,
                                    later=item_facts(standard, tracked, period, as_of))
    finally:
        engine.forget(code)
    score = tally(standard, uf.unit, first + second)
    score_objects(engine, standard, period, as_of, uf, score)
    score.rectifications = _listed_items(tracked, period, as_of)
    return score


def item_facts(standard: Standard, items: list[dict[str, Any]], period: Period, as_of: date) -> list[dict[str, Any]]:
    """What the rules see of the items: one fact per group alike in every field they compare and the tally
    reads (matches.item_group_key), where the standard allows it; else one fact an item."""
    key = item_group_key(standard)
    if key is None:
        return rectification_facts(items, {}, period, as_of)
    return grouped_rectification_facts(items, period, as_of, key, _deadlines_come(period, as_of))


@lru_cache(maxsize=4)
def _deadlines_come(period: Period, as_of: date) -> dict[str, bool]:
    """Deadline -> whether it has come by as_of inside the period, shared by a run's units (a province's items
    fall due on a few hundred days; grouped_rectification_facts fills it)."""
    return {}


def _listed_items(items: list[dict[str, Any]], period: Period, as_of: date) -> list[dict]:
    come = _deadlines_come(period, as_of)  # the run's units share whether each deadline has come (as item_facts)
    listed = []
    for item in sorted(items, key=_BY_DEADLINE):
        status = item.get("status") or "open"
        entry = {"id": item["id"], "finding": item["finding"], "indicator": item["indicator"],
                 "rule": item["rule"], "title": item["title"], "period": item["period"],
                 "deadline": item["deadline"], "status": status,
                 "overdue": overdue_in(come, item["deadline"], status, period, as_of)}
        if item.get("rectified_on"):  # else days_late is 0: only then is it worked out
            late = days_late(item)
            if late:  # only then: scorecards of items done in time read as before
                entry["late_days"] = late
        listed.append(entry)
    return listed


_BY_DEADLINE = itemgetter("deadline", "id")  # the (deadline, id) of an item, as a lambda would give it, in C


def scored(standard: Standard, period: Period, score: UnitScore, fingerprint: str = "") -> Scored:
    doc = document(standard, period.code, score, _DUMMY)
    _check_placement_members(doc)
    members = {key: value for key, value in doc.items() if key not in PLACEMENT_COLUMNS}
    return Scored(score.unit["code"], score.unit["group"], score.final, doc["score"], score.veto, pack_document(members),
                  fingerprint, ungraded=NO_OBJECTS in score.flags)


def placement_members(placement: Placement) -> dict[str, Any]:
    """The document members a placement sets, as scorecard.document sets them (run_units' placement columns)."""
    return {"rank": placement.rank, "grade": placement.grade, "grade_code": placement.grade_code,
            "feed_points": score_text(placement.feed)}


def _check_placement_members(doc: dict[str, Any]) -> None:
    # The run stores the placement members in columns and the rest packed: fail loudly if the
    # scorecard ever renders them differently, rather than store documents that read back differently.
    if {k: doc.get(k) for k in PLACEMENT_COLUMNS} != placement_members(_DUMMY):
        raise AssertionError("scorecard.document renders the placement differently from chunks.placement_members")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Scoring allocates millions of small acyclic objects: the cycle collector only rescans them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score_chunk(job: ScoringJob, store: Store, engine: Engine, codes: list[str]) -> Chunk:
    """The chunk's units: each unit whose inputs' fingerprint is the base run's takes that run's result,
    the others are scored."""
    units: list[Scored] = []
    key = incremental.run_key(job.standard, job.backend.name, job.backend.version, job.period.code, job.as_of)
    before = incremental.reusable(store, job.base_run, codes)
    with gc_paused():
        for uf in build_facts(store, job.standard, job.period, codes, grouped=True, notes=False):
            fingerprint = incremental.fingerprint(key, uf, job.period, job.as_of)
            kept = before.get(uf.unit["code"])
            if kept is not None and kept.fingerprint == fingerprint:
                units.append(reused(uf.unit["code"], kept))
                continue
            score = score_unit(engine, job.standard, job.period, job.as_of, uf)
            units.append(scored(job.standard, job.period, score, fingerprint))
    return units


@contextmanager
def chunk_scorer(job: ScoringJob, workers: int, store: Store, units: int) -> Iterator[Callable[[list[str]], Iterator[Chunk]]]:
    """A function from unit codes to their chunks' results, in unit order: scored in this process, or
    by a pool of `workers` processes (fewer if `units` make fewer chunks) started here and now.

    The pool's processes are started when the context opens, before the caller's transaction (a
    forked child must never inherit a connection inside one); codes are handed out only when the
    function is called, after the caller has taken its write lock (see runner.run_period).
    """
    workers = min(workers, -(-units // CHUNK))
    if workers <= 1 or store.conn.in_transaction:  # in a transaction already: never fork
        with Engine(job.standard, job.backend) as engine:
            # Each chunk is scored as the caller asks for it, so its progress shows a chunk at a time. Scoring
            # reads nothing the caller writes meanwhile (its run row, the standard): a pool's workers cannot.
            yield lambda codes: (score_chunk(job, store, engine, chunk) for chunk in _split(codes))
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # An executor, not a Pool: a worker that dies (the C engine can crash) fails the run instead of hanging it.
    # Workers end with the parent (kill -9 of `scoring run` must not leave them running): orphans.py.
    guard = orphans.guard_for_children()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(job, guard))
    try:
        # A forking executor forks all its processes at its first submit, never later (CPython: forking
        # once its manager thread runs could deadlock a child): this no-op makes that happen now. Other
        # start methods start fresh interpreters, which inherit no connection whenever they start.
        pool.submit(_started)
        # Every chunk is handed out at the call (the workers start at once), its results read in order after.
        yield lambda codes: _then_ended(pool.map(_worker_chunk, _split(codes, workers)), pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _then_ended(results: Iterator[Chunk], pool: ProcessPoolExecutor) -> Iterator[Chunk]:
    yield from results
    # Every chunk is in: the workers exit while the caller stores the run (joined when chunk_scorer closes).
    pool.shutdown(wait=False)


# The smallest chunk a pool is handed at the end of a run (≈0.15 s of a worker's CPU with durable_rules).
LAST_CHUNK = 50


def _split(codes: list[str], workers: int = 1) -> list[list[str]]:
    """Chunks of CHUNK units; for a pool, smaller ones towards the end, so that its workers finish together.

    A pool hands each chunk to the first worker free, so when the last chunk is handed out the other
    workers are busy for at most one chunk's time, then idle until it is done (≈1.5 s of CPU at 500 units
    with durable_rules: half of it idle on average, with one of two cores). So each chunk is at most a
    (2 × workers)th of the units left, down to LAST_CHUNK: a run of 10,000 units on two workers takes 17
    chunks of 500, then 11 from 375 down to 49. Per chunk a worker spends only a few queries more."""
    chunks, start = [], 0
    while start < len(codes):
        left = len(codes) - start
        size = CHUNK if workers <= 1 else min(CHUNK, max(LAST_CHUNK, -(-left // (2 * workers))))
        chunks.append(codes[start:start + size])
        start += size
    return chunks


def _started() -> None:
    """Nothing: submitted only so that the executor starts its processes (see chunk_scorer)."""


_worker: tuple[ScoringJob, Store, Engine] | None = None


def _start_worker(job: ScoringJob, guard: orphans.Guard) -> None:
    global _worker
    orphans.exit_with_parent(guard)
    _worker = (job, Store(job.db), Engine(job.standard, job.backend))


def _worker_chunk(codes: list[str]) -> Chunk:
    job, store, engine = _worker
    return score_chunk(job, store, engine, codes)
