"""engine.conditions.holds, the one comparison outside the engines (stage gates), means what a rule means.

Hypothesis draws a comparison (eq ne lt lte gt gte, a threshold) and record values around it; the
comparison is compiled as a one-rule ruleset and fired on CLIPS and on durable_rules: the records
each engine matches are exactly those for which `holds` says true.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine.conditions import holds

STANDARD_DIR = Path(__file__).resolve().parent / "standards" / "gov-sequence"
OPS = ("eq", "ne", "lt", "lte", "gt", "gte")
# Scores as gates see them: whole points, halves, cents, the gate values themselves.
NUMBERS = st.one_of(st.sampled_from([Decimal(v) for v in ("0", "59.99", "60", "60.00", "60.01", "79.995", "80",
                                                             "80.01", "100", "0.5")]),
                    st.decimals(min_value=0, max_value=130, places=2, allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("op, threshold, value, expected", [
    ("lt", Decimal(60), Decimal("59.99"), True), ("lt", Decimal(60), Decimal("60.00"), False),
    ("lte", Decimal(80), Decimal(80), True), ("lte", Decimal(80), Decimal("80.001"), False),
    ("gt", Decimal(80), Decimal("80.01"), True), ("gte", Decimal(60), 60, True),
    ("eq", Decimal("0.3"), 0.3, True), ("ne", 1, Decimal("1.0"), False),
    ("in", ("a", "b"), "b", True), ("in", (1, 2), Decimal(2), True),
    ("exists", True, None, False), ("exists", False, None, True), ("lt", 1, None, False), ("ne", 1, None, True),
    ("eq", True, 1, False),
])
def test_holds_on_exact_values(op, threshold, value, expected):
    assert holds(op, threshold, value) is expected


def test_holds_refuses_what_cannot_be_compared():
    with pytest.raises(ValueError, match="not a number"):
        holds("lt", 60, "sixty")
    with pytest.raises(ValueError, match="unknown comparison"):
        holds("about", 60, 60)


def _fired(engine: str, op: str, threshold: Decimal, values: list[Decimal]) -> set[str]:
    from scoring.engine.backends import Engine
    from scoring.engine.passes import fire_passes
    from scoring.standard.loader import check_consistency, load_standard_dir
    from scoring.standard.model import RuleSource, Standard
    from scoring.standard.schema import Rule
    from scoring.store.periods import parse_period

    base = load_standard_dir(STANDARD_DIR)
    rule = Rule.model_validate({
        "id": "GATE_LIKE", "title": "比较", "title_en": "Comparison", "rationale": "随机生成", "indicator": "WD1",
        "when": {"r": {"fact": "record", "kind": "access_check", "value": {op: threshold}}},
        "then": {"deduct": {"points": 1, "per": "match"}}, "examples": [{"given": {}, "expect": {"WD1": "30"}}]})
    standard = Standard(criteria=base.criteria, rules=(RuleSource(rule, "rules/random.yml"),), files={})
    check_consistency(standard)
    unit = {"fact": "unit", "id": "unit", "code": "U1", "type": "serves_public", "group": "serves_public"}
    facts = [{"fact": "record", "id": f"record:R{i}", "ref": f"R{i}", "kind": "access_check",
              "value": int(v) if v == v.to_integral_value() else float(v)}  # as the facts builder reads SQL
             for i, v in enumerate(values)]
    period = parse_period("2025")
    with Engine(standard, engine) as running:
        first, second = fire_passes(running, standard, period, period.end, "U1", [unit, *facts])
        running.forget("U1")
    return {m.facts["r"]["ref"] for m in first + second}


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(op=st.sampled_from(OPS), threshold=NUMBERS, values=st.lists(NUMBERS, min_size=1, max_size=6))
@pytest.mark.parametrize("engine", ["clips", "durable"])
def test_holds_means_what_the_same_comparison_means_in_a_rule(engine, op, threshold, values):
    if engine == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    expected = {f"R{i}" for i, v in enumerate(values) if holds(op, threshold, v)}
    assert _fired(engine, op, threshold, values) == expected
