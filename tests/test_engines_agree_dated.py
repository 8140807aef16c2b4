"""The two rules engines agree on dated records and aggregates, whatever the records and the rules.

Hypothesis draws a unit's record facts (dates in 2025 around the National Day holidays, numbers
that are integers and floats, flags, some fields missing) and random rules over them within the
rule language: comparisons with named dates, durations between two dates in days, working days
and months (floats), the period fact, and aggregates (count, sum, share, max, min; per month or
per column type, zero-filled) whose values are compared in the second pass. Both passes run as a
run fires them (scoring.engine.passes), on CLIPS and on durable_rules, and the matches and the
tallies must be identical. Random units of the real-clauses standard are scored end to end on both.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
pytest.importorskip("clips", reason="clipspy is not installed")

from scoring.engine.backends import Engine  # noqa: E402
from test_engines_agree import assert_engines_agree  # noqa: E402
from scoring.engine.passes import fire_passes  # noqa: E402
from scoring.engine.tally import tally  # noqa: E402
from scoring.standard.loader import check_consistency, load_standard_dir  # noqa: E402
from scoring.standard.model import RuleSource, Standard, StandardError  # noqa: E402
from scoring.standard.schema import Example, Rule  # noqa: E402
from scoring.store.periods import parse_period  # noqa: E402

AGREE = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
CLAUSES = load_standard_dir(Path(__file__).resolve().parent / "standards" / "real-clauses")
PERIOD = parse_period("2025")
KINDS = sorted(CLAUSES.criteria.record_kinds)[:3] + ["document"]
COLUMN_TYPES = sorted(CLAUSES.criteria.column_types)
NAMED = sorted(CLAUSES.criteria.dates)
DATE_FIELDS = ("date", "formed", "published", "replied")
# Around the 2025 National Day holidays (10-01..10-08, 09-28 and 10-11 worked), month ends, the period's edges.
DATES = ["2025-01-01", "2025-01-31", "2025-03-15", "2025-06-15", "2025-06-16", "2025-09-26", "2025-09-27",
         "2025-09-30", "2025-10-08", "2025-10-30", "2025-10-31", "2025-12-30", "2025-12-31"]
NUMBERS = [0, 1, 2, 3, 40, 0.5, 1.5, 2.0, 0.3, 1 / 3]
CONSTANTS = [0, 1, 2, 3, 20, 40, Decimal("0.5"), Decimal("1.5"), Decimal("0.3"), Decimal("3.5"), Decimal("0.25")]
ORDER = ["lt", "lte", "gt", "gte", "eq"]
INDICATORS = ["J11", "J12", "J32", "J34"]  # J34 has a limit shared by its rules


@st.composite
def records(draw):
    """One unit's record facts as the facts builder makes them (missing fields left out)."""
    out = []
    for n in range(draw(st.integers(0, 6))):
        fact = {"fact": "record", "id": f"record:R{n}", "ref": f"R{n}", "kind": draw(st.sampled_from(KINDS))}
        optional = {"column_type": st.sampled_from(COLUMN_TYPES), "value": st.sampled_from(NUMBERS),
                    "ok": st.booleans(), "count": st.sampled_from([1, 2, 40]),
                    **{f: st.sampled_from(DATES) for f in DATE_FIELDS}}
        for field, values in optional.items():
            if draw(st.integers(0, 3)):
                fact[field] = draw(values)
        out.append(fact)
    return out


@st.composite
def record_pattern(draw, dated: bool = True):
    out = {"fact": "record"}
    if draw(st.booleans()):
        out["kind"] = draw(st.sampled_from(KINDS))
    choices = ["value", "count", "ok", "column_type"] + (["date", "between"] * 2 if dated else [])
    for choice in draw(st.lists(st.sampled_from(choices), max_size=2, unique=True)):
        if choice in ("value", "count"):
            out[choice] = {draw(st.sampled_from(ORDER)): draw(st.sampled_from(CONSTANTS))}
        elif choice == "ok":
            out["ok"] = draw(st.booleans())
        elif choice == "column_type":
            out["column_type"] = {"in": draw(st.lists(st.sampled_from(COLUMN_TYPES), min_size=1, max_size=2))}
        elif choice == "date":
            field = draw(st.sampled_from(DATE_FIELDS))
            out[field] = {draw(st.sampled_from(ORDER)): {"date": draw(st.sampled_from(NAMED))}}
        else:
            start, end = draw(st.lists(st.sampled_from(DATE_FIELDS), min_size=2, max_size=2, unique=True))
            between = {"from": start, "to": end, "in": draw(st.sampled_from(["days", "workdays", "months"])),
                       draw(st.sampled_from(ORDER)): draw(st.sampled_from(CONSTANTS))}
            if draw(st.booleans()):
                between["missing_to"] = draw(st.sampled_from(["as_of", "period_end"]))
            out["between"] = [between]
    return out


@st.composite
def aggregate_pattern(draw):
    kind = draw(st.sampled_from(["count", "sum", "share", "max", "min"]))
    out = {"aggregate": kind, "of": draw(record_pattern())}
    if kind in ("sum", "max", "min"):
        out["field"] = draw(st.sampled_from(["value", "count"]))
    if kind == "share":
        out["where"] = {"ok": True} if draw(st.booleans()) else {"value": {"gt": draw(st.sampled_from(CONSTANTS))}}
    per = draw(st.sampled_from(["none", "month", "quarter", "column_type"]))
    if per in ("month", "quarter"):
        out["per"] = [{"every": per, "date": draw(st.sampled_from(DATE_FIELDS))}]
    elif per == "column_type":
        out["per"] = [{"field": "column_type", "values": COLUMN_TYPES[:2]}]
    out["value"] = {draw(st.sampled_from(ORDER)): draw(st.sampled_from(CONSTANTS))}
    return out


@st.composite
def rule(draw, number: int):
    shape = draw(st.sampled_from(["record", "records", "period", "aggregate", "aggregate"]))
    unless = {}
    if shape == "aggregate":
        when = {"m": draw(aggregate_pattern())}
    elif shape == "period":
        when = {"p": {"fact": "period", draw(st.sampled_from(["period_end", "as_of"])):
                      {draw(st.sampled_from(ORDER)): {"date": draw(st.sampled_from(NAMED))}}},
                "r": draw(record_pattern())}
    else:
        when = {"r": draw(record_pattern())}
        if shape == "records":
            when["s"] = {**draw(record_pattern()), "kind": {"same": "r.kind"}}
        if draw(st.integers(0, 2)) == 0:
            unless["n"] = draw(record_pattern(dated=draw(st.booleans())))
    then = draw(st.sampled_from([{"deduct": {"points": Decimal("0.5"), "per": "match"}},
                                 {"deduct": {"points": 1, "per": "match"}}]))
    return {"id": f"R{number}", "title": "随机", "title_en": "Random", "rationale": "随机生成",
            "indicator": draw(st.sampled_from(INDICATORS)), "when": when, "unless": unless, "then": then,
            "examples": [{"given": {}, "expect": {"J11": "0"}}]}


@st.composite
def standards(draw):
    """The real-clauses criteria (named dates, record kinds, a limit) with 1-4 random rules lint accepts."""
    sources = []
    for number in range(draw(st.integers(1, 4))):
        try:
            sources.append(RuleSource(Rule.model_validate(draw(rule(number))), "rules/random.yml"))
        except ValueError:
            assume(False)
    standard = Standard(criteria=CLAUSES.criteria, rules=tuple(sources), files={})
    try:
        check_consistency(standard)
    except StandardError:
        assume(False)
    return standard


def key(match) -> tuple:
    return match.rule, tuple(sorted((alias, fact["id"]) for alias, fact in match.facts.items()))


UNIT = {"fact": "unit", "id": "unit", "code": "U1", "type": "A", "group": "A"}


def passes(engine: str, standard: Standard, facts: list[dict], as_of: date) -> list:
    with Engine(standard, engine) as running:
        first, second = fire_passes(running, standard, PERIOD, as_of, "U1", [UNIT, *facts])
        running.forget("U1")
    return first + second


@AGREE
@given(standard=standards(), facts=records(), as_of=st.sampled_from([date(2025, 12, 31), date(2025, 10, 31)]))
def test_random_dated_and_aggregate_rules_match_the_same_facts_on_both_engines(standard, facts, as_of):
    clips, durable = passes("clips", standard, facts, as_of), passes("durable", standard, facts, as_of)
    assert sorted(map(key, clips)) == sorted(set(map(key, clips))), "a match handed up twice"
    assert set(map(key, clips)) == set(map(key, durable))
    assert repr(tally(standard, UNIT, clips)) == repr(tally(standard, UNIT, durable))


def test_the_random_rules_reach_every_new_construct():
    """The generator is not vacuous: some drawn rules select aggregates and compare date-derived fields."""
    seen: set[str] = set()

    @settings(AGREE, max_examples=40)
    @given(standard=standards())
    def collect(standard):
        for src in standard.rules:
            for pattern in src.rule.when.values():
                seen.add(pattern.fact)
            seen.update("aggregate:" + a.aggregate for a in src.rule.aggregates.values())
            seen.update(f for p in src.rule.when.values() for f, _ in p.all_conditions() if "__" in f)

    collect()
    assert {"record", "period", "aggregate:share", "aggregate:count"} <= seen
    assert any("__minus__" in s for s in seen) and any("__to__" in s for s in seen)


# ---------------------------------------------------------------- the real-clauses standard end to end


@st.composite
def examples(draw):
    def record():
        out = {"kind": draw(st.sampled_from(sorted(CLAUSES.criteria.record_kinds)))}
        for field, values in {"column_type": st.sampled_from(COLUMN_TYPES), "value": st.sampled_from(["0", "1", "2.5"]),
                              "ok": st.booleans(), "count": st.sampled_from([1, 23, 40]),
                              **{f: st.sampled_from(DATES) for f in DATE_FIELDS}}.items():
            if draw(st.booleans()):
                out[field] = draw(values)
        return out

    given = {"unit": {"type": draw(st.sampled_from(["A", "B"]))}, "period": "2025",
             "records": [record() for _ in range(draw(st.integers(0, 8)))]}
    if draw(st.booleans()):
        given["as_of"] = draw(st.sampled_from(["2025-10-31", "2025-12-31"]))
    return Example.model_validate({"given": given, "expect": {"J11": "0"}})


@settings(AGREE, max_examples=25)
@given(example=examples())
def test_random_records_of_the_real_clauses_get_the_same_scorecard_on_both_engines(example):
    assert_engines_agree(CLAUSES, example)
