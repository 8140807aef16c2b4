"""What every file we hand a person must respect, whatever its format."""

from __future__ import annotations

from typing import Any

_FORMULA_START = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (a leading ' makes it text); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value
