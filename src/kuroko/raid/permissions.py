"""Who may read and change the RAID registers and the schedule risk analysis (used by the selectors and
services of pages and API alike).

- Reading: whoever may read the project (`visible_projects`); the portfolio views show only those.
- Raising a risk, an issue or an action item: anyone who reads the project, except executives (who change
  nothing) — team members raise what they see.
- Editing any item, decisions and change requests: who edits the project (its PM, or the PMO).
- The owner of a risk, issue or action item may update it (status, response, resolution, progress).
- Deciding a change request (approve / reject): the PMO, or the project's sponsor (even with the executive
  role — sponsors approve changes); never the person who requested it unless they are the PMO.
- The risk matrix and escalation rules: the PMO.
- Three-point estimates, correlation groups and simulation runs: who edits the project; reading results:
  who reads it.
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


def can_view_raid(user: Any, project: Project) -> bool:
    return can_view_project(user, project)


def can_raise(user: Any, project: Project) -> bool:
    """Add a risk, issue or action item to the project."""
    if role_of(user) in (None, Role.EXECUTIVE):
        return False
    return can_view_project(user, project)


def can_manage_raid(user: Any, project: Project) -> bool:
    """Edit every item of the project's registers, decisions and change requests."""
    return can_edit_project(user, project)


def can_edit_item(user: Any, item: Any) -> bool:
    """Edit one risk, issue or action item: project editors, and the item's owner."""
    if can_manage_raid(user, item.project):
        return True
    if role_of(user) in (None, Role.EXECUTIVE):
        return False
    person_id = own_person_id(user)
    return person_id is not None and getattr(item, "owner_id", None) == person_id


def can_decide_change(user: Any, project: Project) -> bool:
    """Approve or reject a change request: the PMO or the project's sponsor."""
    if is_pmo(user):
        return True
    person_id = own_person_id(user)
    return person_id is not None and project.sponsor_id == person_id and role_of(user) is not None


def can_configure_raid(user: Any) -> bool:
    """The risk matrix and the escalation rules."""
    return is_pmo(user)


def can_simulate(user: Any, project: Project) -> bool:
    """Edit estimates and correlation groups and start simulation runs."""
    return can_edit_project(user, project)
