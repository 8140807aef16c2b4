"""`scoring compare`: rank and score movement, new and resolved finding codes, on the demo's two years.

New and resolved codes are checked against the demo's own input files (inputs/findings-YEAR.csv),
not against the database the command reads.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from scoring.outputs.compare import COLUMNS, previous_period
from scoring.standard import load_default
from scoring.store import Store
from test_report import demo, example, golden, scoring  # noqa: F401  (session fixtures built once, shared)

DEFECTS = {code for code, c in load_default().criteria.finding_codes.items() if c.kind == "defect"}


def codes_in_inputs(out: Path, period: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with open(out / "inputs" / f"findings-{period}.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["问题代码"] in DEFECTS:
                found.setdefault(row["单位编码"], set()).add(row["问题代码"])
    return found


def compare(db: Path, *args: str) -> list[dict]:
    return json.loads(scoring("compare", *args, "--format", "json", "--db", db).stdout)


def test_movement_between_the_demo_years(demo):
    out, _ = demo
    rows = compare(out / "demo.db", "--period", "2025", "--with", "2024")
    now = {r["unit"]: r for r in json.loads(scoring("rank", "--period", "2025", "--format", "json",
                                                    "--db", out / "demo.db").stdout)}
    before = {r["unit"]: r for r in json.loads(scoring("rank", "--period", "2024", "--format", "json",
                                                       "--db", out / "demo.db").stdout)}
    assert [r["unit"] for r in rows] == list(now)  # rank order of the period, every unit once
    codes_now, codes_before = codes_in_inputs(out, "2025"), codes_in_inputs(out, "2024")
    for row in rows:
        unit = row["unit"]
        assert (row["rank"], row["score"], row["grade"]) == (now[unit]["rank"], now[unit]["score"], now[unit]["grade"])
        assert (row["previous_rank"], row["previous_score"]) == (before[unit]["rank"], before[unit]["score"])
        assert row["rank_change"] == before[unit]["rank"] - now[unit]["rank"]
        assert Decimal(row["score_change"]) == Decimal(now[unit]["score"]) - Decimal(before[unit]["score"])
        assert row["new_codes"] == sorted(codes_now.get(unit, set()) - codes_before.get(unit, set()))
        assert row["resolved_codes"] == sorted(codes_before.get(unit, set()) - codes_now.get(unit, set()))
    # The demo city changes from one year to the next: some units move both ways, codes come and go.
    assert any(r["rank_change"] > 0 for r in rows) and any(r["rank_change"] < 0 for r in rows)
    assert any(r["new_codes"] for r in rows) and any(r["resolved_codes"] for r in rows)


def test_comparing_the_other_way_swaps_new_and_resolved(demo):
    db = demo[0] / "demo.db"
    forward = {r["unit"]: r for r in compare(db, "--period", "2025", "--with", "2024")}
    for row in compare(db, "--period", "2024", "--with", "2025"):
        assert row["new_codes"] == forward[row["unit"]]["resolved_codes"]
        assert row["resolved_codes"] == forward[row["unit"]]["new_codes"]
        assert row["rank_change"] == -forward[row["unit"]]["rank_change"]


def test_previous_period_is_the_scored_one_before(demo):
    store = Store(demo[0] / "demo.db")
    try:
        assert previous_period(store, "2025") == "2024"
        assert previous_period(store, "2024") is None
    finally:
        store.close()


def test_table_and_csv(demo):
    db = demo[0] / "demo.db"
    table = scoring("compare", "--period", "2025", "--with", "2024", "--db", db).stdout
    assert table.split()[:4] == ["单位编码", "单位名称", "分组", "排名"] and "新出现问题" in table
    lines = scoring("compare", "--period", "2025", "--with", "2024", "--format", "csv", "--db", db).stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 96


def test_compare_csv_golden(example):
    golden("report-compare-2025-2024.csv",
           scoring("compare", "--period", "2025", "--with", "2024", "--format", "csv", "--db",
                   example / "scoring.db").stdout)


def test_bad_periods_are_exit_2(example):
    db = example / "scoring.db"
    assert "请比较两个不同的周期" in scoring("compare", "--period", "2025", "--with", "2025", "--db", db,
                                              code=2).stderr
    assert "scoring run --period 2023" in scoring("compare", "--period", "2025", "--with", "2023", "--db", db,
                                                  code=2).stderr
