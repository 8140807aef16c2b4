"""The report's tables, once, for both the workbook (one sheet each) and the CSV files.

A column has a key in the row, a header (Chinese first), a kind that decides the cell's number
format and a width in characters. Values stay as the data has them (decimal strings); the writers
convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scoring.report.labels import label


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | score (2 places) | change (signed) | points (exact) | date | bool
    width: int = 12


@dataclass(frozen=True)
class Table:
    key: str  # file name part: report-PERIOD-KEY.csv
    title: str  # sheet name (at most 31 characters, no []:*?/\)
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]


def _c(key: str, lang: str, kind: str = "text", width: int = 12, header: str | None = None) -> Column:
    return Column(key, header or label(key, lang), kind, width)


def ranking(data: dict[str, Any], lang: str) -> Table:
    rows = [{"group_name": g["name"], **row} for g in data["groups"] for row in g["rows"]]
    columns = (Column("group_name", label("group", lang), "text", 16), _c("rank", lang, "int", 6),
               _c("unit", lang, width=10), _c("name", lang, width=28), _c("score", lang, "score", 9),
               _c("base", lang, "score", 9), _c("bonus", lang, "score", 8), _c("grade", lang, width=8),
               _c("veto", lang, "bool", 6), _c("open_rectifications", lang, "int", 10),
               _c("feed_points", lang, "score", 12), _c("previous_rank", lang, "int", 9),
               _c("rank_change", lang, "int", 9), _c("previous_score", lang, "score", 9),
               _c("score_change", lang, "change", 9))
    return Table("ranking", label("ranking_sheet", lang), columns, rows)


def dimensions(data: dict[str, Any], lang: str) -> Table:
    codes = [(d["code"], d["name"]) for d in data["summary"]["dimensions"]]
    rows = []
    for card in data["units"]:
        row = {"group_name": card["group_name"], "rank": card["rank"], "unit": card["unit"], "name": card["name"],
               "score": card["score"]}
        row.update({d["code"]: d["score"] for d in card["dimensions"]})
        rows.append(row)
    columns = (Column("group_name", label("group", lang), "text", 16), _c("rank", lang, "int", 6),
               _c("unit", lang, width=10), _c("name", lang, width=28),
               *(Column(code, f"{code} {name}", "score", max(10, len(name) * 2)) for code, name in codes),
               Column("score", label("total", lang), "score", 9))
    return Table("dimensions", label("dimensions_sheet", lang), columns, rows)


def lines(data: dict[str, Any], lang: str) -> Table:
    rows = []
    for card in data["units"]:
        head = {"unit": card["unit"], "name": card["name"]}
        for ind in card["explained"]:
            for line in ind["lines"]:
                rows.append({**head, "dimension": ind["dimension"], "indicator": ind["code"],
                             "indicator_name": ind["name"], "indicator_score": ind["score"], "max": ind["max"],
                             **_line(line)})
        for line in card["unit_lines"]:
            rows.append({**head, "dimension": "", "indicator": "", "indicator_name": line["kind_name"],
                         "indicator_score": None, "max": None, **_line(line)})
    columns = (_c("unit", lang, width=10), _c("name", lang, width=24), _c("dimension", lang, width=7),
               _c("indicator", lang, width=7), _c("indicator_name", lang, width=24),
               _c("indicator_score", lang, "score", 9), _c("max", lang, "score", 7), _c("rule", lang, width=24),
               _c("title", lang, width=28), _c("lines_kind", lang, width=8), _c("points", lang, "points", 9),
               _c("facts", lang, width=30), _c("note", lang, width=24))
    return Table("lines", label("lines_sheet", lang), columns, rows)


def _line(line: dict[str, Any]) -> dict[str, Any]:
    return {"rule": line["rule"], "title": line["title"], "lines_kind": line["kind_name"], "points": line["points"],
            "facts": "、".join(line["facts"]), "note": line["note"]}


def rectifications(data: dict[str, Any], lang: str) -> list[Table]:
    """One table per unit type, items sorted by unit, then deadline."""
    columns = (_c("unit", lang, width=10), _c("name", lang, width=24), _c("id", lang, width=16),
               _c("period", lang, width=8), _c("indicator", lang, width=7), _c("rule", lang, width=22),
               _c("title", lang, width=28), _c("note", lang, width=30), _c("deadline", lang, "date", 12),
               _c("status", lang, width=9), _c("overdue", lang, "bool", 6), _c("finding", lang, width=14))
    tables = []
    for group in data["rectification_groups"]:
        rows = [{**item, "status": item["status_name"]} for item in group["items"]]
        title = f"{label('rectifications_sheet', lang)}-{group['name']}"
        tables.append(Table(f"rectifications-{group['type']}", title, columns, rows))
    return tables


def feed(data: dict[str, Any], lang: str) -> Table:
    rows = [{"group_name": g["name"], **row} for g in data["groups"] for row in g["rows"]]
    columns = (_c("unit", lang, width=10), _c("name", lang, width=28), Column("group_name", label("group", lang),
               "text", 16), _c("score", lang, "score", 9), _c("grade", lang, width=8), _c("rank", lang, "int", 6),
               _c("feed_points", lang, "score", 12))
    return Table("feed", label("feed_sheet", lang), columns, rows)


def all_tables(data: dict[str, Any]) -> list[Table]:
    lang = data["meta"]["lang"]
    return [ranking(data, lang), dimensions(data, lang), lines(data, lang), *rectifications(data, lang),
            feed(data, lang)]
