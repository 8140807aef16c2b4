"""Per-unit scorecards for the HTML: a unit's dimensions and every line that lost or gained points.

Made only for the units the HTML shows (every unit of a small run, or those a user selects): a card
needs the whole scorecard document, which the report does not keep for the others.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.outputs.explain import flag_text, grade_name
from scoring.outputs.notes import note_in
from scoring.i18n import pick
from scoring.outputs.report.labels import fact_name, label
from scoring.outputs.report.scan import ITEM_FIELDS
from scoring.standard import Standard
from scoring.engine.tally import round2
from scoring.engine.scorecard import all_nodes


def two(value: Decimal) -> str:
    return format(round2(value), "f")


def percent(part: Decimal, whole: Decimal) -> str:
    """A share as a percentage with one decimal, e.g. 85.3 (no sign; the templates add %)."""
    if not whole:
        return "0.0"
    return format((100 * part / whole).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"), "f")


def shown_points(points: str) -> str:
    """A line's exact points with a sign; amounts with more than two decimals shown rounded, marked ≈."""
    value = Decimal(points)
    sign = "+" if value > 0 else ""
    if value == round2(value):
        return f"{sign}{points}"
    return f"≈{sign}{two(value)}"


def type_name(standard: Standard, code: str, lang: str) -> str:
    found = standard.criteria.unit_types.get(code)
    return pick(found.model_dump(), "name", lang) if found else code


def item_dicts(items: list[tuple]) -> list[dict[str, Any]]:
    return [dict(zip(ITEM_FIELDS, item)) for item in items]


def _rule_title(standard: Standard, rule: str, lang: str) -> str:
    found = standard.rules_by_id.get(rule)
    return pick(found, "title", lang) if found else rule


def _line(standard: Standard, line: dict[str, Any], lang: str) -> dict[str, Any]:
    rule = standard.rules_by_id.get(line["rule"])
    return {"rule": line["rule"], "title": pick(line, "title", lang), "kind": line["kind"],
            "kind_name": label(f"kind_{line['kind']}", lang), "points": line["points"],
            "shown": shown_points(line["points"]), "facts": [fact_name(f, lang) for f in line["facts"]],
            "note": note_in(line.get("note", ""), lang, lambda rule: _rule_title(standard, rule, lang)),
            "rationale": rule.rationale if rule else ""}


def unit_card(standard: Standard, doc: dict[str, Any], group_rates: dict[str, str], items: list[tuple],
              lang: str) -> dict[str, Any]:
    """One unit's scorecard: the document's dimensions and every line that lost or gained points."""
    def flag(code: str) -> dict[str, str]:
        return {"code": code, "name": flag_text(standard, code, lang)}

    dims, explained = [], []
    for dim in doc["dimensions"]:
        dims.append({"code": dim["code"], "name": pick(dim, "name", lang), "score": dim["score"], "max": dim["max"],
                     "rate": percent(Decimal(dim["score"]), Decimal(dim["max"]))
                     if dim["applicable"] and Decimal(dim["max"]) else None,  # a veto dimension (max 0): no rate
                     "group_rate": group_rates.get(dim["code"])})
        for ind in all_nodes(dim["indicators"]):
            # Like `scoring explain`: an indicator at full marks with nothing flagged has nothing to explain.
            if ind["applicable"] and not ind["lines"] and not ind.get("flags"):
                continue
            explained.append({"code": ind["code"], "name": pick(ind, "name", lang), "dimension": dim["code"],
                              "score": ind["score"], "max": ind["max"], "applicable": ind["applicable"],
                              "flags": [flag(f) for f in ind.get("flags", [])],
                              "lines": [_line(standard, line, lang) for line in ind["lines"]]})
    card = {
        "unit": doc["unit"], "name": doc["name"], "group": doc["group"],
        "group_name": type_name(standard, doc["group"], lang), "type_name": type_name(standard, doc["type"], lang),
        "rank": doc["rank"], "score": doc["score"], "base": doc["base"], "bonus": doc["bonus"],
        "grade": grade_name(standard, doc["grade_code"], lang), "grade_code": doc["grade_code"], "veto": doc["veto"],
        "feed_points": doc["feed_points"],
        "flags": [flag(f) for f in doc["flags"]],
        "dimensions": dims, "explained": explained,
        "unit_lines": [_line(standard, line, lang) for line in doc["bonus_lines"] + doc["veto_lines"] + doc.get("adjust_lines", [])],
        "rectifications": item_dicts(items),
    }
    if "parts" in doc:  # only then: a standard without parts keeps its report data byte-identical
        card["parts"] = _parts(standard, doc, lang)
    return card


def _parts(standard: Standard, doc: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Each part and its stages with their lines (criteria with parts only)."""
    return [{"code": p["code"], "name": pick(p, "name", lang), "weight": p["weight"], "score": p["score"],
             "outcome": label(f"outcome_{p['outcome']}", lang), "failed": p["outcome"] == "fail",
             "stages": [{"code": s["code"], "name": pick(s, "name", lang) or s["code"], "score": s["score"],
                         "outcome": label(f"outcome_{s['outcome']}", lang), "failed": s["outcome"] == "fail",
                         "lines": [_line(standard, line, lang) for line in s["lines"]]} for s in p["stages"]],
             **(_objects(standard, p, lang) if "objects" in p else {})}
            for p in doc["parts"]]


def _objects(standard: Standard, part: dict[str, Any], lang: str) -> dict[str, Any]:
    """A part scored per object: each website or account by its kind and name, its score and outcome, and the
    part's own lines but the objects' (÷2 取平均, 不合格计0分, data that reached no object)."""
    kinds = standard.criteria.object_kinds
    objects = [{"code": o["code"], "score": o["score"], "outcome": label(f"outcome_{o['outcome']}", lang),
                "failed": o["outcome"] == "fail",
                "name": " ".join(x for x in (pick(kinds[o["kind"]].model_dump(), "name", lang) if o["kind"] in kinds
                                             else o["kind"], o["name"] or o["code"]) if x)}
               for o in part["objects"]]
    return {"objects": objects, "applicable": part.get("applicable", True),
            "part_lines": [_line(standard, line, lang) for line in part.get("lines", ()) if line["rule"] != "OBJECT"]}
