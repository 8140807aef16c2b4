"""What the views share: who a request acts as, the workspace's standard and period, a unit or 404.

The app factory and every view import this module; the factory registers the views' blueprints,
so no view imports the app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, g, render_template

from scoring.i18n import pick
from scoring.standard import Standard
from scoring.standard.loader import load_from_files
from scoring.store.workspace import standard_for
from scoring.web.labels import t

PERIOD_SETTING = "web_period"

# Who a web request acts as, in the audit table, runs and rectification history: the signed-in user's
# name after "web:", which keeps it apart from the OS accounts the CLI records (an admin can be both),
# or plain "web" while nobody is signed in (a failed sign-in). Never the OS user running the server.
WEB_USER_PREFIX = "web:"
NOBODY = "web"


def web_actor(name: str | None) -> str:
    return WEB_USER_PREFIX + name if name else NOBODY


def standard() -> Standard:
    """The workspace's standard (as `scoring run` uses it), loaded once per criteria folder."""
    cache = current_app.extensions["standards"]
    key = g.store.get_setting("criteria_dir") or ""
    if key not in cache:
        cache[key] = standard_for(g.store)
    return cache[key]


def run_standard(standard_hash: str) -> Standard:
    """The standard a run used, rebuilt from the texts it recorded, so explanations cite that version."""
    cache = current_app.extensions["standards"]
    key = "hash:" + standard_hash
    if key not in cache:
        files = g.store.standard_files(standard_hash)
        cache[key] = load_from_files(files) if files else standard()
    return cache[key]


def current_period(requested: str | None = None) -> str | None:
    """The period a page is about: the one asked for, else the one the admin chose, else the one containing today."""
    codes = g.store.period_codes()
    if requested in codes:
        return requested
    chosen = g.store.get_setting(PERIOD_SETTING)
    if chosen in codes:
        return chosen
    today = date.today().isoformat()
    containing = g.store.query("select code from periods where start <= ? and ? <= end order by months desc, code",
                               [today, today])
    if containing:
        return containing[0]["code"]
    return codes[-1] if codes else None


def unit_or_404(code: str) -> dict[str, Any]:
    rows = g.store.query("select * from units where code = ?", [code])
    if not rows:
        abort(404)
    return rows[0]


def unit_type_name(code: str) -> str:
    types = standard().criteria.unit_types
    return pick(types[code].model_dump(), "name", g.lang) if code in types else code


def flash_saved(key: str, **values) -> None:
    flash(t(key, g.lang, **values), "ok")


def period_locked(exc: Exception):
    """A blueprint's answer to an input change in a period in 公示 or final: 409 with the store's message."""
    return render_template("error.html", code=409, message=str(exc)), 409
