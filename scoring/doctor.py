"""Health checks of a workspace (`scoring doctor`): is every score still reproducible and every link intact?"""

from __future__ import annotations

from scoring.store import Store

# (what is wrong, SQL that returns one row per problem with a `what` column)
ORPHAN_CHECKS: tuple[tuple[str, str], ...] = (
    ("finding of an unknown unit", "select id as what from findings where unit not in (select code from units)"),
    ("finding in an unknown period", "select id as what from findings where period not in (select code from periods)"),
    ("self-assessment of an unknown unit",
     "select unit || '/' || period || '/' || indicator as what from self_assessments where unit not in (select code from units)"),
    ("survey answer of an unknown unit",
     "select distinct unit || '/' || period as what from survey_answers where unit not in (select code from units)"),
    ("metric of an unknown unit", "select distinct unit || '/' || metric as what from metrics where unit not in (select code from units)"),
    ("rectification item whose finding is gone",
     "select id as what from rectifications where finding not in (select id from findings)"),
    ("rectification history of an unknown item",
     "select distinct item as what from rectification_history where item not in (select id from rectifications)"),
    ("run whose standard texts are missing",
     "select 'run ' || id as what from runs where standard_hash not in (select hash from standards)"),
    ("run without scorecards", "select 'run ' || id as what from runs where id not in (select run from run_units)"),
)


def diagnose(store: Store) -> list[str]:
    """One line per problem; an empty list means healthy."""
    problems = [f"integrity: {row[0]}" for row in store.execute("pragma integrity_check") if row[0] != "ok"]
    for what, sql in ORPHAN_CHECKS:
        problems += [f"{what}: {row['what']}" for row in store.query(sql)]
    return problems
