"""Foundation benchmark: seeding speed, portfolio dashboard and large project page response times.

Targets (issue #2): seed 500 projects × 200 tasks + 2,000 people in < 2 min; portfolio first page
< 300 ms median on SQLite with a query count independent of the number of projects; the project page of
a 2,000-task project < 500 ms median.

Run: `make bench` (or `.venv/bin/python bench/bench_foundation.py [--projects N ...]`). It builds its own
data in a temporary SQLite database, prints the figures, and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--big-project-tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page for the medians")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-"))
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT
    env = {**os.environ, "KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1", "KUROKO_DEBUG": ""}
    env.pop("KUROKO_DATABASE_URL", None)
    kuroko = str(Path(sys.executable).with_name("kuroko"))

    # 1. Seeding, through the real command (includes migrating the empty database).
    started = time.perf_counter()
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
            "1",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seed_seconds = time.perf_counter() - started

    os.environ.update({k: v for k, v in env.items() if k.startswith("KUROKO_")})
    os.environ.pop("KUROKO_DEBUG", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from kuroko.core.models import Role, User
    from kuroko.demo.generator import build_synthetic
    from kuroko.projects.models import Project, Task

    settings.ALLOWED_HOSTS = ["testserver"]
    # 2. One big project for the project page.
    started = time.perf_counter()
    build_synthetic(projects=1, tasks_per_project=args.big_project_tasks, people=20, seed=2)
    big_seconds = time.perf_counter() - started
    big = Project.objects.annotate(n_tasks=Count("tasks")).order_by("-n_tasks", "pk").first()
    assert big is not None

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.PMO_ADMIN})
    client = Client()
    client.force_login(user)

    def measure(url: str) -> tuple[float, int, int]:
        client.get(url)  # warm caches (templates, query plans)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        queries: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *a: (queries.append(sql), execute(sql, *a))[1]):
            client.get(url)
        return statistics.median(times) * 1000, len(queries), len(response.content)

    portfolio_ms, portfolio_queries, _size = measure("/")
    filtered_ms, _q, _s = measure("/?status=active&sort=-finish&q=a")
    project_ms, project_queries, project_bytes = measure(big.get_absolute_url())
    api_ms, api_queries, _s = measure("/api/v1/projects?limit=50")

    # Scheduling the 2,000-task project: engine time alone, and the whole service (mapping + engine +
    # storing the computed dates), which every WBS change runs.
    from kuroko.engine.cpm import schedule as engine_schedule
    from kuroko.projects.mapping import project_plan
    from kuroko.projects.services.schedule import project_reschedule

    plan, _rows = project_plan(big, today=date(2026, 11, 23))
    engine_times, service_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        engine_schedule(plan)
        engine_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        project_reschedule(big)
        service_times.append(time.perf_counter() - t0)
    engine_ms = statistics.median(engine_times) * 1000
    service_ms = statistics.median(service_times) * 1000

    n_projects = Project.objects.count()
    n_tasks = Task.objects.count()
    print(f"Kuroko foundation benchmark  (SQLite, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"data: {n_projects:,} projects, {n_tasks:,} tasks, {args.people:,} people  (dir {data_dir})")
    print(f"{'measure':<52}{'value':>12}{'target':>12}{'ratio':>8}")
    rows = [
        (f"seed {args.projects}×{args.tasks_per_project} + {args.people} people (s)", seed_seconds, 120.0),
        ("portfolio first page, median (ms)", portfolio_ms, 300.0),
        ("portfolio filtered + sorted, median (ms)", filtered_ms, 300.0),
        (f"project page, {big.n_tasks:,} tasks, median (ms)", project_ms, 500.0),
        ("API /projects?limit=50, median (ms)", api_ms, None),
        (f"engine schedule(), {big.n_tasks:,} tasks, median (ms)", engine_ms, 100.0),
        ("project_reschedule() incl. mapping and storing (ms)", service_ms, None),
    ]
    for label, value, target in rows:
        ratio = f"{value / target:.2f}" if target else ""
        target_text = f"{target:g}" if target else "-"
        print(f"{label:<52}{value:>12.1f}{target_text:>12}{ratio:>8}")
    print(
        f"portfolio queries per request: {portfolio_queries} (independent of project count: see "
        "tests/projects/test_views.py)"
    )
    print(
        f"project page queries: {project_queries}, HTML size {project_bytes / 1024:.0f} KiB; "
        f"API queries: {api_queries}; extra project build {big_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
