"""The worked consequences of the default standard (design/standard.md), through the real pipeline.

Every test writes ordinary input files (CSV, English headers), imports them with
`scoring import`, scores with `scoring run` and reads `scoring scorecard --format json` or
`scoring rank --format json`: what a user would do, nothing mocked.

A unit made with `Scenario.unit` has full marks unless a test says otherwise: an honest
self-assessment (M3 达标), a survey of 30 answers all 满意 with 30 issued, no enquiries received,
100 information items submitted and window ratings averaging 5. Findings are dated late in
December unless a test gives a date, so their rectification deadlines fall after the period
and M2 is untouched unless the test is about M2.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conftest import KINDS, Workspace
from scoring.store.periods import parse_period

COLUMNS = {
    "units": ("code", "name", "type", "group"),
    "findings": ("id", "unit", "period", "date", "inspector", "code", "indicator", "count", "corrected_on_spot", "note"),
    "self-assessments": ("unit", "period", "indicator", "claim"),
    "survey": ("unit", "period", "respondent", "question", "answer"),
    "survey-issued": ("unit", "period", "issued"),
    "metrics": ("unit", "period", "metric", "value"),
}
# Indicators `lose` takes points from, with their maxima: deduct indicators no default row touches.
SPENDABLE = (("C3", 6), ("C1", 4), ("C2", 4), ("C4", 4), ("F1", 4), ("P3", 4), ("L1", 3), ("R1", 3), ("R2", 3),
             ("F2", 3), ("F3", 3), ("P1", 3), ("P2", 3))


class Scenario:
    """Units and their inputs, written as CSV files, imported and scored with the `scoring` command."""

    def __init__(self, ws: Workspace, folder: Path, periods: tuple[str, ...] = ("2024", "2025")):
        self.ws = ws
        self.folder = folder
        self.rows: dict[str, dict[tuple, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.findings = 0
        ws.init(*periods)

    # ---------------------------------------------------------------- inputs

    def unit(self, code: str, type: str = "city_department", *, period: str = "2025", group: str = "",
             self_assessed: bool = True, survey: bool = True, contacts: bool = True, submissions: bool = True,
             ratings: bool = True) -> str:
        self.rows["units"][(code,)] = {"code": code, "name": f"单位{code}", "type": type, "group": group}
        if self_assessed:
            self.claim(code, "M3", "compliant", period=period)
        if survey:
            self.survey(code, satisfied=30, issued=30, period=period)
        if contacts:
            self.metric(code, "contacts_received", 0, period=period)
        if submissions:
            self.metric(code, "info_submitted", 100, period=period)
        if ratings:
            self.metric(code, "window_ratings_count", 10, period=period)
            self.metric(code, "window_ratings_sum", 50, period=period)
        return code

    def finding(self, unit: str, code: str, *, indicator: str = "", count: int = 1, on_spot: bool = False,
                day: str | None = None, period: str = "2025", id: str | None = None) -> str:
        self.findings += 1
        ident = id or f"F-{self.findings:03d}"
        p = parse_period(period)
        self.rows["findings"][(ident,)] = {
            "id": ident, "unit": unit, "period": period, "date": day or (p.end - timedelta(days=5)).isoformat(),
            "inspector": "张明", "code": code, "indicator": indicator, "count": count,
            "corrected_on_spot": "是" if on_spot else "否", "note": f"{code} {indicator}".strip()}
        return ident

    def lose(self, unit: str, points: int) -> None:
        """Take whole points off a unit with INCOMPLETE findings (1 point each), spread over indicators."""
        for indicator, maximum in SPENDABLE:
            if points <= 0:
                return
            take = min(points, maximum)
            self.finding(unit, "INCOMPLETE", indicator=indicator, count=take)
            points -= take
        raise AssertionError("lose: asked for more points than the spendable indicators hold")

    def claim(self, unit: str, indicator: str, claim: str, *, period: str = "2025") -> None:
        self.rows["self-assessments"][(unit, period, indicator)] = {
            "unit": unit, "period": period, "indicator": indicator, "claim": claim}

    def survey(self, unit: str, *, satisfied: int = 0, basically_satisfied: int = 0, unsatisfied: int = 0,
               dont_know: int = 0, issued: int | None = None, period: str = "2025") -> None:
        """One question, one answer per respondent; replaces the unit's earlier survey."""
        for key in [k for k in self.rows["survey"] if k[0] == unit and k[1] == period]:
            del self.rows["survey"][key]
        n = 0
        for answer, times in (("满意", satisfied), ("基本满意", basically_satisfied), ("不满意", unsatisfied),
                              ("不了解", dont_know)):
            for _ in range(times):
                n += 1
                self.rows["survey"][(unit, period, n)] = {
                    "unit": unit, "period": period, "respondent": f"{unit}-{n:03d}",
                    "question": "您对本单位政务公开工作的总体评价", "answer": answer}
        self.rows["survey-issued"].pop((unit, period), None)
        if issued is not None:
            self.rows["survey-issued"][(unit, period)] = {"unit": unit, "period": period, "issued": issued}

    def no_survey(self, unit: str, period: str = "2025") -> None:
        self.survey(unit, period=period)

    def metric(self, unit: str, metric: str, value: Any, *, period: str = "2025") -> None:
        self.rows["metrics"][(unit, period, metric)] = {"unit": unit, "period": period, "metric": metric,
                                                        "value": value}

    def no_metric(self, unit: str, metric: str, period: str = "2025") -> None:
        self.rows["metrics"].pop((unit, period, metric), None)

    # ---------------------------------------------------------------- scoring and reading

    def score(self, period: str = "2025", as_of: str | None = None) -> None:
        """Write every kind to a CSV file, import it (again: re-imports are harmless) and run."""
        for kind in KINDS:
            rows = list(self.rows[kind].values())
            if not rows:
                continue
            path = self.folder / f"{kind}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS[kind])
                writer.writeheader()
                writer.writerows(rows)
            self.ws.invoke("import", kind, path)
        self.ws.invoke("run", "--period", period, *(["--as-of", as_of] if as_of else []))

    def card(self, unit: str, period: str = "2025", run: int | None = None) -> dict[str, Any]:
        extra = ["--run", run] if run else []
        return self.ws.json("scorecard", unit, "--period", period, *extra)

    def ranking(self, period: str = "2025", group: str | None = None) -> list[dict[str, Any]]:
        return self.ws.json("rank", "--period", period, *(["--group", group] if group else []))


@pytest.fixture
def scenario(new_workspace, tmp_path) -> Scenario:
    return Scenario(new_workspace(), tmp_path)


def indicator(card: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for d in card["dimensions"] for i in d["indicators"] if i["code"] == code)


def dimension(card: dict[str, Any], code: str) -> dict[str, Any]:
    return next(d for d in card["dimensions"] if d["code"] == code)


def score(card: dict[str, Any], code: str) -> str | None:
    return indicator(card, code)["score"]


def lines(card: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return indicator(card, code)["lines"]


def line(card: dict[str, Any], code: str, rule: str) -> dict[str, Any]:
    found = [entry for entry in lines(card, code) if entry["rule"] == rule]
    assert len(found) == 1, f"{code}: expected one {rule} line in {lines(card, code)}"
    return found[0]


def rules_on(card: dict[str, Any], code: str) -> list[str]:
    return [entry["rule"] for entry in lines(card, code)]


def items(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in card["rectifications"]}


def half_up(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


# ---------------------------------------------------------------- deductions, on the spot, floor


def test_three_stale_findings_and_one_corrected_on_the_spot(scenario):
    a = scenario.unit("D001")
    stale = scenario.finding(a, "CONTENT_STALE", count=3)
    fixed = scenario.finding(a, "CONTENT_STALE", on_spot=True)
    scenario.score()
    card = scenario.card(a)
    assert score(card, "T1") == "1.50"
    assert line(card, "T1", "CONTENT_STALE")["points"] == "-3.5"
    assert line(card, "T1", "CONTENT_STALE")["facts"] == [stale, fixed]
    # One rectification item: the finding corrected on the spot creates none.
    assert [(r["id"], r["finding"], r["indicator"]) for r in card["rectifications"]] == [(f"R-{stale}", stale, "T1")]
    assert card["base"] == "96.50"


def test_ten_undisclosed_items_on_c3_floor_at_zero(scenario):
    a = scenario.unit("D001")
    scenario.finding(a, "NOT_DISCLOSED", indicator="C3", count=10)
    scenario.score()
    card = scenario.card(a)
    assert score(card, "C3") == "0.00"
    assert line(card, "C3", "NOT_DISCLOSED")["points"] == "-20"
    floor = line(card, "C3", "FLOOR")
    assert (floor["kind"], floor["points"]) == ("floor", "14")
    # The lines add up exactly to what the indicator lost, and nothing spills onto its neighbours.
    assert sum(Decimal(entry["points"]) for entry in lines(card, "C3")) == Decimal("-6")
    assert [score(card, c) for c in ("C1", "C2", "C4", "C5")] == ["4.00", "4.00", "4.00", "2.00"]
    assert dimension(card, "D3")["score"] == "14.00"
    assert card["base"] == "94.00"
    assert len(card["rectifications"]) == 1


# ---------------------------------------------------------------- not applicable and the conversion


def test_township_t2_a1_not_applicable_and_base_converted_over_88(scenario):
    t = scenario.unit("T001", "township", ratings=False)
    scenario.finding(t, "NOT_DISCLOSED", indicator="C3")  # earned 86 of 88
    # A finding on an indicator that does not apply to townships changes nothing and orders nothing.
    scenario.finding(t, "REQUEST_MISHANDLED")
    scenario.claim(t, "T2", "not_applicable")
    scenario.score()
    card = scenario.card(t)
    for code, why in (("T2", "type"), ("A1", "type"), ("S2", "WINDOW_RATINGS_NONE")):
        ind = indicator(card, code)
        assert (ind["applicable"], ind["score"], ind["not_applicable_by"], ind["lines"]) == (False, None, why, [])
    applicable = [i for d in card["dimensions"] for i in d["indicators"] if i["applicable"]]
    assert sum(Decimal(i["max"]) for i in applicable) == 88
    earned = sum(Fraction(i["score"]) for i in applicable)
    assert earned == 86
    assert card["base"] == half_up(100 * earned / 88) == "97.73"
    assert card["score"] == "97.73"
    assert (dimension(card, "D5")["max"], dimension(card, "D7")["max"], dimension(card, "D9")["max"]) == ("5", "6", "7")
    assert [r["indicator"] for r in card["rectifications"]] == ["C3"]
    # T2's metric is no concern of a township's: no MISSING_METRIC, no NA_CLAIM_IGNORED.
    assert card["flags"] == []


# ---------------------------------------------------------------- veto, bonus


def test_veto_fails_whatever_the_score_and_ranks_last(scenario):
    v = scenario.unit("D001")
    scenario.finding(v, "SECRET_LEAK")
    w = scenario.unit("D002")
    scenario.finding(w, "FALSIFIED")
    scenario.lose(w, 2)
    a, b, c = scenario.unit("D003"), scenario.unit("D004"), scenario.unit("D005")
    scenario.lose(b, 1)
    scenario.lose(c, 15)
    g = scenario.unit("G001", "district_government")
    scenario.score()
    rows = scenario.ranking()
    got = [(r["unit"], r["rank"], r["score"], r["grade"], r["veto"]) for r in rows]
    assert got == [
        (a, 1, "100.00", "优秀", False),
        (b, 2, "99.00", "良好", False),  # a group of 5 keeps one 优秀 (see the quota test)
        (c, 3, "85.00", "良好", False),
        (v, 4, "100.00", "不合格", True),  # the best score of the group, and last
        (w, 5, "98.00", "不合格", True),  # vetoed units among themselves by score
        (g, 1, "100.00", "优秀", False),
    ]
    card = scenario.card(v)
    assert card["veto"] is True and card["grade"] == "不合格" and card["rank"] == 4
    assert [(x["rule"], x["facts"]) for x in card["veto_lines"]] == [("SECRET_LEAK", ["F-001"])]
    feed = {r["unit"]: r["feed_points"] for r in scenario.ws.json("feed", "--period", "2025")}
    assert (feed[v], feed[w], feed[a]) == ("0.00", "0.00", "4.00")


def test_bonus_is_capped_at_5(scenario):
    a = scenario.unit("D001")
    for code, count in (("DEMO_SITE_PROVINCE", 1), ("DEMO_SITE_CITY", 1), ("PRACTICE_PROMOTED", 2)):
        scenario.finding(a, code, count=count)
    b = scenario.unit("D002")
    scenario.finding(b, "DEMO_SITE_CITY")
    scenario.finding(b, "DEMO_SITE_CITY")  # once per period
    c = scenario.unit("D003")
    scenario.lose(c, 10)
    scenario.finding(c, "DEMO_SITE_PROVINCE")
    scenario.finding(c, "PRACTICE_PROMOTED", count=4)
    scenario.score()
    card = scenario.card(a)
    assert (card["base"], card["bonus"], card["score"]) == ("100.00", "5.00", "105.00")
    bonus = {x["rule"]: x["points"] for x in card["bonus_lines"]}
    assert bonus == {"DEMO_SITE_PROVINCE": "3", "DEMO_SITE_CITY": "2", "PRACTICE_PROMOTED": "2", "BONUS_CAP": "-2"}
    assert scenario.card(b)["bonus"] == "2.00"
    card = scenario.card(c)
    assert (card["base"], card["bonus"], card["score"]) == ("90.00", "5.00", "95.00")
    feed = {r["unit"]: r["feed_points"] for r in scenario.ws.json("feed", "--period", "2025")}
    assert feed[a] == "4.00"  # the feed takes the score up to 100
    assert feed[c] == "3.80"


# ---------------------------------------------------------------- repeat findings (屡查屡犯)


def test_repeat_finding_deducts_double_and_doubles_the_cap(scenario):
    a = scenario.unit("D001")
    earlier = scenario.finding(a, "CONTENT_STALE", period="2024")
    now = scenario.finding(a, "CONTENT_STALE")
    b = scenario.unit("D002")
    scenario.finding(b, "CONTENT_STALE", period="2024")
    scenario.finding(b, "CONTENT_STALE", period="2024")
    scenario.finding(b, "CONTENT_STALE")
    c = scenario.unit("D003")
    scenario.finding(c, "NOT_DISCLOSED", indicator="C2", period="2024")
    scenario.finding(c, "NOT_DISCLOSED", indicator="C3")  # same code, another indicator: not a repeat
    scenario.finding(c, "NOT_DISCLOSED", indicator="C2")
    d = scenario.unit("D004")
    scenario.finding(d, "STAFF_ABSENT", period="2024")
    scenario.finding(d, "STAFF_ABSENT", count=3)
    e = scenario.unit("D005")
    scenario.finding(e, "STAFF_ABSENT", period="2024")
    scenario.finding(e, "STAFF_ABSENT", count=5)
    f = scenario.unit("D006")
    scenario.finding(f, "STAFF_ABSENT", count=5)
    g = scenario.unit("D007")  # another unit's history is not this unit's
    scenario.finding(g, "CONTENT_STALE")
    scenario.score()

    card = scenario.card(a)
    assert score(card, "T1") == "3.00"
    stale = line(card, "T1", "CONTENT_STALE")
    assert stale["points"] == "-2" and set(stale["facts"]) == {earlier, now} and "×2" in stale["note"]
    assert score(scenario.card(b), "T1") == "3.00"  # doubled once, however often it was found before
    card = scenario.card(c)
    assert (score(card, "C3"), score(card, "C2")) == ("4.00", "0.00")
    # STAFF_ABSENT: 0.5 a time, cap 2; repeated: 1 a time, cap 4.
    card = scenario.card(d)
    assert score(card, "R3") == "1.00"
    card = scenario.card(e)
    assert score(card, "R3") == "0.00"
    assert line(card, "R3", "STAFF_ABSENT")["points"] == "-4" and "FLOOR" not in rules_on(card, "R3")
    card = scenario.card(f)
    assert score(card, "R3") == "2.00"
    assert line(card, "R3", "STAFF_ABSENT")["points"] == "-2"
    assert score(scenario.card(g), "T1") == "4.00"


# ---------------------------------------------------------------- self-assessment


def test_compliant_claim_contradicted_by_an_inspector_costs_m1_and_is_flagged(scenario):
    a = scenario.unit("D001")
    scenario.claim(a, "T1", "compliant")
    stale = scenario.finding(a, "CONTENT_STALE")
    b = scenario.unit("D002")
    scenario.claim(b, "T1", "compliant")
    scenario.finding(b, "CONTENT_STALE")
    scenario.finding(b, "CONTENT_STALE", count=2)  # two findings on one indicator: one point
    c = scenario.unit("D003")
    scenario.claim(c, "C3", "compliant")
    scenario.finding(c, "NOT_DISCLOSED", indicator="C2")  # another indicator: no contradiction
    scenario.score()

    card = scenario.card(a)
    assert score(card, "M1") == "2.00"
    mismatch = line(card, "M1", "SELF_REPORT_MISMATCH")
    assert mismatch["points"] == "-1" and stale in mismatch["facts"]
    assert indicator(card, "T1")["flags"] == ["SELF_REPORT_MISMATCH"]
    assert card["flags"] == ["SELF_REPORT_MISMATCH"]
    assert score(scenario.card(b), "M1") == "2.00"
    card = scenario.card(c)
    assert score(card, "M1") == "3.00" and card["flags"] == []


def test_three_contradicted_claims_are_flagged_falsified_suspected_not_vetoed(scenario):
    a = scenario.unit("D001")
    for ind, code in (("T1", "CONTENT_STALE"), ("F1", "WEBSITE_BROKEN"), ("P3", "NO_RESULT")):
        scenario.claim(a, ind, "compliant")
        scenario.finding(a, code)
    b = scenario.unit("D002")
    for ind, code in (("T1", "CONTENT_STALE"), ("F1", "WEBSITE_BROKEN")):
        scenario.claim(b, ind, "compliant")
        scenario.finding(b, code)
    scenario.score()
    card = scenario.card(a)
    assert score(card, "M1") == "0.00"
    assert card["flags"] == ["FALSIFIED_SUSPECTED", "SELF_REPORT_MISMATCH"]
    for ind in ("T1", "F1", "P3"):
        assert "SELF_REPORT_MISMATCH" in indicator(card, ind)["flags"]
    # For leaders to review: no automatic veto.
    assert (card["veto"], card["score"], card["grade"]) == (False, "93.00", "良好")  # 良好 by the quota, not 不合格
    card = scenario.card(b)
    assert score(card, "M1") == "1.00" and card["flags"] == ["SELF_REPORT_MISMATCH"]


def test_no_self_assessment_costs_m1_three(scenario):
    a = scenario.unit("D001", self_assessed=False)
    scenario.score()
    card = scenario.card(a)
    assert score(card, "M1") == "0.00"
    assert [(x["rule"], x["points"]) for x in lines(card, "M1")] == [("SELF_ASSESSMENT_MISSING", "-3")]
    assert card["base"] == "97.00"


def test_self_reported_shortfalls(scenario):
    a = scenario.unit("D001")
    scenario.claim(a, "C3", "noncompliant")  # −50% of 6
    scenario.claim(a, "F1", "partial")  # −25% of 4
    scenario.claim(a, "P4", "partial")  # −25% of 2
    scenario.claim(a, "C4", "not_applicable")  # C4 applies to every unit: ignored, flagged
    b = scenario.unit("D002")
    scenario.claim(b, "C3", "noncompliant")
    scenario.finding(b, "NOT_DISCLOSED", indicator="C3", count=2)  # the inspector's finding still deducts
    t = scenario.unit("T001", "township")
    scenario.claim(t, "A1", "noncompliant")  # not applicable to a township: nothing to deduct
    scenario.claim(t, "T2", "not_applicable")  # truly not applicable: no flag
    scenario.score()

    card = scenario.card(a)
    assert (score(card, "C3"), score(card, "F1"), score(card, "P4"), score(card, "C4")) == ("3.00", "3.00", "1.50", "4.00")
    assert line(card, "C3", "SELF_NONCOMPLIANT")["points"] == "-3"
    assert line(card, "F1", "SELF_PARTIAL")["points"] == "-1"
    assert line(card, "P4", "SELF_PARTIAL")["points"] == "-0.5"
    assert lines(card, "C4") == [] and indicator(card, "C4")["flags"] == ["NA_CLAIM_IGNORED"]
    assert card["flags"] == ["NA_CLAIM_IGNORED"]
    assert score(card, "M1") == "3.00"  # claiming a shortfall is honest

    card = scenario.card(b)
    assert score(card, "C3") == "0.00"
    assert [(x["rule"], x["points"]) for x in lines(card, "C3")] == [
        ("NOT_DISCLOSED", "-4"), ("SELF_NONCOMPLIANT", "-3"), ("FLOOR", "1")]

    card = scenario.card(t)
    assert indicator(card, "A1")["applicable"] is False and lines(card, "A1") == []
    assert card["flags"] == []
    assert card["base"] == "100.00"


# ---------------------------------------------------------------- rectification overdue (整改超期)


def test_rectification_overdue_costs_m2_until_rectified(scenario):
    a = scenario.unit("D001")
    early = scenario.finding(a, "CONTENT_STALE", day="2025-03-01")  # due 2025-03-16
    late = scenario.finding(a, "BOARD_MISSING", day="2025-12-28")  # due 2026-01-12, after the period
    scenario.finding(a, "GUIDE_MISSING", day="2025-03-01", on_spot=True)  # corrected on the spot: no item
    scenario.finding(a, "OVERTIME_RED", day="2025-02-01")  # a fact, nothing to rectify
    scenario.score()  # run 1, as of 2025-12-31
    card = scenario.card(a)
    assert score(card, "M2") == "4.00"
    assert line(card, "M2", "RECTIFICATION_OVERDUE")["facts"] == [f"R-{early}"]
    listed = items(card)
    assert sorted(listed) == [f"R-{early}", f"R-{late}"]
    assert (listed[f"R-{early}"]["deadline"], listed[f"R-{early}"]["status"], listed[f"R-{early}"]["overdue"]) == (
        "2025-03-16", "open", True)
    assert (listed[f"R-{late}"]["deadline"], listed[f"R-{late}"]["overdue"]) == ("2026-01-12", False)

    for as_of, m2 in (("2025-03-15", "5.00"), ("2025-03-16", "4.00"), ("2026-02-01", "4.00")):
        scenario.ws.invoke("run", "--period", "2025", "--as-of", as_of)
        assert score(scenario.card(a), "M2") == m2, f"as of {as_of}"

    store = scenario.ws.store()
    try:
        store.set_rectification_status(f"R-{early}", "in_progress", "在改", "")
    finally:
        store.close()
    scenario.ws.invoke("run", "--period", "2025")
    assert score(scenario.card(a), "M2") == "4.00"  # in progress is not done

    store = scenario.ws.store()
    try:
        store.set_rectification_status(f"R-{early}", "rectified", "栏目已更新", "photo.jpg")
    finally:
        store.close()
    scenario.ws.invoke("run", "--period", "2025")
    card = scenario.card(a)
    assert score(card, "M2") == "5.00"
    assert "RECTIFICATION_OVERDUE" not in rules_on(card, "M2")
    assert (items(card)[f"R-{early}"]["status"], items(card)[f"R-{early}"]["overdue"]) == ("rectified", False)
    assert score(scenario.card(a, run=1), "M2") == "4.00"  # the first run is as it was


def test_an_item_from_last_period_due_in_this_period_counts_here(scenario):
    b = scenario.unit("D002")
    scenario.unit("D002", period="2024")
    carried = scenario.finding(b, "CONTENT_STALE", day="2024-12-25", period="2024")  # due 2025-01-09
    scenario.score("2024")
    assert score(scenario.card(b, "2024"), "M2") == "5.00"  # not due within 2024
    scenario.score("2025")
    card = scenario.card(b)
    assert score(card, "M2") == "4.00"
    assert line(card, "M2", "RECTIFICATION_OVERDUE")["facts"] == [f"R-{carried}"]
    assert score(card, "T1") == "5.00"


# ---------------------------------------------------------------- S1 satisfaction


def test_satisfaction_bands_and_sample_flags(scenario):
    cases = {  # unit: (survey, expected S1, SURVEY_SAMPLE_SMALL expected)
        # 大庆: 230 issued, 186 returned, 89% favourable → 85–90% band.
        "D001": (dict(satisfied=150, basically_satisfied=16, unsatisfied=15, dont_know=5, issued=230), "5.00", False),
        "D002": (dict(satisfied=90, dont_know=10, issued=100), "6.00", False),  # 不了解 counts in the denominator
        "D003": (dict(satisfied=95, unsatisfied=5, issued=100), "7.00", False),  # exactly 95%
        "D004": (dict(satisfied=50, basically_satisfied=20, unsatisfied=30, issued=100), "2.00", False),  # 70%
        "D005": (dict(satisfied=69, unsatisfied=31, issued=100), "0.00", False),
        "D006": (dict(satisfied=29, issued=29), "7.00", True),  # fewer than 30 returned
        "D007": (dict(satisfied=30, issued=60), "7.00", False),  # 30 returned, exactly 50%
        "D008": (dict(satisfied=30, issued=61), "7.00", True),  # below 50% returned
        "D009": (dict(satisfied=40), "7.00", False),  # issued unknown: only the count is judged
    }
    for code, (answers, _, _) in cases.items():
        scenario.unit(code)
        scenario.survey(code, **answers)
    scenario.unit("D010", survey=False)
    scenario.score()
    for code, (_, s1, small) in cases.items():
        card = scenario.card(code)
        assert score(card, "S1") == s1, code
        assert ("SURVEY_SAMPLE_SMALL" in card["flags"]) is small, code
        assert "MISSING_SURVEY" not in card["flags"], code
    card = scenario.card("D001")
    assert line(card, "S1", "SURVEY_SATISFACTION")["note"] == "0.8925 → 5"
    card = scenario.card("D010")
    assert score(card, "S1") == "0.00"
    assert card["flags"] == ["MISSING_SURVEY"]
    assert line(card, "S1", "SURVEY_MISSING")["points"] == "0"


# ---------------------------------------------------------------- A2, T2, S2


def test_completion_rate_a2(scenario):
    cases = {
        "G001": ({"contacts_received": 12459, "contacts_resolved": 12422}, "4.00", False),  # 乌海 99.7%
        "D001": ({"contacts_received": 0}, "4.00", False),
        "D002": ({}, "0.00", True),
        "D003": ({"contacts_received": 100, "contacts_resolved": 95}, "3.00", False),
        "D004": ({"contacts_received": 100, "contacts_resolved": 94}, "2.00", False),
        "D005": ({"contacts_received": 100, "contacts_resolved": 89}, "0.00", False),
        "D006": ({"contacts_received": 10}, "0.00", True),  # received but no resolved count
    }
    for code, (metrics, _, _) in cases.items():
        scenario.unit(code, "district_government" if code.startswith("G") else "city_department", contacts=False)
        for name, value in metrics.items():
            scenario.metric(code, name, value)
    scenario.score()
    for code, (_, a2, missing) in cases.items():
        card = scenario.card(code)
        assert score(card, "A2") == a2, code
        assert ("MISSING_METRIC" in card["flags"]) is missing, code
        assert ("MISSING_METRIC" in indicator(card, "A2").get("flags", [])) is missing, code
    assert line(scenario.card("G001"), "A2", "CONTACTS_COMPLETION_RATE")["note"] == "0.997 → 4"


def test_information_submission_quota_t2(scenario):
    cases = {
        "D001": ("city_department", 12, "2.50"),  # 12 of 2 × 12
        "G001": ("district_government", 40, "5.00"),  # over 3 × 12: full marks, no more
        "G002": ("district_government", 18, "2.50"),  # 18 of 36
        "D002": ("city_department", 10, "2.08"),  # 5 × 10/24, exact until the end
    }
    for code, (kind, submitted, _) in cases.items():
        scenario.unit(code, kind)
        scenario.metric(code, "info_submitted", submitted)
    scenario.unit("D003", submissions=False)
    scenario.unit("T001", "township", submissions=False)
    scenario.score()
    for code, (_, _, t2) in cases.items():
        assert score(scenario.card(code), "T2") == t2, code
    card = scenario.card("D002")
    assert card["base"] == half_up(Fraction(100) * (95 + Fraction(5 * 10, 24)) / 100) == "97.08"
    assert dimension(card, "D5")["score"] == "7.08"
    card = scenario.card("D003")
    assert score(card, "T2") == "0.00" and card["flags"] == ["MISSING_METRIC"]
    card = scenario.card("T001")
    assert indicator(card, "T2")["applicable"] is False and card["flags"] == []


def test_t2_quota_follows_the_months_of_the_period(new_workspace, tmp_path):
    scenario = Scenario(new_workspace(), tmp_path, periods=("2024H2", "2025H1"))
    scenario.unit("D001", period="2025H1")
    scenario.metric("D001", "info_submitted", 6, period="2025H1")  # 6 of 2 × 6
    scenario.unit("G001", "district_government", period="2025H1")
    scenario.metric("G001", "info_submitted", 18, period="2025H1")  # 18 of 3 × 6
    scenario.score("2025H1")
    assert score(scenario.card("D001", "2025H1"), "T2") == "2.50"
    assert score(scenario.card("G001", "2025H1"), "T2") == "5.00"


def test_window_ratings_s2(scenario):
    a = scenario.unit("D001", ratings=False)
    b = scenario.unit("D002")
    scenario.metric(b, "window_ratings_count", 200)
    scenario.metric(b, "window_ratings_sum", 740)  # average 3.7
    c = scenario.unit("D003", ratings=False)
    scenario.metric(c, "window_ratings_count", 0)
    scenario.metric(c, "window_ratings_sum", 0)
    d = scenario.unit("D004", ratings=False)
    scenario.lose(d, 6)
    scenario.score()
    card = scenario.card(a)
    s2 = indicator(card, "S2")
    assert (s2["applicable"], s2["score"], s2["not_applicable_by"]) == (False, None, "WINDOW_RATINGS_NONE")
    assert dimension(card, "D9")["max"] == "7"
    assert card["base"] == "100.00"  # 97 of 97
    assert score(scenario.card(b), "S2") == "1.00"
    assert indicator(scenario.card(c), "S2")["applicable"] is False
    assert scenario.card(d)["base"] == half_up(Fraction(100 * 91, 97)) == "93.81"


# ---------------------------------------------------------------- ranking and the excellence quota


def test_equal_scores_share_a_rank_and_the_next_rank_skips(scenario):
    for code, lost in (("D004", 2), ("D003", 1), ("D001", 0), ("D002", 1)):
        scenario.unit(code)
        scenario.lose(code, lost)
    scenario.unit("G001", "district_government")
    scenario.lose("G001", 3)
    scenario.unit("P001", "public_institution", group="city_department")  # a units file may set the group
    scenario.lose("P001", 4)
    scenario.score()
    rows = scenario.ranking()
    assert [(r["unit"], r["group"], r["rank"], r["score"]) for r in rows] == [
        ("D001", "city_department", 1, "100.00"),
        ("D002", "city_department", 2, "99.00"),
        ("D003", "city_department", 2, "99.00"),
        ("D004", "city_department", 4, "98.00"),
        ("P001", "city_department", 5, "95.60"),  # T2 and A1 do not apply: 87 of 91
        ("G001", "district_government", 1, "97.00"),
    ]
    assert [r["unit"] for r in scenario.ranking(group="city_department")] == ["D001", "D002", "D003", "D004", "P001"]


def test_ties_are_judged_on_the_score_as_rounded(scenario):
    # 5 × 23/24 for T2: 95 + 115/24 = 99.7916… of 100, and (92 + 115/24) of 97 = 99.7852…: both show 99.79.
    scenario.unit("D001")
    scenario.unit("D002")
    scenario.metric("D002", "info_submitted", 23)
    scenario.unit("D003", ratings=False)
    scenario.metric("D003", "info_submitted", 23)
    scenario.unit("D004")
    scenario.lose("D004", 1)
    scenario.score()
    got = [(r["unit"], r["rank"], r["score"]) for r in scenario.ranking()]
    assert got == [("D001", 1, "100.00"), ("D002", 2, "99.79"), ("D003", 2, "99.79"), ("D004", 4, "99.00")]


def test_excellence_quota(scenario):
    # Group of 10 city departments: 20% → 2 may be 优秀; ranks 1, 2, 2 all keep it (tie at the boundary).
    losses = {"D01": 0, "D02": 1, "D03": 1, "D04": 2, "D05": 3, "D06": 4, "D07": 5, "D08": 9, "D09": 11, "D10": 25}
    for code, lost in losses.items():
        scenario.unit(code)
        scenario.lose(code, lost)
    # Group of 4 districts: 20% rounds down to 0, at least 1 keeps it.
    for code, lost in (("G01", 1), ("G02", 2), ("G03", 3), ("G04", 9)):
        scenario.unit(code, "district_government")
        scenario.lose(code, lost)
    scenario.score()
    got = {r["unit"]: (r["rank"], r["score"], r["grade"]) for r in scenario.ranking()}
    assert got == {
        "D01": (1, "100.00", "优秀"), "D02": (2, "99.00", "优秀"), "D03": (2, "99.00", "优秀"),
        "D04": (4, "98.00", "良好"), "D05": (5, "97.00", "良好"), "D06": (6, "96.00", "良好"),
        "D07": (7, "95.00", "良好"), "D08": (8, "91.00", "良好"), "D09": (9, "89.00", "良好"),
        "D10": (10, "75.00", "合格"),
        "G01": (1, "99.00", "优秀"), "G02": (2, "98.00", "良好"), "G03": (3, "97.00", "良好"),
        "G04": (4, "91.00", "良好"),
    }


def test_no_self_report_mismatch_where_the_finding_deducted_nothing(scenario):
    a = scenario.unit("D001", ratings=False)  # S2: not applicable (WINDOW_RATINGS_NONE)
    scenario.claim(a, "S2", "compliant")
    scenario.finding(a, "NOT_DISCLOSED", indicator="S2")
    scenario.score()
    card = scenario.card(a)
    assert indicator(card, "S2")["applicable"] is False and lines(card, "S2") == []
    # Either the claim was contradicted by a deduction (M1 −1 and the flag) or it was not (neither).
    assert (score(card, "M1"), card["flags"]) == ("3.00", [])
