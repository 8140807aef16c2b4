"""Load on loopback: many inspectors entering findings at once through `scoring serve` (waitress, threads).

Opt-in, like a benchmark (design/quality.md: speed is measured, never asserted by the normal
suite): it runs only with SCORING_WEB_LOAD=1.

    SCORING_WEB_LOAD=1 pytest tests/test_web_load.py -s                       # 50 inspectors, 60 s
    SCORING_WEB_LOAD=1 SCORING_WEB_LOAD_USERS=10 SCORING_WEB_LOAD_SECONDS=5 pytest tests/test_web_load.py -s

The inspectors arrive over the first 5 seconds (10 a second for 50, as a load tool's spawn rate);
each signs in with an account of its own, then repeatedly opens a unit's entry
form and saves a finding, pausing 0.5–1.5 s between actions (an inspector on site enters a
finding every minute or so: this is far denser). Every tenth form is sent twice, as a double
tap would. Checked: every saved finding is in the database exactly once, nothing else is, no
request failed, the server never logged "database is locked"; the p95 response time must stay
under 300 ms. The figures are printed and written to SCORING_WEB_LOAD_OUT (JSON), if given.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import threading
import time
from datetime import date
from urllib.parse import urlencode, urlparse

import pytest

from test_web import running_server
from scoring.demo import run_demo
from scoring.store import Store
from scoring.web.users import add_user
from scoring.store.workspace import add_periods

if not os.environ.get("SCORING_WEB_LOAD"):
    pytest.skip("load test: set SCORING_WEB_LOAD=1 to run it", allow_module_level=True)

USERS = int(os.environ.get("SCORING_WEB_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("SCORING_WEB_LOAD_SECONDS", "60"))
THINK = (0.5, 1.5)
RAMP_UP = 5.0  # seconds over which the inspectors arrive (10 a second for 50), as a load tool's spawn rate
P95_LIMIT_MS = 300
YEAR = str(date.today().year)
CODES = ("CONTENT_STALE", "BOARD_MISSING", "WEBSITE_BROKEN", "GUIDE_MISSING", "STAFF_ABSENT", "REPLY_LATE")


class Inspector(threading.Thread):
    """One person with a phone: a keep-alive connection, a session cookie, a loop of forms."""

    def __init__(self, number: int, url: str, units: list[str], deadline: float, delay: float = 0.0):
        super().__init__(daemon=True)
        self.name_ = f"load{number:03d}"
        self.address = urlparse(url)
        self.units = units
        self.deadline = deadline
        self.delay = delay
        self.rng = random.Random(number)
        self.cookie = ""
        self.times: list[float] = []
        self.kinds: dict[str, list[float]] = {}
        self.saved: list[str] = []
        self.failures: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        elapsed = (time.perf_counter() - started) * 1000
        self.times.append(elapsed)
        kind = "login" if path.startswith("/login") else ("save" if method == "POST" else "form")
        self.kinds.setdefault(kind, []).append(elapsed)
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if response.status >= 400:
            self.failures.append(f"{method} {path}: {response.status}")
        return response.status, text

    def run(self) -> None:
        time.sleep(self.delay)
        self.connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=60)
        try:
            _, page = self.request("GET", "/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            self.request("POST", "/login", {"name": self.name_, "password": "load-pass-1", "csrf_token": token})
            n = 0
            while time.monotonic() < self.deadline:
                unit = self.rng.choice(self.units)
                status, page = self.request("GET", f"/inspect/unit/{unit}")
                entry = re.search(r'name="id" value="(W-[^"]+)"', page).group(1)
                token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
                form = {"csrf_token": token, "id": entry, "period": YEAR, "date": date.today().isoformat(),
                        "code": self.rng.choice(CODES), "count": str(self.rng.randint(1, 3)),
                        "note": f"load test {self.name_} #{n}"}
                if self.rng.random() < 0.3:
                    form["corrected_on_spot"] = "1"
                time.sleep(self.rng.uniform(*THINK))
                if self.request("POST", f"/inspect/unit/{unit}", form)[0] == 302:
                    self.saved.append(entry)
                if n % 10 == 9:
                    self.request("POST", f"/inspect/unit/{unit}", form)  # a double tap: must not save twice
                n += 1
                time.sleep(self.rng.uniform(*THINK))
        except Exception as exc:  # a broken connection or page is a failure to report, not a crash
            self.failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_many_inspectors_at_once(tmp_path):
    db = run_demo(tmp_path / "demo").db
    store = Store(db)
    try:
        for i in range(USERS):
            add_user(store, f"load{i:03d}", "inspector", "load-pass-1")
        add_periods(store, [YEAR])
        units = [u["code"] for u in store.units()]
        before = store.query("select count(*) as n from findings")[0]["n"]
    finally:
        store.close()
    with running_server(db, tmp_path) as (url, log):
        deadline = time.monotonic() + SECONDS
        inspectors = [Inspector(i, url, units, deadline, RAMP_UP * i / USERS) for i in range(USERS)]
        for person in inspectors:
            person.start()
        for person in inspectors:
            person.join(SECONDS + 120)
    saved = [entry for person in inspectors for entry in person.saved]
    times = [t for person in inspectors for t in person.times]
    failures = [f for person in inspectors for f in person.failures]
    store = Store(db)
    try:
        stored = {r["id"] for r in store.query("select id from findings where id like 'W-%'")}
        after = store.query("select count(*) as n from findings")[0]["n"]
    finally:
        store.close()
    figures = {"inspectors": USERS, "seconds": SECONDS, "requests": len(times), "findings_saved": len(saved),
               "requests_per_second": round(len(times) / SECONDS, 1), "p50_ms": round(percentile(times, .5), 1),
               "p95_ms": round(percentile(times, .95), 1), "p99_ms": round(percentile(times, .99), 1),
               "max_ms": round(max(times), 1), "failures": len(failures),
               "p95_ms_by_request": {kind: round(percentile([t for p in inspectors for t in p.kinds.get(kind, [])], .95), 1)
                                     for kind in ("login", "form", "save")},
               "database_locked": "database is locked" in log.read_text(errors="replace")}
    print("\nweb load:", json.dumps(figures))
    if os.environ.get("SCORING_WEB_LOAD_OUT"):
        with open(os.environ["SCORING_WEB_LOAD_OUT"], "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    assert failures == []
    assert len(saved) == len(set(saved)), "a finding was reported saved twice"
    assert set(saved) == stored, "lost or unexpected findings"
    assert after - before == len(saved), "duplicated findings"
    assert not figures["database_locked"]
    assert figures["p95_ms"] < P95_LIMIT_MS
