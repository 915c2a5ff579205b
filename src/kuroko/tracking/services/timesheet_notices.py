"""Notifications of timesheets: a submitted week asks each project's manager to approve its hours; a
rejection tells the person (never the one who acted)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kuroko.core.notifications import notify_others
from kuroko.projects.models import Project
from kuroko.tracking.models import Timesheet


def approvals_requested(*, actor: Any, sheet: Timesheet, project_ids: Iterable[int]) -> None:
    """Tell the manager of each project whose hours of `sheet` wait for a decision."""
    projects = Project.objects.filter(pk__in=list(project_ids), manager__user__isnull=False).select_related(
        "manager__user"
    )
    who, week = str(sheet.person), sheet.week_start.isoformat()
    url = reverse("timesheet-approvals")
    for project in projects.order_by("code"):
        _ask(actor, project, who, week, url)


def _ask(actor: Any, project: Project, who: str, week: str, url: str) -> None:
    code = project.code
    notify_others(
        actor=actor,
        users=[project.manager.user if project.manager else None],
        kind="tracking.timesheet_submitted",
        title=lambda: (
            _("Hours of %(person)s for the week of %(week)s on %(code)s wait for your approval")
            % {"person": who, "week": week, "code": code}
        ),
        url=url,
    )


def timesheet_rejected(*, actor: Any, sheet: Timesheet, project: Project, reason: str) -> None:
    """Tell the person whose week was rejected, with the reason."""
    user = getattr(sheet.person, "user", None)
    week, code = sheet.week_start.isoformat(), project.code
    notify_others(
        actor=actor,
        users=[user],
        kind="tracking.timesheet_rejected",
        title=lambda: (
            _("Your hours for the week of %(week)s on %(code)s were rejected") % {"week": week, "code": code}
        ),
        body=reason,
        url=reverse("timesheet-week", kwargs={"week": sheet.week_start.isoformat()}),
    )
