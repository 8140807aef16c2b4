"""Admins without the CLI: units (add, edit, retire, with their type, group, parent and aliases), the
audit trail with filters, and what each unit has handed in for a period.

A unit is written through the importer's own checks (UnitRow, reference_problems, to_record) and the
store's write_rows, as a row of `scoring import units` is. Retiring a unit takes it out of the
inspector's search and the progress page; its data and the runs that scored it stay as they were.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from scoring.inputs.importing import HEADERS, Names, reference_problems, to_record
from scoring.inputs.reasons import reason as validation_reason
from scoring.inputs.models import UnitRow
from scoring.store import now
from scoring.web.context import current_period, flash_saved, standard, unit_type_name
from scoring.web.security import require
from scoring.web.unitsearch import aliases as unit_aliases, match_rank, set_aliases

blueprint = Blueprint("units", __name__, url_prefix="/admin")
AUDIT_PAGE = 200
ANSWERED = ("in_progress", "rectified", "verified")


def _units(query: str) -> list[dict[str, Any]]:
    names = unit_aliases(g.store)
    retired = {r["unit"] for r in g.store.query("select unit from web_units_retired")}
    rows = []
    for unit in g.store.units():
        if query and match_rank(query, unit, names.get(unit["code"], [])) is None:
            continue
        rows.append({**unit, "aliases": names.get(unit["code"], []), "retired": unit["code"] in retired,
                     "type_name": unit_type_name(unit["type"])})
    return rows


def check_unit_form(form) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The unit as the store keeps it, or the problems by field (the importer's messages)."""
    raw = {k: (form.get(k) or "").strip() for k in ("code", "name", "type", "group", "parent")}
    errors: dict[str, list[str]] = {}
    try:
        row = UnitRow.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            errors.setdefault(str(err["loc"][0]) if err["loc"] else "row", []).append(validation_reason(err, HEADERS["units"]))
        return None, errors
    names = Names(standard(), g.store.unit_codes(), set(g.store.period_codes()))
    for field, reason in reference_problems("units", row, names):
        errors.setdefault(field, []).append(reason)
    if row.parent and row.parent not in names.units:
        errors.setdefault("parent", []).append(f"unknown unit {row.parent!r}: add the parent unit first")
    return (None, errors) if errors else (to_record("units", row, standard()), {})


def _page(form: dict[str, Any], errors: dict[str, list[str]], status: int = 200):
    query = (request.args.get("q") or "").strip()[:50]
    types = [(code, unit_type_name(code)) for code in standard().criteria.unit_types]
    groups = sorted({u["ranking_group"] for u in g.store.units()} | set(standard().criteria.unit_types))
    return render_template("admin_units.html", units=_units(query), query=query, form=form, errors=errors,
                           types=types, groups=groups), status


@blueprint.route("/units", methods=["GET", "POST"])
@require("admin")
def units():
    if request.method == "GET":
        code = request.args.get("edit")
        found = g.store.query("select * from units where code = ?", [code]) if code else []
        form = {**found[0], "group": found[0]["ranking_group"], "editing": True,
                "aliases": " ".join(unit_aliases(g.store).get(code, []))} if found else {}
        return _page(form, {})
    record, errors = check_unit_form(request.form)
    editing = request.form.get("editing") == "1"
    if record and not editing and record["code"] in g.store.unit_codes():
        errors = {"code": [f"unit {record['code']} exists: choose it in the list to edit it"]}
    if errors:
        return _page({**request.form.to_dict(), "editing": editing}, errors, 400)
    with g.store.transaction():
        counts = g.store.write_rows("units", [record])
        set_aliases(g.store, record["code"], (request.form.get("aliases") or "").replace("，", " ").replace(",", " ").split())
        g.store.audit("web unit edit" if editing else "web unit add", target=record["code"], name=record["name"],
                      type=record["type"], group=record["ranking_group"], **counts)
    flash_saved("unit_saved", code=record["code"])
    return redirect(url_for("units.units"))


@blueprint.route("/units/<code>/retire", methods=["POST"])
@require("admin")
def retire(code: str):
    if code not in g.store.unit_codes():
        abort(404)
    back = request.form.get("action") == "restore"
    with g.store.transaction():
        if back:
            g.store.execute("delete from web_units_retired where unit = ?", [code])
        else:
            g.store.execute("insert or ignore into web_units_retired (unit, retired_at, user) values (?, ?, ?)",
                            [code, now(), g.user["name"]])
        g.store.audit("web unit restore" if back else "web unit retire", target=code)
    flash_saved("unit_restored" if back else "unit_retired", code=code)
    return redirect(url_for("units.units"))


@blueprint.route("/audit")
@require("admin")
def audit():
    """The audit trail, newest first, filtered by who, what, which target and when."""
    filters = {k: (request.args.get(k) or "").strip()[:100] for k in ("user", "action", "target", "since", "until")}
    where, params = ["1 = 1"], []
    if filters["user"]:
        where.append("user = ?")
        params.append(filters["user"])
    if filters["action"]:
        where.append("action = ?")
        params.append(filters["action"])
    if filters["target"]:
        where.append("(target like ? escape '\\' or detail like ? escape '\\')")
        like = "%" + filters["target"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like]
    if filters["since"]:
        where.append("at >= ?")
        params.append(filters["since"])
    if filters["until"]:
        where.append("at < ?")
        params.append(filters["until"] + "\uffff")  # the whole day given
    before = request.args.get("before", type=int)
    if before:
        where.append("id < ?")
        params.append(before)
    rows = g.store.query(f"select * from audit where {' and '.join(where)} order by id desc limit ?",
                         [*params, AUDIT_PAGE + 1])
    users = [r["user"] for r in g.store.query("select distinct user from audit order by user")]
    actions = [r["action"] for r in g.store.query("select distinct action from audit order by action")]
    return render_template("admin_audit.html", rows=rows[:AUDIT_PAGE], more=rows[AUDIT_PAGE]["id"] + 1
                           if len(rows) > AUDIT_PAGE else None, filters=filters, users=users, actions=actions)


def _counts(sql: str, period: str) -> dict[str, int]:
    return {r["unit"]: r["n"] for r in g.store.query(sql, [period])}


@blueprint.route("/progress")
@require("admin")
def progress():
    """Per unit, what has been entered for the period: findings, self-assessment, survey, metrics, answers."""
    period = current_period(request.args.get("period"))
    if period is None:
        abort(404)
    std = standard()
    findings = _counts("select unit, count(*) as n from findings where period = ? group by unit", period)
    claims = _counts("select unit, count(*) as n from self_assessments where period = ? group by unit", period)
    answers = _counts("select unit, count(distinct respondent) as n from survey_answers where period = ? group by unit",
                      period)
    issued = _counts("select unit, issued as n from survey_issued where period = ?", period)
    metrics = _counts("select unit, count(*) as n from metrics where period = ? group by unit", period)
    items = _counts("select unit, count(*) as n from rectifications where period = ? group by unit", period)
    answered = {r["unit"]: r["n"] for r in g.store.query(
        "select unit, count(*) as n from rectifications where period = ? and status in (?, ?, ?) group by unit",
        [period, *ANSWERED])}
    rows = []
    for unit in _units(""):
        if unit["retired"]:
            continue
        code = unit["code"]
        applicable = sum(1 for i in std.indicators if std.applies(i, unit["type"]))
        rows.append({"code": code, "name": unit["name"], "findings": findings.get(code, 0),
                     "claims": claims.get(code, 0), "applicable": applicable, "respondents": answers.get(code, 0),
                     "issued": issued.get(code), "metrics": metrics.get(code, 0), "item_count": items.get(code, 0),
                     "answered": answered.get(code, 0)})
    missing = request.args.get("missing")
    if missing == "self":
        rows = [r for r in rows if r["claims"] < r["applicable"]]
    elif missing == "survey":
        rows = [r for r in rows if not r["respondents"]]
    elif missing == "answers":
        rows = [r for r in rows if r["answered"] < r["item_count"]]
    totals = {"units": len(rows), "self_done": sum(r["claims"] >= r["applicable"] for r in rows),
              "survey_done": sum(bool(r["respondents"]) for r in rows),
              "answers_open": sum(r["item_count"] - r["answered"] for r in rows)}
    return render_template("admin_progress.html", rows=rows, period=period, periods=g.store.period_codes(),
                           totals=totals, missing=missing)
