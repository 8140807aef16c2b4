"""The inspector's form in the field (issue 19), through Flask's test client: the period follows the date,
nothing entered is lost on an error (photos included), several photos per finding with the phone's notes
on each original, a repeat of an offline-saved finding is saved once, and the unit search finds a unit
by abbreviation, alias, pinyin and initials.
"""

from __future__ import annotations

import io
import json
import re

from test_web import JPEG, PNG, TODAY, YEAR, Browser, app, demo_db, query  # noqa: F401 (fixtures)

from scoring.store import Store
from scoring.web.context import PERIOD_SETTING


def form_of(page: str) -> dict[str, str]:
    return {"id": re.search(r'name="id" value="(W-[^"]+)"', page).group(1),
            "date": re.search(r'name="date" type="date" value="([^"]*)"', page).group(1),
            "period": re.search(r'<option value="([^"]+)"[^>]*selected>', page[page.index('name="period"'):]).group(1)}


def test_the_date_defaults_into_the_chosen_period_so_the_first_save_succeeds(app):
    store = Store(app.config["DB"])
    try:
        with store.transaction():
            store.set_setting(PERIOD_SETTING, "2025")  # the admin's open period is last year's
    finally:
        store.close()
    browser = Browser(app, "insp")
    form = form_of(browser.get("/inspect/unit/D005").text)
    assert (form["date"], form["period"]) == ("2025-12-31", "2025")
    response = browser.post("/inspect/unit/D005", {**form, "code": "CONTENT_STALE", "count": "1"})
    assert response.status_code == 302
    assert query(app, "select period, date from findings where id = ?", [form["id"]])[0] == \
        {"period": "2025", "date": "2025-12-31"}


def test_without_a_period_the_date_decides_it_and_the_next_form_keeps_the_date(app):
    browser = Browser(app, "insp")
    entry = "W-20250301-0000aa01"
    response = browser.post("/inspect/unit/D005", {"id": entry, "date": "2025-03-01", "period": "",
                                                   "code": "BOARD_MISSING", "corrected_on_spot": "1"})
    assert response.status_code == 302
    assert query(app, "select period from findings where id = ?", [entry])[0]["period"] == "2025"
    following = browser.get(response.headers["Location"]).text
    form = form_of(following)
    assert (form["date"], form["period"]) == ("2025-03-01", "2025")  # the day just used, not today
    assert 'name="corrected_on_spot" value="1" checked' not in following  # 当场纠正 starts unticked again
    assert form["id"] != entry


def test_a_refused_finding_keeps_its_photos_and_a_corrected_send_saves_them(app):
    browser = Browser(app, "insp")
    entry = "W-20260101-0000aa02"
    refused = browser.post("/inspect/unit/D005", {
        "id": entry, "date": TODAY, "period": YEAR, "code": "NOT_DISCLOSED", "note": "缺少收费标准",
        "evidence_file": [(io.BytesIO(JPEG), "现场1.jpg"), (io.BytesIO(PNG), "现场2.png")]})
    assert refused.status_code == 400 and "须填写所涉及的指标" in refused.text
    kept = re.findall(r'name="evidence_sha" value="([0-9a-f]{64})" checked', refused.text)
    assert len(kept) == 2  # both photos are still with the form
    assert "缺少收费标准" in refused.text  # and so is the note
    assert not query(app, "select 1 from findings where id = ?", [entry])
    saved = browser.post("/inspect/unit/D005", {"id": entry, "date": TODAY, "period": YEAR, "code": "NOT_DISCLOSED",
                                                "indicator": "C3", "evidence_sha": kept})
    assert saved.status_code == 302
    evidence = query(app, "select evidence from findings where id = ?", [entry])[0]["evidence"]
    assert evidence == f"现场1.jpg sha256:{kept[0]}; 现场2.png sha256:{kept[1]}"
    page = browser.get("/inspect/").text
    assert page.count('<img src="/evidence/') == 2  # the gallery of today's entries


def test_a_photo_of_another_unit_cannot_be_claimed_by_its_hash(app):
    browser = Browser(app, "insp")
    first = browser.post("/inspect/unit/D001", {"id": "W-20260101-0000aa03", "date": TODAY, "period": YEAR,
                                                "code": "CONTENT_STALE", "evidence_file": (io.BytesIO(JPEG), "a.jpg")})
    assert first.status_code == 302
    sha = re.search(r"sha256:([0-9a-f]{64})",
                    query(app, "select evidence from findings where id = 'W-20260101-0000aa03'")[0]["evidence"]).group(1)
    other = browser.post("/inspect/unit/D005", {"id": "W-20260101-0000aa04", "date": TODAY, "period": YEAR,
                                                "code": "CONTENT_STALE", "evidence_sha": sha})
    assert other.status_code == 302
    assert query(app, "select evidence from findings where id = 'W-20260101-0000aa04'")[0]["evidence"] is None


def test_the_phones_notes_on_each_original_are_kept_with_the_finding(app):
    browser = Browser(app, "insp")
    meta = [{"name": "IMG_1.jpg", "size": 14_500_000, "sha256": "a" * 64, "taken_at": "2026-03-02T10:15:00",
             "latitude": 40.99, "longitude": 113.13, "resized": True},
            {"name": "IMG_2.jpg", "size": 1, "sha256": "not a hash"}]  # malformed: dropped
    entry = "W-20260101-0000aa05"
    response = browser.post("/inspect/unit/D005", {
        "id": entry, "date": TODAY, "period": YEAR, "code": "CONTENT_STALE", "evidence_meta": json.dumps(meta),
        "evidence_file": [(io.BytesIO(JPEG), "IMG_1.jpg"), (io.BytesIO(JPEG + b"2"), "IMG_2.jpg")]})
    assert response.status_code == 302
    rows = query(app, "select * from web_evidence_meta where finding = ?", [entry])
    assert [(r["original_name"], r["original_size"], r["original_sha256"], r["taken_at"], r["latitude"], r["resized"])
            for r in rows] == [("IMG_1.jpg", 14_500_000, "a" * 64, "2026-03-02T10:15:00", 40.99, 1)]
    page = browser.get("/inspect/").text
    assert "拍摄于 2026-03-02T10:15:00" in page and "40.99000, 113.13000" in page


def test_the_outbox_sending_a_finding_twice_saves_it_once(app):
    browser = Browser(app, "insp")
    data = {"id": "W-20260101-0000aa06", "date": TODAY, "period": YEAR, "code": "CONTENT_STALE"}
    for expected in ("saved", "already_saved"):
        response = browser.post("/inspect/unit/D005", data, headers={"X-Outbox": "1"})
        assert response.status_code == 200 and response.json == {"ok": True, "id": data["id"], "status": expected}
    assert query(app, "select count(*) as n from findings where id = ?", [data["id"]])[0]["n"] == 1
    bad = browser.post("/inspect/unit/D005", {**data, "id": "W-20260101-0000aa07", "code": "NOPE"},
                       headers={"X-Outbox": "1"})
    assert bad.status_code == 400 and bad.json["ok"] is False and "code" in bad.json["errors"]


def test_units_are_found_by_abbreviation_alias_pinyin_and_initials(app):
    browser = Browser(app, "insp")
    units = {r["name"]: r["code"] for r in query(app, "select code, name from units")}
    health, education = units["市卫生健康委员会"], units["市教育局"]
    for typed, expected in (("卫健", health), ("卫健委", health), ("jiaoyu", education), ("jyj", education),
                            ("JiaoYuJu", education), ("卫生", health)):
        page = browser.get(f"/inspect/?q={typed}").text
        found = re.findall(r'href="/inspect/unit/([^"]+)"', page)
        assert found and found[0] == expected, (typed, found[:3])
    assert "没有匹配" in browser.get("/inspect/?q=zzzq").text
    index = browser.get("/inspect/units.json").json
    assert {"code": education, "name": "市教育局", "aliases": [], "pinyin": "shijiaoyuju", "initials": "sjyj",
            "alias_readings": []} in index


# ---------------------------------------------------------------- leaders


def test_ranking_movement_is_against_the_previous_period_as_in_the_report(app):
    from scoring.outputs.compare import movement

    store = Store(app.config["DB"])
    try:
        expected = {m["unit"]: m["rank_change"] for m in movement(store, "2025", "2024", set())
                    if m["group"] == "city_department"}
    finally:
        store.close()
    page = Browser(app, "lead").get("/ranking?period=2025&group=city_department").text
    assert "名次变化与上一考核周期 2024 相比" in page
    cards = re.findall(r'<li class="rank-card[^"]*" data-unit="([^"]+)">(.*?)</li>\n', page, re.S)
    assert len(cards) == len(expected)
    for unit, card in cards:
        change = expected[unit]
        figures = card[card.index('class="rank-figures"'):]
        if change is None:
            assert "move none" in figures
        elif change > 0:
            assert f"↑{change}<" in figures, unit
        elif change < 0:
            assert f"↓{-change}<" in figures, unit


def test_a_vetoed_unit_shows_why_in_words_on_the_card_and_in_the_table(app):
    leader, admin, inspector = Browser(app, "lead"), Browser(app, "admin"), Browser(app, "insp")
    data = {"id": "W-20251201-0000bb01", "period": "2025", "date": "2025-12-01", "code": "SECRET_LEAK"}
    assert inspector.post("/inspect/unit/D016", data).status_code == 302
    assert admin.post("/admin/run", {"period": "2025"}).status_code == 302
    page = leader.get("/ranking?period=2025&group=city_department").text
    card = re.search(r'<li class="rank-card vetoed" data-unit="D016">(.*?)</li>', page, re.S).group(1)
    assert "否决：泄露国家秘密" in card
    assert re.search(r'class="card-score">[\d.]+<', card) and 'class="tag grade grade-' in card
    row = re.search(r'<tr class="vetoed" data-unit="D016">(.*?)</tr>', page, re.S).group(1)
    assert "否决：泄露国家秘密" in row
    assert "重评" in row  # the move against the period's previous run, shown apart
