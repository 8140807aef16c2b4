"""Parts and stages: from the dimension scores the tally computed to a unit's weighted result.

国办秘函〔2019〕19号 in one part: 单项否决 (veto stage: 不合格, 不再评分) → 扣分指标 (score stage of
100; gates 低于60分不合格, 未高于80分不进入加分环节; 满分75分乘以4/3 as `scale_to`) → 加分指标
(events stage with a cap). 湾沚: two such parts weighted 30% and 70%. Every step is a line, so at
each level the lines add up exactly: a score stage is Σ its dimensions + its lines, an events
stage and a veto stage Σ their lines, a part Σ its stages, the unit Σ its PART lines (weight ×
part score, exact), rounded once at the end. Gates compare through engine.conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from scoring.engine import notes
from scoring.engine.conditions import SYMBOLS, holds
from scoring.engine.expressions import PRECISION
from scoring.engine.notes import note
from scoring.engine.points import ZERO, Line, round2
from scoring.standard import Standard
from scoring.standard.parts import Part, Stage


@dataclass
class StageScore:
    code: str
    kind: str  # veto | score | events
    score: Decimal = ZERO
    raw: Decimal = ZERO  # score stage: Σ its applicable dimensions' scores
    possible: Decimal = ZERO  # score stage: Σ its applicable dimensions' maxima
    outcome: str = "pass"
    skipped: bool = False
    lines: list[Line] = field(default_factory=list)


@dataclass
class PartScore:
    code: str
    weight: Decimal
    score: Decimal
    outcome: str  # pass | fail | none (not applicable: no object of its kinds, so no grade)
    stages: list[StageScore]
    # A part scored per object (design §5.3): each object's score through the stages, and the lines
    # (OBJECT per object, OBJECT_FAIL, COMBINE) whose sum is the part's score; stages then stay empty.
    objects: list["ObjectScore"] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    applicable: bool = True  # False: no object of the part's kinds (its weight goes to the other parts)


@dataclass
class ObjectScore:
    code: str
    kind: str
    name: str
    score: Decimal
    outcome: str
    stages: list[StageScore]
    detail: Any = None  # the object's session scored as a unit (its indicators: which finding cost what)


@dataclass
class PartsResult:
    parts: list[PartScore]
    lines: list[Line]  # one PART line per part: weight × score
    outcome: str  # pass | fail | incomplete (no part applies: no object of any part's kinds, nothing scored)

    @property
    def total(self) -> Decimal:
        """The unit's score before the one rounding."""
        return sum((line.points for line in self.lines), ZERO)


def stage_of_dimension(standard: Standard) -> dict[str, tuple[Part, Stage]]:
    return {dim: (part, stage) for part in standard.criteria.parts for stage in part.stages for dim in stage.dimensions}


def route(standard: Standard, lines: list[Line], kind: str) -> tuple[dict[str, list[Line]], list[Line]]:
    """Veto or bonus lines by the stage of their rule's indicator; those no such stage takes stay with the unit.

    A bonus rule whose indicator lies in no events stage goes to the events stage that lists no dimensions.
    """
    stages = stage_of_dimension(standard)
    catch_all = next((s.code for p in standard.criteria.parts for s in p.stages
                      if s.kind == kind and not s.dimensions), None) if kind == "events" else None
    routed: dict[str, list[Line]] = {}
    left: list[Line] = []
    for line in lines:
        indicator = standard.rules_by_id[line.rule].indicator
        dim = standard.dimension_of.get(indicator or "")
        _, stage = stages.get(dim.code if dim else "", (None, None))
        code = stage.code if stage is not None and stage.kind == kind else catch_all
        if code is None:
            left.append(line)
        else:
            routed.setdefault(code, []).append(line)
    return routed, left


def score_parts(standard: Standard, indicators: dict[str, Any], dimension_lines: dict[str, list[Line]],
                veto_lines: list[Line], bonus_lines: list[Line]) -> tuple[PartsResult, list[Line]]:
    """Every part scored from the indicators' scores; returns the result and the unit-level veto lines."""
    vetoes, unit_vetoes = route(standard, veto_lines, "veto")
    bonuses, _ = route(standard, bonus_lines, "events")  # lint: every bonus rule lands in an events stage
    with localcontext() as ctx:
        ctx.prec = PRECISION
        parts = [_part(standard, part, indicators, dimension_lines, vetoes, bonuses) for part in standard.criteria.parts]
    return weigh(standard, parts, bool(unit_vetoes)), unit_vetoes


def weigh(standard: Standard, parts: list[PartScore], unit_vetoed: bool) -> PartsResult:
    """One PART line per part (weight × score, exact); a part with no object of its kinds is not applicable
    and one WEIGHT_NA line shares its weight among the others (Σ ÷ (1 − its weight))."""
    lines = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for part, scored in zip(standard.criteria.parts, parts):
            if scored.applicable:
                lines.append(Line("PART", part.weight * scored.score, (), "part",
                                  f"{part.name} {_show(scored.score)} × {_show(part.weight)}"))
            else:
                lines.append(Line("PART", ZERO, (), "part", note(notes.PART_NO_OBJECT, part=part.name)))
        missing = sum((p.weight for p, s in zip(standard.criteria.parts, parts) if not s.applicable), ZERO)
        if missing and missing < 1:
            counted = sum((line.points for line in lines), ZERO)
            names = "、".join(p.name for p, s in zip(standard.criteria.parts, parts) if not s.applicable)
            lines.append(Line("WEIGHT_NA", counted / (1 - missing) - counted, (), "weight_na",
                              note(notes.WEIGHT_NA, parts=names, counted=_show(round2(counted)), share=_show(1 - missing))))
    failed = unit_vetoed or any(p.outcome == "fail" and part.fails_unit
                                for p, part in zip(parts, standard.criteria.parts))
    if failed:
        return PartsResult(parts, lines, "fail")
    # Every part lacks objects: the 0 is no score at all, and passes nothing (flagged NO_OBJECTS: 数据不全).
    return PartsResult(parts, lines, "incomplete" if not any(p.applicable for p in parts) else "pass")


def combine_objects(part: Part, kind_names: dict[str, str], scored: list[tuple[dict[str, Any], PartScore]]) -> PartScore:
    """A part scored per object: one OBJECT line per object (its score through the stages), then what the
    part's object_fail and combine make of them, each a line, so the lines add up to the part's score."""
    if not scored:
        return PartScore(part.code, part.weight, ZERO, "none", [], applicable=False)
    objects = [ObjectScore(o["code"], o["kind"], o.get("name") or "", s.score, s.outcome, s.stages, o.get("detail"))
               for o, s in scored]
    lines = [Line("OBJECT", o.score, (o.code,), "object",
                  f"{kind_names.get(o.kind, o.kind)} {o.code}{' ' + o.name if o.name else ''} {_show(round2(o.score))}")
             for o in objects]
    failed = [o for o in objects if o.outcome == "fail"]
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if failed and part.object_fail == "fails_part":
            names = "、".join(f"{kind_names.get(o.kind, o.kind)} {o.code}" for o in failed)
            lines.append(Line("OBJECT_FAIL", -sum((o.score for o in objects), ZERO), tuple(o.code for o in failed),
                              "object_fail", note(notes.PART_FAILED, objects=names)))
            return PartScore(part.code, part.weight, ZERO, "fail", [], objects, lines)
        for o in failed:
            lines.append(Line("OBJECT_FAIL", -o.score, (o.code,), "object_fail",
                              note(notes.OBJECT_FAILED, object=f"{kind_names.get(o.kind, o.kind)} {o.code}")))
        counted = [ZERO if o.outcome == "fail" else o.score for o in objects]
        total = sum(counted, ZERO)
        if part.combine == "mean" and len(counted) > 1:
            lines.append(Line("COMBINE", total / len(counted) - total, (), "combine", note(notes.MEAN, count=len(counted))))
        elif part.combine == "min" and len(counted) > 1:
            lines.append(Line("COMBINE", min(counted) - total, (), "combine", note(notes.LOWEST)))
        score = sum((line.points for line in lines), ZERO)
    return PartScore(part.code, part.weight, score, "pass", [], objects, lines)


def _part(standard: Standard, part: Part, indicators: dict[str, Any], dimension_lines: dict[str, list[Line]],
          vetoes: dict[str, list[Line]], bonuses: dict[str, list[Line]]) -> PartScore:
    done: list[StageScore] = []
    stopped = ""  # why the later stages are not scored
    for stage in part.stages:
        if stage.kind == "veto":
            result = _veto(stage, vetoes.get(stage.code, []), done)
            if result.outcome == "fail" and stage.on_veto == "zero":
                stopped = stopped or note(notes.VETOED)
        elif stage.kind == "score":
            result = _score(standard, stage, indicators, dimension_lines)
        else:
            result = _events(stage, bonuses.get(stage.code, []))
        if stopped and stage.kind != "veto":
            _skip(result, stopped)
        elif stage.kind == "score":
            stopped = _gates(stage, result, done) or stopped
        done.append(result)
    outcome = "fail" if any(s.outcome == "fail" for s in done) else "pass"
    return PartScore(part.code, part.weight, sum((s.score for s in done), ZERO), outcome, done)


def _veto(stage: Stage, lines: list[Line], done: list[StageScore]) -> StageScore:
    """A veto stage scores nothing; with on_veto zero it takes back what earlier stages gave (part score 0)."""
    result = StageScore(stage.code, "veto", lines=list(lines))
    if lines:
        result.outcome = "fail"
        if stage.on_veto == "zero":
            earlier = sum((s.score for s in done), ZERO)
            result.lines.append(Line("VETO", -earlier, (), "stage_veto", note(notes.STAGE_VETO)))
            result.score = -earlier
    return result


def _score(standard: Standard, stage: Stage, indicators: dict[str, Any],
           dimension_lines: dict[str, list[Line]]) -> StageScore:
    """Σ the stage's dimensions: their applicable top nodes and their own lines (POOL, OVERFLOW)."""
    raw = possible = ZERO
    for dim in standard.criteria.dimensions:
        if dim.code in stage.dimensions:
            applicable = [indicators[i.code] for i in dim.indicators if indicators[i.code].applicable]
            raw += sum((i.score for i in applicable), ZERO)
            raw += sum((line.points for line in dimension_lines.get(dim.code, [])), ZERO) if applicable else ZERO
            possible += sum((i.max for i in applicable), ZERO)
    result = StageScore(stage.code, "score", score=raw, raw=raw, possible=possible)
    target = stage.total if stage.scale_to == "total" else stage.scale_to
    if target is not None and possible and possible != target:
        scaled = target * raw / possible
        result.lines.append(Line("SCALE", scaled - raw, (), "scale",
                                 note(notes.SCALED, raw=_show(raw), scale=_show(target), possible=_show(possible),
                                      full=_show(possible))))
        result.score = scaled
    if stage.cap is not None and result.score > stage.cap:
        result.lines.append(Line("STAGE_CAP", stage.cap - result.score, (), "stage_cap",
                                 note(notes.STAGE_CAP, cap=_show(stage.cap), earned=_show(result.score))))
        result.score = stage.cap
    return result


def _events(stage: Stage, lines: list[Line]) -> StageScore:
    result = StageScore(stage.code, "events", lines=list(lines))
    total = sum((line.points for line in lines), ZERO)
    if stage.cap is not None and total > stage.cap:
        result.lines.append(Line("BONUS_CAP", stage.cap - total, (), "bonus_cap", note(notes.BONUS_CAP, cap=_show(stage.cap))))
        total = stage.cap
    result.score = total
    return result


def _skip(result: StageScore, why: str) -> None:
    """Not scored: one line takes back whatever the stage's dimensions or events would have given."""
    result.lines = [line for line in result.lines if line.kind == "bonus"]
    given = result.raw + sum((line.points for line in result.lines), ZERO)
    result.lines.append(Line("SKIPPED", -given, (), "skipped", note(notes.SKIPPED, why=why)))
    result.score = ZERO
    result.skipped = True


def _gates(stage: Stage, result: StageScore, done: list[StageScore]) -> str:
    """The stage's gates in order; each that holds adds a 0-point GATE line. Returns why later stages stop."""
    scored = {s.code: s for s in done} | {stage.code: result}
    stop = ""
    for gate in stage.gates:
        on = scored[gate.on or stage.code]
        op, threshold = gate.operator
        if not holds(op, threshold, on.score):
            continue
        note = f"{gate.note}（{on.code} {_show(round2(on.score))} {SYMBOLS[op]} {_show(threshold)}）"
        result.lines.append(Line("GATE", ZERO, (), "gate_fail" if gate.fail else "gate", note))
        if gate.fail:
            result.outcome = "fail"
        if gate.stop and not stop:
            stop = note
    return stop


def _show(value: Decimal) -> str:
    """An exact amount as people write it: 75, 85.5, 0.3 (at most 4 decimals in a note)."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(round(value, 4).normalize(), "f")
