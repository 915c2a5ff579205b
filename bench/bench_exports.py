"""Report export benchmark: one project's status report as PDF, and the executive PowerPoint pack of 50
projects.

Targets (issue 9): one project's PDF in under 3 s; the portfolio PowerPoint pack for 50 projects in under
20 s. The script builds 50 projects with `kuroko.demo.generator.build_synthetic` in a fresh SQLite
database in a temporary directory, gives each a status report of the week with realistic facts (the shape
`reporting.services.status` stores: milestones, risks, issues, actions, findings, over-allocations), then
times `project_report_export` (PDF, with the S-curve and the Gantt) and `portfolio_export(kind=
"executive_pack", fmt="pptx")`, each three times, and prints the median and the share of the target. The
first PDF includes loading WeasyPrint (~1.2 s) and is printed apart. It asserts nothing.

Run: `.venv/bin/python bench/bench_exports.py [--projects 50 --tasks-per-project 200]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

import seeded

REPEAT = 3


def _facts(project, week: date, n: int):  # type: ignore[no-untyped-def]
    from kuroko.reporting.facts import (
        ActionFact,
        FindingFact,
        IssueFact,
        MilestoneFact,
        OverallocationFact,
        ProjectFacts,
        RiskFact,
    )

    return ProjectFacts(
        project_id=project.pk,
        code=project.code,
        name=project.name,
        manager=str(project.manager or ""),
        program=project.program.code if project.program else "",
        project_type="",
        currency="JPY",
        week=week,
        status_date=week + timedelta(days=4),
        percent_complete=40.0 + n % 50,
        planned_percent=45.0 + n % 50,
        start=week - timedelta(days=120),
        finish=week + timedelta(days=90 + n),
        baseline_finish=week + timedelta(days=90),
        finish_variance_days=n % 12,
        bac=50_000_000.0,
        pv=24_000_000.0,
        ev=22_000_000.0,
        ac=23_500_000.0,
        eac=53_000_000.0,
        vac=-3_000_000.0,
        spi=0.92,
        cpi=0.94,
        budget=50_000_000.0,
        milestones_next=[
            MilestoneFact(
                1,
                "2.3",
                "結合テスト完了",
                week + timedelta(days=7),
                week + timedelta(days=7 + n % 5),
                None,
                n % 5,
                "upcoming",
            )
        ],
        risks=[
            RiskFact(
                i,
                f"R-{i:03d}",
                f"ベンダー納期遅延のリスク {i}",
                "high" if i < 2 else "medium",
                16.0 - i,
                "佐藤",
                week + timedelta(days=10),
                "",
            )
            for i in range(8)
        ],
        open_risks=8,
        high_risks=2,
        issues=[
            IssueFact(i, f"I-{i:03d}", f"テスト環境の不足 {i}", "major", "high", "open", "鈴木", week, "")
            for i in range(6)
        ],
        open_issues=6,
        overdue_actions=[
            ActionFact(i, f"A-{i:03d}", f"顧客への確認 {i}", "田中", week - timedelta(days=3), 3)
            for i in range(4)
        ],
        findings=[FindingFact("hygiene.baseline", "high", "ベースラインが古い", None)],
        overallocations=[
            OverallocationFact("高橋 次郎", week, week + timedelta(days=4), 130.0, ["2.1 詳細設計"])
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeded.add_arguments(parser, projects=50, people=200, postgres=False)
    args = parser.parse_args()
    today = date(2026, 6, 10)
    with seeded.seeded_database(args, "exports", today=today, schedule=True):
        from kuroko.core.models import Role, User
        from kuroko.projects.models import Project
        from kuroko.reporting.models import StatusReport
        from kuroko.reporting.services.exports import portfolio_export, project_report_export
        from kuroko.reporting.weeks import week_start

        week = week_start(today)
        t0 = time.perf_counter()
        projects = list(Project.objects.select_related("program", "manager").order_by("code"))
        for n, project in enumerate(projects):
            StatusReport.objects.create(
                project=project,
                week=week,
                status="submitted",
                facts=_facts(project, week, n).to_dict(),
                rag_overall=("green", "amber", "red")[n % 3],
                rag_schedule=("amber", "red", "green")[n % 3],
                summary="結合テストの進捗が計画より遅れていますが、要員追加で回復の見込みです。",
            )
        print(f"status reports of {len(projects)} projects written in {time.perf_counter() - t0:.1f} s")
        admin = User.objects.create_superuser("bench", "bench@example.com", "x", role=Role.PMO_ADMIN)

        def timed(label: str, target: float, run) -> None:  # type: ignore[no-untyped-def]
            times, size = [], 0
            for _ in range(REPEAT):
                t = time.perf_counter()
                size = run().size
                times.append(time.perf_counter() - t)
            median = statistics.median(times)
            print(
                f"{label}: median {median:.2f} s of {REPEAT} ({size:,} bytes) — target < {target:.0f} s "
                f"({median / target:.0%} of it)"
            )

        project = projects[0]
        t = time.perf_counter()
        project_report_export(actor=admin, project=project, week=week, fmt="pdf", language="ja")
        print(f"first PDF (loads WeasyPrint and vl-convert): {time.perf_counter() - t:.2f} s")
        timed(
            "project PDF (ja, S-curve and Gantt)",
            3,
            lambda: project_report_export(actor=admin, project=project, week=week, fmt="pdf", language="ja"),
        )
        timed(
            f"executive pack PPTX ({len(projects)} projects)",
            20,
            lambda: portfolio_export(
                actor=admin, week=week, fmt="pptx", kind="executive_pack", language="ja"
            ),
        )
        timed(
            f"portfolio PDF ({len(projects)} projects)",
            20,
            lambda: portfolio_export(actor=admin, week=week, fmt="pdf", language="ja"),
        )


if __name__ == "__main__":
    main()
