"""The indicator tree of criteria.yml: nodes at any depth, maxima and limits by unit type (A类/B类)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Iterator, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from scoring.i18n import _
from scoring.standard.strict import CODE, Strict

def _amount_kind(value: Any) -> str:
    return "~by_type" if isinstance(value, dict) else "~number"


# An amount, or amounts by unit type (A类/B类): {A: 10, B: 8}; the key `all` stands for every type not
# named, and a type with no entry (and no `all`) is not applicable. Only the branch the value's shape
# chooses is validated, so a wrong number reads as before ("max: Input should be greater than 0"); the
# loader leaves the "~" tags out of locations.
ByType = dict[str, Annotated[Decimal, Field(ge=0)]]
PositivePoints = Annotated[Decimal, Field(gt=0)]
PositiveAmount = Annotated[Union[Annotated[PositivePoints, Tag("~number")], Annotated[ByType, Tag("~by_type")]],
                           Discriminator(_amount_kind)]
MaxAmount = Annotated[Union[Annotated[Annotated[Decimal, Field(ge=0)], Tag("~number")],
                            Annotated[ByType, Tag("~by_type")]], Discriminator(_amount_kind)]
ALL_TYPES = "all"
TOTAL = "total"  # a deduction's target: the unit's final score (重大扣分项, 通报批评每次扣3分)
METHODS = ("deduct", "ratio", "quota", "earn", "judged", "veto")


def for_type(value: Decimal | dict[str, Decimal] | None, unit_type: str) -> Decimal | None:
    """A plain amount, or a ByType amount for one unit type (None: the type has no entry)."""
    if not isinstance(value, dict):
        return value
    return value.get(unit_type, value.get(ALL_TYPES))


class Indicator(Strict):
    """A node of the indicator tree: a leaf scored by its method, or a group of `indicators`."""

    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    max: MaxAmount
    method: Literal["deduct", "ratio", "quota", "earn", "judged", "veto"] | None = None
    types: tuple[str, ...] | None = None
    # The most all deductions together take off (未按要求扣2分: one limit for several rules; 一级指标减分上限为
    # 自身权重分值: a group's pool); default: its max.
    limit: PositiveAmount | None = None
    # What a loss beyond the limit does: `floor` (扣完为止) or `parent` (二三级指标减分上限可突破自身权重分值:
    # the excess is taken from the parent node, up to the parent's own limit).
    overflow: Literal["floor", "parent"] = "floor"
    indicators: tuple["Indicator", ...] = ()

    @model_validator(mode="after")
    def _leaf_or_group(self) -> "Indicator":
        if self.indicators and self.method is not None:
            raise ValueError(_("indicator {code}: a group of indicators takes no method (its children are scored)",
                               code=self.code))
        if not self.indicators and self.method is None:
            raise ValueError(_("indicator {code}: method: a leaf indicator needs a method ({methods})",
                               code=self.code, methods=", ".join(METHODS)))
        scalar = not isinstance(self.max, dict)
        if scalar and self.max == 0 and self.method != "veto":
            raise ValueError(_("indicator {code}: max: must be greater than 0 (only a veto node has max 0)",
                               code=self.code))
        if not scalar and self.types is not None:
            raise ValueError(_("indicator {code}: give either types or a max by type, not both", code=self.code))
        return self

    def max_for(self, unit_type: str) -> Decimal | None:
        """The node's max for a unit type; None when the node does not apply to it."""
        if self.types is not None and unit_type not in self.types:
            return None
        return for_type(self.max, unit_type)

    def walk(self) -> Iterator["Indicator"]:
        """This node and every node below it, parents before children."""
        yield self
        for child in self.indicators:
            yield from child.walk()


class Dimension(Strict):
    code: str = Field(pattern=CODE)
    name: str
    name_en: str
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    limit: PositiveAmount | None = None  # the most the dimension can lose (一级指标减分上限)
    overflow: Literal["floor", "parent"] = "floor"

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.indicators), Decimal(0))

    def max_for(self, unit_type: str) -> Decimal:
        return sum((m for i in self.indicators if (m := i.max_for(unit_type)) is not None), Decimal(0))


Indicator.model_rebuild()
