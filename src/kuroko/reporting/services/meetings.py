"""Writes of meetings: series and their meetings created ahead, one-off meetings, the agenda built from the
data and edited by hand, cancellation and iCalendar invitations. The minutes and their distribution are in
`meetings_minutes`.

Monthly series recur on the same weekday of the month as their first meeting (the second Tuesday, …); a
first meeting in the last days of a month (the 29th to the 31st) recurs on the last such weekday.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
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

from kuroko.core.models import Delivery, User
from kuroko.core.notifications import absolute, deliveries, notify
from kuroko.core.permissions import require
from kuroko.core.versioning import check_version
from kuroko.formats import ical
from kuroko.projects import permissions as project_perms
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
LAST_YEAR = 2100  # meetings are planned up to this year (far dates would overflow the calendar)
URL_MAX = 500
# The history's change reason of a meeting cancelled because it fell off its series' schedule: such a
# meeting is planned again when its date is back on the schedule.
SERIES_CANCEL_REASON = "series schedule"


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


def _occurrences(frequency: str, first_date: date, until: date | None) -> Iterator[date]:
    """The meeting dates of a series in order, up to `until` and the year `LAST_YEAR`."""
    index = 0
    while True:
        try:
            day = occurrence(frequency, first_date, index)
        except (OverflowError, ValueError):  # past the end of the calendar
            return
        if day.year > LAST_YEAR or (until is not None and day > until):
            return
        yield day
        if frequency == Frequency.ONCE:
            return
        index += 1


def occurrence_dates(
    *, frequency: str, first_date: date, until: date | None, after: date | None = None, count: int
) -> list[date]:
    """Up to `count` meeting dates of a series, in order, later than `after` (when given) and not later
    than `until`. A one-off series has its first date only."""
    out: list[date] = []
    for day in _occurrences(frequency, first_date, until):
        if len(out) >= count:
            break
        if after is None or day > after:
            out.append(day)
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
    if series.first_date.year > LAST_YEAR:
        errors["first_date"] = _year_error()
    if series.until is not None and series.until.year > LAST_YEAR:
        errors["until"] = _year_error()
    elif series.until is not None and series.until < series.first_date:
        errors["until"] = _("The last date cannot be before the first meeting.")
    if not 5 <= series.duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = _("A meeting lasts from 5 minutes to 12 hours.")
    if series.kind not in MeetingKind.values:
        errors["kind"] = _("Select a valid choice.")
    if series.frequency not in Frequency.values:
        errors["frequency"] = _("Select a valid choice.")
    if errors:
        raise ValidationError(errors)


def _year_error() -> str:
    return _("Choose a date up to the year %(year)s.") % {"year": LAST_YEAR}


def _aware(value: Any) -> Any:
    """A time given without a time zone is read as local time."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_meeting(meeting: Meeting) -> None:
    errors: dict[str, str] = {}
    meeting.start, meeting.end = _aware(meeting.start), _aware(meeting.end)
    if not meeting.title.strip():
        errors["title"] = _("Give the meeting a title.")
    if meeting.start.year > LAST_YEAR:
        errors["start"] = _year_error()
    elif meeting.end.year > LAST_YEAR:
        errors["end"] = _year_error()
    elif meeting.end <= meeting.start:
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


def _check_readers(users: Iterable[User], project: Project | None) -> None:
    """Everyone invited to a project's meeting must be able to read the project (and so the meeting)."""
    if project is None:
        return
    blind = [u for u in users if not project_perms.can_view_project(u, project)]
    if blind:
        raise ValidationError(
            {
                "attendees": _("%(names)s cannot read the project %(project)s.")
                % {"names": ", ".join(display_name(u) for u in blind), "project": project.code}
            }
        )


def _require_organise(actor: Any, project: Project | None) -> None:
    refusal = perms.organise_refusal(actor, project)
    require(refusal is None, refusal)


def _new_scoped(
    actor: Any, data: Mapping[str, Any], fields: Iterable[str]
) -> tuple[dict[str, Any], list[User], Project | None, Program | None]:
    """What a new series and a new meeting check alike: a scope the actor may organise, attendees who
    exist and may read its project, and no field outside `fields`. Returns the other values, the
    attendees, the project and the program."""
    values = dict(data)
    attendees = _users(values.pop("attendees", []))
    project, program = _clean_scope(values.pop("project", None), values.pop("program", None))
    _require_organise(actor, project)
    _check_readers(attendees, project)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    return values, attendees, project, program


# --- Invitations and e-mail -------------------------------------------------------------------------------


def _wants_email(user: User) -> bool:
    """Whether the user receives meeting e-mails (.ics, minutes) at once: only with the "immediate"
    delivery; with the daily digest they are listed there, with "inbox only" they stay in the inbox."""
    return bool(user.email) and deliveries([user.pk], NOTIFY_KIND)[user.pk] == Delivery.IMMEDIATE


def meeting_invite(meeting: Meeting, *, cancelled: bool | None = None) -> ical.MeetingInvite:
    """The meeting as an iCalendar invitation (its attendees and organiser). The cancellation sent to
    people taken off the list names them, not those who stay (RFC 5546 §3.2.5)."""
    removed = getattr(meeting, "removed_attendees", None)
    if removed is not None:
        invitees = tuple(ical.Invitee(display_name(u), u.email, True) for u in removed)
    else:
        invitees = tuple(
            ical.Invitee(display_name(a.user), a.user.email, a.required)
            for a in meeting.attendees.all()
            if a.user_id != meeting.organizer_id
        )
    return ical.MeetingInvite(
        uid=ical.meeting_uid(meeting.pk, settings.KUROKO_SITE_HOST),
        summary=meeting.title,
        start=meeting.start,
        end=meeting.end,
        organizer_name=display_name(meeting.organizer),
        organizer_email=meeting.organizer.email,
        attendees=invitees,
        location=meeting.location,
        description=meeting.notes if meeting.status == MeetingStatus.PLANNED else "",
        url=_absolute_url(meeting),
        sequence=meeting.sequence,
        cancelled=meeting.status == MeetingStatus.CANCELLED if cancelled is None else cancelled,
    )


def _absolute_url(meeting: Meeting) -> str:
    """The meeting page's full address (KUROKO_BASE_URL + path); empty when no base address is set,
    as an invitation's URL must be absolute."""
    url = absolute(reverse("meeting", args=[meeting.pk]))
    return url if url.startswith(("http://", "https://")) else ""


def meeting_ics(meeting: Meeting) -> bytes:
    """The meeting's .ics file (REQUEST, or CANCEL once cancelled)."""
    return ical.invitation(meeting_invite(meeting), stamp=timezone.now())


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _send_invitations(
    meetings: Sequence[Meeting], *, to: Iterable[User] | None = None, actor: Any = None
) -> None:
    """E-mail each attendee one message with an .ics file per meeting (REQUEST or CANCEL) and put a
    "meeting" notification in their inbox. Sent after the transaction commits. The organiser and the
    person who acted (`actor`) are left out: nobody is told of what they just did."""
    if not meetings:
        return
    actor_pk = getattr(actor, "pk", None)
    by_user: dict[int, tuple[User, list[Meeting]]] = {}
    for meeting in meetings:
        recipients = to if to is not None else [a.user for a in meeting.attendees.all()]
        for user in recipients:
            if user.pk not in (meeting.organizer_id, actor_pk) and user.is_active:
                by_user.setdefault(user.pk, (user, []))[1].append(meeting)
    for user, items in by_user.values():
        files = [(m.pk, ical.invitation(meeting_invite(m), stamp=timezone.now())) for m in items]
        cancelled = all(m.status == MeetingStatus.CANCELLED for m in items)
        lines = [f"{_when(m)} {m.title}" + (f" @ {m.location}" if m.location else "") for m in items]
        first = items[0]

        def title(first: Meeting = first, n: int = len(items), cancelled: bool = cancelled) -> str:
            if cancelled and n > 1:
                return _("Meetings cancelled: %(title)s and %(n)s more") % {"title": first.title, "n": n - 1}
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


def _cutoff(day: date) -> datetime:
    """From when a series' meetings are still to come: now on the current day (a meeting earlier today
    took place even if nobody marked it held), else the start of `day` (back-dated runs)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return max(start, timezone.now()) if day == local_today() else start


def _slots(meetings: Iterable[Meeting]) -> dict[int, date]:
    """Each meeting's date on its series' schedule: the date it was created for (its first history
    record), which it keeps when moved on its own."""
    rows = list(meetings)
    created = dict(
        Meeting.history.filter(id__in=[m.pk for m in rows], history_type="+").values_list("id", "start")
    )
    return {m.pk: timezone.localdate(created.get(m.pk, m.start)) for m in rows}


def _cancelled_by_series(meetings: Iterable[Meeting]) -> set[int]:
    """The meetings whose last change is their cancellation by a series edit (not one by one)."""
    last: dict[int, str | None] = {}
    rows = Meeting.history.filter(id__in=[m.pk for m in meetings]).order_by("history_date", "history_id")
    for pk, reason in rows.values_list("id", "history_change_reason"):
        last[pk] = reason
    return {pk for pk, reason in last.items() if reason == SERIES_CANCEL_REASON}


def series_top_up(*, series: MeetingSeries, today: date) -> list[Meeting]:
    """Create the series' meetings on its schedule from `today` on, so that `AHEAD` are planned and no
    date of the schedule is left out before the last of them; returns them. A meeting keeps its date on
    the schedule when cancelled or moved on its own (that date is not given a second meeting)."""
    if not series.active:
        return []
    meetings = list(series.meetings.all())
    slots = _slots(meetings)
    taken = set(slots.values())
    kept = {slots[m.pk] for m in meetings if m.status != MeetingStatus.CANCELLED}
    on_schedule = [
        d
        for d in kept
        if d >= today
        and is_occurrence(frequency=series.frequency, first_date=series.first_date, until=series.until, day=d)
    ]
    last = max(on_schedule, default=None)
    days: list[date] = []
    count = 0
    for day in _occurrences(series.frequency, series.first_date, series.until):
        if count >= AHEAD and (last is None or day > last):
            break
        if day < today:
            continue
        if day in kept:
            count += 1
        elif day not in taken:
            days.append(day)
            count += 1
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
    values, attendees, project, program = _new_scoped(actor, data, SERIES_FIELDS)
    series = MeetingSeries(project=project, program=program, organizer=actor, **values)
    series.title = (series.title or "").strip()
    _check_series(series)
    series.full_clean()
    series.save()
    series.attendees.set(attendees)
    created = series_top_up(series=series, today=today or local_today())
    _send_invitations(created, actor=actor)
    return series


@transaction.atomic
def series_update(
    *, actor: Any, series: MeetingSeries, data: Mapping[str, Any], today: date | None = None
) -> MeetingSeries:
    """Change a series; its planned meetings still to come follow (time, place, title, attendees), those
    no longer on the schedule are cancelled, those it cancelled are planned again once their date is back
    on the schedule, and the next ones are created. A meeting moved on its own keeps its time and is
    never cancelled by a series edit. Held and past meetings stay."""
    day = today or local_today()
    # The stored row decides who may change it (a form may have set new values on the instance given).
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _require_organise(actor, series.project)
    old_time, old_minutes = series.start_time, series.duration_minutes
    values = dict(data)
    attendees = _users(values.pop("attendees")) if "attendees" in values else None
    scope_changed = "project" in values or "program" in values
    if scope_changed:
        project, program = _clean_scope(
            values.pop("project", series.project), values.pop("program", series.program)
        )
        _require_organise(actor, project)
        series.project, series.program = project, program
    unknown = sorted(set(values) - set(SERIES_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if attendees is not None or scope_changed:
        _check_readers(attendees if attendees is not None else series.attendees.all(), series.project)
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
    removed_for: dict[int, tuple[User, list[Meeting]]] = {}
    future = list(
        series.meetings.filter(
            status__in=(MeetingStatus.PLANNED, MeetingStatus.CANCELLED), start__gte=_cutoff(day)
        ).select_related("organizer")
    )
    slots = _slots(future)
    by_series = _cancelled_by_series([m for m in future if m.status == MeetingStatus.CANCELLED])
    for meeting in future:
        slot = slots[meeting.pk]
        scheduled = series.active and is_occurrence(
            frequency=series.frequency, first_date=series.first_date, until=series.until, day=slot
        )
        restored = meeting.status == MeetingStatus.CANCELLED
        if restored and (meeting.pk not in by_series or not scheduled):
            continue
        detached = not restored and (meeting.start, meeting.end) != _moment(slot, old_time, old_minutes)
        meeting._history_user = actor  # type: ignore[attr-defined]
        if not detached and not scheduled:
            meeting.status = MeetingStatus.CANCELLED
            meeting.sequence += 1
            meeting.version += 1
            meeting._change_reason = SERIES_CANCEL_REASON  # type: ignore[attr-defined]
            meeting.save()
            cancelled.append(meeting)
            continue
        if detached:
            start, end = meeting.start, meeting.end
        else:
            start, end = _moment(slot, series.start_time, series.duration_minutes)
        meeting.status = MeetingStatus.PLANNED
        before = (meeting.title, meeting.start, meeting.end, meeting.location)
        meeting.title, meeting.kind, meeting.start, meeting.end = series.title, series.kind, start, end
        meeting.location, meeting.project, meeting.program = series.location, series.project, series.program
        added, removed = _set_attendees(meeting, wanted)
        if (
            restored
            or before != (meeting.title, meeting.start, meeting.end, meeting.location)
            or added
            or removed
        ):
            meeting.sequence += 1
            meeting.version += 1
            changed.append(meeting)
        meeting.save()
        if removed and not restored:
            copy = _as_cancelled(meeting, removed)
            for user in removed:
                removed_for.setdefault(user.pk, (user, []))[1].append(copy)
    created = series_top_up(series=series, today=day)
    _send_invitations([*changed, *cancelled, *created], actor=actor)
    for user, items in removed_for.values():  # one cancellation e-mail per person taken off the list
        _send_invitations(items, to=[user], actor=actor)
    return series


def _as_cancelled(meeting: Meeting, removed: Sequence[User]) -> Meeting:
    """A copy of the meeting marked cancelled: the CANCEL sent to the people taken off its list."""
    copy = Meeting.objects.get(pk=meeting.pk)
    copy.status = MeetingStatus.CANCELLED
    copy.removed_attendees = list(removed)  # type: ignore[attr-defined]
    return copy


@transaction.atomic
def series_delete(*, actor: Any, series: MeetingSeries, today: date | None = None) -> None:
    """End a series: its planned meetings still to come are cancelled (and the attendees told); held
    meetings and their minutes stay."""
    _require_organise(actor, series.project)
    day = today or local_today()
    cancelled = []
    for meeting in series.meetings.filter(status=MeetingStatus.PLANNED, start__gte=_cutoff(day)):
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.version += 1
        meeting._history_user = actor  # type: ignore[attr-defined]
        meeting.save()
        cancelled.append(meeting)
    _send_invitations(cancelled, actor=actor)
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
    values, attendees, project, program = _new_scoped(actor, data, MEETING_FIELDS)
    meeting = Meeting(project=project, program=program, organizer=actor, **values)
    meeting.title = (meeting.title or "").strip()
    _check_meeting(meeting)
    meeting.full_clean()
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    _set_attendees(meeting, sorted({u.pk: u for u in [actor, *attendees]}.values(), key=lambda u: u.pk))
    _send_invitations([meeting], actor=actor)
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: Any, meeting: Meeting, data: Mapping[str, Any], expected_version: int | None
) -> Meeting:
    """Change a meeting (when, where, title, notes, attendees). A planned meeting's attendees receive the
    invitation again with a raised SEQUENCE; people taken off the list receive a cancellation."""
    require(perms.can_reschedule_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    values = dict(data)
    attendees = _users(values.pop("attendees")) if "attendees" in values else None
    scope_changed = "project" in values or "program" in values
    if scope_changed:
        project, program = _clean_scope(
            values.pop("project", meeting.project), values.pop("program", meeting.program)
        )
        _require_organise(actor, project)
        meeting.project, meeting.program = project, program
    if attendees is not None or scope_changed:
        current = [a.user for a in meeting.attendees.select_related("user")]
        _check_readers(attendees if attendees is not None else current, meeting.project)
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
        _send_invitations([meeting], actor=actor)
        if removed:
            _send_invitations([_as_cancelled(meeting, removed)], to=removed, actor=actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Cancel a planned meeting: the attendees receive a cancellation (METHOD:CANCEL)."""
    require(perms.can_reschedule_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    if meeting.status != MeetingStatus.PLANNED:
        raise Refused(_("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    _send_invitations([meeting], actor=actor)
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


def _clean_url(value: Any) -> str:
    """An agenda item's link: a page of the site ("/…", not "//…") or an http(s) address, at most
    `URL_MAX` characters; anything else (javascript:, data:, …) is refused."""
    url = str(value).strip()
    if len(url) > URL_MAX:
        raise ValidationError({"url": _("At most %(n)s characters.") % {"n": URL_MAX}})
    lowered = url.lower()
    site_path = url.startswith("/") and not url.startswith("//") and "\\" not in url
    web = lowered.startswith(("http://", "https://")) and len(url.split("//", 1)[1]) > 0
    if not (site_path or web) or any(c.isspace() or ord(c) < 32 for c in url):
        raise ValidationError({"url": _("Give a page of this site (starting with /) or an http(s) address.")})
    return url


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
    if values.get("url"):
        values["url"] = _clean_url(values["url"])
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
