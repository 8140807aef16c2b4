"""`scoring run --period P --rerun RUN`: an old run recomputed from its recorded standard and today's
inputs, proved identical (exit 0) or with every change named (exit 1); nothing is stored."""

from __future__ import annotations

import json
import sqlite3
from importlib import metadata

import pytest

from scoring.engine.rerun import compare

UNCHANGED = ("runs", "run_units", "rectifications", "audit")


def counts(db) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in UNCHANGED}
    finally:
        conn.close()


def test_a_run_recomputed_with_nothing_changed_is_identical_and_nothing_is_stored(workspace):
    before = counts(workspace.db)
    out = workspace.invoke("run", "--period", "2025", "--rerun", "1").stdout
    assert out.startswith("第 1 次评分（2025，评分日期 2025-12-31，gongkai-default@")
    assert out.rstrip().endswith("完全相同，7 份评分表逐字节一致")
    assert counts(workspace.db) == before


def test_changed_inputs_are_named_unit_by_unit_with_old_and_new(workspace, tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("id,unit,period,date,code,count\nF-7777,D001,2025,2025-05-01,CONTENT_STALE,2\n", encoding="utf-8")
    workspace.invoke("import", "findings", extra)
    workspace.invoke("rectify", "update", "R-F-0001", "--status", "in_progress")
    before = counts(workspace.db)
    lines = workspace.invoke("run", "--period", "2025", "--rerun", "1", code=1).stdout.splitlines()
    assert lines[0].endswith("7 个单位中有 1 个不同（原 → 新）")
    assert lines[1] == "D001: score: 88.00 → 87.00"  # what a reader looks at first, first
    assert "D001: T1.lines[CONTENT_STALE].points: -7 → -11" in lines
    assert "D001: rectifications[R-F-0001].status: open → in_progress" in lines
    assert any(line.startswith("D001: rectifications[R-F-7777]: (none) → {") for line in lines)
    assert all(line.startswith("D001: ") for line in lines[1:])
    assert counts(workspace.db) == before  # still nothing stored


def test_a_run_is_recomputed_with_its_own_standard_not_the_workspace_s(workspace, tmp_path):
    folder = tmp_path / "standard-2026"
    workspace.invoke("criteria", "export", folder, db=False)
    text = (folder / "criteria.yml").read_text(encoding="utf-8")
    (folder / "criteria.yml").write_text(text.replace("feed: {points: 4, score_cap: 100}",
                                                      "feed: {points: 5, score_cap: 100}"), encoding="utf-8")
    workspace.invoke("criteria", "use", folder)
    workspace.invoke("run", "--period", "2025")  # run 2, with the other standard
    workspace.invoke("criteria", "use", "--default")
    for path in sorted(folder.rglob("*.yml")):
        path.unlink()  # the folder is gone: only the recorded texts are left
    assert "完全相同" in workspace.invoke("run", "--period", "2025", "--rerun", "2").stdout
    assert "完全相同" in workspace.invoke("run", "--period", "2025", "--rerun", "1").stdout


def test_what_cannot_be_recomputed_is_refused_plainly(workspace):
    assert "本工作区没有第 9 次评分" in workspace.invoke("run", "--period", "2025", "--rerun", "9", code=2).stderr
    assert "第 1 次评分针对的是 2025，不是 2024" in workspace.invoke("run", "--period", "2024", "--rerun", "1",
                                                                    code=2).stderr
    usage = workspace.invoke("run", "--period", "2025", "--rerun", "1", "--as-of", "2025-06-30", code=2).stderr
    assert "请去掉 --as-of、--unit 和 --criteria" in usage
    conn = sqlite3.connect(workspace.db)
    conn.execute("update standards set files = replace(files, 'CONTENT_STALE', 'CONTENT_STALF')")
    conn.commit()
    assert "工作区已被改动" in workspace.invoke("run", "--period", "2025", "--rerun", "1",
                                                                code=2).stderr
    conn.execute("delete from standards")
    conn.commit()
    conn.close()
    assert "无法重新计算" in workspace.invoke("run", "--period", "2025", "--rerun", "1", code=2).stderr


def test_compare_names_values_by_code_not_position():
    old = {"unit": "D001", "score": "96.50", "grade": "优秀",
           "dimensions": [{"code": "D5", "score": "8.50", "indicators": [
               {"code": "T1", "score": "3.50", "lines": [{"rule": "CONTENT_STALE", "points": "-1.5"},
                                                          {"rule": "CONTENT_STALE", "points": "-1"}]}]}],
           "rectifications": [{"id": "R-1", "status": "open"}, {"id": "R-2", "status": "open"}]}
    new = json.loads(json.dumps(old))
    assert compare(old, new) == []
    new["dimensions"][0]["indicators"][0]["lines"][1]["points"] = "-2"
    new["rectifications"].reverse()  # order alone
    new["rectifications"][0]["status"] = "verified"
    new["grade"] = "良好"
    assert compare(old, new) == ["grade: 优秀 → 良好",
                                 "T1.lines[CONTENT_STALE#2].points: -1 → -2",
                                 "rectifications[R-2].status: open → verified"]


def test_a_run_stored_by_the_previous_schema_still_reads_and_reruns_identical(workspace):
    """Schema 2 stored each document whole, as JSON text, with no placement columns."""
    scorecard = workspace.json("scorecard", "D001", "--period", "2025")
    ranks = workspace.json("rank", "--period", "2025")
    conn = sqlite3.connect(workspace.db)
    try:
        for unit, in conn.execute("select unit from run_units").fetchall():
            doc = {k: v for k, v in workspace.json("scorecard", unit, "--period", "2025").items() if k != "run"}
            conn.execute("update run_units set document = ? where unit = ?",
                         [json.dumps(doc, ensure_ascii=False, sort_keys=True), unit])
        conn.execute("alter table run_units drop column grade_code")
        conn.execute("alter table run_units drop column feed_points")
        conn.execute("update settings set value = '2' where key = 'schema_version'")
        conn.commit()
    finally:
        conn.close()
    assert workspace.json("scorecard", "D001", "--period", "2025") == scorecard
    assert workspace.json("rank", "--period", "2025") == ranks
    assert workspace.invoke("run", "--period", "2025", "--rerun", "1").stdout.rstrip().endswith(
        "完全相同，7 份评分表逐字节一致")


# ---------------------------------------------------------------- which engine scored a run


def engine_of(db, run: int) -> tuple[str, str]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select engine, engine_version from runs where id = ?", [run]).fetchone()
    finally:
        conn.close()


def test_a_run_records_its_engine_and_a_rerun_with_another_engine_says_so_and_is_identical(new_workspace):
    pytest.importorskip("durable_rules_engine", reason="durable_rules is not installed (the [durable] extra)")
    workspace = new_workspace().init("2024", "2025").import_example()
    assert "（clips " in workspace.invoke("run", "--period", "2025", "--engine", "clips").stderr
    assert engine_of(workspace.db, 1) == ("clips", metadata.version("clipspy"))
    lines = workspace.invoke("run", "--period", "2025", "--rerun", "1", "--engine", "durable").stdout.splitlines()
    assert lines[0] == (f"第 1 次评分由 clips {metadata.version('clipspy')} 完成；本次由另一引擎 durable_rules "
                        f"{metadata.version('durable_rules')} 重新计算")
    assert lines[1].endswith("完全相同，7 份评分表逐字节一致")
    workspace.invoke("run", "--period", "2025", "--engine", "durable")
    assert engine_of(workspace.db, 2) == ("durable_rules", metadata.version("durable_rules"))
    # the same engine: no such line
    assert workspace.invoke("run", "--period", "2025", "--rerun", "2", "--engine", "durable").stdout.startswith("第 2 次评分（")


def test_a_run_from_before_engines_could_be_chosen_reads_as_durable_rules(workspace):
    """Schema 3 had no engine columns: every run then was scored by durable_rules."""
    conn = sqlite3.connect(workspace.db)
    try:
        conn.execute("alter table runs drop column engine")
        conn.execute("alter table runs drop column engine_version")
        conn.execute("update settings set value = '3' where key = 'schema_version'")
        conn.commit()
    finally:
        conn.close()
    lines = workspace.invoke("run", "--period", "2025", "--rerun", "1", "--engine", "clips").stdout.splitlines()
    assert lines[0] == f"第 1 次评分由 durable_rules 完成；本次由另一引擎 clips {metadata.version('clipspy')} 重新计算"
    assert lines[1].endswith("完全相同，7 份评分表逐字节一致")
    assert engine_of(workspace.db, 1) == (None, None)  # the upgrade added the columns; the old run is not rewritten


def test_an_unknown_or_unavailable_engine_is_refused_plainly(workspace, monkeypatch):
    monkeypatch.setenv("SCORING_ENGINE", "jess")
    result = workspace.invoke("run", "--period", "2025", code=2)
    assert "未知的评分引擎「jess」（$SCORING_ENGINE）：可选 auto, clips, durable" in result.stderr
    monkeypatch.delenv("SCORING_ENGINE")
    result = workspace.invoke("run", "--period", "2025", "--engine", "bogus", code=2)
    assert "bogus" in result.stderr
