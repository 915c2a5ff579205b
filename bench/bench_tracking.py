"""Man-hours benchmark: seeding a year of daily timesheets, the portfolio EVM page, a person's week and
saving a week through the API.

Targets (issue 5), on `kuroko seed` data of 500 projects × 200 tasks, 1,000 people and 365 days of
timesheets (about a million time entries): the portfolio EVM table under 2 s, a person's weekly timesheet
page under 200 ms, saving a week under 300 ms — on SQLite and on PostgreSQL. Seeding should take well
under 5 minutes.

It seeds through the real command (`kuroko seed --timesheet-days N`) into a fresh SQLite database in a
temporary directory, or with `--postgres` into a throwaway PostgreSQL server (`scripts/with-postgres`),
then measures with the Django test client and prints medians and ratios to the targets. It asserts
nothing. `--seed-only` stops after seeding (entry, timesheet and approval counts and the time taken).

Run: `.venv/bin/python bench/bench_tracking.py [--postgres] [--seed-only] [--projects 500
--tasks-per-project 200 --people 1000 --timesheet-days 365 --repeat 5]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm caches (templates, query plans)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def count_queries(run: Callable[[], Any]) -> int:
    from django.db import connection

    queries: list[str] = []

    def record(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        run()
    return len(queries)


def seed(args: argparse.Namespace, env: dict[str, str]) -> float:
    """Seed through the real command (migrating the empty database first); returns the seconds taken."""
    kuroko = str(Path(sys.executable).with_name("kuroko"))
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
            "--timesheet-days",
            str(args.timesheet_days),
            "--seed",
            "1",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--timesheet-days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure for the medians")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL server")
    parser.add_argument("--seed-only", action="store_true", help="seed and count, measure no page")
    args = parser.parse_args()

    if args.postgres and not os.environ.get("KUROKO_DATABASE_URL"):
        # Run again under a throwaway server, which exports KUROKO_DATABASE_URL.
        script = [str(ROOT / "scripts" / "with-postgres"), sys.executable, *sys.argv]
        raise SystemExit(subprocess.run(script, check=False).returncode)

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-tracking-"))
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT
    env = {**os.environ, "KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1"}
    env.pop("KUROKO_DEBUG", None)
    if not args.postgres:
        env.pop("KUROKO_DATABASE_URL", None)
    seconds = seed(args, env)

    os.environ.update({k: v for k, v in env.items() if k.startswith("KUROKO_")})
    os.environ.pop("KUROKO_DEBUG", None)
    if not args.postgres:
        os.environ.pop("KUROKO_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from kuroko.core.models import Role, User
    from kuroko.people.models import Person
    from kuroko.projects.models import Project, Task
    from kuroko.tracking.models import TimeEntry, Timesheet, TimesheetApproval, TimesheetStatus

    settings.ALLOWED_HOSTS = ["testserver"]
    database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    entries = TimeEntry.objects.count()
    print(f"Kuroko man-hours benchmark  ({database}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(
        f"data: {Project.objects.count():,} projects, {Task.objects.count():,} tasks, "
        f"{Person.objects.count():,} people, {entries:,} time entries, {Timesheet.objects.count():,} "
        f"timesheets, {TimesheetApproval.objects.count():,} approvals  (dir {data_dir})"
    )
    print(f"{'measure':<58}{'value':>10}{'target':>10}{'ratio':>8}")
    print(f"{'seed incl. migrations (s)':<58}{seconds:>10.1f}{300:>10}{seconds / 300:>8.2f}")
    print(f"{'time entries (about a million)':<58}{entries:>10,}{1_000_000:>10,}{entries / 1e6:>8.2f}")
    if args.seed_only:
        return

    today = timezone.localdate()
    monday = today - timezone.timedelta(days=today.weekday())
    last_week = monday - timezone.timedelta(days=7)
    # The person with the most entries last week: their week is the fullest grid to show and save.
    busiest = (
        TimeEntry.objects.filter(date__gte=last_week, date__lt=monday)
        .values("person")
        .annotate(n=Count("pk"))
        .order_by("-n", "person")
        .first()
    )
    assert busiest is not None, "no time entries last week: seed with --timesheet-days 14 or more"
    person = Person.objects.get(pk=busiest["person"])
    worker = User.objects.create(username="bench-person", role=Role.TEAM_MEMBER)
    person.user = worker
    person.save(update_fields=["user"])
    pmo = User.objects.create(username="bench-pmo", role=Role.PMO_MEMBER)
    as_pmo, as_person = Client(), Client()
    as_pmo.force_login(pmo)
    as_person.force_login(worker)

    # Last week was submitted by the seed; sent back to the person, it can be saved again.
    Timesheet.objects.filter(person=person, week_start=last_week).update(status=TimesheetStatus.OPEN)
    TimesheetApproval.objects.filter(timesheet__person=person, timesheet__week_start=last_week).delete()
    week_entries = TimeEntry.objects.filter(person=person, date__gte=last_week, date__lt=monday)
    body: dict[str, list[dict[str, Any]]] = {
        "entries": [
            {
                "date": e.date.isoformat(),
                "task": e.task_id,
                "category": e.category,
                "minutes": e.minutes,
                "comment": "",
            }
            for e in week_entries.order_by("pk")
        ]
    }

    def get(client: Client, url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, f"HTTP {response.status_code} from GET {url}"
            return response

        return run

    flip = [0]

    def save_week() -> Any:
        # A real save changes something: one cell goes up or down by a quarter of an hour each time.
        flip[0] ^= 1
        body["entries"][0]["minutes"] += 15 if flip[0] else -15
        url = f"/api/v1/timesheets/{person.pk}/{last_week.isoformat()}"
        response = as_person.put(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code < 300, f"HTTP {response.status_code} from PUT {url}"
        return response

    def url(name: str, query: str, **kwargs: Any) -> str | None:
        try:
            return reverse(name, kwargs=kwargs or None) + query
        except NoReverseMatch:
            return None

    portfolio = url("evm-portfolio", f"?status_date={today.isoformat()}")
    week = url("timesheet-week", f"?person={person.pk}", week=today.isoformat())
    measures: list[tuple[str, Callable[[], Any] | None, float]] = [
        ("portfolio EVM page (PMO), median ms", portfolio and get(as_pmo, portfolio), 2000.0),
        (f"week page, {len(body['entries'])}-entry person, median ms", week and get(as_person, week), 200.0),
        ("week page seen by the PMO (?person=), median ms", week and get(as_pmo, week), 200.0),
        ("save a week (API PUT), median ms", save_week, 300.0),
    ]
    for label, run, target in measures:
        if run is None:
            print(f"{label:<58}{'no page':>10}{target:>10g}")
            continue
        try:
            ms = median_ms(run, args.repeat)
        except AssertionError as exc:
            print(f"{label:<58}{'failed':>10}{target:>10g}  {exc}")
            continue
        print(f"{label:<58}{ms:>10.1f}{target:>10g}{ms / target:>8.2f}  ({count_queries(run)} queries)")


if __name__ == "__main__":
    main()
