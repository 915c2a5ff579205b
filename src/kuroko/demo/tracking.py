"""Man-hours and attendance for generated data.

The demo (`build`): timesheets of every active person with a login or assignments, from the start of
the active projects (at least 13 weeks, at most a year back) to the demo day — daily hours on the tasks
they are assigned to while those tasks run, meetings, training, leave, a comment on some entries;
weeks approved by each project's manager up to the week before last, last week submitted (one project
approved, one waiting), one week rejected with a reason, the current week open, months up to the one
before last closed. Attendance agrees with the hours (clock-in about 9:00, an hour's break) except on a
handful of days (勤怠乖離), and two people work overtime close to the 36-agreement limits. Also the
default overtime rule set 36協定, contractors' contracts (精算幅), a baseline of every project active
or on hold (the plan as generated, before today's rescheduling), one project with effort-based
progress and one earning value 0/100. Deterministic: its own random stream from the seed.

Synthetic organisations (`seed_timesheets`, `kuroko seed --timesheet-days N`): rate grades, owners and
team-mates assigned to the work, baselines, N days of daily entries for every person with weekly
timesheets and approvals — about a million entries for 500 projects × 200 tasks, 1,000 people and a
year.

Costs are the hours times the person's cost rate in force on the day; tasks' and assignments' actual
work are the sums of their entries. Rows are written directly in bulk (not through the services, whose
per-row checks would make this minutes instead of seconds).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from kuroko.core.models import User
from kuroko.demo import project_specs
from kuroko.demo.costs import GRADES
from kuroko.demo.store import BATCH_SIZE, bulk_insert
from kuroko.demo.workdays import WorkCalendar
from kuroko.people.models import EmploymentType, Person, RateCard, RateRole
from kuroko.people.selectors import Rate, rate_in, rate_timelines
from kuroko.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    EvMethodChoice,
    ProgressMethod,
    Project,
    ProjectMember,
    ProjectRole,
    Status,
    Task,
)
from kuroko.tracking.models import (
    ApprovalStatus,
    AttendanceDay,
    AttendanceSource,
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

DAY = 480  # minutes of a working day (the organisation's 8 hours)
STEP = 15  # entries are logged in quarter hours
CENT = Decimal("0.01")
EFFORT_PROJECT = "DX-02"  # maintenance: progress from the hours logged
ZERO_HUNDRED_PROJECT = "ECP-03"  # agile: a story earns its value when done
RULE_SET = "36協定"
BASELINE_NAME = "計画承認時"
# (vendor, settlement range from, to): a range that a month of leave falls under, one that full months
# exceed, and the usual 140–180 h.
CONTRACTS = [
    ("株式会社アオバテック", 140, 180),
    ("合同会社ミナトソリューションズ", 150, 170),
    ("株式会社ホクトシステム", 160, 200),
    ("個人事業主 (フリーランス)", 140, 180),
]
TASK_COMMENTS = {
    "ja": [
        "レビュー指摘対応",
        "顧客と仕様確認",
        "単体テスト実施",
        "設計書修正",
        "不具合調査",
        "手順書作成",
        "性能測定",
    ],
    "en": [
        "Fixed review comments",
        "Clarified the spec with the client",
        "Unit tests",
        "Updated the design document",
        "Investigated a defect",
        "Paired on the API",
    ],
}
OTHER_WORK = ["社内問い合わせ対応", "提案書作成支援", "社内ツール保守", "ナレッジ整理", "採用面接"]
TRAINING = ["社内研修: セキュリティ", "社内研修: 品質管理", "AWS training", "新人OJT"]
REJECTION = "{day:%m/%d} の作業時間が作業報告と合いません。内訳を確認して再提出してください。"


# --- the demo --------------------------------------------------------------------------------------


def planned_dates() -> dict[int, tuple[date, date]]:
    """Every task's planned dates as generated, read before the schedule moves unfinished work from the
    status date on: the plan the demo's baselines keep."""
    return {
        pk: (start, finish)
        for pk, start, finish in Task.objects.values_list("pk", "planned_start", "planned_finish")
        if start is not None and finish is not None
    }


def build(*, seed: int, today: date, planned: dict[int, tuple[date, date]]) -> int:
    """Write the demo's man-hours, attendance, rules and contracts (see the module); runs after the
    schedules and rates exist. `planned` is `planned_dates()` read before rescheduling. Returns how many
    time entries were written."""
    rng = random.Random(f"{seed}:tracking")
    admin = User.objects.filter(username="admin").first()
    OvertimeRuleSet.objects.create(
        name=RULE_SET,
        is_default=True,
        monthly_limit_hours=Decimal(45),
        yearly_limit_hours=Decimal(360),
        special_clause=True,
        special_yearly_hours=Decimal(720),
        special_monthly_hours=Decimal(100),
        special_average_hours=Decimal(80),
        special_months_over=6,
        warn_percent=80,
    )
    Project.objects.filter(code=EFFORT_PROJECT).update(progress_method=ProgressMethod.EFFORT)
    Project.objects.filter(code=ZERO_HUNDRED_PROJECT).update(ev_method=EvMethodChoice.ZERO_HUNDRED)
    # Baselines of the projects under way (closed ones ran mostly before the hours start).
    projects = list(Project.objects.filter(status__in=[Status.ACTIVE, Status.ON_HOLD]).order_by("code"))
    people = list(Person.objects.filter(is_active=True).select_related("user").order_by("pk"))
    rates = rate_timelines(people)
    _baselines(projects, planned, rates, captured_by=None)
    first = _window_start(today)
    calendar = WorkCalendar(first, country="JP")
    workdays = [calendar.day(i) for i in range(calendar.index(today + timedelta(days=1)))]
    _contracts(people, rates, first)

    running = _running(first, _stops(today), today, {p.pk for p in people})
    assigned = set(Assignment.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    loggers = [p for p in people if p.user_id is not None or p.pk in assigned]
    overtime = _overtime_people(loggers, running, today)
    languages = _languages()
    entries: list[TimeEntry] = []
    attendance: list[AttendanceDay] = []
    for person in loggers:
        days = running.get(person.pk, {})
        timeline = rates.get(person.pk, [])
        for day in workdays:
            extra = overtime.get(person.pk, 0) if day > today - timedelta(days=91) else None
            rows, leave = _day(rng, day, days.get(day, []), extra, languages, person.pk in assigned)
            rate = rate_in(timeline, day) if timeline else None
            for task, project, category, minutes, comment in rows:
                entries.append(
                    TimeEntry(
                        person_id=person.pk,
                        date=day,
                        project_id=project,
                        task_id=task,
                        category=category,
                        minutes=minutes,
                        comment=comment,
                        cost=_cost(minutes, rate),
                    )
                )
            worked = sum(m for _t, _p, category, m, _c in rows if category != IndirectCategory.LEAVE)
            attendance.append(_attendance(rng, person, day, worked, leave))
    _discrepancies(rng, attendance, today)
    TimeEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    # Attendance comes from the attendance system in bulk: no "created" history records (they would
    # double the demo's build time); edits made in Kuroko are recorded.
    bulk_insert(attendance, AttendanceDay, history=False)
    _actual_work(Q())
    _effort_progress(today)

    weeks: dict[tuple[int, date], set[int]] = defaultdict(set)
    for entry in entries:
        projects_of_week = weeks[(entry.person_id, _monday(entry.date))]
        if entry.project_id is not None:
            projects_of_week.add(entry.project_id)
    deciders = {
        p.pk: p.manager.user_id if p.manager is not None else None
        for p in Project.objects.select_related("manager")
    }
    member = next((p for p in loggers if p.user is not None and p.user.username == "member"), None)
    rejected = None
    last = _monday(today) - timedelta(days=7)
    if member is not None and weeks.get((member.pk, last)):
        reason = REJECTION.format(day=last + timedelta(days=2))
        rejected = (member.pk, last, min(weeks[(member.pk, last)]), reason)
    _timesheets(weeks, today=today, deciders=deciders, rejected=rejected, history=True)
    months = sorted({day.replace(day=1) for day in workdays})
    before_last = _month_before_last(today)
    bulk_insert(
        [PeriodClose(month=month, closed_by=admin) for month in months if month <= before_last],
        PeriodClose,
        history=True,
    )
    return len(entries)


def _window_start(today: date) -> date:
    """The Monday the demo's hours start: the start of the earliest active project, at least 13 weeks
    and at most a year back."""
    earliest = Project.objects.filter(status__in=[Status.ACTIVE, Status.ON_HOLD]).aggregate(
        first=Min("planned_start")
    )["first"]
    first = min(earliest or today, today - timedelta(weeks=13))
    first = max(first, today - timedelta(weeks=52))
    return _monday(first)


def _stops(today: date) -> dict[int, date]:
    """The day each project on hold or cancelled stopped (its spec's `stopped`, in working days)."""
    calendar = WorkCalendar(today - timedelta(days=4 * 366), country="JP")
    now = calendar.index(today)
    days = {
        spec.code: calendar.day(now + spec.stopped)
        for spec in project_specs.PROJECTS
        if spec.stopped is not None
    }
    return {pk: days[code] for pk, code in Project.objects.filter(code__in=days).values_list("pk", "code")}


def _running(
    first: date, stops: dict[int, date], today: date, people: set[int]
) -> dict[int, dict[date, list[tuple[int, int, int]]]]:
    """(task, project, units) of each person's assigned tasks that ran on each day of the window: tasks
    with progress, between their (scheduled) start and finish, and not after their project stopped."""
    out: dict[int, dict[date, list[tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Assignment.objects.filter(
            person__in=people,
            task__percent_complete__gt=0,
            task__planned_start__lte=today,
            task__planned_finish__gte=first,
        )
        .order_by("pk")
        .values_list(
            "person_id", "task_id", "task__project_id", "units", "task__planned_start", "task__planned_finish"
        )
    )
    for person, task, project, units, start, finish in rows:
        if start is None or finish is None:
            continue
        day = max(start, first)
        while day <= min(finish, stops.get(project, today)):
            if day.weekday() < 5:
                out[person][day].append((task, project, units))
            day += timedelta(days=1)
    return out


def _overtime_people(
    loggers: list[Person], running: dict[int, dict[date, list[tuple[int, int, int]]]], today: date
) -> dict[int, int]:
    """Two employees working overtime in the last three months, in minutes a day: the member login (about
    37 h a month, past the 80 % warning of 45 h) and the busiest other employee (about 47 h, over 45 h)."""
    since = today - timedelta(days=91)
    employees = [p for p in loggers if p.employment_type == EmploymentType.EMPLOYEE]
    chosen: dict[int, int] = {}
    member = next((p for p in employees if p.user is not None and p.user.username == "member"), None)
    if member is not None:
        chosen[member.pk] = 112
    busy = sorted(
        (p for p in employees if p.user_id is None and p.pk not in chosen),
        key=lambda p: (-sum(1 for day in running.get(p.pk, {}) if day > since), p.pk),
    )
    if busy:
        chosen[busy[0].pk] = 142
    return chosen


def _languages() -> dict[int, str]:
    """Each project's language, from its name: comments follow it."""
    return {pk: "en" if name.isascii() else "ja" for pk, name in Project.objects.values_list("pk", "name")}


def _day(
    rng: random.Random,
    day: date,
    tasks: list[tuple[int, int, int]],
    overtime: int | None,
    languages: dict[int, str],
    on_projects: bool,
) -> tuple[list[tuple[int | None, int | None, str, int, str]], str]:
    """One person's entries of one working day, as (task, project, category, minutes, comment), and
    the leave taken ("" for none). Time not spent on tasks is other indirect work, or administration
    for people on no project (the PMO, executives)."""
    roll = rng.random()
    if roll < 0.03:
        return [(None, None, IndirectCategory.LEAVE, DAY, "年次有給休暇")], LeaveType.PAID
    leave = LeaveType.HALF_AM if roll < 0.045 else ""
    rows: list[tuple[int | None, int | None, str, int, str]] = []
    total = DAY // 2 if leave else DAY
    if leave:
        rows.append((None, None, IndirectCategory.LEAVE, DAY // 2, "午前半休"))
    if overtime is not None:
        total += _quarter(overtime * rng.uniform(0.8, 1.2))
    elif not leave:
        total += rng.choice((0, 0, 0, 0, 15, 30, 30, 45, 60))
    indirect = 0
    if day.weekday() == 0 and not leave:
        rows.append((None, None, IndirectCategory.MEETINGS, 60, "週次定例"))
        indirect += 60
    if not leave and rng.random() < 0.03:
        minutes = rng.choice((120, 180, 240))
        rows.append((None, None, IndirectCategory.TRAINING, minutes, rng.choice(TRAINING)))
        indirect += minutes
    if day.weekday() == 4 and not leave:
        rows.append((None, None, IndirectCategory.ADMINISTRATION, 30, "週報・経費精算"))
        indirect += 30
    capacity = max(total - indirect, 0)
    share = min(1.0, sum(units for _t, _p, units in tasks) / 100)
    weights = [units * rng.uniform(0.8, 1.2) for _t, _p, units in tasks]
    logged = 0
    for (task, project, _units), weight in zip(tasks, weights, strict=True):
        minutes = _quarter(capacity * share * weight / sum(weights))
        if minutes <= 0:
            continue
        comment = rng.choice(TASK_COMMENTS[languages[project]]) if rng.random() < 0.2 else ""
        rows.append((task, project, "", minutes, comment))
        logged += minutes
    rest = capacity - logged
    if rest >= STEP:
        if not on_projects:
            rows.append((None, None, IndirectCategory.ADMINISTRATION, _quarter(rest), ""))
        else:
            rows.append((None, None, IndirectCategory.OTHER, _quarter(rest), rng.choice(OTHER_WORK)))
    return _merge(rows), leave


def _merge(
    rows: list[tuple[int | None, int | None, str, int, str]],
) -> list[tuple[int | None, int | None, str, int, str]]:
    """One entry per task or category a day (the unique constraints), comments kept."""
    merged: dict[tuple[int | None, str], list[Any]] = {}
    for task, project, category, minutes, comment in rows:
        key = (task, category)
        if key in merged:
            merged[key][3] += minutes
            merged[key][4] = merged[key][4] or comment
        else:
            merged[key] = [task, project, category, minutes, comment]
    return [(t, p, c, min(m, 24 * 60), x) for t, p, c, m, x in merged.values()]


def _quarter(minutes: float) -> int:
    return round(minutes / STEP) * STEP


def _attendance(rng: random.Random, person: Person, day: date, worked: int, leave: str) -> AttendanceDay:
    """The attendance day that agrees with the hours logged: clock-in about 9:00 (13:00 after a morning
    off), an hour's break on full days, a few minutes more at work than logged."""
    source = AttendanceSource.CLOCK if person.user_id else AttendanceSource.IMPORT
    if leave == LeaveType.PAID:
        return AttendanceDay(person_id=person.pk, date=day, leave=leave, source=source)
    start = (13 * 60 if leave else 9 * 60) + rng.choice((-20, -15, -10, -5, 0, 0, 5, 10))
    breaks = 0 if leave else 60
    at_work = worked + rng.choice((0, 0, 5, 10, 15))
    return AttendanceDay(
        person_id=person.pk,
        date=day,
        clock_in=_clock(start),
        clock_out=_clock(start + breaks + at_work),
        break_minutes=breaks,
        worked_minutes=at_work,
        leave=leave,
        source=source,
    )


def _clock(minutes: int) -> time:
    minutes %= 24 * 60
    return time(minutes // 60, minutes % 60)


def _discrepancies(rng: random.Random, days: list[AttendanceDay], today: date) -> None:
    """Six days of the last four weeks whose attendance differs from the hours logged by 1.5–3 hours
    (forgotten entries, or hours logged for a day cut short), one of them the member login's."""
    recent = [
        a
        for a in days
        if a.clock_in is not None and not a.leave and today - timedelta(days=28) <= a.date < today
    ]
    if not recent:
        return
    member = {a.person_id for a in recent if a.source == AttendanceSource.CLOCK}
    chosen = rng.sample(recent, min(6, len(recent)))
    logins = [a for a in recent if a.person_id in member]
    if logins and not any(a.person_id in member for a in chosen):
        chosen[0] = rng.choice(logins)
    for number, row in enumerate(chosen):
        gap = rng.choice((90, 120, 150, 180))
        row.worked_minutes = max(row.worked_minutes + (gap if number % 2 == 0 else -gap), 60)
        assert row.clock_in is not None
        start = row.clock_in.hour * 60 + row.clock_in.minute
        row.clock_out = _clock(start + row.break_minutes + row.worked_minutes)


def _contracts(people: list[Person], rates: dict[int, list[tuple[date, Rate]]], first: date) -> None:
    """Contracts of the active contractors: the monthly fee at their rate for the middle of the range,
    deductions and excess at the fee divided by the range's bounds (上下割)."""
    rows = []
    contractors = [p for p in people if p.employment_type == EmploymentType.CONTRACTOR]
    for number, person in enumerate(contractors):
        vendor, lower, upper = CONTRACTS[number % len(CONTRACTS)]
        rate = rate_in(rates.get(person.pk, []), first)
        hourly = Decimal(rate.cost) if rate is not None else Decimal(7000)
        fee = (hourly * (lower + upper) / 2 / 10000).quantize(Decimal(1)) * 10000
        rows.append(
            Contract(
                person=person,
                vendor=vendor,
                reference=f"C-{first:%Y}-{number + 1:03d}",
                start=first.replace(day=1),
                monthly_fee=fee,
                lower_hours=Decimal(lower),
                upper_hours=Decimal(upper),
                deduction_rate=(fee / lower / 10).quantize(Decimal(1)) * 10,
                excess_rate=(fee / upper / 10).quantize(Decimal(1)) * 10,
            )
        )
    bulk_insert(rows, Contract, history=True)


def _effort_progress(today: date) -> None:
    """Effort-based progress of the demo's effort project: each started, unfinished task's % complete
    is its actual work over its planned work (at most 99 % until it is finished)."""
    from kuroko.projects.services import renumber
    from kuroko.projects.services.schedule import project_reschedule

    project = Project.objects.filter(code=EFFORT_PROJECT).first()
    if project is None:
        return
    planned = dict(
        Assignment.objects.filter(task__project=project)
        .values("task")
        .annotate(work=Sum("work_minutes"))
        .values_list("task", "work")
    )
    changed = []
    for task in Task.objects.filter(
        project=project, kind="task", percent_complete__gt=0, percent_complete__lt=100
    ).order_by("pk"):
        work = planned.get(task.pk) or task.duration_minutes
        if work and task.actual_work_minutes:
            task.percent_complete = min(99, max(1, round(100 * task.actual_work_minutes / work)))
            changed.append(task)
    Task.objects.bulk_update(changed, ["percent_complete"], batch_size=BATCH_SIZE)
    renumber(project)
    project_reschedule(project, today=today)


def _month_before_last(today: date) -> date:
    month = today.replace(day=1) - timedelta(days=1)
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


# --- shared with the synthetic organisations -------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _moment(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minutes))


def _cost(minutes: int, rate: Rate | None) -> Decimal | None:
    if rate is None:
        return None
    return (Decimal(rate.cost) * minutes / 60).quantize(CENT)


def _baselines(
    projects: Sequence[Project],
    planned: dict[int, tuple[date, date]],
    rates: dict[int, list[tuple[date, Rate]]],
    *,
    captured_by: User | None,
) -> int:
    """Baseline 0 of each project: the planned dates (09:00 to 18:00), each task's planned work (its
    assignments') and cost (that work at each person's rate on the task's start), summed up the WBS."""
    if not projects:
        return 0
    by_project = {p.pk: p for p in projects}
    tasks = list(
        Task.objects.filter(project__in=list(by_project))
        .order_by("project_id", "-outline_level", "pk")
        .values_list("pk", "project_id", "parent_id", "kind", "duration_minutes")
    )
    work: dict[int, int] = defaultdict(int)
    cost: dict[int, Decimal] = defaultdict(Decimal)
    for task, person, minutes in (
        Assignment.objects.filter(task__project__in=list(by_project))
        .order_by("pk")
        .values_list("task_id", "person_id", "work_minutes")
    ):
        work[task] += minutes
        start = planned.get(task, (None, None))[0]
        rate = rate_in(rates.get(person, []), start) if person is not None and start else None
        if rate is not None:
            cost[task] += Decimal(rate.cost) * minutes / 60
    for task, _project, parent, _kind, _d in tasks:  # deepest first: children before their parent
        if parent is not None:
            work[parent] += work.get(task, 0)
            cost[parent] += cost.get(task, Decimal(0))
    spans: dict[int, tuple[date, date]] = {}
    for task, project, _parent, _kind, _d in tasks:
        if task in planned:
            start, finish = planned[task]
            first, last = spans.get(project, (start, finish))
            spans[project] = (min(first, start), max(last, finish))
    saved = bulk_insert(
        [
            Baseline(
                project=p,
                number=0,
                name=BASELINE_NAME,
                captured_at=_moment(p.planned_start, 9 * 60) if p.planned_start else timezone.now(),
                captured_by=captured_by,
                start=_moment(spans[p.pk][0], 9 * 60) if p.pk in spans else None,
                finish=_moment(spans[p.pk][1], 18 * 60) if p.pk in spans else None,
            )
            for p in projects
        ],
        Baseline,
        history=True,
    )
    baseline_of = {b.project_id: b.pk for b in saved}
    rows = []
    for task, project, _parent, kind, duration in tasks:
        dates = planned.get(task)
        rows.append(
            BaselineTask(
                baseline_id=baseline_of[project],
                task_id=task,
                start=None
                if dates is None
                else _moment(dates[0], 18 * 60 if kind == "milestone" else 9 * 60),
                finish=None if dates is None else _moment(dates[1], 18 * 60),
                duration_minutes=duration,
                work_minutes=work.get(task, 0),
                cost=cost.get(task, Decimal(0)).quantize(CENT),
            )
        )
    BaselineTask.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _actual_work(tasks: Q) -> None:
    """Actual work of the tasks matching `tasks` that have entries, and of their assignments, = the sums of
    their entries: one UPDATE each with the sum as a correlated aggregate (a bulk_update of a million
    entries' tasks builds a CASE per row and takes minutes)."""
    logged = TimeEntry.objects.filter(task=OuterRef("pk"))
    Task.objects.filter(tasks, Exists(logged)).update(
        actual_work_minutes=Subquery(
            logged.order_by().values("task").annotate(sum=Sum("minutes")).values("sum")
        )
    )
    mine = TimeEntry.objects.filter(task=OuterRef("task"), person=OuterRef("person"))
    Assignment.objects.filter(Exists(mine), person__isnull=False).filter(
        task__in=Task.objects.filter(tasks).values("pk")
    ).update(
        actual_work_minutes=Subquery(
            mine.order_by().values("task", "person").annotate(sum=Sum("minutes")).values("sum")
        )
    )


def _timesheets(
    weeks: dict[tuple[int, date], set[int]],
    *,
    today: date,
    deciders: dict[int, int | None],
    rejected: tuple[int, date, int, str] | None,
    history: bool,
) -> tuple[int, int]:
    """The weekly timesheets of (person, Monday) → projects logged: the weeks before last approved by
    each project's manager, last week submitted (with two or more projects, the first approved and the
    rest waiting; with one, waiting), the current week open. `rejected` (person, week, project, reason)
    is a week sent back: its project's approval rejected with the reason, the week open again.
    Returns (timesheets, approvals) written."""
    current = _monday(today)
    last = current - timedelta(days=7)
    sheets: list[Timesheet] = []
    decisions: list[list[tuple[int, str, datetime | None, str]]] = []
    plan: list[tuple[int, str, datetime | None, str]]
    for (person, monday), projects in sorted(weeks.items()):
        ordered = sorted(projects)
        submitted = _moment(monday + timedelta(days=4), 18 * 60 + 30)
        if monday >= current:
            sheets.append(Timesheet(person_id=person, week_start=monday, status=TimesheetStatus.OPEN))
            decisions.append([])
            continue
        if monday < last:
            status = TimesheetStatus.APPROVED
            plan = [
                (p, ApprovalStatus.APPROVED, _moment(monday + timedelta(days=7), 10 * 60), "")
                for p in ordered
            ]
        else:
            status = TimesheetStatus.SUBMITTED
            decided = _moment(current, 10 * 60)
            plan = [
                (
                    p,
                    ApprovalStatus.APPROVED if number == 0 and len(ordered) > 1 else ApprovalStatus.PENDING,
                    decided if number == 0 and len(ordered) > 1 else None,
                    "",
                )
                for number, p in enumerate(ordered)
            ]
            if not ordered:
                status = TimesheetStatus.APPROVED  # nothing for a project manager to approve
        if rejected is not None and (person, monday) == rejected[:2]:
            status = TimesheetStatus.OPEN
            plan = [
                (p, ApprovalStatus.REJECTED, _moment(current, 10 * 60), rejected[3])
                if p == rejected[2]
                else (p, ApprovalStatus.APPROVED, _moment(current, 10 * 60), "")
                for p, _s, _d, _r in plan
            ]
        sheets.append(Timesheet(person_id=person, week_start=monday, status=status, submitted_at=submitted))
        decisions.append(plan)
    saved = bulk_insert(sheets, Timesheet, history=history)
    approvals = [
        TimesheetApproval(
            timesheet_id=sheet.pk,
            project_id=project,
            status=status,
            decided_by_id=deciders.get(project) if decided is not None else None,
            decided_at=decided,
            reason=reason,
        )
        for sheet, plan in zip(saved, decisions, strict=True)
        for project, status, decided, reason in plan
    ]
    bulk_insert(approvals, TimesheetApproval, history=history)
    return len(sheets), len(approvals)


# --- synthetic organisations -----------------------------------------------------------------------

HELPERS = 5  # team-mates assigned (at 50 %) beside the owner to each task that ran in the window
ENTRY_CHUNK = 100  # people whose entries are built and written together (bounds memory)


def seed_timesheets(
    *, seed: int, days: int, today: date, progress: Callable[[str], None] | None = None
) -> int:
    """Add to synthetic organisation `seed` (see `generator.build_synthetic`): rate grades
    (``S{seed}-PM`` …) for its employees and rates of their own for the others; each task's owner
    assigned to it and, on the tasks that ran in the last `days` days, `HELPERS` team-mates at 50 %;
    baseline 0 of every project (the plan as generated, with work and cost); for every active person,
    every working day of the last `days` days, an entry on each task they are assigned to that ran
    that day (the day's time shared by units) and one indirect entry; weekly timesheets with the
    approvals of each project (approved up to the week before last, last week waiting, this week open);
    costs at the rates and tasks' and assignments' actual work. Assignments, entries and timesheets get
    no "created" history records (volume data). Returns how many entries were written."""
    say = progress or (lambda _message: None)
    prefix = f"S{seed}-"
    rng = random.Random(f"{seed}:timesheets")
    people = list(Person.objects.filter(email__endswith=f"@s{seed}.synthetic.example").order_by("pk"))
    projects = list(Project.objects.filter(code__startswith=prefix).order_by("pk"))
    if not people or not projects:
        raise ValueError(f"No synthetic organisation of seed {seed} to add timesheets to.")
    if TimeEntry.objects.filter(project__code__startswith=prefix).exists():
        raise ValueError(f"Synthetic organisation {seed} has time entries already.")
    first = today - timedelta(days=days - 1)
    calendar = WorkCalendar(first, country="JP")
    workdays = [calendar.day(i) for i in range(calendar.index(today + timedelta(days=1)))]
    index = {day: number for number, day in enumerate(workdays)}

    say("rates")
    with transaction.atomic():
        rates = _synthetic_rates(rng, seed, people, first)
    say("assignments")
    with transaction.atomic():
        running = _synthetic_assignments(rng, prefix, first, today)
    say("baselines")
    planned = {
        pk: (start, finish)
        for pk, start, finish in Task.objects.filter(project__code__startswith=prefix).values_list(
            "pk", "planned_start", "planned_finish"
        )
        if start is not None and finish is not None
    }
    with transaction.atomic():
        _baselines(projects, planned, rates, captured_by=None)

    say("time entries")
    per_day: dict[int, list[list[tuple[int, int, int]]]] = {}
    for who, task, project, units, start, finish in running:
        slots = per_day.setdefault(who, [[] for _ in workdays])
        day = max(start, first)
        while day <= min(finish, today):
            number = index.get(day)
            if number is not None:
                slots[number].append((task, project, units))
            day += timedelta(days=1)
    active = [p for p in people if p.is_active]
    weeks: dict[tuple[int, date], set[int]] = defaultdict(set)
    written = 0
    for chunk_start in range(0, len(active), ENTRY_CHUNK):
        rows: list[tuple[Any, ...]] = []
        for person in active[chunk_start : chunk_start + ENTRY_CHUNK]:
            slots = per_day.get(person.pk) or [[] for _ in workdays]
            daily = _daily_rates(rates.get(person.pk, []), workdays)
            for number, day in enumerate(workdays):
                week = weeks[(person.pk, _monday(day))]
                for task_id, project_id, category, minutes in _synthetic_day(rng, day, slots[number]):
                    rows.append(
                        (
                            person.pk,
                            day,
                            project_id,
                            task_id,
                            category,
                            minutes,
                            _cost(minutes, daily[number]),
                        )
                    )
                    if project_id is not None:
                        week.add(project_id)
        with transaction.atomic():
            _insert_entries(rows)
        written += len(rows)
        say(f"time entries {written:,}")
    say("actual work")
    with transaction.atomic():
        _actual_work(Q(project__code__startswith=prefix))
    say("timesheets")
    deciders: dict[int, int | None] = {p.pk: None for p in projects}
    with transaction.atomic():
        _timesheets(weeks, today=today, deciders=deciders, rejected=None, history=False)
    return written


def _insert_entries(rows: list[tuple[Any, ...]]) -> None:
    """Insert (person, date, project, task, category, minutes, cost) rows as time entries with one
    parameterised INSERT per batch: a million entries through bulk_create spend minutes building model
    instances and SQL, this path seconds. Values are adapted as Django adapts them."""
    ops = connection.ops
    meta = TimeEntry._meta
    names = ["person", "date", "project", "task", "category", "minutes", "cost", "comment", "updated_at"]
    fields = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(fields[name]) for name in names)
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    now = ops.adapt_datetimefield_value(timezone.now())
    days: dict[date, Any] = {}
    params = []
    for person, day, project, task, category, minutes, cost in rows:
        if day not in days:
            days[day] = ops.adapt_datefield_value(day)
        cost_value = None if cost is None else ops.adapt_decimalfield_value(cost, 14, 2)
        params.append((person, days[day], project, task, category, minutes, cost_value, "", now))
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def _daily_rates(timeline: list[tuple[date, Rate]], days: list[date]) -> list[Rate | None]:
    return [rate_in(timeline, day) for day in days] if timeline else [None] * len(days)


def _synthetic_rates(
    rng: random.Random, seed: int, people: list[Person], since: date
) -> dict[int, list[tuple[date, Rate]]]:
    """Rate grades of the seed for employees, a rate of their own for contractors and partners."""
    roles = bulk_insert(
        [RateRole(code=f"S{seed}-{code}", name=f"{name} (S{seed})") for code, name, *_ in GRADES],
        RateRole,
        history=True,
    )
    start = since - timedelta(days=365)
    cards = [
        RateCard(role=role, effective_from=start, cost_rate=Decimal(cost), bill_rate=Decimal(bill))
        for role, (_c, _n, cost, bill, _share) in zip(roles, GRADES, strict=True)
    ]
    weights = [share for *_x, share in GRADES]
    for person in people:
        if person.employment_type == EmploymentType.EMPLOYEE:
            person.rate_role = rng.choices(roles, weights)[0]
        else:
            cards.append(
                RateCard(
                    person=person, effective_from=start, cost_rate=Decimal(rng.choice((7000, 8000, 8500)))
                )
            )
    Person.objects.bulk_update(people, ["rate_role"], batch_size=BATCH_SIZE)
    bulk_insert(cards, RateCard, history=True)
    return rate_timelines(people)


def _synthetic_assignments(
    rng: random.Random, prefix: str, first: date, today: date
) -> list[tuple[int, int, int, int, date, date]]:
    """Assign every task's owner (100 %) and, on tasks that ran in the window, team-mates (50 %).
    Returns (person, task, project, units, start, finish) of the assignments that ran in the window."""
    members: dict[int, list[int]] = defaultdict(list)
    for project, person in (
        ProjectMember.objects.filter(project__code__startswith=prefix)
        .exclude(role=ProjectRole.STAKEHOLDER)
        .order_by("pk")
        .values_list("project_id", "person_id")
    ):
        members[project].append(person)
    rows: list[Assignment] = []
    running: list[tuple[int, int, int, int, date, date]] = []
    for task, project, owner, minutes, start, finish, percent in (
        Task.objects.filter(project__code__startswith=prefix, kind="task", owner__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "project_id",
            "owner_id",
            "duration_minutes",
            "planned_start",
            "planned_finish",
            "percent_complete",
        )
    ):
        rows.append(Assignment(task_id=task, person_id=owner, units=100, work_minutes=minutes))
        if start is None or finish is None or not (percent > 0 and start <= today and finish >= first):
            continue
        running.append((owner, task, project, 100, start, finish))
        mates = [p for p in members[project] if p != owner]
        for person in rng.sample(mates, min(HELPERS, len(mates))):
            rows.append(Assignment(task_id=task, person_id=person, units=50, work_minutes=minutes // 2))
            running.append((person, task, project, 50, start, finish))
    # Without "created" history records, like the entries and timesheets: they would double the seed's
    # time and nothing reads them.
    bulk_insert(rows, Assignment, history=False)
    return running


def _synthetic_day(
    rng: random.Random, day: date, tasks: Iterable[tuple[int, int, int]]
) -> list[tuple[int | None, int | None, str, int]]:
    """One person's day: an indirect entry (the Monday meeting, otherwise administration, sometimes
    training) and the rest of eight hours shared by the tasks that ran, by units."""
    running = list(tasks)
    if day.weekday() == 0:
        indirect: tuple[str, int] = (IndirectCategory.MEETINGS, 60)
    elif rng.random() < 0.03:
        indirect = (IndirectCategory.TRAINING, 240)
    else:
        indirect = (IndirectCategory.ADMINISTRATION, 30)
    rows: list[tuple[int | None, int | None, str, int]] = [(None, None, indirect[0], indirect[1])]
    if not running:  # no task ran: the rest of the day is other indirect work
        return [*rows, (None, None, IndirectCategory.OTHER, DAY - indirect[1])]
    capacity = DAY - indirect[1] + rng.choice((0, 0, 15, 30, 60))
    total = sum(units for _t, _p, units in running)
    for task, project, units in running:
        rows.append((task, project, "", max(STEP, _quarter(capacity * units / total))))
    return rows
