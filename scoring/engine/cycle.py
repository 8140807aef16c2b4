"""The assessment cycle after scoring: publish for review (公示), hear appeals (申诉), finalise, reopen.

A period's states are kept by scoring.store.lifecycle (which also locks the inputs of a period in
公示 or final). Here are the moves, each audited: publish the latest run with a review window of
N working days; finalise once the window is over and every appeal is answered (the latest run,
re-scored after accepted appeals, becomes the final one); reopen with a reason.

An appeal (申诉) names a line of the unit's published scorecard (a finding, or a rule), why, and
its evidence. Accepting it corrects the input (a finding is withdrawn with the admin's reason,
never deleted; its rectification item is withdrawn too) and scores the period again; rejecting
it gives the reason. The department sees the answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.engine.orders import issue_orders
from scoring.engine.runner import period_of, run_period
from scoring.rectify.items import add_workdays
from scoring.standard import Standard
from scoring.store import Store, now
from scoring.store.lifecycle import DEFAULT_WINDOW, FINAL, LOCKED, OPEN, PUBLICISED, SCORED, set_state, state_name, state_of
from scoring.i18n import N_, _, said


class CycleError(ValueError):
    pass


def publish(store: Store, period: str, days: int = DEFAULT_WINDOW, today: date | None = None) -> dict[str, Any]:
    """Publish the latest run for review: the period's inputs lock; the window ends `days` working days on."""
    code = period_of(store, period).code
    with store.transaction():
        state = state_of(store, code)
        if state["state"] != SCORED:
            hint = said(N_("; score it first: scoring run --period {period}"), N_("; score it first on the Score page"),
                     period=code) if state["state"] == OPEN else ""
            raise CycleError(_("period {period} is {state} and cannot be publicised{hint}", period=code,
                               state=state_name(state["state"]), hint=hint))
        if days < 1:
            raise CycleError(_("the review window (公示期) is at least 1 working day"))
        ends = add_workdays(today or date.today(), days).isoformat()
        set_state(store, code, PUBLICISED, state["run"], ends, days)
        store.audit("period publish", target=code, run=state["run"], review_ends=ends, window_days=days)
    return state_of(store, code)


def finalise(store: Store, period: str, today: date | None = None, early: bool = False) -> dict[str, Any]:
    """Make the period final: its latest run (re-scored after accepted appeals) is the final result."""
    code = period_of(store, period).code
    with store.transaction():
        state = state_of(store, code)
        if state["state"] != PUBLICISED:
            hint = said(N_("; publicise it first: scoring period publish {period}"),
                             N_("; publicise it first on the Periods page"), period=code) if state["state"] == SCORED else ""
            raise CycleError(_("period {period} is {state} and cannot be made final{hint}", period=code,
                               state=state_name(state["state"]), hint=hint))
        if not early and (today or date.today()).isoformat() <= state["review_ends"]:
            raise CycleError(_("the review window of {period} ends on {ends}; it can be made final after that "
                               "(add --early if it must be sooner)", period=code, ends=state["review_ends"]))
        pending = store.query("select id from appeals where period = ? and status = 'pending' order by id", [code])
        if pending:
            raise CycleError(said(N_("{period} has {count} appeal(s) not yet answered ({ids}); answer them first "
                                          "(scoring appeal decide)"),
                                       N_("{period} has {count} appeal(s) not yet answered ({ids}); answer them first "
                                          "on the Appeals page"), period=code, count=len(pending),
                               ids=", ".join(str(p["id"]) for p in pending)))
        run = store.latest_run(code)["id"]
        set_state(store, code, FINAL, run, state["review_ends"], state["window_days"])
        store.audit("period finalise", target=code, run=run, early=early)
    return state_of(store, code)


def reopen(store: Store, period: str, reason: str) -> dict[str, Any]:
    """An admin reopens a period in 公示 or final, with a reason: its inputs unlock; it is a draft again."""
    code = period_of(store, period).code
    if not reason.strip():
        raise CycleError(_("reopening needs a reason (--reason)"))
    with store.transaction():
        state = state_of(store, code)
        if state["state"] not in LOCKED:
            raise CycleError(_("period {period} is {state}, not locked; there is nothing to reopen", period=code,
                               state=state_name(state["state"])))
        set_state(store, code, None, None)
        store.audit("period reopen", target=code, previous=state["state"], run=state["run"], reason=reason.strip())
    return state_of(store, code)


# ---------------------------------------------------------------- appeals (申诉)


def file_appeal(store: Store, period: str, unit: str, reason: str, finding: str = "", rule: str = "",
                evidence: str = "", today: date | None = None) -> dict[str, Any]:
    code = period_of(store, period).code
    if not reason.strip():
        raise CycleError(_("an appeal needs a reason (--reason)"))
    if not (finding or rule):
        raise CycleError(_("an appeal names the finding (--finding) or the rule (--rule) it is about"))
    with store.transaction():
        state = state_of(store, code)
        if state["state"] != PUBLICISED:
            raise CycleError(_("period {period} is {state}: appeals are filed only during 公示", period=code,
                               state=state_name(state["state"])))
        if (today or date.today()).isoformat() > state["review_ends"]:
            raise CycleError(_("the review window of {period} ended on {ends}; appeals are closed", period=code,
                               ends=state["review_ends"]))
        if finding and not store.query("select 1 from findings where id = ? and unit = ? and period = ?",
                                       [finding, unit, code]):
            raise CycleError(_("{unit} has no finding {finding} in {period}", unit=unit, finding=finding, period=code))
        if not store.run_unit(state["run"], unit):
            raise CycleError(_("the publicised results have no unit {unit}", unit=unit))
        table = store.db["appeals"]
        table.insert({"period": code, "unit": unit, "run": state["run"], "finding": finding, "rule": rule,
                      "reason": reason.strip(), "evidence": evidence, "status": "pending", "answer": "",
                      "filed_by": store.user, "filed_at": now(), "decided_by": "", "decided_at": ""})
        ident = int(table.last_pk)
        store.audit("appeal add", target=str(ident), period=code, unit=unit, finding=finding, rule=rule,
                    reason=reason.strip(), evidence=evidence)
    return show_appeal(store, ident)


def show_appeal(store: Store, ident: int) -> dict[str, Any]:
    rows = store.query("select * from appeals where id = ?", [ident])
    if not rows:
        raise CycleError(said(N_("no appeal {id}; see scoring appeal list"), N_("no appeal {id}; see the Appeals page"),
                           id=ident))
    return rows[0]


def list_appeals(store: Store, period: str | None = None, unit: str | None = None) -> list[dict[str, Any]]:
    clauses, params = [], []
    for column, value in (("period", period), ("unit", unit)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return store.query(f"select * from appeals where {' and '.join(clauses) or '1'} order by id", params)


def decide_appeal(store: Store, standard: Standard, ident: int, accept: bool, answer: str) -> dict[str, Any]:
    """Accept (withdraw the finding appealed, then score the period again) or reject, with a reason."""
    if not answer.strip():
        raise CycleError(_("answering an appeal needs a reason (--reason)"))
    appeal = show_appeal(store, ident)
    if appeal["status"] != "pending":
        raise CycleError(_("appeal {id} is already answered ({status})", id=ident,
                           status=_("accepted") if appeal["status"] == "accepted" else _("rejected")))
    if state_of(store, appeal["period"])["state"] != PUBLICISED:
        raise CycleError(_("{period} is not in 公示; its appeals cannot be answered", period=appeal["period"]))
    with store.transaction():
        if accept and appeal["finding"]:
            store.db["finding_withdrawals"].insert({"finding": appeal["finding"], "reason": answer.strip(),
                                                    "appeal": ident, "user": store.user, "at": now()})
            store.audit("finding withdraw", target=appeal["finding"], appeal=ident, reason=answer.strip())
            issue_orders(store, standard, {(appeal["unit"], appeal["period"])})  # its item is withdrawn
        store.execute("update appeals set status = ?, answer = ?, decided_by = ?, decided_at = ? where id = ?",
                      ["accepted" if accept else "rejected", answer.strip(), store.user, now(), ident])
        store.audit("appeal decide", target=str(ident), accepted=accept, reason=answer.strip())
    if accept:  # the corrected inputs scored again: the new run is what 公示 shows and what becomes final
        summary = run_period(store, standard, appeal["period"])
        with store.transaction():
            store.execute("update appeals set rerun = ? where id = ?", [summary.run, ident])
            store.execute("update periods set state_run = ? where code = ?", [summary.run, appeal["period"]])
    return show_appeal(store, ident)
