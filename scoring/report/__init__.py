"""The ranked report (通报) leaders receive: HTML with charts, an XLSX workbook and CSV files, from a stored run.

    files = write_report(store, "2025", Path("reports/2025"))

`assemble` (scoring.report.data) reads the run once and gives the report's data as one dict, with the
per-unit records the tables are made of; the HTML template, the workbook and the CSV files only lay
them out. A small run's HTML holds every scorecard; a big one's is a summary, with the scorecards of
the units in `selection` (see data.FULL_REPORT_UNITS).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from itertools import repeat
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence, TextIO

from scoring.exports import safe_cell

from scoring.report import background
from scoring.report.data import Report, Selection, assemble, build
from scoring.report.html import render
from scoring.report.labels import label
from scoring.report.tables import Table, all_tables, details_fit_workbook
from scoring.report.xlsx import write_xlsx
from scoring.results import run_for
from scoring.store import Store

__all__ = ["ReportFiles", "Selection", "build", "csv_rows", "report_steps", "write_report"]

AFTER_UNITS = 3  # progress steps after the units: HTML, workbook and CSV
CSV_BATCH = 5000  # rows joined before one write: fewer calls into the text encoder
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class ReportFiles:
    html: Path
    xlsx: Path
    csv: list[Path] = field(default_factory=list)
    units: int = 0


def report_steps(store: Store, period: str, run_id: int | None = None) -> int:
    """How many progress steps write_report takes: one per unit, then the files."""
    return run_for(store, period, run_id)["units"] + AFTER_UNITS


def _formula_like(value: Any) -> bool:
    return value.__class__ is str and value.startswith(FORMULA_START)


def _risky_columns(table: Table) -> list[int]:
    """Text columns holding a cell that starts like a formula (numeric columns hold numbers, which stay).

    A province's tables have ≈15 million cells, nearly all harmless: each column is checked with
    C-level `map` over str.startswith, cell by cell in Python only if it holds something else than text."""
    out = []
    for i, column in enumerate(table.columns):
        if column.kind != "text":
            continue
        cells = list(map(itemgetter(i), table.rows))
        try:
            risky = any(map(str.startswith, cells, repeat(FORMULA_START)))
        except TypeError:  # None or a number among the text
            risky = any(map(_formula_like, cells))
        if risky:
            out.append(i)
    return out


def csv_rows(table: Table, lang: str) -> Iterable[Sequence[Any]]:
    """A table's header and rows as CSV cells: booleans as 是/否, None as empty (csv's own way), and text a
    spreadsheet would run as a formula made text (scoring.exports.safe_cell; numbers stay numbers)."""
    yes, no = label("yes", lang), label("no", lang)
    fixes = [(i, lambda v: yes if v else no) for i, c in enumerate(table.columns) if c.kind == "bool"]
    fixes += [(i, safe_cell) for i in _risky_columns(table)]
    yield [safe_cell(c.header) for c in table.columns]
    if not fixes:
        yield from table.rows
        return
    for row in table.rows:
        cells = list(row)
        for i, fix in fixes:
            cells[i] = fix(cells[i])
        yield cells


def write_csv(table: Table, lang: str, path: Path) -> Path:
    """UTF-8 with BOM, so Excel and WPS on Chinese Windows open it as UTF-8."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        _write_rows(f, csv_rows(table, lang), len(table.columns))
    return path


def _write_rows(f: TextIO, rows: Iterable[Sequence[Any]], width: int) -> None:
    """Exactly what csv.writer(f, lineterminator="\n") writes, at a fifth of its cost for most rows.

    csv quotes a field only when it holds a comma, a quote, \r or \n; a row of text fields none of
    which does is simply its fields joined by commas (str.join, str.count and `in` run in C). Any
    other row (a number or None to convert, a field to quote) goes through csv itself."""
    exact = csv.writer(f, lineterminator="\n")
    plain: list[str] = []
    for row in rows:
        try:
            line = ",".join(row)
        except TypeError:  # a number or None: csv converts it
            line = None
        if line is None or line.count(",") != width - 1 or '"' in line or "\n" in line or "\r" in line:
            _flush(f, plain)
            exact.writerow(row)
        else:
            plain.append(line)
            if len(plain) >= CSV_BATCH:
                _flush(f, plain)
    _flush(f, plain)


def _flush(f: TextIO, lines: list[str]) -> None:
    if lines:
        f.write("\n".join(lines))
        f.write("\n")
        lines.clear()


def write_csvs(tables: list[Table], lang: str, out: Path, stem: str) -> list[Path]:
    return [write_csv(table, lang, out / f"{stem}-{table.key}.csv") for table in tables]


def details_note(report: Report, tables: Iterable[Table], stem: str) -> list[tuple[str, str]]:
    """The About sheet's row saying where the score lines and items are when the workbook leaves them out."""
    lang = report.data["meta"]["lang"]
    names = "、".join(f"{stem}-{t.key}.csv" for t in tables if t.detail)
    return [(label("details", lang), label("details_in_csv", lang, files=names))]


def write_report(store: Store, period: str, out: Path, lang: str = "zh", previous: str | None = None,
                 as_of: date | None = None, run_id: int | None = None,
                 progress: Callable[[int], None] | None = None, selection: Selection = Selection()) -> ReportFiles:
    """report-PERIOD.html, report-PERIOD.xlsx and report-PERIOD-TABLE.csv (UTF-8 with BOM) in `out`."""
    step = progress or (lambda n: None)
    report = assemble(store, period, lang, previous, as_of, run_id, step, selection)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"report-{period}"
    tables = all_tables(report)
    in_book = details_fit_workbook(tables)
    wait_for_csv = background.start(lambda: write_csvs(tables, lang, out, stem), "CSV files")
    try:
        html = out / f"{stem}.html"
        html.write_text(render(report.data, details_in_workbook=in_book), encoding="utf-8")
        step(1)
        notes = [] if in_book else details_note(report, tables, stem)
        xlsx = write_xlsx([t for t in tables if in_book or not t.detail], report.data["meta"],
                          out / f"{stem}.xlsx", notes)
        step(1)
    finally:
        wait_for_csv()
    step(1)
    return ReportFiles(html, xlsx, [out / f"{stem}-{t.key}.csv" for t in tables], units=len(report.scan.records))
