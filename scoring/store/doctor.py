"""Health checks of a workspace (`scoring doctor`): is every score still reproducible and every link intact?

Only reads, in one snapshot, so it can run while others import and score.
"""

from __future__ import annotations

import hashlib
import json

from scoring.store import Store
from scoring.store.private import exposed
from scoring.i18n import N_, _

# Where the web app kept its session key before it moved to DB.key (the app deletes it on start).
OLD_KEY_SETTING = "web_secret_key"

# (what is wrong, SQL that returns one row per problem with a `what` column)
ORPHAN_CHECKS: tuple[tuple[str, str], ...] = (
    (N_("finding of an unknown unit"), "select id as what from findings where unit not in (select code from units)"),
    (N_("finding in an unknown period"), "select id as what from findings where period not in (select code from periods)"),
    (N_("self-assessment of an unknown unit"),
     "select unit || '/' || period || '/' || indicator as what from self_assessments where unit not in (select code from units)"),
    (N_("survey answer of an unknown unit"),
     "select distinct unit || '/' || period as what from survey_answers where unit not in (select code from units)"),
    (N_("metric of an unknown unit"), "select distinct unit || '/' || metric as what from metrics where unit not in (select code from units)"),
    (N_("rectification item whose finding is gone"),
     "select id as what from rectifications where finding not in (select id from findings)"),
    (N_("rectification item of an unknown unit"),
     "select id as what from rectifications where unit not in (select code from units)"),
    (N_("rectification history of an unknown item"),
     "select distinct item as what from rectification_history where item not in (select id from rectifications)"),
    (N_("run whose standard texts are missing"),
     "select 'run ' || id as what from runs where standard_hash not in (select hash from standards)"),
    (N_("run without scorecards"), "select 'run ' || id as what from runs where id not in (select run from run_units)"),
    (N_("run whose scorecards are incomplete"),
     "select 'run ' || r.id || ' (' || count(u.unit) || ' of ' || r.units || ')' as what from runs r "
     "join run_units u on u.run = r.id group by r.id having count(u.unit) != r.units"),
    (N_("scorecard of an unknown run"), "select distinct 'run ' || run as what from run_units where run not in (select id from runs)"),
    (N_("scorecard whose document is missing"),
     "select 'run ' || ru.run || ' unit ' || ru.unit as what from run_units ru where ru.document is null and not exists "
     "(select 1 from run_units o where o.run = ru.document_run and o.unit = ru.unit and o.document is not null)"),
)


def diagnose(store: Store) -> list[str]:
    """One line per problem; an empty list means healthy."""
    with store.snapshot():
        problems = [_("integrity: {detail}", detail=row[0]) for row in store.execute("pragma integrity_check")
                    if row[0] != "ok"]
        problems += [_("foreign key: {table} row {row} points to a missing {parent} row", table=row[0], row=row[1],
                       parent=row[2]) for row in store.execute("pragma foreign_key_check")]
        for what, sql in ORPHAN_CHECKS:
            problems += [f"{_(what)}: {row['what']}" for row in store.query(sql)]
        problems += _altered_standards(store)
    return problems


def _altered_standards(store: Store) -> list[str]:
    """A recorded standard whose texts no longer give its hash: the runs citing it cannot be reproduced."""
    problems = []
    for row in store.query("select hash, files from standards order by hash"):
        try:
            files = json.loads(row["files"])
            canonical = json.dumps(sorted(files.items()), ensure_ascii=False).encode("utf-8")
            altered = hashlib.sha256(canonical).hexdigest() != row["hash"]
        except (ValueError, AttributeError, TypeError):
            altered = True
        if altered:
            problems.append(_("standard whose recorded texts do not match its hash: {hash}", hash=row["hash"][:12]))
    return problems


def exposure_warnings(store: Store) -> list[str]:
    """Files of the workspace other users can read (a copy of the database or key signs anyone in)."""
    warnings = [_("{path} can be read by other users of this machine: run `chmod 600 {path}`", path=path)
                for path in exposed(store.path)]
    if store.get_setting(OLD_KEY_SETTING):
        warnings.append(_("the database still holds the web app's old session key (settings.web_secret_key): "
                          "start `scoring serve` once to delete it, and treat old copies and backups as secret"))
    return warnings
