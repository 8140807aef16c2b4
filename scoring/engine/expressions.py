"""The few value expressions a rule may compute (ratio, product, table lookup), in exact Decimal."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from scoring.standard.schema import Expr, Lookup, Product, Ratio, Scale

PRECISION = 50


class ExpressionError(ValueError):
    pass


def exact(value: Any) -> Decimal:
    """A number from a fact as an exact Decimal (floats go through their shortest repr, as SQLite stored them)."""
    if isinstance(value, bool) or value is None:
        raise ExpressionError(f"{value!r} is not a number")
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
            raise ExpressionError("ratio divides by zero")
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
        raise ExpressionError(f"table {expr.lookup} has no entry for {key!r}")
    raise ExpressionError(f"cannot evaluate {expr!r}")


def resolve(ref: str, facts: dict[str, dict[str, Any]]) -> Any:
    alias, field = ref.split(".", 1)
    value = facts[alias].get(field)
    if value is None:
        raise ExpressionError(f"{ref} is missing")
    return value


def apply_scale(scale: Scale, value: Decimal, maximum: Decimal) -> Decimal:
    if scale.kind == "proportional":
        return maximum * min(Decimal(1), max(Decimal(0), value))
    for band in scale.bands:
        if value >= band.min:
            return band.points
    return Decimal(0)
