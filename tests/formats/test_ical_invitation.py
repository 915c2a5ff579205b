"""Meeting invitations (iTIP REQUEST / CANCEL) and timed feed events of kuroko.formats.ical (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from kuroko.formats.ical import FeedEvent, Invitee, MeetingInvite, feed_calendar, invitation, meeting_uid

JST = timezone(timedelta(hours=9))
START = datetime(2026, 6, 10, 10, 0, tzinfo=JST)


def _invite(**kw) -> MeetingInvite:
    values = dict(
        uid="meeting-7@pmo.example.com",
        summary="定例会議; 第3回",
        start=START,
        end=START + timedelta(hours=1),
        organizer_name="山田 太郎",
        organizer_email="yamada@example.com",
        attendees=(
            Invitee("佐藤 花子", "sato@example.com"),
            Invitee("Lee", "lee@example.com", required=False),
        ),
        location="会議室A",
        sequence=2,
    )
    values.update(kw)
    return MeetingInvite(**values)


def test_request_has_uid_sequence_organizer_and_attendees():
    """A REQUEST carries the stable UID, the SEQUENCE, times in UTC, ORGANIZER and one ATTENDEE each."""
    data = invitation(_invite(), stamp=datetime(2026, 6, 1, tzinfo=UTC))
    cal = Calendar.from_ical(data)
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == "meeting-7@pmo.example.com"
    assert int(event["SEQUENCE"]) == 2
    assert event.decoded("DTSTART") == datetime(2026, 6, 10, 1, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "定例会議; 第3回"
    assert str(event["ORGANIZER"]) == "mailto:yamada@example.com"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:sato@example.com", "mailto:lee@example.com"]
    assert attendees[1].params["ROLE"] == "OPT-PARTICIPANT"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"\r\n" in data


def test_cancel_is_method_cancel_with_the_same_uid():
    """A cancelled meeting is METHOD:CANCEL, STATUS:CANCELLED, with the same UID."""
    cal = Calendar.from_ical(invitation(_invite(cancelled=True, sequence=3), stamp=START))
    assert cal["METHOD"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-7@pmo.example.com"
    assert int(event["SEQUENCE"]) == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uid": ""}, "UID"),  # no UID
        ({"uid": "a\nb"}, "UID"),  # a UID on two lines
        ({"start": datetime(2026, 6, 10, 10, 0)}, "time zone"),  # naive start
        ({"end": START}, "end after"),  # ends when it starts
        ({"sequence": -1}, "sequence"),  # negative sequence
    ],
)
def test_invalid_invitations_are_refused(changes, message):
    """Bad invitations raise ValueError with a sentence naming the rule."""
    with pytest.raises(ValueError, match=message):
        _invite(**changes)


def test_meeting_uid_uses_the_site_name_only():
    """The UID carries the configured site name, and "kuroko" for anything that is not a host name."""
    assert meeting_uid(5, "pmo.example.com") == "meeting-5@pmo.example.com"
    assert meeting_uid(5, "[::1]:8000") == "meeting-5@kuroko"


def test_feed_writes_a_timed_event_for_a_meeting():
    """A feed event with a start and end is written as a timed, opaque event with its location."""
    event = FeedEvent(
        uid="meeting-1@kuroko", summary="SteerCo", first_day=date(2026, 6, 10), last_day=date(2026, 6, 10),
        start=START, end=START + timedelta(minutes=90), location="本社 5F",
    )  # fmt: skip
    cal = Calendar.from_ical(feed_calendar(name="x", events=[event], stamp=START))
    vevent = cal.walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == datetime(2026, 6, 10, 1, 0, tzinfo=UTC)
    assert str(vevent["TRANSP"]) == "OPAQUE"
    assert str(vevent["LOCATION"]) == "本社 5F"


def test_timed_feed_event_needs_both_ends():
    """A feed event with a start but no end is refused."""
    with pytest.raises(ValueError, match="both"):
        FeedEvent(uid="x", summary="x", first_day=date(2026, 1, 1), last_day=date(2026, 1, 1), start=START)
