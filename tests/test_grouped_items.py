"""Grouped rectification items score exactly as one fact an item, on both engines.

A run hands the engine one rectification fact per group of items alike in every item field some rule compares
or the tally reads (scoring.engine.matches.item_group_key; the default standard: `overdue` alone), carrying
how many items and every item's id; the tally multiplies per-match and per-count amounts by the group's size
and cites every item. Here a unit is scored through chunks.score_unit both ways (grouped, and with the
grouping switched off) and the whole UnitScore compared: every line, amount, cited item, flag and listed item.
A standard whose rules see items one by one gets one fact an item."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import chunks
from scoring.engine.backends import Engine, installed
from scoring.engine.facts import UnitFacts
from scoring.engine.matches import item_group_key, items_aggregable
from scoring.rectify.items import grouped_rectification_facts, rectification_facts
from scoring.standard import load_default
from scoring.standard.loader import load_standard_dir, shipped_dir
from scoring.standard.model import RuleSource, Standard
from scoring.standard.schema import Rule
from scoring.standard.vocabulary import STATUS_CODES
from scoring.store.periods import parse_period

STANDARD = load_default()
PERIOD = parse_period("2025")
CODES = ["CONTENT_STALE", "INCOMPLETE", "GUIDE_MISSING", "BOARD_MISSING"]
INDICATORS = ["T1", "T2", "C3", "M1", "M2"]
# Around the period's edges and the as-of dates drawn: items due before, on and after the run's date.
DEADLINES = ["2024-11-30", "2025-01-01", "2025-03-31", "2025-06-30", "2025-07-01", "2025-12-31", "2026-01-15"]
AS_OF = ["2025-03-31", "2025-06-30", "2025-12-31", "2026-01-20"]


ENGINES = [e for e in ("clips", "durable") if installed(e)]


def _with(*rules: dict) -> Standard:
    extra = tuple(RuleSource(Rule.model_validate({"title": "组", "title_en": "Group", "rationale": "分组",
                                                  "examples": [{"given": {}, "expect": {"T1": "0"}}], **r}),
                             "rules/extra.yml") for r in rules)
    return Standard(criteria=STANDARD.criteria, rules=STANDARD.rules + extra, files=STANDARD.files)


# Rules reading items in every way that keeps grouping exact: comparing status and period, deducting from
# the item's own indicator per count, joining items to findings on the indicator (per match, and once per
# indicator), a bonus joined to the unit, a flag on the item's indicator with an escalation, a multiplier.
READS = _with(
    {"id": "X_OPEN", "indicator": "M2", "when": {"r": {"fact": "rectification", "status": {"in": ["open", "reopened"]}}},
     "then": {"deduct": {"points": "0.5", "per": "match"}}},
    {"id": "X_OWN", "when": {"r": {"fact": "rectification", "overdue": True}},
     "then": {"deduct": {"points": "0.25", "per": "count"}}},
    {"id": "X_JOIN", "indicator": "T2", "when": {"f": {"fact": "finding", "kind": "defect"},
                                                  "r": {"fact": "rectification", "indicator": {"same": "f.indicator"}}},
     "then": {"deduct": {"points": "0.1", "per": "match"}}},
    {"id": "X_ONCE", "indicator": "C3", "when": {"r": {"fact": "rectification", "overdue": False},
                                                  "f": {"fact": "finding", "indicator": {"same": "r.indicator"}}},
     "then": {"deduct": {"points": "0.3", "per": "match", "once_per": "r.indicator"}}},
    {"id": "X_BONUS", "when": {"u": {"fact": "unit"}, "r": {"fact": "rectification", "status": "verified"}},
     "then": {"bonus": {"points": "0.25", "per": "match"}}},
    {"id": "X_FLAG", "when": {"r": {"fact": "rectification", "overdue": True}},
     "then": {"flag": {"code": "MISSING_METRIC", "indicator": "r.indicator"},
              "escalate": {"at_least": 2, "flag": "FALSIFIED_SUSPECTED"}}},
    {"id": "X_TWICE", "indicator": "M2", "when": {"r": {"fact": "rectification", "period": "2024"}},
     "then": {"multiply": {"fact": "r", "factor": "1.5"}}},
)


@st.composite
def units(draw) -> UnitFacts:
    """A unit's facts and its items as facts.build_facts gives them (this period's, and others' falling due in it)."""
    unit = {"code": "U1", "name": "单位", "type": "city_department", "group": "city_department", "parent": None,
            "self_rows": 0}
    facts = [{"fact": "unit", "id": "unit", "code": "U1", "type": "city_department", "group": "city_department",
              "period_months": 12, "self_assessment_rows": 0}]
    for n in range(draw(st.integers(0, 4))):
        code = draw(st.sampled_from(CODES))
        facts.append({"fact": "finding", "id": f"finding:F{n:02d}", "ref": f"F{n:02d}", "code": code, "kind": "defect",
                      "indicator": draw(st.sampled_from(INDICATORS)), "count": 1, "corrected_on_spot": False,
                      "applicable": True})
    items, carried = [], []
    for n in range(draw(st.integers(0, 14))):
        period = draw(st.sampled_from(["2025", "2025", "2024"]))
        status = draw(st.sampled_from(STATUS_CODES))
        item = {"id": f"R-{period}-F{n:02d}", "unit": "U1", "period": period, "finding": f"{period}-F{n:02d}",
                "rule": draw(st.sampled_from(CODES)), "indicator": draw(st.sampled_from(INDICATORS)),
                "title": "整改", "deadline": draw(st.sampled_from(DEADLINES)), "status": status,
                "rectified_on": draw(st.sampled_from(DEADLINES)) if status in ("rectified", "verified") else None}
        if period == "2025":
            items.append(item)
        elif PERIOD.contains(date.fromisoformat(item["deadline"])):
            carried.append(item)
    return UnitFacts(unit=unit, facts=facts, items=sorted(items, key=lambda i: i["id"]),
                     carried_items=sorted(carried, key=lambda i: i["id"]))


def scored(standard: Standard, engine: str, uf: UnitFacts, as_of: date, grouped: bool, monkeypatch) -> str:
    monkeypatch.setattr(chunks, "item_group_key", item_group_key if grouped else lambda standard: None)
    with Engine(standard, engine) as running:
        return repr(chunks.score_unit(running, standard, PERIOD, as_of, uf))


PROPERTY = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def test_the_default_standard_groups_items_by_overdue_alone():
    assert item_group_key(STANDARD) == ("overdue",)


def test_items_grouped_by_what_the_rules_read():
    # status and period compared, the item's indicator read (deducted from, flagged on, joined on).
    assert item_group_key(READS) == ("indicator", "overdue", "period", "status")


def test_a_group_carries_its_items_ids_and_their_number():
    items = [{"id": f"R-F{n}", "period": "2025", "indicator": "T1", "rule": "CONTENT_STALE", "finding": f"F{n}",
              "status": status, "deadline": deadline} for n, (status, deadline) in enumerate(
        [("open", "2025-03-01"), ("rectified", "2025-03-01"), ("open", "2025-11-30"), ("open", "2025-02-01")])]
    groups = grouped_rectification_facts(items, PERIOD, date(2025, 6, 30), ("overdue",))
    assert groups == [
        {"fact": "rectification", "id": "rectification:R-F0", "ref": "R-F0", "refs": ["R-F0", "R-F3"], "members": 2,
         "count": 2, "overdue": True},
        {"fact": "rectification", "id": "rectification:R-F1", "ref": "R-F1", "refs": ["R-F1", "R-F2"], "members": 2,
         "count": 2, "overdue": False}]
    # Each field as every item's own fact holds it.
    one = {f["ref"]: f for f in rectification_facts(items, {}, PERIOD, date(2025, 6, 30))}
    assert [[one[ref]["overdue"] for ref in group["refs"]] for group in groups] == [[True, True], [False, False]]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("standard", [STANDARD, READS], ids=["the default standard", "rules reading items every way"])
@PROPERTY
@given(uf=units(), as_of=st.sampled_from(AS_OF))
def test_grouped_items_score_as_one_fact_an_item(standard, engine, uf, as_of, monkeypatch):
    day = date.fromisoformat(as_of)
    assert scored(standard, engine, uf, day, True, monkeypatch) == scored(standard, engine, uf, day, False, monkeypatch)


@pytest.mark.skipif(len(ENGINES) < 2, reason="durable_rules is not installed (the [durable] extra)")
@PROPERTY
@given(uf=units(), as_of=st.sampled_from(AS_OF))
def test_both_engines_score_grouped_items_alike(uf, as_of, monkeypatch):
    day = date.fromisoformat(as_of)
    assert scored(READS, "clips", uf, day, True, monkeypatch) == scored(READS, "durable", uf, day, True, monkeypatch)


# Rules that see items one by one: each makes the standard's items one fact an item.
ONE_BY_ONE = {
    "a deadline compared": {"indicator": "M2", "when": {"r": {"fact": "rectification", "deadline": "2025-06-30"}},
                            "then": {"deduct": {"points": "1", "per": "match"}}},
    "the finding compared": {"indicator": "M2", "when": {"r": {"fact": "rectification", "finding": {"exists": True}}},
                             "then": {"deduct": {"points": "1", "per": "match"}}},
    "once per finding": {"indicator": "M2", "when": {"r": {"fact": "rectification", "overdue": True}},
                         "then": {"deduct": {"points": "1", "per": "match", "once_per": "r.finding"}}},
    "items joined with items": {"indicator": "M2", "when": {"r": {"fact": "rectification", "overdue": True},
                                                            "s": {"fact": "rectification", "rule": {"same": "r.rule"}}},
                                "then": {"deduct": {"points": "1", "per": "match"}}},
    "a score per item": {"indicator": "M1", "when": {"r": {"fact": "rectification", "overdue": True}},
                         "then": {"score": {"points": "1"}}},
    "an escalation counting items": {"indicator": None, "when": {"r": {"fact": "rectification", "overdue": True}},
                                     "then": {"flag": {"code": "MISSING_METRIC"},
                                              "escalate": {"at_least": 3, "flag": "FALSIFIED_SUSPECTED"}}},
    "once per key, per count": {"indicator": "M2", "when": {"r": {"fact": "rectification", "overdue": True}},
                                "then": {"deduct": {"points": "1", "per": "count", "once_per": "r.overdue"}}},
}


@pytest.mark.parametrize("name", sorted(ONE_BY_ONE))
def test_a_rule_seeing_items_one_by_one_keeps_one_fact_an_item(name):
    rule = {key: value for key, value in ONE_BY_ONE[name].items() if value is not None}
    standard = _with({"id": "X_ONE", **rule})
    assert not items_aggregable(standard)
    items = [{"id": "R-F1", "period": "2025", "indicator": "M2", "rule": "CONTENT_STALE", "finding": "F1",
              "status": "open", "deadline": "2025-03-01"}]
    assert chunks.item_facts(standard, items, PERIOD, date(2025, 12, 31)) == rectification_facts(
        items, {}, PERIOD, date(2025, 12, 31))


def test_a_standard_with_object_parts_keeps_one_fact_an_item():
    gov = load_standard_dir(shipped_dir("gov-website-2019"))
    assert any(part.objects for part in gov.criteria.parts) and not items_aggregable(gov)
