"""Rectification orders (整改事项) a unit's matches give: one item per finding a rectifying rule matched."""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.engine.matches import Match
from scoring.engine.tally import deduction_target
from scoring.rectify.items import deadline, item_id
from scoring.standard import Standard
from scoring.store.periods import Period


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
