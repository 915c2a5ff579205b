"""Per-project permission rules, used by the selectors and services of pages and API alike.

- PMO administrator: everything.  PMO member: read all, edit portfolio data (all projects).
- Project manager: edit the projects they manage (as the project's manager or a PM/deputy member);
  read those and the ones they belong to.
- Team member: read the projects they belong to; update progress of the tasks they own.
- Executive: read everything, change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from kuroko.core.models import Role
from kuroko.core.permissions import is_pmo, reads_everything, role_of
from kuroko.projects.models import Project, ProjectMember, ProjectRole, Task

MANAGING_ROLES = (ProjectRole.PROJECT_MANAGER, ProjectRole.DEPUTY_MANAGER)


def _person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person.pk if person is not None else None


def visible_projects(user: Any, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects `user` may read."""
    qs = queryset if queryset is not None else Project.objects.all()
    role = role_of(user)
    if role is None:
        return qs.none()
    if reads_everything(user):
        return qs
    person_id = _person_id(user)
    if person_id is None:
        return qs.none()
    member = ProjectMember.objects.filter(project=OuterRef("pk"), person_id=person_id)
    owns = Task.objects.filter(project=OuterRef("pk"), owner_id=person_id)
    return qs.filter(Q(manager_id=person_id) | Q(sponsor_id=person_id) | Exists(member) | Exists(owns))


def can_view_project(user: Any, project: Project) -> bool:
    return visible_projects(user, Project.objects.filter(pk=project.pk)).exists()


def manages(user: Any, project: Project) -> bool:
    """True when the user is the project's manager or a PM/deputy member of it."""
    person_id = _person_id(user)
    if person_id is None:
        return False
    if project.manager_id == person_id:
        return True
    return ProjectMember.objects.filter(
        project=project, person_id=person_id, role__in=MANAGING_ROLES
    ).exists()


def can_edit_project(user: Any, project: Project) -> bool:
    """Header, WBS, dependencies and members of the project."""
    if is_pmo(user):
        return True
    return role_of(user) == Role.PROJECT_MANAGER and manages(user, project)


def can_delete_project(user: Any, project: Project) -> bool:
    return role_of(user) == Role.PMO_ADMIN


def can_update_progress(user: Any, task: Task) -> bool:
    """Progress of a task: project editors, and the task's owner."""
    if can_edit_project(user, task.project):
        return True
    if role_of(user) == Role.EXECUTIVE:
        return False
    person_id = _person_id(user)
    return person_id is not None and task.owner_id == person_id
