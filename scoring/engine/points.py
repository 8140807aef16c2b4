"""The tally's vocabulary: a line of points with its reason, and the score of one node of the tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One reason for points: which rule, how many points (negative = lost), which facts."""

    rule: str
    points: Decimal
    facts: tuple[str, ...]
    # deduct | score | floor | bonus | bonus_cap | veto | earn | earn_cap | pool | overflow | adjust
    kind: str
    note: str = ""


@dataclass
class IndicatorScore:
    code: str
    max: Decimal
    applicable: bool
    score: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    not_applicable_by: str = ""  # "type", or the rule that took the indicator out
    children: tuple[str, ...] = ()  # a group's child node codes (the tree of indicators)
