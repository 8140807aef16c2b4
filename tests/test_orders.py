"""Rectification items are born with the finding: issued at import, read by runs, withdrawn (never deleted)
with their finding; late rectification stays on record; CLI evidence goes into the workspace's store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scoring.rectify.evidence import evidence_dir

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def m2(workspace, unit: str, period: str = "2025") -> str:
    card = workspace.json("scorecard", unit, "--period", period)
    return next(i["score"] for d in card["dimensions"] for i in d["indicators"] if i["code"] == "M2")


def board_findings(path: Path, unit: str = "D002", period: str = "2025", days=(1, 2, 3, 4)) -> Path:
    rows = [f"B-{unit}-{d},{unit},{period},{period}-02-0{d},BOARD_MISSING,,1,否" for d in days]
    path.write_text("id,unit,period,date,code,indicator,count,corrected_on_spot\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_items_exist_right_after_the_import_with_deadlines_and_the_standard_that_ordered_them(new_workspace):
    ws = new_workspace().init("2024", "2025").import_example()
    listed = ws.json("rectify", "list", "--unit", "D001")
    # F-0002 was corrected on the spot: it orders nothing. P-0001 is last year's finding.
    assert [(r["id"], r["deadline"], r["status"]) for r in listed] == [
        ("R-P-0001", "2024-10-26", "open"), ("R-F-0001", "2025-03-16", "open"), ("R-F-0010", "2025-09-30", "open")]
    store = ws.store()
    try:
        assert {r["standard_version"] for r in store.rectifications()} == {store.query(
            "select label from standards")[0]["label"]}
        assert not store.query("select 1 from runs")
    finally:
        store.close()


def test_three_items_rectified_before_the_first_run_change_m2_as_the_standard_says(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("import", "findings", board_findings(tmp_path / "boards.csv"))
    ids = [r["id"] for r in ws.json("rectify", "list", "--unit", "D002", "--period", "2025")]
    assert len(ids) == 5  # F-0003 and the four boards, each due 15 days after its finding, inside 2025
    for item in ids[:3]:
        ws.invoke("rectify", "update", item, "--status", "rectified")
    ws.invoke("run", "--period", "2025")
    # 整改超期: each item due in P, on or before the end of P, not rectified, deducts 1 from M2 (max 5).
    assert m2(ws, "D002") == "3.00"


def test_an_unscored_previous_periods_finding_due_in_this_period_costs_its_m2_point(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    late = tmp_path / "late.csv"
    late.write_text("id,unit,period,date,code\nL-1,G001,2024,2024-12-28,CONTENT_STALE\n", encoding="utf-8")
    ws.invoke("import", "findings", late)
    ws.invoke("run", "--period", "2025")  # 2024 is never scored
    card = ws.json("scorecard", "G001", "--period", "2025")
    carried = [r for r in card["rectifications"] if r["id"] == "R-L-1"]
    assert carried and carried[0]["period"] == "2024" and carried[0]["deadline"] == "2025-01-12" and carried[0]["overdue"]
    assert m2(ws, "G001") == "3.00"  # R-F-0008 (2025) and R-L-1 (2024's, due in 2025)


def test_a_replaced_finding_withdraws_its_item_and_keeps_it(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("import", "findings", board_findings(tmp_path / "boards.csv"))
    ws.invoke("import", "findings", board_findings(tmp_path / "fewer.csv", days=(1,)), "--replace")
    statuses = {r["id"]: r["status"] for r in ws.json("rectify", "list", "--unit", "D002")}
    assert statuses["R-B-D002-1"] == "open"
    assert {statuses[f"R-B-D002-{d}"] for d in (2, 3, 4)} == {"withdrawn"}
    assert statuses["R-F-0003"] == "withdrawn"  # --replace took D002's 2025 findings, F-0003 too
    result = ws.invoke("rectify", "update", "R-B-D002-2", "--status", "rectified", code=2)
    assert "已撤销" in result.stderr
    ws.invoke("run", "--period", "2025")
    assert m2(ws, "D002") == "4.00"  # only the one finding left costs a point


def test_late_rectification_is_recorded_in_the_list_and_the_scorecard(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    updates = tmp_path / "updates.csv"
    updates.write_text("id,status,date\nR-F-0001,rectified,2025-05-16\nR-F-0010,rectified,2025-09-01\n",
                       encoding="utf-8")
    ws.invoke("import", "rectifications", updates)
    listed = {r["id"]: r for r in ws.json("rectify", "list", "--unit", "D001")}
    assert listed["R-F-0001"]["late_days"] == 61 and listed["R-F-0010"]["late_days"] == 0
    table = ws.invoke("rectify", "list", "--unit", "D001").stdout
    assert "逾期整改（61天）" in table
    ws.invoke("run", "--period", "2025")
    card = {r["id"]: r for r in ws.json("scorecard", "D001", "--period", "2025")["rectifications"]}
    assert card["R-F-0001"]["late_days"] == 61 and not card["R-F-0001"]["overdue"]
    assert "late_days" not in card["R-F-0010"]


def test_cli_evidence_must_exist_and_is_kept_by_its_hash(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    missing = ws.invoke("rectify", "update", "R-F-0001", "--status", "rectified", "--evidence",
                        tmp_path / "photo.jpg", code=2)
    assert "不存在" in missing.stderr
    assert ws.json("rectify", "show", "R-F-0001")["status"] == "open"  # nothing half-written
    text = tmp_path / "notes.txt"
    text.write_text("not a photo", encoding="utf-8")
    assert "不是照片" in ws.invoke("rectify", "update", "R-F-0001", "--status", "rectified", "--evidence", text,
                                 code=2).stderr
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    ws.invoke("rectify", "update", "R-F-0001", "--status", "rectified", "--evidence", photo)
    digest = hashlib.sha256(PNG).hexdigest()
    shown = ws.json("rectify", "show", "R-F-0001")
    assert shown["history"][-1]["evidence"] == f"photo.png sha256:{digest}"
    assert (evidence_dir(ws.db) / digest).read_bytes() == PNG


RECTIFY_UNLESS_NO_DOCUMENTS = """
- id: CONTENT_ERROR_FIX
  title: 内容错误须整改
  title_en: Content errors are rectified
  rationale: 测试：发现内容错误的，30日内整改。
  indicator: J13
  when:
    f: {fact: finding, code: CONTENT_ERROR}
  then:
    rectify: {deadline_days: 30}
  examples:
    - given: {findings: [{code: CONTENT_ERROR}], records: [{kind: document, published: "2025-03-02"}]}
      expect: {rectifications: 1}

- id: NO_DOCUMENTS_NO_J13
  title: 全年无主动公开信息，内容准确性不涉及
  title_en: No published item, content accuracy does not apply
  rationale: 测试：按聚合值判定指标不涉及（第二遍）。
  indicator: J13
  when:
    n: {aggregate: count, of: {fact: record, kind: document}, value: 0}
  then:
    not_applicable: true
  examples:
    - given: {}
      expect: {not_applicable: [J13]}
"""


@pytest.mark.parametrize("engine_name", ["clips", "durable"])
def test_orders_at_import_see_the_aggregates_a_run_sees(tmp_path, monkeypatch, engine_name):
    """An indicator taken out by a rule over an aggregate (second pass) orders no rectification at import."""
    if engine_name == "durable":
        pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    import shutil

    from scoring.engine.examples import example_workspace
    from scoring.standard.loader import load_standard_dir
    from scoring.standard.schema import Example

    folder = tmp_path / "std"
    shutil.copytree(Path(__file__).resolve().parent / "standards" / "real-clauses", folder)
    (folder / "rules" / "orders_probe.yml").write_text(RECTIFY_UNLESS_NO_DOCUMENTS, encoding="utf-8")
    standard = load_standard_dir(folder)
    monkeypatch.setenv("SCORING_ENGINE", engine_name)

    def items(records: list[dict]) -> list[str]:
        example = Example.model_validate({"given": {"period": "2025", "findings": [{"code": "CONTENT_ERROR"}],
                                                    "records": records}, "expect": {"rectifications": 0}})
        store = example_workspace(standard, example)
        try:
            return [r["rule"] for r in store.rectifications() if r["status"] != "withdrawn"]
        finally:
            store.close()

    assert items([{"kind": "document", "published": "2025-03-02"}]) == ["CONTENT_ERROR_FIX"]
    assert items([]) == []


def test_importing_records_reissues_the_orders_they_decide(new_workspace, tmp_path):
    """Findings first (no document yet: J13 does not apply, no item), then records: the item is issued."""
    import shutil

    folder = tmp_path / "std"  # the real-clauses criteria with only the two probe rules (whose examples pass)
    (folder / "rules").mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent / "standards" / "real-clauses" / "criteria.yml", folder)
    (folder / "rules" / "orders_probe.yml").write_text(RECTIFY_UNLESS_NO_DOCUMENTS, encoding="utf-8")
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", folder)
    ws.invoke("period", "add", "2025")
    (tmp_path / "u.csv").write_text("单位编码,单位名称,单位类型\nD1,甲区,A\n", encoding="utf-8")
    ws.invoke("import", "units", tmp_path / "u.csv")
    (tmp_path / "f.csv").write_text("id,unit,period,date,code,indicator,count,corrected_on_spot\n"
                                    "F-1,D1,2025,2025-04-01,CONTENT_ERROR,,1,否\n", encoding="utf-8")
    ws.invoke("import", "findings", tmp_path / "f.csv")
    assert ws.json("rectify", "list") == []
    (tmp_path / "r.csv").write_text("单位编码,考核周期,记录类型,公开日期\nD1,2025,document,2025-03-02\n", encoding="utf-8")
    ws.invoke("import", "records", tmp_path / "r.csv")
    assert [(r["id"], r["deadline"], r["status"]) for r in ws.json("rectify", "list")] == [("R-F-1", "2025-05-01", "open")]


def test_a_finding_moved_to_another_period_keeps_its_item_where_it_was_issued(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("import", "findings", str(board_findings(tmp_path / "b24.csv", period="2024", days=(1, 2))))
    # B-D002-1 and -2 move to 2025: their items' ids are taken by 2024's items, which are left alone.
    ws.invoke("import", "findings", str(board_findings(tmp_path / "b25.csv", period="2025", days=(1, 2, 3))))
    items = {r["id"]: r["period"] for r in ws.json("rectify", "list", "--unit", "D002") if r["id"].startswith("R-B-")}
    assert items == {"R-B-D002-1": "2024", "R-B-D002-2": "2024", "R-B-D002-3": "2025"}
