"""pydantic models of the two files an administrator writes: criteria.yml and the rule files.

Every model forbids unknown keys, so a typo in a standard fails loudly instead of
silently scoring with a default.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.standard.dates import MISSING_TO, NAME, PERIOD_DATES, UNITS, between_field, minus_field

CODE = r"^[A-Z][A-Z0-9_]*$"
FACT_KINDS = ("unit", "finding", "previous_finding", "self_assessment", "survey", "metrics", "rectification",
              "record", "period", "aggregate")
Points = Decimal


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    name: str
    name_en: str


# ---------------------------------------------------------------- criteria.yml


class Indicator(Strict):
    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    max: Points = Field(gt=0)
    method: Literal["deduct", "ratio", "quota"]
    types: tuple[str, ...] | None = None


class Dimension(Strict):
    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.indicators), Decimal(0))


class FindingCode(Strict):
    name: str
    name_en: str
    kind: Literal["defect", "bonus", "veto"]
    # "given": the finding row names the indicator; a code: the indicator is fixed; None for events.
    indicator: str | None = None


class Band(Strict):
    min: Decimal
    points: Points


class Scale(Strict):
    kind: Literal["bands", "proportional"]
    bands: tuple[Band, ...] = ()

    @model_validator(mode="after")
    def _bands_fit_kind(self) -> "Scale":
        if self.kind == "bands" and not self.bands:
            raise ValueError("a scale of kind 'bands' needs at least one band")
        if self.kind == "proportional" and self.bands:
            raise ValueError("a 'proportional' scale takes no bands")
        return self


class Grade(Strict):
    code: str
    name: str
    name_en: str
    min: Decimal


class ExcellenceQuota(Strict):
    grade: str
    demote_to: str
    share: Decimal = Field(gt=0, le=1)
    minimum: int = Field(ge=0)


class Feed(Strict):
    points: Decimal = Field(gt=0)
    score_cap: Decimal = Field(gt=0)


class MonthDay(Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class Shift(Strict):
    """How far a named date lies from its origin; exactly one field (negative = earlier)."""

    years: int | None = None
    months: int | None = None  # calendar months; the 31st becomes a shorter month's last day
    weeks: int | None = None
    days: int | None = None
    workdays: int | None = None  # mainland working days (chinesecalendar)

    @model_validator(mode="after")
    def _exactly_one(self) -> "Shift":
        if sum(getattr(self, k) is not None for k in type(self).model_fields) != 1:
            raise ValueError("add takes exactly one of years, months, weeks, days, workdays")
        return self


class NamedDate(Strict):
    """A date relative to the period (年度报告：期末之后的1月31日；监测时间点前2周)."""

    name: str
    name_en: str = ""
    from_: str = Field(alias="from")  # period_start | period_end | as_of | an earlier named date
    add: Shift | None = None
    next: MonthDay | None = None  # the first such month-day strictly after `from` (+ `add`)


class Criteria(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    title: str
    title_en: str
    unit_types: dict[str, Label]
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    finding_codes: dict[str, FindingCode]
    metrics: dict[str, Label] = {}
    flags: dict[str, Label] = {}
    scales: dict[str, Scale] = {}
    tables: dict[str, dict[str, Decimal]] = {}
    bonus_cap: Points = Field(ge=0)
    grades: tuple[Grade, ...] = Field(min_length=1)
    excellence_quota: ExcellenceQuota | None = None
    feed: Feed
    dates: dict[str, NamedDate] = {}
    record_kinds: dict[str, Label] = {}
    column_types: dict[str, Label] = {}

    @field_validator("dates")
    @classmethod
    def _date_names(cls, dates: dict[str, NamedDate]) -> dict[str, NamedDate]:


        for key in dates:
            if not re.match(NAME, key) or key in PERIOD_DATES:
                raise ValueError(f"date name {key!r}: use lower-case words joined by single underscores, "
                                 f"not one of {', '.join(PERIOD_DATES)}")
        return dates


# ---------------------------------------------------------------- rules


Scalar = Union[bool, int, Decimal, str]


class Op(Strict):
    """One comparison on a fact field; `same` joins to a field of an earlier fact."""

    eq: "Scalar | None" = None
    ne: "Scalar | None" = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    in_: "tuple[Scalar, ...] | None" = Field(default=None, alias="in", min_length=1)
    same: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    exists: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Op":
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition takes exactly one of eq, ne, lt, lte, gt, gte, in, same, exists")
        return self

    @property
    def operator(self) -> tuple[str, Any]:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None:
                return name.rstrip("_"), value
        raise AssertionError("validated to hold one operator")


Condition = Union[Op, Scalar]


def _one_value(name: str, value: Any) -> None:
    """A condition compares with one value; a list or a nested map is a mistake worth naming plainly."""
    compared = value.get("eq", value.get("ne")) if isinstance(value, dict) else value
    if isinstance(compared, (list, dict)) and not (isinstance(value, dict) and set(value) - {"eq", "ne"}):
        raise ValueError(f"{name}: compare with one value (text, number or true/false); "
                         f"for several, write {name}: {{in: [...]}}")


class Between(Strict):
    """A duration between two date fields of one fact, compared with a number (20个工作日内)."""

    from_: str = Field(alias="from", pattern=NAME)
    to: str = Field(pattern=NAME)
    in_: Literal[UNITS] = Field(alias="in")  # type: ignore[valid-type]
    missing_to: Literal[MISSING_TO] | None = None  # type: ignore[valid-type]
    lt: Decimal | None = None
    lte: Decimal | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    eq: Decimal | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> "Between":
        if sum(getattr(self, k) is not None for k in ("lt", "lte", "gt", "gte", "eq")) != 1:
            raise ValueError("between takes exactly one of lt, lte, gt, gte, eq")
        return self

    def as_condition(self) -> tuple[str, dict[str, Decimal]]:
        op = next(k for k in ("lt", "lte", "gt", "gte", "eq") if getattr(self, k) is not None)
        return between_field(self.from_, self.to, self.in_, self.missing_to), {op: getattr(self, op)}


def _dated(conditions: dict[str, Any]) -> dict[str, Any]:
    """`published: {gt: {date: report_deadline}}` becomes `published__minus__report_deadline: {gt: 0}`."""
    out = {}
    for name, value in conditions.items():
        if (isinstance(value, dict) and len(value) == 1 and isinstance(inner := next(iter(value.values())), dict)
                and set(inner) == {"date"} and next(iter(value)) in ("eq", "ne", "lt", "lte", "gt", "gte")):
            out[minus_field(name, str(inner["date"]))] = {next(iter(value)): 0}
        else:
            out[name] = value
    return out


class Pattern(Strict):
    """A fact the rule needs: its kind plus conditions on its fields (`any` is an OR of condition sets).

    Date comparisons (`{gt: {date: NAME}}`) and `between` durations become conditions on derived
    number fields (scoring.standard.dates), so every engine compares them like any other field.
    """

    fact: Literal[FACT_KINDS]  # type: ignore[valid-type]
    conditions: dict[str, Condition] = {}
    any: tuple[dict[str, Condition], ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _gather_conditions(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = {"fact", "any", "conditions", "between"}
        conditions = {k: v for k, v in data.items() if k not in known}
        rest = {k: v for k, v in data.items() if k in known and k != "between"}
        merged = _dated({**rest.get("conditions", {}), **conditions})
        between = data.get("between") or ()
        if not isinstance(between, (list, tuple)):
            raise ValueError("between: a list of durations, for example [{from: formed, to: published, in: workdays, gt: 20}]")
        for spec in between:
            field, cond = Between.model_validate(spec).as_condition()
            merged[field] = cond
        for name, value in merged.items():
            _one_value(name, value)
        if "any" in rest and isinstance(rest["any"], (list, tuple)):
            rest["any"] = [_dated(group) if isinstance(group, dict) else group for group in rest["any"]]
        return {**rest, "conditions": merged}

    def all_conditions(self) -> list[tuple[str, Condition]]:
        pairs = list(self.conditions.items())
        for group in self.any:
            pairs.extend(group.items())
        return pairs


Ref = str  # "alias.field"


class Ratio(Strict):
    ratio: tuple["Expr", "Expr"]


class Product(Strict):
    product: tuple["Expr", ...] = Field(min_length=2)


class Lookup(Strict):
    lookup: str
    key: "Expr"


Expr = Union[Ratio, Product, Lookup, Decimal, Ref]


class Deduct(Strict):
    points: Points | None = Field(default=None, gt=0)
    share_of_max: Decimal | None = Field(default=None, gt=0, le=1)
    per: Literal["count", "match"] = "count"
    indicator: str | None = None
    cap: Points | None = Field(default=None, gt=0)
    on_the_spot: Literal["half", "full"] = "full"
    once_per: Ref | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> "Deduct":
        if (self.points is None) == (self.share_of_max is None):
            raise ValueError("deduct takes exactly one of points or share_of_max")
        return self


class Bonus(Strict):
    points: Points = Field(gt=0)
    per: Literal["count", "match"] = "count"
    once_per: Ref | None = None


class Flag(Strict):
    code: str = Field(pattern=CODE)
    indicator: str | None = None


class Escalate(Strict):
    at_least: int = Field(ge=1)
    flag: str = Field(pattern=CODE)


class Rectify(Strict):
    deadline_days: int | None = Field(default=None, ge=0)
    deadline_workdays: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_deadline(self) -> "Rectify":
        if (self.deadline_days is None) == (self.deadline_workdays is None):
            raise ValueError("rectify takes exactly one of deadline_days or deadline_workdays")
        return self


class Multiply(Strict):
    fact: str
    factor: Decimal = Field(gt=0)


class Score(Strict):
    points: Points | None = Field(default=None, ge=0)
    scale: str | None = None
    value: Expr | None = None

    @model_validator(mode="after")
    def _points_or_scaled_value(self) -> "Score":
        scaled = self.scale is not None or self.value is not None
        if (self.points is not None) == scaled:
            raise ValueError("score takes either points, or a scale and a value")
        if scaled and (self.scale is None or self.value is None):
            raise ValueError("score takes a scale and a value together")
        return self


class Then(Strict):
    deduct: Deduct | None = None
    bonus: Bonus | None = None
    veto: bool = False
    flag: Flag | None = None
    escalate: Escalate | None = None
    rectify: Rectify | None = None
    multiply: Multiply | None = None
    score: Score | None = None
    not_applicable: bool = False

    @model_validator(mode="after")
    def _has_an_effect(self) -> "Then":
        if not (self.deduct or self.bonus or self.veto or self.flag or self.rectify
                or self.multiply or self.score or self.not_applicable):
            raise ValueError("a rule needs at least one effect")
        if self.escalate and not self.flag:
            raise ValueError("escalate counts the rule's flags: give a flag too")
        return self


class ExampleGiven(Strict):
    unit: dict[str, str] = {}
    period: str = "2025"
    as_of: str | None = None
    findings: tuple[dict[str, Any], ...] = ()
    previous_findings: tuple[dict[str, Any], ...] = ()
    self_assessments: tuple[dict[str, Any], ...] = ()
    survey: dict[str, int] | None = None
    metrics: dict[str, Decimal] = {}
    rectifications: tuple[dict[str, Any], ...] = ()
    records: tuple[dict[str, Any], ...] = ()


class Example(Strict):
    given: ExampleGiven
    expect: dict[str, Any] = Field(min_length=1)


WINDOWS = ("day", "half_month", "month", "quarter", "half_year")
AGGREGATE_KEYS = {"aggregate", "of", "where", "field", "per"}


class Per(Strict):
    """One grouping key of an aggregate: a field's value, or a calendar window of a date field."""

    field: str | None = None
    values: tuple[str, ...] = ()  # with field: groups that exist even with no fact (value 0)
    every: Literal[WINDOWS] | None = None  # type: ignore[valid-type]
    date: str | None = None  # with every: the date field; every window of the period exists (0 if empty)

    @model_validator(mode="after")
    def _field_or_window(self) -> "Per":
        if (self.field is None) == (self.every is None):
            raise ValueError("per takes either field (with optional values) or every with date")
        if self.every is not None and self.date is None:
            raise ValueError(f"per every {self.every}: name the date field, for example date: published")
        if self.field is None and self.values:
            raise ValueError("per values go with a field")
        return self


class Aggregate(Strict):
    """A number computed over facts matching a pattern (栏目累计超过5个、累计占比超过5%、每月不低于40条).

    The engine selects the facts (`of`, and `where` for a share's numerator); the tally only adds
    them up per group; the rule's conditions on `value` are compared by the engine again.
    """

    aggregate: Literal["count", "sum", "share", "max", "min"]
    of: Pattern
    where: dict[str, Condition] = {}  # share: the numerator's extra conditions on the same fact
    field: str | None = None  # sum / max / min: the number field added up (share: an optional weight)
    per: tuple[Per, ...] = ()

    @model_validator(mode="after")
    def _fits_kind(self) -> "Aggregate":
        if self.aggregate in ("sum", "max", "min") and self.field is None:
            raise ValueError(f"aggregate {self.aggregate} needs the number field it adds up (field: ...)")
        if self.aggregate == "count" and self.field is not None:
            raise ValueError("aggregate count counts facts and takes no field (use sum for a field)")
        if (self.aggregate == "share") != bool(self.where):
            raise ValueError("where (the numerator's conditions) goes with aggregate share, and share needs it")
        return self

    def where_pattern(self) -> Pattern:
        """The share's numerator: the `of` pattern with `where` added."""
        data = {"fact": self.of.fact, **self.of.conditions, **self.where}
        if self.of.any:
            data["any"] = list(self.of.any)
        return Pattern.model_validate(data)


def _lower_aggregates(data: Any) -> Any:
    """An aggregate alias in `when` becomes a pattern on the `aggregate` fact the tally computes for it,
    named RULE.alias; the aggregate itself moves to `aggregates` (scoring.engine.aggregates)."""
    if not isinstance(data, dict) or not isinstance(data.get("when"), dict):
        return data
    for section in ("unless",):
        if isinstance(data.get(section), dict) and any(isinstance(p, dict) and "aggregate" in p
                                                       for p in data[section].values()):
            raise ValueError("unless: an aggregate cannot be absent; compare its value in when (value: 0)")
    when, aggregates = {}, dict(data.get("aggregates") or {})
    for alias, pattern in data["when"].items():
        if isinstance(pattern, dict) and "aggregate" in pattern:
            spec = {k: v for k, v in pattern.items() if k in AGGREGATE_KEYS}
            aggregates[alias] = spec
            when[alias] = {"fact": "aggregate", "name": f"{data.get('id')}.{alias}",
                           **{k: v for k, v in pattern.items() if k not in AGGREGATE_KEYS}}
        else:
            when[alias] = pattern
    return {**data, "when": when, "aggregates": aggregates} if aggregates else data


class Rule(Strict):
    id: str = Field(pattern=CODE)
    title: str
    title_en: str
    rationale: str
    rationale_en: str = ""  # English readers see the Chinese rationale where none is given
    indicator: str | None = None
    severity: Literal["low", "medium", "high"] | None = None
    references: tuple[str, ...] = ()
    when: dict[str, Pattern] = Field(min_length=1)
    unless: dict[str, Pattern] = {}
    then: Then
    examples: tuple[Example, ...] = Field(min_length=1)
    aggregates: dict[str, Aggregate] = {}  # filled from aggregate aliases in when (see _lower_aggregates)

    _lower = model_validator(mode="before")(classmethod(lambda cls, data: _lower_aggregates(data)))

    @field_validator("when", "unless")
    @classmethod
    def _aliases_are_names(cls, patterns: dict[str, Pattern]) -> dict[str, Pattern]:
        for alias in patterns:
            if not alias.isidentifier() or not alias.islower():
                raise ValueError(f"fact alias {alias!r} must be a lower-case name like f or self")
        return patterns

    @property
    def primary(self) -> str:
        """The first fact in `when`: counts, on-the-spot corrections and default targets come from it."""
        return next(iter(self.when))


for _model in (Ratio, Product, Lookup):
    _model.model_rebuild()
Score.model_rebuild()
Then.model_rebuild()
Rule.model_rebuild()

# The fields each kind of fact carries, with their types: the vocabulary of `when` and
# `unless`. The facts builder (scoring.engine.facts) produces exactly these; a `metrics` fact carries
# the metric names the criteria declare, all numbers.
FIELD_TYPES: dict[str, dict[str, str]] = {
    "unit": {"code": "text", "type": "text", "group": "text", "period_months": "number",
             "self_assessment_rows": "number"},
    "finding": {"ref": "text", "code": "text", "kind": "text", "indicator": "text", "count": "number",
                "corrected_on_spot": "bool", "date": "text", "applicable": "bool", "inspector": "text"},
    "previous_finding": {"ref": "text", "code": "text", "kind": "text", "indicator": "text", "count": "number",
                         "date": "text"},
    "self_assessment": {"ref": "text", "indicator": "text", "claim": "text", "applicable": "bool"},
    "survey": {name: "number" for name in ("answers", "favourable", "satisfied", "basically_satisfied",
                                           "unsatisfied", "dont_know", "respondents", "issued", "response_rate")},
    "metrics": {},
    "rectification": {"ref": "text", "indicator": "text", "finding": "text", "rule": "text", "deadline": "text",
                      "status": "text", "overdue": "bool", "period": "text"},
    # Dated records (主动公开信息、栏目更新、年度报告 …). `date` fields hold ISO text: a rule compares
    # them through derived fields (scoring.standard.dates), never as text.
    "record": {"ref": "text", "kind": "text", "column": "text", "column_type": "text", "title": "text",
               "date": "date", "formed": "date", "published": "date", "replied": "date", "value": "number",
               "ok": "bool", "count": "number"},
    # The period scored and the run date (监测时间点): one fact, present when some rule reads it.
    "period": {"code": "text", "months": "number", "period_start": "date", "period_end": "date", "as_of": "date"},
    # A group's value of an aggregate (computed by the tally between the engine's passes); a rule
    # reads its own aggregates only. Fields named by `per: {field: X}` are text keys beside these.
    "aggregate": {"name": "text", "value": "number", "window_start": "date", "window_end": "date"},
}
FACT_FIELDS: dict[str, frozenset[str]] = {kind: frozenset(fields) for kind, fields in FIELD_TYPES.items()}
# Facts whose `indicator` field a deduction may target when the rule names none.
INDICATOR_FACTS = frozenset({"finding", "previous_finding", "self_assessment", "rectification"})
