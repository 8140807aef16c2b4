"""From matches to points: exact Decimal arithmetic for caps, floors, not-applicable, bonus and veto.

The engine only says which rule matched which facts; everything numeric happens here, after
the matches are put in a canonical order so that the order of input rows never matters.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Iterable

from scoring.engine.lines import CENT, ZERO, Line, round2  # noqa: F401  (Line and round2 are read from here too)
from scoring.engine.parts import PartsResult, score_parts
from scoring.engine.matches import Match, fact_ref, fact_refs, times
from scoring.engine.expressions import PRECISION, apply_scale, evaluate, exact, resolve
from scoring.standard import Standard
from scoring.standard.schema import Rule

ONE = Decimal(1)
HALF = Decimal("0.5")


@dataclass
class IndicatorScore:
    code: str
    max: Decimal
    applicable: bool
    score: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    not_applicable_by: str = ""  # "type", or the rule that took the indicator out


@dataclass
class UnitScore:
    unit: dict[str, Any]
    indicators: dict[str, IndicatorScore]
    base: Decimal
    bonus: Decimal
    bonus_lines: list[Line]
    veto_lines: list[Line]
    flags: list[str]
    rectifications: list[dict[str, Any]] = field(default_factory=list)
    parts: PartsResult | None = None  # only when the criteria have parts (scoring.engine.parts)

    @property
    def veto(self) -> bool:
        """Placed as failed: a veto, or (with parts) a part that fails the unit — ranked last, lowest grade."""
        return bool(self.veto_lines) or (self.parts is not None and self.parts.outcome == "fail")

    @property
    def final(self) -> Decimal:
        return round2(self.base + self.bonus)  # with parts: base is their weighted sum and bonus 0


class _Plan:
    """What the tally asks of a standard's rules, worked out once per standard instead of once per match."""

    def __init__(self, standard: Standard):
        rules = [src.rule for src in standard.rules]
        self.order = {r.id: i for i, r in enumerate(rules)}
        # A rule's matches all bind the same aliases; with one, its fact id alone is the sort key.
        self.single = {r.id: next(iter(r.when)) if len(r.when) == 1 else None for r in rules}
        self.not_applicable = [r.id for r in rules if r.then.not_applicable]
        self.multiply = [r.id for r in rules if r.then.multiply]
        self.deduct = [r.id for r in rules if r.then.deduct]
        self.score = [r.id for r in rules if r.then.score]
        self.flag = [r.id for r in rules if r.then.flag]
        self.bonus = [r.id for r in rules if r.then.bonus]
        self.veto = [r.id for r in rules if r.then.veto]
        self.rectify = frozenset(r.id for r in rules if r.then.rectify)
        # Facts that had to be `applicable: true`: re-checked against rules that take an indicator out.
        self.applicable = {r.id: aliases for r in rules if (aliases := tuple(
            a for a, p in r.when.items() if p.conditions.get("applicable") is True))}


_plans: dict[int, tuple[Any, _Plan]] = {}


def plan_for(standard: Standard) -> _Plan:
    """The plan of a standard, cached while the standard lives (keyed by identity, checked by weak reference)."""
    cached = _plans.get(id(standard))
    if cached is not None and cached[0]() is standard:
        return cached[1]
    plan = _Plan(standard)
    _plans[id(standard)] = (weakref.ref(standard, lambda _, key=id(standard): _plans.pop(key, None)), plan)
    return plan


Grouped = dict[str, list[Match]]  # rule id -> its matches in canonical order; rules in standard order


def grouped(matches: Iterable[Match], plan: _Plan) -> Grouped:
    """Matches in canonical order (rule order, then sorted fact ids), kept per rule: order never depends on input."""
    groups: dict[str, list[Match]] = {}
    for m in matches:
        groups.setdefault(m.rule, []).append(m)
    out: Grouped = {}
    for rule_id in sorted(groups, key=plan.order.__getitem__):
        alias = plan.single[rule_id]
        if alias is not None:
            out[rule_id] = sorted(groups[rule_id], key=lambda m: m.facts[alias]["id"])
        else:
            out[rule_id] = sorted(groups[rule_id], key=lambda m: sorted(f["id"] for f in m.facts.values()))
    return out


def canonical(matches: Iterable[Match], standard: Standard) -> list[Match]:
    return [m for ms in grouped(matches, plan_for(standard)).values() for m in ms]


def not_applicable(standard: Standard, unit_type: str, matches: list[Match]) -> dict[str, str]:
    """Indicators that do not count for this unit: by unit type, or taken out by a rule."""
    plan = plan_for(standard)
    fired = {m.rule for m in matches}
    return _excluded(standard, plan, unit_type, [r for r in plan.not_applicable if r in fired])


def _excluded(standard: Standard, plan: _Plan, unit_type: str, fired: list[str]) -> dict[str, str]:
    out = {code: "type" for code in standard.indicators if not standard.applies(code, unit_type)}
    for rule_id in fired:  # in rule order: the first rule to take an indicator out is named
        indicator = standard.rules_by_id[rule_id].indicator
        if indicator not in out:
            out[indicator] = rule_id
    return out


def applicability_holds(standard: Standard, match: Match, excluded: dict[str, str]) -> bool:
    """Whether a match that required `applicable: true` facts still stands.

    The facts builder knows applicability by unit type only; a rule (no window ratings → S2
    does not apply) can take an indicator out during the same pass, and a finding on such an
    indicator deducted nothing, so nothing may be joined to it either.
    """
    aliases = plan_for(standard).applicable.get(match.rule, ())
    return not any(match.facts[alias].get("indicator") in excluded for alias in aliases)


def deduction_target(rule: Rule, indicator: str | None, facts: dict[str, dict[str, Any]]) -> str:
    if indicator:
        return str(resolve(indicator, facts)) if "." in indicator else indicator
    return rule.indicator or facts[rule.primary]["indicator"]


def multipliers(standard: Standard, groups: Grouped) -> dict[str, tuple[Decimal, list[str], str]]:
    """fact id -> (factor, refs of the facts that caused it, rule id). A fact is multiplied once."""
    out: dict[str, tuple[Decimal, list[str], str]] = {}
    for rule_id in plan_for(standard).multiply:
        effect = standard.rules_by_id[rule_id].then.multiply
        for m in groups.get(rule_id, ()):
            target = m.facts[effect.fact]
            factor, causes, rule = out.get(target["id"], (effect.factor, [], m.rule))
            causes += [r for a, f in m.facts.items() if a != effect.fact for r in fact_refs(f)]
            out[target["id"]] = (max(factor, effect.factor), causes, rule)
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
        self.total += amount * factor  # exact: the sum is the same in any order, to the last digit
        if self.factor is None or factor > self.factor:
            self.factor = factor


def _deductions(standard: Standard, groups: Grouped, excluded: dict[str, str]) -> dict[str, list[Line]]:
    mults = multipliers(standard, groups)
    taken: dict[tuple[str, str], _Taken] = {}
    for rule_id in plan_for(standard).deduct:
        if rule_id in groups:
            _deduct_rule(standard, standard.rules_by_id[rule_id], groups[rule_id], excluded, mults, taken)
    lines: dict[str, list[Line]] = {}
    for (rule_id, target), t in taken.items():
        d = standard.rules_by_id[rule_id].then.deduct
        total, factor = t.total, t.factor
        notes = sorted(t.notes)
        note = f"×{factor}（{'、'.join(notes)}）" if notes else ""
        if d.cap is not None and total > d.cap * factor:
            note = (note + " " if note else "") + f"封顶 {d.cap * factor}（原扣 {total}）"
            total = d.cap * factor
        lines.setdefault(target, []).append(Line(rule_id, -total, tuple(sorted(t.refs)), "deduct", note))
    return lines


def _deduct_rule(standard: Standard, rule: Rule, matches: list[Match], excluded: dict[str, str], mults: dict,
                 taken: dict[tuple[str, str], _Taken]) -> None:
    """A rule's deductions, each under its (rule, indicator) and its key (once_per, or its facts' ids).

    A one-fact rule without once_per keys every match by its own fact, so no key can repeat.
    """
    d = rule.then.deduct
    primary_alias = rule.primary
    unique = len(rule.when) == 1 and not d.once_per
    fixed = None if (d.indicator and "." in d.indicator) else (d.indicator or rule.indicator)
    per_count = d.per == "count"
    halves = d.on_the_spot == "half"
    for m in matches:
        facts = m.facts
        primary = facts[primary_alias]
        target = fixed or deduction_target(rule, d.indicator, facts)
        if target in excluded or target not in standard.indicators:
            continue
        amount = d.points if d.points is not None else d.share_of_max * standard.indicators[target].max
        if per_count:
            amount *= int(primary.get("count", 1))
        if not d.once_per:  # a once_per key counts once, however many findings share it
            amount *= times(facts, primary_alias, per_count)
        if halves and primary.get("corrected_on_spot"):
            amount *= HALF
        factor, causes, by_rule = mults.get(primary["id"], _NO_MULTIPLIER)
        if unique:
            key = None
        elif d.once_per:
            key = resolve(d.once_per, facts)
        else:
            key = tuple(sorted(f["id"] for f in facts.values()))
        t = taken.get((rule.id, target))
        if t is None:
            t = taken[(rule.id, target)] = _Taken()
        t.add(key, amount, factor)
        t.refs.update([r for f in facts.values() for r in fact_refs(f)])
        if causes:
            t.refs.update(causes)
        if by_rule:
            t.notes.add(by_rule)


_NO_MULTIPLIER: tuple[Decimal, list[str], str] = (ONE, [], "")


def _scores(standard: Standard, groups: Grouped, excluded: dict[str, str]) -> dict[str, list[Line]]:
    criteria = standard.criteria
    out: dict[str, list[Line]] = {}
    for rule_id in plan_for(standard).score:
        rule = standard.rules_by_id[rule_id]
        s = rule.then.score
        if rule.indicator in excluded:
            continue
        indicator = standard.indicators[rule.indicator]
        for m in groups.get(rule_id, ()):
            refs = tuple(sorted(r for f in m.facts.values() for r in fact_refs(f)))
            if s.points is not None:
                out.setdefault(rule.indicator, []).append(Line(rule.id, s.points, refs, "score"))
                continue
            value = evaluate(s.value, m.facts, criteria.tables)
            points = apply_scale(criteria.scales[s.scale], exact(value), indicator.max)
            out.setdefault(rule.indicator, []).append(
                Line(rule.id, points, refs, "score", f"{_show(value)} → {_show(points)}"))
    return out


def _show(value: Decimal) -> str:
    return format(round(exact(value), 4).normalize(), "f")


def _events(standard: Standard, groups: Grouped, kind: str) -> list[Line]:
    plan = plan_for(standard)
    keyed: dict[tuple[str, Any], list] = {}
    for rule_id in plan.veto if kind == "veto" else plan.bonus:
        rule = standard.rules_by_id[rule_id]
        for m in groups.get(rule_id, ()):
            if kind == "veto":
                amount, once = ZERO, None
            else:
                b = rule.then.bonus
                amount = b.points * (int(m.facts[rule.primary].get("count", 1)) if b.per == "count" else 1)
                once = resolve(b.once_per, m.facts) if b.once_per else None
                if once is None:
                    amount *= times(m.facts, rule.primary, b.per == "count")
            key = (rule.id, once if once is not None else tuple(sorted(f["id"] for f in m.facts.values())))
            entry = keyed.setdefault(key, [amount, set()])
            entry[1].update(r for f in m.facts.values() for r in fact_refs(f))
    per_rule: dict[str, list] = {}
    for (rule_id, _), (amount, refs) in keyed.items():
        acc = per_rule.setdefault(rule_id, [ZERO, set()])
        acc[0] += amount
        acc[1] |= refs
    return [Line(rule_id, amount, tuple(sorted(refs)), kind) for rule_id, (amount, refs) in per_rule.items()]


def _flags(standard: Standard, groups: Grouped, excluded: dict[str, str]) -> tuple[list[str], dict[str, set[str]]]:
    unit_flags: set[str] = set()
    on_indicator: dict[str, set[str]] = {}
    escalations: dict[str, set[str]] = {}
    for rule_id in plan_for(standard).flag:
        rule = standard.rules_by_id[rule_id]
        flag = rule.then.flag
        for m in groups.get(rule_id, ()):
            target = flag.indicator or rule.indicator
            if target and "." in target:
                target = str(resolve(target, m.facts))
            if target in excluded:
                continue
            unit_flags.add(flag.code)
            if target:
                on_indicator.setdefault(target, set()).add(flag.code)
            if rule.then.escalate:
                escalations.setdefault(rule.id, set()).add(target or fact_ref(m.facts[rule.primary]))
    for rule_id, keys in escalations.items():
        escalate = standard.rules_by_id[rule_id].then.escalate
        if len(keys) >= escalate.at_least:
            unit_flags.add(escalate.flag)
    return sorted(unit_flags), on_indicator


def _still_applicable(plan: _Plan, groups: Grouped, excluded: dict[str, str]) -> Grouped:
    """Drop matches joined to a fact whose indicator a rule has just taken out (see applicability_holds)."""
    if not excluded:
        return groups
    out = dict(groups)
    for rule_id, aliases in plan.applicable.items():
        if rule_id in out:
            out[rule_id] = [m for m in out[rule_id]
                            if not any(m.facts[a].get("indicator") in excluded for a in aliases)]
    return out


def tally(standard: Standard, unit: dict[str, Any], matches: Iterable[Match]) -> UnitScore:
    plan = plan_for(standard)
    groups = grouped(matches, plan)
    excluded = _excluded(standard, plan, unit["type"], [r for r in plan.not_applicable if r in groups])
    groups = _still_applicable(plan, groups, excluded)
    deductions = _deductions(standard, groups, excluded)
    scores = _scores(standard, groups, excluded)
    flags, on_indicator = _flags(standard, groups, excluded)
    indicators = {code: _indicator(code, ind, excluded, scores, deductions, on_indicator)
                  for code, ind in standard.indicators.items()}
    with localcontext() as ctx:
        ctx.prec = PRECISION
        earned = sum((i.score for i in indicators.values() if i.applicable), ZERO)
        possible = sum((i.max for i in indicators.values() if i.applicable), ZERO)
        base = Decimal(100) * earned / possible if possible else ZERO
    bonus_lines = _events(standard, groups, "bonus")
    if standard.criteria.parts:
        return _with_parts(standard, unit, indicators, flags, bonus_lines, _events(standard, groups, "veto"))
    bonus_total = sum((line.points for line in bonus_lines), ZERO)
    cap = standard.criteria.bonus_cap
    if bonus_total > cap:
        bonus_lines.append(Line("BONUS_CAP", cap - bonus_total, (), "bonus_cap", f"加分封顶 {cap}"))
    return UnitScore(unit=unit, indicators=indicators, base=base, bonus=min(bonus_total, cap),
                     bonus_lines=bonus_lines, veto_lines=_events(standard, groups, "veto"), flags=flags)


def _with_parts(standard: Standard, unit: dict[str, Any], indicators: dict[str, IndicatorScore], flags: list[str],
                bonus_lines: list[Line], veto_lines: list[Line]) -> UnitScore:
    """The parts' stages take the dimension scores, vetoes and bonus events; the unit keeps what no stage holds."""
    parts, unit_vetoes = score_parts(standard, indicators, veto_lines, bonus_lines)
    return UnitScore(unit=unit, indicators=indicators, base=parts.total, bonus=ZERO, bonus_lines=[],
                     veto_lines=unit_vetoes, flags=flags, parts=parts)


def _indicator(code: str, ind: Any, excluded: dict[str, str], scores: dict[str, list[Line]],
               deductions: dict[str, list[Line]], on_indicator: dict[str, set[str]]) -> IndicatorScore:
    result = IndicatorScore(code, ind.max, code not in excluded, flags=sorted(on_indicator.get(code, ())))
    if not result.applicable:
        result.not_applicable_by = excluded[code]
        return result
    if ind.method == "deduct":
        start = ind.max
    else:
        given = scores.get(code) or [Line("NO_SCORE_RULE", ZERO, (), "score", "没有规则给出得分")]
        chosen = min(given, key=lambda line: line.points)  # conflicting score rules: the lower counts
        result.lines.append(chosen)
        start = min(chosen.points, ind.max)
    lost = sum((-line.points for line in deductions.get(code, [])), ZERO)
    result.lines.extend(deductions.get(code, []))
    limit = start if ind.limit is None or ind.limit >= start else ind.limit
    if lost > limit:
        note = f"扣完为止（本项最多扣 {start}）" if limit == start else f"本项减分上限 {limit}（原扣 {lost}）"
        result.lines.append(Line("FLOOR", lost - limit, (), "floor", note))
    result.score = start - min(lost, limit)
    return result
