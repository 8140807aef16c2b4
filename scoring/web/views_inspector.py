"""Inspectors on site: find a unit, enter findings in a few taps, see and correct today's entries.

A finding entered here goes through the importer's own checks (scoring.inputs.models.FindingRow,
scoring.inputs.importing.reference_problems and to_record) and the store's write_rows, exactly as a
row of `scoring import findings` does. An inspector may correct or delete their own entries
until a scoring run of the period has used them.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, send_from_directory, url_for
from pydantic import ValidationError

from scoring.engine.orders import issue_orders
from scoring.inputs.importing import HEADERS, Names, reference_problems, to_record
from scoring.inputs.reasons import reason as validation_reason
from scoring.inputs.models import FindingRow
from scoring.inputs.objects import unit_objects, workspace_objects
from scoring.store import now
from scoring.store.lifecycle import PeriodLocked, locked_periods
from scoring.web.context import period_locked, current_period, flash_saved, standard, unit_or_404
from scoring.web.labels import outbox_words, t
from scoring.web.security import require
from scoring.web.photos import keep_uploads, kept, parse_meta, read_uploads, record_meta, reference
from scoring.web.unitsearch import index as search_index, search as search_units
from scoring.web.uploads import evidence_hashes

blueprint = Blueprint("inspector", __name__, url_prefix="/inspect")
blueprint.register_error_handler(PeriodLocked, period_locked)  # inputs of a period in 公示 or final
ENTRY_ID = re.compile(r"^W-\d{8}-[0-9a-f]{8}$")
FIELDS = ("period", "date", "code", "indicator", "count", "corrected_on_spot", "note", "evidence", "object")
SEARCH_LIMIT = 30


def new_entry_id() -> str:
    """A fresh id for the next finding, sent with the form: submitting the same form twice saves it once."""
    return f"W-{date.today():%Y%m%d}-{secrets.token_hex(4)}"


def code_groups(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Finding codes grouped by the dimension they concern, with their names; codes of any indicator,
    bonus and veto codes in groups of their own."""
    std = standard()
    groups: dict[str, list[tuple[str, str]]] = {}
    order: list[str] = []
    for code, fc in std.criteria.finding_codes.items():
        if fc.indicator and fc.indicator != "given":
            dim = std.dimension_of[fc.indicator]
            label = f"{dim.code} {dim.name_en if lang == 'en' else dim.name}"
        else:
            label = t({"defect": "codes_any_indicator", "bonus": "codes_bonus", "veto": "codes_veto"}[fc.kind], lang)
        if label not in groups:
            groups[label] = []
            order.append(label)
        groups[label].append((code, fc.name_en if lang == "en" else fc.name))
    dims = [lbl for lbl in order if re.match(r"^D\d", lbl)]
    rest = [lbl for lbl in order if lbl not in dims]
    return [(lbl, groups[lbl]) for lbl in sorted(dims) + rest]


def indicator_groups(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(f"{d.code} {d.name_en if lang == 'en' else d.name}",
             [(i.code, f"{i.code} {i.name_en if lang == 'en' else i.name}") for i in d.indicators])
            for d in standard().criteria.dimensions]


def code_names() -> dict[str, str]:
    return {c: (fc.name_en if g.lang == "en" else fc.name) for c, fc in standard().criteria.finding_codes.items()}


def needs_indicator() -> list[str]:
    return [c for c, fc in standard().criteria.finding_codes.items() if fc.indicator == "given"]


def check_finding(raw: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The stored record of a form's finding, or the problems by field (the importer's own messages)."""
    errors: dict[str, list[str]] = {}
    try:
        row = FindingRow.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            field = str(err["loc"][0]) if err["loc"] else "row"
            errors.setdefault(field, []).append(validation_reason(err, HEADERS["findings"]))
        return None, errors
    std = standard()
    names = Names(std, g.store.unit_codes(), set(g.store.period_codes()), workspace_objects(g.store))
    for field, reason in reference_problems("findings", row, names):
        errors.setdefault(field, []).append(reason)
    if errors:
        return None, errors
    return to_record("findings", row, std), {}


def _raw(form, unit: str, entry_id: str, evidence: str | None) -> dict[str, Any]:
    day = form.get("date", "")
    return {"id": entry_id, "unit": unit, "period": form.get("period") or period_for(day) or "", "date": day,
            "inspector": g.user["name"], "code": form.get("code", ""), "indicator": form.get("indicator") or None,
            "count": form.get("count") or "1", "corrected_on_spot": form.get("corrected_on_spot") == "1",
            "note": form.get("note") or None, "evidence": evidence, "object": form.get("object") or None}


def _day(text: str | None) -> str | None:
    try:
        return date.fromisoformat(text or "").isoformat()
    except ValueError:
        return None


def period_for(day: str | None, preferred: str | None = None) -> str | None:
    """The period a finding of this day belongs to: `preferred` when it contains the day, else one of
    the same kind (year, half, quarter, month) that does, else the longest that does."""
    day = _day(day)
    if not day:
        return None
    containing = g.store.query("select code, kind from periods where start <= ? and ? <= end order by months desc, code",
                               [day, day])
    if not containing:
        return None
    wanted = g.store.period(preferred) if preferred else None
    if wanted and any(p["code"] == preferred for p in containing):
        return preferred
    same_kind = [p["code"] for p in containing if wanted and p["kind"] == wanted["kind"]]
    return (same_kind or [containing[0]["code"]])[0]


def default_day(period: str | None) -> str:
    """Today, or the nearest day of `period` when today lies outside it (the date defaults into the open period)."""
    today = date.today().isoformat()
    found = g.store.period(period) if period else None
    if found is None or found["start"] <= today <= found["end"]:
        return today
    return found["end"] if today > found["end"] else found["start"]


def _entries(where: str, params: list[Any]) -> list[dict[str, Any]]:
    return g.store.query(
        "select f.*, w.user as entered_by, w.created_at as entered_at, u.name as unit_name from web_findings w"
        " join findings f on f.id = w.id left join units u on u.code = f.unit"
        f" where {where} order by w.created_at desc, f.id", params)


def entry_or_404(entry_id: str) -> dict[str, Any]:
    found = _entries("w.id = ?", [entry_id])
    if not found:
        abort(404)
    if found[0]["entered_by"] != g.user["name"]:
        abort(403)
    return found[0]


def is_locked(entry: dict[str, Any]) -> bool:
    """The entry's period is in 公示 or final: the one lock every input kind has (scoring.store.lifecycle)."""
    return bool(locked_periods(g.store, [entry["period"]]))


def wants_json() -> bool:
    """The phone's outbox sends saved-offline findings with fetch and reads a JSON answer."""
    return request.headers.get("X-Outbox") == "1"


def _form_page(template: str, unit: dict[str, Any], values: dict[str, Any], errors: dict[str, list[str]], status: int = 200,
               **extra: Any):
    if wants_json():
        return jsonify({"ok": False, "id": values.get("id"), "errors": errors}), status
    today = date.today().isoformat()
    mine = _entries("w.user = ? and w.day = ? and f.unit = ?", [g.user["name"], today, unit["code"]])
    periods = g.store.query("select code, kind, start, end from periods order by start, months desc")
    return render_template(template, unit=unit, values=values, errors=errors, codes=code_groups(g.lang),
                           indicators=indicator_groups(g.lang), needs_indicator=needs_indicator(),
                           periods=periods, mine=mine, code_names=code_names(), objects=object_choices(unit["code"]),
                           **extra), status


def object_choices(unit: str) -> list[tuple[str, str]]:
    """The unit's objects in use, as (code, "name（kind）"): what a finding may name. None: no select is shown."""
    kinds = standard().criteria.object_kinds
    label = (lambda k: kinds[k].name_en if g.lang == "en" else kinds[k].name)
    return [(o["code"], f"{o['name']}（{label(o['kind']) if o['kind'] in kinds else o['kind']}）")
            for o in unit_objects(g.store, unit)]


def _evidence_from_form(unit: str, errors: dict[str, list[str]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The files the form keeps (chosen before) plus the ones sent now, stored at once so an error loses none."""
    uploads, problems = read_uploads(request.files.getlist("evidence_file"))
    for key in problems:
        errors.setdefault("evidence", []).append(t(key, g.lang))
    new = keep_uploads(uploads, unit)
    return kept(request.form.getlist("evidence_sha") + new, unit), uploads


def _save(record: dict[str, Any], unit: str, action: str, uploads: list[Any], before: dict[str, Any] | None = None) -> None:
    g.store.write_rows("findings", [record])
    record_meta(record["id"], uploads, parse_meta(request.form.get("evidence_meta")))
    pairs = {(record["unit"], record["period"])} | ({(before["unit"], before["period"])} if before else set())
    orders = issue_orders(g.store, standard(), pairs, audit=False)  # its rectification order, at once
    g.store.audit(action, target=record["id"], unit=unit, period=record["period"], code=record["code"],
                  count=record["count"], corrected_on_spot=bool(record["corrected_on_spot"]),
                  **{f"rectify_{k}": v for k, v in orders.items() if v})


def _saved(code: str, entry_id: str, record: dict[str, Any], status: str):
    """After a save: the form again, for the next finding, keeping the day (and so the period) just used."""
    if wants_json():
        return jsonify({"ok": True, "id": entry_id, "status": status})
    flash_saved("finding_saved" if status == "saved" else "already_saved", id=entry_id)
    return redirect(url_for("inspector.unit", code=code, date=record["date"] if record else None,
                            period=record["period"] if record else None))


@blueprint.route("/")
@require("inspector")
def home():
    query = (request.args.get("q") or "").strip()[:50]
    units = search_units(g.store, query, SEARCH_LIMIT) if query else []
    today = _entries("w.user = ? and w.day = ?", [g.user["name"], date.today().isoformat()])
    return render_template("inspect_home.html", query=query, units=units, entries=today, code_names=code_names(),
                           searched=bool(query), limit=SEARCH_LIMIT)


@blueprint.context_processor
def _outbox_words() -> dict[str, Any]:
    return {"outbox_words": lambda: outbox_words(g.lang)}


@blueprint.route("/sw.js")
def service_worker():
    """The service worker, served from /inspect/ so that its scope covers the inspector's pages."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.route("/units.json")
@require("inspector")
def units_index():
    """Every unit with its pinyin, initials and aliases: the phone searches it when there is no network."""
    return jsonify(search_index(g.store))


@blueprint.route("/unit/<code>", methods=["GET", "POST"])
@require("inspector")
def unit(code: str):
    found = unit_or_404(code)
    if request.method == "GET":
        chosen = request.args.get("period")
        day = _day(request.args.get("date")) or default_day(current_period(chosen))
        values = {"id": new_entry_id(), "period": period_for(day, current_period(chosen)), "date": day, "count": "1"}
        return _form_page("inspect_unit.html", found, values, {})[0]
    entry_id = request.form.get("id", "")
    if not ENTRY_ID.match(entry_id):
        abort(400)
    errors: dict[str, list[str]] = {}
    files, uploads = _evidence_from_form(code, errors)
    values = {**request.form.to_dict(), "id": entry_id, "kept": files}
    record, problems = check_finding(_raw(request.form, code, entry_id, reference(files)))
    for field, messages in problems.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        values["period"] = values.get("period") or period_for(values.get("date"))
        return _form_page("inspect_unit.html", found, values, errors, 400)
    with g.store.transaction():
        known = g.store.query("select user from web_findings where id = ?", [entry_id])
        if known or g.store.query("select 1 from findings where id = ?", [entry_id]):
            if known and known[0]["user"] == g.user["name"]:
                return _saved(code, entry_id, record, "already_saved")
            abort(409)
        _save(record, code, "web finding add", uploads)
        g.store.execute("insert into web_findings (id, user, day, created_at) values (?, ?, ?, ?)",
                        [entry_id, g.user["name"], date.today().isoformat(), now()])
    return _saved(code, entry_id, record, "saved")


@blueprint.route("/finding/<entry_id>", methods=["GET", "POST"])
@require("inspector")
def edit(entry_id: str):
    entry = entry_or_404(entry_id)
    found = unit_or_404(entry["unit"])
    locked = is_locked(entry)
    rest = re.sub(r"(.*?)\s*sha256:[0-9a-f]{64}[;\s]*", "", entry["evidence"] or "").strip()
    if request.method == "GET" or locked:
        values = {**entry, "corrected_on_spot": "1" if entry["corrected_on_spot"] else "",
                  "kept": kept(evidence_hashes(entry["evidence"]), entry["unit"])}
        status = 409 if request.method == "POST" else 200
        return _form_page("inspect_edit.html", found, values, {}, status, entry=entry, locked=locked)
    errors: dict[str, list[str]] = {}
    files, uploads = _evidence_from_form(entry["unit"], errors)
    values = {**request.form.to_dict(), "id": entry_id, "kept": files}
    record, problems = check_finding(_raw(request.form, entry["unit"], entry_id, reference(files, rest)))
    for field, messages in problems.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        return _form_page("inspect_edit.html", found, values, errors, 400, entry=entry, locked=False)
    with g.store.transaction():
        _save(record, entry["unit"], "web finding edit", uploads, before=entry)
    flash_saved("finding_corrected", id=entry_id)
    return redirect(url_for("inspector.home"))


@blueprint.route("/finding/<entry_id>/delete", methods=["POST"])
@require("inspector")
def delete(entry_id: str):
    entry = entry_or_404(entry_id)
    if is_locked(entry):
        abort(409)
    with g.store.transaction():
        g.store.execute("delete from findings where id = ?", [entry_id])
        g.store.execute("delete from web_findings where id = ?", [entry_id])
        orders = issue_orders(g.store, standard(), {(entry["unit"], entry["period"])}, audit=False)  # withdrawn
        g.store.audit("web finding delete", target=entry_id, unit=entry["unit"], period=entry["period"],
                      code=entry["code"], **{f"rectify_{k}": v for k, v in orders.items() if v})
    flash_saved("finding_deleted", id=entry_id)
    return redirect(url_for("inspector.home"))
