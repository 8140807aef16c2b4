"""Writing data to stdout as a table, JSON or CSV; CSV cells are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any, Iterable, Sequence

import click

from scoring.exports import safe_cell
from scoring.i18n import NP_, label, label_table

FORMATS = ("table", "json", "csv")
# A table's headers where its command gives none: the data's keys (what JSON and CSV keep) as people say them.
COLUMN_NAMES = label_table(
    NP_("column.id", "id"), NP_("column.period", "period"), NP_("column.unit", "unit"),
    NP_("column.finding", "finding"), NP_("column.rule", "rule"), NP_("column.reason", "reason"),
    NP_("column.evidence", "evidence"), NP_("column.status", "status"), NP_("column.answer", "answer"),
    NP_("column.filed_by", "filed by"), NP_("column.filed_at", "filed at"), NP_("column.decided_by", "decided by"),
    NP_("column.decided_at", "decided at"), NP_("column.run", "run"), NP_("column.rerun", "re-run"),
    NP_("column.at", "at"), NP_("column.user", "user"), NP_("column.os_user", "OS user"),
    NP_("column.action", "action"), NP_("column.target", "target"), NP_("column.sha256", "sha256"),
    NP_("column.detail", "detail"), NP_("column.name", "name"), NP_("column.role", "role"),
    NP_("column.active", "active"), NP_("column.created_at", "created at"), NP_("column.updated_at", "updated at"),
)


def format_option(function):
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="Output as a table for people, or JSON / CSV for programs.")(function)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    """CSV with the columns' keys as header (what scripts read), or `headers` (files written for people)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers or columns)
    for row in rows:
        writer.writerow([safe_cell(_plain(row.get(c))) for c in columns])
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def emit(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str, headers: Sequence[str] | None = None) -> None:
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        click.echo(csv_text(rows, columns), nl=False)
    else:
        from tabulate import tabulate  # with wcwidth ≈0.07 s: only for a table people read

        table = [[_visible(_plain(r.get(c))) for c in columns] for r in rows]
        headers = headers or [label(COLUMN_NAMES, c) for c in columns]
        click.echo(tabulate(table, headers=list(headers), disable_numparse=True))


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(value: Any) -> Any:
    """A table cell with its control characters shown as escapes (\\n, \\x1b, \\u2028), wherever they are.

    A line break inside a value (a user name typed at the sign-in form) must not start a line of its own:
    it would read as another entry of the table (a forged audit line); an escape sequence could redraw it.
    """
    if not isinstance(value, str):
        return value
    return "".join(_ESCAPES.get(ch) or (ch.encode("unicode_escape").decode("ascii")
                                        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch) for ch in value)
