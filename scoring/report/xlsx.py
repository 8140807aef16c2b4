"""The workbook: one sheet per table, Chinese headers, frozen header row, widths, number formats.

No cell is ever a formula: text is always stored as text, and text that a spreadsheet would take for
a formula (starting with =, +, - or @) is also marked quote-prefixed, so editing the cell keeps it text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scoring.report.labels import label
from scoring.report.tables import Column, Table

FORMULA_START = ("=", "+", "-", "@")
NUMBER_FORMATS = {"int": "0", "score": "0.00", "change": "+0.00;-0.00;0.00", "points": "0.00##", "date": "yyyy-mm-dd"}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BAD_SHEET_CHARACTERS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def cell_value(column: Column, value: Any, lang: str) -> Any:
    if value is None or value == "":
        return None
    if column.kind in ("score", "change", "points"):
        return float(Decimal(value))
    if column.kind == "int":
        return int(value)
    if column.kind == "date":
        return date.fromisoformat(value)
    if column.kind == "bool":
        return label("yes" if value else "no", lang)
    return str(value)


def put(sheet, row: int, col: int, value: Any, number_format: str | None = None):
    """Write one cell; a string is text, never a formula, whatever it starts with."""
    cell = sheet.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif number_format:
        cell.number_format = number_format
    return cell


def sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(BAD_SHEET_CHARACTERS)[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"~{n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def add_table(book: Workbook, table: Table, lang: str, taken: set[str]) -> None:
    sheet = book.create_sheet(sheet_title(table.title, taken))
    for col, column in enumerate(table.columns, 1):
        cell = put(sheet, 1, col, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(column.width, len(column.header) * 2 + 2)
    for r, row in enumerate(table.rows, 2):
        for col, column in enumerate(table.columns, 1):
            put(sheet, r, col, cell_value(column, row.get(column.key), lang), NUMBER_FORMATS.get(column.kind))
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def about(book: Workbook, meta: dict[str, Any], lang: str, taken: set[str]) -> None:
    sheet = book.create_sheet(sheet_title(label("about_sheet", lang), taken))
    rows = [(meta["title"], ""), (label("period", lang), meta["period"]), (label("criteria", lang), meta["criteria"]),
            (label("run", lang), str(meta["run"])), (label("as_of", lang), meta["scored_as_of"]),
            (label("previous_period", lang), meta["previous"] or "—"),
            (label("generated", lang), label("source_text", lang, run=str(meta["run"]), criteria=meta["criteria"],
                                             as_of=meta["as_of"]))]
    for r, (key, value) in enumerate(rows, 1):
        put(sheet, r, 1, key).font = Font(bold=True)
        put(sheet, r, 2, value)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60


def write_xlsx(tables: list[Table], meta: dict[str, Any], path: Path) -> Path:
    lang = meta["lang"]
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        add_table(book, table, lang, taken)
    about(book, meta, lang, taken)
    book.save(path)
    return path
