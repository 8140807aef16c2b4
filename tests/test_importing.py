"""Importing files as users have them: encodings, XLSX, questionnaire exports, and refusals that write nothing."""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

import openpyxl
import pytest

from scoring.inputs.importing import ImportFailed, import_file
from scoring.engine.runner import run_period
from scoring.outputs.results import scorecard
from scoring.standard import load_default
from scoring.store import Store

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "example"
STANDARD = load_default()
FINDING_HEADER = ["编号", "单位编码", "考核周期", "检查日期", "检查人", "问题代码", "指标", "数量", "当场纠正", "问题描述"]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "w.db", create=True)
    s.create_schema()
    s.add_period("2024", "year", "2024-01-01", "2024-12-31", 12)
    s.add_period("2025", "year", "2025-01-01", "2025-12-31", 12)
    import_file(s, STANDARD, "units", EXAMPLE / "units.csv")
    yield s
    s.close()


def write_csv(path: Path, rows, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def findings(store) -> list[dict]:
    return store.query("select id, date, code, count, corrected_on_spot, indicator from findings order by id")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_chinese_headers_and_yes_no_in_every_common_encoding(store, tmp_path, encoding):
    path = write_csv(tmp_path / "f.csv", [FINDING_HEADER,
                                          ["F-1", "D001", "2025", "2025/3/5", "张明", "CONTENT_STALE", "", "2", "是", "栏目陈旧"],
                                          ["F-2", "D001", "2025", "2025-03-06", "张明", "NOT_DISCLOSED", "c3", "", "否", ""]],
                     encoding)
    import_file(store, STANDARD, "findings", path)
    assert findings(store) == [
        {"id": "F-1", "date": "2025-03-05", "code": "CONTENT_STALE", "count": 2, "corrected_on_spot": 1, "indicator": "T1"},
        {"id": "F-2", "date": "2025-03-06", "code": "NOT_DISCLOSED", "count": 1, "corrected_on_spot": 0, "indicator": "C3"},
    ]


def test_xlsx_with_real_excel_date_cells(store, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["id", "unit", "period", "date", "code", "count", "corrected_on_spot"])
    book.active.append(["X-1", "D002", 2025, datetime.datetime(2025, 4, 1), "BOARD_MISSING", 2, "Y"])
    book.save(tmp_path / "f.xlsx")
    import_file(store, STANDARD, "findings", tmp_path / "f.xlsx")
    assert findings(store) == [{"id": "X-1", "date": "2025-04-01", "code": "BOARD_MISSING", "count": 2,
                                "corrected_on_spot": 1, "indicator": "F2"}]


def test_a_file_with_bad_rows_writes_nothing_and_names_every_row(store, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [FINDING_HEADER,
                                            ["F-1", "D001", "2025", "2025-03-05", "", "CONTENT_STALE", "", "1", "否", ""],
                                            ["F-2", "D999", "2025", "2025-03-05", "", "CONTENT_STALE", "", "1", "否", ""],
                                            ["F-3", "D001", "2025", "2025-02-30", "", "CONTENT_STALE", "", "1", "否", ""],
                                            ["F-4", "D001", "2025", "2025-03-05", "", "CONTENT_STAEL", "", "1", "否", ""]])
    with pytest.raises(ImportFailed) as caught:
        import_file(store, STANDARD, "findings", path)
    problems = caught.value.problems
    assert problems[0].startswith("bad.csv 第 3 行、「单位编码」列：单位「D999」不在单位名单中")
    assert problems[1].startswith("bad.csv 第 4 行、「检查日期」列：「2025-02-30」不是有效日期")
    assert problems[2] == "bad.csv 第 5 行、「问题代码」列：无法识别的问题代码「CONTENT_STAEL」；是否应为「CONTENT_STALE」？"
    assert findings(store) == []
    result = import_file(store, STANDARD, "findings", path, skip_invalid=True)
    assert [f["id"] for f in findings(store)] == ["F-1"]
    rejected = list(csv.reader(Path(result.rejected_file).open(encoding="utf-8-sig")))
    assert [r[0] for r in rejected[1:]] == ["3", "4", "5"]
    assert rejected[0][-1] == "问题" and "是否应为「CONTENT_STALE」" in rejected[3][-1]


@pytest.mark.parametrize("content, message", [
    (b"", "文件是空的；请连同表头行重新导出数据"),
    ("编号,单位编码,考核周期,检查日期,问题代码\n".encode(), "没有可导入的数据行"),
    ("单位编码,考核周期,问题代码\nD001,2025,CONTENT_STALE\n".encode(), "缺少列：「检查日期」"),
])
def test_empty_header_only_and_missing_columns_are_refused(store, tmp_path, content, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        import_file(store, STANDARD, "findings", path)


def test_duplicate_ids_within_a_file_are_refused(store, tmp_path):
    path = write_csv(tmp_path / "f.csv", [FINDING_HEADER,
                                          ["F-1", "D001", "2025", "2025-03-05", "", "CONTENT_STALE", "", "1", "否", ""],
                                          ["F-1", "D001", "2025", "2025-03-06", "", "BOARD_MISSING", "", "1", "否", ""]])
    with pytest.raises(ImportFailed, match=r"f.csv 第 3 行、「编号」列：与第 2 行重复"):
        import_file(store, STANDARD, "findings", path)


def test_a_formula_with_no_saved_value_in_a_typed_column_is_refused(store, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["code", "name", "type"])
    book.active.append(["=\"D\"&100", "新单位", "city_department"])
    book.save(tmp_path / "u.xlsx")
    with pytest.raises(ImportFailed, match=r"u.xlsx 第 2 行、「code」列：公式 .*请用 Excel 或 WPS 打开该文件并保存后再导入"):
        import_file(store, STANDARD, "units", tmp_path / "u.xlsx")


def test_importing_twice_changes_nothing(store):
    first = import_file(store, STANDARD, "findings", EXAMPLE / "findings.csv")
    second = import_file(store, STANDARD, "findings", EXAMPLE / "findings.csv")
    assert first.written["new"] == 11
    assert second.written == {"new": 0, "changed": 0, "unchanged": 11, "replaced": 0}


def _wjx_export(path: Path, respondents: int) -> list[list[str]]:
    rnd = random.Random(7)
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的职业",
              "2、您对本单位政务公开工作的总体评价", "3、您对办事指南的评价", "4、意见建议"]
    options = ["满意", "基本满意", "不满意", "不了解"]
    book = openpyxl.Workbook()
    book.active.append(header)
    long = [["unit", "period", "respondent", "question", "answer"]]
    for i in range(1, respondents + 1):
        a, b = rnd.choice(options), rnd.choice(options[:2])
        book.active.append([i, "2025/6/1 10:00:00", "120秒", "手机提交", "直接访问", "1.2.3.4", "教师", a, b, "无"])
        long += [["P001", "2025", str(i), header[7], a], ["P001", "2025", str(i), header[8], b]]
    book.save(path)
    return long


def test_a_wjx_export_scores_the_same_s1_as_the_long_format(store, tmp_path):
    long = _wjx_export(tmp_path / "wjx.xlsx", 40)
    result = import_file(store, STANDARD, "survey", tmp_path / "wjx.xlsx", unit="P001", period="2025")
    assert result.written["new"] == 80
    assert "1、您的职业" in result.ignored_columns and "4、意见建议" in result.ignored_columns
    run_period(store, STANDARD, "2025")
    from_wjx = scorecard(store, "2025", "P001")
    import_file(store, STANDARD, "survey", write_csv(tmp_path / "long.csv", long), replace=True)
    run_period(store, STANDARD, "2025")
    from_long = scorecard(store, "2025", "P001")
    s1 = lambda doc: next(i for d in doc["dimensions"] for i in d["indicators"] if i["code"] == "S1")  # noqa: E731
    assert s1(from_wjx) == s1(from_long)
    assert s1(from_wjx)["lines"][0]["note"].startswith("0.")


def test_a_kobotoolbox_csv_export_is_read_as_one_units_answers(store, tmp_path):
    path = write_csv(tmp_path / "kobo.csv", [
        ["start", "end", "group_q/occupation", "group_q/overall", "group_q/guide", "_uuid", "_index"],
        ["2025-06-01T10:00", "2025-06-01T10:05", "teacher", "satisfied", "basically satisfied", "a1", "1"],
        ["2025-06-01T11:00", "2025-06-01T11:04", "farmer", "dissatisfied", "", "a2", "2"],
        ["2025-06-02T09:00", "2025-06-02T09:03", "driver", "Don't know", "satisfied", "a3", "3"],
    ])
    result = import_file(store, STANDARD, "survey", path, unit="D003", period="2025")
    assert result.written["new"] == 5
    assert result.ignored_columns == ["start", "end", "group_q/occupation", "_uuid", "_index"]
    answers = store.query("select respondent, question, answer from survey_answers order by respondent, question")
    assert answers == [
        {"respondent": "a1", "question": "group_q/guide", "answer": "basically_satisfied"},
        {"respondent": "a1", "question": "group_q/overall", "answer": "satisfied"},
        {"respondent": "a2", "question": "group_q/overall", "answer": "unsatisfied"},
        {"respondent": "a3", "question": "group_q/guide", "answer": "satisfied"},
        {"respondent": "a3", "question": "group_q/overall", "answer": "dont_know"},
    ]


def test_dry_run_checks_and_writes_nothing(store):
    result = import_file(store, STANDARD, "findings", EXAMPLE / "findings.csv", dry_run=True)
    assert result.written == {"would_write": 11}
    assert findings(store) == []
