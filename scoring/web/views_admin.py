"""Admins: upload input files (the importer's own validation and messages), score a period, users, periods."""

from __future__ import annotations

import shutil
import threading
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from scoring.cli.common import bad_input_kinds
from scoring.engine.cycle import CycleError, decide_appeal
from scoring.engine.orders import after_import
from scoring.inputs.importing import ImportFailed, import_file
from scoring.store.periods import PeriodError
from scoring.rectify.register import RegisterError, import_updates
from scoring.engine.runner import run_period
from scoring.store.tables import INPUT_TABLES
from scoring.store.lifecycle import PeriodLocked
from scoring.web.context import PERIOD_SETTING, current_period, flash_saved, period_locked, standard
from scoring.web.labels import t
from scoring.web.security import require
from scoring.web.uploads import UploadError, save_input
from scoring.web.users import ROLES, UserError, add_user, list_users, set_active, set_password
from scoring.store.workspace import add_periods

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
blueprint.register_error_handler(PeriodLocked, period_locked)  # inputs of a period in 公示 or final
KINDS = (*INPUT_TABLES, "rectifications")
RUN_LOCK = threading.Lock()  # one scoring run at a time in this server


@blueprint.route("/")
@require("admin")
def home():
    counts = {name: g.store.query(f"select count(*) as n from {table}")[0]["n"]
              for name, table in (("units", "units"), ("findings", "findings"), ("runs", "runs"), ("users", "users"))}
    runs = g.store.query("select * from runs order by id desc limit 10")
    return render_template("admin_home.html", counts=counts, runs=runs, period=current_period())


@blueprint.route("/import", methods=["GET", "POST"])
@require("admin")
def upload():
    if request.method == "GET":
        return render_template("admin_import.html", kinds=KINDS, result=None, problems=[], form={})
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        abort(400)
    options = {o: request.form.get(o) == "1" for o in ("replace", "skip_invalid", "dry_run")}
    problems: list[str] = []
    result = None
    status = 200
    try:
        path = save_input(request.files.get("file"))
    except UploadError as exc:
        problems, status = [t(f"upload_{exc}", g.lang)], 400
        return render_template("admin_import.html", kinds=KINDS, result=None, problems=problems,
                               form=request.form), status
    try:
        if kind == "rectifications":
            result = {"kind": kind, "file": path.name, "applied": import_updates(g.store, path)}
        else:
            std = standard()
            done = import_file(g.store, std, kind, path, after_write=after_import(g.store, std), **options)
            result = {"kind": kind, "file": path.name, "rows": done.rows, "written": done.written,
                      "rejected": done.rejected, "dry_run": done.dry_run, "ignored": done.ignored_columns}
    except ImportFailed as exc:
        problems, status = exc.problems, 400
    except RegisterError as exc:
        problems, status = str(exc).splitlines(), 400
    except bad_input_kinds() as exc:
        problems, status = str(exc).splitlines(), 400
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return render_template("admin_import.html", kinds=KINDS, result=result, problems=problems,
                           form=request.form), status


@blueprint.route("/run", methods=["GET", "POST"])
@require("admin")
def run():
    periods = g.store.period_codes()
    if request.method == "GET":
        return render_template("admin_run.html", periods=periods, period=current_period(), error=None)
    period = request.form.get("period", "")
    as_of_text = (request.form.get("as_of") or "").strip()
    try:
        as_of = date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError:
        return render_template("admin_run.html", periods=periods, period=period, error=t("bad_date", g.lang)), 400
    if not RUN_LOCK.acquire(blocking=False):
        return render_template("admin_run.html", periods=periods, period=period, error=t("run_busy", g.lang)), 409
    try:
        # One process: forking scoring workers from a server that runs threads could copy a lock another
        # thread holds. A province-sized run is better started with `scoring run` (workers) on the server.
        missing: list[str] = []
        summary = run_period(g.store, standard(), period, as_of, workers=1,
                             warn=lambda gaps: missing.extend(gaps.lines(g.lang)))
    except bad_input_kinds() as exc:
        return render_template("admin_run.html", periods=periods, period=period, error=str(exc)), 400
    finally:
        RUN_LOCK.release()
    for line in missing:  # what the run scored without (数据完整性), before the result
        flash(t("data_missing", g.lang, what=line), "error")
    flash_saved("run_done", run=summary.run, period=summary.period, units=summary.units, as_of=summary.as_of)
    return redirect(url_for("admin.home"))


@blueprint.route("/appeals", methods=["GET", "POST"])
@require("admin")
def appeals():
    """Pending appeals (申诉): accept (the finding is withdrawn, the period scored again) or reject, with a reason."""
    if request.method == "POST":
        try:
            ident = int(request.form.get("id", ""))
        except ValueError:
            abort(400)
        if not RUN_LOCK.acquire(blocking=False):  # accepting one re-scores the period
            flash(t("run_busy", g.lang), "error")
            return redirect(url_for("admin.appeals"))
        try:
            decide_appeal(g.store, standard(), ident, request.form.get("decision") == "accept",
                          request.form.get("answer", ""))
        except CycleError as exc:
            flash(str(exc), "error")
            return redirect(url_for("admin.appeals"))
        finally:
            RUN_LOCK.release()
        flash_saved("appeal_decided", id=ident)
        return redirect(url_for("admin.appeals"))
    pending = g.store.query("select * from appeals where status = 'pending' order by id")
    return render_template("admin_appeals.html", appeals=pending)


@blueprint.route("/users", methods=["GET", "POST"])
@require("admin")
def users():
    error, status = None, 200
    if request.method == "POST":
        try:
            add_user(g.store, request.form.get("name", ""), request.form.get("role", ""),
                     request.form.get("password", ""), request.form.get("unit") or None)
            flash_saved("user_added", name=request.form.get("name", ""))
            return redirect(url_for("admin.users"))
        except UserError as exc:
            error, status = str(exc), 400
    return render_template("admin_users.html", users=list_users(g.store), roles=ROLES, units=g.store.units(),
                           error=error, form=request.form), status


@blueprint.route("/users/<name>", methods=["POST"])
@require("admin")
def user_action(name: str):
    action = request.form.get("action")
    try:
        if action == "passwd":
            set_password(g.store, name, request.form.get("password", ""))
            flash_saved("password_set", name=name)
        elif action in ("disable", "enable"):
            if name == g.user["name"]:
                raise UserError(t("not_yourself", g.lang))
            set_active(g.store, name, action == "enable")
            flash_saved(f"user_{action}d", name=name)
        else:
            abort(400)
    except UserError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@blueprint.route("/periods", methods=["GET", "POST"])
@require("admin")
def periods():
    error, status = None, 200
    if request.method == "POST":
        if request.form.get("current"):
            code = request.form["current"]
            if code not in g.store.period_codes():
                abort(400)
            with g.store.transaction():
                g.store.set_setting(PERIOD_SETTING, code)
                g.store.audit("web period current", target=code)
            flash_saved("period_current", code=code)
            return redirect(url_for("admin.periods"))
        codes = (request.form.get("codes") or "").split()
        try:
            if not codes:
                raise PeriodError(t("no_codes", g.lang))
            added = add_periods(g.store, codes)
            flash_saved("periods_added", codes=" ".join(p.code for p, new in added if new) or "—")
            return redirect(url_for("admin.periods"))
        except PeriodError as exc:
            error, status = str(exc), 400
    rows = g.store.query("select * from periods order by start, months desc")
    return render_template("admin_periods.html", periods=rows, current=current_period(), error=error), status
