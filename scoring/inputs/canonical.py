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
# Each cache holds distinct cells seen in a file; a file of a million distinct units or dates is
# not worth remembering (its rows still import, each cell answered afresh).
MAX_REMEMBERED = 50_000
_UNSURE = object()  # remembered: this cell sends its row to the full path
_UNSEEN = object()  # not looked up yet, where None is an answer
_TEXT_OR_NONE = frozenset({str, type(None)})
FIELDS = ("id", "unit", "period", "date", "inspector", "code", "indicator", "count", "corrected_on_spot", "note",
          "evidence", "object")  # models.FindingRow's, in its order


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
        # Keyed by the cells as written; None means not seen yet, _UNSURE a cell the full path must judge.
        self._units: dict[Any, Any] = {}  # unit cell -> unit code
        self._when: dict[tuple, Any] = {}  # (period cell, date cell) -> (period code, ISO date)
        self._what: dict[tuple, Any] = {}  # (code cell, indicator cell) -> stored (code, indicator)
        self._counts: dict[Any, Any] = {None: 1}  # count cell -> int
        self._flags: dict[Any, Any] = {None: 0}  # 当场纠正 cell -> 0 or 1
        self._objects: dict[tuple, Any] = {}  # (object cell, unit) -> object code

    def record(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        given, unit, period, day, inspector, code, indicator, count, flag, note, evidence, named = map(raw.get, FIELDS)
        if not (type(given) in _TEXT_OR_NONE and type(inspector) in _TEXT_OR_NONE and type(note) in _TEXT_OR_NONE
                and type(evidence) in _TEXT_OR_NONE):
            return None  # a number from a workbook or JSON: the full path coerces it (the learners refuse the rest)
        try:
            unit = self._units.get(unit) or self._learn(self._units, unit, self._unit)
            when = self._when.get((period, day)) or self._learn(self._when, (period, day), self._period_and_date)
            what = (self._what.get((code, indicator))
                    or self._learn(self._what, (code, indicator), self._code_and_indicator))
            count = self._counts.get(count) or self._learn(self._counts, count, _count)
            known = self._flags.get(flag)
            flag = known if known is not None else self._learn(self._flags, flag, _flag)
            if unit is _UNSURE or when is _UNSURE or what is _UNSURE or count is _UNSURE or flag is _UNSURE:
                return None
            if named is not None:  # most files name no object
                known = self._objects.get((named, unit), _UNSEEN)  # None is an answer here: a blank cell
                named = known if known is not _UNSEEN else self._learn(self._objects, (named, unit), self._object)
                if named is _UNSURE:
                    return None
        except TypeError:  # a list or object from JSON cannot be a cache key: the full path explains it
            return None
        data = {"id": given and given.strip() or None, "unit": unit, "period": when[0], "date": when[1],
                "inspector": inspector and inspector.strip() or None, "code": what[0], "indicator": what[1],
                "count": count, "corrected_on_spot": flag, "note": note and note.strip() or None,
                "evidence": evidence and evidence.strip() or None, "object": named}
        if data["id"] is None:
            data["id"] = self.content_id(data)
        return data

    @staticmethod
    def _learn(cache: dict, key: Any, answer: Callable[[Any], Any]) -> Any:
        found = answer(key)
        if len(cache) < MAX_REMEMBERED:
            cache[key] = found
        return found

    def _unit(self, cell: str | None) -> Any:
        unit = _code(cell)
        return unit if unit is not None and unit in self.names.units else _UNSURE

    def _period_and_date(self, key: tuple[str | None, str | None]) -> Any:
        """(period code, ISO date) for a known period and a date inside it, else _UNSURE (the date cell as
        written: parse_date strips it as it does on the full path)."""
        period_text, day_text = _code(key[0]), key[1]
        if period_text is None or type(day_text) is not str:  # an Excel serial date or a date cell: full path
            return _UNSURE
        try:
            period = self.period(period_text)
            day = parse_date(day_text)
        except (PeriodError, ValueError):
            return _UNSURE
        if period.code not in self.names.periods or not isinstance(day, date) or not period.contains(day):
            return _UNSURE
        return period.code, day.isoformat()

    def _code_and_indicator(self, key: tuple[str | None, str | None]) -> Any:
        """The stored (code, indicator) of a known code and an indicator it may be given with, else _UNSURE
        (importing._finding_problems and to_record, for rows with no problem)."""
        written, indicator = _code(key[0]), key[1]
        if written is None or type(indicator) not in _TEXT_OR_NONE:
            return _UNSURE
        indicator = _text(indicator)
        code = self.code_words.code(written.upper())
        if code is None:
            return _UNSURE
        fixed = self.finding_codes[code].indicator
        named = self.indicator_words.code(indicator.upper()) if indicator else None
        if fixed == "given":
            return (code, named) if named is not None else _UNSURE
        if indicator and named != fixed:
            return _UNSURE
        return code, fixed

    def _object(self, key: tuple[str | None, str]) -> Any:
        """The object a row of the unit may name (None for a blank cell), else _UNSURE."""
        if type(key[0]) is not str:
            return _UNSURE
        named = _text(key[0])
        if named is not None and object_problem(named, key[1], self.names.objects) is not None:
            return _UNSURE
        return named


def _code(cell: str | None) -> str | None:
    """A models.Code cell as pydantic keeps it, or None if it has no 1 to CODE_LENGTH characters."""
    if type(cell) is not str:
        return None  # missing, or a number from a workbook or JSON: the full path coerces it
    text = cell.strip(WHITESPACE)
    return text if 0 < len(text) <= CODE_LENGTH else None


def _text(cell: str | None) -> str | None:
    """An optional text cell (str or None) as models.Text keeps it: stripped, blank as None."""
    return cell and cell.strip() or None


def _count(cell: str) -> Any:
    """1 when blank, else the whole number written in ASCII digits, within 1..MAX_COUNT; else _UNSURE."""
    if type(cell) is not str:
        return _UNSURE
    if not cell.strip():  # as models._blank_to_none
        return 1
    if not (cell.isascii() and cell.isdigit()):
        return _UNSURE  # " 3", 3.0, +3, 1_000 …: pydantic's to judge
    number = int(cell)
    return number if 1 <= number <= MAX_COUNT else _UNSURE


def _flag(cell: str) -> Any:
    """当场纠正 as stored (0 or 1), or _UNSURE."""
    if type(cell) is not str:
        return _UNSURE
    try:
        return int(parse_bool(cell))
    except ValueError:
        return _UNSURE
