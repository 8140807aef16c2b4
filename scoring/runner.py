"""Score a period: facts (SQL) → engine (durable_rules) → tally (Decimal) → ranking → one immutable run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from scoring.engine import Engine
from scoring.facts import UnitFacts, build_facts
from scoring.periods import Period, parse_period
from scoring.ranking import Standing, place
from scoring.rectification import derive_items, is_overdue, rectification_facts
from scoring.scorecard import document
from scoring.standard import Standard
from scoring.store import Store
from scoring.tally import UnitScore, canonical, not_applicable, tally


class RunError(ValueError):
    pass


@dataclass(frozen=True)
class RunSummary:
    run: int
    period: str
    as_of: str
    units: int
    criteria: str


def period_of(store: Store, code: str) -> Period:
    period = parse_period(code)
    if store.period(period.code) is None:
        known = ", ".join(store.period_codes()) or "none yet"
        raise RunError(f"period {period.code} is not in this workspace (known: {known}); "
                       f"add it with `scoring period add {period.code}`")
    return period


def score_unit(engine: Engine, standard: Standard, period: Period, as_of: date, uf: UnitFacts) -> tuple[UnitScore, list[dict]]:
    """Two passes in one engine session: findings and the rest, then the rectification items they imply."""
    code = uf.unit["code"]
    try:
        first = engine.fire(code, uf.facts)
        excluded = not_applicable(standard, uf.unit["type"], first)
        items = derive_items(standard, code, period, canonical(first, standard), excluded)
        tracked = items + uf.carried_items
        second = engine.fire(code, rectification_facts(tracked, uf.statuses, period, as_of))
    finally:
        engine.forget(code)
    score = tally(standard, uf.unit, first + second)
    score.rectifications = _listed_items(tracked, uf.statuses, period, as_of)
    return score, items


def _listed_items(items: list[dict[str, Any]], statuses: dict[str, str], period: Period, as_of: date) -> list[dict]:
    listed = []
    for item in sorted(items, key=lambda i: (i["deadline"], i["id"])):
        status = statuses.get(item["id"], item.get("status") or "open")
        listed.append({"id": item["id"], "finding": item["finding"], "indicator": item["indicator"],
                       "rule": item["rule"], "title": item["title"], "period": item["period"],
                       "deadline": item["deadline"], "status": status,
                       "overdue": is_overdue(item, status, period, as_of)})
    return listed


def score_all(store: Store, standard: Standard, period: Period, as_of: date,
              progress: Callable[[int], None] | None = None) -> tuple[list[UnitScore], list[dict]]:
    scores: list[UnitScore] = []
    items: list[dict] = []
    with Engine(standard) as engine:
        for uf in build_facts(store, standard, period):
            score, unit_items = score_unit(engine, standard, period, as_of, uf)
            scores.append(score)
            items.extend(unit_items)
            if progress:
                progress(1)
    return scores, items


def documents(standard: Standard, period: Period, scores: list[UnitScore]) -> list[dict[str, Any]]:
    standings = [Standing(s.unit["code"], s.unit["group"], s.final, s.veto) for s in scores]
    placements = place(standard.criteria, standings)
    return [document(standard, period.code, s, placements[s.unit["code"]]) for s in scores]


def run_period(store: Store, standard: Standard, period_code: str, as_of: date | None = None,
               progress: Callable[[int], None] | None = None) -> RunSummary:
    period = period_of(store, period_code)
    as_of = as_of or period.end
    if not store.units():
        raise RunError("no units in this workspace: import them with `scoring import units FILE`")
    scores, items = score_all(store, standard, period, as_of, progress)
    docs = documents(standard, period, scores)
    notes = {r["id"]: r["note"] or "" for r in store.query("select id, note from findings where period = ?", [period.code])}
    with store.transaction():
        store.save_standard(standard.content_hash, standard.criteria.id, standard.criteria.version,
                            standard.label, standard.files)
        run_id = store.create_run(period.code, as_of.isoformat(), standard.content_hash, standard.criteria.id,
                                  standard.criteria.version, len(docs))
        store.save_rectifications([{**item, "note": notes.get(item["finding"], "")} for item in items])
        store.save_run_units([{
            "run": run_id, "unit": d["unit"], "ranking_group": d["group"], "rank": d["rank"], "score": d["score"],
            "grade": d["grade"], "veto": int(d["veto"]),
            "document": json.dumps(d, ensure_ascii=False, sort_keys=True)} for d in docs])
        store.audit("run", target=period.code, sha256=standard.content_hash, run=run_id, as_of=as_of.isoformat(),
                    units=len(docs), criteria=standard.label)
    return RunSummary(run_id, period.code, as_of.isoformat(), len(docs), standard.label)
