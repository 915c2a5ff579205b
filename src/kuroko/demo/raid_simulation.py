"""The demo's schedule risk analysis: three-point estimates on the active projects' remaining tasks, a
correlation group per project (the build team's tasks, as a subcontractor's would be), and one finished
simulation run per active project, so the Schedule risk pages, the project page's risk-adjusted finish
and the portfolio's P80 column show something.

Estimates are skewed as real ones are: development and testing tasks overrun more (pessimistic +30–80 %)
than the rest (+10–30 %); the optimistic side is 5–15 % under the plan. Deterministic: its own random
stream from the seed. Runs last, after everything else of the demo (the risks of the registers
included), and computes the runs in-process (1,500 iterations each).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kuroko.core.models import User
from kuroko.projects.models import Project, Status, Task, TaskKind
from kuroko.raid.models import CorrelationGroup, SimulationRun, TaskEstimate
from kuroko.raid.services.simulation import simulation_start

ITERATIONS = 1500
DEVELOPMENT = (
    "製造",
    "コーディング",
    "開発",
    "実装",
    "Coding",
    "Build",
    "Develop",
    "Implement",
    "story",
    "Story",
)
TESTING = ("テスト", "Test", "test")


def _kind(name: str) -> str:
    if any(word in name for word in TESTING):
        return "test"
    if any(word.lower() in name.lower() for word in DEVELOPMENT):
        return "development"
    return "other"


def build(*, seed: int, today: date) -> int:
    """Create the estimates, groups and runs; returns how many runs were computed."""
    rng = random.Random(f"{seed}-raid-simulation")
    actor = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    if actor is None:
        return 0
    runs = 0
    for project in Project.objects.filter(status=Status.ACTIVE).order_by("code"):
        tasks = list(
            Task.objects.filter(project=project, children__isnull=True, percent_complete__lt=100)
            .exclude(kind=TaskKind.MILESTONE)
            .filter(duration_minutes__gt=0)
            .order_by("row")
            .only("pk", "name", "duration_minutes", "owner_id")
        )
        if not tasks:
            continue
        estimates = []
        for task in tasks:
            kind = _kind(task.name)
            low = 1 - rng.uniform(0.05, 0.15)
            high = 1 + (rng.uniform(0.3, 0.8) if kind in ("development", "test") else rng.uniform(0.1, 0.3))
            likely = task.duration_minutes
            estimates.append(
                TaskEstimate(
                    task_id=task.pk,
                    minimum_minutes=int(likely * low),
                    most_likely_minutes=likely,
                    maximum_minutes=int(likely * high),
                    distribution="pert" if kind != "test" else "triangular",
                )
            )
        TaskEstimate.objects.bulk_create(estimates)
        japanese = any(ord(c) > 127 for c in project.name)
        builders = [t for t in tasks if _kind(t.name) == "development"][:12]
        name = "製造チーム(協力会社)" if japanese else "Build team (subcontractor)"
        if len(builders) < 2:
            # No build phase (maintenance, agile): the tasks of the busiest owner move together instead.
            by_owner: dict[int | None, list[Task]] = {}
            for task in tasks:
                by_owner.setdefault(task.owner_id, []).append(task)
            builders = max(by_owner.values(), key=len)[:12]
            name = "同一担当者の作業" if japanese else "One owner's work"
        if len(builders) >= 2:
            group = CorrelationGroup.objects.create(project=project, name=name, coefficient="0.50")
            group.tasks.set(builders)
        run = simulation_start(
            user=actor,
            project=project,
            options={
                "iterations": ITERATIONS,
                "seed": seed,
                "name": "初回分析" if japanese else "First analysis",
            },
            background=False,
        )
        # Dated on the demo's day, like the rest of the demo (the run itself took a moment just now).
        at = timezone.make_aware(datetime.combine(today, time(9, 0)))
        SimulationRun.objects.filter(pk=run.pk).update(
            created_at=at, started_at=at, finished_at=at + timedelta(seconds=2)
        )
        runs += 1
    return runs
