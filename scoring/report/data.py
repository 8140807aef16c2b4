"""The report's data: one JSON-ready dict built from a stored run, which the HTML, XLSX and CSV render.

Everything a reader sees comes from here (tested as a golden file); the templates and writers only
lay it out. Numbers stay decimal strings as in the scorecard documents; sums and averages are exact
Decimals rounded half up once, for display.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from scoring.compare import finding_counts, movement, previous_period
from scoring.explain import grade_name
from scoring.i18n import pick, status_name
from scoring.rectification import DONE
from scoring.register import is_past_due
from scoring.report.labels import label
from scoring.results import run_for
from scoring.standard import Standard, load_default
from scoring.standard.loader import load_from_files
from scoring.store import Store
from scoring.tally import round2

TOP_FINDINGS = 10
Progress = Callable[[int], None]


def standard_of_run(store: Store, run: dict[str, Any]) -> Standard:
    """The standard a run used, rebuilt from the texts it recorded, so names and rationales match the run."""
    files = store.standard_files(run["standard_hash"])
    return load_from_files(files) if files else load_default()


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


def defect_codes(standard: Standard) -> set[str]:
    return {code for code, c in standard.criteria.finding_codes.items() if c.kind == "defect"}


def build(store: Store, period: str, lang: str = "zh", previous: str | None = None, as_of: date | None = None,
          run_id: int | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """The whole report as data. `previous` defaults to the scored period before `period`;
    `as_of` (default: the run's scoring date) is the date rectification deadlines are judged against."""
    run = run_for(store, period, run_id)
    standard = standard_of_run(store, run)
    docs = list(store.run_documents(run["id"]))
    docs.sort(key=lambda d: (group_order(standard, d["group"]), d["veto"], d["rank"], d["unit"]))
    previous = previous if previous is not None else previous_period(store, period)
    moves = {m["unit"]: m for m in movement(store, period, previous, defect_codes(standard))} if previous else {}
    as_of = as_of or date.fromisoformat(run["as_of"])
    register = {r["id"]: r for r in store.rectifications()}
    title_key = "report_title" if period.isdigit() else "report_title_period"
    data = {
        "meta": {"period": period, "previous": previous, "run": run["id"], "as_of": as_of.isoformat(),
                 "scored_as_of": run["as_of"], "criteria": docs[0]["criteria"] if docs else standard.label,
                 "standard_title": pick(standard.criteria.model_dump(), "title", lang), "lang": lang,
                 "title": label(title_key, lang, period=period)},
        "summary": summary(standard, docs, lang),
        "groups": groups(standard, docs, moves, lang),
        "findings": frequent_findings(store, standard, period, docs, lang),
        "units": [],
    }
    group_rates = group_dimension_rates(docs)
    for doc in docs:
        items = rectifications(doc, register, as_of, lang)
        data["units"].append(unit_card(standard, doc, group_rates[doc["group"]], items, lang))
        if progress:
            progress(1)
    every_item = [item for card in data["units"] for item in card["rectifications"]]
    data["rectification_groups"] = rectification_groups(standard, every_item, lang)
    return data


def group_order(standard: Standard, group: str) -> tuple[int, str]:
    """Groups in the order the standard lists unit types; other groups after them, by name."""
    types = list(standard.criteria.unit_types)
    return (types.index(group), "") if group in types else (len(types), group)


def type_name(standard: Standard, code: str, lang: str) -> str:
    found = standard.criteria.unit_types.get(code)
    return pick(found.model_dump(), "name", lang) if found else code


def summary(standard: Standard, docs: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    grades = Counter(d["grade_code"] for d in docs)
    total = sum((Decimal(d["score"]) for d in docs), Decimal(0))
    n = Decimal(len(docs))
    dims = []
    for dim in standard.criteria.dimensions:
        found = [x for d in docs for x in d["dimensions"] if x["code"] == dim.code and x["applicable"]]
        got = sum((Decimal(x["score"]) for x in found), Decimal(0))
        top = sum((Decimal(x["max"]) for x in found), Decimal(0))
        k = Decimal(len(found) or 1)
        dims.append({"code": dim.code, "name": pick(dim.model_dump(), "name", lang), "units": len(found),
                     "average": two(got / k), "average_max": two(top / k), "rate": percent(got, top),
                     "average_lost": two((top - got) / k)})
    return {
        "units": len(docs), "average_score": two(total / n) if docs else "0.00",
        "vetoed": sum(1 for d in docs if d["veto"]),
        "grades": [{"code": g.code, "name": grade_name(standard, g.code, lang), "count": grades[g.code],
                    "share": percent(Decimal(grades[g.code]), n)} for g in standard.criteria.grades],
        "dimensions": dims,
    }


def groups(standard: Standard, docs: list[dict[str, Any]], moves: dict[str, dict[str, Any]],
           lang: str) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for doc in docs:
        group = out.setdefault(doc["group"], {"group": doc["group"], "name": type_name(standard, doc["group"], lang),
                                              "rows": []})
        move = moves.get(doc["unit"], {})
        group["rows"].append({
            "rank": doc["rank"], "unit": doc["unit"], "name": doc["name"], "score": doc["score"],
            "base": doc["base"], "bonus": doc["bonus"], "grade": grade_name(standard, doc["grade_code"], lang),
            "grade_code": doc["grade_code"], "veto": doc["veto"], "feed_points": doc["feed_points"],
            "dimensions": {d["code"]: d["score"] for d in doc["dimensions"]},
            "open_rectifications": sum(1 for r in doc["rectifications"] if r["status"] not in DONE),
            "previous_rank": move.get("previous_rank"), "rank_change": move.get("rank_change"),
            "previous_score": move.get("previous_score"), "score_change": move.get("score_change"),
        })
    return list(out.values())


def frequent_findings(store: Store, standard: Standard, period: str, docs: list[dict[str, Any]],
                      lang: str) -> list[dict[str, Any]]:
    """Defect codes by how often inspectors recorded them, with the points their rules took this run."""
    codes = standard.criteria.finding_codes
    scored = {d["unit"] for d in docs}
    lost: Counter[str] = Counter()
    for doc in docs:
        for dim in doc["dimensions"]:
            for ind in dim["indicators"]:
                for line in ind["lines"]:
                    if line["rule"] in codes and line["kind"] == "deduct":
                        lost[line["rule"]] += -Decimal(line["points"])
    rows = [{"code": code, "name": pick(codes[code].model_dump(), "name", lang), "findings": count,
             "units": len(units), "points_lost": two(lost[code])}
            for code, (count, units) in finding_counts(store, period, scored).items()
            if code in codes and codes[code].kind == "defect"]
    rows.sort(key=lambda r: (-r["findings"], -r["units"], r["code"]))
    return rows[:TOP_FINDINGS]


def group_dimension_rates(docs: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """group → dimension → the group's share of maximum (percent), for the radar's comparison line."""
    sums: dict[str, dict[str, list[Decimal]]] = {}
    for doc in docs:
        for d in doc["dimensions"]:
            if d["applicable"]:
                pair = sums.setdefault(doc["group"], {}).setdefault(d["code"], [Decimal(0), Decimal(0)])
                pair[0] += Decimal(d["score"])
                pair[1] += Decimal(d["max"])
    return {g: {code: percent(got, top) for code, (got, top) in dims.items()} for g, dims in sums.items()}


def _line(standard: Standard, line: dict[str, Any], lang: str) -> dict[str, Any]:
    rule = standard.rules_by_id.get(line["rule"])
    return {"rule": line["rule"], "title": pick(line, "title", lang), "kind": line["kind"],
            "kind_name": label(f"kind_{line['kind']}", lang), "points": line["points"],
            "shown": shown_points(line["points"]), "facts": line["facts"], "note": line.get("note", ""),
            "rationale": rule.rationale if rule else ""}


def unit_card(standard: Standard, doc: dict[str, Any], group_rates: dict[str, str], items: list[dict[str, Any]],
              lang: str) -> dict[str, Any]:
    """One unit's scorecard: the document's dimensions and every line that lost or gained points."""
    names = standard.criteria.flags

    def flag(code: str) -> dict[str, str]:
        return {"code": code, "name": pick(names[code].model_dump(), "name", lang) if code in names else code}

    dims, explained = [], []
    for dim in doc["dimensions"]:
        dims.append({"code": dim["code"], "name": pick(dim, "name", lang), "score": dim["score"], "max": dim["max"],
                     "rate": percent(Decimal(dim["score"]), Decimal(dim["max"])) if dim["applicable"] else None,
                     "group_rate": group_rates.get(dim["code"])})
        for ind in dim["indicators"]:
            # Like `scoring explain`: an indicator at full marks with nothing flagged has nothing to explain.
            if ind["applicable"] and not ind["lines"] and not ind.get("flags"):
                continue
            explained.append({"code": ind["code"], "name": pick(ind, "name", lang), "dimension": dim["code"],
                              "score": ind["score"], "max": ind["max"], "applicable": ind["applicable"],
                              "flags": [flag(f) for f in ind.get("flags", [])],
                              "lines": [_line(standard, line, lang) for line in ind["lines"]]})
    return {
        "unit": doc["unit"], "name": doc["name"], "group": doc["group"],
        "group_name": type_name(standard, doc["group"], lang), "type_name": type_name(standard, doc["type"], lang),
        "rank": doc["rank"], "score": doc["score"], "base": doc["base"], "bonus": doc["bonus"],
        "grade": grade_name(standard, doc["grade_code"], lang), "grade_code": doc["grade_code"], "veto": doc["veto"],
        "feed_points": doc["feed_points"],
        "flags": [flag(f) for f in doc["flags"]],
        "dimensions": dims, "explained": explained,
        "unit_lines": [_line(standard, line, lang) for line in doc["bonus_lines"] + doc["veto_lines"]],
        "rectifications": items,
    }


def rectifications(doc: dict[str, Any], register: dict[str, dict[str, Any]], as_of: date,
                   lang: str) -> list[dict[str, Any]]:
    """The unit's items the run counted, with the register's note and current status, judged as of `as_of`."""
    items = []
    for item in doc["rectifications"]:
        live = register.get(item["id"], {})
        status = live.get("status") or item["status"]
        items.append({"id": item["id"], "unit": doc["unit"], "name": doc["name"], "type": doc["type"],
                      "period": item["period"], "indicator": item["indicator"], "finding": item["finding"],
                      "rule": item.get("rule") or live.get("rule", ""), "title": item["title"],
                      "note": live.get("note") or "", "deadline": item["deadline"], "status": status,
                      "status_name": status_name(status, lang),
                      "overdue": is_past_due({"deadline": item["deadline"], "status": status}, as_of)})
    return sorted(items, key=lambda r: (r["deadline"], r["id"]))


def rectification_groups(standard: Standard, items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Items per unit type (the workbook's sheets), sorted by unit, then deadline."""
    out: dict[str, dict[str, Any]] = {}
    for item in sorted(items, key=lambda r: (group_order(standard, r["type"]), r["unit"], r["deadline"], r["id"])):
        group = out.setdefault(item["type"], {"type": item["type"], "name": type_name(standard, item["type"], lang),
                                              "items": [], "open": 0, "overdue": 0})
        group["items"].append(item)
        group["open"] += item["status"] not in DONE
        group["overdue"] += item["overdue"]
    return list(out.values())
