"""Writes of meetings: series and their meetings created ahead, one-off meetings, the agenda built from the
data and edited by hand, cancellation and iCalendar invitations. The minutes and their distribution are in
`meetings_minutes`.

Monthly series recur on the same weekday of the month as their first meeting (the second Tuesday, …); a
first meeting in the last days of a month (the 29th to the 31st) recurs on the last such weekday.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuroko.core.models import Delivery, NotificationPreference, User
from kuroko.core.notifications import notify
from kuroko.core.permissions import require
from kuroko.core.versioning import check_version
from kuroko.formats import ical
from kuroko.projects.models import Program, Project
from kuroko.raid.services.registers import Refused
from kuroko.reporting import agenda as agenda_builder
from kuroko.reporting import permissions as perms
from kuroko.reporting.models import (
    AgendaItem,
    Frequency,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)

log = logging.getLogger(__name__)

AHEAD = 8  # meetings of a series kept planned ahead
MAX_DURATION = 12 * 60
NOTIFY_KIND = "meeting"
SERIES_FIELDS = (
    "title",
    "kind",
    "project",
    "program",
    "frequency",
    "first_date",
    "until",
    "start_time",
    "duration_minutes",
    "location",
    "active",
)
MEETING_FIELDS = ("title", "kind", "project", "program", "start", "end", "location", "notes")
# A change of one of these is sent to the attendees again as a new revision of the invitation.
INVITATION_FIELDS = ("title", "start", "end", "location")
ITEM_FIELDS = ("title", "duration_minutes", "presenter", "notes", "url")


def local_today() -> date:
    return timezone.localdate()


def display_name(user: Any) -> str:
    """A person's name where the account has one, else the account's name."""
    person = getattr(user, "person", None)
    if person is not None:
        return str(person)
    return str(user.get_full_name() or user.get_username())


# --- Recurrence (pure) ----------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _weekday_of_month(year: int, month: int, weekday: int, nth: int) -> date:
    """The `nth` (0-based) `weekday` of the month; nth 4 means the last one."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    if nth < 4:
        return day + timedelta(weeks=nth)
    while (day + timedelta(weeks=1)).month == month:
        day += timedelta(weeks=1)
    return day


def occurrence(frequency: str, first_date: date, index: int) -> date:
    """The date of the `index`-th (0-based) meeting of a series."""
    if frequency == Frequency.WEEKLY:
        return first_date + timedelta(weeks=index)
    if frequency == Frequency.BIWEEKLY:
        return first_date + timedelta(weeks=2 * index)
    if frequency == Frequency.MONTHLY:
        year, month = _add_months(first_date, index)
        return _weekday_of_month(year, month, first_date.weekday(), min((first_date.day - 1) // 7, 4))
    return first_date


def occurrence_dates(
    *, frequency: str, first_date: date, until: date | None, after: date | None = None, count: int
) -> list[date]:
    """Up to `count` meeting dates of a series, in order, later than `after` (when given) and not later
    than `until`. A one-off series has its first date only."""
    out: list[date] = []
    index = 0
    while len(out) < count:
        day = occurrence(frequency, first_date, index)
        if until is not None and day > until:
            break
        if after is None or day > after:
            out.append(day)
        if frequency == Frequency.ONCE:
            break
        index += 1
    return out


def is_occurrence(*, frequency: str, first_date: date, until: date | None, day: date) -> bool:
    """Whether a series with this schedule meets on `day`."""
    if day < first_date or (until is not None and day > until):
        return False
    if frequency == Frequency.ONCE:
        return day == first_date
    if frequency in (Frequency.WEEKLY, Frequency.BIWEEKLY):
        step = 7 if frequency == Frequency.WEEKLY else 14
        return (day - first_date).days % step == 0
    months = (day.year - first_date.year) * 12 + day.month - first_date.month
    return occurrence(frequency, first_date, months) == day


def _moment(day: date, at: time, minutes: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, at))
    return start, start + timedelta(minutes=minutes)


# --- Validation -------------------------------------------------------------------------------------------


def _clean_scope(project: Any, program: Any) -> tuple[Project | None, Program | None]:
    if isinstance(project, int):
        project = Project.objects.filter(pk=project).first() or _missing("project")
    if isinstance(program, int):
        program = Program.objects.filter(pk=program).first() or _missing("program")
    if project is not None and program is not None:
        raise ValidationError({"program": _("Choose a project or a program, not both.")})
    return project, program


def _missing(name: str) -> Any:
    raise ValidationError({name: _("Select a valid choice.")})


def _check_series(series: MeetingSeries) -> None:
    errors: dict[str, str] = {}
    if not series.title.strip():
        errors["title"] = _("Give the meeting a title.")
    if series.until is not None and series.until < series.first_date:
        errors["until"] = _("The last date cannot be before the first meeting.")
    if not 5 <= series.duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _("A meeting lasts from 5 minutes to 12 hours.")
    if series.kind not in MeetingKind.values:
        errors["kind"] = _("Select a valid choice.")
    if series.frequency not in Frequency.values:
        errors["frequency"] = _("Select a valid choice.")
    if errors:
        raise ValidationError(errors)


def _check_meeting(meeting: Meeting) -> None:
    errors: dict[str, str] = {}
    if not meeting.title.strip():
        errors["title"] = _("Give the meeting a title.")
    if meeting.end <= meeting.start:
        errors["end"] = _("A meeting must end after it starts.")
    elif meeting.end - meeting.start > timedelta(minutes=MAX_DURATION):
        errors["end"] = _("A meeting lasts from 5 minutes to 12 hours.")
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = _("Select a valid choice.")
    if errors:
        raise ValidationError(errors)


def _users(values: Iterable[Any], field: str = "attendees") -> list[User]:
    ids = [v.pk if isinstance(v, User) else v for v in values]
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise ValidationError({field: _("Select a valid choice.")}) from None
    found = list(User.objects.filter(pk__in=wanted, is_active=True).select_related("person"))
    if len(found) != len(wanted):
        raise ValidationError({field: _("One of the people chosen does not exist or is inactive.")})
    return sorted(found, key=lambda u: u.pk)


def _require_organise(actor: Any, project: Project | None) -> None:
    require(
        perms.can_organise_meetings(actor, project),
        _("Only the project's manager or the PMO may organise its meetings.")
        if project is not None
        else _("Only the PMO organises program and portfolio meetings."),
    )


# --- Invitations and e-mail -------------------------------------------------------------------------------


def _wants_email(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user, kind=NOTIFY_KIND).first()
    return bool(user.email) and (pref is None or pref.delivery != Delivery.INBOX)


def meeting_invite(meeting: Meeting, *, cancelled: bool | None = None) -> ical.MeetingInvite:
    """The meeting as an iCalendar invitation (its attendees and organiser)."""
    attendees = [a for a in meeting.attendees.all() if a.user_id != meeting.organizer_id]
    return ical.MeetingInvite(
        uid=ical.meeting_uid(meeting.pk, settings.KUROKO_SITE_HOST),
        summary=meeting.title,
        start=meeting.start,
        end=meeting.end,
        organizer_name=display_name(meeting.organizer),
        organizer_email=meeting.organizer.email,
        attendees=tuple(ical.Invitee(display_name(a.user), a.user.email, a.required) for a in attendees),
        location=meeting.location,
        description=meeting.notes if meeting.status == MeetingStatus.PLANNED else "",
        url=reverse("meeting", args=[meeting.pk]),
        sequence=meeting.sequence,
        cancelled=meeting.status == MeetingStatus.CANCELLED if cancelled is None else cancelled,
    )


def meeting_ics(meeting: Meeting) -> bytes:
    """The meeting's .ics file (REQUEST, or CANCEL once cancelled)."""
    return ical.invitation(meeting_invite(meeting), stamp=timezone.now())


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _send_invitations(meetings: Sequence[Meeting], *, to: Iterable[User] | None = None) -> None:
    """E-mail each attendee one message with an .ics file per meeting (REQUEST or CANCEL) and put a
    "meeting" notification in their inbox. Sent after the transaction commits."""
    if not meetings:
        return
    by_user: dict[int, tuple[User, list[Meeting]]] = {}
    for meeting in meetings:
        recipients = to if to is not None else [a.user for a in meeting.attendees.all()]
        for user in recipients:
            if user.pk != meeting.organizer_id and user.is_active:
                by_user.setdefault(user.pk, (user, []))[1].append(meeting)
    for user, items in by_user.values():
        files = [(m.pk, ical.invitation(meeting_invite(m), stamp=timezone.now())) for m in items]
        cancelled = all(m.status == MeetingStatus.CANCELLED for m in items)
        lines = [f"{_when(m)} {m.title}" + (f" @ {m.location}" if m.location else "") for m in items]
        first = items[0]

        def title(first: Meeting = first, n: int = len(items), cancelled: bool = cancelled) -> str:
            if cancelled:
                return _("Meeting cancelled: %(title)s") % {"title": first.title}
            if n == 1:
                return _("Invitation: %(title)s") % {"title": first.title}
            return _("Invitation: %(title)s and %(n)s more meetings") % {"title": first.title, "n": n - 1}

        body = "\n".join(lines)
        url = reverse("meeting", args=[first.pk])
        notify(users=[user], kind=NOTIFY_KIND, title=title, body=body, url=url, email=False)
        if _wants_email(user):
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = title()
            message = EmailMessage(subject=subject, body=body, to=[user.email])
            for pk, data in files:
                method = "CANCEL" if b"METHOD:CANCEL" in data else "REQUEST"
                message.attach(f"meeting-{pk}.ics", data, f"text/calendar; method={method}; charset=UTF-8")
            transaction.on_commit(partial(_deliver, message))


def _deliver(message: EmailMessage) -> None:
    try:
        message.send()
    except OSError:  # an unreachable mail server must not break the action
        log.warning("Could not e-mail %s to %s", message.subject, message.to, exc_info=True)


# --- Series -------------------------------------------------------------------------------------------


def _set_attendees(meeting: Meeting, users: Sequence[User]) -> tuple[list[User], list[User]]:
    """Make the meeting's attendees these users (keeping recorded attendance); returns added, removed."""
    current = {a.user_id: a for a in meeting.attendees.select_related("user")}
    wanted = {u.pk: u for u in users}
    added = [u for pk, u in wanted.items() if pk not in current]
    removed = [a.user for pk, a in current.items() if pk not in wanted]
    MeetingAttendee.objects.bulk_create([MeetingAttendee(meeting=meeting, user=u) for u in added])
    if removed:
        meeting.attendees.filter(user_id__in=[u.pk for u in removed]).delete()
    return added, removed


def _series_attendees(series: MeetingSeries) -> list[User]:
    users = {u.pk: u for u in series.attendees.all()}
    users.setdefault(series.organizer_id, series.organizer)
    return sorted(users.values(), key=lambda u: u.pk)


def series_top_up(*, series: MeetingSeries, today: date) -> list[Meeting]:
    """Create the series' next meetings so that `AHEAD` are planned from `today` on; returns them.
    A cancelled meeting keeps its date (it is not created again)."""
    if not series.active:
        return []
    meetings = series.meetings.all()
    ahead = meetings.filter(start__date__gte=today).exclude(status=MeetingStatus.CANCELLED).count()
    if ahead >= AHEAD:
        return []
    taken = {timezone.localdate(start) for start in meetings.values_list("start", flat=True)}
    candidates = occurrence_dates(
        frequency=series.frequency,
        first_date=series.first_date,
        until=series.until,
        after=today - timedelta(days=1),
        count=AHEAD - ahead + len(taken),
    )
    days = [day for day in candidates if day not in taken][: AHEAD - ahead]
    attendees = _series_attendees(series)
    created = []
    for day in days:
        start, end = _moment(day, series.start_time, series.duration_minutes)
        meeting = Meeting.objects.create(
            series=series, kind=series.kind, title=series.title, project=series.project,
            program=series.program, start=start, end=end, location=series.location,
            organizer=series.organizer,
        )  # fmt: skip
        _set_attendees(meeting, attendees)
        created.append(meeting)
    return created


@transaction.atomic
def series_create(*, actor: Any, data: Mapping[str, Any], today: date | None = None) -> MeetingSeries:
    """A new series (a one-off when its frequency is "once"); its first meetings are created and the
    attendees invited. Who: the project's PM and the PMO; the PMO for a program or the portfolio."""
    values = dict(data)
    attendees = _users(values.pop("attendees", []))
    project, program = _clean_scope(values.pop("project", None), values.pop("program", None))
    _require_organise(actor, project)
    unknown = sorted(set(values) - set(SERIES_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    series = MeetingSeries(project=project, program=program, organizer=actor, **values)
    series.title = (series.title or "").strip()
    _check_series(series)
    series.full_clean()
    series.save()
    series.attendees.set(attendees)
    created = series_top_up(series=series, today=today or local_today())
    _send_invitations(created)
    return series


@transaction.atomic
def series_update(
    *, actor: Any, series: MeetingSeries, data: Mapping[str, Any], today: date | None = None
) -> MeetingSeries:
    """Change a series; its planned meetings from today on follow (time, place, title, attendees), those
    no longer on the schedule are cancelled and the next ones created. Held and past meetings stay."""
    day = today or local_today()
    # The stored row decides who may change it (a form may have set new values on the instance given).
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _require_organise(actor, series.project)
    values = dict(data)
    attendees = _users(values.pop("attendees")) if "attendees" in values else None
    if "project" in values or "program" in values:
        project, program = _clean_scope(
            values.pop("project", series.project), values.pop("program", series.program)
        )
        _require_organise(actor, project)
        series.project, series.program = project, program
    unknown = sorted(set(values) - set(SERIES_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in values.items():
        setattr(series, name, value)
    series.title = series.title.strip()
    _check_series(series)
    series.full_clean()
    series.save()
    if attendees is not None:
        series.attendees.set(attendees)
    wanted = _series_attendees(series)
    changed: list[Meeting] = []
    cancelled: list[Meeting] = []
    future = series.meetings.filter(status=MeetingStatus.PLANNED, start__date__gte=day).select_related(
        "organizer"
    )
    for meeting in future:
        local = timezone.localdate(meeting.start)
        if not series.active or not is_occurrence(
            frequency=series.frequency, first_date=series.first_date, until=series.until, day=local
        ):
            meeting.status = MeetingStatus.CANCELLED
            meeting.sequence += 1
            meeting.version += 1
            meeting.save()
            cancelled.append(meeting)
            continue
        start, end = _moment(local, series.start_time, series.duration_minutes)
        before = (meeting.title, meeting.start, meeting.end, meeting.location)
        meeting.title, meeting.kind, meeting.start, meeting.end = series.title, series.kind, start, end
        meeting.location, meeting.project, meeting.program = series.location, series.project, series.program
        added, removed = _set_attendees(meeting, wanted)
        if before != (meeting.title, meeting.start, meeting.end, meeting.location) or added or removed:
            meeting.sequence += 1
            meeting.version += 1
            changed.append(meeting)
        meeting.save()
        if removed:
            _send_invitations([_as_cancelled(meeting)], to=removed)
    created = series_top_up(series=series, today=day)
    _send_invitations([*changed, *cancelled, *created])
    return series


def _as_cancelled(meeting: Meeting) -> Meeting:
    """A copy of the meeting marked cancelled: the CANCEL sent to people taken off its list."""
    copy = Meeting.objects.get(pk=meeting.pk)
    copy.status = MeetingStatus.CANCELLED
    return copy


@transaction.atomic
def series_delete(*, actor: Any, series: MeetingSeries, today: date | None = None) -> None:
    """End a series: its planned meetings from today on are cancelled (and the attendees told); held
    meetings and their minutes stay."""
    _require_organise(actor, series.project)
    day = today or local_today()
    cancelled = []
    for meeting in series.meetings.filter(status=MeetingStatus.PLANNED, start__date__gte=day):
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.version += 1
        meeting.save()
        cancelled.append(meeting)
    _send_invitations(cancelled)
    series.delete()


def meetings_top_up(*, today: date | None = None) -> int:
    """Top up every active series (the daily job); returns how many meetings were created."""
    day = today or local_today()
    total = 0
    for series in MeetingSeries.objects.filter(active=True).select_related("organizer"):
        with transaction.atomic():
            created = series_top_up(series=series, today=day)
            _send_invitations(created)
        total += len(created)
    return total


# --- One meeting --------------------------------------------------------------------------------------


def _locked(meeting: Meeting, expected_version: int | None) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=meeting.pk)
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def meeting_create(*, actor: Any, data: Mapping[str, Any]) -> Meeting:
    """A one-off meeting (no series), its attendees invited."""
    values = dict(data)
    attendees = _users(values.pop("attendees", []))
    project, program = _clean_scope(values.pop("project", None), values.pop("program", None))
    _require_organise(actor, project)
    unknown = sorted(set(values) - set(MEETING_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    meeting = Meeting(project=project, program=program, organizer=actor, **values)
    meeting.title = (meeting.title or "").strip()
    _check_meeting(meeting)
    meeting.full_clean()
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    _set_attendees(meeting, sorted({u.pk: u for u in [actor, *attendees]}.values(), key=lambda u: u.pk))
    _send_invitations([meeting])
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: Any, meeting: Meeting, data: Mapping[str, Any], expected_version: int | None
) -> Meeting:
    """Change a meeting (when, where, title, notes, attendees). A planned meeting's attendees receive the
    invitation again with a raised SEQUENCE; people taken off the list receive a cancellation."""
    require(perms.can_manage_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    values = dict(data)
    attendees = _users(values.pop("attendees")) if "attendees" in values else None
    if "project" in values or "program" in values:
        project, program = _clean_scope(
            values.pop("project", meeting.project), values.pop("program", meeting.program)
        )
        _require_organise(actor, project)
        meeting.project, meeting.program = project, program
    unknown = sorted(set(values) - set(MEETING_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("This meeting was cancelled."))
    before = {name: getattr(meeting, name) for name in INVITATION_FIELDS}
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.title = meeting.title.strip()
    _check_meeting(meeting)
    added: list[User] = []
    removed: list[User] = []
    if attendees is not None:
        keep = {u.pk: u for u in [meeting.organizer, *attendees]}
        added, removed = _set_attendees(meeting, sorted(keep.values(), key=lambda u: u.pk))
    resend = meeting.status == MeetingStatus.PLANNED and (
        any(getattr(meeting, n) != before[n] for n in INVITATION_FIELDS) or added or removed
    )
    if resend:
        meeting.sequence += 1
    meeting.version += 1
    meeting.full_clean()
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    if resend:
        _send_invitations([meeting])
        if removed:
            _send_invitations([_as_cancelled(meeting)], to=removed)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Cancel a planned meeting: the attendees receive a cancellation (METHOD:CANCEL)."""
    require(perms.can_manage_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    if meeting.status != MeetingStatus.PLANNED:
        raise Refused(_("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    _send_invitations([meeting])
    return meeting


@transaction.atomic
def meeting_hold(*, actor: Any, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Mark the meeting held (its minutes may then be distributed); attendance not yet recorded stays
    "not recorded"."""
    require(perms.can_manage_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("This meeting was cancelled."))
    if meeting.status == MeetingStatus.HELD:
        return meeting
    meeting.status = MeetingStatus.HELD
    meeting.version += 1
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    return meeting


# --- Agenda -------------------------------------------------------------------------------------------


def _editable_agenda(actor: Any, meeting: Meeting) -> None:
    require(perms.can_manage_meeting(actor, meeting))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("This meeting was cancelled."))


def _next_position(meeting: Meeting) -> int:
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def agenda_build(*, actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Build (or rebuild) the agenda from the data as on the meeting's date.

    Items typed by hand are kept; an automatic item the data still proposes keeps its place and any
    edits; one it no longer proposes is removed unless it has notes, decisions or actions; new proposals
    are added at the end. Returns the agenda in order.
    """
    _editable_agenda(actor, meeting)
    if meeting.status == MeetingStatus.HELD:
        raise Refused(_("The meeting was held: its agenda is kept as it was."))
    proposals = agenda_builder.propose(meeting, day=timezone.localdate(meeting.start))
    existing = {
        (i.source, i.source_ref): i
        for i in meeting.agenda_items.exclude(source="").prefetch_related("decisions", "actions")
    }
    wanted = {(p.source, p.source_ref) for p in proposals}
    for key, item in existing.items():
        if key not in wanted and not item.notes and not item.decisions.all() and not item.actions.all():
            item.delete()
    position = _next_position(meeting)
    new = []
    for p in proposals:
        if (p.source, p.source_ref) in existing:
            continue
        new.append(
            AgendaItem(
                meeting=meeting, position=position, title=p.title[:300], source=p.source,
                source_ref=p.source_ref, url=p.url, duration_minutes=p.duration_minutes,
            )
        )  # fmt: skip
        position += 1
    AgendaItem.objects.bulk_create(new)
    _renumber(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_built_at=timezone.now())
    return list(meeting.agenda_items.all())


def _renumber(meeting: Meeting) -> None:
    items = list(meeting.agenda_items.order_by("position", "pk"))
    for number, item in enumerate(items, start=1):
        if item.position != number:
            item.position = number
    AgendaItem.objects.bulk_update(items, ["position"])


def _item_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    unknown = sorted(set(values) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            raise ValidationError({"title": _("Give the agenda item a title.")})
        if len(values["title"]) > 300:
            raise ValidationError({"title": _("At most 300 characters.")})
    if (
        "presenter" in values
        and values["presenter"] is not None
        and not isinstance(values["presenter"], User)
    ):
        values["presenter"] = _users([values["presenter"]], "presenter")[0]
    minutes = values.get("duration_minutes")
    if minutes is not None and not 0 < minutes <= MAX_DURATION:
        raise ValidationError({"duration_minutes": _("A meeting lasts from 5 minutes to 12 hours.")})
    return values


@transaction.atomic
def agenda_item_add(*, actor: Any, meeting: Meeting, data: Mapping[str, Any]) -> AgendaItem:
    """Add an item by hand at the end of the agenda."""
    _editable_agenda(actor, meeting)
    values = _item_values(data)
    if "title" not in values:
        raise ValidationError({"title": _("Give the agenda item a title.")})
    return AgendaItem.objects.create(meeting=meeting, position=_next_position(meeting), **values)


@transaction.atomic
def agenda_item_update(*, actor: Any, item: AgendaItem, data: Mapping[str, Any]) -> AgendaItem:
    """Change an item's title, time, presenter, notes or link."""
    _editable_agenda(actor, item.meeting)
    for name, value in _item_values(data).items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, actor: Any, item: AgendaItem) -> None:
    """Remove an item (the decisions and actions it recorded stay in their logs)."""
    _editable_agenda(actor, item.meeting)
    meeting = item.meeting
    item.delete()
    _renumber(meeting)


@transaction.atomic
def agenda_item_move(*, actor: Any, item: AgendaItem, position: int) -> list[AgendaItem]:
    """Move an item to `position` (1 = first; beyond the end = last); returns the agenda in order."""
    _editable_agenda(actor, item.meeting)
    items = [i for i in item.meeting.agenda_items.order_by("position", "pk") if i.pk != item.pk]
    items.insert(max(0, min(position - 1, len(items))), item)
    for number, row in enumerate(items, start=1):
        row.position = number
    AgendaItem.objects.bulk_update(items, ["position"])
    return items
