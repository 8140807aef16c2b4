"""The workbook: one sheet per table, Chinese headers, frozen header row, widths, number formats.

Written with XlsxWriter in constant-memory mode (rows go to disk as they are written). On 100,000
rectification items (12 cells a row) it took 8.3 s of CPU; openpyxl's write-only mode 13.6 s with
plain values and 19.9 s with a cell object and number format each, as the report needs. Most of that
is XlsxWriter's work per cell in Python (a cell tuple, a table of rows, attribute lists, escaping), so
rows whose cells need nothing special are written as the XML XlsxWriter itself writes for them
(FastRows; tests/test_report_xlsx.py compares the two byte for byte); any other row goes through
XlsxWriter's own calls.

No cell is ever a formula: text is always written as a string, and a string that a spreadsheet would
take for a formula (starting with =, +, - or @) is also marked quote-prefixed, so editing the cell
keeps it text.
"""

from __future__ import annotations

import re
from datetime import date
from math import isfinite
from pathlib import Path
from typing import Any, Callable, Sequence

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from scoring.outputs.report.labels import label
from scoring.outputs.report.tables import Table

FORMULA_START = ("=", "+", "-", "@")
NUMBER_FORMATS = {"int": "0", "score": "0.00", "change": "+0.00;-0.00;0.00", "points": "0.00##", "date": "yyyy-mm-dd"}
HEADER = {"bold": True, "bg_color": "#DCE6F1", "valign": "vcenter", "text_wrap": True}
BAD_SHEET_CHARACTERS = str.maketrans({c: "_" for c in "[]:*?/\\"})
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
           "strings_to_urls": False}


def sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(BAD_SHEET_CHARACTERS)[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"~{n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


class Writer:
    """Cell writers by column kind, sharing the workbook's formats."""

    def __init__(self, book: xlsxwriter.Workbook, lang: str):
        self.lang = lang
        self.formats = {kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}
        self.header = book.add_format(HEADER)
        self.bold = book.add_format({"bold": True})
        self.quoted = book.add_format({"quote_prefix": True})
        self.quoted_bold = book.add_format({"quote_prefix": True, "bold": True})

    def text(self, sheet: Worksheet, row: int, col: int, value: str, bold: bool = False) -> None:
        """A string, never a formula, whatever it starts with."""
        if value.startswith(FORMULA_START):
            sheet.write_string(row, col, value, self.quoted_bold if bold else self.quoted)
        else:
            sheet.write_string(row, col, value, self.bold if bold else None)

    def for_kind(self, kind: str) -> Callable[[Worksheet, int, int, Any], None]:
        if kind in ("score", "change", "points"):
            number = self.formats[kind]
            return lambda sheet, r, c, value: sheet.write_number(r, c, float(value), number)
        if kind == "int":
            whole = self.formats[kind]
            return lambda sheet, r, c, value: sheet.write_number(r, c, int(value), whole)
        if kind == "date":
            day = self.formats[kind]
            return lambda sheet, r, c, value: sheet.write_datetime(r, c, date.fromisoformat(value), day)
        if kind == "bool":
            yes, no = label("yes", self.lang), label("no", self.lang)
            return lambda sheet, r, c, value: sheet.write_string(r, c, yes if value else no)
        return lambda sheet, r, c, value: self.text(sheet, r, c, str(value))


# A string XlsxWriter writes as it is: no XML character to escape, no control character or _xHHHH_ to
# encode, no leading or trailing space to preserve, not the "<r>…</r>" of a rich string, and short
# enough never to be truncated (XlsxWriter only measures strings over half its limit).
NOT_PLAIN = re.compile(r'["&<>\n\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')
PLAIN_LENGTH = 16383

Cell = Callable[[str, Any], "str | None"]  # cell reference, value → the cell's XML, None if not plain


class FastRows:
    """A table's rows written straight into the worksheet's row file, as XlsxWriter's constant-memory mode
    writes them: <row r="N">, then each non-empty cell <c r="B7" s="3"><v>85.5</v></c> (numbers, dates)
    or <c r="C7" t="inlineStr"><is><t>text</t></is></c>, in column order. A format's index is asked for
    when a cell first uses it, as XlsxWriter does, so the styles come out in the same order. `write`
    returns False, writing nothing, for a row with anything else; the caller writes that row through
    XlsxWriter (see add_table)."""

    def __init__(self, sheet: Worksheet, writer: Writer, kinds: Sequence[str]):
        self.sheet = sheet
        self.cells = [(col, xl_col_to_name(col), self._cell(writer, kind)) for col, kind in enumerate(kinds)]

    def _cell(self, writer: Writer, kind: str) -> Cell:
        if kind in ("score", "change", "points", "int"):
            fmt, convert = writer.formats[kind], int if kind == "int" else float
            return lambda ref, value: _number(ref, convert(value), fmt)
        if kind == "date":
            fmt, serial = writer.formats[kind], self.sheet._convert_date_time
            return lambda ref, value: _number(ref, serial(date.fromisoformat(value)), fmt)
        if kind == "bool":
            yes, no = label("yes", writer.lang), label("no", writer.lang)
            return lambda ref, value: _text(ref, yes if value else no, None)
        quoted = writer.quoted

        def text(ref: str, value: Any) -> str | None:
            value = value if value.__class__ is str else str(value)
            return _text(ref, value, quoted if value.startswith(FORMULA_START) else None)
        return text

    def write(self, r: int, values: Sequence[Any]) -> bool:
        """Row `r` (0 is the header) with these values, if every cell is plain."""
        sheet = self.sheet
        if r < sheet.previous_row or r >= sheet.xls_rowmax:
            return False
        if r > sheet.previous_row:
            sheet._write_single_row(r)  # the rows before (the header) first, as XlsxWriter does here
        out, first, last, number = [], -1, -1, str(r + 1)
        for col, letter, cell in self.cells:
            value = values[col]
            if value is None or value == "":
                continue
            xml = cell(letter + number, value)
            if xml is None:
                return False
            out.append(xml)
            last = col
            if first < 0:
                first = col
        if not out:
            return True  # XlsxWriter writes no row without cells either
        sheet._check_dimensions(r, first)
        sheet._check_dimensions(r, last)
        sheet._write_row(r, None)
        out.append("</row>")
        sheet.fh.write("".join(out))
        return True


def _number(ref: str, number: float | int, fmt: Format) -> str | None:
    if number.__class__ is float and not isfinite(number):
        return None
    return f'<c r="{ref}" s="{fmt._get_xf_index()}"><v>{number:.16G}</v></c>'


def _text(ref: str, value: str, fmt: Format | None) -> str | None:
    if len(value) > PLAIN_LENGTH or NOT_PLAIN.search(value):
        return None
    if fmt is None:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}" s="{fmt._get_xf_index()}" t="inlineStr"><is><t>{value}</t></is></c>'


def add_table(book: xlsxwriter.Workbook, writer: Writer, table: Table, taken: set[str]) -> None:
    sheet = book.add_worksheet(sheet_title(table.title, taken))
    for col, column in enumerate(table.columns):
        sheet.set_column(col, col, max(column.width, len(column.header) * 2 + 2))
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.header, writer.header)  # our own labels: never formula-like
    cells = [(col, writer.for_kind(column.kind)) for col, column in enumerate(table.columns)]
    fast = FastRows(sheet, writer, [column.kind for column in table.columns])
    for r, row in enumerate(table.rows, 1):
        if fast.write(r, row):
            continue
        for col, put in cells:
            value = row[col]
            if value is not None and value != "":
                put(sheet, r, col, value)
        sheet._write_single_row(r + 1)  # this row now, before any row FastRows writes


def about(book: xlsxwriter.Workbook, writer: Writer, meta: dict[str, Any], notes: list[tuple[str, str]],
          taken: set[str]) -> None:
    lang = meta["lang"]
    sheet = book.add_worksheet(sheet_title(label("about_sheet", lang), taken))
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 60)
    rows = [(meta["title"], ""), (label("period", lang), meta["period_text"]),
            (label("criteria", lang), meta["standard_title"]), (label("as_of", lang), meta["scored_as_of"]),
            (label("scored_at", lang), meta["scored_at"]),
            (label("previous_period", lang), meta["previous"] or "—"),
            (label("generated", lang), label("source_text", lang, run=str(meta["run"]),
                                             version=meta["standard_version"], criteria=meta["criteria"],
                                             as_of=meta["as_of"])), *notes]
    for r, (key, value) in enumerate(rows):
        writer.text(sheet, r, 0, key, bold=True)
        if value:
            writer.text(sheet, r, 1, value)


def write_xlsx(tables: list[Table], meta: dict[str, Any], path: Path,
               notes: list[tuple[str, str]] | None = None) -> Path:
    """The tables as sheets, then the About sheet (with `notes`: extra rows of label and text)."""
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    writer = Writer(book, meta["lang"])
    taken: set[str] = set()
    for table in tables:
        add_table(book, writer, table, taken)
    about(book, writer, meta, notes or [], taken)
    book.close()
    return path
