"""`scoring demo`: the embedded example, from generated input files to the ranked table and reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scoring.cli.common import info, lang_option, progress_bar, translate_errors
from scoring.cli.output import csv_text, emit
from scoring.cli.results import FEED_COLUMNS, RANK_COLUMNS
from scoring.demo import DEFAULT_SEED, PERIODS, STEPS, DemoResult, run_demo
from scoring.i18n import t
from scoring.outputs.report import ReportFiles, write_report
from scoring.outputs.results import feed_rows, rank_rows, scorecard
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
    (report-2025.html, report-2025.xlsx, report-2025-*.csv). The same seed always gives the
    same inputs and reports.

    Example:

        scoring demo --out reports/demo --seed 2025
    """
    target = Path(out)
    with progress_bar(STEPS, "demo") as bar:
        result = run_demo(target, seed, bar.update)
    store = Store(result.db)
    try:
        rows = rank_rows(store, PERIOD)
        written = write_reports(store, target, rows)
        report = write_report(store, PERIOD, target, lang)
    finally:
        store.close()
    emit(_table_rows(rows, lang), RANK_COLUMNS, "table", [t(c, lang) for c in RANK_COLUMNS])
    _tell(result, written, report)


def write_reports(store: Store, out: Path, rows: list[dict[str, Any]]) -> list[Path]:
    """rank.json, rank.csv and feed.csv (UTF-8 with BOM, for Excel), and every unit's scorecard."""
    rank_csv, feed_csv = out / "rank.csv", out / "feed.csv"
    written = [_write_json(out / "rank.json", rows)]
    rank_csv.write_text(csv_text(rows, RANK_COLUMNS), encoding="utf-8-sig")
    feed_csv.write_text(csv_text(feed_rows(store, PERIOD), FEED_COLUMNS), encoding="utf-8-sig")
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


def _table_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The rows as `scoring rank` shows them in a table: veto as 是/否. Copies, so the files keep booleans."""
    return [{**row, "veto": t("yes" if row["veto"] else "no", lang)} for row in rows]


def _tell(result: DemoResult, written: list[Path], report: ReportFiles) -> None:
    cards = sum(1 for p in written if p.parent.name == "scorecards")
    info(f"inputs: {len(result.files)} CSV files in {result.inputs}")
    info(f"workspace: {result.db} ({', '.join(f'run {r.run} for {r.period}' for r in result.runs)})")
    info(f"reports: {result.out / 'rank.json'}, rank.csv, feed.csv and {cards} scorecards in "
         f"{result.out / 'scorecards'}")
    info(f"report: {report.html} (open it in a browser), workbook {report.xlsx.name}, "
         f"{len(report.csv)} CSV tables report-{PERIOD}-*.csv")
    info(f"next: scoring scorecard D001 --period {PERIOD} --db {result.db}")
