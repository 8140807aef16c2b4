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
        out.append(f"        {t('rule', lang)}: {rule.rationale}")
    return out


def explain(standard: Standard, doc: dict[str, Any], lang: str = "zh", indicator: str | None = None,
            rationale: bool = True) -> str:
    """The scorecard in sentences; with `indicator`, only that indicator."""
    head = (f"{doc['name']}（{doc['unit']}） {t('period', lang)} {doc['period']}  {t('score', lang)} {doc['score']}"
            f"（{t('base', lang)} {doc['base']} + {t('bonus', lang)} {doc['bonus']}）  {t('grade', lang)} {doc['grade']}"
            f"  {t('rank', lang)} {doc['rank']}  {t('criteria', lang)} {doc['criteria']}")
    out = [head]
    for dim in doc["dimensions"]:
        chosen = [i for i in dim["indicators"] if indicator in (None, i["code"])]
        if not chosen:
            continue
        out.append(f"{dim['code']} {pick(dim, 'name', lang)}  {dim['score'] or '—'}/{dim['max']}")
        for ind in chosen:
            if not ind["applicable"]:
                out.append(f"  {ind['code']} {pick(ind, 'name', lang)}  {t('not_applicable', lang)}"
                           f"（{ind['not_applicable_by']}）")
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
