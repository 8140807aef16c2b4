"""The ranked report (通报) leaders receive: HTML with charts, an XLSX workbook and CSV files, from a stored run.

    files = write_report(store, "2025", Path("reports/2025"))

`build` (scoring.report.data) gives the report's data as one dict; the HTML template, the workbook
and the CSV files only lay it out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from scoring.exports import safe_cell
from scoring.report.data import build
from scoring.report.html import render, render_charts
from scoring.report.labels import label
from scoring.report.tables import Table, all_tables
from scoring.report.xlsx import write_xlsx
from scoring.results import run_for
from scoring.store import Store

__all__ = ["ReportFiles", "build", "csv_text", "report_steps", "write_report"]

AFTER_UNITS = 3  # progress steps after the units: charts, HTML, workbook and CSV


@dataclass
class ReportFiles:
    html: Path
    xlsx: Path
    csv: list[Path] = field(default_factory=list)
    units: int = 0


def report_steps(store: Store, period: str, run_id: int | None = None) -> int:
    """How many progress steps write_report takes: one per unit, then the files."""
    return run_for(store, period, run_id)["units"] + AFTER_UNITS


def csv_text(table: Table, lang: str) -> str:
    """A table as CSV with its (Chinese) headers; cells a spreadsheet could run as formulas are made text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(_plain(row.get(c.key), c.kind, lang)) for c in table.columns])
    return buffer.getvalue()


def _plain(value: Any, kind: str, lang: str) -> Any:
    if kind == "bool":
        return label("yes" if value else "no", lang)
    return "" if value is None else value


def write_report(store: Store, period: str, out: Path, lang: str = "zh", previous: str | None = None,
                 as_of: date | None = None, run_id: int | None = None,
                 progress: Callable[[int], None] | None = None) -> ReportFiles:
    """report-PERIOD.html, report-PERIOD.xlsx and report-PERIOD-TABLE.csv (UTF-8 with BOM) in `out`."""
    step = progress or (lambda n: None)
    data = build(store, period, lang, previous, as_of, run_id, step)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"report-{period}"
    drawn = render_charts(data)
    step(1)
    html = out / f"{stem}.html"
    html.write_text(render(data, drawn), encoding="utf-8")
    step(1)
    tables = all_tables(data)
    files = ReportFiles(html, write_xlsx(tables, data["meta"], out / f"{stem}.xlsx"), units=len(data["units"]))
    for table in tables:
        path = out / f"{stem}-{table.key}.csv"
        path.write_text(csv_text(table, lang), encoding="utf-8-sig", newline="")
        files.csv.append(path)
    step(1)
    return files
