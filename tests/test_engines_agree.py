"""The two rules engines agree: the same matches and the same scorecards, whatever the unit and the rules.

CLIPS (the default install) and durable_rules (the [durable] extra) compile the same rule files.
Hypothesis draws random units (findings, previous findings, self-assessments, surveys, metrics,
rectification items) and random rules within the schema (that lint accepts), fires both engines in
two batches per unit as scoring does, and asserts identical matches, as sets of (rule, alias -> fact)
(durable_rules alone reports a fact meeting two `any:` alternatives twice; engine.backends hands
each match up once for both), and identical tallies. Random units of the default standard are
scored end to end on both (every scorecard document equal). Skipped without durable_rules.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
pytest.importorskip("clips", reason="clipspy is not installed")

from scoring.engine.backends import Engine  # noqa: E402
from scoring.engine.examples import score_example  # noqa: E402
from scoring.engine.tally import tally  # noqa: E402
from scoring.standard import load_default  # noqa: E402
from scoring.standard.loader import check_consistency  # noqa: E402
from scoring.standard.model import RuleSource, Standard, StandardError  # noqa: E402
from scoring.standard.schema import FIELD_TYPES, Example, Rule  # noqa: E402
from scoring.standard.vocabulary import CLAIM_CODES, STATUS_CODES  # noqa: E402

AGREE = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
STANDARD = load_default()
CODES = sorted(STANDARD.criteria.finding_codes)
INDICATORS = sorted(STANDARD.indicators)
# The kinds of the default standard's inputs; dated records, the period and aggregates have their own
# generator (tests/test_engines_agree_dated.py: date fields are compared only through named dates).
DATED = ("record", "period", "aggregate")
TYPES = {**{kind: types for kind, types in FIELD_TYPES.items() if kind not in DATED},
         "metrics": {name: "number" for name in STANDARD.criteria.metrics}}
# Small pools, so that conditions and joins meet the facts often; a quote, a backslash and CLIPS syntax
# in text, since rule constants become CLIPS source text (facts never do).
TEXTS = ["A", "B", "T1", "C3", "CONTENT_STALE", "compliant", "open", "2025-03-01", 'say "hi" \\ (x) ;', "代码"]
# Rule constants are Decimal (as YAML is read); facts hold what SQLite's JSON gives: int and float.
CONSTANTS = [0, 1, 2, 3, Decimal("0.5"), Decimal("1.5"), Decimal("2"), Decimal("2.00"), Decimal("0.3")]
NUMBERS = [0, 1, 2, 3, 0.5, 1.5, 2.0, 0.30000000000000004, 0.3, 1 / 3]
VALUES = {"text": st.sampled_from(TEXTS), "number": st.sampled_from(NUMBERS), "bool": st.booleans()}
RULE_VALUES = {**VALUES, "number": st.sampled_from(CONSTANTS)}


def value_of(kind: str, field: str, values=RULE_VALUES):
    return values[TYPES[kind][field]]


# ---------------------------------------------------------------- random units


@st.composite
def facts(draw):
    """One unit's facts: exactly one unit fact, a few of every other kind, fields now and then missing
    (the facts builder drops nulls: the engines never see one)."""
    out = []
    for kind in TYPES:
        for n in range(1 if kind == "unit" else draw(st.integers(0, 3 if kind in ("finding", "rectification") else 2))):
            fact = {"fact": kind, "id": f"{kind}:{n}"}
            for field in TYPES[kind]:
                if draw(st.sampled_from([True] * 6 + [False])):
                    fact[field] = draw(value_of(kind, field, VALUES))
            if kind == "unit":
                fact.update(code="U1", type="city_department", group="city_department")
            out.append(fact)
    return out


# ---------------------------------------------------------------- random rules within the schema


@st.composite
def condition(draw, kind: str, earlier: list[tuple[str, str]], joins: bool = True):
    field = draw(st.sampled_from(sorted(TYPES[kind])))
    kind_of_value = TYPES[kind][field]
    ops = ["value", "eq", "ne", "in", "exists"] + (["lt", "lte", "gt", "gte"] if kind_of_value == "number" else [])
    partners = [(alias, other, f) for alias, other in earlier for f, t in TYPES[other].items() if t == kind_of_value]
    if joins and partners:
        ops += ["same"] * 3
    op = draw(st.sampled_from(ops))
    if op == "value":
        return field, draw(value_of(kind, field))
    if op == "in":
        return field, {"in": draw(st.lists(value_of(kind, field), min_size=1, max_size=3))}
    if op == "exists":
        return field, {"exists": draw(st.booleans())}
    if op == "same":
        alias, _, other_field = draw(st.sampled_from(partners))
        return field, {"same": f"{alias}.{other_field}"}
    return field, {op: draw(value_of(kind, field))}


@st.composite
def pattern(draw, earlier: list[tuple[str, str]]):
    kind = draw(st.sampled_from([k for k in TYPES if TYPES[k]]))
    out = {"fact": kind}
    for _ in range(draw(st.integers(0, 2))):
        field, cond = draw(condition(kind, earlier))
        out[field] = cond
    if draw(st.integers(0, 3)) == 0:
        # No `same:` inside `any:`: durable_rules refuses a whole batch when such a join meets a missing
        # field (its error 311), so lint refuses that construct (CLIPS would handle it).
        out["any"] = [dict(draw(st.lists(condition(kind, earlier, joins=False), min_size=1, max_size=2)))
                      for _ in range(draw(st.integers(1, 3)))]
    return kind, out


@st.composite
def rule(draw, number: int):
    when, earlier = {}, []
    for alias in ("a", "b", "c")[:draw(st.sampled_from([1, 1, 2, 2, 3]))]:
        kind, when[alias] = draw(pattern(earlier))
        earlier.append((alias, kind))
    unless = {}
    if draw(st.integers(0, 2)) == 0:
        unless["n"] = draw(pattern(earlier))[1]
    then = draw(st.sampled_from([{"flag": {"code": "MISSING_METRIC"}},
                                 {"deduct": {"points": Decimal("0.5"), "per": "match"}},
                                 {"deduct": {"points": 1, "per": "count"}},
                                 {"bonus": {"points": Decimal("0.25")}}]))
    return {"id": f"R{number}", "title": "随机", "title_en": "Random", "rationale": "随机生成",
            "indicator": draw(st.sampled_from(INDICATORS)), "when": when, "unless": unless, "then": then,
            "examples": [{"given": {}, "expect": {"T1": "0"}}]}


@st.composite
def standards(draw):
    """The default criteria with 1-4 random rules that the schema and lint accept."""
    sources = []
    for number in range(draw(st.integers(1, 4))):
        sources.append(RuleSource(Rule.model_validate(draw(rule(number))), "rules/random.yml"))
    standard = Standard(criteria=STANDARD.criteria, rules=tuple(sources), files={})
    try:
        check_consistency(standard)
    except StandardError:
        assume(False)
    return standard


def key(match) -> tuple:
    return match.rule, tuple(sorted((alias, fact["id"]) for alias, fact in match.facts.items()))


def fired(engine: str, standard: Standard, unit_facts: list[dict], split: int) -> list:
    """The matches of a unit's facts fired in two batches, as scoring fires findings then rectification items."""
    with Engine(standard, engine) as running:
        matches = running.fire("U1", unit_facts[:split]) + running.fire("U1", unit_facts[split:])
        running.forget("U1")
    return matches


@AGREE
@given(standard=standards(), unit_facts=facts(), data=st.data())
def test_random_rules_match_the_same_facts_on_both_engines(standard, unit_facts, data):
    split = data.draw(st.integers(1, len(unit_facts)))
    clips, durable = fired("clips", standard, unit_facts, split), fired("durable", standard, unit_facts, split)
    assert sorted(map(key, clips)) == sorted(set(map(key, clips))), "a match handed up twice"
    assert set(map(key, clips)) == set(map(key, durable))
    unit = unit_facts[0]
    assert repr(tally(standard, unit, clips)) == repr(tally(standard, unit, durable))


# ---------------------------------------------------------------- random units of the default standard


@st.composite
def examples(draw):
    """A unit's inputs as a rule example gives them: scored through the whole pipeline on each engine."""
    def finding():
        return {"code": draw(st.sampled_from(CODES)), "count": draw(st.integers(1, 3)),
                "corrected_on_spot": draw(st.booleans()), "indicator": draw(st.sampled_from(INDICATORS))}

    given = {
        "unit": {"type": draw(st.sampled_from(["city_department", "district", "township"]))},
        "findings": [finding() for _ in range(draw(st.integers(0, 5)))],
        "previous_findings": [finding() for _ in range(draw(st.integers(0, 3)))],
        "self_assessments": [{"indicator": i, "claim": draw(st.sampled_from(CLAIM_CODES))}
                             for i in draw(st.lists(st.sampled_from(INDICATORS), max_size=4, unique=True))],
        "metrics": {m: draw(st.sampled_from(["0", "1", "2.5", "10", "12"]))
                    for m in draw(st.lists(st.sampled_from(sorted(STANDARD.criteria.metrics)), unique=True))},
    }
    if draw(st.booleans()):
        answers = st.integers(0, 12)
        given["survey"] = {"satisfied": draw(answers), "basically_satisfied": draw(answers),
                           "unsatisfied": draw(answers), "dont_know": draw(answers)}
        if draw(st.booleans()):
            given["survey"]["issued"] = draw(st.integers(1, 60))
    if draw(st.booleans()):
        given["as_of"] = draw(st.sampled_from(["2026-01-20", "2026-03-31"]))  # some rectification items overdue
    return Example.model_validate({"given": given, "expect": {"T1": "0"}})


def assert_engines_agree(standard, example) -> None:
    """The example's whole scorecard is the same on both engines, or both refuse its input alike."""
    try:
        clips = score_example(standard, example, "clips")
    except (KeyError, ValueError) as exc:  # an input the example workspace refuses: refused by both
        with pytest.raises(type(exc)):
            score_example(standard, example, "durable")
        return
    assert clips == score_example(standard, example, "durable")


@settings(AGREE, max_examples=30)
@given(example=examples())
def test_random_units_of_the_default_standard_get_the_same_scorecard_on_both_engines(example):
    assert_engines_agree(STANDARD, example)
    assert STATUS_CODES  # the rectification items of the document are among what is compared
