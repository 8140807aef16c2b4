"""What the engines are sent, and in how many batches, never changes a match.

- A standard without aggregates fires a unit's facts and its later facts (a run: the rectification
  items) as one batch; an `unless` on a kind of the later facts keeps two, where a match made before
  such a fact arrived stands (scoring.engine.passes).
- durable_rules is sent a fact that it would see exactly as the fact before it only once, and hands
  up the match of each (scoring.engine.durable); never for a kind that a rule names twice.
"""

from __future__ import annotations

import pytest

from scoring.engine.backends import Engine
from scoring.engine.passes import fire_passes
from scoring.standard import load_default
from scoring.standard.loader import check_consistency
from scoring.standard.model import RuleSource, Standard
from scoring.standard.schema import Rule
from scoring.store.periods import parse_period

ENGINES = ["clips", pytest.param("durable", marks=pytest.mark.skipif(
    not __import__("importlib").util.find_spec("durable_rules_engine"), reason="durable_rules is not installed"))]
DEFAULT = load_default()
PERIOD = parse_period("2025")
UNIT = {"fact": "unit", "id": "unit", "code": "U1", "type": "district_government", "group": "district_government"}


def _finding(ref: str, code: str, indicator: str, on_spot: bool, **more) -> dict:
    return {"fact": "finding", "id": f"finding:{ref}", "ref": ref, "code": code, "kind": "defect",
            "indicator": indicator, "count": 1, "corrected_on_spot": on_spot, "applicable": True, **more}


# Two findings grouped apart only by corrected_on_spot, which no rule compares (the tally halves by it):
# the facts builder puts such groups next to each other.
ALIKE = [_finding("F1", "CONTENT_STALE", "T1", False), _finding("F2", "CONTENT_STALE", "T1", True)]
OTHERS = [
    {"fact": "previous_finding", "id": "previous:CONTENT_STALE:T1", "ref": "P1", "code": "CONTENT_STALE",
     "kind": "defect", "indicator": "T1", "count": 1, "date": "2024-05-01"},
    {"fact": "self_assessment", "id": "self:T1", "ref": "SA-T1", "indicator": "T1", "claim": "compliant",
     "applicable": True},
]
ITEM = {"fact": "rectification", "id": "rectification:R1", "ref": "R1", "indicator": "T1", "finding": "F1",
        "rule": "CONTENT_STALE", "deadline": "2025-03-01", "status": "open", "period": "2025", "overdue": True}


def _matches(standard: Standard, engine: str, facts: list[dict], later: list[dict] = ()) -> tuple[set, set]:
    with Engine(standard, engine) as running:
        first, second = fire_passes(running, standard, PERIOD, PERIOD.end, "U1", [UNIT, *facts], later=list(later))
        running.forget("U1")
    return _keys(first), _keys(second)


def _keys(matches) -> set:
    return {(m.rule, tuple(sorted((alias, fact["id"]) for alias, fact in m.facts.items()))) for m in matches}


@pytest.mark.parametrize("engine", ENGINES)
def test_one_batch_finds_what_two_batches_find(engine):
    together, after = _matches(DEFAULT, engine, ALIKE + OTHERS, later=[ITEM])
    with Engine(DEFAULT, engine) as running:  # the two batches a run fired before
        apart = _keys(running.fire("U1", [UNIT, *ALIKE, *OTHERS]) + running.fire("U1", [ITEM]))
        running.forget("U1")
    assert after == set()  # one batch: everything in the first
    assert together == apart
    assert ("RECTIFICATION_OVERDUE", (("r", "rectification:R1"),)) in together


def _absence_of_items() -> Standard:
    """A rule that deducts for a finding while no overdue rectification item exists. Standards refuse an `unless`
    on items today (check_consistency: absence of items cannot be judged); the engines are still asked, so that
    a kind the later facts may have one day keeps its meaning."""
    rule = Rule.model_validate({
        "id": "NO_ITEM_YET", "title": "无整改项", "title_en": "No item yet", "rationale": "测试",
        "indicator": "T1", "when": {"f": {"fact": "finding", "code": "CONTENT_STALE"}},
        "unless": {"r": {"fact": "rectification", "overdue": True}},
        "then": {"deduct": {"points": 1, "per": "match"}}, "examples": [{"given": {}, "expect": {"T1": "10"}}]})
    return Standard(criteria=DEFAULT.criteria, rules=(RuleSource(rule, "rules/test.yml"),), files={})


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unless_on_a_later_kind_keeps_two_batches(engine):
    # The item comes in the second batch: the finding's match was made before it and stands, as always.
    first, second = _matches(_absence_of_items(), engine, ALIKE[:1], later=[ITEM])
    assert first == {("NO_ITEM_YET", (("f", "finding:F1"),))}
    assert second == set()
    # In the same batch, the item is there from the start: no match.
    both, _ = _matches(_absence_of_items(), engine, [*ALIKE[:1], ITEM])
    assert both == set()


@pytest.mark.skipif(not __import__("importlib").util.find_spec("durable_rules_engine"),
                    reason="durable_rules is not installed")
def test_alike_facts_are_sent_once_and_each_matches():
    from scoring.engine import durable

    facts = [UNIT, *ALIKE, *OTHERS]
    engine = durable.Engine(DEFAULT)
    try:
        merged = _keys(engine.fire("U1", facts))
        assert len(engine._sessions["U1"].members) == len(facts) - 1  # the second finding was not sent
        engine.forget("U1")
        engine._mergeable = frozenset()  # every fact sent
        each = _keys(engine.fire("U1", facts))
        assert len(engine._sessions["U1"].members) == len(facts)
        engine.forget("U1")
    finally:
        engine.close()
    assert merged == each
    for ref in ("finding:F1", "finding:F2"):  # a one-fact rule and both joins match each finding
        assert ("CONTENT_STALE", (("f", ref),)) in merged
        assert ("REPEAT_FINDING", (("f", ref), ("p", "previous:CONTENT_STALE:T1"))) in merged
        assert ("SELF_REPORT_MISMATCH", (("f", ref), ("s", "self:T1"))) in merged


def _pairs_of_findings() -> Standard:
    """A rule joining two findings of the same code: a kind named twice in one rule."""
    rule = Rule.model_validate({
        "id": "TWICE", "title": "同一问题两次", "title_en": "Twice", "rationale": "测试", "indicator": "T1",
        "when": {"f": {"fact": "finding", "code": "CONTENT_STALE"},
                 "g": {"fact": "finding", "code": {"same": "f.code"}, "indicator": {"same": "f.indicator"}}},
        "then": {"deduct": {"points": 1, "per": "match"}}, "examples": [{"given": {}, "expect": {"T1": "10"}}]})
    standard = Standard(criteria=DEFAULT.criteria, rules=(RuleSource(rule, "rules/test.yml"),), files={})
    check_consistency(standard)
    return standard


@pytest.mark.skipif(not __import__("importlib").util.find_spec("durable_rules_engine"),
                    reason="durable_rules is not installed")
def test_a_kind_a_rule_names_twice_is_always_sent_fact_by_fact():
    found, _ = _matches(_pairs_of_findings(), "durable", ALIKE)
    # Sent once, the two alike findings could never be paired: each is, both ways.
    assert ("TWICE", (("f", "finding:F1"), ("g", "finding:F2"))) in found
    assert ("TWICE", (("f", "finding:F2"), ("g", "finding:F1"))) in found


@pytest.mark.skipif(not __import__("importlib").util.find_spec("durable_rules_engine"),
                    reason="durable_rules is not installed")
def test_rules_alike_in_patterns_are_one_durable_rule_and_each_matches():
    from scoring.engine import durable

    engine = durable.Engine(DEFAULT)
    try:
        # The default standard's five rules on the unit fact alone, and the anchor, are one rule in the engine.
        assert len(engine._names) == len(engine.definition) - 5
        found = _keys(engine.fire("U1", [UNIT]))
        engine.forget("U1")
    finally:
        engine.close()
    with Engine(DEFAULT, "clips") as clips:
        assert found == _keys(clips.fire("U1", [UNIT]))
        clips.forget("U1")
    assert {rule for rule, _ in found} == {"INFO_SUBMISSIONS_MISSING", "CONTACTS_MISSING", "SELF_ASSESSMENT_MISSING",
                                           "SURVEY_MISSING", "WINDOW_RATINGS_NONE"}
