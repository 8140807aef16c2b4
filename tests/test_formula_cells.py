"""Formula cells in XLSX inputs: the value Excel or WPS saved is taken; with none saved, a free-text
column keeps the formula as text and a typed column is refused with a message saying what to do."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl

HEADER = ["编号", "单位编码", "考核周期", "检查日期", "问题代码", "指标", "数量", "当场纠正", "问题描述"]


def workbook(path: Path, *rows: list) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def with_saved_values(path: Path, values: dict[str, str]) -> Path:
    """The workbook as Excel saves it: each formula cell (by reference) carries its computed value
    (openpyxl writes an empty <v/> or <v></v>, depending on whether lxml is installed)."""
    out = path.with_name("saved-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in values.items():
                    kind = "" if value.isdigit() else ' t="str"'  # a formula's text result is typed str
                    text = re.sub(rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)(?:<v\s*/>|<v></v>)', rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>',
                                  text)
                data = text.encode()
            target.writestr(item, data)
    return out


def test_a_formula_note_imports_as_its_text_and_exports_neutralised(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    path = workbook(tmp_path / "findings.xlsx",
                    ["X-1", "D001", "2025", "2025-03-01", "CONTENT_STALE", "", 1, "否",
                     "=HYPERLINK(\"http://example.invalid/a\",\"点击\")"])
    ws.invoke("import", "findings", path)
    item = ws.json("rectify", "show", "R-X-1")
    assert item["note"] == "=HYPERLINK(\"http://example.invalid/a\",\"点击\")"
    csv_out = ws.invoke("rectify", "list", "--unit", "D001", "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_out and ",=HYPERLINK" not in csv_out


def test_the_value_excel_saved_with_a_formula_is_taken(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    plain = workbook(tmp_path / "findings.xlsx",
                     ["X-2", "D002", "2025", "2025-03-01", "BOARD_MISSING", "", "=1+2", "否", "=\"公开栏\"&\"损坏\""])
    saved = with_saved_values(plain, {"G2": "3", "I2": "公开栏损坏"})
    ws.invoke("import", "findings", saved)
    store = ws.store()
    try:
        row = store.query("select count, note from findings where id = 'X-2'")[0]
    finally:
        store.close()
    assert (row["count"], row["note"]) == (3, "公开栏损坏")  # the saved results, not the formulas


def test_a_count_formula_with_no_saved_value_is_refused_and_nothing_is_written(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    path = workbook(tmp_path / "findings.xlsx",
                    ["X-3", "D002", "2025", "2025-03-01", "BOARD_MISSING", "", "=B2*3", "否", ""])
    result = ws.invoke("import", "findings", path, code=2)
    assert "findings.xlsx 第 2 行、「数量」列：公式 =B2*3 没有保存计算结果" in result.stderr
    assert "请用 Excel 或 WPS 打开该文件并保存后再导入" in result.stderr
    assert not [r for r in ws.json("rectify", "list", "--unit", "D002") if r["id"] == "R-X-3"]
