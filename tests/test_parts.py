"""Parts, stages and gates (design §5, units): lint names each mistake, lines add up, outputs show parts.

The hand-worked examples of the 湾沚 30/70 and 国办 sequence test standards run on both engines in
tests/test_criteria_check.py (every test standard's examples); here: what an administrator gets
wrong, the exact arithmetic, and a workspace scored, explained and reported on such a standard.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring.engine.examples import score_example
from scoring.engine.expressions import PRECISION
from scoring.engine.points import round2
from scoring.engine.parts import PartsResult
from scoring.standard import load_default
from scoring.standard.loader import load_standard_dir
from scoring.standard.model import StandardError
from scoring.standard.parts import Gate, Stage

STANDARDS = Path(__file__).resolve().parent / "standards"
WANZHI = STANDARDS / "wanzhi-parts"
GOV = STANDARDS / "gov-sequence"


def _variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    folder = tmp_path / source.name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    criteria = folder / "criteria.yml"
    text = criteria.read_text(encoding="utf-8")
    assert old in text, old
    criteria.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _problems(tmp_path: Path, source: Path, old: str, new: str) -> str:
    with pytest.raises(StandardError) as err:
        load_standard_dir(_variant(tmp_path, source, old, new))
    return str(err.value)


# ---------------------------------------------------------------- lint (design §5.6)

def test_weights_that_do_not_add_up_to_one(tmp_path, english):
    assert "criteria.yml: parts: weights add up to 0.9, not 1" in _problems(tmp_path, WANZHI, 'weight: "0.7"', 'weight: "0.6"')


def test_a_dimension_in_no_stage(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "dimensions: [MB], total: 20, cap: 20", "cap: 20")
    assert "criteria.yml: parts: dimension MB is in no stage: list it under one stage's dimensions" in text


def test_a_dimension_in_two_stages(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "dimensions: [MB], total: 20", "dimensions: [MB, WB], total: 20")
    assert "criteria.yml: parts: dimension WB is in stages W_BONUS and M_BONUS: a dimension belongs to one stage" in text


def test_a_stage_naming_an_unknown_dimension(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "dimensions: [MB], total: 20", "dimensions: [MB, MX], total: 20")
    assert "criteria.yml: parts.MEDIA.stages.M_BONUS.dimensions: unknown dimension 'MX'" in text


def test_a_gate_on_a_stage_no_stage_computes(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true, note: 低于60分，判定为不合格}",
                     "- {on: W_DEDUCTS, lt: 60, fail: true, note: 低于60分，判定为不合格}")
    assert ("criteria.yml: parts.WEB.stages.W_DEDUCT.gates[0].on: no stage W_DEDUCTS computes a score "
            "(stages of WEB: W_VETO, W_DEDUCT, W_BONUS)") in text


def test_a_gate_on_a_later_stage(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true, note: 低于60分，判定为不合格}",
                     "- {on: W_BONUS, lt: 60, fail: true, note: 低于60分，判定为不合格}")
    assert ("parts.WEB.stages.W_DEDUCT.gates[0].on: stage W_BONUS comes later: a gate reads a score computed "
            "before it (this stage or an earlier one)") in text


def test_a_gate_on_a_veto_stage(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true, note: 低于60分，判定为不合格}",
                     "- {on: W_VETO, lt: 60, fail: true, note: 低于60分，判定为不合格}")
    assert "parts.WEB.stages.W_DEDUCT.gates[0].on: stage W_VETO is a veto stage and computes no score to compare" in text


def test_a_gate_on_another_parts_stage(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true, note: 低于60分，判定为不合格}",
                     "- {on: M_DEDUCT, lt: 60, fail: true, note: 低于60分，判定为不合格}")
    assert "parts.WEB.stages.W_DEDUCT.gates[0].on: stage M_DEDUCT belongs to part MEDIA: a gate reads a score of its own part" in text


def test_a_gate_threshold_outside_what_the_stage_can_score(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true", "- {lt: 120, fail: true")
    assert ("parts.WEB.stages.W_DEDUCT.gates[0].lt: 120 is outside what W_DEDUCT can score (0 to 100): "
            "the gate would always or never hold") in text
    text = _problems(tmp_path, WANZHI, "- {lt: 60, fail: true", "- {lt: -1, fail: true")
    assert "gates[0].lt: -1 is outside what W_DEDUCT can score (0 to 100)" in text


def test_a_part_with_no_score_stage(tmp_path, english):
    """新媒体 with only its veto stage and an events stage: nothing it holds can give points."""
    folder = _variant(tmp_path, WANZHI, """      - code: M_DEDUCT
        name: 扣分指标
        name_en: Deductions
        kind: score
        dimensions: [MD]
        total: 100
        gates:
          - {lt: 60, fail: true, note: 低于60分，判定为不合格}
          - {lte: 80, stop: true, note: 未高于80分，不进入加分环节}
      - {code: M_BONUS, name: 加分指标, name_en: Bonus, kind: score, dimensions: [MB], total: 20, cap: 20}""",
                      "      - {code: M_BONUS, name: 加分指标, name_en: Bonus, kind: events, cap: 20}")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert ("criteria.yml: parts.MEDIA: no score stage: the part can only give 0 "
            "(add a score stage, or give it weight 0)") in str(err.value)


def test_a_stage_whose_maxima_miss_its_total(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "        dimensions: [WD]\n        total: 100", "        dimensions: [WD]\n        total: 90")
    assert "parts.WEB.stages.W_DEDUCT: its dimensions' maxima add up to 100, not its total 90" in text


def test_a_veto_stage_holds_veto_nodes_only(tmp_path, english):
    text = _problems(tmp_path, WANZHI, "name_en: Website veto cases, max: 0, method: veto}",
                     "name_en: Website veto cases, max: 5, method: deduct}")
    assert ("criteria.yml: indicator WV1: its dimension WV is in the veto stage W_VETO, which holds veto nodes only "
            "(method: veto, max: 0)") in text


def test_a_bonus_rule_that_lands_in_no_events_stage(tmp_path, english):
    """A bonus event (then.bonus) needs an events stage: the 湾沚 bonus stages are earn nodes in score stages."""
    folder = _variant(tmp_path, WANZHI, "total: 20, cap: 20}", "total: 20, cap: 20}")
    rules = folder / "rules" / "wanzhi.yml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("    earn: {points: 5, per: count}", "    bonus: {points: 5, per: count}", 1), encoding="utf-8")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert ("rules/wanzhi.yml: rule WEB_HIGHLIGHT: then.bonus: lands in no events stage: give the rule an indicator "
            "of an events stage's dimension, or add an events stage without dimensions") in str(err.value)


# ---------------------------------------------------------------- schema

def test_a_gate_takes_one_comparison_and_an_effect(english):
    with pytest.raises(ValidationError, match="exactly one of eq, ne, lt, lte, gt, gte"):
        Gate.model_validate({"lt": 60, "gt": 10, "fail": True})
    with pytest.raises(ValidationError, match="give fail: true, stop: true or both"):
        Gate.model_validate({"lt": 60})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Gate.model_validate({"lt": 60, "fail": True, "then": "stop"})


def test_stage_fields_fit_its_kind(english):
    with pytest.raises(ValidationError, match="gates compare a computed score"):
        Stage.model_validate({"code": "V", "kind": "veto", "gates": [{"lt": 1, "fail": True}]})
    with pytest.raises(ValidationError, match="scale_to: total needs the stage's total"):
        Stage.model_validate({"code": "S", "kind": "score", "scale_to": "total"})


def test_combine_without_objects_is_refused(tmp_path, english):
    """combine and object_fail only mean something for a part scored per object."""
    text = _problems(tmp_path, WANZHI, '    weight: "0.3"\n', '    weight: "0.3"\n    combine: min\n')
    assert "combine and object_fail are for a part scored per object: give objects: [kinds] too" in text


def test_a_part_of_an_undeclared_object_kind(tmp_path, english):
    text = _problems(tmp_path, WANZHI, '    weight: "0.3"\n', '    weight: "0.3"\n    objects: [website]\n')
    assert "parts.WEB.objects: unknown object kind 'website' (known: none: list them under object_kinds)" in text


# ---------------------------------------------------------------- arithmetic

def test_lines_add_up_at_every_level_and_the_score_is_rounded_once():
    standard = load_standard_dir(GOV)
    example = standard.rules_by_id["DEFECT"].examples[4]  # 74 of 75 ×4/3 = 98.666…, + 10
    doc = score_example(standard, example, "clips")
    stage = {s["code"]: s for s in doc["parts"][0]["stages"]}["W_DEDUCT"]
    assert stage["raw"] == "74" and stage["max"] == "75"
    assert [(l["rule"], l["points"]) for l in stage["lines"]] == [("SCALE", "24.6667")]
    assert "折算：74 × 100 ÷ 75" in stage["lines"][0]["note"]
    assert doc["score"] == "108.67" and doc["part_lines"][0]["points"] == "108.6667"


@pytest.mark.parametrize("rule, index", [("DEFECT", i) for i in range(7)] + [("SEVERE_INCIDENT", 0), ("INNOVATION", 0)])
def test_exact_sums_of_the_gov_sequence(rule, index):
    """Stage = Σ dimensions + Σ lines (score) or Σ lines; part = Σ stages; unit = round(Σ PART lines)."""
    from scoring.engine.runner import score_all
    from scoring.engine.examples import example_workspace
    from scoring.store.periods import parse_period

    standard = load_standard_dir(GOV)
    example = standard.rules_by_id[rule].examples[index]
    store = example_workspace(standard, example)
    try:
        period = parse_period(example.given.period)
        score = score_all(store, standard, period, period.end, engine_name="clips")[0]
    finally:
        store.close()
    parts: PartsResult = score.parts
    with localcontext() as ctx:
        ctx.prec = PRECISION  # as the tally computes
        _assert_sums(standard, score, parts)


def _assert_sums(standard, score, parts: PartsResult) -> None:
    for part, spec in zip(parts.parts, standard.criteria.parts):
        for stage, stage_spec in zip(part.stages, spec.stages):
            dims = sum((score.indicators[i.code].score for d in standard.criteria.dimensions
                        if d.code in stage_spec.dimensions and stage.kind == "score"
                        for i in d.indicators if score.indicators[i.code].applicable), Decimal(0))
            assert stage.score == dims + sum((l.points for l in stage.lines), Decimal(0))
        assert part.score == sum((s.score for s in part.stages), Decimal(0))
    assert parts.total == sum((l.points for l in parts.lines), Decimal(0))
    assert score.final == round2(parts.total)


def test_a_standard_without_parts_adds_no_keys():
    standard = load_default()
    example = next(src.rule.examples[0] for src in standard.rules)
    doc = score_example(standard, example, "clips")
    assert not {"parts", "outcome", "part_lines"} & set(doc)


# ---------------------------------------------------------------- end to end

def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_parts_standard_scores_explains_and_reports_end_to_end(new_workspace, tmp_path):
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", WANZHI)
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"],
                                                            ["D1", "区政务服务局", "department"],
                                                            ["D2", "区教育局", "department"],
                                                            ["D3", "区卫健委", "department"]]))
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [
        ["编号", "单位编码", "考核周期", "问题代码", "指标", "数量", "检查日期"],
        ["F-1", "D1", "2025", "DEFECT", "WD1", "25", "2025-05-01"],
        ["F-2", "D1", "2025", "WEB_HIGHLIGHT", "", "1", "2025-05-01"],
        ["F-3", "D1", "2025", "DEFECT", "MD1", "10", "2025-05-01"],
        ["F-4", "D1", "2025", "MEDIA_HIGHLIGHT", "", "1", "2025-05-01"],
        ["F-5", "D2", "2025", "WEB_VETO_CASE", "", "1", "2025-05-01"],
        ["F-6", "D3", "2025", "DEFECT", "WD1", "45", "2025-05-01"]]))
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    assert card["score"] == "89.00" and card["outcome"] == "pass"
    assert [(p["code"], p["score"]) for p in card["parts"]] == [("WEB", "75.00"), ("MEDIA", "95.00")]
    assert [l["points"] for l in card["part_lines"]] == ["22.5", "66.5"]
    vetoed = ws.json("scorecard", "D2", "--period", "2025")
    assert (vetoed["score"], vetoed["outcome"], vetoed["veto"], vetoed["grade"]) == ("70.00", "fail", True, "不合格")
    ranked = ws.json("rank", "--period", "2025")
    rows = ranked if isinstance(ranked, list) else ranked.get("units", ranked)
    # The failed units rank last despite their 86.50 and 70.00.
    assert [(r["unit"], r["score"]) for r in rows] == [("D1", "89.00"), ("D3", "86.50"), ("D2", "70.00")]

    text = ws.invoke("explain", "D1", "--period", "2025").stdout
    for expected in ("WEB 政府网站  75.00 × 0.3  合格", "W_DEDUCT 扣分指标  75.00（原始得分 75/100）  合格",
                     "未高于80分，不进入加分环节（W_DEDUCT 75 ≤ 80）", "W_BONUS 加分指标  0.00（原始得分 5/20）  合格  未进入本环节",
                     "WD 网站扣分指标  75.00/100", "WD1 网站日常监测问题  75.00/100", "-25  日常监测问题  ← F-1",
                     "各部分按权重折算  89.00  合格", "+22.5  按权重折算  [政府网站 75 × 0.3]"):
        assert expected in text, expected
    vetoed_text = ws.invoke("explain", "D2", "--period", "2025").stdout
    assert "单项否决，不再对其他指标评分，本部分得0分" in vetoed_text

    out = tmp_path / "reports"
    ws.invoke("report", "--period", "2025", "--out", out)
    html = (out / "report-2025.html").read_text(encoding="utf-8")
    assert "各部分得分" in html and "政务新媒体（权重 0.7）" in html and "W_DEDUCT" in html
    from docx import Document
    tongbao = "\n".join(p.text for p in Document(str(out / "通报-2025.docx")).paragraphs)
    assert "其中1个单位因存在一票否决情形，考核等次直接确定为不合格。1个单位经判定为不合格。" in tongbao
    assert "以下1个单位存在一票否决情形，考核等次确定为不合格：区教育局（网站出现单项否决情形）。" in tongbao
    assert "以下1个单位经判定为不合格：区卫健委（低于60分，判定为不合格（W_DEDUCT 55 < 60））。" in tongbao


def test_a_stage_out_of_108_reports_raw_points_or_converts_with_scale_to(tmp_path):
    """湾沚's website deductions written out of 108: raw 108-point scores, or ×100/108 with scale_to: 100."""
    raw = load_standard_dir(_out_of_108(tmp_path / "raw", ""))
    example = raw.rules_by_id["VETO_MEDIA"].examples[0]  # nothing wrong with the website
    assert {p["code"]: p["score"] for p in score_example(raw, example, "clips")["parts"]}["WEB"] == "108.00"
    scaled = load_standard_dir(_out_of_108(tmp_path / "scaled", "        scale_to: 100\n"))
    example = scaled.rules_by_id["DEFECT"].examples[0]  # the website loses 25: 83 of 108
    doc = score_example(scaled, example, "clips")
    stage = {s["code"]: s for p in doc["parts"] for s in p["stages"]}["W_DEDUCT"]
    assert stage["score"] == "76.85" and stage["lines"][0]["note"] == "折算：83 × 100 ÷ 108（适用指标满分 108）"


def _out_of_108(tmp_path: Path, scale: str) -> Path:
    tmp_path.mkdir(parents=True)
    folder = _variant(tmp_path, WANZHI, "name_en: Website defects, max: 100", "name_en: Website defects, max: 108")
    criteria = folder / "criteria.yml"
    text = criteria.read_text(encoding="utf-8")
    text = text.replace("        dimensions: [WD]\n        total: 100\n", "        dimensions: [WD]\n        total: 108\n" + scale, 1)
    criteria.write_text(text, encoding="utf-8")
    return folder


def _wanzhi_part(defects: int, highlights: int, vetoed: bool) -> tuple[Decimal, bool]:
    """湾沚's rule for one part, as the clause says it, written apart from the engine: (score, failed)."""
    if vetoed:
        return Decimal(0), True
    deducted = Decimal(max(0, 100 - defects))
    bonus = Decimal(min(20, 5 * highlights)) if deducted > 80 else Decimal(0)
    return deducted + bonus, deducted < 60


@settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(web=st.tuples(st.integers(0, 110), st.integers(0, 5), st.booleans()),
       media=st.tuples(st.integers(0, 110), st.integers(0, 5), st.booleans()))
def test_random_units_score_as_the_wanzhi_clause_says(web, media):
    from scoring.standard.schema import Example

    standard = load_standard_dir(WANZHI)
    findings = []
    for (defects, highlights, vetoed), (indicator, highlight, veto) in ((web, ("WD1", "WEB_HIGHLIGHT", "WEB_VETO_CASE")),
                                                                      (media, ("MD1", "MEDIA_HIGHLIGHT", "MEDIA_VETO_CASE"))):
        if defects:
            findings.append({"code": "DEFECT", "indicator": indicator, "count": defects})
        if highlights:
            findings.append({"code": highlight, "count": highlights})
        if vetoed:
            findings.append({"code": veto})
    example = Example.model_validate({"given": {"unit": {"type": "department"}, "findings": findings},
                                      "expect": {"score": "0"}})
    doc = score_example(standard, example, "clips")
    (w, w_failed), (m, m_failed) = _wanzhi_part(*web), _wanzhi_part(*media)
    assert {p["code"]: p["score"] for p in doc["parts"]} == {"WEB": f"{w:.2f}", "MEDIA": f"{m:.2f}"}
    assert doc["score"] == f"{round2(Decimal('0.3') * w + Decimal('0.7') * m):.2f}"
    assert doc["outcome"] == ("fail" if w_failed or m_failed else "pass")


def test_criteria_total_is_what_the_maxima_are_checked_against(tmp_path, english):
    """Without parts `total` (default 100) is only the lint's sum; the score stays 100 × earned ÷ possible."""
    from scoring.standard.loader import SHIPPED
    source = next(p for p in sorted(SHIPPED.iterdir()) if (p / "criteria.yml").exists())
    folder = tmp_path / "std"
    shutil.copytree(source, folder)
    criteria = folder / "criteria.yml"
    text = criteria.read_text(encoding="utf-8")
    criteria.write_text(text + "\ntotal: 108\n", encoding="utf-8")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "criteria.yml: dimensions: indicator maxima add up to 100, not 108" in str(err.value)
    criteria.write_text(text + "\ntotal: 100\n", encoding="utf-8")
    assert load_standard_dir(folder).criteria == load_default().criteria
