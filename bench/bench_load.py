"""Resource load benchmark: the heatmap at each scale, its drill-down, load by team and skill, and the
utilisation report (稼働率) with its exports, on an organisation of ~150 people and ~4,000 assigned tasks.

Target (issue 4): each page or report under 2 s.

It seeds a synthetic organisation (`kuroko seed`'s generator) into a temporary SQLite database, schedules
every project, assigns each task's owner (10 % tentative, a fifth front- or back-loaded), gives people
skills and some of them part-time availability, adds skill placeholders, then measures the selectors
alone and the whole pages (request → HTML) with the test client, printing medians. It asserts nothing.

Run: `.venv/bin/python bench/bench_load.py [--projects 36 --tasks-per-project 150 --people 150]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm caches (templates, query plans, compiled calendars' code paths)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def build(args: argparse.Namespace, today: date) -> dict[str, Any]:
    """The organisation, scheduled and staffed; returns counts."""
    from django.core.management import call_command

    from kuroko.demo.generator import build_synthetic
    from kuroko.people.models import Availability, Person, PersonSkill, Skill, SkillCategory
    from kuroko.projects.models import Assignment, Placeholder, Project, Task
    from kuroko.projects.services.schedule import project_reschedule

    call_command("migrate", "--no-input", "--verbosity", "0")
    t0 = time.perf_counter()
    build_synthetic(
        projects=args.projects,
        tasks_per_project=args.tasks_per_project,
        people=args.people,
        seed=7,
        today=today,
    )
    for project in Project.objects.all():
        project_reschedule(project, today=today)
    rng = random.Random(7)
    people = list(Person.objects.values_list("pk", flat=True))
    category = SkillCategory.objects.create(name="Bench")
    skills = [Skill.objects.create(category=category, name=n) for n in ("Java", "SQL", "COBOL", "AWS", "PM")]
    PersonSkill.objects.bulk_create(
        PersonSkill(person_id=p, skill=s, level=rng.randint(1, 5))
        for p in people
        for s in rng.sample(skills, rng.randint(1, 2))
    )
    Availability.objects.bulk_create(
        Availability(person_id=p, start=today - timedelta(days=60), percent=50) for p in people[::10]
    )
    tasks = list(
        Task.objects.filter(kind="task", owner__isnull=False).values_list(
            "pk", "owner_id", "duration_minutes", "project_id"
        )
    )
    contours = ["flat"] * 8 + ["front", "back"]
    Assignment.objects.bulk_create(
        Assignment(
            task_id=pk,
            person_id=owner,
            units=100,
            work_minutes=minutes,
            contour=rng.choice(contours),
            booking="tentative" if rng.random() < 0.1 else "confirmed",
        )
        for pk, owner, minutes, _project in tasks
    )
    holders = {}
    for project in Project.objects.all():
        skill = rng.choice(skills)
        holders[project.pk] = Placeholder.objects.create(
            project=project, name=f"{skill.name} developer", skill=skill
        )
    Assignment.objects.bulk_create(
        Assignment(task_id=pk, placeholder=holders[project], units=100, work_minutes=minutes)
        for pk, _owner, minutes, project in tasks
        if rng.random() < 0.1
    )
    return {
        "seconds": time.perf_counter() - t0,
        "people": len(people),
        "tasks": Task.objects.count(),
        "assigned": Task.objects.filter(assignments__person__isnull=False).distinct().count(),
        "assignments": Assignment.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=36)
    parser.add_argument("--tasks-per-project", type=int, default=150)
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure for the medians")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-load-"))
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT
    os.environ.update({"KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1"})
    for name in ("KUROKO_DEBUG", "KUROKO_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from kuroko.core.models import Role, User
    from kuroko.projects import selectors

    settings.ALLOWED_HOSTS = ["testserver"]
    today = date(2026, 11, 23)
    counts = build(args, today)
    user = User.objects.create(username="bench-pmo", role=Role.PMO_ADMIN)
    client = Client()
    client.force_login(user)

    def page(url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    def grid(scale: str, periods: int) -> Callable[[], Any]:
        query = selectors.load_query(user, start=today, scale=scale, periods=periods)
        return lambda: selectors.load_grid(user, query)

    # The drill-down of the busiest person-week (the most tasks behind one cell).
    weekly = selectors.load_grid(user, selectors.load_query(user, start=today, scale="week", periods=12))
    busy, week = max(((r.person, c) for r in weekly.rows for c in r.cells), key=lambda pc: len(pc[1].tasks))
    month = today.replace(day=1)
    measures: list[tuple[str, Callable[[], Any]]] = [
        ("load_grid, 62 days", grid("day", 62)),
        ("load_grid, 52 weeks", grid("week", 52)),
        ("load_grid, 24 months", grid("month", 24)),
        ("page /resources/ 62 days (+ weekly over-allocations)", page("/resources/?scale=day&periods=62")),
        ("page /resources/ 12 weeks (default)", page("/resources/")),
        ("page /resources/ 52 weeks", page("/resources/?scale=week&periods=52")),
        ("page /resources/ 24 months", page("/resources/?scale=month&periods=24")),
        (
            f"drill-down fragment, busiest week ({len(week.tasks)} tasks)",
            page(f"/resources/cell/?person={busy.pk}&start={week.start}&scale=week"),
        ),
        (
            "drill-down fragment, the month of that week",
            page(f"/resources/cell/?person={busy.pk}&start={week.start}&scale=month"),
        ),
        (
            "utilisation(), 12 months per person",
            lambda: selectors.utilisation(user, month_from=month, months=12),
        ),
        ("page /resources/utilisation/ 12 months", page("/resources/utilisation/?months=12")),
        ("page /resources/utilisation/ 24 months", page("/resources/utilisation/?months=24")),
        ("utilisation.csv 24 months", page("/resources/utilisation.csv?months=24")),
        ("utilisation.xlsx 24 months", page("/resources/utilisation.xlsx?months=24")),
        ("page /resources/teams-skills/ 12 months", page("/resources/teams-skills/?months=12")),
        ("API /resources/load 52 weeks", page("/api/v1/resources/load?scale=week&periods=52")),
        ("API /resources/utilisation 24 months", page("/api/v1/resources/utilisation?months=24")),
    ]
    print(f"Kuroko resource load benchmark  (SQLite, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(
        f"data: {counts['people']} people, {counts['tasks']:,} tasks, {counts['assigned']:,} with a person "
        f"assigned, {counts['assignments']:,} assignments; built and scheduled in {counts['seconds']:.1f} s "
        f"(dir {data_dir})"
    )
    print(f"{'measure (median of ' + str(args.repeat) + ')':<58}{'ms':>10}{'target':>10}{'ratio':>8}")
    for label, run in measures:
        ms = median_ms(run, args.repeat)
        print(f"{label:<58}{ms:>10.1f}{2000:>10}{ms / 2000:>8.2f}")
    html = client.get("/resources/?scale=day&periods=62").content
    print(f"heatmap HTML at 62 days: {len(html) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
