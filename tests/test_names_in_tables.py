"""Names, not codes, where people read (issue 18): the tables print unit types, units and people by
name; --format json/csv keep the codes scripts rely on."""

from __future__ import annotations


def test_rank_and_feed_tables_name_the_group_and_csv_keeps_its_code(invoke):
    table = invoke("rank", "--period", "2025").stdout
    assert "市直部门" in table and "city_department" not in table
    assert "City department" in invoke("rank", "--period", "2025", "--lang", "en").stdout
    assert "市直部门" in invoke("feed", "--period", "2025").stdout
    assert "city_department" in invoke("rank", "--period", "2025", "--format", "csv").stdout
    assert "city_department" in invoke("feed", "--period", "2025", "--format", "csv").stdout


def test_rectify_list_shows_the_unit_name_and_only_the_person_under_owner(invoke):
    invoke("rectify", "update", "R-F-0001", "--owner", "王芳")
    lines = invoke("rectify", "list", "--period", "2025", "--unit", "D001").stdout.splitlines()
    assert "单位名称" in lines[0] and "责任人" in lines[0]
    first = next(line for line in lines if line.startswith("R-F-0001"))
    assert "市教育局" in first and "王芳" in first and "D001/王芳" not in first
    other = next(line for line in lines if line.startswith("R-F-0010"))
    assert other.count("D001") == 1  # the unit column only: no code under 责任人
    scripted = invoke("rectify", "list", "--period", "2025", "--unit", "D001", "--format", "csv").stdout
    assert "D001/王芳" in scripted and scripted.splitlines()[0].startswith("id,unit,period")


def test_rectify_status_given_as_chinese_word(invoke):
    invoke("rectify", "update", "R-F-0001", "--status", "整改中")
    invoke("rectify", "update", "R-F-0001", "--status", "已整改完毕")
    listed = invoke("rectify", "list", "--status", "已整改", "--format", "json")
    assert [row["id"] for row in __import__("json").loads(listed.stdout)] == ["R-F-0001"]


def test_rectify_show_gives_history_times_in_the_office_s_zone(invoke, workspace):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    invoke("rectify", "update", "R-F-0001", "--status", "in_progress")
    store = workspace.store()
    try:
        stored = store.query("select at from rectification_history where item = 'R-F-0001' order by rowid desc limit 1")[0]["at"]
    finally:
        store.close()
    local = datetime.fromisoformat(stored).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    shown = invoke("rectify", "show", "R-F-0001").stdout
    assert local in shown and stored not in shown
