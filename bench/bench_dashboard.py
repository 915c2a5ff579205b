"""Dashboard benchmark: each role's home page over `kuroko seed`-like data.

No target is set by the issue; the figures show what a PMO's, a PM's and an executive's home page cost on
a large organisation. The script builds the data with `kuroko.demo.generator.build_synthetic` in a fresh
SQLite database in a temporary directory (or, with `--postgres`, on a throwaway PostgreSQL server through
`scripts/with-postgres`), records a status report colour for every other project, then times each board
and its charts (the selectors the home page calls) as the PMO, the busiest PM and an executive: the
median of `--repeat` runs, and the queries of one. It asserts nothing.

Run: `.venv/bin/python bench/bench_dashboard.py [--postgres] [--projects 500 --tasks-per-project 200]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import seeded


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = fn()
    # What was drawn: the chart titles of a list of charts (an empty chart list measures nothing).
    drawn = ", ".join(str(c.title) for c in result) if isinstance(result, list) else ""
    spent = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - t0)
    return statistics.median(spent), len(queries.captured_queries), drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeded.add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    # Rates, assignments, baselines and time entries, so that earned value (the S-curves, SPI/CPI) exists.
    parser.add_argument("--timesheet-days", type=int, default=30)
    args = parser.parse_args()
    today = date(2026, 6, 10)
    with seeded.seeded_database(
        args, "dashboard", today=today, schedule=True, timesheet_days=args.timesheet_days
    ):
        from django.db.models import Count

        from kuroko.core.models import Role, User
        from kuroko.people.models import Person
        from kuroko.projects.models import Project
        from kuroko.reporting.models import StatusReport
        from kuroko.reporting.selectors import dashboard as boards
        from kuroko.reporting.selectors import dashboard_charts
        from kuroko.reporting.weeks import week_start

        colours = ("green", "amber", "red")
        StatusReport.objects.bulk_create(
            StatusReport(project=p, week=week_start(today), status="submitted", rag_overall=colours[k % 3])
            for k, p in enumerate(Project.objects.order_by("pk")[::2])
        )
        pmo = User.objects.create_user("bench-pmo", role=Role.PMO_MEMBER)
        executive = User.objects.create_user("bench-exec", role=Role.EXECUTIVE)
        busiest = (
            Person.objects.annotate(n=Count("managed_projects")).filter(n__gt=0).order_by("-n", "pk").first()
        )
        pm = User.objects.create_user("bench-pm", role=Role.PROJECT_MANAGER)
        if busiest is not None:
            busiest.user = pm
            busiest.save(update_fields=["user"])
            pm.refresh_from_db()
        print(f"the PM manages {busiest.n if busiest else 0} projects")  # type: ignore[attr-defined]
        runs = [
            ("PMO board", lambda: boards.pmo_board(pmo, today=today)),
            ("PMO charts", lambda: dashboard_charts.pmo_charts(pmo, today=today)),
            ("PM board", lambda: boards.pm_board(pm, today=today)),
            ("PM charts (S-curves)", lambda: dashboard_charts.pm_charts(pm, today=today)),
            ("executive board", lambda: boards.executive_board(executive, today=today)),
            ("executive charts", lambda: dashboard_charts.executive_charts(executive, today=today)),
            ("report_charts (exports)", lambda: dashboard_charts.report_charts(pmo, week=week_start(today))),
        ]
        for label, fn in runs:
            seconds, queries, drawn = _time(fn, args.repeat)
            print(f"{label:<28} {seconds:6.2f} s median of {args.repeat}, {queries} queries")
            if drawn:
                print(f"    {drawn}")


if __name__ == "__main__":
    main()
