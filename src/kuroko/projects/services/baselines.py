"""Baselines: saved copies of a project's schedule (MS Project's Baseline and Baseline1–10)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import naive, work_calendar
from kuroko.projects.models import BASELINE_COUNT, Baseline, BaselineTask, Project, Task, TaskKind
from kuroko.projects.selectors.planned_cost import planned_budgets


def _check_number(number: int) -> None:
    if not 0 <= number < BASELINE_COUNT:
        raise ValidationError(
            {"number": _("A baseline number runs from 0 to %(last)d.") % {"last": BASELINE_COUNT - 1}}
        )


@transaction.atomic
def baseline_capture(*, actor: Any, project: Project, number: int = 0, name: str = "") -> Baseline:
    """Save the project's current schedule as baseline `number` (replacing what it held): each task's
    start, finish, duration, planned work and planned labour cost (the budget of earned value: see
    `projects.selectors.planned_cost`), and the project's start and finish."""
    require(perms.can_edit_project(actor, project))
    _check_number(number)
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})
    project = Project.objects.select_for_update().get(pk=project.pk)
    baseline, _created = Baseline.objects.update_or_create(
        project=project,
        number=number,
        defaults={
            "name": name,
            "captured_at": timezone.now(),
            "captured_by": actor if getattr(actor, "pk", None) else None,
            "start": project.scheduled_start,
            "finish": project.scheduled_finish,
        },
    )
    baseline.tasks.all().delete()
    rows = list(
        Task.objects.filter(project=project).only(
            "pk", "parent_id", "kind", "start", "finish", "duration_minutes"
        )
    )
    budgets = planned_budgets(project, rows)
    calendar = work_calendar(project) if any(t.kind == TaskKind.SUMMARY for t in rows) else None
    copies = []
    for task in rows:
        duration = task.duration_minutes
        start, finish = naive(task.start), naive(task.finish)
        if task.kind == TaskKind.SUMMARY and calendar is not None and start and finish:
            # A summary's duration is the working time its children span.
            duration = calendar.working_minutes(start, finish)
        budget = budgets[task.pk]
        copies.append(
            BaselineTask(
                baseline=baseline,
                task=task,
                start=task.start,
                finish=task.finish,
                duration_minutes=duration,
                work_minutes=budget.work_minutes,
                cost=budget.cost,
            )
        )
    BaselineTask.objects.bulk_create(copies, batch_size=1000)
    return baseline


@transaction.atomic
def baseline_clear(*, actor: Any, project: Project, number: int) -> None:
    """Delete baseline `number` of the project (MS Project's "Clear baseline")."""
    require(perms.can_edit_project(actor, project))
    _check_number(number)
    deleted, _details = Baseline.objects.filter(project=project, number=number).delete()
    if not deleted:
        raise ValidationError({"number": _("Baseline %(n)d has not been saved.") % {"n": number}})
