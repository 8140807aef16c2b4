"""A big run's report scans its documents in two processes (scoring/outputs/report/parts.py): every file it
writes is the same, byte for byte, as the report scanned in one process — with the halves' rows kept as
tuples, laid out as CSV text and trimmed, with scorecards shown, and when the child process fails.

Forced on the demo's city (95 units) by lowering the thresholds the province reaches by itself.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from scoring.outputs.report import Selection, background, parts, tables, tongbao, write_report
from scoring.store import Store
from test_report import demo  # noqa: F401  (the session's demo workspace, built once)

forks = pytest.mark.skipif(not background.can_fork(), reason="forks only where it can (one thread, fork)")


def written(out: Path) -> dict[str, bytes]:
    """Every file of a report: CSV and HTML as bytes, the workbook's parts but its timestamps, the 通报's text."""
    files = {}
    for path in sorted(out.iterdir()):
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    if name != "docProps/core.xml":  # when the file was made
                        files[f"{path.name}/{name}"] = book.read(name)
        else:
            files[path.name] = path.read_bytes()
    return files


def report(db: Path, out: Path, monkeypatch, halves: bool, selection: Selection = Selection(),
           lang: str = "zh") -> dict[str, bytes]:
    started = []
    real = parts.Halves.__init__

    def spy(self, *args, **kwargs):
        started.append(True)
        real(self, *args, **kwargs)
    monkeypatch.setattr(parts.Halves, "__init__", spy)
    monkeypatch.setattr(parts, "SPLIT_UNITS", 1 if halves else 10**9)
    store = Store(db)
    try:
        write_report(store, "2025", out, lang, summary=True, selection=selection)  # summary: not every item laid out
    finally:
        store.close()
    assert bool(started) == halves
    return written(out)


@forks
def test_halves_write_the_same_files(demo, tmp_path, monkeypatch):
    out, _ = demo
    one = report(out / "demo.db", tmp_path / "one", monkeypatch, halves=False)
    two = report(out / "demo.db", tmp_path / "two", monkeypatch, halves=True)
    assert one.keys() == two.keys() and "report-2025-lines.csv" in one and "通报-2025.docx/word/document.xml" in one
    assert [name for name in one if one[name] != two[name]] == []


@forks
@pytest.mark.parametrize("listed, lang", [(10**6, "zh"), (0, "zh"), (0, "en")],
                         ids=["open items listed", "open items counted", "in English"])
def test_trimmed_halves_write_the_same_files(demo, tmp_path, monkeypatch, listed, lang):
    """Rows kept only as CSV text: the detail tables leave the workbook, the 通报 still names vetoes and lists
    (or counts) the open items, a selected unit's scorecard still lists its items."""
    out, _ = demo
    monkeypatch.setattr(tables, "DETAIL_ROWS_IN_WORKBOOK", 10)
    monkeypatch.setattr(tongbao, "ITEMS_IN_DOCUMENT", listed)
    store = Store(out / "demo.db")
    unit = store.execute("select unit from run_units order by unit limit 1").fetchone()[0]
    store.close()
    shown = Selection(units=frozenset({unit}))
    one = report(out / "demo.db", tmp_path / "one", monkeypatch, halves=False, selection=shown, lang=lang)
    monkeypatch.setattr(parts, "DETAIL_ROWS_IN_WORKBOOK", 10)
    monkeypatch.setattr(parts, "ITEMS_IN_DOCUMENT", listed)
    cut = []
    real_cut = parts.Trim._cut
    monkeypatch.setattr(parts.Trim, "_cut", lambda self, rec: cut.append(rec.unit) or real_cut(self, rec))
    two = report(out / "demo.db", tmp_path / "two", monkeypatch, halves=True, selection=shown, lang=lang)
    assert cut, "this process's half was not trimmed"
    assert b"lines.csv" in two["report-2025.html"]  # the lines are in the CSV file only, not the workbook
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert unit.encode() in one["report-2025.html"]


@forks
@pytest.mark.parametrize("pinned", [False, True], ids=["dies at once", "dies while scanning"])
def test_a_failed_child_leaves_its_half_to_the_parent(demo, tmp_path, monkeypatch, pinned):
    out, _ = demo
    one = report(out / "demo.db", tmp_path / "one", monkeypatch, halves=False)

    def dies(send, *args):
        if pinned:
            send.send(("pinned", None))
        os._exit(3)
    monkeypatch.setattr(parts, "_child", dies)
    two = report(out / "demo.db", tmp_path / "two", monkeypatch, halves=True)
    assert [name for name in one if one[name] != two[name]] == []


@forks
def test_a_commit_before_the_child_fixed_its_snapshot_leaves_both_halves_to_the_parent(demo, tmp_path, monkeypatch):
    """The child's snapshot must be the report's: if anyone may have committed in between, it is let go."""
    out, _ = demo
    one = report(out / "demo.db", tmp_path / "one", monkeypatch, halves=False)
    let_go = []
    real = parts.Halves._let_go
    monkeypatch.setattr(parts.Watch, "changed", lambda self: True)
    monkeypatch.setattr(parts.Halves, "_let_go", lambda self: let_go.append(True) or real(self))
    two = report(out / "demo.db", tmp_path / "two", monkeypatch, halves=True)
    assert let_go and [name for name in one if one[name] != two[name]] == []


@forks
def test_watch_sees_another_connections_commit(tmp_path):
    store = Store(tmp_path / "w.db", create=True)
    store.execute("create table t (x)")
    other = Store(tmp_path / "w.db")
    try:
        with parts.watching(store) as watch:
            assert watch is not None and not watch.changed()
            with store.snapshot():
                assert not watch.changed()
                other.execute("insert into t values (1)")  # committed (autocommit) by someone else
                assert watch.changed()
        with store.transaction():
            with parts.watching(store) as inside:
                assert inside is None  # a transaction's writes are not committed: a child would not see them
    finally:
        other.close()
        store.close()


def test_a_tables_rows_laid_out_in_blocks_are_its_csv_file(tmp_path):
    """csvfiles.render: a unit's rows as CSV text, so that the blocks joined are the file write_csv writes from
    the rows, whichever rows are checked together for formula-like text (a column with one is made text)."""
    import random

    from scoring.outputs.report.columns import Column, Table
    from scoring.outputs.report.csvfiles import Blocks, render, write_csv

    texts = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "-1.5", "+2", "a,b", 'say "hi"', "two\nlines", "cr\r", "plain", "",
             "中文", None]
    columns = (Column("a", "=A"), Column("b", "B", "points"), Column("c", "C", "bool"), Column("d", "D"))
    pick = random.Random(17)
    rows = [(pick.choice(texts), pick.choice(texts), pick.choice([True, False]), pick.choice(texts[-5:]))
            for _ in range(3000)]
    rows += [("a", "-1.00", False, "中文")] * 2000  # plain rows: the joined fast path
    cuts = sorted(pick.sample(range(1, len(rows)), 300))
    blocks = [render(columns, rows[a:b], "zh") for a, b in zip([0, *cuts], [*cuts, len(rows)])]
    whole = write_csv(Table("t", "表", columns, rows), "zh", tmp_path / "whole.csv").read_bytes()
    laid_out = write_csv(Table("t", "表", columns, Blocks(blocks, len(rows))), "zh", tmp_path / "blocks.csv")
    assert laid_out.read_bytes() == whole and b"'=1+1" in whole and b'"say ""hi"""' in whole


def test_work_in_a_thread_is_waited_for_and_its_failure_raised():
    done = []
    background.in_thread(lambda: done.append(1), "test")()
    assert done == [1]

    def fail() -> None:
        raise OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        background.in_thread(fail, "test")()
