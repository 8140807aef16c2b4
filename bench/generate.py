"""Generate a deterministic province-scale workload straight into a workspace database.

    python bench/generate.py --units 10000 --db bench/province.db [--seed 1] [--csv DIR]

10,000 units of the four types, ~100 findings per unit in the scored year (plus a lighter
previous year, so repeat findings occur), one self-assessment row per indicator per year,
a survey of ~40 respondents × 5 questions per unit, and the five metrics per year. Rows are
written with plain sqlite3 executemany (this is a load generator, not the importer under test);
--csv also writes the scored year's findings as a CSV for the import benchmark.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.standard import load_default  # noqa: E402
from scoring.engine.orders import issue_period  # noqa: E402
from scoring.store import Store  # noqa: E402

TYPES = (("city_department", 0.1), ("district_government", 0.05), ("township", 0.5), ("public_institution", 0.35))
CLAIMS = ("compliant", "compliant", "compliant", "partial", "noncompliant", "not_applicable")
ANSWERS = ("satisfied", "satisfied", "satisfied", "basically_satisfied", "basically_satisfied", "unsatisfied", "dont_know")
# Realistic frequencies: stale content and missing guides are common, vetoes are rare.
CODE_WEIGHTS = {"CONTENT_STALE": 20, "INCOMPLETE": 12, "NOT_DISCLOSED": 8, "GUIDE_MISSING": 10, "BOARD_MISSING": 8,
                "WEBSITE_BROKEN": 8, "NO_RESULT": 6, "OVERTIME_YELLOW": 6, "OVERTIME_RED": 3, "DUTY_NOT_MET": 5,
                "STAFF_ABSENT": 5, "REPLY_LATE": 5, "FEE_UNDISCLOSED": 3, "UNTRUE": 1, "REQUEST_MISHANDLED": 3,
                "NO_SUPERVISION_CHANNEL": 2, "NO_PLAN": 1, "NO_LEADING_GROUP": 1, "NO_STAFF_FUNDS": 1,
                "NO_REQUEST_PROCEDURE": 1, "DEMO_SITE_CITY": 0.3, "PRACTICE_PROMOTED": 0.5, "SECRET_LEAK": 0.02,
                "FALSIFIED": 0.02}
GIVEN_INDICATORS = ("C1", "C2", "C3", "C4", "C5", "P1", "P2")


def units(n: int, rnd: random.Random) -> list[tuple]:
    out = []
    for i in range(n):
        x, acc = rnd.random(), 0.0
        for unit_type, share in TYPES:
            acc += share
            if x <= acc:
                break
        out.append((f"U{i:06d}", f"单位{i:06d}", unit_type, unit_type, None))
    return out


def findings(unit_rows: list[tuple], year: str, per_unit: int, rnd: random.Random, standard) -> list[tuple]:
    codes = list(CODE_WEIGHTS)
    weights = list(CODE_WEIGHTS.values())
    start = date(int(year), 1, 1)
    rows = []
    for code_, *_ in unit_rows:
        for j, code in enumerate(rnd.choices(codes, weights, k=per_unit)):
            fixed = standard.criteria.finding_codes[code].indicator
            indicator = rnd.choice(GIVEN_INDICATORS) if fixed == "given" else fixed
            day = start + timedelta(days=rnd.randrange(365))
            rows.append((f"{year}-{code_}-{j:04d}", code_, year, day.isoformat(), "检查组", code, indicator,
                         rnd.choice((1, 1, 1, 2, 3)), int(rnd.random() < 0.2), "抽查发现", None))
    return rows


def generate(db: Path, n: int, seed: int, csv_dir: Path | None = None) -> None:
    rnd = random.Random(seed)
    standard = load_default()
    if db.exists():
        db.unlink()
    store = Store(db, create=True)
    store.create_schema()
    for year in ("2024", "2025"):
        store.add_period(year, "year", f"{year}-01-01", f"{year}-12-31", 12)
    store.close()
    conn = sqlite3.connect(db)
    unit_rows = units(n, rnd)
    conn.executemany("insert into units values (?, ?, ?, ?, ?)", unit_rows)
    indicators = list(standard.indicators)
    for year, per_unit in (("2024", 30), ("2025", 100)):
        rows = findings(unit_rows, year, per_unit, rnd, standard)
        conn.executemany("insert into findings (id, unit, period, date, inspector, code, indicator, count, "
                         "corrected_on_spot, note, evidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if csv_dir and year == "2025":
            write_findings_csv(csv_dir / "findings-2025.csv", rows)
        conn.executemany("insert into self_assessments values (?, ?, ?, ?, ?, ?)", [
            (u[0], year, ind, rnd.choice(CLAIMS), None, None) for u in unit_rows for ind in indicators
            if rnd.random() < 0.95])
        conn.executemany("insert into metrics values (?, ?, ?, ?)", [
            row for u in unit_rows for row in metrics(u[0], year, rnd)])
    conn.executemany("insert into survey_answers values (?, ?, ?, ?, ?)", [
        (u[0], "2025", f"R{r:03d}", f"Q{q}", rnd.choice(ANSWERS)) for u in unit_rows
        for r in range(rnd.randint(25, 55)) for q in range(5)])
    conn.executemany("insert into survey_issued values (?, ?, ?)", [(u[0], "2025", rnd.randint(40, 80)) for u in unit_rows])
    conn.commit()
    conn.close()
    # As an import does: the findings' rectification orders are issued once they are recorded.
    store = Store(db)
    try:
        for year in ("2024", "2025"):
            issue_period(store, standard, year)
    finally:
        store.close()


def metrics(unit: str, year: str, rnd: random.Random) -> list[tuple]:
    received = rnd.randint(0, 2000)
    resolved = received - min(received, rnd.choice((0, 0, 1, 3, 10, 50)))
    ratings = rnd.randint(0, 400)
    rows = [(unit, year, "contacts_received", str(received)), (unit, year, "contacts_resolved", str(resolved)),
            (unit, year, "info_submitted", str(rnd.randint(0, 40))),
            (unit, year, "window_ratings_count", str(ratings)),
            (unit, year, "window_ratings_sum", str(sum(rnd.choice((3, 4, 4, 5, 5)) for _ in range(ratings))))]
    return [r for r in rows if rnd.random() < 0.97]


def write_findings_csv(path: Path, rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "unit", "period", "date", "inspector", "code", "indicator", "count",
                         "corrected_on_spot", "note", "evidence"])
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=Path("bench/province.db"))
    parser.add_argument("--csv", type=Path, help="Also write the scored year's findings as CSV here.")
    args = parser.parse_args()
    generate(args.db, args.units, args.seed, args.csv)
    print(f"wrote {args.units} units to {args.db}", file=sys.stderr)


if __name__ == "__main__":
    main()
