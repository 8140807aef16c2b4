"""What a report does after (or beside) reading a run's documents: counting the period's findings
(scoring/outputs/report/findings.py) and summing the points each rule took per half of a big run's scan
(report/parts.py)."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

from scoring.outputs.report import parts
from scoring.outputs.report.findings import count_findings
from scoring.outputs.report.scan import Record, Scan
from scoring.store import Store
from test_report import demo  # noqa: F401  (the session's demo workspace, built once)

# The query the counts were made by before: withdrawals probed once a finding (a correlated NOT EXISTS).
PROBED = ("select code, unit, sum(coalesce(count, 1)) from findings f where period = ? and not exists "
          "(select 1 from finding_withdrawals w where w.finding = f.id) group by code, unit")


def test_withdrawn_findings_are_not_counted_and_the_rest_are_as_before(demo, tmp_path):
    out, _ = demo
    db = tmp_path / "demo.db"
    shutil.copy(out / "demo.db", db)
    store = Store(db)
    try:
        counted = Counter({(code, unit): n for code, unit, n in count_findings(store, "2025")()})
        assert sorted(counted.items()) == sorted(((c, u), n) for c, u, n in store.execute(PROBED, ["2025"]))
        finding, code, unit, n = store.execute("select id, code, unit, coalesce(count, 1) from findings "
                                               "where period = '2025' order by id limit 1").fetchone()
        store.execute("insert into finding_withdrawals (finding, reason) values (?, '申诉成立')", [finding])
        store.execute("insert into finding_withdrawals (finding, reason) values (null, '无')")  # NOT IN's trap
        withdrawn = Counter({(c, u): m for c, u, m in count_findings(store, "2025")()})
        assert sorted(withdrawn.items()) == sorted(((c, u), m) for c, u, m in store.execute(PROBED, ["2025"]))
        counted[(code, unit)] -= n
        assert +withdrawn == +counted and sum(withdrawn.values()) == sum(counted.values()) > 0
    finally:
        store.close()


def record(unit: str, lost: dict[str, Decimal]) -> Record:
    return Record(unit, unit, "g", "t", 1, "0", "0", "0", "a", False, "0", [], {}, [], [], lost=lost)


def test_a_halfs_points_lost_are_summed_exactly_keeping_sums_of_zero_or_less():
    first = parts.summed(Scan([record("A", {"R1": Decimal("1.5"), "R2": Decimal("-2")}),
                               record("B", {"R1": Decimal("0.25")})]))
    second = parts.summed(Scan([record("C", {"R2": Decimal("2"), "R3": Decimal("-0.5")})]))
    assert [rec.lost for rec in first.records + second.records] == [None] * 3  # not sent back from the child
    whole = parts.joined(first, second)
    assert whole.lost == {"R1": Decimal("1.75"), "R2": Decimal("0"), "R3": Decimal("-0.5")}
    assert [rec.unit for rec in whole.records] == ["A", "B", "C"]
