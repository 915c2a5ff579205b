"""ORM rows ⇄ engine dataclasses: a project as an engine `Plan`.

A project is scheduled on its own stored calendar, or the organisation's default one (people.mapping turns
stored calendars into engine calendars, holidays included). Links from tasks of other projects become
`ExternalDates` with those tasks' planned dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, overload

from django.utils import timezone

from kuroko.core.models import Organisation
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.model import Calendar, ConstraintType, ExternalDates, LagKind, Link, LinkType, Plan, Task
from kuroko.formats.gantt_svg import GanttChart, GanttRow
from kuroko.formats.timeline_svg import TimelineChart, TimelineItem, TimelineLink, TimelineProject
from kuroko.people.mapping import calendars_to_engine, engine_id
from kuroko.people.selectors import default_calendar
from kuroko.projects.models import COMPUTED_SCHEDULE_FIELDS, Dependency, Project, TaskKind
from kuroko.projects.models import Task as TaskRow

DAY_START = 9 * 60


def project_calendars(project: Project, years: range) -> tuple[tuple[Calendar, ...], str]:
    """The engine calendars a project is scheduled with (its own, or the organisation's default, with
    any base calendars) and the id of the one the project uses."""
    row = project.calendar if project.calendar_id else default_calendar()
    assert row is not None
    return calendars_to_engine(row, years), engine_id(row)


@overload
def naive(moment: datetime) -> datetime: ...
@overload
def naive(moment: None) -> None: ...
@overload
def naive(moment: datetime | None) -> datetime | None: ...
def naive(moment: datetime | None) -> datetime | None:
    """A stored (aware) instant as the engine's naive local time, as MS Project works."""
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def aware(moment: datetime) -> datetime:
    """An engine (naive local) time as an aware instant for the database."""
    return moment.replace(tzinfo=timezone.get_current_timezone())


def work_calendar(project: Project) -> WorkCalendar:
    """The project's calendar compiled for arithmetic (working time between dates, next working day)."""
    around = project.planned_start or timezone.localdate()
    calendars, key = project_calendars(project, range(around.year - 2, around.year + 11))
    by_id = {c.id: c for c in calendars}
    return WorkCalendar(by_id[key], by_id, around=datetime.combine(around, time()), years=10, lookback=2)


def constraint_moment(kind: str, day: date) -> datetime:
    """The instant a dated constraint entered as a day stands for: the start of the day for start
    constraints, its end for finish constraints (the engine snaps both to working time)."""
    if kind in ("FNET", "FNLT", "MFO"):
        return datetime.combine(day, time(23, 59))
    return datetime.combine(day, time())


def project_start(project: Project, tasks: list[TaskRow], today: date) -> datetime:
    """The project's planned start, else its earliest task's, else today — at the start of the day."""
    starts = [t.planned_start for t in tasks if t.planned_start]
    day = project.planned_start or (min(starts) if starts else today)
    return datetime.combine(day, time()) + timedelta(minutes=DAY_START)


def project_plan(
    project: Project, *, today: date, levelling: Mapping[str, datetime] | None = None
) -> tuple[Plan, dict[str, TaskRow]]:
    """The engine plan of a project and its task rows by engine id (the row's primary key as text).

    `levelling` replaces the stored levelled starts (task engine id → "not before"; tasks not in it
    are not held back): how a levelling proposal is tried without writing it."""
    org = Organisation.current()
    # Only what the plan and the stored schedule need: a 2,000-task project is rescheduled on every edit.
    rows = list(
        TaskRow.objects.filter(project=project)
        .order_by("row")
        .only(
            "pk",
            "project_id",
            "parent_id",
            "name",
            "kind",
            "duration_minutes",
            "duration_elapsed",
            "planned_start",
            "planned_finish",
            "percent_complete",
            "constraint_type",
            "constraint_date",
            "deadline",
            "actual_start",
            "actual_finish",
            "manual",
            "manual_start",
            "level_start",
            "priority",
            "wbs_code",
            *COMPUTED_SCHEDULE_FIELDS,
        )
    )
    start = project_start(project, rows, today)
    calendars, calendar_id = project_calendars(project, range(start.year - 1, start.year + 11))
    by_id = {str(t.pk): t for t in rows}
    tasks = tuple(
        Task(
            id=str(t.pk),
            name=t.name,
            duration=0 if t.kind == TaskKind.MILESTONE else t.duration_minutes,
            elapsed=t.duration_elapsed and t.kind == TaskKind.TASK,
            parent=str(t.parent_id) if t.parent_id else None,
            milestone=t.kind == TaskKind.MILESTONE,
            constraint=ConstraintType(t.constraint_type),
            constraint_date=naive(t.constraint_date),
            deadline=naive(t.deadline),
            actual_start=naive(t.actual_start),
            actual_finish=naive(t.actual_finish),
            percent_complete=t.percent_complete,
            manual=t.manual and t.kind != TaskKind.SUMMARY,
            manual_start=naive(t.manual_start) if t.manual and t.kind != TaskKind.SUMMARY else None,
            level_start=(naive(t.level_start) if levelling is None else levelling.get(str(t.pk)))
            if t.kind != TaskKind.SUMMARY
            else None,
        )
        for t in rows
    )
    links, external = _links_into(
        Dependency.objects.filter(successor__project=project), inside={project.pk}, org=org
    )
    plan = Plan(
        start=start,
        tasks=tasks,
        links=tuple(links),
        calendars=calendars,
        calendar=calendar_id,
        name=f"{project.code} {project.name}",
        external=external,
        minutes_per_day=int(Decimal(org.hours_per_day) * 60),
        minutes_per_week=int(Decimal(org.hours_per_week) * 60),
        days_per_month=max(1, round(Decimal(org.hours_per_month) / Decimal(org.hours_per_day))),
        # Progress counts up to the end of the status date.
        status_date=_status_moment(project.status_date),
        schedule_from_finish=project.schedule_from_finish and project.planned_finish is not None,
        finish=(
            datetime.combine(project.planned_finish, time(23, 59))
            if project.schedule_from_finish and project.planned_finish is not None
            else None
        ),
        critical_float=int(project.critical_float_days * Decimal(org.hours_per_day) * 60),
    )
    return plan, by_id


def _status_moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(23, 59)) if day is not None else None


def _links_into(
    queryset: Any, *, inside: set[int], org: Organisation
) -> tuple[tuple[Link, ...], tuple[ExternalDates, ...]]:
    """Engine links of the dependencies in `queryset`. A predecessor in a project outside `inside` becomes
    an external task with its stored schedule (or, never scheduled, its planned days)."""
    links: list[Link] = []
    external: dict[str, ExternalDates] = {}
    rows = queryset.values_list(
        "predecessor_id",
        "successor_id",
        "type",
        "lag_minutes",
        "lag_elapsed",
        "predecessor__project_id",
        "predecessor__project__code",
        "predecessor__wbs_code",
        "predecessor__start",
        "predecessor__finish",
        "predecessor__planned_start",
        "predecessor__planned_finish",
        "predecessor__name",
    )
    day = int(Decimal(org.hours_per_day) * 60)
    for (
        pred_pk,
        succ_pk,
        link_type,
        lag,
        lag_elapsed,
        pred_project,
        code,
        wbs_code,
        start,
        finish,
        p_start,
        p_finish,
        name,
    ) in rows:
        pred_id = str(pred_pk)
        if pred_project not in inside:
            if start is not None and finish is not None:
                begin, end = naive(start), naive(finish)
            elif p_start is not None and p_finish is not None:
                begin = datetime.combine(p_start, time()) + timedelta(minutes=DAY_START)
                end = datetime.combine(p_finish, time()) + timedelta(minutes=DAY_START + day + 60)
            else:
                continue  # an undated task elsewhere cannot constrain this plan yet
            pred_id = f"{code}:{wbs_code}"
            external[pred_id] = ExternalDates(pred_id, begin, end, name)
        kind = LagKind.ELAPSED if lag_elapsed else LagKind.WORK
        links.append(Link(pred_id, str(succ_pk), LinkType(link_type), lag, kind))
    return tuple(links), tuple(external.values())


def portfolio_plan(projects: list[Project], *, today: date) -> tuple[Plan, dict[str, tuple[int, int]]]:
    """All tasks of `projects` as one engine plan (the portfolio as one network): each project's tasks on
    its own calendar, none starting before its project's start, links across these projects kept as
    links, links from other projects as external dates. Returns the plan and, per engine id, the
    (project pk, task pk) it stands for."""
    org = Organisation.current()
    codes = {p.pk: p for p in projects}
    rows = list(
        TaskRow.objects.filter(project_id__in=codes)
        .order_by("project_id", "row")
        .values_list(
            "pk",
            "project_id",
            "parent_id",
            "name",
            "kind",
            "duration_minutes",
            "duration_elapsed",
            "percent_complete",
            "constraint_type",
            "constraint_date",
            "deadline",
            "actual_start",
            "actual_finish",
            "level_start",
            "planned_start",
        )
    )
    earliest: dict[int, date] = {}
    for r in rows:
        if r[-1] is not None and (r[1] not in earliest or r[-1] < earliest[r[1]]):
            earliest[r[1]] = r[-1]
    starts = {
        pk: datetime.combine(p.planned_start or earliest.get(pk) or today, time())
        + timedelta(minutes=DAY_START)
        for pk, p in codes.items()
    }
    first = min(starts.values(), default=datetime.combine(today, time()))
    calendars: dict[str, Calendar] = {}
    calendar_of: dict[int, str] = {}
    for pk, project in codes.items():
        cals, key = project_calendars(project, range(starts[pk].year - 1, starts[pk].year + 11))
        calendars.update({c.id: c for c in cals})
        calendar_of[pk] = key
    default_cals, default_key = project_calendars(Project(), range(first.year - 1, first.year + 11))
    calendars.update({c.id: c for c in default_cals})
    tasks = []
    ids: dict[str, tuple[int, int]] = {}
    for (
        pk,
        project_id,
        parent,
        name,
        kind,
        duration,
        elapsed,
        pct,
        constraint,
        c_date,
        deadline,
        a_start,
        a_finish,
        levelled,
        _planned,
    ) in rows:
        constraint_kind, constraint_at = ConstraintType(constraint), naive(c_date)
        if constraint_kind == ConstraintType.ASAP and kind != TaskKind.SUMMARY:
            # Not before its project's start, as when the project is scheduled alone.
            constraint_kind, constraint_at = ConstraintType.SNET, starts[project_id]
        elif constraint_kind == ConstraintType.SNET and constraint_at is not None:
            constraint_at = max(constraint_at, starts[project_id])
        tasks.append(
            Task(
                id=str(pk),
                name=f"{codes[project_id].code} {name}",
                duration=0 if kind == TaskKind.MILESTONE else duration,
                elapsed=elapsed and kind == TaskKind.TASK,
                parent=str(parent) if parent else None,
                milestone=kind == TaskKind.MILESTONE,
                calendar=calendar_of[project_id],
                constraint=constraint_kind,
                constraint_date=constraint_at,
                deadline=naive(deadline),
                actual_start=naive(a_start),
                actual_finish=naive(a_finish),
                percent_complete=pct,
                level_start=naive(levelled) if kind != TaskKind.SUMMARY else None,
            )
        )
        ids[str(pk)] = (project_id, pk)
    links, external = _links_into(
        Dependency.objects.filter(successor__project_id__in=codes), inside=set(codes), org=org
    )
    status_dates = [p.status_date for p in projects if p.status_date is not None]
    plan = Plan(
        start=first,
        tasks=tuple(tasks),
        links=links,
        calendars=tuple(calendars.values()),
        calendar=default_key,
        name="portfolio",
        external=external,
        minutes_per_day=int(Decimal(org.hours_per_day) * 60),
        minutes_per_week=int(Decimal(org.hours_per_week) * 60),
        days_per_month=max(1, round(Decimal(org.hours_per_month) / Decimal(org.hours_per_day))),
        # One status date for the network: the latest any project reported.
        status_date=_status_moment(max(status_dates)) if status_dates else None,
    )
    return plan, ids


def gantt_chart(data: dict[str, Any], labels: dict[str, str]) -> GanttChart:
    """The Gantt client's data (projects.selectors.gantt_data) as a chart for the SVG renderer."""
    origin = datetime.fromisoformat(data["origin"])
    f = {name: i for i, name in enumerate(data["fields"])}
    kinds = ("task", "summary", "milestone")

    def at(minutes: int | None) -> datetime | None:
        return None if minutes is None else origin + timedelta(minutes=minutes)

    rows = [
        GanttRow(
            wbs=t[f["wbs"]],
            name=t[f["name"]],
            level=t[f["level"]],
            kind=kinds[t[f["kind"]]],
            start=at(t[f["start"]]),
            finish=at(t[f["finish"]]),
            percent=t[f["percent"]],
            critical=bool(t[f["critical"]]),
            baseline_start=at(t[f["baseline_start"]]),
            baseline_finish=at(t[f["baseline_finish"]]),
        )
        for t in data["tasks"]
    ]
    weekly, special = data["working_weekdays"], set(data["special_days"])

    def is_working_day(day: date) -> bool:
        n = (day - origin.date()).days
        return (not weekly[n % 7]) if n in special else bool(weekly[n % 7])

    minute = data["status"]
    return GanttChart(
        title=f"{data['project']['code']} {data['project']['name']}",
        rows=rows,
        links=[(a, b, kind) for a, b, kind, *_rest in data["links"]],
        today=(origin + timedelta(minutes=data["today"])).date(),
        status_date=None if minute is None else (origin + timedelta(minutes=minute - 1)).date(),
        is_working_day=is_working_day,
        labels=labels,
    )


def timeline_chart(
    data: dict[str, Any], labels: dict[str, str], *, title: str, show_phases: bool
) -> TimelineChart:
    """The portfolio timeline's data (projects.selectors.portfolio_timeline) as a chart for the SVG
    renderer."""
    origin = datetime.fromisoformat(data["origin"])
    pf = {name: i for i, name in enumerate(data["project_fields"])}
    tf = {name: i for i, name in enumerate(data["task_fields"])}
    lf = {name: i for i, name in enumerate(data["link_fields"])}

    @overload
    def at(minutes: int) -> datetime: ...
    @overload
    def at(minutes: int | None) -> datetime | None: ...
    def at(minutes: int | None) -> datetime | None:
        return None if minutes is None else origin + timedelta(minutes=minutes)

    phases: dict[int, list[TimelineItem]] = {}
    milestones: dict[int, list[TimelineItem]] = {}
    for t in data["tasks"]:
        start = at(t[tf["start"]])
        item = TimelineItem(t[tf["name"]], start, at(t[tf["finish"]]) or start, bool(t[tf["critical"]]))
        (phases if t[tf["kind"]] == "phase" else milestones).setdefault(t[tf["project"]], []).append(item)
    programs = data["programs"]
    projects = [
        TimelineProject(
            code=p[pf["code"]],
            name=p[pf["name"]],
            group=programs[p[pf["program"]]][1] if p[pf["program"]] >= 0 else "",
            start=at(p[pf["start"]]),
            finish=at(p[pf["finish"]]),
            percent=p[pf["percent"]],
            colour=p[pf["rag"]],
            phases=phases.get(i, []),
            milestones=milestones.get(i, []),
        )
        for i, p in enumerate(data["projects"])
    ]
    links = [
        TimelineLink(
            source=link[lf["from_project"]],
            target=link[lf["to_project"]],
            start=at(link[lf["from"]]),
            end=at(link[lf["to"]]),
            broken=bool(link[lf["broken"]]),
            critical=bool(link[lf["critical"]]),
        )
        for link in data["links"]
        if link[lf["from"]] is not None and link[lf["to"]] is not None
    ]
    return TimelineChart(
        title=title,
        projects=projects,
        links=links,
        today=(origin + timedelta(minutes=data["today"])).date(),
        show_phases=show_phases,
        labels=labels,
    )
