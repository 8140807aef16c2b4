"""What rules take off and earn, per (rule, node): amounts by key, multipliers, caps, per-type points.

The tree (scoring.engine.tree) then applies limits, pools and overflow; this module only says
how many points each rule's matches take off (`deduct`) or earn (`earn`) on which node.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.engine.expressions import apply_scale, evaluate, exact, resolve
from scoring.engine.matches import Match, fact_ref, fact_refs, times
from scoring.engine.notes import CAPPED, MULTIPLIED, note as _note
from scoring.engine.points import HALF, ONE, ZERO, Line
from scoring.standard import Standard
from scoring.standard.memo import per_standard
from scoring.standard.schema import TOTAL, Rule, for_type

Grouped = dict[str, list[Match]]  # rule id -> its matches in canonical order; rules in standard order


def deduction_target(rule: Rule, indicator: str | None, facts: dict[str, dict[str, Any]]) -> str:
    if indicator:
        return str(resolve(indicator, facts)) if "." in indicator else indicator
    return rule.indicator or facts[rule.primary]["indicator"]


def multipliers(standard: Standard, rule_ids: list[str], groups: Grouped) -> dict[str, tuple[Decimal, list[str], str]]:
    """fact id -> (factor, refs of the facts that caused it, rule id). A fact is multiplied once."""
    out: dict[str, tuple[Decimal, list[str], str]] = {}
    for rule_id in rule_ids:
        matches = groups.get(rule_id)
        if not matches:
            continue
        rule = standard.rules_by_id[rule_id]
        effect = rule.then.multiply
        alias, factor_of_rule = effect.fact, effect.factor
        for m in matches:
            facts = m.facts
            target_id = facts[alias]["id"]
            factor, causes, by_rule = out.get(target_id) or (factor_of_rule, [], m.rule)
            for a, f in facts.items():  # the other facts' citations (matches.fact_refs), in alias order
                if a != alias:
                    refs = f.get("refs")
                    if refs:
                        causes.extend(map(str, refs))
                    else:
                        causes.append(fact_ref(f))
            out[target_id] = (max(factor, factor_of_rule), causes, by_rule)
    return out


class _Taken:
    """What one rule takes off one indicator: the amounts by key, their largest factor, the facts cited."""

    __slots__ = ("keys", "total", "factor", "refs", "notes")

    def __init__(self) -> None:
        self.keys: set[Any] = set()
        self.total = ZERO
        self.factor: Decimal | None = None
        self.refs: set[str] = set()
        self.notes: set[str] = set()

    def add(self, key: Any, amount: Decimal, factor: Decimal) -> None:
        """The first match with a key sets its amount; later ones with the same key add only their facts."""
        if key is not None:
            if key in self.keys:
                return
            self.keys.add(key)
        self.total += amount if factor is ONE else amount * factor  # exact: the sum is the same in any order, to the last digit
        if self.factor is None or factor > self.factor:
            self.factor = factor


def deductions(standard: Standard, groups: Grouped, excluded: dict[str, str], unit_type: str) -> dict[str, list[Line]]:
    """node code (or `total`) -> one `deduct` line per rule, in rule order."""
    compiled = _deduct_rules(standard, unit_type)
    mults = multipliers(standard, compiled.multiply, groups) if compiled.multiply else {}
    taken: dict[tuple[str, str], _Taken] = {}
    for rule in compiled.rules:
        matches = groups.get(rule.id)
        if matches:
            if rule.one_fact:
                _deduct_one_fact(standard, rule, matches, excluded, mults, taken, unit_type)
            else:
                _deduct_rule(standard, rule, matches, excluded, mults, taken, unit_type)
    lines: dict[str, list[Line]] = {}
    caps = compiled.caps
    for (rule_id, target), t in taken.items():
        total, factor = t.total, t.factor
        note = _note(MULTIPLIED, factor=factor, rules="、".join(sorted(t.notes))) if t.notes else ""
        cap = caps[rule_id]
        if cap is not None and total > cap * factor:
            note = (note + " " if note else "") + _note(CAPPED, cap=cap * factor, lost=total)
            total = cap * factor
        refs = t.refs
        found = lines.get(target)
        if found is None:
            found = lines[target] = []
        found.append(Line(rule_id, -total, tuple(sorted(refs)) if len(refs) > 1 else tuple(refs),
                          "adjust" if target == TOTAL else "deduct", note))
    return lines


class _DeductRule:
    """What one `deduct` rule does for units of one type, worked out once per standard and type instead of
    once per unit: its target, its amount before counts (by target, filled as targets are met), its options."""

    __slots__ = ("id", "rule", "indicator", "alias", "fixed", "per_count", "halves", "once_per", "points", "share",
                 "one_fact", "amounts", "target_ref", "once_ref")

    def __init__(self, rule: Rule, points: Decimal | None):
        d = rule.then.deduct
        self.id, self.rule, self.indicator = rule.id, rule, d.indicator
        self.alias = rule.primary
        self.fixed = None if (d.indicator and "." in d.indicator) else (d.indicator or rule.indicator)
        self.per_count = d.per == "count"
        self.halves = d.on_the_spot == "half"
        self.once_per = d.once_per
        self.points, self.share = points, d.share_of_max
        self.one_fact = len(rule.when) == 1
        # A target or once_per key a fact names (s.indicator): its (alias, field), read without resolve()'s split.
        self.target_ref = _ref(d.indicator) if not self.fixed and d.indicator else None
        self.once_ref = _ref(d.once_per) if d.once_per else None
        self.amounts: dict[str, Decimal | None] = {}  # target -> amount before counts; None: it takes nothing


class _Compiled:
    """A standard's deduct rules (in rule order) and multiply rules for one unit type, and each rule's cap."""

    __slots__ = ("rules", "multiply", "caps")

    def __init__(self, standard: Standard, unit_type: str):
        self.rules: list[_DeductRule] = []
        self.multiply: list[str] = []
        self.caps: dict[str, Decimal | None] = {}
        for src in standard.rules:
            rule = src.rule
            if rule.then.multiply:
                self.multiply.append(rule.id)
            d = rule.then.deduct
            if not d:
                continue
            self.caps[rule.id] = d.cap
            points = for_type(d.points, unit_type)
            if d.points is not None and points is None:
                continue  # points by unit type, none for this type: the rule does not deduct from it
            self.rules.append(_DeductRule(rule, points))


@per_standard
def _compiled_by_type(standard: Standard) -> dict[str, _Compiled]:
    return {}  # filled per unit type by _deduct_rules


def _deduct_rules(standard: Standard, unit_type: str) -> _Compiled:
    by_type = _compiled_by_type(standard)
    found = by_type.get(unit_type)
    if found is None:
        found = by_type[unit_type] = _Compiled(standard, unit_type)
    return found


def _amount(standard: Standard, rule: _DeductRule, target: str, unit_type: str) -> Decimal | None:
    """A rule's amount on `target` before counts (the same for every unit of the type); None: it takes nothing."""
    amounts = rule.amounts
    if target in amounts:
        return amounts[target]
    if target == TOTAL:
        amount = rule.points  # a share of the total's max means nothing (lint says so): None
    elif target not in standard.indicators:
        amount = None
    else:
        amount = rule.points if rule.points is not None else rule.share * standard.max_for(target, unit_type)
    amounts[target] = amount
    return amount


def _deduct_rule(standard: Standard, rule: _DeductRule, matches: list[Match], excluded: dict[str, str], mults: dict,
                 taken: dict[tuple[str, str], _Taken], unit_type: str) -> None:
    """A rule's deductions, each under its (rule, indicator) and its key (once_per, or its facts' ids)."""
    primary_alias = rule.alias
    fixed = rule.fixed
    per_count = rule.per_count
    halves = rule.halves
    once_per = rule.once_per
    if fixed:  # every match on one target: its _Taken and amount looked up once
        slot = _slot(standard, rule, fixed, excluded, taken, unit_type)
        if slot is None:
            return
        t, base = slot
    for m in matches:
        facts = m.facts
        primary = facts[primary_alias]
        if fixed:
            amount = base
        else:
            target = _target(rule, facts)
            if target in excluded and target != TOTAL:
                continue
            amount = _amount(standard, rule, target, unit_type)
            if amount is None:
                continue
            t = taken.get((rule.id, target))
            if t is None:
                t = taken[(rule.id, target)] = _Taken()
        # Multiplying a Decimal by 1 changes neither its digits nor its exponent: those products are skipped.
        if per_count:
            count = primary.get("count", 1)
            if count != 1:
                amount *= int(count)
        if not once_per:  # a once_per key counts once, however many findings share it
            n = times(facts, primary_alias, per_count)
            if n != 1:
                amount *= n
        if halves and primary.get("corrected_on_spot"):
            amount *= HALF
        factor, causes, by_rule = mults.get(primary["id"], _NO_MULTIPLIER) if mults else _NO_MULTIPLIER
        t.add(_named(rule.once_ref, facts) if once_per else tuple(sorted(f["id"] for f in facts.values())),
              amount, factor)
        _cite(t.refs, facts)
        if causes:
            t.refs.update(causes)
        if by_rule:
            t.notes.add(by_rule)


def _deduct_one_fact(standard: Standard, rule: _DeductRule, matches: list[Match], excluded: dict[str, str],
                     mults: dict, taken: dict[tuple[str, str], _Taken], unit_type: str) -> None:
    """_deduct_rule for a rule of one fact (most rules; a unit's findings and rectification items make most
    matches): the same amounts, added in the same order, with what is the same for every match of a target
    (its _Taken, its amount before counts) looked up once per target instead of once per match.
    A one-fact rule without once_per keys every match by its own fact, so no key can repeat."""
    alias = rule.alias
    fixed = rule.fixed
    per_count = rule.per_count
    halves = rule.halves
    once_per = rule.once_per
    slots: dict[str, tuple[_Taken, Decimal] | None] = {}
    if fixed:  # every match on one target
        slot = _slot(standard, rule, fixed, excluded, taken, unit_type)
        if slot is None:
            return
        t, base = slot
    for m in matches:
        facts = m.facts
        primary = facts[alias]
        if not fixed:
            target = _target(rule, facts)
            slot = slots.get(target, _UNSEEN)
            if slot is _UNSEEN:
                slot = slots[target] = _slot(standard, rule, target, excluded, taken, unit_type)
            if slot is None:
                continue
            t, base = slot
        amount = base
        if per_count:
            count = primary.get("count", 1)
            if count != 1:
                amount *= int(count)
        elif not once_per:  # times() of the one fact: its group's size, unless the amount is per count
            n = primary.get("members", 1)
            if n != 1:
                amount *= n
        if halves and primary.get("corrected_on_spot"):
            amount *= HALF
        factor, causes, by_rule = mults.get(primary["id"], _NO_MULTIPLIER) if mults else _NO_MULTIPLIER
        if once_per:
            t.add(_named(rule.once_ref, facts), amount, factor)
        else:  # keyed by its one fact: no key repeats (_Taken.add without the key)
            t.total += amount if factor is ONE else amount * factor
            if t.factor is None or factor > t.factor:
                t.factor = factor
        refs = primary.get("refs")  # _cite of the one fact
        if refs:
            t.refs.update(map(str, refs))
        else:
            t.refs.add(fact_ref(primary))
        if causes:
            t.refs.update(causes)
        if by_rule:
            t.notes.add(by_rule)


_UNSEEN: Any = object()


def _ref(ref: str) -> tuple[str, str, str]:
    alias, field = ref.split(".", 1)
    return alias, field, ref


def _named(ref: tuple[str, str, str], facts: dict[str, dict[str, Any]]) -> Any:
    """resolve(ref, facts) for a ref split once per standard: the value, or resolve's error when it is missing."""
    value = facts[ref[0]].get(ref[1])
    return value if value is not None else resolve(ref[2], facts)


def _target(rule: _DeductRule, facts: dict[str, dict[str, Any]]) -> str:
    """deduction_target of a rule without a fixed target: the indicator a fact names, or its primary fact's."""
    if rule.target_ref is not None:
        return str(_named(rule.target_ref, facts))
    return facts[rule.alias]["indicator"]


def _slot(standard: Standard, rule: _DeductRule, target: str, excluded: dict[str, str],
          taken: dict[tuple[str, str], _Taken], unit_type: str) -> tuple[_Taken, Decimal] | None:
    """Where a rule's matches on `target` go and their amount before counts; None: the target takes nothing."""
    if target in excluded and target != TOTAL:
        return None
    amount = _amount(standard, rule, target, unit_type)
    if amount is None:
        return None
    t = taken.get((rule.id, target))
    if t is None:
        t = taken[(rule.id, target)] = _Taken()
    return t, amount


def _cite(refs: set[str], facts: dict[str, dict[str, Any]]) -> None:
    """Add every fact's citations (matches.fact_refs) without a list per fact: a unit makes hundreds of matches."""
    for fact in facts.values():
        grouped = fact.get("refs")
        if grouped:
            refs.update(map(str, grouped))
        else:
            refs.add(fact_ref(fact))


_NO_MULTIPLIER: tuple[Decimal, list[str], str] = (ONE, [], "")


def earnings(standard: Standard, rule_ids: list[str], groups: Grouped, excluded: dict[str, str],
             unit_type: str) -> dict[str, list[Line]]:
    """node code -> one `earn` line per rule (一项可得2分; 有得10分): points per count / match / once_per key."""
    lines: dict[str, list[Line]] = {}
    for rule_id in rule_ids:
        rule = standard.rules_by_id[rule_id]
        e = rule.then.earn
        points = for_type(e.points, unit_type)
        if e.points is not None and points is None:
            continue
        taken: dict[str, _Taken] = {}
        for m in groups.get(rule_id, ()):
            target = deduction_target(rule, e.indicator, m.facts) if (e.indicator or rule.indicator) \
                else m.facts[rule.primary].get("indicator")
            if target in excluded or target not in standard.indicators:
                continue
            if points is None:
                value = exact(evaluate(e.value, m.facts, standard.criteria.tables))
                amount = apply_scale(standard.criteria.scales[e.scale], value, standard.max_for(target, unit_type))
            else:
                amount = points * (int(m.facts[rule.primary].get("count", 1)) if e.per == "count" else 1)
                if not e.once_per:
                    amount *= times(m.facts, rule.primary, e.per == "count")
            key = resolve(e.once_per, m.facts) if e.once_per else tuple(sorted(f["id"] for f in m.facts.values()))
            t = taken.setdefault(target, _Taken())
            t.add(key, amount, ONE)
            t.refs.update(r for f in m.facts.values() for r in fact_refs(f))
        for target, t in taken.items():
            lines.setdefault(target, []).append(Line(rule_id, t.total, tuple(sorted(t.refs)), "earn"))
    return lines
