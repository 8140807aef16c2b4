"""Rectification orders fire a standard cut to the rules that decide items (scoring.engine.orders.ordering_rules),
on only the facts those rules read, findings grouped where those rules allow: the items must be exactly those
the whole standard's rules give on every fact, one fact a finding (how orders were issued before the cut)."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from scoring.engine.backends import Engine
from scoring.engine.facts import build_facts
from scoring.engine.matches import fact_kinds_read, findings_aggregable
from scoring.engine.orders import issue_orders, ordered_items, ordering_rules, period_items
from scoring.standard.loader import load_standard_dir, shipped_dir
from scoring.store import Store
from scoring.store.periods import parse_period

PERIOD = parse_period("2025")

# Rules that order items by joining findings with other facts (last period's findings, self-assessments), and
# one that takes an indicator out by the survey: the cut must keep them and build the facts they read. In a
# file sorted first, so these rules come before the standard's own and decide the items of what they match.
JOINS = """
- id: ORDER_REPEAT
  title: 屡查屡犯须限期整改
  title_en: Repeat findings are rectified sooner
  rationale: 测试：上一周期已发现的同一问题再次发现的，10日内整改。
  when:
    f: {fact: finding, kind: defect}
    p: {fact: previous_finding, code: {same: f.code}, indicator: {same: f.indicator}}
  then:
    rectify: {deadline_days: 10}
  examples:
    - given: {previous_findings: [{code: CONTENT_STALE}], findings: [{code: CONTENT_STALE}]}
      expect: {rectifications: 1}

- id: ORDER_CLAIMED
  title: 自评达标而查出问题须整改
  title_en: Problems where the unit claimed compliance are rectified
  rationale: 测试：自评“达标”的指标查出问题的，5个工作日内整改，记在自评的指标上。
  when:
    f: {fact: finding, kind: defect, applicable: true}
    s: {fact: self_assessment, claim: compliant, indicator: {same: f.indicator}}
  then:
    deduct: {points: 1, per: match, indicator: s.indicator}
    rectify: {deadline_workdays: 5}
  examples:
    - given: {self_assessments: [{indicator: T1, claim: compliant}], findings: [{code: CONTENT_STALE}]}
      expect: {rectifications: 1}

- id: FEW_ANSWERS_NO_T1
  title: 问卷过少，内容更新不计
  title_en: Too few answers, content updates do not count
  rationale: 测试：按问卷数判定指标不涉及，该指标上的问题不再要求整改。
  indicator: T1
  when:
    q: {fact: survey, answers: {lt: 4}}
  then:
    not_applicable: true
  examples:
    - given: {survey: {satisfied: 2}}
      expect: {not_applicable: [T1]}
"""

# A rectifying rule comparing a finding's count: findings cannot go grouped, the cut falls back to one a finding.
BY_COUNT = """
- id: ORDER_MANY
  title: 多处内容陈旧须整改
  title_en: Widespread stale content is rectified
  rationale: 测试：一次发现三处及以上内容陈旧的，7日内整改。
  when:
    f: {fact: finding, code: CONTENT_STALE, count: {gte: 3}}
    s: {fact: self_assessment, indicator: {same: f.indicator}}
  then:
    rectify: {deadline_days: 7}
  examples:
    - given: {self_assessments: [{indicator: T1, claim: compliant}], findings: [{code: CONTENT_STALE, count: 3}]}
      expect: {rectifications: 1}
"""


def standard_with(tmp_path: Path, rules: str):
    folder = tmp_path / "std"
    shutil.copytree(shipped_dir("gongkai-default"), folder)
    (folder / "rules" / "0_orders_joins.yml").write_text(rules, encoding="utf-8")
    return load_standard_dir(folder)


def workspace(standard, seed: int, units: int = 40) -> Store:
    """Units with findings (some again from last period, some corrected on the spot, some with notes),
    self-assessments leaning to the indicators found, surveys of a few answers and window-rating counts."""
    rnd = random.Random(seed)
    codes = standard.criteria.finding_codes
    defects = sorted(c for c, fc in codes.items() if fc.kind == "defect")
    events = sorted(c for c, fc in codes.items() if fc.kind != "defect")
    indicators = sorted(standard.indicators)
    types = sorted(standard.criteria.unit_types)
    store = Store(":memory:", create=True)
    store.create_schema()
    for p in (PERIOD, PERIOD.previous):
        store.add_period(p.code, p.kind, p.start.isoformat(), p.end.isoformat(), p.months)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("units", "findings", "self-assessments", "survey",
                                                              "metrics")}
    for n in range(units):
        unit = f"U{n:03d}"
        rows["units"].append({"code": unit, "name": f"单位{n}", "type": rnd.choice(types), "ranking_group": None,
                              "parent": None})
        found = []
        for i in range(rnd.randint(0, 14)):
            code = rnd.choice(defects * 4 + events)
            if found and rnd.random() < 0.3:  # the same problem again: groups of more than one finding
                code = found[-1]["code"]
            fixed = codes[code].indicator
            indicator = rnd.choice(indicators) if fixed == "given" else fixed
            if found and fixed == "given" and rnd.random() < 0.3:
                indicator = found[-1]["indicator"] if found[-1]["code"] == code else indicator
            found.append(finding(f"F-{unit}-{i:02d}", unit, PERIOD, code, indicator, rnd))
        for i, f in enumerate(found):
            if codes[f["code"]].kind == "defect" and rnd.random() < 0.3:
                rows["findings"].append({**finding(f"P-{unit}-{i:02d}", unit, PERIOD.previous, f["code"],
                                                   f["indicator"], rnd)})
        rows["findings"] += found
        claimed = {f["indicator"] for f in found if f["indicator"] and rnd.random() < 0.5}
        rows["self-assessments"] += [{"unit": unit, "period": PERIOD.code, "indicator": ind,
                                      "claim": rnd.choice(("compliant", "compliant", "noncompliant")), "note": None,
                                      "evidence": None} for ind in sorted(claimed)]
        if rnd.random() < 0.6:
            rows["survey"] += [{"unit": unit, "period": PERIOD.code, "respondent": f"R{r}", "question": "Q1",
                                "answer": rnd.choice(("satisfied", "unsatisfied"))} for r in range(rnd.randint(1, 7))]
        if rnd.random() < 0.7:
            rows["metrics"].append({"unit": unit, "period": PERIOD.code, "metric": "window_ratings_count",
                                    "value": str(rnd.choice((0, 0, 3)))})
    for kind, kind_rows in rows.items():
        if kind_rows:
            store.write_rows(kind, kind_rows)
    return store


def finding(ident: str, unit: str, period, code: str, indicator: str | None, rnd: random.Random) -> dict[str, Any]:
    day = period.start + timedelta(days=rnd.randint(0, (period.end - period.start).days))
    return {"id": ident, "unit": unit, "period": period.code, "date": day.isoformat(), "inspector": None,
            "code": code, "indicator": indicator, "count": rnd.randint(1, 4),
            "corrected_on_spot": int(rnd.random() < 0.2), "note": rnd.choice((None, "", "首页栏目")),
            "evidence": None, "object": None}


def every_rule_on_every_finding(store: Store, standard, units: list[str]) -> list[dict[str, Any]]:
    """How orders were issued before the cut: the whole standard, every kind of fact, one fact a finding."""
    with Engine(standard) as engine:
        return [item for uf in build_facts(store, standard, PERIOD, units)
                for item in ordered_items(engine, standard, PERIOD, uf)]


def by_the_cut(store: Store, standard, units: list[str]) -> list[dict[str, Any]]:
    with Engine(ordering_rules(standard)) as engine:
        return period_items(store, standard, engine, PERIOD, units)


def engines() -> list[Any]:
    try:
        import durable_rules_engine  # noqa: F401
        durable = "durable"
    except ImportError:
        durable = pytest.param("durable", marks=pytest.mark.skip(reason="durable_rules is not installed"))
    return ["clips", durable]


@pytest.mark.parametrize("engine_name", engines())
@pytest.mark.parametrize("seed", [1, 2])
def test_the_cut_issues_the_items_every_rule_on_every_finding_issues_joins_included(tmp_path, monkeypatch,
                                                                                    engine_name, seed):
    monkeypatch.setenv("SCORING_ENGINE", engine_name)
    standard = standard_with(tmp_path, JOINS)
    cut = ordering_rules(standard)
    # Fewer rules, but the joined kinds and the survey that takes T1 out are still built; findings go grouped.
    assert len(cut.rules) < len(standard.rules) // 2
    assert {"finding", "previous_finding", "self_assessment", "survey"} <= fact_kinds_read(cut)
    assert findings_aggregable(cut)
    store = workspace(standard, seed)
    units = [r["code"] for r in store.units()]
    try:
        expected = every_rule_on_every_finding(store, standard, units)
        assert by_the_cut(store, standard, units) == expected
        rules = {item["rule"] for item in expected}
        assert {"ORDER_REPEAT", "ORDER_CLAIMED"} <= rules  # the joins decided items, not only the plain rules
        stale = store.query("select f.id from findings f join survey_answers a on a.unit = f.unit and "
                            "a.period = f.period where f.period = '2025' and f.code = 'CONTENT_STALE' "
                            "and not f.corrected_on_spot group by f.id")
        issued = {i["finding"] for i in expected}
        assert any(r["id"] not in issued for r in stale)  # T1 taken out by too few answers: no item
        assert any(i["note"] for i in expected) and len({i["unit"] for i in expected}) > 20
        # And as an import issues them, stored.
        issue_orders(store, standard, [(unit, PERIOD.code) for unit in units])
        stored = store.query("select id, unit, period, finding, rule, indicator, title, deadline, note "
                             "from rectifications order by id")
        assert stored == [{k: item[k] for k in stored[0]} for item in sorted(expected, key=lambda i: i["id"])]
    finally:
        store.close()


@pytest.mark.parametrize("engine_name", engines())
def test_a_rectifying_rule_comparing_a_findings_count_gets_one_fact_a_finding(tmp_path, monkeypatch, engine_name):
    monkeypatch.setenv("SCORING_ENGINE", engine_name)
    standard = standard_with(tmp_path, BY_COUNT)
    assert not findings_aggregable(ordering_rules(standard))
    store = workspace(standard, 3)
    units = [r["code"] for r in store.units()]
    try:
        expected = every_rule_on_every_finding(store, standard, units)
        assert by_the_cut(store, standard, units) == expected
        assert "ORDER_MANY" in {item["rule"] for item in expected}
    finally:
        store.close()


def test_a_standard_ordering_nothing_withdraws_and_fires_nothing(tmp_path):
    standard = standard_with(tmp_path, JOINS)
    store = workspace(standard, 4, units=5)
    try:
        pairs = [(r["code"], PERIOD.code) for r in store.units()]
        issued = issue_orders(store, standard, pairs)["issued"]
        assert issued > 0
        plain = type(standard)(criteria=standard.criteria, files=standard.files, rules=tuple(
            src for src in standard.rules if not src.rule.then.rectify))
        assert issue_orders(store, plain, pairs) == {"issued": 0, "withdrawn": issued, "restored": 0}
    finally:
        store.close()
