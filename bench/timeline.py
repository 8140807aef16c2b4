"""A timeline of one run: when each worker scores each chunk, and what the parent does before, between and after.

    SCORING_ENGINE=durable python bench/timeline.py COPY.db [--workers 2] [--events]

Run on a copy of a workspace without a run of 2025 (a cold run), synced first (`sync`: bench/run.py's
fresh_copy says why). Prints what the run spent outside "every worker scoring": from the call to the first
chunk, one worker idle at the end while another finishes, and from the last chunk to the end of the run; with
--events every stamped event (seconds since the start, process id, what). It wraps functions of
scoring.engine.chunks, runner and the store by name (whichever exist), so it measures main and a branch alike
(PYTHONPATH=a frozen copy of main, e.g. `git archive main scoring | tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: a frozen copy of main measures main

STARTED = time.perf_counter()
EVENTS = Path(tempfile.mkdtemp(prefix="timeline-"))


def mark(what: str) -> None:
    """One event, appended to this process's own file (workers are forked: each writes its own)."""
    with open(EVENTS / str(os.getpid()), "a") as fh:
        fh.write(f"{time.perf_counter() - STARTED:.3f} {os.getpid()} {what}\n")


def wrap(owner, name: str, label: str) -> None:
    real = getattr(owner, name, None)
    if real is None:
        return

    def stamped(*args, **kwargs):
        mark(f"{label} begin")
        try:
            return real(*args, **kwargs)
        finally:
            mark(f"{label} end")

    stamped.__name__, stamped.__qualname__, stamped.__module__ = real.__name__, real.__qualname__, real.__module__
    setattr(owner, name, stamped)  # chunks._worker_chunk is pickled by name: the workers find this one


def instrument() -> None:
    import scoring.engine.chunks as chunks
    import scoring.engine.runner as runner
    import scoring.store.database as database

    wrap(chunks, "_worker_chunk", "chunk")
    wrap(chunks, "_start_worker", "worker start")
    for name in ("check_period", "_reusable_and_todo", "_save_run_units", "place"):
        wrap(runner, name, name)
    with contextlib.suppress(ImportError):
        import scoring.engine.grouped_rows as grouped_rows
        wrap(grouped_rows.GroupRows, "_store", "group stored")
    for name in ("save_run_units", "save_run_groups", "create_run", "audit"):
        wrap(database.Store, name, name)
    transaction = database.Store.transaction

    @contextlib.contextmanager
    def stamped(self):
        outer = not self.conn.in_transaction
        with transaction(self):
            yield
            if outer:
                mark("commit begin")
        if outer:
            mark("commit end")

    database.Store.transaction = stamped


def events() -> list[tuple[float, int, str]]:
    found = []
    for path in EVENTS.iterdir():
        for line in path.read_text().splitlines():
            at, pid, what = line.split(" ", 2)
            found.append((float(at), int(pid), what))
        path.unlink()
    EVENTS.rmdir()
    return sorted(found)


def summary(found: list[tuple[float, int, str]], called: float, ended: float) -> str:
    if not any(what == "chunk begin" for _, _, what in found):
        return f"run {ended - called:.2f} s, in one process (no worker: too few units for the chunk size)"
    first = min(at for at, _, what in found if what == "chunk begin")
    last: dict[int, float] = {}
    for at, pid, what in found:
        if what == "chunk end":
            last[pid] = max(last.get(pid, 0.0), at)
    ends = sorted(last.values())
    outside = (first - called) + (ends[-1] - ends[0]) + (ended - ends[-1])
    return (f"run {ended - called:.2f} s; to the first chunk {first - called:.2f} s, one worker idle at the end "
            f"{ends[-1] - ends[0]:.2f} s, after the last chunk {ended - ends[-1]:.2f} s: {outside:.2f} s outside "
            f"every worker scoring")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", action="store_true")
    parser.add_argument("--chunk", type=int, help="units a chunk (the run's own: 500; fewer to see workers on a "
                        "small workspace, which one process would otherwise score)")
    args = parser.parse_args()
    from scoring.standard import load_default
    from scoring.store import Store

    instrument()
    from scoring.engine import chunks
    from scoring.engine.runner import run_period

    if args.chunk:
        chunks.CHUNK = args.chunk

    store, standard = Store(args.db), load_default()
    called = time.perf_counter() - STARTED
    run_period(store, standard, "2025", workers=args.workers)
    ended = time.perf_counter() - STARTED
    found = events()
    if args.events:
        for at, pid, what in found:
            print(f"{at:8.3f} {pid} {what}")
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(summary(found, called, ended) + f"; CPU {own.ru_utime + own.ru_stime:.2f} s in the parent, "
          f"{kids.ru_utime + kids.ru_stime:.2f} s in the workers")


if __name__ == "__main__":
    main()
