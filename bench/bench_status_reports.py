"""Status-report benchmark: drafting the weekly status reports of every project of `kuroko seed`-like data.

Target (issue 9): drafting the reports of all 500 projects (200 tasks each) takes under 60 s. The script
builds the data with `kuroko.demo.generator.build_synthetic` in a fresh SQLite database in a temporary
directory (or, with `--postgres`, on a throwaway PostgreSQL server through `scripts/with-postgres`), then
runs `draft_all(week)` twice — the first run creates the drafts, the second refreshes them — then once over
all projects whatever their status, and prints
the seconds of each, per project, and the queries per batch. It asserts nothing.

Run: `.venv/bin/python bench/bench_status_reports.py [--postgres] [--projects 500 --tasks-per-project 200]
[--timesheet-days 30]` (time entries, rates, assignments and baselines, so that earned value and the
over-allocations are computed).
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeded.add_arguments(parser)
    # Rates, assignments, baselines and this many days of time entries, so that earned value and the
    # over-allocations are computed (0: the plain plans only).
    parser.add_argument("--timesheet-days", type=int, default=30)
    args = parser.parse_args()
    today = date(2026, 6, 12)  # a Friday
    with seeded.seeded_database(
        args, "status", today=today, schedule=True, timesheet_days=args.timesheet_days
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from kuroko.projects.models import Project
        from kuroko.reporting.models import StatusReport
        from kuroko.reporting.services.status import BATCH, draft_all
        from kuroko.reporting.weeks import week_start

        active = Project.objects.filter(status="active").count()
        batches = -(-active // BATCH)
        for label in ("first run (drafts)", "second run (refreshes)"):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                counts = draft_all(week_start(today), today=today)
                seconds = time.perf_counter() - t0
            print(
                f"{label}: {counts} for {active} active projects in {seconds:.1f} s "
                f"({seconds / max(active, 1) * 1000:.0f} ms per project; {len(queries)} queries, "
                f"{len(queries) / max(batches, 1):.0f} per batch of {BATCH}) — "
                f"target < 60 s ({seconds / 60:.0%} of it)"
            )
        # Every project, whatever its status (the target's "all 500"): the non-active ones are drafted now.
        everything = list(Project.objects.select_related("manager", "program", "project_type"))
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            counts = draft_all(week_start(today), today=today, projects=everything)
            seconds = time.perf_counter() - t0
        print(
            f"all {len(everything)} projects: {counts} in {seconds:.1f} s ({len(queries)} queries) — "
            f"target < 60 s ({seconds / 60:.0%} of it)"
        )
        sample = StatusReport.objects.filter(week=week_start(today)).values_list("facts", flat=True)
        facts = list(sample)
        with_ev = sum(1 for f in facts if f.get("spi") is not None)
        with_people = sum(1 for f in facts if f.get("overallocations"))
        print(
            f"reports stored: {len(facts)}; with earned value: {with_ev}; "
            f"with over-allocations: {with_people}; "
            f"milestones listed: {sum(len(f.get('milestones_this_week', [])) for f in facts)}"
        )


if __name__ == "__main__":
    main()
