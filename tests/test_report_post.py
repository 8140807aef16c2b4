"""What a report does after (or beside) reading a run's documents: counting the period's findings
(scoring/outputs/report/findings.py) and summing the points each rule took per half of a big run's scan
(report/parts.py)."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal

import pytest

from scoring.outputs.report import background, build, data, parts
from scoring.outputs.report.findings import EXAMPLES, TOP_FINDINGS, count_findings
from scoring.outputs.report.scan import Record, Scan
from scoring.store import Store
from test_report import demo  # noqa: F401  (the session's demo workspace, built once)

# The query the counts were made by before: withdrawals probed once a finding (a correlated NOT EXISTS), each
# (code, unit) count added up in Python.
PROBED = ("select code, unit, sum(coalesce(count, 1)) from findings f where period = ? and not exists "
          "(select 1 from finding_withdrawals w where w.finding = f.id) group by code, unit")


def probed(store: Store, run: int) -> list[tuple[str, int, int, str]]:
    """COUNTS's rows as Python made them from PROBED's (findings.frequent_findings before)."""
    units = {unit for (unit,) in store.execute("select unit from run_units where run = ?", [run])}
    at: dict[str, list[tuple[int, str]]] = {}
    for code, unit, n in store.execute(PROBED, ["2025"]):
        if unit in units:
            at.setdefault(code, []).append((-n, unit))
    return [(code, -sum(n for n, _ in at[code]), len(at[code]), unit)
            for code in sorted(at) for _, unit in sorted(at[code])[:EXAMPLES]]


def test_withdrawn_findings_are_not_counted_and_the_rest_are_as_before(demo, tmp_path):
    out, _ = demo
    db = tmp_path / "demo.db"
    shutil.copy(out / "demo.db", db)
    store = Store(db)
    try:
        run = store.execute("select max(id) from runs where period = '2025'").fetchone()[0]
        counted = count_findings(store, "2025", run)()
        assert counted == probed(store, run) and len({code for code, *_ in counted}) > TOP_FINDINGS
        code, findings, units, example = counted[0]
        finding, n = store.execute("select id, coalesce(count, 1) from findings where period = '2025' and "
                                   "code = ? and unit = ? order by id limit 1", [code, example]).fetchone()
        store.execute("insert into finding_withdrawals (finding, reason) values (?, '申诉成立')", [finding])
        store.execute("insert into finding_withdrawals (finding, reason) values (null, '无')")  # NOT IN's trap
        withdrawn = count_findings(store, "2025", run)()
        assert withdrawn == probed(store, run) and withdrawn[0][:2] == (code, findings - n)
    finally:
        store.close()


def record(unit: str, lost: dict[str, Decimal]) -> Record:
    return Record(unit, unit, "g", "t", 1, "0", "0", "0", "a", False, "0", [], {}, [], [], lost=lost)


def test_a_halfs_points_lost_are_summed_exactly_keeping_sums_of_zero_or_less():
    first = parts.summed(Scan([record("A", {"R1": Decimal("1.5"), "R2": Decimal("-2")}),
                               record("B", {"R1": Decimal("0.25")})]))
    second = parts.summed(Scan([record("C", {"R2": Decimal("2"), "R3": Decimal("-0.5")})]))
    assert [rec.lost for rec in first.records + second.records] == [None] * 3  # not sent back from the child
    whole = parts.joined(first, second)
    assert whole.lost == {"R1": Decimal("1.75"), "R2": Decimal("0"), "R3": Decimal("-0.5")}
    assert [rec.unit for rec in whole.records] == ["A", "B", "C"]


@pytest.mark.skipif(not background.can_fork(), reason="forks only where it can (one thread, fork)")
@pytest.mark.parametrize("child_dies", [False, True], ids=["counted by the child", "child dies: counted here"])
def test_a_split_reports_findings_are_counted_by_its_halves_not_a_thread(demo, tmp_path, monkeypatch, child_dies):
    out, _ = demo
    store = Store(out / "demo.db")
    try:
        whole = build(store, "2025", summary=True)["findings"]
        monkeypatch.setattr(parts, "SPLIT_UNITS", 1)
        monkeypatch.setattr(data, "count_findings", lambda *args: pytest.fail("counted in a thread"))
        if child_dies:
            monkeypatch.setattr(parts, "_child", lambda send, *args: os._exit(3))
        split = build(store, "2025", summary=True)["findings"]
    finally:
        store.close()
    assert split == whole and len(whole) == TOP_FINDINGS and all(row["examples"] for row in whole)


def test_blocks_in_a_file_are_written_as_blocks_in_memory(tmp_path):
    """A child's half of a detail table's CSV text is read from the file it spilled it to (parts.spilled):
    the same file as from the text itself, whatever blocks are where, empty ones included."""
    import tempfile

    from scoring.outputs.report.columns import Column, Table
    from scoring.outputs.report.csvfiles import Blocks, render, write_csv

    columns = (Column("a", "甲"), Column("b", "B", "points"), Column("c", "C", "bool"))
    rows = [(f"单位{i:03d}", f"-{i % 7}.5", i % 3 == 0) for i in range(400)]
    cuts = [0, 1, 1, 50, 51, 200, 399, 400]  # an empty block, one-row blocks, the last row alone
    texts = [render(columns, rows[a:b], "zh") for a, b in zip(cuts, cuts[1:])]
    whole = write_csv(Table("t", "表", columns, rows), "zh", tmp_path / "whole.csv").read_bytes()
    with tempfile.TemporaryFile() as spill:
        part = parts.Part([record(f"U{i}", {}) for i in range(len(texts))])
        for rec, (i, text) in zip(part.records, enumerate(texts)):
            rec.csv = (text, b"") if i % 2 else (b"", text)
        parts.spilled(part, spill.fileno())
        assert all(rec.csv[0].__class__ is not bytes for rec in part.records)
        blocks = [rec.csv[i % 2 == 0] for i, rec in enumerate(part.records)]
        blocks[3] = texts[3]  # some blocks in memory (the parent's half), some in the file
        laid_out = write_csv(Table("t", "表", columns, Blocks(blocks, len(rows), spill)), "zh", tmp_path / "b.csv")
        assert laid_out.read_bytes() == whole
