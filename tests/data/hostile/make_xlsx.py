"""Regenerate the small XLSX files of this corpus (they are committed; this shows how they were made).

    python tests/data/hostile/make_xlsx.py

Bombs and big files are not here: tests/test_hostile.py makes them at run time in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
HEADER = ["编号", "单位编码", "考核周期", "检查日期", "检查人", "问题代码", "指标", "数量", "当场纠正", "问题描述", "佐证"]


def row(n: int, **changes) -> list:
    values = dict(zip(HEADER, [f"F-900{n}", "D001", "2025", f"2025-03-0{n}", "张明", "CONTENT_STALE", None, 1, "否",
                               "栏目内容陈旧", None]))
    values.update(changes)
    return list(values.values())


def book(*rows: list) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    return wb


def main() -> None:
    # A formula where a count belongs: its value is whatever Excel last computed, or nothing.
    book(HEADER, row(1), row(2, **{"数量": "=B2*3"})).save(HERE / "findings-formula.xlsx")

    # Two header cells merged: the second column has no name, its values would be lost.
    wb = book(HEADER[:9] + ["问题描述", None], row(1))
    wb.active.merge_cells("J1:K1")
    wb.active["K2"] = "照片 IMG_0301.jpg"
    wb.save(HERE / "findings-merged-header.xlsx")

    # A merged title above the header, as printed forms have it.
    wb = book(["2025年政务公开检查发现汇总表"], HEADER, row(1))
    wb.active.merge_cells("A1:K1")
    wb.save(HERE / "findings-title-row.xlsx")

    # The first sheet is hidden (last year's data); Excel opens on the second.
    wb = book(HEADER, row(1, **{"考核周期": "2024", "检查日期": "2024-03-01"}))
    wb.active.title = "2024（已隐藏）"
    wb.active.sheet_state = "hidden"
    current = wb.create_sheet("2025")
    current.append(HEADER)
    current.append(row(2))
    wb.active = 1
    wb.save(HERE / "findings-hidden-first-sheet.xlsx")

    # A workbook cut in half (an interrupted download): the zip directory at its end is gone.
    whole = HERE / "findings-truncated.xlsx"
    book(HEADER, row(1)).save(whole)
    data = whole.read_bytes()
    whole.write_bytes(data[: len(data) // 2])


if __name__ == "__main__":
    main()
