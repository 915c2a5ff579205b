"""Levelling benchmark: `level()` on every PSPLIB J30 and J60 instance.

Reports, as the literature does (see ../shared/data/README.md): J30 — mean % deviation from the proven
optimum; J60 — mean % deviation from the critical-path lower bound (best known: 10.37 %). Targets (issue
#4) with the default 1 s per instance: J30 ≤ 0.5 %, J60 ≤ 11.5 %; with `--solver cpsat --time-limit 10`,
every J30 instance optimal. Two worker processes share the
instances; each instance runs on one core, and its time is that core's. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

from kuroko.engine.leveling import check_schedule, level
from kuroko.formats.psplib import read_psplib, read_solutions

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "psplib"
TARGETS = {"j30": 0.5, "j60": 11.5}
REFERENCE = {"j30": "optimum", "j60": "critical-path bound"}


def run_one(args: tuple[str, float, int, str, int]) -> tuple[str, int, int, int, float, int, bool]:
    """Level one file: (name, makespan, critical-path bound, lower bound, seconds, schedules, proven)."""
    path, time_limit, seed, solver, workers = args
    problem = read_psplib(path)
    t0 = time.perf_counter()
    if solver == "cpsat":
        from kuroko.engine.leveling_cpsat import solve_cpsat

        result = solve_cpsat(problem, time_limit=time_limit, seed=seed, workers=workers)
    else:
        result = level(problem, time_limit=time_limit, seed=seed)
    seconds = time.perf_counter() - t0
    check_schedule(problem, result.starts)
    return (
        Path(path).stem,
        result.makespan,
        result.critical_path_bound,
        result.lower_bound,
        seconds,
        result.schedules,
        result.optimal,
    )


def instance_key(stem: str, prefix: str) -> str:
    return stem[len(prefix) :]


def bench_set(
    name: str,
    *,
    time_limit: float,
    limit: int | None,
    seed: int,
    processes: int,
    solver: str = "heuristic",
    workers: int = 1,
) -> None:
    files = sorted((DATA / name).glob("*.sm"), key=lambda p: tuple(map(int, p.stem[3:].split("_"))))
    if limit:
        files = files[:limit]
    if not files:
        print(f"{name}: no instances in {DATA / name}")
        return
    ref = read_solutions(DATA / "solutions" / ("j30opt.sm" if name == "j30" else "j60hrs.sm"))
    with multiprocessing.Pool(processes) as pool:
        rows = pool.map(run_one, [(str(f), time_limit, seed, solver, workers) for f in files], chunksize=1)
    devs, gaps_best, times, counts = [], [], [], []
    optimal = proven = 0
    missed = []
    for stem, mk, cp, _lb, seconds, schedules, is_proven in rows:
        proven += is_proven
        if mk > ref[instance_key(stem, name)].makespan:
            missed.append(f"{stem} ({mk} vs {ref[instance_key(stem, name)].makespan})")
        known = ref[instance_key(stem, name)].makespan
        base = known if name == "j30" else cp
        devs.append(100 * (mk - base) / base)
        gaps_best.append(100 * (mk - known) / known)
        optimal += mk <= known
        times.append(seconds)
        counts.append(schedules)
    best_known_dev = statistics.mean(
        100 * (ref[instance_key(s, name)].makespan - cp) / cp for s, _m, cp, *_ in rows
    )
    print(
        f"{name}: {len(rows)} instances, solver {solver}"
        f"{f' ({workers} workers)' if solver == 'cpsat' else ''}, time limit {time_limit:g} s per instance, "
        f"seed {seed}, {processes} processes"
    )
    print(
        f"  mean deviation from the {REFERENCE[name]}: {statistics.mean(devs):.2f} %"
        f"   (target ≤ {TARGETS[name]} %)"
    )
    print(f"  max deviation: {max(devs):.2f} %")
    if name != "j30":
        print(f"  best-known makespans over the same instances: {best_known_dev:.2f} % above the bound")
        print(f"  mean deviation from the best known: {statistics.mean(gaps_best):.2f} %")
    label = "optimal" if name == "j30" else "at the best known"
    print(f"  {label}: {optimal} of {len(rows)}; proven optimal by the solver itself: {proven}")
    if name == "j30" and missed:
        print(f"  above the optimum: {', '.join(missed[:30])}")
    print(f"  time per instance: mean {statistics.mean(times):.3f} s, max {max(times):.3f} s")
    print(f"  schedules per instance: mean {statistics.mean(counts):,.0f}, max {max(counts):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["j30", "j60", "both"], default="both")
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=None, help="only the first N instances of each set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--solver", choices=["heuristic", "cpsat"], default="heuristic")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT search workers per instance")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is absent: the shared PSPLIB data is not on this machine; nothing to measure.")
        sys.exit(0)
    for name in ("j30", "j60") if args.set == "both" else (args.set,):
        bench_set(
            name,
            time_limit=args.time_limit,
            limit=args.limit,
            seed=args.seed,
            processes=args.processes,
            solver=args.solver,
            workers=args.workers,
        )


if __name__ == "__main__":
    main()
