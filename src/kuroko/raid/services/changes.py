"""Writes of change requests (変更要求) and their approval workflow.

    draft ──submit──▶ submitted ──approve──▶ approved ──implement──▶ implemented
      │                  │  └────reject───▶ rejected
      └──withdraw──▶ withdrawn ◀──withdraw──┘

Who edits the project (or the requester) submits and withdraws; the PMO or the project's sponsor approves
or rejects (a note is needed to reject; the requester does not decide their own request unless they are
the PMO); who edits the project implements, optionally capturing the baseline it changes again. Each step
is kept in the request's history and tells the people concerned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.core.models import Role
from kuroko.core.notifications import users_with_roles
from kuroko.core.permissions import is_pmo, require
from kuroko.core.services import apply_changes, save_validated
from kuroko.people.models import Person
from kuroko.projects.models import Baseline
from kuroko.raid import permissions as perms
from kuroko.raid.models import ChangeRequest, ChangeStatus, Decision
from kuroko.raid.services.common import lock_project, next_number
from kuroko.raid.services.registers import (
    Refused,
    apply_and_save,
    item_url,
    manager_users,
    person_of,
    resolve,
    same_project,
    tell,
    today,
    users_of,
)

CHANGE_FIELDS = (
    "title",
    "description",
    "reason",
    "requested_by",
    "requested_on",
    "scope_impact",
    "schedule_impact_minutes",
    "cost_impact",
    "baseline",
    "owner",
)
EDITABLE = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED)
# action → (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((ChangeStatus.DRAFT,), ChangeStatus.SUBMITTED),
    "approve": ((ChangeStatus.SUBMITTED,), ChangeStatus.APPROVED),
    "reject": ((ChangeStatus.SUBMITTED,), ChangeStatus.REJECTED),
    "withdraw": ((ChangeStatus.DRAFT, ChangeStatus.SUBMITTED), ChangeStatus.WITHDRAWN),
    "implement": ((ChangeStatus.APPROVED,), ChangeStatus.IMPLEMENTED),
}
ACTIONS = tuple(TRANSITIONS)
WHO = {
    "submit": gettext_lazy("Only who manages the project or the requester submits a change request."),
    "withdraw": gettext_lazy("Only who manages the project or the requester withdraws a change request."),
    "approve": gettext_lazy("Only the PMO or the project's sponsor decides change requests."),
    "reject": gettext_lazy("Only the PMO or the project's sponsor decides change requests."),
    "implement": gettext_lazy("Only who manages the project implements a change request."),
}
WHEN = {
    "submit": gettext_lazy("%(code)s is %(status)s: only a draft can be submitted."),
    "withdraw": gettext_lazy("%(code)s is %(status)s: only a draft or submitted request can be withdrawn."),
    "approve": gettext_lazy("%(code)s is %(status)s: only a submitted request can be decided."),
    "reject": gettext_lazy("%(code)s is %(status)s: only a submitted request can be decided."),
    "implement": gettext_lazy("%(code)s is %(status)s: only an approved request can be implemented."),
}


def _prepare(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name, model in (("owner", Person), ("requested_by", Person), ("baseline", Baseline)):
        if name in out:
            out[name] = resolve(model, out[name], name)
    return out


def _check(change: ChangeRequest, changed: list[str]) -> None:
    same_project(change.project, change.baseline, "baseline")


def _decisions(project: Any, values: Iterable[Any]) -> list[Decision]:
    items = [resolve(Decision, v, "decisions") for v in values]
    for item in items:
        same_project(project, item, "decisions")
    return items


def is_requester(actor: Any, change: ChangeRequest) -> bool:
    person = person_of(actor)
    return person is not None and change.requested_by_id == person.pk


@transaction.atomic
def change_request_create(
    *, actor: Any, project: Any, data: Mapping[str, Any], decisions: Iterable[Any] | None = None
) -> ChangeRequest:
    """A new change request in draft, numbered CR-001 … (requested by the actor unless said otherwise)."""
    require(perms.can_manage_raid(actor, project))
    project = lock_project(project)
    change = ChangeRequest(project=project, requested_by=person_of(actor), requested_on=today())
    apply_changes(change, _prepare(data), CHANGE_FIELDS)
    change.title = change.title.strip()
    _check(change, [])
    related = _decisions(project, decisions or [])
    change.number = next_number(ChangeRequest, project)
    save_validated(change, actor=actor)
    change.decisions.set(related)
    return change


@transaction.atomic
def change_request_update(
    *,
    actor: Any,
    change: ChangeRequest,
    data: Mapping[str, Any],
    expected_version: int | None,
    decisions: Iterable[Any] | None = None,
) -> ChangeRequest:
    """Edit a draft or submitted request (decided ones keep what was decided)."""
    require(perms.can_manage_raid(actor, change.project))
    change = ChangeRequest.objects.select_for_update(of=("self",)).select_related("project").get(pk=change.pk)
    if change.status not in EDITABLE:
        raise Refused(
            _("%(code)s is %(status)s: it can no longer be edited.")
            % {"code": change.code, "status": change.get_status_display()}
        )
    if change.status != ChangeStatus.DRAFT and "requested_by" in data:
        requester = getattr(data["requested_by"], "pk", data["requested_by"])
        if str(requester or "") != str(change.requested_by_id or ""):
            raise ValidationError(
                {"requested_by": _("The requester cannot change once the request is submitted.")}
            )
    related = _decisions(change.project, decisions) if decisions is not None else None
    apply_and_save(
        change,
        actor=actor,
        data=_prepare(data),
        allowed=CHANGE_FIELDS,
        expected_version=expected_version,
        check=_check,
    )
    if related is not None:
        change.decisions.set(related)
    return change


@transaction.atomic
def change_request_delete(*, actor: Any, change: ChangeRequest) -> None:
    """Delete a request that was never approved (approved and implemented ones stay on record)."""
    require(perms.can_manage_raid(actor, change.project))
    if change.status in (ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED):
        raise Refused(
            _("%(code)s is %(status)s: it stays on record.")
            % {"code": change.code, "status": change.get_status_display()}
        )
    change.delete()


def may_transition(actor: Any, change: ChangeRequest, action: str) -> bool:
    """Whether `actor` may take `action` on the request (whatever its status)."""
    project = change.project
    if action in ("submit", "withdraw"):
        if perms.can_manage_raid(actor, project):
            return True
        return is_requester(actor, change) and perms.can_view_raid(actor, project)
    if action in ("approve", "reject"):
        if not perms.can_decide_change(actor, project):
            return False
        return is_pmo(actor) or not (is_requester(actor, change) or _submitted_by(actor, change))
    if action == "implement":
        return perms.can_manage_raid(actor, project)
    return False


def _submitted_by(actor: Any, change: ChangeRequest) -> bool:
    """Whether `actor` submitted the request (from its history): whoever asked for the change, whatever the
    "requested by" field says, does not decide it."""
    if change.status != ChangeStatus.SUBMITTED or not getattr(actor, "pk", None):
        return False
    record = (
        change.history.filter(status=ChangeStatus.SUBMITTED).order_by("history_date", "history_id").first()
    )
    return record is not None and record.history_user_id == actor.pk


def allowed_actions(actor: Any, change: ChangeRequest) -> list[str]:
    """The transitions the actor may take now (for the buttons on the page)."""
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if change.status in sources and may_transition(actor, change, action)
    ]


def _deciders(change: ChangeRequest) -> list[Any]:
    sponsor = change.project.sponsor if change.project.sponsor_id else None
    return [*users_with_roles(Role.PMO_ADMIN, Role.PMO_MEMBER), *users_of(sponsor)]


@transaction.atomic
def change_request_transition(
    *,
    actor: Any,
    change: ChangeRequest,
    action: str,
    note: str = "",
    capture_baseline: bool = False,
    baseline_number: int | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    """Move the request along the workflow (see the module docstring).

    Refused with PermissionDenied when the actor may not take the step, `Refused` (409) when the request's
    status does not allow it, and ValidationError naming `note` when a rejection has no reason.
    Implementing with `capture_baseline` saves the project's current schedule as the baseline the request
    changes (its own, or `baseline_number`, else baseline 0) and links it.
    """
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("Choose one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)}})
    change = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("project", "project__manager", "project__sponsor", "requested_by", "baseline")
        .get(pk=change.pk)
    )
    if not may_transition(actor, change, action):
        if action in ("approve", "reject") and perms.can_decide_change(actor, change.project):
            raise PermissionDenied(_("You requested this change: someone else decides it."))
        raise PermissionDenied(str(WHO[action]))
    from kuroko.core.versioning import check_version

    check_version(change, expected_version)
    sources, target = TRANSITIONS[action]
    if change.status not in sources:
        raise Refused(str(WHEN[action]) % {"code": change.code, "status": change.get_status_display()})
    note = (note or "").strip()
    if action == "reject" and not note:
        raise ValidationError({"note": _("Give the reason for rejecting the change.")})
    now = timezone.now()
    change.status = target
    if action == "submit":
        change.submitted_at = now
    elif action in ("approve", "reject"):
        change.decided_by = person_of(actor)
        change.decided_at = now
        change.decision_note = note
    elif action == "implement":
        change.implemented_at = now
        if capture_baseline:
            from kuroko.projects.services import baseline_capture

            number = baseline_number
            if number is None:
                number = change.baseline.number if change.baseline is not None else 0
            change.baseline = baseline_capture(
                actor=actor,
                project=change.project,
                number=number,
                name=f"{change.code} {change.title}"[:100],
            )
    save_validated(change, actor=actor)
    _tell(actor, change, action, note)
    return change


def _tell(actor: Any, change: ChangeRequest, action: str, note: str) -> None:
    code, title, project_code = change.code, change.title, change.project.code
    ref = f"{project_code} {code}"
    url = item_url("change", change.pk)
    requester = users_of(change.requested_by if change.requested_by_id else None)
    titles = {
        "submit": lambda: (
            _("Change request %(code)s waits for your decision: %(title)s") % {"code": ref, "title": title}
        ),
        "approve": lambda: _("Change request %(code)s approved: %(title)s") % {"code": ref, "title": title},
        "reject": lambda: _("Change request %(code)s rejected: %(title)s") % {"code": ref, "title": title},
        "withdraw": lambda: _("Change request %(code)s withdrawn: %(title)s") % {"code": ref, "title": title},
        "implement": lambda: (
            _("Change request %(code)s implemented: %(title)s") % {"code": ref, "title": title}
        ),
    }
    if action == "submit":
        users = _deciders(change)
    elif action == "withdraw":
        users = [*_deciders(change), *manager_users(change.project)] if change.submitted_at else []
    else:
        users = [*requester, *manager_users(change.project)]
    tell(users, actor=actor, kind=f"raid.change_{action}", title=titles[action], body=note, url=url)
