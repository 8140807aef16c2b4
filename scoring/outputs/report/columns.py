"""The report's table shapes: a column's key, header, kind and width, a table's rows; and the columns of
the two detail tables (score lines, rectification items), which the scan of a big run lays out as CSV text
as it goes (report/parts.py), so they are defined here, below both the scan and the tables."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Callable, Sequence

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
    rows: Sequence[tuple]  # or, for a big run's detail table, csvfiles.Blocks: the rows as CSV text
    detail: bool = False


def column(key: str, lang: str, kind: str = "text", width: int = 12, header: str | None = None) -> Column:
    return Column(key, header or label(key, lang), kind, width)


def line_columns(lang: str) -> tuple[Column, ...]:
    """The score lines table's columns: the scan's line tuples (scan.LINE_FIELDS) are its rows as they are."""
    columns = (column("unit", lang, width=10), column("name", lang, width=24), column("dimension", lang, width=7),
               column("indicator", lang, width=7), column("indicator_name", lang, width=24),
               column("indicator_score", lang, "score", 9), column("max", lang, "score", 7),
               column("rule", lang, width=24), column("title", lang, width=28), column("lines_kind", lang, width=8),
               column("points", lang, "points", 9), column("facts", lang, width=30), column("note", lang, width=24))
    assert tuple(c.key for c in columns) == LINE_FIELDS
    return columns


ITEM_COLUMNS = ("unit", "name", "id", "period", "indicator", "rule", "title", "note", "deadline", "status_name",
                "overdue", "finding")


def item_columns(lang: str) -> tuple[Column, ...]:
    return (column("unit", lang, width=10), column("name", lang, width=24), column("id", lang, width=16),
            column("period", lang, width=8), column("indicator", lang, width=7), column("rule", lang, width=22),
            column("title", lang, width=28), column("note", lang, width=30), column("deadline", lang, "date", 12),
            column("status", lang, width=9), column("overdue", lang, width=6), column("finding", lang, width=14))


def item_row(lang: str) -> Callable[[tuple], tuple]:
    """A scan's item tuple (scan.ITEM_FIELDS) as a row of the rectification tables (item_columns)."""
    head, finding, overdue = itemgetter(*(ITEM[key] for key in ITEM_COLUMNS[:-2])), ITEM["finding"], ITEM["overdue"]
    answer = {True: label("yes", lang), False: label("no", lang)}  # as a bool column shows it, made once here

    def row(item: tuple) -> tuple:
        return head(item) + (answer[item[overdue]], item[finding])
    return row
