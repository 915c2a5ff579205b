"""Links between tasks, in one project or across projects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes
from kuroko.engine.graph import find_path
from kuroko.formats.predecessors import PredecessorRef
from kuroko.projects import permissions as perms
from kuroko.projects.models import (
    Dependency,
    DependencyType,
    Task,
)
from kuroko.projects.services.schedule import project_reschedule
from kuroko.projects.services.tasks import subtree_ids

# --- Dependencies -------------------------------------------------------------------------------


@transaction.atomic
def dependency_create(
    *,
    actor: Any,
    predecessor: Task,
    successor: Task,
    type: str = DependencyType.FS,
    lag_minutes: int = 0,
    lag_elapsed: bool = False,
) -> Dependency:
    """Link two tasks (of the same or different projects). Refuses self links, duplicates, links
    between a summary task and its own subtasks, and links that would close a cycle."""
    require(perms.can_edit_project(actor, successor.project))
    if predecessor.pk == successor.pk:
        raise ValidationError({"predecessor": _("A task cannot depend on itself.")})
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError(
            {
                "predecessor": _("“%(pred)s” is already a predecessor of “%(succ)s”.")
                % {"pred": predecessor, "succ": successor}
            }
        )
    if predecessor.project_id == successor.project_id:
        ancestors = _ancestor_ids(successor)
        descendants = set(subtree_ids(successor)) - {successor.pk}
        if predecessor.pk in ancestors or predecessor.pk in descendants:
            raise ValidationError(
                {
                    "predecessor": _(
                        "A summary task cannot be linked to its own subtasks (%(pred)s → %(succ)s)."
                    )
                    % {"pred": predecessor, "succ": successor}
                }
            )
    edges = Dependency.objects.values_list("predecessor_id", "successor_id")
    path = find_path(edges, successor.pk, predecessor.pk)
    if path is not None:
        names = {t.pk: str(t) for t in Task.objects.filter(pk__in=[int(str(pk)) for pk in path])}
        cycle = " → ".join(names[pk] for pk in [*path, successor.pk])  # type: ignore[index]
        raise ValidationError(
            {"predecessor": _("This link would create a cycle: %(cycle)s.") % {"cycle": cycle}}
        )
    dependency = Dependency(
        predecessor=predecessor,
        successor=successor,
        type=type,
        lag_minutes=lag_minutes,
        lag_elapsed=lag_elapsed,
    )
    dependency.full_clean()
    dependency._history_user = actor  # type: ignore[attr-defined]
    dependency.save()
    project_reschedule(successor.project)
    return dependency


@transaction.atomic
def dependency_update(*, actor: Any, dependency: Dependency, data: Mapping[str, Any]) -> Dependency:
    require(perms.can_edit_project(actor, dependency.successor.project))
    if apply_changes(dependency, data, ("type", "lag_minutes", "lag_elapsed")):
        dependency.full_clean()
        dependency._history_user = actor  # type: ignore[attr-defined]
        dependency.save()
        project_reschedule(dependency.successor.project)
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Any, dependency: Dependency) -> None:
    project = dependency.successor.project
    require(perms.can_edit_project(actor, project))
    dependency.delete()
    project_reschedule(project)


def _ancestor_ids(task: Task) -> set[int]:
    parents = dict(Task.objects.filter(project_id=task.project_id).values_list("pk", "parent_id"))
    out: set[int] = set()
    current = parents.get(task.pk)
    while current is not None and current not in out:
        out.add(current)
        current = parents.get(current)
    return out


@transaction.atomic
def task_set_predecessors(*, actor: Any, task: Task, refs: list[PredecessorRef]) -> list[Dependency]:
    """Make the task's predecessors exactly `refs` (WBS codes, in this project unless a project code
    is given): links are added, changed or removed as needed."""
    require(perms.can_edit_project(actor, task.project))
    wanted: dict[int, PredecessorRef] = {}
    for ref in refs:
        code = ref.project or task.project.code
        predecessor = (
            Task.objects.select_related("project")
            .filter(project__code__iexact=code, wbs_code=ref.code)
            .first()
        )
        if predecessor is None:
            label = f"{ref.project}:{ref.code}" if ref.project else ref.code
            raise ValidationError({"predecessors": _("There is no task %(code)s.") % {"code": label}})
        if predecessor.project_id != task.project_id and not perms.can_view_project(
            actor, predecessor.project
        ):
            raise ValidationError({"predecessors": _("You cannot see project %(code)s.") % {"code": code}})
        wanted[predecessor.pk] = ref
    existing = {d.predecessor_id: d for d in Dependency.objects.filter(successor=task)}
    for pk, dependency in existing.items():
        if pk not in wanted:
            dependency_delete(actor=actor, dependency=dependency)
    result = []
    for pk, ref in wanted.items():
        if pk in existing:
            result.append(
                dependency_update(
                    actor=actor,
                    dependency=existing[pk],
                    data={"type": ref.type, "lag_minutes": ref.lag_minutes, "lag_elapsed": ref.lag_elapsed},
                )
            )
        else:
            result.append(
                dependency_create(
                    actor=actor,
                    predecessor=Task.objects.get(pk=pk),
                    successor=task,
                    type=ref.type,
                    lag_minutes=ref.lag_minutes,
                    lag_elapsed=ref.lag_elapsed,
                )
            )
    return result
