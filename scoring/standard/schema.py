"""pydantic models of the two files an administrator writes: criteria.yml and the rule files.

Every model forbids unknown keys, so a typo in a standard fails loudly instead of
silently scoring with a default.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from scoring.i18n import _
from scoring.standard.dates import NAME, PERIOD_DATES
from scoring.standard.parts import Gate, Part, Stage  # noqa: F401
from scoring.standard.patterns import (AGGREGATE_KEYS, WINDOWS, Aggregate, Between, Condition, MonthDay,  # noqa: F401
                                       NamedDate, Op, Pattern, Per, Scalar, Shift, _lower_aggregates)
from scoring.standard.strict import CODE, FACT_KINDS, Points, Strict  # noqa: F401
from scoring.standard.nodes import (ALL_TYPES, METHODS, TOTAL, ByType, Dimension, Indicator,  # noqa: F401
                                    PositiveAmount, PositivePoints, for_type)


class Label(Strict):
    name: str
    name_en: str


# ---------------------------------------------------------------- criteria.yml


class FindingCode(Strict):
    name: str
    name_en: str
    kind: Literal["defect", "bonus", "veto"]
    # "given": the finding row names the indicator; a code: the indicator is fixed; None for events.
    indicator: str | None = None


class Band(Strict):
    min: Decimal
    points: Points


class Step(Strict):
    step: Decimal = Field(gt=0)
    points: Points = Field(gt=0)


class Scale(Strict):
    kind: Literal["bands", "proportional", "points"]
    bands: tuple[Band, ...] = ()
    strict: bool = False        # bands: the value must exceed a band's min (超过) instead of reach it (达到)
    beyond: Step | None = None  # bands: above the highest band, + points for every further step (每超过20%加1分)

    @model_validator(mode="after")
    def _bands_fit_kind(self) -> "Scale":
        if self.kind == "bands" and not self.bands:
            raise ValueError(_("a scale of kind bands needs at least one band (bands: [{min: 0.9, points: 5}, ...])"))
        if self.kind != "bands" and self.bands:
            raise ValueError(_("a scale of kind {kind} takes no bands; remove bands or make it kind: bands",
                               kind=self.kind))
        if self.kind != "bands" and (self.strict or self.beyond):
            raise ValueError(_("strict and beyond belong to a scale of kind bands; remove them"))
        return self


# The grade of a unit with nothing scored (数据不全: no object of any part's kinds), set by the ranking and not
# one of a standard's grades: a standard's own grade may not take its code.
NO_GRADE_CODE = "no_grade"


class Grade(Strict):
    code: str
    name: str
    name_en: str
    min: Decimal

    @field_validator("code")
    @classmethod
    def _not_reserved(cls, code: str) -> str:
        if code == NO_GRADE_CODE:
            raise ValueError(_("the grade code {code!r} is kept for units with nothing scored (数据不全): "
                               "give this grade another code", code=code))
        return code


class ExcellenceQuota(Strict):
    grade: str
    demote_to: str
    share: Decimal = Field(gt=0, le=1)
    minimum: int = Field(ge=0)


class Feed(Strict):
    points: Decimal = Field(gt=0)
    score_cap: Decimal = Field(gt=0)

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
    # Kinds of objects below the unit (政府网站、政务微博、服务窗口 …): what `scoring import objects` accepts.
    object_kinds: dict[str, Label] = {}
    total: Points = Field(default=Decimal(100), gt=0)  # what the maxima add up to, per unit type (108分制)
    parts: tuple[Part, ...] = ()  # empty: one implicit part, scored as before parts existed

    @field_validator("dates")
    @classmethod
    def _date_names(cls, dates: dict[str, NamedDate]) -> dict[str, NamedDate]:
        for key in dates:
            if not re.match(NAME, key) or key in PERIOD_DATES:
                raise ValueError(_("date name {value!r}: use lower-case words joined by single underscores, "
                                   "not one of {names}", value=key, names=", ".join(PERIOD_DATES)))
        return dates


# ---------------------------------------------------------------- rules

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
    points: PositiveAmount | None = None
    share_of_max: Decimal | None = Field(default=None, gt=0, le=1)
    per: Literal["count", "match"] = "count"
    indicator: str | None = None
    cap: Points | None = Field(default=None, gt=0)
    on_the_spot: Literal["half", "full"] = "full"
    once_per: Ref | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> "Deduct":
        if (self.points is None) == (self.share_of_max is None):
            raise ValueError(_("deduct takes exactly one of points or share_of_max"))
        return self


class Earn(Strict):
    """Points earned on an `earn` node (一项可得2分，最高不超过6分; 有得10分), capped at its max."""

    points: PositiveAmount | None = None
    scale: str | None = None
    value: "Expr | None" = None
    per: Literal["count", "match"] = "count"
    once_per: Ref | None = None
    indicator: str | None = None

    @model_validator(mode="after")
    def _points_or_scaled_value(self) -> "Earn":
        scaled = self.scale is not None or self.value is not None
        if (self.points is not None) == scaled:
            raise ValueError(_("{effect} takes either points, or a scale and a value", effect="earn"))
        if scaled and (self.scale is None or self.value is None):
            raise ValueError(_("{effect} takes a scale and a value together", effect="earn"))
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
            raise ValueError(_("rectify takes exactly one of deadline_days or deadline_workdays"))
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
            raise ValueError(_("{effect} takes either points, or a scale and a value", effect="score"))
        if scaled and (self.scale is None or self.value is None):
            raise ValueError(_("{effect} takes a scale and a value together", effect="score"))
        return self


class Then(Strict):
    deduct: Deduct | None = None
    earn: Earn | None = None
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
        if not (self.deduct or self.earn or self.bonus or self.veto or self.flag or self.rectify
                or self.multiply or self.score or self.not_applicable):
            raise ValueError(_("a rule needs at least one effect (deduct, earn, bonus, veto, flag, rectify, multiply, "
                               "score or not_applicable)"))
        if self.escalate and not self.flag:
            raise ValueError(_("escalate counts the rule's flags: give a flag too"))
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
    # The example unit's objects (websites, accounts …): code, kind, name, serves_public, active.
    objects: tuple[dict[str, Any], ...] = ()
    judged: tuple[dict[str, Any], ...] = ()  # rows as in `scoring import judged` (unit and period implied)


class Example(Strict):
    given: ExampleGiven
    expect: dict[str, Any] = Field(min_length=1)

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
                raise ValueError(_("fact alias {value!r} must be a lower-case name like f or self", value=alias))
        return patterns

    @property
    def primary(self) -> str:
        """The first fact in `when`: counts, on-the-spot corrections and default targets come from it."""
        return next(iter(self.when))


for _model in (Ratio, Product, Lookup):
    _model.model_rebuild()
Score.model_rebuild()
Earn.model_rebuild()
Then.model_rebuild()
Rule.model_rebuild()

# The fields each kind of fact carries, with their types: the vocabulary of `when` and
# `unless`. The facts builder (scoring.engine.facts) produces exactly these; a `metrics` fact carries
# the metric names the criteria declare, all numbers.
FIELD_TYPES: dict[str, dict[str, str]] = {
    "unit": {"code": "text", "type": "text", "group": "text", "period_months": "number",
             "self_assessment_rows": "number"},
    "finding": {"ref": "text", "code": "text", "kind": "text", "indicator": "text", "count": "number",
                "corrected_on_spot": "bool", "date": "text", "applicable": "bool", "inspector": "text",
                "object": "text"},
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
               "ok": "bool", "count": "number", "object": "text"},
    # The period scored and the run date (监测时间点): one fact, present when some rule reads it.
    "period": {"code": "text", "months": "number", "period_start": "date", "period_end": "date", "as_of": "date"},
    # A group's value of an aggregate (computed by the tally between the engine's passes); a rule
    # reads its own aggregates only. Fields named by `per: {field: X}` are text keys beside these.
    "aggregate": {"name": "text", "value": "number", "window_start": "date", "window_end": "date"},
    # An object below the unit (a website, a new-media account, a service window): one fact per active
    # object of the unit, present when some rule reads objects. `code` is the workspace's object code.
    "object": {"ref": "text", "code": "text", "kind": "text", "name": "text", "serves_public": "bool"},
    # An assessor's points for a judged indicator (scoring import judged): one fact per row, when a rule reads them.
    "judged": {"ref": "text", "indicator": "text", "object": "text", "points": "number", "assessor": "text"},
}
FACT_FIELDS: dict[str, frozenset[str]] = {kind: frozenset(fields) for kind, fields in FIELD_TYPES.items()}
# Facts whose `indicator` field a deduction may target when the rule names none.
INDICATOR_FACTS = frozenset({"finding", "previous_finding", "self_assessment", "rectification"})
