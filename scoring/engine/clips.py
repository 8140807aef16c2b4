"""The rules engine on CLIPS (clipspy): the same rule files, the same interface and matches as durable_rules.

This is the only module that imports clipspy (clipspy ships wheels for every supported Python, so
the default install compiles nothing).

Compilation (once per Engine): one deftemplate per fact kind, with a slot for the session (`sid`),
one for the fact's position in the unit's session (`id`), and one per field some rule compares
(`engine_fields`). Slot, rule and variable names are generated (s0, r3, ?p1_s2): only the standard's
constants ever become CLIPS text, quoted and checked by a round trip. Facts are asserted through the
C API (FactBuilder), so no value a user typed is ever parsed as CLIPS.

What each rule-language piece becomes:
- a `when` pattern: a pattern on its kind's template; a `same: a.x` join: the variable bound to the
  x slot of a's pattern, plus `~nil` (durable never joins on a missing field);
- `unless`: CLIPS's own `(not ...)`, one per `unless` pattern, scoped to the session;
- `any:`: one predicate over the pattern's variables, so a fact meeting two alternatives matches
  once (durable_rules expands `$or` into alternatives and reports such a fact once per alternative);
- numbers: INTEGER or FLOAT compared as durable_rules compares them (as C doubles when mixed):
  Decimals become int when integral, else float, exactly as the durable compiler does; integral
  floats in facts become INTEGER so that 1 and 1.0 are equal as they are to durable;
- a missing field is the slot default `nil`, a JSON null is the symbol `null` (user text is always
  a STRING, so neither can collide with data): `exists` is `~nil`, and every comparison is false on
  both, as in durable_rules.
A rule's right-hand side only records the match (its number and its facts' positions in the unit's
session) in a global list, read as one text after each batch's activations have fired; the Match
carries the unit's own fact dicts, so every value the tally computes with is the one the facts
builder made (Decimal stays Decimal).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import clips
from clips._clips import ffi, lib  # the C API clipspy wraps: FactBuilder without per-value Python objects

from scoring.engine.matches import EngineRule, Match, Session, engine_fields, engine_rules
from scoring.standard import Standard
from scoring.standard.schema import FACT_KINDS, Condition, Op, Pattern

MISSING, NULL = "nil", "null"  # symbols: a slot never set, and a JSON null
# Where the rules record their matches, and the function that hands them over as text and empties it.
MATCHES, TAKE = "?*matches*", "take-matches"
_RECORDER = [f"(defglobal {MATCHES} = (create$))",
             f"(deffunction {TAKE} () (bind ?text (implode$ {MATCHES})) (bind {MATCHES} (create$)) ?text)"]
# Rules fired between two takes: each firing copies the list so far, so a slice bounds that copying.
_SLICE = 32
_TAKE = TAKE.encode()


def _number(value: Any) -> int | float:
    """A number as durable_rules sees it: Decimal -> int or float (its compiler's rule); 2.0 -> 2."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)  # exact: durable compares 2 and 2.0 as equal doubles
    return value


def _literal(value: Any) -> str:
    """A rule constant as CLIPS text: strings quoted with CLIPS's two escapes, numbers exact."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"a rule constant holds a NUL character: {value!r}")
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    number = _number(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"a rule constant is not a finite number: {value!r}")
    return repr(number)  # repr of a float round-trips; CLIPS reads it back with strtod


def _joined(operator: str, parts: list[str]) -> str:
    """(and a b ...) / (or a b ...); CLIPS wants two arguments at least, so one part stands alone."""
    return parts[0] if len(parts) == 1 else f"({operator} {' '.join(parts)})"


class _RuleText:
    """One rule as a defrule; patterns are numbered in order (when first, then unless)."""

    def __init__(self, rule: EngineRule, number: int, slots: dict[str, dict[str, str]]):
        self.rule, self.slots = rule, slots
        self.aliases = {alias: i for i, alias in enumerate([*rule.when, *rule.unless])}
        self.kinds = {alias: p.fact for alias, p in {**rule.when, **rule.unless}.items()}
        self.name = f"r{number}"

    def var(self, alias: str, field: str) -> str:
        return f"?p{self.aliases[alias]}_{self.slots[self.kinds[alias]][field]}"

    def text(self, number: int) -> str:
        session = len(self.rule.when) > 1 or bool(self.rule.unless)  # one lone pattern needs no session join
        parts = []
        for alias, pattern in self.rule.when.items():
            parts.append(self.pattern(alias, pattern, session, self._distinct_from(alias, when=True)))
        for alias, pattern in self.rule.unless.items():
            joins = any(isinstance(c, Op) and c.operator[0] == "same" for _, c in pattern.all_conditions())
            # durable probes a joining `unless` with the rule's facts, where facts are distinct; a
            # non-joining one alone, where the rule's own fact may be the one that is present.
            distinct = self._distinct_from(alias, when=False) if joins else []
            parts.append(f"(not {self.pattern(alias, pattern, True, distinct)})")
        # The right-hand side records the match: the rule's number and its `when` facts' positions (see ClipsEngine._harvest).
        ids = " ".join(f"?p{self.aliases[alias]}_id" for alias in self.rule.when)
        return f"(defrule {self.name} {' '.join(parts)} => (bind {MATCHES} (create$ {MATCHES} {number} {ids})))"

    def _distinct_from(self, alias: str, when: bool) -> list[str]:
        """durable_rules never binds one fact to two aliases of a rule: earlier facts of the same kind."""
        earlier = list(self.rule.when)[:list(self.rule.when).index(alias)] if when else list(self.rule.when)
        return [f"?p{self.aliases[a]}_id" for a in earlier if self.kinds[a] == self.kinds[alias]]

    def pattern(self, alias: str, pattern: Pattern, session: bool, distinct: list[str]) -> str:
        kind, me = pattern.fact, self.aliases[alias]
        pieces: dict[str, list[str]] = {}  # slot -> constraints joined by &
        bound: set[str] = set()

        def bind(field: str) -> str:
            slot = self.slots[kind][field]
            bound.add(slot)
            pieces.setdefault(slot, [])
            return f"?p{me}_{slot}"

        for other in {**self.rule.when, **self.rule.unless}.values():  # fields other patterns join to
            for _, cond in other.all_conditions():
                if isinstance(cond, Op) and cond.operator[0] == "same":
                    ref, field = cond.operator[1].split(".", 1)
                    if ref == alias:
                        bind(field)
        for field, cond in pattern.conditions.items():
            slot = self.slots[kind][field]
            constraint = self._constraint(cond, f"?p{me}_{slot}")
            if constraint.startswith(":") or (isinstance(cond, Op) and cond.operator[0] == "same"):
                # A join binds its own variable first: CLIPS refuses `?other&~nil` when ?other's own
                # pattern fixed its type (`?other&"A"`), but accepts `?mine&?other&~nil` (CSTRNCHK1).
                bind(field)
            pieces.setdefault(slot, []).append(constraint)
        alternatives = []
        for group in pattern.any:
            alternatives.append(_joined("and", [self._test(c, bind(f)) for f, c in group.items()]))
        text = [f"({template(kind)}"]
        if session:
            text.append("(sid ?sid)")
        for slot, constraints in pieces.items():
            head = [f"?p{me}_{slot}"] if slot in bound else []
            text.append(f"({slot} {'&'.join(head + constraints)})")
        ident = [f"?p{me}_id"] + [f"~{other}" for other in distinct]
        if alternatives:  # last, so every variable it names is bound before it
            ident.append(":" + _joined("or", alternatives))
        text.append(f"(id {'&'.join(ident)}))")
        return " ".join(text)

    def _constraint(self, cond: Condition, var: str) -> str:
        """A slot constraint (pattern-level condition) for one field."""
        op, value = cond.operator if isinstance(cond, Op) else ("eq", cond)
        if op == "eq":
            return _literal(value)
        if op == "ne":
            return f"~{_literal(value)}&~{MISSING}&~{NULL}"
        if op == "in":
            return "|".join(_literal(v) for v in value)
        if op == "exists":
            return f"~{MISSING}" if value else MISSING
        if op == "same":
            alias, field = value.split(".", 1)
            return f"{self.var(alias, field)}&~{MISSING}"
        return f":{self._test(cond, var)}"  # lt, lte, gt, gte

    def _test(self, cond: Condition, var: str) -> str:
        """The same condition as a boolean expression on a bound variable (for `any:` groups)."""
        op, value = cond.operator if isinstance(cond, Op) else ("eq", cond)
        if op == "eq":
            return f"(eq {var} {_literal(value)})"
        if op == "ne":
            return f"(neq {var} {_literal(value)} {MISSING} {NULL})"
        if op == "in":
            return _joined("or", [f"(eq {var} {_literal(v)})" for v in value])
        if op == "exists":
            return f"({'neq' if value else 'eq'} {var} {MISSING})"
        if op == "same":
            alias, field = value.split(".", 1)
            return f"(and (neq {var} {MISSING}) (eq {var} {self.var(alias, field)}))"
        symbol = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[op]
        return f"(and (numberp {var}) ({symbol} {var} {_literal(value)}))"


# Fact kinds whose name CLIPS reserves ("object" names COOL's root class): their templates are renamed.
_TEMPLATES = {"object": "unit-object"}


def template(kind: str) -> str:
    """The CLIPS deftemplate of a fact kind."""
    return _TEMPLATES.get(kind, kind)


def compile_constructs(standard: Standard) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The deftemplates and defrules for a standard (inspectable), and field -> slot name per kind."""
    fields = engine_fields(standard)
    slots = {kind: {f: f"s{i}" for i, f in enumerate(sorted(fields.get(kind, ())))} for kind in FACT_KINDS}
    constructs = [f"(deftemplate {template(kind)} (slot sid) (slot id) "
                  + " ".join(f"(slot {s} (default {MISSING}))" for s in names.values()) + ")"
                  for kind, names in slots.items()] + _RECORDER
    for number, rule in enumerate(engine_rules(standard)):
        constructs.append(_RuleText(rule, number, slots).text(number))
    return constructs, slots


class _Session(Session):
    """A unit's facts in CLIPS. Its facts carry its sid only when it was started while another unit's session was
    live (`tagged`): the only live session needs none (its facts keep the slot's default, the symbol nil, which no
    sid is, as sids are STRINGs), and at most one untagged session is ever live, so rules that join facts on the
    sid never join two units' facts. A run scores one unit at a time: its facts never carry a sid."""

    def __init__(self, tagged: bool) -> None:
        super().__init__()
        self.tagged = tagged


class _Quiet(clips.Router):
    """Takes what CLIPS writes to stdout and drops it: the only such text is Run's "rule firing limit reached"
    when a slice of firings ends (ClipsEngine._harvest), which must never reach a command's output."""

    def __init__(self) -> None:
        super().__init__("scoring-quiet", 30)

    def query(self, name: str) -> bool:
        return name == "stdout"

    def write(self, name: str, message: str) -> None:
        pass


class ClipsEngine:
    """A private CLIPS environment for one scoring job. Not thread-safe; use one per process."""

    def __init__(self, standard: Standard):
        self.constructs, slots = compile_constructs(standard)
        rules = engine_rules(standard)  # the standard's rules and their aggregates' selection rules
        self._rules = [rule.id for rule in rules]
        # Rules that can report one (rule, facts) twice: none here (an `any:` is one predicate, and CLIPS
        # activates a rule once per combination of facts).
        self.repeating: frozenset[str] = frozenset()
        self._whens = [tuple(rule.when) for rule in rules]
        self._env = clips.Environment()
        # clipspy's error router is asked about every character CLIPS reads from a string: off.
        for router in self._env.routers():
            if router.name == "python-error-router":
                router.deactivate()
        for construct in self.constructs:
            try:
                self._env.build(construct)
            except clips.CLIPSError as exc:
                raise ValueError(f"CLIPS refused a compiled construct: {construct}") from exc
        self._check_constants(standard)
        # Added last: a router is asked about every character CLIPS reads while building constructs.
        self._env.add_router(_Quiet())
        self._c = self._env._env  # the C environment pointer
        self._builders = {kind: lib.CreateFactBuilder(self._c, template(kind).encode()) for kind in slots}
        # kind -> its fact builder and (field, slot) pairs: one lookup a fact
        self._plans = {kind: (self._builders[kind], [(f, s.encode()) for f, s in names.items()])
                       for kind, names in slots.items()}
        self._value = ffi.new("CLIPSValue *")
        self._null = lib.CreateSymbol(self._c, NULL.encode())
        self._sessions: dict[str, _Session] = {}
        self._templates = {template(kind) for kind in slots}
        self._take = lib.CreateFunctionCallBuilder(self._c, 0)

    def _check_constants(self, standard: Standard) -> None:
        """Every string constant, read back by CLIPS, is itself: quoting can never change a rule."""
        for rule in engine_rules(standard):
            for pattern in {**rule.when, **rule.unless}.values():
                for _, cond in pattern.all_conditions():
                    op, value = cond.operator if isinstance(cond, Op) else ("eq", cond)
                    for v in value if op == "in" else (value,) if op in ("eq", "ne") else ():
                        if isinstance(v, str) and self._env.eval(_literal(v)) != v:
                            raise ValueError(f"rule {rule.id}: the constant {v!r} does not survive quoting")

    def fire(self, sid: str, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert a unit's facts and return every new match (one per rule and distinct facts)."""
        if not facts:
            return []
        session = self._sessions.get(sid)
        if session is None:
            session = self._sessions[sid] = _Session(tagged=bool(self._sessions))
        start = session.add(sid, facts)
        c, value, put, plans, integer, asserted = self._c, self._value, lib.FBPutSlot, self._plans, lib.CreateInteger, lib.FBAssert
        # Strings repeat within a unit (codes, indicators, statuses): each is made once per batch. A value
        # made here is held by the facts it was put into, so it stays valid while this batch asserts them.
        made: dict[str, Any] = {}
        tag = lib.CreateString(c, sid.encode()) if session.tagged else None
        true, false = lib.CreateBoolean(c, True), lib.CreateBoolean(c, False)
        for position, fact in enumerate(facts, start):
            plan = plans.get(fact["fact"])
            if plan is None:
                continue  # a kind no rule names can match nothing
            builder, slots = plan
            if tag is not None:
                value.value = tag
                put(builder, b"sid", value)
            value.value = integer(c, position)
            put(builder, b"id", value)
            for field, slot in slots:
                if field in fact:
                    item = fact[field]
                    if item.__class__ is str:
                        made_value = made.get(item)
                        if made_value is None:
                            made_value = made[item] = self._clips(item, sid, fact)
                        value.value = made_value
                    elif item is True:
                        value.value = true
                    elif item is False:
                        value.value = false
                    else:
                        value.value = self._clips(item, sid, fact)
                    put(builder, slot, value)
            if asserted(builder) == ffi.NULL:
                raise RuntimeError(f"CLIPS could not assert fact {fact.get('id')!r} of unit {sid}")
        return self._harvest(session.facts)

    def _harvest(self, known: list[dict[str, Any]]) -> list[Match]:
        """Fire every activation, in agenda order, and read what the rules recorded: per match the rule's number
        and its `when` facts' positions in the unit's session, as one text a slice of firings.

        A rule's right-hand side only appends to a global list (no Python callback, which costs ~15 µs a match
        in clipspy, and no fact changes, so firing leaves the agenda's order as it was). Fired activations never
        come back (refraction), so the next batch of the same unit yields only its new matches, as with
        durable_rules."""
        c, take, value, rules, whens, new, out = self._c, self._take, self._value, self._rules, self._whens, tuple.__new__, []
        while True:
            fired = lib.Run(c, _SLICE)
            if fired:
                if lib.FCBCall(take, _TAKE, value) != lib.FCBE_NO_ERROR:
                    raise RuntimeError("CLIPS could not hand over the matches its rules recorded")
                recorded = map(int, ffi.string(value.lexemeValue.contents).split())
                for number in recorded:
                    aliases = whens[number]
                    if len(aliases) == 1:
                        out.append(new(Match, (rules[number], {aliases[0]: known[next(recorded)]})))
                    else:
                        out.append(new(Match, (rules[number], {alias: known[next(recorded)] for alias in aliases})))
            if fired < _SLICE:
                return out

    def _clips(self, value: Any, sid: str, fact: dict[str, Any]):
        """One fact value as a CLIPS value, built by the API (never parsed): str is always a STRING."""
        if value is None:
            return self._null
        if isinstance(value, bool):
            return lib.CreateBoolean(self._c, value)
        if isinstance(value, str):
            if "\x00" in value:  # C strings end at NUL: "A\0B" would compare equal to "A"
                raise ValueError(f"单位 {sid} 的事实 {fact.get('id')!r} 含 NUL 字符（\\x00），无法评分：请从输入中删除该字符 "
                                 f"(a value of fact {fact.get('id')!r} of unit {sid} holds a NUL character: remove it from the input)")
            return lib.CreateString(self._c, value.encode())
        number = _number(value)
        if isinstance(number, int):
            return lib.CreateInteger(self._c, number)
        if isinstance(number, float):
            return lib.CreateFloat(self._c, number)
        raise TypeError(f"a fact value of type {type(value).__name__} cannot reach the engine")

    def forget(self, sid: str) -> None:
        """Drop a unit's facts: all of them at once when it is the only live unit, as it is when scoring."""
        session = self._sessions.pop(sid, None)
        if session is None:
            return
        if not self._sessions:
            lib.Reset(self._c)  # retracts every fact; no deffacts, so nothing is asserted back
            return
        tag = sid if session.tagged else MISSING  # a STRING, or the untagged session's symbol nil
        kind = str if session.tagged else clips.Symbol
        for fact in [f for f in self._env.facts() if f.template.name in self._templates
                     and type(f["sid"]) is kind and f["sid"] == tag]:
            fact.retract()

    def close(self) -> None:
        if self._env is not None:
            for builder in self._builders.values():
                lib.FBDispose(builder)
            lib.FCBDispose(self._take)
            self._builders, self._plans, self._env = {}, {}, None

    def __enter__(self) -> "ClipsEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

