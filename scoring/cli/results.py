"""Scoring and reading results: run, rank, scorecard, explain, feed."""

from __future__ import annotations


from typing import TYPE_CHECKING

import click

from scoring.cli.common import (BadInput, criteria_option, db_option, engine_option, info, lang_option, progress_bar, run_id_option,
                                translate_errors, workspace)
from scoring.cli.output import emit, emit_json, format_option
from scoring.i18n import _, current_lang, pick, t

if TYPE_CHECKING:  # the library is imported where a command uses it (common.py says why)
    from scoring.engine.completeness import Completeness
    from scoring.engine.runner import Rescore
    from scoring.store import Store

RANK_COLUMNS = ("rank", "unit", "name", "group", "score", "base", "bonus", "grade", "veto", "open_rectifications")
FEED_COLUMNS = ("unit", "name", "group", "score", "grade", "rank", "feed_points")


def register(cli: click.Group) -> None:
    for command in (run, check, rank, scorecard, explain, feed):
        cli.add_command(command)


def period_option(function):
    return click.option("--period", "-p", required=True, help="The period, e.g. 2025 or 2025H1.")(function)


@click.command()
@period_option
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]),
              help="Score as of this date (default: the period's last day; with --unit, the latest run's date).")
@click.option("--unit", "-u", help="Re-score only this unit and re-rank its group against the latest run; "
                                    "nothing is stored.")
@click.option("--workers", "-w", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes; 0: one per core for 1,000 units or more; 1: all in this process.")
@click.option("--rerun", "rerun_id", type=int, metavar="RUN",
              help="Recompute stored run RUN with its recorded standard and the current inputs, store nothing, "
                   "and show what differs (exit 0 when identical, 1 when not).")
@click.option("--strict", is_flag=True, help="Refuse to score (exit 2) when any data is missing; see `scoring check`.")
@click.option("--full", is_flag=True, help="Score every unit afresh; by default a unit whose inputs have not changed "
                                           "since the period's latest run keeps that run's result (the same bytes).")
@engine_option
@db_option
@criteria_option
@translate_errors
def run(period: str, as_of, unit: str | None, workers: int, rerun_id: int | None, strict: bool, full: bool,
        engine: str | None, db: str | None, criteria_dir: str | None) -> None:
    """Score every unit for a period and store the result as a new, immutable run.

    First lists what data is missing (数据完整性: no survey, no self-assessment, a metric a rule
    needs, a unit with no finding when most have some) as warnings with counts; with --strict a
    run with anything missing is refused (exit 2). The run records the list for its report.

    A unit whose inputs (findings, last period's findings, self-assessment, survey, metrics,
    rectification items), the as-of date, the standard and the engine are all as the period's
    latest run saw them keeps that run's result; the others are scored again, and every unit is
    ranked afresh. The run is the same, byte for byte, as one with --full, which scores every unit.

    With --unit, score one unit afresh (say, after a new finding) and show its score and rank now;
    the stored runs are not changed.

    Example:

        scoring run --period 2025 --as-of 2025-12-31
        scoring run --period 2025 --full    # every unit scored afresh
        scoring run --period 2025 --unit D001
        scoring run --period 2025 --rerun 7    # is run 7 reproducible?
        scoring run --period 2025 --rerun 7 --engine clips    # the same scores with the other engine?
    """
    from scoring.engine.completeness import check_period
    from scoring.engine.runner import period_of, rescore_unit, run_period
    from scoring.store.workspace import standard_for

    if rerun_id is not None:
        _rerun(period, rerun_id, as_of, unit, db, criteria_dir, engine)
        return
    with workspace(db) as store:
        standard = standard_for(store, criteria_dir)
        if unit:
            _show_rescore(rescore_unit(store, standard, period, unit, as_of.date() if as_of else None, engine))
            return
        if strict:
            gaps = check_period(store, standard, period_of(store, period).code)
            if gaps.gaps:
                _warn(gaps)
                raise BadInput(_("{period}: data is missing ({count} kind(s)); --strict refuses to score: "
                                 "complete the data and run again, or leave out --strict", period=period,
                                 count=len(gaps.gaps)))
        with progress_bar(len(store.units()), _("scoring")) as bar:
            summary = run_period(store, standard, period, as_of.date() if as_of else None, bar.update, workers,
                                 engine, warn=_warn, full=full)
    if summary.base_run is not None:  # before the run's line, which stays the last
        info(_("{afresh} units scored afresh, {reused} unchanged since run {base} kept its result "
               "(--full scores every unit)", afresh=summary.units - summary.reused, reused=summary.reused,
               base=summary.base_run))
    info(_("run {run}: {units} units scored for {period} as of {as_of} with {standard} ({engine})", run=summary.run,
           units=summary.units, period=summary.period, as_of=summary.as_of, standard=summary.criteria,
           engine=summary.engine))


def _warn(gaps: Completeness) -> None:
    """Missing data, before any unit's result is taken in: to stderr, one line a kind, with counts."""
    for line in gaps.lines(current_lang()):
        info(_("warning, data missing: {line}", line=line))


@click.command()
@period_option
@lang_option
@db_option
@criteria_option
@translate_errors
def check(period: str, lang: str, db: str | None, criteria_dir: str | None) -> None:
    """Check a period's data before scoring (数据完整性); changes nothing.

    Lists, per kind, the units with no survey, no self-assessment, no value of a metric a rule
    needs, or no finding at all when most units have some. Exit 0 when nothing is missing, 1
    when something is (the same list `scoring run` warns with).

    Example:

        scoring check --period 2025
    """
    from scoring.engine.completeness import check_period
    from scoring.engine.runner import period_of
    from scoring.store.workspace import standard_for

    with workspace(db) as store:
        gaps = check_period(store, standard_for(store, criteria_dir), period_of(store, period).code)
    for line in gaps.lines(current_lang()):
        click.echo(line)
    if gaps.gaps:
        raise click.exceptions.Exit(1)
    info(_("{period}: complete ({units} units)", period=period, units=gaps.units))


def _rerun(period: str, run_id: int, as_of, unit: str | None, db: str | None, criteria_dir: str | None,
           engine: str | None) -> None:
    from scoring.engine.rerun import rerun

    if as_of or unit or criteria_dir:
        raise click.UsageError(_("--rerun recomputes the whole run with its own as-of date and recorded standard: "
                                 "leave out --as-of, --unit and --criteria"))
    with workspace(db) as store:
        with progress_bar(len(store.units()), _("recomputing")) as bar:
            result = rerun(store, period, run_id, bar.update, engine)
    click.echo("\n".join(result.lines()))
    if not result.identical:
        raise click.exceptions.Exit(1)


def _show_rescore(result: Rescore) -> None:
    doc, before = result.document, result.before or {}
    was = lambda key: _(" (was {value})", value=before[key]) if before and str(before[key]) != str(doc[key]) else ""  # noqa: E731
    click.echo(_("{unit} {name}, {period}: score {score}{was_score}, rank {rank}{was_rank} in {group}, "
                 "grade {grade}{was_grade}", unit=doc["unit"], name=doc["name"], period=doc["period"],
                 score=doc["score"], was_score=was("score"), rank=doc["rank"], was_rank=was("rank"),
                 group=doc["group"], grade=doc["grade"], was_grade=was("grade")))
    for moved in result.changed:
        click.echo("  " + _("{unit}: rank {before} → {rank}, grade {grade_before} → {grade}", unit=moved["unit"],
                            before=moved["rank_before"], rank=moved["rank"], grade_before=moved["grade_before"],
                            grade=moved["grade"]))
    info(_("compared with run {run}; nothing stored (`scoring run --period {period}` stores a run)", run=result.run,
           period=doc["period"]))


@click.command()
@period_option
@click.option("--group", "-g", help="Only this ranking group, e.g. city_department.")
@run_id_option
@format_option
@lang_option
@db_option
@translate_errors
def rank(period: str, group: str | None, run_id: int | None, fmt: str, lang: str, db: str | None) -> None:
    """The ranked scorecard table (排名), per group, best first; vetoed units last.

    Example:

        scoring rank --period 2025 --group city_department --format csv
    """
    from scoring.outputs.results import rank_rows

    with workspace(db) as store:
        rows = rank_rows(store, period, group, run_id)
        if fmt == "table":
            names = group_names(store, period, run_id, lang)
            grades = grade_names(store, period, run_id, lang)
    if fmt == "table":
        for row in rows:
            row["veto"] = t("yes" if row["veto"] else "no", lang)
            row["group"] = names.get(row["group"], row["group"])
            row["grade"] = grades.get(row["grade"], row["grade"])
    columns = RANK_COLUMNS if fmt != "json" else None
    emit(rows, columns or (), fmt, [t(c, lang) for c in RANK_COLUMNS])


@click.command()
@click.argument("unit")
@period_option
@run_id_option
@format_option
@lang_option
@db_option
@translate_errors
def scorecard(unit: str, period: str, run_id: int | None, fmt: str, lang: str, db: str | None) -> None:
    """One unit's scorecard: dimensions, indicators, every deduction and bonus with its rule and facts.

    Example:

        scoring scorecard D001 --period 2025 --format json
    """
    from scoring.outputs.explain import explain as explain_text
    from scoring.outputs.results import scorecard as load_scorecard

    with workspace(db) as store:
        doc = load_scorecard(store, period, unit, run_id)
        standard = _run_standard(store, doc)
    if fmt == "json":
        emit_json(doc)
    elif fmt == "csv":
        rows = [{"dimension": d["code"], "indicator": i["code"], "name": i["name"], "score": i["score"],
                 "max": i["max"], "applicable": i["applicable"]} for d in doc["dimensions"] for i in d["indicators"]]
        emit(rows, ("dimension", "indicator", "name", "score", "max", "applicable"), "csv")
    else:
        click.echo(explain_text(standard, doc, lang, rationale=False, everything=True), nl=False)


@click.command()
@click.argument("unit")
@period_option
@click.option("--indicator", "-i", help="Only this indicator, e.g. T1.")
@run_id_option
@lang_option
@db_option
@translate_errors
def explain(unit: str, period: str, indicator: str | None, run_id: int | None, lang: str, db: str | None) -> None:
    """Why each point was lost or gained, rule by rule, with each rule's rationale.

    Example:

        scoring explain D001 --period 2025 --indicator T1
    """
    from scoring.outputs.explain import explain as explain_text
    from scoring.outputs.results import scorecard as load_scorecard

    with workspace(db) as store:
        doc = load_scorecard(store, period, unit, run_id)
        standard = _run_standard(store, doc)
    click.echo(explain_text(standard, doc, lang, indicator=indicator.upper() if indicator else None), nl=False)


@click.command()
@period_option
@run_id_option
@format_option
@lang_option
@db_option
@translate_errors
def feed(period: str, run_id: int | None, fmt: str, lang: str, db: str | None) -> None:
    """The performance-assessment feed (目标考核): openness points per unit.

    Example:

        scoring feed --period 2025 --format csv > feed.csv
    """
    from scoring.outputs.results import feed_rows

    with workspace(db) as store:
        rows = feed_rows(store, period, run_id)
        if fmt == "table":  # csv and json keep the group's code, for programs
            names = group_names(store, period, run_id, lang)
            grades = grade_names(store, period, run_id, lang)
            rows = [{**row, "group": names.get(row["group"], row["group"]), "grade": grades.get(row["grade"], row["grade"])}
                    for row in rows]
    emit(rows, FEED_COLUMNS, fmt, [t(c, lang) for c in FEED_COLUMNS])


def grade_names(store: Store, period: str, run_id: int | None, lang: str) -> dict[str, str]:
    """A run stores a grade by its Chinese name (优秀); the name to show in `lang` (Excellent with --lang en)."""
    from scoring.outputs.report.data import standard_of_run
    from scoring.outputs.results import run_for

    standard = standard_of_run(store, run_for(store, period, run_id))
    return {grade.name: pick(grade, "name", lang) for grade in standard.criteria.grades}


def group_names(store: Store, period: str, run_id: int | None, lang: str) -> dict[str, str]:
    """Ranking group code → the unit type's name in the standard the run used (市直部门 for city_department);
    a group of the workspace's own (its units' 分组 column) is shown as written."""
    from scoring.outputs.report.cards import type_name
    from scoring.outputs.report.data import standard_of_run
    from scoring.outputs.results import run_for

    standard = standard_of_run(store, run_for(store, period, run_id))
    return {code: type_name(standard, code, lang) for code in standard.criteria.unit_types}


def _run_standard(store: Store, doc: dict):
    """The standard a run used, rebuilt from the texts it recorded: explanations cite that version."""
    from scoring.standard.loader import load_from_files
    from scoring.store.workspace import standard_for

    run = store.run(doc["run"])
    files = store.standard_files(run["standard_hash"])
    return load_from_files(files) if files else standard_for(store)
