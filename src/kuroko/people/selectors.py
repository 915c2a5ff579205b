"""Reads of the people directory (every signed-in user may read it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.core.permissions import role_of
from kuroko.people.models import Person, Team


def person_list(
    user: Any, *, q: str = "", team: int | None = None, employment_type: str = "", active: bool | None = True
) -> QuerySet[Person]:
    if role_of(user) is None:
        raise PermissionDenied
    qs = Person.objects.select_related("team").annotate(project_count=Count("memberships", distinct=True))
    if q:
        qs = qs.filter(
            Q(family_name__icontains=q)
            | Q(given_name__icontains=q)
            | Q(family_name_kana__icontains=q)
            | Q(given_name_kana__icontains=q)
            | Q(email__icontains=q)
        )
    if team:
        qs = qs.filter(team_id__in=team_and_descendants(team))
    if employment_type:
        qs = qs.filter(employment_type=employment_type)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("family_name_kana", "family_name", "given_name", "pk")


def person_get(user: Any, pk: int) -> Person:
    if role_of(user) is None:
        raise PermissionDenied
    person = Person.objects.select_related("team", "user").filter(pk=pk).first()
    if person is None:
        raise Http404(_("No person with id %(id)s.") % {"id": pk})
    return person


def team_list(user: Any) -> QuerySet[Team]:
    if role_of(user) is None:
        raise PermissionDenied
    return Team.objects.select_related("parent").annotate(size=Count("members")).order_by("code")


def team_and_descendants(team_id: int) -> list[int]:
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    out = [team_id]
    frontier = {team_id}
    while frontier:
        frontier = {pk for pk, parent in parents.items() if parent in frontier}
        out.extend(frontier)
    return out


def team_path(team: Team | None) -> list[Team]:
    """The team and its ancestors, top first (for breadcrumbs)."""
    path: list[Team] = []
    seen: set[int] = set()
    while team is not None and team.pk not in seen:
        seen.add(team.pk)
        path.append(team)
        team = team.parent
    return path[::-1]
