"""Each role's pages in a real browser at 390 px (a phone) and 1280 px (a desktop), for issue 19.

Headless Debian chromium through Playwright, over `scoring serve` on the demo city: no page is wider
than the screen, the phone ranking shows each unit's score and grade, a 14 MB camera photo and a
second one are shrunk on the phone and arrive with their EXIF time and place, and a finding saved with
the network switched off waits in the outbox and arrives exactly once when it is switched on again.
Skipped when /usr/bin/chromium or playwright is missing (as tests/test_web_e2e.py).

`UPDATE_SCREENSHOTS=1` writes the screenshots of each role's steps to docs/screenshots/.
"""

from __future__ import annotations

import hashlib
import io
import random

import pytest

# Importing test_web_e2e skips this module as well where chromium or playwright is missing. Its fixtures (the
# demo city served with one user per role, the browser, the screenshot folder) are module-scoped: one each here.
from test_web_e2e import DESKTOP, PHONE, USERS, browser, query, server, shots, sign_in  # noqa: F401

UNIT = "D005"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
MAIN_PAGES = {  # the pages each role works on, by the name its screenshot takes
    "zhangming": {"search": "/inspect/", "search-pinyin": "/inspect/?q=jyj", "finding-form": f"/inspect/unit/{UNIT}"},
    "caizhengju": {"self-assessment": f"/unit/{UNIT}/self-assessment", "scorecard": f"/unit/{UNIT}/scorecard?period=2025",
                   "rectifications": f"/unit/{UNIT}/rectifications"},
    "lingdao": {"ranking": "/ranking?period=2025", "scorecard": f"/unit/{UNIT}/scorecard?period=2025",
                "rectification-overview": "/rectifications"},
    "admin": {"home": "/admin/", "import": "/admin/import", "run": "/admin/run", "users": "/admin/users",
              "periods": "/admin/periods", "progress": "/admin/progress?period=2025", "units": "/admin/units",
              "accounts": "/admin/accounts", "audit": "/admin/audit"},
}


def camera_photo(width: int, height: int, seed: int) -> bytes:
    """A JPEG as a phone camera makes one: noise (so it stays large) with EXIF time and GPS position."""
    from PIL import Image

    image = Image.frombytes("RGB", (width, height), random.Random(seed).randbytes(width * height * 3))
    exif = Image.Exif()
    exif[0x010F] = "Phone"
    exif.get_ifd(0x8769)[0x9003] = "2026:03:02 10:15:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (40.0, 59.0, 24.0), 3: "E", 4: (113.0, 7.0, 48.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def page_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("name", sorted(MAIN_PAGES))
def test_no_page_is_wider_than_the_screen(browser, server, shots, name, width):
    device = WIDTHS[width]
    context, page = sign_in(browser, server, name, device)
    try:
        for step, path in MAIN_PAGES[name].items():
            page.goto(server["url"] + path)
            assert page_width(page) <= device["viewport"]["width"], (path, page_width(page))
            page.screenshot(path=str(shots / f"field-{USERS[name][0]}-{step}-{width}.png"))
    finally:
        context.close()


def test_the_phone_ranking_shows_score_grade_and_movement_on_each_card(browser, server, shots):
    context, page = sign_in(browser, server, "lingdao", PHONE)
    page.goto(server["url"] + "/ranking?period=2025&group=city_department")
    assert page.is_hidden("table.ranking")
    cards = page.locator("li.rank-card")
    assert cards.count() > 10
    for i in (0, cards.count() - 1):
        card = cards.nth(i)
        card.scroll_into_view_if_needed()
        for part in (".rank-no", ".rank-name", ".card-score", ".tag.grade"):
            box = card.locator(part).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, part, box)
    vetoed = page.locator("li.rank-card.vetoed").first
    vetoed.scroll_into_view_if_needed()
    assert vetoed.locator(".veto-reason").inner_text().startswith("否决：")
    page.screenshot(path=str(shots / "field-leader-ranking-cards-phone.png"))
    context.close()


def test_two_photos_are_shrunk_on_the_phone_and_keep_the_originals_time_and_place(browser, server, shots):
    big, small = camera_photo(4000, 3000, 1), camera_photo(1200, 900, 2)
    assert len(big) > 10 * 1024 * 1024  # the server would refuse it as it is
    context, page = sign_in(browser, server, "zhangming", PHONE)
    page.goto(f"{server['url']}/inspect/unit/{UNIT}")
    page.select_option("#code", "CONTENT_STALE")
    page.fill("textarea[name=note]", "两张现场照片")
    page.set_input_files("#evidence-input", files=[
        {"name": "IMG_2001.jpg", "mimeType": "image/jpeg", "buffer": big},
        {"name": "IMG_2002.jpg", "mimeType": "image/jpeg", "buffer": small}])
    page.wait_for_selector("form.finding[data-photos-ready=yes]", timeout=60_000)
    assert page.locator("#evidence-previews li").count() == 2
    page.screenshot(path=str(shots / "field-inspector-photos-phone.png"), full_page=True)
    page.click("button.primary")
    page.wait_for_selector(".flash.ok")
    entry = query(server, "select id, evidence from findings where note = '两张现场照片'")[0]
    assert entry["evidence"].count("sha256:") == 2
    notes = query(server, "select * from web_evidence_meta where finding = ? order by original_name", [entry["id"]])
    assert [n["original_name"] for n in notes] == ["IMG_2001.jpg", "IMG_2002.jpg"]
    first = notes[0]
    assert first["original_sha256"] == hashlib.sha256(big).hexdigest() and first["original_size"] == len(big)
    assert first["resized"] == 1 and first["taken_at"] == "2026-03-02T10:15:00"
    assert abs(first["latitude"] - 40.99) < 1e-4 and abs(first["longitude"] - 113.13) < 1e-4
    stored = query(server, "select size, mime from web_evidence where sha256 = ?", [first["sha256"]])[0]
    assert stored["mime"] == "image/jpeg" and stored["size"] < len(big) / 4
    assert page.locator("ul.entries ul.gallery img").count() == 2  # the gallery under today's entries
    context.close()


def test_a_finding_saved_offline_waits_in_the_outbox_and_arrives_once(browser, server, shots):
    context, page = sign_in(browser, server, "zhangming", PHONE)
    page.goto(server["url"] + "/inspect/")
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=30_000)
    page.goto(f"{server['url']}/inspect/unit/{UNIT}")  # the form, now cached for a dead zone
    page.wait_for_selector("html[data-outbox-synced]")
    context.set_offline(True)
    page.reload()  # served by the service worker
    page.select_option("#code", "BOARD_MISSING")
    page.check("input[name=corrected_on_spot]")
    page.fill("textarea[name=note]", "离线录入：公开栏缺失")
    entry_id = page.input_value("input[name=id]")
    page.click("button.primary")
    page.wait_for_selector(f"#outbox li[data-id='{entry_id}']")
    assert "待上传" in page.inner_text("#outbox")
    assert not page.is_checked("input[name=corrected_on_spot]")  # ready for the next finding
    assert page.input_value("input[name=id]") != entry_id
    page.screenshot(path=str(shots / "field-inspector-outbox-offline-phone.png"), full_page=True)
    assert not query(server, "select 1 from findings where id = ?", [entry_id])

    page.goto(server["url"] + "/inspect/?q=jyj")  # searching still works from the cached unit list
    assert page.locator("ul.units a").first.inner_text().endswith("市教育局")

    context.set_offline(False)  # the open page's 'online' event may send it already; the next page sends what is left
    page.goto(f"{server['url']}/inspect/unit/{UNIT}")
    page.wait_for_selector("html[data-outbox-synced][data-outbox='0']")
    rows = query(server, "select unit, code, corrected_on_spot, note from findings where id = ?", [entry_id])
    assert rows == [{"unit": UNIT, "code": "BOARD_MISSING", "corrected_on_spot": 1, "note": "离线录入：公开栏缺失"}]
    page.reload()  # nothing left to send: still one finding
    page.wait_for_selector("html[data-outbox-synced]")
    assert query(server, "select count(*) as n from findings where note = '离线录入：公开栏缺失'")[0]["n"] == 1
    context.close()
