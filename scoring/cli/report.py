"""`scoring report` (the ranked report: HTML, XLSX, CSV) and `scoring compare` (movement between periods)."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.cli.common import (db_option, info, lang_option, progress_bar, run_id_option, translate_errors,
                                workspace)
from scoring.cli.output import emit, format_option
from scoring.compare import COLUMNS as COMPARE_COLUMNS, movement
from scoring.report import report_steps, write_report
from scoring.report.data import defect_codes, standard_of_run
from scoring.report.labels import label
from scoring.results import run_for

DEFAULT_OUT = "reports"


def register(cli: click.Group) -> None:
    cli.add_command(report)
    cli.add_command(compare)


@click.command()
@click.option("--period", "-p", required=True, help="The period to report on, e.g. 2025.")
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder for report-PERIOD.html, report-PERIOD.xlsx and report-PERIOD-*.csv.")
@click.option("--with", "previous", help="Show change since this period (default: the scored period before).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]),
              help="Judge rectification deadlines as of this date (default: the run's scoring date).")
@run_id_option
@lang_option
@db_option
@translate_errors
def report(period: str, out: str, previous: str | None, as_of, run_id: int | None, lang: str,
           db: str | None) -> None:
    """The ranked report (通报): one HTML file with charts, an Excel workbook and CSV files.

    The HTML is self-contained (no network when viewed) and prints on A4. The workbook has the
    ranking, every unit's dimensions, every score line, the rectification list (one sheet per
    unit type) and the performance feed; the CSV files hold the same tables (UTF-8 with BOM).

    Example:

        scoring report --period 2025 --out reports/2025
    """
    target = Path(out)
    with workspace(db) as store:
        if previous is not None:
            run_for(store, previous)  # a clear error now, not a half-written report
        with progress_bar(report_steps(store, period, run_id), "report") as bar:
            files = write_report(store, period, target, lang, previous, as_of.date() if as_of else None, run_id,
                                 bar.update)
    info(f"report for {period} ({files.units} units): {files.html}")
    info(f"workbook: {files.xlsx}")
    info(f"tables: {len(files.csv)} CSV files in {target} ({', '.join(p.name for p in files.csv[:2])}, …)")


@click.command()
@click.option("--period", "-p", required=True, help="The period, e.g. 2025.")
@click.option("--with", "other", required=True, help="The period to compare with, e.g. 2024.")
@format_option
@lang_option
@db_option
@translate_errors
def compare(period: str, other: str, fmt: str, lang: str, db: str | None) -> None:
    """Movement between two periods: rank and score per unit, new and resolved finding codes.

    rank_change is the earlier rank minus the new one (positive: moved up); new codes were found
    in PERIOD and not in the other period, resolved codes the other way round (defect codes only).

    Example:

        scoring compare --period 2025 --with 2024 --format csv
    """
    with workspace(db) as store:
        standard = standard_of_run(store, run_for(store, period))
        run_for(store, other)
        rows = movement(store, period, other, defect_codes(standard))
    if fmt != "json":
        for row in rows:
            row["new_codes"] = " ".join(row["new_codes"])
            row["resolved_codes"] = " ".join(row["resolved_codes"])
    emit(rows, COMPARE_COLUMNS, fmt, [label(c, lang) for c in COMPARE_COLUMNS])
