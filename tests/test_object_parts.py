"""Parts scored per object (design §5.3): each website and account through the part's stages on its own.

The hand-worked examples of tests/standards/object-parts run on both engines in tests/test_criteria_check.py;
here: the lines add up exactly at every level, and a workspace with units, objects and findings naming
them is scored, explained and re-scored incrementally when an object changes.
"""

from __future__ import annotations

import csv
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from test_criteria_check import engine_here

from scoring.engine.examples import example_workspace
from scoring.engine.expressions import PRECISION
from scoring.engine.objects import session_facts
from scoring.engine.points import round2
from scoring.engine.runner import score_all
from scoring.standard.loader import load_standard_dir
from scoring.store.periods import parse_period

OBJECT_PARTS = Path(__file__).resolve().parent / "standards" / "object-parts"
STANDARD = load_standard_dir(OBJECT_PARTS)
EXAMPLES = [(src.rule.id, i) for src in STANDARD.rules for i in range(len(src.rule.examples))]


def _score(rule: str, index: int, engine: str):
    example = STANDARD.rules_by_id[rule].examples[index]
    store = example_workspace(STANDARD, example)
    try:
        period = parse_period(example.given.period)
        return score_all(store, STANDARD, period, period.end, engine_name=engine)[0]
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["clips", "durable"])
@pytest.mark.parametrize("rule, index", EXAMPLES)
def test_lines_add_up_at_every_level(rule, index, engine):
    engine_here(engine)  # durable_rules is an optional extra: skipped where it is not installed
    """Object = Σ its stages; part = Σ its lines (OBJECT, OBJECT_FAIL, COMBINE); unit = round(Σ PART + WEIGHT_NA)."""
    score = _score(rule, index, engine)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for part in score.parts.parts:
            for obj in part.objects:
                assert obj.score == sum((s.score for s in obj.stages), Decimal(0))
            assert part.score == sum((line.points for line in part.lines), Decimal(0))
            assert [line.points for line in part.lines if line.rule == "OBJECT"] == [o.score for o in part.objects]
        assert score.parts.total == sum((line.points for line in score.parts.lines), Decimal(0))
    assert score.final == round2(score.parts.total + score.adjust)  # − deductions from the total, floored


def test_an_object_session_holds_the_shared_facts_its_own_object_and_what_names_it():
    facts = [{"fact": "unit", "id": "unit"}, {"fact": "object", "id": "object:A", "code": "A"},
             {"fact": "object", "id": "object:B", "code": "B"}, {"fact": "finding", "id": "finding:1", "object": None},
             {"fact": "finding", "id": "finding:2", "object": "A"}, {"fact": "finding", "id": "finding:3", "object": "B"},
             {"fact": "judged", "id": "judged:X:", "object": ""}]
    assert [f["id"] for f in session_facts(facts, "A")] == ["unit", "object:A", "finding:1", "finding:2", "judged:X:"]


def test_a_part_without_objects_shares_its_weight_out():
    score = _score("DEFECT", 1, "clips")  # one website, no account
    media = score.parts.parts[1]
    assert media.applicable is False and media.objects == []
    assert [(line.rule, line.points) for line in score.parts.lines] == [
        ("PART", Decimal("27.0")), ("PART", Decimal(0)), ("WEIGHT_NA", Decimal("63.0"))]
    assert "政务新媒体无适用对象，其余部分按权重折算：27 ÷ 0.3" in score.parts.lines[2].note


def test_a_failed_object_fails_its_part_or_counts_zero():
    vetoed_site = _score("VETO_WEB", 0, "clips")
    web = vetoed_site.parts.parts[0]
    assert (web.score, web.outcome, vetoed_site.parts.outcome) == (0, "fail", "fail")
    assert web.lines[-1].rule == "OBJECT_FAIL" and web.lines[-1].note == "政府网站 WEB-2 不合格，本部分不合格，得0分"
    vetoed_account = _score("VETO_MEDIA", 0, "clips")
    media = vetoed_account.parts.parts[1]
    assert (media.score, media.outcome, vetoed_account.parts.outcome) == (50, "pass", "pass")
    assert [(line.rule, line.note) for line in media.lines[2:]] == [
        ("OBJECT_FAIL", "政务微信 WX-1 不合格，计0分"), ("COMBINE", "÷2 取平均")]


def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


OBJECT_HEADER = ["对象编码", "单位编码", "对象类型", "对象名称", "网址或账号", "具有对外服务职能", "在用"]


def test_a_workspace_scores_each_object_explains_and_rescores_when_an_object_changes(new_workspace, tmp_path):
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", OBJECT_PARTS)
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"],
                                                          ["D1", "区政务服务局", "department"],
                                                          ["D2", "区教育局", "department"]]))
    objects = [OBJECT_HEADER, ["WEB-1", "D1", "政府网站", "区政务服务网", "", "", ""],
               ["WEB-2", "D1", "website", "区政务公开网", "", "", ""], ["WB-1", "D1", "政务微博", "政务微博号", "", "", ""],
               ["WX-1", "D1", "wechat", "政务微信号", "", "", ""], ["WEB-3", "D2", "website", "教育局网站", "", "", ""]]
    ws.invoke("import", "objects", _csv(tmp_path / "o.csv", objects))
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [
        ["编号", "单位编码", "考核周期", "问题代码", "指标", "数量", "检查日期", "对象编码"],
        ["F-1", "D1", "2025", "DEFECT", "WD1", "25", "2025-05-01", "WEB-1"],
        ["F-2", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-2"],
        ["F-3", "D1", "2025", "DEFECT", "MD1", "10", "2025-05-01", "WB-1"],
        ["F-4", "D2", "2025", "DEFECT", "WD1", "10", "2025-05-01", "WEB-3"]]))
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    assert card["score"] == "92.00" and card["outcome"] == "pass"
    web, media = card["parts"]
    assert [(o["code"], o["score"]) for o in web["objects"]] == [("WEB-1", "75.00"), ("WEB-2", "95.00")]
    assert [(o["code"], o["score"]) for o in media["objects"]] == [("WB-1", "90.00"), ("WX-1", "100.00")]
    assert [(line["rule"], line["points"]) for line in web["lines"]] == [
        ("OBJECT", "75"), ("OBJECT", "95"), ("COMBINE", "-85")]
    assert ws.json("scorecard", "D2", "--period", "2025")["score"] == "90.00"  # no account: WEB's weight is all

    text = ws.invoke("explain", "D1", "--period", "2025").stdout
    for expected in ("WEB 政府网站  85.00 × 0.3  合格", "  WEB-1 区政务服务网  75.00  合格",
                     "W_DEDUCT 扣分指标  75.00（原始得分 75/100）", "÷2 取平均", "各部分按权重折算  92.00  合格"):
        assert expected in text, expected
    assert "本部分无适用对象" in ws.invoke("explain", "D2", "--period", "2025").stdout

    # WB-1 retired: D1's media part is WX-1 alone (100), D1 is scored again, D2's result is reused.
    objects[3][-1] = "否"
    ws.invoke("import", "objects", _csv(tmp_path / "o2.csv", objects))
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    assert [o["code"] for o in card["parts"][1]["objects"]] == ["WX-1"]
    assert card["score"] == "95.50"  # 0.3 × 85 + 0.7 × 100
