"""The unit of every explanation: one line of points with its rule, facts and note, and the one rounding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One reason for points: which rule, how many points (negative = lost), which facts."""

    rule: str
    points: Decimal
    facts: tuple[str, ...]
    kind: str  # deduct | score | floor | bonus | bonus_cap | veto (| the stage and part kinds of engine.parts)
    note: str = ""
