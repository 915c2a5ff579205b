"""People and placeholders assigned to tasks: units, work and the duration they imply (as in MS Project)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, Placeholder, Project, Task, TaskKind
from kuroko.projects.services.notices import task_assigned
from kuroko.projects.services.schedule import project_reschedule

PLACEHOLDER_FIELDS = ("name", "skill", "min_level", "quantity")


@transaction.atomic
def placeholder_create(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Placeholder:
    """A generic resource of the project ("Java developer, level ≥ 3, ×2")."""
    require(perms.can_edit_project(actor, project))
    placeholder = Placeholder(project=project)
    apply_changes(placeholder, data, PLACEHOLDER_FIELDS)
    placeholder.full_clean()
    placeholder.save()
    return placeholder


def _work(duration: int, units: int) -> int:
    return round(duration * units / 100)


@transaction.atomic
def assignment_set(
    *,
    actor: Any,
    task: Task,
    person: Person | None = None,
    placeholder: Placeholder | None = None,
    units: int = 100,
    work_minutes: int | None = None,
    contour: str = "flat",
    booking: str = "confirmed",
) -> Assignment:
    """Assign a person or a placeholder to a task, or change the assignment.

    Units are the share of their time (100 % = full time). Without `work_minutes` the work follows the
    task's duration (work = duration × units). With it, the task is effort-driven as in MS Project: its
    duration becomes the work divided by the units of all its assignments, and the other assignments'
    work follows the new duration.
    """
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    require(perms.can_edit_project(actor, task.project))
    if (person is None) == (placeholder is None):
        raise ValidationError({"person": _("Assign either a person or a placeholder.")})
    if task.kind != TaskKind.TASK:
        raise ValidationError({"task": _("Only a task (not a summary or a milestone) has work to assign.")})
    if placeholder is not None and placeholder.project_id != task.project_id:
        raise ValidationError({"placeholder": _("The placeholder belongs to another project.")})
    assignment = Assignment.objects.filter(
        task=task, person=person, placeholder=placeholder
    ).first() or Assignment(task=task, person=person, placeholder=placeholder)
    new_person = person is not None and assignment.pk is None
    assignment.units, assignment.contour, assignment.booking = units, contour, booking
    assignment.work_minutes = _work(task.duration_minutes, units) if work_minutes is None else work_minutes
    assignment.full_clean(validate_unique=False)
    assignment.save()
    if work_minutes is not None:
        others = list(Assignment.objects.filter(task=task).exclude(pk=assignment.pk))
        total_units = units + sum(a.units for a in others)
        duration = (
            round(work_minutes * 100 / units)
            if not others
            else round((work_minutes + sum(a.work_minutes for a in others)) * 100 / total_units)
        )
        if duration != task.duration_minutes:
            task.duration_minutes = duration
            save_validated(task, actor=actor)
            for other in others:
                other.work_minutes = _work(duration, other.units)
                other.save(update_fields=["work_minutes"])
            project_reschedule(task.project)
    if new_person:
        task_assigned(actor=actor, task=task, person=person)
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: Assignment) -> None:
    require(perms.can_edit_project(actor, assignment.task.project))
    assignment.delete()


def assignments_follow_duration(task: Task) -> None:
    """After a task's duration changed: each assignment's work follows it (fixed units)."""
    rows = list(Assignment.objects.filter(task=task))
    for row in rows:
        row.work_minutes = _work(task.duration_minutes, row.units)
    Assignment.objects.bulk_update(rows, ["work_minutes"])
