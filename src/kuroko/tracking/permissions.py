"""Who may read and change timesheets (used by the timesheet selectors and services).

- A person fills in and submits their own weeks; the PMO may do it for anyone (clerical backbone).
- Project managers read the weeks of people in the projects they manage, and approve, reject or reopen
  the hours logged on those projects; the PMO decides for every project.
- Executives read every timesheet and change none.
- Closing and reopening a month is the PMO's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kuroko.core.models import Role
from kuroko.core.permissions import is_pmo, reads_everything, role_of
from kuroko.people.models import Person
from kuroko.projects.models import Project, ProjectMember
from kuroko.projects.permissions import MANAGING_ROLES, can_edit_project


def own_person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person.pk if person is not None else None


def managed_projects(user: Any) -> QuerySet[Project]:
    """The projects whose timesheet hours `user` approves: all for the PMO; for a project manager, the
    projects they manage (as manager or PM/deputy member)."""
    if is_pmo(user):
        return Project.objects.all()
    person_id = own_person_id(user)
    if role_of(user) != Role.PROJECT_MANAGER or person_id is None:
        return Project.objects.none()
    managing = ProjectMember.objects.filter(person_id=person_id, role__in=MANAGING_ROLES).values("project_id")
    return Project.objects.filter(Q(manager_id=person_id) | Q(pk__in=managing))


def approves(user: Any) -> bool:
    """Users who see the approval queue: the PMO and project managers."""
    return is_pmo(user) or role_of(user) == Role.PROJECT_MANAGER


def can_view_timesheet(user: Any, person: Person) -> bool:
    """The person, the PMO and executives, and the managers of projects the person works in (a member,
    assigned, or with hours logged on them)."""
    if role_of(user) is None:
        return False
    if own_person_id(user) == person.pk or reads_everything(user):
        return True
    if role_of(user) != Role.PROJECT_MANAGER:
        return False
    from kuroko.projects.models import Assignment

    projects = managed_projects(user)
    return (
        ProjectMember.objects.filter(person_id=person.pk, project__in=projects).exists()
        or Assignment.objects.filter(person_id=person.pk, task__project__in=projects).exists()
        or person.time_entries.filter(project__in=projects).exists()
    )


def can_edit_timesheet(user: Any, person: Person) -> bool:
    """The person themselves (any role but executive) and the PMO."""
    if is_pmo(user):
        return True
    return own_person_id(user) == person.pk and role_of(user) not in (None, Role.EXECUTIVE)


def can_decide(user: Any, project: Project) -> bool:
    """Approve or reject a project's hours: who edits the project (its PM, or the PMO)."""
    return can_edit_project(user, project)


def can_close_months(user: Any) -> bool:
    return is_pmo(user)
