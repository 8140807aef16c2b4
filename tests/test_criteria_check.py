"""`scoring criteria check|export|use`, and every rule's own examples as their own tests.

As in ComplianceAsCode, a rule carries its pass/fail examples beside it; here each example
(`CONTENT_STALE[0]`, …) is one pytest test, scored through the whole pipeline by
scoring.engine.examples (an in-memory workspace, the SQL facts, the engine, the tally, the ranking).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.engine.backends import backend
from scoring.engine.examples import compare, score_example
from scoring.standard import load_default
from scoring.standard.loader import SHIPPED, load_standard_dir

STANDARD = load_default()
EXAMPLES = [(src, i, example) for src in STANDARD.rules for i, example in enumerate(src.rule.examples)]
SHIPPED_STANDARDS = {folder.name: load_standard_dir(folder) for folder in sorted(SHIPPED.iterdir()) if folder.is_dir()}
# The test standards too (tests/standards: real-clauses holds the dated records and aggregates):
# their examples run on both engines like the shipped ones'.
TEST_STANDARDS = Path(__file__).resolve().parent / "standards"
SHIPPED_STANDARDS.update({f"test-{folder.name}": load_standard_dir(folder)
                          for folder in sorted(TEST_STANDARDS.iterdir()) if (folder / "criteria.yml").exists()})
ALL_EXAMPLES = [(name, src, i, example) for name, standard in SHIPPED_STANDARDS.items()
                for src in standard.rules for i, example in enumerate(src.rule.examples)]
ENGINES = ("clips", "durable")


def engine_here(name: str) -> str:
    """The engine, or a skip when it cannot run on this interpreter (durable_rules is an optional extra)."""
    if name == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    return name


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("standard_name, src, index, example", ALL_EXAMPLES,
                         ids=[f"{name}:{src.rule.id}[{i}]" for name, src, i, _ in ALL_EXAMPLES])
def test_rule_example(standard_name, src, index, example, engine):
    """Every rule example of every shipped standard passes, on each engine."""
    standard = SHIPPED_STANDARDS[standard_name]
    doc = score_example(standard, example, engine_here(engine))
    assert compare(standard, example.expect, doc) == [], f"{src.file}: rule {src.rule.id}: examples[{index}] ({engine})"


@pytest.mark.parametrize("standard_name, src, index, example", ALL_EXAMPLES,
                         ids=[f"{name}:{src.rule.id}[{i}]" for name, src, i, _ in ALL_EXAMPLES])
def test_both_engines_give_the_example_the_same_scorecard(standard_name, src, index, example):
    """Not only the expected parts: the whole scorecard document is the same whichever engine ran."""
    engine_here("durable")
    standard = SHIPPED_STANDARDS[standard_name]
    assert score_example(standard, example, "clips") == score_example(standard, example, "durable")


def test_every_rule_has_an_example_and_ids_are_unique():
    ids = [src.rule.id for src in STANDARD.rules]
    assert len(ids) == len(set(ids))
    assert all(src.rule.examples for src in STANDARD.rules)


# ---------------------------------------------------------------- criteria check on the shipped standard


def test_check_passes_on_the_shipped_standard(new_workspace):
    result = new_workspace().invoke("criteria", "check", db=False)
    assert result.stdout == (f"通过：{STANDARD.label}，28 个指标，{len(STANDARD.rules)} 条规则，"
                             f"{len(EXAMPLES)} 个示例全部通过（{backend().label}）\n")
    assert STANDARD.max_total == 100


@pytest.fixture
def exported(new_workspace, tmp_path):
    """`scoring criteria export` to a new folder, returning (workspace, folder)."""
    ws = new_workspace()
    folder = tmp_path / "standard-2026"
    ws.invoke("criteria", "export", folder, db=False)
    return ws, folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(result) -> str:
    """What `criteria check` says is wrong (click prints errors on stderr)."""
    return result.stderr


def test_an_unedited_export_checks_ok_and_hashes_like_the_default(exported):
    ws, folder = exported
    assert (folder / "criteria.yml").is_file()
    assert sorted(p.name for p in (folder / "rules").glob("*.yml")) == sorted(
        p.split("/", 1)[1] for p in STANDARD.files if p.startswith("rules/"))
    result = ws.invoke("criteria", "check", folder, db=False)
    assert result.stdout.startswith(f"通过：{STANDARD.label}，")
    # Export refuses to overwrite.
    result = ws.invoke("criteria", "export", folder, db=False, code=2)
    assert "不是空文件夹" in result.stderr


def test_points_that_do_not_add_up_fail_naming_criteria_yml_and_the_sum(exported):
    ws, folder = exported
    edit(folder / "criteria.yml", "{code: C3, name: 办事服务“七公开”, name_en: The seven disclosures of service items, max: 6,",
         "{code: C3, name: 办事服务“七公开”, name_en: The seven disclosures of service items, max: 7,")
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    assert "criteria.yml: dimensions: indicator maxima add up to 101, not 100" in problems(result)


def test_a_rule_naming_an_unknown_indicator_fails_naming_file_rule_and_field(exported):
    ws, folder = exported
    edit(folder / "rules" / "d5_timeliness.yml", "  indicator: T1\n", "  indicator: T9\n")
    edit(folder / "rules" / "d3_content.yml",
         "f: {fact: finding, code: FEE_UNDISCLOSED}", "f: {fact: finding, code: FEE_UNDISCLOSED, indicator: C9}")
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    out = problems(result)
    assert "rules/d5_timeliness.yml: rule CONTENT_STALE: indicator: unknown indicator 'T9'" in out
    assert "rules/d3_content.yml: rule FEE_UNDISCLOSED: when.f.indicator: unknown indicator 'C9'" in out


def test_a_condition_that_can_never_hold_fails_instead_of_silently_matching_nothing(exported):
    ws, folder = exported
    edit(folder / "rules" / "d5_timeliness.yml", "f: {fact: finding, code: CONTENT_STALE}",
         "f: {fact: finding, code: CONTENT_STALE, corrected_on_spot: 是, count: {gt: 1}, date: {lt: 3}}")
    edit(folder / "rules" / "d8_supervision.yml", "s: {fact: self_assessment, claim: partial, applicable: true}",
         "s: {fact: self_assessment, claim: partly, applicable: true}")
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    out = problems(result)
    assert "rule CONTENT_STALE: when.f.corrected_on_spot: '是' is not true or false; corrected_on_spot holds true or false" in out
    assert "rule CONTENT_STALE: when.f.date: lt compares numbers; date is text" in out
    assert "when.f.count" not in out
    assert "rule SELF_PARTIAL: when.s.claim: unknown claim 'partly'" in out


def test_a_typo_in_a_rule_key_fails_loudly(exported):
    ws, folder = exported
    edit(folder / "rules" / "d5_timeliness.yml",
         "    deduct: {points: 1, per: count, on_the_spot: half}", "    dedcut: {points: 1, per: count, on_the_spot: half}")
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    out = problems(result)
    assert re.search(r"rules/d5_timeliness\.yml: rule CONTENT_STALE: then\.dedcut: .*[Ee]xtra", out), out
    # The same typo in a condition's field name is caught by the lint instead.
    edit(folder / "rules" / "d5_timeliness.yml", "    dedcut:", "    deduct:")
    edit(folder / "rules" / "d4_forms.yml", "f: {fact: finding, code: WEBSITE_BROKEN}",
         "f: {fact: finding, cdoe: WEBSITE_BROKEN}")
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    assert "rules/d4_forms.yml: rule WEBSITE_BROKEN: when.f.cdoe: a finding fact has no field 'cdoe'" in problems(result)


def test_a_typo_in_a_criteria_key_fails_loudly(exported):
    ws, folder = exported
    edit(folder / "criteria.yml", "bonus_cap: 5", "bonus_cpa: 5")
    out = problems(ws.invoke("criteria", "check", folder, db=False, code=2))
    assert "criteria.yml: bonus_cpa:" in out and "criteria.yml: bonus_cap:" in out


def test_python_tags_are_refused_by_the_safe_loader(exported, tmp_path):
    ws, folder = exported
    marker = tmp_path / "pwned"
    edit(folder / "rules" / "d5_timeliness.yml", "  rationale: 公开内容须按规定周期更新",
         f"  rationale: !!python/object/apply:os.system [\"touch {marker}\"]\n  x: 公开内容须按规定周期更新")
    out = problems(ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2))
    assert "rules/d5_timeliness.yml: not valid YAML" in out and "python/object" in out
    assert not marker.exists()
    # Nor can a workspace be pointed at it.
    ws.invoke("init")
    assert "not valid YAML" in ws.invoke("--lang", "en", "criteria", "use", folder, code=2).stderr


def test_a_failing_rule_example_fails_the_check_naming_it(exported):
    ws, folder = exported
    edit(folder / "rules" / "d5_timeliness.yml", 'expect: {T1: "1.50", rectifications: 1}',
         'expect: {T1: "1.00", rectifications: 1}')
    result = ws.invoke("criteria", "check", folder, db=False, code=2)
    assert ("rules/d5_timeliness.yml: 规则 CONTENT_STALE: 第 1 个示例（examples[0]）: expect.T1: 预期「1.00」，"
            "实际计算为「1.50」\n") in result.stderr
    assert "个规则示例中有 1 个未通过" in result.stderr
    result = ws.invoke("--lang", "en", "criteria", "check", folder, db=False, code=2)
    assert ("rules/d5_timeliness.yml: rule CONTENT_STALE: example 1 (examples[0]): expect.T1: expected '1.00', "
            "scored '1.50'\n") in result.stderr


# ---------------------------------------------------------------- criteria use


def test_criteria_use_switches_the_workspace_and_a_run_records_that_standard(workspace, tmp_path):
    ws = workspace
    folder = tmp_path / "standard-2026"
    ws.invoke("criteria", "export", folder, db=False)
    edit(folder / "criteria.yml", 'version: "2025.1"', 'version: "2026.1"')
    edit(folder / "criteria.yml", "feed: {points: 4, score_cap: 100}", "feed: {points: 5, score_cap: 100}")
    ws.invoke("criteria", "check", folder, db=False)

    ws.invoke("criteria", "use", folder)
    ws.invoke("run", "--period", "2025")  # run 2
    store = ws.store()
    try:
        runs = {r["id"]: r for r in store.query("select * from runs order by id")}
    finally:
        store.close()
    from scoring.standard.loader import load_standard_dir

    other = load_standard_dir(folder)
    assert other.content_hash != STANDARD.content_hash
    assert (runs[1]["standard_hash"], runs[1]["standard_version"]) == (STANDARD.content_hash, "2025.1")
    assert (runs[2]["standard_hash"], runs[2]["standard_version"]) == (other.content_hash, "2026.1")
    assert ws.json("scorecard", "D001", "--period", "2025")["criteria"] == other.label
    assert ws.json("scorecard", "D001", "--period", "2025", "--run", "1")["criteria"] == STANDARD.label
    feed = {r["unit"]: r["feed_points"] for r in ws.json("feed", "--period", "2025")}
    assert feed["D004"] == "5.00"  # the other standard's feed: 5 points
    # An old run is still explained by the standard that produced it, even with the folder gone.
    for path in sorted(folder.rglob("*.yml")):
        path.unlink()
    explained = ws.invoke("explain", "D001", "--period", "2025", "--run", "1").stdout
    assert STANDARD.label in explained

    ws.invoke("criteria", "use", "--default")
    ws.invoke("run", "--period", "2025")
    assert ws.json("scorecard", "D001", "--period", "2025")["criteria"] == STANDARD.label


def test_every_shipped_rule_explains_itself_in_english_too():
    missing = [src.rule.id for src in STANDARD.rules if not src.rule.rationale_en.strip()]
    assert missing == []


def test_an_authors_mistakes_are_explained_in_chinese_by_default(exported):
    ws, folder = exported
    edit(folder / "criteria.yml", "{code: C3, name: 办事服务“七公开”, name_en: The seven disclosures of service items, max: 6,",
         "{code: C3, name: 办事服务“七公开”, name_en: The seven disclosures of service items, max: 7,")
    edit(folder / "rules" / "d5_timeliness.yml", "  indicator: T1\n", "  indicator: T9\n")
    out = problems(ws.invoke("criteria", "check", folder, db=False, code=2))
    assert "criteria.yml: dimensions: 各指标满分合计为 101，而不是 100；请调整指标满分，使其合计等于总分" in out
    assert ("rules/d5_timeliness.yml: 规则 CONTENT_STALE: indicator: 未知的指标「T9」；请检查拼写，或在 criteria.yml "
            "中添加该指标") in out
