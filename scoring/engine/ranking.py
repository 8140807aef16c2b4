"""Grades, the excellence quota, competition ranks within groups, and the performance feed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter
from typing import Any, NamedTuple, Sequence

from scoring.standard.schema import NO_GRADE_CODE, Criteria, ExcellenceQuota, Grade
from scoring.engine.tally import round2


class Standing(NamedTuple):  # a tuple, not a frozen dataclass: a province's group is thousands of them
    unit: str
    group: str
    score: Decimal  # the final score as rounded: what everyone sees
    veto: bool
    ungraded: bool = False  # nothing scored (NO_GRADE): ranked after every scored unit, outside the quota


@dataclass(frozen=True)
class Placement:
    rank: int
    grade_code: str
    grade: str
    feed: Decimal


# No grade: a unit with nothing scored (no object of any part's kinds: scoring.engine.objects) is graded neither
# 合格 nor 不合格 and earns no feed points. Its 0 is no score: it ranks after every scored unit of its group (vetoed
# ones too) and does not count in the group's size for the excellence quota. Not one of the standard's grades.
NO_GRADE = Grade.model_construct(code=NO_GRADE_CODE, name="数据不全", name_en="data incomplete", min=Decimal(0))


NO_FEED = Decimal("0.00")  # the feed points of a unit with nothing scored


def ungraded_placement(placement: Placement) -> Placement:
    return Placement(placement.rank, NO_GRADE.code, NO_GRADE.name, NO_FEED)


def competition_ranks(scores: Sequence[Decimal]) -> list[int]:
    """Ranks for scores sorted best first: equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def grade_index(criteria: Criteria, score: Decimal, veto: bool) -> int:
    """The unit's grade before the quota, as an index into the grades: the first whose minimum the score
    reaches, the last for a veto or a score below every minimum."""
    last = len(criteria.grades) - 1
    if veto:
        return last
    return next((i for i, g in enumerate(criteria.grades) if score >= g.min), last)


def _grade_for(criteria: Criteria, score: Decimal, veto: bool):
    return criteria.grades[grade_index(criteria, score, veto)]


def feed_points(criteria: Criteria, score: Decimal, veto: bool) -> Decimal:
    if veto:
        return Decimal("0.00")
    return round2(criteria.feed.points * min(score, criteria.feed.score_cap) / criteria.feed.score_cap)


def place(criteria: Criteria, standings: Sequence[Standing]) -> dict[str, Placement]:
    """Rank every group separately: units without a veto by score, then vetoed units by score, then the
    ungraded units (nothing scored), which take NO_GRADE and no feed points."""
    by_unit = {s.unit: s for s in standings}
    placed = {}
    for unit, (rank, grade) in ranks_and_grades(criteria, standings).items():
        s = by_unit[unit]
        feed = NO_FEED if s.ungraded else feed_points(criteria, s.score, s.veto)
        placed[unit] = Placement(rank, grade.code, grade.name, feed)
    return placed


def ranks_and_grades(criteria: Criteria, standings: Sequence[Standing]) -> dict[str, tuple[int, Any]]:
    """Each unit's rank in its group and its grade (after the excellence quota): a placement without the feed
    points, which re-scoring one unit needs only for that unit (a province's group is thousands of units)."""
    out: dict[str, tuple[int, Any]] = {}
    groups: dict[str, list[Standing]] = {}
    for s in standings:
        groups.setdefault(s.group, []).append(s)
    for members in groups.values():
        ordered = best_first(members)
        ranks = _ranks(ordered)
        grades = _grades(criteria, ordered)
        _apply_quota(criteria, ranks, grades)
        out.update(zip([s.unit for s in ordered], zip(ranks, grades)))
    return out


def best_first(members: Sequence[Standing]) -> list[Standing]:
    """Units without a veto by score, best first, then vetoed units by score, then ungraded units by score; equal
    scores by unit code. Stable sorts on plain attributes: a key negating each Decimal costs more than the sorts."""
    ordered = sorted(members, key=attrgetter("unit"))
    ordered.sort(key=attrgetter("score"), reverse=True)  # reverse keeps equal scores in unit order
    ordered.sort(key=attrgetter("veto"))
    ordered.sort(key=attrgetter("ungraded"))
    return ordered


def _ranks(ordered: list[Standing]) -> list[int]:
    """Competition ranks over units sorted by best_first: vetoed units rank after every unit without a veto, and
    ungraded units after both, all sharing one rank (none has a score to stand before another)."""
    ranks: list[int] = []
    previous: tuple | None = None
    for i, s in enumerate(ordered):
        key = _UNGRADED if s.ungraded else (s.veto, s.score)
        ranks.append(ranks[-1] if key == previous else i + 1)
        previous = key
    return ranks


_UNGRADED = (True, True, None)  # no (veto, score) equals it


def _grades(criteria: Criteria, ordered: list[Standing]) -> list[Any]:
    """Each unit's grade before the quota (the first grade whose minimum the score reaches, the last for a veto).
    Members come best first, so where the grades' minimums descend a pointer walks down them once."""
    scale = criteria.grades
    if any(a.min < b.min for a, b in zip(scale, scale[1:])):  # minimums out of order: look each score up
        return [NO_GRADE if s.ungraded else _grade_for(criteria, s.score, s.veto) for s in ordered]
    grades: list[Any] = []
    at = 0
    for s in ordered:
        if s.ungraded:
            grades.append(NO_GRADE)
            continue
        if s.veto:
            grades.append(scale[-1])
            continue
        while at < len(scale) and s.score < scale[at].min:
            at += 1
        grades.append(scale[at] if at < len(scale) else scale[-1])
    return grades


def quota_allowed(quota: ExcellenceQuota, size: int) -> int:
    """How many of a group of `size` units may keep the quota's grade: share × size rounded down, at least minimum."""
    return max(quota.minimum, int((quota.share * size).to_integral_value(rounding=ROUND_FLOOR)))


def _apply_quota(criteria: Criteria, ranks: list[int], grades: list[Any]) -> None:
    """At most share × group size (rounded down, at least minimum) keep the top grade; ties at the boundary keep it.
    The group's size counts its graded units: one with nothing scored widens nobody's quota."""
    quota = criteria.excellence_quota
    if quota is None:
        return
    allowed = quota_allowed(quota, sum(g is not NO_GRADE for g in grades))
    holders = [i for i, g in enumerate(grades) if g.code == quota.grade]
    if len(holders) <= allowed:
        return
    boundary_rank = ranks[holders[allowed - 1]] if allowed else 0
    demoted = next(g for g in criteria.grades if g.code == quota.demote_to)
    for i in holders:
        if ranks[i] > boundary_rank:
            grades[i] = demoted
