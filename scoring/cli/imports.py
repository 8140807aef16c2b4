"""`scoring import KIND FILE` for every input kind."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scoring.cli.common import BadInput, criteria_option, db_option, info, translate_errors, workspace
from scoring.i18n import N_, _, current_lang

KIND_HELP = {
    "units": "Units being assessed (被考核单位): code, name, type, group, parent.",
    "findings": "Inspectors' findings (检查发现): unit, period, date, code, indicator, count, corrected_on_spot …",
    "self-assessments": "Self-assessment claims (自评): unit, period, indicator, claim.",
    "survey": "Survey answers (民主评议问卷), one row per respondent and question, or one unit's "
              "问卷星/KoboToolbox export with --unit and --period.",
    "survey-issued": "How many questionnaires each unit issued (发放份数).",
    "metrics": "Counts the rules need (办结数、报送数、现场评价 …): unit, period, metric, value.",
    "records": "Dated records (主动公开信息、栏目更新、年度报告 …): unit, period, kind, column, column_type, "
               "title, date, formed, published, replied, value, ok, count, object.",
    "objects": "Objects below the units (政府网站、政务新媒体账号、服务窗口): code, unit, kind, name, address, "
               "serves_public (default 是), active (default 是); findings and records may then name one (对象编码).",
    "judged": "Judged points (评定分值, 根据实际情况进行评分): unit, period, indicator, points, assessor, note, "
              "evidence; points within [0, the indicator's max for the unit's type].",
}


# The file each command's example imports: the repository's example files, or for kinds that have none
# (the default standard reads no records, objects or judged points) a file of the office's own.
EXAMPLE_FILES = {kind: f"inputs/example/{kind}.csv" for kind in
                 ("units", "findings", "self-assessments", "survey", "survey-issued", "metrics")} | {
    "records": "records-2025.xlsx", "objects": "objects.xlsx", "judged": "judged-2025.xlsx"}


def register(cli: click.Group) -> None:
    group = click.Group("import", help="Import input files (CSV, XLSX, JSON, JSON Lines); each is checked whole before anything is written.")
    for kind in KIND_HELP:  # the kinds of inputs.models.ROW_MODELS, in its order (a test keeps them equal)
        group.add_command(_command(kind))
    group.add_command(rectifications)
    cli.add_command(group)


def _command(kind: str) -> click.Command:
    @click.command(kind, help=f"""{KIND_HELP[kind]}

    Reads CSV (UTF-8 or GB18030), XLSX, JSON and JSON Lines. Headers may be English or Chinese. A file with any invalid row writes nothing and exits 2,
    listing every problem as FILE:ROW: column: reason.

    Example:

        scoring import {kind} {EXAMPLE_FILES[kind]}
    """)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--replace", is_flag=True, help="Replace the unit-periods' existing rows of this kind.")
    @click.option("--skip-invalid", is_flag=True, help="Write the valid rows; put the rejected ones in FILE.rejected.csv.")
    @click.option("--dry-run", is_flag=True, help="Check the file and say what would be written; write nothing.")
    @click.option("--encoding", help="The file's text encoding, when detection guesses wrong (utf-8, gb18030).")
    @click.option("--sheet", help="The XLSX sheet to read (default: the first).")
    @_platform_options(kind)
    @db_option
    @criteria_option
    @translate_errors
    def command(file: str, replace: bool, skip_invalid: bool, dry_run: bool, encoding: str | None,
                sheet: str | None, db: str | None, criteria_dir: str | None, unit: str | None = None,
                period: str | None = None) -> None:
        if bool(unit) != bool(period):
            raise click.UsageError(_("a questionnaire export needs both --unit and --period"))
        from scoring.engine.orders import after_import
        from scoring.inputs.importing import import_file
        from scoring.store.workspace import standard_for

        with workspace(db) as store:
            standard = standard_for(store, criteria_dir)
            result = import_file(store, standard, kind, Path(file), replace=replace,
                                 skip_invalid=skip_invalid, dry_run=dry_run, encoding=encoding, sheet=sheet,
                                 unit=unit, period=period, progress=_rows_checked(Path(file).name),
                                 after_write=after_import(store, standard))
        if sys.stderr.isatty():
            click.echo("", err=True)
        if result.ignored_columns:
            info(_("columns without satisfaction answers, ignored: {columns}", columns=", ".join(result.ignored_columns)))
        for problem in result.rejected:
            info(problem)
        if result.rejected_file:
            info(_("{count} problem(s); rejected rows listed in {file}", count=len(result.rejected),
                   file=result.rejected_file))
        counts = ("，" if current_lang() == "zh" else ", ").join(_(WRITTEN[k], count=v) for k, v in result.written.items() if v or k == "new")
        info(f"{Path(file).name}: {_(KIND_NAMES[kind]) if kind in KIND_NAMES else kind}: {counts}" + (_(" (dry run: nothing written)") if dry_run else ""))
        if result.orders and any(result.orders.values()):
            info(_("rectification items: {issued} issued, {withdrawn} withdrawn, {restored} restored "
                   "(see scoring rectify list)", **result.orders))

    return command


# How an import's counts read (keys of ImportResult.written), and each input kind's name.
WRITTEN = {"new": N_("{count} new"), "changed": N_("{count} changed"), "unchanged": N_("{count} unchanged"),
           "replaced": N_("{count} replaced"), "would_write": N_("{count} would be written")}
KIND_NAMES = {"units": N_("units"), "findings": N_("findings"), "self-assessments": N_("self-assessments"),
              "survey": N_("survey answers"), "survey-issued": N_("questionnaires issued"), "metrics": N_("metrics"),
              "records": N_("dated records"), "objects": N_("objects"), "judged": N_("judged points")}


def _rows_checked(name: str):
    """A live count of rows checked on a terminal (the total is not known before the file is read); nothing when piped."""
    if not sys.stderr.isatty():
        return None
    return lambda rows: click.echo("\r" + _("{name}: {rows} rows checked", name=name, rows=f"{rows:,}"), err=True, nl=False)


def _platform_options(kind: str):
    """`survey` also takes one unit's export from 问卷星 (wjx) or KoboToolbox/ODK."""

    def decorate(function):
        if kind != "survey":
            return function
        function = click.option("--period", help="With --unit: the period of a questionnaire-platform export.")(function)
        return click.option("--unit", help="Read FILE as one unit's 问卷星 (wjx) or KoboToolbox/ODK export.")(function)

    return decorate


@click.command("rectifications")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--encoding", help="The file's text encoding, when detection guesses wrong (utf-8, gb18030).")
@db_option
@translate_errors
def rectifications(file: str, encoding: str | None, db: str | None) -> None:
    """Status updates of rectification items collected by file (整改情况汇总表): id, status, note, evidence, date.

    Rows apply in file order and must follow the lifecycle (open → in_progress → rectified →
    verified, or reopened); any invalid row means nothing is applied.

    Example:

        scoring import rectifications 整改情况汇总.xlsx
    """
    from scoring.rectify.register import RegisterError, import_updates

    with workspace(db) as store:
        try:
            applied = import_updates(store, Path(file), encoding)
        except RegisterError as exc:
            raise BadInput(str(exc)) from None
    info(_("{file}: {count} status change(s) applied", file=Path(file).name, count=applied))
