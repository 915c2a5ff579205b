"""Writes to the people directory: the PMO maintains people and teams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import can_edit_directory, require
from kuroko.core.services import apply_changes, save_validated, update_row
from kuroko.people.models import Person, Team

PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
    "user",
    "team",
    "employment_type",
    "is_active",
)
TEAM_FIELDS = ("code", "name", "parent")


@transaction.atomic
def person_create(*, actor: Any, data: Mapping[str, Any]) -> Person:
    require(can_edit_directory(actor))
    person = Person()
    apply_changes(person, data, PERSON_FIELDS)
    save_validated(person, actor=actor)
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, data: Mapping[str, Any], expected_version: int | None
) -> Person:
    require(can_edit_directory(actor))
    person = Person.objects.select_for_update().get(pk=person.pk)
    update_row(person, actor=actor, changes=data, allowed=PERSON_FIELDS, expected_version=expected_version)
    return person


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    """Delete a person who has no project history; otherwise mark them inactive instead."""
    require(can_edit_directory(actor))
    if person.memberships.exists() or person.owned_tasks.exists() or person.managed_projects.exists():
        raise ValidationError(
            _("%(person)s is on projects; mark them inactive instead of deleting them.") % {"person": person}
        )
    person.delete()


@transaction.atomic
def team_create(*, actor: Any, data: Mapping[str, Any]) -> Team:
    require(can_edit_directory(actor))
    team = Team()
    apply_changes(team, data, TEAM_FIELDS)
    _check_team_cycle(team)
    save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_update(*, actor: Any, team: Team, data: Mapping[str, Any], expected_version: int | None) -> Team:
    require(can_edit_directory(actor))
    team = Team.objects.select_for_update().get(pk=team.pk)
    from kuroko.core.versioning import check_version

    check_version(team, expected_version)
    if apply_changes(team, data, TEAM_FIELDS):
        _check_team_cycle(team)
        save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_delete(*, actor: Any, team: Team) -> None:
    require(can_edit_directory(actor))
    if team.children.exists() or team.members.exists():
        raise ValidationError(_("Team %(team)s still has members or sub-teams.") % {"team": team})
    team.delete()


def _check_team_cycle(team: Team) -> None:
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    current = team.parent_id
    seen = set()
    while current is not None:
        if current == team.pk or current in seen:
            raise ValidationError({"parent": _("A team cannot be inside itself.")})
        seen.add(current)
        current = parents.get(current)
