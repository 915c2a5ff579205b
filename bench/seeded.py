"""What the benchmarks over `kuroko seed`-like data share: the data's arguments, and a fresh database in a
temporary directory (SQLite, or with `--postgres` a throwaway PostgreSQL server through
`scripts/with-postgres`) migrated and filled by `kuroko.demo.generator.build_synthetic`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def add_arguments(
    parser: argparse.ArgumentParser, *, projects: int = 500, people: int = 1000, postgres: bool = True
) -> None:
    parser.add_argument("--projects", type=int, default=projects)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    parser.add_argument("--people", type=int, default=people)
    if postgres:
        parser.add_argument("--postgres", action="store_true")


@contextmanager
def seeded_database(
    args: argparse.Namespace, prefix: str, *, today: date, schedule: bool = False, **build: Any
) -> Iterator[None]:
    """Django set up on a new database holding the synthetic organisation of `args`; prints the seeding
    time. With `--postgres` and no database yet, runs this very script again under `with-postgres`.

    `kuroko seed` stores plans, not their computed dates (a project is scheduled on its first change).
    With `schedule`, every project is scheduled as a change would, so that what reads dates (milestones,
    S-curves, the Gantt, loads) has them to read; the time is printed apart."""
    postgres = getattr(args, "postgres", False)
    if postgres and not os.environ.get("KUROKO_DATABASE_URL"):
        script = ROOT / "scripts" / "with-postgres"
        sys.exit(subprocess.call([str(script), sys.executable, *sys.argv]))
    with tempfile.TemporaryDirectory(prefix=f"kuroko-bench-{prefix}-") as data_dir:
        os.environ.update({"KUROKO_DATA_DIR": data_dir, "KUROKO_DEMO": "1"})
        os.environ.pop("KUROKO_DEBUG", None)
        if not postgres:
            os.environ.pop("KUROKO_DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--no-input", "--verbosity", "0")
        from kuroko.demo.generator import build_synthetic

        t0 = time.perf_counter()
        build_synthetic(
            projects=args.projects,
            tasks_per_project=args.tasks_per_project,
            people=args.people,
            seed=1,
            today=today,
            **build,
        )
        seconds = time.perf_counter() - t0
        print(f"seeded {args.projects} projects × {args.tasks_per_project} tasks in {seconds:.1f} s")
        if schedule:
            from kuroko.projects.models import Project
            from kuroko.projects.services.schedule import project_reschedule

            t0 = time.perf_counter()
            projects = list(Project.objects.all())
            for project in projects:
                project_reschedule(project, today=today)
            print(f"scheduled {len(projects)} projects in {time.perf_counter() - t0:.1f} s")
        yield
