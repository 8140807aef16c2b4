"""`scoring demo`: the embedded example, from generated input files to the ranked table and reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scoring.cli.common import info, lang_option, progress_bar, translate_errors
from scoring.cli.output import csv_text, emit
from scoring.cli.results import FEED_COLUMNS, RANK_COLUMNS
from scoring.demo.names import DEFAULT_SEED, PERIODS
from scoring.i18n import _, t

if TYPE_CHECKING:  # the library is imported where the command uses it (common.py says why)
    from scoring.demo import DemoResult
    from scoring.outputs.report import ReportFiles
    from scoring.store import Store

DEFAULT_OUT = "reports/demo"
PERIOD = PERIODS[-1]  # the year the demo reports on; the one before is there for repeat findings


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder for the inputs, the workspace (demo.db, replaced on every run) and the reports.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int,
              help="Seed of the generator: the same seed gives the same city and the same scores.")
@lang_option
@translate_errors
def demo(out: str, seed: int, lang: str) -> None:
    """Score an example city end to end and print its ranked table.

    The city has 67 city departments, 6 district governments, 12 townships and 10 public
    institutions, with a year of findings, self-assessments, surveys and metrics for 2025
    (and 2024 before it, so repeat findings occur). The input files are written as CSV to
    OUT/inputs and imported into a fresh workspace OUT/demo.db exactly as `scoring import`
    would, the units' rectification progress reports included. Both years are scored; the
    2025 ranking is printed, and rank.json, rank.csv, feed.csv and one scorecard per unit
    (scorecards/UNIT.json) are written to OUT, with the report `scoring report` writes
    (report-2025.html, report-2025.xlsx, report-2025-*.csv, the 通报 通报-2025.docx dated the
    run's as-of date) and the summary edition to print (report-2025-summary.html). The same
    seed always gives the same inputs and reports.

    Example:

        scoring demo --out reports/demo --seed 2025
    """
    from scoring.demo import STEPS, run_demo
    from scoring.outputs.report import Issue, write_report, write_summary_html
    from scoring.outputs.results import rank_rows
    from scoring.store import Store

    target = Path(out)
    with progress_bar(STEPS, "demo") as bar:
        result = run_demo(target, seed, bar.update)
    store = Store(result.db)
    try:
        rows = rank_rows(store, PERIOD)
        names = group_names(store, lang)
        written = write_reports(store, target, rows, lang, names)
        # The demo's 通报 carries a 文号 as a real one does (the city, like its number, is invented).
        report = write_report(store, PERIOD, target, lang, issue=Issue(doc_number=f"市政公开〔{int(PERIOD) + 1}〕1号"))
        written.append(write_summary_html(store, PERIOD, target / f"report-{PERIOD}-summary.html", lang))
    finally:
        store.close()
    emit(_table_rows(rows, lang, names), RANK_COLUMNS, "table", [t(c, lang) for c in RANK_COLUMNS])
    _tell(result, written, report)


def group_names(store: Store, lang: str) -> dict[str, str]:
    """Ranking group code → its name in the standard the run used (市直部门 for city_department)."""
    from scoring.outputs.report.cards import type_name
    from scoring.outputs.report.data import standard_of_run
    from scoring.outputs.results import run_for

    standard = standard_of_run(store, run_for(store, PERIOD))
    return {code: type_name(standard, code, lang) for code in standard.criteria.unit_types}


def write_reports(store: Store, out: Path, rows: list[dict[str, Any]], lang: str = "zh",
                  names: dict[str, str] | None = None) -> list[Path]:
    """rank.json (codes, as `--format json` prints), rank.csv and feed.csv for people (UTF-8 with BOM, for
    Excel: headers and groups by name, 是/否), and every unit's scorecard."""
    from scoring.outputs.results import feed_rows, scorecard

    rank_csv, feed_csv = out / "rank.csv", out / "feed.csv"
    written = [_write_json(out / "rank.json", rows)]
    names = names or {}
    rank_csv.write_text(csv_text(_table_rows(rows, lang, names), RANK_COLUMNS, [t(c, lang) for c in RANK_COLUMNS]),
                        encoding="utf-8-sig")
    feed_csv.write_text(csv_text(_table_rows(feed_rows(store, PERIOD), lang, names), FEED_COLUMNS,
                                 [t(c, lang) for c in FEED_COLUMNS]), encoding="utf-8-sig")
    written += [rank_csv, feed_csv]
    cards = out / "scorecards"
    cards.mkdir(parents=True, exist_ok=True)
    for row in rows:
        written.append(_write_json(cards / f"{row['unit']}.json", scorecard(store, PERIOD, row["unit"])))
    return written


def _write_json(path: Path, data: Any) -> Path:
    # Same layout as `--format json` prints, so the files diff cleanly against the commands' output.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _table_rows(rows: list[dict[str, Any]], lang: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """The rows as people read them: veto as 是/否, the group by name. Copies: rank.json keeps codes and booleans."""
    out = []
    for row in rows:
        shown = {**row, "group": names.get(row["group"], row["group"])}
        if "veto" in row:
            shown["veto"] = t("yes" if row["veto"] else "no", lang)
        out.append(shown)
    return out


def _tell(result: DemoResult, written: list[Path], report: ReportFiles) -> None:
    cards = sum(1 for p in written if p.parent.name == "scorecards")
    info(_("inputs: {count} CSV files in {folder}", count=len(result.files), folder=result.inputs))
    runs = ", ".join(_("run {run} for {period}", run=r.run, period=r.period) for r in result.runs)
    info(_("workspace: {db} ({runs})", db=result.db, runs=runs))
    info(_("reports: {rank}, rank.csv, feed.csv and {cards} scorecards in {folder}", rank=result.out / "rank.json",
           cards=cards, folder=result.out / "scorecards"))
    info(_("report: {html} (open it in a browser; report-{period}-summary.html is the edition to print), "
           "workbook {xlsx}, {count} CSV tables report-{period}-*.csv", html=report.html, period=PERIOD,
           xlsx=report.xlsx.name, count=len(report.csv)))
    if report.docx:
        info(_("通报: {docx} (edit in Word or WPS)", docx=report.docx))
    info(_("next: {command}", command=f"scoring scorecard D001 --period {PERIOD} --db {result.db}"))
