"""The 通报 (通报-PERIOD.docx) and the report folder as people read it: Chinese headers and 是/否,
times in the office's time zone, the summary edition and its A4 PDF.

The demo's 通报 is read back with python-docx and checked against the demo's own ranking (rank.json)
and the report's data: the sections a 通报 has, in order, the units it names and the numbers it says.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from scoring.outputs.report import build
from scoring.store import Store
from tests.test_report import demo, example, scoring  # noqa: F401 (session fixtures, shared)

SECTIONS = ["一、总体情况", "二、表扬", "三、通报批评", "四、存在的主要问题", "五、整改要求", "六、下一步工作要求"]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def body_text(path: Path) -> str:
    return "\n".join(paragraphs(path))


@pytest.fixture(scope="module")
def demo_data(demo):
    store = Store(demo[0] / "demo.db")
    try:
        return build(store, "2025")
    finally:
        store.close()


def test_demo_writes_a_tongbao_with_the_sections_of_one(demo):
    out, stderr = demo
    path = out / "通报-2025.docx"
    assert path.is_file() and "通报-2025.docx" in stderr
    texts = paragraphs(path)
    assert texts[0] == "市政务公开工作领导小组办公室"  # the issuing body heads the document
    assert "关于2025年度政务公开、办事公开工作考核结果的通报（草稿）" in texts  # the demo never finalises 2025
    assert "各县（市、区）人民政府，市政府各部门，各有关单位：" in texts
    at = [texts.index(s) for s in SECTIONS]
    assert at == sorted(at), "the sections are in the order a 通报 has them"
    assert texts[1] == "市政公开〔2026〕1号"  # the 文号 under it
    assert "附件：1. 2025年度政务公开、办事公开工作考核排名" in texts and "附件2" in texts
    assert "2025年12月31日" in texts  # dated the run's as-of date: the same seed gives the same 通报
    assert not re.search(r"\{\{|\{%", body_text(path)), "every template tag was filled"


def test_tongbao_overview_says_the_runs_numbers(demo, demo_data):
    ranked = json.loads((demo[0] / "rank.json").read_text(encoding="utf-8"))
    text = body_text(demo[0] / "通报-2025.docx")
    average = sum(Decimal(r["score"]) for r in ranked) / len(ranked)
    assert f"共有{len(ranked)}个单位参加考核" in text
    assert f"平均得分{average.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP')}分" in text
    for grade in demo_data["summary"]["grades"]:
        assert f"{grade['name']}{grade['count']}个" in text
    assert "与2024年度相比" in text


def test_tongbao_praises_the_best_and_criticises_vetoed_and_failed_units_by_name(demo, demo_data):
    ranked = json.loads((demo[0] / "rank.json").read_text(encoding="utf-8"))
    texts = paragraphs(demo[0] / "通报-2025.docx")
    praise = "".join(texts[texts.index("二、表扬"):texts.index("三、通报批评")])
    criticism = "".join(texts[texts.index("三、通报批评"):texts.index("四、存在的主要问题")])
    best = min((r for r in ranked if r["group"] == "city_department"), key=lambda r: r["rank"])
    assert f"{best['name']}（{best['score']}分）" in praise
    for row in ranked:
        if row["veto"]:
            assert row["name"] in criticism and row["name"] not in praise
    failed = [r for g in demo_data["groups"] for r in g["rows"] if r["grade_code"] == "fail" and not r["veto"]]
    assert failed and all(f"{r['name']}（{r['score']}分）" in criticism for r in failed)
    overdue = sum(g["overdue"] for g in demo_data["rectification_groups"])
    assert f"仍有{overdue}项整改事项超过整改期限未完成" in criticism
    assert not re.search(r"[A-Z_]{4,}|city_department", criticism + praise), "names, not codes"


def test_tongbao_names_the_most_frequent_problems_with_counts_and_units(demo, demo_data):
    texts = paragraphs(demo[0] / "通报-2025.docx")
    problems = "".join(texts[texts.index("四、存在的主要问题"):texts.index("五、整改要求")])
    first = demo_data["findings"][0]
    assert f"（一）{first['name']}。共发现{first['findings']}处，涉及{first['units']}个单位" in problems
    assert all(name in problems for name in first["examples"])
    assert first["code"] not in problems
    requirements = "".join(texts[texts.index("五、整改要求"):texts.index("六、下一步工作要求")])
    assert "2026年1月30日前" in requirements  # 30 days after the date of issue


def test_tongbao_attaches_rankings_and_open_items_as_word_tables(demo, demo_data):
    tables = Document(str(demo[0] / "通报-2025.docx")).tables
    groups = demo_data["groups"]
    assert len(tables) == len(groups) + 1
    for table, group in zip(tables, groups):
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows[0] == ["排名", "单位", "得分", "等次", "较上期"]
        assert len(rows) - 1 == len(group["rows"])
        assert rows[1][:3] == [str(group["rows"][0]["rank"]), group["rows"][0]["name"], group["rows"][0]["score"]]
    items = tables[-1]
    open_items = sum(g["open"] for g in demo_data["rectification_groups"])
    assert len(items.rows) - 1 == open_items
    assert sum("（超期）" in row.cells[4].text for row in items.rows) == sum(
        g["overdue"] for g in demo_data["rectification_groups"])


def test_report_takes_issuer_number_and_date_from_options(example, tmp_path):
    out = tmp_path / "out"
    result = scoring("report", "--period", "2025", "--out", out, "--db", example / "scoring.db",
                     "--issuer", "青山市人民政府办公室", "--doc-number", "青政办〔2026〕3号", "--issued", "2026-01-15",
                     "--rectify-by", "2026-03-01")
    texts = paragraphs(out / "通报-2025.docx")
    assert texts[:2] == ["青山市人民政府办公室", "青政办〔2026〕3号"]
    assert "2026年1月15日" in texts and "2026年3月1日" in body_text(out / "通报-2025.docx")
    assert "通报-2025.docx" in result.stderr


def test_issuer_can_be_a_workspace_setting(example, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(example / "scoring.db", db)
    store = Store(db)
    store.set_setting("report.issuer", "白云区政务公开办公室")
    store.close()
    scoring("report", "--period", "2025", "--out", tmp_path / "out", "--db", db, "--issued", "2026-01-15")
    assert paragraphs(tmp_path / "out" / "通报-2025.docx")[0] == "白云区政务公开办公室"


def test_a_template_that_is_not_a_word_file_is_refused_and_nothing_half_written(example, tmp_path):
    bad = tmp_path / "模板.docx"
    bad.write_text("not a docx", encoding="utf-8")
    result = scoring("report", "--period", "2025", "--out", tmp_path / "out", "--db", example / "scoring.db",
                     "--template", bad, code=2)
    assert "通报模板" in result.output and str(bad) in result.output
    assert not list((tmp_path / "out").glob("通报*"))


def test_scoring_time_is_shown_in_the_offices_time_zone(example, tmp_path):
    store = Store(example / "scoring.db")
    created = store.query("select created_at from runs where period = '2025' order by id desc limit 1")[0]["created_at"]
    store.close()
    shanghai = datetime.fromisoformat(created).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    html = (example / "out" / "report-2025.html").read_text(encoding="utf-8")
    assert f"评分时间：{shanghai}" in html
    assert created not in html and "+00:00" not in html
    assert "评分批次" not in html.split("</header>")[0]


def test_a_time_zone_setting_that_names_no_zone_is_a_clear_error(example, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(example / "scoring.db", db)
    store = Store(db)
    store.set_setting("timezone", "Mars/Olympus")
    store.close()
    result = scoring("report", "--period", "2025", "--out", tmp_path / "out", "--db", db, code=2)
    assert "Mars/Olympus" in result.output and "Asia/Shanghai" in result.output


def test_report_folder_csv_files_have_chinese_headers_and_yes_no(demo):
    out = demo[0]
    files = sorted(out.glob("*.csv"))
    assert {"rank.csv", "feed.csv"} <= {p.name for p in files}
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        for name in header:  # a dimension's or indicator's column is "D1 组织领导": a number and its name
            assert re.search(r"[\u4e00-\u9fff]", name), f"{path.name}: header {name!r} is not Chinese"
        cells = {cell for row in rows[1:] for cell in row}
        assert not cells & {"true", "false", "True", "False"}, path.name


def test_summary_edition_of_a_small_run(demo):
    html = (demo[0] / "report-2025-summary.html").read_text(encoding="utf-8")
    assert "汇总版：参评单位95个" in html
    assert '<article class="unit"' not in html
    assert "多于200个" not in html


def test_frequent_findings_lead_with_the_problems_name(demo):
    html = (demo[0] / "report-2025.html").read_text(encoding="utf-8")
    findings = html.split('<section id="findings">')[1].split("</section>")[0]
    assert "CONTENT_STALE" not in re.sub(r'data-code="[^"]*"', "", findings)
    assert "内容陈旧、更新不及时" in findings


@pytest.mark.skipif(not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
                    reason="--pdf prints with headless Chromium, not installed here")
def test_summary_edition_prints_on_at_most_20_a4_pages(demo, tmp_path):
    out = tmp_path / "pdf"
    scoring("report", "--period", "2025", "--out", out, "--db", demo[0] / "demo.db", "--summary", "--pdf",
            "--issued", "2026-01-15")
    pdf = (out / "report-2025.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 20
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d+ 84[12]\.\d+", pdf), "A4 pages"


def test_an_english_report_is_english_and_has_no_chinese_tongbao(example, tmp_path):
    out = tmp_path / "en"
    scoring("report", "--period", "2025", "--out", out, "--db", example / "scoring.db", "--lang", "en")
    assert not list(out.glob("通报*"))
    with (out / "report-2025-ranking.csv").open(encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:4] == ["Group", "Rank", "Unit", "Name"]
    assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in header)


def test_the_shipped_template_is_what_its_script_builds(tmp_path):
    """tongbao.docx is committed; build_tongbao.py beside it makes the same bytes (edit the script, rebuild)."""
    import runpy

    from scoring.outputs.report.docx import default_template

    shipped = default_template()
    build = runpy.run_path(str(shipped.with_name("build_tongbao.py")))["build"]
    assert build(tmp_path / "tongbao.docx").read_bytes() == shipped.read_bytes()



def test_a_draft_says_so_in_the_tongbao_the_workbook_and_the_page(demo):
    """The demo's 2025 is scored but not final: every file a leader may forward says it is a draft, in words."""
    import openpyxl

    out, _ = demo
    title = next(p for p in paragraphs(out / "通报-2025.docx") if p.startswith("关于"))
    assert title.endswith("工作考核结果的通报（草稿）")
    about = openpyxl.load_workbook(out / "report-2025.xlsx", read_only=True)["说明"]
    cells = [c for row in about.iter_rows(values_only=True) for c in row if c]
    assert "草稿：本结果尚未定稿（已评分（草稿）），以定稿结果为准。" in cells
    html = (out / "report-2025.html").read_text(encoding="utf-8")
    assert "草稿：本结果尚未定稿（已评分（草稿））" in html and "（scored）" not in html
