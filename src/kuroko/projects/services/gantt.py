"""Edits made on the Gantt chart: move, resize, link and unlink, each returning the edit that undoes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import aware, constraint_moment, naive, work_calendar
from kuroko.projects.models import ConstraintType, Dependency, Project, Task, TaskKind
from kuroko.projects.services.dependencies import dependency_create, dependency_delete
from kuroko.projects.services.tasks import task_update

# What an undo may set back on a task.
UNDOABLE_FIELDS = ("constraint_type", "constraint_date", "duration_minutes")


@dataclass(frozen=True)
class GanttEdit:
    """The outcome of one Gantt edit: a sentence for the status line and the edit that reverses it."""

    message: str
    undo: dict[str, Any]


def _task(project: Project, value: Any, field: str) -> Task:
    try:
        return Task.objects.select_related("project").get(project=project, pk=int(value))
    except (TypeError, ValueError, Task.DoesNotExist) as exc:
        raise ValidationError({field: _("No task %(id)s in this project.") % {"id": value}}) from exc


def _day(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            {field: _("“%(value)s” is not a date like 2026-04-01.") % {"value": value}}
        ) from exc


def _version(edit: Mapping[str, Any]) -> int | None:
    version = edit.get("version")
    return int(version) if isinstance(version, int) else None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else naive(moment).isoformat()


@transaction.atomic
def gantt_edit(*, actor: Any, project: Project, edit: Mapping[str, Any]) -> GanttEdit:
    """Apply one edit from the Gantt chart.

    - ``move``: the task starts no earlier than ``start`` (an SNET constraint, as when a bar is dragged in
      MS Project);
    - ``resize``: the task's duration becomes the working time from its start to the end of ``finish``;
    - ``link``: a finish-to-start link from task ``from`` to task ``to``;
    - ``unlink``: delete ``dependency``;
    - ``set``: put back constraint and duration fields (what undo sends).
    """
    require(perms.can_edit_project(actor, project))
    op = edit.get("op")
    if op == "move":
        task = _task(project, edit.get("task"), "task")
        if task.kind == TaskKind.SUMMARY:
            raise ValidationError({"task": _("A summary task moves with its subtasks; move those instead.")})
        if task.actual_start is not None:
            raise ValidationError(
                {
                    "task": _(
                        "“%(task)s” started on %(date)s: its start is the actual start. Change the actual "
                        "start in the task instead."
                    )
                    % {"task": task.name, "date": timezone.localtime(task.actual_start).date()}
                }
            )
        day = _day(edit.get("start"), "start")
        undo = {
            "op": "set",
            "task": task.pk,
            "fields": {
                "constraint_type": task.constraint_type,
                "constraint_date": _iso(task.constraint_date),
            },
        }
        task_update(
            actor=actor,
            task=task,
            data={
                "constraint_type": ConstraintType.SNET,
                "constraint_date": aware(constraint_moment("SNET", day)),
            },
            expected_version=_version(edit),
        )
        return GanttEdit(
            _("“%(task)s” now starts no earlier than %(date)s.") % {"task": task.name, "date": day}, undo
        )
    if op == "resize":
        task = _task(project, edit.get("task"), "task")
        if task.kind != TaskKind.TASK or task.start is None:
            raise ValidationError(
                {"task": _("Only a scheduled task (not a summary or milestone) can be resized.")}
            )
        if task.actual_finish is not None:
            raise ValidationError(
                {"task": _("“%(task)s” is finished: its finish is the actual finish.") % {"task": task.name}}
            )
        day = _day(edit.get("finish"), "finish")
        calendar = work_calendar(project)
        # A bar dropped on a weekend or holiday ends on the working day beyond it, in the direction
        # it was dragged.
        step = timedelta(
            days=1 if task.finish is None or day > timezone.localtime(task.finish).date() else -1
        )
        for _day_count in range(366):
            if calendar.is_working_day(day):
                break
            day += step
        minutes = calendar.working_minutes(naive(task.start), constraint_moment("FNET", day))
        if minutes <= 0:
            raise ValidationError({"finish": _("The finish must be after the task's start.")})
        undo = {"op": "set", "task": task.pk, "fields": {"duration_minutes": task.duration_minutes}}
        task_update(
            actor=actor, task=task, data={"duration_minutes": minutes}, expected_version=_version(edit)
        )
        return GanttEdit(_("“%(task)s” now finishes on %(date)s.") % {"task": task.name, "date": day}, undo)
    if op == "link":
        predecessor = _task(project, edit.get("from"), "from")
        successor = _task(project, edit.get("to"), "to")
        link = dependency_create(
            actor=actor,
            predecessor=predecessor,
            successor=successor,
            type=str(edit.get("type") or "FS"),
            lag_minutes=int(edit.get("lag") or 0),
        )
        return GanttEdit(
            _("Linked “%(a)s” → “%(b)s”.") % {"a": predecessor.name, "b": successor.name},
            {"op": "unlink", "dependency": link.pk},
        )
    if op == "unlink":
        try:
            link = Dependency.objects.select_related("predecessor", "successor__project").get(
                pk=int(edit.get("dependency") or 0), successor__project=project
            )
        except (ValueError, Dependency.DoesNotExist) as exc:
            raise ValidationError({"dependency": _("No such link in this project.")}) from exc
        undo = {
            "op": "link",
            "from": link.predecessor_id,
            "to": link.successor_id,
            "type": link.type,
            "lag": link.lag_minutes,
        }
        names = {"a": link.predecessor.name, "b": link.successor.name}
        dependency_delete(actor=actor, dependency=link)
        return GanttEdit(_("Removed the link “%(a)s” → “%(b)s”.") % names, undo)
    if op == "set":
        task = _task(project, edit.get("task"), "task")
        fields = edit.get("fields")
        if not isinstance(fields, Mapping) or not fields or set(fields) - set(UNDOABLE_FIELDS):
            raise ValidationError({"fields": _("Only the constraint and the duration can be set here.")})
        data: dict[str, Any] = dict(fields)
        if "constraint_date" in data and data["constraint_date"] is not None:
            try:
                data["constraint_date"] = timezone.make_aware(datetime.fromisoformat(data["constraint_date"]))
            except (TypeError, ValueError) as exc:
                raise ValidationError({"constraint_date": _("Not a date and time.")}) from exc
        task_update(actor=actor, task=task, data=data, expected_version=_version(edit))
        return GanttEdit(_("Undone: “%(task)s” is back as it was.") % {"task": task.name}, {})
    raise ValidationError({"op": _("Unknown edit “%(op)s”.") % {"op": op}})
