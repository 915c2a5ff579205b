"""Levelling in the app: a portfolio of 20 projects, 4,000 tasks and 150 people to a proposal.

Target (issue #4): the proposal is ready in under 10 s. Builds its own data in a temporary SQLite database
(`kuroko seed`, then one confirmed assignment per work task: a member of the project seven times in ten,
anyone otherwise, so that people are shared across projects), then times `leveling_compute` — what the
background task runs: reading the projects, scheduling them without levelling, the search, trying the
result with the critical-path engine and storing the proposal. Prints the figures; asserts nothing.

Run: `.venv/bin/python bench/bench_leveling_app.py [--projects 20 --tasks-per-project 200 --people 150]`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def psplib_quality(passes: int) -> None:
    """The plan leveller (not the RCPSP engine) on every PSPLIB J30 instance: how far above the optimum
    its project finish is with the app's pass budget (all days working, constant capacities)."""
    import statistics

    from kuroko.engine.level_plan import Demand, LevelLink, LevelTask, PlanLevelling, level_plan
    from kuroko.engine.leveling import _compile
    from kuroko.formats.psplib import read_psplib, read_solutions

    data = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "psplib"
    if not (data / "j30").is_dir():
        print(f"{data} is absent: the shared PSPLIB data is not on this machine; J30 quality not measured.")
        return
    optimum = read_solutions(data / "solutions" / "j30opt.sm")
    devs: list[float] = []
    started = time.perf_counter()
    for path in sorted((data / "j30").glob("*.sm")):
        problem = read_psplib(path)
        net = _compile(problem)
        horizon = sum(job.duration for job in problem.jobs) + 1
        tasks = tuple(
            LevelTask(
                id=job.id,
                calendar="all",
                start=net.es[i],
                now=tuple(Demand(f"r{r}", (float(q),) * job.duration) for r, q in enumerate(job.demands) if q)
                if job.duration
                else (),
                span=job.duration,
                late_start=net.lf[i] - net.dur[i],
                late_finish=net.lf[i],
            )
            for i, job in enumerate(problem.jobs)
        )
        links = tuple(LevelLink(job.id, s) for job in problem.jobs for s in job.successors)
        capacity = {f"r{r}": [float(c)] * horizon for r, c in enumerate(problem.capacities)}
        plan = PlanLevelling(tasks, links, {"all": list(range(horizon))}, capacity)
        result = level_plan(plan, max_passes=passes, time_limit=600)
        finish = max(result.starts[job.id] + job.duration for job in problem.jobs)
        best = optimum[path.stem[3:]].makespan
        devs.append(100 * (finish - best) / best)
    each = (time.perf_counter() - started) / len(devs) * 1000
    print(
        f"Plan leveller on PSPLIB J30 ({len(devs)} instances, {passes} passes): mean "
        f"{statistics.mean(devs):.2f} % above the optimum, max {max(devs):.1f} %, optimal "
        f"{sum(d == 0 for d in devs)}; {each:.0f} ms per instance"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--time-limit", type=float, default=3.0, help="seconds of search")
    parser.add_argument("--passes", type=int, default=200, help="pass budget on the PSPLIB J30 instances")
    args = parser.parse_args()
    psplib_quality(args.passes)

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-"))
    (data_dir / "static").mkdir()
    env = {**os.environ, "KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1", "KUROKO_DEBUG": ""}
    env.pop("KUROKO_DATABASE_URL", None)
    kuroko = str(Path(sys.executable).with_name("kuroko"))
    subprocess.run(
        [
            kuroko,
            "seed",
            "--projects",
            str(args.projects),
            "--tasks-per-project",
            str(args.tasks_per_project),
            "--people",
            str(args.people),
            "--seed",
            "4",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith("KUROKO_")})
    os.environ.pop("KUROKO_DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from kuroko.core.models import Role, User
    from kuroko.people.models import Person
    from kuroko.projects.models import Assignment, LevelingRun, Project, ProjectMember, Task, TaskKind
    from kuroko.projects.services.leveling import leveling_compute
    from kuroko.projects.services.schedule import project_reschedule

    rng = random.Random(4)
    projects = list(Project.objects.order_by("pk"))
    members: dict[int, list[int]] = {}
    for project_id, person_id in ProjectMember.objects.values_list("project_id", "person_id"):
        members.setdefault(project_id, []).append(person_id)
    everyone = list(Person.objects.values_list("pk", flat=True))
    rows = []
    for task_id, project_id, minutes in Task.objects.filter(
        kind=TaskKind.TASK, duration_minutes__gt=0
    ).values_list("pk", "project_id", "duration_minutes"):
        if members.get(project_id):
            rows.append(
                Assignment(
                    task_id=task_id,
                    person_id=rng.choice(members[project_id] if rng.random() < 0.7 else everyone),
                    units=100,
                    work_minutes=minutes,
                )
            )
    Assignment.objects.bulk_create(rows)
    for project in projects:
        project_reschedule(project)
    tasks = Task.objects.count()
    people = len({a.person_id for a in rows})

    pmo = User.objects.filter(role=Role.PMO_ADMIN).first() or User.objects.create(
        username="bench", role=Role.PMO_ADMIN
    )
    figures = []
    for seed in (0, 1, 2):
        run = LevelingRun.objects.create(
            project=None,
            options={"projects": [p.pk for p in projects], "time_limit": args.time_limit, "seed": seed},
            created_by=pmo,
        )
        started = time.perf_counter()
        run = leveling_compute(run.pk)
        seconds = time.perf_counter() - started
        if run.status != LevelingRun.Status.READY:
            raise SystemExit(f"levelling failed: {run.error}")
        figures.append((seconds, run.result))
    print(
        f"Portfolio levelling: {len(projects)} projects, {tasks:,} tasks ({len(rows):,} assigned), "
        f"{people} people; search limit {args.time_limit} s"
    )
    print(
        f"{'seed':>4} {'proposal (s)':>13} {'search (s)':>11} {'passes':>7} {'moved':>6} "
        f"{'over p-days before':>19} {'after':>6} {'max finish delay (wd)':>22}"
    )
    for seed, (seconds, result) in enumerate(figures):
        s = result["search"]
        delay = max((p["working_days"] for p in result["projects"]), default=0)
        print(
            f"{seed:>4} {seconds:>13.2f} {s['seconds']:>11.2f} {s['passes']:>7} {len(result['moves']):>6} "
            f"{result['over_before']['person_days']:>19} {result['over_after']['person_days']:>6} {delay:>22}"
        )
    worst = max(seconds for seconds, _ in figures)
    print(f"slowest proposal {worst:.2f} s (target < 10 s): {'met' if worst < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
