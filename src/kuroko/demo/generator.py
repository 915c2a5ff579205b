"""Generated data: the demo organisation (`build_demo`) and synthetic organisations of any size for load
tests and benchmarks (`build_synthetic`). Both are deterministic: the same arguments give the same data.

The plans are scheduled as they are generated (see :mod:`kuroko.demo.plan`): planned dates fall on
working days (Monday–Friday without Japanese public holidays) and satisfy every dependency, progress
is consistent with the reference day, and the derived WBS fields equal what
:func:`kuroko.projects.services.renumber` computes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Self

from django.utils import timezone

from kuroko.demo import demo_build, synthetic
from kuroko.demo.store import Counts
from kuroko.projects.models import Project

__all__ = [
    "DEMO_PASSWORD",
    "DemoSummary",
    "SeedSummary",
    "build_demo",
    "build_synthetic",
    "demo_logins",
    "has_data",
]

DEMO_PASSWORD: str = "kuroko-demo"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a build created."""

    programs: int
    projects: int
    tasks: int
    dependencies: int
    people: int
    teams: int
    users: int
    time_entries: int = 0

    def __str__(self) -> str:
        parts = [
            f"{self.programs:,} programs",
            f"{self.projects:,} projects",
            f"{self.tasks:,} tasks",
            f"{self.dependencies:,} dependencies",
            f"{self.people:,} people in {self.teams:,} teams",
        ]
        if self.users:
            parts.append(f"{self.users:,} demo logins")
        if self.time_entries:
            parts.append(f"{self.time_entries:,} time entries")
        return ", ".join(parts)

    @classmethod
    def _of(cls, counts: Counts, time_entries: int = 0) -> Self:
        return cls(
            counts.programs,
            counts.projects,
            counts.tasks,
            counts.dependencies,
            counts.people,
            counts.teams,
            counts.users,
            time_entries,
        )


@dataclass(frozen=True, slots=True)
class SeedSummary(DemoSummary):
    """What a synthetic build created."""


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of each demo account, the role in the active language. All use DEMO_PASSWORD."""
    return [(username, str(role.label)) for username, role, _key in demo_build.LOGINS]


def has_data() -> bool:
    """Whether the database holds any project (demo, synthetic or real)."""
    return Project.objects.exists()


def build_demo(*, seed: int = 2026, today: date | None = None) -> DemoSummary:
    """Create the demo organisation: Kuroko Systems (黒子システムズ), a Japanese SI company.

    3 programs and 12 projects in every status (system-integration projects in Japanese or English with
    phases 要件定義 → リリース, a maintenance project, an agile project), 50–300 tasks each with
    dependencies (FS, some SS/FF with lags, a few between projects of a program), about 60 people in a
    division → department → team hierarchy, project members and sponsors, RAG status with reasons, a
    skills catalogue with people's levels and certifications, placeholders on upcoming tasks of three
    projects (for the staffing page), rates, budgets and expenses, baselines, timesheets and attendance
    up to `today` (:mod:`kuroko.demo.tracking`), and one login per role (see `demo_logins`). Dates are
    relative to `today` (default: the current date), so the demo always looks current; the same `seed`
    and `today` give exactly the same data.

    Everything is written in one transaction. Raises ValueError if the demo is already in the database.
    """
    day = today or timezone.localdate()
    counts = demo_build.build(seed=seed, today=day, password=DEMO_PASSWORD)
    # Store the engine's schedule (early/late dates, float, critical path) as every change would.
    # Owners work on their tasks full time: the assignments the resource views show.
    from kuroko.projects.models import Assignment, Project, Task
    from kuroko.projects.services.schedule import project_reschedule

    Assignment.objects.bulk_create(
        Assignment(task_id=pk, person_id=owner, units=100, work_minutes=minutes)
        for pk, owner, minutes in Task.objects.filter(kind="task", owner__isnull=False).values_list(
            "pk", "owner_id", "duration_minutes"
        )
    )
    # Skills, and placeholders on upcoming tasks of a few projects for the staffing page.
    from kuroko.demo import staffing

    staffing.build(seed=seed, today=day)
    # The plan as generated is the baselines' (read before rescheduling moves what is late).
    from kuroko.demo import tracking

    planned = tracking.planned_dates()
    refresh_statistics()
    # Progress is reported up to today: unfinished work is scheduled from today on.
    Project.objects.filter(status__in=["active", "on_hold"]).update(status_date=day)
    for project in Project.objects.all():
        project_reschedule(project, today=day)
    # Rates, budgets and expenses (after the schedules: budgets follow the planned labour cost).
    from kuroko.demo import costs

    costs.build(seed=seed, today=day)
    # Timesheets, attendance, contracts, overtime rules and baselines (after the rates: entries cost).
    entries = tracking.build(seed=seed, today=day, planned=planned)
    # Risk registers with a dated history (after the schedules: risks point at open tasks).
    from kuroko.demo import raid_risks

    raid_risks.build(seed=seed, today=day)
    # Issues, action items, decisions, change requests, escalation rules and a few notifications.
    from kuroko.demo import raid_registers

    raid_registers.build(seed=seed, today=day)
    refresh_statistics()
    # Schedule risk: estimates, correlation groups and one simulation run per active project (last).
    from kuroko.demo import raid_simulation

    raid_simulation.build(seed=seed, today=day)
    # Standards and governance: project types and templates (phases and deliverables of the demo
    # projects), gate reviews, quality records, defects and lessons, then the audit of everything (last).
    from kuroko.demo import governance_audits, governance_gates, governance_quality, governance_templates

    governance_templates.build(seed=seed, today=day)
    governance_gates.build(seed=seed, today=day)
    governance_quality.build(seed=seed, today=day)
    governance_audits.build(seed=seed, today=day)
    # Reports, meetings and notifications: weekly status reports of the past weeks, report schedules and
    # the archive, meeting series with held meetings and minutes, notification preferences.
    from kuroko.demo import reporting_exports, reporting_meetings, reporting_notifications, reporting_status

    reporting_status.build(seed=seed, today=day)
    reporting_exports.build(seed=seed, today=day)
    reporting_meetings.build(seed=seed, today=day)
    reporting_notifications.build(seed=seed, today=day)
    return DemoSummary._of(counts, entries)


def refresh_statistics() -> None:
    """Let PostgreSQL's planner see the rows just loaded in bulk (ANALYZE; it counts the rows of the
    transaction it runs in). With statistics of near-empty tables it plans nested loops of sequential
    scans, and a query joining dependencies to tasks took minutes instead of milliseconds."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build_synthetic(
    *,
    projects: int,
    tasks_per_project: int,
    people: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    timesheet_days: int = 0,
    timesheet_progress: Callable[[str], None] | None = None,
) -> SeedSummary:
    """Create a synthetic organisation for load tests and benchmarks.

    `people` persons in teams of about 20 (under departments of ten teams, under one root team),
    `projects` projects in programs of about 20, each with exactly `tasks_per_project` tasks in a
    three-level WBS (phases closed by milestones, work packages of chained tasks) with
    finish-to-start dependencies, 5–15 members, and random status, priority, budget, dates and RAG.
    `progress(done_projects)` is called after each batch of projects.

    Codes carry the seed (root team ``S{seed}``, departments ``S{seed}-D001``, teams ``S{seed}-T0001``,
    programs ``S{seed}-G001``, projects ``S{seed}-P00001``) and e-mail addresses are in the domain
    ``s{seed}.synthetic.example``, so it can be added to a database that already holds the demo, other
    data or synthetic data of another seed. If codes with its prefix exist already (the same seed
    built twice), it raises ValueError before writing anything.

    The same arguments (and `today`, default the current date, which dates are relative to) give the
    same data. People and programs are written in one transaction, then each batch of ten projects in
    its own; if a batch fails, the batches before it stay. Every row gets its "created" history record,
    as rows created through the services do.

    With `timesheet_days` > 0, also rates, assignments, baselines and that many days (back from
    `today`) of daily time entries with weekly timesheets (:func:`kuroko.demo.tracking.seed_timesheets`;
    about a million entries for 500 projects × 200 tasks, 1,000 people and 365 days);
    `timesheet_progress(step)` says which step it is on.
    """
    day = today or timezone.localdate()
    counts = synthetic.build(
        projects=projects,
        tasks_per_project=tasks_per_project,
        people=people,
        seed=seed,
        today=day,
        progress=progress,
    )
    entries = 0
    if timesheet_days > 0:
        from kuroko.demo import tracking

        entries = tracking.seed_timesheets(
            seed=seed, days=timesheet_days, today=day, progress=timesheet_progress
        )
    refresh_statistics()
    return SeedSummary._of(counts, entries)
