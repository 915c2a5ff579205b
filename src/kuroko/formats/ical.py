"""iCalendar (RFC 5545) feeds: a published calendar of all-day events, written with the `icalendar` library.

The library does the wire format: CRLF line ends, folding of long lines at 75 octets (never inside a
UTF-8 character), and escaping of commas, semicolons, backslashes and newlines in text values. This
module only decides what goes in: one VEVENT per task or milestone, all-day, with a UID that stays the
same for the life of the task so that calendar clients update events instead of duplicating them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vText

PRODID = "-//Kuroko//Kuroko PMO//EN"
REFRESH = timedelta(hours=4)  # how often subscribed clients should fetch the feed again
REFRESH_TEXT = "PT4H"  # the same as an RFC 5545 duration, for Outlook's X-PUBLISHED-TTL


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One all-day event: from `first_day` to `last_day` inclusive (a milestone has both on its date).

    `sequence` rises with each change of the item — at least with every change of its dates, as RFC 5545
    3.8.7.4 requires — and never goes down; `last_modified` is when it last changed (None when unknown);
    `url` links back to the item.
    """

    uid: str
    summary: str
    first_day: date
    last_day: date
    description: str = ""
    url: str = ""
    sequence: int = 0
    last_modified: datetime | None = None
    categories: tuple[str, ...] = ()
    # A timed event (a meeting): its start and end as aware datetimes; the days are then only its dates.
    start: datetime | None = None
    end: datetime | None = None
    location: str = ""

    def __post_init__(self) -> None:
        if not self.uid or any(c in self.uid for c in "\r\n"):
            raise ValueError("An event needs a UID on one line.")
        if (self.start is None) != (self.end is None):
            raise ValueError("A timed event needs both a start and an end.")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("A timed event must end after it starts.")
        if self.last_day < self.first_day:
            raise ValueError("An event cannot end before it starts.")
        if self.sequence < 0:
            raise ValueError("An event's sequence is a whole number from 0.")


# RFC 5545 TEXT allows no control characters but TAB (and newlines, which the library escapes as \n);
# a lone surrogate (no character at all) cannot be written in UTF-8.
_CONTROL = {c: None for c in [*range(0, 9), *range(11, 32), 127, *range(0xD800, 0xE000)]}


def clean_text(text: str) -> str:
    """Text as an iCalendar TEXT value can carry it: line breaks as LF, other control characters and lone
    surrogates dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)


_SITE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def task_uid(pk: int, site: str) -> str:
    """The stable UID of a task's event: `task-<pk>@<site>`, where `site` is the configured name of the
    Kuroko site (a host name such as pmo.example.com), never the address a request came in by — that
    changes with the Host header, and an IPv6 address or a port is no name. Anything but a plain name
    gives "kuroko"."""
    return f"task-{pk}@{site if _SITE.fullmatch(site) else 'kuroko'}"


def _utc(moment: datetime) -> datetime:
    # RFC 5545 wants DTSTAMP and LAST-MODIFIED in UTC ("Z" form); naive values are taken as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def feed_calendar(*, name: str, events: Iterable[FeedEvent], stamp: datetime, description: str = "") -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) with one all-day VEVENT per event, as UTF-8 bytes with CRLF line ends.

    `stamp` is the DTSTAMP of every event (when the feed was made); `name` becomes X-WR-CALNAME, the
    name calendar clients show for a subscribed calendar.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # RFC 7986's refresh interval (its value type must be given) and Outlook's own name for it.
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vText(REFRESH_TEXT))
    # X- properties have no declared type: vText makes the library escape them like SUMMARY.
    cal.add("x-wr-calname", vText(clean_text(name)))
    if description:
        cal.add("x-wr-caldesc", vText(clean_text(description)))
    dtstamp = _utc(stamp).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", dtstamp)
        event.add("sequence", item.sequence)
        if item.last_modified is not None:
            event.add("last-modified", _utc(item.last_modified).replace(microsecond=0))
        event.add("summary", clean_text(item.summary))
        if item.start is not None and item.end is not None:  # a meeting: timed, in UTC, blocks the time
            event.add("dtstart", _utc(item.start).replace(microsecond=0))
            event.add("dtend", _utc(item.end).replace(microsecond=0))
            event.add("transp", "OPAQUE")
        else:
            # All-day: DTSTART;VALUE=DATE and an exclusive DTEND on the day after the last one.
            event.add("dtstart", item.first_day)
            event.add("dtend", item.last_day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a task is not a meeting: it does not block free/busy time
        if item.location:
            event.add("location", clean_text(item.location))
        if item.description:
            event.add("description", clean_text(item.description))
        if item.url:
            event.add("url", clean_text(item.url))
        if item.categories:
            event.add("categories", [clean_text(c) for c in item.categories])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


# --- Meeting invitations (iTIP, RFC 5546) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invitee:
    """An attendee of an invitation: name, e-mail address and whether attending is required."""

    name: str
    email: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class MeetingInvite:
    """One meeting as an invitation: a timed event from `start` to `end` (aware datetimes).

    `uid` stays the same for the life of the meeting and `sequence` rises with every change sent, so a
    calendar client updates (or, with `cancelled`, removes) the event it already has.
    """

    uid: str
    summary: str
    start: datetime
    end: datetime
    organizer_name: str
    organizer_email: str
    attendees: tuple[Invitee, ...] = ()
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        if not self.uid or any(c in self.uid for c in "\r\n"):
            raise ValueError("An invitation needs a UID on one line.")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("A meeting's start and end need a time zone.")
        if self.end <= self.start:
            raise ValueError("A meeting must end after it starts.")
        if self.sequence < 0:
            raise ValueError("An invitation's sequence is a whole number from 0.")


def meeting_uid(pk: int, site: str) -> str:
    """The stable UID of a meeting: `meeting-<pk>@<site>` (see `task_uid` for the site name)."""
    return f"meeting-{pk}@{site if _SITE.fullmatch(site) else 'kuroko'}"


def _mailto(email: str) -> str:
    return f"mailto:{email}" if email else "mailto:noreply@invalid"


def invitation(invite: MeetingInvite, *, stamp: datetime) -> bytes:
    """A VCALENDAR with METHOD:REQUEST (or METHOD:CANCEL when the meeting is cancelled) and one timed
    VEVENT with ORGANIZER and an ATTENDEE per invitee, as UTF-8 bytes with CRLF line ends."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if invite.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", _utc(stamp).replace(microsecond=0))
    event.add("sequence", invite.sequence)
    event.add("summary", clean_text(invite.summary))
    event.add("dtstart", _utc(invite.start).replace(microsecond=0))
    event.add("dtend", _utc(invite.end).replace(microsecond=0))
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add(
        "organizer", _mailto(invite.organizer_email), parameters={"CN": clean_text(invite.organizer_name)}
    )
    for person in invite.attendees:
        event.add(
            "attendee",
            _mailto(person.email),
            parameters={
                "CN": clean_text(person.name),
                "ROLE": "REQ-PARTICIPANT" if person.required else "OPT-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            },
        )
    if invite.location:
        event.add("location", clean_text(invite.location))
    if invite.description:
        event.add("description", clean_text(invite.description))
    if invite.url:
        event.add("url", clean_text(invite.url))
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
