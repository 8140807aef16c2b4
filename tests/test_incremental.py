"""Incremental runs: a unit whose inputs have not changed since the period's latest run keeps that run's
result, and the run is the same, byte for byte (documents, ranks, grades), as one scoring every unit (--full)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from scoring.engine.backends import EngineUnavailable, backend
from tests.conftest import Workspace

ROWS = "select unit, ranking_group, rank, score, grade, veto, grade_code, feed_points, document, fingerprint " \
       "from run_units where run = ? order by unit"
UNITS = ("D001", "D002", "D003", "D004", "G001", "T001", "P001")
CODES = ("CONTENT_STALE", "NOT_DISCLOSED:C3", "NO_RESULT", "WEBSITE_BROKEN", "BOARD_MISSING", "SECRET_LEAK",
         "DEMO_SITE_CITY", "PRACTICE_PROMOTED")  # CODE:indicator where the code needs one


def _runs(key: str) -> bool:
    try:
        backend(key)
    except EngineUnavailable:
        return False
    return True


ENGINES = tuple(key for key in ("clips", "durable") if _runs(key))


def stored(db: Path, run: int) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(ROWS, [run]).fetchall()
    finally:
        conn.close()


def last_run(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select max(id) from runs").fetchone()[0]
    finally:
        conn.close()


def finding_csv(path: Path, rows: list[tuple]) -> Path:
    lines = ["id,unit,period,date,code,indicator,count,corrected_on_spot"]
    lines += [",".join(str(v) for v in row[:4]) + "," + row[4].replace(":", ",") + ("" if ":" in row[4] else ",")
              + "," + ",".join(str(v) for v in row[5:]) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_unchanged_period_reuses_every_unit_and_a_new_finding_re_scores_only_its_unit(workspace, tmp_path):
    second = workspace.invoke("run", "--period", "2025")
    assert "0 个单位重新评分，7 个单位自第 1 次评分以来未变" in second.stderr
    assert stored(workspace.db, 2) == [row[:-1] + (row[-1],) for row in stored(workspace.db, 1)]
    workspace.invoke("import", "findings", finding_csv(tmp_path / "f.csv", [("F-9001", "D002", 2025, "2025-05-02",
                                                                             "CONTENT_STALE", 2, "否")]))
    third = workspace.invoke("run", "--period", "2025")
    assert "1 个单位重新评分，6 个单位自第 2 次评分以来未变" in third.stderr
    full = workspace.invoke("run", "--period", "2025", "--full")
    assert "unchanged" not in full.stderr
    assert stored(workspace.db, 3) == stored(workspace.db, 4)
    assert stored(workspace.db, 3) != stored(workspace.db, 2)  # D002's new finding is in its document


def test_a_run_of_another_as_of_date_or_engine_re_scores_every_unit(workspace):
    moved = workspace.invoke("run", "--period", "2025", "--as-of", "2025-11-30")
    assert "7 个单位重新评分，0 个单位" in moved.stderr
    for engine in ENGINES:
        workspace.invoke("run", "--period", "2025", "--engine", engine)
    again = workspace.invoke("run", "--period", "2025", "--engine", ENGINES[-1])
    assert "0 个单位重新评分，7 个单位" in again.stderr


@st.composite
def edits(draw) -> list[tuple]:
    """Between two runs: new findings (this period or the last), rectification items moved on, a new as-of date."""
    made = []
    for n in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(("finding", "previous", "rectify", "as_of")))
        if kind in ("finding", "previous"):
            year = 2025 if kind == "finding" else 2024
            made.append((kind, draw(st.sampled_from(UNITS)), draw(st.sampled_from(CODES)), year,
                         f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
                         draw(st.integers(1, 4)), draw(st.sampled_from(("是", "否")))))
        elif kind == "rectify":
            made.append((kind, draw(st.integers(0, 20))))
        else:
            made.append((kind, f"2025-{draw(st.integers(6, 12)):02d}-{draw(st.integers(1, 28)):02d}"))
    return made


def apply(ws: Workspace, folder: Path, round_: int, made: list[tuple]) -> str | None:
    as_of = None
    findings = []
    for i, edit in enumerate(made):
        if edit[0] in ("finding", "previous"):
            _, unit, code, year, day, count, spot = edit
            findings.append((f"F-H{round_}-{i}", unit, year, day, code, count, spot))
        elif edit[0] == "rectify":
            conn = sqlite3.connect(ws.db)
            items = conn.execute("select id, status from rectifications where status in ('open', 'in_progress') "
                                 "order by id").fetchall()
            conn.close()
            if items:  # one step on: open → in progress → rectified
                item, status = items[edit[1] % len(items)]
                ws.invoke("rectify", "update", item, "--status", "in_progress" if status == "open" else "rectified")
        else:
            as_of = edit[1]
    if findings:
        ws.invoke("import", "findings", finding_csv(folder / f"f{round_}.csv", findings))
    return as_of


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(st.tuples(edits(), st.sampled_from(ENGINES)), min_size=1, max_size=3))
def test_an_incremental_run_stores_what_a_full_run_stores_byte_for_byte(rounds):
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(CliRunner(), Path(folder) / "ws.db").init("2024", "2025").import_example()
        ws.invoke("run", "--period", "2025")
        for round_, (made, engine) in enumerate(rounds):
            as_of = apply(ws, Path(folder), round_, made)
            extra = ["--as-of", as_of] if as_of else []
            ws.invoke("run", "--period", "2025", "--engine", engine, *extra)
            incremental = last_run(ws.db)
            ws.invoke("run", "--period", "2025", "--engine", engine, "--full", *extra)
            assert stored(ws.db, incremental) == stored(ws.db, incremental + 1)


def table_rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                             "and name not like 'sqlite_%'")]
        return {t: conn.execute(f"select * from {t}").fetchall() for t in tables}
    finally:
        conn.close()


def test_a_run_writes_only_the_run_its_scorecards_and_one_audit_line(workspace, tmp_path):
    workspace.invoke("import", "findings", finding_csv(tmp_path / "f.csv", [("F-9002", "D001", 2025, "2025-05-02",
                                                                             "NO_RESULT", 1, "否")]))
    before = table_rows(workspace.db)
    workspace.invoke("run", "--period", "2025")
    after = table_rows(workspace.db)
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed == {"runs", "run_units", "audit"}
    for table in changed:  # only added rows: nothing rewritten, no items issued (they are born with the finding)
        assert set(before[table]) <= set(after[table])
    assert len(after["runs"]) == len(before["runs"]) + 1 and len(after["audit"]) == len(before["audit"]) + 1
    assert len(after["run_units"]) == len(before["run_units"]) + 7
