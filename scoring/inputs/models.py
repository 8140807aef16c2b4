"""pydantic models of every row a user hands us (units, findings, self-assessments, surveys, metrics).

These check what one row can say on its own: types, dates, booleans in Chinese or English,
claims and answers in either language. Whether a unit, code, indicator or period exists is
the importer's check (it needs the workspace), see scoring.inputs.importing.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from scoring.standard.vocabulary import ANSWER_CODES, ANSWER_WORDS, CLAIM_CODES, CLAIM_WORDS, STATUS_CODES, STATUS_WORDS_INDEX
from scoring.i18n import N_, _
from scoring.standard.words import Words, has_chinese

TRUE_WORDS = {"true", "1", "yes", "y", "是", "t", "对"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "f", ""}
EXCEL_EPOCH = date(1899, 12, 30)

FAVOURABLE = ("satisfied", "basically_satisfied")


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("{value!r} is not yes or no: write 是/否, true/false, 1/0 or Y/N", value=value))


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + timedelta(days=int(value))  # an Excel serial date
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # YYYY-MM-DD, nearly every row: parsed in C
            return date.fromisoformat(text)
        except ValueError:
            pass  # the general pattern below says what is wrong
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(_("{value!r} is not a date: write YYYY-MM-DD, for example 2025-03-05", value=text))
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("{value!r} is not a real date ({problem})", value=text,
                           problem=_date_problem(year, month))) from None


def _date_problem(year: int, month: int) -> str:
    """What is wrong with a date `date()` refused, in the user's language (Python's own reason is English)."""
    if year < 1:
        return _("there is no year 0")
    if not 1 <= month <= 12:
        return _("there is no month {month}", month=month)
    return _("month {month} of {year} has only {days} days", year=year, month=month,
             days=calendar.monthrange(year, month)[1])


def _word(words: Words, codes: tuple[str, ...], what: str):
    # `what` is the whole message id (marked with N_ where it is written), translated when raised
    """A claim, answer or status written by its code, Chinese word, English name or a common synonym."""
    def parse(value: Any) -> str:
        text = str(value).strip()
        code = words.code(text)
        if code in codes:
            return code
        chinese = has_chinese(text) or not text
        options = "/".join(words.known(chinese))
        raise ValueError(_(what, value=text, hint=words.hint(text), options=options))

    return parse


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
# A code typed as a number in a spreadsheet (unit 1001) is its digits: coerce_numbers_to_str below.
Code = Annotated[str, Field(min_length=1, max_length=64)]
Bool = Annotated[bool, BeforeValidator(parse_bool)]
Day = Annotated[date, BeforeValidator(parse_date)]
Claim = Annotated[Literal[CLAIM_CODES], BeforeValidator(_word(CLAIM_WORDS, CLAIM_CODES, N_("{value!r} is not a self-assessment claim{hint} (write one of {options})")))]  # type: ignore[valid-type]
OptionalDay = Annotated[date | None, BeforeValidator(lambda v: None if _blank_to_none(v) is None else parse_date(v))]
Answer = Annotated[Literal[ANSWER_CODES], BeforeValidator(_word(ANSWER_WORDS, ANSWER_CODES, N_("{value!r} is not a satisfaction answer{hint} (write one of {options})")))]  # type: ignore[valid-type]


class Row(BaseModel):
    # Stripping and number-to-text happen in pydantic's core: a Python validator per field per row
    # is most of the cost of importing a million findings.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True, frozen=True)


class UnitRow(Row):
    code: Code
    name: Code = Field(max_length=200)
    type: Code
    group: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    parent: Annotated[str | None, BeforeValidator(_blank_to_none)] = None


class FindingRow(Row):
    id: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    unit: Code
    period: Code
    date: Day
    inspector: Text = None
    code: Code
    indicator: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    count: Annotated[int, BeforeValidator(lambda v: 1 if _blank_to_none(v) is None else v)] = Field(default=1, ge=1, le=100_000)
    corrected_on_spot: Annotated[bool, BeforeValidator(parse_bool)] = False
    note: Text = None
    evidence: Text = None
    object: Annotated[str | None, BeforeValidator(_blank_to_none)] = None  # 对象编码: a website, an account …

    @field_validator("code", "indicator")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class SelfAssessmentRow(Row):
    unit: Code
    period: Code
    indicator: Annotated[str, BeforeValidator(lambda v: str(v).strip().upper())]
    claim: Claim
    note: Text = None
    evidence: Text = None


class SurveyAnswerRow(Row):
    unit: Code
    period: Code
    respondent: Code
    question: Code = Field(max_length=500)
    answer: Answer


class SurveyIssuedRow(Row):
    unit: Code
    period: Code
    issued: int = Field(ge=0, le=10_000_000)  # SQLite integers are 64-bit; a real count is far below


MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 20


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("{value!r} is not a number", value=value)) from None
    if not number.is_finite():
        raise ValueError(_("{value!r} is not a finite number", value=value))
    # Bounded, so the exact text the store keeps stays short: 1e999999999 is a valid Decimal, but
    # writing it out takes a billion digits (and normalize() overflows the decimal context).
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(_("{value!r} is too large (at most {digits} digits before the decimal point)", value=value,
                           digits=MAX_INTEGER_DIGITS))
    if number.as_tuple().exponent < -MAX_DECIMAL_PLACES:
        raise ValueError(_("{value!r} has more than {places} decimal places", value=value, places=MAX_DECIMAL_PLACES))
    return number


class MetricRow(Row):
    unit: Code
    period: Code
    metric: Code
    value: Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]


Status = Annotated[Literal[STATUS_CODES], BeforeValidator(_word(STATUS_WORDS_INDEX, STATUS_CODES, N_("{value!r} is not a status{hint} (write one of {options})")))]  # type: ignore[valid-type]


class RectificationUpdateRow(Row):
    """A status change collected by file (整改情况汇总表)."""

    id: Code
    status: Status
    note: Text = None
    evidence: Text = None
    date: OptionalDay = None


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


class RecordRow(Row):
    """A dated record (主动公开信息、栏目更新、年度报告、留言 …): what dated and counted rules read."""

    id: OptionalText = None
    unit: Code
    period: Code
    kind: Code
    column_name: OptionalText = None
    column_type: OptionalText = None
    title: OptionalText = Field(default=None, max_length=500)
    date: OptionalDay = None
    formed: OptionalDay = None
    published: OptionalDay = None
    replied: OptionalDay = None
    value: Annotated[Decimal | None, BeforeValidator(lambda v: None if _blank_to_none(v) is None else _decimal(v))] = None
    ok: Annotated[bool | None, BeforeValidator(lambda v: None if _blank_to_none(v) is None else parse_bool(v))] = None
    count: Annotated[int, BeforeValidator(lambda v: 1 if _blank_to_none(v) is None else v)] = Field(default=1, ge=0, le=10_000_000)
    note: Text = None
    evidence: Text = None
    object: OptionalText = None


YesByDefault = Annotated[bool, BeforeValidator(lambda v: True if _blank_to_none(v) is None else parse_bool(v))]


class ObjectRow(Row):
    """An object below a unit (政府网站、政务新媒体账号、服务窗口): findings and records may name one."""

    code: Code
    unit: Code
    kind: Code
    name: Code = Field(max_length=200)
    address: OptionalText = Field(default=None, max_length=500)
    serves_public: YesByDefault = True  # 具有对外服务职能 (国办: without public services the maximum is 75)
    active: YesByDefault = True  # 在用: an object no longer in use keeps its code but takes no new findings


class JudgedRow(Row):
    """An assessor's points for a judged indicator (根据实际情况进行评分), checked within [0, max] on import."""

    id: OptionalText = None
    unit: Code
    period: Code
    indicator: Code
    object: OptionalText = None
    points: Annotated[Decimal, BeforeValidator(_decimal)]
    assessor: Annotated[str, Field(min_length=1, max_length=200)]
    note: Text = None
    evidence: Text = None


ROW_MODELS: dict[str, type[Row]] = {
    "units": UnitRow,
    "findings": FindingRow,
    "self-assessments": SelfAssessmentRow,
    "survey": SurveyAnswerRow,
    "survey-issued": SurveyIssuedRow,
    "metrics": MetricRow,
    "records": RecordRow,
    "objects": ObjectRow,
    "judged": JudgedRow,
}
