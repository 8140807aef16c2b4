"""A file that cannot be read is refused in the user's language: Chinese by default, English with
`--lang en` or SCORING_LANG=en; each message says what is wrong and how to fix it, and the location
(file, row, column) is the same in both languages."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from scoring.cli import cli

HEADER = "单位编码,单位名称,单位类型,分组\n"


@pytest.fixture
def import_units(new_workspace):
    ws = new_workspace().init("2025")

    def run(path: Path, *options: str, lang: str | None = None) -> str:
        first = ("--lang", lang) if lang else ()
        result = ws.invoke(*first, "import", "units", path, *options, code=2)
        return result.stderr.strip()

    return run


def test_an_unclosed_quote_is_explained_in_chinese_and_in_english(import_units, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(HEADER + 'D001,"市教育局,city_department,\n', encoding="utf-8")
    assert import_units(path) == ("错误：units.csv 第 2 行：带引号的单元格没有闭合（未闭合的引号一直延续到文件末尾）；"
                                  "请补上闭合的引号或删除该引号")
    assert import_units(path, lang="en") == ("Error: units.csv:2: row: a quoted cell is never closed (an unclosed "
                                             "quote runs to the end of the file); close the quote or remove it")


def test_a_utf16_file_is_told_to_be_saved_as_utf8_csv(import_units, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (HEADER + "D001,市教育局,city_department,\n").encode("utf-16-le"))
    assert import_units(path) == ("错误：units.csv: 文件是 UTF-16 文本（Excel 的“Unicode 文本”）；"
                                  "请另存为“CSV UTF-8（逗号分隔）”或 CSV")
    assert import_units(path, lang="en") == ("Error: units.csv: the file is UTF-16 text (Excel's \"Unicode text\"); "
                                             "save it as \"CSV UTF-8\" or CSV")


def test_a_column_named_twice_names_both_columns(import_units, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("单位编码,单位名称,单位编码\nD001,市教育局,D002\n", encoding="utf-8")
    assert import_units(path) == ("错误：units.csv 第 1 行（表头）：列名「单位编码」出现了两次（第 A 列和第 C 列）；"
                                  "请为每一列取不同的列名")
    assert import_units(path, lang="en") == ("Error: units.csv:1: header: column '单位编码' appears twice (columns A "
                                             "and C); give each column its own name")


def test_an_unknown_sheet_lists_the_sheets_there_are(import_units, tmp_path):
    book = Workbook()
    book.active.title = "2025"
    book.active.append(["单位编码", "单位名称", "单位类型"])
    book.create_sheet("说明")
    path = tmp_path / "units.xlsx"
    book.save(path)
    assert import_units(path, "--sheet", "2024") == ("错误：units.xlsx: 没有名为「2024」的工作表；请用 --sheet 指定以下"
                                                     "之一：2025, 说明")
    assert import_units(path, "--sheet", "2024", lang="en") == ("Error: units.xlsx: no sheet '2024'; give --sheet "
                                                                "one of: 2025, 说明")


def test_scoring_lang_en_gives_english_json_errors(tmp_path):
    runner = CliRunner()
    db = tmp_path / "w.db"
    assert runner.invoke(cli, ["init", "--db", str(db)], env={"SCORING_LANG": None}).exit_code == 0
    path = tmp_path / "units.json"
    path.write_text('[{"单位编码": "D001", "单位编码": "D002"}]', encoding="utf-8")
    english = runner.invoke(cli, ["import", "units", str(path), "--db", str(db)], env={"SCORING_LANG": "en"})
    assert english.exit_code == 2
    assert english.stderr.strip() == ("Error: units.json: not valid JSON: the key '单位编码' appears twice in one "
                                      "object; keep one of them")
    chinese = runner.invoke(cli, ["import", "units", str(path), "--db", str(db)], env={"SCORING_LANG": None})
    assert chinese.stderr.strip() == "错误：units.json: 不是有效的 JSON：同一个对象中键「单位编码」出现了两次；请只保留一个"


FINDINGS = "编号,单位编码,考核周期,检查日期,问题代码,数量\n"


@pytest.fixture
def import_findings(new_workspace):
    ws = new_workspace().init("2025")
    units = ws.db.parent / "units.csv"
    units.write_text(HEADER + "D001,市教育局,city_department,\n", encoding="utf-8")
    ws.invoke("import", "units", units)

    def run(path: Path, lang: str | None = None) -> str:
        first = ("--lang", lang) if lang else ()
        return ws.invoke(*first, "import", "findings", path, code=2).stderr.strip()

    return run


@pytest.mark.parametrize("rows, chinese, english", [
    ("编号,单位编码,考核周期,问题代码\nF-1,D001,2025,CONTENT_STALE\n",
     "错误：f.csv 第 1 行（表头）：缺少列：「检查日期」",
     "Error: f.csv:1: header: missing column(s) date [检查日期]"),
    (FINDINGS + "F-1,D001,2025,2025-13-01,CONTENT_STALE,1\n",
     "错误：f.csv 第 2 行、「检查日期」列：「2025-13-01」不是有效日期（没有 13 月）",
     "Error: f.csv:2: date: '2025-13-01' is not a real date (there is no month 13)"),
    (FINDINGS + "F-1,D001,2025,2025-02-30,CONTENT_STALE,1\n",
     "错误：f.csv 第 2 行、「检查日期」列：「2025-02-30」不是有效日期（2025 年 2 月只有 28 天）",
     "Error: f.csv:2: date: '2025-02-30' is not a real date (month 2 of 2025 has only 28 days)"),
    (FINDINGS + "F-1,D009,2025,2025-03-01,CONTENT_STALE,1\n",
     "错误：f.csv 第 2 行、「单位编码」列：单位「D009」不在单位名单中；是否应为「D001」？；请先在单位名单中导入该单位",
     "Error: f.csv:2: unit: unknown unit 'D009'; did you mean D001?; import it in the unit list first"),
    (FINDINGS + "F-1,D001,2025,2025-03-01,CONTENT_STALE,1\nF-1,D001,2025,2025-03-02,CONTENT_STALE,1\n",
     "错误：f.csv 第 3 行、「编号」列：与第 2 行重复（F-1）",
     "Error: f.csv:3: id: duplicate of row 2 (F-1)"),
    (FINDINGS.replace("数量", "备注") + "F-1,D001,2025,2025-03-01,CONTENT_STALE,1\n",
     "错误：f.csv 第 2 行、「备注」列：无法识别的列，应为以下之一：编号、单位编码、考核周期、检查日期、检查人、问题代码、"
     "指标、数量、当场纠正、问题描述、佐证、对象编码",
     "Error: f.csv:2: 备注: unknown column; expected one of id, unit, period, date, inspector, code, indicator, "
     "count, corrected_on_spot, note, evidence, object"),
], ids=["missing-column", "no-such-month", "no-such-day", "unknown-unit", "duplicate", "unknown-column"])
def test_a_bad_findings_file_names_row_and_column_in_the_users_language(import_findings, tmp_path, rows, chinese,
                                                                        english):
    path = tmp_path / "f.csv"
    path.write_text(rows, encoding="utf-8")
    assert import_findings(path) == chinese
    assert import_findings(path, lang="en") == english


def test_the_rejected_rows_file_speaks_chinese_by_default(new_workspace, tmp_path):
    ws = new_workspace().init("2025")
    path = tmp_path / "units.csv"
    path.write_text(HEADER + "D001,市教育局,city_department,\nD002,市财政局,ministry,\n", encoding="utf-8")
    ws.invoke("import", "units", path, "--skip-invalid")
    lines = (tmp_path / "units.csv.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "行号,单位编码,单位名称,单位类型,分组,问题"
    assert lines[1].startswith('3,D002,市财政局,ministry,,"「单位类型」列：无法识别的单位类型「ministry」')
