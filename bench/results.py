"""bench/RESULTS.md: the measured part, rewritten by bench/run.py; the text under "Where the time goes" is kept."""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
KEPT = "## Where the time goes"
# Issue 17's targets where it set one (ratios to the floors measured in the same run), else quality.md's.
TARGETS = {"engine-floor": "- (the stack alone, see below)", "run-": "≤ 2× the run floor (CLIPS; ratio here: to the run)",
           "import": "≤ 2× the floor", "run": "≤ 1.5× the floor (durable_rules)", "rescore": "≤ 50 ms p95",
           "report": "≤ 1× the run floor", "rss": "≤ 512 MiB", "growth": "≤ 12×",
           "run-incremental": "≤ 0.1× the run floor"}


def write_results(args: argparse.Namespace, lines: list[tuple[str, ...]], loads: tuple) -> None:
    kept, marker = "", "\n" + KEPT + "\n"
    if RESULTS.exists() and marker in RESULTS.read_text(encoding="utf-8"):
        kept = RESULTS.read_text(encoding="utf-8").split(marker, 1)[1]
    d = args.details
    rows = "\n".join(f"| {name} | {value} {unit} | {_target(name)} | {floor} | {ratio} |"
                     for name, value, unit, ratio, floor in lines)
    text = f"""# Benchmark results

Written by `bench/run.py`, which replaces everything above the heading "Where the time goes".

- machine: {_machine()}
- date: {datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
- command: `python bench/run.py {' '.join(sys.argv[1:])}`
- load average before and after (other work on the machine slows every figure): {loads[0]} / {loads[1]}

| figure | value | target | floor | ratio |
|---|---|---|---|---|
{rows}

- run: {d['run']['cpu']:.1f} s CPU in the parent, {d['run']['cpu_workers']:.1f} s in {args.workers_expected} worker
  process(es); peak RSS of the parent {d['run']['rss_parent'] / 2**20:.0f} MiB, of the largest worker
  {d['run']['rss_worker'] / 2**20:.0f} MiB. The rss figure is the peak of their sum, sampled every 20 ms (pages the
  workers share with the parent after fork count twice).
- engines: {', '.join(d['engines'])}; the run used the first (what `auto` picks here), and `run-<engine>`
  is the same run with another engine, its ratio that run's time over the first's. CPU time (parent and
  workers), less sensitive to the machine's other load than wall time: {'; '.join(f"{name} {r['cpu'] + r['cpu_workers']:.1f} s" for name, r in d['engine_runs'].items())}.
- engine-floor, per engine: building every unit's facts in SQL and asserting them into the engine (the first
  batch only; no tally, documents, rectification items or writing): {'; '.join(f"{name} {f['seconds']:.1f} s with {f['cpu_workers']:.1f} s of CPU in the worker processes" for name, f in d['engine_floors'].items())}.
  Its ratio is the run's time over it.
- run-incremental, per engine: a new finding for {max(1, args.units // 100)} of the {args.units} units, then a run
  of the period on a copy holding the cold run (fingerprints unchanged for the rest, so their results are
  reused); its ratio is to the run floor. CPU (parent + workers) and units re-scored: {'; '.join(f"{name} {r['cpu'] + r['cpu_workers']:.2f} s, {r['units'] - r['reused']} re-scored" for name, r in d['incremental'].items())};
  the run floor took {d['run_floor_cpu']:.2f} s of CPU, so by CPU the ratios are {'; '.join(f"{name} {(r['cpu'] + r['cpu_workers']) / max(d['run_floor_cpu'], 1e-9):.2f}" for name, r in d['incremental'].items())}
  (cold runs by CPU: {'; '.join(f"{name} {(r['cpu'] + r['cpu_workers']) / max(d['run_floor_cpu'], 1e-9):.1f}× the floor's CPU" for name, r in d['engine_runs'].items())}).
- growth: {max(1, args.units // 10)} units ran in {d['small_run']['seconds']:.2f} s, right after the run. {_growth_by_cpu(d['run'], d['small_run'])}
- rescore: median {d['rescore_median_ms']:.1f} ms over {args.samples} units, each after one new finding; CPU p50 / p95 {d['rescore_cpu_ms'][0]:.1f} / {d['rescore_cpu_ms'][1]:.1f} ms.
- import: {d['import']['written']}.
- the reference evaluator (bench/reference.py) agreed with every engine's run on every unit's indicator scores,
  base, bonus, final score and veto.

{KEPT}
{kept or chr(10) + "(not written yet)" + chr(10)}"""
    RESULTS.write_text(text, encoding="utf-8")


def _growth_by_cpu(big: dict, small: dict) -> str:
    """The growth by CPU time (parent and workers), and the cores each run's workers had on average: a wall ratio
    over 10x with a CPU ratio under it means the big run had fewer cores to itself, not more work a unit."""
    big_cpu, small_cpu = big["cpu"] + big["cpu_workers"], small["cpu"] + small["cpu_workers"]
    return (f"By CPU (parent and workers) {big_cpu:.1f} s against {small_cpu:.1f} s: "
            f"{big_cpu / max(small_cpu, 1e-9):.1f}×; the workers used {big['cpu_workers'] / big['seconds']:.2f} "
            f"and {small['cpu_workers'] / max(small['seconds'], 1e-9):.2f} cores on average.")


def _target(name: str) -> str:
    """The target of a figure; run-<engine> and engine-floor-<engine> share theirs."""
    if name.startswith("run-incremental"):
        return TARGETS["run-incremental"]
    if name.startswith("run-"):
        return TARGETS["run-"]
    return TARGETS["engine-floor" if name.startswith("engine-floor") else name]


def _machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


