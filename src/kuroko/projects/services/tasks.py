"""Writes to the WBS: task fields, tree operations and the derived numbering and roll-ups."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, bulk_set, save_validated
from kuroko.core.versioning import check_version
from kuroko.engine import wbs
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import aware, constraint_moment, work_calendar
from kuroko.projects.models import (
    ConstraintType,
    Project,
    Task,
    TaskKind,
)
from kuroko.projects.services.fields import PROGRESS_FIELDS, SCHEDULING_FIELDS, TASK_FIELDS
from kuroko.projects.services.notices import task_assigned
from kuroko.projects.services.schedule import project_reschedule

# --- Tasks: fields ------------------------------------------------------------------------------


def _normalise_task(task: Task) -> None:
    if task.kind == TaskKind.MILESTONE:
        task.duration_minutes = 0
        if task.planned_start and not task.planned_finish:
            task.planned_finish = task.planned_start
    if task.constraint_type in (ConstraintType.ASAP, ConstraintType.ALAP):
        task.constraint_date = None
    # Switched to manual scheduling, a task keeps the dates it has (MS Project); switched back, it has none.
    if task.manual and task.manual_start is None:
        task.manual_start = task.start
    if not task.manual or task.kind == TaskKind.SUMMARY:
        task.manual, task.manual_start = task.manual and task.kind != TaskKind.SUMMARY, None


_UNSET: Any = object()


def _dates_as_constraint(task: Task, data: Mapping[str, Any]) -> dict[str, Any]:
    """Entered start/finish dates as MS Project takes them: the schedule is computed, so a typed start
    becomes "start no earlier than", a typed finish "finish no earlier than", and both at once also set
    the duration to the working time between them (the way Excel WBS sheets are written)."""
    data = dict(data)
    if task.kind == TaskKind.SUMMARY or "constraint_type" in data:
        return data
    start = data.get("planned_start", _UNSET)
    finish = data.get("planned_finish", _UNSET)
    start_changed = start is not _UNSET and start is not None and start != task.planned_start
    finish_changed = finish is not _UNSET and finish is not None and finish != task.planned_finish
    if not (start_changed or finish_changed):
        return data
    # The typed dates are kept as the constraint (and duration); the schedule then sets the dates.
    data.pop("planned_start", None)
    data.pop("planned_finish", None)
    if data.get("manual", task.manual):
        return _dates_of_manual_task(
            task, data, start if start_changed else None, finish if finish_changed else None
        )
    if start_changed:
        data["constraint_type"] = ConstraintType.SNET
        data["constraint_date"] = aware(constraint_moment("SNET", start))
        if finish_changed or (finish is not _UNSET and finish is not None and task.planned_finish is None):
            if finish < start:
                raise ValidationError({"planned_finish": _("The finish cannot be before the start.")})
            if task.kind != TaskKind.MILESTONE and "duration_minutes" not in _changed(task, data):
                calendar = work_calendar(task.project)
                minutes = calendar.working_minutes(
                    constraint_moment("SNET", start), constraint_moment("FNET", finish)
                )
                if minutes <= 0:
                    raise ValidationError(
                        {"planned_finish": _("There is no working time between this start and finish.")}
                    )
                data["duration_minutes"] = minutes
    else:
        data["constraint_type"] = ConstraintType.FNET
        data["constraint_date"] = aware(constraint_moment("FNET", finish))
    return data


def _dates_of_manual_task(task: Task, data: dict[str, Any], start: Any, finish: Any) -> dict[str, Any]:
    """A manually scheduled task takes typed dates as they are (MS Project): the start becomes its manual
    start (the first working time of that day), a finish its duration from that start."""
    calendar = work_calendar(task.project)
    if start is not None:
        data["manual_start"] = aware(calendar.next_working(constraint_moment("SNET", start)))
    begin = start or task.planned_start
    if finish is not None and begin is not None and task.kind != TaskKind.MILESTONE:
        if finish < begin:
            raise ValidationError({"planned_finish": _("The finish cannot be before the start.")})
        minutes = calendar.working_minutes(
            constraint_moment("SNET", begin), constraint_moment("FNET", finish)
        )
        if minutes <= 0:
            raise ValidationError(
                {"planned_finish": _("There is no working time between this start and finish.")}
            )
        data["duration_minutes"] = minutes
    return data


def _changed(task: Task, data: Mapping[str, Any]) -> set[str]:
    return {name for name, value in data.items() if getattr(task, name, _UNSET) != value}


def _progress_actuals(task: Task, changed: list[str]) -> None:
    """Percent complete implies actual dates, as in MS Project: work under way has started (at its
    scheduled start unless entered), finished work has finished, and 0 % clears both."""
    if "percent_complete" not in changed:
        return
    if task.percent_complete == 0:
        if "actual_start" not in changed:
            task.actual_start = None
        if "actual_finish" not in changed:
            task.actual_finish = None
        return
    if task.actual_start is None:
        task.actual_start = task.start
    if task.percent_complete == 100:
        if task.actual_finish is None:
            task.actual_finish = task.finish
    elif "actual_finish" not in changed:
        task.actual_finish = None


@transaction.atomic
def task_create(
    *,
    actor: Any,
    project: Project,
    data: Mapping[str, Any],
    parent: Task | None = None,
    after: Task | None = None,
) -> Task:
    """Add a task as the last child of `parent` (or at top level), or right after sibling `after`."""
    require(perms.can_edit_project(actor, project))
    if after is not None:
        if after.project_id != project.pk:
            raise ValidationError({"after": _("That task belongs to another project.")})
        parent_id = after.parent_id
        Task.objects.filter(project=project, parent_id=parent_id, position__gt=after.position).update(
            position=_plus_one()
        )
        position = after.position + 1
    else:
        if parent is not None and parent.project_id != project.pk:
            raise ValidationError({"parent": _("The parent task belongs to another project.")})
        parent_id = parent.pk if parent else None
        last = Task.objects.filter(project=project, parent_id=parent_id).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    task = Task(project=project, parent_id=parent_id, position=position)
    fields = {k: v for k, v in data.items() if k != "kind" or v != TaskKind.SUMMARY}
    if "kind" in fields:
        task.kind = fields["kind"]
    fields = _dates_as_constraint(task, fields)
    apply_changes(task, fields, TASK_FIELDS)
    _normalise_task(task)
    save_validated(task, actor=actor)
    _restructured(project)
    task.refresh_from_db()
    if task.owner_id is not None:
        _tell_owner(actor, task)
    return task


def _tell_owner(actor: Any, task: Task) -> None:
    task_assigned(actor=actor, task=task, person=task.owner, owner=True)


def _plus_one() -> Any:
    return F("position") + 1


@transaction.atomic
def task_update(*, actor: Any, task: Task, data: Mapping[str, Any], expected_version: int | None) -> Task:
    """Change a task's fields. Owners without editing rights may change progress only."""
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    if perms.can_edit_project(actor, task.project):
        allowed: tuple[str, ...] = TASK_FIELDS
    else:
        require(perms.can_update_progress(actor, task))
        allowed = PROGRESS_FIELDS
    if data.get("kind") == TaskKind.SUMMARY and task.kind != TaskKind.SUMMARY:
        raise ValidationError({"kind": _("A task becomes a summary task when it gets subtasks.")})
    if task.kind == TaskKind.SUMMARY:
        derived = {"kind", "percent_complete", "planned_start", "planned_finish", "duration_minutes"}
        refused = sorted(name for name in data if name in derived and data[name] != getattr(task, name))
        if refused:
            raise ValidationError(
                {
                    name: _("A summary task takes this from its subtasks; change the subtasks instead.")
                    for name in refused
                }
            )
    check_version(task, expected_version)
    if allowed is TASK_FIELDS:
        data = _dates_as_constraint(task, data)
    changed = apply_changes(task, data, allowed)
    if changed:
        _normalise_task(task)
        _progress_actuals(task, changed)
        save_validated(task, actor=actor)
        if "duration_minutes" in changed:
            from kuroko.projects.services.assignments import assignments_follow_duration

            assignments_follow_duration(task)
        if SCHEDULING_FIELDS & set(changed):
            _restructured(task.project)
            task.refresh_from_db()
        if "owner" in changed and task.owner_id is not None:
            _tell_owner(actor, task)
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task, expected_version: int | None = None) -> int:
    """Delete a task with its subtasks and their links. Returns how many tasks were deleted."""
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    require(perms.can_edit_project(actor, task.project))
    check_version(task, expected_version)
    ids = subtree_ids(task)
    Task.objects.filter(pk__in=ids).delete()
    _restructured(task.project)
    return len(ids)


def subtree_ids(task: Task) -> list[int]:
    rows = list(Task.objects.filter(project_id=task.project_id).values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    out, stack = [], [task.pk]
    while stack:
        pk = stack.pop()
        out.append(pk)
        stack.extend(children.get(pk, []))
    return out


# --- Tasks: tree operations ---------------------------------------------------------------------


def _siblings(task: Task) -> list[Task]:
    return list(
        Task.objects.filter(project_id=task.project_id, parent_id=task.parent_id).order_by("position", "pk")
    )


def _locked(task: Task, actor: Any, expected_version: int | None) -> Task:
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    require(perms.can_edit_project(actor, task.project))
    check_version(task, expected_version)
    return task


@transaction.atomic
def task_indent(*, actor: Any, task: Task, expected_version: int | None = None) -> Task:
    """Make the task the last subtask of the sibling above it (rows keep their order)."""
    task = _locked(task, actor, expected_version)
    siblings = _siblings(task)
    index = [s.pk for s in siblings].index(task.pk)
    if index == 0:
        raise ValidationError(
            _("“%(task)s” cannot be indented: there is no task above it at the same level.")
            % {"task": task.name}
        )
    new_parent = siblings[index - 1]
    if new_parent.kind == TaskKind.MILESTONE:
        raise ValidationError(
            _("“%(task)s” cannot go under milestone “%(milestone)s”.")
            % {"task": task.name, "milestone": new_parent.name}
        )
    last = Task.objects.filter(parent=new_parent).aggregate(m=Max("position"))["m"]
    task.parent = new_parent
    task.position = 0 if last is None else last + 1
    save_validated(task, actor=actor)
    _restructured(task.project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_outdent(*, actor: Any, task: Task, expected_version: int | None = None) -> Task:
    """Move the task one level up, right after its parent. As in MS Project rows keep their order,
    so the siblings that were below it become its subtasks."""
    task = _locked(task, actor, expected_version)
    if task.parent_id is None:
        raise ValidationError(_("“%(task)s” is already at the top level.") % {"task": task.name})
    parent = Task.objects.get(pk=task.parent_id)
    followers = [s for s in _siblings(task) if (s.position, s.pk) > (task.position, task.pk)]
    last = Task.objects.filter(parent=task).aggregate(m=Max("position"))["m"]
    start = 0 if last is None else last + 1
    for offset, follower in enumerate(followers):
        follower.parent = task
        follower.position = start + offset
    Task.objects.bulk_update(followers, ["parent", "position"])
    Task.objects.filter(
        project_id=task.project_id, parent_id=parent.parent_id, position__gt=parent.position
    ).update(position=_plus_one())
    task.parent_id = parent.parent_id
    task.position = parent.position + 1
    save_validated(task, actor=actor)
    _restructured(task.project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_move(
    *, actor: Any, task: Task, direction: Literal["up", "down"], expected_version: int | None = None
) -> Task:
    """Swap the task (with its subtasks) with the sibling above or below it."""
    task = _locked(task, actor, expected_version)
    siblings = _siblings(task)
    index = [s.pk for s in siblings].index(task.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        message = (
            _("“%(task)s” is already the first at its level.")
            if direction == "up"
            else _("“%(task)s” is already the last at its level.")
        )
        raise ValidationError(message % {"task": task.name})
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Task.objects.bulk_update(siblings, ["position"])
    task.position = other_index
    save_validated(task, actor=actor)
    _restructured(task.project)
    task.refresh_from_db()
    return task


def _restructured(project: Project) -> None:
    """After a change to the WBS: derived WBS fields and roll-ups, then the engine's schedule."""
    renumber(project)
    project_reschedule(project)


def renumber(project: Project) -> None:
    """Recompute WBS codes, outline levels, rows, summary kinds and roll-ups of one project, and the
    project's % complete. Writes only the rows whose derived values changed."""
    tasks = list(
        Task.objects.filter(project=project).only(
            "pk",
            "parent_id",
            "position",
            "wbs_code",
            "outline_level",
            "row",
            "kind",
            "duration_minutes",
            "percent_complete",
            "planned_start",
            "planned_finish",
        )
    )
    by_id = {t.pk: t for t in tasks}
    numbered = wbs.number_tree(wbs.Node(t.pk, t.parent_id, t.position) for t in tasks)
    dirty: set[int] = set()
    for n in numbered:
        t = by_id[n.id]  # type: ignore[index]
        kind = t.kind
        if n.has_children:
            kind = TaskKind.SUMMARY
        elif kind == TaskKind.SUMMARY:
            kind = TaskKind.TASK
        new = (n.code, n.level, n.row, n.position, kind)
        if (t.wbs_code, t.outline_level, t.row, t.position, t.kind) != new:
            t.wbs_code, t.outline_level, t.row, t.position, t.kind = new
            dirty.add(t.pk)
    for r in wbs.roll_up(
        wbs.Leaf(t.pk, t.parent_id, t.duration_minutes, t.percent_complete, t.planned_start, t.planned_finish)
        for t in tasks
    ):
        t = by_id[r.id]  # type: ignore[index]
        new_values = (r.percent_complete, r.start, r.finish)
        if (t.percent_complete, t.planned_start, t.planned_finish) != new_values:
            t.percent_complete, t.planned_start, t.planned_finish = new_values
            dirty.add(t.pk)
    if dirty:
        bulk_set(
            [by_id[pk] for pk in dirty],
            [
                "wbs_code",
                "outline_level",
                "row",
                "position",
                "kind",
                "percent_complete",
                "planned_start",
                "planned_finish",
            ],
        )
    leaves = [(t.duration_minutes, t.percent_complete) for t in tasks if t.kind != TaskKind.SUMMARY]
    percent = Decimal(str(round(wbs.weighted_percent(leaves), 2)))
    if project.percent_complete != percent:
        Project.objects.filter(pk=project.pk).update(percent_complete=percent)
        project.percent_complete = percent
