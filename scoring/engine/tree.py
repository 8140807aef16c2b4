"""The indicator tree of one unit, bottom-up: leaves by their method, groups by their children, with limits.

A node loses at most its `limit` (default: its max). What a leaf loses beyond it is floored
(扣完为止, a FLOOR line) and, with `overflow: parent`, taken from the parent instead (an OVERFLOW
line there: 二三级指标减分上限可突破自身权重分值). A group's score is Σ its children's scores plus its
own lines (deductions naming it, OVERFLOW from children, and a POOL line when its own limit binds:
一级指标减分上限为自身权重分值). So at every level the lines add up exactly:
leaf `score = start + Σ lines`, group `score = Σ children + Σ own lines`, and no node is below 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from scoring.engine import notes
from scoring.engine.notes import note
from scoring.engine.points import ZERO, IndicatorScore, Line
from scoring.standard import Standard
from scoring.standard.schema import Indicator, for_type
from scoring.standard.memo import per_standard

Lines = dict[str, list[Line]]


class Tree:
    """The inputs of one unit's tree: lines by node, exclusions, flags, the unit's type."""

    def __init__(self, standard: Standard, unit_type: str, excluded: dict[str, str], scores: Lines,
                 deductions: Lines, earnings: Lines, vetoes: Lines, on_indicator: dict[str, set[str]]):
        self.standard = standard
        self.unit_type = unit_type
        self.excluded = excluded
        self.scores, self.deductions, self.earnings, self.vetoes = scores, deductions, earnings, vetoes
        self.on_indicator = on_indicator
        self.results: dict[str, IndicatorScore] = {}
        self.shapes = shapes_for(standard, unit_type)

    def evaluate(self) -> tuple[dict[str, IndicatorScore], dict[str, list[Line]]]:
        """Every node's score (in the standard's order) and each dimension's own lines (OVERFLOW, POOL)."""
        dimension_lines: dict[str, list[Line]] = {}
        for dim in self.standard.criteria.dimensions:
            up: list[Line] = []
            for node in dim.indicators:
                up += self._node(node, "")
            lines = self._pool(dim, [self.results[n.code] for n in dim.indicators], up, "")
            if lines:
                dimension_lines[dim.code] = lines
        # Nodes are scored parents before children, dimension by dimension: the standard's order of its indicators.
        return self.results, dimension_lines

    def _node(self, node: Indicator, inherited: str) -> list[Line]:
        """Score a node (and its children); return the OVERFLOW lines it sends to its parent."""
        code = node.code
        excluded_by = inherited or self.excluded.get(code, "")
        shape = self.shapes[code]
        flags = self.on_indicator.get(code)
        # Every field by position (code, max, applicable, score, lines, flags, not_applicable_by, children):
        # half the cost of keywords and default factories, 28 nodes a unit.
        result = IndicatorScore(code, shape.max, not excluded_by, ZERO, [], sorted(flags) if flags else [], "",
                                shape.children)
        self.results[code] = result
        if node.indicators:
            up: list[Line] = []
            for child in node.indicators:
                up += self._node(child, excluded_by)
            children = [self.results[c.code] for c in node.indicators]
            if excluded_by or not any(c.applicable for c in children):
                result.applicable = False
                result.not_applicable_by = excluded_by or "children"
                return []
            return self._pool(node, children, up + self.deductions.get(code, []), code, result)
        if excluded_by:
            result.not_applicable_by = excluded_by
            return []
        return self._leaf(node, result)

    def _leaf(self, node: Indicator, result: IndicatorScore) -> list[Line]:
        code, top = node.code, result.max
        if node.method == "deduct":
            start = top
        elif node.method == "earn":
            given = self.earnings.get(code, [])
            result.lines.extend(given)
            gained = sum((line.points for line in given), ZERO)
            start = min(gained, top)
            if gained > top:
                result.lines.append(Line("EARN_CAP", top - gained, (), "earn_cap",
                                         note(notes.EARN_CAP, most=_plain(top), earned=_plain(gained))))
        elif node.method == "veto":
            result.lines.extend(self.vetoes.get(code, []))
            return []
        else:
            given = self.scores.get(code) or [Line("NO_SCORE_RULE", ZERO, (), "score", note(notes.NO_SCORE_RULE))]
            chosen = min(given, key=lambda line: line.points)  # conflicting score rules: the lower counts
            result.lines.append(chosen)
            start = min(chosen.points, top)
        taken = self.deductions.get(code)
        if taken:
            lost = ZERO
            for line in taken:  # Σ -points, as sum() adds them
                lost -= line.points
            result.lines.extend(taken)
        else:
            lost = ZERO
        shape = self.shapes[code]
        explicit = shape.limit
        limit = start if explicit is None or explicit >= start else explicit
        up: list[Line] = []
        if lost > limit:
            if limit != start:
                said = note(notes.ITEM_LIMIT, limit=limit, lost=lost)
            elif start is top:  # a deduct node's start is its max, whose note is written once per type
                said = shape.floor_note
            else:
                said = note(notes.ITEM_FLOOR, most=start)
            result.lines.append(Line("FLOOR", lost - limit, (), "floor", said))
            if node.overflow == "parent":
                up.append(_overflow(node.code, lost - limit))
        result.score = start - min(lost, limit)
        return up

    def _pool(self, node: Any, children: list[IndicatorScore], own: list[Line], code: str,
              result: IndicatorScore | None = None) -> list[Line]:
        """A group's (or a dimension's) score from its children and own lines, within its limit.

        Returns the OVERFLOW lines for its parent (a node) — or, for a dimension, its own lines."""
        top = scored = ZERO
        for c in children:  # Σ max and Σ score of the applicable children, in order, as sum() adds them
            if c.applicable:
                top += c.max
                scored += c.score
        raw = scored + sum((line.points for line in own), ZERO)
        lost = top - raw
        explicit = for_type(node.limit, self.unit_type)
        limit = top if explicit is None or explicit >= top else explicit
        lines = list(own)
        up: list[Line] = []
        if lost > limit:
            said = note(notes.POOL_FLOOR if limit == top else notes.POOL_LIMIT, node=node.code, limit=_plain(limit),
                        lost=_plain(lost))
            lines.append(Line("POOL", lost - limit, (), "pool", said))
            if node.overflow == "parent" and result is not None:
                up.append(_overflow(node.code, lost - limit))
        if result is None:  # a dimension: its lines are returned, its score is Σ top nodes + lines
            return lines
        result.max = top
        result.lines.extend(lines)
        result.score = top - min(lost, limit)
        return up


class Shape(NamedTuple):
    """What a unit's type makes of a node, the same for every unit of the type."""

    max: Decimal  # shown: its max for the type (a group's is set again from its applicable children)
    children: tuple[str, ...]
    limit: Decimal | None  # its own limit for the type (None: its max)
    floor_note: str  # the FLOOR line's note when it loses more than its max (扣完为止): most deduct nodes do


@per_standard
def _shapes_by_type(standard: Standard) -> dict[str, dict[str, Shape]]:
    return {}  # filled per unit type by shapes_for


def shapes_for(standard: Standard, unit_type: str) -> dict[str, Shape]:
    """Every node's Shape for a unit type, worked out once per standard and type."""
    by_type = _shapes_by_type(standard)
    shapes = by_type.get(unit_type)
    if shapes is None:
        shapes = by_type[unit_type] = {code: _shape(node, unit_type) for code, node in standard.indicators.items()}
    return shapes


def _shape(node: Indicator, unit_type: str) -> Shape:
    own_max = node.max_for(unit_type)
    shown_max = own_max if own_max is not None else (node.max if not isinstance(node.max, dict) else ZERO)
    return Shape(shown_max, tuple(c.code for c in node.indicators), for_type(node.limit, unit_type),
                 note(notes.ITEM_FLOOR, most=shown_max))


def _overflow(code: str, excess: Decimal) -> Line:
    return Line("OVERFLOW", -excess, (), "overflow", note(notes.OVERFLOW, node=code, amount=_plain(-excess)))


def _plain(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")
