"""Rectification orders (整改事项): issued when a finding is recorded, by the standard in force then.

When findings are imported or entered, the unit's facts for the finding's period go through the
engine and every finding a rectifying rule matches (unless corrected on the spot, or on an
indicator that does not apply to the unit) becomes an item at once, due by the rule's deadline,
stamped with the standard that ordered it. Runs only read items. An item already issued keeps
its deadline, rule and standard whatever the standard says later; an item whose finding is gone
(re-imported with --replace, deleted, corrected on the spot afterwards) is marked withdrawn
(已撤销), never deleted, and comes back open if its finding does.

Only the rules that can decide an item are fired (ordering_rules), on only the facts they read, findings
grouped where those rules allow: the same items as every rule on every fact (tests/test_orders_cut.py).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any, Iterable

from scoring.engine.backends import Engine
from scoring.engine.facts import CHUNK, build_facts
from scoring.engine.matches import Match, fact_kinds_read, findings_aggregable
from scoring.engine.passes import fire_passes
from scoring.engine.tally import canonical, deduction_target, not_applicable, plan_for
from scoring.rectify.items import deadline, item_id
from scoring.standard import Standard
from scoring.standard.schema import Rectify
from scoring.standard.memo import per_standard
from scoring.store import Store
from scoring.store.lifecycle import locked_periods
from scoring.store.periods import Period, parse_period


@per_standard
def ordering_rules(standard: Standard) -> Standard:
    """The standard cut to the rules whose matches decide the items it orders: those that order rectification,
    and those that take an indicator out (a finding on it orders nothing). Cached while the standard lives.

    Firing these alone gives exactly their matches in the whole standard: no rule reads another's matches
    (the engine only reports them, and an aggregate is its own rule's), so deductions, bonuses, scores and
    flags never change an item. The facts built are then only the kinds these rules read (matches.fact_kinds_read):
    on the default standard findings, the unit and its metrics, of 43 rules 17."""
    kept = tuple(src for src in standard.rules if src.rule.then.rectify or src.rule.then.not_applicable)
    return dataclasses.replace(standard, rules=kept)


# A finding's date and its rule's deadline -> the deadline as stored: a province's findings fall on a few
# hundred days, so each is counted (working days walk the holiday calendar) once, not once a finding.
_deadlines: dict[tuple[int | None, int | None, str], str] = {}


def _due(rectify: Rectify, found: str) -> str:
    key = (rectify.deadline_days, rectify.deadline_workdays, found)
    due = _deadlines.get(key)
    if due is None:
        if len(_deadlines) > 100_000:  # bounded in a long-lived process (the web)
            _deadlines.clear()
        due = _deadlines[key] = deadline(rectify, date.fromisoformat(found)).isoformat()
    return due


def derive_items(standard: Standard, unit: str, period: Period, matches: list[Match], excluded: dict[str, str],
                 notes: dict[str, str], dates: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One item per finding that a rectifying rule matched, unless it was corrected on the spot.

    `matches` in canonical order: a finding two rules (or two joins) match is the first one's item. A fact
    that stands for a group of findings (facts.build_facts, grouped) gives an item to each of them, due
    from its own date (`dates`: finding id -> date)."""
    items: dict[str, dict[str, Any]] = {}
    rules: dict[str, tuple] = {}
    for m in matches:
        plan = rules.get(m.rule)
        if plan is None:
            rule = standard.rules_by_id[m.rule]
            plan = rules[m.rule] = (rule, rule.then.rectify, rule.primary,
                                    rule.then.deduct.indicator if rule.then.deduct else None)
        rule, rectify, primary, target = plan
        if not rectify:
            continue
        finding = m.facts[primary]
        if finding.get("corrected_on_spot"):
            continue
        indicator = None
        for ref in finding.get("refs") or (finding["ref"],):
            ident = item_id(ref)
            if ident in items:
                continue
            if indicator is None:
                indicator = deduction_target(rule, target, m.facts)
                if indicator in excluded:
                    break
            found = finding["date"] if dates is None else dates[ref]
            items[ident] = {"id": ident, "unit": unit, "period": period.code, "finding": ref, "rule": rule.id,
                            "indicator": indicator, "title": rule.title, "deadline": _due(rectify, found),
                            "note": notes.get(ref, "")}
    return [items[k] for k in sorted(items)]


def ordered_items(engine: Engine, standard: Standard, period: Period, unit_facts, fired: Standard | None = None,
                  dates: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The items the standard orders for one unit's findings of a period (every comparison in the engine).

    `fired`: the standard the engine was compiled from and the facts were built for, `standard` itself or
    ordering_rules(standard); `dates` (finding id -> date) when the findings were grouped. The same items
    either way: tests/test_orders.py compares them."""
    code = unit_facts.unit["code"]
    try:
        # As a run fires them: dated fields, then aggregates (a rule taking an indicator out may read
        # either). Named dates relative to as_of are taken at the period's end, a run's default date.
        first, second = fire_passes(engine, fired or standard, period, period.end, code, unit_facts.facts)
    finally:
        engine.forget(code)
    matches = first + second
    excluded = not_applicable(standard, unit_facts.unit["type"], matches)
    rectifying = plan_for(standard).rectify
    return derive_items(standard, code, period, canonical([m for m in matches if m.rule in rectifying], standard),
                        excluded, unit_facts.notes, dates)


def period_items(store: Store, standard: Standard, engine: Engine, period: Period,
                 units: list[str]) -> list[dict[str, Any]]:
    """The items the standard orders now for these units' findings of a period, by ordering_rules alone.

    `engine` compiled from ordering_rules(standard). Only the kinds of facts those rules read are built, and
    findings alike in every field a rule compares go as one fact where those rules allow it (as a run's
    do, matches.findings_aggregable): a unit's ≈100 findings are ≈37 facts, each match an item per finding."""
    fired = ordering_rules(standard)
    kinds, grouped = frozenset(fact_kinds_read(fired)), findings_aggregable(fired)
    wanted: list[dict[str, Any]] = []
    for start in range(0, len(units), CHUNK):
        chunk = units[start:start + CHUNK]
        dates = _finding_dates(store, period, chunk) if grouped else None
        for uf in build_facts(store, fired, period, chunk, grouped=grouped, kinds=kinds):
            wanted.extend(ordered_items(engine, standard, period, uf, fired, dates))
    return wanted


def _finding_dates(store: Store, period: Period, units: list[str]) -> dict[str, str]:
    """Each finding's date (its items' deadlines count from it), for these units' findings of the period."""
    return dict(store.execute("select f.id, f.date from findings f where f.period = ? and f.unit in "
                              "(select value from json_each(?))", [period.code, json.dumps(units)]))


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
    orders = bool(plan_for(standard).rectify)  # a standard ordering no rectification: only withdrawals
    with store.transaction(), Engine(ordering_rules(standard)) as engine:
        store.save_standard(standard.content_hash, standard.criteria.id, standard.criteria.version,
                            standard.label, standard.files)
        for code in sorted(by_period):
            period = parse_period(code)
            units = sorted(by_period[code])
            wanted = period_items(store, standard, engine, period, units) if orders else []
            result = store.issue_rectifications(code, units, [{**item, **stamp} for item in wanted])
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
