"""The daily overdue check of tasks: each task's owner is told once when the task passes its finish
without being complete (again if its finish moved later and it passed that too)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.notifications import notified_at, notify
from kuroko.projects.models import Status, Task, TaskKind

KIND = "projects.task_overdue"


def tasks_overdue_notify(*, today: date) -> int:
    """Notify the owners of the active projects' unfinished tasks and milestones whose finish (the scheduled
    one, else the planned one) is before `today`, each task once; returns how many were told."""
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    tasks = list(
        Task.objects.filter(
            project__status=Status.ACTIVE,
            kind__in=(TaskKind.TASK, TaskKind.MILESTONE),
            percent_complete__lt=100,
            owner__user__isnull=False,
            owner__user__is_active=True,
        )
        .filter(Q(finish__lt=midnight) | Q(finish__isnull=True, planned_finish__lt=today))
        .select_related("project", "owner__user")
        .order_by("project_id", "row")
    )
    urls = {t.pk: f"{t.project.get_absolute_url()}#task-{t.pk}" for t in tasks}
    told_at = notified_at(KIND, {(t.owner.user.pk, urls[t.pk]) for t in tasks if t.owner and t.owner.user})
    told = 0
    for task in tasks:
        user: Any = task.owner.user if task.owner else None
        due = timezone.localtime(task.finish).date() if task.finish else task.planned_finish
        assert due is not None  # the query asks for a finish before today
        last = told_at.get((user.pk, urls[task.pk]))
        # Told already, unless the finish moved past that notification and has been missed again.
        if last is not None and timezone.localtime(last).date() > due:
            continue
        _tell(user, task, due, urls[task.pk])
        told += 1
    return told


def _tell(user: Any, task: Task, due: date, url: str) -> None:
    ref, name, code = task.wbs_code, task.name, task.project.code
    notify(
        users=[user],
        kind=KIND,
        title=lambda: (
            _("Task %(wbs)s %(name)s of %(code)s is overdue") % {"wbs": ref, "name": name, "code": code}
        ),
        body=lambda: _("It was due to finish on %(date)s and is not complete.") % {"date": due.isoformat()},
        url=url,
    )
