"""The cycle after scoring: 公示 locks every input, appeals are heard and change the final score, an admin
reopens with a reason; everything audited."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "example"


def score(ws, unit: str) -> str:
    return ws.json("scorecard", unit, "--period", "2025")["score"]


def actions(ws) -> list[str]:
    return [row["action"] for row in ws.json("audit")]


def published(new_workspace):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("run", "--period", "2025")
    ws.invoke("period", "publish", "2025", "--days", "5")
    return ws


def test_publicised_inputs_are_locked_for_every_kind_with_a_chinese_message(new_workspace, tmp_path):
    ws = published(new_workspace)
    assert "公示中" in ws.invoke("period", "status", "2025").stdout
    for kind in ("findings", "self-assessments", "survey", "survey-issued", "metrics"):
        refused = ws.invoke("import", kind, EXAMPLE / f"{kind}.csv", code=2)
        assert "2025 考核周期公示中" in refused.stderr and "已锁定" in refused.stderr, kind
        assert "scoring period reopen 2025 --reason" in refused.stderr
    # Another period's inputs are not locked.
    last_year = tmp_path / "f2024.csv"
    last_year.write_text("id,unit,period,date,code\nN-1,D002,2024,2024-05-01,BOARD_MISSING\n", encoding="utf-8")
    ws.invoke("import", "findings", last_year)


def test_an_accepted_appeal_changes_the_final_score_and_the_final_report_lists_it(new_workspace, tmp_path):
    ws = published(new_workspace)
    before = score(ws, "D001")
    appeal = ws.invoke("appeal", "add", "--period", "2025", "--unit", "D001", "--finding", "F-0010",
                       "--reason", "办理结果已在网站公开").stdout.strip()
    rejected = ws.invoke("appeal", "add", "--period", "2025", "--unit", "D002", "--finding", "F-0003",
                         "--reason", "不认可").stdout.strip()
    assert "还有 2 项申诉未处理" in ws.invoke("period", "finalise", "2025", "--early", code=2).stderr
    ws.invoke("appeal", "decide", appeal, "--accept", "--reason", "经复核，办理结果已公开")
    ws.invoke("appeal", "decide", rejected, "--reject", "--reason", "现场照片为证，不予采纳")
    after = score(ws, "D001")
    assert float(after) > float(before)  # NO_RESULT's 2 points on P3 are no longer lost
    answers = {a["id"]: (a["status"], a["answer"]) for a in ws.json("appeal", "list", "--period", "2025")}
    assert answers == {int(appeal): ("accepted", "经复核，办理结果已公开"),
                       int(rejected): ("rejected", "现场照片为证，不予采纳")}
    # The finding is withdrawn, not deleted; its rectification item too.
    store = ws.store()
    try:
        assert store.query("select 1 from findings where id = 'F-0010'")
        assert store.query("select reason from finding_withdrawals where finding = 'F-0010'")[0]["reason"]
    finally:
        store.close()
    assert ws.json("rectify", "show", "R-F-0010")["status"] == "withdrawn"
    ws.invoke("period", "finalise", "2025", "--early")
    assert "已定稿" in ws.invoke("period", "status", "2025").stdout
    assert score(ws, "D001") == after
    ws.invoke("report", "--period", "2025", "--out", tmp_path / "out")
    html = (tmp_path / "out" / "report-2025.html").read_text(encoding="utf-8")
    assert "申诉" in html and "经复核，办理结果已公开" in html and "已采纳" in html and "不予采纳" in html
    ws.invoke("report", "--period", "2025", "--out", tmp_path / "en", "--lang", "en")
    appeals = (tmp_path / "en" / "report-2025.html").read_text(encoding="utf-8").split("Appeals and outcomes")[1]
    assert "<td>accepted</td>" in appeals and "<td>not accepted</td>" in appeals and "已采纳" not in appeals
    assert ws.invoke("import", "findings", EXAMPLE / "findings.csv", code=2).stderr.count("已定稿") == 1
    assert {"period publish", "appeal add", "appeal decide", "finding withdraw", "period finalise"} <= set(actions(ws))


def test_appeals_only_during_review_and_reopening_needs_a_reason(new_workspace):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("run", "--period", "2025")
    refused = ws.invoke("appeal", "add", "--period", "2025", "--unit", "D001", "--finding", "F-0010",
                        "--reason", "x", code=2)
    assert "只有公示期间可以申诉" in refused.stderr
    ws.invoke("period", "publish", "2025")
    assert "须说明理由" in ws.invoke("period", "reopen", "2025", "--reason", " ", code=2).stderr
    ws.invoke("period", "reopen", "2025", "--reason", "问卷漏导入")
    ws.invoke("import", "survey", EXAMPLE / "survey.csv")  # unlocked again
    entry = [row for row in ws.json("audit") if row["action"] == "period reopen"][-1]
    assert "问卷漏导入" in entry["detail"]
