"""The workspace's tables, columns and indexes as data: what scoring.store creates and upgrades."""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 12  # 2: rectifications.owner; 3: run documents packed, placement in columns; 4: audit.os_user;
# 5: runs.engine and runs.engine_version
# 6: rectifications born with the finding (standard_hash, standard_version) and rectified_on;
# runs.completeness (what data was missing when the run was made, JSON); periods.state, state_run,
# review_ends, window_days (公示 and final: scoring.store.lifecycle); finding_withdrawals; appeals
# 7: run_units.fingerprint (of the unit's inputs: incremental runs, scoring.engine.incremental)
# 8: records (dated records: scoring import records)
# 9: objects (websites, accounts, windows below a unit: scoring import objects); findings.object, records.object
# 10: judged (an assessor's points for a judged indicator: scoring import judged)
# 11: unit_changes and its triggers (scoring.store.changes); runs.inputs_key; run_units.document_run (a unit's
# document reused from an earlier run is referenced, not copied)
# 12: run_groups (each run's ranking groups' standings, one row a group: re-scoring one unit reads its group at
# once; scoring.store.standings)

# Each input kind: its table and the columns that identify a row (the rest is content).
INPUT_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "units": ("units", ("code",)),
    "findings": ("findings", ("id",)),
    "self-assessments": ("self_assessments", ("unit", "period", "indicator")),
    "survey": ("survey_answers", ("unit", "period", "respondent", "question")),
    "survey-issued": ("survey_issued", ("unit", "period")),
    "metrics": ("metrics", ("unit", "period", "metric")),
    "records": ("records", ("id",)),
    "objects": ("objects", ("code",)),
    "judged": ("judged", ("unit", "period", "indicator", "object")),
}

TABLES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "settings": ({"key": str, "value": str}, ("key",)),
    "standards": ({"hash": str, "id": str, "version": str, "label": str, "files": str, "loaded_at": str}, ("hash",)),
    "units": ({"code": str, "name": str, "type": str, "ranking_group": str, "parent": str}, ("code",)),
    "periods": ({"code": str, "kind": str, "start": str, "end": str, "months": int, "state": str, "state_run": int,
                 "review_ends": str, "window_days": int}, ("code",)),
    "findings": ({"id": str, "unit": str, "period": str, "date": str, "inspector": str, "code": str,
                  "indicator": str, "count": int, "corrected_on_spot": int, "note": str, "evidence": str,
                  "object": str}, ("id",)),
    "self_assessments": ({"unit": str, "period": str, "indicator": str, "claim": str, "note": str,
                          "evidence": str}, ("unit", "period", "indicator")),
    "survey_answers": ({"unit": str, "period": str, "respondent": str, "question": str, "answer": str},
                       ("unit", "period", "respondent", "question")),
    "survey_issued": ({"unit": str, "period": str, "issued": int}, ("unit", "period")),
    "metrics": ({"unit": str, "period": str, "metric": str, "value": str}, ("unit", "period", "metric")),
    "records": ({"id": str, "unit": str, "period": str, "kind": str, "column_name": str, "column_type": str, "title": str,
                 "date": str, "formed": str, "published": str, "replied": str, "value": str, "ok": int,
                 "count": int, "note": str, "evidence": str, "object": str}, ("id",)),
    # Objects below a unit (政府网站、政务新媒体账号、服务窗口): findings and records may name one.
    "objects": ({"code": str, "unit": str, "kind": str, "name": str, "address": str, "serves_public": int,
                 "active": int}, ("code",)),
    # One row per (unit, period, indicator, object); object is '' for a unit's own indicator.
    "judged": ({"id": str, "unit": str, "period": str, "indicator": str, "object": str, "points": str,
                "assessor": str, "note": str, "evidence": str}, ("unit", "period", "indicator", "object")),
    "runs": ({"id": int, "period": str, "as_of": str, "standard_hash": str, "standard_id": str,
              "standard_version": str, "created_at": str, "user": str, "units": int,
              "engine": str, "engine_version": str, "completeness": str, "inputs_key": str}, ("id",)),
    "run_units": ({"run": int, "unit": str, "ranking_group": str, "rank": int, "score": str, "grade": str,
                   "veto": int, "grade_code": str, "feed_points": str, "document": bytes,
                   "fingerprint": str, "document_run": int}, ("run", "unit")),
    # Written with the run from the same placement; never changed (scoring.store.standings).
    "run_groups": ({"run": int, "ranking_group": str, "standings": bytes}, ("run", "ranking_group")),
    "rectifications": ({"id": str, "unit": str, "period": str, "finding": str, "rule": str, "indicator": str,
                        "title": str, "note": str, "deadline": str, "status": str, "owner": str,
                        "created_at": str, "updated_at": str, "standard_hash": str, "standard_version": str,
                        "rectified_on": str}, ("id",)),
    "rectification_history": ({"id": int, "item": str, "at": str, "user": str, "status": str, "note": str,
                               "evidence": str}, ("id",)),
    # A finding withdrawn (an accepted appeal): kept, never deleted; the rules no longer see it.
    "finding_withdrawals": ({"finding": str, "reason": str, "appeal": int, "user": str, "at": str}, ("finding",)),
    "appeals": ({"id": int, "period": str, "unit": str, "run": int, "finding": str, "rule": str, "reason": str,
                 "evidence": str, "status": str, "answer": str, "filed_by": str, "filed_at": str,
                 "decided_by": str, "decided_at": str, "rerun": int}, ("id",)),
    # user: who acted (the web user, $SCORING_USER or the OS account); os_user: the OS account of the process.
    "audit": ({"id": int, "at": str, "user": str, "action": str, "target": str, "sha256": str,
               "detail": str, "os_user": str}, ("id",)),
}
INDEXES = (
    ("findings", ("period", "unit")),
    ("self_assessments", ("period", "unit")),
    ("survey_answers", ("period", "unit")),
    ("metrics", ("period", "unit")),
    ("records", ("period", "unit")),
    ("objects", ("unit",)),
    ("judged", ("period", "unit")),
    ("run_units", ("run", "ranking_group", "rank")),
    ("rectifications", ("unit", "deadline")),
    ("rectification_history", ("item",)),
    STANDINGS_INDEX := ("run_units", ("run", "ranking_group", "unit", "rank", "score", "grade", "veto")),
)
