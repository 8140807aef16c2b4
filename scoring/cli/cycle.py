"""`scoring period publish|finalise|reopen|status` and `scoring appeal add|list|decide`: the cycle after scoring."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.cli.common import BadInput, as_bad_input, criteria_option, db_option, info, translate_errors, workspace
from scoring.cli.output import emit, format_option
from scoring.cli.workspace import period
from scoring.i18n import N_, _
from scoring.store.lifecycle import DEFAULT_WINDOW, state_name, state_of

APPEAL_COLUMNS = ("id", "period", "unit", "finding", "rule", "reason", "evidence", "status", "answer", "filed_by",
                  "filed_at", "decided_by", "decided_at", "run", "rerun")
APPEAL_STATUS = {"pending": N_("pending"), "accepted": N_("accepted"), "rejected": N_("rejected")}


def register(cli: click.Group) -> None:
    for command in (period_status, period_publish, period_finalise, period_reopen):
        period.add_command(command)
    cli.add_command(appeal)


def _said(state: dict) -> str:
    text = f"{state['period']}: {state_name(state['state'])}"
    if state["run"]:
        text += _(", run {run}", run=state["run"])
    if state["review_ends"] and state["state"] in ("publicised", "final"):
        text += _(", review window until {ends}", ends=state["review_ends"])
    return text


@click.command("status")
@click.argument("code")
@db_option
@translate_errors
def period_status(code: str, db: str | None) -> None:
    """Where a period stands: open, scored (draft), 公示 (with its window's end) or final.

    Example:

        scoring period status 2025
    """
    from scoring.engine.runner import period_of

    with workspace(db) as store:
        click.echo(_said(state_of(store, period_of(store, code).code)))


@click.command("publish")
@click.argument("code")
@click.option("--days", type=click.IntRange(min=1), default=DEFAULT_WINDOW, show_default=True,
              help="The review window (公示期) in working days.")
@db_option
@translate_errors
def period_publish(code: str, days: int, db: str | None) -> None:
    """Publish a scored period for review (公示): its latest run is shown, its inputs lock, appeals open.

    Example:

        scoring period publish 2025 --days 5
    """
    from scoring.engine.cycle import CycleError, publish

    with workspace(db) as store, as_bad_input(CycleError):
        info(_said(publish(store, code, days)))


@click.command("finalise")
@click.argument("code")
@click.option("--early", is_flag=True, help="Finalise before the review window ends (audited).")
@db_option
@translate_errors
def period_finalise(code: str, early: bool, db: str | None) -> None:
    """Make a publicised period final once its window is over and every appeal is answered.

    The latest run (re-scored after accepted appeals) becomes the final result; inputs stay locked.

    Example:

        scoring period finalise 2025
    """
    from scoring.engine.cycle import CycleError, finalise

    with workspace(db) as store, as_bad_input(CycleError):
        info(_said(finalise(store, code, early=early)))


@click.command("reopen")
@click.argument("code")
@click.option("--reason", required=True, help="Why the period must change again (kept in the audit trail).")
@db_option
@translate_errors
def period_reopen(code: str, reason: str, db: str | None) -> None:
    """Reopen a period in 公示 or final (admins): its inputs unlock and it is a draft again.

    Example:

        scoring period reopen 2025 --reason "复核发现问卷漏导入"
    """
    from scoring.engine.cycle import CycleError, reopen

    with workspace(db) as store, as_bad_input(CycleError):
        info(_said(reopen(store, code, reason)))


@click.group()
def appeal() -> None:
    """Appeals (申诉/复核) on a published scorecard line, during 公示."""


@appeal.command("add")
@click.option("--period", "-p", required=True, help="The period in 公示.")
@click.option("--unit", "-u", required=True, help="The appealing unit.")
@click.option("--finding", default="", help="The finding appealed (its id on the scorecard).")
@click.option("--rule", default="", help="Or the rule whose line is appealed.")
@click.option("--reason", required=True, help="Why the line is wrong.")
@click.option("--evidence", type=click.Path(dir_okay=False, path_type=Path),
              help="A photo or PDF; copied into the workspace's evidence store.")
@db_option
@translate_errors
def appeal_add(period: str, unit: str, finding: str, rule: str, reason: str, evidence: Path | None,
               db: str | None) -> None:
    """File an appeal on a line of a unit's published scorecard.

    Example:

        scoring appeal add --period 2025 --unit D001 --finding F-0010 --reason "结果已公开" --evidence 截图.png
    """
    from scoring.engine.cycle import CycleError, file_appeal
    from scoring.rectify.evidence import EvidenceError, evidence_dir, read_evidence_file, store_evidence

    with workspace(db) as store, as_bad_input(CycleError):
        reference = ""
        if evidence:
            try:
                data, found = read_evidence_file(evidence)
            except EvidenceError:
                raise BadInput(_("evidence file {path} does not exist or is not a photo or a PDF", path=evidence)) from None
            store_evidence(store, evidence_dir(store.path), data, found, unit, store.user)
            reference = found.reference
        filed = file_appeal(store, period, unit, reason, finding, rule, reference)
    click.echo(filed["id"])
    info(_("appeal {id} filed: {unit} {line}", id=filed["id"], unit=unit, line=finding or rule))


@appeal.command("list")
@click.option("--period", "-p", help="Only this period's appeals.")
@click.option("--unit", "-u", help="Only this unit's appeals.")
@format_option
@db_option
@translate_errors
def appeal_list(period: str | None, unit: str | None, fmt: str, db: str | None) -> None:
    """Appeals with their outcome and the answer.

    Example:

        scoring appeal list --period 2025
    """
    from scoring.engine.cycle import list_appeals

    with workspace(db) as store:
        rows = list_appeals(store, period, unit)
    if fmt == "table":
        for row in rows:
            row["status"] = _(APPEAL_STATUS[row["status"]]) if row["status"] in APPEAL_STATUS else row["status"]
    emit(rows, APPEAL_COLUMNS, fmt)


@appeal.command("decide")
@click.argument("appeal_id", type=int)
@click.option("--accept/--reject", required=True, help="Accept (the finding is withdrawn and the period re-scored) "
                                                         "or reject.")
@click.option("--reason", required=True, help="The answer the unit sees.")
@db_option
@criteria_option
@translate_errors
def appeal_decide(appeal_id: int, accept: bool, reason: str, db: str | None, criteria_dir: str | None) -> None:
    """Answer an appeal (admins). Accepting one on a finding withdraws it (kept, with the reason) and
    scores the period again; the new run is what 公示 shows and what becomes final.

    Example:

        scoring appeal decide 1 --accept --reason "经复核，办理结果已公开"
    """
    from scoring.engine.cycle import CycleError, decide_appeal
    from scoring.store.workspace import standard_for

    with workspace(db) as store, as_bad_input(CycleError):
        decided = decide_appeal(store, standard_for(store, criteria_dir), appeal_id, accept, reason)
    info(_("appeal {id}: {status}", id=appeal_id, status=_(APPEAL_STATUS[decided["status"]]))
         + (_(", scored again (run {run})", run=decided["rerun"]) if decided["rerun"] else ""))

