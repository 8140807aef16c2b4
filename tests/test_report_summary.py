"""`scoring report` for a big run (the summary edition), chosen scorecards, progress, and the fast paths
behind them: the CSV writer against csv.writer, movement without the standings index, the forked child.

A big run is the inputs/example workspace with the thresholds lowered (fixture `big`), so every
number can be checked against the same data as tests/test_report.py's golden files.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

import pytest
from openpyxl import load_workbook

from scoring.outputs.report.data import assemble
from scoring.outputs.report.tables import Column, Table
from scoring.store import Store
from test_report import Tables, example, golden, report_data, scoring  # noqa: F401  (session fixture shared)



@pytest.fixture
def big(monkeypatch):
    """The example's 7 units treated as a big run: summary HTML, two-row rankings, no detail sheets."""
    from scoring.outputs.report import data, tables

    monkeypatch.setattr(data, "FULL_REPORT_UNITS", 3)
    monkeypatch.setattr(data, "RANKING_HEAD", 1)
    monkeypatch.setattr(data, "RANKING_TAIL", 1)
    monkeypatch.setattr(data, "RANKING_SLACK", 0)
    monkeypatch.setattr(tables, "DETAIL_ROWS_IN_WORKBOOK", 0)


def test_big_run_html_is_a_summary_that_says_where_the_details_are(example, tmp_path, big):
    scoring("report", "--period", "2025", "--out", tmp_path, "--db", example / "scoring.db")
    html = (tmp_path / "report-2025.html").read_text(encoding="utf-8")
    data = report_data(example / "scoring.db")
    assert '<article class="unit"' not in html and "data-item=" not in html and "radar-frame" not in html
    assert "汇总版：参评单位7个（多于3个）" in html and "scoring scorecard 单位编码 --period 2025" in html
    assert "report-2025-lines.csv" in html and "report-2025-rectifications-*.csv" in html
    parsed = Tables()
    parsed.feed(html)
    for group in data["groups"]:  # the best and the worst of a group bigger than head + tail
        rows = group["rows"] if len(group["rows"]) <= 2 else [group["rows"][0], group["rows"][-1]]
        assert [cells[1] for cells in parsed.groups[group["group"]]] == [r["unit"] for r in rows]
    assert html.count('class="omitted"') == 1 and "中间2个单位略" in html
    city = next(g for g in data["rectification_groups"] if g["type"] == "city_department")
    assert re.search(rf'<tr data-type="city_department"><td>市直部门</td><td class="n">{city["units"]}</td>'
                     rf'<td class="n">{city["count"]}</td><td class="n">{city["open"]}</td>', html)
    behind = html.split('class="overdue-units"')[1]
    for u in data["overdue_units"]:
        assert re.search(rf'<tr data-unit="{u["unit"]}">(?:(?!</tr>).)*<td class="n">{u["count"]}</td>'
                         rf'<td class="n">{u["open"]}</td><td class="n"><span class="overdue">{u["overdue"]}</span>',
                         behind, re.S), u


def test_big_run_workbook_has_every_unit_and_the_csv_files_every_detail(example, tmp_path, big):
    scoring("report", "--period", "2025", "--out", tmp_path, "--db", example / "scoring.db")
    book = load_workbook(tmp_path / "report-2025.xlsx")
    assert book.sheetnames == ["排名", "各方面得分", "各指标得分", "整改情况", "目标考核", "说明"]
    for name in ("排名", "各方面得分", "各指标得分", "整改情况", "目标考核"):
        assert book[name].max_row == 1 + 7, name
    about = [row for row in book["说明"].iter_rows(values_only=True)]
    assert about[-1][0] == "明细" and "report-2025-lines.csv" in about[-1][1]
    for path in tmp_path.glob("report-2025-*.csv"):  # the same tables as a full report's
        golden(path.name, path.read_bytes().decode("utf-8-sig"))


def test_big_run_in_english(example, tmp_path, big):
    scoring("report", "--period", "2025", "--out", tmp_path, "--lang", "en", "--db", example / "scoring.db")
    html = (tmp_path / "report-2025.html").read_text(encoding="utf-8")
    assert "Summary edition: 7 units (more than 3)" in html and "scoring scorecard CODE --period 2025" in html


def test_chosen_units_get_their_scorecards(example, tmp_path, big):
    scoring("report", "--period", "2025", "--out", tmp_path, "--unit", "D001", "--group", "township",
            "--db", example / "scoring.db")
    html = (tmp_path / "report-2025.html").read_text(encoding="utf-8")
    assert re.findall(r'<article class="unit" id="u-(\w+)"', html) == ["D001", "T001"]
    assert html.count('class="radar"') == 2 and html.count('id="radar-frame"') == 1
    store = Store(example / "scoring.db")
    try:
        records = assemble(store, "2025").scan.records
    finally:
        store.close()
    items = [item[0] for r in records if r.unit in ("D001", "T001") for item in r.items]
    assert re.findall(r'<tr data-item="([^"]+)"', html) == items and len(items) == 3  # in the two cards only
    assert '<a href="#u-D001">D001</a>' in html and '<a href="#u-D002">' not in html


def test_a_small_run_with_a_chosen_unit_keeps_its_full_lists(example, tmp_path):
    scoring("report", "--period", "2025", "--out", tmp_path, "--unit", "D002", "--db", example / "scoring.db")
    html = (tmp_path / "report-2025.html").read_text(encoding="utf-8")
    assert re.findall(r'<article class="unit" id="u-(\w+)"', html) == ["D002"]
    assert "汇总版" not in html and html.count("<tr data-item=") == 5 + 1  # every item, and D002's in its card


def test_unknown_unit_or_group_is_exit_2(example, tmp_path):
    db = example / "scoring.db"
    assert "--unit NOPE" in scoring("report", "--period", "2025", "--unit", "NOPE", "--out", tmp_path,
                                    "--db", db, code=2).stderr
    assert "--group nope" in scoring("report", "--period", "2025", "--group", "nope", "--out", tmp_path,
                                     "--db", db, code=2).stderr


def test_progress_counts_every_unit_then_the_files(example, tmp_path, monkeypatch):
    from scoring.cli import report as command

    seen: list[tuple[int, int]] = []

    @contextmanager
    def bar(length, label):
        done = []
        yield type("Bar", (), {"update": lambda self, n: done.append(n)})()
        seen.append((length, sum(done)))

    monkeypatch.setattr(command, "progress_bar", bar)
    scoring("report", "--period", "2025", "--out", tmp_path, "--db", example / "scoring.db")
    assert seen == [(7 + 4, 7 + 4)]  # then HTML, CSV, 通报 and workbook


def test_movement_without_the_standings_index_reads_whole_documents(example, monkeypatch):
    expected = report_data(example / "scoring.db")["groups"]
    monkeypatch.setattr(Store, "run_standings", lambda self, run, group: [])
    assert report_data(example / "scoring.db")["groups"] == expected


def test_csv_is_what_csv_writer_writes_with_formulas_made_text(tmp_path):
    import csv as std

    from scoring.exports import safe_cell
    from scoring.outputs.report import write_csv

    texts = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "-1.5", "+2", "a,b", 'say "hi"', "two\nlines", "cr\r", "plain", "",
             "中文"]
    mixed = [(a, b, None, 7) for a in texts for b in texts] + [(a, b, "x", "y") for a in texts for b in texts]
    plain = [("a", "b", str(i), "中文") for i in range(12000)]  # whole batches of plain text, and a part one
    one_comma = plain[:7000] + [("a", "b,c", "d", "e")] + plain[:100]  # a batch with one field to quote
    for rows in (mixed, plain, one_comma):
        table = Table("t", "表", (Column("a", "=A"), Column("b", "B"), Column("c", "C"), Column("d", "D")), rows)
        expected = io.StringIO()
        std.writer(expected, lineterminator="\n").writerows(
            [["'=A", "B", "C", "D"]] + [[safe_cell("" if v is None else v) for v in row] for row in rows])
        assert write_csv(table, "zh", tmp_path / "t.csv").read_bytes().decode("utf-8-sig") == expected.getvalue()


def test_work_in_the_background_runs_once_and_its_failure_is_reported(tmp_path):
    from scoring.outputs.report import background

    done = tmp_path / "done"
    background.start(lambda: done.write_text("x"), "test")()
    assert done.read_text() == "x"

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises((background.BackgroundFailed, OSError)):  # in a child, or here when it cannot fork
        background.start(fail, "test")()
