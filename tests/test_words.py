"""People's words: unit types, finding codes, claims and statuses written by their Chinese names
or common synonyms are accepted; an unknown one is answered with the nearest word in its language."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.inputs.importing import ImportFailed, import_file
from scoring.standard import load_default
from scoring.store import Store

STANDARD = load_default()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "w.db", create=True)
    s.create_schema()
    s.add_period("2025", "year", "2025-01-01", "2025-12-31", 12)
    yield s
    s.close()


def write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def problems_of(store, kind, path) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        import_file(store, STANDARD, kind, path)
    return caught.value.problems


def test_unit_types_by_the_report_s_own_names_and_synonyms(store, tmp_path):
    path = write_csv(tmp_path / "units.csv", [["单位编码", "单位名称", "单位类型"],
                                              ["D1", "市教育局", "市直部门"], ["D2", "市卫健委", "市直单位"],
                                              ["X1", "东城区政府", "区县政府"], ["T1", "城关镇", "乡镇(街道)"],
                                              ["P1", "市供水公司", "public_institution"]])
    import_file(store, STANDARD, "units", path)
    rows = store.query("select code, type, ranking_group from units order by code")
    assert [(r["code"], r["type"], r["ranking_group"]) for r in rows] == [
        ("D1", "city_department", "city_department"), ("D2", "city_department", "city_department"),
        ("P1", "public_institution", "public_institution"), ("T1", "township", "township"),
        ("X1", "district_government", "district_government")]


def test_unknown_unit_type_suggests_in_the_language_it_was_written_in(store, tmp_path):
    path = write_csv(tmp_path / "units.csv", [["单位编码", "单位名称", "单位类型"],
                                              ["D1", "市教育局", "市直部"], ["D2", "市卫健委", "city_departmnt"]])
    first, second = problems_of(store, "units", path)
    assert "是否应为「市直部门」？" in first and "市直部门、县区政府、乡镇（街道）、公共企事业单位" in first
    assert "是否应为「city_department」？" in second and "city_department, district_government" in second


def _units(store, tmp_path):
    import_file(store, STANDARD, "units", write_csv(tmp_path / "u.csv", [["code", "name", "type"], ["D1", "市教育局", "市直部门"]]))


def test_finding_codes_by_their_chinese_names(store, tmp_path):
    _units(store, tmp_path)
    path = write_csv(tmp_path / "f.csv", [["编号", "单位编码", "考核周期", "检查日期", "问题代码", "指标"],
                                          ["F-1", "D1", "2025", "2025-03-05", "内容陈旧、更新不及时", ""],
                                          ["F-2", "D1", "2025", "2025-03-06", "应公开未公开", "C3"],
                                          ["F-3", "D1", "2025", "2025-03-07", "content stale", ""]])
    import_file(store, STANDARD, "findings", path)
    rows = store.query("select id, code, indicator from findings order by id")
    assert [(r["id"], r["code"], r["indicator"]) for r in rows] == [
        ("F-1", "CONTENT_STALE", "T1"), ("F-2", "NOT_DISCLOSED", "C3"), ("F-3", "CONTENT_STALE", "T1")]


def test_a_misspelt_chinese_finding_name_gets_the_nearest_chinese_name(store, tmp_path):
    _units(store, tmp_path)
    path = write_csv(tmp_path / "f.csv", [["单位编码", "考核周期", "检查日期", "问题代码"],
                                          ["D1", "2025", "2025-03-05", "内容陈旧，更新不及时了"]])
    (problem,) = problems_of(store, "findings", path)
    assert problem.startswith("f.csv 第 2 行、「问题代码」列：无法识别的问题代码") and "是否应为「内容陈旧、更新不及时」？" in problem


def test_claims_by_common_synonyms(store, tmp_path):
    _units(store, tmp_path)
    path = write_csv(tmp_path / "s.csv", [["单位编码", "考核周期", "指标", "自评结论"],
                                          ["D1", "2025", "C1", "不达标"], ["D1", "2025", "C2", "不适用"],
                                          ["D1", "2025", "C3", "部分达标"], ["D1", "2025", "C4", "Compliant"]])
    import_file(store, STANDARD, "self-assessments", path)
    rows = store.query("select indicator, claim from self_assessments order by indicator")
    assert [r["claim"] for r in rows] == ["noncompliant", "not_applicable", "partial", "compliant"]


def test_an_unknown_claim_suggests_the_nearest_chinese_word(store, tmp_path):
    _units(store, tmp_path)
    path = write_csv(tmp_path / "s.csv", [["单位编码", "考核周期", "指标", "自评结论"], ["D1", "2025", "C1", "未达"]])
    (problem,) = problems_of(store, "self-assessments", path)
    assert "是否应为「未达标」？" in problem and "达标/部分达标/未达标/不涉及" in problem


def test_statuses_by_synonyms():
    from scoring.inputs.models import RectificationUpdateRow
    assert RectificationUpdateRow(id="R-1", status="已整改完毕").status == "rectified"
    assert RectificationUpdateRow(id="R-1", status="已核销").status == "verified"
    assert RectificationUpdateRow(id="R-1", status="in progress").status == "in_progress"


def test_codes_lists_chinese_names_for_people_and_codes_for_scripts():
    runner = CliRunner()
    table = runner.invoke(cli, ["codes", "--kind", "unit-types", "--kind", "finding-codes", "--db", "/nonexistent/x.db"])
    assert table.exit_code == 0, table.output
    assert "单位类型" in table.output and "市直部门" in table.output and "city_department" in table.output
    assert "内容陈旧、更新不及时" in table.output and "CONTENT_STALE" in table.output and "指标 T1" in table.output
    data = json.loads(runner.invoke(cli, ["codes", "--format", "json", "--db", "/nonexistent/x.db"]).output)
    kinds = {row["kind"] for row in data}
    assert kinds == {"unit-types", "finding-codes", "indicators", "metrics", "flags", "claims", "answers", "statuses"}
    stale = next(r for r in data if r["code"] == "CONTENT_STALE")
    assert stale["name"] == "内容陈旧、更新不及时" and stale["name_en"] == "Content stale"
    english = runner.invoke(cli, ["codes", "-k", "flags", "--lang", "en", "--db", "/nonexistent/x.db"]).output
    assert "Kind" in english and "flag" in english and "SELF_REPORT_MISMATCH" in english


def test_rectify_status_options_take_chinese_words_and_suggest():
    runner = CliRunner()
    typo = runner.invoke(cli, ["rectify", "update", "R-1", "--status", "已整该", "--db", "/nonexistent/x.db"])
    assert typo.exit_code == 2 and "是否应为「已整改」？" in typo.output
    listed = runner.invoke(cli, ["rectify", "list", "--status", "已整改完毕", "--db", "/nonexistent/x.db"])
    assert "is not one of" not in listed.output


def test_indicators_by_their_chinese_names_in_findings_and_self_assessments(store, tmp_path):
    _units(store, tmp_path)
    findings = write_csv(tmp_path / "f.csv", [["编号", "单位编码", "考核周期", "检查日期", "问题代码", "指标"],
                                              ["F-1", "D1", "2025", "2025-03-06", "应公开未公开", "办事服务“七公开”"],
                                              ["F-2", "D1", "2025", "2025-03-07", "应公开未公开", "网站与公开专栏"],
                                              ["F-3", "D1", "2025", "2025-03-08", "内容陈旧、更新不及时", "及时更新"],
                                              ["F-4", "D1", "2025", "2025-03-09", "内容陈旧、更新不及时", "收费与资金"]])
    claims = write_csv(tmp_path / "s.csv", [["单位编码", "考核周期", "指标", "自评结论"], ["D1", "2025", "收费与资金", "达标"]])
    problems = problems_of(store, "findings", findings)
    assert problems == ["f.csv 第 5 行、「指标」列：问题「内容陈旧、更新不及时」固定对应指标 T1：指标一栏请留空或填写 T1"]
    fixed = write_csv(tmp_path / "f2.csv", [["编号", "单位编码", "考核周期", "检查日期", "问题代码", "指标"],
                                            ["F-1", "D1", "2025", "2025-03-06", "应公开未公开", "办事服务“七公开”"],
                                            ["F-2", "D1", "2025", "2025-03-07", "应公开未公开", "网站与公开专栏"],
                                            ["F-3", "D1", "2025", "2025-03-08", "内容陈旧、更新不及时", "及时更新"]])
    import_file(store, STANDARD, "findings", fixed)
    import_file(store, STANDARD, "self-assessments", claims)
    assert [(r["id"], r["indicator"]) for r in store.query("select id, indicator from findings order by id")] == [
        ("F-1", "C3"), ("F-2", "F1"), ("F-3", "T1")]
    assert store.query("select indicator from self_assessments")[0]["indicator"] == "C4"


def test_a_misspelt_chinese_indicator_name_gets_the_nearest_chinese_name(store, tmp_path):
    _units(store, tmp_path)
    path = write_csv(tmp_path / "f.csv", [["单位编码", "考核周期", "检查日期", "问题代码", "指标"],
                                          ["D1", "2025", "2025-03-05", "应公开未公开", "网站公开专栏"]])
    (problem,) = problems_of(store, "findings", path)
    assert problem == "f.csv 第 2 行、「指标」列：无法识别的指标「网站公开专栏」；是否应为「网站与公开专栏」？"
