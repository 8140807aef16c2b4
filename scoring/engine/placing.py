"""One re-scored unit placed among its group's standings in a stored run, and the members whose rank or grade moves.

Re-scoring one unit (runner.rescore_unit) changes that unit's standing only. A member's rank is 1 + the members
ranking strictly before it, so it moves only if the unit passes it one way or the other: the members whose
standing lies between the unit's old and new ones. A member's grade before the quota depends on its own score
alone; after the quota it moves only if the quota's boundary moves past it. So with the group read best first
(by stored rank) the unit is placed by bisection and only those members are looked at: a Decimal per member it
passes (a new finding: tens to a few hundred) instead of one per member of a province's largest group (5,013
townships), and no sort.

`by_ranking` places the unit by ranking the whole group again (`ranking.ranks_and_grades`, the definition);
`by_bisection` must give the same answer, which tests/test_placing.py checks on random groups. It relies on
what a run stores being a placement of the stored standings (runs are written once by `ranking.place` and never
changed), and falls back to `by_ranking` where its shortcuts do not hold: the unit not in the stored group,
grades whose minimums are not in descending order or share a code, or a group with a member (or the unit) that
has nothing scored (ranking.NO_GRADE: ranked after the rest and outside the quota's group size; rare).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal
from typing import Any, NamedTuple

from scoring.standard.schema import Criteria
from scoring.engine.ranking import NO_GRADE, Standing, grade_index, quota_allowed, ranks_and_grades


class StoredGroup(NamedTuple):
    """A ranking group's rows of a run, best first (by rank; ties in any order): parallel lists, as read."""
    units: list[str]
    ranks: list[int]
    scores: list[str]  # as stored: "95" and "95.00" are the same score
    grades: list[str]  # grade names as stored (after the quota)
    vetoes: list[int]


class Moved(NamedTuple):
    rank: int  # the unit's rank in its group now
    grade: Any  # its grade now (a criteria Grade, after the quota)
    changed: list[dict[str, Any]]  # members whose rank or grade moves, by unit code


def place_one(criteria: Criteria, group: StoredGroup, unit: str, score: Decimal, veto: bool,
              ungraded: bool = False) -> Moved:
    """The unit with its new score placed among the group's other members, and whose rank or grade that moves.
    `ungraded`: the unit has nothing scored (ranking.NO_GRADE)."""
    return (by_bisection(criteria, group, unit, score, veto, ungraded)
            or by_ranking(criteria, group, unit, score, veto, ungraded))


def by_ranking(criteria: Criteria, group: StoredGroup, unit: str, score: Decimal, veto: bool,
               ungraded: bool = False) -> Moved:
    """Every member's Decimal, the group ranked again, every member compared with its stored rank and grade.
    A member stored with no grade had nothing scored, and still has: re-scoring another unit changes no objects."""
    others = [i for i, u in enumerate(group.units) if u != unit]
    decimals = {points: Decimal(points) for points in {group.scores[i] for i in others}}  # members share scores
    standings = [Standing(group.units[i], "", decimals[group.scores[i]], bool(group.vetoes[i]),
                          group.grades[i] == NO_GRADE.name) for i in others]
    placed = ranks_and_grades(criteria, standings + [Standing(unit, "", score, veto, ungraded)])
    changed = []
    for i in others:
        rank, grade = placed[group.units[i]]
        if rank != group.ranks[i] or grade.name != group.grades[i]:
            changed.append(_change(group, i, rank, grade.name))
    return Moved(*placed[unit], sorted(changed, key=lambda c: c["unit"]))


def by_bisection(criteria: Criteria, group: StoredGroup, unit: str, score: Decimal, veto: bool,
                 ungraded: bool = False) -> Moved | None:
    """The same as by_ranking, looking only at the members between the unit's old and new standings and between
    the quota's old and new boundaries; None where those shortcuts do not hold (see the module's docstring)."""
    scale = criteria.grades
    if any(a.min < b.min for a, b in zip(scale, scale[1:])) or len({g.code for g in scale}) < len(scale):
        return None
    if ungraded or NO_GRADE.name in group.grades:
        return None
    try:
        at = group.units.index(unit)
    except ValueError:  # new to the group since the run: its size changes, and with it the quota
        return None
    others = _Others(criteria, group, at)
    new, old = (int(veto), -score), others.key_of_unit
    quota = _Quota(criteria, others, len(group.units))
    new_cut, unit_demoted = quota.demoted_from(new, grade_index(criteria, score, veto))
    old_cut, _ = quota.demoted_from(old, others.grade_of_unit)
    rank_lo, rank_hi = sorted((bisect_right(others, new), bisect_right(others, old)))
    grade_lo, grade_hi = sorted((old_cut, new_cut))
    changed = []
    for i, key, ahead in _walk(others, sorted(set(range(rank_lo, rank_hi)) | set(range(grade_lo, grade_hi)))):
        rank = ahead + 1 + (new < key)
        grade = quota.demoted if quota.holds(i) and i >= new_cut else scale[others.grade(i)]
        stored = others.stored(i)
        if rank != group.ranks[stored] or grade.name != group.grades[stored]:
            changed.append(_change(group, stored, rank, grade.name))
    grade = quota.demoted if unit_demoted else scale[grade_index(criteria, score, veto)]
    return Moved(bisect_left(others, new) + 1, grade, sorted(changed, key=lambda c: c["unit"]))


def _walk(others: _Others, ascending: list[int]):
    """(i, key, how many other members rank strictly before it) for the given members: bisected where the walk
    jumps, else carried along (a member whose key equals the one before it shares its rank)."""
    previous, previous_key, ahead = -2, None, 0
    for i in ascending:
        key = others[i]
        if i != previous + 1:
            ahead = bisect_left(others, key)
        elif key != previous_key:
            ahead = i
        yield i, key, ahead
        previous, previous_key = i, key


def _change(group: StoredGroup, i: int, rank: int, grade: str) -> dict[str, Any]:
    return {"unit": group.units[i], "rank_before": group.ranks[i], "rank": rank, "grade_before": group.grades[i],
            "grade": grade}


class _Others:
    """The group without the unit, as a sequence of ranking keys (veto, -score): ascending, best first, so bisect
    applies. Each key is made when first asked for, once per distinct stored standing."""

    def __init__(self, criteria: Criteria, group: StoredGroup, at: int):
        self.criteria, self.group, self.at = criteria, group, at
        self.size = len(group.units) - 1
        self._keys: dict[tuple[int, str], tuple[int, Decimal]] = {}  # members share scores
        self.key_of_unit = self._key(at)
        self.grade_of_unit = self._grade(at)

    def __len__(self) -> int:
        return self.size

    def stored(self, i: int) -> int:
        """The stored row of the i-th other member."""
        return i if i < self.at else i + 1

    def __getitem__(self, i: int) -> tuple[int, Decimal]:
        if not 0 <= i < self.size:
            raise IndexError(i)
        return self._key(self.stored(i))

    def grade(self, i: int) -> int:
        """The i-th other member's grade before the quota, as an index into the criteria's grades."""
        return self._grade(self.stored(i))

    def _key(self, row: int) -> tuple[int, Decimal]:
        standing = (self.group.vetoes[row], self.group.scores[row])
        found = self._keys.get(standing)
        if found is None:
            found = self._keys[standing] = (int(standing[0]), -Decimal(standing[1]))
        return found

    def _grade(self, row: int) -> int:
        veto, negated = self._key(row)
        return grade_index(self.criteria, -negated, bool(veto))


class _Quota:
    """Where the excellence quota starts demoting, among the other members, with the unit at a given standing.

    Grades before the quota never rise down the group (minimums descend, a veto takes the last), so the holders
    of the quota's grade are one run of members, [start, end), and those it demotes are the holders ranking
    strictly after the holder the quota allows last: a tail of that run."""

    def __init__(self, criteria: Criteria, others: _Others, size: int):
        self.others, self.quota = others, criteria.excellence_quota
        if self.quota is None:
            self.start = self.end = 0
            return
        self.index = next(i for i, g in enumerate(criteria.grades) if g.code == self.quota.grade)
        self.demoted = next(g for g in criteria.grades if g.code == self.quota.demote_to)
        self.allowed = quota_allowed(self.quota, size)

        def grade(key: tuple[int, Decimal]) -> int:
            return grade_index(criteria, -key[1], bool(key[0]))

        self.start, self.end = bisect_left(others, self.index, key=grade), bisect_right(others, self.index, key=grade)

    def holds(self, i: int) -> bool:
        return self.start <= i < self.end

    def demoted_from(self, key: tuple[int, Decimal], grade: int) -> tuple[int, bool]:
        """With the unit at `key` holding grade `grade` (before the quota): the first other member the quota
        demotes if it holds the quota's grade (self.end: none), and whether it demotes the unit."""
        if self.quota is None:
            return self.end, False
        holds = grade == self.index
        if self.end - self.start + holds <= self.allowed:
            return self.end, False
        if not self.allowed:
            return self.start, holds
        at = bisect_left(self.others, key)  # the unit's place among the others (ties share a rank)
        first = self.start if holds or at > self.start else self.start + 1  # the first holder's place with the unit
        last = first + self.allowed - 1  # the place of the last holder the quota allows
        boundary = self.others[last] if last < at else key if last == at else self.others[last - 1]
        return bisect_right(self.others, boundary), holds and key > boundary
