"""A reference evaluator of the default standard (gongkai-default) in plain Python: the differential check.

It reads the input rows with plain sqlite3 and applies design/standard.md as ordinary code:
no rule files, no durable_rules, no tally. `check(db, run)` compares every unit's indicator
scores, base, bonus, final score and veto with what a stored run holds, and returns the
differences (an empty list means the engine agrees everywhere).

    python bench/reference.py --db /tmp/province.db [--run N]

Kept in bench/, not in the package: it knows the default standard's numbers by heart, so it
only checks that standard (and fails loudly if the stored run used another one).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

D = Decimal
MAX = {"L1": 3, "L2": 2, "L3": 3, "R1": 3, "R2": 3, "R3": 4, "C1": 4, "C2": 4, "C3": 6, "C4": 4, "C5": 2,
       "F1": 4, "F2": 3, "F3": 3, "T1": 5, "T2": 5, "P1": 3, "P2": 3, "P3": 4, "P4": 2, "A1": 4, "A2": 4,
       "A3": 2, "M1": 3, "M2": 5, "M3": 2, "S1": 7, "S2": 3}
ONLY_FOR = {"T2": {"city_department", "district_government"}, "A1": {"city_department", "district_government"}}
DEDUCTED = {"deduct"}
SCORED = {"T2", "A2", "S1", "S2"}  # ratio and quota indicators: points come from metrics and surveys
# code: (indicator or None when the row names it, points per count, cap, deadline days or None)
DEFECTS = {
    "NOT_DISCLOSED": (None, "2", None, 15), "INCOMPLETE": (None, "1", None, 15), "UNTRUE": (None, "3", None, 15),
    "CONTENT_STALE": ("T1", "1", None, 15), "NO_RESULT": ("P3", "2", None, 15), "BOARD_MISSING": ("F2", "1", None, 15),
    "WEBSITE_BROKEN": ("F1", "1", None, 15), "GUIDE_MISSING": ("F3", "1", None, 15),
    "FEE_UNDISCLOSED": ("C4", "2", None, 15), "OVERTIME_YELLOW": ("P4", "0.5", None, None),
    "OVERTIME_RED": ("P4", "1", None, None), "DUTY_NOT_MET": ("R3", "1", None, 15),
    "STAFF_ABSENT": ("R3", "0.5", "2", None), "REPLY_LATE": ("A3", "0.5", None, None),
    "NO_LEADING_GROUP": ("L1", "3", None, 30), "NO_STAFF_FUNDS": ("L2", "2", None, 30), "NO_PLAN": ("R1", "3", None, 30),
    "NO_REQUEST_PROCEDURE": ("R2", "3", None, 30), "REQUEST_MISHANDLED": ("A1", "1", None, 15),
    "NO_SUPERVISION_CHANNEL": ("M3", "1", None, 15),
}
BONUS_ONCE = {"DEMO_SITE_CITY": D(2), "DEMO_SITE_PROVINCE": D(3)}
BONUS_EACH = {"PRACTICE_PROMOTED": D(1)}
VETO = {"SECRET_LEAK", "FALSIFIED"}
BONUS_CAP = D(5)
SHORTFALL = {"noncompliant": D("0.5"), "partial": D("0.25")}
QUOTA = {"district_government": D(3), "city_department": D(2)}
SATISFACTION = ((D("0.95"), 7), (D("0.90"), 6), (D("0.85"), 5), (D("0.80"), 4), (D("0.70"), 2))
COMPLETION = ((D("0.99"), 4), (D("0.95"), 3), (D("0.90"), 2))
WINDOW = ((D("4.5"), 3), (D("4.0"), 2), (D("3.5"), 1))
DONE = {"rectified", "verified"}


@dataclass
class Unit:
    code: str
    type: str
    findings: list[tuple] = field(default_factory=list)  # (id, code, indicator, count, corrected, date)
    previous: set[tuple[str, str]] = field(default_factory=set)  # (code, indicator) found last period
    claims: dict[str, str] = field(default_factory=dict)  # indicator -> claim
    metrics: dict[str, Decimal] = field(default_factory=dict)
    answers: int = 0
    favourable: int = 0
    statuses: dict[str, str] = field(default_factory=dict)  # the register: item id -> status (any period)
    earlier: list[tuple] = field(default_factory=list)  # other periods' findings, as `findings` (scored or not)


def band(value: Decimal, bands: tuple) -> Decimal:
    return next((D(points) for threshold, points in bands if value >= threshold), D(0))


def load(conn: sqlite3.Connection, period: str, previous: str, start: str, end: str) -> dict[str, Unit]:
    units = {code: Unit(code, kind) for code, kind in conn.execute("select code, type from units order by code")}
    for row in conn.execute("select unit, id, code, indicator, count, corrected_on_spot, date from findings "
                            "where period = ?", [period]):
        units[row[0]].findings.append(row[1:])
    for unit, code, indicator in conn.execute("select unit, code, coalesce(indicator, '') from findings "
                                              "where period = ?", [previous]):
        if code in DEFECTS:
            units[unit].previous.add((code, indicator))
    for unit, indicator, claim in conn.execute("select unit, indicator, claim from self_assessments where period = ?",
                                               [period]):
        units[unit].claims[indicator] = claim
    for unit, metric, value in conn.execute("select unit, metric, value from metrics where period = ?", [period]):
        units[unit].metrics[metric] = D(value)
    for unit, answers, favourable in conn.execute(
            "select unit, count(*), sum(answer in ('satisfied', 'basically_satisfied')) from survey_answers "
            "where period = ? group by unit", [period]):
        units[unit].answers, units[unit].favourable = answers, favourable
    for row in conn.execute("select unit, id, code, indicator, count, corrected_on_spot, date from findings "
                            "where period != ?", [period]):
        units[row[0]].earlier.append(row[1:])
    for unit, item, status in conn.execute("select unit, id, status from rectifications"):
        units[unit].statuses[item] = status
    return units


def applies(indicator: str, unit_type: str) -> bool:
    return unit_type in ONLY_FOR.get(indicator, {unit_type})


def score_unit(u: Unit, start: date, end: date, as_of: date, months: int) -> dict:
    """Every indicator's points (None: not applicable), base, bonus, final score and veto, exactly."""
    excluded = {i for i in MAX if not applies(i, u.type)}
    if not u.metrics.get("window_ratings_count", 0) > 0:
        excluded.add("S2")  # no window ratings: S2 does not apply
    lost: dict[str, Decimal] = defaultdict(D)
    _findings(u, excluded, lost)
    _self_assessment(u, excluded, lost)
    _rectifications(u, excluded, start, end, as_of, lost)
    points = _scored(u, excluded, months)
    indicators = {}
    for indicator, top in MAX.items():
        if indicator in excluded:
            indicators[indicator] = None
            continue
        begin = min(points[indicator], D(top)) if indicator in SCORED else D(top)
        indicators[indicator] = begin - min(lost[indicator], begin)
    with localcontext() as ctx:
        ctx.prec = 50
        earned = sum((v for v in indicators.values() if v is not None), D(0))
        possible = sum((D(MAX[i]) for i, v in indicators.items() if v is not None), D(0))
        base = D(100) * earned / possible if possible else D(0)
    bonus = min(_bonus(u), BONUS_CAP)
    return {"indicators": indicators, "base": base, "bonus": bonus, "score": base + bonus,
            "veto": any(f[1] in VETO for f in u.findings)}


def _findings(u: Unit, excluded: set[str], lost: dict[str, Decimal]) -> None:
    """Deductions per code and indicator: points × count, halved when corrected on the spot, doubled
    when the same code and indicator were found last period (the cap doubles too)."""
    totals: dict[tuple[str, str], list] = {}
    for _, code, indicator, count, corrected, _ in u.findings:
        if code not in DEFECTS:
            continue
        target = DEFECTS[code][0] or indicator
        if target in excluded:
            continue
        factor = D(2) if (code, indicator or "") in u.previous else D(1)
        amount = D(DEFECTS[code][1]) * count * (D("0.5") if corrected else 1) * factor
        entry = totals.setdefault((code, target), [D(0), D(1)])
        entry[0] += amount
        entry[1] = max(entry[1], factor)
    for (code, target), (total, factor) in totals.items():
        cap = DEFECTS[code][2]
        lost[target] += min(total, D(cap) * factor) if cap else total


def _self_assessment(u: Unit, excluded: set[str], lost: dict[str, Decimal]) -> None:
    if not u.claims:
        lost["M1"] += 3  # no self-inspection at all
    for indicator, claim in u.claims.items():
        if claim in SHORTFALL and indicator not in excluded:
            lost[indicator] += SHORTFALL[claim] * MAX[indicator]
    found_on = {(DEFECTS[code][0] or indicator) for _, code, indicator, *_ in u.findings if code in DEFECTS}
    mismatched = {i for i, claim in u.claims.items() if claim == "compliant" and i in found_on and i not in excluded}
    lost["M1"] += len(mismatched)  # claimed compliant where an inspector found a defect: 1 per indicator


def _rectifications(u: Unit, excluded: set[str], start: date, end: date, as_of: date,
                    lost: dict[str, Decimal]) -> None:
    """Overdue items: one per uncorrected deducting finding with a deadline, of this period or any other
    whose deadline falls in this one (whether or not that period was ever scored)."""
    items = []
    for finding, code, indicator, _, corrected, day in u.findings + u.earlier:
        if code in DEFECTS and DEFECTS[code][3] is not None and not corrected:
            if (DEFECTS[code][0] or indicator) not in excluded:
                deadline = date.fromisoformat(day) + timedelta(days=DEFECTS[code][3])
                items.append((deadline, u.statuses.get(f"R-{finding}", "open")))
    lost["M2"] += sum(1 for deadline, status in items if deadline <= as_of and start <= deadline <= end
                      and status not in DONE)


def _scored(u: Unit, excluded: set[str], months: int) -> dict[str, Decimal]:
    """Ratios in 50 digits, as the standard's expressions are; the share of a maximum at Python's default 28."""
    m, points = u.metrics, {}
    if "T2" not in excluded:
        submitted = m.get("info_submitted")
        with localcontext() as ctx:
            ctx.prec = 50
            share = None if submitted is None else submitted / (QUOTA[u.type] * months)
        points["T2"] = D(0) if share is None else D(5) * min(D(1), max(D(0), share))
    with localcontext() as ctx:
        ctx.prec = 50
        received, resolved = m.get("contacts_received"), m.get("contacts_resolved")
        if received is None or (received > 0 and resolved is None):
            points["A2"] = D(0)
        else:
            points["A2"] = D(4) if received == 0 else band(resolved / received, COMPLETION)
        points["S1"] = band(D(u.favourable) / D(u.answers), SATISFACTION) if u.answers else D(0)
        if "S2" not in excluded:
            total = m.get("window_ratings_sum")
            points["S2"] = D(0) if total is None else band(total / m["window_ratings_count"], WINDOW)
    return points


def _bonus(u: Unit) -> Decimal:
    once = {code for _, code, *_ in u.findings if code in BONUS_ONCE}
    each = sum((BONUS_EACH[code] * count for _, code, _, count, *_ in u.findings if code in BONUS_EACH), D(0))
    return sum((BONUS_ONCE[code] for code in once), D(0)) + each


def _two(value: Decimal) -> str:
    return format(value.quantize(D("0.01"), rounding=ROUND_HALF_UP), "f")


def expected(db: str, run: int) -> dict[str, dict]:
    """What the reference says every unit of the run's period should score, as a scorecard shows it."""
    conn = sqlite3.connect(db)
    try:
        period, as_of = conn.execute("select period, as_of from runs where id = ?", [run]).fetchone()
        start, end, months = conn.execute("select start, end, months from periods where code = ?", [period]).fetchone()
        previous = _previous(period, months, date.fromisoformat(start))
        units = load(conn, period, previous, start, end)
    finally:
        conn.close()
    out = {}
    for code, u in units.items():
        s = score_unit(u, date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(as_of), months)
        out[code] = {"indicators": {i: None if v is None else _two(v) for i, v in s["indicators"].items()},
                     "base": _two(s["base"]), "bonus": _two(s["bonus"]), "score": _two(s["score"]), "veto": s["veto"]}
    return out


def _previous(period: str, months: int, start: date) -> str:
    if months != 12:
        raise SystemExit(f"the reference knows yearly periods only, not {period}")
    return str(start.year - 1)


def stored(db: str, run: int) -> dict[str, dict]:
    from scoring.store import Store

    store = Store(db)
    try:
        out = {}
        for doc in store.run_documents(run):
            out[doc["unit"]] = {"indicators": {i["code"]: i["score"] for d in doc["dimensions"] for i in d["indicators"]},
                         "base": doc["base"], "bonus": doc["bonus"], "score": doc["score"], "veto": doc["veto"]}
        return out
    finally:
        store.close()


def check(db: str, run: int | None = None) -> list[str]:
    """Every difference between the stored run and the reference, one line each (empty: they agree)."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("select id, standard_id from runs order by id desc limit 1" if run is None else
                           "select id, standard_id from runs where id = ?", [] if run is None else [run]).fetchone()
    finally:
        conn.close()
    if row is None:
        return [f"{db}: no run to check"]
    run, standard_id = row
    if standard_id != "gongkai-default":
        return [f"run {run} used standard {standard_id}; the reference knows gongkai-default only"]
    want, got = expected(db, run), stored(db, run)
    problems = [f"{unit}: not in run {run}" for unit in want if unit not in got]
    for unit, w in want.items():
        g = got.get(unit)
        if g is None:
            continue
        for key in ("base", "bonus", "score", "veto"):
            if w[key] != g[key]:
                problems.append(f"{unit}: {key}: reference {w[key]}, engine {g[key]}")
        for indicator, value in w["indicators"].items():
            if value != g["indicators"].get(indicator):
                problems.append(f"{unit}: {indicator}: reference {value}, engine {g['indicators'].get(indicator)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--run", type=int, help="A stored run (default: the latest).")
    args = parser.parse_args()
    problems = check(args.db, args.run)
    for line in problems[:50]:
        print(line, file=sys.stderr)
    if problems:
        raise SystemExit(f"the reference evaluator disagrees with the engine on {len(problems)} values")
    print("the reference evaluator agrees with the engine on every unit")


if __name__ == "__main__":
    main()
