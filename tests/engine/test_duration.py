"""Tests for kuroko.engine.duration: parsing typed durations into minutes and formatting them back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.engine.duration import (
    MAX_MINUTES,
    UNITS,
    DurationError,
    DurationUnits,
    format_duration,
    parse_duration,
)

DEFAULT = DurationUnits()
SEVEN_AND_A_HALF = DurationUnits(hours_per_day=Decimal("7.5"))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("5d", 2400),
        ("2.5 days", 1200),
        ("1 day", 480),
        ("3h", 180),
        ("1.5 hours", 90),
        ("2 hrs", 120),
        ("30m", 30),
        ("45 min", 45),
        ("1w", 2400),
        ("2 weeks", 4800),
        ("2mo", 19200),
        ("1 month", 9600),
        ("5", 2400),  # bare number: default unit (days)
        ("0.5", 240),
        (".5h", 30),  # leading point
        ("+2d", 960),  # explicit plus, as in predecessor lags "1.3SS+2d"
        ("  5 D  ", 2400),  # surrounding spaces, upper case unit
        ("0d", 0),
        ("-0d", 0),  # negative zero is zero, even without allow_negative
    ],
)
def test_parse_english(text: str, minutes: int) -> None:
    """English units and bare numbers parse to working minutes with an 8h day."""
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3日", 1440),
        ("3日間", 1440),
        ("2時間", 120),
        ("30分", 30),
        ("1週間", 2400),
        ("1週", 2400),
        ("1ヶ月", 9600),
        ("1か月", 9600),
        ("1カ月", 9600),
        ("1ヵ月", 9600),
        ("0.5人日", 240),
        ("2営業日", 960),
        ("５日", 2400),  # full-width digit
        ("０．５人日", 240),  # full-width digits and point
        ("　３時間　", 180),  # ideographic spaces around
        ("１ｈ", 60),  # full-width unit letter
        ("2ｶ月", 19200),  # half-width katakana
    ],
)
def test_parse_japanese(text: str, minutes: int) -> None:
    """Japanese units and full-width characters parse like their English forms."""
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty
        "   ",  # only spaces
        "d",  # unit without a number
        "ヶ月",  # Japanese unit without a number
        "三日",  # kanji numerals are not read
        "five days",  # number in words
        "5x",  # unknown unit
        "5 ms",  # milliseconds are not a working-time unit
        "5d 4h",  # compound durations are not accepted
        "5d4h",  # compound without a space
        "2,5d",  # decimal comma: ambiguous with a thousands separator
        "1,000h",  # thousands separator: ambiguous with a decimal comma
        "1.2.3d",  # two decimal points
        "5.d",  # point without decimals
        "--5d",  # double sign
        "5-d",  # sign after the number
        "1e3m",  # exponent notation
        "nan",  # Decimal would accept it, a duration must not
        "inf d",  # likewise infinity
        "-2d",  # negative without allow_negative
        "−2d",  # Unicode minus sign, still negative
        "１，５日",  # full-width comma is a comma too
        "99999999999999999999999999999999d",  # far beyond the 32-bit limit
    ],
)
def test_parse_rejects(text: str) -> None:
    """Text that is not a non-negative duration raises DurationError (a ValueError)."""
    with pytest.raises(DurationError):
        parse_duration(text)


def test_parse_error_names_the_unit() -> None:
    """An unknown unit is quoted back to the user together with the accepted units."""
    with pytest.raises(DurationError, match=r"“fortnights”.*m, h, d, w or mo"):
        parse_duration("2 fortnights")


def test_parse_comma_explains_the_point() -> None:
    """A comma is refused with a hint to write decimals with a point."""
    with pytest.raises(DurationError, match="decimals with a point"):
        parse_duration("2,5d")


def test_parse_negative_when_allowed() -> None:
    """With allow_negative, a leading minus (ASCII, full-width or Unicode) gives negative minutes."""
    assert parse_duration("-2d", allow_negative=True) == -960
    assert parse_duration("－２日", allow_negative=True) == -960
    assert parse_duration("\u22121.5h", allow_negative=True) == -90
    assert parse_duration("- 30m", allow_negative=True) == -30


def test_parse_rounds_half_away_from_zero() -> None:
    """Fractions of a minute round to the nearest minute, halves away from zero (not to even)."""
    assert parse_duration("0.5m") == 1
    assert parse_duration("2.5m") == 3
    assert parse_duration("0.4m") == 0
    assert parse_duration("-2.5m", allow_negative=True) == -3
    assert parse_duration("0.001d") == 0
    assert parse_duration("1.001d") == 480


def test_parse_uses_units() -> None:
    """Days, weeks and months follow the organisation's DurationUnits."""
    units = DurationUnits(hours_per_day=Decimal("7.5"), days_per_week=Decimal(4), days_per_month=Decimal(18))
    assert parse_duration("1d", units) == 450
    assert parse_duration("1w", units) == 1800
    assert parse_duration("1mo", units) == 8100
    assert parse_duration("1h", units) == 60


def test_parse_default_unit() -> None:
    """A bare number is read in default_unit, which may be any accepted unit word."""
    assert parse_duration("90", default_unit="m") == 90
    assert parse_duration("2", default_unit="hours") == 120
    assert parse_duration("1", default_unit="週間") == 2400
    assert parse_duration("2h", default_unit="m") == 120  # an explicit unit wins


def test_parse_bad_default_unit_is_a_programming_error() -> None:
    """An unknown default_unit raises a plain ValueError, not a DurationError for the user."""
    with pytest.raises(ValueError, match="default unit") as info:
        parse_duration("5", default_unit="fortnight")
    assert not isinstance(info.value, DurationError)


def test_parse_limit() -> None:
    """MAX_MINUTES is accepted; one minute more is refused in either direction."""
    assert parse_duration(f"{MAX_MINUTES}m") == MAX_MINUTES
    assert parse_duration(f"-{MAX_MINUTES}m", allow_negative=True) == -MAX_MINUTES
    with pytest.raises(DurationError, match="too long"):
        parse_duration(f"{MAX_MINUTES + 1}m")
    with pytest.raises(DurationError, match="too long"):
        parse_duration(f"-{MAX_MINUTES + 1}m", allow_negative=True)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (2400, "5d"),  # whole days
        (0, "0d"),  # zero is shown in days
        (-960, "-2d"),  # a lead of two days
        (1200, "2.5d"),  # half days stay in days
        (240, "0.5d"),
        (-240, "-0.5d"),
        (90, "1.5h"),  # not a half day: hours
        (15, "0.25h"),  # quarter hour
        (600, "10h"),  # 1.25 days is shown in hours
        (-45, "-0.75h"),
        (2415, "40.25h"),  # five days and a quarter hour
        (500, "500m"),  # not a quarter hour: minutes
        (7, "7m"),
        (-1, "-1m"),
        (48000, "100d"),  # no exponent notation
    ],
)
def test_format_default_units(minutes: int, text: str) -> None:
    """The unit is days for half-day multiples, else hours for quarter-hours, else minutes."""
    assert format_duration(minutes) == text


def test_format_follows_units() -> None:
    """The half-day test uses the organisation's day length."""
    assert format_duration(450, SEVEN_AND_A_HALF) == "1d"
    assert format_duration(225, SEVEN_AND_A_HALF) == "0.5d"
    assert format_duration(480, SEVEN_AND_A_HALF) == "8h"
    assert format_duration(112, SEVEN_AND_A_HALF) == "112m"


@pytest.mark.parametrize(
    ("minutes", "unit", "text"),
    [
        (2400, "w", "1w"),
        (1000, "w", "0.42w"),  # rounded to 2 decimals
        (9600, "mo", "1mo"),
        (90, "m", "90m"),
        (90, "d", "0.19d"),  # 0.1875 rounds half up
        (-1, "d", "0d"),  # rounds to zero: no "-0d"
        (2400, "h", "40h"),
    ],
)
def test_format_forced_unit(minutes: int, unit: str, text: str) -> None:
    """A forced unit shows the value rounded to 2 decimals without trailing zeros."""
    assert format_duration(minutes, unit=unit) == text


def test_format_unknown_unit() -> None:
    """A forced unit must be a unit key."""
    with pytest.raises(ValueError, match="Unknown duration unit"):
        format_duration(60, unit="days")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hours_per_day": Decimal(0)},  # a day must have working time
        {"hours_per_day": Decimal(25)},  # more hours than a day has
        {"days_per_week": Decimal(0)},  # a week must have working days
        {"days_per_week": Decimal(8)},  # more days than a week has
        {"days_per_month": Decimal(-1)},  # negative month
        {"days_per_month": Decimal(32)},  # more days than a month has
    ],
)
def test_units_validate(kwargs: dict[str, Decimal]) -> None:
    """DurationUnits refuses impossible day, week and month lengths."""
    with pytest.raises(ValueError, match="must be more than 0"):
        DurationUnits(**kwargs)


def test_minutes_per() -> None:
    """minutes_per gives every unit's length and refuses unknown keys."""
    assert [DEFAULT.minutes_per(u) for u in UNITS] == [1, 60, 480, 2400, 9600]
    with pytest.raises(ValueError):
        DEFAULT.minutes_per("y")


units_strategy = st.builds(
    DurationUnits,
    hours_per_day=st.sampled_from([Decimal(h) for h in ("4", "6", "7", "7.5", "7.75", "8", "9.5", "24")]),
    days_per_week=st.sampled_from([Decimal(d) for d in ("4", "4.5", "5", "6", "7")]),
    days_per_month=st.sampled_from([Decimal(d) for d in ("18", "20", "21.5", "22")]),
)


@given(st.integers(-MAX_MINUTES, MAX_MINUTES), units_strategy)
def test_round_trip(minutes: int, units: DurationUnits) -> None:
    """parse(format(x)) == x for every whole number of minutes within the limit."""
    assert parse_duration(format_duration(minutes, units), units, allow_negative=True) == minutes


@given(st.integers(-100_000, 100_000))
def test_format_shape(minutes: int) -> None:
    """Formatted text is a sign-optional number with at most 2 decimals and a d, h or m unit."""
    text = format_duration(minutes)
    number, unit = text[:-1], text[-1]
    assert unit in "dhm"
    assert not number.startswith("-0") or number.startswith("-0.")
    assert "e" not in number.lower()
    if "." in number:
        assert 1 <= len(number.split(".")[1]) <= 2
        assert not number.endswith("0")
    assert (unit == "d") == (minutes % 240 == 0)


@given(st.decimals(0, 10_000, places=2), st.sampled_from(["m", "h", "d", "w", "mo", "日", "時間"]))
def test_parse_matches_decimal_arithmetic(number: Decimal, unit: str) -> None:
    """Parsing N units gives N times the unit's minutes, rounded half up, within one minute."""
    key = {"日": "d", "時間": "h"}.get(unit, unit)
    exact = number * DEFAULT.minutes_per(key)
    minutes = parse_duration(f"{number}{unit}")
    assert abs(minutes - exact) <= Decimal("0.5")
    assert parse_duration(f"-{number} {unit}", allow_negative=True) == -minutes


@pytest.mark.parametrize(
    ("text", "minutes", "elapsed"),
    [
        ("3ed", 3 * 1440, True),  # elapsed days: 24 hours each
        ("1.5ed", 2160, True),
        ("4eh", 240, True),
        ("1ew", 7 * 1440, True),
        ("1emo", 30 * 1440, True),  # MS Project's elapsed month is 30 days
        ("3経過日", 3 * 1440, True),
        ("-2ed", -2880, True),  # a lead, where negatives are allowed
        ("5d", 2400, False),  # working time as before
        ("3日", 1440, False),
    ],
)
def test_parse_span_reads_working_and_elapsed_time(text, minutes, elapsed):
    """Elapsed units give calendar minutes and the elapsed flag; working units are unchanged."""
    from kuroko.engine.duration import Span, format_span, parse_span

    span = parse_span(text, allow_negative=True)
    assert span == Span(minutes, elapsed)
    assert parse_span(format_span(span.minutes, span.elapsed), allow_negative=True) == span


def test_parse_span_errors_mention_elapsed_units():
    """An unknown unit names what is accepted, elapsed units included; a negative elapsed duration is
    refused where negatives are not allowed."""
    from kuroko.engine.duration import DurationError, parse_span

    with pytest.raises(DurationError, match="3ed"):
        parse_span("3xd")
    with pytest.raises(DurationError, match="negative"):
        parse_span("-3ed")
