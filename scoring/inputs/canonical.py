"""A fast path for finding rows whose cells are already in the form the store keeps.

Importing a million findings spent most of its time validating each row with pydantic and then
looking up its unit, period, code and indicator one by one. Nearly every row of a real file
repeats a few hundred units, one period, a few dozen codes and at most 366 dates, written the same
way every time, so this path answers each distinct value once and builds the stored record itself.

It only ever accepts: a row it cannot be sure of (a cell that is not text, a blank required
cell, an unknown name, a date outside the period, a number outside its bounds, anything it does
not recognise) is handed back (None) to the full path, which validates it with pydantic and
explains what is wrong. So a bad row gets the very message it always got, and a good row the
very record the full path would store (tests/test_canonical.py checks both against the full path).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from scoring.inputs.models import parse_bool, parse_date
from scoring.inputs.objects import object_problem
from scoring.store.periods import Period, PeriodError

CODE_LENGTH = 64  # models.Code: 1 to 64 characters once stripped
# What pydantic strips from a Code cell (str_strip_whitespace: Rust's trim, Unicode White_Space). Python's
# str.strip() also strips \x1c-\x1f, which pydantic keeps: "U1\x1f" is not unit U1 on the full path.
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u2028\u2029\u202f\u205f\u3000"
MAX_COUNT = 100_000  # models.FindingRow.count: 1 to 100,000
# Each cache holds distinct values seen in a file; a file of a million distinct dates or flags is
# not worth remembering (its rows still import, each value answered afresh).
MAX_REMEMBERED = 10_000
_UNSURE = object()  # remembered: this value sends its row to the full path


class CanonicalFindings:
    """`record(raw)` is the stored record of a finding row that is certainly valid, or None.

    `raw` maps the model's field names to the cells as read; the caller has already checked that
    every column is one of the model's fields, and the readers that no text cell holds what pydantic
    cannot take as text (NUL, lone surrogates: scoring.inputs.cells.UNSTORABLE).
    """

    def __init__(self, names: Any, period: Callable[[str], Period], content_id: Callable[[dict[str, Any]], str]):
        self.names, self.period, self.content_id = names, period, content_id
        standard = names.standard
        self.finding_codes = standard.criteria.finding_codes
        self.code_words, self.indicator_words = standard.finding_code_words, standard.indicator_words
        self._when: dict[tuple[str, str], Any] = {}  # (period cell, date cell) -> (period code, ISO date)
        self._what: dict[tuple[str, str | None], Any] = {}  # (code, indicator), upper-cased -> stored pair
        self._counts: dict[str, Any] = {}  # count cell -> int
        self._flags: dict[str, Any] = {}  # 当场纠正 cell -> 0 or 1
        self._objects: dict[tuple[str, str], bool] = {}  # (object, unit) -> may the unit's row name it

    def record(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        get = raw.get
        unit, period, day, code = get("unit"), get("period"), get("date"), get("code")
        if type(unit) is not str or type(period) is not str or type(day) is not str or type(code) is not str:
            return None  # missing, or a number or date from a workbook or JSON: the full path coerces them
        unit, period, code = unit.strip(WHITESPACE), period.strip(WHITESPACE), code.strip(WHITESPACE)
        if not (0 < len(unit) <= CODE_LENGTH and 0 < len(code) <= CODE_LENGTH) or unit not in self.names.units:
            return None
        when = self._remembered(self._when, (period, day), self._period_and_date)
        indicator = _text(get("indicator"))
        count, flag = get("count"), get("corrected_on_spot")
        if when is _UNSURE or indicator is _UNSURE or not _is_text(count) or not _is_text(flag):
            return None
        what = self._remembered(self._what, (code.upper(), indicator and indicator.upper()), self._code_and_indicator)
        count, flag = self._remembered(self._counts, count, _count), self._remembered(self._flags, flag, _flag)
        texts = [_text(get(name)) for name in ("id", "inspector", "note", "evidence", "object")]
        if what is _UNSURE or count is _UNSURE or flag is _UNSURE or _UNSURE in texts:
            return None
        given, inspector, note, evidence, named = texts
        if named is not None and not self._object_allowed(named, unit):
            return None
        data = {"id": given, "unit": unit, "period": when[0], "date": when[1], "inspector": inspector,
                "code": what[0], "indicator": what[1], "count": count, "corrected_on_spot": flag, "note": note,
                "evidence": evidence, "object": named}
        if given is None:
            data["id"] = self.content_id(data)
        return data

    def _remembered(self, cache: dict, key: Any, answer: Callable[[Any], Any]) -> Any:
        found = cache.get(key, cache)  # the cache itself stands for "not seen yet" (None is a value)
        if found is cache:
            found = answer(key)
            if len(cache) < MAX_REMEMBERED:
                cache[key] = found
        return found

    def _period_and_date(self, key: tuple[str, str]) -> Any:
        """(period code, ISO date) for a known period and a date inside it, else _UNSURE (the date cell as
        written: parse_date strips it as it does on the full path)."""
        period_text, day_text = key
        if not 0 < len(period_text) <= CODE_LENGTH:
            return _UNSURE
        try:
            period = self.period(period_text)
            day = parse_date(day_text)
        except (PeriodError, ValueError):
            return _UNSURE
        if period.code not in self.names.periods or not isinstance(day, date) or not period.contains(day):
            return _UNSURE
        return period.code, day.isoformat()

    def _code_and_indicator(self, key: tuple[str, str | None]) -> Any:
        """The stored (code, indicator) of a known code and an indicator it may be given with, else _UNSURE
        (importing._finding_problems and to_record, for rows with no problem)."""
        written, indicator = key
        code = self.code_words.code(written)
        if code is None:
            return _UNSURE
        fixed = self.finding_codes[code].indicator
        named = self.indicator_words.code(indicator) if indicator else None
        if fixed == "given":
            return (code, named) if named is not None else _UNSURE
        if indicator and named != fixed:
            return _UNSURE
        return code, fixed

    def _object_allowed(self, named: str, unit: str) -> bool:
        key = (named, unit)
        allowed = self._objects.get(key)
        if allowed is None:
            allowed = object_problem(named, unit, self.names.objects) is None
            if len(self._objects) < MAX_REMEMBERED:
                self._objects[key] = allowed
        return allowed


def _is_text(cell: Any) -> bool:
    return cell is None or type(cell) is str


def _text(cell: Any) -> Any:
    """An optional text cell as models.Text keeps it (stripped, blank as None), or _UNSURE."""
    if cell is None:
        return None
    if type(cell) is not str:
        return _UNSURE
    return cell.strip() or None


def _count(cell: Any) -> Any:
    """1 when blank, else the whole number written in ASCII digits, within 1..MAX_COUNT; else _UNSURE."""
    if cell is None or not cell.strip():  # as models._blank_to_none
        return 1
    if not (cell.isascii() and cell.isdigit()):
        return _UNSURE  # " 3", 3.0, +3, 1_000 …: pydantic's to judge
    number = int(cell)
    return number if 1 <= number <= MAX_COUNT else _UNSURE


def _flag(cell: Any) -> Any:
    """当场纠正 as stored (0 or 1), or _UNSURE."""
    if cell is None:
        return 0
    try:
        return int(parse_bool(cell))
    except ValueError:
        return _UNSURE
