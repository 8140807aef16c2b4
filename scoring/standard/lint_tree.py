"""Lint of the indicator tree: maxima by type, children adding up, pools, overflow, earn/judged/veto nodes.

Each check is guarded by the construct it checks, so a standard that uses none of them (flat
indicators with plain maxima) never meets these messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from scoring.i18n import _
from scoring.standard.model import Standard, indicator_at
from scoring.standard.schema import ALL_TYPES, INDICATOR_FACTS, TOTAL, Dimension, Indicator, Rule, for_type

WHERE = "criteria.yml"


def by_type_used(standard: Standard) -> bool:
    """Whether some node or dimension gives its max or limit by unit type (A类/B类)."""
    return any(isinstance(n.max, dict) or isinstance(n.limit, dict) for n in standard.indicators.values()) or any(
        isinstance(d.limit, dict) for d in standard.criteria.dimensions)


def _types_of(standard: Standard, amount) -> Iterator[tuple[str, Decimal]]:
    """(unit type, amount) for every declared unit type an amount has an entry for."""
    for unit_type in standard.criteria.unit_types:
        value = for_type(amount, unit_type)
        if value is not None:
            yield unit_type, value


def tree_problems(standard: Standard, dim: Dimension) -> Iterator[str]:
    known = standard.criteria.unit_types
    if dim.overflow == "parent":
        yield f"{WHERE}: " + _("dimension {code}", code=dim.code) + ": overflow: " + _(
            "parent has no node above a dimension to take the loss; use floor (a dimension never goes below 0)")
    for node in (n for top in dim.indicators for n in top.walk()):
        for name in ("max", "limit"):
            amount = getattr(node, name)
            if isinstance(amount, dict):
                for key in amount:
                    if key != ALL_TYPES and key not in known:
                        yield f"{WHERE}: {indicator_at(node.code)}: {name}: " + _(
                            "unknown unit type {value!r} (known: {known}, or all)", value=key, known=", ".join(known))
        if node.method == "veto" and any(v != 0 for _type, v in _types_of(standard, node.max)):
            yield f"{WHERE}: {indicator_at(node.code)}: " + _("a veto node holds no points: give it max 0")
        if node.indicators:
            yield from _children_problems(standard, node)
        if node.limit is not None and not node.indicators and node.overflow == "floor" and \
                (isinstance(node.limit, dict) or isinstance(node.max, dict)):
            for unit_type, top in _types_of(standard, node.max):
                limit = for_type(node.limit, unit_type)
                if limit is not None and limit >= top:
                    yield f"{WHERE}: {indicator_at(node.code)}: " + _(
                        "for unit type {unit_type}, limit {limit} is not below its max {max}: it can never bind "
                        "(leave it out)", unit_type=unit_type, limit=limit, max=top)


def _children_problems(standard: Standard, node: Indicator) -> Iterator[str]:
    """A group's max must be the sum of its children's, for each unit type it applies to."""
    for unit_type in standard.criteria.unit_types:
        top = node.max_for(unit_type)
        if top is None:
            continue
        below = sum((m for c in node.indicators if (m := c.max_for(unit_type)) is not None), Decimal(0))
        if below != top:
            label = _("for unit type {unit_type}, ", unit_type=unit_type) if by_type_used(standard) else ""
            yield f"{WHERE}: {indicator_at(node.code)}: " + _(
                "{for_type}its max is {max}, but its indicators add up to {below}: a group's max is the sum of its "
                "children's", for_type=label, max=top, below=below)
            return


def _ancestors_by_overflow(standard: Standard, code: str) -> Iterator[Indicator]:
    """The node itself, then each parent a loss beyond the limit flows to (overflow: parent)."""
    node = standard.indicators[code]
    yield node
    while node.overflow == "parent" and standard.parent_of.get(node.code):
        node = standard.indicators[standard.parent_of[node.code]]
        yield node


def effect_problems(standard: Standard, rule: Rule) -> Iterator[str]:
    """Effects that do not fit the node they land on."""
    then = rule.then
    nodes = standard.indicators
    if then.deduct:
        d = then.deduct
        target = d.indicator or rule.indicator
        if target == TOTAL and d.share_of_max is not None:
            yield "then.deduct.share_of_max: " + _("the total has no max to take a share of; give points")
        if target in nodes and d.points is not None:
            yield from _pool_problems(standard, d.points, target)
        if target in nodes and nodes[target].method == "veto":
            yield "then.deduct.indicator: " + _("{code} is a veto node; it holds veto lines only (then: veto: true)",
                                                code=target)
    if then.earn:
        e = then.earn
        target = e.indicator or rule.indicator
        if target is None and rule.when[rule.primary].fact not in INDICATOR_FACTS:
            yield "then.earn.indicator: " + _("say which earn node the points go to (rule indicator or earn.indicator)")
        elif target is not None and "." not in target and target not in nodes:
            yield "then.earn.indicator: " + _("unknown indicator {value!r}", value=target)
        target = target or _code_target(standard, rule)
        if target in nodes and nodes[target].method != "earn":
            yield "then.earn: " + _("indicator {code} is scored by {method}; earn effects are for earn indicators "
                                    "(method: earn)", code=target, method=_method(nodes[target].method))
        if e.scale is not None and e.scale not in standard.criteria.scales:
            yield "then.earn.scale: " + _("unknown scale {value!r} (known: {known})", value=e.scale,
                                          known=", ".join(standard.criteria.scales))
        if e.per == "count" and rule.when[rule.primary].fact != "finding":
            yield "then.earn.per: " + _("'count' counts the first fact's count; a {fact} fact has none "
                                        "(use per: match)", fact=rule.when[rule.primary].fact)
    if then.score and rule.indicator in nodes and nodes[rule.indicator].method in ("earn", "veto", None):
        yield "then.score: " + _("indicator {code} is not scored by a score line (method {method}); use earn for "
                                 "earn indicators", code=rule.indicator,
                                 method=nodes[rule.indicator].method or _("group of indicators"))
    if then.score and rule.indicator in nodes and nodes[rule.indicator].method == "judged":
        scale = standard.criteria.scales.get(then.score.scale or "")
        if scale is None or scale.kind != "points":
            yield "then.score: " + _("indicator {code} is judged: score it with a scale of kind points",
                                     code=rule.indicator)
    if then.veto and rule.indicator in nodes and nodes[rule.indicator].method not in ("veto",) and \
            any(n.method == "veto" for n in nodes.values()):
        yield "then.veto: " + _("indicator {code} is not a veto node (method: veto); name one of the veto nodes",
                                code=rule.indicator)


def _method(method: str | None) -> str:
    """How a node is scored, as the author reads it (deduct …, or its children for a group)."""
    return method or _("its children")


def _code_target(standard: Standard, rule: Rule) -> str | None:
    """The indicator a rule's first fact names through its finding code (when: {f: {fact: finding, code: X}})."""
    pattern = rule.when[rule.primary]
    code = dict(pattern.conditions).get("code") if pattern.fact == "finding" else None
    found = standard.criteria.finding_codes.get(code) if isinstance(code, str) else None
    return found.indicator if found and found.indicator not in (None, "given") else None


def _pool_problems(standard: Standard, points, target: str) -> Iterator[str]:
    """A deduction larger than the limit of the node it lands in (or of a node its overflow reaches)."""
    for node in _ancestors_by_overflow(standard, target):
        if node.limit is None:
            continue
        for unit_type, amount in (_types_of(standard, points) if isinstance(points, dict) else [("", points)]):
            limit = for_type(node.limit, unit_type) if unit_type else (
                node.limit if not isinstance(node.limit, dict) else min(node.limit.values()))
            if limit is not None and amount > limit:
                yield "then.deduct.points: " + _("deducts {amount} at once into {code}, whose limit is {limit}: "
                                                 "it can never count in full", amount=amount, code=node.code,
                                                 limit=limit)
                return


def judged_problems(standard: Standard) -> Iterator[str]:
    """A judged node that no rule scores can only give 0 (没有规则给出得分)."""
    scored = {src.rule.indicator for src in standard.rules if src.rule.then.score}
    for node in standard.indicators.values():
        if node.method == "judged" and node.code not in scored:
            yield f"{WHERE}: {indicator_at(node.code)}: " + _(
                "a judged node needs a rule that scores it (then: score: {scale: <a points scale>, value: ...})")
