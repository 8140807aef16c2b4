"""Commands that set up a workspace: init, periods, the standard in use."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from scoring.cli.common import BadInput, db_option, engine_option, info, lang_option, translate_errors, workspace
from scoring.cli.output import emit, format_option
from scoring.i18n import _


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(period)
    cli.add_command(criteria)


@click.command()
@click.option("--standard", "standard_id", help="Start on this shipped standard (see scoring criteria list); "
                                                "default: gongkai-default.")
@db_option
@translate_errors
def init(standard_id: str | None, db: str | None) -> None:
    """Create a workspace database with the default standard, or with a shipped one (--standard).

    Running it again on an existing workspace changes nothing.

    Example:

        scoring init --db 2025.db
        scoring init --db sites.db --standard gongkai-default
    """
    from scoring.standard import load_default
    from scoring.standard.loader import load_standard_dir, shipped_dir
    from scoring.store import resolve_path
    from scoring.store.workspace import create_workspace, standard_for

    path = resolve_path(db)
    shipped = standard_id if standard_id and standard_id != load_default().criteria.id else None
    standard = load_standard_dir(shipped_dir(shipped)) if shipped else load_default()
    if path.exists() and shipped:
        with workspace(db) as store:
            if standard_for(store).content_hash != standard.content_hash:
                raise BadInput(_("workspace {path} already exists and scores with another standard; "
                                 "create a new workspace for {standard}", path=path, standard=shipped))
    create_workspace(path, standard, shipped=shipped).close()
    info(_("workspace ready: {path} (standard {standard})", path=path, standard=standard.label))


@click.group()
def period() -> None:
    """Assessment periods (考核周期): years, halves, quarters, months."""


@period.command("add")
@click.argument("codes", nargs=-1, required=True)
@db_option
@translate_errors
def period_add(codes: tuple[str, ...], db: str | None) -> None:
    """Add periods named like 2025, 2025H1, 2025Q3 or 2025-07.

    Example:

        scoring period add 2024 2025
    """
    from scoring.store.workspace import add_periods

    with workspace(db) as store:
        for p, added in add_periods(store, list(codes)):
            info(_("{period}: {start} to {end}", period=p.code, start=p.start, end=p.end)
                 + ("" if added else _(" (already there)")))


@period.command("list")
@db_option
@translate_errors
def period_list(db: str | None) -> None:
    """List the workspace's periods.

    Example:

        scoring period list
    """
    with workspace(db) as store:
        for code in store.period_codes():
            p = store.period(code)
            click.echo(f"{p['code']}\t{p['start']}\t{p['end']}")


@click.group()
def criteria() -> None:
    """The scoring standard (考核评分标准): check, export, use."""


@criteria.command("list")
@format_option
@lang_option
@db_option
@translate_errors
def criteria_list(fmt: str, lang: str, db: str | None) -> None:
    """List the standards shipped with the package: id, version, title, and which one the workspace uses.

    A workspace starts on one with `scoring init --standard ID`.

    Example:

        scoring criteria list
        scoring criteria list --format json
    """
    from scoring.standard.loader import load_standard_dir, shipped_dir, shipped_ids
    from scoring.store import resolve_path
    from scoring.store.workspace import standard_for

    in_use = None
    if resolve_path(db).exists():
        with workspace(db) as store:
            in_use = standard_for(store).content_hash
    rows = []
    for standard_id in shipped_ids():
        standard = load_standard_dir(shipped_dir(standard_id))
        c = standard.criteria
        rows.append({"id": standard_id, "version": c.version, "title": c.title, "title_en": c.title_en,
                     "in_use": standard.content_hash == in_use})
    if fmt == "table":
        rows = [{**row, "title": row["title_en"] if lang == "en" else row["title"],
                 "in_use": "✓" if row["in_use"] else ""} for row in rows]
    emit(rows, LIST_COLUMNS, fmt, LIST_HEADERS[lang] if fmt == "table" else None)


LIST_COLUMNS = ("id", "version", "title", "in_use")
LIST_HEADERS = {"zh": ("标准编号", "版本", "名称", "本工作区使用"), "en": ("Id", "Version", "Title", "In use here")}


@criteria.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@engine_option
@translate_errors
def criteria_check(directory: str | None, engine: str | None) -> None:
    """Check a standard: schema, points add up to 100, names exist, every rule example passes.

    Without DIRECTORY, checks the default standard shipped with the package.

    Example:

        scoring criteria check my-standard/
        scoring criteria check --engine clips
    """
    from scoring.engine.backends import backend
    from scoring.engine.examples import run_examples
    from scoring.standard import StandardError, load_default
    from scoring.standard.loader import load_standard_dir

    try:
        standard = load_standard_dir(Path(directory)) if directory else load_default()
    except StandardError as exc:
        raise BadInput(_("the standard has problems:") + "\n" + "\n".join(exc.problems)) from None
    outcomes = run_examples(standard, engine)
    failed = [o for o in outcomes if o.problems]
    for outcome in failed:
        for problem in outcome.problems:
            click.echo(f"{outcome.label}: {problem}", err=True)
    if failed:
        raise BadInput(_("{failed} of {count} rule examples fail", failed=len(failed), count=len(outcomes)))
    click.echo(_("ok: {standard}, {indicators} indicators, {rules} rules, {examples} examples pass ({engine})",
                 standard=standard.label, indicators=len(standard.indicators), rules=len(standard.rules),
                 examples=len(outcomes), engine=backend(engine).label))


@criteria.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
def criteria_export(directory: str) -> None:
    """Write the default standard to DIRECTORY, to copy and change for a year.

    Example:

        scoring criteria export standard-2026/
    """
    from scoring.standard.loader import DEFAULT_CRITERIA, DEFAULT_RULES

    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BadInput(_("{folder} is not empty; choose a new folder", folder=target))
    (target / "rules").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_CRITERIA, target / "criteria.yml")
    for path in sorted(DEFAULT_RULES.glob("*.yml")):
        shutil.copyfile(path, target / "rules" / path.name)
    info(_("wrote {folder}/criteria.yml and {count} rule files", folder=target,
           count=len(list((target / "rules").glob("*.yml")))))


@criteria.command("use")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@click.option("--default", "use_default", is_flag=True, help="Go back to the standard shipped with the package.")
@db_option
@translate_errors
def criteria_use(directory: str | None, use_default: bool, db: str | None) -> None:
    """Point the workspace at the standard in DIRECTORY (checked first).

    Example:

        scoring criteria use standard-2026/
    """
    from scoring.engine.examples import run_examples
    from scoring.standard import load_default
    from scoring.store.workspace import standard_for, use_standard

    if bool(directory) == use_default:
        raise click.UsageError(_("give a DIRECTORY or --default"))
    with workspace(db) as store:
        standard = standard_for(store, str(Path(directory).resolve())) if directory else load_default()
        failed = [o for o in run_examples(standard) if o.problems]
        if failed:
            raise BadInput(_("the standard's rule examples fail; see `scoring criteria check {folder}`:", folder=directory) + "\n"
                           + "\n".join(f"{o.label}: {p}" for o in failed for p in o.problems))
        use_standard(store, standard, str(Path(directory).resolve()) if directory else None)
    info(_("workspace now scores with {standard}", standard=standard.label))
