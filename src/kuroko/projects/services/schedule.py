"""Scheduling a project with the engine and storing what it computes on the task rows."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from kuroko.engine.cpm import PlanError, schedule
from kuroko.engine.model import Schedule
from kuroko.projects.mapping import project_plan
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
    zone = timezone.get_current_timezone()

    def _aware(moment: datetime) -> datetime:
        return moment.replace(tzinfo=zone)

    changed: list[Task] = []
    for key, dates in result.tasks.items():
        row = rows.get(key)
        if row is None:
            continue
        values = (
            _aware(dates.early_start),
            _aware(dates.early_finish),
            _aware(dates.late_start),
            _aware(dates.late_finish),
            dates.total_float,
            dates.free_float,
            dates.critical,
        )
        if tuple(getattr(row, name) for name in COMPUTED_SCHEDULE_FIELDS) != values:
            for name, value in zip(COMPUTED_SCHEDULE_FIELDS, values, strict=True):
                setattr(row, name, value)
            changed.append(row)
    if changed:
        Task.objects.bulk_update(changed, COMPUTED_SCHEDULE_FIELDS, batch_size=500)
    start, finish = _aware(result.project_start), _aware(result.project_finish)
    if (project.scheduled_start, project.scheduled_finish) != (start, finish):
        Project.objects.filter(pk=project.pk).update(scheduled_start=start, scheduled_finish=finish)
        project.scheduled_start, project.scheduled_finish = start, finish
    return result
