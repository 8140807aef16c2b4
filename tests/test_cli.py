"""The `scoring` command as users and scripts meet it (design/interfaces.md), through click's CliRunner.

The golden files under tests/golden/ hold the exact output of the inputs/example workspace.
They name the standard's content hash, so an edit to the shipped standard changes them: look
at the diff, then accept it with

    UPDATE_GOLDEN=1 pytest tests/test_cli.py -k golden
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from conftest import EXAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden"
TWO_PLACES = re.compile(r"^-?\d+\.\d{2}$")
POINTS = re.compile(r"^-?\d+(\.\d+)?$")
RANK_KEYS = ["unit", "name", "group", "rank", "score", "base", "bonus", "grade", "veto", "dimensions",
             "open_rectifications"]
FINDINGS_HEADER = "id,unit,period,date,inspector,code,indicator,count,corrected_on_spot,note\n"


def count(ws, table: str) -> int:
    store = ws.store()
    try:
        return store.query(f"select count(*) as n from {table}")[0]["n"]
    finally:
        store.close()


def problem_lines(text: str) -> list[str]:
    """The `FILE 第 ROW 行、「column」列：reason` (`FILE:ROW: column: reason`) lines of an error, without
    click's `错误：` (`Error: `) prefix."""
    return [re.sub(r"^(Error: |错误：)", "", line) for line in text.splitlines()
            if re.match(r"^(Error: |错误：)?\S+(:\d+: | 第 \d+ 行)", line)]


# ---------------------------------------------------------------- workspace and periods


def test_init_twice_is_harmless(new_workspace):
    ws = new_workspace().init("2024", "2025")
    ws.invoke("import", "units", EXAMPLE / "units.csv")
    ws.invoke("init")
    assert count(ws, "units") == 7
    assert count(ws, "standards") == 1
    assert ws.invoke("period", "list").stdout == "2024\t2024-01-01\t2024-12-31\n2025\t2025-01-01\t2025-12-31\n"


def test_commands_without_a_workspace_say_how_to_make_one(new_workspace):
    result = new_workspace().invoke("rank", "--period", "2025", code=2)
    assert "scoring init" in result.stderr


@pytest.mark.parametrize("name", ["2025Q5", "2025-13", "2025H3", "25", "2025-7x", "next year", "0999"])
def test_period_add_refuses_bad_names(new_workspace, name):
    ws = new_workspace().init()
    result = ws.invoke("period", "add", "2026", name, code=2)
    assert "不是考核周期" in result.stderr
    assert ws.invoke("period", "list").stdout == ""  # all or nothing: 2026 was not added either


def test_period_add_names_years_halves_quarters_and_months(new_workspace):
    ws = new_workspace().init()
    ws.invoke("period", "add", "2025", "2025H1", "2025q3", "2025-02", "2024-02")
    result = ws.invoke("period", "add", "2025")
    assert "（已存在）" in result.stderr
    assert ws.invoke("period", "list").stdout.splitlines() == [
        "2024-02\t2024-02-01\t2024-02-29",
        "2025\t2025-01-01\t2025-12-31",
        "2025H1\t2025-01-01\t2025-06-30",
        "2025-02\t2025-02-01\t2025-02-28",
        "2025Q3\t2025-07-01\t2025-09-30",
    ]


def test_run_for_a_period_not_in_the_workspace_says_how_to_add_it(workspace):
    result = workspace.invoke("run", "--period", "2026", code=2)
    assert "scoring period add 2026" in result.stderr


# ---------------------------------------------------------------- importing


BAD_FINDINGS = (FINDINGS_HEADER
                + "X-1,D001,2025,2025-03-01,张明,CONTENT_STALE,,1,否,fine\n"
                + "X-2,D01,2025,2025-03-01,张明,CONTENT_STALE,,1,否,unknown unit\n"
                + "X-3,D001,2025,2025-02-30,张明,CONTENT_STALE,,1,否,impossible date\n"
                + "X-4,D001,2025,2025-03-01,张明,CONTENT_STAEL,,1,否,misspelled code\n"
                + "X-5,D002,2025,2025-03-02,张明,NOT_DISCLOSED,C3,2,否,fine\n")


def test_an_invalid_file_lists_every_problem_by_spreadsheet_row_and_writes_nothing(workspace, tmp_path):
    path = tmp_path / "findings-bad.csv"
    path.write_text(BAD_FINDINGS, encoding="utf-8")
    before = (count(workspace, "findings"), count(workspace, "audit"))
    result = workspace.invoke("import", "findings", path, code=2)
    listed = problem_lines(result.stderr)
    assert len(listed) == 3, result.stderr
    assert listed[0].startswith("findings-bad.csv 第 3 行、「unit」列：单位「D01」不在单位名单中") and "是否应为「D001」？" in listed[0]
    assert listed[1].startswith("findings-bad.csv 第 4 行、「date」列：") and "2025-02-30" in listed[1]
    assert listed[2].startswith("findings-bad.csv 第 5 行、「code」列：无法识别的问题代码「CONTENT_STAEL」")
    assert "是否应为「CONTENT_STALE」？" in listed[2]
    assert (count(workspace, "findings"), count(workspace, "audit")) == before
    assert not (tmp_path / "findings-bad.csv.rejected.csv").exists()


def test_row_numbers_are_spreadsheet_rows_when_a_cell_holds_a_line_break(workspace, tmp_path):
    path = tmp_path / "findings-multiline.csv"
    path.write_text(FINDINGS_HEADER
                    + 'X-1,D001,2025,2025-03-01,张明,CONTENT_STALE,,1,否,"第一行\n第二行"\n'
                    + "X-2,D01,2025,2025-03-01,张明,CONTENT_STALE,,1,否,unknown unit\n", encoding="utf-8")
    result = workspace.invoke("import", "findings", path, code=2)
    # Excel, WPS and LibreOffice show X-1 on row 2 (one cell on two lines) and X-2 on row 3.
    assert [line.split("、")[0] for line in problem_lines(result.stderr)] == ["findings-multiline.csv 第 3 行"]


def test_skip_invalid_writes_the_valid_rows_and_a_rejected_file(workspace, tmp_path):
    path = tmp_path / "findings-bad.csv"
    path.write_text(BAD_FINDINGS, encoding="utf-8")
    before = count(workspace, "findings")
    result = workspace.invoke("import", "findings", path, "--skip-invalid")
    assert "findings-bad.csv: 检查发现: 新增 2\n" in result.stderr
    assert count(workspace, "findings") == before + 2
    store = workspace.store()
    try:
        assert [r["id"] for r in store.query("select id from findings where id like 'X-%' order by id")] == ["X-1", "X-5"]
    finally:
        store.close()
    rejected = tmp_path / "findings-bad.csv.rejected.csv"
    rows = list(csv.DictReader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert [(r["行号"], r["id"]) for r in rows] == [("3", "X-2"), ("4", "X-3"), ("5", "X-4")]
    assert rows[0]["问题"].startswith("「unit」列：单位「D01」不在单位名单中")
    assert rows[1]["问题"].startswith("「date」列：")
    assert rows[2]["问题"].startswith("「code」列：无法识别的问题代码")


def test_the_rejected_file_neutralises_formulas_too(workspace, tmp_path):
    path = tmp_path / "findings-formula.csv"
    path.write_text("id,unit,period,date,code,=1+2\nZ-1,D001,2025,2025-03-01,CONTENT_STALE,=3+4\n", encoding="utf-8")
    workspace.invoke("import", "findings", path, "--skip-invalid")
    text = (tmp_path / "findings-formula.csv.rejected.csv").read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=3+4" in cells  # the value cell is escaped
    assert [c for c in cells if c.startswith(("=", "+", "@"))] == []


def test_importing_the_same_file_twice_changes_nothing(workspace):
    ranked = workspace.invoke("rank", "--period", "2025", "--format", "json").stdout
    card = workspace.json("scorecard", "D001", "--period", "2025")
    for kind, rows in (("units", 7), ("findings", 11), ("self-assessments", 8), ("survey", 539),
                       ("survey-issued", 7), ("metrics", 22)):
        result = workspace.invoke("import", kind, EXAMPLE / f"{kind}.csv")
        named = {"units": "单位", "findings": "检查发现", "self-assessments": "自评", "survey": "问卷答案",
                 "survey-issued": "问卷发放份数", "metrics": "统计数据"}[kind]
        assert f"{kind}.csv: {named}: 新增 0，未变 {rows}" in result.stderr
    workspace.invoke("run", "--period", "2025")
    assert workspace.invoke("rank", "--period", "2025", "--format", "json").stdout == ranked
    again = workspace.json("scorecard", "D001", "--period", "2025")
    assert again.pop("run") == 2 and card.pop("run") == 1
    assert again == card


# ---------------------------------------------------------------- read commands: shapes


def test_rank_json_shape(invoke):
    rows = json.loads(invoke("rank", "--period", "2025", "--format", "json").stdout)
    assert [r["unit"] for r in rows] == ["D004", "D001", "D002", "D003", "G001", "P001", "T001"]
    for row in rows:
        assert list(row) == RANK_KEYS
        for key in ("score", "base", "bonus"):
            assert TWO_PLACES.match(row[key]), (row["unit"], key, row[key])
        assert isinstance(row["rank"], int) and isinstance(row["veto"], bool)
        assert isinstance(row["open_rectifications"], int)
        assert list(row["dimensions"]) == [f"D{i}" for i in range(1, 10)]
        assert all(TWO_PLACES.match(v) for v in row["dimensions"].values())
    by_group: dict[str, list] = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row)
    for members in by_group.values():  # rank order inside a group, vetoed units last
        assert [(r["veto"], r["rank"]) for r in members] == sorted((r["veto"], r["rank"]) for r in members)
    d003 = next(r for r in rows if r["unit"] == "D003")
    assert (d003["veto"], d003["grade"], d003["rank"]) == (True, "不合格", 4)
    assert rows[0] == {**rows[0], "unit": "D004", "name": "市市场监督管理局", "group": "city_department", "rank": 1,
                       "score": "105.00", "base": "100.00", "bonus": "5.00", "grade": "优秀", "veto": False,
                       "open_rectifications": 0}


def test_scorecard_json_shape(invoke):
    card = json.loads(invoke("scorecard", "D001", "--period", "2025", "--format", "json").stdout)
    assert {"unit", "period", "run", "criteria", "score", "base", "bonus", "grade", "rank", "group", "veto", "flags",
            "dimensions", "rectifications"} <= set(card)
    assert (card["unit"], card["period"], card["run"], card["group"]) == ("D001", "2025", 1, "city_department")
    assert re.match(r"^gongkai-default@[0-9a-f]{12}$", card["criteria"])
    assert all(TWO_PLACES.match(card[k]) for k in ("score", "base", "bonus"))
    assert [d["code"] for d in card["dimensions"]] == [f"D{i}" for i in range(1, 10)]
    for dim in card["dimensions"]:
        assert {"code", "name", "score", "max", "indicators"} <= set(dim)
        assert POINTS.match(dim["max"]) and TWO_PLACES.match(dim["score"])
        for ind in dim["indicators"]:
            assert {"code", "name", "score", "max", "applicable", "lines"} <= set(ind)
            assert ind["applicable"] is True and TWO_PLACES.match(ind["score"])
            for entry in ind["lines"]:
                assert {"rule", "title", "points", "facts"} <= set(entry)
                assert POINTS.match(entry["points"]) and isinstance(entry["facts"], list)
    t1 = next(i for d in card["dimensions"] for i in d["indicators"] if i["code"] == "T1")
    assert (t1["name"], t1["max"], t1["score"]) == ("及时更新", "5", "0.00")
    stale = t1["lines"][0]
    assert (stale["rule"], stale["title"], stale["points"]) == ("CONTENT_STALE", "内容陈旧、更新不及时", "-7")
    assert stale["facts"] == ["F-0001", "F-0002", "P-0001"]
    assert [{k: r[k] for k in ("id", "finding", "indicator", "deadline", "status")} for r in card["rectifications"]] == [
        {"id": "R-F-0001", "finding": "F-0001", "indicator": "T1", "deadline": "2025-03-16", "status": "open"},
        {"id": "R-F-0010", "finding": "F-0010", "indicator": "P3", "deadline": "2025-09-30", "status": "open"},
    ]
    township = json.loads(invoke("scorecard", "T001", "--period", "2025", "--format", "json").stdout)
    t2 = next(i for d in township["dimensions"] for i in d["indicators"] if i["code"] == "T2")
    assert (t2["applicable"], t2["score"]) == (False, None)


def test_explain_names_rule_title_points_and_facts_and_speaks_english_on_request(invoke):
    text = invoke("explain", "D001", "--period", "2025").stdout
    assert "    -7  内容陈旧、更新不及时  ← F-0001、F-0002、P-0001  [×2（屡查屡犯）]" in text
    # names, not codes, wherever people read (issue 18): flags, facts and rules by name
    assert "⚑ 自查不实" in text and "← 自评P3、自评T1" in text.replace("F-0001、F-0002、F-0010、", "")
    assert "← 统计数据" in text and "← 民主评议问卷" in text and "← 市教育局、统计数据" in text
    assert not any(code in text for code in ("SELF_REPORT_MISMATCH", "REPEAT_FINDING", "CONTENT_STALE", "SA-P3",
                                             "← metrics", "← survey"))
    assert "-7" in text and "F-0001" in text and "F-0002" in text and "P-0001" in text
    assert "考核周期 2025" in text and "得分 88.00" in text and "等次 良好" in text
    assert "公开内容须按规定周期更新" in text  # the rule's rationale
    english = invoke("explain", "D001", "--period", "2025", "--lang", "en").stdout
    assert "Content stale, not updated on time  ← F-0001, F-0002, P-0001  [×2 (Repeat finding)]" in english
    assert "← self-assessment P3, self-assessment T1" in english.replace("F-0001, F-0002, F-0010, ", "")
    head = english.splitlines()[0]
    assert "Period 2025" in head and "Score 88.00" in head and "Grade Good" in head and "Rank 2" in head
    assert not any(label in head for label in ("考核周期", "得分", "基础分", "加分", "等次", "排名", "评分标准", "良好"))
    assert "Rectification items:" in english and "Deadline 2025-03-16" in english
    assert "整改事项" not in english and "整改期限" not in english and "待整改" not in english
    assert "Rule: Disclosed content must be updated on its prescribed cycle" in english  # rationale_en
    assert "公开内容须按规定周期更新" not in english
    only = invoke("explain", "D001", "--period", "2025", "--indicator", "p3").stdout
    assert "只公开依据程序、不公开结果" in only and "内容陈旧" not in only


def test_feed_csv_header_and_rows(invoke):
    text = invoke("feed", "--period", "2025", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit", "name", "group", "score", "grade", "rank", "feed_points"]
    assert rows[1] == ["D004", "市市场监督管理局", "city_department", "105.00", "优秀", "1", "4.00"]
    assert ["D003", "市公安局", "city_department", "96.91", "不合格", "4", "0.00"] in rows


def test_csv_output_neutralises_formulas(new_workspace, tmp_path):
    ws = new_workspace().init("2025")
    units = tmp_path / "units.csv"
    names = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3"]
    units.write_text("code,name,type\n" + "".join(
        f'U{i},"{n.replace(chr(34), chr(34) * 2)}",city_department\n' for i, n in enumerate(names, 1)), encoding="utf-8")
    ws.invoke("import", "units", units)
    findings = tmp_path / "findings.csv"
    findings.write_text(FINDINGS_HEADER + "F-1,U1,2025,2025-03-01,张明,CONTENT_STALE,,1,否,=1+1\n", encoding="utf-8")
    ws.invoke("import", "findings", findings)
    ws.invoke("run", "--period", "2025")
    for args in (("feed", "--period", "2025"), ("rank", "--period", "2025"), ("rectify", "list")):
        text = ws.invoke(*args, "--format", "csv").stdout
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        dangerous = [c for c in cells if c[:1] in ("=", "+", "@") or re.match(r"^-[^\d.]|^-\d+[^\d.]", c)]
        assert dangerous == [], f"{args[0]}: {dangerous}"
    feed = list(csv.DictReader(io.StringIO(ws.invoke("feed", "--period", "2025", "--format", "csv").stdout)))
    assert {r["name"] for r in feed} == {"'" + n for n in names}
    # JSON is data, not a spreadsheet: names stay exactly as given.
    assert {r["name"] for r in ws.json("rank", "--period", "2025")} == set(names)


def test_a_run_is_immutable(workspace, tmp_path):
    first_rank = workspace.invoke("rank", "--period", "2025", "--format", "json").stdout
    first_card = workspace.invoke("scorecard", "D002", "--period", "2025", "--format", "json").stdout
    more = tmp_path / "more.csv"
    more.write_text(FINDINGS_HEADER + "F-0100,D002,2025,2025-12-20,李华,OVERTIME_RED,,2,否,\n", encoding="utf-8")
    workspace.invoke("import", "findings", more)
    result = workspace.invoke("run", "--period", "2025")
    # P001 has no finding while most units have some: warned first (数据完整性), then the run.
    assert result.stderr.splitlines()[-1].startswith("第 2 次评分：2025，7 个单位")
    latest = workspace.json("scorecard", "D002", "--period", "2025")
    assert latest["run"] == 2 and latest["score"] != json.loads(first_card)["score"]
    assert workspace.invoke("rank", "--period", "2025", "--run", "1", "--format", "json").stdout == first_rank
    assert workspace.invoke("scorecard", "D002", "--period", "2025", "--run", "1", "--format", "json").stdout == first_card
    assert workspace.invoke("rank", "--period", "2025", "--format", "json").stdout != first_rank
    assert count(workspace, "runs") == 2
    result = workspace.invoke("rank", "--period", "2024", "--run", "1", code=2)  # a run of another period
    assert "scoring run --period 2024" in result.stderr


def test_the_rectification_list_and_the_scorecard_agree_on_what_is_overdue(workspace):
    workspace.invoke("run", "--period", "2025", "--as-of", "2025-03-16")  # R-F-0001 is due 2025-03-16
    card = workspace.json("scorecard", "D001", "--period", "2025")
    in_card = {r["id"] for r in card["rectifications"] if r["overdue"]}
    assert in_card == {"R-F-0001"}
    listed = workspace.json("rectify", "list", "--unit", "D001", "--overdue", "--as-of", "2025-03-16")
    # The list spans periods: R-P-0001 (2024's finding, issued at import) was due in 2024 and counts there.
    assert {r["id"] for r in listed if r["deadline"] >= "2025-01-01"} == in_card
    assert {r["id"] for r in listed if r["deadline"] < "2025-01-01"} == {"R-P-0001"}


def test_rank_before_any_run_says_to_run(new_workspace):
    ws = new_workspace().init("2025")
    ws.invoke("import", "units", EXAMPLE / "units.csv")
    for command in (("rank",), ("feed",), ("scorecard", "D001"), ("explain", "D001")):
        result = ws.invoke(*command, "--period", "2025", code=2)
        assert "`scoring run --period 2025`" in result.stderr


# ---------------------------------------------------------------- golden files


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: create it with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file; if the change is right: UPDATE_GOLDEN=1 pytest -k golden"


@pytest.mark.parametrize("name, args", [
    ("rank.json", ("rank", "--period", "2025", "--format", "json")),
    ("feed.csv", ("feed", "--period", "2025", "--format", "csv")),
    ("scorecard-D001.json", ("scorecard", "D001", "--period", "2025", "--format", "json")),
    ("explain-D001.txt", ("explain", "D001", "--period", "2025")),
], ids=["rank", "feed", "scorecard", "explain"])
def test_golden(invoke, name, args):
    golden(name, invoke(*args).stdout)
