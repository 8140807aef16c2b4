"""The rules engine: rule files compiled into a durable_rules ruleset, fired one unit at a time.

This is the only module that imports durable_rules. It talks to the C core directly: facts
are asserted as one batch per unit (the unit is the session id), every queued action is
drained synchronously, and the unit's state is deleted afterwards. No Python action runs
inside the engine: the name of the action is the rule id and its message holds the matched
facts, which is all the tally needs. That keeps the hot path lean and avoids the stock
Host's background timer threads.

Absence (`unless`) is not compiled to durable_rules' `$not`: in durable_rules 2.0.28 a `$not`
beside other rules misfires and can crash the process (free(): invalid pointer). Instead each
`unless` pattern becomes a positive probe rule (the rule's `when` plus that pattern); a match
of the rule is dropped when a probe matched the same `when` facts. Same meaning, and every
comparison still runs in the engine.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import durable_rules_engine as _dre

from scoring.standard import Standard
from scoring.standard.schema import Condition, Op, Pattern, Rule

_NOT_HANDLED = 1  # the C core's result code for "no rule matched this message": no effect, not an error
_OBSERVED = 2
_names = itertools.count()


@dataclass(frozen=True)
class Match:
    """One firing: a rule and the facts it matched, by alias."""

    rule: str
    facts: dict[str, dict[str, Any]]


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _condition(field: str, cond: Condition) -> dict[str, Any]:
    if not isinstance(cond, Op):
        return {field: _value(cond)}
    op, value = cond.operator
    if op == "eq":
        return {field: _value(value)}
    if op == "same":
        alias, other = value.split(".", 1)
        return {field: {alias: other}}
    if op == "exists":
        return {"$ex" if value else "$nex": {field: 1}}
    if op == "in":
        return {"$or": [{field: _value(v)} for v in value]}
    return {"$" + {"ne": "neq"}.get(op, op): {field: _value(value)}}


def _pattern(pattern: Pattern) -> dict[str, Any]:
    terms = [{"fact": pattern.fact}] + [_condition(f, c) for f, c in pattern.conditions.items()]
    if pattern.any:
        alternatives = [{"$and": [_condition(f, c) for f, c in group.items()]} for group in pattern.any]
        terms.append({"$or": alternatives})
    return {"$and": terms}


PROBE = "~unless~"


def compile_rule(rule: Rule) -> dict[str, Any]:
    """The rule's own entry plus one probe per `unless` pattern, keyed by durable_rules rule name."""
    when = [{alias: _pattern(p)} for alias, p in rule.when.items()]
    compiled = {rule.id: {"all": when}}
    for alias, pattern in rule.unless.items():
        compiled[f"{rule.id}{PROBE}{alias}"] = {"all": when + [{alias: _pattern(pattern)}]}
    return compiled


def compile_ruleset(standard: Standard) -> dict[str, Any]:
    """The durable_rules JSON for a standard (plain data, inspectable)."""
    out: dict[str, Any] = {}
    for src in standard.rules:
        out.update(compile_rule(src.rule))
    return out


def _when_key(rule_id: str, facts: dict[str, dict[str, Any]], when: tuple[str, ...]) -> tuple:
    return (rule_id, tuple(facts[a]["id"] for a in when))


def _without_absent(matches: list["Match"], probes: list["Match"], whens: dict[str, tuple[str, ...]]) -> list["Match"]:
    if not probes:
        return matches
    blocked = {_when_key(p.rule, p.facts, whens[p.rule]) for p in probes}
    return [m for m in matches if _when_key(m.rule, m.facts, whens[m.rule]) not in blocked]


class Engine:
    """A private ruleset for one scoring job. Not thread-safe; use one per process."""

    def __init__(self, standard: Standard):
        self.definition = compile_ruleset(standard)
        self._whens = {src.rule.id: tuple(src.rule.when) for src in standard.rules}
        self._name = f"scoring_{next(_names)}"
        self._handle = _dre.create_ruleset(self._name, json.dumps(self.definition, ensure_ascii=False))

    def fire(self, sid: str, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert facts for a unit as one batch and return every match, in firing order."""
        if not facts:
            return []
        batch = [{**fact, "sid": sid} for fact in facts]
        result = _dre.assert_facts(self._handle, json.dumps(batch, ensure_ascii=False))
        if result[0] == _OBSERVED:
            raise ValueError(f"unit {sid}: two facts share an id; every fact needs its own")
        return self._drain()

    def _drain(self) -> list[Match]:
        matches: list[Match] = []
        probes: list[Match] = []
        started = _dre.start_action(self._handle)
        while started:
            state_handle = started[2]
            message = json.loads(started[1])
            while message:
                for name, bound in message.items():
                    rule_id, probe, _ = name.partition(PROBE)
                    match = Match(rule_id, {alias: _strip(f) for alias, f in bound.items()})
                    (probes if probe else matches).append(match)
                following = _dre.complete_and_start_action(self._handle, state_handle)
                message = json.loads(following) if following else None
            started = _dre.start_action(self._handle)
        return _without_absent(matches, probes, self._whens)

    def forget(self, sid: str) -> None:
        """Drop a unit's facts: the engine never returns memory of live sessions otherwise."""
        _dre.delete_state(self._handle, sid)

    def close(self) -> None:
        if self._handle is not None:
            _dre.delete_ruleset(self._handle)
            self._handle = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _strip(fact: dict[str, Any]) -> dict[str, Any]:
    fact.pop("sid", None)
    return fact
