"""A unit's two engine passes, as every caller fires them (a run, rectification orders at import, tests).

First pass: the unit's facts with the date-derived fields its rules compare (and the period fact
when a rule reads it). Second pass: the aggregates computed from the first pass's selections,
with whatever else the caller adds (a run: the rectification items in the register). The same
sequence on every engine backend, so what the rules see never depends on who fires them.

A standard without aggregates has nothing to compute between the passes, and then both go to the
engine as one batch wherever that finds the same matches: the facts are never retracted, so every
rule without `unless` matches the same facts whether they came in one batch or two, and an `unless`
on a kind of the first pass only sees the same facts either way. Only an `unless` on a kind of the
later facts tells the batches apart (a match made before such a fact arrived stands): those units
keep two batches. One batch is one assertion and one drain a unit fewer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.engine.aggregates import aggregate_facts, selections
from scoring.engine.backends import Engine
from scoring.engine.dated import with_dates
from scoring.engine.matches import Match, engine_rules
from scoring.standard import Standard
from scoring.standard.memo import per_standard
from scoring.store.periods import Period


def fire_passes(engine: Engine, standard: Standard, period: Period, as_of: date, code: str,
                facts: list[dict[str, Any]], later: list[dict[str, Any]] = ()) -> tuple[list[Match], list[Match]]:
    """The rules' own matches of each pass (the aggregates' selections go to the aggregates, never up).

    Fired as one batch (see the module's doc), the second pass's matches are the first's: ([all], [])."""
    dated = with_dates(standard, facts, period, as_of)
    if not has_aggregates(standard) and not _absence_seen(standard, later):
        return engine.fire(code, [*dated, *later]), []
    first = engine.fire(code, dated)
    computed = []
    if has_aggregates(standard):  # else no rule selects for an aggregate: every match is the rules' own
        first, selected = selections(first)
        computed = aggregate_facts(standard, selected, period)
    second = engine.fire(code, [*later, *computed])
    return first, second


@per_standard
def has_aggregates(standard: Standard) -> bool:
    return any(src.rule.aggregates for src in standard.rules)


@per_standard
def _unless_kinds(standard: Standard) -> frozenset[str]:
    """Every fact kind an `unless` pattern names."""
    return frozenset(pattern.fact for rule in engine_rules(standard) for pattern in rule.unless.values())


def _absence_seen(standard: Standard, later: list[dict[str, Any]]) -> bool:
    """Whether some `unless` names the kind of a later fact (then the batches stay apart)."""
    kinds = _unless_kinds(standard)
    return bool(kinds) and any(fact.get("fact") in kinds for fact in later)
