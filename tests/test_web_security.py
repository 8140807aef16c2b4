"""Attacks on the web app's sessions and sign-in, written as the attack (issue 13, items 1–4):
a cookie forged with a key read from a copy of the database, a cookie replayed after logout,
guessing that must slow down without locking out the rightful user, and open redirects.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from scoring.store import Store
from scoring.store.private import key_path
from scoring.web.app import create_app
from test_web import PASSWORDS, Browser, demo_db, free_port, item_of, make_workspace, query  # noqa: F401 (demo_db: a fixture)

OLD_KEY = "legacy-key-" + "x" * 40
PRIVATE = os.name != "nt"


def forge(key: str, payload: dict) -> str:
    """A session cookie signed with `key`, the way Flask signs its own."""
    signer = Flask("attacker")
    signer.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(payload)


def keys_in(db) -> list[str]:
    """Every setting of a database copy that could be a signing key."""
    conn = sqlite3.connect(db)
    try:
        return [v for (v,) in conn.execute("select value from settings") if v and len(v) >= 32]
    finally:
        conn.close()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


class Clock:
    """The throttle's clock, moved by the test instead of sleeping."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(demo_db, tmp_path, clock):
    return create_app(make_workspace(demo_db, tmp_path), secret_key="k" * 40, testing=True, clock=clock)


# ---------------------------------------------------------------- 1. the key in a copy of the database


@pytest.fixture
def served(demo_db, tmp_path):
    """A fresh `scoring serve` (no $SCORING_SECRET_KEY) over a workspace an older version kept its key in."""
    db = make_workspace(demo_db, tmp_path)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("insert into settings (key, value) values ('web_secret_key', ?)", [OLD_KEY])
    conn.close()
    port, log = free_port(), tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("SCORING_SECRET_KEY", "SCORING_DB")}
    env["SCORING_USER"] = "pytest"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "scoring", "serve", "--db", str(db), "--port", str(port)],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, process, log)
        yield db, url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url, process, log) -> None:
    import time

    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.1)  # polling for the server to listen, not timing the test


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def get_as(url: str, cookie: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": f"scoring_session={cookie}"})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_cookie_forged_with_a_key_from_a_copy_of_the_database_is_refused(served, tmp_path):
    db, url, log = served
    admin = query_db(db, "select generation from users where name = 'admin'")[0]["generation"]
    stolen = tmp_path / "stolen.db"
    store = Store(db)
    try:
        store.backup(stolen)
    finally:
        store.close()
    copied = tmp_path / "copied.db"
    shutil.copy(db, copied)
    candidates = keys_in(stolen) + keys_in(copied) + [OLD_KEY]
    for key in candidates:
        assert get_as(url + "/admin/users", forge(key, {"user": "admin", "gen": admin, "lang": "zh"})) == 302
    # The key is in DB.key, owner-only, and in neither copy of the database.
    key = key_path(db).read_text().strip()
    assert key not in candidates and len(key) >= 32
    assert key.encode() not in stolen.read_bytes() and OLD_KEY.encode() not in stolen.read_bytes()
    assert "所有人需重新登录" in log.read_text()
    # ... and a cookie signed with the real key is accepted, so the refusals above were the key's doing.
    assert get_as(url + "/admin/users", forge(key, {"user": "admin", "gen": admin, "lang": "zh"})) == 200
    if PRIVATE:
        assert mode(key_path(db)) == 0o600 and mode(stolen) == 0o600


def query_db(db, sql: str):
    store = Store(db)
    try:
        return store.query(sql)
    finally:
        store.close()


@pytest.mark.skipif(not PRIVATE, reason="file modes are POSIX")
def test_a_new_workspace_and_its_backups_are_readable_by_the_owner_only(workspace, tmp_path):
    for suffix in ("", "-wal", "-shm"):
        path = f"{workspace.db}{suffix}"
        if os.path.exists(path):
            assert mode(path) == 0o600, path
    workspace.invoke("backup", tmp_path / "backup.db")
    assert mode(tmp_path / "backup.db") == 0o600
    assert "其他用户可以读取" not in workspace.invoke("doctor").stderr
    os.chmod(workspace.db, 0o644)
    result = workspace.invoke("doctor")
    assert f"chmod 600 {workspace.db}" in result.stderr


# ---------------------------------------------------------------- 2. a cookie replayed after logout


def test_a_cookie_saved_before_logout_is_refused_after_it(app):
    department = Browser(app, "dept")
    item = item_of(app, "D005")
    assert department.get("/unit/D005/scorecard?period=2025").status_code == 200
    saved, token = department.client.get_cookie("scoring_session").value, department.token
    before = Browser(app)  # the saved cookie works from anywhere while the session lasts: the attack is real
    before.client.set_cookie("scoring_session", saved)
    assert before.get("/unit/D005/scorecard?period=2025").status_code == 200
    assert department.post("/logout").status_code == 302

    replay = Browser(app)
    replay.client.set_cookie("scoring_session", saved)
    assert replay.get("/unit/D005/scorecard?period=2025").status_code == 302
    replay.client.set_cookie("scoring_session", saved)
    response = replay.client.post(f"/unit/D005/rectifications/{item}", data={"status": "in_progress",
                                                                          "csrf_token": token})
    assert response.status_code in (302, 400)
    assert query(app, "select status from rectifications where id = ?", [item])[0]["status"] == "open"
    # Signing in again works, with a new cookie.
    assert Browser(app, "dept").get("/unit/D005/scorecard?period=2025").status_code == 200


# ---------------------------------------------------------------- 3. guessing slows down, nobody is locked out


def login_from(app, address: str, name: str, password: str, forwarded: str | None = None):
    browser = Browser(app)
    browser.client.environ_base["REMOTE_ADDR"] = address
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    browser.client.get("/login")
    return browser.client.post("/login", data={"name": name, "password": password, "csrf_token": browser.token},
                               headers=headers)


def test_after_21_failures_from_one_address_the_correct_password_succeeds_once_the_wait_has_passed(app, clock):
    codes = [login_from(app, "198.51.100.7", f"guess{n}", "wrong password").status_code for n in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    refused = login_from(app, "198.51.100.7", "lead", PASSWORDS["lead"])
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 30 and f"{wait} 秒" in refused.text
    clock.now += wait
    assert login_from(app, "198.51.100.7", "lead", PASSWORDS["lead"]).status_code == 302
    assert login_from(app, "198.51.100.7", "insp", PASSWORDS["insp"]).status_code == 302  # a colleague, right after
    # ... but the guesser's next wrong guess from that address waits again, longer.
    assert login_from(app, "198.51.100.7", "guess-again", "wrong password").status_code == 401
    assert int(login_from(app, "198.51.100.7", "guess-more", "wrong password").headers["Retry-After"]) > wait
    # Someone at another address was never slowed.
    assert login_from(app, "198.51.100.8", "insp", PASSWORDS["insp"]).status_code == 302


def test_guessing_at_one_account_delays_it_but_never_locks_it(app, clock):
    for n in range(40):  # an attacker hammering, from addresses of its own
        login_from(app, f"203.0.113.{n}", "insp", "wrong password")
    refused = login_from(app, "198.51.100.20", "insp", PASSWORDS["insp"])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    clock.now += int(refused.headers["Retry-After"])
    assert login_from(app, "198.51.100.20", "insp", PASSWORDS["insp"]).status_code == 302
    failed = query(app, "select count(*) as n from audit where action = 'web login failed'")[0]["n"]
    assert failed < 40  # attempts during a wait are not even checked


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(demo_db, tmp_path, clock):
    app = create_app(make_workspace(demo_db, tmp_path), secret_key="k" * 40, testing=True, clock=clock,
                     trusted_proxies=1)
    for n in range(25):  # anonymous guesses through the office's proxy
        login_from(app, "127.0.0.1", f"guess{n}", "wrong password", forwarded="203.0.113.66")
    assert login_from(app, "127.0.0.1", "lead", PASSWORDS["lead"], forwarded="203.0.113.66").status_code == 429
    assert login_from(app, "127.0.0.1", "lead", PASSWORDS["lead"], forwarded="10.0.0.5").status_code == 302
    assert query(app, "select detail from audit where action = 'web login' order by id desc limit 1")[0][
        "detail"] == '{"address": "10.0.0.5"}'


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_throttle(app):
    codes = [login_from(app, "198.51.100.9", f"guess{n}", "wrong password", forwarded=f"10.0.0.{n}").status_code
             for n in range(22)]
    assert codes[-1] == 429


# ---------------------------------------------------------------- 4. open redirects

ESCAPES = ["/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "/%20/evil.example/",
           "//evil.example/", "/\\evil.example/", "/%5cevil.example/", "https://evil.example/",
           "http:/evil.example", "/%E3%80%80/evil.example", "%2F%2Fevil.example"]


@pytest.mark.parametrize("target", ESCAPES)
def test_the_language_switch_never_redirects_off_the_site(app, target):
    response = app.test_client().get(f"/lang/en?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "//evil.example/", "/\\evil.example",
                                    "https://evil.example/", "/\u3000/evil.example"])
def test_sign_in_never_redirects_off_the_site(app, target):
    browser = Browser(app)
    browser.client.get("/login")
    response = browser.client.post("/login", data={"name": "lead", "password": PASSWORDS["lead"], "next": target,
                                                   "csrf_token": browser.token})
    assert response.headers["Location"] == "/ranking"


def test_a_local_next_is_still_followed(app):
    assert app.test_client().get("/lang/en?next=/ranking%3Fperiod%3D2025").headers["Location"] == "/ranking?period=2025"
