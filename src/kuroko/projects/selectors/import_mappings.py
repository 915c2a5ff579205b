"""Saved column mappings of imports (`ImportMapping`): the ones a user may choose and manage."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kuroko.core import permissions as core_perms
from kuroko.projects import permissions as perms
from kuroko.projects.models import ImportMapping, Project


def can_save_mappings(actor: Any) -> bool:
    """Who may save a mapping: whoever may create projects or edit one."""
    if core_perms.can_create_projects(actor):
        return True
    person = getattr(actor, "person", None)
    return person is not None and any(
        perms.can_edit_project(actor, p) for p in Project.objects.filter(manager=person)[:1]
    )


def can_delete_mapping(actor: Any, mapping: ImportMapping) -> bool:
    """The PMO, or whoever created the mapping."""
    return core_perms.is_pmo(actor) or (
        mapping.created_by_id is not None and mapping.created_by_id == actor.pk
    )


def import_mappings(user: Any, *, kind: str | None = None) -> QuerySet[ImportMapping]:
    """The saved mappings (of one kind when given), by kind and name; none for users who may not
    import (see `can_save_mappings`)."""
    found = ImportMapping.objects.select_related("created_by").order_by("kind", "name")
    if not can_save_mappings(user):
        return found.none()
    return found.filter(kind=kind) if kind else found


def import_mapping_get(user: Any, pk: int, *, kind: str | None = None) -> ImportMapping:
    """One saved mapping the user may use; 404 otherwise."""
    found = import_mappings(user, kind=kind).filter(pk=pk).first()
    if found is None:
        raise Http404("No such mapping.")
    return found
