"""Work derived from a standard (a plan, a table, a reduced ruleset) done once while that standard lives.

A run asks for such work once a unit; a Standard is immutable but not hashable cheaply (its content hash is
a property of the files), so the cache is keyed by the object's identity and checked by a weak reference:
an identity reused by a later standard never returns the earlier one's work, and an entry goes when its
standard does.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def per_standard(compute: Callable[[Any], T]) -> Callable[[Any], T]:
    """`compute(standard)`, computed once per standard object while it lives."""
    cache: dict[int, tuple[weakref.ref, T]] = {}

    @functools.wraps(compute)
    def cached(standard: Any) -> T:
        hit = cache.get(id(standard))
        if hit is not None and hit[0]() is standard:
            return hit[1]
        value = compute(standard)
        cache[id(standard)] = (weakref.ref(standard, lambda _, key=id(standard): cache.pop(key, None)), value)
        return value

    return cached
