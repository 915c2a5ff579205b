"""Who may read and change standards and governance data (used by selectors and services of pages and
API alike).

- Templates, project types, audit rule settings and quality indicator bands: the PMO edits; everyone signed
  in reads.
- Creating a project from a template: who may create projects. Saving a project as a template: the PMO.
  Applying a newer template version to a project: who edits the project.
- Phases, deliverables, gate criteria, quality records and defects of a project: who edits the project; team
  members of the project may record defects and update deliverables they own. Reading: who reads the project.
- Gate reviews: who edits the project opens them and answers criteria; each named approver records their
  own decision; the PMO may decide for an absent approver (recorded as such).
- Findings: read with the project; the PMO waives them and sets owner and due date; the finding's owner and
  the project's editors may set its due date. Running an audit: the PMO for all projects, project editors
  for their project.
- Lessons learned: everyone signed in reads; anyone except executives records; the author and the PMO edit.
"""

from __future__ import annotations

from typing import Any

from kuroko.core.models import Role
from kuroko.core.permissions import is_pmo, role_of
from kuroko.projects.models import Project
from kuroko.projects.permissions import can_edit_project, can_view_project


def own_person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    return person.pk if person is not None else None


def can_configure_standards(user: Any) -> bool:
    """Templates, project types, audit rules and quality bands."""
    return is_pmo(user)


def can_view_governance(user: Any, project: Project) -> bool:
    return can_view_project(user, project)


def can_manage_governance(user: Any, project: Project) -> bool:
    """Phases, deliverables, gate criteria and reviews, quality records of the project."""
    return can_edit_project(user, project)


def can_contribute(user: Any, project: Project) -> bool:
    """Record a defect or a lesson on the project: its readers except executives."""
    if role_of(user) in (None, Role.EXECUTIVE):
        return False
    return can_view_project(user, project)


def can_run_audit(user: Any, project: Project | None = None) -> bool:
    """All projects: the PMO; one project: who edits it."""
    if project is None:
        return is_pmo(user)
    return can_edit_project(user, project)


# --- Quality part (defects and lessons) ---


def can_edit_defect(user: Any, defect: Any) -> bool:
    """Who edits the project, or the contributor who recorded the defect."""
    if can_manage_governance(user, defect.project):
        return True
    return can_contribute(user, defect.project) and defect.created_by_id == getattr(user, "pk", None)


def can_record_lesson(user: Any) -> bool:
    """Everyone signed in except executives."""
    return role_of(user) not in (None, Role.EXECUTIVE)


def can_edit_lesson(user: Any, lesson: Any) -> bool:
    """The author and the PMO."""
    if role_of(user) is None:
        return False
    return can_configure_standards(user) or lesson.created_by_id == user.pk


def can_read_lessons(user: Any) -> bool:
    """Everyone signed in."""
    return role_of(user) is not None


# --- Audits part (findings) ---


def can_set_finding_due(user: Any, finding: Any) -> bool:
    """A finding's due date: the PMO, the project's editors, and the finding's owner (who reads it)."""
    if can_configure_standards(user) or can_manage_governance(user, finding.project):
        return True
    me = own_person_id(user)
    return me is not None and finding.owner_id == me and can_view_governance(user, finding.project)
