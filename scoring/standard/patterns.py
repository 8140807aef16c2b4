"""What a rule's `when` and `unless` say: fact patterns, their conditions, dated and aggregated ones.

Split from scoring.standard.schema (which re-exports every name here).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import Field, model_validator

from scoring.i18n import _
from scoring.standard.dates import MISSING_TO, NAME, UNITS, between_field, minus_field
from scoring.standard.strict import FACT_KINDS, Strict


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
            raise ValueError(_("add takes exactly one of years, months, weeks, days, workdays"))
        return self


class NamedDate(Strict):
    """A date relative to the period (年度报告：期末之后的1月31日；监测时间点前2周)."""

    name: str
    name_en: str = ""
    from_: str = Field(alias="from")  # period_start | period_end | as_of | an earlier named date
    add: Shift | None = None
    next: MonthDay | None = None  # the first such month-day strictly after `from` (+ `add`)


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
            raise ValueError(_("a condition takes exactly one of eq, ne, lt, lte, gt, gte, in, same, exists"))
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
        raise ValueError(_("{name}: compare with one value (text, number or true/false); "
                           "for several, write {name}: {{in: [...]}}", name=name))


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
            raise ValueError(_("between takes exactly one of lt, lte, gt, gte, eq"))
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
            raise ValueError(_("between: a list of durations, for example "
                               "[{from: formed, to: published, in: workdays, gt: 20}]"))
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
            raise ValueError(_("per takes either field (with optional values) or every with date"))
        if self.every is not None and self.date is None:
            raise ValueError(_("per every {every}: name the date field, for example date: published",
                               every=self.every))
        if self.field is None and self.values:
            raise ValueError(_("per values go with a field"))
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
            raise ValueError(_("aggregate {aggregate} needs the number field it adds up (field: ...)",
                               aggregate=self.aggregate))
        if self.aggregate == "count" and self.field is not None:
            raise ValueError(_("aggregate count counts facts and takes no field (use sum for a field)"))
        if (self.aggregate == "share") != bool(self.where):
            raise ValueError(_("where (the numerator's conditions) goes with aggregate share, and share needs it"))
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
            raise ValueError(_("unless: an aggregate cannot be absent; compare its value in when (value: 0)"))
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
