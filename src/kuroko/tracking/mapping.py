"""ORM rows → engine dataclasses for earned value (kuroko.engine.evm).

A project is measured against its compared baseline (`Project.compared_baseline`, 0 by default):

- **Budget (BAC)** of each leaf task: in money the baseline's planned labour cost (assignment work × each
  person's cost rate in force each day, `BaselineTask.cost`); in effort the baseline's planned work
  (`BaselineTask.work_minutes`) in hours, person-days or person-months (the organisation's hours per day
  and per month). Each budget is spread over the task's baseline dates on the project calendar.
- **Non-labour budget** (money only): the project's budget lines of the other categories (contractors,
  expenses, other) form one more element, "Non-labour budget", phased by their months and earned in step
  with the project's % complete. Every expense is its actual cost. Labour budget lines are the financial
  budget; earned value measures the costed baseline instead.
- **Progress**: each task's % complete and actual start/finish as they stand now count at the status date;
  earlier points of the S-curve and the trends read the % complete recorded in the task's change history
  by the end of each day. Weighted milestones come from `WeightedMilestone`.
- **Actual cost (AC)**: timesheet lines up to the status date — their labour cost (`TimeEntry.cost`) in
  money, their hours in effort units — per task and day; time logged on a summary task or on no task gets
  an element of its own so that it still counts.

`project_input` builds one project with its WBS (figures per WBS node); `portfolio_totals` computes BAC,
PV, EV and AC of many projects at one status date in bulk (a few queries for any number of projects,
time-phasing vectorised with `engine.load.spread_periods`) for the portfolio table.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, Count, F, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.core.models import Organisation
from kuroko.engine.evm import (
    ActualCost,
    EffortConversion,
    EvMethod,
    EvMilestone,
    EvmProject,
    EvTask,
    Phase,
    Progress,
    Unit,
    earned_fraction,
)
from kuroko.projects.mapping import aware, naive, project_calendars
from kuroko.projects.models import Baseline, BaselineTask, Project, Task
from kuroko.tracking.models import BudgetLine, CostCategory, Expense, TimeEntry, WeightedMilestone

UNIT_CHOICES = [
    (Unit.MONEY.value, gettext_lazy("Money")),
    (Unit.HOURS.value, gettext_lazy("Hours")),
    (Unit.PERSON_DAYS.value, gettext_lazy("Person-days")),
    (Unit.PERSON_MONTHS.value, gettext_lazy("Person-months")),
]
NON_LABOUR = "non-labour"  # id of the element holding the non-labour budget and the expenses
UNTASKED = "untasked"  # id of the element holding time logged on no task


class NoBaseline(Exception):
    """The project has no saved baseline to measure against (a message for the page, not an error)."""


def parse_unit(value: str | None) -> Unit:
    """The unit asked for (`money` when empty), or a ValidationError naming the field."""
    if not value:
        return Unit.MONEY
    try:
        return Unit(value)
    except ValueError:
        choices = ", ".join(u.value for u in Unit)
        raise ValidationError(
            {
                "unit": _("Unknown unit %(unit)r: use one of %(choices)s.")
                % {"unit": value, "choices": choices}
            }
        ) from None


def effort_conversion(org: Organisation | None = None) -> EffortConversion:
    """Effort units from the organisation's settings: hours per person-day and per person-month."""
    org = org or Organisation.current()
    per_day = float(org.hours_per_day or 8)
    per_month = float(org.hours_per_month or per_day * 20)
    return EffortConversion(hours_per_day=per_day, days_per_month=per_month / per_day)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


@dataclass(frozen=True, slots=True)
class Row:
    """A line of the WBS table: the element id in the engine, the task (None for the extra elements)."""

    id: str
    task_pk: int | None
    wbs_code: str
    name: str
    level: int
    summary: bool


@dataclass
class ProjectInput:
    """What `project_input` maps: the engine project, its baseline, the WBS rows and what to warn of."""

    project: EvmProject
    baseline: Baseline
    unit: Unit
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)


def compared_baseline(project: Project) -> Baseline:
    baseline = Baseline.objects.filter(project=project, number=project.compared_baseline).first()
    if baseline is None:
        number = project.compared_baseline
        label = _("Baseline") if number == 0 else _("Baseline %(n)d") % {"n": number}
        raise NoBaseline(
            _(
                "%(baseline)s of this project has not been saved: earned value measures progress against "
                "a baseline. Save one on the Baselines page (or compare with another baseline)."
            )
            % {"baseline": label}
        )
    return baseline


def _amount(unit: Unit, conversion: EffortConversion, cost: Any, minutes: Any) -> float | None:
    """A budget or an actual cost in `unit`: money from `cost`, effort from `minutes`."""
    if unit is Unit.MONEY:
        return None if cost is None else float(cost)
    return None if minutes is None else minutes / 60 * conversion.factor(Unit.HOURS, unit)


def _progress(history: list[tuple[date, int]], status_date: date, current: int) -> tuple[Progress, ...]:
    """Dated progress: the last % complete recorded on each day before the status date, then the % as it
    stands now on the status date."""
    by_day: dict[date, int] = {}
    for day, percent in history:
        if day < status_date:
            by_day[day] = percent
    records = [Progress(day, float(p)) for day, p in sorted(by_day.items())]
    records.append(Progress(status_date, float(current)))
    return tuple(records)


def _month_phases(amounts: dict[date, Decimal]) -> tuple[Phase, ...]:
    phases = []
    for month, amount in sorted(amounts.items()):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if amount > 0:
            phases.append(Phase(month, following - timedelta(days=1), float(amount)))
    return tuple(phases)


def project_input(
    project: Project, *, status_date: date, unit: Unit, with_history: bool = True
) -> ProjectInput:
    """The engine's view of `project` as of `status_date` in `unit` (raises NoBaseline)."""
    baseline = compared_baseline(project)
    org = Organisation.current()
    conversion = effort_conversion(org)
    warnings: list[str] = []
    tasks = list(
        Task.objects.filter(project=project)
        .order_by("row")
        .values_list(
            "pk", "parent_id", "wbs_code", "name", "outline_level", "percent_complete", "actual_start",
            "actual_finish",
        )
    )  # fmt: skip
    parents = {t[1] for t in tasks if t[1] is not None}
    planned = {
        b[0]: b[1:]
        for b in BaselineTask.objects.filter(baseline=baseline).values_list(
            "task_id", "start", "finish", "work_minutes", "cost"
        )
    }
    milestones: dict[int, list[EvMilestone]] = defaultdict(list)
    for task_id, name, weight, achieved in WeightedMilestone.objects.filter(
        task__project=project, weight__gt=0
    ).values_list("task_id", "name", "weight", "achieved_on"):
        milestones[task_id].append(EvMilestone(name, float(weight), achieved))
    history: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if with_history:
        before = aware(datetime.combine(status_date, time()))
        for task_id, moment, percent in (
            Task.history.filter(project_id=project.pk, history_date__lt=before)
            .exclude(history_type="-")
            .order_by("history_date", "history_id")
            .values_list("id", "history_date", "percent_complete")
        ):
            history[task_id].append((_local_day(moment), percent))
    # Actual costs per task and day, up to the status date.
    costs: dict[int | None, list[ActualCost]] = defaultdict(list)
    entries = TimeEntry.objects.filter(project=project, date__lte=status_date)
    for task_id, day, cost, minutes in (
        entries.values("task_id", "date")
        .annotate(cost=Sum("cost"), minutes=Sum("minutes"))
        .order_by()
        .values_list("task_id", "date", "cost", "minutes")
    ):
        amount = _amount(unit, conversion, cost or Decimal(0), minutes)
        if amount:
            costs[task_id].append(ActualCost(day, amount))
    if unit is Unit.MONEY:
        unpriced = entries.filter(cost__isnull=True).aggregate(n=Count("pk"), m=Sum("minutes"))
        if unpriced["n"]:
            warnings.append(
                _(
                    "%(hours)s hours logged up to the status date have no cost (their people had no cost "
                    "rate on the day): the actual cost leaves them out."
                )
                % {"hours": f"{(unpriced['m'] or 0) / 60:g}"}
            )
    evm_tasks: list[EvTask] = []
    rows: list[Row] = []
    unbudgeted = 0
    unpriced_tasks = 0
    for pk, parent_id, wbs_code, name, level, percent, actual_start, actual_finish in tasks:
        key = str(pk)
        parent = None if parent_id is None else str(parent_id)
        summary = pk in parents
        rows.append(Row(key, pk, wbs_code, name, level, summary))
        own_costs = tuple(costs.pop(pk, ()))
        if summary:
            evm_tasks.append(EvTask(id=key, name=name, parent=parent))
            if own_costs:  # time logged on the summary itself
                direct = f"{pk}:direct"
                evm_tasks.append(
                    EvTask(id=direct, name=_("Logged on the summary"), parent=key, actual_costs=own_costs)
                )
                rows.append(Row(direct, None, "", _("Logged on the summary"), level + 1, False))
            continue
        start = finish = None
        budget = 0.0
        if pk in planned:
            b_start, b_finish, work, cost = planned[pk]
            start, finish = naive(b_start), naive(b_finish)
            amount = _amount(unit, conversion, cost, work)
            if amount is None:
                unpriced_tasks += 1
            elif start is None or finish is None:
                unbudgeted += 1 if amount else 0
            else:
                budget = amount
        evm_tasks.append(
            EvTask(
                id=key,
                name=name,
                parent=parent,
                start=start,
                finish=finish,
                budget=budget,
                percent_complete=float(percent),
                progress=_progress(history[pk], status_date, percent) if history.get(pk) else (),
                milestones=tuple(milestones.get(pk, ())),
                actual_start=naive(actual_start),
                actual_finish=naive(actual_finish),
                actual_costs=own_costs,
            )
        )
    # Time logged on no task, or on a task deleted since (its lines keep the project).
    loose = sorted((c for left in costs.values() for c in left), key=lambda c: c.on)
    if loose:
        evm_tasks.append(EvTask(id=UNTASKED, name=_("Time logged on no task"), actual_costs=tuple(loose)))
        rows.append(Row(UNTASKED, None, "", _("Time logged on no task"), 1, False))
    if unit is Unit.MONEY:
        extra = _non_labour(project, status_date)
        if extra is not None:
            evm_tasks.append(extra)
            rows.append(Row(NON_LABOUR, None, "", extra.name, 1, False))
    if unpriced_tasks:
        warnings.append(
            _(
                "%(n)d tasks of the baseline have no recorded budget (it was saved before budgets were "
                "recorded): save the baseline again to measure them."
            )
            % {"n": unpriced_tasks}
        )
    if unbudgeted:
        warnings.append(
            _("%(n)d tasks had no dates when the baseline was saved: their budget is left out.")
            % {"n": unbudgeted}
        )
    dates = [d for t in evm_tasks for d in (t.start, t.finish) if d is not None]
    first = min([d.year for d in dates] + [status_date.year])
    last = max([d.year for d in dates] + [status_date.year])
    calendars, calendar_id = project_calendars(project, range(first - 1, last + 2))
    evm = EvmProject(
        tasks=tuple(evm_tasks),
        id=project.code,
        name=project.name,
        method=EvMethod(project.ev_method),
        unit=unit,
        currency=org.currency if unit is Unit.MONEY else "",
        calendars=calendars,
        calendar=calendar_id,
        minutes_per_day=round(conversion.hours_per_day * 60),
        program=project.program.code if project.program_id and project.program else None,
    )
    return ProjectInput(evm, baseline, unit, rows, warnings)


def _non_labour(project: Project, status_date: date) -> EvTask | None:
    """The element of the non-labour budget lines (phased by month) and of every expense."""
    amounts: dict[date, Decimal] = defaultdict(Decimal)
    for month, amount in (
        BudgetLine.objects.filter(project=project)
        .exclude(category=CostCategory.LABOUR)
        .values_list("month", "amount")
    ):
        amounts[month] += amount
    spent = [
        ActualCost(day, float(amount))
        for day, amount in Expense.objects.filter(project=project, date__lte=status_date)
        .values("date")
        .annotate(amount=Sum("amount"))
        .order_by("date")
        .values_list("date", "amount")
    ]
    phases = _month_phases(amounts)
    if not phases and not spent:
        return None
    start = finish = None
    if phases:
        start = datetime.combine(phases[0].first, time())
        finish = _end_of(phases[-1].last) - timedelta(minutes=1)
    return EvTask(
        id=NON_LABOUR,
        name=_("Non-labour budget and expenses"),
        start=start,
        finish=finish,
        budget=sum(p.amount for p in phases),
        phasing=phases,
        percent_complete=float(project.percent_complete),
        actual_costs=tuple(spent),
    )


# --- many projects at once (the portfolio table) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    """BAC, PV, EV and AC of one project at a status date, in one unit."""

    bac: float
    pv: float
    ev: float
    ac: float


def portfolio_totals(
    projects: Iterable[Project], *, status_date: date, unit: Unit, all_projects: bool = False
) -> dict[int, Totals | None]:
    """BAC, PV, EV and AC of each project (None: it has no baseline), computed as `project_input` and
    `earned_value` would, in bulk: one query per kind of row for all projects, the planned value of every
    task on one calendar at a time (`engine.load.spread_periods`), each task's earned share from
    `engine.evm.earned_fraction`. `all_projects` says the projects are all there are, so the time-entry
    sums need no project filter."""
    from kuroko.engine.load import WorkItem, spread_periods

    projects = list(projects)
    by_pk = {p.pk: p for p in projects}
    out: dict[int, Totals | None] = dict.fromkeys(by_pk)
    if not projects:
        return out
    conversion = effort_conversion()
    money = unit is Unit.MONEY
    baselines = dict(
        Baseline.objects.filter(project__in=by_pk, number=F("project__compared_baseline")).values_list(
            "pk", "project_id"
        )
    )
    measured = set(baselines.values())
    if not measured:
        return out
    ids = sorted(measured)
    methods = {pk: EvMethod(by_pk[pk].ev_method) for pk in ids}
    summaries = set(
        Task.objects.filter(project_id__in=ids, parent__isnull=False)
        .values_list("parent_id", flat=True)
        .distinct()
        .order_by()
    )
    milestones: dict[int, tuple[EvMilestone, ...]] = {}
    chosen = [pk for pk in ids if methods[pk] is EvMethod.MILESTONES]
    if chosen:
        found: dict[int, list[EvMilestone]] = defaultdict(list)
        for task_id, name, weight, achieved in WeightedMilestone.objects.filter(
            task__project_id__in=chosen, weight__gt=0
        ).values_list("task_id", "name", "weight", "achieved_on"):
            found[task_id].append(EvMilestone(name, float(weight), achieved))
        milestones = {k: tuple(v) for k, v in found.items()}
    bac: dict[int, float] = defaultdict(float)
    ev: dict[int, float] = defaultdict(float)
    ac: dict[int, float] = defaultdict(float)
    items: dict[int, list[tuple[int, WorkItem]]] = defaultdict(list)  # per calendar: (project, item)
    scale = 100.0 if money else 1.0  # spread_periods takes whole numbers: cents, or minutes
    factor = 1.0 if money else conversion.factor(Unit.HOURS, unit) / 60
    calendar_of = {pk: by_pk[pk].calendar_id or 0 for pk in ids}
    local = _naive_local()
    fractions: dict[tuple[Any, ...], float] = {}  # tasks with the same progress earn the same share
    planned = BaselineTask.objects.filter(
        baseline_id__in=baselines, start__isnull=False, finish__isnull=False
    )
    planned = planned.filter(cost__gt=0) if money else planned.filter(work_minutes__gt=0)
    instants: tuple[str, ...] = ("start", "finish", "task__actual_start", "task__actual_finish")
    if connection.vendor == "sqlite":  # as text: the driver's own date parsing is slow, fromisoformat is not
        planned = planned.annotate(**{f"_{k}": Cast(k, CharField()) for k in instants})
        instants = tuple(f"_{k}" for k in instants)
    start_, finish_, actual_start_, actual_finish_ = instants
    fields = ("task_id", "task__project_id", start_, finish_, "cost" if money else "work_minutes",
              "task__percent_complete", actual_start_, actual_finish_)  # fmt: skip
    for row in _raw(planned.values_list(*fields)):
        task_id, project_id, start, finish, value, percent, actual_start, actual_finish = row
        if task_id in summaries:
            continue
        method = methods[project_id]
        steps = milestones.get(task_id, ())
        key = (method, percent, actual_start, actual_finish, steps)
        fraction = fractions.get(key)
        if fraction is None:
            task = EvTask(
                id=str(task_id),
                percent_complete=float(percent),
                milestones=steps,
                actual_start=None if actual_start is None else local(actual_start),
                actual_finish=None if actual_finish is None else local(actual_finish),
            )
            fraction = fractions[key] = earned_fraction(task, method, status_date)
        budget = float(value) * factor
        bac[project_id] += budget
        ev[project_id] += budget * fraction
        begin, end = local(start), local(finish)
        item = WorkItem("", begin, max(end, begin), round(float(value) * scale))
        items[calendar_of[project_id]].append((project_id, item))
    # Non-labour budget lines and expenses (money only).
    if money:
        lines: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for project_id, month, amount in (
            BudgetLine.objects.filter(project_id__in=ids)
            .exclude(category=CostCategory.LABOUR)
            .values_list("project_id", "month", "amount")
        ):
            lines[project_id][month] += amount
        for project_id, amounts in lines.items():
            fraction = earned_fraction(
                EvTask(id=NON_LABOUR, percent_complete=float(by_pk[project_id].percent_complete)),
                methods[project_id],
                status_date,
            )
            for phase in _month_phases(amounts):
                bac[project_id] += phase.amount
                ev[project_id] += phase.amount * fraction
                begin = datetime.combine(phase.first, time())
                item = WorkItem("", begin, _end_of(phase.last), round(phase.amount * scale))
                items[calendar_of[project_id]].append((project_id, item))
        for project_id, amount in (
            Expense.objects.filter(project_id__in=ids, date__lte=status_date)
            .values("project_id")
            .annotate(amount=Sum("amount"))
            .order_by()
            .values_list("project_id", "amount")
        ):
            ac[project_id] += float(amount)
    # Actual costs: one GROUP BY over the time entries (the covering index time_entry_project_cost).
    entries = TimeEntry.objects.filter(date__lte=status_date, project__isnull=False)
    if not all_projects:
        entries = entries.filter(project_id__in=ids)
    for project_id, cost, minutes in (
        entries.values("project_id")
        .annotate(cost=Sum("cost"), minutes=Sum("minutes"))
        .order_by()
        .values_list("project_id", "cost", "minutes")
    ):
        if project_id in measured:
            ac[project_id] += float(cost or 0) if money else (minutes or 0) * factor
    # Planned value: every item spread over working time up to the end of the status date.
    pv: dict[int, float] = defaultdict(float)
    rows = {c.pk: c for c in _calendar_rows(k for k in items if k)}
    for calendar_pk, group in items.items():
        first = min(i.start for _p, i in group)
        last = max(max(i.finish for _p, i in group), _end_of(status_date))
        bounds = [min(first.date(), status_date), status_date + timedelta(days=1)]
        compiled = _compiled(rows.get(calendar_pk), first, last)
        spread = spread_periods([i for _p, i in group], compiled, bounds)[:, 0]
        for (project_id, _item), value in zip(group, spread.tolist(), strict=True):
            pv[project_id] += value / scale * factor
    for pk in measured:
        out[pk] = Totals(bac=bac[pk], pv=min(pv[pk], bac[pk]), ev=ev[pk], ac=ac[pk])
    return out


def _raw(queryset: Any) -> Iterable[tuple[Any, ...]]:
    """The rows of a values_list query as the database driver gives them, without Django's per-value
    converters (a hundred thousand baseline rows: parsing their dates one by one costs a second on
    SQLite). Instants may come as text (SQLite), amounts as floats: `_naive_local` and float() read both."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _naive_local() -> Any:
    """A fast `projects.mapping.naive` for many stored instants (aware, or naive UTC and UTC text as
    SQLite gives them): local wall time, whole minutes."""
    zone = timezone.get_current_timezone()

    @functools.cache  # tasks start and finish at the same few times of the same days
    def local(moment: datetime | str) -> datetime:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if moment.tzinfo is None and settings.USE_TZ:  # stored in UTC (SQLite gives them naive)
            moment = moment.replace(tzinfo=UTC)
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.replace(tzinfo=None, second=0, microsecond=0)

    return local


def _calendar_rows(pks: Iterable[int]) -> list[Any]:
    from kuroko.people.models import WorkCalendar as CalendarRow

    return list(CalendarRow.objects.filter(pk__in=list(pks)))


def _compiled(row: Any, first: datetime, last: datetime) -> Any:
    """A stored calendar (None: the organisation's default) compiled for the years from `first` to `last`."""
    from kuroko.engine.calendar import WorkCalendar
    from kuroko.people.mapping import calendars_to_engine, engine_id
    from kuroko.people.selectors import default_calendar

    row = row or default_calendar()
    calendars = calendars_to_engine(row, range(first.year - 1, last.year + 2))
    by_id = {c.id: c for c in calendars}
    years = last.year - first.year + 2
    return WorkCalendar(by_id[engine_id(row)], by_id, around=first, years=years, lookback=1)


def active_projects() -> Any:
    """Projects whose earned value is recorded every day: active and on hold."""
    return Project.objects.filter(Q(status="active") | Q(status="on_hold"))
