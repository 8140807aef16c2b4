"""Score a period: facts (SQL) → engine (CLIPS or durable_rules) → tally (Decimal) → ranking → one immutable run.

Units are scored a chunk at a time (scoring.engine.chunks), in this process or in worker processes
for big runs; either way each unit comes back as its standing plus its scorecard document
already packed as the run stores it, and this module ranks, places and stores the run in one
transaction. The same functions run in both cases, so a parallel run is byte-identical to a
single-process one.
"""

from __future__ import annotations

import atexit
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterator

from scoring.engine import incremental
from scoring.engine.chunks import Scored, ScoringJob, chunk_scorer, gc_paused, reused, score_unit
from scoring.engine.grouped_rows import UNIT_GROUPS, GroupRows, by_group, group_sizes
from scoring import fastjson
from scoring.engine.backends import Backend, Engine, backend
from scoring.engine.completeness import Completeness, check_period
from scoring.engine.facts import build_facts
from scoring.store.periods import Period, parse_period
from scoring.engine.placing import StoredGroup, place_one
from scoring.engine.objects import NO_OBJECTS
from scoring.engine.ranking import Placement, Standing, feed_points, place, ungraded_placement
from scoring.engine.scorecard import document
from scoring.standard import Standard
from scoring.store import Store
from scoring.engine.tally import UnitScore
from scoring.i18n import N_, _, said

__all__ = ["RunError", "RunSummary", "Rescore", "period_of", "score_unit", "score_all", "documents",
           "run_period", "rescore_unit"]

# Below this many units a run stays in one process: starting workers costs more than it saves.
PARALLEL_FROM = 1000


class RunError(ValueError):
    pass


@dataclass(frozen=True)
class RunSummary:
    run: int
    period: str
    as_of: str
    units: int
    criteria: str
    engine: str  # the rules engine and its version, e.g. "clips 1.0.6"
    reused: int = 0  # units whose inputs had not changed since the base run: its result reused, not re-scored
    base_run: int | None = None  # the run reused from (None: every unit scored, --full or the first run)


def period_of(store: Store, code: str) -> Period:
    period = parse_period(code)
    if store.period(period.code) is None:
        known = ", ".join(store.period_codes()) or "none yet"
        raise RunError(said(N_("period {period} is not in this workspace (known: {known}); "
                                    "add it with `scoring period add {period}`"),
                                 N_("period {period} is not in this workspace (known: {known}); "
                                    "add it on the Periods page"), period=period.code, known=known))
    return period


def score_all(store: Store, standard: Standard, period: Period, as_of: date,
              progress: Callable[[int], None] | None = None,
              engine_name: str | Backend | None = None) -> list[UnitScore]:
    """Every unit's score, in one process (examples, tests, checks)."""
    scores: list[UnitScore] = []
    with Engine(standard, engine_name) as engine:
        for uf in build_facts(store, standard, period, grouped=True, notes=False):
            scores.append(score_unit(engine, standard, period, as_of, uf))
            if progress:
                progress(1)
    return scores


def documents(standard: Standard, period: Period, scores: list[UnitScore]) -> list[dict[str, Any]]:
    standings = [Standing(s.unit["code"], s.unit["group"], s.final, s.veto, NO_OBJECTS in s.flags) for s in scores]
    placements = place(standard.criteria, standings)
    return [document(standard, period.code, s, placements[s.unit["code"]]) for s in scores]


def workers_for(requested: int | None, units: int) -> int:
    """Worker processes for a run: as asked, or (None/0) one per core (at most 4) for big runs."""
    if requested:
        return max(1, requested)
    return min(os.cpu_count() or 1, 4) if units >= PARALLEL_FROM else 1


def run_period(store: Store, standard: Standard, period_code: str, as_of: date | None = None,
               progress: Callable[[int], None] | None = None, workers: int | None = None,
               engine_name: str | None = None, warn: Callable[[Completeness], None] | None = None,
               full: bool = False) -> RunSummary:
    """Score every unit of a period as the workspace stands at one moment, and store the run.

    Incremental unless `full`: a unit whose inputs' fingerprint equals the one the period's latest run
    stored takes that run's document instead of being scored again (scoring.engine.incremental); every
    unit is placed afresh. The stored documents and ranks are the same, byte for byte, either way.

    One moment: the run takes the write lock (BEGIN IMMEDIATE) before it reads any input and keeps
    it until it commits, so no other command can commit in between: everything read under the lock
    (here, or by workers in their own connections) is the last commit before it, whatever waits
    meanwhile (WAL readers never see another connection's uncommitted writes, nor this run's).
    An import that commits before the lock is wholly seen; one that comes later waits and is wholly
    unseen. What data is missing (scoring.engine.completeness) is checked under the lock too (while worker
    processes score their first units), handed to `warn` before any unit's result is taken in (or, in
    one process, before any is scored), and recorded with the run for its report. Worker processes
    are started before the lock (never fork inside a transaction) and are handed units only under it. Nothing but the lock is needed: no extra query, copy or check per
    chunk (comparing a change counter instead would have to fail or redo a run that overlapped an
    import). Parallel runs held the lock while their workers scored before, too; a single-process run
    (a small workspace, or the web app) now also holds it while it scores, so writers wait that long.
    """
    period = period_of(store, period_code)
    as_of = as_of or period.end
    counted = store.execute("select count(*) from units").fetchone()[0]  # sizes the pool; the codes are read below
    if not counted:
        raise RunError(said(N_("no units in this workspace: import them with `scoring import units FILE`"),
                                 N_("no units in this workspace: import the unit list on the Import files page")))
    engine = backend(engine_name)
    key = incremental.inputs_key(incremental.run_key(standard, engine.name, engine.version, period.code, as_of))
    # The base run is read before the lock: a run committed meanwhile is only a staler base (what changed
    # since it is re-read under the lock, so any base gives the same documents).
    base = None if full else incremental.base_run(store, period.code)
    likely = incremental.units_to_check(store, base, key, as_of)  # sizes the pool: a few changed units need none
    scoring = counted if likely is None else len(likely)
    workers = 1 if str(store.path) == ":memory:" else workers_for(workers, scoring)  # workers open the file
    job = ScoringJob(str(store.path), standard, period, as_of, engine, base.id if base else None)
    with chunk_scorer(job, workers, store, scoring) as score:
        with store.transaction():
            group_of = dict(store.execute(UNIT_GROUPS).fetchall())
            codes = list(group_of)
            kept, todo = _reusable_and_todo(store, base, key, as_of, codes)
            # A group at a time, so that each group's rows are stored while the next ones are scored (grouped_rows).
            chunks = score(by_group(todo, group_of, kept))  # a pool's workers start now (one process: in the loop)
            # Checked while the workers score, under the same lock: a province's data takes ≈0.3 s of a core
            # to check, which kept both workers waiting when it came before their first chunk.
            gaps = check_period(store, standard, period.code)
            if warn is not None:
                warn(gaps)
            store.save_standard(standard.content_hash, standard.criteria.id, standard.criteria.version,
                                standard.label, standard.files)
            run_id = store.create_run(period.code, as_of.isoformat(), standard.content_hash, standard.criteria.id,
                                      standard.criteria.version, len(codes), job.backend.name, job.backend.version,
                                      fastjson.dumps(gaps.as_dict()).decode(), key)
            store.ensure_standings_index()
            rows = GroupRows(store, standard, run_id, group_sizes(todo, group_of, kept), group_of)
            rows.add(kept.values(), fresh=False)  # a group with no unit to score is stored now
            if progress and len(kept):
                progress(len(kept))
            for units in chunks:  # each group stored once its last unit is in, while workers go on scoring
                rows.add(units)
                if progress:
                    progress(len(units))
            rows.finish()
            reused_units = rows.reused
            store.audit("run", target=period.code, sha256=standard.content_hash, run=run_id, as_of=as_of.isoformat(),
                        units=len(codes), criteria=standard.label, engine=job.backend.label,
                        **({"reused": reused_units, "base_run": base.id} if base is not None else {}),
                        **({"missing": {f"{g.kind}{':' + g.detail if g.detail else ''}": len(g.units)
                                        for g in gaps.gaps}} if gaps.gaps else {}))
    return RunSummary(run_id, period.code, as_of.isoformat(), len(codes), standard.label, job.backend.label,
                      reused_units, base.id if base else None)


def _reusable_and_todo(store: Store, base: incremental.Base | None, key: str, as_of: date,
                       codes: list[str]) -> tuple[dict[str, Scored], list[str]]:
    """The units whose inputs cannot have changed since the base run (its results, reused unread), and the
    units to score or check (their facts are built and fingerprinted; scoring.engine.incremental)."""
    check = incremental.units_to_check(store, base, key, as_of)
    if check is None:
        return {}, codes
    before = incremental.reusable(store, base.id)
    kept = {code: reused(code, before[code]) for code in codes if code in before and code not in check}
    return kept, [code for code in codes if code not in kept]


# ---------------------------------------------------------------- one unit, interactively


@dataclass(frozen=True)
class Rescore:
    """One unit scored afresh and placed among its group as the latest run scored the others."""

    run: int  # the run the others' scores come from
    document: dict[str, Any]  # the unit's scorecard now (not stored)
    before: dict[str, Any] | None  # its row in that run: rank, score, grade
    changed: list[dict[str, Any]]  # group members whose rank or grade moves: unit, rank/grade before and after


def rescore_unit(store: Store, standard: Standard, period_code: str, unit: str,
                 as_of: date | None = None, engine_name: str | None = None) -> Rescore:
    """Re-score one unit (after a new finding, say) and re-rank its group, without storing a run.

    Runs are immutable and store every unit's document, so a stored run always scores the whole
    period; this answers "what is this unit's score and rank now" in milliseconds.
    """
    period = period_of(store, period_code)
    with store.snapshot():  # the unit's inputs and the others' standings as of one moment
        return _rescore(store, standard, period, unit, as_of, engine_name)


def _rescore(store: Store, standard: Standard, period: Period, unit: str, as_of: date | None,
             engine_name: str | None) -> Rescore:
    run = store.latest_run(period.code)
    if run is None:
        raise RunError(_("no run for {period} yet: score the period first with `scoring run --period {period}`",
                         period=period.code))
    if run["standard_hash"] != standard.content_hash:
        raise RunError(_("run {run} used another standard than {standard}: score the whole period "
                         "again with `scoring run --period {period}`", run=run["id"], standard=standard.label,
                         period=period.code))
    facts = list(build_facts(store, standard, period, [unit], grouped=True, notes=False))
    if not facts:
        raise RunError(_("unknown unit {value!r}: import it with `scoring import units FILE`", value=unit))
    as_of = as_of or date.fromisoformat(run["as_of"])
    with gc_paused():
        with _engine_for_one_unit(standard, engine_name) as engine:
            score = score_unit(engine, standard, period, as_of, facts[0])
        placement, changed = _replaced(store, standard, run["id"], unit, score)
    before = store.execute("select rank, score, grade from run_units where run = ? and unit = ?",
                           [run["id"], unit]).fetchone()
    return Rescore(run["id"], document(standard, period.code, score, placement),
                   dict(zip(("rank", "score", "grade"), before)) if before else None, changed)


_kept_lock = threading.Lock()
_kept: list[tuple[str, Backend, Engine]] = []  # at most one: the engine re-scoring keeps between calls


@contextmanager
def _engine_for_one_unit(standard: Standard, engine_name: str | None) -> Iterator[Engine]:
    """A rules engine kept between re-scorings of one unit (the web app, the bench): building one compiles the
    standard's rules, which costs more than scoring a unit. A unit's facts live in the engine while it is
    scored, so one caller at a time uses it; a caller arriving meanwhile builds its own."""
    wanted = backend(engine_name)
    if not _kept_lock.acquire(blocking=False):
        with Engine(standard, wanted) as engine:
            yield engine
        return
    try:
        if _kept and _kept[0][:2] != (standard.content_hash, wanted):
            _kept.pop()[2].close()
        if not _kept:
            _kept.append((standard.content_hash, wanted, Engine(standard, wanted)))
        yield _kept[0][2]
    finally:
        _kept_lock.release()


@atexit.register
def _close_kept() -> None:
    """Closed before the interpreter tears down (CLIPS complains of an environment left open)."""
    with _kept_lock:
        while _kept:
            _kept.pop()[2].close()


def _replaced(store: Store, standard: Standard, run_id: int, unit: str, score: UnitScore):
    """The unit's placement among its group's other standings in the run, and whose rank or grade that moves."""
    group = StoredGroup(*store.run_group(run_id, score.unit["group"]))
    ungraded = NO_OBJECTS in score.flags
    rank, grade, changed = place_one(standard.criteria, group, unit, score.final, score.veto, ungraded)
    placement = Placement(rank, grade.code, grade.name, feed_points(standard.criteria, score.final, score.veto))
    return (ungraded_placement(placement) if ungraded else placement), changed
