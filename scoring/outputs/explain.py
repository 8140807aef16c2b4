"""Explanations in words: which rule took or gave which points, for which facts, under which standard."""

from __future__ import annotations

import re
from typing import Any

from scoring.engine.objects import flag_name
from scoring.engine.ranking import NO_GRADE
from scoring.i18n import pick, status_name, t
from scoring.outputs.notes import note_in
from scoring.standard import Standard


FACT_NAMES = {"survey": ("民主评议问卷", "survey answers"), "metrics": ("统计数据", "metrics")}
_NOTE_PARTS = re.compile(r"（([^（）]*)）")


def fact_name(fact: str, doc: dict[str, Any], lang: str) -> str:
    """A fact as people call it: 自评P3 for SA-P3, the unit's name for its code; ids of findings and
    rectification items stay, they are what people look up."""
    if fact in FACT_NAMES:
        return FACT_NAMES[fact][lang == "en"]
    if fact.startswith("SA-"):
        return f"self-assessment {fact[3:]}" if lang == "en" else f"自评{fact[3:]}"
    if fact == doc.get("unit"):
        return doc.get("name") or fact
    return fact


def _note_text(standard: Standard, note: str, lang: str) -> str:
    """A line's note in `lang` with the rules it names by title: ×2（屡查屡犯）, not ×2（REPEAT_FINDING）."""
    if lang == "en":
        return note_in(note, lang, lambda rule: pick(standard.rules_by_id[rule], "title", lang)
                       if rule in standard.rules_by_id else rule)

    def titles(match: re.Match) -> str:
        parts = [pick(standard.rules_by_id[p], "title", lang) if p in standard.rules_by_id else p
                 for p in match.group(1).split("、")]
        return f"（{'、'.join(parts)}）"
    return _NOTE_PARTS.sub(titles, note)


def _line_text(standard: Standard, doc: dict[str, Any], line: dict[str, Any], lang: str, rationale: bool,
               pad: str = "    ") -> list[str]:
    points = line["points"]
    sign = "" if points.startswith("-") else "+"
    named = [fact_name(f, doc, lang) for f in line["facts"]]
    facts = "、".join(named) if lang == "zh" else ", ".join(named)
    # The rule by its title: its id is in the scorecard's JSON, for appeals and scripts.
    text = f"{pad}{sign}{points}  {pick(line, 'title', lang) or line['rule']}"
    if facts:
        text += f"  ← {facts}"
    if line.get("note"):
        text += f"  [{_note_text(standard, line['note'], lang)}]"
    out = [text]
    rule = standard.rules_by_id.get(line["rule"])
    if rationale and rule:
        out.append(f"{pad}    {t('rule', lang)}: {pick(rule, 'rationale', lang)}")
    return out


def flag_names(standard: Standard, flags: list[str], lang: str) -> str:
    return "、".join(flag_text(standard, f, lang) for f in flags)


def flag_text(standard: Standard, flag: str, lang: str) -> str:
    """A flag by its name: the standard's own, or one the engine raises (数据不全); else its code."""
    names = standard.criteria.flags
    return pick(names[flag].model_dump(), "name", lang) if flag in names else flag_name(flag, lang) or flag


def grade_name(standard: Standard, code: str, lang: str) -> str:
    grade = next((g for g in (*standard.criteria.grades, NO_GRADE) if g.code == code), None)
    if grade is None:
        return code
    return grade.name_en if lang == "en" else grade.name


def _worth_telling(ind: dict[str, Any]) -> bool:
    """An indicator at full marks with nothing flagged has nothing to explain (nor a group of such)."""
    return (not ind["applicable"] or bool(ind["lines"]) or bool(ind.get("flags"))
            or any(_worth_telling(child) for child in ind.get("indicators", ())))


def _nodes(nodes: list[dict[str, Any]], depth: int = 0):
    """(node, depth) for an indicator tree, parents before children."""
    for node in nodes:
        yield node, depth
        yield from _nodes(node.get("indicators", ()), depth + 1)


def explain(standard: Standard, doc: dict[str, Any], lang: str = "zh", indicator: str | None = None,
            rationale: bool = True, everything: bool = False) -> str:
    """The scorecard in sentences; with `indicator`, only that indicator; `everything` lists full marks too."""
    grade = grade_name(standard, doc["grade_code"], lang)
    sums = (f"（{t('base', lang)} {doc['base']} + {t('bonus', lang)} {doc['bonus']}{_adjusted(doc, lang)}）"
            if "parts" not in doc else f"（{t('weighted_sum', lang)}{_adjusted(doc, lang)}）")
    head = (f"{doc['name']}（{doc['unit']}） {t('period', lang)} {doc['period']}  {t('score', lang)} {doc['score']}"
            f"{sums}  {t('grade', lang)} {grade}"
            f"  {t('rank', lang)} {doc['rank']}  {t('criteria', lang)} {doc['criteria']}")
    out = [head]
    if "parts" in doc and indicator is None:
        out.extend(_parts(standard, doc, lang, rationale, everything))
    else:
        for dim in doc["dimensions"]:
            out.extend(_dimension(standard, doc, dim, lang, rationale, indicator, everything, ""))
    if indicator is None:
        out.extend(_unit_level(standard, doc, lang, rationale))
    return "\n".join(out) + "\n"


def _dimension(standard: Standard, doc: dict[str, Any], dim: dict[str, Any], lang: str, rationale: bool,
               indicator: str | None, everything: bool, indent: str) -> list[str]:
    chosen = [(i, depth) for i, depth in _nodes(dim["indicators"]) if indicator == i["code"]
              or (indicator is None and (everything or _worth_telling(i)))]
    if not chosen and not (indicator is None and dim.get("lines")):
        return []
    out = [f"{dim['code']} {pick(dim, 'name', lang)}  {dim['score'] or '—'}/{dim['max']}"]
    for ind, depth in chosen:
        out.extend(_indicator_text(standard, doc, ind, lang, rationale, "  " * (depth + 1)))
    if indicator is None and dim.get("lines"):  # a dimension's pool or the overflow it took
        out.append(f"  {t('dimension_lines', lang)}")
        for line in dim["lines"]:
            out.extend(_line_text(standard, doc, line, lang, rationale))
    return [indent + line for line in out]


def _parts(standard: Standard, doc: dict[str, Any], lang: str, rationale: bool, everything: bool) -> list[str]:
    """Part → stage → dimension → indicator, then the weighted sum: every level's lines add up."""
    dims = {d["code"]: d for d in doc["dimensions"]}
    out = []
    for part in doc["parts"]:
        out.append(f"{part['code']} {pick(part, 'name', lang)}  {part['score']} × {part['weight']}"
                   f"  {t('outcome_' + part['outcome'], lang)}")
        for obj in part.get("objects", ()):
            out.append(f"  {obj['code']} {obj['name']}  {obj['score']}  {t('outcome_' + obj['outcome'], lang)}")
            own = {d["code"]: d for d in obj.get("dimensions", ())}  # the object's own indicators and lines
            out.extend("  " + text for text in _stages(standard, doc, own, obj["stages"], lang, rationale, everything))
        if part.get("applicable") is False:
            out.append(f"  {t('no_objects', lang)}")
        for line in part.get("lines", ()):
            out.extend(_line_text(standard, doc, line, lang, rationale))
        out.extend(_stages(standard, doc, dims, part["stages"], lang, rationale, everything))
    out.append(f"{t('weighted_sum', lang)}  {doc['score']}  {t('outcome_' + doc['outcome'], lang)}")
    for line in doc["part_lines"]:
        out.extend(_line_text(standard, doc, line, lang, rationale))
    return out


def _stages(standard: Standard, doc: dict[str, Any], dims: dict[str, Any], stages: list[dict[str, Any]], lang: str,
            rationale: bool, everything: bool) -> list[str]:
    """A part's or an object's stages, each with its dimensions (an object's own, scored in its session)."""
    out = []
    for stage in stages:
        extra = f"（{t('raw', lang)} {stage['raw']}/{stage['max']}）" if "raw" in stage else ""
        skipped = f"  {t('skipped', lang)}" if stage.get("skipped") else ""
        out.append(f"  {stage['code']} {pick(stage, 'name', lang) or stage['kind']}  {stage['score']}{extra}"
                   f"  {t('outcome_' + stage['outcome'], lang)}{skipped}")
        for line in stage["lines"]:
            out.extend("  " + text for text in _line_text(standard, doc, line, lang, rationale))
        # A veto or events stage's indicators (max 0) only place its rules: its lines say it all.
        for code in stage["dimensions"] if stage["kind"] == "score" else ():
            if code in dims:
                out.extend(_dimension(standard, doc, dims[code], lang, rationale, None, everything, "    "))
    return out


def _adjusted(doc: dict[str, Any], lang: str) -> str:
    """` − 从总分扣分 6.00` when a rule took points off the total (通报批评), else nothing."""
    if "adjust" not in doc:
        return ""
    return f" − {t('adjust_lines', lang)} {doc['adjust'].lstrip('-')}"


def _indicator_text(standard: Standard, doc: dict[str, Any], ind: dict[str, Any], lang: str, rationale: bool,
                    indent: str) -> list[str]:
    if not ind["applicable"]:
        why = ind["not_applicable_by"]
        rule = standard.rules_by_id.get(why)
        why = t("by_unit_type", lang) if why == "type" else (pick(rule, "title", lang) if rule else why)
        return [f"{indent}{ind['code']} {pick(ind, 'name', lang)}  {t('not_applicable', lang)}（{why}）"]
    flags = f"  ⚑ {flag_names(standard, ind['flags'], lang)}" if ind.get("flags") else ""
    out = [f"{indent}{ind['code']} {pick(ind, 'name', lang)}  {ind['score']}/{ind['max']}{flags}"]
    if not ind["lines"] and not ind.get("indicators"):
        out.append(f"{indent}  {t('no_lines', lang)}")
    for line in ind["lines"]:
        out.extend(_line_text(standard, doc, line, lang, rationale, indent + "  "))
    return out


def _unit_level(standard: Standard, doc: dict[str, Any], lang: str, rationale: bool) -> list[str]:
    out = []
    if doc["bonus_lines"]:
        out.append(f"{t('bonus', lang)}  +{doc['bonus']}")
        for line in doc["bonus_lines"]:
            out.extend(_line_text(standard, doc, line, lang, rationale))
    if doc.get("adjust_lines"):
        out.append(f"{t('adjust_lines', lang)}  {doc['adjust']}")
        for line in doc["adjust_lines"]:
            out.extend(_line_text(standard, doc, line, lang, rationale))
    if doc["veto_lines"]:
        out.append(f"{t('veto_lines', lang)}")
        for line in doc["veto_lines"]:
            out.extend(_line_text(standard, doc, line, lang, rationale))
    if doc["flags"]:
        out.append(f"{t('flags', lang)}: " + flag_names(standard, doc["flags"], lang))
    if doc["rectifications"]:
        out.append(f"{t('rectifications', lang)}:")
        for r in doc["rectifications"]:
            overdue = f"  {t('overdue', lang)}" if r["overdue"] else ""
            out.append(f"    {r['id']}  {r['indicator']}  {r['title']}  {t('deadline', lang)} {r['deadline']}"
                       f"  {status_name(r['status'], lang)}{overdue}")
    return out
