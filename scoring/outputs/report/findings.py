"""The most frequent findings of a period: how often inspectors recorded each defect code, at how many
units, and the points its rules took in the run.

The counting is SQLite's (a province: a million findings, ≈1.2 s inside one query) and runs in a thread
with its own connection while the report reads the run's documents: sqlite3 lets go of the interpreter
while a query runs, so the two overlap.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Callable

from scoring.i18n import pick
from scoring.outputs.report import background
from scoring.outputs.report.cards import two
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import LINE_FIELDS, Record
from scoring.standard import Standard
from scoring.store import Store

TOP_FINDINGS = 10
EXAMPLES = 3  # units named as examples of a finding (the 通报's 主要问题): those where it was recorded most
# Each defect code's findings at the run's units (withdrawn ones not counted), the units where it was recorded,
# and its EXAMPLES units (most recorded there first, then by code): all SQLite's, in the counting thread, so
# the report's own thread only reads a few rows (a province's 180,000 (code, unit) counts added up in Python
# took ≈0.4 s after the scan). The withdrawals are looked up once (NOT IN: an ephemeral index), not probed
# once a finding (a correlated NOT EXISTS); `id is null` and `finding is not null` keep NOT EXISTS's answer
# where an id is NULL. Grouped by unit first, the order the (period, unit) index reads the rows in (the sort
# costs ≈20 % less). Units compare as Python compares their codes (BINARY: UTF-8 bytes, code point order).
COUNTS = """
with counted as (
    select code, unit, sum(coalesce(count, 1)) as n from findings f
    where period = ? and (id is null or id not in (select finding from finding_withdrawals where finding is not null))
      and unit in (select unit from run_units where run = ?)
    group by unit, code),
ranked as (
    select code, unit, sum(n) over by_code as recorded, count(*) over by_code as units,
           row_number() over (partition by code order by n desc, unit) as k
    from counted window by_code as (partition by code))
select code, recorded, units, unit from ranked where k <= ? order by code, k"""
Counts = list[tuple[str, int, int, str]]  # (code, findings recorded, units, an example unit), examples in order


def counts_now(store: Store, period: str, run_id: int) -> Counts:
    """The period's findings at the run's units counted by code (COUNTS), through this connection."""
    return store.execute(COUNTS, [period, run_id, EXAMPLES]).fetchall()


def count_findings(store: Store, period: str, run_id: int) -> Callable[[], Counts]:
    """Start counting the period's findings at the run's units by code (COUNTS) in a thread; the function
    returned waits for the counts."""
    if str(store.path) == ":memory:":  # no second connection sees it: count now
        rows = counts_now(store, period, run_id)
        return lambda: rows

    def work() -> Counts:
        other = Store(store.path)
        try:
            return counts_now(other, period, run_id)
        finally:
            other.close()
    return background.in_thread(work, "finding counts")


def frequent_findings(standard: Standard, records: list[Record], counts: Counts, lang: str,
                      lost: Counter[str] | None = None) -> list[dict[str, Any]]:
    """Defect codes by how often inspectors recorded them at the run's units, with the points their rules took
    (`lost`: those points, where the scan summed them already: parts.Part)."""
    codes = standard.criteria.finding_codes
    names = {r.unit: r.name for r in records}
    recorded: dict[str, tuple[int, int]] = {}
    examples: dict[str, list[str]] = {}
    for code, findings, units, unit in counts:
        recorded[code] = (findings, units)
        examples.setdefault(code, []).append(unit)
    shown = sorted((code for code in recorded if code in codes and codes[code].kind == "defect"),
                   key=lambda code: (-recorded[code][0], -recorded[code][1], code))[:TOP_FINDINGS]
    lost = points_lost(records, codes, lang) if lost is None else lost
    return [{"code": code, "name": pick(codes[code].model_dump(), "name", lang), "findings": recorded[code][0],
             "units": recorded[code][1], "points_lost": two(lost.get(code, Decimal(0))),
             "examples": [names[unit] for unit in examples[code]]} for code in shown]


def points_lost(records: list[Record], codes: dict[str, Any], lang: str) -> Counter[str]:
    """rule → points its deductions took, over the indicators' lines (the unit's bonus and veto lines have
    no indicator)."""
    lost_in = losses(codes, lang)
    lost: Counter[str] = Counter()
    for rec in records:
        lost.update(rec.lost if rec.lost is not None else lost_in(rec.lines))  # a big run's: counted by the scan
    return lost


def losses(codes: dict[str, Any], lang: str) -> Callable[[list[tuple]], dict[str, Decimal]]:
    """A function from a unit's lines to rule → points its deductions took there (exact: sums in any order agree)."""
    deduct, adjust = label("kind_deduct", lang), label("kind_adjust", lang)
    rule_at, kind_at, points_at, indicator_at = (LINE_FIELDS.index(k) for k in ("rule", "lines_kind", "points",
                                                                                "indicator"))

    def lost_in(lines: list[tuple]) -> dict[str, Decimal]:
        lost: dict[str, Decimal] = {}
        for line in lines:
            taken = (line[kind_at] == deduct and line[indicator_at]) or line[kind_at] == adjust  # adjust: from the total
            if taken and line[rule_at] in codes:
                lost[line[rule_at]] = lost.get(line[rule_at], 0) + -Decimal(line[points_at])
        return lost
    return lost_in
