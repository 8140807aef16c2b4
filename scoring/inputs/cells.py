"""What every reader shares: the error a file that cannot be read raises, and the checks on cells and headers."""

from __future__ import annotations

import re
from pathlib import Path

from scoring.i18n import _, current_lang

MAX_CELL = 100_000  # characters in one cell
# NUL, and the stand-ins for bytes that did not decode (errors="surrogateescape"); a JSON file can
# also spell lone surrogates as \udXXX escapes. None of them can be stored as text.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ReadError(ValueError):
    """A file that cannot be read at all; `problems` are whole lines ready to print."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def cell_problem(value: str, undecoded: str | None = None) -> str | None:
    """Why a text cell cannot be taken, or None; `undecoded` says why bytes that did not decode cannot."""
    if len(value) > MAX_CELL:
        return _("a cell is longer than {max_cell} characters; shorten it or give the text as an attachment",
                 max_cell=MAX_CELL)
    bad = UNSTORABLE.search(value)
    if bad is None:
        return None
    if bad.group() == "\x00":
        return _("contains a NUL byte; save the file as plain CSV or XLSX")
    return undecoded or _("contains a character that is not text (a lone surrogate); remove it or save the file "
                          "again as UTF-8")


def where(file: str, row: int, column: str | None = None, *, header: bool = False, letter: str | None = None) -> str:
    """The start of a problem line: the file, the row a spreadsheet user sees (the header is row 1) and the
    column, by its name as written, or by its `letter` where it has none; `header` for a problem of the
    header row. English keeps the `FILE:ROW: column: ` form scripts may parse; Chinese reads 第 3 行、「单位编码」列。"""
    if header:
        text = _("{file}:{row}: header:", file=file, row=row)
    elif letter:
        text = _("{file}:{row}: column {letter}:", file=file, row=row, letter=letter)
    elif column and column != "row":
        text = _("{file}:{row}: {column}:", file=file, row=row, column=column)
    else:
        text = _("{file}:{row}: row:", file=file, row=row)
    return text if text.endswith("：") else text + " "


def column_label(field: str, written: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> str:
    """A column of a problem as the user knows it: in Chinese the header the file gives it (`written`,
    field → header), else its Chinese header (`headers`, Chinese → field); in English the field's name."""
    if current_lang() != "zh":
        return field
    if "+" in field:  # a key of several columns (单位编码+考核周期)
        return "+".join(column_label(part, written, headers) for part in field.split("+"))
    if written and written.get(field):
        return written[field]
    for name, given in (headers or {}).items():
        if given == field:
            return name
    return field


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_header(path: Path, names: list[str]) -> None:
    """Two columns of one name would silently keep only the last one's values."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in seen:
            raise ReadError([where(path.name, 1, header=True) + _(
                "column {name!r} appears twice (columns {first} and {second}); give each column its own name",
                name=name, first=column_letter(seen[name]), second=column_letter(index))])
        seen.setdefault(name, index)
