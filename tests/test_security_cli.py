"""Attacks on the command line's records, written as the attack (issue 13, items 5, 7 and 8):
a finding booked against the wrong unit by a file with two headers for one field, a CLI write
claiming a web user's name, and a sign-in name with a line break forging a line of `scoring audit`.
"""

from __future__ import annotations

import getpass

from scoring.cli import cli
from scoring.web.app import create_app
from test_web import Browser


def count(workspace, sql: str, params=()) -> int:
    store = workspace.store()
    try:
        return store.query(sql, params)[0]["n"]
    finally:
        store.close()


def test_a_csv_with_both_the_chinese_and_the_english_unit_header_is_refused(workspace, tmp_path):
    path = tmp_path / "findings.csv"
    path.write_text("编号,单位编码,unit,考核周期,检查日期,问题代码\nF-DUAL-1,D001,D002,2025,2025-03-01,CONTENT_STALE\n",
                    encoding="utf-8")
    result = workspace.invoke("import", "findings", path, code=2)
    assert "单位编码" in result.stderr and "是同一列（单位编码）" in result.stderr
    assert count(workspace, "select count(*) as n from findings where id = 'F-DUAL-1'") == 0


def test_scoring_user_cannot_claim_a_web_user(workspace):
    item = workspace.store().query("select id from rectifications where status = 'open' order by id limit 1")[0]["id"]
    audit_before = count(workspace, "select count(*) as n from audit")
    history_before = count(workspace, "select count(*) as n from rectification_history")
    for claimed in ("web:admin1", "WEB:admin1", "web"):
        result = workspace.runner.invoke(cli, ["rectify", "update", item, "--status", "in_progress", "--db",
                                               str(workspace.db)], env={"SCORING_DB": None, "SCORING_USER": claimed})
        assert result.exit_code == 2, result.output
        assert "SCORING_USER" in result.stderr
    assert count(workspace, "select count(*) as n from audit") == audit_before
    assert count(workspace, "select count(*) as n from rectification_history") == history_before
    assert count(workspace, "select count(*) as n from audit where user like 'web%'") == 0


def test_the_audit_names_the_os_account_beside_scoring_user(workspace):
    """$SCORING_USER names the person; the OS account that ran the command is recorded beside it."""
    entries = workspace.json("audit")
    assert entries and {e["user"] for e in entries} == {"pytest"}
    assert {e["os_user"] for e in entries} == {getpass.getuser()}
    table = workspace.invoke("audit").stdout
    assert "系统用户" in table.splitlines()[0]  # the column os_user, named in Chinese


def test_a_sign_in_name_with_a_line_break_cannot_forge_an_audit_line(workspace):
    forged = "x\n99  2026-01-01T00:00:00+00:00  web:admin  user disable  lead"
    app = create_app(workspace.db, secret_key="k" * 40, testing=True)
    assert Browser(app).login(forged, "wrong password").status_code == 401
    table = workspace.invoke("audit").stdout
    lines = table.splitlines()
    failed = [line for line in lines if "web login failed" in line]
    assert len(failed) == 1 and "x\\n99" in failed[0]
    assert not any(line.startswith("99 ") for line in lines)
    assert len(lines) == 2 + count(workspace, "select count(*) as n from audit")  # header, rule, one line each


def test_user_names_refuse_control_characters(workspace):
    for name in ("lead\n", "le\x1bad", "le\u2028ad"):
        result = workspace.invoke("user", "add", name, "--role", "leader", input="password-123\n", code=2)
        assert "不是有效的用户名" in result.stderr
    assert count(workspace, "select count(*) as n from users") == 0


def test_serve_help_says_how_to_run_behind_a_proxy_and_where_the_key_is(runner):
    text = runner.invoke(cli, ["serve", "--help"]).output
    assert "--trusted-proxies" in text and "--secure-cookies" in text and "DB.key" in text
