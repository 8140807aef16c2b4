"""Incremental runs: a unit whose inputs have not changed since the period's latest run keeps that run's
result, and the run is the same, byte for byte (documents, ranks, grades), as one scoring every unit (--full)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from scoring.engine.backends import installed
from tests.conftest import Workspace

# A unit an incremental run reused references the document of the run that scored it (document_run).
ROWS = "select ru.unit, ru.ranking_group, ru.rank, ru.score, ru.grade, ru.veto, ru.grade_code, ru.feed_points, " \
       "coalesce(ru.document, o.document), ru.fingerprint from run_units ru " \
       "left join run_units o on o.run = ru.document_run and o.unit = ru.unit where ru.run = ? order by ru.unit"
UNITS = ("D001", "D002", "D003", "D004", "G001", "T001", "P001")
CODES = ("CONTENT_STALE", "NOT_DISCLOSED:C3", "NO_RESULT", "WEBSITE_BROKEN", "BOARD_MISSING", "SECRET_LEAK",
         "DEMO_SITE_CITY", "PRACTICE_PROMOTED")  # CODE:indicator where the code needs one


ENGINES = tuple(key for key in ("clips", "durable") if installed(key))


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
    assert "未变" not in full.stderr
    assert stored(workspace.db, 3) == stored(workspace.db, 4)
    assert stored(workspace.db, 3) != stored(workspace.db, 2)  # D002's new finding is in its document


def test_a_run_of_another_engine_re_scores_every_unit(workspace):
    for engine in ENGINES:
        workspace.invoke("run", "--period", "2025", "--engine", engine)
    again = workspace.invoke("run", "--period", "2025", "--engine", ENGINES[-1])
    assert "0 个单位重新评分，7 个单位" in again.stderr


def test_a_new_as_of_date_re_scores_only_the_units_with_items_falling_due_in_between(workspace):
    # The example's items fall due on 2025-09-18 (T001) and 2025-09-30 (D001), the others earlier: as of
    # 2025-09-10 those two are no longer overdue; nothing else the rules see depends on the date.
    moved = workspace.invoke("run", "--period", "2025", "--as-of", "2025-09-10")
    assert "2 个单位重新评分，5 个单位自第 1 次评分以来未变" in moved.stderr
    workspace.invoke("run", "--period", "2025", "--as-of", "2025-09-10", "--full")
    assert stored(workspace.db, 2) == stored(workspace.db, 3)
    overdue = {doc["unit"]: [i["overdue"] for i in doc["rectifications"]]
               for doc in workspace.store().run_documents(2)}
    assert overdue["T001"] == [False] and overdue["D001"] == [True, False]
    back = workspace.invoke("run", "--period", "2025")  # the deadline passes again: both overdue again
    assert "2 个单位重新评分，5 个单位自第 3 次评分以来未变" in back.stderr
    assert stored(workspace.db, 4) == stored(workspace.db, 1)


WRITES = ("finding", "previous", "rectify", "as_of", "replace", "delete", "withdraw", "unit", "metric", "self",
          "survey")


@st.composite
def edits(draw) -> list[tuple]:
    """Between two runs: writes through every path that changes a unit's inputs (imports, --replace, a finding
    deleted as the web app deletes an entry, a withdrawal as an accepted appeal makes it, rectification
    items moved on, unit rows, metrics, self-assessments, survey answers), and a new as-of date."""
    made = []
    for n in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(WRITES))
        if kind in ("finding", "previous", "replace"):
            year = 2024 if kind == "previous" else 2025
            made.append((kind, draw(st.sampled_from(UNITS)), draw(st.sampled_from(CODES)), year,
                         f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
                         draw(st.integers(1, 4)), draw(st.sampled_from(("是", "否")))))
        elif kind in ("rectify", "delete", "withdraw"):
            made.append((kind, draw(st.integers(0, 40))))
        elif kind == "as_of":
            made.append((kind, f"2025-{draw(st.integers(6, 12)):02d}-{draw(st.integers(1, 28)):02d}"))
        else:
            made.append((kind, draw(st.sampled_from(UNITS)), draw(st.integers(0, 3))))
    return made


def pick(ws: Workspace, sql: str, n: int) -> tuple | None:
    conn = sqlite3.connect(ws.db)
    try:
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    return rows[n % len(rows)] if rows else None


def write_sql(ws: Workspace, sql: str, params: list) -> None:
    """A write as the web app or an accepted appeal makes it: one statement through the Store."""
    store = ws.store()
    try:
        with store.transaction():
            store.execute(sql, params)
    finally:
        store.close()


def write_other(ws: Workspace, folder: Path, name: str, edit: tuple) -> None:
    """A unit row, a metric, a self-assessment or a survey answer, imported from a file."""
    _, unit, n = edit
    lines = {"unit": ["单位编码,单位名称,单位类型,分组", f"{unit},单位{n},{('city_department', 'township')[n % 2]},{'' if n < 2 else f'组{n}'}"],
             "metric": ["unit,period,metric,value", f"{unit},2025,contacts_resolved,{n * 7}"],
             "self": ["单位编码,考核周期,指标,自评结论,说明", f"{unit},2025,T1,{('达标', '部分达标', '不达标', '达标')[n]},"],
             "survey": ["单位编码,考核周期,答卷编号,题目,答案",
                        f"{unit},2025,{unit}-H{n},您对本单位政务公开工作的总体评价,{('满意', '不满意', '基本满意', '不了解')[n]}"]}
    kind = {"unit": "units", "metric": "metrics", "self": "self-assessments", "survey": "survey"}[edit[0]]
    path = folder / name
    path.write_text("\n".join(lines[edit[0]]) + "\n", encoding="utf-8")
    ws.invoke("import", kind, path)


def apply(ws: Workspace, folder: Path, round_: int, made: list[tuple]) -> str | None:
    as_of = None
    findings = []
    for i, edit in enumerate(made):
        if edit[0] in ("finding", "previous"):
            _, unit, code, year, day, count, spot = edit
            findings.append((f"F-H{round_}-{i}", unit, year, day, code, count, spot))
        elif edit[0] == "replace":  # the unit-period's findings replaced by this one
            _, unit, code, year, day, count, spot = edit
            ws.invoke("import", "findings", finding_csv(folder / f"r{round_}-{i}.csv",
                                                        [(f"F-R{round_}-{i}", unit, year, day, code, count, spot)]),
                      "--replace")
        elif edit[0] == "rectify":
            item = pick(ws, "select id, status from rectifications where status in ('open', 'in_progress') "
                            "order by id", edit[1])
            if item:  # one step on: open → in progress → rectified
                ws.invoke("rectify", "update", item[0], "--status", "in_progress" if item[1] == "open" else "rectified")
        elif edit[0] == "delete":
            found = pick(ws, "select id from findings order by id", edit[1])
            if found:
                write_sql(ws, "delete from findings where id = ?", [found[0]])
        elif edit[0] == "withdraw":
            found = pick(ws, "select id from findings where id not in (select finding from finding_withdrawals) "
                             "order by id", edit[1])
            if found:
                write_sql(ws, "insert into finding_withdrawals (finding, reason, user, at) values (?, '复核撤销', 't', "
                              "'2025-07-01')", [found[0]])
        elif edit[0] == "as_of":
            as_of = edit[1]
        else:
            write_other(ws, folder, f"o{round_}-{i}.csv", edit)
    if findings:
        ws.invoke("import", "findings", finding_csv(folder / f"f{round_}.csv", findings))
    return as_of


@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
    assert changed == {"runs", "run_units", "run_groups", "audit"}  # run_groups: the run's groups, one row each
    for table in changed:  # only added rows: nothing rewritten, no items issued (they are born with the finding)
        assert set(before[table]) <= set(after[table])
    assert len(after["runs"]) == len(before["runs"]) + 1 and len(after["audit"]) == len(before["audit"]) + 1
    assert len(after["run_units"]) == len(before["run_units"]) + 7


def test_every_table_the_facts_read_stamps_its_unit_when_written():
    """A table the facts read but no trigger stamps would let an incremental run keep a stale result."""
    import inspect
    import re

    from scoring.engine import facts
    from scoring.store.changes import stamped_tables
    from scoring.store.tables import TABLES

    read = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\s+[a-z]+\b", inspect.getsource(facts))) & set(TABLES)
    assert {"findings", "rectifications", "units", "records"} <= read
    assert read <= set(stamped_tables()) | {"finding_withdrawals"}


def test_inserts_updates_and_deletes_stamp_the_unit_with_the_latest_run(workspace):
    store = workspace.store()
    stamps = lambda: dict(((u, p), s) for u, p, s in store.execute("select unit, period, seq from unit_changes"))  # noqa: E731
    assert stamps()[("D002", "2025")] == 0  # imported before run 1
    with store.transaction():
        store.execute("update findings set count = count + 1 where unit = 'D002' and period = '2025'")
    assert stamps()[("D002", "2025")] == 1
    workspace.invoke("run", "--period", "2025")
    with store.transaction():
        store.execute("insert into finding_withdrawals (finding, reason, user, at) "
                      "select id, 'r', 'u', 'now' from findings where unit = 'G001' limit 1")
        store.execute("delete from metrics where unit = 'T001'")
        store.execute("update rectifications set status = 'rectified' where unit = 'D001' and period = '2024'")
        store.execute("update units set ranking_group = 'x' where code = 'P001'")
    after = stamps()
    assert after[("G001", "2025")] == after[("T001", "2025")] == after[("D001", "2024")] == after[("P001", "")] == 2
    assert after[("D003", "2025")] == 0
    store.close()


def test_reused_documents_are_referenced_from_the_run_that_scored_them_and_read_back_exactly(workspace, tmp_path):
    workspace.invoke("run", "--period", "2025")
    workspace.invoke("import", "findings", finding_csv(tmp_path / "f.csv", [("F-9003", "D003", 2025, "2025-05-02",
                                                                             "NO_RESULT", 1, "否")]))
    workspace.invoke("run", "--period", "2025")
    conn = sqlite3.connect(workspace.db)
    raw = {(run, unit): (document is not None, origin) for run, unit, document, origin in
           conn.execute("select run, unit, document, document_run from run_units")}
    conn.close()
    assert raw[(2, "D001")] == (False, 1) and raw[(3, "D001")] == (False, 1)  # never a reference to a reference
    assert raw[(3, "D003")] == (True, None)  # scored afresh: stored in its own row
    store = workspace.store()
    assert list(store.run_documents(3)) == [
        doc if doc["unit"] == "D003" else next(d for d in store.run_documents(1) if d["unit"] == doc["unit"]) | {
            "rank": doc["rank"], "grade": doc["grade"], "grade_code": doc["grade_code"],
            "feed_points": doc["feed_points"]} for doc in store.run_documents(3)]
    store.close()
    assert workspace.invoke("doctor").exit_code == 0


def test_doctor_names_a_scorecard_whose_referenced_document_is_gone(workspace):
    workspace.invoke("run", "--period", "2025")
    conn = sqlite3.connect(workspace.db)
    conn.execute("update run_units set document_run = 99 where run = 2 and unit = 'D004'")  # damage by hand
    conn.commit()
    conn.close()
    result = workspace.invoke("doctor", code=1)
    assert "run 2 unit D004" in result.stdout + result.stderr
