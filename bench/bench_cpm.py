"""Scheduling engine benchmark: random networks with ~1.5 links per task on a Japanese calendar.

Targets (issue #3): ≤ 50 ms for 10,000 tasks and ≤ 0.6 s for 100,000 tasks (engine time: `schedule()`).
Prints the median of several runs per size; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime

from kuroko.engine.calendar import holiday_exceptions
from kuroko.engine.cpm import schedule
from kuroko.engine.model import Calendar, Link, LinkType, Plan, Task


def random_plan(n: int, *, seed: int, links_per_task: float = 1.5) -> Plan:
    """A random acyclic network: each link goes from a lower to a higher index, within a window so the
    critical path stays realistic; durations 1–10 days; some SS/FF links with lags."""
    rng = random.Random(seed)
    calendar = Calendar("jp", "Japan", exceptions=holiday_exceptions("JP", range(2026, 2046)))
    tasks = tuple(Task(f"T{i}", f"Task {i}", duration=rng.randint(1, 10) * 480) for i in range(n))
    links = set()
    window = 200
    while len(links) < int(n * links_per_task):
        s = rng.randrange(1, n)
        p = rng.randrange(max(0, s - window), s)
        links.add((p, s))
    types = [LinkType.FS] * 8 + [LinkType.SS, LinkType.FF]
    return Plan(
        start=datetime(2026, 4, 1, 8),
        tasks=tasks,
        links=tuple(
            Link(f"T{p}", f"T{s}", rng.choice(types), lag=rng.choice([0, 0, 0, 480, -240]))
            for p, s in sorted(links)
        ),
        calendars=(calendar,),
        calendar="jp",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    targets = {10_000: 0.050, 100_000: 0.600}
    print(f"{'tasks':>8}{'links':>9}{'median ms':>12}{'target ms':>11}{'ratio':>8}   finish")
    for n in args.sizes:
        plan = random_plan(n, seed=n)
        schedule(plan)  # warm-up: compiles the calendar horizon, imports
        times = []
        for _ in range(args.repeat if n < 100_000 else max(2, args.repeat // 2)):
            t0 = time.perf_counter()
            result = schedule(plan)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        target = targets.get(n)
        ratio = f"{median / target:.2f}" if target else ""
        target_text = f"{target * 1000:.0f}" if target else "-"
        print(
            f"{n:>8}{len(plan.links):>9}{median * 1000:>12.1f}{target_text:>11}{ratio:>8}   "
            f"{result.project_finish:%Y-%m-%d}"
        )


if __name__ == "__main__":
    main()
