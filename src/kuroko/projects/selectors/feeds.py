"""Calendar feeds: the feed URLs of a user, the feed behind a secret, and the events a feed shows.

A feed is fetched without a login, by a calendar client holding the secret URL. Every fetch checks again
that the URL is not revoked, that its owner's account is active and — for a project feed — that the owner
may still read the project; a person feed shows only tasks of projects its owner may read.

Extension point: other apps add events to project feeds (the meetings of reporting) with
`register_project_feed_source`, called from their `AppConfig.ready()`: the projects app cannot import
them, so they register a function that returns the `FeedEvent`s of one project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kuroko.formats.ical import FeedEvent, feed_calendar, task_uid
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, FeedToken, Project, Status, Task, TaskKind

# A person feed covers this window around today, so that it stays small for calendar clients that
# fetch it every few hours.
PAST_DAYS = 90
FUTURE_DAYS = 730
CLOSED_STATUSES = (Status.CLOSED, Status.CANCELLED)


@dataclass(frozen=True, slots=True)
class FeedContext:
    """What event sources need besides the project: whose feed it is and how to write links and UIDs."""

    owner: Any
    base_url: str  # scheme and host, no trailing slash: "https://pmo.example.com"
    host: str  # the site name after "@" in UIDs (KUROKO_SITE_HOST), not the request's host
    today: date


ProjectFeedSource = Callable[[Project, FeedContext], Iterable[FeedEvent]]
_PROJECT_SOURCES: list[ProjectFeedSource] = []


def register_project_feed_source(source: ProjectFeedSource) -> None:
    """Add events of another kind (meetings …) to every project feed; registering twice adds once."""
    if source not in _PROJECT_SOURCES:
        _PROJECT_SOURCES.append(source)


def feed_tokens(user: Any) -> QuerySet[FeedToken]:
    """The user's feed URLs, newest first (revoked ones too, marked)."""
    return FeedToken.objects.filter(owner_id=user.pk).select_related("project")


def feed_projects(user: Any) -> QuerySet[Project]:
    """The projects the user may subscribe to: the open ones they may read."""
    return perms.visible_projects(user).exclude(status__in=CLOSED_STATUSES).order_by("code")


def feed_for_secret(secret: str) -> FeedToken | None:
    """The live feed behind a URL's secret, or None: unknown, revoked, owner inactive, or a project feed
    whose owner may no longer read the project."""
    if not secret or len(secret) > 200:
        return None
    token = (
        FeedToken.objects.select_related("owner", "owner__person", "project")
        .filter(token_hash=FeedToken.hash_secret(secret), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.kind == FeedToken.Kind.PROJECT and (
        token.project is None or not perms.can_view_project(token.owner, token.project)
    ):
        return None
    return token


def _last_changed() -> Subquery:
    # The time of the task's newest history record: LAST-MODIFIED without a column of its own.
    history = Task.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return Subquery(history.values("history_date")[:1])


def _person_tasks(owner: Any, today: date) -> QuerySet[Task]:
    person = getattr(owner, "person", None)
    if person is None:
        return Task.objects.none()
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    assigned = Assignment.objects.filter(task=OuterRef("pk"), person_id=person.pk)
    return (
        Task.objects.filter(Q(owner_id=person.pk) | Exists(assigned))
        .exclude(kind=TaskKind.SUMMARY)
        .filter(project__in=perms.visible_projects(owner).exclude(status__in=CLOSED_STATUSES))
        # Overlapping the window (a task without a start or finish is taken to be on its other date).
        .filter(Q(planned_finish__gte=first) | Q(planned_finish__isnull=True, planned_start__gte=first))
        .filter(Q(planned_start__lte=last) | Q(planned_start__isnull=True, planned_finish__lte=last))
    )


def _project_milestones(project: Project) -> QuerySet[Task]:
    return Task.objects.filter(project=project, kind=TaskKind.MILESTONE)


def task_events(tasks: QuerySet[Task], context: FeedContext) -> list[FeedEvent]:
    """One all-day event per dated task (milestones on their date), in one query.

    Rows are read as values, not model instances: a person's feed may hold thousands of tasks, and
    building instances cost a third of the time before the iCalendar writing.
    """
    rows = (
        tasks.annotate(last_changed=_last_changed())
        .order_by("planned_start", "project__code", "row")
        .values_list(
            "pk", "kind", "name", "wbs_code", "planned_start", "planned_finish", "percent_complete",
            "version", "dates_revision", "last_changed", "dates_changed_at", "project_id", "project__code",
            "project__name", "owner_id", "owner__family_name", "owner__given_name",
        )
    )  # fmt: skip
    project_line, wbs_line = _("Project: %(code)s %(name)s"), _("WBS: %(wbs)s")
    percent_line, owner_line = _("Percent complete: %(percent)s%%"), _("Owner: %(owner)s")
    categories = {True: (str(_("Milestone")),), False: (str(_("Task")),)}
    links: dict[int, str] = {}
    owners: dict[int | None, str] = {None: "—"}
    events = []
    for (pk, kind, name, wbs, start, finish, percent, version, revision, changed, moved, project_id, code,
         project_name, owner_id, family, given) in rows:  # fmt: skip
        first, last = start or finish, finish or start
        if first is None or last is None:
            continue  # nothing to put on a calendar
        milestone = kind == TaskKind.MILESTONE
        if milestone:
            first = last  # a milestone is the moment its finish is reached
        last = max(first, last)
        if project_id not in links:
            links[project_id] = context.base_url + reverse("project-detail", args=[code])
        if owner_id not in owners:
            owners[owner_id] = Person(family_name=family, given_name=given).full_name
        url = f"{links[project_id]}#task-{pk}"
        label = f"{code} {wbs} {name}" if wbs else f"{code} {name}"
        lines = (
            project_line % {"code": code, "name": project_name},
            wbs_line % {"wbs": wbs or "—"},
            percent_line % {"percent": percent},
            owner_line % {"owner": owners[owner_id]},
            url,
        )
        events.append(
            FeedEvent(
                uid=task_uid(pk, context.host),
                summary=f"◆ {label}" if milestone else label,
                first_day=first,
                last_day=last,
                description="\n".join(lines),
                url=url,
                # SEQUENCE must rise with every change of DTSTART/DTEND (RFC 5545 3.8.7.4) and never go
                # down. Edits bump the version; rescheduling moves dates without an edit and bumps
                # dates_revision instead. Both counters only grow, so their sum only grows, and it grows
                # with every change of either — also when dates move back to where they were, which a
                # value computed from the dates alone could not tell from no change.
                sequence=version + revision,
                last_modified=max((t for t in (changed, moved) if t is not None), default=None),
                categories=categories[milestone],
            )
        )
    return events


def feed_events(token: FeedToken, context: FeedContext) -> tuple[str, list[FeedEvent]]:
    """The calendar name and events of a feed, in its owner's language."""
    with translation.override(token.owner.language or settings.LANGUAGE_CODE):
        if token.kind == FeedToken.Kind.PROJECT and token.project is not None:
            project = token.project
            events = task_events(_project_milestones(project), context)
            for source in _PROJECT_SOURCES:
                events.extend(source(project, context))
            name = _("%(code)s milestones (Kuroko)") % {"code": project.code}
        else:
            events = task_events(_person_tasks(token.owner, context.today), context)
            person = getattr(token.owner, "person", None)
            who = person.full_name if person is not None else token.owner.get_username()
            name = _("%(person)s: tasks and milestones (Kuroko)") % {"person": who}
    return name, events


def feed_ics(token: FeedToken, *, base_url: str, now: datetime, today: date) -> bytes:
    """The feed as iCalendar bytes; event UIDs carry the configured site name (KUROKO_SITE_HOST)."""
    site = str(getattr(settings, "KUROKO_SITE_HOST", "") or "kuroko")
    context = FeedContext(owner=token.owner, base_url=base_url.rstrip("/"), host=site, today=today)
    name, events = feed_events(token, context)
    return feed_calendar(name=name, events=events, stamp=now)
