"""Explanations in words: which rule took or gave which points, for which facts, under which standard."""

from __future__ import annotations

from typing import Any

from scoring.i18n import pick, status_name, t
from scoring.standard import Standard


def _line_text(standard: Standard, line: dict[str, Any], lang: str, rationale: bool) -> list[str]:
    points = line["points"]
    sign = "" if points.startswith("-") else "+"
    facts = "、".join(line["facts"]) if lang == "zh" else ", ".join(line["facts"])
    text = f"    {sign}{points}  {line['rule']} {pick(line, 'title', lang)}"
    if facts:
        text += f"  ← {facts}"
    if line.get("note"):
        text += f"  [{line['note']}]"
    out = [text]
    rule = standard.rules_by_id.get(line["rule"])
    if rationale and rule:
        out.append(f"        {t('rule', lang)}: {pick(rule, 'rationale', lang)}")
    return out


def grade_name(standard: Standard, code: str, lang: str) -> str:
    grade = next((g for g in standard.criteria.grades if g.code == code), None)
    if grade is None:
        return code
    return grade.name_en if lang == "en" else grade.name


def _worth_telling(ind: dict[str, Any]) -> bool:
    """An indicator at full marks with nothing flagged has nothing to explain."""
    return not ind["applicable"] or bool(ind["lines"]) or bool(ind.get("flags"))


def explain(standard: Standard, doc: dict[str, Any], lang: str = "zh", indicator: str | None = None,
            rationale: bool = True, everything: bool = False) -> str:
    """The scorecard in sentences; with `indicator`, only that indicator; `everything` lists full marks too."""
    grade = grade_name(standard, doc["grade_code"], lang)
    head = (f"{doc['name']}（{doc['unit']}） {t('period', lang)} {doc['period']}  {t('score', lang)} {doc['score']}"
            f"（{t('base', lang)} {doc['base']} + {t('bonus', lang)} {doc['bonus']}）  {t('grade', lang)} {grade}"
            f"  {t('rank', lang)} {doc['rank']}  {t('criteria', lang)} {doc['criteria']}")
    out = [head]
    for dim in doc["dimensions"]:
        chosen = [i for i in dim["indicators"] if indicator == i["code"]
                  or (indicator is None and (everything or _worth_telling(i)))]
        if not chosen:
            continue
        out.append(f"{dim['code']} {pick(dim, 'name', lang)}  {dim['score'] or '—'}/{dim['max']}")
        for ind in chosen:
            if not ind["applicable"]:
                why = ind["not_applicable_by"]
                out.append(f"  {ind['code']} {pick(ind, 'name', lang)}  {t('not_applicable', lang)}"
                           f"（{t('by_unit_type', lang) if why == 'type' else why}）")
                continue
            flags = f"  ⚑ {', '.join(ind['flags'])}" if ind.get("flags") else ""
            out.append(f"  {ind['code']} {pick(ind, 'name', lang)}  {ind['score']}/{ind['max']}{flags}")
            if not ind["lines"]:
                out.append(f"    {t('no_lines', lang)}")
            for line in ind["lines"]:
                out.extend(_line_text(standard, line, lang, rationale))
    if indicator is None:
        out.extend(_unit_level(standard, doc, lang, rationale))
    return "\n".join(out) + "\n"


def _unit_level(standard: Standard, doc: dict[str, Any], lang: str, rationale: bool) -> list[str]:
    out = []
    if doc["bonus_lines"]:
        out.append(f"{t('bonus', lang)}  +{doc['bonus']}")
        for line in doc["bonus_lines"]:
            out.extend(_line_text(standard, line, lang, rationale))
    if doc["veto_lines"]:
        out.append(f"{t('veto_lines', lang)}")
        for line in doc["veto_lines"]:
            out.extend(_line_text(standard, line, lang, rationale))
    if doc["flags"]:
        names = standard.criteria.flags
        out.append(f"{t('flags', lang)}: " + "、".join(
            f"{f} {pick(names[f].model_dump(), 'name', lang)}" if f in names else f for f in doc["flags"]))
    if doc["rectifications"]:
        out.append(f"{t('rectifications', lang)}:")
        for r in doc["rectifications"]:
            overdue = f"  {t('overdue', lang)}" if r["overdue"] else ""
            out.append(f"    {r['id']}  {r['indicator']}  {r['title']}  {t('deadline', lang)} {r['deadline']}"
                       f"  {status_name(r['status'], lang)}{overdue}")
    return out
