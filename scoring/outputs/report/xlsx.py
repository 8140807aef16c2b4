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
import zipfile
from datetime import date
from math import isfinite
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import xlsxwriter
import xlsxwriter.workbook
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


class QuickZip(zipfile.ZipFile):
    """The workbook's zip at deflate level 1, not zlib's default 6: a province's ≈28 MB of sheet XML packed in
    ≈0.14 s of CPU, not ≈0.44 s, for a file of ≈3.5 MB, not ≈2.7 MB (the same cells)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **{**kwargs, "compresslevel": 1})


xlsxwriter.workbook.ZipFile = QuickZip  # what Workbook.close packs the parts with (this is XlsxWriter's only user)


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

CHUNK = 5000  # rows laid out at once


def _present(values: list[Any]) -> set[Any]:
    """The distinct values of cells that are written (not None, not empty)."""
    distinct = set(values)
    distinct.discard(None)
    distinct.discard("")
    return distinct


class FastRows:
    """A table's rows written straight into the worksheet's row file, as XlsxWriter's constant-memory mode
    writes them: <row r="N">, then each non-empty cell <c r="B7" s="3"><v>85.5</v></c> (numbers, dates)
    or <c r="C7" t="inlineStr"><is><t>text</t></is></c>, in column order.

    Laid out a column at a time (a province's sheets have ≈750,000 cells: cell by cell, each through a few
    Python calls, took ≈1.5 s of the workbook's ≈2.4 s). XlsxWriter numbers a format when a cell first uses
    it, so before a chunk of rows is laid out its formats are numbered in the order of their first cells
    (row, then column), as XlsxWriter would have, and the styles come out the same. A row with anything else
    than plain cells is left to the caller (`write` yields it, after writing the rows before it), which writes
    it through XlsxWriter (see add_table)."""

    def __init__(self, sheet: Worksheet, writer: Writer, kinds: Sequence[str]):
        self.sheet, self.writer, self.kinds = sheet, writer, list(kinds)
        self.letters = [xl_col_to_name(col) for col in range(len(self.kinds))]

    def write(self, r0: int, rows: Sequence[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
        """Rows r0, r0 + 1, … (0 is the header): the plain ones written, each other one yielded as (r, values)
        for the caller to write before this goes on."""
        sheet = self.sheet
        if not rows:
            return
        if r0 > sheet.previous_row:
            sheet._write_single_row(r0)  # the rows before (the header) first: its format is numbered first
        columns = [list(values) for values in zip(*rows)]
        self._number_formats(columns)
        numbers = [str(r + 1) for r in range(r0, r0 + len(rows))]
        cells, awkward = [], set(range(max(0, sheet.xls_rowmax - r0), len(rows)))
        for col, values in enumerate(columns):
            laid_out, odd = self._column(col, values, numbers)
            cells.append(laid_out)
            awkward.update(odd)
        bodies = list(map("".join, zip(*cells)))
        start = 0
        for i in [*sorted(awkward), len(rows)]:
            if i > start:
                self._block(r0 + start, bodies[start:i], [column[start:i] for column in cells])
            if i < len(rows):
                yield r0 + i, rows[i]
            start = i + 1

    def _number_formats(self, columns: list[list[Any]]) -> None:
        """Number the formats these rows' cells use in the order of their first cells, as XlsxWriter would."""
        first: list[tuple[int, int, Format]] = []
        for col, (kind, values) in enumerate(zip(self.kinds, columns)):
            if kind in NUMBER_FORMATS:
                at = next((i for i, v in enumerate(values) if v is not None and v != ""), None)
                fmt = self.writer.formats[kind]
            elif kind != "bool":
                risky = {v for v in _present(values) if (v if v.__class__ is str else str(v)).startswith(FORMULA_START)}
                at = next((i for i, v in enumerate(values) if v in risky), None) if risky else None
                fmt = self.writer.quoted
            else:
                continue
            if at is not None:
                first.append((at, col, fmt))
        for _, _, fmt in sorted(first, key=lambda use: use[:2]):
            fmt._get_xf_index()

    def _column(self, col: int, values: list[Any], numbers: list[str]) -> tuple[list[str], list[int]]:
        """The column's cells' XML ("" where empty) and the rows where a cell is not plain."""
        kind, letter = self.kinds[col], self.letters[col]
        if kind in NUMBER_FORMATS:
            # Each distinct value converted and formatted once (scores repeat): values equal as Python compares
            # them (1, 1.0, Decimal("1.00")) convert to the same number.
            if kind == "date":
                serial = self.sheet._convert_date_time
                shown = {v: serial(date.fromisoformat(v)) for v in _present(values)}
            else:
                convert = int if kind == "int" else float
                shown = {v: convert(v) for v in _present(values)}
            if not shown:
                return [""] * len(values), []
            infinite = {v for v, x in shown.items() if not isfinite(x)}
            odd = [i for i, v in enumerate(values) if v in infinite] if infinite else []
            style = self.writer.formats[kind]._get_xf_index()
            texts = {v: f'" s="{style}"><v>{x:.16G}</v></c>' for v, x in shown.items() if v not in infinite}
            return ["" if v is None or v == "" or v in infinite else f'<c r="{letter}{n}{texts[v]}'
                    for n, v in zip(numbers, values)], odd
        if kind == "bool":
            yes, no = label("yes", self.writer.lang), label("no", self.writer.lang)
            texts = [None if v is None or v == "" else (yes if v else no) for v in values]
        else:
            texts = [None if v is None or v == "" else (v if v.__class__ is str else str(v)) for v in values]
        distinct = _present(texts)
        bad = {t for t in distinct if len(t) > PLAIN_LENGTH or NOT_PLAIN.search(t)}
        odd = [i for i, t in enumerate(texts) if t in bad] if bad else []
        if kind != "bool" and any(t.startswith(FORMULA_START) for t in distinct):
            quoted = f' s="{self.writer.quoted._get_xf_index()}"'
            return ["" if t is None else
                    f'<c r="{letter}{n}"{quoted if t.startswith(FORMULA_START) else ""} t="inlineStr"><is><t>{t}</t></is></c>'
                    for n, t in zip(numbers, texts)], odd
        return ["" if t is None else f'<c r="{letter}{n}" t="inlineStr"><is><t>{t}</t></is></c>'
                for n, t in zip(numbers, texts)], odd

    def _block(self, r0: int, bodies: list[str], cells: list[list[str]]) -> None:
        """Plain rows r0, r0 + 1, …: each with a cell as <row r="N">…</row> (XlsxWriter writes no row without
        cells either), and the sheet's dimensions and last row as writing them one by one leaves them."""
        sheet = self.sheet
        if r0 > sheet.previous_row:
            sheet._write_single_row(r0)
        written = [i for i, body in enumerate(bodies) if body]
        if written:
            used = [col for col, column in enumerate(cells) if any(column)]
            sheet._check_dimensions(r0 + written[0], used[0])
            sheet._check_dimensions(r0 + written[-1], used[-1])
            sheet.fh.write("".join([f'<row r="{r0 + i + 1}">{bodies[i]}</row>' for i in written]))
        sheet.previous_row = r0 + len(bodies) - 1


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
    rows = table.rows
    for start in range(0, len(rows), CHUNK):
        for r, row in fast.write(start + 1, rows[start:start + CHUNK]):  # the rows it leaves to XlsxWriter
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
