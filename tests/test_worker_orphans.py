"""kill -9 of a real `scoring run` leaves none of its worker processes running (issue 13, item 9).

The run is a real `scoring run --workers 2` subprocess over bench/generate.py's workspace. Two
changes make the attack reproducible on a small workspace: chunks of 4 units instead of 500 (so
12 units need two workers), and a chunk that never finishes (a worker busy on a huge province),
so the parent is certainly killed while both its workers are busy (each says so in a file). Before the fix they ran on for ever.
The second case turns the Linux parent-death signal off: the portable watcher alone must do it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOUND = 60.0  # seconds: the wait is polled, and ends as soon as the workers are gone

RUN = """
import os, sys, threading
import scoring.engine.chunks as chunks, scoring.engine.facts as facts, scoring.engine.orphans as orphans
from scoring.cli import cli

def busy_for_ever(codes):  # a chunk that never ends; it says so in a file named after the worker
    open(os.path.join(sys.argv[2], f"busy-{os.getpid()}"), "w").close()
    threading.Event().wait()

facts.CHUNK = chunks.CHUNK = 4
chunks._worker_chunk = busy_for_ever
if sys.argv[1] == "watcher-only":
    orphans._parent_death_signal = lambda: False
cli.main(sys.argv[3:], prog_name="scoring")
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table in /proc")


def children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is pid."""
    found = set()
    for entry in os.listdir("/proc"):
        state = stat_of(int(entry)) if entry.isdigit() else None  # read once: a process may end meanwhile
        if state is not None and state[0] != "Z" and state[1] == pid:
            found.add(int(entry))
    return found


def stat_of(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    found = stat_of(pid)
    return found is not None and found[0] != "Z"


def poll(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {BOUND:.0f} s: {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("orphans") / "generated.db"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", "12", "--db", str(db)],
                   check=True, capture_output=True)
    return db


@pytest.mark.parametrize("mode", ["default", "watcher-only"])
def test_killing_a_run_ends_its_workers(generated, mode, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SCORING_DB", "SCORING_LANG")}
    env["SCORING_USER"] = "pytest"
    run = subprocess.Popen([sys.executable, "-c", RUN, mode, str(tmp_path), "run", "--period", "2025", "--workers", "2",
                            "--db", str(generated)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        busy = lambda: {int(p.name.split("-")[1]) for p in tmp_path.glob("busy-*")}  # noqa: E731
        poll(lambda: len(busy()) >= 2 or run.poll() is not None, "two workers are scoring a chunk")
        assert run.poll() is None, run.stderr.read().decode(errors="replace")
        workers.update(busy())
        assert workers <= children(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait(timeout=BOUND) == -signal.SIGKILL
        poll(lambda: not any(alive(w) for w in workers), f"workers {sorted(workers)} ended with their parent")
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for worker in workers:  # a failed test leaves nothing running
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
