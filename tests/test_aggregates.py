"""Aggregates (累计阈值): counts, sums and shares over facts the engine selects, per group, zero-filled."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from scoring.engine.aggregates import windows
from scoring.engine.examples import score_example
from scoring.standard.loader import StandardError, load_standard_dir
from scoring.standard.schema import Example


def compile_ruleset(standard):
    """durable_rules' compiled ruleset (plain data), where the [durable] extra is installed."""
    pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    from scoring.engine.durable import compile_ruleset as compiled

    return compiled(standard)

CLAUSES_DIR = Path(__file__).resolve().parent / "standards" / "real-clauses"
CLAUSES = load_standard_dir(CLAUSES_DIR)


def test_windows_cover_the_period_without_gaps():
    halves = windows("half_month", date(2025, 2, 1), date(2025, 3, 31))
    assert halves == [(date(2025, 2, 1), date(2025, 2, 15)), (date(2025, 2, 16), date(2025, 2, 28)),
                      (date(2025, 3, 1), date(2025, 3, 15)), (date(2025, 3, 16), date(2025, 3, 31))]
    assert [w[0].month for w in windows("quarter", date(2025, 1, 1), date(2025, 12, 31))] == [1, 4, 7, 10]
    assert len(windows("month", date(2025, 1, 1), date(2025, 12, 31))) == 12
    assert windows("half_year", date(2025, 1, 1), date(2025, 12, 31))[1] == (date(2025, 7, 1), date(2025, 12, 31))


def test_the_engine_selects_the_facts_and_compares_the_value():
    ruleset = compile_ruleset(CLAUSES)
    assert "SITE_DOWN~agg~a" in ruleset and "SITE_DOWN~agg~a~where" in ruleset
    compared = ruleset["SITE_DOWN"]["all"][0]["a"]["$and"]
    assert {"name": "SITE_DOWN.a"} in compared and {"$gte": {"value": 0.05}} in compared


def _score(given: dict) -> dict:
    return score_example(CLAUSES, Example.model_validate({"given": given, "expect": {"score": "0"}}))


def _lines(doc: dict, code: str) -> list[dict]:
    return [l for d in doc["dimensions"] for i in d["indicators"] if i["code"] == code for l in i["lines"]]


def test_a_month_line_cites_its_month_value_and_records_whatever_the_input_order():
    records = [{"kind": "document", "published": f"2025-{m:02d}-05", "count": 40, "id": f"R-{m}"} for m in range(1, 13)]
    records[2] = {"kind": "document", "published": "2025-03-05", "count": 23, "id": "R-3"}
    extra = {"kind": "document", "published": "2025-03-20", "count": 2, "id": "R-13"}
    forward, backward = _score({"records": records + [extra]}), _score({"records": [extra] + records[::-1]})
    assert forward == backward
    (line,) = _lines(forward, "J32")
    assert (line["rule"], line["points"], line["facts"]) == (
        "MONTH_BELOW_QUOTA", "-5", ["MONTH_BELOW_QUOTA.m 2025-03-01~2025-03-31 = 25（R-13、R-3）"])


def test_records_dated_outside_the_period_fall_in_none_of_its_months():
    records = [{"kind": "document", "published": f"2025-{m:02d}-05", "count": 40} for m in range(1, 13)]
    doc = _score({"records": records + [{"kind": "document", "published": "2026-01-03", "count": 1}]})
    assert _lines(doc, "J32") == []


def _copy(tmp_path) -> Path:
    folder = tmp_path / "std"
    shutil.copytree(CLAUSES_DIR, folder)
    return folder


def _refused(folder: Path, file: str, old: str, new: str) -> str:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    return str(err.value)


@pytest.mark.parametrize("file, old, new, message", [
    ("rules/volume.yml", "aggregate: sum, field: count,", "aggregate: sum, field: pages,",
     "when.a.field: a record fact has no number field 'pages'"),
    ("rules/volume.yml", "per: [{every: month, date: published}]", "per: [{every: month, date: title}]",
     "per[0].date: a record fact has no date field 'title'"),
    ("rules/website_veto.yml", "where: {ok: false}, value", "where: {okay: false}, value",
     "when.a.where.okay: a record fact has no field 'okay'"),
    ("rules/website_veto.yml", "of: {fact: record, kind: guide, value: {gte: 4}}", "of: {fact: record, kind: guid, value: {gte: 4}}",
     "when.a.of.kind: unknown kind 'guid'"),
    ("rules/website_veto.yml", "aggregate: share, field: count, of: {fact: record, kind: access_check}, where: {ok: false},",
     "aggregate: share, field: count, of: {fact: record, kind: access_check},",
     "where (the numerator's conditions) goes with aggregate share"),
])
def test_check_names_an_aggregate_that_cannot_be_computed(tmp_path, file, old, new, message, english):
    assert message in _refused(_copy(tmp_path), file, old, new)


def test_an_aggregate_cannot_be_tested_for_absence(tmp_path, english):
    message = _refused(_copy(tmp_path), "rules/annual_report.yml", "    r: {fact: record, kind: annual_report}\n  then",
                       "    r: {aggregate: count, of: {fact: record, kind: annual_report}}\n  then")
    assert "unless: an aggregate cannot be absent" in message


def test_one_limit_for_several_rules_shows_what_it_held_back():
    doc = _score({"records": [{"kind": "column_update", "column": "机构概况", "column_type": "fixed", "date": "2025-03-01"},
                              {"kind": "column_update", "column": "规划计划", "column_type": "regular"}]})
    lines = [(l["rule"], l["points"], l.get("note", "")) for l in _lines(doc, "J34")]
    assert lines == [("UPDATE_CYCLE_REGULAR", "-8", ""), ("UPDATE_CYCLE_FIXED", "-2", ""),
                     ("FLOOR", "8", "本项减分上限 2（原扣 10）")]


@pytest.mark.parametrize("old, new, message", [
    ("max: 7, method: deduct, limit: 2}", "max: 7, method: deduct, limit: 7}",
     "indicator J34: limit 7 is not below its max 7: it can never bind"),
    ("max: 7, method: deduct, limit: 2}", "max: 7, method: deduct, limit: 1}",
     "rule UPDATE_CYCLE_DYNAMIC: then.deduct.points: deducts 2 at once into J34, whose limit is 1"),
])
def test_check_names_a_limit_that_cannot_work(tmp_path, old, new, message, english):
    assert message in _refused(_copy(tmp_path), "criteria.yml", old, new)
