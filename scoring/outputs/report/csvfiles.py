"""The report's CSV files: one per table, UTF-8 with BOM, formula-like text made text.

A province's detail tables have ≈1.2 million rows: most of the cost of writing them is per cell in
Python, so the checks run a column at a time in C and plain rows skip the csv module (same bytes).
"""

from __future__ import annotations

import csv
import io
import mmap
import os
from dataclasses import dataclass
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, NamedTuple, Sequence, TextIO

from scoring.exports import safe_cell
from scoring.outputs.report.columns import Column, Table
from scoring.outputs.report.labels import label

FORMULA_START = ("=", "+", "-", "@")
BATCH = 5000  # rows joined and written at once


def _formula_like(value: Any) -> bool:
    return value.__class__ is str and value.startswith(FORMULA_START)


def _risky_columns(table: Table) -> list[int]:
    """Text columns holding a cell that starts like a formula (numeric columns hold numbers, which stay).

    A province's tables have ≈15 million cells, nearly all harmless and most of them repeated (codes, names,
    titles, kinds): each column's distinct values are checked with C-level `map` over str.startswith, one
    by one in Python only if the column holds something else than text."""
    out = []
    for i, column in enumerate(table.columns):
        if column.kind != "text":
            continue
        cells = set(map(itemgetter(i), table.rows))
        try:
            risky = any(map(str.startswith, cells, repeat(FORMULA_START)))
        except TypeError:  # None or a number among the text
            risky = any(map(_formula_like, cells))
        if risky:
            out.append(i)
    return out


class Span(NamedTuple):
    """A block's text in a file (Blocks.source), not in memory: where it starts there, how many bytes."""
    start: int
    size: int


@dataclass(frozen=True)
class Blocks:
    """A big run's detail table as its CSV file has it, unit by unit: each block the UTF-8 text of a unit's
    rows (`render`), in the table's order, or where that text is in `source` (a Span: the half of the units
    a child process scanned, report/parts.py); `rows` counts them (a table's len is its number of rows)."""
    blocks: list[bytes | Span]
    rows: int
    source: BinaryIO | None = None

    def __len__(self) -> int:
        return self.rows

    def write_to(self, raw: BinaryIO) -> None:
        if self.source is None or not os.fstat(self.source.fileno()).st_size:
            raw.writelines(block for block in self.blocks if block.__class__ is bytes)  # a Span there is empty
            return
        with mmap.mmap(self.source.fileno(), 0, access=mmap.ACCESS_READ) as text:
            for block in self.blocks:
                if block.__class__ is bytes:
                    raw.write(block)
                elif block.size:
                    with memoryview(text)[block.start:block.start + block.size] as view:
                        raw.write(view)


def render(columns: tuple[Column, ...], rows: list[tuple], lang: str) -> bytes:
    """Some rows of a table as its CSV file has them (UTF-8), so that a file's blocks joined are the file.

    The same bytes as write_csv's for these rows among others: a cell is made text (safe_cell) in a column
    where any cell starts like a formula, and safe_cell leaves every other cell as it is, so checking
    the column over these rows or over the whole table changes nothing."""
    table = Table("", "", columns, rows)
    fixes = _fixes(table, lang)
    out = io.StringIO()
    _write_rows(out, _fixed(rows, fixes) if fixes else rows, len(columns))
    return out.getvalue().encode("utf-8")


def csv_rows(table: Table, lang: str) -> Iterable[Sequence[Any]]:
    """A table's header and rows as CSV cells: booleans as 是/否, None as empty (csv's own way), and text a
    spreadsheet would run as a formula made text (scoring.exports.safe_cell; numbers stay numbers)."""
    yield [safe_cell(c.header) for c in table.columns]
    fixes = _fixes(table, lang)
    yield from _fixed(table.rows, fixes) if fixes else table.rows


def _fixes(table: Table, lang: str) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column, what its cells become): booleans as 是/否, and safe_cell in a column with formula-like text."""
    yes, no = label("yes", lang), label("no", lang)
    fixes: list[tuple[int, Callable[[Any], Any]]] = [(i, lambda v: yes if v else no)
                                                     for i, c in enumerate(table.columns) if c.kind == "bool"]
    return fixes + [(i, safe_cell) for i in _risky_columns(table)]


def _fixed(rows: Iterable[Sequence[Any]], fixes: list[tuple[int, Callable[[Any], Any]]]) -> Iterable[list[Any]]:
    for row in rows:
        cells = list(row)
        for i, fix in fixes:
            cells[i] = fix(cells[i])
        yield cells


def write_csv(table: Table, lang: str, path: Path) -> Path:
    """UTF-8 with BOM, so Excel and WPS on Chinese Windows open it as UTF-8."""
    if isinstance(table.rows, Blocks):
        head = io.StringIO()
        _write_rows(head, csv_rows(Table("", "", table.columns, ()), lang), len(table.columns))
        with path.open("wb") as raw:
            raw.write(head.getvalue().encode("utf-8-sig"))
            table.rows.write_to(raw)
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        _write_rows(f, csv_rows(table, lang), len(table.columns))
    return path


def _write_rows(f: TextIO, rows: Iterable[Sequence[Any]], width: int) -> None:
    """Exactly what csv.writer(f, lineterminator="\n") writes, at a fraction of its cost.

    csv quotes a field only when it holds a comma, a quote, \r or \n. So a batch of rows of `width`
    text fields is joined in C (map, str.join); if its text has exactly the commas and newlines the
    joins put in and no quote or \r, no field needed quoting and the text is what csv would write.
    Otherwise the batch goes row by row (_write_each)."""
    exact = csv.writer(f, lineterminator="\n")
    batches = iter(rows)
    while batch := list(islice(batches, BATCH)):
        try:
            text = "\n".join(map(",".join, batch))
        except TypeError:  # a number or None: csv converts it
            text = None
        if (text is not None and width > 1 and set(map(len, batch)) == {width}
                and text.count(",") == (width - 1) * len(batch) and text.count("\n") == len(batch) - 1
                and '"' not in text and "\r" not in text):
            f.write(text)
            f.write("\n")
        else:
            _write_each(f, exact, batch, width)


def _write_each(f: TextIO, exact: Any, rows: list[Sequence[Any]], width: int) -> None:
    """Row by row: a plain row joined, any other through csv."""
    plain: list[str] = []
    for row in rows:
        try:
            line = ",".join(row)
        except TypeError:
            line = None
        if line is None or line.count(",") != width - 1 or '"' in line or "\n" in line or "\r" in line:
            _flush(f, plain)
            exact.writerow(row)
        else:
            plain.append(line)
    _flush(f, plain)


def _flush(f: TextIO, lines: list[str]) -> None:
    if lines:
        f.write("\n".join(lines))
        f.write("\n")
        lines.clear()


def write_csvs(tables: list[Table], lang: str, out: Path, stem: str) -> list[Path]:
    return [write_csv(table, lang, out / f"{stem}-{table.key}.csv") for table in tables]
