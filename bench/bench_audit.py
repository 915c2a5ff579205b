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
import time
from datetime import date

import seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeded.add_arguments(parser)
    args = parser.parse_args()
    today = date(2026, 6, 10)
    with seeded.seeded_database(args, "audit", today=today):
        from kuroko.governance.models import Finding
        from kuroko.governance.services.audits import RunStats, audit_run, audited_projects

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
