"""What every engine backend hands up: the matches of a unit's facts, and which fields the rules compare.

Everything above the engine (tally, rectification orders, documents) reads only these, so it
never knows which backend ran. `engine_rules` is what a backend compiles: the standard's rules
plus the internal selection rules of their aggregates.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, NamedTuple

from scoring.rectify.items import GROUPABLE
from scoring.standard import Standard
from scoring.standard.schema import Op, Pattern
from scoring.standard.memo import per_standard

# An internal rule selecting the facts an aggregate counts: RULE~agg~alias (its numerator, for a
# share: RULE~agg~alias~where). Its matches go to scoring.engine.aggregates, never to the tally.
AGGREGATE_MARK = "~agg~"
WHERE_MARK = "~where"


class Match(NamedTuple):
    """One firing: a rule and the facts it matched, by alias (a tuple: a unit makes hundreds)."""

    rule: str
    facts: dict[str, dict[str, Any]]


def fact_ref(fact: dict[str, Any]) -> str:
    """How an explanation cites a fact: a finding's id, a unit's code, or the fact's kind."""
    if fact.get("ref"):
        return str(fact["ref"])
    return str(fact["code"] if fact.get("fact") == "unit" else fact["id"])


def fact_refs(fact: dict[str, Any]) -> list[str]:
    """How an explanation cites a fact: every finding of a group of findings (facts.build_facts), else fact_ref."""
    refs = fact.get("refs")
    return [str(r) for r in refs] if refs else [fact_ref(fact)]


def times(facts: dict[str, dict[str, Any]], primary: str, per_count: bool) -> int:
    """How many one-finding matches a match of grouped findings stands for: the product of the groups' sizes
    (the primary's counted in its summed count instead when the amount is per count)."""
    n = 1
    for alias, fact in facts.items():
        if not (per_count and alias == primary):
            n *= fact.get("members", 1)
    return n


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


# The finding fields an aggregated finding fact is grouped by: what rules may compare, plus what the
# tally reads of a finding (its indicator for a default target, corrected_on_spot for on_the_spot: half).
FINDING_GROUP = frozenset({"code", "kind", "indicator", "applicable", "corrected_on_spot"})


def findings_aggregable(standard: Standard) -> bool:
    """Whether a unit's findings may reach the engine grouped by FINDING_GROUP (one fact a group, carrying the
    summed count, the number of findings and every finding's id) and score exactly as one fact a finding.

    The tally multiplies per-match amounts by the group's size and cites every finding, so most rules
    keep their meaning. Not these, which see findings one by one: a rule comparing another finding field
    (count, date, inspector), a rule joining findings with findings, a score rule or an escalation counting findings, a once_per key on a
    finding field outside the group, a once_per amount per count, or an amount earned by value. A standard with any of them gets one
    fact a finding, as before (same scores, only slower)."""
    if not fields_within(engine_fields(standard).get("finding", frozenset())):
        return False
    if any(part.objects for part in standard.criteria.parts):
        return False  # each object's session takes the findings naming it: a group would mix objects
    if any(agg.of.fact == "finding" for src in standard.rules for agg in src.rule.aggregates.values()):
        return False  # an aggregate counts or sums findings one by one
    for src in standard.rules:
        rule, then = src.rule, src.rule.then
        findings = {alias for alias, pattern in rule.when.items() if pattern.fact == "finding"}
        if not findings:
            continue
        amounts = [a for a in (then.deduct, then.earn, then.bonus) if a]
        if len(findings) > 1:  # a join of findings with findings pairs findings, not groups, and never one with itself
            return False
        if then.score or (then.escalate and rule.primary in findings and not (then.flag and then.flag.indicator)):
            return False
        if then.earn and then.earn.value is not None:  # earned by value: an amount a match, never multiplied
            return False
        refs = [r for r in (*(a.once_per for a in amounts), *(a.indicator for a in (then.deduct, then.earn, then.flag)
                                                              if a)) if r and "." in str(r)]
        if any(str(r).split(".", 1)[0] in findings and str(r).split(".", 1)[1] not in FINDING_GROUP for r in refs):
            return False
        if any(a.once_per and a.per == "count" for a in amounts):
            return False
    return True


def fields_within(names: frozenset[str]) -> bool:
    return names <= FINDING_GROUP


# The rectification-item fields a group of items may be alike in (an item's deadline, finding and id are its own).
ITEM_GROUP = frozenset(GROUPABLE)
ITEM = "rectification"


def items_aggregable(standard: Standard) -> bool:
    return item_group_key(standard) is not None


@per_standard
def item_group_key(standard: Standard) -> tuple[str, ...] | None:
    """The fields a run groups a unit's rectification items by, or None: one fact an item (worked out once
    while the standard lives: a run asks once a unit)."""
    return _item_group_key(standard)


def _item_group_key(standard: Standard) -> tuple[str, ...] | None:
    """Items may reach the engine as one fact per group alike in every item field some rule compares or the
    tally reads (carrying the number of items as `members` and `count`, and every item's id as `refs`) and score
    exactly as one fact an item: every member of a group then matches exactly the facts the group matches, so a
    group's match stands for `members` one-item matches, which the tally multiplies per-match and per-count
    amounts by, and cites every item of. These see items one by one and get one fact an item (same scores, only
    slower), as findings_aggregable reasons: a rule comparing or reading (once_per, indicator: r.x) an item
    field outside ITEM_GROUP, a join of items with items, a score rule, an escalation keyed by items, an
    `earn` by value (its amount is per match, never multiplied), a once_per amount per count, an aggregate over
    items, a rectify effect, and object parts (their sessions are scored apart)."""
    read = set(engine_fields(standard).get(ITEM, frozenset()))
    if any(part.objects for part in standard.criteria.parts):
        return None
    if any(agg.of.fact == ITEM for src in standard.rules for agg in src.rule.aggregates.values()):
        return None
    for src in standard.rules:
        rule, then = src.rule, src.rule.then
        items = {alias for alias, pattern in rule.when.items() if pattern.fact == ITEM}
        if not items:
            continue
        if len(items) > 1 or then.score or then.rectify or (then.earn and then.earn.value is not None):
            return None
        if then.escalate and rule.primary in items and not (then.flag and then.flag.indicator):
            return None
        amounts = [a for a in (then.deduct, then.earn, then.bonus) if a]
        if any(a.once_per and a.per == "count" for a in amounts):
            return None
        refs = [*(a.once_per for a in amounts), *(a.indicator for a in (then.deduct, then.earn, then.flag) if a)]
        read.update(str(r).split(".", 1)[1] for r in refs if r and "." in str(r) and str(r).split(".", 1)[0] in items)
        if rule.primary in items and not rule.indicator and any(a and not a.indicator for a in (then.deduct, then.earn)):
            read.add("indicator")  # the amount goes to the item's own indicator
    return tuple(sorted(read)) if read <= ITEM_GROUP else None


def fact_kinds_read(standard: Standard) -> set[str]:
    """Every kind of fact some rule (or aggregate) reads; objects too when a part scores each object on its own."""
    read = {p.fact for rule in engine_rules(standard) for p in (*rule.when.values(), *rule.unless.values())}
    return read | {"object"} if any(part.objects for part in standard.criteria.parts) else read


_ID = itemgetter("id")


class Session:
    """One unit's facts as asserted so far: every backend knows each fact by its position here."""

    def __init__(self) -> None:
        self.facts: list[dict[str, Any]] = []
        self.ids: set[str] = set()

    def add(self, sid: str, facts: list[dict[str, Any]]) -> int:
        """Append facts and return the position of the first; their own ids must be unique in the unit."""
        before = len(self.ids)
        self.ids.update(map(_ID, facts))
        if len(self.ids) != before + len(facts):
            raise ValueError(f"unit {sid}: two facts share an id; every fact needs its own")
        start = len(self.facts)
        self.facts.extend(facts)
        return start
