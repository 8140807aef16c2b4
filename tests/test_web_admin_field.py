"""The admin's day-to-day work without the CLI (issue 19): units, department accounts in bulk with a
forced password change, the audit trail with filters, and each unit's progress for a period."""

from __future__ import annotations

import io
import re

from test_web import YEAR, Browser, app, demo_db, query  # noqa: F401 (fixtures)


def test_admin_adds_edits_and_retires_a_unit_with_aliases(app):
    admin = Browser(app, "admin")
    response = admin.post("/admin/units", {"code": "D900", "name": "市数据资源局", "type": "city_department",
                                           "group": "", "parent": "", "aliases": "数据局，大数据局"})
    assert response.status_code == 302
    assert query(app, "select * from units where code = 'D900'") == [
        {"code": "D900", "name": "市数据资源局", "type": "city_department", "ranking_group": "city_department",
         "parent": None}]
    inspector = Browser(app, "insp")
    assert 'href="/inspect/unit/D900"' in inspector.get("/inspect/?q=大数据局").text  # found by its alias
    edited = admin.post("/admin/units", {"editing": "1", "code": "D900", "name": "市政务数据局", "type": "city_department",
                                         "aliases": "数据局"})
    assert edited.status_code == 302
    assert query(app, "select name from units where code = 'D900'")[0]["name"] == "市政务数据局"
    refused = admin.post("/admin/units", {"code": "D901", "name": "市某局", "type": "city_departmnt"})
    assert refused.status_code == 400 and "是否应为「city_department」" in refused.text
    assert not query(app, "select 1 from units where code = 'D901'")
    duplicate = admin.post("/admin/units", {"code": "D900", "name": "又一个", "type": "city_department"})
    assert duplicate.status_code == 400 and query(app, "select name from units where code = 'D900'")[0]["name"] == "市政务数据局"
    assert admin.post("/admin/units/D900/retire", {"action": "retire"}).status_code == 302
    assert 'href="/inspect/unit/D900"' not in inspector.get("/inspect/?q=D900").text
    assert 'data-unit="D900"' not in admin.get(f"/admin/progress?period={YEAR}").text
    actions = [r["action"] for r in query(app, "select action from audit where target = 'D900' order by id")]
    assert actions == ["web unit add", "web unit edit", "web unit retire"]
    for role in ("insp", "dept", "lead"):
        assert Browser(app, role).post("/admin/units/D005/retire", {"action": "retire"}).status_code == 403


def test_department_accounts_in_bulk_shown_once_and_changed_at_first_sign_in(app):
    admin = Browser(app, "admin")
    sheet = "单位编码,账号\nD010,\nD011,jiaoyu-ju\n".encode("utf-8-sig")
    page = admin.post("/admin/accounts", {"file": (io.BytesIO(sheet), "账号.csv")})
    assert page.status_code == 200
    made = dict(re.findall(r"<strong>([^<]+)</strong> · (?:[^<]*)</div><div>初始密码 <span class=\"secret\">([^<]+)</span>",
                           page.text))
    assert set(made) == {"d010", "jiaoyu-ju"}
    assert query(app, "select name, role, unit from users where name in ('d010', 'jiaoyu-ju') order by name") == [
        {"name": "d010", "role": "department", "unit": "D010"}, {"name": "jiaoyu-ju", "role": "department", "unit": "D011"}]
    assert made["d010"] not in admin.get("/admin/accounts").text  # shown once
    department = Browser(app)
    assert department.login("d010", made["d010"]).status_code == 302
    assert department.get("/my").headers["Location"].endswith("/account/password")  # every page sends it there
    assert department.get("/unit/D010/scorecard").headers["Location"].endswith("/account/password")
    weak = department.post("/account/password", {"current": made["d010"], "new": "short", "again": "short"})
    assert weak.status_code == 400
    done = department.post("/account/password", {"current": made["d010"], "new": "my-own-pass-1", "again": "my-own-pass-1"})
    assert done.status_code == 302
    assert department.get("/my").status_code == 302 and "/self-assessment" in department.get("/my").headers["Location"]
    assert Browser(app).login("d010", "my-own-pass-1").status_code == 302


def test_a_bulk_file_with_any_bad_row_makes_no_account(app):
    admin = Browser(app, "admin")
    sheet = "单位编码,账号\nD010,\nD999,\nD012,dept\n".encode("utf-8")
    page = admin.post("/admin/accounts", {"file": (io.BytesIO(sheet), "accounts.csv")})
    assert page.status_code == 400
    assert "accounts.csv 第 3 行、「单位编码」列：未知单位 D999" in page.text
    assert "accounts.csv 第 4 行、「账号」列：账号 dept 已存在" in page.text
    assert not query(app, "select 1 from users where name = 'd010'")


def test_the_audit_trail_filters_by_who_and_what(app):
    admin = Browser(app, "admin")
    Browser(app, "insp").post("/inspect/unit/D005", {"id": "W-20260101-0000cc01", "period": YEAR,
                                                     "date": f"{YEAR}-01-02", "code": "CONTENT_STALE"})
    page = admin.get("/admin/audit?user=web:insp&action=web+finding+add").text
    entries = re.findall(r"<li><span class=\"code\">#\d+</span>(.*?)</li>", page, re.S)
    assert len(entries) == 1 and "W-20260101-0000cc01" in entries[0]
    assert "W-20260101-0000cc01" in admin.get("/admin/audit?target=0000cc01").text
    assert "没有符合条件的记录" in admin.get("/admin/audit?since=2999-01-01").text


def test_progress_shows_what_each_unit_has_handed_in(app):
    admin = Browser(app, "admin")
    page = admin.get("/admin/progress?period=2025").text
    row = re.search(r'<tr data-unit="D005">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    findings = query(app, "select count(*) as n from findings where unit = 'D005' and period = '2025'")[0]["n"]
    claims = query(app, "select count(*) as n from self_assessments where unit = 'D005' and period = '2025'")[0]["n"]
    assert cells[0] == str(findings) and cells[1] == f"{claims}/28"
    missing = admin.get("/admin/progress?period=2025&missing=self").text
    assert all(int(a) < int(b) for a, b in re.findall(r'<td class="num short">(\d+)/(\d+)</td>', missing)[:5])
