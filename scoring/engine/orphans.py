"""Worker processes end when their parent does, however it ends (kill -9 included).

A ProcessPoolExecutor's workers wait on a queue whose write end every worker also holds, so a
parent killed outright leaves them waiting for ever. Two guards, each enough on its own:

- on Linux, the kernel's parent-death signal (prctl PR_SET_PDEATHSIG, through ctypes): SIGKILL the
  moment the parent dies. Only when the pool is made by the main thread, since the signal follows
  the thread that forked, and the parent may already be gone when it is set (then: exit now);
- everywhere (Windows, macOS, or where prctl is missing): a daemon thread in the worker waits on
  multiprocessing's sentinel for the parent process (a pipe only the parent's side holds open, or
  on Windows a handle of the parent process) and ends the worker when it fires.

A worker only reads the workspace, so ending it abruptly loses nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1
ORPHAN_EXIT = 70  # the worker's exit status when its parent went away (nobody reads it)


@dataclass(frozen=True)
class Guard:
    """What a worker needs to know to follow its parent: its pid, and whether the kernel signal is safe."""

    parent: int
    kernel_signal: bool


def guard_for_children() -> Guard:
    return Guard(os.getpid(), threading.current_thread() is threading.main_thread())


def exit_with_parent(guard: Guard) -> None:
    """Called first in a worker: arrange to end when the parent ends."""
    if guard.kernel_signal and sys.platform.startswith("linux"):
        _parent_death_signal()
    if os.getppid() != guard.parent:  # the parent died before any guard was in place
        os._exit(ORPHAN_EXIT)
    _watch_parent()


def _parent_death_signal() -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc or no prctl: the watcher thread still guards
        return False


def _watch_parent() -> None:
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None) if parent is not None else None
    if sentinel is None:
        return
    thread = threading.Thread(target=_exit_when_ready, args=(sentinel,), name="scoring-parent-watch", daemon=True)
    thread.start()


def _exit_when_ready(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(ORPHAN_EXIT)
