"""Parts scored per object (design §5.3): one engine session per website or account of the part's kinds.

Each object's session (sid UNIT/OBJECT) holds the unit's shared facts (everything that names no
object) plus that object's `object` fact and the findings, records and judged points naming it, and
in its second pass the rectification items of those findings (an item names the object its finding
names; an item of a finding naming no object is shared like its finding). The tally scores it as a
unit and only that part's stages are kept from it. The unit's own session keeps everything else (the
parts scored for the whole unit, deductions from the total, unit-level vetoes): its lines on an
object part are dropped (replaced by the objects'), so no line counts twice.

What the unit's session counted on an object part and no object's session counted is data that
reached no object: a finding naming no object of a part without objects, or naming an object of
another kind, or one no longer in use. It is never dropped in silence: an UNCOUNTED line (0 points)
on the part cites it and the unit is flagged OBJECT_FACTS_UNCOUNTED. A unit with no object of any
part's kinds has nothing scored at all: its parts' outcome is `incomplete` and it is flagged
NO_OBJECTS (数据不全), never a silent 合格. Both engines fire the same sessions through
scoring.engine.passes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from scoring.engine.backends import Engine
from scoring.engine.facts import UnitFacts
from scoring.engine.matches import fact_refs
from scoring.engine.notes import UNCOUNTED, note
from scoring.engine.parts import PartScore, combine_objects, weigh
from scoring.engine.passes import fire_passes
from scoring.engine.points import ZERO, Line
from scoring.engine.tally import UnitScore, floored, tally
from scoring.i18n import NP_, label, label_table
from scoring.rectify.items import rectification_facts
from scoring.standard import Standard
from scoring.standard.parts import Part
from scoring.store.periods import Period

NO_OBJECTS = "NO_OBJECTS"
OBJECT_FACTS_UNCOUNTED = "OBJECT_FACTS_UNCOUNTED"
# The flags the engine raises itself (a standard's own flags are named in its criteria).
FLAG_LABELS = label_table(
    NP_("flag.NO_OBJECTS", "no object of any part's kinds: nothing scored, no grade (data incomplete)"),
    NP_("flag.OBJECT_FACTS_UNCOUNTED", "data naming no object of its part: not scored"),
)
# Facts that are rows someone entered (cited by their ids): what must never be dropped in silence.
_INPUT_FACTS = frozenset({"finding", "record", "judged"})


def flag_name(code: str, lang: str | None = None) -> str | None:
    """The name of a flag the engine raises itself; None for any other."""
    return label(FLAG_LABELS, code, lang) if code in FLAG_LABELS else None


def has_object_parts(standard: Standard) -> bool:
    return any(part.objects for part in standard.criteria.parts)


def session_facts(facts: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    """One object's session: the facts naming no object, that object's own fact and the facts naming it."""
    out = []
    for fact in facts:
        if fact.get("fact") == "object":
            if fact["code"] == code:
                out.append(fact)
        elif not fact.get("object") or fact["object"] == code:
            out.append(fact)
    return out


def session_items(uf: UnitFacts, code: str) -> list[dict[str, Any]]:
    """The rectification items one object's session sees: those whose finding names it, and those whose
    finding names no object (shared, like the finding). The items as the register holds them, one a finding."""
    named = finding_objects(uf.facts)
    return [item for item in uf.items + uf.carried_items
            if (item.get("object") or named.get(item["finding"]) or "") in ("", code)]


def finding_objects(facts: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Finding id -> the object it names, for the findings among the unit's facts that name one."""
    return {ref: fact["object"] for fact in facts if fact.get("fact") == "finding" and fact.get("object")
            for ref in fact_refs(fact)}


def score_objects(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts,
                  score: UnitScore) -> None:
    """Replace each object part of the unit's score by its objects' scores combined, and weigh the parts again."""
    if score.parts is None or not has_object_parts(standard):
        return
    objects = [f for f in uf.facts if f.get("fact") == "object"]
    kind_names = {code: label.name for code, label in standard.criteria.object_kinds.items()}
    inputs = _input_refs(uf)
    sessions: dict[str, UnitScore] = {}
    parts: list[PartScore] = list(score.parts.parts)
    uncounted = False
    for index, part in enumerate(standard.criteria.parts):
        if not part.objects:
            continue
        mine = [o for o in objects if o["kind"] in part.objects]
        for o in mine:
            if o["code"] not in sessions:
                sessions[o["code"]] = _session(engine, standard, period, as_of, uf, o["code"])
        combined = combine_objects(part, kind_names, [({**o, "detail": sessions[o["code"]]},
                                                       sessions[o["code"]].parts.parts[index]) for o in mine])
        counted: set[str] = set()
        for o in mine:
            counted |= cited(standard, part, sessions[o["code"]], sessions[o["code"]].parts.parts[index])
        lost = sorted((cited(standard, part, score, parts[index]) & inputs) - counted)
        if lost:
            combined.lines.append(Line("UNCOUNTED", ZERO, tuple(lost), "uncounted", note(UNCOUNTED, part=part.name)))
            uncounted = True
        parts[index] = combined
    score.parts = weigh(standard, parts, bool(score.veto_lines))
    score.base = score.parts.total
    score.adjust = floored(score.base, score.bonus, score.adjust_lines)  # the floor against the new base
    raised = {NO_OBJECTS} if score.parts.outcome == "incomplete" else set()
    raised |= {OBJECT_FACTS_UNCOUNTED} if uncounted else set()
    if raised:
        score.flags = sorted({*score.flags, *raised})


def cited(standard: Standard, part: Part, score: UnitScore, scored: PartScore) -> set[str]:
    """Every fact a session's lines on one part cite: its dimensions' indicators and own lines, its stages' lines."""
    dims = {d for stage in part.stages for d in stage.dimensions}
    lines: list[Line] = [line for code, ind in score.indicators.items()
                         if standard.dimension_of[code].code in dims for line in ind.lines]
    lines += [line for dim in dims for line in score.dimension_lines.get(dim, [])]
    lines += [line for stage in scored.stages for line in stage.lines]
    return {ref for line in lines for group in line.facts for ref in str(group).split("、")}


def _input_refs(uf: UnitFacts) -> set[str]:
    """The ids of the rows someone entered (findings, records, judged points) and of the rectification items."""
    refs = {ref for fact in uf.facts if fact.get("fact") in _INPUT_FACTS for ref in fact_refs(fact)}
    return refs | {item["id"] for item in uf.items + uf.carried_items}


def _session(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts,
             code: str) -> UnitScore:
    sid = f"{uf.unit['code']}/{code}"
    try:
        first, second = fire_passes(engine, standard, period, as_of, sid, session_facts(uf.facts, code),
                                    later=rectification_facts(session_items(uf, code), {}, period, as_of))
    finally:
        engine.forget(sid)
    return tally(standard, uf.unit, first + second)
