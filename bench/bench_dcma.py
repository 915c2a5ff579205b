"""DCMA 14-point assessment benchmark.

1. Engine: a generated 10,000-task plan (links with leads and lags, constraints, a baseline, progress) —
   `dcma_assessment` alone (checks 1–11, 13, 14) and with the critical path test (`critical_path_test`,
   two runs of the scheduler) — median of 5. Target: < 1 s for all 14 checks.
2. Stored projects (`--stored`): `dcma_reports` for 100 synthetic projects of 200 tasks, seeded with
   `kuroko seed` into a throwaway SQLite database, with and without the critical path test.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from kuroko.engine.cpm import schedule
from kuroko.engine.dcma import DcmaLink, DcmaTask, critical_path_test, dcma_assessment
from kuroko.engine.model import ConstraintType, Link, LinkType, Plan, Schedule, Task

DAY = 480


def generated_plan(n: int, *, seed: int) -> Plan:
    """A random acyclic network of `n` tasks of 1–10 days (3 % of 45–60 days): 1.5 links per task (a tenth
    SS/FF, some lags and leads), a few constraints, the first fifth finished or in progress."""
    rng = random.Random(seed)
    start = datetime(2026, 4, 1, 8)
    tasks = []
    for i in range(n):
        constraint, when = ConstraintType.ASAP, None
        if rng.random() < 0.03:
            constraint = rng.choice([ConstraintType.SNET, ConstraintType.MSO, ConstraintType.FNLT])
            when = start + timedelta(days=rng.randint(10, 400))
        done = i < n // 5
        tasks.append(
            Task(
                f"T{i}",
                f"Task {i}",
                duration=(rng.randint(45, 60) if rng.random() < 0.03 else rng.randint(1, 10)) * DAY,
                constraint=constraint,
                constraint_date=when,
                actual_start=start + timedelta(days=i % 50) if done else None,
                actual_finish=start + timedelta(days=i % 50 + 3) if done and rng.random() < 0.7 else None,
                percent_complete=100 if done else 0,
            )
        )
    tasks = [replace(t, percent_complete=50) if t.actual_start and not t.actual_finish else t for t in tasks]
    links = set()
    while len(links) < int(n * 1.5):
        s = rng.randrange(1, n)
        links.add((rng.randrange(max(0, s - 200), s), s))
    types = [LinkType.FS] * 9 + [rng.choice([LinkType.SS, LinkType.FF])]
    return Plan(
        start=start,
        tasks=tuple(tasks),
        links=tuple(
            Link(f"T{p}", f"T{s}", rng.choice(types), lag=rng.choice([0] * 18 + [DAY, -DAY // 2]))
            for p, s in sorted(links)
        ),
        status_date=datetime(2026, 6, 30, 23, 59),
    )


def engine_inputs(plan: Plan) -> tuple[list[DcmaTask], list[DcmaLink], datetime, Schedule]:
    computed = schedule(plan)
    rng = random.Random(1)
    tasks = [
        DcmaTask(
            id=t.id,
            name=t.name,
            duration=t.duration,
            start=computed.tasks[t.id].start,
            finish=computed.tasks[t.id].finish,
            total_float=computed.tasks[t.id].total_float,
            constraint=t.constraint,
            resourced=rng.random() < 0.9,
            actual_start=t.actual_start,
            actual_finish=t.actual_finish,
            baseline_start=computed.tasks[t.id].early_start,
            baseline_finish=computed.tasks[t.id].early_finish - timedelta(days=rng.choice([0, 0, 0, 3])),
            percent_complete=t.percent_complete,
        )
        for t in plan.tasks
    ]
    links = [DcmaLink(ln.predecessor, ln.successor, ln.type, int(ln.lag)) for ln in plan.links]
    return tasks, links, computed.project_finish, computed


def bench_engine(n: int, repeat: int) -> None:
    plan = generated_plan(n, seed=n)
    tasks, links, finish, computed = engine_inputs(plan)
    options = {
        "status_date": date(2026, 6, 30),
        "project_finish": finish,
        "baseline_finish": finish - timedelta(days=20),
    }
    dcma_assessment(tasks, links, **options)  # warm-up
    alone, with_cpt = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = dcma_assessment(tasks, links, **options)
        alone.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        # The plan's schedule is at hand (as in dcma_from_plan): the test schedules once more, delayed.
        cpt = critical_path_test(plan, schedule=computed)
        report = dcma_assessment(tasks, links, **options, critical_path_test=cpt)
        with_cpt.append(time.perf_counter() - t0)
    print(f"engine: {n:,} tasks, {len(links):,} links; {report.passed} of {report.applicable} checks passed")
    print(f"{'measure':<52}{'median s':>10}{'target s':>10}{'ratio':>8}")
    for label, times in (("dcma_assessment, 13 checks (no critical path test)", alone),
                         ("dcma_assessment + critical_path_test, 14 checks", with_cpt)):  # fmt: skip
        median = statistics.median(times)
        print(f"{label:<52}{median:>10.3f}{1.0:>10.1f}{median / 1.0:>8.2f}")


def bench_stored(projects: int, tasks_per_project: int, repeat: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-dcma-"))
    (data_dir / "static").mkdir()
    env = {**os.environ, "KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1"}
    env.pop("KUROKO_DATABASE_URL", None)
    env.pop("KUROKO_DEBUG", None)
    kuroko = str(Path(sys.executable).with_name("kuroko"))
    t0 = time.perf_counter()
    command = [kuroko, "seed", "--projects", str(projects), "--tasks-per-project", str(tasks_per_project),
               "--people", "100", "--timesheet-days", "0", "--seed", "1"]  # fmt: skip
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    seeded = time.perf_counter() - t0
    os.environ.update({k: v for k, v in env.items() if k.startswith("KUROKO_")})
    os.environ.pop("KUROKO_DATABASE_URL", None)
    os.environ.pop("KUROKO_DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.utils import timezone

    from kuroko.governance.selectors.dcma import dcma_reports
    from kuroko.projects.models import Project

    rows = list(Project.objects.filter(code__startswith="S1-").order_by("pk"))
    today = timezone.localdate()
    print(
        f"stored: {len(rows)} projects of {tasks_per_project} tasks "
        f"(seeded in {seeded:.0f} s, dir {data_dir})"
    )
    for cpt in (False, True):
        times = []
        for _ in range(repeat):
            connection.force_debug_cursor = True
            reset_queries()
            t0 = time.perf_counter()
            reports = dcma_reports(rows, as_of=today, critical_path_test=cpt)
            times.append(time.perf_counter() - t0)
            queries = len(connection.queries)
            connection.force_debug_cursor = False
        label = f"dcma_reports, {'with' if cpt else 'without'} the critical path test"
        print(f"{label:<52}{statistics.median(times):>10.3f} s   {queries} queries, {len(reports)} reports")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stored", action="store_true", help="also time dcma_reports on stored projects")
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    args = parser.parse_args()
    bench_engine(args.tasks, args.repeat)
    if args.stored:
        bench_stored(args.projects, args.tasks_per_project, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
