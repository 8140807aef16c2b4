"""Who did it: every write through the web app is recorded as the signed-in person ("web:NAME"), in the
audit table, in the runs table and in the rectification history; the CLI records the OS user or $SCORING_USER.

The workspace is the example one of the README (7 units, scored for 2025), with a web user per role.
The server process's own account is set to "os-account", so a row that names it came from the wrong place.
"""

from __future__ import annotations

import getpass
import io

import pytest

from scoring.cli import cli
from scoring.store import Store
from scoring.web.app import create_app
from scoring.web.users import add_user
from scoring.store.workspace import add_periods
from test_web import JPEG, PASSWORDS, PNG, TODAY, YEAR, Browser, finding

SERVER_ACCOUNT = "os-account"


@pytest.fixture
def app(workspace, monkeypatch):
    monkeypatch.setenv("SCORING_USER", SERVER_ACCOUNT)
    store = Store(workspace.db)
    try:
        for name, role, unit in (("admin", "admin", None), ("insp", "inspector", None),
                                 ("dept", "department", "D001"), ("lead", "leader", None)):
            add_user(store, name, role, PASSWORDS[name], unit)
        add_periods(store, [YEAR])  # what inspectors enter now (a scored period's entries are locked)
    finally:
        store.close()
    return create_app(workspace.db, secret_key="k" * 40, testing=True)


def rows(app, sql: str, params=()) -> list[dict]:
    store = Store(app.config["DB"])
    try:
        return store.query(sql, params)
    finally:
        store.close()


def last_id(app, table: str) -> int:
    return rows(app, f"select coalesce(max(id), 0) as n from {table}")[0]["n"]


def audited_since(app, mark: int) -> list[tuple[str, str]]:
    """(action, user) of every audit entry after `mark`, in order."""
    return [(r["action"], r["user"]) for r in rows(app, "select action, user from audit where id > ? order by id",
                                                   [mark])]


def history_since(app, mark: int) -> list[tuple[str, str, str]]:
    return [(r["item"], r["status"], r["user"])
            for r in rows(app, "select item, status, user from rectification_history where id > ? order by id", [mark])]


def open_item(app, unit: str) -> str:
    return rows(app, "select id from rectifications where unit = ? and status = 'open' order by id limit 1",
                [unit])[0]["id"]


def test_an_inspectors_findings_and_photos_are_audited_as_the_inspector(app):
    inspector = Browser(app, "insp")
    mark = last_id(app, "audit")
    photo = {"evidence_file": (io.BytesIO(JPEG), "现场.jpg")}
    assert inspector.post("/inspect/unit/D002", finding("W-20260101-0000a001",
                                                        **photo)).status_code == 302
    assert inspector.post("/inspect/unit/D003", finding("W-20260101-0000a002")).status_code == 302
    assert inspector.post("/inspect/finding/W-20260101-0000a001",
                          finding("W-20260101-0000a001", count="2")).status_code == 302
    assert inspector.post("/inspect/finding/W-20260101-0000a002/delete").status_code == 302
    assert audited_since(app, mark) == [("web evidence", "web:insp"), ("web finding add", "web:insp"),
                                        ("web finding add", "web:insp"), ("web finding edit", "web:insp"),
                                        ("web finding delete", "web:insp")]


def test_a_departments_self_assessment_and_status_change_name_the_department(app):
    department = Browser(app, "dept")
    audit_mark, history_mark = last_id(app, "audit"), last_id(app, "rectification_history")
    form = {"period": "2025", "claim_L1": "compliant", "claim_C3": "partial", "evidence_C3": (io.BytesIO(PNG), "c3.png")}
    assert department.post("/unit/D001/self-assessment", form).status_code == 302
    item = open_item(app, "D001")
    assert department.post(f"/unit/D001/rectifications/{item}",
                           {"status": "rectified", "note": "已补齐"}).status_code == 302
    assert audited_since(app, audit_mark) == [("web evidence", "web:dept"), ("web self-assessment", "web:dept"),
                                              ("rectify update", "web:dept")]
    assert history_since(app, history_mark) == [(item, "rectified", "web:dept")]


def test_each_person_in_an_items_history_is_the_one_who_moved_it(app):
    item = open_item(app, "D001")
    history_mark = last_id(app, "rectification_history")
    assert Browser(app, "dept").post(f"/unit/D001/rectifications/{item}", {"status": "rectified"}).status_code == 302
    assert Browser(app, "insp").post(f"/unit/D001/rectifications/{item}", {"status": "verified"}).status_code == 302
    assert history_since(app, history_mark) == [(item, "rectified", "web:dept"), (item, "verified", "web:insp")]


def test_an_admins_uploads_and_run_are_recorded_as_the_admin(app):
    admin = Browser(app, "admin")
    Browser(app, "insp").post("/inspect/unit/D003", finding("W-20260101-0000b001"))
    audit_mark, history_mark = last_id(app, "audit"), last_id(app, "rectification_history")
    findings = f"id,unit,period,date,code\nF-WEB-1,D004,{YEAR},{TODAY},CONTENT_STALE\n"
    assert admin.post("/admin/import", {"kind": "findings",
                                        "file": (io.BytesIO(findings.encode()), "findings.csv")}).status_code == 200
    item = open_item(app, "D002")
    updates = f"id,status,note\n{item},in_progress,已安排\n"
    assert admin.post("/admin/import", {"kind": "rectifications",
                                        "file": (io.BytesIO(updates.encode()), "整改.csv")}).status_code == 200
    assert admin.post("/admin/run", {"period": YEAR}).status_code == 302
    run = rows(app, "select * from runs order by id desc limit 1")[0]
    assert run["user"] == "web:admin"
    assert audited_since(app, audit_mark) == [("import findings", "web:admin"), ("rectify update", "web:admin"),
                                              ("run", "web:admin")]
    # Items are born with their finding: "opened by" is whoever recorded it (the admin's import, the
    # inspector's entry); the run opens none.
    assert history_since(app, history_mark) == [("R-F-WEB-1", "open", "web:admin"), (item, "in_progress", "web:admin")]
    opened = rows(app, "select user from rectification_history where item = ? and status = 'open'",
                  ["R-W-20260101-0000b001"])
    assert [r["user"] for r in opened] == ["web:insp"]


def test_user_and_period_administration_is_recorded_as_the_admin(app):
    admin = Browser(app, "admin")
    mark = last_id(app, "audit")
    assert admin.post("/admin/users", {"name": "d2", "role": "department", "unit": "D002",
                                       "password": "dept2-pass-1"}).status_code == 302
    assert admin.post("/admin/users/d2", {"action": "passwd", "password": "dept2-pass-2"}).status_code == 302
    assert admin.post("/admin/users/d2", {"action": "disable"}).status_code == 302
    assert admin.post("/admin/users/d2", {"action": "enable"}).status_code == 302
    assert admin.post("/admin/periods", {"codes": "2030"}).status_code == 302
    assert admin.post("/admin/periods", {"current": "2030"}).status_code == 302
    assert audited_since(app, mark) == [("user add", "web:admin"), ("user passwd", "web:admin"),
                                        ("user disable", "web:admin"), ("user enable", "web:admin"),
                                        ("period add", "web:admin"), ("web period current", "web:admin")]


def test_signing_in_and_out_is_the_persons_own_and_a_failed_sign_in_is_nobodys(app):
    mark = last_id(app, "audit")
    assert Browser(app).login("lead", "wrong password").status_code == 401
    leader = Browser(app, "lead")
    assert leader.post("/logout").status_code == 302
    assert audited_since(app, mark) == [("web login failed", "web"), ("web login", "web:lead"),
                                        ("web logout", "web:lead")]


@pytest.mark.parametrize("account", ["pytest", None])
def test_the_cli_still_records_the_os_user_or_scoring_user(workspace, account):
    """The same writes from the command line name $SCORING_USER, or the OS account when it is unset."""
    expected = account or getpass.getuser()
    env = {"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": account}
    store = workspace.store()
    try:
        item = store.query("select id from rectifications where status = 'open' order by id limit 1")[0]["id"]
        mark, history_mark = store.query("select max(id) as n from audit")[0]["n"], \
            store.query("select max(id) as n from rectification_history")[0]["n"]
    finally:
        store.close()
    for argv in (["import", "findings", str(workspace.db.parent / "f.csv")],
                 ["rectify", "update", item, "--status", "in_progress", "--owner", "李四"],
                 ["run", "--period", "2025"]):
        if argv[0] == "import":
            (workspace.db.parent / "f.csv").write_text("id,unit,period,date,code\nF-CLI-1,D004,2025,2025-03-01,"
                                                       "CONTENT_STALE\n", encoding="utf-8")
        result = workspace.runner.invoke(cli, [*argv, "--db", str(workspace.db)], env=env)
        assert result.exit_code == 0, result.output
    store = workspace.store()
    try:
        users = {r["user"] for r in store.query("select user from audit where id > ?", [mark])}
        history = {r["user"] for r in store.query("select user from rectification_history where id > ?", [history_mark])}
        run_user = store.query("select user from runs order by id desc limit 1")[0]["user"]
    finally:
        store.close()
    assert users == history == {expected}
    assert run_user == expected
