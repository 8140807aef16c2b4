"""Rectification orders (整改事项): issued when a finding is recorded, by the standard in force then.

When findings are imported or entered, the unit's facts for the finding's period go through the
engine and every finding a rectifying rule matches (unless corrected on the spot, or on an
indicator that does not apply to the unit) becomes an item at once, due by the rule's deadline,
stamped with the standard that ordered it. Runs only read items. An item already issued keeps
its deadline, rule and standard whatever the standard says later; an item whose finding is gone
(re-imported with --replace, deleted, corrected on the spot afterwards) is marked withdrawn
(已撤销), never deleted, and comes back open if its finding does.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Iterable

from scoring.engine.backends import Engine
from scoring.engine.facts import build_facts
from scoring.engine.matches import Match, fact_kinds_read
from scoring.engine.passes import fire_passes
from scoring.engine.tally import canonical, deduction_target, not_applicable, plan_for
from scoring.rectify.items import deadline, item_id
from scoring.standard import Standard
from scoring.store import Store
from scoring.store.lifecycle import locked_periods
from scoring.store.periods import Period, parse_period


def derive_items(standard: Standard, unit: str, period: Period, matches: list[Match],
                 excluded: dict[str, str]) -> list[dict[str, Any]]:
    """One item per finding that a rectifying rule matched, unless it was corrected on the spot."""
    items: dict[str, dict[str, Any]] = {}
    for m in matches:
        rule = standard.rules_by_id[m.rule]
        if not rule.then.rectify:
            continue
        finding = m.facts[rule.primary]
        indicator = deduction_target(rule, rule.then.deduct.indicator if rule.then.deduct else None, m.facts)
        if finding.get("corrected_on_spot") or indicator in excluded:
            continue
        ident = item_id(finding["ref"])
        items.setdefault(ident, {
            "id": ident, "unit": unit, "period": period.code, "finding": finding["ref"], "rule": rule.id,
            "indicator": indicator, "title": rule.title,
            "deadline": deadline(rule.then.rectify, date.fromisoformat(finding["date"])).isoformat(),
        })
    return [items[k] for k in sorted(items)]


def ordered_items(engine: Engine, standard: Standard, period: Period, unit_facts) -> list[dict[str, Any]]:
    """The items the standard orders for one unit's findings of a period (every comparison in the engine)."""
    code = unit_facts.unit["code"]
    try:
        # As a run fires them: dated fields, then aggregates (a rule taking an indicator out may read
        # either). Named dates relative to as_of are taken at the period's end, a run's default date.
        first, second = fire_passes(engine, standard, period, period.end, code, unit_facts.facts)
    finally:
        engine.forget(code)
    matches = first + second
    excluded = not_applicable(standard, unit_facts.unit["type"], matches)
    rectifying = plan_for(standard).rectify
    items = derive_items(standard, code, period, canonical([m for m in matches if m.rule in rectifying], standard),
                         excluded)
    return [{**item, "note": unit_facts.notes.get(item["finding"], "")} for item in items]


def issue_orders(store: Store, standard: Standard, unit_periods: Iterable[tuple[str, str]],
                 audit: bool = True) -> dict[str, int]:
    """Issue the items these (unit, period) pairs' findings order now; withdraw those whose finding is gone.

    Called inside the transaction that wrote the findings, so the findings and their items are
    committed together. Returns counts: issued, withdrawn, restored. Each item's history records
    its issue; `audit=False` when the caller's own audit entry carries the counts (an import).
    """
    by_period: dict[str, set[str]] = {}
    for unit, period in unit_periods:
        by_period.setdefault(period, set()).add(unit)
    counts = {"issued": 0, "withdrawn": 0, "restored": 0}
    if not by_period:
        return counts
    stamp = {"standard_hash": standard.content_hash, "standard_version": standard.label}
    with store.transaction(), Engine(standard) as engine:
        store.save_standard(standard.content_hash, standard.criteria.id, standard.criteria.version,
                            standard.label, standard.files)
        for code in sorted(by_period):
            period = parse_period(code)
            units = sorted(by_period[code])
            wanted: list[dict[str, Any]] = []
            for uf in build_facts(store, standard, period, units):
                wanted.extend({**item, **stamp} for item in ordered_items(engine, standard, period, uf))
            result = store.issue_rectifications(code, units, wanted)
            for key, value in result.items():
                counts[key] += value
        if audit and any(counts.values()):
            store.audit("rectify issue", target=",".join(sorted(by_period)), sha256=standard.content_hash,
                        criteria=standard.label, **counts)
    return counts


def issue_period(store: Store, standard: Standard, period_code: str) -> dict[str, int]:
    """Issue the orders of every unit's findings of a period (a workspace whose findings came before items were born at import)."""
    units = [row[0] for row in store.execute("select code from units order by code")]
    return issue_orders(store, standard, [(unit, period_code) for unit in units])


def after_import(store: Store, standard: Standard):
    """The hook an import calls inside its transaction: the orders of the findings it touches are issued with it.

    Findings, always; dated records and objects too when the standard's rules read them (a rule over
    records, their aggregates or objects may take an indicator out, and so decide whether a finding
    orders an item)."""
    read = fact_kinds_read(standard)
    kinds = {"findings"} | ({"records"} if "record" in read else set()) | ({"objects"} if "object" in read else set())

    def issue(kind: str, pairs: set[tuple[str, str | None]]) -> dict[str, int] | None:
        if kind not in kinds:
            return None
        if kind == "objects":  # a unit's objects bear on its findings of every period still open to input
            pairs = _open_finding_periods(store, {unit for unit, _period in pairs})
        return issue_orders(store, standard, pairs, audit=False)
    return issue


def _open_finding_periods(store: Store, units: set[str]) -> set[tuple[str, str]]:
    """(unit, period) for every period in which these units have findings, but periods in 公示 or final."""
    found = set(store.execute("select distinct unit, period from findings where unit in (select value from json_each(?))",
                              [json.dumps(sorted(units))]))
    locked = locked_periods(store, {period for _unit, period in found})
    return {(unit, period) for unit, period in found if period not in locked}
