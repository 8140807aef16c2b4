"""The web app through Flask's test client: every role × page (allowed and forbidden), the writes each role
may make, CSRF, the sign-in throttle, a department kept to its own unit, uploads and escaping.

The workspace is the `scoring demo` city (built once per session, copied per module or test),
with one user per role, a second inspector and a second department, and the period 2026 added.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.demo import run_demo
from scoring.engine.cycle import publish
from scoring.store import Store
from scoring.web.app import create_app
from scoring.web.users import add_user
from scoring.store.workspace import add_periods

PASSWORDS = {"admin": "admin-pass-1", "insp": "insp-pass-1", "insp2": "insp2-pass-1", "dept": "dept-pass-1",
             "dept2": "dept2-pass-1", "lead": "lead-pass-1"}
USERS = (("admin", "admin", None), ("insp", "inspector", None), ("insp2", "inspector", None),
         ("dept", "department", "D005"), ("dept2", "department", "D001"), ("lead", "leader", None))
ROLE_USER = {"admin": "admin", "inspector": "insp", "department": "dept", "leader": "lead"}
TODAY = date.today().isoformat()
YEAR = str(date.today().year)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo city with the web users and the current year's period (built once; tests copy it)."""
    db = run_demo(tmp_path_factory.mktemp("web-demo")).db
    store = Store(db)
    try:
        for name, role, unit in USERS:
            add_user(store, name, role, PASSWORDS[name], unit)
        if YEAR not in store.period_codes():
            add_periods(store, [YEAR])
    finally:
        store.close()
    return db


def make_workspace(demo_db: Path, folder: Path) -> Path:
    db = folder / "web.db"
    shutil.copy(demo_db, db)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(db: Path, folder: Path, threads: int = 8):
    """`scoring serve` on 127.0.0.1 (a port of its own) over db; yields its URL and the path of its log."""
    port, log = free_port(), folder / "serve.log"
    env = {**os.environ, "SCORING_SECRET_KEY": "test-" + "k" * 40, "SCORING_USER": "pytest"}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "scoring", "serve", "--db", str(db), "--host", "127.0.0.1",
                                    "--port", str(port), "--threads", str(threads)],
                                   cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("scoring serve did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.2)
        yield url, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class Browser:
    """A test client that signs in and sends the session's CSRF token with every form."""

    def __init__(self, app, name: str | None = None):
        self.client = app.test_client()
        if name:
            response = self.login(name, PASSWORDS[name])
            assert response.status_code == 302, response.text

    @property
    def token(self) -> str:
        with self.client.session_transaction() as session:
            if "csrf" not in session:
                session["csrf"] = "t" * 43
            return session["csrf"]

    def login(self, name: str, password: str):
        self.client.get("/login")
        return self.client.post("/login", data={"name": name, "password": password, "csrf_token": self.token})

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, content_type="multipart/form-data", **kw)


@pytest.fixture(scope="module")
def shared_app(demo_db, tmp_path_factory):
    """One app for the read-only tests of this module."""
    return create_app(make_workspace(demo_db, tmp_path_factory.mktemp("web")), secret_key="k" * 40, testing=True)


@pytest.fixture
def app(demo_db, tmp_path):
    """A fresh app and workspace for a test that writes."""
    return create_app(make_workspace(demo_db, tmp_path), secret_key="k" * 40, testing=True)


def query(app, sql: str, params=()):
    store = Store(app.config["DB"])
    try:
        return store.query(sql, params)
    finally:
        store.close()


def item_of(app, unit: str, status: str = "open") -> str:
    return query(app, "select id from rectifications where unit = ? and status = ? order by id limit 1",
                 [unit, status])[0]["id"]


# ---------------------------------------------------------------- role × page


PAGES = {
    "/inspect/": {"inspector"},
    "/inspect/?q=D005": {"inspector"},
    "/inspect/unit/D005": {"inspector"},
    "/unit/D005/self-assessment": {"department"},
    "/unit/D005/scorecard?period=2025": {"department", "leader", "admin"},
    "/unit/D005/rectifications": {"department", "inspector", "leader", "admin"},
    "/ranking?period=2025": {"leader", "admin"},
    "/rectifications": {"leader", "admin"},
    "/admin/": {"admin"},
    "/admin/import": {"admin"},
    "/admin/run": {"admin"},
    "/admin/users": {"admin"},
    "/admin/periods": {"admin"},
    "/admin/units": {"admin"},
    "/admin/accounts": {"admin"},
    "/admin/audit": {"admin"},
    "/admin/progress?period=2025": {"admin"},
    "/inspect/units.json": {"inspector"},
}
ROLES = ("admin", "inspector", "department", "leader")


@pytest.fixture(scope="module")
def browsers(shared_app):
    return {role: Browser(shared_app, ROLE_USER[role]) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_every_role_reaches_its_pages_and_no_other(browsers, role, path):
    response = browsers[role].get(path)
    expected = 200 if role in PAGES[path] else 403
    assert response.status_code == expected, f"{role} {path}: {response.status_code}"
    if expected == 403:
        assert "无权访问" in response.text
        assert "市财政局" not in response.text  # D005's name: none of the page's data


@pytest.mark.parametrize("path", sorted(PAGES) + ["/my", "/evidence/" + "0" * 64])
def test_anonymous_visitors_are_sent_to_sign_in(shared_app, path):
    response = Browser(shared_app).get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role,home", [("admin", "/admin/"), ("inspector", "/inspect/"),
                                       ("department", "/my"), ("leader", "/ranking")])
def test_home_page_follows_the_role(browsers, role, home):
    assert browsers[role].get("/").headers["Location"] == home


@pytest.mark.parametrize("path", ["/unit/D001/self-assessment", "/unit/D001/scorecard?period=2025",
                                  "/unit/D001/rectifications"])
def test_a_department_editing_the_url_to_another_unit_gets_403(browsers, path):
    response = browsers["department"].get(path)
    assert response.status_code == 403
    assert "市教育局" not in response.text  # D001's name: none of its data


# ---------------------------------------------------------------- forbidden writes


def forbidden_posts(app):
    d005_item, d001_item = item_of(app, "D005"), item_of(app, "D001", "in_progress")
    return [
        ("/inspect/unit/D005", {"id": "W-20260101-0000abcd", "code": "CONTENT_STALE"}, {"inspector"}),
        ("/unit/D005/self-assessment", {"period": "2025", "claim_L1": "compliant"}, {"department"}),
        (f"/unit/D005/rectifications/{d005_item}", {"status": "rectified"}, {"department", "inspector", "admin"}),
        ("/admin/run", {"period": "2025"}, {"admin"}),
        ("/admin/users", {"name": "x1", "role": "leader", "password": "long-enough"}, {"admin"}),
        ("/admin/periods", {"codes": "2027"}, {"admin"}),
        ("/admin/import", {"kind": "units"}, {"admin"}),
        ("/admin/users/insp/x", {}, set()),
    ], d001_item


@pytest.mark.parametrize("role", ROLES)
def test_no_role_makes_another_roles_writes(app, role):
    posts, _ = forbidden_posts(app)
    browser = Browser(app, ROLE_USER[role])
    before = query(app, "select count(*) as n from audit")[0]["n"]
    for path, data, allowed in posts:
        if role in allowed:
            continue
        response = browser.post(path, data)
        assert response.status_code in (403, 404, 405), f"{role} POST {path}: {response.status_code}"
    writes = query(app, "select action from audit where id > ? and action not like 'web login%'", [before])
    assert writes == []


def test_a_department_cannot_update_another_units_item(app):
    _, d001_item = forbidden_posts(app)
    browser = Browser(app, "dept")
    assert browser.post(f"/unit/D001/rectifications/{d001_item}", {"status": "rectified"}).status_code == 403
    # The item of D001 through D005's own URL: not found there.
    assert browser.post(f"/unit/D005/rectifications/{d001_item}", {"status": "rectified"}).status_code == 404
    assert query(app, "select status from rectifications where id = ?", [d001_item])[0]["status"] == "in_progress"


def test_a_department_cannot_sign_off_its_own_item(app):
    item = item_of(app, "D005", "rectified") if query(
        app, "select 1 from rectifications where unit = 'D005' and status = 'rectified'") else None
    assert item, "the demo has rectified items for D005"
    assert Browser(app, "dept").post(f"/unit/D005/rectifications/{item}", {"status": "verified"}).status_code == 403


# ---------------------------------------------------------------- CSRF, sign-in, sessions, headers


def test_a_form_without_the_csrf_token_is_refused_and_writes_nothing(app):
    browser = Browser(app, "admin")
    response = browser.post("/admin/periods", {"codes": "2030"}, csrf=False)
    assert response.status_code == 400
    response = browser.post("/admin/periods", {"codes": "2030", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "2030" not in [r["code"] for r in query(app, "select code from periods")]
    assert browser.post("/admin/periods", {"codes": "2030"}).status_code == 302
    assert "2030" in [r["code"] for r in query(app, "select code from periods")]


def test_sign_in_needs_the_csrf_token_too(app):
    client = app.test_client()
    response = client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.status_code == 400


def test_failed_logins_slow_down_the_account_but_never_lock_it(demo_db, tmp_path):
    moment = [1000.0]  # the throttle's clock, moved here instead of sleeping
    app = create_app(make_workspace(demo_db, tmp_path), secret_key="k" * 40, testing=True, clock=lambda: moment[0])
    browser = Browser(app)
    for _ in range(5):
        assert browser.login("insp", "wrong password").status_code == 401
    blocked = browser.login("insp", PASSWORDS["insp"])
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "1" and "1 秒" in blocked.text
    # Another user is not slowed by someone guessing at insp.
    assert browser.login("lead", PASSWORDS["lead"]).status_code == 302
    moment[0] += 1
    assert Browser(app).login("insp", PASSWORDS["insp"]).status_code == 302
    failed = query(app, "select count(*) as n from audit where action = 'web login failed'")[0]["n"]
    assert failed == 5


def test_wrong_password_and_unknown_user_look_the_same(app):
    a = Browser(app).login("insp", "wrong password")
    b = Browser(app).login("nobody", "wrong password")
    assert a.status_code == b.status_code == 401
    assert a.text.count("用户名或密码不正确") == b.text.count("用户名或密码不正确") == 1


def test_session_cookie_is_signed_httponly_and_samesite(app):
    browser = Browser(app)
    browser.client.get("/login")
    response = browser.client.post("/login", data={"name": "lead", "password": PASSWORDS["lead"],
                                                   "csrf_token": browser.token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert value.count(".") >= 2  # itsdangerous: payload.timestamp.signature


def test_a_tampered_session_cookie_signs_nobody_in(app):
    browser = Browser(app)
    browser.client.set_cookie("scoring_session", "eyJ1c2VyIjoiYWRtaW4ifQ.forged.signature")
    assert browser.get("/admin/").status_code == 302


def test_disable_and_password_change_end_open_sessions(app):
    inspector, admin = Browser(app, "insp"), Browser(app, "admin")
    assert inspector.get("/inspect/").status_code == 200
    assert admin.post("/admin/users/insp", {"action": "disable"}).status_code == 302
    assert inspector.get("/inspect/").status_code == 302
    assert Browser(app).login("insp", PASSWORDS["insp"]).status_code == 401
    assert admin.post("/admin/users/insp", {"action": "enable"}).status_code == 302
    again = Browser(app, "insp")
    assert admin.post("/admin/users/insp", {"action": "passwd", "password": "new-pass-123"}).status_code == 302
    assert again.get("/inspect/").status_code == 302
    assert Browser(app).login("insp", "new-pass-123").status_code == 302


def test_logout(app):
    browser = Browser(app, "lead")
    assert browser.post("/logout").status_code == 302
    assert browser.get("/ranking").status_code == 302


def test_security_headers(browsers):
    response = browsers["leader"].get("/ranking?period=2025")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_sign_in_follows_only_local_next(app):
    browser = Browser(app)
    browser.client.get("/login")
    response = browser.client.post("/login", data={"name": "lead", "password": PASSWORDS["lead"],
                                                   "next": "//evil.example/", "csrf_token": browser.token})
    assert response.headers["Location"] == "/ranking"


def test_english_switch(browsers, shared_app):
    browser = Browser(shared_app)
    assert "登录" in browser.get("/login").text
    browser.get("/lang/en?next=/login")
    page = browser.get("/login").text
    assert "Sign in" in page and 'lang="en"' in page


# ---------------------------------------------------------------- inspector


def finding(entry_id: str, **values) -> dict:
    data = {"id": entry_id, "period": YEAR, "date": TODAY, "code": "CONTENT_STALE", "count": "1", "note": ""}
    data.update(values)
    return data


def test_inspector_enters_findings_validated_by_the_importer(app):
    browser = Browser(app, "insp")
    form = browser.get("/inspect/unit/D005").text
    entry_id = re.search(r'name="id" value="(W-[^"]+)"', form).group(1)
    assert f'value="{TODAY}"' in form  # the date defaults to today
    assert "<optgroup label=\"D5 公开时效\">" in form  # codes grouped by dimension
    response = browser.post("/inspect/unit/D005", finding(entry_id, count="2", corrected_on_spot="1", note="栏目未更新",
                                                          evidence_file=(io.BytesIO(JPEG), "现场.jpg")))
    assert response.status_code == 302
    row = query(app, "select * from findings where id = ?", [entry_id])[0]
    assert (row["unit"], row["inspector"], row["count"], row["corrected_on_spot"], row["indicator"]) == \
           ("D005", "insp", 2, 1, "T1")
    sha = re.search(r"sha256:([0-9a-f]{64})", row["evidence"]).group(1)
    assert (Path(str(app.config["EVIDENCE_DIR"])) / sha).read_bytes() == JPEG
    audit = query(app, "select * from audit where action = 'web finding add'")[0]
    assert audit["user"] == "web:insp" and audit["target"] == entry_id
    # The same form sent twice (a double tap) saves one finding.
    assert browser.post("/inspect/unit/D005", finding(entry_id, count="2")).status_code == 302
    assert query(app, "select count(*) as n from findings where id = ?", [entry_id])[0]["n"] == 1
    today = browser.get("/inspect/").text
    assert entry_id in today and "栏目未更新" in today
    assert browser.get(f"/evidence/{sha}").data == JPEG


@pytest.mark.parametrize("values,field,message", [
    ({"date": "2025-03-01"}, "date", "不在考核周期"),
    ({"code": "CONTENT_STAL"}, "code", "是否应为「CONTENT_STALE」？"),
    ({"code": "NOT_DISCLOSED"}, "indicator", "须填写所涉及的指标"),
    ({"count": "0"}, "count", "数量不能小于 1"),
    ({"period": "2031"}, "period", "尚未设立"),
])
def test_invalid_findings_are_refused_with_the_importers_message(app, values, field, message):
    browser = Browser(app, "insp")
    response = browser.post("/inspect/unit/D005", finding("W-20260101-00000001", **values))
    assert response.status_code == 400
    assert message in response.text
    assert not query(app, "select 1 from findings where id = 'W-20260101-00000001'")


def test_evidence_must_be_a_photo_or_pdf_and_not_too_large(app):
    browser = Browser(app, "insp")
    html = browser.post("/inspect/unit/D005", finding("W-20260101-00000002",
                                                      evidence_file=(io.BytesIO(b"<html>x</html>"), "a.jpg")))
    assert html.status_code == 400 and "PDF" in html.text
    big = browser.post("/inspect/unit/D005", finding("W-20260101-00000002",
                                                     evidence_file=(io.BytesIO(JPEG + b"0" * (10 << 20)), "b.jpg")))
    assert big.status_code == 400 and "10 MB" in big.text
    assert not query(app, "select 1 from findings where id = 'W-20260101-00000002'")


def test_inspector_corrects_own_entries_until_the_period_is_publicised(app):
    mine, other = Browser(app, "insp"), Browser(app, "insp2")
    assert mine.post("/inspect/unit/D005", finding("W-20260101-0000000a")).status_code == 302
    assert other.get("/inspect/finding/W-20260101-0000000a").status_code == 403
    assert other.post("/inspect/finding/W-20260101-0000000a", finding("W-20260101-0000000a")).status_code == 403
    assert mine.post("/inspect/finding/W-20260101-0000000a", finding("W-20260101-0000000a", count="3")).status_code == 302
    assert query(app, "select count from findings where id = 'W-20260101-0000000a'")[0]["count"] == 3
    # Another inspector cannot reuse the id to overwrite it through the entry form either.
    assert other.post("/inspect/unit/D001", finding("W-20260101-0000000a")).status_code == 409
    assert Browser(app, "admin").post("/admin/run", {"period": YEAR}).status_code == 302
    # Scored is a draft: still correctable. 公示 locks every input of the period, whoever enters it.
    assert mine.post("/inspect/finding/W-20260101-0000000a", finding("W-20260101-0000000a", count="3")).status_code == 302
    store = Store(app.config["DB"])
    try:
        publish(store, YEAR)
    finally:
        store.close()
    locked = mine.post("/inspect/finding/W-20260101-0000000a", finding("W-20260101-0000000a", count="5"))
    assert locked.status_code == 409
    assert mine.post("/inspect/finding/W-20260101-0000000a/delete").status_code == 409
    new = mine.post("/inspect/unit/D005", finding("W-20260101-0000000c"))
    assert new.status_code == 409 and "公示中" in new.text and "已锁定" in new.text
    own = Browser(app, "dept").post("/unit/D005/self-assessment", {"period": YEAR, "claim_L1": "compliant"})
    assert own.status_code == 409 and "已锁定" in own.text
    assert query(app, "select count from findings where id = 'W-20260101-0000000a'")[0]["count"] == 3


def test_a_department_appeals_during_review_and_sees_the_admins_answer(app):
    assert Browser(app, "insp").post("/inspect/unit/D005", finding("W-20260101-0000000d", count="2")).status_code == 302
    assert Browser(app, "admin").post("/admin/run", {"period": YEAR}).status_code == 302
    dept = Browser(app, "dept")
    before = dept.get(f"/unit/D005/scorecard?period={YEAR}").text
    assert "提交申诉" not in before and "草稿" in before  # a draft: no appeals before 公示
    store = Store(app.config["DB"])
    try:
        publish(store, YEAR)
    finally:
        store.close()
    page = dept.get(f"/unit/D005/scorecard?period={YEAR}").text
    assert "提交申诉" in page and "W-20260101-0000000d" in page
    filed = dept.post("/unit/D005/appeals", {"period": YEAR, "finding": "W-20260101-0000000d",
                                             "reason": "现场已更新，照片为证", "evidence_file": (io.BytesIO(PNG), "p.png")})
    assert filed.status_code == 302
    assert Browser(app, "dept2").post("/unit/D005/appeals", {"period": YEAR, "reason": "x"}).status_code == 403
    appeal = query(app, "select * from appeals where unit = 'D005'")[0]
    assert appeal["status"] == "pending" and "sha256:" in appeal["evidence"]
    admin = Browser(app, "admin")
    assert "现场已更新，照片为证" in admin.get("/admin/appeals").text
    assert admin.post("/admin/appeals", {"id": appeal["id"], "decision": "accept",
                                         "answer": "经复核属实"}).status_code == 302
    answered = dept.get(f"/unit/D005/scorecard?period={YEAR}").text
    assert "已采纳" in answered and "经复核属实" in answered
    assert query(app, "select reason from finding_withdrawals where finding = 'W-20260101-0000000d'")
    assert query(app, "select status from rectifications where finding = 'W-20260101-0000000d'")[0]["status"] == \
        "withdrawn"


def test_inspector_deletes_an_own_entry(app):
    browser = Browser(app, "insp")
    assert browser.post("/inspect/unit/D005", finding("W-20260101-0000000b")).status_code == 302
    assert browser.post("/inspect/finding/W-20260101-0000000b/delete").status_code == 302
    assert not query(app, "select 1 from findings where id = 'W-20260101-0000000b'")


def test_unit_search_by_code_or_name(browsers):
    page = browsers["inspector"].get("/inspect/?q=财政").text
    assert "D005" in page
    assert "D005" in browsers["inspector"].get("/inspect/?q=d005").text
    assert "没有匹配" in browsers["inspector"].get("/inspect/?q=%25%25").text  # LIKE wildcards are literal


def test_output_is_escaped(app):
    browser = Browser(app, "insp")
    browser.post("/inspect/unit/D005", finding("W-20260101-0000000c", note="<script>alert(1)</script>"))
    page = browser.get("/inspect/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- department


def test_department_completes_its_self_assessment(app):
    browser = Browser(app, "dept")
    page = browser.get(f"/unit/D005/self-assessment?period={YEAR}").text
    indicators = re.findall(r'name="claim_([A-Z]\d)" value="compliant"', page)
    assert len(indicators) == 28  # a city department: every indicator applies
    data = {"period": YEAR, **{f"claim_{i}": "compliant" for i in indicators}, "claim_C3": "partial",
            "note_C3": "部分事项缺监督电话", "evidence_C3": (io.BytesIO(PNG), "c3.png")}
    assert browser.post("/unit/D005/self-assessment", data).status_code == 302
    rows = query(app, "select * from self_assessments where unit = 'D005' and period = ?", [YEAR])
    assert len(rows) == 28
    c3 = next(r for r in rows if r["indicator"] == "C3")
    assert c3["claim"] == "partial" and "sha256:" in c3["evidence"]
    assert "28 / 28" in browser.get(f"/unit/D005/self-assessment?period={YEAR}").text
    bad = browser.post("/unit/D005/self-assessment", {"period": YEAR, "claim_L1": "perfect"})
    assert bad.status_code == 400 and "不是自评结论" in bad.text


def test_a_refused_move_is_said_in_english_after_the_language_switch(app):
    item = item_of(app, "D005")
    browser = Browser(app, "dept")
    assert browser.post(f"/unit/D005/rectifications/{item}", {"status": "rectified", "note": "已补齐"}).status_code == 302
    browser.get("/lang/en?next=/")
    again = browser.post(f"/unit/D005/rectifications/{item}", {"status": "in_progress"}, follow_redirects=True)
    assert f"{item} is rectified: it can move to reopened, verified, not in progress" in again.text
    assert "当前为" not in again.text


def test_department_marks_an_item_rectified_with_a_photo(app):
    item = item_of(app, "D005")
    browser = Browser(app, "dept")
    response = browser.post(f"/unit/D005/rectifications/{item}",
                            {"status": "rectified", "note": "已补齐", "evidence_file": (io.BytesIO(JPEG), "done.jpg")})
    assert response.status_code == 302
    assert query(app, "select status from rectifications where id = ?", [item])[0]["status"] == "rectified"
    last = query(app, "select * from rectification_history where item = ? order by id desc limit 1", [item])[0]
    assert last["note"] == "已补齐" and "done.jpg sha256:" in last["evidence"]
    audit = query(app, "select user from audit where action = 'rectify update' order by id desc limit 1")[0]
    assert audit["user"] == last["user"] == "web:dept"
    sha = re.search(r"sha256:([0-9a-f]{64})", last["evidence"]).group(1)
    assert browser.get(f"/evidence/{sha}").status_code == 200
    assert Browser(app, "dept2").get(f"/evidence/{sha}").status_code == 403  # another unit's photo
    # The lifecycle is the register's: an item cannot go back to in progress once rectified.
    again = browser.post(f"/unit/D005/rectifications/{item}", {"status": "in_progress"}, follow_redirects=True)
    assert f"{item} 当前为已整改：只能变更为重新整改、已销号，不能变更为整改中" in again.text


def test_department_scorecard_explains_every_deduction(browsers):
    page = browsers["department"].get("/unit/D005/scorecard?period=2025").text
    assert "68.04" in page
    assert "公开栏缺失或损坏" in page and "BOARD_MISSING" in page
    assert "F2025-0235" in page  # the finding behind the points
    assert "规则" in page  # each line with its rule's rationale


# ---------------------------------------------------------------- leader and admin


def test_leader_sees_the_ranking_change_after_a_run(app):
    leader, admin, inspector = Browser(app, "lead"), Browser(app, "admin"), Browser(app, "insp")
    before = leader.get("/ranking?period=2025&group=city_department").text
    assert "D016" in before
    for n in range(3):
        data = finding(f"W-20251201-0000010{n}", period="2025", date="2025-12-01", code="SECRET_LEAK")
        assert inspector.post("/inspect/unit/D016", data).status_code == 302
    assert admin.post("/admin/run", {"period": "2025"}).status_code == 302
    after = leader.get("/ranking?period=2025&group=city_department").text
    row = re.search(r'<tr class="vetoed" data-unit="D016">(.*?)</tr>', after, re.S)
    assert row, "D016 is vetoed after the run"
    assert "↓" in row.group(1)


def test_leader_overview_lists_overdue_items_first(browsers):
    page = browsers["leader"].get("/rectifications").text
    table = page[page.index("事项（超期在前）"):]
    rows = re.findall(r"<tr( class=\"overdue\")?><td>R-", table)
    flags = [bool(r) for r in rows]
    assert flags and flags == sorted(flags, reverse=True)


def test_admin_upload_shows_the_importers_row_messages(app):
    admin = Browser(app, "admin")
    bad = "unit,period,date,code\nD001,2025,2025-03-01,CONTENT_STALE\nD999,2025,2025-03-01,CONTENT_STALE\n"
    response = admin.post("/admin/import", {"kind": "findings", "file": (io.BytesIO(bad.encode()), "findings.csv")})
    assert response.status_code == 400
    assert "findings.csv 第 3 行、「unit」列：单位「D999」不在单位名单中" in response.text
    good = "unit,period,date,code\nD001,2025,2025-03-01,CONTENT_STALE\n"
    response = admin.post("/admin/import", {"kind": "findings", "file": (io.BytesIO(good.encode()), "findings.csv")})
    assert response.status_code == 200 and "new: 1" in response.text
    audit = query(app, "select * from audit where action = 'import findings'")[-1]
    assert audit["target"] == "findings.csv" and audit["user"] == "web:admin"
    wrong = admin.post("/admin/import", {"kind": "findings", "file": (io.BytesIO(b"MZ\x00\x00"), "x.exe")})
    assert wrong.status_code == 400
    fake = admin.post("/admin/import", {"kind": "findings", "file": (io.BytesIO(b"a,b\n1,2\n"), "x.xlsx")})
    assert fake.status_code == 400


def test_admin_manages_users_and_periods(app):
    admin = Browser(app, "admin")
    response = admin.post("/admin/users", {"name": "d9", "role": "department", "unit": "D009", "password": "dept9-pass"})
    assert response.status_code == 302
    assert Browser(app).login("d9", "dept9-pass").status_code == 302
    short = admin.post("/admin/users", {"name": "d10", "role": "leader", "password": "short"})
    assert short.status_code == 400 and "密码至少需要 8 个字符" in short.text
    assert admin.post("/admin/users/admin", {"action": "disable"}, follow_redirects=True).status_code == 200
    assert query(app, "select active from users where name = 'admin'")[0]["active"] == 1
    assert admin.post("/admin/periods", {"codes": "2027H1"}).status_code == 302
    assert admin.post("/admin/periods", {"current": "2027H1"}).status_code == 302
    assert "2027H1" in admin.get("/admin/").text
    assert admin.post("/admin/periods", {"codes": "2027X"}).status_code == 400


def test_scoring_serve_answers_on_loopback(demo_db, tmp_path):
    with running_server(make_workspace(demo_db, tmp_path), tmp_path) as (url, log):
        with urllib.request.urlopen(url + "/login", timeout=10) as response:
            page = response.read().decode()
            assert response.status == 200 and "登录" in page
            assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "的网页服务：http://127.0.0.1:" in log.read_text()


# ---------------------------------------------------------------- the `scoring user` commands


def test_user_commands(demo_db, tmp_path):
    db = tmp_path / "cli.db"
    shutil.copy(demo_db, db)
    runner = CliRunner()
    env = {"SCORING_DB": None, "SCORING_USER": "pytest"}

    def invoke(*args, input=None, code=0):
        result = runner.invoke(cli, [*args, "--db", str(db)], input=input, env=env)
        assert result.exit_code == code, result.output
        return result

    invoke("user", "add", "wang", "--role", "inspector", input="secret-123\n")
    invoke("user", "add", "jy", "--role", "department", "--unit", "D001", input="secret-123\n")
    assert "单位「Z9」不在单位名单中" in invoke("user", "add", "x", "--role", "department", "--unit", "Z9",
                                           input="secret-123\n", code=2).output
    assert "用户「wang」已存在" in invoke("user", "add", "wang", "--role", "leader", input="secret-123\n", code=2).output
    assert "密码至少需要 8 个字符" in invoke("user", "add", "y", "--role", "leader", input="short\n", code=2).output
    invoke("user", "passwd", "wang", input="another-456\n")
    invoke("user", "disable", "wang")
    listed = json.loads(invoke("user", "list", "--format", "json").stdout)
    assert {(u["name"], u["role"], u["unit"], u["active"]) for u in listed} >= \
           {("jy", "department", "D001", 1), ("wang", "inspector", None, 0)}
    store = Store(db)
    try:
        hashed = store.query("select password_hash from users where name = 'wang'")[0]["password_hash"]
        actions = [r["action"] for r in store.query("select action from audit where action like 'user %' and "
                                                     "target in ('wang', 'jy')")]
    finally:
        store.close()
    assert hashed.startswith("$argon2id$")
    assert actions == ["user add", "user add", "user passwd", "user disable"]


def test_leader_downloads_the_report(browsers):
    html = browsers["leader"].get("/report/2025.html")
    assert html.status_code == 200
    assert "attachment" in html.headers["Content-Disposition"] and b"<html" in html.data[:500].lower()
    xlsx = browsers["leader"].get("/report/2025.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK\x03\x04")
    assert browsers["department"].get("/report/2025.html").status_code == 403
    assert browsers["inspector"].get("/report/2025.xlsx").status_code == 403
    assert browsers["leader"].get("/report/2031.html").status_code == 404


def test_pages_show_times_in_the_office_s_time_zone_not_raw_utc(app):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    stored = query(app, "select created_at from runs where period = '2025' order by id desc limit 1")[0]["created_at"]
    shanghai = datetime.fromisoformat(stored).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    leader = Browser(app, ROLE_USER["leader"])
    page = leader.get("/ranking?period=2025").text
    assert shanghai in page and stored not in page
    store = Store(app.config["DB"])
    try:
        store.set_setting("timezone", "UTC")
    finally:
        store.close()
    assert datetime.fromisoformat(stored).strftime("%Y-%m-%d %H:%M") in leader.get("/ranking?period=2025").text
