"""Re-scoring one unit places it by bisection (scoring.engine.placing): the same rank, grade and moved members as
ranking its whole group again, for random groups of a stored run under grade scales and quotas of every kind."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine.placing import StoredGroup, by_bisection, by_ranking, place_one
from scoring.engine.ranking import NO_GRADE, Standing, ranks_and_grades
from scoring.standard import load_default
from scoring.standard.schema import ExcellenceQuota, Grade

CRITERIA = load_default().criteria
SCORES = ["100", "99", "95", "95.00", "92.5", "90", "90.00", "89.99", "85", "80", "79.99", "70", "60", "59.99", "30", "0"]
GRADES = [Grade(code=c, name=n, name_en=c, min=D(m)) for c, n, m in
          (("a", "甲", "90"), ("b", "乙", "80"), ("c", "丙", "60"), ("d", "丁", "0"))]


def scales():
    """Grade scales with or without a quota on any grade (the last one too, which vetoed units hold), or none."""
    quota = st.builds(lambda g, to, share, minimum: ExcellenceQuota(grade=g, demote_to=to, share=D(share),
                                                                      minimum=minimum),
                      st.sampled_from("abcd"), st.sampled_from("abcd"), st.sampled_from(["0.01", "0.2", "0.5", "1"]),
                      st.integers(0, 3))
    sizes = st.sampled_from([GRADES, GRADES[:2] + GRADES[3:], [GRADES[0], GRADES[3]], GRADES[3:]])
    return st.builds(lambda grades, q: CRITERIA.model_copy(update={
        "grades": tuple(grades), "excellence_quota": q if q and {q.grade, q.demote_to} <= {g.code for g in grades}
        else None}), sizes, st.none() | quota)


def stored(criteria, members: list[tuple[str, str, bool]], seed: int) -> StoredGroup:
    """The group as a run stores it (ranks and grades by ranking.place), read best first by rank with ties in
    any order (the index read does not promise one)."""
    placed = ranks_and_grades(criteria, [Standing(u, "g", D(s), v) for u, s, v in members])
    rows = [(u, placed[u][0], s, placed[u][1].name, int(v)) for u, s, v in members]
    random.Random(seed).shuffle(rows)
    rows.sort(key=lambda r: r[1])
    return StoredGroup(*(list(column) for column in zip(*rows)))


MEMBERS = st.lists(st.tuples(st.sampled_from(SCORES), st.booleans()), min_size=1, max_size=25)


@settings(max_examples=200, deadline=None, database=None)
@given(criteria=scales(), members=MEMBERS, which=st.integers(0, 30), score=st.sampled_from(SCORES),
       veto=st.booleans(), seed=st.integers(0, 3))
def test_placing_one_unit_by_bisection_is_ranking_the_group_again(criteria, members, which, score, veto, seed):
    group = stored(criteria, [(f"U{i:02d}", s, v) for i, (s, v) in enumerate(members)], seed)
    unit = f"U{which:02d}"  # beyond the members: a unit new to the group
    full = by_ranking(criteria, group, unit, D(score), veto)
    assert place_one(criteria, group, unit, D(score), veto) == full
    fast = by_bisection(criteria, group, unit, D(score), veto)
    assert fast is None or fast == full
    if which < len(members):  # every scale here descends: only a unit new to the group is ranked again
        assert fast is not None


SCALES = [CRITERIA.model_copy(update={"grades": tuple(grades), "excellence_quota": quota})
          for grades in (GRADES, GRADES[:2] + GRADES[3:], GRADES[1:])
          for quota in [None] + [ExcellenceQuota(grade=g.code, demote_to=to.code, share=D(share), minimum=minimum)
                                 for g in grades for to in grades for share in ("0.1", "0.3", "0.6")
                                 for minimum in (0, 1, 2)]]


@pytest.mark.parametrize("seed", range(2))
def test_placing_by_bisection_on_many_random_groups(seed):
    """The same, 2,000 groups a seed: a quota on a middle grade, where a unit rising past it (or dropping into
    it) changes how many hold the grade without passing the members it demotes, needs many draws to be hit."""
    rnd = random.Random(seed)
    for _ in range(2000):
        criteria = rnd.choice(SCALES)
        members = [(f"U{i:02d}", rnd.choice(SCORES), rnd.random() < 0.15) for i in range(rnd.randint(1, 30))]
        group = stored(criteria, members, rnd.randrange(4))
        unit, score, veto = rnd.choice(members)[0], D(rnd.choice(SCORES)), rnd.random() < 0.15
        assert by_bisection(criteria, group, unit, score, veto) == by_ranking(criteria, group, unit, score, veto)


def test_a_unit_falling_below_the_quota_boundary_gives_the_excellent_grade_to_the_next():
    """Five units: the quota (a fifth, at least one) lets one keep 优秀; the best one falls to 85."""
    group = stored(CRITERIA, [("A", "99", False), ("B", "95", False), ("C", "93", False), ("D", "70", False),
                              ("E", "60", False)], 0)
    moved = place_one(CRITERIA, group, "A", D("85"), False)
    assert (moved.rank, moved.grade.name) == (3, "良好")
    assert moved.changed == [
        {"unit": "B", "rank_before": 2, "rank": 1, "grade_before": "良好", "grade": "优秀"},
        {"unit": "C", "rank_before": 3, "rank": 2, "grade_before": "良好", "grade": "良好"}]


def test_grades_out_of_order_or_a_unit_new_to_its_group_are_ranked_again():
    shuffled = CRITERIA.model_copy(update={"grades": (GRADES[1], GRADES[0], GRADES[2], GRADES[3])})
    group = stored(shuffled, [("A", "99", False), ("B", "85", False)], 0)
    assert by_bisection(shuffled, group, "A", D("50"), False) is None
    assert place_one(shuffled, group, "A", D("50"), False) == by_ranking(shuffled, group, "A", D("50"), False)
    group = stored(CRITERIA, [("A", "99", False), ("B", "85", False)], 0)
    assert by_bisection(CRITERIA, group, "NEW", D("90"), False) is None
    assert place_one(CRITERIA, group, "NEW", D("90"), False).rank == 2


@pytest.mark.parametrize("place", [by_ranking, place_one], ids=["by_ranking", "place_one"])
def test_a_member_with_nothing_scored_stays_last_with_no_grade_whoever_is_re_scored(place):
    # D3 has no object of any part's kinds: stored 数据不全, ranked after the scored members. Re-scoring D1 down
    # to 0 puts it behind D2 but still before D3, whose 0 is no score; D3 moves neither rank nor grade.
    criteria = CRITERIA.model_copy(update={"grades": tuple(GRADES), "excellence_quota": None})
    group = StoredGroup(["D1", "D2", "D3"], [1, 2, 3], ["95", "80", "0"], ["甲", "乙", NO_GRADE.name], [0, 0, 0])
    moved = place(criteria, group, "D1", D("0"), False)
    assert (moved.rank, moved.grade.name) == (2, "丁")
    assert [(c["unit"], c["rank"], c["grade_before"], c["grade"]) for c in moved.changed] == [("D2", 1, "乙", "乙")]
    assert place(criteria, group, "D2", D("50"), False).changed == []
    assert by_bisection(criteria, group, "D2", D("50"), False) is None  # ranked again: the shortcut assumes none


def test_a_unit_re_scored_with_nothing_scored_goes_behind_every_scored_member_even_vetoed_ones():
    criteria = CRITERIA.model_copy(update={"grades": tuple(GRADES), "excellence_quota": None})
    group = stored(criteria, [("A", "95", False), ("B", "80", False), ("C", "70", True)], 0)
    moved = place_one(criteria, group, "A", D("0"), False, ungraded=True)
    assert (moved.rank, moved.grade) == (3, NO_GRADE)
    assert [(c["unit"], c["rank_before"], c["rank"]) for c in moved.changed] == [("B", 2, 1), ("C", 3, 2)]
