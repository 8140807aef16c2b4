"""A unit's two engine passes, as every caller fires them (a run, rectification orders at import, tests).

First pass: the unit's facts with the date-derived fields its rules compare (and the period fact
when a rule reads it). Second pass: the aggregates computed from the first pass's selections,
with whatever else the caller adds (a run: the rectification items in the register). The same
sequence on every engine backend, so what the rules see never depends on who fires them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.engine.aggregates import aggregate_facts, selections
from scoring.engine.backends import Engine
from scoring.engine.dated import with_dates
from scoring.engine.matches import Match
from scoring.standard import Standard
from scoring.standard.memo import per_standard
from scoring.store.periods import Period


def fire_passes(engine: Engine, standard: Standard, period: Period, as_of: date, code: str,
                facts: list[dict[str, Any]], later: list[dict[str, Any]] = ()) -> tuple[list[Match], list[Match]]:
    """The rules' own matches of each pass (the aggregates' selections go to the aggregates, never up)."""
    first = engine.fire(code, with_dates(standard, facts, period, as_of))
    computed = []
    if has_aggregates(standard):  # else no rule selects for an aggregate: every match is the rules' own
        first, selected = selections(first)
        computed = aggregate_facts(standard, selected, period)
    second = engine.fire(code, [*later, *computed])
    return first, second


@per_standard
def has_aggregates(standard: Standard) -> bool:
    return any(src.rule.aggregates for src in standard.rules)
