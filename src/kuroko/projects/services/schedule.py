"""Scheduling a project with the engine and storing what it computes on the task rows."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kuroko.core.services import bulk_set
from kuroko.engine.cpm import PlanError, schedule
from kuroko.engine.model import Schedule
from kuroko.projects.mapping import aware, project_plan
from kuroko.projects.models import COMPUTED_SCHEDULE_FIELDS, Project, Task


@transaction.atomic
def project_reschedule(project: Project, *, today: date | None = None) -> Schedule | None:
    """Schedule the project and store early/late dates, floats and the critical flag on its tasks.

    Called by every service that changes tasks, links or the project's start. Only rows whose computed
    values changed are written. A plan the engine refuses (which the services' own checks prevent)
    leaves the stored values as they were and returns None.
    """
    plan, rows = project_plan(project, today=today or timezone.localdate())
    try:
        result = schedule(plan)
    except (PlanError, ValueError):
        return None
    # The engine works in naive local time (as MS Project does); the database stores aware instants.
    _aware = aware
    changed: list[Task] = []
    moved: list[int] = []  # tasks whose planned dates the schedule moved
    # The planned dates shown in the WBS are the scheduled ones (typed dates became constraints).
    fields = (*COMPUTED_SCHEDULE_FIELDS, "planned_start", "planned_finish")
    for key, dates in result.tasks.items():
        row = rows.get(key)
        if row is None:
            continue
        values = (
            _aware(dates.start),
            _aware(dates.finish),
            _aware(dates.early_start),
            _aware(dates.early_finish),
            _aware(dates.late_start),
            _aware(dates.late_finish),
            dates.total_float,
            dates.free_float,
            dates.critical,
            dates.start.date(),
            dates.finish.date(),
        )
        if tuple(getattr(row, name) for name in fields) != values:
            if (row.planned_start, row.planned_finish) != values[-2:]:
                moved.append(row.pk)
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, value)
            changed.append(row)
    if changed:
        bulk_set(changed, fields)
    # Calendar feeds must show a moved task as changed (a higher SEQUENCE) though nobody edited it.
    now = timezone.now()
    for first in range(0, len(moved), 500):
        Task.objects.filter(pk__in=moved[first : first + 500]).update(
            dates_revision=F("dates_revision") + 1, dates_changed_at=now
        )
    start, finish = _aware(result.project_start), _aware(result.project_finish)
    if (project.scheduled_start, project.scheduled_finish) != (start, finish):
        Project.objects.filter(pk=project.pk).update(scheduled_start=start, scheduled_finish=finish)
        project.scheduled_start, project.scheduled_finish = start, finish
    return result


def projects_reschedule_for_calendars(calendar_ids: list[int]) -> int:
    """Reschedule every project that works on one of these calendars (0: the organisation default,
    for projects without a calendar of their own). Returns how many were rescheduled."""
    from django.db.models import Q

    query = Q(calendar_id__in=[i for i in calendar_ids if i])
    if 0 in calendar_ids:
        query |= Q(calendar__isnull=True)
    count = 0
    for project in Project.objects.filter(query):
        project_reschedule(project)
        count += 1
    return count


def on_calendar_changed(sender: object, *, calendar_ids: list[int], **kwargs: object) -> None:
    """Receiver of core.events.calendar_changed (connected in ProjectsConfig.ready)."""
    projects_reschedule_for_calendars(calendar_ids)


def projects_in_link_order(projects: list[Project]) -> list[Project]:
    """`projects` ordered so that each comes after the projects it depends on through links; projects
    that depend on each other both ways come twice (so each sees the other's new dates)."""
    from kuroko.projects.models import Dependency

    pks = {p.pk for p in projects}
    needs: dict[int, set[int]] = {pk: set() for pk in pks}
    for pred, succ in (
        Dependency.objects.filter(predecessor__project_id__in=pks, successor__project_id__in=pks)
        .values_list("predecessor__project_id", "successor__project_id")
        .distinct()
    ):
        if pred != succ:
            needs[succ].add(pred)
    order: list[int] = []
    ready = sorted(pk for pk, before in needs.items() if not before)
    waiting = {pk: set(before) for pk, before in needs.items() if before}
    while ready:
        pk = ready.pop(0)
        order.append(pk)
        for other, before in list(waiting.items()):
            before.discard(pk)
            if not before:
                del waiting[other]
                ready.append(other)
    looped = sorted(waiting)
    order += looped + looped
    by_pk = {p.pk: p for p in projects}
    return [by_pk[pk] for pk in order]


def portfolio_reschedule(*, actor: object, projects: list[Project]) -> list[Project]:
    """Reschedule `projects` so that links between them hold: each project after the projects it
    depends on (a project takes the others' stored dates), repeated once more for projects that depend
    on each other both ways. The PMO only. Returns the projects in the order they were scheduled."""
    from kuroko.core.permissions import is_pmo, require

    require(is_pmo(actor))
    done = []
    for project in projects_in_link_order(projects):
        with transaction.atomic():
            project_reschedule(project)
        done.append(project)
    return done
