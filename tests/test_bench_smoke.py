"""The benchmark's pieces at 50 units: generator, a run, the reference evaluator, workers, fast JSON.

No timing here (bench/run.py measures); this only keeps the benchmark and the fast paths honest:
the plain-Python reference evaluator must agree with the engine on every unit, a run in worker
processes must store exactly what a single-process run stores, and a packed document must read
back exactly as it was written.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from scoring.engine import chunks
from scoring.engine.runner import rescore_unit, run_period
from scoring.standard import load_default
from scoring.store.rundocs import PLACEMENT_COLUMNS, decode_document, pack_document
from scoring.store import Store

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import reference  # noqa: E402


@pytest.fixture(scope="module")
def workload(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("bench") / "province-50.db"
    generate.generate(db, 50, seed=7)
    return db


def documents(store: Store, run: int) -> list[tuple]:
    # A unit an incremental run reused references the document of the run that scored it (document_run).
    return list(store.execute("select ru.unit, ru.ranking_group, ru.rank, ru.score, ru.grade, ru.veto, "
                              "coalesce(ru.document, o.document) from run_units ru left join run_units o "
                              "on o.run = ru.document_run and o.unit = ru.unit where ru.run = ? order by ru.unit", [run]))


@pytest.mark.parametrize("engine", ["clips", "durable"])
def test_the_reference_evaluator_agrees_with_the_engine(workload, engine):
    if engine == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    store = Store(workload)
    try:
        run = run_period(store, load_default(), "2025", workers=1, engine_name=engine).run
    finally:
        store.close()
    assert reference.check(str(workload), run) == []


def test_the_reference_evaluator_notices_a_wrong_score(workload, tmp_path):
    db = tmp_path / "tampered.db"
    db.write_bytes(workload.read_bytes())
    store = Store(db)
    run = run_period(store, load_default(), "2025", workers=1).run
    unit = store.execute("select unit from run_units where run = ? limit 1", [run]).fetchone()[0]
    doc = store.run_document(run, unit)
    doc["dimensions"][0]["indicators"][0]["score"] = "0.01"
    members = {key: value for key, value in doc.items() if key not in PLACEMENT_COLUMNS}
    store.execute("update run_units set document = ? where run = ? and unit = ?", [pack_document(members), run, unit])
    store.close()
    assert reference.check(str(db), run) == [
        f"{unit}: L1: reference {reference.expected(str(db), run)[unit]['indicators']['L1']}, engine 0.01"]


def test_workers_store_what_one_process_stores(workload, tmp_path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 8)  # seven chunks over two workers
    stored = []
    for workers in (1, 2):
        db = tmp_path / f"workers-{workers}.db"
        db.write_bytes(workload.read_bytes())
        store = Store(db)
        try:
            run = run_period(store, load_default(), "2025", workers=workers).run
            items = list(store.execute("select id, unit, period, finding, rule, indicator, title, note, deadline, status "
                                       "from rectifications order by rowid"))
            stored.append((documents(store, run), items))
        finally:
            store.close()
    assert stored[0] == stored[1]


def test_rescoring_one_unit_matches_a_whole_run(workload, tmp_path):
    db = tmp_path / "rescore.db"
    db.write_bytes(workload.read_bytes())
    store = Store(db)
    try:
        standard = load_default()
        run_period(store, standard, "2025", workers=1)
        store.write_rows("findings", [{"id": "NEW-1", "unit": "U000003", "period": "2025", "date": "2025-06-30",
                                       "inspector": None, "code": "CONTENT_STALE", "indicator": "T1", "count": 1,
                                       "corrected_on_spot": 0, "note": None, "evidence": None}])
        preview = rescore_unit(store, standard, "2025", "U000003")
        run = run_period(store, standard, "2025", workers=1).run
        doc = store.run_document(run, "U000003")
    finally:
        store.close()
    assert preview.document == doc


def test_rescoring_reads_a_group_from_run_groups_as_a_run_made_before_it_from_run_units(workload, tmp_path):
    """A run stores each group's standings in one row (run_groups); a run made before schema 12 has none, and
    re-scoring reads its group from run_units instead: the same group, the same result."""
    db = tmp_path / "groups.db"
    db.write_bytes(workload.read_bytes())
    store = Store(db)
    try:
        standard = load_default()
        run = run_period(store, standard, "2025", workers=1).run
        store.write_rows("findings", [{"id": "NEW-V", "unit": "U000003", "period": "2025", "date": "2025-06-30",
                                       "inspector": None, "code": "FALSIFIED", "indicator": None, "count": 1,
                                       "corrected_on_spot": 0, "note": None, "evidence": None}])
        groups = [g for (g,) in store.execute("select distinct ranking_group from run_units where run = ?", [run])]
        from_rows = {g: store.run_group(run, g) for g in groups}
        vetoed = rescore_unit(store, standard, "2025", "U000003")
        store.execute("delete from run_groups")
        assert {g: store.run_group(run, g) for g in groups} == from_rows
        assert rescore_unit(store, standard, "2025", "U000003") == vetoed
    finally:
        store.close()
    assert len(groups) == 4 and vetoed.changed  # a veto ranks the unit last: every member below it moves up


TRICKY = ["", "a,\nb", "q\"uo\\te\t/", "\x00\x1f\x7f", "\u2028\u2029", "中文、标点（）", "\U0001F600", ", ", ": "]


@pytest.mark.parametrize("seed", range(5))
def test_a_packed_document_reads_back_as_written(seed):
    rnd = random.Random(seed)
    def text() -> str:
        point = rnd.choice([rnd.randrange(0xD800), rnd.randrange(0xE000, 0x30000)])  # no lone surrogates
        return "".join(rnd.choice(TRICKY + [chr(point)]) for _ in range(4))

    members = {text(): [text(), {"k": text(), "n": None, "t": True, "i": rnd.randrange(-10**9, 10**9)}, [], {}],
               "z": [[], [{}]], text(): {text(): text()}}
    placement = {"rank": rnd.randrange(1, 100), "grade": text(), "grade_code": text(), "feed_points": text()}
    doc = decode_document({"document": pack_document(members), **placement})
    written = {**members, **placement}
    assert json.dumps(doc, ensure_ascii=False) == json.dumps(written, ensure_ascii=False, sort_keys=True)


def test_an_incremental_run_in_workers_stores_what_a_full_run_stores(workload, tmp_path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK", 8)  # chunks over two workers, each reading the base run itself
    db = tmp_path / "incremental.db"
    db.write_bytes(workload.read_bytes())
    store = Store(db)
    try:
        standard = load_default()
        run_period(store, standard, "2025", workers=2)
        codes = [r[0] for r in store.execute("select code from units order by code")][::3]  # 17: three chunks
        store.write_rows("findings", [{"id": f"INC-{i}", "unit": code, "period": "2025", "date": "2025-06-30",
                                       "inspector": "bench", "code": "CONTENT_STALE", "indicator": "T1", "count": 2,
                                       "corrected_on_spot": 0, "note": None, "evidence": None}
                                      for i, code in enumerate(codes)])
        incremental = run_period(store, standard, "2025", workers=2)
        full = run_period(store, standard, "2025", workers=2, full=True)
        assert (incremental.reused, full.reused) == (50 - len(codes), 0)
        assert documents(store, incremental.run) == documents(store, full.run)
        assert reference.check(str(db), incremental.run) == []
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["clips", "durable"])
def test_grouped_findings_score_exactly_as_one_fact_a_finding(workload, tmp_path, monkeypatch, engine):
    if engine == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    from scoring.engine import facts
    from scoring.engine.runner import period_of

    stored, sizes = [], []
    for aggregable in (True, False):
        monkeypatch.setattr(facts, "findings_aggregable", lambda standard, a=aggregable: a)
        db = tmp_path / f"grouped-{aggregable}.db"
        db.write_bytes(workload.read_bytes())
        store = Store(db)
        try:
            standard = load_default()
            run = run_period(store, standard, "2025", workers=1, engine_name=engine, full=True).run
            stored.append(documents(store, run))
            sizes.append(sum(len(uf.facts) for uf in facts.build_facts(store, standard, period_of(store, "2025"),
                                                                       grouped=True)))
        finally:
            store.close()
    assert sizes[0] < 0.8 * sizes[1]  # the engine sees far fewer facts
    assert stored[0] == stored[1]  # and every document (explanations name every finding) is the same, byte for byte


@pytest.mark.parametrize("engine", ["clips", "durable"])
def test_grouped_rectification_items_score_exactly_as_one_fact_an_item(workload, tmp_path, monkeypatch, engine):
    if engine == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    from scoring.engine.matches import item_group_key

    stored, asserted, real = [], [], chunks.item_facts
    for key in (item_group_key, lambda standard: None):
        monkeypatch.setattr(chunks, "item_group_key", key)
        seen: list[int] = []
        monkeypatch.setattr(chunks, "item_facts", lambda *args, seen=seen: seen.append(len(facts := real(*args))) or facts)
        db = tmp_path / f"items-{len(stored)}.db"
        db.write_bytes(workload.read_bytes())
        store = Store(db)
        try:
            run = run_period(store, load_default(), "2025", workers=1, engine_name=engine, full=True).run
            stored.append(documents(store, run))
            assert reference.check(str(db), run) == []
        finally:
            store.close()
        asserted.append(sum(seen))
    assert asserted[0] < 0.2 * asserted[1]  # the engine sees a few groups instead of every item
    assert stored[0] == stored[1]  # and every document (explanations name every item) is the same, byte for byte


def test_the_growth_line_says_it_by_cpu_and_by_the_cores_each_run_had(tmp_path, monkeypatch):
    # The 10,000-unit run of the fifth session grew 13.4x by wall beside a test suite, 7.7x by CPU: the line must
    # let a reader tell more work a unit from fewer cores.
    import argparse

    import results

    monkeypatch.setattr(results, "RESULTS", tmp_path / "RESULTS.md")
    big = {"seconds": 77.0, "cpu": 3.9, "cpu_workers": 69.9, "rss_parent": 2**20, "rss_worker": 2**20}
    small = {"seconds": 5.76, "cpu": 1.78, "cpu_workers": 7.86}
    details = {"run": big, "small_run": small, "engines": ["durable_rules 2"], "engine_runs": {"durable_rules": big},
               "engine_floors": {}, "incremental": {}, "run_floor_cpu": 17.4, "rescore_median_ms": 9.9,
               "rescore_cpu_ms": (9.8, 12.6), "import": {"written": {}}}
    args = argparse.Namespace(units=10000, samples=50, workers_expected=2, details=details)
    results.write_results(args, [("growth", "13.4", "x", "-", "5.76s")], ("0", "0"))
    growth = next(line for line in (tmp_path / "RESULTS.md").read_text(encoding="utf-8").splitlines()
                  if line.startswith("- growth:"))
    assert growth == ("- growth: 1000 units ran in 5.76 s, right after the run. By CPU (parent and workers) 73.8 s "
                      "against 9.6 s: 7.7×; the workers used 0.91 and 1.36 cores on average.")
