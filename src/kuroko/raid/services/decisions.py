"""Writes of the decision log (決定事項): what was decided, when, by whom, the options weighed and why,
linked to the risks, issues and change requests it concerns. Who edits the project keeps it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.people.models import Person
from kuroko.raid import permissions as perms
from kuroko.raid.models import ChangeRequest, Decision, DecisionStatus, Issue, Risk
from kuroko.raid.services.common import lock_project, next_number
from kuroko.raid.services.registers import apply_and_save, resolve, same_project

DECISION_FIELDS = (
    "title",
    "description",
    "status",
    "decided_on",
    "decided_by",
    "due_date",
    "options",
    "rationale",
    "owner",
)
LINKS = {"risks": Risk, "issues": Issue, "change_requests": ChangeRequest}


def _check(decision: Decision, changed: list[str]) -> None:
    """A decision marked decided says what was decided and when."""
    if decision.status == DecisionStatus.DECIDED:
        errors = {}
        if decision.decided_on is None:
            errors["decided_on"] = _("Give the date of the decision.")
        if not decision.description.strip():
            errors["description"] = _("Write what was decided.")
        if errors:
            raise ValidationError(errors)


def _links(project: Any, links: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    """The linked items by relation, each checked to be in the project (the message names the field)."""
    out: dict[str, list[Any]] = {}
    for name, values in links.items():
        model = LINKS.get(name)
        if model is None:
            raise ValidationError({name: _("This field cannot be changed here.")})
        items = [resolve(model, v, name) for v in values]
        for item in items:
            same_project(project, item, name)
        out[name] = items
    return out


def _prepare(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "owner" in out:
        out["owner"] = resolve(Person, out["owner"], "owner")
    return out


@transaction.atomic
def decision_create(
    *, actor: Any, project: Any, data: Mapping[str, Any], links: Mapping[str, Iterable[Any]] | None = None
) -> Decision:
    """Record a decision (pending, or decided with its date and text), numbered D-001 …"""
    require(perms.can_manage_raid(actor, project))
    project = lock_project(project)
    decision = Decision(project=project)
    apply_changes(decision, _prepare(data), DECISION_FIELDS)
    decision.title = decision.title.strip()
    _check(decision, [])
    related = _links(project, links or {})
    decision.number = next_number(Decision, project)
    save_validated(decision, actor=actor)
    for name, items in related.items():
        getattr(decision, name).set(items)
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: Any,
    decision: Decision,
    data: Mapping[str, Any],
    expected_version: int | None,
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Decision:
    require(perms.can_manage_raid(actor, decision.project))
    decision = Decision.objects.select_for_update(of=("self",)).select_related("project").get(pk=decision.pk)
    related = _links(decision.project, links or {})
    apply_and_save(
        decision,
        actor=actor,
        data=_prepare(data),
        allowed=DECISION_FIELDS,
        expected_version=expected_version,
        check=_check,
    )
    for name, items in related.items():
        getattr(decision, name).set(items)
    return decision


@transaction.atomic
def decision_delete(*, actor: Any, decision: Decision) -> None:
    require(perms.can_manage_raid(actor, decision.project))
    decision.delete()
