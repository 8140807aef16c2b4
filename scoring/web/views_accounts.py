"""Department accounts in bulk, and the password change an account must make at its first sign-in.

An admin uploads a spreadsheet with one row per unit (单位编码, and optionally 账号); every row is
checked first and any problem writes nothing, as an import does. Each new account gets a random
initial password, shown once on the result page (it is stored only as its argon2 hash), and must
choose its own password when it first signs in.
"""

from __future__ import annotations

import secrets
import shutil
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from scoring.inputs.cells import ReadError, where
from scoring.inputs.readers import read_records
from scoring.store import now
from scoring.web.context import flash_saved
from scoring.web.labels import t
from scoring.web.security import require
from scoring.web.uploads import UploadError, save_input
from scoring.web.users import MIN_PASSWORD, NAME, UserError, add_user, authenticate, get_user, set_password

blueprint = Blueprint("accounts", __name__)
UNIT_COLUMNS = ("单位编码", "unit", "code")
NAME_COLUMNS = ("账号", "用户名", "account", "name")
# Endpoints an account that must change its password may still reach.
OPEN_ENDPOINTS = {"accounts.change_password", "auth.logout", "auth.language", "auth.login", "static", "auth.health"}


def _cell(record: dict[str, Any], columns: tuple[str, ...]) -> str:
    for column in columns:
        for key, value in record.items():
            if str(key).strip().lower() == column.lower() and value not in (None, ""):
                return str(value).strip()
    return ""


def planned_accounts(path) -> tuple[list[dict[str, str]], list[str]]:
    """(name, unit) per row, or every problem as FILE:ROW: column: reason; nothing is written here."""
    plans: list[dict[str, str]] = []
    problems: list[str] = []
    units = {u["code"]: u["name"] for u in g.store.units()}
    seen: set[str] = set()
    for number, record in read_records(path):
        unit = _cell(record, UNIT_COLUMNS)
        name = _cell(record, NAME_COLUMNS) or unit.lower()
        if not unit:
            problems.append(where(path.name, number, "单位编码") + t('account_no_unit', g.lang))
        elif unit not in units:
            problems.append(where(path.name, number, "单位编码") + t('account_unknown_unit', g.lang, unit=unit))
        elif not NAME.match(name):
            problems.append(where(path.name, number, "账号") + t('account_bad_name', g.lang, name=name))
        elif name in seen or get_user(g.store, name):
            problems.append(where(path.name, number, "账号") + t('account_exists', g.lang, name=name))
        else:
            seen.add(name)
            plans.append({"name": name, "unit": unit, "unit_name": units[unit]})
    if not plans and not problems:
        problems.append(f"{path.name}: {t('account_no_rows', g.lang)}")
    return plans, problems


@blueprint.route("/admin/accounts", methods=["GET", "POST"])
@require("admin")
def bulk():
    if request.method == "GET":
        return render_template("admin_accounts.html", made=[], problems=[])
    try:
        path = save_input(request.files.get("file"))
    except UploadError as exc:
        return render_template("admin_accounts.html", made=[], problems=[t(f"upload_{exc}", g.lang)]), 400
    try:
        plans, problems = planned_accounts(path)
    except ReadError as exc:
        plans, problems = [], exc.problems
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if problems:
        return render_template("admin_accounts.html", made=[], problems=problems), 400
    made = []
    with g.store.transaction():  # all accounts or none
        for plan in plans:
            password = secrets.token_urlsafe(9)  # 12 characters, 72 bits
            add_user(g.store, plan["name"], "department", password, plan["unit"])
            g.store.execute("insert or replace into web_password_change (name, since) values (?, ?)",
                            [plan["name"], now()])
            made.append({**plan, "password": password})
        g.store.audit("web accounts bulk", target=path.name, accounts=len(made))
    return render_template("admin_accounts.html", made=made, problems=[])


def must_change_password():
    """Before every request (after the app has found the signed-in user): an account with its initial
    password is sent to choose its own, whatever page it asks for."""
    from flask import g as request_globals

    user = request_globals.get("user")
    if user is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if request_globals.store.query("select 1 from web_password_change where name = ?", [user["name"]]):
        return redirect(url_for("accounts.change_password"))
    return None


@blueprint.route("/account/password", methods=["GET", "POST"])
def change_password():
    if g.user is None:
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        new, again = request.form.get("new") or "", request.form.get("again") or ""
        if authenticate(g.store, g.user["name"], request.form.get("current") or "") is None:
            error = t("password_current_wrong", g.lang)
        elif new != again:
            error = t("password_mismatch", g.lang)
        elif len(new) < MIN_PASSWORD or new == request.form.get("current"):
            error = t("password_too_weak", g.lang, n=MIN_PASSWORD)
        else:
            try:
                with g.store.transaction():
                    set_password(g.store, g.user["name"], new)
                    g.store.execute("delete from web_password_change where name = ?", [g.user["name"]])
            except UserError as exc:
                error = str(exc)
            else:
                session["gen"] = get_user(g.store, g.user["name"])["generation"]  # this session stays signed in
                flash_saved("password_changed")
                return redirect(url_for("auth.index"))
        status = 400
    forced = bool(g.store.query("select 1 from web_password_change where name = ?", [g.user["name"]]))
    return render_template("change_password.html", error=error, forced=forced), status
