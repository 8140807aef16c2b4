"""A unit's own pages: the self-assessment form, the scorecard with every point explained, the rectification items.

A department user reaches only its own unit (any other unit code in the URL is 403); leaders
and admins read any unit's scorecard; inspectors follow rectification items up and sign them off.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from scoring.inputs.importing import HEADERS, Names, reference_problems, to_record
from scoring.inputs.reasons import reason as validation_reason
from scoring.inputs.models import SelfAssessmentRow
from scoring.standard.vocabulary import CLAIM_CODES
from scoring.rectify.register import RegisterError, TRANSITIONS, list_items, show_item, update_status
from scoring.outputs.explain import flag_text
from scoring.outputs.results import NoRunError, scorecard as load_scorecard
from scoring.engine.cycle import CycleError, file_appeal, list_appeals
from scoring.store.lifecycle import PeriodLocked, state_of
from scoring.web.context import (current_period, flash_saved, period_locked, run_standard, standard, unit_or_404,
                                 unit_type_name)
from scoring.web.labels import t
from scoring.web.security import check_unit, require
from scoring.web.uploads import UploadError, read_evidence, store_evidence

blueprint = Blueprint("department", __name__)
blueprint.register_error_handler(PeriodLocked, period_locked)  # inputs of a period in 公示 or final
# Who may move an item to which status: the unit reports progress, inspectors and admins sign off or reopen.
MOVES = {"department": ("in_progress", "rectified"), "inspector": ("verified", "reopened"),
         "admin": ("in_progress", "rectified", "verified", "reopened")}


@blueprint.route("/my")
@require("department")
def home():
    return redirect(url_for("department.self_assessment", code=g.user["unit"]))


def applicable_indicators(unit_type: str) -> list[tuple[Any, list[Any]]]:
    std = standard()
    return [(d, [i for i in d.indicators if std.applies(i.code, unit_type)]) for d in std.criteria.dimensions]


@blueprint.route("/unit/<code>/self-assessment", methods=["GET", "POST"])
@require("department")
def self_assessment(code: str):
    check_unit(code)
    unit = unit_or_404(code)
    period = current_period(request.values.get("period"))
    if period is None:
        abort(404)
    groups = [(d, inds) for d, inds in applicable_indicators(unit["type"]) if inds]
    stored = {r["indicator"]: r for r in g.store.query(
        "select * from self_assessments where unit = ? and period = ?", [code, period])}
    errors: dict[str, list[str]] = {}
    values = {i.code: dict(stored.get(i.code) or {}) for _, inds in groups for i in inds}
    if request.method == "POST":
        rows, uploads = [], []
        std = standard()
        names = Names(std, g.store.unit_codes(), set(g.store.period_codes()))
        for _, inds in groups:
            for ind in inds:
                claim = request.form.get(f"claim_{ind.code}", "")
                note = request.form.get(f"note_{ind.code}", "")
                values[ind.code].update(claim=claim, note=note)
                if not claim:
                    continue
                evidence_text = (stored.get(ind.code) or {}).get("evidence")
                try:
                    upload = read_evidence(request.files.get(f"evidence_{ind.code}"))
                except UploadError as exc:
                    errors.setdefault(ind.code, []).append(t(f"upload_{exc}", g.lang))
                    continue
                if upload:
                    uploads.append(upload)
                    evidence_text = upload[1].reference
                raw = {"unit": code, "period": period, "indicator": ind.code, "claim": claim,
                       "note": note or None, "evidence": evidence_text}
                try:
                    row = SelfAssessmentRow.model_validate({k: v for k, v in raw.items() if v is not None})
                except ValidationError as exc:
                    errors.setdefault(ind.code, []).extend(validation_reason(e, HEADERS["self-assessments"])
                                                           for e in exc.errors(include_url=False))
                    continue
                problems = reference_problems("self-assessments", row, names)
                if problems:
                    errors.setdefault(ind.code, []).extend(f"{c}: {r}" for c, r in problems)
                    continue
                rows.append(to_record("self-assessments", row, std))
        if not errors:
            with g.store.transaction():
                for data, evidence in uploads:
                    store_evidence(g.store, current_app.config["EVIDENCE_DIR"], data, evidence, code, g.user["name"])
                counts = g.store.write_rows("self-assessments", rows)
                g.store.audit("web self-assessment", target=f"{code}/{period}", rows=len(rows), **counts)
            flash_saved("self_assessment_saved", n=len(rows))
            return redirect(url_for("department.self_assessment", code=code, period=period))
    total = sum(len(inds) for _, inds in groups)
    done = sum(1 for v in values.values() if v.get("claim"))
    return render_template("self_assessment.html", unit=unit, period=period, periods=g.store.period_codes(),
                           groups=groups, values=values, errors=errors, claims=CLAIM_CODES, total=total,
                           done=done), (400 if errors else 200)


def _findings(ids: set[str], unit: str) -> dict[str, dict[str, Any]]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r["id"]: r for r in g.store.query(f"select * from findings where unit = ? and id in ({marks})",
                                              [unit, *sorted(ids)])}


@blueprint.route("/unit/<code>/scorecard")
@require("department", "leader", "admin")
def scorecard(code: str):
    check_unit(code)
    unit = unit_or_404(code)
    period = current_period(request.args.get("period"))
    doc = None
    try:
        doc = load_scorecard(g.store, period, code) if period else None
    except NoRunError:
        pass
    rules, facts, flag_names, kind_names = {}, {}, {}, {}
    if doc:
        run = g.store.run(doc["run"])
        used = run_standard(run["standard_hash"])
        rules = used.rules_by_id
        flag_names = {code: flag_text(used, code, g.lang) for code in {*doc["flags"], *used.criteria.flags}}
        kind_names = {code: (k.name_en or k.name if g.lang == "en" else k.name) for code, k in used.criteria.object_kinds.items()}
        ids = {f for d in doc["dimensions"] for i in d["indicators"] for line in i["lines"] for fs in line["facts"]
               for f in fs.split("、")}
        ids |= {f for line in doc["bonus_lines"] + doc["veto_lines"] for f in line["facts"]}
        facts = _findings(ids, code)
    cycle = {**state_of(g.store, period), "appeals": list_appeals(g.store, period, code)} if period else None
    return render_template("scorecard.html", unit=unit, period=period, periods=g.store.period_codes(), doc=doc,
                           rules=rules, facts=facts, flag_names=flag_names, kind_names=kind_names, type_name=unit_type_name(unit["type"]),
                           cycle=cycle)


@blueprint.route("/unit/<code>/appeals", methods=["POST"])
@require("department")
def appeal(code: str):
    """A department appeals a line of its published scorecard (申诉): a finding or a rule, why, evidence."""
    check_unit(code)
    period = current_period(request.form.get("period"))
    back = redirect(url_for("department.scorecard", code=code, period=period) + "#appeals")
    try:
        upload = read_evidence(request.files.get("evidence_file"))
    except UploadError as exc:
        flash(t(f"upload_{exc}", g.lang), "error")
        return back
    try:
        with g.store.transaction():
            if upload:
                store_evidence(g.store, current_app.config["EVIDENCE_DIR"], upload[0], upload[1], code, g.user["name"])
            filed = file_appeal(g.store, period or "", code, request.form.get("reason", ""),
                                request.form.get("finding", ""), request.form.get("rule", "").strip(),
                                upload[1].reference if upload else "")
    except CycleError as exc:
        flash(str(exc), "error")
        return back
    flash_saved("appeal_filed", id=filed["id"])
    return back


@blueprint.route("/unit/<code>/rectifications")
@require("department", "inspector", "leader", "admin")
def rectifications(code: str):
    check_unit(code)
    unit = unit_or_404(code)
    items = list_items(g.store, unit=code)
    items.sort(key=lambda r: (not r["overdue"], r["status"] in ("rectified", "verified"), r["deadline"], r["id"]))
    history = {}
    if items:
        marks = ",".join("?" * len(items))
        for h in g.store.query(f"select * from rectification_history where item in ({marks}) order by id",
                               [r["id"] for r in items]):
            history.setdefault(h["item"], []).append(h)
    moves = MOVES.get(g.user["role"], ())
    allowed = {r["id"]: [s for s in moves if s in TRANSITIONS.get(r["status"], ())] for r in items}
    return render_template("rectifications.html", unit=unit, items=items, history=history, allowed=allowed)


@blueprint.route("/unit/<code>/rectifications/<item_id>", methods=["POST"])
@require("department", "inspector", "admin")
def update_item(code: str, item_id: str):
    check_unit(code)
    try:
        item = show_item(g.store, item_id)
    except RegisterError:
        abort(404)
    if item["unit"] != code:
        abort(404)
    status = request.form.get("status", "")
    if status not in MOVES[g.user["role"]]:
        abort(403)
    note = (request.form.get("note") or "").strip()[:1000]
    try:
        upload = read_evidence(request.files.get("evidence_file"))
    except UploadError as exc:
        return _back(code, t(f"upload_{exc}", g.lang))
    evidence = upload[1].reference if upload else ""
    try:
        with g.store.transaction():
            if upload:
                store_evidence(g.store, current_app.config["EVIDENCE_DIR"], upload[0], upload[1], code,
                               g.user["name"])
            update_status(g.store, item_id, status, note, evidence)
    except RegisterError as exc:
        return _back(code, str(exc))
    flash_saved("item_updated", id=item_id)
    return redirect(url_for("department.rectifications", code=code) + f"#{item_id}")


def _back(code: str, message: str):
    flash(message, "error")
    return redirect(url_for("department.rectifications", code=code))
