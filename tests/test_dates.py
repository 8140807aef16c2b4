"""Dates relative to the period and durations between dates (scoring.standard.dates), and the
real clauses that need them (tests/standards/real-clauses), scored through the whole pipeline."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine.examples import compare, score_example
from scoring.standard import load_default
from scoring.standard.dates import (DateError, add_months, months_between, next_month_day, parse_derived,
                                    workdays_between)
from scoring.standard.loader import StandardError, load_standard_dir


def compile_ruleset(standard):
    """durable_rules' compiled ruleset (plain data), where the [durable] extra is installed."""
    pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    from scoring.engine.durable import compile_ruleset as compiled

    return compiled(standard)

CLAUSES_DIR = Path(__file__).resolve().parent / "standards" / "real-clauses"
CLAUSES = load_standard_dir(CLAUSES_DIR)
EXAMPLES = [(src, i, ex) for src in CLAUSES.rules for i, ex in enumerate(src.rule.examples)]


@pytest.mark.parametrize("src, index, example", EXAMPLES, ids=[f"{s.rule.id}[{i}]" for s, i, _ in EXAMPLES])
def test_real_clause_example(src, index, example):
    doc = score_example(CLAUSES, example)
    assert compare(CLAUSES, example.expect, doc) == [], f"{src.file}: rule {src.rule.id}: examples[{index}]"


def test_national_day_2025_working_days_follow_the_holiday_schedule():
    # 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up working days.
    assert workdays_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert workdays_between(date(2025, 9, 26), date(2025, 10, 31)) == 21
    assert workdays_between(date(2025, 9, 27), date(2025, 9, 28)) == 1  # the make-up Sunday counts
    assert workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0  # the whole holiday does not
    assert workdays_between(date(2025, 10, 30), date(2025, 9, 26)) == -20


def test_a_year_without_a_holiday_table_stops_with_a_message_naming_it():
    with pytest.raises(DateError, match="2099"):
        workdays_between(date(2099, 1, 1), date(2099, 1, 10))


def test_months_are_calendar_months_and_more_than_three_means_past_the_same_day():
    assert months_between(date(2025, 3, 15), date(2025, 6, 15)) == 3
    assert months_between(date(2025, 3, 15), date(2025, 6, 16)) > 3
    assert months_between(date(2025, 11, 30), date(2026, 2, 28)) == 3  # 30 Feb does not exist: the 28th
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert next_month_day(date(2025, 12, 31), 1, 31) == date(2026, 1, 31)
    assert next_month_day(date(2025, 6, 30), 1, 31) == date(2026, 1, 31)
    assert next_month_day(date(2026, 1, 31), 1, 31) == date(2027, 1, 31)  # strictly after


def test_a_date_comparison_is_an_ordinary_number_field_for_every_engine():
    rule = CLAUSES.rules_by_id["ANNUAL_REPORT_LATE"]
    assert dict(rule.when["r"].conditions)["published__minus__report_deadline"].operator == ("gt", Decimal(0))
    assert parse_derived("formed__to__published__workdays").unit == "workdays"
    compiled = compile_ruleset(CLAUSES)["PUBLISHED_LATE"]["all"][0]["d"]["$and"]
    assert {"$gt": {"formed__to__published__workdays": 20}} in compiled


def test_the_default_standard_compiles_to_the_same_ruleset_as_before_dates_existed():
    # tests/golden/ruleset-default.json was written by the code before this change (identical output checked).
    golden = Path(__file__).resolve().parent / "golden" / "ruleset-default.json"
    default = load_default()
    assert compile_ruleset(default) == json.loads(golden.read_text(encoding="utf-8"))
    assert not any(p.fact in ("record", "period") for s in default.rules for p in s.rule.when.values())


def _copy(tmp_path) -> Path:
    folder = tmp_path / "std"
    shutil.copytree(CLAUSES_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_names_an_unknown_named_date(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "annual_report.yml", "{gt: {date: report_deadline}}", "{gt: {date: report_dedline}}")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "unknown date 'report_dedline'" in str(err.value) and "ANNUAL_REPORT_LATE" in str(err.value)


def test_check_names_a_duration_over_a_field_that_is_not_a_date(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "jindong_disclosure.yml", "{from: formed, to: published", "{from: formed, to: title")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "a record fact has no date field 'title'" in str(err.value)


def test_check_refuses_a_named_date_from_a_date_not_yet_known(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "criteria.yml", "from: as_of, add: {years: -1}", "from: report_deadlin, add: {years: -1}")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "dates.one_year_before.from: 'report_deadlin' is not a date known before it" in str(err.value)


def test_check_refuses_comparing_a_date_field_as_text(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "annual_report.yml", "published: {gt: {date: report_deadline}}", "published: '2026-01-31'")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "a date is compared with a named date" in str(err.value)


def test_check_refuses_an_unknown_record_kind(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "annual_report.yml", "kind: annual_report, published", "kind: anual_report, published")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "unknown kind 'anual_report'" in str(err.value)


RECORD_HEADER = ["编号", "单位编码", "考核周期", "记录类型", "栏目", "标题", "形成日期", "公开日期"]


def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_records_import_with_chinese_headers_and_score_end_to_end(new_workspace, tmp_path):
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", CLAUSES_DIR)
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"], ["D1", "某区政府", "A"]]))
    bad = _csv(tmp_path / "r.csv", [RECORD_HEADER,
                                    ["R-1", "D1", "2025", "document", "政策文件", "通知", "2025-09-26", "2025-10-31"],
                                    ["R-2", "D1", "2025", "documnt", "政策文件", "通知", "2025-09-26", "2025-10-30"],
                                    ["R-3", "D1", "2025", "document", "", "", "2025-13-01", ""]])
    refused = ws.invoke("import", "records", bad, code=2)
    assert "r.csv 第 3 行、「记录类型」列：无法识别的记录类型「documnt」；是否应为「document」？" in refused.stderr
    assert "r.csv 第 4 行、「形成日期」列：「2025-13-01」不是有效日期（没有 13 月）" in refused.stderr
    assert ws.store().query("select count(*) as n from records")[0]["n"] == 0  # nothing half-written
    ws.invoke("import", "records", bad, "--skip-invalid")
    rejected = list(csv.reader((tmp_path / "r.csv.rejected.csv").open(encoding="utf-8-sig")))
    assert [r[0] for r in rejected[1:]] == ["3", "4"]
    ws.invoke("run", "--period", "2025", "--as-of", "2026-02-15")  # after the annual report's deadline
    card = ws.json("scorecard", "D1", "--period", "2025")
    lines = [l for d in card["dimensions"] for i in d["indicators"] for l in i["lines"]]
    dated = [(l["rule"], l["points"], l["facts"]) for l in lines if l["rule"] in ("PUBLISHED_LATE", "ANNUAL_REPORT_NOT_PUBLISHED")]
    assert dated == [("PUBLISHED_LATE", "-2", ["R-1"]), ("ANNUAL_REPORT_NOT_PUBLISHED", "-5", ["2025"])]
    # The one document also falls short of the yearly total (-2), October of 40 a month (-5), the
    # eleven blank months (-110) take J32's 40 points, and there is no annual report (J33 -2):
    # 100 - 2 - 5 - 2 - 40 - 2.
    assert card["score"] == "49.00"


def test_a_workspace_made_before_records_existed_gains_the_table_when_opened(tmp_path):
    from scoring.store import Store

    store = Store(tmp_path / "old.db", create=True)
    store.create_schema()
    store.execute("drop table records")
    store.set_setting("schema_version", "3")
    store.close()
    reopened = Store(tmp_path / "old.db")
    try:
        assert reopened.db["records"].exists()
        assert reopened.query("select count(*) as n from records")[0]["n"] == 0
    finally:
        reopened.close()
