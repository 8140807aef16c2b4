"""Writing data to stdout as a table, JSON or CSV; CSV cells are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any, Iterable, Sequence

import click
from tabulate import tabulate

from scoring.exports import safe_cell

FORMATS = ("table", "json", "csv")


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
        table = [[_visible(_plain(r.get(c))) for c in columns] for r in rows]
        click.echo(tabulate(table, headers=list(headers or columns), disable_numparse=True))


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
