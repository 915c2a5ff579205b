"""ORM rows ⇄ engine dataclasses: a project as an engine `Plan`.

The project calendar comes from the organisation settings until calendars are editable: weekdays with a
one-hour lunch break around `hours_per_day` hours of work from 09:00, and the public holidays of the
organisation's country. Links from tasks of other projects become `ExternalDates` with those tasks'
planned dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from kuroko.core.models import Organisation
from kuroko.engine.calendar import holiday_exceptions
from kuroko.engine.model import Calendar, ExternalDates, Link, LinkType, Plan, Task
from kuroko.projects.models import COMPUTED_SCHEDULE_FIELDS, Dependency, Project, TaskKind
from kuroko.projects.models import Task as TaskRow

DAY_START = 9 * 60


def organisation_calendar(org: Organisation, years: range) -> Calendar:
    """Weekdays from 09:00 with a lunch hour after the morning's three hours, and national holidays."""
    minutes = int(Decimal(org.hours_per_day) * 60)
    morning = min(minutes, 180)
    day: tuple[tuple[int, int], ...] = ((DAY_START, DAY_START + morning),)
    if minutes > morning:
        afternoon_start = DAY_START + morning + 60
        day += ((afternoon_start, min(afternoon_start + minutes - morning, 24 * 60)),)
    week = (day,) * 5 + ((), ())
    try:
        holidays = holiday_exceptions(org.holiday_country, years)
    except (KeyError, NotImplementedError):  # an unknown country code: no public holidays
        holidays = ()
    return Calendar("organisation", org.name, week, holidays)


def project_start(project: Project, tasks: list[TaskRow], today: date) -> datetime:
    """The project's planned start, else its earliest task's, else today — at the start of the day."""
    starts = [t.planned_start for t in tasks if t.planned_start]
    day = project.planned_start or (min(starts) if starts else today)
    return datetime.combine(day, time()) + timedelta(minutes=DAY_START)


def project_plan(project: Project, *, today: date) -> tuple[Plan, dict[str, TaskRow]]:
    """The engine plan of a project and its task rows by engine id (the row's primary key as text)."""
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
            "planned_start",
            *COMPUTED_SCHEDULE_FIELDS,
        )
    )
    start = project_start(project, rows, today)
    calendar = organisation_calendar(org, range(start.year - 1, start.year + 11))
    by_id = {str(t.pk): t for t in rows}
    tasks = tuple(
        Task(
            id=str(t.pk),
            name=t.name,
            duration=0 if t.kind == TaskKind.MILESTONE else t.duration_minutes,
            parent=str(t.parent_id) if t.parent_id else None,
            milestone=t.kind == TaskKind.MILESTONE,
        )
        for t in rows
    )
    links: list[Link] = []
    external: dict[str, ExternalDates] = {}
    links_rows = Dependency.objects.filter(successor__project=project).values_list(
        "predecessor_id",
        "successor_id",
        "type",
        "lag_minutes",
        "predecessor__project_id",
        "predecessor__project__code",
        "predecessor__wbs_code",
        "predecessor__planned_start",
        "predecessor__planned_finish",
        "predecessor__name",
    )
    for (
        pred_pk,
        succ_pk,
        link_type,
        lag,
        pred_project,
        code,
        wbs_code,
        pred_start,
        pred_finish,
        name,
    ) in links_rows:
        pred_id = str(pred_pk)
        if pred_project != project.pk:
            if pred_start is None or pred_finish is None:
                continue  # an undated task elsewhere cannot constrain this project yet
            pred_id = f"{code}:{wbs_code}"
            external[pred_id] = ExternalDates(
                pred_id,
                datetime.combine(pred_start, time()) + timedelta(minutes=DAY_START),
                datetime.combine(pred_finish, time())
                + timedelta(minutes=DAY_START)
                + timedelta(minutes=int(Decimal(org.hours_per_day) * 60) + 60),
                name,
            )
        links.append(Link(pred_id, str(succ_pk), LinkType(link_type), lag))
    plan = Plan(
        start=start,
        tasks=tasks,
        links=tuple(links),
        calendars=(calendar,),
        calendar=calendar.id,
        name=f"{project.code} {project.name}",
        external=tuple(external.values()),
        minutes_per_day=int(Decimal(org.hours_per_day) * 60),
        minutes_per_week=int(Decimal(org.hours_per_day) * 60) * 5,
    )
    return plan, by_id
