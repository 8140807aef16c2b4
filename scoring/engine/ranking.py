"""Grades, the excellence quota, competition ranks within groups, and the performance feed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, NamedTuple, Sequence

from scoring.standard.schema import Criteria
from scoring.engine.tally import round2


class Standing(NamedTuple):  # a tuple, not a frozen dataclass: a province's group is thousands of them
    unit: str
    group: str
    score: Decimal  # the final score as rounded: what everyone sees
    veto: bool


@dataclass(frozen=True)
class Placement:
    rank: int
    grade_code: str
    grade: str
    feed: Decimal


def competition_ranks(scores: Sequence[Decimal]) -> list[int]:
    """Ranks for scores sorted best first: equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def _grade_for(criteria: Criteria, score: Decimal, veto: bool):
    if veto:
        return criteria.grades[-1]
    return next((g for g in criteria.grades if score >= g.min), criteria.grades[-1])


def feed_points(criteria: Criteria, score: Decimal, veto: bool) -> Decimal:
    if veto:
        return Decimal("0.00")
    return round2(criteria.feed.points * min(score, criteria.feed.score_cap) / criteria.feed.score_cap)


def place(criteria: Criteria, standings: Sequence[Standing]) -> dict[str, Placement]:
    """Rank every group separately: units without a veto by score, then vetoed units by score."""
    by_unit = {s.unit: s for s in standings}
    return {unit: Placement(rank, g.code, g.name, feed_points(criteria, by_unit[unit].score, by_unit[unit].veto))
            for unit, (rank, g) in ranks_and_grades(criteria, standings).items()}


def ranks_and_grades(criteria: Criteria, standings: Sequence[Standing]) -> dict[str, tuple[int, Any]]:
    """Each unit's rank in its group and its grade (after the excellence quota): a placement without the feed
    points, which re-scoring one unit needs only for that unit (a province's group is thousands of units)."""
    out: dict[str, tuple[int, Any]] = {}
    groups: dict[str, list[Standing]] = {}
    for s in standings:
        groups.setdefault(s.group, []).append(s)
    for members in groups.values():
        ordered = sorted(members, key=lambda s: (s.veto, -s.score, s.unit))
        clean = [s for s in ordered if not s.veto]
        vetoed = [s for s in ordered if s.veto]
        ranks = competition_ranks([s.score for s in clean])
        ranks += [len(clean) + r for r in competition_ranks([s.score for s in vetoed])]
        by_score: dict[tuple[Decimal, bool], Any] = {}  # members share scores: each grade looked up once
        grades = {s.unit: by_score.get((s.score, s.veto)) or by_score.setdefault(
            (s.score, s.veto), _grade_for(criteria, s.score, s.veto)) for s in ordered}
        _apply_quota(criteria, ordered, ranks, grades)
        for s, rank in zip(ordered, ranks):
            out[s.unit] = (rank, grades[s.unit])
    return out


def _apply_quota(criteria: Criteria, ordered: list[Standing], ranks: list[int], grades: dict) -> None:
    """At most share × group size (rounded down, at least minimum) keep the top grade; ties at the boundary keep it."""
    quota = criteria.excellence_quota
    if quota is None:
        return
    allowed = max(quota.minimum, int((quota.share * len(ordered)).to_integral_value(rounding=ROUND_FLOOR)))
    holders = [(s, r) for s, r in zip(ordered, ranks) if grades[s.unit].code == quota.grade]
    if len(holders) <= allowed:
        return
    boundary_rank = holders[allowed - 1][1] if allowed else 0
    demoted = next(g for g in criteria.grades if g.code == quota.demote_to)
    for s, rank in holders:
        if rank > boundary_rank:
            grades[s.unit] = demoted
