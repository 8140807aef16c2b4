"""The rules engine: rule files compiled into a durable_rules ruleset, fired one unit at a time.

This is the only module that imports durable_rules. It talks to the C core directly: facts
are asserted as one batch per unit (the unit is the session id), every queued action is
drained synchronously, and the unit's state is deleted afterwards. No Python action runs
inside the engine: the name of the action is the rule id and its message holds the matched
facts, which is all the tally needs. That keeps the hot path lean and avoids the stock
Host's background timer threads.

The engine is handed a projection of each fact: its kind, a short id (its position in the
unit's session) and only the fields some rule compares. Every comparison still runs in the
engine, on the same values; a match's message is then only read for those ids, which lead
back to the full facts in Python. Smaller JSON both ways is most of the engine's cost.

A fact the engine would see exactly as the fact just before it (the same kind and the same compared
fields: findings grouped apart only by a field the tally reads, which the facts builder puts next to
each other) is not sent again: the engine's work is per fact, and every match of the one sent stands
for the same match of each of them, which the drain hands up (every combination, for a rule of several
facts). Never for a kind that two patterns of one rule name: durable_rules binds a fact to one pattern
of a match at most, so two alike facts could match such a rule together where one sent could not.

Absence (`unless`) is not compiled to durable_rules' `$not`: in durable_rules 2.0.28 a `$not`
beside other rules misfires and can crash the process (free(): invalid pointer). Instead each
`unless` pattern becomes a positive probe rule. A pattern that joins nothing to the `when`
facts is an existence probe (the pattern alone): any match means "present", and the rule's
matches from that batch and every later batch of the unit are dropped (a unit's facts are never
retracted while it is scored, so what is present stays present; CLIPS's `not` means the same). A pattern that joins (`same: f.x`) is probed with
the rule's `when` plus the pattern, and a match of the rule is dropped when a probe matched
the same `when` facts. Same meaning, and every comparison still runs in the engine.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import durable_rules_engine as _dre

from scoring import fastjson
from scoring.engine.matches import EngineRule, Match, Session, engine_fields, engine_rules
from scoring.standard import Standard
from scoring.standard.schema import Condition, Op, Pattern

_names = itertools.count()


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
# A fact's position in its unit's session, as a match lists it: every fact reaches the engine as
# {"fact":KIND,...,"id":POSITION,"sid":...} (Engine.fire), and a quote inside a string value is
# always escaped, so `"id":` followed by digits and `,"sid"` is only ever that key.
_IDS = re.compile(r'"id":(\d+),"sid"')


def _joins(pattern: Pattern) -> bool:
    """Whether a pattern names another fact (`same: f.x`): then absence depends on the `when` facts."""
    return any(isinstance(c, Op) and c.operator[0] == "same" for _, c in pattern.all_conditions())


# durable_rules' `cap` only batches delivery: an action receives up to `cap` pending matches in
# one message instead of one message each. A unit's matches are all pending after its one
# batch, so a message per rule replaces ~300 per unit; every match is still delivered once.
# (Caps on points are the tally's business, never this.)
DELIVERY_CAP = 1_000_000


def compile_rule(rule: EngineRule) -> dict[str, Any]:
    """The rule's own entry plus one probe per `unless` pattern, keyed by durable_rules rule name."""
    when = [{alias: _pattern(p)} for alias, p in rule.when.items()]
    compiled = {rule.id: {"all": when, "cap": DELIVERY_CAP}}
    for alias, pattern in rule.unless.items():
        probe = [{alias: _pattern(pattern)}]
        compiled[f"{rule.id}{PROBE}{alias}"] = {"all": when + probe if _joins(pattern) else probe,
                                                "cap": DELIVERY_CAP}
    return compiled


# durable_rules 2.0.28 segfaults in delete_state when nothing in a unit's session matched any
# rule (a small custom standard can meet that). Every ruleset therefore holds one internal rule
# on the unit fact, which every unit has; its matches are dropped while draining.
ANCHOR = "~anchor~"


def compile_ruleset(standard: Standard) -> dict[str, Any]:
    """The durable_rules JSON for a standard (plain data, inspectable)."""
    out: dict[str, Any] = {ANCHOR: {"all": [{"u": {"$and": [{"fact": "unit"}]}}], "cap": DELIVERY_CAP}}
    for rule in engine_rules(standard):
        out.update(compile_rule(rule))
    return out


class Engine:
    """A private ruleset for one scoring job. Not thread-safe; use one per process."""

    def __init__(self, standard: Standard):
        self.definition = compile_ruleset(standard)
        rules = engine_rules(standard)
        self._whens = {rule.id: tuple(rule.when) for rule in rules}
        self._unless = {rule.id: rule.unless for rule in rules}
        # What the engine is shown of a fact, by kind: the fields some rule compares; a kind no rule names is not shown.
        compared = engine_fields(standard)
        self._fields = {kind: tuple(sorted(compared.get(kind, ()))) for kind in _kinds_named(self.definition)}
        # The kinds whose alike facts are sent once (see the module's doc): those no rule names twice.
        self._mergeable = frozenset(self._fields) - _named_twice(rules)
        # durable_rules rule name -> what its matches are, for each rule it stands for (see _shared): (rule id, probe
        # kind, aliases of a match), probe kind "" a rule, "exists" or "join" a probe, "anchor" the internal rule; the
        # aliases in the order a match lists its facts
        shared = _shared(self.definition)
        self._names = {name: tuple(_name_kind(one, self._unless, self.definition[one]) for one in names)
                       for name, names in shared.items()}
        # Rules that can report one (rule, facts) twice: those with alternatives (`any:`, `in:` become `$or`),
        # which durable_rules reports once per alternative met (backends.unique drops the repeats).
        self.repeating = frozenset(rule.id for rule in rules if "$or" in fastjson.dumps(compile_rule(rule)).decode())
        self._sessions: dict[str, _Session] = {}
        self._name = f"scoring_{next(_names)}"
        self._handle = _dre.create_ruleset(self._name, fastjson.dumps({name: self.definition[name]
                                                                      for name in shared}).decode())

    def fire(self, sid: str, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert facts for a unit as one batch and return every match, in firing order."""
        if not facts:
            return []
        session = self._sessions.setdefault(sid, _Session())
        start = session.add(sid, facts)
        fields, mergeable, members, batch = self._fields, self._mergeable, session.members, []
        last: dict[str, Any] = {}  # the compared fields of the fact the engine was last shown
        for position, fact in enumerate(facts, start):
            kind = fact["fact"]
            names = fields.get(kind)
            if names is None:
                continue  # a kind no rule names can match nothing
            compared = {"fact": kind}
            for name in names:
                if name in fact:
                    compared[name] = fact[name]
            if compared == last and kind in mergeable and _same_types(compared, last):
                group.append(fact)  # the engine has seen it: the fact before stands for it
                continue
            members[position] = group = [fact]
            last = compared
            shown = compared.copy()
            shown["id"] = position
            shown["sid"] = sid
            batch.append(shown)
        if not batch:
            return []
        _dre.assert_facts(self._handle, fastjson.dumps(batch).decode())
        session.in_engine = True
        return self._drain(session)

    def _drain(self, unit: "_Session") -> list[Match]:
        matches: list[Match] = []
        members, present = unit.members, unit.present  # present: rules whose `unless` fact exists (existence probes)
        joined: set[tuple] = set()  # (rule, when fact ids) that a joined probe matched
        names, handle, ids_in, new = self._names, self._handle, _IDS.findall, tuple.__new__
        started = _dre.start_action(handle)
        while started:
            state_handle, text = started[2], started[1]
            while text:
                # A message is one durable_rules rule's matches: {"NAME":[{"alias":{fact},...},...]}. Only its name and
                # the facts' positions are read (see _IDS): no JSON is parsed, and a probe's facts are not read at all.
                sent = None
                for rule_id, probe, aliases in names[text[2:text.index('"', 2)]]:
                    if probe == "exists":
                        present.add(rule_id)
                        continue
                    if probe == "anchor":
                        continue
                    if sent is None:  # each: the facts it stands for
                        sent = list(map(members.__getitem__, map(int, ids_in(text))))
                    width = len(aliases)
                    if width == 1:
                        (alias,) = aliases
                        found = [new(Match, (rule_id, {alias: fact})) for group in sent for fact in group]
                    elif len(sent) % width:
                        raise RuntimeError(f"durable_rules reported {len(sent)} facts for {width}-fact matches: "
                                           f"{text[:200]!r}")
                    else:
                        found = [new(Match, (rule_id, dict(zip(aliases, facts))))
                                 for start in range(0, len(sent), width)
                                 for facts in itertools.product(*sent[start:start + width])]
                    if probe:
                        joined.update(self._when_key(rule_id, match.facts) for match in found)
                    else:
                        matches.extend(found)
                text = _dre.complete_and_start_action(handle, state_handle)
            started = _dre.start_action(handle)
        if present:
            matches = [m for m in matches if m.rule not in present]
        if joined:
            matches = [m for m in matches if self._when_key(m.rule, m.facts) not in joined]
        return matches

    def _when_key(self, rule_id: str, facts: dict[str, dict[str, Any]]) -> tuple:
        return (rule_id, tuple(facts[a]["id"] for a in self._whens[rule_id]))

    def forget(self, sid: str) -> None:
        """Drop a unit's facts: the engine never returns memory of live sessions otherwise."""
        session = self._sessions.pop(sid, None)
        if session is not None and session.in_engine:  # durable_rules refuses to delete a state it never had
            _dre.delete_state(self._handle, sid)

    def close(self) -> None:
        if self._handle is not None:
            _dre.delete_ruleset(self._handle)
            self._handle = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Session(Session):
    """A unit's facts, and which rules' non-joining `unless` pattern a fact of this unit met."""

    def __init__(self) -> None:
        super().__init__()
        self.present: set[str] = set()
        self.in_engine = False  # whether any of its facts reached the engine (a state exists there)
        self.members: dict[int, list[dict[str, Any]]] = {}  # position of a fact sent -> the facts it stands for


def _shared(definition: dict[str, Any]) -> dict[str, list[str]]:
    """durable_rules rule name -> the names of every compiled rule alike in patterns and aliases (itself first).

    Alike rules match the same facts: one durable_rules rule stands for them all (the default standard's five
    rules on the unit fact alone and the anchor are one), its matches handed up once for each. The engine's
    work and its messages are per rule: a unit's state holds a node per rule, every unit fact passes each."""
    shared: dict[bytes, list[str]] = {}
    for name, entry in definition.items():
        shared.setdefault(fastjson.dumps(entry, sort_keys=True), []).append(name)
    return {names[0]: names for names in shared.values()}


def _same_types(compared: dict[str, Any], last: dict[str, Any]) -> bool:
    """Whether two equal sets of compared fields hold values of the same types (True == 1 in Python, not in JSON)."""
    return all(type(value) is type(last[name]) for name, value in compared.items())


def _named_twice(rules: list[EngineRule]) -> frozenset[str]:
    """The kinds some rule names in two patterns (its `when` and `unless` together: a joined probe has both)."""
    return frozenset(kind for rule in rules
                     for kind, n in Counter(p.fact for p in (*rule.when.values(), *rule.unless.values())).items()
                     if n > 1)


def _kinds_named(definition: dict[str, Any]) -> set[str]:
    """Every fact kind some compiled pattern (a rule's, a probe's, the anchor's) names."""
    return {term["fact"] for entry in definition.values() for pattern in entry["all"] for alias in pattern
            for term in pattern[alias]["$and"] if "fact" in term}


def _name_kind(name: str, unless: dict[str, dict[str, Pattern]], compiled: dict[str, Any]) -> tuple[str, str, tuple]:
    # A match lists its facts in the order of the rule's `all` (each join adds its fact after the facts before it).
    aliases = tuple(alias for entry in compiled["all"] for alias in entry)
    if name == ANCHOR:
        return "", "anchor", aliases
    rule_id, probe, alias = name.partition(PROBE)
    if not probe:
        return rule_id, "", aliases
    return rule_id, "join" if _joins(unless[rule_id][alias]) else "exists", aliases
