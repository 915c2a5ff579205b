"""Writes of action items: who must do what by when, linked to a risk, an issue, a decision or a change
request of the same project; the owner is told when the item is assigned to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.people.models import Person
from kuroko.raid import permissions as perms
from kuroko.raid.models import ActionItem, ActionStatus, ChangeRequest, Decision, Issue, Risk
from kuroko.raid.services.common import lock_project, next_number
from kuroko.raid.services.registers import (
    apply_and_save,
    item_url,
    limit,
    resolve,
    same_project,
    tell,
    today,
    users_of,
)

ACTION_FIELDS = (
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "risk",
    "issue",
    "decision",
    "change_request",
)
OWNER_FIELDS = ("description", "status")
LINKS = {"risk": Risk, "issue": Issue, "decision": Decision, "change_request": ChangeRequest}


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name, model in (*LINKS.items(), ("owner", Person)):
        if name in out:
            out[name] = resolve(model, out[name], name)
    return out


def _check(action: ActionItem, changed: list[str]) -> None:
    """Links stay inside the project; the completion date follows the status."""
    for name in LINKS:
        same_project(action.project, getattr(action, name), name)
    if action.status == ActionStatus.DONE:
        if action.completed_on is None:
            action.completed_on = today()
    else:
        action.completed_on = None


def _assigned(actor: Any, action: ActionItem) -> None:
    if action.owner_id is None:
        return
    code, title, project_code = action.code, action.title, action.project.code
    due = action.due_date
    tell(
        users_of(action.owner),
        actor=actor,
        kind="raid.action_assigned",
        title=lambda: (
            _("Action %(code)s assigned to you: %(title)s")
            % {"code": f"{project_code} {code}", "title": title}
        ),
        body=lambda: (_("Due %(date)s.") % {"date": due.isoformat()}) if due else "",
        url=item_url("action", action.pk),
    )


@transaction.atomic
def action_create(*, actor: Any, project: Any, data: Mapping[str, Any]) -> ActionItem:
    """Add an action item (anyone who reads the project but executives), numbered A-001 …; its owner is
    notified."""
    require(perms.can_raise(actor, project))
    values = _fields(data)
    project = lock_project(project)
    action = ActionItem(project=project)
    apply_changes(action, values, ACTION_FIELDS)
    action.title = action.title.strip()
    _check(action, [])
    action.number = next_number(ActionItem, project)
    save_validated(action, actor=actor)
    _assigned(actor, action)
    return action


@transaction.atomic
def action_update(
    *, actor: Any, action: ActionItem, data: Mapping[str, Any], expected_version: int | None
) -> ActionItem:
    """Change an action item: who manages the project changes anything, the owner its status and
    description. A new owner is notified."""
    require(perms.can_edit_item(actor, action))
    manager = perms.can_manage_raid(actor, action.project)
    action = ActionItem.objects.select_for_update(of=("self",)).select_related("project").get(pk=action.pk)
    values = _fields(data)
    if not manager:
        values = limit(action, values, OWNER_FIELDS)
    owner_before = action.owner_id
    apply_and_save(
        action,
        actor=actor,
        data=values,
        allowed=ACTION_FIELDS if manager else OWNER_FIELDS,
        expected_version=expected_version,
        check=_check,
    )
    if action.owner_id != owner_before:
        _assigned(actor, action)
    return action


@transaction.atomic
def action_delete(*, actor: Any, action: ActionItem) -> None:
    require(perms.can_manage_raid(actor, action.project))
    action.delete()
