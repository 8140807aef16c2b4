"""Who may do what: the signed-in user, role and unit checks, CSRF tokens and the login rate limit."""

from __future__ import annotations

import functools
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import abort, g, redirect, request, session, url_for

CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's CSRF token, made on first use; every form carries it in a hidden field."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Every state-changing request must echo the session's token (form field or X-CSRF-Token header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def require(*roles: str):
    """The page needs a signed-in user with one of these roles: else the login page, or 403."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path if request.args else request.path))
            if g.user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def check_unit(code: str) -> None:
    """A department user sees and changes only its own unit: any other unit is 403, whatever the URL says."""
    if g.user["role"] == "department" and g.user["unit"] != code:
        abort(403)


class RateLimiter:
    """At most `limit` failed attempts per key within `window` seconds (in memory, one server process)."""

    MAX_KEYS = 10_000

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= at - self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        at = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, at)) >= self.limit for k in keys)

    def fail(self, *keys: str) -> None:
        at = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, at).append(at)
            if len(self._failures) > self.MAX_KEYS:  # forget keys whose failures are all old
                for k in [k for k in self._failures if not self._recent(k, at)]:
                    del self._failures[k]

    def reset(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)
