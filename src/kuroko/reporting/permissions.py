"""Who may do what with reports and meetings (shared by the parts of the reporting app; additive)."""

from __future__ import annotations

from typing import Any

from kuroko.core.permissions import is_pmo
from kuroko.projects import permissions as project_perms

# --- weekly status reports ---------------------------------------------------------------------------


def can_read_status_report(user: Any, project: Any) -> bool:
    """Who reads the project reads its status reports."""
    return project_perms.can_view_project(user, project)


def can_write_status_report(user: Any, project: Any) -> bool:
    """Who may edit the project (its PM, the PMO) writes, refreshes and submits its report."""
    return project_perms.can_edit_project(user, project)


def can_review_status_report(user: Any) -> bool:
    """The PMO accepts or returns submitted reports."""
    return is_pmo(user)


def can_configure_status_reports(user: Any) -> bool:
    """The PMO sets the RAG rules and report levels."""
    return is_pmo(user)
