"""Reads of the report archive and the report schedules, filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.core.permissions import is_pmo, role_of
from kuroko.projects.permissions import visible_projects
from kuroko.reporting.models import GeneratedReport, ReportSchedule
from kuroko.reporting.permissions import can_read_generated


@dataclass(frozen=True, slots=True)
class ArchiveFilter:
    """The archive list's filters (from the page's query or the API's)."""

    kind: str = ""
    format: str = ""
    project: str = ""  # a project code
    week: date | None = None


def archive_list(user: Any, filters: ArchiveFilter | None = None) -> QuerySet[GeneratedReport]:
    """The archived files `user` may download, newest first."""
    qs = GeneratedReport.objects.select_related("project", "program", "created_by", "schedule")
    if role_of(user) is None:
        return qs.none()
    if not is_pmo(user):
        sent_to = GeneratedReport.recipients.through.objects.filter(
            generatedreport_id=OuterRef("pk"), user_id=user.pk
        )
        qs = qs.filter(
            Q(project__in=visible_projects(user))
            | Q(project__isnull=True, created_by=user)
            | Q(project__isnull=True) & Exists(sent_to)
        )
    f = filters or ArchiveFilter()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.format:
        qs = qs.filter(format=f.format)
    if f.project:
        qs = qs.filter(project__code=f.project)
    if f.week is not None:
        qs = qs.filter(week=f.week)
    return qs.order_by("-created_at", "-pk")


def archive_get(user: Any, pk: int) -> GeneratedReport:
    """One archived file; 404 when missing, 403 when `user` may not read it."""
    generated = GeneratedReport.objects.select_related("project", "schedule").filter(pk=pk).first()
    if generated is None:
        raise Http404(_("There is no such report file."))
    if not can_read_generated(user, generated):
        raise PermissionDenied(_("You may not read this report file."))
    return generated


def schedules_visible(user: Any) -> QuerySet[ReportSchedule]:
    """Schedules `user` sees: the PMO all; others the ones they own or are subscribed to."""
    qs = ReportSchedule.objects.select_related("project", "program", "owner").prefetch_related("subscribers")
    if role_of(user) is None:
        return qs.none()
    if not is_pmo(user):
        qs = qs.filter(Q(owner=user) | Q(subscribers=user)).distinct()
    return qs.order_by("name", "pk")


def schedule_get(user: Any, pk: int) -> ReportSchedule:
    """One schedule `user` sees; 404 otherwise (a schedule's existence is not told to others)."""
    schedule = schedules_visible(user).filter(pk=pk).first()
    if schedule is None:
        raise Http404(_("There is no such report schedule."))
    return schedule
