"""`scoring report` (the ranked report: HTML, XLSX, CSV) and `scoring compare` (movement between periods)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scoring.cli.common import (BadInput, db_option, info, lang_option, progress_bar, run_id_option, translate_errors,
                                workspace)
from scoring.cli.output import emit, format_option
from scoring.i18n import _, pick
from scoring.outputs.limits import FULL_REPORT_UNITS

if TYPE_CHECKING:  # the library is imported where a command uses it (common.py says why)
    from scoring.outputs.report import Selection
    from scoring.standard import Standard
    from scoring.store import Store

DEFAULT_OUT = "reports"


def register(cli: click.Group) -> None:
    cli.add_command(report)
    cli.add_command(compare)


@click.command()
@click.option("--period", "-p", required=True, help="The period to report on, e.g. 2025.")
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder for report-PERIOD.html, report-PERIOD.xlsx, report-PERIOD-*.csv and "
              "通报-PERIOD.docx.")
@click.option("--with", "previous", help="Show change since this period (default: the scored period before).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]),
              help="Judge rectification deadlines as of this date (default: the run's scoring date).")
@click.option("--unit", "-u", "units", multiple=True, metavar="CODE",
              help="Show this unit's scorecard in the HTML (repeat for several); then only the chosen ones.")
@click.option("--group", "-g", "groups", multiple=True, metavar="GROUP",
              help="Show the scorecards of every unit of this ranking group in the HTML (repeatable).")
@click.option("--issuer", help="The 通报's issuing body (default: the workspace setting report.issuer, "
              "else 市政务公开工作领导小组办公室).")
@click.option("--doc-number", default="", help="The 通报's 文号, e.g. 市政公开〔2026〕3号.")
@click.option("--issued", type=click.DateTime(["%Y-%m-%d"]),
              help="The 通报's date (default: today in the office's time zone).")
@click.option("--rectify-by", type=click.DateTime(["%Y-%m-%d"]),
              help="The deadline the 通报 sets for overdue items and criticised units "
              "(default: 30 days after --issued).")
@click.option("--template", type=click.Path(dir_okay=False, exists=True),
              help="The office's own Word template for the 通报 (default: the shipped one).")
@click.option("--summary", is_flag=True,
              help="Make the HTML the summary edition (rankings, distributions, totals) whatever the run's size.")
@click.option("--pdf", is_flag=True, help="Also print the HTML to report-PERIOD.pdf (A4) with headless Chromium.")
@run_id_option
@lang_option
@db_option
@translate_errors
def report(period: str, out: str, previous: str | None, as_of, units: tuple[str, ...], groups: tuple[str, ...],
           issuer: str | None, doc_number: str, issued, rectify_by, template: str | None, summary: bool, pdf: bool,
           run_id: int | None, lang: str, db: str | None) -> None:
    """The ranked report: one HTML file with charts, an Excel workbook, CSV files and the 通报 as a Word document.

    The HTML is self-contained (no network when viewed) and prints on A4. Up to %(limit)d units it
    lays out every unit's scorecard and rectification items; for more (a province) it is a
    summary: rankings (each large group's first and last 20), distributions, group averages,
    frequent findings and rectification counts, with scorecards only for the units chosen with
    --unit or --group. The workbook has the ranking, every unit's dimension and indicator scores
    and rectification counts, and the performance feed, with every score line and rectification
    item while they fit (else those are CSV files only); the CSV files hold every table (UTF-8
    with BOM).

    通报-PERIOD.docx is the 通报 itself, to edit and issue: issuing body, 文号, title, 总体情况,
    表扬, 通报批评, 主要问题, 整改要求 and the rankings and open rectification items as attached
    tables, from a Word template the office may replace (--template). It opens in Word and WPS;
    it is Chinese only (with --lang en it is not written). Dates and times are the office's
    (workspace setting timezone, default Asia/Shanghai).

    Examples:

    \b
        scoring report --period 2025 --out reports/2025
        scoring report --period 2025 --unit D001 --unit D002 --out reports/2025-D001
        scoring report --period 2025 --doc-number 市政公开〔2026〕3号 --issued 2026-01-15 --pdf
    """
    from scoring.outputs.report.clock import ZoneProblem
    from scoring.outputs.report.docx import TemplateProblem
    from scoring.outputs.report.pdf import PdfUnavailable

    try:
        _report(period, Path(out), previous, as_of, units, groups, issuer, doc_number, issued, rectify_by, template,
                summary, pdf, run_id, lang, db)
    except (TemplateProblem, PdfUnavailable, ZoneProblem) as problem:
        raise BadInput(str(problem)) from None


def _report(period, target: Path, previous, as_of, units, groups, issuer, doc_number, issued, rectify_by, template,
            summary, pdf, run_id, lang, db) -> None:
    from scoring.outputs.report import Issue, report_steps, write_report
    from scoring.outputs.report.clock import ISSUER_SETTING, office_zone, today
    from scoring.outputs.report.pdf import print_pdf
    from scoring.outputs.report.tongbao import DEFAULT_ISSUER
    from scoring.outputs.results import run_for
    from scoring.store.settings import NUMBER_PREFIX_SETTING

    with workspace(db) as store:
        if previous is not None:
            run_for(store, previous)  # a clear error now, not a half-written report
        selection = chosen(store, period, run_id, units, groups)
        day = issued.date() if issued else today(office_zone(store))
        prefix = store.get_setting(NUMBER_PREFIX_SETTING)
        if not doc_number and prefix:  # 市政公开〔2026〕　号: the office writes the number in
            doc_number = f"{prefix}〔{day.year}〕\u3000号"
        issue = Issue(issuer or store.get_setting(ISSUER_SETTING) or DEFAULT_ISSUER, doc_number, day,
                      rectify_by=rectify_by.date() if rectify_by else None)
        with progress_bar(report_steps(store, period, run_id), _("report")) as bar:
            files = write_report(store, period, target, lang, previous, as_of.date() if as_of else None, run_id,
                                 bar.update, selection, issue, Path(template) if template else None, summary)
    info(_("report for {period} ({units} units): {html}", period=period, units=files.units, html=files.html))
    if files.docx:
        info(_("通报: {docx}", docx=files.docx))
    info(_("workbook: {xlsx}", xlsx=files.xlsx))
    if pdf:
        info(f"PDF: {print_pdf(files.html, files.html.with_suffix('.pdf'))}")
    info(_("tables: {count} CSV files in {folder} ({first}, …)", count=len(files.csv), folder=target,
           first=", ".join(p.name for p in files.csv[:2])))


report.help = report.help % {"limit": FULL_REPORT_UNITS}


def chosen(store: Store, period: str, run_id: int | None, units: tuple[str, ...],
           groups: tuple[str, ...]) -> Selection:
    """The units and groups asked for, each checked against the run: a typo fails now, not as a missing scorecard."""
    from scoring.outputs.report import Selection
    from scoring.outputs.results import NoRunError, run_for

    run = run_for(store, period, run_id)["id"]
    for unit in units:
        if store.run_document(run, unit) is None:
            raise NoRunError(_("--unit {unit}: no such unit in run {run} of {period} "
                               "(see `scoring rank --period {period}`)", unit=unit, run=run, period=period))
    for group in groups:
        if not store.run_standings(run, group):
            raise NoRunError(_("--group {group}: no unit of that ranking group in run {run} of {period} "
                               "(see `scoring rank --period {period}`)", group=group, run=run, period=period))
    return Selection(frozenset(units), frozenset(groups))


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
    The table names groups and problems; --format csv and json keep the codes scripts rely on.

    Example:

        scoring compare --period 2025 --with 2024 --format csv
    """
    from scoring.outputs.compare import COLUMNS as COMPARE_COLUMNS, movement
    from scoring.outputs.report.data import defect_codes, standard_of_run
    from scoring.outputs.report.labels import label
    from scoring.outputs.results import run_for

    with workspace(db) as store:
        standard = standard_of_run(store, run_for(store, period))
        run_for(store, other)
        rows = movement(store, period, other, defect_codes(standard))
    if fmt == "table":
        rows = named(rows, standard, lang)
    elif fmt == "csv":
        for row in rows:
            row["new_codes"] = " ".join(row["new_codes"])
            row["resolved_codes"] = " ".join(row["resolved_codes"])
    emit(rows, COMPARE_COLUMNS, fmt, [label(c, lang) for c in COMPARE_COLUMNS])


def named(rows: list[dict], standard: Standard, lang: str) -> list[dict]:
    """The rows as people read them: groups and problems by name (json and csv keep the codes scripts use)."""
    from scoring.outputs.report.cards import type_name

    codes = standard.criteria.finding_codes

    def problems(found: list[str]) -> str:
        return "、".join(pick(codes[c].model_dump(), "name", lang) if c in codes else c for c in found)
    return [{**row, "group": type_name(standard, row["group"], lang), "new_codes": problems(row["new_codes"]),
             "resolved_codes": problems(row["resolved_codes"])} for row in rows]
