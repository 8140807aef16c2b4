"""Measure every figure of design/quality.md's speed table against a floor measured in the same run.

    python bench/run.py [--units 10000] [--seed 1] [--work /tmp/gongkai-bench] [--workers 0]

The run is measured with the engine `auto` picks ($SCORING_ENGINE, else durable_rules where it
imports, else CLIPS), and again with every other installed engine (`run-<engine>`, ratio to the run);
engine-floor is measured per installed engine (`engine-floor-<engine>`).

Prints one line per figure, `name value unit ratio=R floor=F` (ratio and floor are `-` where the
table names no floor), checks every unit's scores with the reference evaluator (bench/reference.py;
any difference fails the benchmark loudly, exit 1), and rewrites the measured part of
bench/RESULTS.md (the text under its "Where the time goes" heading is kept).

Each figure is measured in a fresh Python process, timing the library call (the database is open
and the standard loaded; interpreter start-up is not counted); `scoring report` is timed as the
command. Workloads are generated once per (units, seed) into --work and copied for each figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import reference  # noqa: E402
from rescore import percentile, rescore_samples  # noqa: E402
from results import write_results  # noqa: E402
from rss import RssSampler  # noqa: E402

PERIOD = "2025"
REPORT_TIMEOUT = 1800  # seconds


# ---------------------------------------------------------------- workloads


def workload(work: Path, units: int, seed: int) -> tuple[Path, Path]:
    """The generated database and findings CSV for this size, made once."""
    db, csv_dir = work / f"province-{units}-{seed}.db", work / f"csv-{units}-{seed}"
    if not db.exists() or not (csv_dir / "findings-2025.csv").exists():
        print(f"generating {units} units into {db}", file=sys.stderr)
        generate.generate(db, units, seed, csv_dir)
    return db, csv_dir / "findings-2025.csv"


def fresh_copy(db: Path, target: Path) -> Path:
    """A copy of the workspace, written through to the disk before anything is measured on it.

    Unsynced, the copy's ≈0.9 GB stay dirty in the page cache for 30 s (the kernel's dirty_expire), and the
    first checkpoint of the measured command (its commit's) fsyncs the database file and with it writes them
    all back: ≈0.5-0.7 s of the bench's own copying charged to the run. A workspace in use is not a copy
    made a second ago (an import's own checkpoint writes back what it wrote)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, target)
    with open(target, "rb+") as copied:
        os.fsync(copied.fileno())
    return target


def empty_workspace(db: Path, target: Path) -> Path:
    """A workspace with the workload's units and periods and nothing else: where an import starts."""
    from scoring.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    store = Store(target, create=True)
    store.create_schema()
    store.close()
    conn = sqlite3.connect(target)
    conn.execute("attach ? as source", [str(db)])
    conn.execute("insert into units select * from source.units")
    conn.execute("insert into periods select * from source.periods")
    conn.commit()
    conn.close()
    return target


# ---------------------------------------------------------------- what each child process measures


def child(kind: str, db: str, arg: str | None, workers: int) -> dict:
    from scoring.standard import load_default
    from scoring.store import Store

    store, standard = Store(db), load_default()
    started, cpu = time.perf_counter(), time.process_time()
    if kind == "import":
        from scoring.inputs.importing import import_file

        written = import_file(store, standard, "findings", Path(arg)).written
        return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "written": written}
    if kind == "run":
        from scoring.engine.runner import run_period

        with RssSampler() as rss:
            summary = run_period(store, standard, PERIOD, workers=workers or None)
            seconds = time.perf_counter() - started
        own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return {"seconds": seconds, "run": summary.run, "cpu": own.ru_utime + own.ru_stime,
                "cpu_workers": kids.ru_utime + kids.ru_stime, "rss_parent": own.ru_maxrss * 1024,
                "rss_worker": kids.ru_maxrss * 1024, "rss_total": rss.peak}
    if kind == "incremental":
        return incremental_run(store, standard, int(arg), workers)
    if kind == "rescore":
        samples = rescore_samples(store, standard, int(arg))
        return {"times": [wall for wall, _ in samples], "cpu": [cpu for _, cpu in samples]}
    if kind == "engine":
        seconds = engine_floor(store, standard, workers or 2, None)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"seconds": seconds, "cpu_workers": kids.ru_utime + kids.ru_stime}
    raise SystemExit(f"unknown child {kind}")


def incremental_run(store, standard, changed: int, workers: int) -> dict:
    """A new finding for `changed` units spread over the workload, then a run of the period (incremental:
    the copy holds the cold run, whose fingerprints it builds on); the run alone is timed."""
    from scoring.engine.runner import run_period

    codes = [r[0] for r in store.execute("select code from units order by code")]
    for i, code in enumerate(codes[::max(1, len(codes) // changed)][:changed]):
        store.write_rows("findings", [{"id": f"BENCH-INC-{i:05d}", "unit": code, "period": PERIOD,
                                       "date": "2025-06-30", "inspector": "bench", "code": "CONTENT_STALE",
                                       "indicator": "T1", "count": 1, "corrected_on_spot": 0, "note": None,
                                       "evidence": None}])
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    summary = run_period(store, standard, PERIOD, workers=workers or None)
    seconds = time.perf_counter() - started
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"seconds": seconds, "run": summary.run, "reused": summary.reused, "units": summary.units,
            "cpu": own.ru_utime + own.ru_stime - cpu.ru_utime - cpu.ru_stime, "cpu_workers": kids.ru_utime + kids.ru_stime}


def engine_floor(store, standard, workers: int, engine: str) -> float:
    """The stack alone: every unit's facts built in SQL and asserted into the engine (its first batch),
    in `workers` processes, with no tally, documents, rectification items or writing.

    Not a figure of quality.md's table: it shows how much of the run's 10 s the mandated stack
    (SQLite facts + a rules engine) takes before any scoring is done; one line per backend installed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    codes = [r[0] for r in store.execute("select code from units order by code")]
    parts = [codes[k * len(codes) // workers:(k + 1) * len(codes) // workers] for k in range(workers)]
    global _floor_job
    _floor_job = (store.path, standard, engine)
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_fire_only, parts))
    return time.perf_counter() - started


_floor_job = None


def _fire_only(codes: list[str]) -> None:
    import gc

    from scoring.engine.backends import Engine
    from scoring.engine.facts import CHUNK, build_facts
    from scoring.engine.runner import period_of
    from scoring.store import Store

    path, standard, engine_name = _floor_job
    store = Store(path)
    period = period_of(store, PERIOD)
    gc.disable()
    with Engine(standard, engine_name) as engine:
        for start in range(0, len(codes), CHUNK):
            for uf in build_facts(store, standard, period, codes[start:start + CHUNK], grouped=True):
                engine.fire(uf.unit["code"], uf.facts)
                engine.forget(uf.unit["code"])


def in_child(kind: str, db: Path, arg: str | None = None, workers: int = 0, engine: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--db", str(db), "--workers", str(workers)]
    if arg is not None:
        command += ["--arg", arg]
    env = {**os.environ, **({"SCORING_ENGINE": engine} if engine else {})}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(command)}` failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- floors: plain sqlite3


def import_floor(db: Path, findings_csv: Path, work: Path) -> float:
    """sqlite3 executemany of the same rows (read with csv.reader) into a fresh workspace, no validation."""
    target = empty_workspace(db, work / "floor-import.db")
    conn = sqlite3.connect(target)
    started = time.perf_counter()
    with findings_csv.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        columns = next(rows)
        conn.executemany(f"insert into findings ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                         (r + [None] * (len(columns) - len(r)) for r in rows))
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def run_floor(db: Path) -> float:
    """Reading every input row a run reads, with plain sqlite3 (this period's and the previous one's findings)."""
    conn = sqlite3.connect(db)
    started, cpu = time.perf_counter(), time.process_time()
    for sql in ("select * from units", "select * from findings where period in ('2025', '2024')",
                "select * from self_assessments where period = '2025'",
                "select * from survey_answers where period = '2025'", "select * from survey_issued where period = '2025'",
                "select * from metrics where period = '2025'", "select * from rectifications"):
        conn.execute(sql).fetchall()
    seconds = time.perf_counter() - started
    global RUN_FLOOR_CPU
    RUN_FLOOR_CPU = time.process_time() - cpu  # beside the wall time: the machine is shared
    conn.close()
    return seconds


RUN_FLOOR_CPU = 0.0


# ---------------------------------------------------------------- the figures


def measure(args: argparse.Namespace) -> list[tuple[str, str, str, str, str]]:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    db, findings_csv = workload(work, args.units, args.seed)
    small_db, _ = workload(work, max(1, args.units // 10), args.seed)
    lines = []

    imported = in_child("import", empty_workspace(db, work / "import.db"), str(findings_csv))
    floor = import_floor(db, findings_csv, work)
    lines.append(("import", f"{imported['seconds']:.2f}", "s", f"{imported['seconds'] / floor:.1f}", f"{floor:.2f}s"))

    engines = installed_engines()  # the run's own (auto) first
    ran = in_child("run", fresh_copy(db, work / "run.db"), workers=args.workers, engine=engines[0].key)
    floor = run_floor(work / "run.db")
    lines.append(("run", f"{ran['seconds']:.2f}", "s", f"{ran['seconds'] / floor:.1f}", f"{floor:.2f}s ({engines[0].name})"))
    # The growth's small run right after the big one: the wall ratio compares two runs' shares of the cores, which
    # the machine's other work changes from minute to minute (a run beside a test suite gets half of them).
    small = in_child("run", fresh_copy(small_db, work / "run-small.db"), workers=args.workers, engine=engines[0].key)
    check_reference(work / "run.db", ran["run"], engines[0].name)
    args.details = {"engine_floors": {}, "engines": [e.label for e in engines], "engine_runs": {engines[0].name: ran}}
    for other in engines[1:]:
        again = in_child("run", fresh_copy(db, work / f"run-{other.key}.db"), workers=args.workers, engine=other.key)
        lines.append((f"run-{other.name}", f"{again['seconds']:.2f}", "s", f"{again['seconds'] / ran['seconds']:.2f}",
                      f"{ran['seconds']:.2f}s (the run, {engines[0].name})"))
        check_reference(work / f"run-{other.key}.db", again["run"], other.name)
        args.details["engine_runs"][other.name] = again
    args.details["incremental"] = {}
    args.details["run_floor_cpu"] = RUN_FLOOR_CPU
    for engine in engines:  # on copies of each engine's cold run: 1 % of the units changed (100 of 10,000)
        cold = work / ("run.db" if engine is engines[0] else f"run-{engine.key}.db")
        inc = in_child("incremental", fresh_copy(cold, work / f"inc-{engine.key}.db"), str(max(1, args.units // 100)),
                       workers=args.workers, engine=engine.key)
        lines.append((f"run-incremental-{engine.name}", f"{inc['seconds']:.2f}", "s", f"{inc['seconds'] / floor:.2f}",
                      f"{floor:.2f}s (run floor)"))
        check_reference(work / f"inc-{engine.key}.db", inc["run"], f"{engine.name} (incremental)")
        args.details["incremental"][engine.name] = inc
    for engine in engines:
        stack = in_child("engine", work / "run.db", workers=args.workers, engine=engine.key)
        args.details["engine_floors"][engine.name] = stack
        lines.append((f"engine-floor-{engine.name}", f"{stack['seconds']:.2f}", "s",
                      f"{ran['seconds'] / stack['seconds']:.1f}", "-"))

    rescored = in_child("rescore", work / "run.db", str(args.samples))
    lines.append(("rescore", f"{1000 * percentile(rescored['times'], 0.95):.1f}", "ms", "-", "-"))

    lines.append(report_line(work))
    lines.append(("rss", f"{ran['rss_total'] / 2**20:.0f}", "MiB", "-", "-"))
    lines.append(("growth", f"{ran['seconds'] / small['seconds']:.1f}", "x", "-", f"{small['seconds']:.2f}s"))
    args.details |= {"run": ran, "small_run": small, "import": imported, "rescore_median_ms": 1000 * statistics.median(rescored["times"]),
                     "rescore_cpu_ms": (1000 * percentile(rescored["cpu"], 0.5), 1000 * percentile(rescored["cpu"], 0.95))}
    return lines


def installed_engines() -> list:
    """Every engine that runs here, as engine.backends.Backend: the one `auto` picks first."""
    from scoring.engine.backends import CHOICES, EngineUnavailable, backend

    chosen = backend()
    others = []
    for key in CHOICES[1:]:
        try:
            if key != chosen.key:
                others.append(backend(key))
        except EngineUnavailable:
            pass
    return [chosen, *others]


def check_reference(db: Path, run: int, engine: str) -> None:
    problems = reference.check(str(db), run)
    if problems:
        print("\n".join(problems[:50]), file=sys.stderr)
        raise SystemExit(f"FAILED: the reference evaluator disagrees with the {engine} engine on {len(problems)} values")


def report_line(work: Path) -> tuple[str, str, str, str, str]:
    """`scoring report` for the province, as a command; `-` if this checkout has no such command."""
    scoring = [sys.executable, "-m", "scoring"]
    if subprocess.run(scoring + ["report", "--help"], capture_output=True).returncode != 0:
        return ("report", "-", "s", "-", "- (scoring report is not built yet)")
    started = time.perf_counter()
    try:
        done = subprocess.run(scoring + ["report", "--period", PERIOD, "--out", str(work / "report"),
                                         "--db", str(work / "run.db")], capture_output=True, text=True,
                              timeout=REPORT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return ("report", f">{REPORT_TIMEOUT}", "s", "-", "- (stopped)")
    if done.returncode != 0:
        return ("report", "-", "s", "-", f"- (failed: {done.stderr.strip().splitlines()[-1:]})")
    return ("report", f"{time.perf_counter() - started:.2f}", "s", "-", "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/gongkai-bench", help="Where workloads and copies go.")
    parser.add_argument("--workers", type=int, default=0, help="Worker processes for runs (0: the default).")
    parser.add_argument("--samples", type=int, default=50, help="Units re-scored for the rescore figure.")
    parser.add_argument("--no-results", action="store_true", help="Print only; leave bench/RESULTS.md alone.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--arg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.arg, args.workers), default=str))
        return
    from scoring.engine.runner import workers_for

    args.workers_expected = workers_for(args.workers or None, args.units)
    before = os.getloadavg()
    lines = measure(args)
    after = os.getloadavg()
    for name, value, unit, ratio, floor in lines:
        print(f"{name} {value} {unit} ratio={ratio} floor={floor}")
    if not args.no_results:
        write_results(args, lines, (" ".join(f"{x:.1f}" for x in before), " ".join(f"{x:.1f}" for x in after)))


if __name__ == "__main__":
    main()
