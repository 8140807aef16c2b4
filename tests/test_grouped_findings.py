"""Grouped findings score exactly as one fact a finding: random units of the default standard, on both engines.

A run hands the engine one finding fact per group of findings alike in every field a rule compares
(scoring.engine.facts); the tally multiplies per-match amounts by the group's size and cites every
finding. Here a unit's findings are grouped as the facts SQL groups them and the two tallies compared
whole (every line, amount, cited finding and flag)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine.backends import Engine, installed
from scoring.engine.matches import findings_aggregable
from scoring.engine.tally import tally
from scoring.standard import load_default

STANDARD = load_default()
CODES = sorted(STANDARD.criteria.finding_codes)[:12]
INDICATORS = ["T1", "T2", "C3", "M1", "S2"]
CLAIMS = ["compliant", "partial", "noncompliant"]


@st.composite
def units(draw) -> list[dict]:
    facts = [{"fact": "unit", "id": "unit", "code": "U1", "type": "city_department", "group": "city_department",
              "period_months": 12, "self_assessment_rows": 1}]
    for n in range(draw(st.integers(0, 12))):
        code = draw(st.sampled_from(CODES))
        fact = {"fact": "finding", "id": f"finding:F{n:02d}", "ref": f"F{n:02d}", "code": code,
                "kind": STANDARD.criteria.finding_codes[code].kind, "count": draw(st.integers(1, 3)),
                "corrected_on_spot": draw(st.booleans()), "applicable": draw(st.booleans())}
        fixed = STANDARD.criteria.finding_codes[code].indicator  # "given": the finding names it (import checks)
        indicator = draw(st.sampled_from(INDICATORS if fixed == "given" else [None, fixed]))
        if indicator:
            fact["indicator"] = indicator
        facts.append(fact)
    for n, code in enumerate(draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True))):
        facts.append({"fact": "previous_finding", "id": f"previous:{n}", "ref": f"P{n}", "code": code,
                      "kind": "defect", "indicator": draw(st.sampled_from(INDICATORS)), "count": 1})
    for indicator in draw(st.lists(st.sampled_from(INDICATORS), max_size=3, unique=True)):
        facts.append({"fact": "self_assessment", "id": f"self:{indicator}", "ref": f"SA-{indicator}",
                      "indicator": indicator, "claim": draw(st.sampled_from(CLAIMS)), "applicable": True})
    return facts


def grouped(facts: list[dict]) -> list[dict]:
    """The findings grouped as facts._GROUPED_FINDING groups them; the other facts as they are."""
    groups: dict[tuple, list[dict]] = {}
    for fact in facts:
        if fact["fact"] == "finding":
            key = tuple(fact.get(f) for f in ("code", "indicator", "corrected_on_spot", "applicable"))
            groups.setdefault(key, []).append(fact)
    out = [f for f in facts if f["fact"] != "finding"]
    for members in groups.values():
        first = min(members, key=lambda f: f["ref"])
        out.append({**first, "refs": sorted(f["ref"] for f in members), "members": len(members),
                    "count": sum(f["count"] for f in members)})
    return out


def scored(engine: str, facts: list[dict]):
    with Engine(STANDARD, engine) as running:
        matches = running.fire("U1", facts)
        running.forget("U1")
    return tally(STANDARD, facts[0], matches)


def test_the_default_standard_s_findings_may_be_grouped():
    assert findings_aggregable(STANDARD)


@pytest.mark.parametrize("engine", [e for e in ("clips", "durable") if installed(e)])
@settings(max_examples=80, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(facts=units())
def test_grouped_findings_tally_as_one_fact_a_finding(engine, facts):
    assert repr(scored(engine, grouped(facts))) == repr(scored(engine, facts))


def _with(*rules: dict):
    from scoring.standard.model import RuleSource, Standard
    from scoring.standard.schema import Rule

    extra = tuple(RuleSource(Rule.model_validate({"title": "组", "title_en": "Group", "rationale": "分组",
                                                  "examples": [{"given": {}, "expect": {"T1": "0"}}], **r}),
                             "rules/extra.yml") for r in rules)
    return Standard(criteria=STANDARD.criteria, rules=STANDARD.rules + extra, files=STANDARD.files)


# Rules that count matches, not findings' counts: each grouped match stands for the group's size.
PER_MATCH = _with(
    {"id": "X_PER_MATCH", "indicator": "T2", "when": {"f": {"fact": "finding", "kind": "defect"}},
     "then": {"deduct": {"points": "0.5", "per": "match"}}},
    {"id": "X_REPEAT", "indicator": "T2", "when": {"f": {"fact": "finding", "kind": "defect"},
                                                    "p": {"fact": "previous_finding", "code": {"same": "f.code"}}},
     "then": {"deduct": {"points": "0.25", "per": "match"}}},
    {"id": "X_BONUS", "when": {"f": {"fact": "finding", "kind": "bonus"}}, "then": {"bonus": {"points": "0.5", "per": "match"}}},
)


@pytest.mark.parametrize("engine", [e for e in ("clips", "durable") if installed(e)])
@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(facts=units())
def test_per_match_amounts_count_every_finding_of_a_group(engine, facts):
    assert findings_aggregable(PER_MATCH)
    with Engine(PER_MATCH, engine) as running:
        one_by_one = tally(PER_MATCH, facts[0], running.fire("U1", facts))
        running.forget("U1")
        groups = tally(PER_MATCH, facts[0], running.fire("U2", grouped(facts)))
    assert repr(groups) == repr(one_by_one)


def test_a_rule_joining_findings_with_findings_keeps_one_fact_a_finding():
    pairs = _with({"id": "X_PAIR", "indicator": "T2", "when": {"f": {"fact": "finding", "kind": "defect"},
                                                                "g": {"fact": "finding", "code": {"same": "f.code"}}},
                   "then": {"deduct": {"points": "0.25", "per": "match"}}})
    assert not findings_aggregable(pairs)


@pytest.mark.parametrize("earn", [
    {"scale": "completion_rate", "value": "f.count"},  # an amount a match, by value: never multiplied by a group
    {"points": "1", "per": "match", "once_per": "f.date"},  # once per date: a group has no date
])
def test_a_rule_earning_per_finding_keeps_one_fact_a_finding(earn):
    earning = _with({"id": "X_EARN", "indicator": "T2", "when": {"f": {"fact": "finding", "kind": "bonus"}},
                     "then": {"earn": earn}})
    assert not findings_aggregable(earning)
