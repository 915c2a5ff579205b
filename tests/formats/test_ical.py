"""iCalendar feeds (`kuroko.formats.ical`): RFC 5545 shape, checked by parsing with the icalendar library."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from kuroko.formats.ical import FeedEvent, clean_text, feed_calendar, task_uid

STAMP = datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=UTC)


def event(**kw: object) -> FeedEvent:
    values: dict[str, object] = {
        "uid": "task-1@pmo.example.com",
        "summary": "ALPHA 1.1 Design",
        "first_day": date(2026, 4, 6),
        "last_day": date(2026, 4, 8),
    }
    values.update(kw)
    return FeedEvent(**values)  # type: ignore[arg-type]


def unescape(value: str) -> str:
    """The text of an X- property: the parser keeps it as written, escapes and all (RFC 5545 3.3.11)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def test_calendar_has_the_required_properties():
    """VCALENDAR carries PRODID, VERSION 2.0, CALSCALE, METHOD PUBLISH and the calendar's name."""
    data = feed_calendar(name="ALPHA milestones", events=[event()], stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//Kuroko//")
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert unescape(str(cal["X-WR-CALNAME"])) == "ALPHA milestones"


def test_event_is_all_day_with_exclusive_end():
    """A task from 6 to 8 April is DTSTART;VALUE=DATE 6 April and DTEND 9 April (the day after)."""
    data = feed_calendar(name="x", events=[event(sequence=4, url="https://k/p/#task-1")], stamp=STAMP)
    assert b"DTSTART;VALUE=DATE:20260406\r\n" in data
    assert b"DTEND;VALUE=DATE:20260409\r\n" in data
    (vevent,) = Calendar.from_ical(data).walk("VEVENT")
    assert vevent.decoded("DTSTART") == date(2026, 4, 6)
    assert vevent.decoded("DTEND") == date(2026, 4, 9)
    assert str(vevent["UID"]) == "task-1@pmo.example.com"
    assert vevent.decoded("SEQUENCE") == 4
    assert str(vevent["URL"]) == "https://k/p/#task-1"
    # DTSTAMP in UTC, whole seconds.
    assert b"DTSTAMP:20261122T093015Z\r\n" in data


def test_milestone_is_one_day():
    """A milestone on 1 May spans exactly that day."""
    data = feed_calendar(
        name="x", events=[event(first_day=date(2026, 5, 1), last_day=date(2026, 5, 1))], stamp=STAMP
    )
    (vevent,) = Calendar.from_ical(data).walk("VEVENT")
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(days=1)


def test_last_modified_is_converted_to_utc():
    """LAST-MODIFIED of a Tokyo time is written in UTC ("Z")."""
    tokyo = timezone(timedelta(hours=9))
    data = feed_calendar(
        name="x", events=[event(last_modified=datetime(2026, 4, 1, 9, 0, tzinfo=tokyo))], stamp=STAMP
    )
    assert b"LAST-MODIFIED:20260401T000000Z\r\n" in data


# Site names of UIDs (KUROKO_SITE_HOST) and the UID they give.
@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("pmo.example.com", "task-42@pmo.example.com"),  # a host name
        ("kuroko", "task-42@kuroko"),  # the default
        ("", "task-42@kuroko"),  # not configured
        ("[::1]:8000", "task-42@kuroko"),  # not a name: an IPv6 address and port
        ("pmo.example.com:8443", "task-42@kuroko"),  # a port would change with the address used
        ("a b", "task-42@kuroko"),  # a space
    ],
)
def test_uid_uses_the_site_name(site, expected):
    """The UID is task-<pk>@<site name>; anything but a plain name falls back to "kuroko"."""
    assert task_uid(42, site) == expected


def test_calendar_asks_for_a_refresh_every_four_hours():
    """REFRESH-INTERVAL (RFC 7986, typed as a duration) and X-PUBLISHED-TTL (Outlook) say four hours."""
    data = feed_calendar(name="x", events=[event()], stamp=STAMP)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in data and b"X-PUBLISHED-TTL:PT4H\r\n" in data
    assert Calendar.from_ical(data).decoded("REFRESH-INTERVAL") == timedelta(hours=4)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"uid": ""}, "UID"),  # an event without UID cannot be updated by clients
        ({"uid": "a\nb"}, "UID"),  # a UID spans one line
        ({"first_day": date(2026, 4, 9)}, "end before"),  # ends before it starts
        ({"sequence": -1}, "sequence"),  # SEQUENCE is a non-negative integer
    ],
)
def test_invalid_events_are_refused(kw, message):
    """An impossible event is refused with a sentence naming the rule."""
    with pytest.raises(ValueError, match=message):
        event(**kw)


def test_clean_text_keeps_ordinary_text_and_drops_control_characters():
    """Separators, Japanese and emoji stay; CR LF becomes LF; other control characters go."""
    assert clean_text("a, b; c: 設計 🎉\tx") == "a, b; c: 設計 🎉\tx"
    assert clean_text("one\r\ntwo\rthree\x00\x1b\x7f") == "one\ntwo\nthree"
    assert clean_text("a\ud800b") == "ab"  # a lone surrogate cannot be written in UTF-8


# Text that calendar clients must get back as typed: separators RFC 5545 escapes, line breaks, emoji,
# Japanese (three octets a character, so folding must not split one), and any other character.
TEXT = st.text(
    alphabet=st.sampled_from(list(",;:\\\n\r\"'abcXYZ 0123 設計レビュー進捗率担当 🎉🚀 ◆")) | st.characters(),
    max_size=200,
)


@given(summary=TEXT, description=TEXT, name=TEXT)
def test_any_text_round_trips_through_the_parser(summary, description, name):
    """Whatever the names hold, the output parses back to the same (clean) text, lines ≤ 75 octets, CRLF."""
    data = feed_calendar(name=name, events=[event(summary=summary, description=description)], stamp=STAMP)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines(data))
    data.decode("utf-8")  # folding never splits a character
    cal = Calendar.from_ical(data)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent.get("SUMMARY", "")) == clean_text(summary)
    assert str(vevent.get("DESCRIPTION", "")) == clean_text(description)
    assert unescape(str(cal["X-WR-CALNAME"])) == clean_text(name)
