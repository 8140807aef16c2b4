"""Parts scored per object, where data is missing or reaches no object (tests/standards/object-parts).

A unit with no website and no account has nothing to score: it is flagged 数据不全 and graded neither 合格 nor
不合格, in the scorecard, explain, the ranking, the report and the 通报. A finding that reaches no object (it
names none and the part has no object, or it names an object of another kind) is flagged, never dropped in
silence. Rectification items reach the session of the object their finding names, this period's and earlier
periods'. The hand-worked examples of these rules run on both engines in tests/test_criteria_check.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from docx import Document

from scoring.engine.objects import NO_OBJECTS, OBJECT_FACTS_UNCOUNTED

OBJECT_PARTS = Path(__file__).resolve().parent / "standards" / "object-parts"
OBJECT_HEADER = ["对象编码", "单位编码", "对象类型", "对象名称"]
FINDING_HEADER = ["编号", "单位编码", "考核周期", "问题代码", "指标", "数量", "检查日期", "对象编码"]


def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _workspace(new_workspace, tmp_path, findings, periods=("2025",)):
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", OBJECT_PARTS)
    ws.invoke("period", "add", *periods)
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"],
                                                          ["D1", "区政务服务局", "department"],
                                                          ["D2", "区教育局", "department"],
                                                          ["D3", "区档案馆", "department"]]))
    ws.invoke("import", "objects", _csv(tmp_path / "o.csv", [
        OBJECT_HEADER, ["WEB-1", "D1", "政府网站", "区政务服务网"], ["WB-1", "D1", "政务微博", "政务服务微博"],
        ["WEB-2", "D2", "政府网站", "区教育网"]]))
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [FINDING_HEADER, *findings]))
    return ws


def test_a_unit_with_no_object_of_any_part_is_flagged_and_graded_neither_pass_nor_fail(new_workspace, tmp_path):
    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-1"],
                                              ["F-2", "D2", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-2"],
                                              ["F-9", "D3", "2025", "DEFECT", "WD1", "4", "2025-05-01", ""]])
    assert "没有在用的对象" in ws.invoke("check", "--period", "2025", code=1).stdout  # warned before the run
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D3", "--period", "2025")
    assert (card["score"], card["outcome"], card["grade"], card["grade_code"], card["feed_points"]) == (
        "0.00", "incomplete", "数据不全", "no_grade", "0.00")
    assert card["flags"] == [NO_OBJECTS, OBJECT_FACTS_UNCOUNTED]
    assert [(p["code"], p["outcome"], p["applicable"]) for p in card["parts"]] == [("WEB", "none", False),
                                                                                  ("MEDIA", "none", False)]
    # F-9 (a website defect naming no website, of a unit with none) is cited, not dropped
    assert [(line["rule"], line["facts"]) for line in card["parts"][0]["lines"]] == [("UNCOUNTED", ["F-9"])]
    assert ws.json("scorecard", "D1", "--period", "2025")["grade"] == "合格"

    text = ws.invoke("explain", "D3", "--period", "2025").stdout
    for expected in ("等次 数据不全", "WEB 政府网站  0.00 × 0.3  不评等次", "各部分按权重折算  0.00  数据不全",
                     "未计分的数据  ← F-9", "提示: 没有任何部分的对象，无可评分内容（数据不全）、数据未写明本部分的对象，未计分"):
        assert expected in text, expected
    assert "合格" not in text.replace("不合格", "")
    english = ws.invoke("--lang", "en", "explain", "D3", "--period", "2025").stdout
    assert "Grade data incomplete" in english and "parts by weight  0.00  data incomplete" in english
    assert [row["grade"] for row in ws.json("rank", "--period", "2025")
            if row["unit"] == "D3"] == ["数据不全"]

    # An incremental run reuses D3's result and places it ungraded again; re-scoring D3 alone does too.
    ws.invoke("run", "--period", "2025")
    assert ws.json("scorecard", "D3", "--period", "2025")["grade"] == "数据不全"
    assert "数据不全" in ws.invoke("run", "--period", "2025", "--unit", "D3").stdout

    out = tmp_path / "report"
    ws.invoke("report", "--period", "2025", "--out", out)
    text = "\n".join(p.text for p in Document(str(out / "通报-2025.docx")).paragraphs)
    assert "考核等次评定为合格2个，不合格0个，数据不全、未评定等次1个。" in text
    assert "区档案馆没有任何应逐个评分的对象（网站、账号等），无可评分内容，数据不全" in text
    assert "逐个评分的对象中，政府网站2个（平均95.00分）、政务微博1个（平均100.00分）。" in text
    html = (out / "report-2025.html").read_text(encoding="utf-8")
    assert "⚑ 没有任何部分的对象，无可评分内容（数据不全）" in html
    assert "<td>政府网站 区政务服务网</td><td class=\"n\">95.00</td>" in html  # each object by kind and name


def test_a_finding_naming_an_object_of_another_kind_is_flagged_not_dropped(new_workspace, tmp_path):
    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WB-1"]])
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    assert card["score"] == "100.00" and card["flags"] == [OBJECT_FACTS_UNCOUNTED]
    web = card["parts"][0]
    assert web["lines"][-1]["rule"] == "UNCOUNTED" and web["lines"][-1]["facts"] == ["F-1"]
    assert "未计分的数据  ← F-1" in ws.invoke("explain", "D1", "--period", "2025").stdout


def test_an_earlier_periods_overdue_item_counts_on_the_object_its_finding_names(new_workspace, tmp_path):
    # Found on WEB-1 on 2024-12-20, due 30 days later (2025-01-19), never rectified: overdue in 2025.
    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2024", "ORDERED_FIX", "WD1", "1", "2024-12-20", "WEB-1"]],
                    periods=("2024", "2025"))
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    web, media = card["parts"]
    assert [(o["code"], o["score"]) for o in web["objects"]] == [("WEB-1", "95.00")]
    assert [(o["code"], o["score"]) for o in media["objects"]] == [("WB-1", "100.00")]  # the account: untouched
    assert card["score"] == "98.50" and card["flags"] == []  # 0.3 × 95 + 0.7 × 100
    lines = [line for d in web["objects"][0]["dimensions"] for i in d["indicators"] for line in i["lines"]]
    assert [(line["rule"], line["points"], line["facts"]) for line in lines] == [("FIX_OVERDUE", "-5", ["R-F-1"])]
    assert [(r["id"], r["overdue"]) for r in card["rectifications"]] == [("R-F-1", True)]


def test_an_object_parts_dimensions_are_its_objects_combined_and_say_where_the_lines_are(new_workspace, tmp_path):
    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-1"],
                                              ["F-2", "D1", "2025", "DEFECT", "MD1", "10", "2025-05-01", "WB-1"]])
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    dims = {d["code"]: d for d in card["dimensions"]}
    assert (dims["WD"]["score"], dims["WD"]["objects"], dims["MD"]["score"], dims["MD"]["objects"]) == (
        "95.00", "WEB", "90.00", "MEDIA")
    # The lines are under each object in `parts`, not pooled here from every object's findings.
    assert all(not i["lines"] for d in card["dimensions"] for i in d["indicators"])
    d2 = {d["code"]: d for d in ws.json("scorecard", "D2", "--period", "2025")["dimensions"]}
    assert (d2["MD"]["score"], d2["MD"]["applicable"]) == (None, False)  # no account: nothing to combine


def test_the_web_scorecard_shows_each_object_by_kind_and_name_and_a_unit_with_none_as_incomplete(new_workspace, tmp_path):
    from test_web import Browser

    from scoring.store import Store
    from scoring.web.app import create_app
    from scoring.web.users import add_user

    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-1"],
                                              ["F-9", "D3", "2025", "DEFECT", "WD1", "4", "2025-05-01", ""]])
    ws.invoke("run", "--period", "2025")
    store = Store(ws.db)
    try:
        add_user(store, "boss", "leader", "leader-pass-1", None)
    finally:
        store.close()
    browser = Browser(create_app(ws.db, secret_key="k" * 40, testing=True))
    assert browser.login("boss", "leader-pass-1").status_code == 302
    page = browser.get("/unit/D1/scorecard?period=2025").text
    assert '<td>政府网站</td><td title="WEB-1">区政务服务网</td>' in page and "95.00" in page
    assert '<td>政务微博</td><td title="WB-1">政务服务微博</td>' in page
    empty = browser.get("/unit/D3/scorecard?period=2025").text
    for expected in ("数据不全", "不评等次", "没有任何部分的对象，无可评分内容（数据不全）", "未计分的数据"):
        assert expected in empty, expected


def test_the_tongbao_averages_only_units_with_something_scored_and_claims_no_grade_the_scale_lacks(
        new_workspace, tmp_path):
    ws = _workspace(new_workspace, tmp_path, [["F-1", "D1", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-1"],
                                              ["F-2", "D2", "2025", "DEFECT", "WD1", "5", "2025-05-01", "WEB-2"]])
    ws.invoke("run", "--period", "2025")
    out = tmp_path / "report"
    ws.invoke("report", "--period", "2025", "--out", out)
    text = "\n".join(p.text for p in Document(str(out / "通报-2025.docx")).paragraphs)
    # D3 (no website, no account) scored 0 for want of data: the average is D1's and D2's alone, and says so
    assert "参评单位平均得分96.75分（不含数据不全的1个单位）" in text and "区直单位平均96.75分" in text
    # this standard grades 合格 / 不合格 only: the best units are praised by rank, never called 优秀
    assert "以下单位考核得分在本组排名前列，予以通报表扬：\n区直单位：区政务服务局（98.50分）。" in text
    assert "优秀" not in text
    # a veto dimension (maximum 0) has no rate to be weak in
    assert "单项否决（" not in text
    # nor a rate or a share of its maximum lost in the HTML: it read 0.0% on a scorecard and 100.0% lost in the chart
    html = (out / "report-2025.html").read_text(encoding="utf-8")
    assert re.search(r'<td>网站单项否决</td><td class="n">0\.00</td>\s*<td class="n">0</td><td class="n"></td>', html)
    assert ">0.00（100.0%）" not in html and ">0.00</text>" in html and ">20.00（100.0%）" in html  # the bonus dimension keeps its share
