"""Signing in and out, the language switch, the home page of each role, and evidence files."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, session, url_for

from scoring.web.context import web_actor
from scoring.web.security import require
from scoring.web.uploads import evidence_record
from scoring.web.users import authenticate, end_sessions

blueprint = Blueprint("auth", __name__)

HOME = {"admin": "admin.home", "inspector": "inspector.home", "department": "department.home",
        "leader": "leader.ranking"}


def _local(target: str | None) -> str | None:
    """Only a path on this site is followed after sign-in or a language switch (no open redirect).

    No scheme, no host, no backslash, no control or white-space character anywhere (browsers drop a tab
    or line break, so "/\t/evil.example" would become "//evil.example"), and not starting with "//".
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@blueprint.route("/")
def index():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME[g.user["role"]]))


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", next=_local(request.args.get("next")) or "")
    name = (request.form.get("name") or "").strip()
    by_name, by_address = current_app.extensions["login_throttle"]
    name_key, address_key = f"name:{name.lower()[:64]}", f"addr:{request.remote_addr}"
    wait = by_address.begin(address_key)
    if not wait:
        wait = by_name.begin(name_key)
        if wait:
            by_address.release(address_key)
    if wait > 0:  # not even checked: the password is tried again once the wait has passed
        seconds = math.ceil(wait)
        page = render_template("login.html", next="", error="login_limited", name=name, seconds=seconds)
        return page, 429, {"Retry-After": str(seconds)}
    found = authenticate(g.store, name, request.form.get("password") or "")
    if found is None:
        by_name.fail(name_key)
        by_address.fail(address_key)
        g.store.audit("web login failed", target=name[:64], address=request.remote_addr or "")
        return render_template("login.html", next="", error="login_failed", name=name), 401
    # The account starts afresh; the address keeps its failures (one's own account must not reset a guesser's).
    by_name.succeed(name_key)
    by_address.release(address_key)
    lang = session.get("lang", "zh")
    session.clear()  # a new session on sign-in (no fixation), keeping only the language
    session.permanent = True
    session.update({"user": found["name"], "gen": found["generation"], "lang": lang})
    g.store.acting_user = web_actor(found["name"])  # the sign-in is theirs
    g.store.audit("web login", target=found["name"], address=request.remote_addr or "")
    return redirect(_local(request.form.get("next")) or url_for(HOME[found["role"]]))


@blueprint.route("/logout", methods=["POST"])
def logout():
    if g.user is not None:  # the cookie itself stays valid until it expires: the server must refuse it
        end_sessions(g.store, g.user["name"])
        g.store.audit("web logout", target=g.user["name"])
    lang = session.get("lang", "zh")
    session.clear()
    session["lang"] = lang
    return redirect(url_for("auth.login"))


@blueprint.route("/lang/<code>")
def language(code: str):
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(_local(request.args.get("next")) or url_for("auth.index"))


@blueprint.route("/evidence/<sha256>")
@require("admin", "inspector", "department", "leader")
def evidence(sha256: str):
    department = g.user["role"] == "department"
    record = evidence_record(g.store, sha256, g.user["unit"] if department else None)
    if record is None:
        abort(403 if department and evidence_record(g.store, sha256) else 404)
    path = current_app.config["EVIDENCE_DIR"] / record["sha256"]
    if not path.exists():
        abort(404)
    inline = record["mime"].startswith("image/")
    return send_file(path, mimetype=record["mime"], as_attachment=not inline, download_name=record["filename"],
                     max_age=0)


@blueprint.route("/healthz")
def health():
    return {"ok": True}
