"""Calendar feed benchmark: a person's feed of 2,000 tasks (and a project feed of 500 milestones), built by
the selector alone and fetched through the whole request (token lookup → .ics bytes).

The tasks are spread over ten projects within the feed's window, each with two history records (the
feed's LAST-MODIFIED reads the newest), half of them assigned rather than owned. Prints medians; asserts
nothing.

Run: `.venv/bin/python bench/bench_feeds.py [--tasks 2000 --repeat 7]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def build(tasks: int, milestones: int) -> tuple[Any, str, str]:
    """The user, the secret of their person feed and of a project feed."""
    from django.core.management import call_command
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from kuroko.core.models import Role, User
    from kuroko.people.models import Person
    from kuroko.projects.models import Assignment, Project, Task, TaskKind
    from kuroko.projects.services.feeds import feed_token_create

    call_command("migrate", "--no-input", "--verbosity", "0")
    user = User.objects.create(username="bench-member", role=Role.TEAM_MEMBER)
    person = Person.objects.create(family_name="Bench", given_name="Member", user=user)
    today = timezone.localdate()
    projects = [
        Project.objects.create(code=f"P{i:02d}", name=f"Project {i}", status="active", manager=person)
        for i in range(10)
    ]
    rows = []
    for i in range(tasks):
        start = today - timedelta(days=80) + timedelta(days=i % 700)
        rows.append(
            Task(
                project=projects[i % 10],
                name=f"Task {i}, with a comma; and a semicolon — 設計 {i}",
                wbs_code=f"{i // 100 + 1}.{i % 100 + 1}",
                row=i,
                owner=person if i % 2 == 0 else None,
                planned_start=start,
                planned_finish=start + timedelta(days=i % 10),
                percent_complete=i % 101,
            )
        )
    for i in range(milestones):
        rows.append(
            Task(
                project=projects[0],
                name=f"Gate {i}",
                kind=TaskKind.MILESTONE,
                wbs_code=f"99.{i + 1}",
                row=tasks + i,
                planned_start=today + timedelta(days=i),
                planned_finish=today + timedelta(days=i),
            )
        )
    created = bulk_create_with_history(rows, Task, batch_size=500)
    created = list(Task.objects.order_by("pk"))
    Task.history.bulk_history_create(created)  # a second record each, as after an edit
    Assignment.objects.bulk_create(
        Assignment(task=t, person=person) for t in created[:tasks] if t.owner_id is None
    )
    _t, person_secret = feed_token_create(actor=user, kind="person")
    _p, project_secret = feed_token_create(actor=user, kind="project", project=projects[0])
    return user, person_secret, project_secret


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--milestones", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-feeds-"))
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT
    os.environ.update({"KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1"})
    for name in ("KUROKO_DEBUG", "KUROKO_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from icalendar import Calendar

    from kuroko.projects.selectors import feeds

    settings.ALLOWED_HOSTS = ["testserver"]
    _user, person_secret, project_secret = build(args.tasks, args.milestones)
    client = Client()

    def selector(secret: str) -> Callable[[], bytes]:
        def run() -> bytes:
            token = feeds.feed_for_secret(secret)
            assert token is not None
            now = timezone.now()
            return feeds.feed_ics(token, base_url="http://testserver", now=now,
                                  today=timezone.localdate(now))  # fmt: skip

        return run

    def request(secret: str) -> Callable[[], bytes]:
        def run() -> bytes:
            response = client.get(f"/feeds/{secret}.ics")
            assert response.status_code == 200
            return response.content

        return run

    for label, secret in (("person feed", person_secret), ("project feed", project_secret)):
        body = request(secret)()
        events = len(Calendar.from_ical(body).walk("VEVENT"))
        with CaptureQueriesContext(connection) as queries:
            request(secret)()
        print(f"{label}: {events} events, {len(body) / 1024:.0f} KiB, {len(queries)} queries per fetch")
        print(f"  selector + iCalendar  {median_ms(selector(secret), args.repeat):8.1f} ms (median)")
        print(f"  whole request         {median_ms(request(secret), args.repeat):8.1f} ms (median)")


if __name__ == "__main__":
    main()
