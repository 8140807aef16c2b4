"""The rectification loop: items from findings, deadlines, lifecycle with history, file updates, overdue lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scoring.engine.orders import after_import
from scoring.inputs.importing import import_file
from scoring.rectify.items import DeadlineError, add_workdays
from scoring.rectify.register import RegisterError, import_updates, list_items, show_item, update_status
from scoring.outputs.results import scorecard
from scoring.engine.runner import run_period
from scoring.standard import load_default
from scoring.store import Store

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "example"
STANDARD = load_default()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "w.db", create=True)
    s.create_schema()
    for year in ("2024", "2025"):
        s.add_period(year, "year", f"{year}-01-01", f"{year}-12-31", 12)
    for kind in ("units", "findings"):
        import_file(s, STANDARD, kind, EXAMPLE / f"{kind}.csv", after_write=after_import(s, STANDARD))
    run_period(s, STANDARD, "2024")
    run_period(s, STANDARD, "2025")
    yield s
    s.close()


def indicator(doc, code):
    return next(i for d in doc["dimensions"] for i in d["indicators"] if i["code"] == code)


def test_working_day_deadlines_follow_the_mainland_calendar():
    # National Day 2025: 10-01..10-08 off, Saturday 09-28 and 10-11 are make-up working days.
    assert add_workdays(date(2025, 9, 29), 5) == date(2025, 10, 13)
    assert add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26)  # Sunday 01-26 is a 调休 working day


def test_a_date_outside_the_known_calendar_is_an_error_not_a_guess():
    with pytest.raises(DeadlineError, match="尚无 2099 年的官方节假日安排"):
        add_workdays(date(2099, 1, 1), 3)


def test_findings_make_exactly_the_items_the_standard_says(store):
    items = {r["id"]: r for r in list_items(store)}
    # F-0002 was corrected on the spot; events (SECRET_LEAK, bonuses) rectify nothing.
    assert sorted(items) == ["R-F-0001", "R-F-0003", "R-F-0008", "R-F-0009", "R-F-0010", "R-P-0001"]
    assert items["R-F-0001"]["deadline"] == "2025-03-16"  # 15 calendar days after 2025-03-01
    assert items["R-F-0001"]["note"] == "政务公开栏内容陈旧，仍为上年度信息"


def test_lifecycle_refuses_skipped_steps_and_keeps_history(store):
    with pytest.raises(RegisterError, match="R-F-0001 当前为待整改：只能变更为整改中、已整改，不能变更为已销号"):
        update_status(store, "R-F-0001", "verified")
    update_status(store, "R-F-0001", "in_progress", note="已安排专人")
    update_status(store, "R-F-0001", "rectified", note="栏目已更新", evidence="photo-0412.jpg")
    update_status(store, "R-F-0001", "verified", note="复查通过")
    update_status(store, "R-F-0001", "reopened", note="再次抽查仍未更新")
    history = show_item(store, "R-F-0001")["history"]
    assert [h["status"] for h in history] == ["open", "in_progress", "rectified", "verified", "reopened"]
    assert history[2]["evidence"] == "photo-0412.jpg"
    assert [a["action"] for a in store.audit_entries()].count("rectify update") == 4


def test_rectified_items_stop_costing_points_and_open_ones_cost_one_each(store):
    assert indicator(scorecard(store, "2025", "D001"), "M2")["score"] == "3.00"  # R-F-0001, R-F-0010 overdue
    update_status(store, "R-F-0001", "rectified")
    run_period(store, STANDARD, "2025")
    m2 = indicator(scorecard(store, "2025", "D001"), "M2")
    assert m2["score"] == "4.00"
    assert m2["lines"][0]["facts"] == ["R-F-0010"]


def test_an_item_from_last_period_due_in_this_one_counts_here(store, tmp_path):
    late = tmp_path / "late.csv"
    late.write_text("id,unit,period,date,code\nF-LATE,D002,2024,2024-12-28,BOARD_MISSING\n", encoding="utf-8")
    import_file(store, STANDARD, "findings", late, after_write=after_import(store, STANDARD))
    run_period(store, STANDARD, "2024")
    run_period(store, STANDARD, "2025")
    doc = scorecard(store, "2025", "D002")
    assert "R-F-LATE" in indicator(doc, "M2")["lines"][0]["facts"]
    assert any(r["id"] == "R-F-LATE" and r["period"] == "2024" and r["overdue"] for r in doc["rectifications"])


def test_overdue_list_as_of_a_date_across_periods(store):
    overdue = list_items(store, overdue=True, as_of=date(2025, 3, 17))
    assert [r["id"] for r in overdue] == ["R-P-0001", "R-F-0001"]  # by unit, then deadline
    # As the run counts M2: due on or before the date and not rectified.
    assert [r["id"] for r in list_items(store, overdue=True, as_of=date(2025, 3, 15))] == ["R-P-0001"]
    assert [r["id"] for r in list_items(store, overdue=True, as_of=date(2025, 3, 16))] == ["R-P-0001", "R-F-0001"]


def test_status_updates_by_file_apply_all_or_nothing(store, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,状态,说明\nR-F-0010,已整改,已公开结果\nR-F-0003,已销号,\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"bad.csv 第 3 行、「状态」列：R-F-0003 当前为待整改"):
        import_updates(store, bad)
    assert show_item(store, "R-F-0010")["status"] == "open"
    good = tmp_path / "good.csv"
    good.write_text("编号,状态,说明,佐证,日期\nR-F-0010,整改中,补充中,,2025-10-01\nR-F-0010,已整改,已公开结果,a.jpg,2025-10-20\n",
                    encoding="utf-8")
    assert import_updates(store, good) == 2
    assert [h["at"] for h in show_item(store, "R-F-0010")["history"]][1:] == ["2025-10-01", "2025-10-20"]


def test_backup_while_in_use_and_doctor_finds_orphans(store, tmp_path):
    from scoring.store.doctor import diagnose

    store.backup(tmp_path / "copy.db")
    copy = Store(tmp_path / "copy.db")
    assert diagnose(copy) == []
    copy.execute("delete from findings where id = 'F-0001'")
    assert diagnose(copy) == ["整改事项对应的检查发现已不存在: R-F-0001"]
    copy.close()


def test_an_item_is_owned_by_its_unit_and_the_person_named(store):
    from scoring.rectify.register import assign_owner, owner_of

    assert owner_of(show_item(store, "R-F-0003")) == "D002"
    assign_owner(store, "R-F-0003", "李明")
    assert [r["owner"] for r in list_items(store, unit="D002")] == ["D002/李明"]
    assert store.audit_entries()[-1]["action"] == "rectify owner"
