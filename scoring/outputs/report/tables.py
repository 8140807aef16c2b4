"""The report's tables, once, for both the workbook (one sheet each) and the CSV files.

A column has a key, a header (Chinese first), a kind that decides the cell's number format and a
width in characters. A table's rows are tuples in the order of its columns; values stay as the data
has them (decimal strings); the writers convert.

The score lines and the rectification items (a province: ≈560,000 and ≈650,000 rows) are `detail`
tables: always CSV files, sheets of the workbook only while they are small enough to write quickly
and to filter in a spreadsheet (DETAIL_ROWS_IN_WORKBOOK).
"""

from __future__ import annotations

from typing import Any

from scoring.outputs.report.cards import type_name
from scoring.outputs.report.columns import (DETAIL_ROWS_IN_WORKBOOK, Column, Table, column, item_columns, item_row,
                                            line_columns)
from scoring.outputs.report.csvfiles import Blocks
from scoring.outputs.report.data import Report
from scoring.outputs.report.labels import label



_c = column


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


def spill(report: Report) -> Any:
    """The file holding the CSV text of the units a child process scanned (parts.Part.spill), if any."""
    return getattr(report.scan, "spill", None)


def lines(report: Report, lang: str) -> Table:
    records = report.scan.records
    if report.scan.complete:  # the scan's tuples are the rows as they are
        rows: Any = [line for rec in records for line in rec.lines]
    else:  # a big run's: laid out as CSV text by the scan, unit by unit (report/parts.py)
        rows = Blocks([rec.csv[0] for rec in records], sum(rec.line_count for rec in records), spill(report))
    return Table("lines", label("lines_sheet", lang), line_columns(lang), rows, detail=True)


def rectification_units(report: Report, lang: str) -> Table:
    """Every unit's rectification counts, in ranking order: the items themselves are the detail tables."""
    head, rows = _unit_head(report, lang)
    columns = (*head, _c("all_items", lang, "int", 9), _c("open_items", lang, "int", 9),
               _c("overdue_items", lang, "int", 11))
    for i, rec in enumerate(report.scan.records):
        rows[i] += (rec.item_count, rec.open, rec.overdue)
    return Table("rectification-units", label("rectification_units_sheet", lang), columns, rows)


def rectifications(report: Report, lang: str) -> list[Table]:
    """One table per unit type, items sorted by unit, then deadline."""
    columns, row = item_columns(lang), item_row(lang)
    by_type: dict[str, list[Any]] = {g["type"]: [] for g in report.data["rectification_groups"]}
    by_unit = sorted(report.scan.records, key=lambda r: r.unit)
    if report.scan.complete:
        for rec in by_unit:
            if rec.items:
                by_type[rec.type].extend(map(row, rec.items))
        tables = by_type
    else:  # a big run's: laid out as CSV text by the scan, unit by unit (report/parts.py)
        counts = dict.fromkeys(by_type, 0)
        for rec in by_unit:
            if rec.item_count:
                by_type[rec.type].append(rec.csv[1])
                counts[rec.type] += rec.item_count
        tables = {t: Blocks(blocks, counts[t], spill(report)) for t, blocks in by_type.items()}
    title = label("rectifications_sheet", lang)
    return [Table(f"rectifications-{t}", f"{title}-{type_name(report.standard, t, lang)}", columns, rows,
                  detail=True) for t, rows in tables.items()]


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
    details = [t for t in tables if t.detail]
    return (sum(len(t.rows) for t in details) <= DETAIL_ROWS_IN_WORKBOOK
            and not any(isinstance(t.rows, Blocks) for t in details))  # CSV text is for the CSV files only
