"""The Flask application: one workspace, a store per request, the signed-in user, language, CSRF and headers."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, session
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from scoring.store.clock import DEFAULT_ZONE, ZoneProblem, local_time, office_zone
from scoring.store.workspace import standard_for
from scoring.i18n import pick, status_name, use_lang, use_surface
from scoring.outputs.notes import note_in
from scoring.store import Store
from scoring.store.private import key_path, session_key
from scoring.web import labels, views_accounts, views_admin, views_auth, views_department, views_inspector, views_leader, \
    views_units
from scoring.web.context import NOBODY, web_actor
from scoring.web.security import CSRF_FIELD, Throttle, check_csrf, csrf_token
from scoring.web.uploads import INPUT_MAX, evidence_dir, evidence_hashes, evidence_items
from scoring.web import photos, tables as field_tables
from scoring.web.users import ensure_tables, get_user

OLD_SECRET_SETTING = "web_secret_key"  # where the key was kept before it moved out of the database
# Failed sign-ins cost nothing up to `free`, then wait first·2ⁿ seconds up to `cap`; forgotten after `forget`.
THROTTLE_PER_NAME = {"free": 5, "first": 1.0, "cap": 60.0, "forget": 900.0}
THROTTLE_PER_ADDRESS = {"free": 20, "first": 1.0, "cap": 30.0, "forget": 900.0}


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(path: Path) -> threading.RLock:
    """One lock per workspace file in this process: the server's threads take turns to write.

    SQLite lets one writer in at a time anyway; queueing on a lock instead of in SQLite's busy
    handler (which sleeps in growing steps up to 100 ms) keeps response times short under load.
    """
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


class WebStore(Store):
    """The store as the web app uses it: one per server thread, writes queued in-process, acting as the web user.

    _open sets `acting_user` to web_actor(the signed-in user) for each request and _close resets it, so
    every write a request makes (through the same library functions as the CLI) names that person.
    """

    def __init__(self, path: Path):
        super().__init__(path, user=NOBODY)
        self._write_lock = write_lock(Path(path))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        with self._write_lock, super().transaction():
            yield

    def audit(self, action: str, target: str = "", sha256: str = "", **detail: Any) -> None:
        with self.transaction():  # an entry written on its own (a sign-in) queues on the write lock too
            super().audit(action, target, sha256, **detail)


def retire_old_key(db: Path) -> bool:
    """Delete the session key older versions kept in the database (copied with every backup); True if there was one.

    Sessions it signed end: the key now comes from DB.key or $SCORING_SECRET_KEY (store/private.py).
    secure_delete overwrites the freed page, so the deleted key does not linger in the file.
    """
    store = Store(db)
    try:
        ensure_tables(store)
        if store.get_setting(OLD_SECRET_SETTING) is None:
            return False
        store.execute("PRAGMA secure_delete=ON")
        with store.transaction():
            store.execute("delete from settings where key = ?", [OLD_SECRET_SETTING])
            store.audit("web key moved", target=str(key_path(db)))
        return True
    finally:
        store.close()


def create_app(db: str | os.PathLike, *, secret_key: str | None = None, secure_cookies: bool = False,
               evidence: str | os.PathLike | None = None, testing: bool = False, trusted_proxies: int = 0,
               clock: Callable[[], float] = time.monotonic) -> Flask:
    """The app over workspace `db`. `trusted_proxies`: how many reverse proxies in front of it set
    X-Forwarded-For/-Proto (only then is the client's address taken from it); `clock` times the sign-in throttle."""
    db_path = Path(db)
    if not db_path.exists():
        raise FileNotFoundError(f"no workspace at {db_path}: run `scoring init` first, or point --db at one")
    app = Flask(__name__)
    app.extensions["old_key_retired"] = retire_old_key(db_path)
    app.config.update(
        DB=db_path, TESTING=testing, EVIDENCE_DIR=Path(evidence) if evidence else evidence_dir(db_path),
        REPORT_DIR=db_path.with_name(db_path.name + ".reports"),
        SECRET_KEY=secret_key or session_key(db_path),
        SESSION_COOKIE_NAME="scoring_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies, PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=INPUT_MAX + 1024 * 1024, MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
    )
    app.extensions["login_throttle"] = (Throttle(**THROTTLE_PER_NAME, clock=clock),
                                        Throttle(**THROTTLE_PER_ADDRESS, clock=clock))
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    app.extensions["standards"] = {}
    app.extensions["stores"] = threading.local()  # each server thread keeps its connection
    store = Store(db_path)
    try:
        ensure_tables(store)
        field_tables.ensure_tables(store)
        # Loaded now, so the first requests do not all wait for the standard's YAML.
        app.extensions["standards"][store.get_setting("criteria_dir") or ""] = standard_for(store)
    finally:
        store.close()

    for module in (views_auth, views_inspector, views_department, views_leader, views_admin, views_units, views_accounts):
        app.register_blueprint(module.blueprint)

    app.before_request(_open)
    app.before_request(views_accounts.must_change_password)  # after _open has found the user
    app.teardown_request(_close)
    app.after_request(_headers)
    app.context_processor(_template_globals)
    app.jinja_env.globals.update(evidence_items=evidence_items, evidence_gallery=photos.gallery)
    app.jinja_env.filters["local_time"] = _local_time
    for code in (400, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(code, _error)
    return app


def _open() -> None:
    from flask import current_app

    g.lang = session.get("lang", "zh")
    use_lang(g.lang)  # library errors (an upload's rows) in the page's language
    use_surface("web")  # and they name the page to use, not a command
    local = current_app.extensions["stores"]
    store = getattr(local, "store", None)
    if store is None:
        store = local.store = WebStore(current_app.config["DB"])
    store.acting_user = NOBODY
    g.store = store
    g.user = None
    name = session.get("user")
    if name:
        found = get_user(store, name)
        if found and found["active"] and found["generation"] == session.get("gen"):
            g.user = found
            store.acting_user = web_actor(found["name"])
        else:
            session.clear()
    check_csrf()


def _close(exc: BaseException | None) -> None:
    """The thread keeps its connection for the next request; nothing half-done is left on it."""
    use_lang(None)  # nor the request's language
    use_surface("cli")
    store = g.pop("store", None)
    if store is not None:
        store.acting_user = NOBODY
        if store.conn.in_transaction:
            store.conn.execute("ROLLBACK")


def _headers(response):
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error(exc):
    code = getattr(exc, "code", 500)
    key = "csrf_failed" if getattr(exc, "description", "") == "csrf" else f"error_{code}"
    return render_template("error.html", code=code, message=labels.t(key, g.get("lang", "zh"))), code


def _csrf_input() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def _local_time(stamp: str | None) -> str:
    """`{{ run.created_at|local_time }}`: a stored UTC time in the office's zone (2026-11-30 13:19)."""
    try:
        zone = office_zone(g.store)
    except ZoneProblem:  # a mistyped workspace setting must not take every page down
        zone = ZoneInfo(DEFAULT_ZONE)
    return local_time(stamp, zone)


def _template_globals() -> dict[str, Any]:
    lang = g.get("lang", "zh")
    return {"t": lambda key, **kw: labels.t(key, lang, **kw), "lang": lang, "user": g.get("user"),
            "csrf_token": csrf_token, "csrf_field": CSRF_FIELD, "csrf_input": _csrf_input, "pick": lambda d, k: pick(d, k, lang),
            "status_name": lambda s: status_name(s, lang), "note_in": lambda note: note_in(note, lang),
            "evidence_hashes": evidence_hashes,
            "nav": labels.nav_for(g.get("user")), "today": date.today().isoformat()}
