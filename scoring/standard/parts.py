"""Parts, stages and gates of criteria.yml: a unit's result as weighted parts, each a sequence of stages.

国办秘函〔2019〕19号: "单项否决……不再对其他指标进行评分；扣分指标……低于60分判定为不合格；高于80分，
则进入加分指标评分环节" is one part with a veto stage, a score stage with two gates and a bonus stage;
湾沚's "政府网站指标按30%权重折算，政务新媒体指标按70%权重折算" is two such parts with weights.
A standard without `parts` keeps today's meaning (scoring.engine.tally's implicit single part).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from scoring.i18n import _
from scoring.standard.strict import CODE, Points, Strict

GATE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte")


class Gate(Strict):
    """A comparison on a stage's score, checked once that stage is scored (低于60分判定为不合格)."""

    on: str | None = Field(default=None, pattern=CODE)  # a stage code; default: the stage it is listed in
    eq: Decimal | None = None
    ne: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    gt: Decimal | None = None
    gte: Decimal | None = None
    fail: bool = False  # the part's outcome is 不合格 (its score is kept)
    stop: bool = False  # the part's later stages are not scored (不进入加分环节)
    note: str = ""  # the explanation line's text, in Chinese

    @model_validator(mode="before")
    @classmethod
    def _on_as_written(cls, data: Any) -> Any:
        """YAML 1.1 reads a bare `on:` key as true; the administrator wrote `on`."""
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if key is True else key): value for key, value in data.items()}
        return data

    @model_validator(mode="after")
    def _one_comparison_and_an_effect(self) -> "Gate":
        given = [op for op in GATE_OPS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(_("a gate takes exactly one of eq, ne, lt, lte, gt, gte"))
        if not (self.fail or self.stop):
            raise ValueError(_("a gate does something when it holds: give fail: true, stop: true or both"))
        return self

    @property
    def operator(self) -> tuple[str, Decimal]:
        op = next(op for op in GATE_OPS if getattr(self, op) is not None)
        return op, getattr(self, op)


class Stage(Strict):
    code: str = Field(pattern=CODE)
    name: str = ""
    name_en: str = ""
    # veto: the veto rules of its dimensions' indicators; score: its dimensions' points;
    # events: the bonus events (then.bonus) of rules whose indicator lies in its dimensions.
    kind: Literal["veto", "score", "events"]
    dimensions: tuple[str, ...] = ()
    total: Points | None = Field(default=None, gt=0)  # score stage: what its dimensions' maxima add up to
    # None: raw points; a number or "total": that many × earned ÷ applicable max (满分75分，乘以4/3).
    scale_to: Decimal | Literal["total"] | None = None
    cap: Points | None = Field(default=None, ge=0)
    on_veto: Literal["zero", "keep"] = "zero"  # veto stage: zero = 不再评分 (part score 0, later stages skipped)
    gates: tuple[Gate, ...] = ()

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> "Stage":
        if self.kind != "score":
            for name in ("total", "scale_to"):
                if getattr(self, name) is not None:
                    raise ValueError(_("{name} is for a score stage; this stage is kind {kind}", name=name,
                                       kind=self.kind))
            if self.gates:
                raise ValueError(_("gates compare a computed score: put them on a score stage, not a {kind} stage",
                                   kind=self.kind))
        if self.kind == "veto" and self.cap is not None:
            raise ValueError(_("cap is for a score or events stage; a veto stage scores nothing"))
        if isinstance(self.scale_to, Decimal) and self.scale_to <= 0:
            raise ValueError(_("scale_to must be more than 0"))
        if self.scale_to == "total" and self.total is None:
            raise ValueError(_("scale_to: total needs the stage's total (total: ...)"))
        return self


class Part(Strict):
    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    weight: Decimal = Field(ge=0, le=1)  # weights add up to 1; weight 0: outcome only, not in the score
    fails_unit: bool = True  # a failed part makes the unit 不合格
    stages: tuple[Stage, ...] = Field(min_length=1)

    # Each object of these kinds (its websites, its accounts) scored on its own through the stages (design §5.3).
    objects: tuple[str, ...] = ()
    combine: Literal["mean", "min", "sum"] = "mean"  # the part's score from its objects' scores
    # An object that fails (vetoed, gate): fails_part = the part fails and scores 0; counts_zero = it counts 0.
    object_fail: Literal["fails_part", "counts_zero"] = "fails_part"

    @model_validator(mode="after")
    def _object_fields_need_objects(self) -> "Part":
        if not self.objects and ("combine" in self.model_fields_set or "object_fail" in self.model_fields_set):
            raise ValueError(_("combine and object_fail are for a part scored per object: give objects: [kinds] too"))
        return self
