"""The scorecard document of one unit: every point with its rule, facts and standard version.

This is what a run stores per unit (immutable) and what `scorecard`, `explain`, `rank` and
the reports read. Numbers are decimal strings so nothing is lost to floating point.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scoring.engine.ranking import Placement
from scoring.standard import Standard
from scoring.standard.memo import per_standard
from scoring.engine.tally import Line, UnitScore, dimension_points, round2


def points_text(value: Decimal) -> str:
    """An exact amount without trailing zeros: -1.5, -2, 0.25."""
    text = _POINTS.get(value)
    if text is None:
        text = "0" if value == 0 else format(value.normalize(), "f")
        _remember(_POINTS, value, text)
    return text


def score_text(value: Decimal) -> str:
    if not value:  # a zero keeps its sign (-0.00), which a table keyed by the value cannot tell
        return "-0.00" if value.is_signed() else "0.00"
    text = _SCORES.get(value)
    if text is None:
        text = format(round2(value), "f")
        _remember(_SCORES, value, text)
    return text


# A document shows a few hundred amounts, mostly the same few dozen (-1, -0.5, 40.00): each text is worked out
# once. Equal Decimals (1.5, 1.50) show alike, since both functions depend on the value only, not on how it is
# written; that holds in any context whose precision exceeds its digits, so only short texts are remembered.
_POINTS: dict[Decimal, str] = {}
_SCORES: dict[Decimal, str] = {}
_SHORT = 20  # characters: at most 19 digits, fewer than any precision used here (28, and 50 for the arithmetic)
_KEPT = 50_000  # texts per table before it starts again (a long-running web process sees many scores)


def _remember(table: dict[Decimal, str], value: Decimal, text: str) -> None:
    if len(text) <= _SHORT:
        if len(table) >= _KEPT:
            table.clear()
        table[value] = text


# The titles of the lines the tally writes itself (a rule's own title wins over these).
ENGINE_LINE_TITLES = {"FLOOR": ("扣完为止", "Floor: an indicator never goes below 0"),
                      "BONUS_CAP": ("加分封顶", "Bonus cap"),
                      "NO_SCORE_RULE": ("无得分依据", "No rule gave points"),
                      "POOL": ("减分上限", "Deduction limit of a group"),
                      "OVERFLOW": ("超出扣分计入上级", "Loss beyond a node's limit, taken from its parent"),
                      "EARN_CAP": ("得分封顶", "Earned points capped at the node's max")}

@per_standard
def _titles(standard: Standard) -> dict[str, tuple[str, str]]:
    """Every line's title by rule id, made once per standard (a document has a few hundred lines)."""
    return {**ENGINE_LINE_TITLES, **PART_LINE_TITLES,
            **{rule.id: (rule.title, rule.title_en) for rule in standard.rules_by_id.values()}}


def line_doc(standard: Standard, line: Line) -> dict[str, Any]:
    return _line_doc(_titles(standard), line)


def _line_doc(titles: dict[str, tuple[str, str]], line: Line) -> dict[str, Any]:
    title, title_en = titles.get(line.rule) or (line.rule, line.rule)
    doc = {"rule": line.rule, "title": title, "title_en": title_en, "kind": line.kind,
           "points": points_text(line.points), "facts": list(line.facts)}
    if line.note:
        doc["note"] = line.note
    return doc


def _dimension_doc(standard: Standard, score: UnitScore, dim) -> dict[str, Any]:
    points = dimension_points(standard, score, dim.code)
    own = score.dimension_lines.get(dim.code, [])
    heads, titles, indicators = _heads(standard), _titles(standard), score.indicators
    doc = {
        "code": dim.code, "name": dim.name, "name_en": dim.name_en,
        "score": score_text(points[0]) if points else None,
        "max": points_text(points[1] if points else Decimal(0)),
        "applicable": bool(points),
        "indicators": [_node_doc(heads, titles, indicators, indicators[i.code]) for i in dim.indicators],
    }
    if own:  # only when a dimension has a pool or takes overflow: old scorecards read as before
        doc["lines"] = [line_doc(standard, line) for line in own]
    return doc


def document(standard: Standard, period: str, score: UnitScore, placement: Placement) -> dict[str, Any]:
    unit = score.unit
    per_object = _dimensions_per_object(standard, score)
    dimensions = [per_object[dim.code] if dim.code in per_object else _dimension_doc(standard, score, dim)
                  for dim in standard.criteria.dimensions]
    doc = {
        "unit": unit["code"], "name": unit["name"], "type": unit["type"], "group": unit["group"],
        "period": period, "criteria": standard.label,
        "score": score_text(score.final), "base": score_text(score.base), "bonus": score_text(score.bonus),
        "grade": placement.grade, "grade_code": placement.grade_code, "rank": placement.rank,
        "veto": score.veto, "feed_points": score_text(placement.feed), "flags": score.flags,
        "dimensions": dimensions,
        "bonus_lines": [line_doc(standard, line) for line in score.bonus_lines],
        "veto_lines": [line_doc(standard, line) for line in score.veto_lines],
        "rectifications": score.rectifications,
    }
    if score.adjust_lines:  # deductions from the total (通报批评每次扣3分): only when a rule made one
        doc["adjust"] = score_text(score.adjust)
        doc["adjust_lines"] = [line_doc(standard, line) for line in score.adjust_lines]
    if score.parts is not None:  # only then: a standard without parts keeps its documents byte-identical
        doc.update(parts_doc(standard, score.parts))
    return doc


def _dimensions_per_object(standard: Standard, score: UnitScore) -> dict[str, dict[str, Any]]:
    """The dimensions of parts scored per object, as the part combines its objects (mean, min or sum of each
    object's dimension and indicator scores), without lines: each line is under its object in `parts`, and
    `objects` names that part. The unit's own session pooled every object's findings there and counts for nothing."""
    if score.parts is None:
        return {}
    out = {}
    for part, result in zip(standard.criteria.parts, score.parts.parts):
        if not part.objects:
            continue
        dims = {d for stage in part.stages for d in stage.dimensions}
        for dim in standard.criteria.dimensions:
            if dim.code in dims:
                points = [p for o in result.objects if (p := dimension_points(standard, o.detail, dim.code))]
                combined = _combine(part.combine, points)
                out[dim.code] = {
                    "code": dim.code, "name": dim.name, "name_en": dim.name_en,
                    "score": score_text(combined[0]) if combined else None,
                    "max": points_text(combined[1] if combined else Decimal(0)), "applicable": bool(combined),
                    "objects": part.code,
                    "indicators": [_combined_indicator(standard, part.combine, result.objects, node)
                                   for node in dim.indicators]}
    return out


def _combine(how: str, points: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal] | None:
    """(score, max) of several objects' (score, max) pairs, combined as their part combines them."""
    if not points:
        return None
    if how == "sum":
        return sum((p[0] for p in points), Decimal(0)), sum((p[1] for p in points), Decimal(0))
    if how == "min":
        return min(points)
    return sum((p[0] for p in points), Decimal(0)) / len(points), points[0][1]


def _combined_indicator(standard: Standard, how: str, objects, node) -> dict[str, Any]:
    scored = [o.detail.indicators[node.code] for o in objects]
    combined = _combine(how, [(i.score, i.max) for i in scored if i.applicable])
    doc = {"code": node.code, "name": node.name, "name_en": node.name_en,
           "method": "group" if node.indicators else standard.indicators[node.code].method,
           "score": score_text(combined[0]) if combined else None,
           "max": points_text(combined[1] if combined else scored[0].max if scored else Decimal(0)),
           "applicable": bool(combined), "lines": []}
    if node.indicators:
        doc["indicators"] = [_combined_indicator(standard, how, objects, child) for child in node.indicators]
    if not combined:
        doc["not_applicable_by"] = "objects"
    return doc


# The lines engine.parts writes, titled like a rule's.
PART_LINE_TITLES = {
    "VETO": ("单项否决", "Veto: the part is not scored further"),
    "SKIPPED": ("未进入本环节", "Stage not reached"),
    "SCALE": ("折算", "Converted to the stage's scale"),
    "STAGE_CAP": ("本环节封顶", "Stage cap"),
    "GATE": ("环节判定", "Stage gate"),
    "PART": ("按权重折算", "Weighted part"),
    "OBJECT": ("对象得分", "An object's score"),
    "OBJECT_FAIL": ("对象不合格", "Object failed"),
    "COMBINE": ("对象合并", "Objects combined"),
    "WEIGHT_NA": ("权重折算（部分不适用）", "Weights of a part without objects shared out"),
    "UNCOUNTED": ("未计分的数据", "Data that reached no object, not scored"),
}


def parts_doc(standard: Standard, parts) -> dict[str, Any]:
    """The parts, their stages and lines: `outcome`, `parts`, `part_lines` (Σ part_lines = score before rounding)."""
    docs = []
    for part, result in zip(standard.criteria.parts, parts.parts):
        entry = {"code": part.code, "name": part.name, "name_en": part.name_en,
                 "weight": points_text(part.weight), "score": score_text(result.score),
                 "outcome": result.outcome, "stages": _stages_doc(standard, part, result.stages)}
        if part.objects:  # only then: parts scored for the whole unit keep their documents byte-identical
            entry["applicable"] = result.applicable
            entry["objects"] = [{"code": o.code, "kind": o.kind, "name": o.name, "score": score_text(o.score),
                                 "outcome": o.outcome, "stages": _stages_doc(standard, part, o.stages),
                                 "dimensions": [_dimension_doc(standard, o.detail, dim) for dim in standard.criteria.dimensions
                                                if any(dim.code in stage.dimensions for stage in part.stages)]}
                                for o in result.objects]
            entry["lines"] = [_part_line_doc(standard, line) for line in result.lines]
        docs.append(entry)
    return {"outcome": parts.outcome, "parts": docs,
            "part_lines": [_part_line_doc(standard, line) for line in parts.lines]}


def _stages_doc(standard: Standard, part, scored) -> list[dict[str, Any]]:
    stages = []
    for stage, s in zip(part.stages, scored):
        entry = {"code": stage.code, "name": stage.name, "name_en": stage.name_en, "kind": stage.kind,
                 "score": score_text(s.score), "outcome": s.outcome, "dimensions": list(stage.dimensions),
                 "lines": [_part_line_doc(standard, line) for line in s.lines]}
        if stage.kind == "score":
            entry["raw"] = points_text(s.raw)
            entry["max"] = points_text(s.possible)
        if s.skipped:
            entry["skipped"] = True
        stages.append(entry)
    return stages


def _part_line_doc(standard: Standard, line: Line) -> dict[str, Any]:
    """A stage or part line; an amount that never ends (74 × 100 ÷ 75 − 74) is shown to 4 decimals.

    The score is computed from the exact amounts and rounded once, so a shown 24.6667 is not what was added."""
    doc = line_doc(standard, line)
    if line.points != line.points.quantize(Decimal("0.0001")):
        doc["points"] = points_text(line.points.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return doc


@per_standard
def _heads(standard: Standard) -> dict[str, tuple[str, str, str, str]]:
    """Every node's code, names and method as its document shows them (a group's method: group), once per standard."""
    return {code: (ind.code, ind.name, ind.name_en, "group" if ind.indicators else ind.method)
            for code, ind in standard.indicators.items()}


def _node_doc(heads: dict[str, tuple[str, str, str, str]], titles: dict[str, tuple[str, str]],
              indicators: dict[str, Any], result) -> dict[str, Any]:
    code, name, name_en, method = heads[result.code]
    applicable = result.applicable
    doc = {"code": code, "name": name, "name_en": name_en, "method": method,
           "score": score_text(result.score) if applicable else None,
           "max": points_text(result.max), "applicable": applicable,
           "lines": [_line_doc(titles, line) for line in result.lines] if result.lines else []}
    if result.children:  # a group: its nodes below it, each as a node of its own
        doc["indicators"] = [_node_doc(heads, titles, indicators, indicators[c]) for c in result.children]
    if result.flags:
        doc["flags"] = result.flags
    if not applicable:
        doc["not_applicable_by"] = result.not_applicable_by
    return doc


def all_nodes(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A dimension's indicator documents at every depth, parents before children (the list itself when flat)."""
    if not any("indicators" in node for node in indicators):
        return indicators
    out: list[dict[str, Any]] = []
    for node in indicators:
        out.append(node)
        out.extend(all_nodes(node.get("indicators", [])))
    return out
