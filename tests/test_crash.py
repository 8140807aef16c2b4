"""Crash safety: a real `scoring import` or `scoring run`, killed with SIGKILL at random moments, leaves
the database exactly as before the command or exactly as after it, and intact.

The workload is bench/generate.py's (a few dozen units: each command works for about a second).
Every trial is its own process, forked from a server that has already imported the package, so
the random kill moment is measured from the start of the command's own work rather than from
interpreter start-up, and twenty trials cost seconds, not minutes. Half the kill moments are
spread over the whole command; the other half are dealt while it holds the write lock (watched
from outside: a probe that cannot take the lock), inside its one transaction, where a half-written
database would show.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 20
UNITS = 20
# Columns that hold the wall-clock time of a write: they differ between two runs of one command.
CLOCK_COLUMNS = {"at", "created_at", "updated_at", "loaded_at"}

# One line per request on stdin: "run ARGS…" forks a child that runs `scoring ARGS…` and answers
# with its pid; "wait PID" reaps it and answers with its exit status (negative: the signal).
SERVER = """
import json, os, sys
from scoring.cli import cli
import scoring.inputs.importing, scoring.engine.runner  # all a command loads, before any fork
from scoring.engine.backends import backend
backend()  # imports the engine `auto` chooses here

for line in sys.stdin:
    request = json.loads(line)
    if request[0] == "run":
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = 1
            try:
                cli.main(request[1:], prog_name="scoring")
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                os._exit(code)
        print(pid, flush=True)
    else:
        _, status = os.waitpid(request[1], 0)
        print(-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status), flush=True)
"""


class Server:
    """Forks `scoring` commands from a warm interpreter: real processes, started in milliseconds."""

    def __init__(self, cwd: Path):
        env = {k: v for k, v in os.environ.items() if k not in ("SCORING_DB", "SCORING_LANG")}
        env["SCORING_USER"] = "pytest"
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=cwd, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def _ask(self, request: list) -> int:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def start(self, args: list[str]) -> int:
        return self._ask(["run", *args])

    def wait(self, pid: int) -> int:
        return self._ask(["wait", pid])

    def running(self, pid: int) -> bool:
        """Still working (a finished child that is not reaped yet is a zombie, not running)."""
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def state(db: Path) -> str:
    """A digest of every table's rows (sorted), leaving out the clock columns; raises unless intact."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"pragma table_info([{table}])") if r[1] not in CLOCK_COLUMNS]
            rows = conn.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]").fetchall()
            digest.update(repr((table, columns, sorted(map(repr, rows)))).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def latest_scores(db: Path) -> tuple[int | None, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        run = conn.execute("select max(id) from runs").fetchone()[0]
        return run, conn.execute("select unit, score, grade, rank, document from run_units where run = ? order by unit",
                                 [run]).fetchall()
    finally:
        conn.close()


@dataclass
class Workload:
    name: str
    args: list[str]  # the command, with {db} for the database
    base: Path  # the database before the command
    before: str = ""
    after: str = ""
    seconds: float = 0.0  # the command's work, uninterrupted
    locked: tuple[float, float] = (0.0, 0.0)  # when it held the write lock, from the go-ahead
    outcomes: list[tuple[float, int | None, str, bool | None]] = field(default_factory=list)


def generate(folder: Path) -> tuple[Path, Path]:
    db = folder / "generated.db"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", str(UNITS), "--db", str(db),
                    "--csv", str(folder)], check=True, capture_output=True)
    return db, folder / "findings-2025.csv"


def _command(work: Workload, db: Path) -> list[str]:
    return [a.replace("{db}", str(db)) for a in work.args]


def _uninterrupted(server: Server, work: Workload, db: Path, watch: bool) -> tuple[float, list[float]]:
    """Run the command to its end: (seconds, moments at which it was seen holding the write lock)."""
    shutil.copyfile(work.base, db)
    watcher = sqlite3.connect(db, timeout=0, isolation_level=None) if watch else None
    locked: list[float] = []
    started = time.monotonic()
    pid = server.start(_command(work, db))
    while server.running(pid):
        if watcher is not None:
            try:
                watcher.execute("begin immediate")
                watcher.execute("rollback")
            except sqlite3.OperationalError:  # "database is locked": the command holds the write lock
                locked.append(time.monotonic() - started)
        time.sleep(0.002)
    seconds = time.monotonic() - started
    if watcher is not None:
        watcher.close()
    assert server.wait(pid) == 0
    return seconds, locked


def reference(server: Server, work: Workload, folder: Path) -> None:
    """The state after the command, its duration, and when it holds the write lock.

    Watching the lock slows the command down (it waits whenever the watcher holds the lock for its
    probe), so the duration comes from two runs nobody watches, and the watched run gives only the
    lock's share of the time.
    """
    db = folder / f"{work.name}-reference.db"
    work.before = state(work.base)
    durations = [_uninterrupted(server, work, db, watch=False)[0] for _ in range(2)]
    work.after = state(db)
    assert work.after != work.before
    work.seconds = sum(durations) / len(durations)
    watched, locked = _uninterrupted(server, work, folder / f"{work.name}-watched.db", watch=True)
    share = (min(locked) / watched, max(locked) / watched) if locked else (0.8, 1.0)
    work.locked = (share[0] * work.seconds, share[1] * work.seconds)


def _await_lock(server: Server, pid: int, db: Path) -> bool:
    """Wait until the command holds the write lock (True), or has finished without being seen to (False)."""
    watcher = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        while server.running(pid):
            try:
                watcher.execute("begin immediate")
                watcher.execute("rollback")
            except sqlite3.OperationalError:
                return True
            time.sleep(0.001)
        return False
    finally:
        watcher.close()


def trials(server: Server, work: Workload, folder: Path, rnd: random.Random) -> None:
    """TRIALS kills at random moments; each leaves the state before or the state after, intact.

    Odd trials are killed at a moment drawn over the whole command; even ones watch for the write
    lock and are killed as soon as it is seen or a random moment into holding it, inside the one transaction.
    """
    first, last = work.locked
    for i in range(TRIALS):
        db = folder / f"{work.name}-{i}.db"
        shutil.copyfile(work.base, db)
        started = time.monotonic()
        pid = server.start(_command(work, db))
        if i % 2:
            moment = rnd.uniform(0, work.seconds * 1.1)
            time.sleep(max(0.0, moment - (time.monotonic() - started)))
            in_lock = None
        else:
            in_lock = _await_lock(server, pid, db)
            # Every other one is killed the moment the lock is seen, well inside the transaction however
            # loaded the machine is; the rest a random moment into it (durations vary: stay well inside).
            time.sleep(0 if i % 4 == 0 else rnd.uniform(0, (last - first) * 0.6))
            moment = time.monotonic() - started
        os.kill(pid, signal.SIGKILL)
        code = server.wait(pid)
        found = state(db)
        outcome = "before" if found == work.before else "after" if found == work.after else "neither"
        work.outcomes.append((moment, code, outcome, in_lock))
        assert outcome != "neither", f"killed at {moment:.3f} s (exit {code}): the database is half-written"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    return generate(tmp_path_factory.mktemp("generated"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    forks = Server(tmp_path_factory.mktemp("server"))
    yield forks
    forks.close()


def _report(work: Workload) -> str:
    killed = [o for o in work.outcomes if o[1] == -signal.SIGKILL]
    in_lock = [o for o in killed if o[3]]
    return (f"{work.name}: {work.seconds:.2f} s of work, write lock held {work.locked[0]:.2f}-{work.locked[1]:.2f} s; "
            f"{len(killed)} of {len(work.outcomes)} killed before finishing ({len(in_lock)} while holding the "
            f"write lock), {sum(o[2] == 'before' for o in work.outcomes)} left as before, "
            f"{sum(o[2] == 'after' for o in work.outcomes)} as after")


def _check(work: Workload) -> None:
    killed = [o for o in work.outcomes if o[1] == -signal.SIGKILL]
    assert len(killed) >= TRIALS // 4, _report(work)
    # Kills inside the transaction happened, and they left the database as before (or, when the
    # kill came between COMMIT and exit, as after): never half-written, as asserted trial by trial.
    assert sum(1 for o in killed if o[3]) >= 3, _report(work)
    assert any(o[2] == "before" for o in killed if o[3]), _report(work)


def test_killing_an_import_leaves_the_database_as_before_or_after(server, generated, tmp_path):
    db, csv = generated
    base = tmp_path / "base.db"
    shutil.copyfile(db, base)
    conn = sqlite3.connect(base)
    conn.execute("delete from findings where period = '2025'")
    conn.commit()
    conn.close()
    work = Workload("import", ["import", "findings", str(csv), "--db", "{db}"], base)
    reference(server, work, tmp_path)
    trials(server, work, tmp_path, random.Random(7))
    print("\n" + _report(work))
    _check(work)


def test_killing_a_run_leaves_every_score_as_before_or_after(server, generated, tmp_path):
    db, _ = generated
    base = tmp_path / "base.db"
    shutil.copyfile(db, base)
    assert server.wait(server.start(["run", "--period", "2025", "--db", str(base)])) == 0
    # Inputs change after run 1, so run 2 scores differently from it.
    conn = sqlite3.connect(base)
    conn.execute("delete from findings where period = '2025' and rowid % 3 = 0")
    conn.commit()
    conn.close()
    work = Workload("run", ["run", "--period", "2025", "--db", "{db}"], base)
    reference(server, work, tmp_path)
    old = latest_scores(base)
    new = latest_scores(tmp_path / "run-reference.db")
    assert old[0] == 1 and new[0] == 2 and old[1] != new[1]
    trials(server, work, tmp_path, random.Random(11))
    print("\n" + _report(work))
    for i, (_, _, outcome, _) in enumerate(work.outcomes):
        assert latest_scores(tmp_path / f"run-{i}.db") == (old if outcome == "before" else new)
    _check(work)
