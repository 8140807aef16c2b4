"""`scoring report`: the report's data (golden), its CSV files (golden), the HTML renders that data and
needs no network, the workbook holds no formula and its totals are `scoring rank`'s, and the demo
writes the report.

The golden files hold the report of the inputs/example workspace scored for 2024 and 2025;
`UPDATE_GOLDEN=1 pytest tests/test_report.py` rewrites them after a deliberate change (review the diff).
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scoring.cli import cli
from scoring.outputs.report import build
from scoring.outputs.report.tables import Column, Table
from scoring.outputs.report.xlsx import write_xlsx
from scoring.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "example"
GOLDEN = Path(__file__).resolve().parent / "golden"
ENV = {"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": "pytest"}
KINDS = ("units", "findings", "self-assessments", "survey", "survey-issued", "metrics")


def scoring(*args: Any, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    assert result.exit_code == code, f"scoring {' '.join(map(str, args))}: {result.output}\n{result.exception!r}"
    return result


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden file {path}: create it with UPDATE_GOLDEN=1"
    assert actual == path.read_bytes().decode("utf-8"), (
        f"{name} differs from the golden file; if the change is right: UPDATE_GOLDEN=1 pytest tests/test_report.py")


# Built once per session and shared with tests/test_compare.py (which imports these fixtures): the
# cache is this module's, so a second module registering the fixtures does not build them again.
_BUILT: dict[str, Any] = {}


@pytest.fixture(scope="session")
def example(tmp_path_factory) -> Path:
    """The inputs/example workspace (ROOT/scoring.db), scored for 2024 and 2025, its report in ROOT/out."""
    if "example" not in _BUILT:
        _BUILT["example"] = _example(tmp_path_factory.mktemp("example"))
    return _BUILT["example"]


def _example(root: Path) -> Path:
    db = root / "scoring.db"
    scoring("init", "--db", db)
    scoring("period", "add", "2024", "2025", "--db", db)
    for kind in KINDS:
        scoring("import", kind, EXAMPLE / f"{kind}.csv", "--db", db)
    for period in ("2024", "2025"):
        scoring("run", "--period", period, "--db", db)
    result = scoring("report", "--period", "2025", "--out", root / "out", "--db", db)
    assert "report-2025.html" in result.stderr and result.stdout == ""
    return root


def report_data(db: Path, lang: str = "zh") -> dict[str, Any]:
    store = Store(db)
    try:
        return build(store, "2025", lang)
    finally:
        store.close()


def stable(data: dict[str, Any]) -> str:
    """The data as golden text; the standard's hash is left out, so editing a rule's wording changes less, and
    so is the time the run was scored (the test's own clock)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    text = re.sub(r'"scored_at": "[0-9-]+ [0-9:]+"', '"scored_at": "TIME"', text)
    return re.sub(r"gongkai-default@[0-9a-f]{12}", "gongkai-default@HASH", text)


# ---------------------------------------------------------------- data and CSV goldens


def test_report_data_golden(example):
    data = report_data(example / "scoring.db")
    assert data["meta"]["previous"] == "2024"  # change since the scored period before
    golden("report-data.json", stable(data))


def test_report_data_in_english_uses_english_labels(example):
    data = report_data(example / "scoring.db", "en")
    assert data["meta"]["title"].startswith("Openness assessment 2025")
    assert {g["name"] for g in data["summary"]["grades"]} == {"Excellent", "Good", "Pass", "Fail"}
    assert data["groups"][0]["name"] == "City department"


def test_csv_files_golden(example):
    out = example / "out"
    names = sorted(p.name for p in out.glob("report-2025-*.csv"))
    assert names == sorted(["report-2025-ranking.csv", "report-2025-dimensions.csv", "report-2025-indicators.csv",
                            "report-2025-lines.csv", "report-2025-rectification-units.csv",
                            "report-2025-feed.csv"] + [f"report-2025-rectifications-{t}.csv" for t in (
                                "city_department", "district_government", "township", "public_institution")
                                if (out / f"report-2025-rectifications-{t}.csv").exists()])
    for name in names:
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
        golden(name, raw.decode("utf-8-sig"))


def test_rectification_csv_is_sorted_by_unit_then_deadline(example):
    for path in (example / "out").glob("report-2025-rectifications-*.csv"):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        header = lines[0].split(",")
        keys = [(row[header.index("单位编码")], row[header.index("整改期限")])
                for row in (line.split(",") for line in lines[1:])]
        assert keys == sorted(keys), path.name


# ---------------------------------------------------------------- the HTML shows the data


class Tables(HTMLParser):
    """Text of every cell of tables with class `ranking`, per data-group, and of data-key elements."""

    def __init__(self):
        super().__init__()
        self.groups: dict[str, list[list[str]]] = {}
        self.keys: dict[str, str] = {}
        self.tags: list[str] = []
        self._group = self._row = self._cell = self._key = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "table" and "ranking" in (attrs.get("class") or "").split():
            self._group = self.groups.setdefault(attrs["data-group"], [])
        elif tag == "tr" and self._group is not None and "data-unit" in attrs:
            self._row = []
            self._group.append(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = ""
        if "data-key" in attrs:
            self._key = attrs["data-key"]
            self.keys[self._key] = ""

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._group = None
        elif tag == "b":
            self._key = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._key:
            self.keys[self._key] += data


def test_html_ranked_tables_and_summary_show_the_data(example):
    html = (example / "out" / "report-2025.html").read_text(encoding="utf-8")
    data = report_data(example / "scoring.db")
    parsed = Tables()
    parsed.feed(html)
    assert list(parsed.groups) == [g["group"] for g in data["groups"]]
    for group in data["groups"]:
        cells = parsed.groups[group["group"]]
        expected = [[str(r["rank"]), r["unit"], r["name"] + (" 否决" if r["veto"] else ""), r["score"], r["base"],
                     r["bonus"], r["grade"]] for r in group["rows"]]
        assert [row[:7] for row in cells] == expected
        for row, cell in zip(group["rows"], cells):
            assert cell[8] == (row["score_change"] or "—")
    assert parsed.keys["units"] == str(data["summary"]["units"])
    assert parsed.keys["average_score"] == data["summary"]["average_score"]
    assert {k: int(v) for k, v in parsed.keys.items() if k.startswith("grade-")} == {
        f"grade-{g['code']}": g["count"] for g in data["summary"]["grades"]}


def test_html_is_self_contained_with_text_charts(example):
    html = (example / "out" / "report-2025.html").read_text(encoding="utf-8")
    data = report_data(example / "scoring.db")
    assert html.startswith("<!doctype html>") and '<html lang="zh-CN">' in html
    for outside in ("<script", "<link", " src=", "@import", "url(http", 'href="http'):
        assert outside not in html, outside
    # svg.fonttype none: labels are <text> the browser draws, not glyph outlines.
    assert "<text" in html and "DejaVuSans-" not in html and "市教育局</text>" in html
    assert html.count('class="radar"') == len(data["units"]) and html.count('id="radar-frame"') == 1
    for card in data["units"]:
        assert f'id="u-{card["unit"]}"' in html
        for item in card["rectifications"]:
            assert f'data-item="{item["id"]}"' in html


# ---------------------------------------------------------------- the workbook


def test_workbook_cells_that_look_like_formulas_stay_text(tmp_path):
    hostile = ["=1+1", "=HYPERLINK(\"http://example.com\")", "+SUM(A1:A2)", "-2+3", "@cmd", "plain"]
    table = Table("t", "表", (Column("text", "文本"), Column("n", "数", "score")), [(value, "-1.50") for value in hostile])
    path = write_xlsx([table], {"lang": "zh", "title": "=title", "period": "2025", "criteria": "c", "run": 1,
                                "scored_as_of": "2025-12-31", "previous": None, "as_of": "2025-12-31",
                                "period_text": "2025年度", "standard_title": "标准", "scored_at": "2026-01-01 08:00",
                                "standard_version": "1"},
                      tmp_path / "t.xlsx")
    sheet = load_workbook(path)["表"]
    assert [c.value for c in sheet["A"][1:]] == hostile
    assert all(c.data_type == "s" for c in sheet["A"])
    assert [c.value for c in sheet["B"][1:]] == [-1.5] * len(hostile)
    assert sheet.freeze_panes == "A2"


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """`scoring demo`: the city scored for 2024 and 2025 (OUT/demo.db), with its report; and what it said."""
    if "demo" not in _BUILT:
        out = tmp_path_factory.mktemp("demo")
        _BUILT["demo"] = (out, scoring("demo", "--out", out).stderr)
    return _BUILT["demo"]


def test_demo_writes_the_report_and_says_where(demo):
    out, stderr = demo
    assert (out / "report-2025.html").is_file() and (out / "report-2025.xlsx").is_file()
    assert str(out / "report-2025.html") in stderr and "report-2025.xlsx" in stderr


def test_demo_workbook_has_no_formula_and_matches_rank_json(demo):
    out, _ = demo
    book = load_workbook(out / "report-2025.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" or sheet.title == "说明", sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
    assert book.sheetnames[:5] == ["排名", "各方面得分", "各指标得分", "得分明细", "整改情况"]
    assert book.sheetnames[-2:] == ["目标考核", "说明"]
    assert [s for s in book.sheetnames if s.startswith("整改清单-")] == [
        "整改清单-市直部门", "整改清单-县区政府", "整改清单-乡镇（街道）", "整改清单-公共企事业单位"]

    ranked = json.loads(scoring("rank", "--period", "2025", "--format", "json", "--db", out / "demo.db").stdout)
    sheet = book["排名"]
    header = [c.value for c in sheet[1]]
    at = {name: header.index(name) for name in ("单位编码", "排名", "得分", "基础分", "加分", "等次")}
    rows = {r[at["单位编码"]]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(ranked) == 95
    for expected in ranked:
        row = rows[expected["unit"]]
        assert row[at["排名"]] == expected["rank"] and row[at["等次"]] == expected["grade"]
        for key, name in (("score", "得分"), ("base", "基础分"), ("bonus", "加分")):
            assert format(Decimal(str(row[at[name]])), ".2f") == expected[key], (expected["unit"], key)
    assert sheet["E2"].number_format == "0.00"

    feed = book["目标考核"]
    feed_points = {r[0]: format(Decimal(str(r[6])), ".2f") for r in feed.iter_rows(min_row=2, values_only=True)}
    demo_feed = (out / "feed.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert feed_points == {line.split(",")[0]: line.split(",")[-1] for line in demo_feed}


def test_demo_rectification_sheets_are_sorted_and_dated(demo):
    book = load_workbook(demo[0] / "report-2025.xlsx")
    total = 0
    for name in (s for s in book.sheetnames if s.startswith("整改清单-")):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        unit, deadline = header.index("单位编码"), header.index("整改期限")
        keys = [(r[unit], r[deadline]) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert keys == sorted(keys), name
        assert sheet.cell(row=2, column=deadline + 1).number_format == "yyyy-mm-dd"
        total += len(keys)
    store = Store(demo[0] / "demo.db")
    try:
        counted = sum(len(doc["rectifications"])
                      for doc in store.run_documents(store.latest_run("2025")["id"]))
    finally:
        store.close()
    assert total == counted


def test_report_errors_are_exit_2(example):
    db = example / "scoring.db"
    assert "scoring run --period 2023" in scoring("report", "--period", "2023", "--db", db, code=2).stderr
    scoring("report", "--period", "2025", "--with", "2023", "--out", example / "x", "--db", db, code=2)

