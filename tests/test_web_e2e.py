"""End to end in a real browser: `scoring serve` on 127.0.0.1 and headless Chromium driven by Playwright.

An inspector on a phone enters three findings (one corrected on the spot, one with a photo); a
department completes its self-assessment and marks a rectification item rectified with a photo;
an admin scores the period and a leader sees the ranking change. Debian's chromium is the
browser (Playwright's own browser download is not used). Skipped, with the reason, when
/usr/bin/chromium or the playwright package is missing.

Screenshots go to a temporary folder; `UPDATE_SCREENSHOTS=1 pytest tests/test_web_e2e.py`
writes them to docs/screenshots/ instead (review them, then commit).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("end-to-end tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="end-to-end tests need playwright (pip install '.[e2e]')")

from test_web import running_server  # noqa: E402

from scoring.demo import run_demo  # noqa: E402
from scoring.store import Store  # noqa: E402
from scoring.web.users import add_user  # noqa: E402
from scoring.store.workspace import add_periods  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
YEAR = str(date.today().year)
UNIT = "D005"  # 市财政局 in the demo city
USERS = {"admin": ("admin", None, "admin-pass-1"), "zhangming": ("inspector", None, "insp-pass-1"),
         "caizhengju": ("department", UNIT, "dept-pass-1"), "lingdao": ("leader", None, "lead-pass-1")}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1}
# A small real JPEG (8x8 grey), as a phone camera would send one.
PHOTO = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d"
    "1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080008000801011100ff"
    "c4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000"
    "017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a2526272829"
    "2a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293"
    "9495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbfcffd9")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`scoring serve` on 127.0.0.1 over a copy of the demo city with one user per role."""
    folder = tmp_path_factory.mktemp("e2e")
    db = run_demo(folder / "demo").db
    store = Store(db)
    try:
        for name, (role, unit, password) in USERS.items():
            add_user(store, name, role, password, unit)
        add_periods(store, [YEAR])
    finally:
        store.close()
    with running_server(db, folder) as (url, _):
        yield {"url": url, "db": db}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    if os.environ.get("UPDATE_SCREENSHOTS"):
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def query(server, sql: str, params=()):
    store = Store(server["db"])
    try:
        return store.query(sql, params)
    finally:
        store.close()


def sign_in(browser, server, name: str, device: dict):
    context = browser.new_context(**device, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(server["url"] + "/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", USERS[name][2])
    page.click("button.primary")
    return context, page


def snap(page, shots: Path, name: str, full: bool = True) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=full)


def admin_runs(browser, server, shots: Path, shot: str | None = None) -> None:
    context, page = sign_in(browser, server, "admin", DESKTOP)
    page.goto(server["url"] + "/admin/run")
    page.select_option("select[name=period]", YEAR)
    if shot:
        snap(page, shots, shot, full=False)
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")
    context.close()


def test_0_admin_uploads_a_file_and_scores_the_period_before_the_spot_checks(browser, server, shots):
    context, page = sign_in(browser, server, "admin", DESKTOP)
    page.goto(server["url"] + "/admin/import")
    page.select_option("select[name=kind]", "findings")
    rows = ("单位编码,考核周期,检查日期,问题代码,数量\n"
            f"D001,{YEAR},{YEAR}-03-02,CONTENT_STALE,1\n"
            f"D999,{YEAR},{YEAR}-03-02,CONTENT_STALE,1\n"
            f"D002,{YEAR},{YEAR}-02-30,BORD_MISSING,0\n")
    page.set_input_files("input[name=file]", files=[{"name": "检查记录.csv", "mimeType": "text/csv",
                                                     "buffer": rows.encode("utf-8-sig")}])
    page.click("button.primary")
    problems = page.locator("ol.problems li").all_inner_texts()
    assert problems[0].startswith("检查记录.csv 第 3 行、「单位编码」列：单位「D999」不在单位名单中")
    assert any(p.startswith("检查记录.csv 第 4 行、「检查日期」列：") for p in problems)
    snap(page, shots, "00-admin-import-problems", full=False)
    context.close()
    assert not query(server, "select 1 from findings where period = ?", [YEAR])  # nothing written
    admin_runs(browser, server, shots, "01-admin-run")
    assert len(query(server, "select id from runs where period = ?", [YEAR])) == 1


def test_1_inspector_on_a_phone_enters_three_findings(browser, server, shots):
    context, page = sign_in(browser, server, "zhangming", PHONE)
    assert page.url.endswith("/inspect/")
    page.fill("input[name=q]", "财政")
    page.click("form.search button")
    snap(page, shots, "02-inspector-search")
    page.click(f"a[href='/inspect/unit/{UNIT}']")
    assert page.input_value("input[name=date]") == date.today().isoformat()  # today by default
    assert page.input_value("select[name=period]") == YEAR

    page.select_option("#code", "CONTENT_STALE")
    assert page.is_hidden("#indicator-field")  # its indicator is fixed (T1)
    page.fill("input[name=count]", "2")
    page.fill("textarea[name=note]", "政务公开栏内容仍为上年度信息")
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")

    page.select_option("#code", "NOT_DISCLOSED")
    assert page.is_visible("#indicator-field")  # this code needs the indicator it concerns
    page.select_option("select[name=indicator]", "C3")
    page.fill("textarea[name=note]", "三项办事服务未公开收费标准")
    page.set_input_files("input[name=evidence_file]",
                         files=[{"name": "IMG_0412.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}])
    snap(page, shots, "03-inspector-finding-form")
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")

    page.select_option("#code", "BOARD_MISSING")
    page.check("input[name=corrected_on_spot]")
    page.fill("textarea[name=note]", "公开栏破损，已当场要求更换")
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")
    snap(page, shots, "04-inspector-today")

    rows = query(server, "select * from findings where unit = ? and period = ? order by code", [UNIT, YEAR])
    assert [(r["code"], r["count"], r["corrected_on_spot"], r["indicator"], r["inspector"]) for r in rows] == [
        ("BOARD_MISSING", 1, 1, "F2", "zhangming"), ("CONTENT_STALE", 2, 0, "T1", "zhangming"),
        ("NOT_DISCLOSED", 1, 0, "C3", "zhangming")]
    assert "IMG_0412.jpg sha256:" in next(r["evidence"] for r in rows if r["code"] == "NOT_DISCLOSED")
    assert page.locator("section[data-unit-page] ul.entries > li").count() == 3
    context.close()


def test_2_department_completes_its_self_assessment_and_rectifies_an_item(browser, server, shots):
    context, page = sign_in(browser, server, "caizhengju", DESKTOP)
    page.goto(f"{server['url']}/unit/{UNIT}/self-assessment?period={YEAR}")
    indicators = page.locator("input[type=radio][value=compliant]")
    for i in range(indicators.count()):
        indicators.nth(i).check()
    page.check("input[name=claim_T1][value=partial]")
    page.fill("input[name=note_T1]", "部分栏目更新不及时，正在整改")
    page.set_input_files("input[name=evidence_L1]",
                         files=[{"name": "领导小组文件.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}])
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")
    snap(page, shots, "05-department-self-assessment", full=False)
    claims = query(server, "select indicator, claim from self_assessments where unit = ? and period = ?", [UNIT, YEAR])
    assert len(claims) == indicators.count() == 28
    assert dict((r["indicator"], r["claim"]) for r in claims)["T1"] == "partial"

    page.click("nav.menu a[href$='/rectifications']")
    item = page.locator("section.item:has(input[value=rectified])").first
    item_id = item.get_attribute("id")
    item.locator("input[value=rectified]").check()
    item.locator("input[name=note]").fill("已在网站公开全部结果信息")
    item.locator("input[name=evidence_file]").set_input_files(
        files=[{"name": "整改后.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}])
    item.locator("button.primary").click()
    page.wait_for_selector(".flash.ok")
    page.locator(f"section[id='{item_id}'] details summary").click()
    page.locator(f"section[id='{item_id}']").scroll_into_view_if_needed()
    snap(page, shots, "06-department-rectified", full=False)
    assert query(server, "select status from rectifications where id = ?", [item_id])[0]["status"] == "rectified"
    history = query(server, "select * from rectification_history where item = ? order by id desc", [item_id])[0]
    assert "整改后.jpg sha256:" in history["evidence"]
    context.close()


def _score_of(page, unit: str) -> tuple[str, str]:
    row = page.locator(f"tr[data-unit='{unit}']")
    cells = row.locator("td")
    return cells.nth(0).inner_text().strip(), row.locator("td.score").inner_text().strip()


def test_3_leader_sees_the_ranking_change_after_a_scoring_run(browser, server, shots):
    context, page = sign_in(browser, server, "lingdao", DESKTOP)
    page.goto(f"{server['url']}/ranking?period={YEAR}&group=city_department")
    rank_before, score_before = _score_of(page, UNIT)
    snap(page, shots, "07-leader-ranking-before", full=False)

    admin_runs(browser, server, shots)
    page.reload()
    rank_after, score_after = _score_of(page, UNIT)
    assert (rank_before, score_before) != (rank_after, score_after)
    assert page.locator("td.change span").count() > 0  # moves against the previous run are shown
    page.locator(f"tr[data-unit='{UNIT}']").scroll_into_view_if_needed()
    snap(page, shots, "08-leader-ranking-after", full=False)

    page.click(f"tr[data-unit='{UNIT}'] td.name a")
    page.wait_for_selector(".big-score")
    assert page.inner_text(".big-score").strip() == score_after
    assert "政务公开栏内容仍为上年度信息" in page.content()  # the finding behind the deduction
    page.locator("section.dim:has(ul.lines)").first.scroll_into_view_if_needed()
    snap(page, shots, "09-leader-scorecard-deductions", full=False)

    page.click("nav.menu a[href='/rectifications']")
    first = page.locator("table tbody tr").first
    assert first.get_attribute("class") == "overdue"
    snap(page, shots, "10-leader-rectification-overview", full=False)
    context.close()


def test_4_the_app_works_in_english_on_a_phone(browser, server, shots):
    context, page = sign_in(browser, server, "lingdao", PHONE)
    page.click("a.lang")
    assert "Ranking" in page.inner_text("h1")
    snap(page, shots, "11-leader-phone-english", full=False)
    context.close()
