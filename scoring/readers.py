"""Reading input files as records, streaming: CSV (UTF-8, UTF-8 with BOM, GB18030), XLSX, JSON, JSON Lines.

Each record comes with the row number a person sees in a spreadsheet or editor (a CSV or
XLSX header is row 1), so every problem can be pointed at.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

SNIFF_BYTES = 1 << 16
MAX_CELL = 100_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ReadError(ValueError):
    """A file that cannot be read at all; `problems` are whole lines ready to print."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (Excel/WPS on Chinese Windows)."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) == SNIFF_BYTES:  # a character cut by the sample's end
            return "utf-8"
        return "gb18030"


def read_records(path: Path, encoding: str | None = None, sheet: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ReadError([f"{path.name}: the file is empty"])
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx(path, sheet)
    elif suffix == ".json":
        yield from _json(path, encoding)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl(path, encoding)
    else:
        yield from _csv(path, encoding)


def _csv(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Row numbers count records, as a spreadsheet does: a quoted cell with a line break is still one row."""
    chosen = encoding or detect_encoding(path)
    try:
        with path.open(encoding=chosen, newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return
            for number, values in enumerate(reader, start=2):
                if not values or all(not v for v in values):
                    continue
                if len(values) > len(header):
                    raise ReadError([f"{path.name}:{number}: row: more cells than the header has columns"])
                if any(len(v) > MAX_CELL for v in values):
                    raise ReadError([f"{path.name}:{number}: row: a cell is longer than {MAX_CELL} characters"])
                if any("\x00" in v for v in values):
                    raise ReadError([f"{path.name}:{number}: row: contains a NUL byte; save the file as plain CSV"])
                yield number, dict(zip(header, values + [None] * (len(header) - len(values))))
    except UnicodeDecodeError as exc:
        raise ReadError([f"{path.name}: cannot decode the file as {chosen} ({exc.reason}); "
                         f"give --encoding (utf-8 or gb18030)"]) from None
    except csv.Error as exc:
        raise ReadError([f"{path.name}: not a readable CSV file: {exc}"]) from None


def _json(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding=encoding or "utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReadError([f"{path.name}: not valid JSON: {exc}"]) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ReadError([f"{path.name}: a JSON input is a list of objects, one per row"])
    yield from enumerate(data, start=1)


def _jsonl(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding=encoding or "utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReadError([f"{path.name}:{number}: row: not valid JSON: {exc}"]) from None
            if not isinstance(record, dict):
                raise ReadError([f"{path.name}:{number}: row: each line must be a JSON object"])
            yield number, record


def _xlsx(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    import zipfile

    from openpyxl import load_workbook  # only XLSX input needs it

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ReadError([f"{path.name}: not a readable XLSX workbook ({exc}); save it again from Excel or WPS"]) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ReadError([f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})"])
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        last = max((i for i, n in enumerate(names) if n), default=-1)
        if any(not n for n in names[:last]):
            raise ReadError([f"{path.name}:1: header: an empty header cell between columns (merged header cells?); "
                             f"give every column one name in row 1"])
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or v == "" for v in values):
                continue
            record = {}
            for name, value in zip(names, values):
                if not name:
                    continue
                if isinstance(value, str) and value.startswith("="):
                    raise ReadError([f"{path.name}:{number}: {name}: a formula ({value[:30]}); paste values instead"])
                record[name] = _cell(value)
            yield number, record
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (date, int, float, str)) or value is None:
        return value
    return str(value)
