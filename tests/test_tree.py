"""The indicator tree (issue 15, design §4 and §6): nested nodes, limits and overflow, per-type maxima and
points, earn and judged nodes, deductions from the total, and the strict/beyond scales.

The rule examples of tests/standards/tree-clauses run on both engines in test_criteria_check.py; here:
the invariants every node keeps for random inputs, each lint message, the scales' exact ladder, and a
workspace scored on that standard end to end (explain, scorecard JSON, the Chinese report)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.cli import cli
from scoring.engine.examples import score_example
from scoring.engine.expressions import apply_scale
from scoring.standard.loader import load_from_files, load_standard_dir
from scoring.standard.model import StandardError
from scoring.standard.schema import Example, Scale

TREE_DIR = Path(__file__).resolve().parent / "standards" / "tree-clauses"
TREE = load_standard_dir(TREE_DIR)
ENV = {"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": "pytest"}


# ---------------------------------------------------------------- scales (design §6)


@pytest.mark.parametrize("ratio, points", [("1.10", 0), ("1.11", 1), ("1.20", 1), ("1.30", 1), ("1.31", 2),
                                           ("1.50", 2), ("1.51", 3), ("1.70", 3), ("1.71", 4), ("3.10", 10), ("3.11", 11)])
def test_strict_ladder_with_beyond_counts_every_step_exceeded(ratio, points):
    """超过10%加1分，超过30%以上每超过20%加1分: exact at every edge, never a loop (3.11 exceeds 9 steps)."""
    scale = TREE.criteria.scales["excess_ladder"]
    assert apply_scale(scale, Decimal(ratio), Decimal(100)) == points


@pytest.mark.parametrize("ratio, points", [("1.09", 0), ("1.10", 1), ("1.30", 2), ("1.49", 2), ("1.50", 3)])
def test_reached_ladder_counts_a_step_once_reached(ratio, points):
    """Without strict (达到): the band's min and each whole step count as soon as they are reached."""
    scale = Scale.model_validate({"kind": "bands", "bands": [{"min": "1.30", "points": 2}, {"min": "1.10", "points": 1}],
                                  "beyond": {"step": "0.20", "points": 1}})
    assert apply_scale(scale, Decimal(ratio), Decimal(100)) == points


def test_old_bands_are_unchanged_by_the_new_keys():
    scale = Scale.model_validate({"kind": "bands", "bands": [{"min": "0.9", "points": 5}, {"min": "0.5", "points": 2}]})
    assert [apply_scale(scale, Decimal(v), Decimal(5)) for v in ("0.9", "0.89", "0.5", "0.49")] == [5, 2, 2, 0]


def test_a_points_scale_takes_no_bands(english):
    with pytest.raises(ValueError, match="takes no bands"):
        Scale.model_validate({"kind": "points", "bands": [{"min": 1, "points": 1}]})


# ---------------------------------------------------------------- invariants of every node


def _nodes(nodes: list[dict[str, Any]]):
    for node in nodes:
        yield node
        yield from _nodes(node.get("indicators", []))


def _sum(lines) -> Decimal:
    return sum((Decimal(line["points"]) for line in lines), Decimal(0))


findings = st.lists(st.tuples(st.sampled_from(["BUDGET_LATE", "POLICY_NOT_EXPLAINED", "SYSTEM_NOT_APPLIED", "KEY_AREAS_INCOMPLETE",
                                               "BRIEFED_CRITICISM", "ONSITE_PROBLEM"]), st.integers(1, 12)),
                    max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit_type=st.sampled_from(["A", "B"]), found=findings, channels=st.integers(0, 5),
       system=st.booleans())
def test_every_node_adds_up_and_is_never_negative(unit_type, found, channels, system):
    """Invariants 1 and 6 at every depth: 0 ≤ score ≤ max; a leaf's score is its start plus its lines; a
    group's is Σ its applicable children plus its own lines (deductions, OVERFLOW, POOL); a dimension's is
    Σ its nodes plus its lines; the final score is base + bonus + the total's lines, never below 0."""
    records = [{"kind": "channel", "column": f"渠道{i}"} for i in range(channels)]
    records += [{"kind": "staff_system"}] if system else []
    example = Example.model_validate({"given": {"unit": {"type": unit_type}, "records": records,
                                                "findings": [{"code": c, "count": n} for c, n in found]},
                                      "expect": {"score": "0"}})
    doc = score_example(TREE, example, "clips")
    for dim in doc["dimensions"]:
        top = [n for n in dim["indicators"] if n["applicable"]]
        assert Decimal(dim["score"]) == sum((Decimal(n["score"]) for n in top), Decimal(0)) + _sum(dim.get("lines", []))
        for node in _nodes(dim["indicators"]):
            if not node["applicable"]:
                continue
            score, top_points = Decimal(node["score"]), Decimal(node["max"])
            assert 0 <= score <= top_points, node["code"]
            if "indicators" in node:
                children = [c for c in node["indicators"] if c["applicable"]]
                assert score == sum((Decimal(c["score"]) for c in children), Decimal(0)) + _sum(node["lines"])
                assert top_points == sum((Decimal(c["max"]) for c in children), Decimal(0))
            elif node["method"] == "deduct":
                assert score == top_points + _sum(node["lines"]), node["code"]
            elif node["method"] == "earn":
                assert score == _sum(node["lines"]), node["code"]
    final = Decimal(doc["score"])
    assert final >= 0
    assert final == Decimal(doc["base"]) + Decimal(doc["bonus"]) + Decimal(doc.get("adjust", "0"))


# ---------------------------------------------------------------- lint of the new constructs (§4.5)


def _files(criteria_edit=None, rules=None) -> dict[str, str]:
    criteria = yaml.safe_load((TREE_DIR / "criteria.yml").read_text("utf-8"))
    if criteria_edit:
        criteria_edit(criteria)
    files = {"criteria.yml": yaml.safe_dump(criteria, allow_unicode=True)}
    for path in sorted((TREE_DIR / "rules").glob("*.yml")):
        files[f"rules/{path.name}"] = path.read_text("utf-8")
    if rules is not None:
        files["rules/extra.yml"] = yaml.safe_dump(rules, allow_unicode=True)
    return files


def _problems(criteria_edit=None, rules=None) -> str:
    with pytest.raises(StandardError) as caught:
        load_from_files(_files(criteria_edit, rules))
    return "\n".join(caught.value.problems)


def _node(criteria, *path: int) -> dict:
    node = criteria["dimensions"][path[0]]
    for i in path[1:]:
        node = node["indicators"][i]
    return node


def _rule(**then) -> list[dict]:
    return [{"id": "EXTRA", "title": "测试", "title_en": "Test", "rationale": "测试。", "indicator": then.pop("indicator", None),
             "when": {"f": {"fact": "finding", "code": "ONSITE_PROBLEM"}}, "then": then,
             "examples": [{"given": {"unit": {"type": "A"}}, "expect": {"OT1": "57.00"}}]}]


def test_the_tree_standard_passes_its_own_check():
    result = CliRunner().invoke(cli, ["criteria", "check", str(TREE_DIR), "--engine", "clips"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "个示例全部通过" in result.output


def test_lint_group_max_not_the_sum_of_its_children_per_type(english):
    def edit(c):
        _node(c, 0, 0)["max"] = {"A": 20, "B": 15}
    assert "indicator J1: for unit type B, its max is 15, but its indicators add up to 16" in _problems(edit)


def test_lint_maxima_per_type_against_the_total(english):
    def edit(c):
        _node(c, 2, 0)["max"] = {"A": 57, "B": 60}
    assert "dimensions: for unit type B, indicator maxima add up to 101, not 108 (criteria total)" in _problems(edit)


def test_lint_old_total_message_reads_criteria_total(english):
    """Without maxima by type, the old message, with criteria.total in place of 100."""
    def plain(c, other: int):
        c["total"] = 100
        for path in ((0, 0), (0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1), (1, 0), (2, 0)):
            node = _node(c, *path)
            node["max"] = node["max"]["A"]
        _node(c, 2, 0)["max"] = other
    load_from_files(_files(lambda c: plain(c, 49)))  # 20 + 31 + 49 = 100
    assert "criteria.yml: dimensions: indicator maxima add up to 101, not 100" in _problems(lambda c: plain(c, 50))


def test_lint_unknown_unit_type_in_a_max_by_type(english):
    def edit(c):
        _node(c, 2, 0)["max"] = {"A": 57, "B": 67, "C": 1}
    assert "indicator OT1: max: unknown unit type 'C' (known: A, B, or all)" in _problems(edit)


def test_lint_a_pool_smaller_than_one_deduction_reached_by_overflow(english):
    def edit(c):
        _node(c, 0, 0, 0)["limit"] = {"A": 3, "B": 3}
    problems = _problems(edit, _rule(indicator="J111", deduct={"points": {"A": 4, "B": 1}, "per": "count"}))
    assert "rule EXTRA: then.deduct.points: deducts 4 at once into J11, whose limit is 3: it can never count in full" in problems


def test_lint_limit_by_type_that_can_never_bind(english):
    def edit(c):
        _node(c, 2, 0)["limit"] = {"A": 60, "B": 5}
    assert "indicator OT1: for unit type A, limit 60 is not below its max 57: it can never bind" in _problems(edit)


def test_lint_overflow_parent_on_a_dimension(english):
    def edit(c):
        c["dimensions"][0]["overflow"] = "parent"
    assert "dimension JZ: overflow: parent has no node above a dimension" in _problems(edit)


def test_lint_earn_effect_on_a_deduct_node(english):
    problems = _problems(rules=_rule(indicator="OT1", earn={"points": 2, "per": "match"}))
    assert "rule EXTRA: then.earn: indicator OT1 is scored by deduct; earn effects are for earn indicators" in problems


def test_lint_earn_per_count_needs_a_finding(english):
    rules = _rule(indicator="CH1", earn={"points": 2})
    rules[0]["when"] = {"u": {"fact": "unit"}}
    assert "then.earn.per: 'count' counts the first fact's count; a unit fact has none" in _problems(rules=rules)


def test_lint_score_effect_on_an_earn_node(english):
    rules = _rule(indicator="ST1", score={"points": 2})
    assert "then.score: indicator ST1 is not scored by a score line (method earn)" in _problems(rules=rules)


def test_lint_judged_node_scored_without_a_points_scale(english):
    rules = _rule(indicator="JG1", score={"points": 2})
    assert "then.score: indicator JG1 is judged: score it with a scale of kind points" in _problems(rules=rules)


def test_lint_judged_node_no_rule_scores(english):
    files = _files()
    files["rules/judged_total.yml"] = "\n".join(
        files["rules/judged_total.yml"].split("- id: BRIEFED_CRITICISM")[1:]).join(["- id: BRIEFED_CRITICISM", ""]) \
        if False else "- id: BRIEFED_CRITICISM" + files["rules/judged_total.yml"].split("- id: BRIEFED_CRITICISM")[1]
    with pytest.raises(StandardError) as caught:
        load_from_files(files)
    assert "indicator JG1: a judged node needs a rule that scores it" in "\n".join(caught.value.problems)


def test_lint_share_of_max_from_the_total(english):
    rules = _rule(deduct={"share_of_max": "0.5", "per": "match", "indicator": "total"})
    assert "then.deduct.share_of_max: the total has no max to take a share of; give points" in _problems(rules=rules)


def test_lint_veto_node_with_points(english):
    def edit(c):
        c["dimensions"][2]["indicators"].append({"code": "VT1", "name": "否决项", "name_en": "Veto", "max": 1,
                                                 "method": "veto"})
    assert "indicator VT1: a veto node holds no points: give it max 0" in _problems(edit)


def test_lint_deduction_into_a_veto_node(english):
    def edit(c):
        c["dimensions"][2]["indicators"].append({"code": "VT1", "name": "否决项", "name_en": "Veto", "max": 0,
                                                 "method": "veto"})
    rules = _rule(indicator="VT1", deduct={"points": 1, "per": "match"})
    assert "then.deduct.indicator: VT1 is a veto node; it holds veto lines only" in _problems(edit, rules)


def test_lint_veto_rule_on_a_non_veto_node_when_veto_nodes_exist(english):
    def edit(c):
        c["dimensions"][2]["indicators"].append({"code": "VT1", "name": "否决项", "name_en": "Veto", "max": 0,
                                                 "method": "veto"})
    rules = _rule(indicator="OT1", veto=True)
    assert "then.veto: indicator OT1 is not a veto node (method: veto)" in _problems(edit, rules)


def test_schema_group_with_a_method_and_leaf_without_one(english):
    def group_method(c):
        _node(c, 0, 0)["method"] = "deduct"
    assert "indicator J1: a group of indicators takes no method" in _problems(group_method)

    def leaf_without(c):
        del _node(c, 2, 0)["method"]
    assert "indicator OT1: method: a leaf indicator needs a method" in _problems(leaf_without)


# ---------------------------------------------------------------- end to end: a workspace on the tree standard


def _run(*args, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=ENV)
    assert result.exit_code == code, f"{args}: {result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    db = root / "scoring.db"
    _run("init", "--db", db)
    _run("criteria", "use", TREE_DIR, "--db", db)
    _run("period", "add", "2025", "--db", db)
    (root / "units.csv").write_text("单位编码,单位名称,单位类型,分组\nQ01,甲区人民政府,A,A\nQ02,乙区人民政府,A,A\n"
                                    "B01,市财政局,B,B\n", encoding="utf-8")
    (root / "findings.csv").write_text(
        "编号,单位编码,考核周期,检查日期,检查人,问题代码,指标,数量,当场纠正,问题描述,佐证\n"
        "F-1,Q01,2025,2025-03-01,张明,BUDGET_LATE,,7,否,,\n"
        "F-2,Q01,2025,2025-03-01,张明,POLICY_NOT_EXPLAINED,,1,否,,\n"
        "F-3,Q01,2025,2025-05-01,张明,BRIEFED_CRITICISM,,1,否,,\n"
        "F-4,B01,2025,2025-03-01,张明,BUDGET_LATE,,5,否,,\n", encoding="utf-8")
    _run("import", "units", root / "units.csv", "--db", db)
    _run("import", "findings", root / "findings.csv", "--db", db)
    _run("run", "--period", "2025", "--db", db)
    return root


def test_scorecard_json_nests_the_tree_and_lists_deductions_from_the_total(workspace):
    doc = json.loads(_run("scorecard", "Q01", "--period", "2025", "--format", "json", "--db", workspace / "scoring.db").stdout)
    j1 = doc["dimensions"][0]["indicators"][0]
    assert (j1["code"], j1["method"], j1["score"], j1["max"]) == ("J1", "group", "3.00", "20")
    assert [line["kind"] for line in j1["lines"]] == ["overflow"]
    j11 = j1["indicators"][0]
    assert [line["kind"] for line in j11["lines"]] == ["overflow", "pool"]
    assert [c["code"] for c in j11["indicators"]] == ["J111", "J112"]
    assert doc["adjust"] == "-3.00" and doc["adjust_lines"][0]["rule"] == "BRIEFED_CRITICISM"
    assert Decimal(doc["score"]) == Decimal(doc["base"]) - 3


def test_explain_shows_the_tree_indented_with_the_new_lines_in_chinese(workspace):
    out = _run("explain", "Q01", "--period", "2025", "--db", workspace / "scoring.db").stdout
    assert "  J1 一级指标：主动公开  3.00/20" in out
    assert "    J11 二级指标：重点领域信息公开  0.00/12" in out
    assert "      J111 三级指标：财政预决算公开  0.00/2" in out
    assert "超出扣分计入上级  [J111 超出本项分值的扣分 -12 计入上级指标]" in out
    assert "减分上限  [J11 扣完为止 12（原扣 14）]" in out
    assert "从总分扣分  -3.00" in out and "− 从总分扣分 3.00" in out


def test_b_type_units_get_their_own_maxima_from_one_rule(workspace):
    doc = json.loads(_run("scorecard", "B01", "--period", "2025", "--format", "json", "--db", workspace / "scoring.db").stdout)
    j1 = doc["dimensions"][0]["indicators"][0]
    assert (j1["max"], j1["score"]) == ("16", "11.00")
    ch1 = doc["dimensions"][1]["indicators"][0]
    assert (ch1["code"], ch1["applicable"]) == ("CH1", False)


def test_the_chinese_report_lists_every_node_s_lines(workspace):
    out = workspace / "out"
    _run("report", "--period", "2025", "--out", out, "--db", workspace / "scoring.db")
    html = (out / "report-2025.html").read_text("utf-8")
    assert "超出扣分计入上级" in html and "被通报批评" in html


# ---------------------------------------------------------------- judged points: scoring import judged


JUDGED_HEADER = "单位编码,考核周期,指标,评定分值,评定单位或评定人,评定说明,佐证\n"


def test_judged_points_import_validate_whole_file_and_score(workspace):
    db = workspace / "scoring.db"
    bad = workspace / "judged.csv"
    bad.write_text(JUDGED_HEADER + "Q01,2025,JG1,8.5,县政府办,办理规范,\n"
                                   "Q02,2025,JG1,12,县政府办,,\n"
                                   "Q02,2025,J111,1,县政府办,,\n"
                                   "B01,2025,JGX,1,县政府办,,\n"
                                   "Q01,2025,JG1,abc,,,\n", encoding="utf-8")
    refused = _run("import", "judged", bad, "--db", db, code=2)
    assert "judged.csv 第 3 行、「评定分值」列：评定分值 12 超出指标 JG1 的分值范围 [0, 10]；请填写 0 至 10 之间的数值" in refused.output
    assert "judged.csv 第 4 行、「指标」列：指标 J111 不按评定分值计分（计分方式为 deduct）" in refused.output
    assert "judged.csv 第 5 行、「指标」列：无法识别的指标「JGX」；是否应为「JG1」？" in refused.output
    assert "judged.csv 第 6 行、「评定分值」列：" in refused.output and "judged.csv 第 6 行、「评定单位或评定人」列：" in refused.output
    from scoring.store import Store
    store = Store(db)
    assert store.query("select count(*) as n from judged")[0]["n"] == 0  # nothing half-written
    store.close()
    english = CliRunner().invoke(cli, ["--lang", "en", "import", "judged", str(bad), "--db", str(db)], env=ENV)
    assert english.exit_code == 2
    assert "judged.csv:3: points: 12 is outside [0, 10], the points JG1 can give; write a value from 0 to 10" in english.output

    written = _run("import", "judged", bad, "--skip-invalid", "--db", db)
    rejected = (workspace / "judged.csv.rejected.csv").read_text("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in rejected[1:]] == ["3", "4", "5", "6"]
    assert "judged.csv: 评定分值: 新增 1" in written.output
    again = _run("import", "judged", bad, "--skip-invalid", "--db", db)  # idempotent: the same row, unchanged
    assert "judged.csv: 评定分值: 新增 0，未变 1" in again.output
    store = Store(db)
    assert [dict(r) for r in store.query("select unit, indicator, points, assessor from judged")] == [
        {"unit": "Q01", "indicator": "JG1", "points": "8.5", "assessor": "县政府办"}]
    store.close()

    _run("run", "--period", "2025", "--db", db)
    doc = json.loads(_run("scorecard", "Q01", "--period", "2025", "--format", "json", "--db", db).stdout)
    jg1 = next(n for d in doc["dimensions"] for n in _nodes(d["indicators"]) if n["code"] == "JG1")
    assert jg1["score"] == "8.50"
    assert [(line["rule"], line["points"], line["facts"]) for line in jg1["lines"]] == [("REQUEST_JUDGED", "8.5", ["JG-JG1"])]


def test_judged_points_are_checked_against_the_max_of_the_unit_s_type(tmp_path):
    """JG1 worth 10 for type A and 6 for type B: 8 is fine for an A unit and refused for a B unit."""
    folder = tmp_path / "std"
    folder.mkdir()
    (folder / "rules").mkdir()
    for path in (TREE_DIR / "rules").glob("*.yml"):
        (folder / "rules" / path.name).write_text(path.read_text("utf-8"), encoding="utf-8")
    criteria = (TREE_DIR / "criteria.yml").read_text("utf-8")
    criteria = criteria.replace("max: 10, method: judged", "max: {A: 10, B: 6}, method: judged")
    criteria = criteria.replace("max: {A: 57, B: 67}", "max: {A: 57, B: 71}")
    (folder / "criteria.yml").write_text(criteria, encoding="utf-8")
    db = tmp_path / "w.db"
    _run("init", "--db", db)
    _run("criteria", "use", folder, "--db", db)
    _run("period", "add", "2025", "--db", db)
    (tmp_path / "u.csv").write_text("单位编码,单位名称,单位类型\nQ01,甲区,A\nB01,市财政局,B\n", encoding="utf-8")
    _run("import", "units", tmp_path / "u.csv", "--db", db)
    (tmp_path / "j.csv").write_text(JUDGED_HEADER + "Q01,2025,JG1,8,县政府办,,\nB01,2025,JG1,8,县政府办,,\n",
                                    encoding="utf-8")
    refused = _run("import", "judged", tmp_path / "j.csv", "--db", db, code=2)
    assert "j.csv 第 3 行、「评定分值」列：评定分值 8 超出指标 JG1 的分值范围 [0, 6]" in refused.output
    assert "j.csv 第 2 行" not in refused.output


def test_points_by_type_with_all_and_a_type_without_entry():
    from scoring.standard.schema import Indicator, for_type
    node = Indicator.model_validate({"code": "X1", "name": "测试", "name_en": "Test", "max": {"A": 5, "all": 3},
                                     "method": "deduct"})
    assert (node.max_for("A"), node.max_for("B")) == (5, 3)
    only_a = Indicator.model_validate({"code": "X2", "name": "测试", "name_en": "Test", "max": {"A": 5}, "method": "earn"})
    assert only_a.max_for("B") is None  # not applicable to B
    assert for_type({"A": Decimal(2), "B": Decimal(1)}, "C") is None and for_type(Decimal(2), "C") == 2


def test_the_default_standard_loads_to_the_same_model_as_before_the_tree():
    """Migration (design §9): tests/data/default-standard-model.json was written by the code before the node
    tree existed; with the new keys left at their defaults, the default standard's models are equal."""
    from scoring.standard import load_default
    standard = load_default()
    dumped = {"criteria": standard.criteria.model_dump(mode="json", by_alias=True, exclude_defaults=True),
              "rules": [src.rule.model_dump(mode="json", by_alias=True, exclude_defaults=True) for src in standard.rules]}
    before = json.loads((Path(__file__).resolve().parent / "data" / "default-standard-model.json").read_text("utf-8"))
    assert dumped == before
    assert not standard.nested and all(not isinstance(i.max, dict) for i in standard.indicators.values())


def test_check_names_units_without_judged_points_when_rules_read_them(workspace):
    out = _run("check", "--period", "2025", "--db", workspace / "scoring.db", code=1).output
    assert "缺少评定分值（scoring import judged）" in out and "B01" in out and "Q02" in out


def test_lint_earn_without_a_target_unless_the_first_fact_names_one(english):
    rules = _rule(earn={"points": 2, "per": "match"})
    rules[0]["when"] = {"r": {"fact": "record", "kind": "channel"}}
    assert "then.earn.indicator: say which earn node the points go to" in _problems(rules=rules)
    rules = _rule(earn={"points": 2, "per": "match"})  # the finding's code names OT1, a deduct node
    assert "rule EXTRA: then.earn: indicator OT1 is scored by deduct" in _problems(rules=rules)

    def bonus_code(c):  # a bonus code may name an earn node: its findings earn there with no target
        c["finding_codes"]["CHANNEL_OPENED"] = {"name": "开设渠道", "name_en": "Channel opened", "kind": "bonus",
                                                "indicator": "CH1"}
    rules[0]["when"] = {"f": {"fact": "finding", "code": "CHANNEL_OPENED"}}
    rules[0]["examples"] = [{"given": {"unit": {"type": "A"}, "findings": [{"code": "CHANNEL_OPENED"}]},
                             "expect": {"CH1": "2.00"}}]
    standard = load_from_files(_files(bonus_code, rules))
    example = standard.rules_by_id["EXTRA"].examples[0]
    from scoring.engine.examples import compare
    assert compare(standard, example.expect, score_example(standard, example, "clips")) == []


def test_one_judged_row_per_unit_period_and_indicator(workspace):
    twice = workspace / "judged-twice.csv"
    twice.write_text(JUDGED_HEADER + "Q02,2025,JG1,8,县政府办,,\nQ02,2025,JG1,7,县政府办,,\n", encoding="utf-8")
    refused = _run("import", "judged", twice, "--db", workspace / "scoring.db", code=2)
    assert "judged-twice.csv 第 3 行、「单位编码+考核周期+指标+对象编码」列：与第 2 行重复" in refused.output


def test_a_dimension_limit_pools_its_nodes_losses():
    """A dimension with `limit: 15` (its max is 20): losing all 20 shows J1 at 0 and the dimension at 5, with a
    POOL line on the dimension, and the base counts the dimension's score."""
    def edit(c):
        c["dimensions"][0]["limit"] = 15
    standard = load_from_files(_files(edit))
    example = Example.model_validate({"given": {"unit": {"type": "A"},
                                                "findings": [{"code": "POLICY_NOT_EXPLAINED", "count": 10}]},
                                      "expect": {"score": "0"}})
    doc = score_example(standard, example, "clips")
    jz = doc["dimensions"][0]
    assert (jz["score"], jz["indicators"][0]["score"]) == ("5.00", "0.00")
    assert [(line["rule"], line["points"], line["note"]) for line in jz["lines"]] == [("POOL", "5", "JZ 减分上限 15（原扣 20）")]
    assert doc["base"] == "62.00"  # 5 + 57 of 108, out of 108
