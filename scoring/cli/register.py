"""`scoring rectify …` (整改清单) and `scoring audit`."""

from __future__ import annotations

import click

from pathlib import Path

from scoring.cli.common import BadInput, db_option, info, lang_option, translate_errors, workspace, WordChoice
from scoring.cli.output import emit, emit_json, format_option
from scoring.i18n import N_, _, current_lang, late_text, status_name, t
from scoring.rectify.items import LISTED_STATUSES, STATUSES, days_late
from scoring.standard.vocabulary import STATUS_CHOICES

LIST_COLUMNS = ("id", "unit", "period", "indicator", "finding", "rule", "title", "note", "deadline", "status",
                "owner", "overdue", "late_days")
# For people: the unit's name beside its code; the rule id is in the title's words already.
TABLE_COLUMNS = ("id", "unit", "name", "period", "indicator", "finding", "title", "note", "deadline", "status",
                 "owner", "overdue", "late_days")


def register(cli: click.Group) -> None:
    cli.add_command(rectify)
    cli.add_command(audit)
    cli.add_command(backup)
    cli.add_command(doctor)


@click.group()
def rectify() -> None:
    """The rectification list (整改清单): follow items from finding to sign-off (销号)."""


@rectify.command("list")
@click.option("--period", "-p", help="Only items from this period's findings.")
@click.option("--unit", "-u", help="Only this unit's items.")
@click.option("--status", "-s", type=WordChoice(STATUS_CHOICES, LISTED_STATUSES),
              help="Only items with this status: a code or its Chinese word (待整改, 已整改 …).")
@click.option("--overdue", is_flag=True, help="Only items past their deadline and not yet rectified.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Judge deadlines as of this date (default: today).")
@format_option
@lang_option
@db_option
@translate_errors
def rectify_list(period, unit, status, overdue, as_of, fmt, lang, db) -> None:
    """List rectification items, by unit and deadline.

    Example:

        scoring rectify list --overdue --as-of 2025-12-31 --format csv
    """
    from scoring.rectify.register import list_items

    with workspace(db) as store:
        rows = list_items(store, period, unit, status, overdue, as_of.date() if as_of else None)
        unit_names = {u["code"]: u["name"] for u in store.units()} if fmt == "table" else {}
    if fmt != "table":  # json and csv as scripts read them: owner is "UNIT/person"
        emit(rows, LIST_COLUMNS, fmt)
        return
    for row in rows:
        row["name"] = unit_names.get(row["unit"], "")
        row["owner"] = row["owner"].removeprefix(row["unit"]).removeprefix("/")  # the person only (责任人)
        row["status"] = status_name(row["status"], lang)
        row["overdue"] = t("yes" if row["overdue"] else "no", lang)
        row["late_days"] = late_text(row["late_days"], lang)
    emit(rows, TABLE_COLUMNS, fmt, [t(c, lang) for c in TABLE_COLUMNS])


@rectify.command("show")
@click.argument("item")
@format_option
@lang_option
@db_option
@translate_errors
def rectify_show(item, fmt, lang, db) -> None:
    """One item with its full history of status changes.

    Example:

        scoring rectify show R-F-0001
    """
    from scoring.rectify.register import RegisterError, show_item
    from scoring.store.clock import local_time, office_zone

    with workspace(db) as store:
        try:
            found = show_item(store, item)
        except RegisterError as exc:
            raise BadInput(str(exc)) from None
        zone = office_zone(store)
    if fmt == "json":
        emit_json(found)
        return
    late = late_text(days_late(found), lang)
    click.echo(f"{found['id']}  {found['unit']}  {found['indicator']}  {found['title']}  "
               f"{t('deadline', lang)} {found['deadline']}  {status_name(found['status'], lang)}"
               + (f"  {late}" if late else ""))
    if found["note"]:
        click.echo(f"  {found['note']}")
    for h in found["history"]:
        click.echo(f"  {local_time(h['at'], zone)}  {h['user']}  {status_name(h['status'], lang)}  {h['note'] or ''}  {h['evidence'] or ''}".rstrip())


@rectify.command("update")
@click.argument("item")
@click.option("--status", "-s", type=WordChoice(STATUS_CHOICES, STATUSES),
              help="The new status: a code or its Chinese word (整改中, 已整改, 已销号 …).")
@click.option("--owner", help="The person in the unit who answers for the item (责任人).")
@click.option("--note", default="", help="What was done, or why it was reopened.")
@click.option("--evidence", type=click.Path(dir_okay=False, path_type=Path),
              help="A photo or PDF proving it; it must exist and is copied into the workspace's evidence store.")
@db_option
@translate_errors
def rectify_update(item, status, owner, note, evidence, db) -> None:
    """Move an item along open → in_progress → rectified → verified (or reopened), or name its owner.

    Rectified after its deadline, the item keeps 逾期整改 (days late) in the list, the scorecard and the report.

    Example:

        scoring rectify update R-F-0001 --status rectified --note "栏目已更新" --evidence photo-0412.jpg
    """
    from scoring.rectify.register import RegisterError, assign_owner, owner_of, show_item, update_status

    if not status and not owner:
        raise click.UsageError(_("give --status, --owner or both"))
    with workspace(db) as store:
        try:
            found = assign_owner(store, item, owner) if owner else show_item(store, item)
            if status:
                reference = _stored_evidence(store, evidence, found["unit"]) if evidence else ""
                found = update_status(store, item, status, note, reference)
        except RegisterError as exc:
            raise BadInput(str(exc)) from None
    click.echo(f"{found['id']}: {status_name(found['status'], current_lang())} ({owner_of(found)})", err=True)


EVIDENCE_PROBLEMS = {"missing": N_("evidence file {path} does not exist: give the right path of the photo or PDF"),
                     "empty": N_("evidence file {path} is empty"),
                     "evidence_type": N_("evidence file {path} is not a photo (JPEG/PNG/GIF/WebP/HEIC) or a PDF")}


def _stored_evidence(store, path: Path, unit: str) -> str:
    """The evidence file checked and copied into the workspace's evidence store; its reference (name sha256:…)."""
    from scoring.rectify.evidence import EvidenceError, evidence_dir, read_evidence_file, store_evidence

    try:
        data, evidence = read_evidence_file(path)
    except EvidenceError as exc:
        code = str(exc)
        if code.startswith("too_large"):
            raise BadInput(_("evidence file {path} is larger than {mb} MB", path=path, mb=code.split(":")[1])) from None
        raise BadInput(_(EVIDENCE_PROBLEMS[code], path=path)) from None
    store_evidence(store, evidence_dir(store.path), data, evidence, unit, store.user)
    return evidence.reference


@click.command()
@click.option("--since", help="Only entries at or after this date (YYYY-MM-DD).")
@format_option
@db_option
@translate_errors
def audit(since, fmt, db) -> None:
    """The audit trail: who imported, scored or changed what, when, with the file's sha256.

    Example:

        scoring audit --since 2025-01-01
    """
    with workspace(db) as store:
        rows = store.audit_entries(since)
    emit(rows, ("id", "at", "user", "os_user", "action", "target", "sha256", "detail"), fmt)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@translate_errors
def backup(file: str, db: str | None) -> None:
    """Copy the workspace to FILE while it stays in use (SQLite online backup).

    Example:

        scoring backup backups/2025-12-31.db
    """
    target = Path(file)
    if target.exists():
        raise BadInput(_("{file} exists; choose a new file name", file=target))
    with workspace(db) as store:
        store.backup(target)
        store.audit("backup", target=str(target))
    info(_("backed up to {file}", file=target))


@click.command()
@db_option
@translate_errors
def doctor(db: str | None) -> None:
    """Check the workspace: integrity, orphaned rows, runs whose standard is missing.

    Exits 0 when healthy, 1 with one line per problem otherwise. Warns (on stderr) when the
    database, its WAL/SHM files or the session key file can be read by other users.

    Example:

        scoring doctor
    """
    from scoring.store.doctor import diagnose, exposure_warnings

    with workspace(db) as store:
        problems = diagnose(store)
        warnings = exposure_warnings(store)
    for warning in warnings:
        info(_("warning: {text}", text=warning))
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    info(_("healthy"))
