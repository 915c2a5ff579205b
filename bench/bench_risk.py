"""Monte Carlo risk benchmark: `simulate()` on random networks with a Japanese working calendar.

Target (issue #6): 10,000 iterations of a 1,000-task network in ≤ 1 s. Builds a random acyclic network
(~2 links per task, FS/SS/FF with some lags), PERT estimates for every task, ~30 risk events and costs;
prints the median of several runs, the forecast, and a cross-check that re-schedules sampled iterations
with `schedule()`. Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from datetime import datetime

from kuroko.engine.calendar import holiday_exceptions, to_minutes
from kuroko.engine.cpm import schedule
from kuroko.engine.model import Calendar, Link, LinkType, Plan, Task
from kuroko.engine.risk import Estimate, RiskEvent, RiskModel, TaskCost, simulate


def random_network(n: int, *, seed: int, links_per_task: float = 2.0) -> tuple[Plan, RiskModel]:
    """A random acyclic plan (links from a lower to a higher index within a window, mixed types, some
    lags), PERT estimates around every duration, ~30 risk events and a cost per task."""
    rng = random.Random(seed)
    calendar = Calendar("jp", "Japan", exceptions=holiday_exceptions("JP", range(2026, 2046)))
    tasks = tuple(Task(f"T{i}", f"Task {i}", duration=rng.randint(1, 10) * 480) for i in range(n))
    pairs: set[tuple[int, int]] = set()
    window = 100
    while len(pairs) < int(n * links_per_task):
        s = rng.randrange(1, n)
        pairs.add((rng.randrange(max(0, s - window), s), s))
    types = [LinkType.FS] * 7 + [LinkType.SS, LinkType.SS, LinkType.FF]
    links = tuple(
        Link(f"T{p}", f"T{s}", rng.choice(types), lag=rng.choice([0, 0, 0, 0, 480, -240]))
        for p, s in sorted(pairs)
    )
    plan = Plan(datetime(2026, 4, 1, 8), tasks, links, calendars=(calendar,), calendar="jp")
    estimates = {}
    for t in tasks:
        likely = t.duration
        estimates[t.id] = Estimate(
            round(likely * rng.uniform(0.7, 0.95)), likely, round(likely * rng.uniform(1.1, 1.8))
        )
    events = tuple(
        RiskEvent(
            f"R{k}",
            rng.uniform(0.05, 0.4),
            tuple(f"T{rng.randrange(n)}" for _ in range(rng.randint(1, 3))),
            Estimate(480, 960, 2880, "triangular"),
            (100_000.0, 300_000.0, 800_000.0),
        )
        for k in range(30)
    )
    events = tuple(replace(e, tasks=tuple(dict.fromkeys(e.tasks))) for e in events)
    costs = {t.id: TaskCost(fixed=50_000.0, per_minute=100.0) for t in tasks}
    return plan, RiskModel(estimates=estimates, events=events, costs=costs)


def timed(plan: Plan, model: RiskModel, iterations: int, repeat: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (the CPU time is what the run costs when
    other work shares the machine's cores), and the last forecast."""
    times, cpu = [], []
    forecast = None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        forecast = simulate(plan, model, iterations=iterations, seed=2026)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu), forecast


def cross_check(plan: Plan, model: RiskModel, count: int) -> int:
    """Re-schedule `count` sampled iterations with `schedule()`; how many give the simulated finish."""
    forecast = simulate(plan, model, iterations=count, seed=7, keep_samples=True)
    assert forecast.samples is not None
    matches = 0
    for k in range(count):
        tasks = tuple(replace(t, duration=int(forecast.samples.durations[t.id][k])) for t in plan.tasks)
        if (
            to_minutes(schedule(replace(plan, tasks=tasks)).project_finish)
            == forecast.samples.finish_minutes[k]
        ):
            matches += 1
    return matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-large", action="store_true", help="skip the 10,000-task plan")
    args = parser.parse_args()
    plan, model = random_network(1_000, seed=1)
    simulate(plan, model, iterations=1000, seed=1)  # warm-up: calendar horizon, PERT tables, imports
    head = f"{'tasks':>7}{'links':>7}{'iterations':>12}{'median s':>10}{'CPU s':>8}{'target s':>10}"
    print(f"{head}   P50         P80")
    rows = [(plan, model, 10_000, 1.0), (plan, model, 5_000, None)]
    if not args.skip_large:
        big_plan, big_model = random_network(10_000, seed=2)
        rows.append((big_plan, big_model, 5_000, None))
    for p, m, iterations, target in rows:
        repeat = args.repeat if len(p.tasks) <= 1_000 else max(1, args.repeat // 2)
        median, cpu, forecast = timed(p, m, iterations, repeat)
        finish = forecast.finish  # type: ignore[attr-defined]
        print(
            f"{len(p.tasks):>7}{len(p.links):>7}{iterations:>12,}{median:>10.3f}{cpu:>8.3f}"
            f"{'' if target is None else f'{target:.1f}':>10}   "
            f"{finish.percentiles[50]:%Y-%m-%d}  {finish.percentiles[80]:%Y-%m-%d}"
        )
    forecast = simulate(plan, model, iterations=10_000, seed=2026)
    deterministic = forecast.finish.deterministic
    print(
        f"1,000 tasks: CPM finish {deterministic:%Y-%m-%d}, P(finish by it) "
        f"{forecast.finish.probability_deterministic:.1%}; cost P50 {forecast.cost.percentiles[50]:,.0f} "  # type: ignore[union-attr]
        f"P80 {forecast.cost.percentiles[80]:,.0f}"  # type: ignore[union-attr]
    )
    top = sorted(forecast.sensitivity.items(), key=lambda kv: -abs(kv[1]))[:3]
    print("top sensitivity: " + ", ".join(f"{k} {v:.2f}" for k, v in top))
    count = 20
    print(f"cross-check with schedule(): {cross_check(plan, model, count)}/{count} match")


if __name__ == "__main__":
    main()
