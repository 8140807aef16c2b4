"""Assessment periods (考核周期): `2025`, `2025H1`, `2025Q3`, `2025-07` name a year, half, quarter, month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from scoring.i18n import _

_PATTERNS = (
    ("year", re.compile(r"^(\d{4})$")),
    ("half", re.compile(r"^(\d{4})H([12])$")),
    ("quarter", re.compile(r"^(\d{4})Q([1-4])$")),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
)
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    code: str
    kind: str
    start: date
    end: date
    months: int

    @property
    def previous(self) -> "Period":
        """The period of the same kind just before this one (屡查屡犯 compares with it)."""
        first_month = self.start.month - self.months
        year = self.start.year + (first_month - 1) // 12
        month = (first_month - 1) % 12 + 1
        return _make(self.kind, year, (month - 1) // self.months + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _make(kind: str, year: int, index: int) -> Period:
    months = _MONTHS[kind]
    first = (index - 1) * months + 1
    last = first + months - 1
    code = {"year": f"{year}", "half": f"{year}H{index}", "quarter": f"{year}Q{index}",
            "month": f"{year}-{index:02d}"}[kind]
    return Period(code, kind, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), months)


def parse_period(text: str) -> Period:
    text = str(text).strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            if not 1900 <= year <= 2999:
                break
            index = int(match.group(2)) if kind != "year" else 1
            return _make(kind, year, index)
    raise PeriodError(_("{value!r} is not a period: write a year (2025), a half (2025H1), a quarter (2025Q3) "
                        "or a month (2025-07)", value=text))
