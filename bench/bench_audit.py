"""Audit benchmark: the health and compliance audit of every project of `kuroko seed`-like data.

Target (issue 8): auditing all 500 projects of 200 tasks each takes under 30 s. The script builds the data
with `kuroko.demo.generator.build_synthetic` in a fresh SQLite database in a temporary directory (or, with
`--postgres`, on a throwaway PostgreSQL server through `scripts/with-postgres`), then runs
`audit_run(trigger="cli")` over all projects twice — the first run opens the findings, the second
reconciles them — and prints projects, findings, seconds and the seconds per rule pack. It asserts nothing.

Run: `.venv/bin/python bench/bench_audit.py [--postgres] [--projects 500 --tasks-per-project 200]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--tasks-per-project", type=int, default=200)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.postgres and not os.environ.get("KUROKO_DATABASE_URL"):
        script = ROOT / "scripts" / "with-postgres"
        sys.exit(subprocess.call([str(script), sys.executable, *sys.argv]))
    with tempfile.TemporaryDirectory(prefix="kuroko-bench-audit-") as data_dir:
        os.environ.update({"KUROKO_DATA_DIR": data_dir, "KUROKO_DEMO": "1"})
        os.environ.pop("KUROKO_DEBUG", None)
        if not args.postgres:
            os.environ.pop("KUROKO_DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--no-input", "--verbosity", "0")
        from kuroko.demo.generator import build_synthetic
        from kuroko.governance.models import Finding
        from kuroko.governance.services.audits import RunStats, audit_run, audited_projects

        today = date(2026, 6, 10)
        t0 = time.perf_counter()
        build_synthetic(
            projects=args.projects,
            tasks_per_project=args.tasks_per_project,
            people=args.people,
            seed=1,
            today=today,
        )
        seeded = time.perf_counter() - t0
        print(f"seeded {args.projects} projects × {args.tasks_per_project} tasks in {seeded:.1f} s")
        targets = audited_projects()
        for label in ("first run (opens findings)", "second run (reconciles)"):
            stats = RunStats()
            t0 = time.perf_counter()
            run = audit_run(trigger="cli", today=today, stats=stats, notify_owners=False)
            seconds = time.perf_counter() - t0
            live = Finding.objects.exclude(status="closed").count()
            print(
                f"{label}: {run.projects} of {len(targets)} audited projects, {live} live findings "
                f"(opened {run.opened}, closed {run.closed}), {seconds:.1f} s — target < 30 s "
                f"({seconds / 30:.0%} of it)"
            )
            for pack, spent in sorted(stats.seconds.items()):
                print(f"    {pack:<10} {spent:6.2f} s")
            if stats.failed:
                print(f"    failed: {', '.join(stats.failed)}")


if __name__ == "__main__":
    main()
