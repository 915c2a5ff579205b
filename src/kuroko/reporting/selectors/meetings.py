"""Reads of meetings: the meetings a user may see (filtered for the list page and the API alike), one
meeting with its agenda and minutes, a project's series and meetings, and the meetings of a project's
calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import reads_everything, role_of
from kuroko.formats.ical import FeedEvent, meeting_uid
from kuroko.projects import permissions as project_perms
from kuroko.projects.models import Project
from kuroko.reporting import permissions as perms
from kuroko.reporting.models import (
    AgendaItem,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)

FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
UPCOMING_DAYS = 35  # "upcoming" in the list: the next five weeks


@dataclass(frozen=True, slots=True)
class MeetingFilter:
    """The list's filters (page and API): kind, project code, "upcoming"/"recent"/"all", only mine."""

    kind: str = ""
    project: str = ""
    when: str = "all"
    mine: bool = False


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """The meetings `user` may read: of the projects they read; program and portfolio meetings for the
    PMO and executives, else those they organise or attend."""
    if role_of(user) is None:
        return Meeting.objects.none()
    qs = Meeting.objects.all()
    if reads_everything(user):
        return qs
    attends = MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)
    projects = project_perms.visible_projects(user).values("pk")
    return qs.filter(
        Q(project__in=projects) | (Q(project__isnull=True) & (Q(organizer_id=user.pk) | Exists(attends)))
    )


def meetings_list(user: Any, filters: MeetingFilter, *, now: Any = None) -> QuerySet[Meeting]:
    """The meetings the user may read, filtered: upcoming (not ended, starting within five weeks) soonest
    first, recent (the last 60 days) and all newest first."""
    now = now or timezone.now()
    qs = visible_meetings(user).select_related(
        "project", "program", "organizer", "organizer__person", "series"
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.project:
        qs = qs.filter(project__code=filters.project)
    if filters.mine:
        attends = MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)
        qs = qs.filter(Q(organizer_id=user.pk) | Exists(attends))
    if filters.when == "upcoming":
        return qs.filter(end__gte=now, start__lte=now + timedelta(days=UPCOMING_DAYS)).order_by("start", "pk")
    if filters.when == "recent":
        return qs.filter(start__lt=now, start__gte=now - timedelta(days=60)).order_by("-start", "-pk")
    return qs.order_by("-start", "-pk")


def meeting_get(user: Any, pk: int) -> Meeting:
    """One meeting with its agenda, attendees and recorded decisions and actions: 404 if it does not
    exist, 403 if the user may not read it."""
    meeting = (
        Meeting.objects.select_related("project", "program", "organizer", "organizer__person", "series")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter", "presenter__person").prefetch_related(
                    "decisions", "actions", "actions__owner"
                ),
            ),
            Prefetch("attendees", queryset=MeetingAttendee.objects.select_related("user", "user__person")),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404(_("No meeting with id %(id)s.") % {"id": pk})
    if not perms.can_view_meeting(user, meeting):
        raise PermissionDenied(_("You may not read this meeting."))
    return meeting


def agenda_item_get(user: Any, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting", "meeting__project").filter(pk=pk).first()
    if item is None:
        raise Http404(_("No agenda item with id %(id)s.") % {"id": pk})
    if not perms.can_view_meeting(user, item.meeting):
        raise PermissionDenied(_("You may not read this meeting."))
    return item


def visible_series(user: Any) -> QuerySet[MeetingSeries]:
    """The series `user` may read (the same rule as their meetings)."""
    if role_of(user) is None:
        return MeetingSeries.objects.none()
    qs = MeetingSeries.objects.select_related("project", "program", "organizer", "organizer__person")
    if reads_everything(user):
        return qs
    projects = project_perms.visible_projects(user).values("pk")
    return qs.filter(
        Q(project__in=projects)
        | (Q(project__isnull=True) & (Q(organizer_id=user.pk) | Q(attendees__pk=user.pk)))
    ).distinct()


def series_get(user: Any, pk: int) -> MeetingSeries:
    series = (
        MeetingSeries.objects.select_related("project", "program", "organizer")
        .prefetch_related("attendees", "attendees__person")
        .filter(pk=pk)
        .first()
    )
    if series is None:
        raise Http404(_("No meeting series with id %(id)s.") % {"id": pk})
    if not perms.can_view_meeting(user, series):
        raise PermissionDenied(_("You may not read this meeting."))
    return series


def project_meetings(user: Any, project: Project) -> tuple[list[MeetingSeries], list[Meeting]]:
    """A project's series and its meetings (newest first); the caller has checked the project is
    readable."""
    series = list(
        MeetingSeries.objects.filter(project=project).select_related("organizer", "organizer__person")
    )
    meetings = list(
        Meeting.objects.filter(project=project)
        .select_related("organizer", "organizer__person", "series")
        .order_by("-start", "-pk")[:200]
    )
    return series, meetings


def meeting_feed_events(project: Project, context: Any) -> Iterable[FeedEvent]:
    """The project's meetings (not cancelled) around today as timed events of its calendar feed."""
    first = context.today - timedelta(days=FEED_PAST_DAYS)
    last = context.today + timedelta(days=FEED_FUTURE_DAYS)
    rows = (
        Meeting.objects.filter(project=project, start__date__gte=first, start__date__lte=last)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start", "pk")
    )
    labels = dict(MeetingKind.choices)
    out = []
    for m in rows:
        start, end = timezone.localtime(m.start), timezone.localtime(m.end)
        out.append(
            FeedEvent(
                uid=meeting_uid(m.pk, context.host),
                summary=m.title,
                first_day=start.date(),
                last_day=max(start.date(), end.date()),
                start=m.start,
                end=m.end,
                location=m.location,
                url=context.base_url + reverse("meeting", args=[m.pk]),
                sequence=m.sequence,
                categories=(str(labels.get(m.kind, m.kind)),),
            )
        )
    return out
