"""The inspector's form names an object of the unit (a website, an account) when the unit has any."""

from __future__ import annotations

from test_web import TODAY, YEAR, Browser, app, demo_db, query  # noqa: F401 (fixtures)

from scoring.store import Store


def _objects(app, rows):
    store = Store(app.config["DB"])
    try:
        store.write_rows("objects", [{"address": None, "serves_public": 1, "active": 1, **row} for row in rows])
    finally:
        store.close()


def test_a_unit_without_objects_shows_no_object_select(app):
    page = Browser(app, "insp").get("/inspect/unit/D005").text
    assert 'name="object"' not in page


def test_the_form_offers_the_units_objects_in_use_and_saves_the_chosen_one(app):
    _objects(app, [{"code": "WEB-5", "unit": "D005", "kind": "website", "name": "某局门户网站"},
                   {"code": "OLD-5", "unit": "D005", "kind": "website", "name": "旧网站", "active": 0},
                   {"code": "WEB-6", "unit": "D006", "kind": "website", "name": "他局网站"}])
    browser = Browser(app, "insp")
    page = browser.get("/inspect/unit/D005").text
    select = page[page.index('name="object"'):page.index("</select>", page.index('name="object"'))]
    assert '<option value="WEB-5">某局门户网站（website）</option>' in select
    assert "OLD-5" not in select and "WEB-6" not in select  # retired, and another unit's
    entry = "W-20260101-0000ab0e"
    refused = browser.post("/inspect/unit/D005", {"id": entry, "date": TODAY, "period": YEAR,
                                                  "code": "CONTENT_STALE", "object": "WEB-6"})
    assert refused.status_code == 400
    assert "对象「WEB-6」属于单位 D006，不属于 D005；请更正单位编码或对象编码" in refused.text
    saved = browser.post("/inspect/unit/D005", {"id": entry, "date": TODAY, "period": YEAR,
                                                "code": "CONTENT_STALE", "object": "WEB-5"})
    assert saved.status_code == 302
    assert query(app, "select object from findings where id = ?", [entry])[0]["object"] == "WEB-5"
