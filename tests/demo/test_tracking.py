"""Man-hours and attendance of the demo and of synthetic organisations (kuroko.demo.tracking).

Tests on an empty database come first; the demo tests after them read one shared build (the module
fixture `demo`, rolled back at the end of the module).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kuroko.demo.generator import DemoSummary, build_demo, build_synthetic
from kuroko.demo.tracking import EFFORT_PROJECT, RULE_SET, ZERO_HUNDRED_PROJECT
from kuroko.people.models import EmploymentType, Person
from kuroko.people.selectors import rate_in, rate_timelines
from kuroko.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    EvMethodChoice,
    ProgressMethod,
    Project,
    Status,
    Task,
)
from kuroko.tracking.models import (
    ApprovalStatus,
    AttendanceDay,
    Contract,
    IndirectCategory,
    LeaveType,
    OvertimeRuleSet,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)

TODAY = date(2026, 11, 25)  # a Wednesday
THIS_WEEK = date(2026, 11, 23)
LAST_WEEK = date(2026, 11, 16)


def logged_by_day() -> dict[tuple[int, date], int]:
    """Minutes logged per (person, day), leave left out."""
    out: dict[tuple[int, date], int] = defaultdict(int)
    for person, day, minutes in TimeEntry.objects.exclude(category=IndirectCategory.LEAVE).values_list(
        "person_id", "date", "minutes"
    ):
        out[(person, day)] += minutes
    return out


def assert_actual_work_is_the_sum_of_entries() -> None:
    """Every task's and assignment's actual work equals the minutes of its entries."""
    by_task: dict[int, int] = defaultdict(int)
    by_pair: dict[tuple[int, int], int] = defaultdict(int)
    for task, person, minutes in TimeEntry.objects.filter(task__isnull=False).values_list(
        "task_id", "person_id", "minutes"
    ):
        by_task[task] += minutes
        by_pair[(task, person)] += minutes
    for pk, actual in Task.objects.values_list("pk", "actual_work_minutes"):
        assert actual == by_task.get(pk, 0), pk
    for task, person, actual in Assignment.objects.filter(person__isnull=False).values_list(
        "task_id", "person_id", "actual_work_minutes"
    ):
        assert actual == by_pair.get((task, person), 0), (task, person)


def assert_entries_on_assigned_running_tasks() -> None:
    """Task entries are on tasks the person is assigned to, within the task's dates, of its project."""
    assigned = set(Assignment.objects.filter(person__isnull=False).values_list("task_id", "person_id"))
    for person, day, task, project, task_project, start, finish in TimeEntry.objects.filter(
        task__isnull=False
    ).values_list(
        "person_id",
        "date",
        "task_id",
        "project_id",
        "task__project_id",
        "task__planned_start",
        "task__planned_finish",
    ):
        assert (task, person) in assigned
        assert project == task_project
        assert start <= day <= finish, (task, day)


def assert_costs_at_rates() -> None:
    """Each entry costs its hours at the person's rate in force on its day."""
    people = list(Person.objects.filter(time_entries__isnull=False).distinct())
    timelines = rate_timelines(people)
    for person, day, minutes, cost in TimeEntry.objects.values_list("person_id", "date", "minutes", "cost"):
        rate = rate_in(timelines[person], day)
        assert rate is not None
        assert cost == (Decimal(rate.cost) * minutes / 60).quantize(Decimal("0.01")), (person, day)


# --- synthetic organisations ---------------------------------------------------------------------


@pytest.mark.django_db
def test_synthetic_timesheets_cover_every_day_and_sum_up() -> None:
    """--timesheet-days gives every active person entries on each working day (tasks they are assigned
    to while they run, and an indirect entry), costed, summed into actual work, with weekly sheets."""
    summary = build_synthetic(
        projects=4, tasks_per_project=40, people=30, seed=9, today=TODAY, timesheet_days=30
    )
    assert summary.time_entries == TimeEntry.objects.count() > 500
    assert "time entries" in str(summary)
    active = set(Person.objects.filter(is_active=True).values_list("pk", flat=True))
    days = {day for day in (TODAY - timedelta(days=n) for n in range(30)) if day.weekday() < 5}
    days.discard(date(2026, 11, 3))  # 文化の日
    days.discard(date(2026, 11, 23))  # 勤労感謝の日
    indirect = set(TimeEntry.objects.filter(project__isnull=True).values_list("person_id", "date"))
    assert indirect == {(p, d) for p in active for d in days}
    assert TimeEntry.objects.filter(task__isnull=False).count() > 100
    assert_entries_on_assigned_running_tasks()
    assert_costs_at_rates()
    assert_actual_work_is_the_sum_of_entries()
    assert Baseline.objects.count() == 4
    weeks = Timesheet.objects.filter(person__in=active)
    assert set(weeks.filter(week_start=THIS_WEEK).values_list("status", flat=True)) == {TimesheetStatus.OPEN}
    assert set(weeks.filter(week_start=LAST_WEEK).values_list("status", flat=True)) <= {
        TimesheetStatus.SUBMITTED,
        TimesheetStatus.APPROVED,
    }
    assert not weeks.filter(week_start__lt=LAST_WEEK).exclude(status=TimesheetStatus.APPROVED).exists()
    assert TimesheetApproval.objects.filter(status=ApprovalStatus.PENDING).exists()


@pytest.mark.django_db
def test_synthetic_timesheets_are_deterministic_and_refused_twice() -> None:
    """The same arguments give the same entries; adding timesheets to a seed that has them is refused."""
    from kuroko.demo.tracking import seed_timesheets

    def build() -> list[tuple[Any, ...]]:
        with transaction.atomic():
            build_synthetic(
                projects=2, tasks_per_project=20, people=10, seed=4, today=TODAY, timesheet_days=10
            )
            rows = sorted(
                TimeEntry.objects.values_list(
                    "person__email", "date", "task__wbs_code", "category", "minutes", "cost"
                ),
                key=str,
            )
            transaction.set_rollback(True)
        return rows

    assert build() == build()
    build_synthetic(projects=1, tasks_per_project=10, people=5, seed=5, today=TODAY, timesheet_days=5)
    with pytest.raises(ValueError, match="time entries already"):
        seed_timesheets(seed=5, days=5, today=TODAY)
    with pytest.raises(ValueError, match="seed 6"):
        seed_timesheets(seed=6, days=5, today=TODAY)


def test_seed_command_adds_timesheet_days(tmp_path: Path) -> None:
    """`kuroko seed --timesheet-days N` writes entries and says how many; a negative N is a usage error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    env.update(KUROKO_DATA_DIR=str(tmp_path), KUROKO_DEBUG="1", COLUMNS="200")
    kuroko = str(Path(sys.executable).with_name("kuroko"))
    args = [kuroko, "seed", "--projects", "2", "--tasks-per-project", "15", "--people", "8"]
    result = subprocess.run(
        [*args, "--timesheet-days", "14"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "kuroko.sqlite3") as db:
        entries = db.execute("select count(*) from tracking_timeentry").fetchone()[0]
    assert entries > 0 and f"{entries:,} time entries" in result.stdout
    wrong = subprocess.run(
        [*args, "--timesheet-days", "-1"], env=env, capture_output=True, text=True, timeout=300
    )
    assert wrong.returncode == 2 and "--timesheet-days" in wrong.stderr


# --- the demo (one shared build) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo built once for the tests below, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = build_demo(seed=2026, today=TODAY)
        yield summary
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_people_log_every_working_day(demo: DemoSummary) -> None:
    """Everyone active with a login or assignments has entries on each working day up to today."""
    loggers = set(
        Person.objects.filter(is_active=True, user__isnull=False).values_list("pk", flat=True)
    ) | set(Person.objects.filter(is_active=True, assignments__isnull=False).values_list("pk", flat=True))
    assert demo.time_entries == TimeEntry.objects.count() > 5000
    assert set(TimeEntry.objects.values_list("person_id", flat=True)) == loggers
    days = sorted(set(TimeEntry.objects.values_list("date", flat=True)))
    assert days[-1] == TODAY and days[0] <= TODAY - timedelta(weeks=13)
    assert all(day.weekday() < 5 for day in days)
    assert date(2026, 11, 3) not in days  # 文化の日
    logged = logged_by_day()
    leave = set(TimeEntry.objects.filter(category=IndirectCategory.LEAVE).values_list("person_id", "date"))
    for person in loggers:
        for day in days:
            assert (person, day) in logged or (person, day) in leave, (person, day)
    assert max(logged.values()) <= 12 * 60
    assert TimeEntry.objects.filter(task__isnull=False).count() > 1000
    assert TimeEntry.objects.exclude(comment="").filter(task__isnull=False).exists()
    for category in IndirectCategory.values:
        assert TimeEntry.objects.filter(category=category).exists(), category


@pytest.mark.django_db
def test_demo_entries_are_costed_and_summed_into_actual_work(demo: DemoSummary) -> None:
    """Entries are on assigned tasks while they run; costs follow the rates; actual work is their sum."""
    assert_entries_on_assigned_running_tasks()
    assert_costs_at_rates()
    assert_actual_work_is_the_sum_of_entries()
    assert Task.objects.filter(actual_work_minutes__gt=0).count() > 100


@pytest.mark.django_db
def test_demo_weeks_are_approved_submitted_rejected_and_open(demo: DemoSummary) -> None:
    """Weeks before last approved; last week submitted with one project approved and one waiting; the
    member's last week rejected with a reason; this week open; the month before last closed."""
    sheets = Timesheet.objects.all()
    assert not sheets.filter(week_start__lt=LAST_WEEK).exclude(status=TimesheetStatus.APPROVED).exists()
    assert set(sheets.filter(week_start=THIS_WEEK).values_list("status", flat=True)) == {TimesheetStatus.OPEN}
    assert not TimesheetApproval.objects.filter(timesheet__week_start=THIS_WEEK).exists()
    last = TimesheetApproval.objects.filter(timesheet__week_start=LAST_WEEK)
    assert last.filter(status=ApprovalStatus.APPROVED, decided_by__isnull=False).exists()
    assert last.filter(status=ApprovalStatus.PENDING, decided_at__isnull=True).exists()
    assert sheets.filter(week_start=LAST_WEEK, status=TimesheetStatus.SUBMITTED).exists()
    rejected = TimesheetApproval.objects.get(status=ApprovalStatus.REJECTED)
    assert rejected.reason and rejected.timesheet.person.user.username == "member"
    assert rejected.timesheet.status == TimesheetStatus.OPEN
    # Every week with project hours has one approval per project logged.
    logged = defaultdict(set)
    for person, day, project in TimeEntry.objects.filter(project__isnull=False).values_list(
        "person_id", "date", "project_id"
    ):
        logged[(person, day - timedelta(days=day.weekday()))].add(project)
    for sheet in sheets.filter(week_start__lt=THIS_WEEK).prefetch_related("approvals"):
        assert {a.project_id for a in sheet.approvals.all()} == logged.get(
            (sheet.person_id, sheet.week_start), set()
        )
    closed = set(PeriodClose.objects.values_list("month", flat=True))
    assert date(2026, 9, 1) in closed and date(2026, 10, 1) not in closed and date(2026, 11, 1) not in closed


@pytest.mark.django_db
def test_demo_attendance_agrees_with_the_hours_but_for_a_few_days(demo: DemoSummary) -> None:
    """Attendance (clock-in about 9:00, an hour's break) matches the logged hours within the tolerance,
    except a handful of recent days; leave days are leave in both."""
    logged = logged_by_day()
    gaps = []
    for person, day, clock_in, breaks, worked, leave in AttendanceDay.objects.values_list(
        "person_id", "date", "clock_in", "break_minutes", "worked_minutes", "leave"
    ):
        if leave == LeaveType.PAID:
            assert worked == 0 and clock_in is None
            assert TimeEntry.objects.filter(
                person_id=person, date=day, category=IndirectCategory.LEAVE
            ).exists()
            continue
        assert clock_in is not None and 8 <= clock_in.hour <= 13
        assert breaks == (0 if leave else 60)
        if abs(worked - logged.get((person, day), 0)) > 30:
            gaps.append((person, day))
    assert 3 <= len(gaps) <= 10
    assert all(TODAY - timedelta(days=28) <= day < TODAY for _p, day in gaps)
    member = Person.objects.get(user__username="member")
    assert any(person == member.pk for person, _d in gaps)
    assert AttendanceDay.objects.filter(leave=LeaveType.HALF_AM).exists()


@pytest.mark.django_db
def test_demo_overtime_approaches_the_36_agreement(demo: DemoSummary) -> None:
    """The default rule set is the 36 agreement; the member login's overtime last month is past the
    80 % warning of 45 h and under it; another employee is over 45 h."""
    rules = OvertimeRuleSet.objects.get(is_default=True)
    assert rules.name == RULE_SET
    assert (rules.monthly_limit_hours, rules.yearly_limit_hours) == (45, 360)
    assert (rules.special_yearly_hours, rules.special_monthly_hours, rules.special_average_hours) == (
        720,
        100,
        80,
    )
    assert (rules.special_months_over, rules.warn_percent) == (6, 80)
    overtime: dict[int, int] = defaultdict(int)
    for person, worked in AttendanceDay.objects.filter(date__month=10, date__year=2026).values_list(
        "person_id", "worked_minutes"
    ):
        overtime[person] += max(worked - 480, 0)
    member = Person.objects.get(user__username="member")
    assert 36 * 60 <= overtime[member.pk] < 45 * 60
    over = [p for p, minutes in overtime.items() if minutes >= 45 * 60]
    assert len(over) == 1 and over[0] != member.pk
    assert sum(1 for minutes in overtime.values() if minutes >= 36 * 60) == 2


@pytest.mark.django_db
def test_demo_contracts_methods_and_baselines(demo: DemoSummary) -> None:
    """Contractors have settlement-range contracts; one project runs effort-based progress, one earns
    0/100; projects under way have a baseline with planned work and cost."""
    contractors = Person.objects.filter(employment_type=EmploymentType.CONTRACTOR, is_active=True)
    contracts = Contract.objects.all()
    assert {c.person_id for c in contracts} == set(contractors.values_list("pk", flat=True))
    for contract in contracts:
        assert 140 <= contract.lower_hours < contract.upper_hours <= 200
        assert contract.monthly_fee > 0 and contract.deduction_rate > contract.excess_rate > 0
    effort = Project.objects.get(code=EFFORT_PROJECT)
    assert effort.progress_method == ProgressMethod.EFFORT
    assert Project.objects.get(code=ZERO_HUNDRED_PROJECT).ev_method == EvMethodChoice.ZERO_HUNDRED
    for task in Task.objects.filter(
        project=effort, kind="task", percent_complete__gt=0, percent_complete__lt=100
    ):
        work = task.assignments.aggregate(work=Sum("work_minutes"))["work"] or task.duration_minutes
        if task.actual_work_minutes:
            assert task.percent_complete == min(99, max(1, round(100 * task.actual_work_minutes / work)))
    under_way = Project.objects.filter(status__in=[Status.ACTIVE, Status.ON_HOLD])
    assert set(Baseline.objects.values_list("project_id", flat=True)) == set(
        under_way.values_list("pk", flat=True)
    )
    for baseline in Baseline.objects.all():
        rows = BaselineTask.objects.filter(baseline=baseline)
        assert rows.count() == baseline.project.tasks.count()
        planned = Assignment.objects.filter(task__project=baseline.project).aggregate(w=Sum("work_minutes"))[
            "w"
        ]
        assert rows.filter(task__parent__isnull=True).aggregate(w=Sum("work_minutes"))["w"] == planned
        assert rows.filter(task__kind="task", cost__gt=0).exists()
    # The baseline keeps the plan as generated: in a project running late, unfinished tasks now finish
    # later than it says.
    late = BaselineTask.objects.filter(baseline__project__code="CBR-01", task__kind="task").select_related(
        "task"
    )
    assert any(
        row.finish is not None and timezone.localtime(row.finish).date() < row.task.planned_finish
        for row in late
        if row.task.planned_finish is not None
    )
