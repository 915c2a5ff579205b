"""Reads of timesheets: the week grid, the daily log (日報), the approval queue and month totals.

Each read checks that the user may see what it returns and runs a fixed number of queries, whatever
the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kuroko.core.permissions import require
from kuroko.formats.durations import format_minutes
from kuroko.people.models import Person
from kuroko.projects.models import Assignment, Project, ProjectMember, Status, Task, TaskKind
from kuroko.tracking import permissions as tperms
from kuroko.tracking.models import (
    ApprovalStatus,
    IndirectCategory,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)

DAYS = 7
RECENT_WEEKS = 4  # tasks logged in the weeks before this one come back as rows
LOGGABLE_STATUSES = (Status.PROPOSED, Status.ACTIVE, Status.ON_HOLD)


def category_label(value: str) -> str:
    """The label of an indirect category. "Administration" is said with a context: alone, the same word
    names the admin site (管理画面), not office work (管理業務)."""
    if value == IndirectCategory.ADMINISTRATION:
        return pgettext("indirect work", "Administration")
    return str(IndirectCategory(value).label) if value else ""


def category_choices() -> list[tuple[str, str]]:
    return [(value, category_label(value)) for value in IndirectCategory.values]


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(DAYS)]


def hours(minutes: int | None) -> Decimal:
    """Minutes as hours with two decimals (for exports and the API)."""
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def loggable_tasks(person_id: int) -> QuerySet[Task]:
    """The tasks a person may log time to: tasks (not summary tasks) of projects that are proposed,
    active or on hold (never closed or cancelled) where the person is the project's manager, a member,
    assigned to the task, or its owner."""
    # Semi-joins on small sets (the person's projects and assignments), not a correlated subquery per
    # task: the portfolio may hold 100,000 tasks.
    member_of = ProjectMember.objects.filter(person_id=person_id).values("project_id")
    manager_of = Project.objects.filter(manager_id=person_id).values("pk")
    assigned = Assignment.objects.filter(person_id=person_id).values("task_id")
    return (
        Task.objects.filter(project__status__in=LOGGABLE_STATUSES)
        .exclude(kind=TaskKind.SUMMARY)
        .filter(
            Q(project_id__in=member_of)
            | Q(project_id__in=manager_of)
            | Q(pk__in=assigned)
            | Q(owner_id=person_id)
        )
    )


MAX_CHOICES = 2000


@dataclass(frozen=True)
class TaskChoice:
    """A task in an "add a task" list (plain values: the list may hold thousands)."""

    pk: int
    code: str  # the project's
    wbs_code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code} {self.wbs_code} {self.name}"


def _choices(person_id: int) -> list[TaskChoice]:
    """The tasks a person may log to, for an "add a task" list (at most MAX_CHOICES)."""
    rows = (
        loggable_tasks(person_id)
        .order_by("project__code", "row")
        .values_list("pk", "project__code", "wbs_code", "name")[:MAX_CHOICES]
    )
    return [TaskChoice(*row) for row in rows]


def closed_months(days: list[date]) -> set[date]:
    """The closed months (first days) among the months of `days`."""
    months = {month_of(d) for d in days}
    return set(PeriodClose.objects.filter(month__in=months).values_list("month", flat=True))


# --- The week grid ----------------------------------------------------------------------------------


@dataclass
class Cell:
    day: date
    minutes: int = 0
    text: str = ""  # what the cell shows (typed text after a refused save)
    error: str = ""
    locked: bool = False


@dataclass
class Row:
    """One line of the grid: a task, or an indirect category."""

    key: str  # "t<task id>" or "i<category>"
    label: str
    task: Task | None = None
    project: Project | None = None
    category: str = ""
    cells: list[Cell] = field(default_factory=list)
    assigned: bool = False
    loggable: bool = True
    error: str = ""

    @property
    def total(self) -> int:
        return sum(c.minutes for c in self.cells)

    @property
    def total_text(self) -> str:
        return format_minutes(self.total)


@dataclass
class WeekGrid:
    """A person's week as the timesheet page shows it."""

    person: Person
    week_start: date
    days: list[date]
    timesheet: Timesheet | None
    approvals: list[TimesheetApproval]
    rows: list[Row]
    closed_days: set[date]
    can_edit: bool  # the user may change this person's timesheets
    addable: list[TaskChoice]  # loggable tasks not in the grid (the "add a row" list)
    draft: bool = False  # rows and hours copied from last week, not saved
    errors: list[str] = field(default_factory=list)
    day_errors: dict[date, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.timesheet.status if self.timesheet else TimesheetStatus.OPEN

    @property
    def status_label(self) -> str:
        return str(TimesheetStatus(self.status).label)

    @property
    def editable(self) -> bool:
        return self.can_edit and self.status == TimesheetStatus.OPEN

    @property
    def day_totals(self) -> list[int]:
        return [sum(row.cells[n].minutes for row in self.rows) for n in range(DAYS)]

    @property
    def day_cells(self) -> list[tuple[date, int, str, bool, str]]:
        """(day, minutes, as text, locked, error) per day, for the totals row."""
        return [
            (day, total, format_minutes(total), day in self.closed_days, self.day_errors.get(day, ""))
            for day, total in zip(self.days, self.day_totals, strict=True)
        ]

    @property
    def total(self) -> int:
        return sum(self.day_totals)

    @property
    def total_text(self) -> str:
        return format_minutes(self.total)

    @property
    def previous(self) -> date:
        return self.week_start - timedelta(days=DAYS)

    @property
    def next(self) -> date:
        return self.week_start + timedelta(days=DAYS)

    @property
    def rejected(self) -> list[TimesheetApproval]:
        return [a for a in self.approvals if a.status == ApprovalStatus.REJECTED]

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


def row_key(task_id: int | None, category: str) -> str:
    return f"t{task_id}" if task_id else f"i{category}"


def _task_label(task: Task) -> str:
    return f"{task.wbs_code} {task.name}".strip()


def week_grid(user: Any, person: Person, day: date, *, copy_previous: bool = False) -> WeekGrid:
    """The week containing `day`: a row for every task the person is assigned to that week, every task
    they logged in the four weeks before, every task with hours this week, and each indirect category;
    a cell per day with the minutes logged. With `copy_previous`, last week's hours fill the cells this
    week leaves empty (a draft: nothing is saved)."""
    require(tperms.can_view_timesheet(user, person))
    monday = week_of(day)
    days = week_days(monday)
    sunday = days[-1]
    sheet = Timesheet.objects.filter(person=person, week_start=monday).first()
    approvals = list(
        TimesheetApproval.objects.filter(timesheet__person=person, timesheet__week_start=monday)
        .select_related("project", "decided_by")
        .order_by("project__code")
    )
    entries = list(
        TimeEntry.objects.filter(person=person, date__range=(monday, sunday)).values_list(
            "date", "task_id", "category", "minutes", "project_id"
        )
    )
    previous: list[tuple[date, int | None, str, int, int | None]] = []
    if copy_previous:
        previous = list(
            TimeEntry.objects.filter(
                person=person, date__range=(monday - timedelta(days=DAYS), monday - timedelta(days=1))
            ).values_list("date", "task_id", "category", "minutes", "project_id")
        )
    assigned = set(
        Assignment.objects.filter(
            person=person,
            task__start__date__lte=sunday,
            task__finish__date__gte=monday,
            task__project__status__in=LOGGABLE_STATUSES,
        )
        .exclude(task__kind=TaskKind.SUMMARY)
        .values_list("task_id", flat=True)
    )
    recent = set(
        TimeEntry.objects.filter(
            person=person,
            date__range=(monday - timedelta(days=DAYS * RECENT_WEEKS), monday - timedelta(days=1)),
            task__isnull=False,
        )
        .order_by()
        .values_list("task_id", flat=True)
        .distinct()
    )
    task_ids = assigned | recent | {e[1] for e in entries if e[1]} | {e[1] for e in previous if e[1]}
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids).select_related("project")}
    addable_all = _choices(person.pk)
    loggable_ids = set(loggable_tasks(person.pk).filter(pk__in=task_ids).values_list("pk", flat=True))
    locked_months = closed_months(days)
    closed = {d for d in days if month_of(d) in locked_months}

    rows: dict[str, Row] = {}

    def add_task_row(task: Task) -> None:
        key = row_key(task.pk, "")
        if key not in rows:
            rows[key] = Row(
                key=key,
                label=_task_label(task),
                task=task,
                project=task.project,
                cells=[Cell(d, locked=d in closed) for d in days],
                assigned=task.pk in assigned,
                loggable=task.pk in loggable_ids,
            )

    ordered = sorted(tasks.values(), key=lambda t: (t.project.code, t.row))
    for task in ordered:
        add_task_row(task)
    for value, label in category_choices():
        key = row_key(None, value)
        rows[key] = Row(
            key=key, label=label, category=value, cells=[Cell(d, locked=d in closed) for d in days]
        )
    for entry_day, task_id, category, minutes, _project in entries:
        row = rows.get(row_key(task_id, category))
        if row is not None:
            cell = row.cells[(entry_day - monday).days]
            cell.minutes, cell.text = minutes, format_minutes(minutes)
    if copy_previous:
        for old_day, old_task, old_category, old_minutes, _old_project in previous:
            row = rows.get(row_key(old_task, old_category))
            if row is None or not row.loggable:
                continue
            cell = row.cells[(old_day - monday).days + DAYS]
            if not cell.minutes and not cell.locked:
                cell.minutes, cell.text = old_minutes, format_minutes(old_minutes)
    in_grid = {r.task.pk for r in rows.values() if r.task is not None}
    return WeekGrid(
        person=person,
        week_start=monday,
        days=days,
        timesheet=sheet,
        approvals=approvals,
        rows=list(rows.values()),
        closed_days=closed,
        can_edit=tperms.can_edit_timesheet(user, person),
        addable=[t for t in addable_all if t.pk not in in_grid],
        draft=copy_previous,
    )


# --- The daily log (日報) ------------------------------------------------------------------------------


@dataclass
class DayLog:
    """One person's entries of one day, with their comments."""

    person: Person
    day: date
    entries: list[TimeEntry]
    timesheet: Timesheet | None
    closed: bool
    can_edit: bool
    choices: list[TaskChoice]  # tasks the person may log to, for a new entry

    @property
    def total(self) -> int:
        return sum(e.minutes for e in self.entries)

    @property
    def total_text(self) -> str:
        return format_minutes(self.total)

    @property
    def editable(self) -> bool:
        status = self.timesheet.status if self.timesheet else TimesheetStatus.OPEN
        return self.can_edit and not self.closed and status == TimesheetStatus.OPEN

    @property
    def week_start(self) -> date:
        return week_of(self.day)


def day_log(user: Any, person: Person, day: date) -> DayLog:
    require(tperms.can_view_timesheet(user, person))
    entries = list(
        TimeEntry.objects.filter(person=person, date=day)
        .select_related("task", "project")
        .order_by("project__code", "task__row", "category")
    )
    return DayLog(
        person=person,
        day=day,
        entries=entries,
        timesheet=Timesheet.objects.filter(person=person, week_start=week_of(day)).first(),
        closed=bool(closed_months([day])),
        can_edit=tperms.can_edit_timesheet(user, person),
        choices=_choices(person.pk),
    )


# --- The approval queue --------------------------------------------------------------------------------


@dataclass
class QueueItem:
    """One project's hours of one submitted week, as its approver sees them."""

    approval: TimesheetApproval
    minutes: list[int]

    @property
    def person(self) -> Person:
        return self.approval.timesheet.person

    @property
    def week_start(self) -> date:
        return self.approval.timesheet.week_start

    @property
    def project(self) -> Project:
        return self.approval.project

    @property
    def cells(self) -> list[str]:
        return [format_minutes(m) for m in self.minutes]

    @property
    def total(self) -> int:
        return sum(self.minutes)

    @property
    def total_text(self) -> str:
        return format_minutes(self.total)

    @property
    def pending(self) -> bool:
        return (
            self.approval.status != ApprovalStatus.APPROVED
            and self.approval.timesheet.status == TimesheetStatus.SUBMITTED
        )


def approval_queue(
    user: Any, *, recent_days: int = 28, approval_ids: list[int] | None = None
) -> list[QueueItem]:
    """Submitted weeks waiting for `user`'s decision (per project they approve), then the decisions
    of the last `recent_days` days (to reopen a week if need be). `approval_ids` limits the list."""
    require(tperms.approves(user))
    since = timezone.now() - timedelta(days=recent_days)
    waiting = Q(status=ApprovalStatus.PENDING, timesheet__status=TimesheetStatus.SUBMITTED)
    query = TimesheetApproval.objects.filter(project__in=tperms.managed_projects(user)).filter(
        waiting | Q(decided_at__gte=since)
    )
    if approval_ids is not None:
        query = TimesheetApproval.objects.filter(
            pk__in=approval_ids, project__in=tperms.managed_projects(user)
        )
    approvals = list(
        query.select_related("timesheet__person", "project", "decided_by").order_by(
            "project__code", "timesheet__week_start", "timesheet__person__family_name", "pk"
        )
    )
    if not approvals:
        return []
    first = min(a.timesheet.week_start for a in approvals)
    last = max(a.timesheet.week_start for a in approvals) + timedelta(days=DAYS - 1)
    sums: dict[tuple[int, int | None, date], int] = defaultdict(int)
    for person_id, project_id, day, minutes in TimeEntry.objects.filter(
        person_id__in={a.timesheet.person_id for a in approvals},
        project_id__in={a.project_id for a in approvals},
        date__range=(first, last),
    ).values_list("person_id", "project_id", "date", "minutes"):
        sums[(person_id, project_id, day)] += minutes
    items = []
    for a in approvals:
        days = week_days(a.timesheet.week_start)
        items.append(QueueItem(a, [sums.get((a.timesheet.person_id, a.project_id, d), 0) for d in days]))
    return items


# --- Months ----------------------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    minutes: int
    cost: Decimal
    unpriced: int  # entries without a rate
    closed: PeriodClose | None
    unapproved_weeks: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


def _money(value: Any) -> Decimal | None:
    # Sums come back as the database gives them (SQLite: no fixed scale): two decimals, as stored.
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_overview(user: Any, *, today: date | None = None, count: int = 12) -> list[MonthRow]:
    """The last `count` months (newest first): hours, labour cost, whether closed, weeks not approved."""
    require(tperms.can_close_months(user))
    current = month_of(today or timezone.localdate())
    first = _add_months(current, -(count - 1))
    end = _add_months(current, 1)
    totals: dict[Any, dict[str, Any]] = {
        row["m"]: dict(row)
        for row in TimeEntry.objects.filter(date__gte=first, date__lt=end)
        .annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(
            sum_minutes=Sum("minutes"),
            sum_cost=Sum("cost"),
            unpriced=Count("pk", filter=Q(cost__isnull=True)),
        )
    }
    closes = {c.month: c for c in PeriodClose.objects.filter(month__gte=first).select_related("closed_by")}
    weeks: dict[date, int] = defaultdict(int)
    for week_start in (
        Timesheet.objects.filter(week_start__gte=first - timedelta(days=DAYS - 1), week_start__lt=end)
        .exclude(status=TimesheetStatus.APPROVED)
        .values_list("week_start", flat=True)
    ):
        for month in {month_of(week_start), month_of(week_start + timedelta(days=DAYS - 1))}:
            weeks[month] += 1
    out = []
    for n in range(count):
        month = _add_months(current, -n)
        row: dict[str, Any] = totals.get(month) or totals.get(_as_key(month, totals)) or {}
        out.append(
            MonthRow(
                month=month,
                minutes=row.get("sum_minutes") or 0,
                cost=_money(row.get("sum_cost")) or Decimal("0.00"),
                unpriced=row.get("unpriced") or 0,
                closed=closes.get(month),
                unapproved_weeks=weeks.get(month, 0),
            )
        )
    return out


def _as_key(month: date, totals: dict[Any, Any]) -> Any:
    # TruncMonth of a DateField gives a date; some backends give a datetime: match either.
    for key in totals:
        if hasattr(key, "date") and key.date() == month:
            return key
    return None


@dataclass
class MonthLine:
    """Hours and cost of one person on one project (or indirect category) in a month."""

    person: Person
    project: Project | None
    category: str
    minutes: int
    cost: Decimal | None
    unpriced: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def work(self) -> str:
        if self.project is not None:
            return f"{self.project.code} {self.project.name}"
        return category_label(self.category)


def month_lines(user: Any, month: date, *, by: str = "person") -> list[MonthLine]:
    """Each person's hours and cost per project (and indirect category) in the month, sorted by person
    (`by="person"`) or by project (`by="project"`)."""
    require(tperms.can_close_months(user))
    first = month_of(month)
    end = _add_months(first, 1)
    rows = list(
        TimeEntry.objects.filter(date__gte=first, date__lt=end)
        .values("person_id", "project_id", "category")
        .annotate(
            sum_minutes=Sum("minutes"),
            sum_cost=Sum("cost"),
            unpriced=Count("pk", filter=Q(cost__isnull=True)),
        )
    )
    people = Person.objects.in_bulk({r["person_id"] for r in rows})
    projects = Project.objects.in_bulk({r["project_id"] for r in rows if r["project_id"]})
    lines = [
        MonthLine(
            person=people[r["person_id"]],
            project=projects.get(r["project_id"]) if r["project_id"] else None,
            category=r["category"],
            minutes=r["sum_minutes"] or 0,
            cost=_money(r["sum_cost"]),
            unpriced=r["unpriced"] or 0,
        )
        for r in rows
    ]

    def by_person(line: MonthLine) -> tuple[Any, ...]:
        return (line.person.family_name, line.person.given_name, line.person.pk, *work(line))

    def work(line: MonthLine) -> tuple[Any, ...]:
        return (line.project is None, line.project.code if line.project else line.category)

    if by == "project":
        lines.sort(key=lambda line: (*work(line), line.person.family_name, line.person.pk))
    else:
        lines.sort(key=by_person)
    return lines


def person_of(user: Any, person_id: Any) -> Person:
    """The person whose timesheet a page shows: `person_id`, or the user's own person."""
    if person_id in (None, ""):
        own: Person | None = getattr(user, "person", None)
        if own is None:
            raise PermissionDenied(_("Your account has no person record: timesheets belong to people."))
        return own
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise PermissionDenied(_("No such person.")) from None
    person = Person.objects.filter(pk=pk).first()
    if person is None or not tperms.can_view_timesheet(user, person):
        raise PermissionDenied(_("You may not see this person's timesheets."))
    return person
