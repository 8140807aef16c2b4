"""Property tests of the scoring invariants (design/quality.md, "Scoring invariants").

Random but valid workspaces under the default standard: a handful of units of every type in
period 2025 (2024 as the previous period) with findings, previous-period findings,
self-assessments, survey answers and metrics, written straight through the store (no CSV).
Unit tests of `ranking.competition_ranks` and `ranking.place` close the file.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.store.periods import parse_period
from scoring.engine.ranking import Standing, competition_ranks, place
from scoring.outputs.results import rank_rows, scorecard
from scoring.engine.orders import issue_orders
from scoring.engine.runner import documents, run_period, score_all
from scoring.standard import load_default
from scoring.store import Store

STANDARD = load_default()
CRITERIA = STANDARD.criteria
PERIOD = parse_period("2025")
PREVIOUS = PERIOD.previous
TYPES = tuple(CRITERIA.unit_types)
INDICATORS = tuple(STANDARD.indicators)
CODES = CRITERIA.finding_codes
DEFECTS = tuple(sorted(c for c, fc in CODES.items() if fc.kind == "defect"))
EVENTS = tuple(sorted(c for c, fc in CODES.items() if fc.kind != "defect"))
GIVEN = tuple(sorted(c for c, fc in CODES.items() if fc.indicator == "given"))  # the row names the indicator
CLAIMS = ("compliant", "partial", "noncompliant", "not_applicable")
ANSWERS = ("satisfied", "basically_satisfied", "unsatisfied", "dont_know")
KINDS = ("units", "findings", "self-assessments", "survey", "survey-issued", "metrics")
PLACEMENT_KEYS = ("rank", "grade", "grade_code")  # depend on the other units of the group
CENT = Decimal("0.01")
D = Decimal

PROPS = settings(max_examples=30, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

assert {"T2", "A1"} <= set(INDICATORS) and "township" in TYPES  # what the tests below lean on


# ---------------------------------------------------------------- strategies


@st.composite
def finding_rows(draw, unit: str, period, ident: str, codes=DEFECTS, indicators=INDICATORS) -> dict[str, Any]:
    code = draw(st.sampled_from(codes))
    fixed = CODES[code].indicator
    return {"id": ident, "unit": unit, "period": period.code,
            "date": draw(st.dates(period.start, period.end)).isoformat(), "inspector": None, "code": code,
            "indicator": draw(st.sampled_from(indicators)) if fixed == "given" else fixed,
            "count": draw(st.integers(1, 5)), "corrected_on_spot": int(draw(st.booleans())),
            "note": None, "evidence": None}


def _maybe(strategy):
    """Mostly there: a missing metric is a case, not the rule."""
    return st.one_of(st.none(), strategy, strategy)


def _amount(low: int, high: int):
    """A metric value: a whole number, now and then with one decimal (metrics are any decimal >= 0)."""
    return st.one_of(st.integers(low, high), st.integers(low, high), st.integers(10 * low, 10 * high).map(
        lambda v: format((Decimal(v) / 10).normalize(), "f")))


@st.composite
def unit_inputs(draw, code: str) -> dict[str, list[dict[str, Any]]]:
    """All input rows of one unit but its units row."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    # Defects three times as likely as each event, so vetoes and bonuses come up but do not dominate.
    pool = DEFECTS * 3 + EVENTS
    findings: list[dict[str, Any]] = []
    for i in range(draw(st.sampled_from((0, 0, 1, 2, 3, 4, 5, 6)))):
        f = draw(finding_rows(code, PERIOD, f"F-{code}-{i}", pool))
        if findings and draw(st.integers(0, 2)) == 0:
            # The same problem found again this period (same code and indicator): joins, caps, repeats.
            same = findings[draw(st.integers(0, len(findings) - 1))]
            f = {**f, "code": same["code"], "indicator": same["indicator"]}
        findings.append(f)
    rows["findings"] += findings
    # Repeats (屡查屡犯) need the same (code, indicator) last period: copy some, add a few at random.
    for i, f in enumerate(findings):
        if CODES[f["code"]].kind == "defect" and draw(st.integers(0, 2)) == 0:
            prev = draw(finding_rows(code, PREVIOUS, f"P-{code}-{i}", (f["code"],)))
            rows["findings"].append({**prev, "indicator": f["indicator"]})
    for i in range(draw(st.integers(0, 2))):
        rows["findings"].append(draw(finding_rows(code, PREVIOUS, f"Q-{code}-{i}")))
    if draw(st.integers(0, 3)):
        # Claims lean towards indicators with findings so that 自查不实 comes up.
        found = [f["indicator"] for f in findings if f["indicator"]]
        claims = draw(st.dictionaries(st.sampled_from(tuple(found) * 4 + INDICATORS), st.sampled_from(CLAIMS),
                                      min_size=1, max_size=5))
        rows["self-assessments"] = [{"unit": code, "period": PERIOD.code, "indicator": ind, "claim": claim,
                                     "note": None, "evidence": None} for ind, claim in sorted(claims.items())]
    if draw(st.integers(0, 3)):
        for question in range(draw(st.integers(1, 2))):
            counts = [draw(st.integers(0, 35)), draw(st.integers(0, 6)), draw(st.integers(0, 4)),
                      draw(st.integers(0, 3))]
            n = 0
            for answer, times in zip(ANSWERS, counts):
                for _ in range(times):
                    n += 1
                    rows["survey"].append({"unit": code, "period": PERIOD.code, "respondent": f"R{n}",
                                           "question": f"Q{question + 1}", "answer": answer})
        issued = draw(_maybe(st.integers(0, 80)))
        if issued is not None:
            rows["survey-issued"].append({"unit": code, "period": PERIOD.code, "issued": issued})
    metrics: dict[str, Any] = {}
    received = metrics["contacts_received"] = draw(_maybe(st.integers(0, 200)))
    metrics["contacts_resolved"] = draw(_maybe(st.integers(max(0, (received or 0) - 12), received or 5)))
    metrics["info_submitted"] = draw(_maybe(_amount(0, 40)))
    count = metrics["window_ratings_count"] = draw(_maybe(st.integers(0, 50)))
    metrics["window_ratings_sum"] = draw(_maybe(_amount(3 * (count or 0), 5 * (count or 1))))
    rows["metrics"] = [{"unit": code, "period": PERIOD.code, "metric": name, "value": str(value)}
                       for name, value in metrics.items() if value is not None]
    if draw(st.integers(0, 3)) == 0:
        # Last period's claims, answers and figures: they must not count in this period.
        for kind in ("self-assessments", "survey", "survey-issued"):
            rows[kind] += [{**r, "period": PREVIOUS.code} for r in rows[kind][: draw(st.integers(0, 3))]]
        if not any(r["period"] == PREVIOUS.code and r["indicator"] == "M1" for r in rows["self-assessments"]):
            rows["self-assessments"].append({"unit": code, "period": PREVIOUS.code, "indicator": "M1",
                                             "claim": "compliant", "note": None, "evidence": None})
        rows["metrics"] += [{"unit": code, "period": PREVIOUS.code, "metric": name, "value": "1"}
                            for name in CRITERIA.metrics if draw(st.booleans())]
    return rows


@st.composite
def workspaces(draw, min_units: int = 2, max_units: int = 5) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(min_units, max_units))
    one_group = draw(st.integers(0, 3)) == 0  # sometimes a units file puts everyone in one ranking group
    ws: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    made: list[tuple[str, str, dict[str, list[dict[str, Any]]]]] = []
    for i in range(n):
        code = f"U{i + 1:02d}"
        if made and draw(st.integers(0, 4)) == 0:
            # A twin: another unit's type and inputs under this code, so that ties come up.
            _, unit_type, inputs = made[draw(st.integers(0, len(made) - 1))]
            inputs = rename(inputs, code)
        else:
            unit_type = draw(st.sampled_from(TYPES))
            inputs = draw(unit_inputs(code))
        made.append((code, unit_type, inputs))
        ws["units"].append({"code": code, "name": f"单位{i + 1}", "type": unit_type,
                            "ranking_group": "综合" if one_group else unit_type, "parent": None})
        for kind in KINDS[1:]:
            ws[kind] += inputs[kind]
    return ws


def rename(inputs: dict[str, list[dict[str, Any]]], code: str) -> dict[str, list[dict[str, Any]]]:
    """Another unit's rows under this unit's code; finding ids F-U01-3 become F-<code>-3."""
    def moved(row: dict[str, Any]) -> dict[str, Any]:
        row = {**row, "unit": code}
        if "id" in row:
            prefix, _, rest = row["id"].partition("-")
            row["id"] = f"{prefix}-{code}-{rest.rsplit('-', 1)[1]}"
        return row

    return {kind: [moved(r) for r in rows] for kind, rows in inputs.items()}


# ---------------------------------------------------------------- workspaces and scoring


def build(ws: dict[str, list[dict[str, Any]]], rnd: random.Random | None = None, times: int = 1) -> Store:
    store = Store(":memory:", create=True)
    store.create_schema()
    periods = [PERIOD, PREVIOUS]
    kinds = list(KINDS)
    if rnd:
        rnd.shuffle(periods)
        rnd.shuffle(kinds)
    for p in periods:
        store.add_period(p.code, p.kind, p.start.isoformat(), p.end.isoformat(), p.months)
    for _ in range(times):
        for kind in kinds:
            rows = [dict(r) for r in ws[kind]]
            if rnd:
                rnd.shuffle(rows)
            if rows:
                store.write_rows(kind, rows)
    # As an import does: the findings' rectification orders are issued once they are recorded.
    issue_orders(store, STANDARD, {(f["unit"], f["period"]) for f in ws["findings"]})
    return store


def docs_of(store: Store) -> list[dict[str, Any]]:
    scores = score_all(store, STANDARD, PERIOD, PERIOD.end)
    return documents(STANDARD, PERIOD, scores)


def score(ws: dict[str, list[dict[str, Any]]], rnd: random.Random | None = None) -> list[dict[str, Any]]:
    store = build(ws, rnd)
    try:
        return docs_of(store)
    finally:
        store.close()


def by_unit(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["unit"]: d for d in docs}


def without_placement(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in PLACEMENT_KEYS}


def dump(docs: Any) -> str:
    return json.dumps(docs, ensure_ascii=False, sort_keys=True)


def indicators_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for d in doc["dimensions"] for i in d["indicators"]}


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_sum(indicator: dict[str, Any]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 120
        return sum((D(line["points"]) for line in indicator["lines"]), D(0))


def exact_score(indicator: dict[str, Any]) -> Decimal:
    """An indicator's points before rounding, from its explanation lines."""
    with localcontext() as ctx:
        ctx.prec = 120
        return line_sum(indicator) + (D(indicator["max"]) if indicator["method"] == "deduct" else 0)


def window_rated(ws: dict[str, list[dict[str, Any]]], unit: str) -> bool:
    return any(m["unit"] == unit and m["period"] == PERIOD.code and m["metric"] == "window_ratings_count"
               and D(m["value"]) > 0 for m in ws["metrics"])


# ---------------------------------------------------------------- oracles


def check_bounds(doc: dict[str, Any]) -> None:
    for dim in doc["dimensions"]:
        for ind in dim["indicators"]:
            if ind["applicable"]:
                assert D(0) <= D(ind["score"]) <= D(ind["max"]), (doc["unit"], ind)
            else:
                assert ind["score"] is None and ind["lines"] == [], (doc["unit"], ind)
        if dim["applicable"]:
            assert D(0) <= D(dim["score"]) <= D(dim["max"]), (doc["unit"], dim["code"], dim["score"], dim["max"])
        else:
            assert dim["score"] is None and D(dim["max"]) == 0
    assert D(0) <= D(doc["base"]) <= D(100), doc["base"]
    assert D(0) <= D(doc["bonus"]) <= CRITERIA.bonus_cap, doc["bonus"]
    assert D(doc["score"]) == D(doc["base"]) + D(doc["bonus"]), (doc["score"], doc["base"], doc["bonus"])


def check_lines(doc: dict[str, Any]) -> None:
    for unit_ind in indicators_of(doc).values():
        if not unit_ind["applicable"]:
            continue
        total = line_sum(unit_ind)
        assert all(line["kind"] in ("deduct", "score", "floor") for line in unit_ind["lines"]), unit_ind
        if unit_ind["method"] == "deduct":
            # Every deduct score is a whole number of cents, so this is exact.
            assert total == D(unit_ind["score"]) - D(unit_ind["max"]), (doc["unit"], unit_ind)
            assert not any(line["kind"] == "score" for line in unit_ind["lines"]), unit_ind
        else:
            assert round2(total) == D(unit_ind["score"]), (doc["unit"], unit_ind)
            assert sum(line["kind"] == "score" for line in unit_ind["lines"]) == 1, unit_ind


def check_applicability(doc: dict[str, Any], ws: dict[str, list[dict[str, Any]]]) -> None:
    inds = indicators_of(doc)
    for code, ind in inds.items():
        expected = STANDARD.applies(code, doc["type"]) and (code != "S2" or window_rated(ws, doc["unit"]))
        assert ind["applicable"] == expected, (doc["unit"], doc["type"], code)
    if doc["type"] in ("township", "public_institution"):
        assert not inds["T2"]["applicable"] and not inds["A1"]["applicable"]
        assert inds["T2"]["not_applicable_by"] == inds["A1"]["not_applicable_by"] == "type"
    with localcontext() as ctx:
        ctx.prec = 120
        earned = possible = D(0)
        for dim in doc["dimensions"]:
            applicable = [i for i in dim["indicators"] if i["applicable"]]
            assert D(dim["max"]) == sum((D(i["max"]) for i in applicable), D(0)), (doc["unit"], dim["code"])
            assert dim["applicable"] == bool(applicable)
            if applicable:
                assert D(dim["score"]) == round2(sum((exact_score(i) for i in applicable), D(0)))
            earned += sum((exact_score(i) for i in applicable), D(0))
            possible += sum((D(i["max"]) for i in applicable), D(0))
        assert D(doc["base"]) == round2(100 * earned / possible), (doc["unit"], doc["base"], earned, possible)


def expected_grade(score: Decimal, veto: bool, rank: int, group_size: int) -> str:
    if veto:
        return "不合格"
    if score >= 90:
        allowed = max(1, int((D("0.2") * group_size).to_integral_value(rounding=ROUND_FLOOR)))
        return "优秀" if rank <= allowed else "良好"
    return "良好" if score >= 80 else "合格" if score >= 60 else "不合格"


def expected_feed(score: Decimal, veto: bool) -> Decimal:
    return D("0.00") if veto else round2(4 * min(score, D(100)) / 100)


def check_ranking(rows: list[tuple[str, str, Decimal, bool, int, str, Decimal]]) -> None:
    """rows: (unit, group, score, veto, rank, grade, feed)."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row[1], []).append(row)
    for members in groups.values():
        clean = [r for r in members if not r[3]]
        vetoed = [r for r in members if r[3]]
        for r in clean:
            assert r[4] == 1 + sum(o[2] > r[2] for o in clean), (r, members)
        for r in vetoed:
            assert r[4] == len(clean) + 1 + sum(o[2] > r[2] for o in vetoed), (r, members)
        for r in members:
            assert r[5] == expected_grade(r[2], r[3], r[4], len(members)), (r, members)
            assert r[6] == expected_feed(r[2], r[3]), r


def ranking_rows(docs: list[dict[str, Any]]) -> list[tuple]:
    return [(d["unit"], d["group"], D(d["score"]), d["veto"], d["rank"], d["grade"], D(d["feed_points"]))
            for d in docs]


def assert_not_higher(new: dict[str, Any], old: dict[str, Any]) -> None:
    """Every score of `new` at most the same score of `old` (same unit, same applicability)."""
    for nd, od in zip(new["dimensions"], old["dimensions"]):
        assert nd["applicable"] == od["applicable"] and nd["max"] == od["max"], nd["code"]
        if nd["applicable"]:
            assert D(nd["score"]) <= D(od["score"]), (nd["code"], nd["score"], od["score"])
        for ni, oi in zip(nd["indicators"], od["indicators"]):
            assert ni["applicable"] == oi["applicable"], ni["code"]
            if ni["applicable"]:
                assert D(ni["score"]) <= D(oi["score"]), (ni["code"], ni["score"], oi["score"], ni["lines"], oi["lines"])
    assert D(new["base"]) <= D(old["base"])
    assert new["bonus"] == old["bonus"] and new["veto"] == old["veto"]
    assert D(new["score"]) <= D(old["score"])


# ---------------------------------------------------------------- 1. bounds


@PROPS
@given(ws=workspaces())
def test_every_score_within_its_bounds(ws):
    for doc in score(ws):
        check_bounds(doc)


# ---------------------------------------------------------------- 2. monotone in deducting findings


@PROPS
@given(ws=workspaces(max_units=4), data=st.data())
def test_adding_a_deducting_finding_never_raises_removing_never_lowers(ws, data):
    before = by_unit(score(ws))
    unit = data.draw(st.sampled_from(sorted(before)), label="unit")
    # A finding of this period, or of the previous one (it can only make this period's a repeat).
    period = data.draw(st.sampled_from([PERIOD, PREVIOUS]), label="period")
    extra = data.draw(finding_rows(unit, period, "EXTRA"), label="extra")
    added = by_unit(score({**ws, "findings": ws["findings"] + [extra]}))
    assert_not_higher(added[unit], before[unit])
    for code in before:
        if code != unit:
            assert without_placement(added[code]) == without_placement(before[code])

    defects = [f for f in ws["findings"] if CODES[f["code"]].kind == "defect"]
    if defects:
        gone = data.draw(st.sampled_from(defects), label="removed")
        removed = by_unit(score({**ws, "findings": [f for f in ws["findings"] if f["id"] != gone["id"]]}))
        assert_not_higher(before[gone["unit"]], removed[gone["unit"]])
        for code in before:
            if code != gone["unit"]:
                assert without_placement(removed[code]) == without_placement(before[code])


# ---------------------------------------------------------------- 3. row order


@PROPS
@given(ws=workspaces(), seed=st.integers(0, 2**32 - 1))
def test_order_of_input_rows_changes_nothing(ws, seed):
    assert dump(score(ws, random.Random(seed))) == dump(score(ws))


# ---------------------------------------------------------------- 4. the same rows twice


@PROPS
@given(ws=workspaces(), seed=st.integers(0, 2**32 - 1))
def test_writing_the_same_rows_twice_changes_nothing(ws, seed):
    once = build(ws)
    twice = build(ws, times=2)
    try:
        # The second write reports nothing new or changed, in any order of rows.
        rnd = random.Random(seed)
        for kind in KINDS:
            rows = [dict(r) for r in ws[kind]]
            rnd.shuffle(rows)
            if rows:
                counts = twice.write_rows(kind, rows)
                assert counts["new"] == counts["changed"] == 0 and counts["unchanged"] == len(rows), (kind, counts)
        for table in ("units", "findings", "self_assessments", "survey_answers", "survey_issued", "metrics"):
            order = "order by rowid"
            assert once.query(f"select * from {table} {order}") == twice.query(f"select * from {table} {order}"), table
        assert dump(docs_of(once)) == dump(docs_of(twice))
    finally:
        once.close()
        twice.close()


# ---------------------------------------------------------------- 5. determinism


@settings(PROPS, max_examples=20)
@given(ws=workspaces())
def test_scoring_twice_gives_byte_identical_json(ws):
    store = build(ws)
    try:
        first = json.dumps(docs_of(store), ensure_ascii=False)
        assert json.dumps(docs_of(store), ensure_ascii=False) == first

        runs = [run_period(store, STANDARD, PERIOD.code).run for _ in range(2)]
        assert runs[0] != runs[1]  # a new run supersedes, never overwrites
        units = [u["code"] for u in ws["units"]]
        cards = []
        for run in runs:
            cards.append({u: dump({k: v for k, v in scorecard(store, PERIOD.code, u, run).items() if k != "run"})
                          for u in units})
        assert cards[0] == cards[1]
        assert cards[0] == {d["unit"]: dump(d) for d in json.loads(first)}
        ranks = [rank_rows(store, PERIOD.code, run=run) for run in runs]
        assert dump(ranks[0]) == dump(ranks[1])
        assert ranks[0] == sorted(ranks[0], key=lambda r: (r["group"], r["veto"], r["rank"], r["unit"]))
    finally:
        store.close()


# ---------------------------------------------------------------- 6. explanation lines add up


@PROPS
@given(ws=workspaces())
def test_explanation_lines_add_up_exactly(ws):
    for doc in score(ws):
        check_lines(doc)


# ---------------------------------------------------------------- 7. not applicable


@PROPS
@given(ws=workspaces())
def test_not_applicable_indicators_are_never_counted(ws):
    for doc in score(ws):
        check_applicability(doc, ws)


@PROPS
@given(ws=workspaces(), data=st.data())
def test_another_units_inputs_change_no_other_unit(ws, data):
    before = by_unit(score(ws))
    victim = data.draw(st.sampled_from(sorted(before)), label="victim")
    old = next(u for u in ws["units"] if u["code"] == victim)
    new_type = data.draw(st.sampled_from([t for t in TYPES if t != old["type"]]), label="new type")
    changed = {k: list(rows) for k, rows in ws.items()}
    changed["units"] = [{**u, "type": new_type, "ranking_group": new_type if u["ranking_group"] == u["type"]
                         else u["ranking_group"]} if u is old else u for u in ws["units"]]
    if data.draw(st.booleans(), label="replace its inputs too"):
        fresh = data.draw(unit_inputs(victim), label="fresh inputs")
        for kind in KINDS[1:]:
            changed[kind] = [r for r in ws[kind] if r["unit"] != victim] + fresh[kind]
    after = by_unit(score(changed))
    assert after[victim]["type"] == new_type
    for code in before:
        if code != victim:
            assert without_placement(after[code]) == without_placement(before[code]), code


def retype(ws: dict[str, list[dict[str, Any]]], unit: str, unit_type: str) -> dict[str, list[dict[str, Any]]]:
    return {**ws, "units": [{**u, "type": unit_type, "ranking_group": unit_type if u["ranking_group"] == u["type"]
                             else u["ranking_group"]} if u["code"] == unit else u for u in ws["units"]]}


def with_claim(ws: dict[str, list[dict[str, Any]]], unit: str, indicator: str,
               claim: str | None) -> dict[str, list[dict[str, Any]]]:
    rows = [r for r in ws["self-assessments"] if (r["unit"], r["indicator"]) != (unit, indicator)]
    if claim:
        rows.append({"unit": unit, "period": PERIOD.code, "indicator": indicator, "claim": claim, "note": None,
                     "evidence": None})
    return {**ws, "self-assessments": rows}


def self_assessed(ws: dict[str, list[dict[str, Any]]], unit: str) -> dict[str, list[dict[str, Any]]]:
    """The unit has at least one self-assessment row (so 未开展自查 does not hinge on what a test adds)."""
    if any(r["unit"] == unit and r["period"] == PERIOD.code for r in ws["self-assessments"]):
        return ws
    return with_claim(ws, unit, "L1", "compliant")


@PROPS
@given(ws=workspaces(), unit_type=st.sampled_from(("township", "public_institution")),
       indicator=st.sampled_from(("T2", "A1")), claim=st.sampled_from(CLAIMS), data=st.data())
def test_inputs_on_an_indicator_not_applicable_by_type_change_nothing(ws, unit_type, indicator, claim, data):
    # U01 becomes a township or a public institution: T2 and A1 do not apply to it.
    ws = self_assessed(with_claim(retype(ws, "U01", unit_type), "U01", indicator, None), "U01")
    codes = GIVEN + (("REQUEST_MISHANDLED",) if indicator == "A1" else ())
    now = data.draw(finding_rows("U01", PERIOD, "NA-NOW", codes, (indicator,)), label="finding")
    then = data.draw(finding_rows("U01", PREVIOUS, "NA-PREV", codes, (indicator,)), label="previous finding")
    variant = with_claim({**ws, "findings": ws["findings"] + [now, then]}, "U01", indicator, claim)
    assert dump(score(variant)) == dump(score(ws))


def _one_unit(unit_type: str = "city_department") -> dict[str, list[dict[str, Any]]]:
    ws: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    ws["units"] = [{"code": "U01", "name": "单位1", "type": unit_type, "ranking_group": unit_type, "parent": None}]
    return ws


@PROPS
@example(ws=_one_unit(), extra={"id": "NA-S2", "unit": "U01", "period": "2025", "date": "2025-06-01",
                               "inspector": None, "code": "NOT_DISCLOSED", "indicator": "S2", "count": 1,
                               "corrected_on_spot": 0, "note": None, "evidence": None})
@given(ws=workspaces(), extra=finding_rows("U01", PERIOD, "NA-S2", GIVEN, ("S2",)))
def test_findings_on_an_indicator_taken_out_by_a_rule_change_nothing(ws, extra):
    # Without window ratings, S2 is not applicable (rule WINDOW_RATINGS_NONE); U01 claims it compliant.
    # The explicit example is the regression case: M1 used to lose a point (自查不实) with no flag.
    ws = {**ws, "metrics": [m for m in ws["metrics"] if (m["unit"], m["metric"]) != ("U01", "window_ratings_count")]}
    ws = with_claim(ws, "U01", "S2", "compliant")
    assert dump(score({**ws, "findings": ws["findings"] + [extra]})) == dump(score(ws))


# ---------------------------------------------------------------- 8. ranks


@PROPS
@given(ws=workspaces(min_units=3, max_units=6))
def test_ranks_are_a_competition_ranking_within_groups(ws):
    check_ranking(ranking_rows(score(ws)))


# ---------------------------------------------------------------- ranking unit tests


def standing(unit: str, score: str, veto: bool = False, group: str = "g") -> Standing:
    return Standing(unit, group, D(score), veto)


@pytest.mark.parametrize("scores, ranks", [
    ([], []),
    (["50"], [1]),
    (["95", "90", "90", "80"], [1, 2, 2, 4]),
    (["70", "70", "70"], [1, 1, 1]),
    (["9", "9", "8", "8", "8", "1"], [1, 1, 3, 3, 3, 6]),
    (["90.01", "90.00", "90"], [1, 2, 2]),
])
def test_competition_ranks(scores, ranks):
    assert competition_ranks([D(s) for s in scores]) == ranks


@settings(PROPS, max_examples=100)
@given(st.lists(st.integers(0, 10), max_size=12))
def test_competition_ranks_property(values):
    scores = sorted((D(v) for v in values), reverse=True)
    assert competition_ranks(scores) == [1 + sum(o > s for o in scores) for s in scores]


@settings(PROPS, max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(["95", "95.00", "90", "89.99", "60", "59.99", "0"]), st.booleans(),
                          st.sampled_from("ab")), max_size=15))
def test_place_ranks_and_grades_follow_their_definition(rows):
    """A unit's rank is 1 + the units of its group ranking strictly before it (every unit without a veto
    before every vetoed one, then by score); its grade is the first grade whose minimum its score reaches
    (the last for a veto), before the excellence quota demotes anyone."""
    standings = [standing(f"U{i}", s, veto, group) for i, (s, veto, group) in enumerate(rows)]
    got = place(CRITERIA, standings)
    for s in standings:
        ahead = [o for o in standings if o.group == s.group and (o.veto, -o.score) < (s.veto, -s.score)]
        assert got[s.unit].rank == 1 + len(ahead)
        expected = CRITERIA.grades[-1] if s.veto else next(
            (g for g in CRITERIA.grades if s.score >= g.min), CRITERIA.grades[-1])
        if expected.code != (CRITERIA.excellence_quota.grade if CRITERIA.excellence_quota else None):
            assert got[s.unit].grade_code == expected.code


def placed(*standings: Standing) -> dict[str, tuple[int, str, str]]:
    return {u: (p.rank, p.grade, format(p.feed, "f")) for u, p in place(CRITERIA, standings).items()}


def test_place_excellence_quota_keeps_the_best_fifth():
    scores = ["99", "98", "97", "95", "93", "91", "90", "85", "70", "50"]
    got = placed(*(standing(f"U{i}", s) for i, s in enumerate(scores)))
    assert [got[f"U{i}"][1] for i in range(10)] == ["优秀", "优秀"] + ["良好"] * 6 + ["合格", "不合格"]
    assert [got[f"U{i}"][0] for i in range(10)] == list(range(1, 11))


def test_place_quota_is_at_least_one():
    got = placed(standing("A", "96"), standing("B", "95"), standing("C", "94"), standing("D", "93"))
    assert {u: g for u, (_, g, _) in got.items()} == {"A": "优秀", "B": "良好", "C": "良好", "D": "良好"}
    assert placed(standing("A", "90"))["A"][1] == "优秀"


def test_place_ties_at_the_boundary_all_keep_excellent():
    got = placed(standing("A", "95"), standing("B", "95"), standing("C", "91"), standing("D", "70"),
                 standing("E", "60"))
    assert got["A"][:2] == got["B"][:2] == (1, "优秀")
    assert got["C"][:2] == (3, "良好")
    scores = ["99", "97", "97", "97", "92", "80", "80", "60", "59.99", "10"]
    got = placed(*(standing(f"U{i}", s) for i, s in enumerate(scores)))
    assert [got[f"U{i}"][:2] for i in range(10)] == [
        (1, "优秀"), (2, "优秀"), (2, "优秀"), (2, "优秀"), (5, "良好"), (6, "良好"), (6, "良好"), (8, "合格"),
        (9, "不合格"), (10, "不合格")]


def test_place_veto_fails_ranks_last_and_feeds_nothing():
    got = placed(standing("V1", "99", veto=True), standing("A", "95"), standing("B", "93"),
                 standing("C", "40"), standing("V2", "70", veto=True), standing("V3", "70", veto=True))
    assert got["A"] == (1, "优秀", "3.80")
    assert got["B"] == (2, "良好", "3.72")
    assert got["C"] == (3, "不合格", "1.60")
    assert got["V1"] == (4, "不合格", "0.00")
    assert got["V2"] == got["V3"] == (5, "不合格", "0.00")


def test_place_unit_with_nothing_scored_ranks_after_vetoed_units_and_widens_no_quota():
    # Five scored units let one keep 优秀 (a fifth); a sixth with nothing scored (数据不全) must not let a second.
    scored = [standing("A", "99"), standing("B", "95"), standing("C", "93"), standing("D", "70"),
              standing("V", "80", veto=True)]
    got = {u: (p.rank, p.grade, format(p.feed, "f"))
           for u, p in place(CRITERIA, scored + [standing("N", "0")._replace(ungraded=True)]).items()}
    assert got["N"] == (6, "数据不全", "0.00")
    assert got["V"] == (5, "不合格", "0.00")
    assert [got[u][1] for u in "ABCD"] == ["优秀", "良好", "良好", "合格"]


@settings(PROPS, max_examples=100)
@given(st.lists(st.tuples(st.sampled_from(["99", "95", "90", "85", "60", "0"]), st.booleans()), max_size=12),
       st.lists(st.sampled_from(["0", "50"]), min_size=1, max_size=4))
def test_place_units_with_nothing_scored_change_no_scored_unit_s_rank_or_grade(rows, nothing):
    scored = [standing(f"U{i:02d}", s, veto) for i, (s, veto) in enumerate(rows)]
    ungraded = [standing(f"N{i}", s)._replace(ungraded=True) for i, s in enumerate(nothing)]
    alone = place(CRITERIA, scored)
    together = place(CRITERIA, scored + ungraded)
    assert {u: together[u] for u in alone} == alone
    assert {(together[s.unit].rank, together[s.unit].grade) for s in ungraded} == {(len(scored) + 1, "数据不全")}


def test_place_grade_thresholds():
    # One unit per group, so the quota never bites.
    cases = {"100": "优秀", "90": "优秀", "89.99": "良好", "80": "良好", "79.99": "合格", "60": "合格",
             "59.99": "不合格", "0": "不合格"}
    got = placed(*(standing(s, s, group=s) for s in cases))
    assert {s: g for s, (_, g, _) in got.items()} == cases
    assert all(rank == 1 for rank, _, _ in got.values())


def test_place_ranks_each_group_separately():
    got = placed(standing("A", "80", group="x"), standing("B", "70", group="x"),
                 standing("C", "75", group="y"), standing("D", "75", group="y"))
    assert {u: r for u, (r, _, _) in got.items()} == {"A": 1, "B": 2, "C": 1, "D": 1}


@pytest.mark.parametrize("score, feed", [
    ("100", "4.00"), ("105", "4.00"), ("87.63", "3.51"), ("0", "0.00"), ("60", "2.40"),
    ("0.625", "0.03"),  # 0.025: half-up, not half-even
    ("12.5", "0.50"), ("99.99", "4.00"), ("99.87", "3.99"),
])
def test_place_feed(score, feed):
    assert placed(standing("A", score))["A"][2] == feed
    assert placed(standing("A", score, veto=True))["A"][2] == "0.00"


@settings(PROPS, max_examples=100)
@given(st.lists(st.tuples(st.sampled_from("xyz"), st.integers(5000, 10200), st.integers(0, 5)), max_size=14))
def test_place_property(entries):
    standings = [Standing(f"U{i:02d}", g, D(s) / 100, v == 0) for i, (g, s, v) in enumerate(entries)]
    got = place(CRITERIA, standings)
    assert set(got) == {s.unit for s in standings}
    check_ranking([(s.unit, s.group, s.score, s.veto, got[s.unit].rank, got[s.unit].grade, got[s.unit].feed)
                   for s in standings])
    # The quota: at most 20% of each group (at least one) keeps 优秀, unless tied at the boundary.
    for g in {s.group for s in standings}:
        members = [s for s in standings if s.group == g]
        allowed = max(1, len(members) // 5)
        excellent = [s for s in members if got[s.unit].grade == "优秀"]
        if len(excellent) > allowed:
            lowest = min(s.score for s in excellent)
            assert sum(s.score > lowest for s in excellent) < allowed
