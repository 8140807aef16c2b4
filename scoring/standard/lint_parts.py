"""Lint of parts, stages and gates (design §5.6): what would silently score wrong is named here.

Only standards with `parts` reach these checks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from scoring.i18n import _
from scoring.standard.model import Standard, indicator_at, rule_at
from scoring.standard.parts import Part, Stage

WHERE = "criteria.yml"


def stage_node_problems(standard: Standard) -> Iterator[str]:
    """A veto stage holds veto nodes (method veto, max 0); a veto node elsewhere would veto the whole unit."""
    stages = {dim: stage for part in standard.criteria.parts for stage in part.stages for dim in stage.dimensions}
    for dim in standard.criteria.dimensions:
        stage = stages.get(dim.code)
        for ind in dim.indicators:
            if stage is not None and stage.kind == "veto" and ind.method != "veto":
                yield f"{WHERE}: {indicator_at(ind.code)}: " + _(
                    "its dimension {dimension} is in the veto stage {stage}, which holds veto nodes only "
                    "(method: veto, max: 0)", dimension=dim.code, stage=stage.code)
            elif stage is not None and stage.kind == "score" and ind.method == "veto":
                yield f"{WHERE}: {indicator_at(ind.code)}: " + _(
                    "a veto node in the score stage {stage}: put its dimension in a veto stage", stage=stage.code)


def parts_problems(standard: Standard) -> Iterator[str]:
    parts = standard.criteria.parts
    if not parts:
        return
    weights = sum((p.weight for p in parts), Decimal(0))
    if weights != 1:
        yield f"{WHERE}: parts: " + _("weights add up to {total}, not 1", total=_show(weights))
    codes = [p.code for p in parts] + [s.code for p in parts for s in p.stages]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        yield f"{WHERE}: parts: " + _("code {code} is used twice (part and stage codes are one list)", code=code)
    yield from _dimension_problems(standard)
    for part in parts:
        where = f"{WHERE}: parts.{part.code}"
        if part.weight > 0 and not any(s.kind == "score" for s in part.stages):
            yield f"{where}: " + _("no score stage: the part can only give 0 (add a score stage, or give it weight 0)")
        for kind in part.objects:
            if kind not in standard.criteria.object_kinds:
                known = ", ".join(sorted(standard.criteria.object_kinds)) or _("none: list them under object_kinds")
                yield f"{where}.objects: " + _("unknown object kind {value!r} (known: {known})", value=kind, known=known)
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
                    yield f"{WHERE}: parts.{part.code}.stages.{stage.code}.dimensions: " + _(
                        "unknown dimension {value!r} (known: {known})", value=dim, known=", ".join(sorted(known)))
                homes.setdefault(dim, []).append(stage.code)
    for dim in standard.criteria.dimensions:
        stages = homes.get(dim.code, [])
        if not stages:
            yield f"{WHERE}: parts: " + _("dimension {code} is in no stage: list it under one stage's dimensions",
                                          code=dim.code)
        elif len(stages) > 1:
            yield f"{WHERE}: parts: " + _("dimension {code} is in stages {stages}: a dimension belongs to one stage",
                                          code=dim.code, stages=_(" and ").join(stages))


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
            yield f"{where}: " + _("its dimensions' maxima add up to {total}, not its total {expected}",
                                   total=_show(maxima), expected=_show(stage.total))
    before = {s.code: s for s in part.stages[:index + 1]}
    later = {s.code for s in part.stages[index + 1:]}
    others = {s.code: p.code for p in standard.criteria.parts if p is not part for s in p.stages}
    for g, gate in enumerate(stage.gates):
        on = gate.on or stage.code
        at = f"{where}.gates[{g}]"
        if on in later:
            yield f"{at}.on: " + _("stage {stage} comes later: a gate reads a score computed before it (this stage "
                                   "or an earlier one)", stage=on)
        elif on in others:
            yield f"{at}.on: " + _("stage {stage} belongs to part {part}: a gate reads a score of its own part",
                                   stage=on, part=others[on])
        elif on not in before:
            yield f"{at}.on: " + _("no stage {stage} computes a score (stages of {part}: {known})", stage=on,
                                   part=part.code, known=", ".join(s.code for s in part.stages))
        elif before[on].kind != "score":
            yield f"{at}.on: " + _("stage {stage} is a {kind} stage and computes no score to compare", stage=on,
                                   kind=before[on].kind)
        else:
            op, threshold = gate.operator
            most = stage_max(standard, before[on])
            if not Decimal(0) <= threshold <= most:
                yield f"{at}.{op}: " + _("{value} is outside what {stage} can score (0 to {most}): the gate would "
                                         "always or never hold", value=_show(threshold), stage=on, most=_show(most))


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
            yield f"{rule_at(src.file, rule.id)}: then.bonus: " + _(
                "lands in no events stage: give the rule an indicator of an events stage's dimension, or add an "
                "events stage without dimensions")


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"
