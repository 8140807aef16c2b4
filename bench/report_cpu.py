"""CPU time of `scoring report` against the run floor's, on one workspace that holds a run of period 2025.

    python bench/report_cpu.py --db /tmp/w1500.db [--code /tmp/before] [--repeats 3]

bench/run.py times the report by wall time, which swings 2-3x with other work on a shared machine.
This reads the run floor exactly as bench/run.py does (plain sqlite3, its CPU time), then runs
`python -m scoring report` on the same workspace and counts the CPU of the command and of the child
that writes the workbook and the HTML (RUSAGE_CHILDREN). `--code DIR`: the scoring package from DIR
(e.g. `git archive main scoring | tar -x -C DIR`), to compare two versions in the same minutes.

A workspace: `python bench/generate.py --units 1500 --db /tmp/w1500.db`, then a run of 2025
(`scoring run --period 2025 --db /tmp/w1500.db`).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the run floor)


def report_cpu(db: Path, code: Path, out: Path) -> tuple[float, float]:
    """CPU and wall seconds of `scoring report` for 2025 into `out`."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scoring", "report", "--period", "2025", "--out", str(out),
                           "--db", str(db)], env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True,
                          text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "report-cpu")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.repeats):
        floor_wall = run.run_floor(args.db)
        cpu, wall = report_cpu(args.db, args.code, args.out)
        print(f"{args.code}: report {cpu:.2f} s CPU ({wall:.2f} s wall), run floor {run.RUN_FLOOR_CPU:.2f} s CPU "
              f"({floor_wall:.2f} s wall): {cpu / run.RUN_FLOOR_CPU:.2f}x by CPU, {wall / floor_wall:.2f}x by wall; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
