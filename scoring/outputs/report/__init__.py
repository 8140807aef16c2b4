"""The ranked report leaders receive: HTML with charts, an XLSX workbook, CSV files and the 通报 (Word),
from a stored run.

    files = write_report(store, "2025", Path("reports/2025"))

`assemble` (scoring.outputs.report.data) reads the run once and gives the report's data as one dict, with the
per-unit records the tables are made of; the HTML template, the workbook and the CSV files only lay
them out. A small run's HTML holds every scorecard; a big one's is a summary, with the scorecards of
the units in `selection` (see data.FULL_REPORT_UNITS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from scoring.outputs.report import background
from scoring.outputs.report.csvfiles import csv_rows, write_csv
from scoring.outputs.report.data import Report, Selection, assemble, build
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import collector_paused
from scoring.outputs.report.tongbao import Issue, context
from scoring.outputs.report.tables import Table, all_tables, details_fit_workbook
from scoring.outputs.results import run_for
from scoring.store import Store

__all__ = ["Issue", "ReportFiles", "Selection", "build", "csv_rows", "report_steps", "write_csv", "write_report",
           "write_summary_html"]

AFTER_UNITS = 4  # progress steps after the units: HTML, CSV, 通报 and workbook


@dataclass
class ReportFiles:
    html: Path
    xlsx: Path
    csv: list[Path] = field(default_factory=list)
    units: int = 0
    docx: Path | None = None


def report_steps(store: Store, period: str, run_id: int | None = None) -> int:
    """How many progress steps write_report takes: one per unit, then the files."""
    return run_for(store, period, run_id)["units"] + AFTER_UNITS


def details_note(report: Report, tables: Iterable[Table], stem: str) -> list[tuple[str, str]]:
    """The About sheet's row saying where the score lines and items are when the workbook leaves them out."""
    lang = report.data["meta"]["lang"]
    names = "、".join(f"{stem}-{t.key}.csv" for t in tables if t.detail)
    return [(label("details", lang), label("details_in_csv", lang, files=names))]


def write_summary_html(store: Store, period: str, path: Path, lang: str = "zh") -> Path:
    """The summary edition alone (rankings, distributions, totals; no scorecards): the pages leaders print."""
    import_module("scoring.outputs.report.charts")
    from scoring.outputs.report.html import render

    with collector_paused():
        report = assemble(store, period, lang, summary=True)
        path.write_text(render(report.data), encoding="utf-8")
    return path


def write_report(store: Store, period: str, out: Path, lang: str = "zh", previous: str | None = None,
                 as_of: date | None = None, run_id: int | None = None,
                 progress: Callable[[int], None] | None = None, selection: Selection = Selection(),
                 issue: Issue = Issue(), template: Path | None = None, summary: bool = False) -> ReportFiles:
    """report-PERIOD.html, report-PERIOD.xlsx, report-PERIOD-TABLE.csv (UTF-8 with BOM) and the 通报
    通报-PERIOD.docx (from `template`, default templates/tongbao.docx, with `issue`'s issuer, number, date) in `out`.
    `summary`: the HTML is the summary edition whatever the run's size."""
    # matplotlib (≈0.35–0.8 s, only for commands that draw) is imported in a thread while the report's data
    # is read (data.assemble's `meanwhile`, once a big run's scan has forked: the child starts that much
    # earlier): imported deeper in this thread (in render) it left a cycle through a caught exception's
    # traceback that held _write's frame, and so the whole report, until the collector freed it (1.7 s,
    # province); a thread's frames hold none of it. The writers of the 通报 (python-docx, docxtpl), the HTML
    # (Jinja) and the workbook (XlsxWriter) are imported here, before the report's data exists: ≈0.3 s that
    # `scoring rank` and the other readers of a run, which import this package, do not pay.
    from scoring.outputs.report.docx import open_template
    import_module("scoring.outputs.report.html")
    import_module("scoring.outputs.report.xlsx")

    step = progress or (lambda n: None)
    word = open_template(template)  # a bad template stops the report before any file is written
    # The collector stays off until the report's objects are freed (on _write's return): see
    # scan.collector_paused; turned on earlier, its first pass would walk all of them once more.
    with collector_paused():
        return _write(store, period, out, lang, previous, as_of, run_id, step, selection, issue, word, summary)


def _write(store: Store, period: str, out: Path, lang: str, previous: str | None, as_of: date | None,
           run_id: int | None, step: Callable[[int], None], selection: Selection, issue: Issue,
           word: Any, summary: bool) -> ReportFiles:
    from scoring.outputs.report.docx import write_docx
    from scoring.outputs.report.html import render
    from scoring.outputs.report.xlsx import write_xlsx

    report = assemble(store, period, lang, previous, as_of, run_id, step, selection, summary,
                      meanwhile=lambda: import_module("scoring.outputs.report.charts"))
    stem = f"report-{period}"
    html, xlsx = out / f"{stem}.html", out / f"{stem}.xlsx"
    out.mkdir(parents=True, exist_ok=True)
    tables = all_tables(report)
    in_book = details_fit_workbook(tables)
    sheets = [t for t in tables if in_book or not t.detail]
    notes = draft_note(report) + ([] if in_book else details_note(report, tables, stem))
    csvs = [out / f"{stem}-{table.key}.csv" for table in tables]
    theirs = [i for i, table in enumerate(tables) if table.key.startswith("rectifications-")]
    mine = [i for i in range(len(tables)) if i not in theirs]
    # The workbook and the rectification items' CSV files on the second core, beside the other CSV files, the
    # 通报 and the HTML (its charts and template: ≈0.4 s whatever the size); a province: ≈1.5 s of CPU on each
    # side (the workbook ≈1.2 s; the detail tables' CSV text was made by the scan, report/parts.py, and writing
    # it is ≈0.5 s, the items a little less than half). The child's copy of the report is its own (fork): this
    # process lets go of its own once its files are written (≈0.4 s to free a province's), before waiting.
    book = {"sheets": sheets, "notes": notes, "csv": [(tables[i], csvs[i]) for i in theirs]}
    meta = report.data["meta"]

    def in_background() -> None:
        write_xlsx(book["sheets"], meta, xlsx, book["notes"])
        for table, path in book["csv"]:
            write_csv(table, lang, path)
    wait_for_book = background.start(in_background, "workbook and rectification CSV files")
    book.clear()
    units = len(report.scan.records)
    try:
        for i in mine:
            write_csv(tables[i], lang, csvs[i])
        step(1)
        # The 通报 is a Chinese official document: an English report (names and grades in English) has none.
        docx = write_docx(context(report, issue), out / f"通报-{period}.docx", word) if lang == "zh" else None
        step(1)
        html.write_text(render(report.data, details_in_workbook=in_book), encoding="utf-8")
        del report, tables, sheets, notes
    finally:
        wait_for_book()
    step(2)
    return ReportFiles(html, xlsx, csvs, units=units, docx=docx)


def draft_note(report: Report) -> list[tuple[str, str]]:
    """The workbook says it is a draft, as the HTML's banner and the 通报's title do, until the run is final."""
    cycle, lang = report.data["cycle"], report.data["meta"]["lang"]
    if not cycle["draft"]:
        return []
    state = cycle["state_names"][1 if lang == "en" else 0]
    return [(label("draft", lang), label("draft_banner", lang, state=state))]
