"""The report's tables, once, for both the workbook (one sheet each) and the CSV files.

A column has a key, a header (Chinese first), a kind that decides the cell's number format and a
width in characters. A table's rows are tuples in the order of its columns; values stay as the data
has them (decimal strings); the writers convert.

The score lines and the rectification items (a province: ≈560,000 and ≈650,000 rows) are `detail`
tables: always CSV files, sheets of the workbook only while they are small enough to write quickly
and to filter in a spreadsheet (DETAIL_ROWS_IN_WORKBOOK).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Sequence

from scoring.outputs.report.cards import type_name
from scoring.outputs.report.data import Report
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import ITEM, LINE_FIELDS

# Writing a row of a dozen cells costs ≈80 µs with XlsxWriter on the reference machine, so 100,000
# rows are ≈8 s; a city of a few hundred units stays under it, a province (1.2 million) is far over.
DETAIL_ROWS_IN_WORKBOOK = 100_000


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
    rows: Sequence[tuple]
    detail: bool = False


def _c(key: str, lang: str, kind: str = "text", width: int = 12, header: str | None = None) -> Column:
    return Column(key, header or label(key, lang), kind, width)


def _from_dicts(rows: list[dict[str, Any]], columns: tuple[Column, ...]) -> list[tuple]:
    return [tuple(row.get(c.key) for c in columns) for row in rows]


def _group_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"group_name": g["name"], **row} for g in data["groups"] for row in g["rows"]]


def ranking(data: dict[str, Any], lang: str) -> Table:
    columns = (Column("group_name", label("group", lang), "text", 16), _c("rank", lang, "int", 6),
               _c("unit", lang, width=10), _c("name", lang, width=28), _c("score", lang, "score", 9),
               _c("base", lang, "score", 9), _c("bonus", lang, "score", 8), _c("grade", lang, width=8),
               _c("veto", lang, "bool", 6), _c("open_rectifications", lang, "int", 10),
               _c("feed_points", lang, "score", 12), _c("previous_rank", lang, "int", 9),
               _c("rank_change", lang, "int", 9), _c("previous_score", lang, "score", 9),
               _c("score_change", lang, "change", 9))
    return Table("ranking", label("ranking_sheet", lang), columns, _from_dicts(_group_rows(data), columns))


def _unit_head(report: Report, lang: str) -> tuple[tuple[Column, ...], list[tuple]]:
    """Group, rank, code and name of every unit, in ranking order: the left columns of per-unit sheets."""
    names = {g["group"]: g["name"] for g in report.data["groups"]}
    columns = (Column("group_name", label("group", lang), "text", 16), _c("rank", lang, "int", 6),
               _c("unit", lang, width=10), _c("name", lang, width=28))
    return columns, [(names[r.group], r.rank, r.unit, r.name) for r in report.scan.records]


def dimensions(report: Report, lang: str) -> Table:
    codes = [(d["code"], d["name"]) for d in report.data["summary"]["dimensions"]]
    head, rows = _unit_head(report, lang)
    columns = (*head, *(Column(code, f"{code} {name}", "score", max(10, len(name) * 2)) for code, name in codes),
               Column("score", label("total", lang), "score", 9))
    for i, rec in enumerate(report.scan.records):
        scores = {code: score for code, score, _, _ in rec.dimensions}
        rows[i] += (*(scores.get(code) for code, _ in codes), rec.score)
    return Table("dimensions", label("dimensions_sheet", lang), columns, rows)


def indicators(report: Report, lang: str) -> Table:
    """Every unit's score on every indicator (blank: not applicable to the unit)."""
    names = [(ind.code, ind.name_en if lang == "en" else ind.name)
             for dim in report.standard.criteria.dimensions for ind in dim.indicators]
    head, rows = _unit_head(report, lang)
    columns = (*head, *(Column(code, f"{code} {name}", "score", max(9, len(name) * 2)) for code, name in names),
               Column("score", label("total", lang), "score", 9))
    for i, rec in enumerate(report.scan.records):
        rows[i] += (*(rec.indicators.get(code) for code, _ in names), rec.score)
    return Table("indicators", label("indicators_sheet", lang), columns, rows)


def lines(report: Report, lang: str) -> Table:
    columns = (_c("unit", lang, width=10), _c("name", lang, width=24), _c("dimension", lang, width=7),
               _c("indicator", lang, width=7), _c("indicator_name", lang, width=24),
               _c("indicator_score", lang, "score", 9), _c("max", lang, "score", 7), _c("rule", lang, width=24),
               _c("title", lang, width=28), _c("lines_kind", lang, width=8), _c("points", lang, "points", 9),
               _c("facts", lang, width=30), _c("note", lang, width=24))
    assert tuple(c.key for c in columns) == LINE_FIELDS  # the scan's tuples are the rows as they are
    rows = [line for rec in report.scan.records for line in rec.lines]
    return Table("lines", label("lines_sheet", lang), columns, rows, detail=True)


def rectification_units(report: Report, lang: str) -> Table:
    """Every unit's rectification counts, in ranking order: the items themselves are the detail tables."""
    head, rows = _unit_head(report, lang)
    columns = (*head, _c("all_items", lang, "int", 9), _c("open_items", lang, "int", 9),
               _c("overdue_items", lang, "int", 11))
    for i, rec in enumerate(report.scan.records):
        rows[i] += (len(rec.items), rec.open, rec.overdue)
    return Table("rectification-units", label("rectification_units_sheet", lang), columns, rows)


ITEM_COLUMNS = ("unit", "name", "id", "period", "indicator", "rule", "title", "note", "deadline", "status_name",
                "overdue", "finding")


def rectifications(report: Report, lang: str) -> list[Table]:
    """One table per unit type, items sorted by unit, then deadline."""
    columns = (_c("unit", lang, width=10), _c("name", lang, width=24), _c("id", lang, width=16),
               _c("period", lang, width=8), _c("indicator", lang, width=7), _c("rule", lang, width=22),
               _c("title", lang, width=28), _c("note", lang, width=30), _c("deadline", lang, "date", 12),
               _c("status", lang, width=9), _c("overdue", lang, width=6), _c("finding", lang, width=14))
    head, finding, overdue = itemgetter(*(ITEM[key] for key in ITEM_COLUMNS[:-2])), ITEM["finding"], ITEM["overdue"]
    answer = {True: label("yes", lang), False: label("no", lang)}  # as a bool column shows it, made once here

    def row(item: tuple) -> tuple:
        return head(item) + (answer[item[overdue]], item[finding])

    by_type: dict[str, list[tuple]] = {g["type"]: [] for g in report.data["rectification_groups"]}
    for rec in sorted(report.scan.records, key=lambda r: r.unit):
        if rec.items:
            by_type[rec.type].extend(map(row, rec.items))
    title = label("rectifications_sheet", lang)
    return [Table(f"rectifications-{t}", f"{title}-{type_name(report.standard, t, lang)}", columns, rows,
                  detail=True) for t, rows in by_type.items()]


def feed(data: dict[str, Any], lang: str) -> Table:
    columns = (_c("unit", lang, width=10), _c("name", lang, width=28), Column("group_name", label("group", lang),
               "text", 16), _c("score", lang, "score", 9), _c("grade", lang, width=8), _c("rank", lang, "int", 6),
               _c("feed_points", lang, "score", 12))
    return Table("feed", label("feed_sheet", lang), columns, _from_dicts(_group_rows(data), columns))


def all_tables(report: Report) -> list[Table]:
    """The tables in sheet order."""
    data = report.data
    lang = data["meta"]["lang"]
    return [ranking(data, lang), dimensions(report, lang), indicators(report, lang), lines(report, lang),
            rectification_units(report, lang), *rectifications(report, lang), feed(data, lang)]


def details_fit_workbook(tables: list[Table]) -> bool:
    return sum(len(t.rows) for t in tables if t.detail) <= DETAIL_ROWS_IN_WORKBOOK
