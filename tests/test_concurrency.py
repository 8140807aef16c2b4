"""Concurrency: processes that import, score, change statuses and back up one workspace at the same time
all succeed (no "database is locked") and lose nothing, and a run scores every unit from the same moment's inputs.

Each worker is a real process that runs a list of `scoring` commands one after another (imported
once, run through click's CliRunner), so the commands of different workers overlap for real.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoring.engine import chunks
from scoring.engine.runner import run_period
from scoring.standard import load_default
from scoring.store import Store

HEADER = "id,unit,period,date,inspector,code,indicator,count,corrected_on_spot,note,evidence\n"
UNITS = ("D001", "D002", "D003", "D004", "G001", "T001", "P001")

# Runs the commands given as JSON in argv[1], in order; prints one JSON line per command.
WORKER = """
import json, sys
from click.testing import CliRunner
from scoring.cli import cli

for argv in json.loads(sys.argv[1]):
    result = CliRunner().invoke(cli, argv, env={"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": "pytest"})
    error = "" if result.exception is None or isinstance(result.exception, SystemExit) else repr(result.exception)
    print(json.dumps({"argv": argv, "code": result.exit_code, "stderr": result.stderr[-2000:] + error}), flush=True)
"""


@pytest.fixture
def db(workspace) -> Path:
    return workspace.db


def findings_file(path: Path, prefix: str, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(rows):
            fh.write(f"{prefix}-{i:05d},{UNITS[i % len(UNITS)]},2025,2025-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
                     f"张明,CONTENT_STALE,,{i % 3 + 1},否,并发导入 {prefix} {i},\n")
    return path


def start(commands: list[list[str]], cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("SCORING_DB", "SCORING_LANG")}
    return subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(commands)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> list[dict]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def failures(results: list[dict]) -> list[str]:
    return [f"`scoring {' '.join(r['argv'][:3])} …` exited {r['code']}: {r['stderr']}" for r in results if r["code"] != 0]


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_two_big_imports_and_a_run_at_once(db, tmp_path):
    """Two imports of 6,000 rows each (each holds the write lock for a while) and a run, all at once."""
    before = count(db, "select count(*) from findings")
    a = findings_file(tmp_path / "a.csv", "A", 6000)
    b = findings_file(tmp_path / "b.csv", "B", 6000)
    workers = [start([["import", "findings", str(a), "--db", str(db)]], tmp_path),
               start([["import", "findings", str(b), "--db", str(db)]], tmp_path),
               start([["run", "--period", "2025", "--db", str(db)]], tmp_path)]
    results = [r for w in workers for r in finish(w)]
    assert failures(results) == []
    assert count(db, "select count(*) from findings") == before + 12000
    assert count(db, "select count(*) from findings where id like 'A-%'") == 6000
    assert count(db, "select count(*) from findings where id like 'B-%'") == 6000
    assert count(db, "select count(*) from runs") == 2
    assert count(db, "select count(*) from audit where action = 'import findings'") == 3


def test_many_small_writers_interleaved(db, tmp_path):
    """Three processes, each a stream of short writes: imports, runs, status changes, periods, backups."""
    files = [findings_file(tmp_path / f"s{i}.csv", f"S{i}", 50) for i in range(12)]
    items = [r[0] for r in sqlite3.connect(db).execute("select id from rectifications order by id")]
    assert len(items) >= 2
    importer = [["import", "findings", str(f), "--db", str(db)] for f in files]
    scorer = [cmd for i in range(6) for cmd in (["run", "--period", "2025", "--db", str(db)],
                                                 ["backup", str(tmp_path / f"backup-{i}.db"), "--db", str(db)])]
    other = []
    for i in range(6):
        other.append(["period", "add", f"2025-{i + 1:02d}", "--db", str(db)])
        other.append(["rectify", "update", items[i % 2], "--status", "in_progress" if i % 2 == 0 else "open",
                      "--note", f"第{i}次", "--db", str(db)])
    # Status changes must follow the lifecycle: open → in_progress → … ; reopened goes back to open.
    other = [cmd for cmd in other if cmd[0] != "rectify"] + [
        ["rectify", "update", items[0], "--status", "in_progress", "--db", str(db)],
        ["rectify", "update", items[0], "--status", "rectified", "--db", str(db)],
        ["rectify", "update", items[1], "--status", "in_progress", "--db", str(db)]]
    workers = [start(importer, tmp_path), start(scorer, tmp_path), start(other, tmp_path)]
    results = [r for w in workers for r in finish(w)]
    assert failures(results) == []
    assert count(db, "select count(*) from findings where id like 'S%'") == 12 * 50
    assert count(db, "select count(*) from runs") == 1 + 6
    assert count(db, "select count(*) from periods") == 2 + 6
    assert count(db, "select count(*) from audit where action = 'backup'") == 6
    for i in range(6):
        copy = tmp_path / f"backup-{i}.db"
        assert count(copy, "pragma integrity_check") == "ok"
        assert count(copy, "select count(*) from findings") >= 11


# Holds the write lock mid-transaction until a line arrives on stdin: the test decides when it commits,
# so nothing depends on how fast the other processes start on a loaded machine.
HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("begin immediate")
conn.execute("insert into audit (at, user, action, target, sha256, detail) values ('', 'pytest', 'hold', '', '', '{}')")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("commit")
"""


def poll_until(condition, what: str, seconds: float = 120.0) -> None:
    """Poll until condition() holds; the bound only turns a hang into a failure, it never decides a pass."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def copied(copy: Path, findings: int) -> bool:
    """The online backup commits the copy in one step: it reads as empty or locked until it is whole.

    Opened read-only: connecting must never create the file, or the backup would refuse to overwrite it."""
    try:
        conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return conn.execute("select count(*) from findings").fetchone()[0] == findings
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def test_backup_and_doctor_work_while_another_process_is_writing(db, tmp_path):
    """A writer holds the write lock mid-transaction; doctor answers at once, backup copies the last commit."""
    findings = count(db, "select count(*) from findings")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        doctor = finish(start([["doctor", "--db", str(db)]], tmp_path))  # completes while the lock is held
        copy = tmp_path / "copy.db"
        backup = start([["backup", str(copy), "--db", str(db)]], tmp_path)
        poll_until(lambda: copied(copy, findings), "the backup's copy")  # made while the lock is still held
        assert backup.poll() is None  # its audit entry waits for the writer
    finally:
        holder.communicate("commit\n", timeout=60)
    results = doctor + finish(backup)
    assert failures(results) == []
    assert results[0]["stderr"].strip() == "正常"
    assert count(copy, "pragma integrity_check") == "ok"
    assert count(copy, "select count(*) from audit where action = 'hold'") == 0  # not committed when copied
    assert count(copy, "select count(*) from findings") == findings
    assert count(db, "select count(*) from audit where action = 'hold'") == 1
    assert count(db, "select count(*) from audit where action = 'backup'") == 1  # written once the lock was free


def test_a_transaction_waits_out_a_writer_longer_than_the_busy_timeout(db, monkeypatch):
    """busy_timeout is one wait; transaction() tries again until BUSY_WAIT_SECONDS, then calls the workspace busy."""
    import threading

    import scoring.store.database as store_module
    from scoring.store import Store, StoreError

    store = Store(db)
    store.conn.execute("pragma busy_timeout=50")  # each attempt gives up after 50 ms
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("begin immediate")
    release = threading.Timer(0.5, lambda: holder.execute("commit"))
    release.start()
    with store.transaction():  # ten attempts or so, then the lock is free
        store.audit("waited")
    release.join()
    assert count(db, "select count(*) from audit where action = 'waited'") == 1

    monkeypatch.setattr(store_module, "BUSY_WAIT_SECONDS", 0.2)
    holder.execute("begin immediate")
    try:
        with pytest.raises(StoreError, match="正忙：另一个命令已写入超过"):
            with store.transaction():
                store.audit("never")
    finally:
        holder.execute("commit")
        holder.close()
        store.close()
    assert count(db, "select count(*) from audit where action = 'never'") == 0


# One finding per unit (ids LATE-<unit>), imported in one transaction in step with a run (argv: db, mode,
# signal file, done file, units). "hold": takes the write lock and writes before the run starts, then
# commits once the run has scored a chunk (the signal) or after 3 s; "late": waits for the signal, then
# imports like any import would. Touches the done file once committed.
IMPORT_IN_STEP = """
import sys, time
from pathlib import Path
from scoring.engine.orders import issue_orders
from scoring.standard import load_default
from scoring.store import Store

db, mode, signal, done, units = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]

def wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)

rows = [{"id": f"LATE-{unit}", "unit": unit, "period": "2025", "date": "2025-06-01", "inspector": None,
         "code": "CONTENT_STALE", "indicator": "T1", "count": 1, "corrected_on_spot": 0, "note": None,
         "evidence": None} for unit in units.split(",")]
store = Store(db)
if mode == "late":
    wait_for(signal, 60)
with store.transaction():
    store.write_rows("findings", rows)
    issue_orders(store, load_default(), {(row["unit"], "2025") for row in rows}, audit=False)
    store.audit("import findings", target="late.csv")
    if mode == "hold":
        print("holding", flush=True)
        wait_for(signal, 3)
done.touch()
"""


def wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("mode,seen", [("hold", True), ("late", False)])
def test_a_run_sees_an_import_committing_during_it_wholly_or_not_at_all(db, tmp_path, monkeypatch, workers, mode,
                                                                         seen):
    """Units are scored two at a time; after the first chunk the run waits for the import to commit (1.5 s
    at most). An import holding the write lock when the run starts is in every unit's scorecard, one that
    starts during the run is in none (it commits after the run); never some units read before it and some after."""
    signal, done = tmp_path / "scored-a-chunk", tmp_path / "imported"
    importer = subprocess.Popen([sys.executable, "-c", IMPORT_IN_STEP, str(db), mode, str(signal), str(done),
                                 ",".join(UNITS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if mode == "hold":
        assert importer.stdout.readline().strip() == "holding"
    score_chunk = chunks.score_chunk

    def then_let_the_import_commit(*args):  # inherited by forked workers: the hook runs where chunks are scored
        result = score_chunk(*args)
        if not signal.exists():
            signal.touch()
            wait_for(done, 1.5)
        return result

    monkeypatch.setattr(chunks, "CHUNK", 2)  # seven units: four chunks
    monkeypatch.setattr(chunks, "score_chunk", then_let_the_import_commit)
    store = Store(db)
    try:
        # full: the workspace was scored already, and an incremental run with nothing changed scores no
        # chunk, so the import would never be let in during the run (and the test would prove nothing).
        run = run_period(store, load_default(), "2025", workers=workers, full=True).run
        seeing = {doc["unit"] for doc in store.run_documents(run) if "LATE-" in json.dumps(doc)}
        ordered = {doc["unit"] for doc in store.run_documents(run)
                   if any(r["id"].startswith("R-LATE-") for r in doc["rectifications"])}
    finally:
        store.close()
    _, err = importer.communicate(timeout=120)
    assert importer.returncode == 0, err
    assert signal.exists(), "the run scored no chunk, so the import never ran during it"
    assert seeing == (set(UNITS) if seen else set())
    assert ordered == seeing  # the import issued an item with every late finding; the run read them, or none
    order = [r[0] for r in sqlite3.connect(db).execute(
        "select action from audit where action = 'run' or target = 'late.csv' order by id")][-2:]
    assert order == (["import findings", "run"] if seen else ["run", "import findings"])
