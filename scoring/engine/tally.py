"""From matches to points: exact Decimal arithmetic for caps, floors, not-applicable, bonus and veto.

The engine only says which rule matched which facts; everything numeric happens here, after
the matches are put in a canonical order so that the order of input rows never matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any, Callable, Iterable

from scoring.engine import notes
from scoring.engine.matches import Match, fact_ref, fact_refs, times
from scoring.engine.notes import note
from scoring.engine.parts import PartsResult, score_parts
from scoring.engine.points import CENT, HALF, ONE, ZERO, IndicatorScore, Line, round2  # noqa: F401
from scoring.engine.expressions import PRECISION, apply_scale, evaluate, exact, out_of_range, resolve
from scoring.standard import Standard
from scoring.engine.deductions import Grouped, deduction_target, deductions, earnings, multipliers  # noqa: F401
from scoring.engine.tree import Tree
from scoring.standard.schema import TOTAL
from scoring.standard.memo import per_standard

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
    # A dimension's own lines (OVERFLOW from its top nodes, POOL when its limit binds); usually none.
    dimension_lines: dict[str, list[Line]] = field(default_factory=dict)
    # Deductions from the total (重大扣分项, 通报批评每次扣3分), taken after base and bonus, floored at 0.
    adjust: Decimal = ZERO
    adjust_lines: list[Line] = field(default_factory=list)

    @property
    def veto(self) -> bool:
        """Placed as failed: a veto, or (with parts) a part that fails the unit — ranked last, lowest grade."""
        return bool(self.veto_lines) or (self.parts is not None and self.parts.outcome == "fail")

    @property
    def final(self) -> Decimal:
        return round2(self.base + self.bonus + self.adjust)  # with parts: base is their weighted sum, bonus 0


class _Plan:
    """What the tally asks of a standard's rules, worked out once per standard instead of once per match."""

    def __init__(self, standard: Standard):
        rules = [src.rule for src in standard.rules]
        self.order = {r.id: i for i, r in enumerate(rules)}
        # A rule's matches all bind the same aliases: the sort key of its matches, their fact ids in sorted order.
        self.sort_key = {r.id: _sort_key(tuple(r.when)) for r in rules}
        self.not_applicable = [r.id for r in rules if r.then.not_applicable]
        self.multiply = [r.id for r in rules if r.then.multiply]
        self.deduct = [r.id for r in rules if r.then.deduct]
        self.earn = [r.id for r in rules if r.then.earn]
        self.score = [r.id for r in rules if r.then.score]
        self.flag = [r.id for r in rules if r.then.flag]
        self.flags = [_flag_spec(r) for r in rules if r.then.flag]
        self.bonus = [r.id for r in rules if r.then.bonus]
        self.veto = [r.id for r in rules if r.then.veto]
        self.rectify = frozenset(r.id for r in rules if r.then.rectify)
        # Facts that had to be `applicable: true`: re-checked against rules that take an indicator out.
        self.applicable = {r.id: aliases for r in rules if (aliases := tuple(
            a for a, p in r.when.items() if p.conditions.get("applicable") is True))}
        self.dimensions = {d.code: d for d in standard.criteria.dimensions}
        self._by_type: dict[str, dict[str, str]] = {}  # (no reference to the standard: the cache is weak)

    def excluded_by_type(self, standard: Standard, unit_type: str) -> dict[str, str]:
        """The indicators that do not apply to a unit type (code -> "type"): a new dict, the caller adds to it."""
        known = self._by_type.get(unit_type)
        if known is None:
            known = self._by_type[unit_type] = {code: "type" for code in standard.indicators
                                                if not standard.applies(code, unit_type)}
        return dict(known)


@per_standard
def plan_for(standard: Standard) -> _Plan:
    """The plan of a standard, made once while the standard lives."""
    return _Plan(standard)



def grouped(matches: Iterable[Match], plan: _Plan) -> Grouped:
    """Matches in canonical order (rule order, then sorted fact ids), kept per rule: order never depends on input."""
    groups: dict[str, list[Match]] = {}
    for m in matches:  # a unit makes hundreds of matches: no empty list made per match (setdefault would)
        found = groups.get(m.rule)
        if found is None:
            groups[m.rule] = [m]
        else:
            found.append(m)
    out: Grouped = {}
    for rule_id in sorted(groups, key=plan.order.__getitem__):
        ms = out[rule_id] = groups[rule_id]  # sorted in place (stable, as sorted() is): the list is ours
        if len(ms) > 1:
            ms.sort(key=plan.sort_key[rule_id])
    return out


def _sort_key(aliases: tuple[str, ...]) -> Callable[[Match], Any]:
    """The sort key of a rule's matches: their facts' ids in sorted order (with one fact, its id alone; with two,
    the pair as a tuple, which sorts as the sorted list would)."""
    if len(aliases) == 1:
        alias = aliases[0]
        return lambda m: m.facts[alias]["id"]
    if len(aliases) == 2:
        first, second = aliases

        def pair(m: Match) -> tuple[str, str]:
            x, y = m.facts[first]["id"], m.facts[second]["id"]
            return (x, y) if x <= y else (y, x)
        return pair
    return _sorted_ids


def _sorted_ids(m: Match) -> list[str]:
    ids = [f["id"] for f in m.facts.values()]
    ids.sort()
    return ids


def canonical(matches: Iterable[Match], standard: Standard) -> list[Match]:
    return [m for ms in grouped(matches, plan_for(standard)).values() for m in ms]


def not_applicable(standard: Standard, unit_type: str, matches: list[Match]) -> dict[str, str]:
    """Indicators that do not count for this unit: by unit type, or taken out by a rule."""
    plan = plan_for(standard)
    fired = {m.rule for m in matches}
    return _excluded(standard, plan, unit_type, [r for r in plan.not_applicable if r in fired])


def _excluded(standard: Standard, plan: _Plan, unit_type: str, fired: list[str]) -> dict[str, str]:
    out = plan.excluded_by_type(standard, unit_type)
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


def _scores(standard: Standard, groups: Grouped, excluded: dict[str, str],
            unit_type: str) -> tuple[dict[str, list[Line]], set[str]]:
    """Score lines by node, and the nodes whose judged value lay outside [0, max] (clamped: JUDGED_OUT_OF_RANGE)."""
    criteria = standard.criteria
    out: dict[str, list[Line]] = {}
    clamped_on: set[str] = set()
    for rule_id in plan_for(standard).score:
        matched = groups.get(rule_id)
        if not matched:
            continue
        rule = standard.rules_by_id[rule_id]
        s = rule.then.score
        if rule.indicator in excluded:
            continue
        top = standard.max_for(rule.indicator, unit_type)
        for m in matched:
            refs = tuple(sorted(r for f in m.facts.values() for r in fact_refs(f)))
            if s.points is not None:
                out.setdefault(rule.indicator, []).append(Line(rule.id, s.points, refs, "score"))
                continue
            value = evaluate(s.value, m.facts, criteria.tables)
            scale = criteria.scales[s.scale]
            points = apply_scale(scale, exact(value), top)
            note = f"{_show(value)} → {_show(points)}"
            clamped = out_of_range(scale, exact(value), top)
            if clamped:
                note = clamped
                clamped_on.add(rule.indicator)
            out.setdefault(rule.indicator, []).append(Line(rule.id, points, refs, "score", note))
    return out, clamped_on


JUDGED_OUT_OF_RANGE = "JUDGED_OUT_OF_RANGE"


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
    for rule_id, code, target, (alias, name), escalate, primary in plan_for(standard).flags:
        matched = groups.get(rule_id)
        if not matched:
            continue
        for m in matched:
            if alias:  # the indicator a fact names (s.indicator): resolve() unless it is there
                value = m.facts[alias].get(name)
                target = str(value if value is not None else resolve(f"{alias}.{name}", m.facts))
            if target in excluded:
                continue
            unit_flags.add(code)
            if target:
                found = on_indicator.get(target)
                if found is None:
                    on_indicator[target] = {code}
                else:
                    found.add(code)
            if escalate:
                escalations.setdefault(rule_id, set()).add(target or fact_ref(m.facts[primary]))
    for rule_id, keys in escalations.items():
        escalate = standard.rules_by_id[rule_id].then.escalate
        if len(keys) >= escalate.at_least:
            unit_flags.add(escalate.flag)
    return sorted(unit_flags), on_indicator


def _flag_spec(rule: Any) -> tuple[str, str, str | None, tuple[str, str] | tuple[None, None], bool, str]:
    """What _flags needs of a flagging rule: its id, flag, target (or the alias and field naming it), escalation."""
    target = rule.then.flag.indicator or rule.indicator
    ref = tuple(target.split(".", 1)) if target and "." in target else (None, None)
    return rule.id, rule.then.flag.code, target, ref, bool(rule.then.escalate), rule.primary


def _still_applicable(plan: _Plan, groups: Grouped, excluded: dict[str, str]) -> Grouped:
    """Drop matches joined to a fact whose indicator a rule has just taken out (see applicability_holds)."""
    if not excluded:
        return groups
    out = dict(groups)
    for rule_id, aliases in plan.applicable.items():
        matched = out.get(rule_id)
        if matched is None:
            continue
        if len(aliases) == 1:  # most such rules: one fact had to be applicable
            alias = aliases[0]
            out[rule_id] = [m for m in matched if m.facts[alias].get("indicator") not in excluded]
        else:
            out[rule_id] = [m for m in matched if not any(m.facts[a].get("indicator") in excluded for a in aliases)]
    return out


def tally(standard: Standard, unit: dict[str, Any], matches: Iterable[Match]) -> UnitScore:
    plan = plan_for(standard)
    groups = grouped(matches, plan)
    unit_type = unit["type"]
    excluded = _excluded(standard, plan, unit_type, [r for r in plan.not_applicable if r in groups])
    groups = _still_applicable(plan, groups, excluded)
    taken = deductions(standard, groups, excluded, unit_type)
    adjust_lines = taken.pop(TOTAL, [])
    scores, clamped_on = _scores(standard, groups, excluded, unit_type)
    flags, on_indicator = _flags(standard, groups, excluded)
    veto_lines = _events(standard, groups, "veto")
    vetoes: dict[str, list[Line]] = {}
    for line in veto_lines:
        node = standard.rules_by_id[line.rule].indicator
        if node in standard.indicators and standard.indicators[node].method == "veto":
            vetoes.setdefault(node, []).append(line)
    earned_lines = earnings(standard, plan.earn, groups, excluded, unit_type) if plan.earn else {}
    indicators, dimension_lines = Tree(standard, unit_type, excluded, scores, taken, earned_lines, vetoes,
                                       on_indicator).evaluate()
    if clamped_on:  # a judged value outside [0, max] in the workspace (the importer refuses such rows)
        flags = sorted({*flags, JUDGED_OUT_OF_RANGE})
        for code in clamped_on:
            indicators[code].flags = sorted({*indicators[code].flags, JUDGED_OUT_OF_RANGE})
    top = [i for code, i in indicators.items() if standard.parent_of[code] is None and i.applicable]
    with localcontext() as ctx:
        ctx.prec = PRECISION
        earned = sum((i.score for i in top), ZERO)
        if dimension_lines:
            earned += sum((line.points for lines in dimension_lines.values() for line in lines), ZERO)
        possible = sum((i.max for i in top), ZERO)
        base = standard.criteria.total * earned / possible if possible else ZERO
    bonus_lines = _events(standard, groups, "bonus")
    if standard.criteria.parts:
        # The parts' stages take the dimension scores, vetoes and bonus events; the unit keeps what no stage holds.
        parts, unit_vetoes = score_parts(standard, indicators, dimension_lines, veto_lines, bonus_lines)
        base, bonus, bonus_lines, veto_lines = parts.total, ZERO, [], unit_vetoes
    else:
        parts = None
    bonus_total = sum((line.points for line in bonus_lines), ZERO)
    cap = standard.criteria.bonus_cap
    if bonus_total > cap:
        bonus_lines.append(Line("BONUS_CAP", cap - bonus_total, (), "bonus_cap", note(notes.BONUS_CAP, cap=cap)))
    bonus = min(bonus_total, cap)
    adjust = floored(base, bonus, adjust_lines)
    return UnitScore(unit=unit, indicators=indicators, base=base, bonus=bonus, bonus_lines=bonus_lines,
                     veto_lines=veto_lines, flags=flags, dimension_lines=dimension_lines,
                     adjust=adjust, adjust_lines=adjust_lines, parts=parts)


def floored(base: Decimal, bonus: Decimal, adjust_lines: list[Line]) -> Decimal:
    """The deductions from the total, at most what base and bonus gave (a FLOOR line says so: 扣完为止)."""
    adjust_lines[:] = [line for line in adjust_lines if line.kind != "floor"]  # again after a new base
    adjust = sum((line.points for line in adjust_lines), ZERO)
    if adjust_lines and base + bonus + adjust < 0:
        adjust_lines.append(Line("FLOOR", -(base + bonus + adjust), (), "floor", note(notes.TOTAL_FLOOR)))
        adjust = -(base + bonus)
    return adjust


def dimension_points(standard: Standard, score: UnitScore, code: str) -> tuple[Decimal, Decimal] | None:
    """A dimension's (score, applicable max): Σ its applicable top nodes plus its own lines (OVERFLOW, POOL);
    None when none of its nodes applies. What a part's stage adds up (design §5)."""
    dim = plan_for(standard).dimensions[code]
    applicable = [i for i in (score.indicators[n.code] for n in dim.indicators) if i.applicable]
    if not applicable:
        return None
    own = score.dimension_lines.get(code, [])
    return (sum((i.score for i in applicable), ZERO) + sum((line.points for line in own), ZERO),
            sum((i.max for i in applicable), ZERO))
