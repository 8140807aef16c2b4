"""Lint of parts, stages and gates (design §5.6): what would silently score wrong is named here.

Only standards with `parts` reach these checks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from scoring.standard.model import Standard
from scoring.standard.parts import Part, Stage

WHERE = "criteria.yml"


def stage_node_problems(standard: Standard) -> Iterator[str]:
    """A veto stage holds veto nodes (method veto, max 0); a veto node elsewhere would veto the whole unit."""
    stages = {dim: stage for part in standard.criteria.parts for stage in part.stages for dim in stage.dimensions}
    for dim in standard.criteria.dimensions:
        stage = stages.get(dim.code)
        for ind in dim.indicators:
            if stage is not None and stage.kind == "veto" and ind.method != "veto":
                yield (f"{WHERE}: indicator {ind.code}: its dimension {dim.code} is in the veto stage {stage.code}, "
                       f"which holds veto nodes only (method: veto, max: 0)")
            elif stage is not None and stage.kind == "score" and ind.method == "veto":
                yield (f"{WHERE}: indicator {ind.code}: a veto node in the score stage {stage.code}: "
                       f"put its dimension in a veto stage")


def parts_problems(standard: Standard) -> Iterator[str]:
    parts = standard.criteria.parts
    if not parts:
        return
    weights = sum((p.weight for p in parts), Decimal(0))
    if weights != 1:
        yield f"{WHERE}: parts: weights add up to {_show(weights)}, not 1"
    codes = [p.code for p in parts] + [s.code for p in parts for s in p.stages]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        yield f"{WHERE}: parts: code {code} is used twice (part and stage codes are one list)"
    yield from _dimension_problems(standard)
    for part in parts:
        where = f"{WHERE}: parts.{part.code}"
        if part.weight > 0 and not any(s.kind == "score" for s in part.stages):
            yield f"{where}: no score stage: the part can only give 0 (add a score stage, or give it weight 0)"
        for kind in part.objects:
            if kind not in standard.criteria.object_kinds:
                known = ", ".join(sorted(standard.criteria.object_kinds)) or "none: list them under object_kinds"
                yield f"{where}.objects: unknown object kind {kind!r} (known: {known})"
        for index, stage in enumerate(part.stages):
            yield from _stage_problems(standard, part, index, stage)
    yield from _bonus_problems(standard)


def _dimension_problems(standard: Standard) -> Iterator[str]:
    known = {d.code for d in standard.criteria.dimensions}
    homes: dict[str, list[str]] = {}
    for part in standard.criteria.parts:
        for stage in part.stages:
            for dim in stage.dimensions:
                if dim not in known:
                    yield (f"{WHERE}: parts.{part.code}.stages.{stage.code}.dimensions: unknown dimension {dim!r} "
                           f"(known: {', '.join(sorted(known))})")
                homes.setdefault(dim, []).append(stage.code)
    for dim in standard.criteria.dimensions:
        stages = homes.get(dim.code, [])
        if not stages:
            yield f"{WHERE}: parts: dimension {dim.code} is in no stage: list it under one stage's dimensions"
        elif len(stages) > 1:
            yield f"{WHERE}: parts: dimension {dim.code} is in stages {' and '.join(stages)}: a dimension belongs to one stage"


def stage_max(standard: Standard, stage: Stage) -> Decimal:
    """The most a score stage can give: its scale, else its dimensions' maxima; within its cap."""
    target = stage.total if stage.scale_to == "total" else stage.scale_to
    most = target if target is not None else sum(
        (d.max for d in standard.criteria.dimensions if d.code in stage.dimensions), Decimal(0))
    return min(most, stage.cap) if stage.cap is not None else most


def _stage_problems(standard: Standard, part: Part, index: int, stage: Stage) -> Iterator[str]:
    where = f"{WHERE}: parts.{part.code}.stages.{stage.code}"
    if stage.kind == "score" and stage.total is not None:
        maxima = sum((d.max for d in standard.criteria.dimensions if d.code in stage.dimensions), Decimal(0))
        if maxima != stage.total:
            yield f"{where}: its dimensions' maxima add up to {_show(maxima)}, not its total {_show(stage.total)}"
    before = {s.code: s for s in part.stages[:index + 1]}
    later = {s.code for s in part.stages[index + 1:]}
    others = {s.code: p.code for p in standard.criteria.parts if p is not part for s in p.stages}
    for g, gate in enumerate(stage.gates):
        on = gate.on or stage.code
        at = f"{where}.gates[{g}]"
        if on in later:
            yield f"{at}.on: stage {on} comes later: a gate reads a score computed before it (this stage or an earlier one)"
        elif on in others:
            yield f"{at}.on: stage {on} belongs to part {others[on]}: a gate reads a score of its own part"
        elif on not in before:
            yield f"{at}.on: no stage {on} computes a score (stages of {part.code}: {', '.join(s.code for s in part.stages)})"
        elif before[on].kind != "score":
            yield f"{at}.on: stage {on} is a {before[on].kind} stage and computes no score to compare"
        else:
            op, threshold = gate.operator
            most = stage_max(standard, before[on])
            if not Decimal(0) <= threshold <= most:
                yield (f"{at}.{op}: {_show(threshold)} is outside what {on} can score (0 to {_show(most)}): "
                       f"the gate would always or never hold")


def _bonus_problems(standard: Standard) -> Iterator[str]:
    """A bonus event must land in an events stage: by its rule's indicator, or in one that lists no dimensions."""
    events = {dim for p in standard.criteria.parts for s in p.stages if s.kind == "events" for dim in s.dimensions}
    catch_all = any(s.kind == "events" and not s.dimensions for p in standard.criteria.parts for s in p.stages)
    for src in standard.rules:
        rule = src.rule
        if not rule.then.bonus or catch_all:
            continue
        dim = standard.dimension_of.get(rule.indicator or "")
        if dim is None or dim.code not in events:
            yield (f"{src.file}: rule {rule.id}: then.bonus: lands in no events stage: give the rule an indicator "
                   f"of an events stage's dimension, or add an events stage without dimensions")


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"
