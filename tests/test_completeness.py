"""Completeness before scoring (数据完整性): missing data is listed before a run, refused with --strict,
printed by `scoring check`, and carried into the report."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "inputs" / "example"
ALL_UNITS = "D001、D002、D003、D004、G001、P001、T001"


def without_surveys(new_workspace):
    ws = new_workspace().init("2024", "2025")
    for kind in ("units", "findings", "self-assessments", "metrics"):
        ws.invoke("import", kind, EXAMPLE / f"{kind}.csv")
    return ws


def runs(ws) -> int:
    store = ws.store()
    try:
        return store.query("select count(*) as n from runs")[0]["n"]
    finally:
        store.close()


def test_a_run_with_missing_surveys_warns_before_scoring(new_workspace):
    ws = without_surveys(new_workspace)
    err = ws.invoke("run", "--period", "2025").stderr
    warning = f"警告 数据不完整：缺少民主评议问卷：7 个单位（{ALL_UNITS}）"
    assert warning in err
    assert err.index(warning) < err.index("第 1 次评分：")  # before the run's result
    assert runs(ws) == 1


def test_strict_refuses_to_score_with_exit_2_and_stores_no_run(new_workspace):
    ws = without_surveys(new_workspace)
    result = ws.invoke("run", "--period", "2025", "--strict", code=2)
    assert "缺少民主评议问卷：7 个单位" in result.stderr and "--strict 不予评分" in result.stderr
    assert runs(ws) == 0


def test_check_prints_the_same_list_and_changes_nothing(new_workspace):
    ws = without_surveys(new_workspace)
    result = ws.invoke("check", "--period", "2025", code=1)
    assert result.stdout.splitlines() == [f"缺少民主评议问卷：7 个单位（{ALL_UNITS}）",
                                          "没有任何检查发现（其他单位大多有）：1 个单位（P001）"]
    assert runs(ws) == 0
    full = new_workspace("full.db").init("2024", "2025").import_example()
    assert "缺少民主评议问卷" not in full.invoke("check", "--period", "2025", code=1).stdout


def test_a_missing_metric_is_listed_only_for_units_whose_indicator_needs_it(new_workspace, tmp_path):
    ws = new_workspace().init("2024", "2025")
    for kind in ("units", "findings"):
        ws.invoke("import", kind, EXAMPLE / f"{kind}.csv")
    metrics = tmp_path / "metrics.csv"
    metrics.write_text("unit,period,metric,value\n" + "".join(
        f"{unit},2025,{m},10\n" for unit in ("D001", "G001", "T001", "P001")
        for m in ("contacts_received", "contacts_resolved")) + "D001,2025,info_submitted,30\n", encoding="utf-8")
    ws.invoke("import", "metrics", metrics)
    lines = ws.invoke("check", "--period", "2025", code=1).stdout.splitlines()
    # info_submitted is needed for T2, which applies to city departments and districts only (not T001, P001).
    assert "缺少统计数据「报送信息条数」（info_submitted）：4 个单位（D002、D003、D004、G001）" in lines
    assert "缺少统计数据「咨询投诉受理数」（contacts_received）：3 个单位（D002、D003、D004）" in lines


def test_the_report_carries_the_completeness_section(new_workspace, tmp_path):
    ws = without_surveys(new_workspace)
    ws.invoke("run", "--period", "2025")
    ws.invoke("report", "--period", "2025", "--out", tmp_path / "out")
    html = (tmp_path / "out" / "report-2025.html").read_text(encoding="utf-8")
    assert "数据完整性" in html and f"缺少民主评议问卷：7 个单位（{ALL_UNITS}）" in html


CLAUSES_DIR = Path(__file__).resolve().parent / "standards" / "real-clauses"


def test_a_standard_of_dated_records_warns_of_units_without_records_and_not_of_surveys(new_workspace, tmp_path):
    """The real-clauses standard reads records and no survey: a unit without records would lose every
    month of J32 silently (blank months), so check names it; surveys it never reads are not asked for."""
    import csv

    def write(name: str, rows: list[list[str]]) -> Path:
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return tmp_path / name

    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", CLAUSES_DIR)
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", write("u.csv", [["单位编码", "单位名称", "单位类型"], ["D1", "甲区", "A"], ["D2", "乙区", "A"]]))
    ws.invoke("import", "records", write("r.csv", [["单位编码", "考核周期", "记录类型", "公开日期"],
                                                   ["D1", "2025", "document", "2025-03-02"]]))
    result = ws.invoke("check", "--period", "2025", code=1)
    assert result.stdout.splitlines() == ["缺少带日期的记录（scoring import records）：1 个单位（D2）"]
    en = ws.invoke("check", "--period", "2025", "--lang", "en", code=1)
    assert en.stdout.splitlines() == ["no dated records (scoring import records): 1 units (D2)"]
