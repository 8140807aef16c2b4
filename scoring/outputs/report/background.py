"""Work done in a forked child process while the parent goes on: the report's workbook is written while
the parent writes the CSV files, the 通报 and the HTML, on the second core.

The child gets the parent's memory as it is at the fork (the report's tables), so nothing is
pickled; pages it only reads stay shared. It forks only from a single-threaded process on a
platform that has fork (the command line): forking a threaded process (the web server) could copy
a lock another thread holds, so there, and wherever forking is impossible, the work simply runs
first, in this process.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class BackgroundFailed(RuntimeError):
    pass


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def start(work: Callable[[], None], what: str) -> Callable[[], None]:
    """Begin `work`; the function returned waits for it and raises BackgroundFailed if it failed."""
    if not can_fork():
        work()
        return lambda: None
    child = multiprocessing.get_context("fork").Process(target=work, name=what, daemon=True)
    child.start()

    def wait() -> None:
        child.join()
        if child.exitcode != 0:
            raise BackgroundFailed(f"writing the {what} failed in a child process (exit code {child.exitcode})")
    return wait


def in_thread(work: Callable[[], T], what: str) -> Callable[[], T]:
    """Begin `work` in a thread of this process; the function returned waits for it and returns what it returned,
    or raises what it raised.

    For work that waits on something else than the interpreter (SQLite, which lets go of it) or that must
    not hold the caller's frames: an import that catches an exception keeps the frames of its traceback,
    so matplotlib imported from deep inside the report kept the report's data alive (see write_report)."""
    found: dict[str, Any] = {}

    def run() -> None:
        try:
            found["result"] = work()
        except BaseException as error:  # handed to the waiting thread
            found["error"] = error

    thread = threading.Thread(target=run, name=what, daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if "error" in found:
            raise found["error"]
        return found["result"]
    return wait
