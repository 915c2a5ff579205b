"""Organisation-level permission rules. Project-level rules live in kuroko.projects.permissions.

Services and selectors call these; templates only display what the selectors decided.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kuroko.core.models import Role


def role_of(user: Any) -> str | None:
    """The organisation role of an authenticated user, or None for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.PMO_ADMIN
    return str(user.role)


def is_pmo(user: Any) -> bool:
    """PMO administrators and PMO members may read everything and edit portfolio data."""
    return role_of(user) in {Role.PMO_ADMIN, Role.PMO_MEMBER}


def reads_everything(user: Any) -> bool:
    """Roles that see every project: the PMO and executives."""
    return role_of(user) in {Role.PMO_ADMIN, Role.PMO_MEMBER, Role.EXECUTIVE}


def can_edit_directory(user: Any) -> bool:
    """People and teams are maintained by the PMO."""
    return is_pmo(user)


def can_edit_programs(user: Any) -> bool:
    return is_pmo(user)


def can_create_projects(user: Any) -> bool:
    """The PMO creates projects; a project manager may create one that they manage."""
    return role_of(user) in {Role.PMO_ADMIN, Role.PMO_MEMBER, Role.PROJECT_MANAGER}


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (HTTP 403 on pages and in the API) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))
