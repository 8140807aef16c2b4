"""The workbook's fast rows (scoring.outputs.report.xlsx.FastRows) write exactly the bytes XlsxWriter writes
for the same cells: every part of the file but its creation time is compared with a workbook written
cell by cell through XlsxWriter's own calls, on cells that need escaping, encoding or a format as well
as plain ones, and on random tables."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.outputs.report import xlsx
from scoring.outputs.report.tables import Column, Table
from scoring.outputs.report.xlsx import write_xlsx

META = {"lang": "zh", "title": "报告", "period": "2025", "criteria": "c", "run": 1, "scored_as_of": "2025-12-31",
        "previous": None, "as_of": "2025-12-31", "period_text": "2025年度", "standard_title": "标准",
        "scored_at": "2026-01-01 08:00", "standard_version": "1"}
COLUMNS = (Column("text", "文本"), Column("score", "得分", "score"), Column("int", "排名", "int"),
           Column("change", "变化", "change"), Column("points", "分值", "points"), Column("date", "期限", "date"),
           Column("bool", "逾期", "bool"), Column("note", "备注"))
AWKWARD_TEXT = ["plain", "=1+1", "+SUM(A1:A2)", "-2", "@cmd", "a & b", "<b>x</b>", "<r>rich</r>", 'say "hi"',
                "two\nlines", "tab\there", "bell\x07", "_x0041_", " leading", "trailing ", "全角\u3000",
                "\ufffe", "x" * 20000, "中文说明", "", None, 42]
CREATED = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: CREATED.sub(b"", book.read(name)) for name in book.namelist()}


def both_ways(tmp_path: Path, tables: list[Table], monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    fast = parts(write_xlsx(tables, META, tmp_path / "fast.xlsx", [("说明", "草稿")]))
    with monkeypatch.context() as m:
        m.setattr(xlsx.FastRows, "write", lambda self, r0, rows: ((r0 + i, row) for i, row in enumerate(rows)))
        slow = parts(write_xlsx(tables, META, tmp_path / "slow.xlsx", [("说明", "草稿")]))
    return fast, slow


@pytest.mark.parametrize("chunk", [xlsx.CHUNK, 3], ids=["one chunk", "chunks of 3 rows"])
def test_fast_rows_write_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch, chunk):
    """Formats first used late, by a later column first, in a row XlsxWriter writes, or across chunks of rows
    laid out a column at a time: numbered in the same order."""
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    rows = [(text, "85.50", 3, "-1.25", "-0.5", "2025-06-30", i % 2 == 0, "备注")
            for i, text in enumerate(AWKWARD_TEXT)]
    rows += [(None, None, None, None, None, None, None, None), ("", "", "", "", "", "", "", ""),  # rows without cells
             ("only text", None, None, None, None, None, None, None), (None, None, None, None, None, None, None, "末列")]
    # A table whose number formats are first used late, and one where the first data row is not plain.
    late = [("a", None, None, None, None, None, None, None), (None, None, None, None, "4", None, None, None),
            ("<b>", None, 5, None, None, None, None, None), ("b", "1", 2, "+3.00", "4", "2026-01-01", True, "x")]
    first_awkward = [("<x>", "1", 1, "0", "0", "2025-01-01", False, ""), ("plain", "2", 2, "0", "0", "2025-01-02", True, "")]
    tables = [Table("t", "表", COLUMNS, rows), Table("late", "晚", COLUMNS, late),
              Table("first", "首", COLUMNS, first_awkward), Table("empty", "空", COLUMNS, [])]
    fast, slow = both_ways(tmp_path, tables, monkeypatch)
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name
    sheet = fast["xl/worksheets/sheet1.xml"].decode()
    # Both ways really ran: plain rows inline, awkward text escaped or encoded by XlsxWriter.
    assert '<c r="A2" t="inlineStr"><is><t>plain</t></is></c>' in sheet
    assert "a &amp; b" in sheet and "bell_x0007_" in sheet and "_x005F_x0041_" in sheet


cells = st.one_of(st.none(), st.just(""), st.text(alphabet=st.sampled_from("ab中=+-@ &<>\"\n\t\x01_x0041 "), max_size=8))
numbers = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2).map(str))
table_rows = st.lists(st.tuples(cells, numbers, st.one_of(st.none(), st.integers(0, 10**6)), numbers, numbers,
                                st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())), st.booleans(), cells),
                      max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=table_rows, second=table_rows)
def test_fast_rows_match_xlsxwriter_on_random_tables(tmp_path, monkeypatch, first, second):
    fast, slow = both_ways(tmp_path, [Table("a", "甲", COLUMNS, first), Table("b", "乙", COLUMNS, second)], monkeypatch)
    assert fast == slow
