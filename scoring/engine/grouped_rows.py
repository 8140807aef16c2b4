"""A run's rows stored a ranking group at a time, as soon as the last unit of the group is scored.

Placement (rank, grade, feed points) needs every unit of a ranking group, so a group's rows wait for its
last unit. A run hands its units out a group at a time, the largest group first (`by_group`): each group
but the last is then placed and stored while the workers score the next ones, and after the last chunk
only the smallest group is left to store (of a province's 10,000 units, 484 district governments), instead
of every unit's row and its ≈6 KB document (≈0.3 s of the only busy core, both workers idle). Groups are
ranked separately (ranking.place), so placing one group alone places it as placing every unit would.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from scoring.engine.chunks import Scored, placement_members
from scoring.engine.facts import CHUNK
from scoring.engine.ranking import Standing, place
from scoring.standard import Standard
from scoring.store import Store

# A unit's ranking group as facts.build_facts reads it (its "group"): what every Scored of a fresh unit carries.
UNIT_GROUPS = "select code, coalesce(ranking_group, type) from units order by code"


def by_group(todo: list[str], group_of: dict[str, str], kept: dict[str, Scored]) -> list[str]:
    """The units to score, a ranking group after another, the largest group (with its reused units) first;
    in code order within a group."""
    sizes = group_sizes(todo, group_of, kept)
    order = {group: i for i, group in enumerate(sorted(sizes, key=lambda g: (-sizes[g], g)))}
    return sorted(todo, key=lambda code: (order[group_of[code]], code))


def group_sizes(todo: list[str], group_of: dict[str, str], kept: dict[str, Scored]) -> Counter[str]:
    """Each ranking group's units: those to score by the group the units table gives them, the reused ones by
    the group they were placed in (what placement groups them by: their Scored.group)."""
    return Counter(group_of[code] for code in todo) + Counter(s.group for s in kept.values())


class GroupRows:
    """Takes a run's units as they are scored (or reused) and stores each ranking group's rows (run_units,
    run_groups) once its last unit is in, in the caller's transaction."""

    def __init__(self, store: Store, standard: Standard, run_id: int, sizes: Counter[str], group_of: dict[str, str]):
        self.store, self.standard, self.run_id = store, standard, run_id
        self.waiting = dict(sizes)  # group -> its units not in yet
        self.group_of = group_of  # of the units to score: their Scored must say the same (checked)
        self.members: dict[str, list[Scored]] = {group: [] for group in sizes}
        self.reused = 0  # units whose result was reused, not scored afresh

    def add(self, units: Iterable[Scored], fresh: bool = True) -> None:
        for s in units:
            if fresh and s.group != self.group_of.get(s.unit):
                # Never expected: a group stored without this unit would be ranked wrongly.
                raise AssertionError(f"unit {s.unit} was scored in group {s.group!r}, "
                                     f"expected in {self.group_of.get(s.unit)!r}")
            self.members[s.group].append(s)
            self.reused += s.reused
            self.waiting[s.group] -= 1
            if not self.waiting[s.group]:
                self._store(self.members.pop(s.group))

    def finish(self) -> None:
        """Every group stored: fail rather than commit a run missing some unit's row."""
        if self.members:
            raise AssertionError(f"groups never completed: {sorted(self.members)}")

    def _store(self, scored: list[Scored]) -> None:
        """Place the group's units, then store each packed document beside its placement, a chunk at a time,
        and the group's standings in one row (what re-scoring one unit reads: scoring.store.standings)."""
        scored.sort(key=lambda s: s.unit)
        placements = place(self.standard.criteria,
                           [Standing(s.unit, s.group, s.final, s.veto, s.ungraded) for s in scored])
        for start in range(0, len(scored), CHUNK):
            self.store.save_run_units([{"run": self.run_id, "unit": s.unit, "ranking_group": s.group,
                                        "score": s.score, "veto": int(s.veto), **placement_members(placements[s.unit]),
                                        "document": s.packed, "fingerprint": s.fingerprint, "document_run": s.origin}
                                       for s in scored[start:start + CHUNK]])
        self.store.save_run_groups(self.run_id, ((s.group, s.unit, placements[s.unit].rank, s.score,
                                                  placements[s.unit].grade, int(s.veto)) for s in scored))
