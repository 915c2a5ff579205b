"""Importing MS Project XML (MSPDI) as a new project."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.engine.model import LagKind
from kuroko.formats.mspdi import MspdiError, read_mspdi
from kuroko.projects.mapping import aware
from kuroko.projects.models import Dependency, Project, Task, TaskKind
from kuroko.projects.services.portfolio import project_create
from kuroko.projects.services.schedule import project_reschedule
from kuroko.projects.services.tasks import renumber

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else aware(moment)


@transaction.atomic
def project_import_mspdi(*, actor: Any, data: bytes, code: str, name: str = "") -> Project:
    """Create a project from an MS Project XML file: its tasks in outline order with durations,
    milestones, the dates MS Project stored, and its links (type and lag). One transaction: a file that
    cannot be read creates nothing, and the error names the line or element."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        source = read_mspdi(data)
    except MspdiError as exc:
        raise ValidationError(
            {"file": _("This is not a readable MS Project XML file: %(error)s") % {"error": exc}}
        ) from exc
    plan = source.plan
    if not plan.tasks:
        raise ValidationError({"file": _("The file has no tasks.")})
    project = project_create(
        actor=actor,
        data={
            "code": code,
            "name": name or plan.name or source.title or code,
            "status": "proposed",
            "planned_start": plan.start.date(),
            "planned_finish": plan.finish.date() if plan.finish else None,
        },
    )
    if plan.status_date is not None:
        project.status_date = plan.status_date.date()
        Project.objects.filter(pk=project.pk).update(status_date=project.status_date)
    rows: dict[str, Task] = {}
    positions: dict[str | None, int] = {}
    for task in plan.tasks:  # MSPDI lists tasks in outline order: parents come first
        parent = rows.get(task.parent) if task.parent else None
        position = positions.get(task.parent, 0)
        positions[task.parent] = position + 1
        stored = source.stored.get(task.id)
        start = stored.start.date() if stored and stored.start else None
        finish = stored.finish.date() if stored and stored.finish else None
        rows[task.id] = Task.objects.create(
            project=project,
            parent=parent,
            position=position,
            name=task.name[:255] or task.id,
            kind=TaskKind.MILESTONE if task.milestone else TaskKind.TASK,
            duration_minutes=0 if task.milestone else task.duration,
            planned_start=start,
            planned_finish=finish if finish and start and finish >= start else start,
            percent_complete=round(task.percent_complete),
            constraint_type=str(task.constraint),
            constraint_date=_aware(task.constraint_date),
            deadline=_aware(task.deadline),
            actual_start=_aware(task.actual_start),
            actual_finish=_aware(task.actual_finish),
        )
    links = []
    for link in plan.links:
        predecessor, successor = rows.get(link.predecessor), rows.get(link.successor)
        if predecessor is None or successor is None:
            continue  # a link to another project's task: not part of this file's plan
        lag = link.lag
        if link.lag_kind == LagKind.PERCENT:
            lag = predecessor.duration_minutes * link.lag / 100
        links.append(
            Dependency(
                predecessor=predecessor, successor=successor, type=str(link.type), lag_minutes=round(lag)
            )
        )
    Dependency.objects.bulk_create(links)
    renumber(project)
    project_reschedule(project)
    return project
