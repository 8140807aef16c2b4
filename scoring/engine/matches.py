"""What every engine backend hands up: the matches of a unit's facts, and which fields the rules compare.

Everything above the engine (tally, rectification orders, documents) reads only these, so it
never knows which backend ran.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from scoring.standard import Standard
from scoring.standard.schema import Op


class Match(NamedTuple):
    """One firing: a rule and the facts it matched, by alias (a tuple: a unit makes hundreds)."""

    rule: str
    facts: dict[str, dict[str, Any]]


def engine_fields(standard: Standard) -> dict[str, frozenset[str]]:
    """Per fact kind, the fields some rule compares (or joins on): all the engine needs to see."""
    fields: dict[str, set[str]] = {}
    for src in standard.rules:
        patterns = {**src.rule.when, **src.rule.unless}
        kinds = {alias: pattern.fact for alias, pattern in patterns.items()}
        for pattern in patterns.values():
            for name, cond in pattern.all_conditions():
                fields.setdefault(pattern.fact, set()).add(name)
                if isinstance(cond, Op) and cond.operator[0] == "same":
                    other, field = cond.operator[1].split(".", 1)
                    fields.setdefault(kinds.get(other, ""), set()).add(field)
    return {kind: frozenset(names) for kind, names in fields.items()}
