"""What every engine backend hands up: the matches of a unit's facts, and which fields the rules compare.

Everything above the engine (tally, rectification orders, documents) reads only these, so it
never knows which backend ran. `engine_rules` is what a backend compiles: the standard's rules
plus the internal selection rules of their aggregates.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from scoring.standard import Standard
from scoring.standard.schema import Op, Pattern

# An internal rule selecting the facts an aggregate counts: RULE~agg~alias (its numerator, for a
# share: RULE~agg~alias~where). Its matches go to scoring.engine.aggregates, never to the tally.
AGGREGATE_MARK = "~agg~"
WHERE_MARK = "~where"


class Match(NamedTuple):
    """One firing: a rule and the facts it matched, by alias (a tuple: a unit makes hundreds)."""

    rule: str
    facts: dict[str, dict[str, Any]]


class EngineRule(NamedTuple):
    """A rule as an engine sees it: a name, the facts it needs and the facts that must be absent."""

    id: str
    when: dict[str, Pattern]
    unless: dict[str, Pattern]


def aggregate_rule_id(rule_id: str, alias: str, where: bool = False) -> str:
    return f"{rule_id}{AGGREGATE_MARK}{alias}" + (WHERE_MARK if where else "")


def is_aggregate_selection(rule_id: str) -> bool:
    return AGGREGATE_MARK in rule_id


def engine_rules(standard: Standard) -> list[EngineRule]:
    """The rules to compile, in standard order, each aggregate's selection rules just before its rule."""
    out: list[EngineRule] = []
    for src in standard.rules:
        rule = src.rule
        for alias, agg in rule.aggregates.items():
            out.append(EngineRule(aggregate_rule_id(rule.id, alias), {alias: agg.of}, {}))
            if agg.aggregate == "share":
                out.append(EngineRule(aggregate_rule_id(rule.id, alias, True), {alias: agg.where_pattern()}, {}))
        out.append(EngineRule(rule.id, dict(rule.when), dict(rule.unless)))
    return out


def engine_fields(standard: Standard) -> dict[str, frozenset[str]]:
    """Per fact kind, the fields some rule compares (or joins on): all the engine needs to see."""
    fields: dict[str, set[str]] = {}
    for rule in engine_rules(standard):
        patterns = {**rule.when, **rule.unless}
        kinds = {alias: pattern.fact for alias, pattern in patterns.items()}
        for pattern in patterns.values():
            for name, cond in pattern.all_conditions():
                fields.setdefault(pattern.fact, set()).add(name)
                if isinstance(cond, Op) and cond.operator[0] == "same":
                    other, field = cond.operator[1].split(".", 1)
                    fields.setdefault(kinds.get(other, ""), set()).add(field)
    return {kind: frozenset(names) for kind, names in fields.items()}


def fact_kinds_read(standard: Standard) -> set[str]:
    """Every kind of fact some rule (or aggregate) reads."""
    return {p.fact for rule in engine_rules(standard) for p in (*rule.when.values(), *rule.unless.values())}
