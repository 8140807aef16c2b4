"""The few value expressions a rule may compute (ratio, product, table lookup), in exact Decimal."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from scoring.engine import notes
from scoring.engine.notes import note
from scoring.i18n import _
from scoring.standard.schema import Expr, Lookup, Product, Ratio, Scale

PRECISION = 50


class ExpressionError(ValueError):
    pass


def exact(value: Any) -> Decimal:
    """A number from a fact as an exact Decimal (floats go through their shortest repr, as SQLite stored them)."""
    if isinstance(value, bool) or value is None:
        raise ExpressionError(_("{value!r} is not a number", value=value))
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def evaluate(expr: Expr, facts: dict[str, dict[str, Any]], tables: dict[str, dict[str, Decimal]]) -> Any:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _eval(expr, facts, tables)


def _eval(expr: Expr, facts: dict[str, dict[str, Any]], tables: dict[str, dict[str, Decimal]]) -> Any:
    if isinstance(expr, Decimal):
        return expr
    if isinstance(expr, str):
        return resolve(expr, facts)
    if isinstance(expr, Ratio):
        numerator, denominator = (exact(_eval(part, facts, tables)) for part in expr.ratio)
        if denominator == 0:
            raise ExpressionError(_("ratio divides by zero: its second value is 0"))
        return numerator / denominator
    if isinstance(expr, Product):
        result = Decimal(1)
        for part in expr.product:
            result *= exact(_eval(part, facts, tables))
        return result
    if isinstance(expr, Lookup):
        key = str(_eval(expr.key, facts, tables))
        table = tables[expr.lookup]
        if key in table:
            return table[key]
        if "all" in table:
            return table["all"]
        raise ExpressionError(_("table {table} has no entry for {value!r} (and no all entry)", table=expr.lookup,
                                value=key))
    raise ExpressionError(_("cannot evaluate {value!r}", value=expr))


def resolve(ref: str, facts: dict[str, dict[str, Any]]) -> Any:
    alias, field = ref.split(".", 1)
    value = facts[alias].get(field)
    if value is None:
        raise ExpressionError(_("{value} is missing", value=ref))
    return value


def apply_scale(scale: Scale, value: Decimal, maximum: Decimal) -> Decimal:
    """Points for a value on a scale (before the node's max caps them; a `points` scale is clamped to [0, max])."""
    if scale.kind == "proportional":
        return maximum * min(Decimal(1), max(Decimal(0), value))
    if scale.kind == "points":  # judged points: the value is the points (out of range: see out_of_range)
        return min(maximum, max(Decimal(0), value))
    for i, band in enumerate(scale.bands):
        if value > band.min if scale.strict else value >= band.min:
            if i == 0 and scale.beyond is not None:
                return band.points + scale.beyond.points * _steps_beyond(scale, value - band.min)
            return band.points
    return Decimal(0)


def _steps_beyond(scale: Scale, excess: Decimal) -> int:
    """Whole steps exceeded above the highest band (每超过20%加1分), by exact integer division, never a loop.

    Strict (超过): a step counts once it is exceeded, so the first step above the band's min gives
    nothing more: k = ceil(excess / step) - 1. Reached (达到): k = floor(excess / step)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        step = scale.beyond.step
        whole, rest = divmod(excess, step)
        if scale.strict:
            return max(0, int(whole) + (1 if rest else 0) - 1)
        return max(0, int(whole))


def out_of_range(scale: Scale, value: Decimal, maximum: Decimal) -> str:
    """For a `points` scale, the note explaining a value outside [0, max] (clamped); else empty."""
    if scale.kind != "points" or Decimal(0) <= value <= maximum:
        return ""
    used = min(maximum, max(Decimal(0), value))
    return note(notes.JUDGED_OUT_OF_RANGE, value=_plain(value), max=_plain(maximum), used=_plain(used))


def _plain(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")
