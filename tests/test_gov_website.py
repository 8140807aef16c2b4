"""The shipped 国办秘函〔2019〕19号 standard end to end: a workspace started on it, units, their websites and
accounts, findings naming them, a run, scorecards and explanations.

Its rule examples run on both engines in tests/test_criteria_check.py (every shipped standard's examples).
"""

from __future__ import annotations

import csv
from pathlib import Path

from scoring.standard.loader import SHIPPED, load_standard_dir

OBJECT_HEADER = ["对象编码", "单位编码", "对象类型", "对象名称", "网址或账号", "具有对外服务职能", "在用"]


def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_every_locally_set_point_says_so_in_its_rationale():
    """An administrator sees what to check: each rule that deducts or earns points not in the text says 本地设定."""
    standard = load_standard_dir(SHIPPED / "gov-website-2019")
    for src in standard.rules:
        rule = src.rule
        if rule.then.deduct or rule.then.earn:
            assert "本地设定: 请按本地细则核对" in rule.rationale, rule.id


def test_init_import_run_and_explain_on_the_website_standard(new_workspace, tmp_path):
    ws = new_workspace()
    ws.invoke("init", "--standard", "gov-website-2019")
    assert [s["id"] for s in ws.json("criteria", "list") if s["in_use"]] == ["gov-website-2019"]
    ws.invoke("period", "add", "2025Q1")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"],
                                                          ["D1", "市发展改革委", "地方政府及其部门"],
                                                          ["D2", "市统计局", "地方政府及其部门"],
                                                          ["D3", "市教育局", "地方政府及其部门"]]))
    ws.invoke("import", "objects", _csv(tmp_path / "o.csv", [
        OBJECT_HEADER,
        ["W1", "D1", "政府门户网站", "发改委门户网站", "https://fgw.example.gov.cn", "是", ""],
        ["W2", "D1", "政府门户网站", "价格监测网", "https://jg.example.gov.cn", "否", ""],
        ["WX-1", "D1", "政务微信", "发改委微信", "fgw-wx", "", ""],
        ["W3", "D2", "政府门户网站", "统计局网站", "https://tjj.example.gov.cn", "是", ""],
        ["W4", "D3", "政府门户网站", "教育局网站", "https://jyj.example.gov.cn", "是", ""],
        ["WB-1", "D3", "政务微博", "教育局微博", "jyj-wb", "", ""]]))
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [
        ["编号", "单位编码", "考核周期", "问题代码", "数量", "检查日期", "对象编码"],
        ["F-1", "D1", "2025Q1", "INFO_NOT_PUBLISHED", "5", "2025-03-20", "W1"],
        ["F-2", "D1", "2025Q1", "INNOVATION_OPENNESS", "1", "2025-03-20", "W1"],
        ["F-3", "D1", "2025Q1", "BROKEN_LINK", "6", "2025-03-20", "W2"],
        ["F-4", "D2", "2025Q1", "FALSIFIED", "1", "2025-03-20", "W3"],
        ["F-5", "D3", "2025Q1", "HARMFUL_CONTENT", "1", "2025-03-20", "WB-1"]]))
    ws.invoke("run", "--period", "2025Q1")

    card = ws.json("scorecard", "D1", "--period", "2025Q1")
    web = card["parts"][0]
    # W1: 90 > 80 enters the bonus stage, + 5 = 95; W2 (no public services): (75 − 6) × 4/3 = 92; mean 93.5.
    assert [(o["code"], o["score"], o["outcome"]) for o in web["objects"]] == [("W1", "95.00", "pass"),
                                                                               ("W2", "92.00", "pass")]
    assert (web["score"], card["score"], card["outcome"]) == ("93.50", "93.50", "pass")
    assert [(o["code"], o["outcome"]) for o in card["parts"][1]["objects"]] == [("WX-1", "pass")]
    vetoed = ws.json("scorecard", "D2", "--period", "2025Q1")
    assert (vetoed["score"], vetoed["outcome"], vetoed["grade"]) == ("0.00", "fail", "不合格")
    account = ws.json("scorecard", "D3", "--period", "2025Q1")
    assert (account["score"], account["outcome"]) == ("100.00", "fail")  # the weibo account fails the unit

    text = ws.invoke("explain", "D1", "--period", "2025Q1").stdout
    # Each object shows its own indicators: which finding cost what on that website.
    w1 = text[text.index("  W1 发改委门户网站"):text.index("  W2 价格监测网")]
    assert "WD1 信息发布  20.00/30" in w1 and "-10  应发布信息未发布或不准确  ← F-1" in w1 and "F-3" not in w1
    w2 = text[text.index("  W2 价格监测网"):text.index("MEDIA 政务新媒体")]
    assert "WD3 办事服务  不涉及（不具有对外服务职能：不检查办事服务）" in w2 and "-6  搜索、链接、错别字等功能设计问题  ← F-3" in w2
    for expected in ("WEB 政府网站  93.50 × 1  合格", "  W1 发改委门户网站  95.00  合格", "  W2 价格监测网  92.00  合格",
                     "折算：69 × 100 ÷ 75（适用指标满分 75）", "÷2 取平均", "MEDIA 政务新媒体  0.00 × 0  合格",
                     "各部分按权重折算  93.50  合格"):
        assert expected in text, expected
    vetoed_text = ws.invoke("explain", "D2", "--period", "2025Q1").stdout
    assert "政府门户网站 W3 不合格，本部分不合格，得0分" in vetoed_text
