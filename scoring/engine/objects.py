"""Parts scored per object (design §5.3): one engine session per website or account of the part's kinds.

Each object's session (sid UNIT/OBJECT) holds the unit's shared facts (everything that names no
object) plus that object's `object` fact and the findings, records and judged points naming it; the
tally scores it as a unit and only that part's stages are kept from it. The unit's own session keeps
everything else: its lines on an object part are dropped (replaced by the objects'), so no line counts
twice. Both engines fire the same sessions through scoring.engine.passes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.engine.backends import Engine
from scoring.engine.facts import UnitFacts
from scoring.engine.parts import PartScore, combine_objects, weigh
from scoring.engine.passes import fire_passes
from scoring.engine.tally import UnitScore, floored, tally
from scoring.standard import Standard
from scoring.store.periods import Period


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


def score_objects(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts,
                  score: UnitScore) -> None:
    """Replace each object part of the unit's score by its objects' scores combined, and weigh the parts again."""
    if score.parts is None or not has_object_parts(standard):
        return
    objects = [f for f in uf.facts if f.get("fact") == "object"]
    kind_names = {code: label.name for code, label in standard.criteria.object_kinds.items()}
    sessions: dict[str, UnitScore] = {}
    parts: list[PartScore] = list(score.parts.parts)
    for index, part in enumerate(standard.criteria.parts):
        if not part.objects:
            continue
        mine = [o for o in objects if o["kind"] in part.objects]
        for o in mine:
            if o["code"] not in sessions:
                sessions[o["code"]] = _session(engine, standard, period, as_of, uf, o["code"])
        parts[index] = combine_objects(part, kind_names, [({**o, "detail": sessions[o["code"]]},
                                                            sessions[o["code"]].parts.parts[index]) for o in mine])
    score.parts = weigh(standard, parts, bool(score.veto_lines))
    score.base = score.parts.total
    score.adjust = floored(score.base, score.bonus, score.adjust_lines)  # the floor against the new base


def _session(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts,
             code: str) -> UnitScore:
    sid = f"{uf.unit['code']}/{code}"
    try:
        first, second = fire_passes(engine, standard, period, as_of, sid, session_facts(uf.facts, code))
    finally:
        engine.forget(sid)
    return tally(standard, uf.unit, first + second)
