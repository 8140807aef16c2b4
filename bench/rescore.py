"""Re-scoring one unit after one new finding: wall and CPU time per unit, on a workspace holding a run.

    python bench/rescore.py --db /tmp/rescore-10k/run.db [--samples 50] [--seed 1] [--profile out.prof]

Works on a copy of --db (next to it, `<name>.rescore.db`) unless --in-place: each sample commits a new finding
for a random unit (seeded), then times `rescore_unit` for that unit, as an inspector's phone would see it.
Prints p50/p95 of wall and CPU time in ms. bench/run.py's `rescore` figure uses the same `rescore_samples`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after $PYTHONPATH: a frozen copy can be measured

PERIOD = "2025"


def rescore_samples(store, standard, samples: int, seed: int = 1) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of re-scoring each of `samples` random units, each just after one new finding."""
    from scoring.engine.runner import rescore_unit

    codes = [r[0] for r in store.execute("select code from units order by code")]
    times = []
    for i, code in enumerate(random.Random(seed).sample(codes, min(samples, len(codes)))):
        store.write_rows("findings", [{"id": f"BENCH-{i:04d}", "unit": code, "period": PERIOD, "date": "2025-06-30",
                                       "inspector": "bench", "code": "CONTENT_STALE", "indicator": "T1", "count": 1,
                                       "corrected_on_spot": 0, "note": None, "evidence": None}])
        started, cpu = time.perf_counter(), time.process_time()
        rescore_unit(store, standard, PERIOD, code)
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return times


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile, as bench/run.py reports p95."""
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="A workspace holding a run of 2025 (bench/run.py's run.db).")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-place", action="store_true", help="Write the findings into --db itself.")
    parser.add_argument("--profile", help="Write a cProfile of the re-scorings (not the findings' writes) here.")
    args = parser.parse_args()
    from scoring.standard import load_default
    from scoring.store import Store

    db = Path(args.db)
    if not args.in_place:
        copy = db.with_suffix(".rescore.db")
        for suffix in ("", "-wal", "-shm"):  # the WAL too: a run's last commit may not be checkpointed yet
            Path(str(copy) + suffix).unlink(missing_ok=True)
            if Path(str(db) + suffix).exists() and suffix != "-shm":
                shutil.copyfile(str(db) + suffix, str(copy) + suffix)
        db = copy
    store, standard = Store(db), load_default()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    times = rescore_samples(store, standard, args.samples, args.seed)
    if args.profile:
        profiler.disable()
        profiler.dump_stats(args.profile)
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    import scoring

    print(f"rescore {len(times)} units of {db} (code: {Path(scoring.__file__).parent}): wall p50 {1000 * percentile(walls, 0.5):.1f} ms "
          f"p95 {1000 * percentile(walls, 0.95):.1f} ms; CPU p50 {1000 * percentile(cpus, 0.5):.1f} ms "
          f"p95 {1000 * percentile(cpus, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
