"""What every reader shares: the error a file that cannot be read raises, and the checks on cells and headers."""

from __future__ import annotations

import re
from pathlib import Path

from scoring.i18n import _

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
            raise ReadError([f"{path.name}:1: header: " + _(
                "column {name!r} appears twice (columns {first} and {second}); give each column its own name",
                name=name, first=column_letter(seen[name]), second=column_letter(index))])
        seen.setdefault(name, index)
