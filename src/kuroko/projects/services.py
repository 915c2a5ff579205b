"""Writes to programs, projects, members, tasks and dependencies. Each function is one transaction
and checks the actor's permission before it changes anything."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated, update_row
from kuroko.core.versioning import check_version
from kuroko.engine import wbs
from kuroko.engine.graph import find_path
from kuroko.formats.predecessors import PredecessorRef
from kuroko.projects import permissions as perms
from kuroko.projects.models import (
    Dependency,
    DependencyType,
    Program,
    Project,
    ProjectMember,
    ProjectRole,
    Task,
    TaskKind,
)

PROGRAM_FIELDS = ("code", "name", "description")
PROJECT_FIELDS = (
    "code",
    "name",
    "description",
    "program",
    "manager",
    "sponsor",
    "status",
    "priority",
    "planned_start",
    "planned_finish",
    "budget",
    "rag_overall",
    "rag_overall_reason",
    "rag_schedule",
    "rag_schedule_reason",
    "rag_cost",
    "rag_cost_reason",
    "rag_scope",
    "rag_scope_reason",
    "rag_quality",
    "rag_quality_reason",
    "rag_risk",
    "rag_risk_reason",
)
TASK_FIELDS = (
    "name",
    "kind",
    "duration_minutes",
    "planned_start",
    "planned_finish",
    "percent_complete",
    "owner",
    "notes",
)
# What a task's owner may change without editing rights on the project.
PROGRESS_FIELDS = ("percent_complete",)


# --- Programs -----------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: Any, data: Mapping[str, Any]) -> Program:
    require(core_perms.can_edit_programs(actor))
    program = Program()
    apply_changes(program, data, PROGRAM_FIELDS)
    save_validated(program, actor=actor)
    return program


@transaction.atomic
def program_update(
    *, actor: Any, program: Program, data: Mapping[str, Any], expected_version: int | None
) -> Program:
    require(core_perms.can_edit_programs(actor))
    program = Program.objects.select_for_update().get(pk=program.pk)
    update_row(program, actor=actor, changes=data, allowed=PROGRAM_FIELDS, expected_version=expected_version)
    return program


@transaction.atomic
def program_delete(*, actor: Any, program: Program) -> None:
    require(core_perms.can_edit_programs(actor))
    if program.projects.exists():
        raise ValidationError(
            _("Program %(name)s still has projects; move or delete them first.") % {"name": program.name}
        )
    program.delete()


# --- Projects -----------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor: Any, data: Mapping[str, Any]) -> Project:
    """Create a project. A project manager who creates one becomes its manager."""
    require(core_perms.can_create_projects(actor))
    project = Project()
    apply_changes(project, data, PROJECT_FIELDS)
    if not core_perms.is_pmo(actor):
        person = getattr(actor, "person", None)
        if person is None:
            raise ValidationError({"manager": _("Your account is not linked to a person; ask the PMO.")})
        project.manager = person
    save_validated(project, actor=actor)
    if project.manager_id:
        ProjectMember.objects.get_or_create(
            project=project, person_id=project.manager_id, defaults={"role": ProjectRole.PROJECT_MANAGER}
        )
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, data: Mapping[str, Any], expected_version: int | None
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(perms.can_edit_project(actor, project))
    if "manager" in data and not core_perms.is_pmo(actor):
        # A PM cannot hand the project to someone else and lose access by accident; the PMO does that.
        current = project.manager_id
        new = data["manager"].pk if hasattr(data["manager"], "pk") else data["manager"]
        if new != current:
            raise ValidationError({"manager": _("Only the PMO can change the project manager.")})
    changed = update_row(
        project, actor=actor, changes=data, allowed=PROJECT_FIELDS, expected_version=expected_version
    )
    if "manager" in changed and project.manager_id:
        ProjectMember.objects.get_or_create(
            project=project, person_id=project.manager_id, defaults={"role": ProjectRole.PROJECT_MANAGER}
        )
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    require(perms.can_delete_project(actor, project))
    project.delete()


@transaction.atomic
def member_add(*, actor: Any, project: Project, person: Any, role: str = ProjectRole.MEMBER) -> ProjectMember:
    require(perms.can_edit_project(actor, project))
    member = ProjectMember.objects.filter(project=project, person=person).first() or ProjectMember(
        project=project, person=person
    )
    member.role = role
    member.full_clean(validate_unique=False)
    member.save()
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: ProjectMember) -> None:
    require(perms.can_edit_project(actor, member.project))
    if member.person_id == member.project.manager_id:
        raise ValidationError(
            _("%(person)s is the project manager; choose another manager first.") % {"person": member.person}
        )
    member.delete()


# --- Tasks: fields ------------------------------------------------------------------------------


def _normalise_task(task: Task) -> None:
    if task.kind == TaskKind.MILESTONE:
        task.duration_minutes = 0
        if task.planned_start and not task.planned_finish:
            task.planned_finish = task.planned_start


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
    apply_changes(task, fields, TASK_FIELDS)
    _normalise_task(task)
    save_validated(task, actor=actor)
    renumber(project)
    task.refresh_from_db()
    return task


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
    changed = apply_changes(task, data, allowed)
    if changed:
        _normalise_task(task)
        save_validated(task, actor=actor)
        if {"percent_complete", "duration_minutes", "planned_start", "planned_finish", "kind"} & set(changed):
            renumber(task.project)
            task.refresh_from_db()
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task, expected_version: int | None = None) -> int:
    """Delete a task with its subtasks and their links. Returns how many tasks were deleted."""
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    require(perms.can_edit_project(actor, task.project))
    check_version(task, expected_version)
    ids = _subtree_ids(task)
    Task.objects.filter(pk__in=ids).delete()
    renumber(task.project)
    return len(ids)


def _subtree_ids(task: Task) -> list[int]:
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
    renumber(task.project)
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
    renumber(task.project)
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
    renumber(task.project)
    task.refresh_from_db()
    return task


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
        Task.objects.bulk_update(
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
            batch_size=500,
        )
    leaves = [(t.duration_minutes, t.percent_complete) for t in tasks if t.kind != TaskKind.SUMMARY]
    percent = Decimal(str(round(wbs.weighted_percent(leaves), 2)))
    if project.percent_complete != percent:
        Project.objects.filter(pk=project.pk).update(percent_complete=percent)
        project.percent_complete = percent


# --- Dependencies -------------------------------------------------------------------------------


@transaction.atomic
def dependency_create(
    *, actor: Any, predecessor: Task, successor: Task, type: str = DependencyType.FS, lag_minutes: int = 0
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
        descendants = set(_subtree_ids(successor)) - {successor.pk}
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
    dependency = Dependency(predecessor=predecessor, successor=successor, type=type, lag_minutes=lag_minutes)
    dependency.full_clean()
    dependency._history_user = actor  # type: ignore[attr-defined]
    dependency.save()
    return dependency


@transaction.atomic
def dependency_update(*, actor: Any, dependency: Dependency, data: Mapping[str, Any]) -> Dependency:
    require(perms.can_edit_project(actor, dependency.successor.project))
    if apply_changes(dependency, data, ("type", "lag_minutes")):
        dependency.full_clean()
        dependency._history_user = actor  # type: ignore[attr-defined]
        dependency.save()
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Any, dependency: Dependency) -> None:
    require(perms.can_edit_project(actor, dependency.successor.project))
    dependency.delete()


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
                    data={"type": ref.type, "lag_minutes": ref.lag_minutes},
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
                )
            )
    return result
