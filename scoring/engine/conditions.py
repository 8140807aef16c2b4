"""The one small evaluator of a comparison outside the engines: a stage gate on a computed score.

A gate (低于60分判定为不合格) compares a score the tally computed after the engine ran, so it cannot
run in the engine; it runs here, on exact Decimals, and tests/test_conditions.py checks on random
(op, threshold, value) triples that it means what the same comparison in a rule means on CLIPS
and on durable_rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


def holds(op: str, threshold: Any, value: Any) -> bool:
    """Whether `value op threshold` holds: eq ne lt lte gt gte on numbers, `in` a collection, `exists`.

    Numbers compare as exact Decimals (a float is taken at its shortest repr, as YAML wrote it).
    A missing value (None) holds nothing but `exists: false` and `ne`.
    """
    if op == "exists":
        return (value is not None) == bool(threshold)
    if value is None:
        return op == "ne"
    if op == "in":
        return any(_equal(value, t) for t in _members(threshold))
    if op == "eq":
        return _equal(value, threshold)
    if op == "ne":
        return not _equal(value, threshold)
    left, right = _number(value), _number(threshold)
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    raise ValueError(f"unknown comparison {op!r} (known: {', '.join([*SYMBOLS, 'in', 'exists'])})")


def _members(threshold: Any) -> Iterable[Any]:
    if isinstance(threshold, (str, bytes)) or not isinstance(threshold, Iterable):
        raise ValueError(f"in: compares with a list of values, not {threshold!r}")
    return threshold


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"{value!r} is not a number: lt, lte, gt and gte compare numbers")
    return value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _equal(value: Any, threshold: Any) -> bool:
    numeric = (int, float, Decimal)
    if isinstance(value, bool) or isinstance(threshold, bool):
        return isinstance(value, bool) and isinstance(threshold, bool) and value == threshold
    if isinstance(value, numeric) and isinstance(threshold, numeric):
        return _number(value) == _number(threshold)
    return type(value) is type(threshold) and value == threshold
