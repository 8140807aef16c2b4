"""How a run hands out its units and stores its rows: a ranking group at a time, while workers score the next.

A run stores each ranking group's rows as soon as the group's last unit is scored (scoring.engine.grouped_rows),
and hands its workers smaller chunks towards the end (chunks._split). Neither may change what a user sees: every
unit ranked and graded among all of its group, and a run that fails half-way stores nothing at all.
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import chunks, grouped_rows, runner
from scoring.engine.ranking import NO_GRADE, Standing, place
from scoring.engine.runner import run_period
from scoring.engine.scorecard import score_text
from scoring.standard import load_default
from scoring.store import Store

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402


@pytest.fixture(scope="module")
def workload(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("storing") / "province-50.db"
    generate.generate(db, 50, seed=7)  # four ranking groups, their units' codes interleaved
    return db


@pytest.fixture
def store(workload, tmp_path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 6)  # several chunks a group, over two workers
    monkeypatch.setattr(chunks, "LAST_CHUNK", 2)  # and smaller ones at the end
    db = tmp_path / "run.db"
    db.write_bytes(workload.read_bytes())
    store = Store(db)
    yield store
    store.close()


def stored_rows(store: Store, run: int) -> list[tuple]:
    return list(store.execute("select unit, ranking_group, score, veto, rank, grade, grade_code, feed_points "
                              "from run_units where run = ? order by unit", [run]))


def test_every_unit_is_placed_among_its_whole_group(store):
    standard = load_default()
    run = run_period(store, standard, "2025", workers=2).run
    rows = stored_rows(store, run)
    assert [r[0] for r in rows] == sorted(code for (code,) in store.execute("select code from units"))
    assert len({r[1] for r in rows}) == 4
    # Placed once over every stored standing, all groups at once: each unit's rank, grade and feed points.
    placed = place(standard.criteria, [Standing(unit, group, Decimal(score), bool(veto), grade_code == NO_GRADE.code)
                                       for unit, group, score, veto, _, _, grade_code, _ in rows])
    assert [r[4:] for r in rows] == [(placed[r[0]].rank, placed[r[0]].grade, placed[r[0]].grade_code,
                                      score_text(placed[r[0]].feed)) for r in rows]
    # And each group's standings row says the same (what re-scoring one unit reads).
    for group in {r[1] for r in rows}:
        units, ranks, scores, grades, vetoes = store.run_group(run, group)
        members = sorted((r for r in rows if r[1] == group), key=lambda r: (r[4], r[0]))
        assert (list(units), list(ranks)) == ([r[0] for r in members], [r[4] for r in members])


def test_the_groups_are_handed_out_largest_first_each_in_code_order():
    group_of = {"A1": "small", "B1": "big", "B2": "big", "A2": "small", "C1": "mid", "C2": "mid", "C3": "big"}
    kept = {"A2": chunks.Scored("A2", "small", Decimal(1), "1.00", False, None, reused=True)}
    todo = [code for code in sorted(group_of) if code not in kept]
    assert grouped_rows.by_group(todo, group_of, kept) == ["B1", "B2", "C3", "C1", "C2", "A1"]


def test_the_last_chunks_are_smaller_and_cover_every_unit_once(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 500)
    monkeypatch.setattr(chunks, "LAST_CHUNK", 50)
    codes = [f"U{i:05d}" for i in range(10_000)]
    pooled, alone = chunks._split(codes, 2), chunks._split(codes, 1)
    assert [code for chunk in pooled for code in chunk] == codes
    assert max(map(len, pooled)) == 500 and [len(c) for c in pooled[-4:]] == [50, 50, 50, 49]
    assert [len(c) for c in alone] == [500] * 20


def fail_in_last_group(store: Store):
    """A unit of the group handed out last: by the time its chunk is scored, other groups are stored."""
    rows = dict(store.execute(grouped_rows.UNIT_GROUPS).fetchall())
    sizes = grouped_rows.group_sizes(list(rows), rows, {})
    last = max(sizes, key=lambda g: (-sizes[g], g))  # by_group's order: the largest first, then by name
    return next(code for code, group in rows.items() if group == last)


def nothing_stored(store: Store) -> bool:
    return [store.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("runs", "run_units", "run_groups")] == [0, 0, 0]


def test_a_run_failing_after_some_groups_are_stored_stores_nothing(store, monkeypatch):
    doomed = fail_in_last_group(store)
    stored = []
    real_store, real_score = grouped_rows.GroupRows._store, chunks.score_chunk
    monkeypatch.setattr(grouped_rows.GroupRows, "_store", lambda self, scored: (stored.append(scored[0].group),
                                                                                 real_store(self, scored)))

    def failing(job, store_, engine, codes):
        if doomed in codes:
            raise RuntimeError("the engine failed")
        return real_score(job, store_, engine, codes)

    monkeypatch.setattr(chunks, "score_chunk", failing)
    with pytest.raises(RuntimeError, match="the engine failed"):
        run_period(store, load_default(), "2025", workers=1)
    assert len(stored) >= 2  # the first groups' rows were written, in the run's transaction
    assert nothing_stored(store)


def test_a_worker_dying_fails_the_run_and_stores_nothing(store, monkeypatch):
    doomed = fail_in_last_group(store)
    real = chunks._worker_chunk

    def dying(codes):  # as the C engine crashing would: the worker process ends at once
        if doomed in codes:
            os._exit(70)
        return real(codes)

    dying.__module__, dying.__qualname__ = real.__module__, real.__qualname__  # pickled by name to the workers
    monkeypatch.setattr(chunks, "_worker_chunk", dying)
    with pytest.raises(Exception, match="terminated abruptly|process pool"):
        run_period(store, load_default(), "2025", workers=2)
    assert nothing_stored(store)


def test_the_workers_start_scoring_before_the_completeness_check(store, monkeypatch):
    """The check reads under the run's lock while the workers score: they are handed their chunks first."""
    events = []
    real_chunk, real_check = chunks._worker_chunk, runner.check_period

    def chunk(codes):  # in a worker: says so in the parent's list through a file, read back when the check runs
        open(os.path.join(os.environ["CHUNK_SEEN"], f"{os.getpid()}-{codes[0]}"), "w").close()
        return real_chunk(codes)

    def check(store_, standard, period):
        deadline = time.monotonic() + 60
        while not os.listdir(os.environ["CHUNK_SEEN"]) and time.monotonic() < deadline:
            time.sleep(0.01)  # synchronised on a worker's file, bounded: fails (not hangs) if none ever comes
        events.append(bool(os.listdir(os.environ["CHUNK_SEEN"])))
        return real_check(store_, standard, period)

    chunk.__module__, chunk.__qualname__ = real_chunk.__module__, real_chunk.__qualname__
    seen = store.path.parent / "seen"
    seen.mkdir()
    monkeypatch.setenv("CHUNK_SEEN", str(seen))
    monkeypatch.setattr(chunks, "_worker_chunk", chunk)
    monkeypatch.setattr(runner, "check_period", check)
    run_period(store, load_default(), "2025", workers=2)
    assert events == [True]


def test_the_timeline_says_where_a_run_spent_its_wall_time_outside_its_workers(workload, tmp_path):
    """bench/timeline.py, which RESULTS.md's measurements of this come from, on a small workspace."""
    import subprocess

    db = tmp_path / "timeline.db"
    db.write_bytes(workload.read_bytes())
    done = subprocess.run([sys.executable, str(BENCH / "timeline.py"), str(db), "--events", "--chunk", "10"], capture_output=True,
                          text=True, env={**os.environ, "SCORING_USER": "pytest"}, check=True)
    lines = done.stdout.splitlines()
    assert sum(" chunk begin" in line for line in lines) == sum(" chunk end" in line for line in lines) >= 2
    assert len({line.split()[1] for line in lines if " chunk begin" in line}) == 2  # both workers scored
    assert lines[-1].startswith("run ") and "outside every worker scoring" in lines[-1]
    assert Store(db).execute("select count(*) from run_units").fetchone()[0] == 50
