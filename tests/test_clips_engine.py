"""The CLIPS backend on its own: hostile text in rules and facts stays data, NUL is refused plainly,
and a unit's facts meet only its own (these run wherever clipspy does; the durable_rules case skips
without it)."""

from __future__ import annotations

import pytest

from scoring.engine.backends import Engine
from scoring.standard import load_default
from scoring.standard.model import RuleSource, Standard
from scoring.standard.schema import Rule

STANDARD = load_default()
HOSTILE = '") (defrule evil (unit) => (exit)) ("\\'


def one_rule(when: dict, unless: dict | None = None) -> Standard:
    rule = Rule.model_validate({"id": "PROBE", "title": "探", "title_en": "Probe", "rationale": "探", "indicator": "T1",
                                "when": when, "unless": unless or {}, "then": {"flag": {"code": "MISSING_METRIC"}},
                                "examples": [{"given": {}, "expect": {"T1": "5"}}]})
    return Standard(criteria=STANDARD.criteria, rules=(RuleSource(rule, "rules/probe.yml"),), files={})


def unit(*facts: dict) -> list[dict]:
    return [{"fact": "unit", "id": "unit", "code": "U1", "type": "city_department", "group": "city_department"},
            *({"fact": "finding", "id": f"f{i}", **f} for i, f in enumerate(facts))]


def test_a_rule_constant_full_of_clips_syntax_is_one_string_and_matches_only_itself():
    standard = one_rule({"f": {"fact": "finding", "inspector": HOSTILE}})
    with Engine(standard, "clips") as engine:
        found = engine.fire("U1", unit({"inspector": HOSTILE}, {"inspector": "evil"}, {"inspector": HOSTILE[:-1]}))
    assert [m.facts["f"]["id"] for m in found] == ["f0"]


def test_fact_text_is_never_read_as_clips():
    standard = one_rule({"f": {"fact": "finding", "code": {"ne": "X"}}})
    with Engine(standard, "clips") as engine:
        found = engine.fire("U1", unit({"code": HOSTILE}, {"code": "X"}, {"code": "(assert (unit))"}))
    assert sorted(m.facts["f"]["id"] for m in found) == ["f0", "f2"]


def test_a_nul_character_in_a_fact_is_refused_with_the_unit_and_fact_named():
    standard = one_rule({"f": {"fact": "finding", "code": "A"}})
    with Engine(standard, "clips") as engine, pytest.raises(ValueError) as refused:
        engine.fire("U1", unit({"code": "A\x00B"}))
    assert "单位 U1 的事实 'f0' 含 NUL 字符" in str(refused.value)
    assert "remove it from the input" in str(refused.value)


@pytest.mark.parametrize("engine_name", ["clips", "durable"])
def test_two_live_units_meet_only_their_own_facts_and_unless_is_per_unit(engine_name):
    """The same on both engines (durable_rules once dropped a match only when its `unless` fact came in the same batch)."""
    if engine_name == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    standard = one_rule({"f": {"fact": "finding", "code": "A"}}, {"g": {"fact": "finding", "code": "B"}})
    with Engine(standard, engine_name) as engine:
        first = engine.fire("U1", unit({"code": "A"}))
        second = engine.fire("U2", unit({"code": "B"}))
        assert [m.rule for m in first] == ["PROBE"] and second == []
        # a later batch of U1 that brings a B: nothing new (the earlier match was handed up already)
        assert engine.fire("U1", [{"fact": "finding", "id": "late", "code": "B"}]) == []
        # and in U2, an A arriving after its B is suppressed: unless holds across a unit's batches
        assert engine.fire("U2", [{"fact": "finding", "id": "late", "code": "A"}]) == []
        engine.forget("U1")
        engine.forget("U2")


def test_lint_refuses_a_same_join_among_any_alternatives(english):
    """durable_rules refuses a unit's whole batch when such a join meets a missing field: both engines must
    accept the same rules, so the standard check names the construct instead."""
    from scoring.standard.lint import consistency_problems

    standard = one_rule({"a": {"fact": "finding"},
                         "b": {"fact": "finding", "any": [{"code": {"same": "a.code"}}, {"count": {"gt": 1}}]}})
    assert consistency_problems(standard) == [
        "rules/probe.yml: rule PROBE: when.b.any.code: a same: join cannot be one of any:'s alternatives; "
        "write a rule per alternative instead"]


@pytest.mark.parametrize("fixed", ["A", {"in": ["A", "B"]}])
def test_a_join_on_a_field_the_other_pattern_fixes_compiles_and_matches(fixed):
    """CLIPS once refused `same: a.code` when a's code was a constant (its constraint check, CSTRNCHK1)."""
    standard = one_rule({"a": {"fact": "finding", "code": fixed}, "b": {"fact": "finding", "code": {"same": "a.code"}}})
    with Engine(standard, "clips") as engine:
        found = engine.fire("U1", unit({"code": "A"}, {"code": "A"}, {"code": "C"}, {}))
    assert sorted((m.facts["a"]["id"], m.facts["b"]["id"]) for m in found) == [("f0", "f1"), ("f1", "f0")]


def test_a_unit_forgotten_while_another_lives_leaves_that_ones_facts_and_joins():
    """CLIPS tags a unit's facts with its sid only when another unit is live: forgetting the untagged one must
    retract exactly its facts, and the other unit's later facts still join only with its own. (CLIPS only:
    durable_rules 2.0.28 crashes the process when a unit is fired into after another live unit was deleted,
    which is why it scores one unit at a time.)"""
    standard = one_rule({"a": {"fact": "finding", "code": "A"}, "b": {"fact": "finding", "code": "B"}})
    with Engine(standard, "clips") as engine:
        assert engine.fire("U1", unit({"code": "A"})) == []  # started alone
        assert engine.fire("U2", unit({"code": "A"})) == []  # started beside U1
        engine.forget("U1")
        assert sorted(f["id"] for f in engine._engine._env.facts()) == [0, 1]  # U2's unit and finding, U1's gone
        found = engine.fire("U2", [{"fact": "finding", "id": "b", "code": "B"}])
        assert [(m.facts["a"]["id"], m.facts["b"]["id"]) for m in found] == [("f0", "b")]  # U2's A, once: U1's is gone
        assert engine.fire("U3", unit({"code": "B"})) == []  # started beside U2: U2's A is not U3's
        engine.forget("U2")
        engine.forget("U3")
        assert engine.fire("U4", unit({"code": "A"}, {"code": "B"})) != []  # alone again, after both


@pytest.mark.parametrize("engine_name", ["clips", "durable"])
def test_more_matches_than_a_slice_all_come_back_and_nothing_is_printed(engine_name, capfd):
    """CLIPS reads matches a slice of firings at a time (it then writes "rule firing limit reached" to stdout,
    which must never reach a command's output); durable_rules reads them by position from each message."""
    if engine_name == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    standard = one_rule({"a": {"fact": "finding", "code": "A"}, "b": {"fact": "finding", "code": "B"}})
    facts = unit(*[{"code": "A"}] * 40, *[{"code": "B"}] * 3)
    with Engine(standard, engine_name) as engine:
        found = engine.fire("U1", facts)
        engine.forget("U1")
    pairs = sorted((m.facts["a"]["id"], m.facts["b"]["id"]) for m in found)
    assert pairs == sorted((f"f{a}", f"f{b}") for a in range(40) for b in range(40, 43))
    assert capfd.readouterr() == ("", "")


def test_durable_reads_fact_positions_only_where_they_are_keys():
    """A compared field holding the very text durable_rules' messages are read by stays data."""
    pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    tricky = '{"fact":"finding","id":0,"sid":"U1"}'
    standard = one_rule({"f": {"fact": "finding", "code": "A"}, "g": {"fact": "finding", "inspector": {"ne": "X"}}})
    with Engine(standard, "durable") as engine:
        found = engine.fire("U1", unit({"code": "A", "inspector": "X"}, {"code": "B", "inspector": tricky}))
        engine.forget("U1")
    assert [(m.facts["f"]["id"], m.facts["g"]["id"]) for m in found] == [("f0", "f1")]


def test_durable_forgets_a_unit_it_never_held():
    """No fact of a kind a rule names reached the engine: forgetting the unit is a no-op, never an engine error."""
    pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    standard = one_rule({"f": {"fact": "finding", "code": "A"}})
    with Engine(standard, "durable") as engine:
        assert engine.fire("U1", [{"fact": "record", "id": "r1", "kind": "x"}]) == []
        engine.forget("U1")
        engine.forget("never-fired")
        assert [m.rule for m in engine.fire("U1", unit({"code": "A"}))] == ["PROBE"]
        engine.forget("U1")
