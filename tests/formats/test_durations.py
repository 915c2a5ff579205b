"""Timesheet cell text → minutes (kuroko.formats.durations): the formats accepted and the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.formats.durations import MAX_MINUTES, DurationTextError, format_minutes, parse_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2h30m", 150),
        ("2h", 120),
        ("45m", 45),
        ("2:30", 150),
        ("0:05", 5),
        ("2.5", 150),
        ("2,5", 150),
        (".5", 30),
        ("8", 480),
        ("1.5h", 90),
        ("2H 30M", 150),
        ("２：３０", 150),  # full-width digits and colon
        ("２．５", 150),  # full-width digits and point
        ("2時間30分", 150),
        ("45分", 45),
        ("3 hours", 180),
        ("90 min", 90),
        ("0.1", 6),
        ("0.01", 1),  # 0.6 minutes rounds half up to 1
        ("", 0),
        ("   ", 0),
        (None, 0),
        ("0", 0),
        ("24", 1440),
        ("24:00", 1440),
    ],
)
def test_accepted_formats(text, minutes):
    """Each way of writing a time reads as the minutes it means."""
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("-1", "negative"),  # negative hours
        ("-0:30", "negative"),  # negative, clock form
        ("－２", "negative"),  # full-width minus
        ("25", "too_long"),  # more than a day
        ("24:01", "too_long"),  # one minute over a day
        ("30h", "too_long"),  # more than a day, with a unit
        ("abc", "syntax"),  # no number at all
        ("2:75", "syntax"),  # minutes past 59 after a colon
        ("2h75m", "syntax"),  # minutes past 59 after hours
        ("2.5.1", "syntax"),  # two decimal points
        ("h", "syntax"),  # a unit without a number
        ("1:2:3", "syntax"),  # seconds are not a thing here
        ("2d", "syntax"),  # days are not accepted in a daily cell
    ],
)
def test_refusals_name_the_text(text, kind):
    """Bad text is refused with its kind, and the message quotes what was typed."""
    with pytest.raises(DurationTextError) as info:
        parse_minutes(text)
    assert info.value.kind == kind
    assert info.value.text == text.strip()
    assert text.strip() in str(info.value)


@given(st.integers(min_value=0, max_value=MAX_MINUTES))
def test_format_then_parse_round_trips(minutes):
    """What format_minutes shows reads back as the same minutes."""
    assert parse_minutes(format_minutes(minutes)) == minutes


def test_format_minutes():
    """Zero shows as an empty cell; other values as hours:minutes."""
    assert format_minutes(0) == "" and format_minutes(None) == ""
    assert format_minutes(150) == "2:30" and format_minutes(5) == "0:05"
