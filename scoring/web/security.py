"""Who may do what: the signed-in user, role and unit checks, CSRF tokens and the sign-in throttle."""

from __future__ import annotations

import functools
import hmac
import secrets
import threading
import time
from typing import Callable

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


class Throttle:
    """An increasing delay after failed sign-ins, per key (an account, a client address); in memory, one process.

    The first `free` failures of a key cost nothing; each further one doubles the wait before the key's
    next attempt is even checked, from `first` seconds up to `cap`. A key is forgotten `forget` seconds after
    its last failure. Nothing locks out: once the wait has passed, a correct password succeeds, so a
    stranger guessing at someone's account (or from the office's address) slows them by at most `cap`.

    An attempt that is let through is counted as a failure until it is known to be one (`fail`) or not
    (`succeed`): parallel guesses cannot all slip through before the first failure is recorded.
    The clock is injectable so that tests move time instead of sleeping.
    """

    MAX_KEYS = 10_000

    def __init__(self, free: int, first: float, cap: float, forget: float, clock: Callable[[], float] = time.monotonic):
        self.free, self.first, self.cap, self.forget = free, first, cap, forget
        self.clock = clock
        self._keys: dict[str, list[float]] = {}  # key -> [failures, time of the last, next attempt allowed at]
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        return 0.0 if failures < self.free else min(self.cap, self.first * 2 ** (failures - self.free))

    def _state(self, key: str, at: float) -> list[float]:
        state = self._keys.get(key)
        if state is None or (state[1] and at - state[1] > self.forget):
            state = self._keys[key] = [0, 0.0, 0.0]
        return state

    def begin(self, *keys: str) -> float:
        """0 if an attempt may be checked now (and it is reserved), else the seconds to wait."""
        at = self.clock()
        with self._lock:
            states = [self._state(k, at) for k in keys]
            wait = max((s[2] - at for s in states), default=0.0)
            if wait > 0:
                return wait
            for s in states:  # reserved as if it failed, until its outcome is known
                s[2] = at + self.delay(int(s[0]) + 1)
            return 0.0

    def fail(self, *keys: str) -> None:
        at = self.clock()
        with self._lock:
            for k in keys:
                state = self._state(k, at)
                state[0] += 1
                state[1] = at
                state[2] = at + self.delay(int(state[0]))
            if len(self._keys) > self.MAX_KEYS:  # forget keys whose failures are all old
                for k in [k for k, s in self._keys.items() if at - s[1] > self.forget and at >= s[2]]:
                    del self._keys[k]

    def succeed(self, *keys: str) -> None:
        """A correct password: these keys start afresh."""
        with self._lock:
            for k in keys:
                self._keys.pop(k, None)

    def release(self, *keys: str) -> None:
        """An attempt reserved by `begin` that was not checked after all, or succeeded for another key:
        the keys keep their failures, and their wait is what those failures alone make it."""
        with self._lock:
            for k in keys:
                state = self._keys.get(k)
                if state is not None:
                    state[2] = state[1] + self.delay(int(state[0])) if state[0] else 0.0
