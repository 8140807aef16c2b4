"""Reading input files as records, streaming: CSV (UTF-8, UTF-8 with BOM, GB18030), XLSX, JSON, JSON Lines.

Each record comes with the row number a person sees in a spreadsheet or editor (a CSV or
XLSX header is row 1), so every problem can be pointed at.

Files come from many hands, so every reader is bounded: a cell holds at most MAX_CELL
characters, a line is read at most MAX_LINE characters at a time, a JSON document at most
MAX_JSON_BYTES, and an XLSX workbook's zip directory is checked before it is opened (a zip
bomb is refused from its declared sizes, which the zip reader then enforces). Whatever a file
holds, reading it raises ReadError with one line per problem, never anything else.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from pathlib import Path
from typing import Any, Iterator

from scoring.i18n import N_, _
from scoring.inputs.cells import MAX_CELL, UNSTORABLE, ReadError, cell_problem, check_header, where

SNIFF_BYTES = 1 << 16
MAX_LINE = 20 * MAX_CELL  # characters of one physical line (a CSV record may span several)
MAX_JSON_BYTES = 32 * 1024 * 1024  # a JSON list is parsed whole; JSON Lines and CSV stream
# The csv module's own bound on a field: it stops an unclosed quote from swallowing a whole file.
csv.field_size_limit(MAX_CELL)

_UNDECODED = re.compile("[\udc80-\udcff]")


class _LineTooLong(Exception):
    pass


class _Utf8Line(Exception):
    pass


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (Excel/WPS on Chinese Windows)."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError([f"{path.name}: " + _("the file is UTF-16 text (Excel's \"Unicode text\"); "
                                             "save it as \"CSV UTF-8\" or CSV")])
    if sample.startswith(b"PK\x03\x04"):
        raise ReadError([f"{path.name}: " + _("the file is a zip archive (an XLSX workbook?), not CSV text; "
                                             "name it .xlsx if it is a workbook")])
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) == SNIFF_BYTES:  # a character cut by the sample's end
            return "utf-8"
        return "gb18030"


def read_records(path: Path, encoding: str | None = None, sheet: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ReadError([f"{path.name}: " + _("not a regular file; give the path of a CSV, XLSX or JSON file")])
    if path.stat().st_size == 0:
        raise ReadError([f"{path.name}: " + _("the file is empty; export the data again with its header row")])
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ReadError([f"{path.name}: " + _("unknown encoding {encoding!r}; give utf-8 or gb18030",
                                                     encoding=encoding)]) from None
    if suffix in (".xlsx", ".xlsm"):
        from scoring.inputs.readers_xlsx import read_xlsx  # only XLSX input needs openpyxl

        yield from read_xlsx(path, sheet)
    elif suffix == ".json":
        yield from _json(path, encoding)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl(path, encoding)
    else:
        yield from _csv(path, encoding)


def _lines(fh) -> Iterator[str]:
    """The file's lines, none longer than MAX_LINE characters: a file without line breaks stays bounded."""
    while True:
        line = fh.readline(MAX_LINE)
        if not line:
            return
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            raise _LineTooLong
        yield line


def _no_utf8_lines(lines: Iterator[str]) -> Iterator[str]:
    """A file detected as GB18030 must not hold lines that are UTF-8 (they would decode as mojibake, silently).

    Chinese text in GB18030 is practically never valid UTF-8 as well, so a line that is, with
    characters beyond ASCII, means the file mixes the two encodings.
    """
    for line in lines:
        if not line.isascii():
            try:
                line.encode("gb18030", "surrogateescape").decode("utf-8")
            except UnicodeError:
                pass
            else:
                raise _Utf8Line
        yield line


_CSV_REASONS = {
    "unexpected end of data": N_("a quoted cell is never closed (an unclosed quote runs to the end of the file); "
                                 "close the quote or remove it"),
    "field larger than field limit": N_("a cell is longer than {max_cell} characters (or an unclosed quote runs "
                                        "on over the rows after it); shorten the cell or close the quote"),
    "expected after": N_("text after a cell's closing quote; a quote inside a quoted cell is written twice (\"\")"),
}


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    for key, reason in _CSV_REASONS.items():
        if key in text:
            return _(reason, max_cell=MAX_CELL)
    return _("not readable as CSV ({error}); save the file again as CSV UTF-8", error=text)


def _csv(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Row numbers count records, as a spreadsheet does: a quoted cell with a line break is still one row.

    Quoting is strict: text after a closing quote or a quote never closed is a problem, not a
    silently merged row. Bytes that do not decode are kept as stand-ins while reading, so the
    problem can name the row (a file that mixes encodings decodes well up to some row).
    """
    chosen = encoding or detect_encoding(path)
    decoding = codecs.lookup(chosen).name.removesuffix("-sig")  # for messages: utf-8, gb18030 …
    with path.open(encoding=chosen, errors="surrogateescape", newline="") as fh:
        lines = _lines(fh)
        if encoding is None and decoding == "gb18030":
            lines = _no_utf8_lines(lines)
        reader = csv.reader(lines, strict=True)
        header: list[str] | None = None
        number = 0
        while True:
            number += 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ReadError([where(path.name, number) + _csv_reason(exc)]) from None
            except _Utf8Line:
                raise ReadError([where(path.name, number) + _(
                    "UTF-8 text in a file read as GB18030 (a file that mixes encodings?); save the whole file "
                    "as CSV UTF-8, or give --encoding gb18030 if it is all GB18030")]) from None
            except _LineTooLong:
                raise ReadError([where(path.name, number) + _(
                    "a line longer than {max_line} characters; is this a CSV file? Save the data as CSV or XLSX",
                    max_line=MAX_LINE)]) from None
            if header is None:
                header = values
                _check_cells(path, number, header, None, decoding)
                check_header(path, [h.strip() for h in header])
                continue
            if not any(values):  # no cells, or only empty ones
                continue
            if len(values) > len(header):
                raise ReadError([where(path.name, number) + _(
                    "more cells than the header has columns; give each extra column a name in the header, "
                    "or remove the extra cells (a comma in a cell needs quotes)")])
            text = "".join(values)  # both checks look at every cell: at C speed first, cell by cell if needed
            if UNSTORABLE.search(text):
                _check_cells(path, number, values, header, decoding)
            if "\n" in text:
                _check_swallowed(path, number, values, header)
            if len(values) < len(header):
                values += [None] * (len(header) - len(values))
            yield number, dict(zip(header, values))


def _check_cells(path: Path, number: int, values: list[str], names: list[str] | None, encoding: str) -> None:
    """Every cell storable; `names` None for the header row itself."""
    if not UNSTORABLE.search("".join(values)):
        return
    if encoding == "utf-8":
        undecoded = _("bytes that are not {encoding} text (a file that mixes encodings?); save the whole file as "
                      "CSV UTF-8, or give --encoding gb18030", encoding=encoding)
    else:
        undecoded = _("bytes that are not {encoding} text (a file that mixes encodings?); save the whole file as "
                      "CSV UTF-8", encoding=encoding)
    for name, value in zip(names or [""] * len(values), values):
        reason = cell_problem(value, undecoded)
        if reason:
            raise ReadError([where(path.name, number, name, header=names is None) + reason])


def _check_swallowed(path: Path, number: int, values: list[str], header: list[str]) -> None:
    """A quoted cell whose lines look like whole rows: an unclosed quote has eaten the rows after it."""
    if len(header) < 4:
        return
    for name, value in zip(header, values):
        if "\n" in value and any(line.count(",") >= len(header) - 1 for line in value.splitlines()[1:]):
            raise ReadError([where(path.name, number, name) + _(
                "a quoted cell runs over lines that look like whole rows (an unclosed quote?); "
                "close the quote or remove it")])


def _check_record(path: Path, number: int, record: dict[str, Any]) -> None:
    """JSON keys and values: text bounded and storable (a nested value judged by its JSON text)."""
    for key, value in record.items():
        reason = cell_problem(key)
        if reason:
            raise ReadError([where(path.name, number) + _("a column name: {reason}", reason=reason)])
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        if isinstance(value, str):
            reason = cell_problem(value)
            if reason:
                raise ReadError([where(path.name, number, key) + reason])


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that names a key twice would silently keep the last value: refuse it."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _DuplicateKey(_("the key {key!r} appears twice in one object; keep one of them", key=twice))
    return record


# A row is a flat object; this leaves room for values that are lists or objects themselves.
# The limit is ours, not the interpreter's: Python 3.13's json no longer raises RecursionError on
# deep input (it parses 100,000 levels), which is no longer a guard against a hostile file.
MAX_JSON_DEPTH = 100
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class _TooDeep(ValueError):
    pass


def _check_depth(text: str) -> None:
    """Refuse JSON text nested deeper than MAX_JSON_DEPTH, before parsing it (strings are skipped whole)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return  # cannot be that deep: the common case costs two counts
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _TooDeep()
        elif bracket in "]}":
            depth -= 1


def _loads(text: str) -> Any:
    _check_depth(text)
    return json.loads(text, object_pairs_hook=_unique_keys)


def _json_error(exc: Exception) -> str:
    if isinstance(exc, (RecursionError, _TooDeep)):
        return _("nested too deeply (more than {depth} levels); a row is one flat object", depth=MAX_JSON_DEPTH)
    if "integer string conversion" in str(exc):
        return _("a number with more than 4300 digits")
    return str(exc)


def _json(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ReadError([f"{path.name}: " + _(
            "a JSON file larger than {mb} MB is read whole; give big files as JSON Lines (.jsonl) or CSV, "
            "which are read row by row", mb=MAX_JSON_BYTES // 1024 ** 2)])
    try:
        data = _loads(path.read_text(encoding=encoding or "utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReadError([f"{path.name}: " + _(
            "not {encoding} text (byte 0x{byte} at offset {offset}); save it as UTF-8",
            encoding=encoding or "UTF-8", byte=f"{exc.object[exc.start]:02x}", offset=exc.start)]) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, integers too long to convert, nesting
        raise ReadError([f"{path.name}: " + _("not valid JSON: {error}", error=_json_error(exc))]) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ReadError([f"{path.name}: " + _("a JSON input is a list of objects, one per row; write the rows "
                                             "between [ and ], or give the file as JSON Lines (.jsonl)")])
    for number, record in enumerate(data, start=1):
        _check_record(path, number, record)
        yield number, record


def _jsonl(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    chosen = encoding or "utf-8-sig"
    with path.open(encoding=chosen, errors="surrogateescape", newline="") as fh:
        lines = _lines(fh)
        number = 0
        while True:
            number += 1
            try:
                line = next(lines)
            except StopIteration:
                return
            except _LineTooLong:
                raise ReadError([where(path.name, number) + _(
                    "a line longer than {max_line} characters; each line of JSON Lines is one row",
                    max_line=MAX_LINE)]) from None
            if not line.strip():
                continue
            if _UNDECODED.search(line):
                raise ReadError([where(path.name, number) + _(
                    "bytes that are not {encoding} text; save the file as UTF-8", encoding=chosen)])
            try:
                record = _loads(line)
            except (ValueError, RecursionError) as exc:
                raise ReadError([where(path.name, number) + _(
                    "not valid JSON: {error}", error=_json_error(exc))]) from None
            if not isinstance(record, dict):
                raise ReadError([where(path.name, number) + _(
                    "each line must be a JSON object (one row, in braces)")])
            _check_record(path, number, record)
            yield number, record
