"""Tests for kuroko.engine.calendar: working-time arithmetic on compiled calendars."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.calendar import (
    WorkCalendar,
    from_minutes,
    holiday_exceptions,
    occurrences,
    resolved_week,
    to_minutes,
)
from kuroko.engine.model import (
    FULL_WEEK,
    MINUTES_PER_DAY,
    STANDARD_WEEK,
    Calendar,
    CalendarException,
    Interval,
    Recurrence,
)

STANDARD = Calendar("standard", "Standard")
# Monday 23 November 2026; the week of 23–29 November is used throughout.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, 23) + timedelta(days=n) for n in range(7))
NEXT_MON = date(2026, 11, 30)


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The naive instant `hour:minute` on `day`."""
    return datetime.combine(day, time(hour, minute))


def standard() -> WorkCalendar:
    """A fresh Standard calendar compiled around the test week."""
    return WorkCalendar(STANDARD, around=at(MON))


def as_finish(cal: WorkCalendar, moment: datetime) -> datetime:
    """The position of `moment`, read back as a finish."""
    return from_minutes(cal.finish_at(cal.to_work(to_minutes(moment))))


def as_start(cal: WorkCalendar, moment: datetime) -> datetime:
    """The position of `moment`, read back as a start."""
    return from_minutes(cal.start_at(cal.to_work(to_minutes(moment))))


def holiday(day: date, name: str = "") -> CalendarException:
    """A one-day non-working exception."""
    return CalendarException(day, day, (), name=name)


# --- Positions and their two readings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "finish", "start"),
    [
        (at(MON, 10), at(MON, 10), at(MON, 10)),  # inside working time both readings are the instant
        (at(MON, 17), at(MON, 17), at(TUE, 8)),  # end of day: a finish stays, a start is next morning
        (at(MON, 12), at(MON, 12), at(MON, 13)),  # lunch break: finish before it, start after it
        (at(MON, 12, 30), at(MON, 12), at(MON, 13)),  # an instant inside the break reads the same
        (at(MON, 13), at(MON, 12), at(MON, 13)),  # the end of the break is the same position too
        (at(FRI, 17), at(FRI, 17), at(NEXT_MON, 8)),  # Friday evening: a start goes to Monday
        (at(SAT, 10), at(FRI, 17), at(NEXT_MON, 8)),  # weekend instants belong to the boundary
        (at(NEXT_MON, 8), at(FRI, 17), at(NEXT_MON, 8)),  # Monday 08:00 read as a finish is Friday 17:00
        (at(MON, 7), at(date(2026, 11, 20), 17), at(MON, 8)),  # before the day starts
        (at(MON, 8, 1), at(MON, 8, 1), at(MON, 8, 1)),  # one minute into the day
    ],
)
def test_standard_calendar_readings_at_boundaries(
    moment: datetime, finish: datetime, start: datetime
) -> None:
    """A position on a boundary reads as the end of the previous period (finish) or the next start."""
    cal = standard()
    assert as_finish(cal, moment) == finish
    assert as_start(cal, moment) == start


def test_finish_and_start_of_a_full_day() -> None:
    """Eight working hours from Monday 08:00 finish Monday 17:00; the next task starts Tuesday 08:00."""
    cal = standard()
    w = cal.to_work(to_minutes(at(MON, 8))) + 480
    assert from_minutes(cal.finish_at(w)) == at(MON, 17)
    assert from_minutes(cal.start_at(w)) == at(TUE, 8)


@pytest.mark.parametrize(
    ("moment", "minutes", "expected"),
    [
        (at(MON, 8), 480, at(MON, 17)),  # one day
        (at(MON, 11), 120, at(MON, 14)),  # the lunch hour does not count
        (at(MON, 10), 120, at(MON, 12)),  # ends exactly at lunch: a finish stays at 12:00
        (at(FRI, 16), 120, at(NEXT_MON, 9)),  # across the weekend
        (at(FRI, 17), 1, at(NEXT_MON, 8, 1)),  # the first minute after the weekend
        (at(SAT, 12), 0, at(FRI, 17)),  # adding nothing reads the position as a finish
        (at(MON, 8), 2400, at(date(2026, 11, 27), 17)),  # a working week is Monday to Friday
        (at(TUE, 9), -60, at(TUE, 8)),  # going back lands on a start (the morning, not Monday 17:00)
        (at(TUE, 8), -60, at(MON, 16)),  # going back over the night
        (at(NEXT_MON, 9), -120, at(FRI, 16)),  # going back over the weekend
    ],
)
def test_add_working_time(moment: datetime, minutes: int, expected: datetime) -> None:
    """add() moves by working minutes, skipping nights, lunch and weekends."""
    assert standard().add(moment, minutes) == expected


def test_add_skips_holidays() -> None:
    """A holiday on Wednesday is skipped: Tuesday 16:00 plus two hours is Thursday 09:00."""
    cal = WorkCalendar(Calendar("c", exceptions=(holiday(WED),)), around=at(MON))
    assert cal.add(at(TUE, 16), 120) == at(THU, 9)
    assert cal.add(at(MON, 8), 3 * 480) == at(THU, 17)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MON, 9), at(MON, 9)),  # already working
        (at(MON, 8), at(MON, 8)),  # the first minute of the day is working
        (at(MON, 6), at(MON, 8)),  # early morning
        (at(MON, 12), at(MON, 13)),  # lunch break starts at 12:00
        (at(MON, 12, 59), at(MON, 13)),  # still lunch
        (at(MON, 17), at(TUE, 8)),  # the end of the day is not working time
        (at(SAT, 10), at(NEXT_MON, 8)),  # weekend
        (at(SUN, 23, 59), at(NEXT_MON, 8)),  # the last minute of the weekend
    ],
)
def test_next_working(moment: datetime, expected: datetime) -> None:
    """next_working() returns the first working instant at or after the moment."""
    assert standard().next_working(moment) == expected


@pytest.mark.parametrize(
    ("start", "finish", "expected"),
    [
        (at(MON, 8), at(NEXT_MON, 8), 2400),  # a whole week
        (at(MON, 11), at(MON, 14), 120),  # the lunch hour does not count
        (at(SAT, 0), at(SUN, 23), 0),  # a weekend has none
        (at(FRI, 16), at(NEXT_MON, 9), 120),  # across the weekend
        (at(NEXT_MON, 8), at(MON, 8), -2400),  # backwards is negative
        (at(MON, 9), at(MON, 9), 0),  # an empty span
    ],
)
def test_working_minutes(start: datetime, finish: datetime, expected: int) -> None:
    """working_minutes() counts working time between two instants."""
    assert standard().working_minutes(start, finish) == expected


def test_working_days_lists_days_with_working_time() -> None:
    """working_days() keeps Monday–Friday and drops the weekend and holidays."""
    cal = WorkCalendar(Calendar("c", exceptions=(holiday(WED),)), around=at(MON))
    assert cal.working_days(MON, NEXT_MON) == [MON, TUE, THU, FRI, NEXT_MON]
    assert cal.is_working_day(TUE) and not cal.is_working_day(WED) and not cal.is_working_day(SAT)


def test_worked_example_of_the_documentation() -> None:
    """The worked example of docs/engine/calendars.md: a Wednesday holiday and a working Saturday."""
    cal = WorkCalendar(
        Calendar(
            "c",
            exceptions=(
                holiday(WED, "Holiday"),
                CalendarException(SAT, SAT, ((540, 780),), "Working Saturday"),
            ),
        ),
        around=at(MON),
    )
    assert cal.add(at(TUE, 16), 120) == at(THU, 9)
    assert cal.add(at(FRI, 16), 120) == at(SAT, 10)
    assert cal.add(at(FRI, 16), 360) == at(NEXT_MON, 9)
    assert cal.next_working(at(MON, 12, 30)) == at(MON, 13)
    assert cal.next_working(at(SUN, 10)) == at(NEXT_MON, 8)
    assert cal.working_minutes(at(MON, 8), at(NEXT_MON, 8)) == 2160
    assert (as_finish(cal, at(TUE, 17)), as_start(cal, at(TUE, 17))) == (at(TUE, 17), at(THU, 8))


# --- Other working weeks ------------------------------------------------------------------------


def test_24_hour_calendar() -> None:
    """Every minute is working time; midnight is not a boundary, so both readings agree."""
    cal = WorkCalendar(Calendar("h24", "24 hours", FULL_WEEK), around=at(MON))
    assert cal.add(at(SAT, 22), 180) == at(SUN, 1)
    assert cal.working_minutes(at(MON), at(NEXT_MON)) == 7 * MINUTES_PER_DAY
    assert cal.next_working(at(SUN, 3, 17)) == at(SUN, 3, 17)
    assert as_start(cal, at(TUE)) == at(TUE)
    assert as_finish(cal, at(TUE)) == at(TUE)


NIGHT_WEEK: tuple[tuple[Interval, ...], ...] = tuple(
    ((0, 360), (1320, 1440)) if day < 5 else () for day in range(7)
)


def test_night_shift_crosses_midnight() -> None:
    """A 22:00–06:00 shift is one continuous period: midnight is no boundary inside it."""
    cal = WorkCalendar(Calendar("night", "Night shift", NIGHT_WEEK), around=at(MON))
    assert cal.add(at(MON, 22), 180) == at(TUE, 1)
    assert cal.add(at(MON, 22), 480) == at(TUE, 6)  # a full shift finishes at 06:00
    assert as_start(cal, at(TUE, 6)) == at(TUE, 22)  # the next shift starts that evening
    assert as_finish(cal, at(TUE)) == at(TUE) == as_start(cal, at(TUE))
    assert cal.next_working(at(TUE, 12)) == at(TUE, 22)
    assert cal.working_minutes(at(MON), at(TUE)) == 360 + 120


def test_night_shift_over_the_weekend() -> None:
    """Friday night's shift stops at midnight (Saturday has no work) and resumes Monday 00:00."""
    cal = WorkCalendar(Calendar("night", "Night shift", NIGHT_WEEK), around=at(MON))
    assert cal.add(at(FRI, 22), 120) == at(SAT)
    assert cal.add(at(FRI, 22), 180) == at(NEXT_MON, 1)


# --- Exceptions and base calendars --------------------------------------------------------------


def test_holiday_exception_is_not_working() -> None:
    """A holiday has no working time: the next working instant is the following morning."""
    cal = WorkCalendar(Calendar("c", exceptions=(holiday(WED, "Founders' day"),)), around=at(MON))
    assert cal.next_working(at(WED, 9)) == at(THU, 8)
    assert cal.working_minutes(at(MON, 8), at(NEXT_MON, 8)) == 4 * 480


def test_multi_day_exception() -> None:
    """An exception from start to finish covers every day in between."""
    closure = CalendarException(date(2026, 12, 24), date(2027, 1, 3), (), name="Year-end closure")
    cal = WorkCalendar(Calendar("c", exceptions=(closure,)), around=at(MON))
    assert cal.next_working(at(date(2026, 12, 23), 17)) == at(date(2027, 1, 4), 8)
    assert occurrences(closure)[0] == date(2026, 12, 24) and len(occurrences(closure)) == 11


def test_working_saturday_exception() -> None:
    """An exception with intervals makes a weekend day work in those hours."""
    saturday = CalendarException(SAT, SAT, ((540, 780),), name="Stock-taking")
    cal = WorkCalendar(Calendar("c", exceptions=(saturday,)), around=at(MON))
    assert cal.next_working(at(SAT, 8)) == at(SAT, 9)
    assert cal.add(at(FRI, 16), 120) == at(SAT, 10)
    assert cal.add(at(FRI, 16), 60 + 240 + 60) == at(NEXT_MON, 9)
    assert cal.is_working_day(SAT)


def test_partial_day_exception_replaces_the_weekday() -> None:
    """A short day (08:00–12:00 only) replaces that weekday's hours."""
    short = CalendarException(WED, WED, ((480, 720),), name="Half day")
    cal = WorkCalendar(Calendar("c", exceptions=(short,)), around=at(MON))
    assert cal.add(at(WED, 8), 300) == at(THU, 9)
    assert cal.next_working(at(WED, 13)) == at(THU, 8)


def test_derived_calendar_inherits_base_exceptions() -> None:
    """A calendar based on another gets the base's holidays as well as its own."""
    base = Calendar("company", "Company", exceptions=(holiday(TUE, "Company day"),))
    derived = Calendar("alice", "Alice", exceptions=(holiday(THU, "Alice off"),), base="company")
    cal = WorkCalendar(derived, {"company": base}, around=at(MON))
    assert cal.working_days(MON, FRI) == [MON, WED, FRI]


def test_derived_exception_overrides_the_base() -> None:
    """The derived calendar's own exception wins over the base's on the same day."""
    base = Calendar("company", exceptions=(holiday(WED),))
    derived = Calendar("team", exceptions=(CalendarException(WED, WED, ((480, 720),)),), base="company")
    cal = WorkCalendar(derived, {"company": base}, around=at(MON))
    assert cal.add(at(WED, 8), 240) == at(WED, 12)


def test_base_chain_of_three() -> None:
    """Exceptions are inherited through every level of a chain of base calendars."""
    root = Calendar("root", exceptions=(holiday(MON),))
    middle = Calendar("middle", exceptions=(holiday(TUE),), base="root")
    leaf = Calendar("leaf", base="middle")
    cal = WorkCalendar(leaf, {"root": root, "middle": middle}, around=at(MON))
    assert cal.working_days(MON, FRI) == [WED, THU, FRI]


def test_derived_calendar_inherits_base_week() -> None:
    """A derived calendar without its own week works the base calendar's week (MS Project semantics)."""
    base = Calendar("plant", "Plant", week=FULL_WEEK)
    derived = Calendar("operator", "Operator", base="plant")
    cal = WorkCalendar(derived, {"plant": base}, around=at(MON))
    assert cal.next_working(at(SAT, 9)) == at(SAT, 9)


def test_week_is_inherited_through_a_chain() -> None:
    """The nearest calendar in the chain with a week of its own gives the week; exceptions still stack."""
    night = ((0, 360), (1320, 1440))
    root = Calendar("root", week=FULL_WEEK)
    middle = Calendar("middle", week=(night,) * 5 + ((), ()), base="root")
    leaf = Calendar("leaf", exceptions=(holiday(TUE),), base="middle")
    by_id = {"root": root, "middle": middle}
    assert resolved_week(leaf, by_id) == middle.week
    cal = WorkCalendar(leaf, by_id, around=at(MON))
    assert cal.working_days(MON, SUN) == [MON, WED, THU, FRI]
    assert cal.next_working(at(MON, 7)) == at(MON, 22)


def test_own_week_overrides_the_base_week() -> None:
    """A derived calendar with a week of its own works that week, not the base calendar's."""
    base = Calendar("plant", week=FULL_WEEK)
    derived = Calendar("office", week=STANDARD_WEEK, base="plant")
    cal = WorkCalendar(derived, {"plant": base}, around=at(MON))
    assert cal.next_working(at(SAT, 9)) == at(NEXT_MON, 8)


def test_calendar_without_base_or_week_is_standard() -> None:
    """ "No week of its own" on a calendar without a base is MS Project's Standard week, stored as such."""
    assert Calendar("c").week == STANDARD_WEEK
    assert Calendar("c") == Calendar("c", week=STANDARD_WEEK)
    assert Calendar("d", base="c").week is None


# --- Recurring exceptions -----------------------------------------------------------------------


def days(*values: tuple[int, int, int]) -> list[date]:
    """Dates from (year, month, day) triples."""
    return [date(*v) for v in values]


@pytest.mark.parametrize(
    ("start", "finish", "recurrence", "expected"),
    [
        # every other day, four times (the finish date is ignored when occurrences is set)
        (
            date(2026, 1, 1),
            date(2026, 1, 1),
            Recurrence("daily", interval=2, occurrences=4),
            days((2026, 1, 1), (2026, 1, 3), (2026, 1, 5), (2026, 1, 7)),
        ),
        # every day up to the finish date
        (
            date(2026, 1, 1),
            date(2026, 1, 3),
            Recurrence("daily"),
            days((2026, 1, 1), (2026, 1, 2), (2026, 1, 3)),
        ),
        # Mondays and Wednesdays for two weeks
        (
            MON,
            date(2026, 12, 6),
            Recurrence("weekly", weekdays=(0, 2)),
            days((2026, 11, 23), (2026, 11, 25), (2026, 11, 30), (2026, 12, 2)),
        ),
        # every second week on Monday and Wednesday, from a Wednesday, three times
        (
            WED,
            WED,
            Recurrence("weekly", interval=2, weekdays=(0, 2), occurrences=3),
            days((2026, 11, 25), (2026, 12, 7), (2026, 12, 9)),
        ),
        # day 15 of every month until the finish
        (
            date(2026, 1, 1),
            date(2026, 4, 30),
            Recurrence("monthly", day=15),
            days((2026, 1, 15), (2026, 2, 15), (2026, 3, 15), (2026, 4, 15)),
        ),
        # day 31 falls back to the last day of shorter months
        (
            date(2026, 1, 1),
            date(2026, 4, 30),
            Recurrence("monthly", day=31),
            days((2026, 1, 31), (2026, 2, 28), (2026, 3, 31), (2026, 4, 30)),
        ),
        # the last Friday of every month, three times
        (
            date(2026, 1, 1),
            date(2026, 1, 1),
            Recurrence("monthly", weekdays=(4,), nth=-1, occurrences=3),
            days((2026, 1, 30), (2026, 2, 27), (2026, 3, 27)),
        ),
        # the second Monday of every month, three times
        (
            date(2026, 1, 1),
            date(2026, 1, 1),
            Recurrence("monthly", weekdays=(0,), nth=2, occurrences=3),
            days((2026, 1, 12), (2026, 2, 9), (2026, 3, 9)),
        ),
        # every quarter on day 1, twice
        (
            date(2026, 1, 1),
            date(2026, 12, 31),
            Recurrence("monthly", day=1, interval=3, occurrences=2),
            days((2026, 1, 1), (2026, 4, 1)),
        ),
        # every 1 January until a finish date
        (
            date(2026, 1, 1),
            date(2029, 12, 31),
            Recurrence("yearly", day=1, month=1),
            days((2026, 1, 1), (2027, 1, 1), (2028, 1, 1), (2029, 1, 1)),
        ),
        # every 1 January, three times
        (
            date(2026, 1, 1),
            date(2026, 1, 1),
            Recurrence("yearly", day=1, month=1, occurrences=3),
            days((2026, 1, 1), (2027, 1, 1), (2028, 1, 1)),
        ),
        # starting after this year's 1 January: the first occurrence is next year's
        (
            date(2026, 3, 1),
            date(2026, 3, 1),
            Recurrence("yearly", day=1, month=1, occurrences=2),
            days((2027, 1, 1), (2028, 1, 1)),
        ),
        # the fourth Thursday of November (Thanksgiving)
        (
            date(2026, 1, 1),
            date(2028, 12, 31),
            Recurrence("yearly", month=11, nth=4, weekdays=(3,)),
            days((2026, 11, 26), (2027, 11, 25), (2028, 11, 23)),
        ),
    ],
)
def test_recurring_exception_occurrences(
    start: date, finish: date, recurrence: Recurrence, expected: list[date]
) -> None:
    """occurrences() lists the days a recurring exception applies to."""
    assert occurrences(CalendarException(start, finish, recurrence=recurrence)) == expected


def test_weekly_recurrence_counts_weeks_from_sunday() -> None:
    """'Every 7 weeks on Sunday' counts weeks from Sunday, as MS Project does."""
    # From Monday 2001-01-01 the first occurrence is 2001-02-18 (MS Project); Monday weeks would give 01-07.
    every_7 = Recurrence("weekly", interval=7, weekdays=(6,), occurrences=2)
    assert occurrences(CalendarException(date(2001, 1, 1), date(2001, 1, 1), recurrence=every_7)) == days(
        (2001, 2, 18), (2001, 4, 8)
    )
    monday_weeks = Recurrence("weekly", interval=7, weekdays=(6,), occurrences=2, week_starts_on=0)
    assert occurrences(
        CalendarException(date(2001, 1, 1), date(2001, 1, 1), recurrence=monday_weeks)
    ) == days((2001, 1, 7), (2001, 2, 25))


def test_calendar_with_recurring_exception() -> None:
    """A weekly 'Fridays off' exception makes every Friday in its range non-working."""
    fridays = CalendarException(
        date(2026, 11, 1),
        date(2026, 12, 31),
        recurrence=Recurrence("weekly", weekdays=(4,)),
        name="No Fridays",
    )
    cal = WorkCalendar(Calendar("c", exceptions=(fridays,)), around=at(MON))
    assert cal.add(at(THU, 16), 120) == at(NEXT_MON, 9)
    assert cal.is_working_day(date(2027, 1, 8))  # after the exception's finish


# --- Public holidays ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def japan_2026() -> tuple[CalendarException, ...]:
    """The 2026 Japanese public holidays (loading the holidays package costs ~0.2 s, so once)."""
    return holiday_exceptions("JP", [2026])


def test_japanese_holidays_2026(japan_2026: tuple[CalendarException, ...]) -> None:
    """holiday_exceptions('JP', [2026]) gives the year's holidays as non-working single days."""
    found = {e.start for e in japan_2026}
    assert {date(2026, 1, 1), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)} <= found
    assert date(2026, 11, 23) in found  # Labour Thanksgiving Day
    assert all(e.start == e.finish and e.intervals == () and e.name for e in japan_2026)
    assert all(e.start.year == 2026 for e in japan_2026)
    assert [e.start for e in japan_2026] == sorted(found)


def test_calendar_skips_japanese_holidays(japan_2026: tuple[CalendarException, ...]) -> None:
    """Golden Week (3–6 May 2026, with a substitute holiday) is skipped by the arithmetic."""
    cal = WorkCalendar(Calendar("jp", "Japan", exceptions=japan_2026), around=at(MON))
    assert cal.next_working(at(date(2026, 5, 4), 9)) == at(date(2026, 5, 7), 8)
    assert cal.add(at(date(2026, 5, 1), 16), 120) == at(date(2026, 5, 7), 9)
    assert cal.next_working(at(date(2026, 1, 1), 9)) == at(date(2026, 1, 2), 8)


# --- Horizon ------------------------------------------------------------------------------------


def test_horizon_grows_for_positions_decades_later() -> None:
    """Instants decades after the compiled horizon convert and round-trip."""
    cal = standard()
    far = at(date(2071, 3, 6), 10)  # a Friday
    w = cal.to_work(to_minutes(far))
    assert from_minutes(cal.start_at(w)) == far
    assert from_minutes(cal.finish_at(w)) == far
    assert cal.add(far, 480) == at(date(2071, 3, 9), 10)
    assert cal.working_minutes(at(MON, 8), at(date(2056, 11, 23), 8)) == cal.to_work(
        to_minutes(at(date(2056, 11, 23), 8))
    ) - cal.to_work(to_minutes(at(MON, 8)))


def test_exceptions_far_in_the_future_are_honoured() -> None:
    """An exception decades ahead is applied when the horizon grows to reach it."""
    cal = WorkCalendar(Calendar("c", exceptions=(holiday(date(2061, 7, 4)),)), around=at(MON))
    assert cal.next_working(at(date(2061, 7, 4), 9)) == at(date(2061, 7, 5), 8)


def test_positions_far_ahead_in_bulk() -> None:
    """Bulk conversion grows the horizon as well."""
    cal = standard()
    w = cal.to_work(to_minutes(at(date(2060, 1, 5), 9)))  # a Monday
    assert [from_minutes(int(x)) for x in cal.starts_at([w])] == [at(date(2060, 1, 5), 9)]


def test_instants_before_the_horizon_are_refused() -> None:
    """The horizon starts on 1 January of the year before `around`; earlier instants raise ValueError."""
    cal = standard()
    with pytest.raises(ValueError, match="before the calendar's horizon"):
        cal.to_work(to_minutes(at(date(2024, 12, 31), 9)))


# --- Errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # a week must have seven days
        (lambda: Calendar("c", week=STANDARD_WEEK[:6]), "the week must have 7 days"),
        # an interval past midnight
        (lambda: Calendar("c", week=(((480, 1500),),) * 7), "must satisfy 0 ≤ start < end ≤ 1440"),
        # an empty interval
        (lambda: Calendar("c", week=(((480, 480),),) * 7), "must satisfy 0 ≤ start < end ≤ 1440"),
        # overlapping intervals
        (lambda: Calendar("c", week=(((480, 720), (700, 900)),) * 7), "must not overlap"),
        # intervals out of order
        (lambda: Calendar("c", week=(((780, 1020), (480, 720)),) * 7), "must be in order"),
        # a calendar based on itself
        (lambda: Calendar("c", base="c"), "cannot be based on itself"),
        # an exception that ends before it starts
        (lambda: CalendarException(TUE, MON), "the finish is before the start"),
        # an exception with a bad interval
        (lambda: CalendarException(MON, MON, ((900, 800),)), "must satisfy"),
        # an unknown recurrence kind
        (lambda: Recurrence("hourly"), "daily, weekly, monthly or yearly"),
        # a recurrence that never advances
        (lambda: Recurrence("daily", interval=0), "at least every 1 period"),
        # weekday 7 does not exist
        (lambda: Recurrence("weekly", weekdays=(7,)), "Weekdays run from 0"),
        # weekly needs a weekday
        (lambda: Recurrence("weekly"), "needs at least one weekday"),
        # day 32 of a month
        (lambda: Recurrence("monthly", day=32), "from 1 to 31"),
        # month 13
        (lambda: Recurrence("yearly", month=13, day=1), "from 1 to 12"),
        # zero occurrences
        (lambda: Recurrence("daily", occurrences=0), "at least once"),
        # a calendar with no working time at all
        (lambda: WorkCalendar(Calendar("idle", "Idle", week=((),) * 7)), "Idle has no working time at all"),
        # base calendars that refer to each other
        (
            lambda: WorkCalendar(Calendar("a", base="b"), {"b": Calendar("b", base="a")}),
            "its base calendars form a loop",
        ),
        # a base calendar that does not exist
        (lambda: WorkCalendar(Calendar("a", "Alice", base="gone")), "base calendar 'gone' does not exist"),
    ],
)
def test_invalid_calendars_are_refused(make: Callable[[], object], message: str) -> None:
    """Invalid calendars raise ValueError with a sentence naming the rule."""
    with pytest.raises(ValueError, match=message):
        make()


def test_exhausted_calendar_says_so() -> None:
    """Asking for working time beyond the last working minute of a calendar raises a clear error."""
    only = CalendarException(SAT, SAT, ((480, 600),), name="One Saturday")
    cal = WorkCalendar(Calendar("c", "Odd", week=((),) * 7, exceptions=(only,)), around=at(MON))
    assert cal.add(at(SAT, 8), 60) == at(SAT, 9)
    with pytest.raises(ValueError, match="not enough working time"):
        cal.add(at(SAT, 8), 200)


def test_exhausted_calendar_names_its_last_working_minute() -> None:
    """The error says when the calendar's working time ends; instants after it convert to that end."""
    only = CalendarException(SAT, SAT, ((480, 600),), name="One Saturday")
    cal = WorkCalendar(Calendar("c", "Odd", week=((),) * 7, exceptions=(only,)), around=at(MON))
    assert cal.working_minutes(at(MON), at(date(2040, 1, 1))) == 120
    with pytest.raises(ValueError, match=r"Calendar Odd: not enough working time — .*2026-11-28 at 10:00"):
        cal.starts_at([121])
    with pytest.raises(ValueError, match="not enough working time"):
        cal.finish_at(500)


def test_calendar_whose_working_time_is_before_the_horizon() -> None:
    """A calendar whose only working day precedes the horizon says it has no working time left."""
    old = CalendarException(date(2020, 1, 6), date(2020, 1, 6), ((480, 600),))
    cal = WorkCalendar(Calendar("c", "Old", week=((),) * 7, exceptions=(old,)), around=at(MON))
    with pytest.raises(
        ValueError, match="Calendar Old: not enough working time — it has none from 2025-01-01"
    ):
        cal.next_working(at(MON))


# --- Bulk conversion ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4 * 365 * 480), min_size=1, max_size=40))
def test_bulk_conversion_agrees_with_scalar(work: list[int]) -> None:
    """starts_at/finishes_at give the same instants as start_at/finish_at, position by position."""
    cal = standard()
    assert cal.starts_at(work).tolist() == [cal.start_at(w) for w in work]
    assert cal.finishes_at(np.asarray(work)).tolist() == [cal.finish_at(w) for w in work]


def test_bulk_conversion_of_nothing() -> None:
    """An empty batch gives an empty array."""
    assert standard().starts_at([]).size == 0
    assert standard().finishes_at([]).size == 0


def test_bulk_start_of_a_position_before_the_horizon_is_refused() -> None:
    """starts_at refuses a negative position in a batch, as start_at does for a single one."""
    cal = standard()
    with pytest.raises(ValueError, match="before the calendar's horizon"):
        cal.start_at(-480)
    with pytest.raises(ValueError, match="before the calendar's horizon"):
        cal.starts_at([-480, 0])


# --- Properties on random calendars -------------------------------------------------------------

ORIGIN = date(2026, 1, 5)  # a Monday; random exceptions and instants lie in the 10 weeks after it


@st.composite
def day_pattern(draw: st.DrawFn) -> tuple[Interval, ...]:
    """Zero to three working intervals of a day (boundaries may be 0 and 1440, to cross midnight)."""
    points = sorted(draw(st.lists(st.integers(0, MINUTES_PER_DAY), max_size=6, unique=True)))
    return tuple((points[k], points[k + 1]) for k in range(0, len(points) - 1, 2))


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    """A random calendar with some weekly working time and one-day exceptions on distinct days."""
    week = tuple(draw(day_pattern()) for _ in range(7))
    if not any(week):
        week = (*week[:6], ((540, 600),))
    specials = draw(
        st.lists(st.tuples(st.integers(0, 70), day_pattern()), max_size=6, unique_by=lambda x: x[0])
    )
    exceptions = tuple(
        CalendarException(ORIGIN + timedelta(days=d), ORIGIN + timedelta(days=d), iv) for d, iv in specials
    )
    return Calendar("random", week=week, exceptions=exceptions)


instants = st.integers(0, 70 * MINUTES_PER_DAY).map(lambda m: at(ORIGIN) + timedelta(minutes=m))


def reference_intervals(calendar: Calendar, moment_day: date) -> list[tuple[datetime, datetime]]:
    """Working periods of one day as instants, straight from the calendar's definition."""
    special = {e.start: e.intervals for e in calendar.exceptions}
    pattern = special.get(moment_day, calendar.week[moment_day.weekday()])
    base = at(moment_day)
    return [(base + timedelta(minutes=s), base + timedelta(minutes=e)) for s, e in pattern]


def reference_first_working(calendar: Calendar, moment: datetime) -> datetime:
    """The first instant ≥ moment inside a working period [start, end), by scanning days."""
    for offset in range(400):
        for start, end in reference_intervals(calendar, moment.date() + timedelta(days=offset)):
            if end > moment:
                return max(start, moment)
    raise AssertionError("no working time within 400 days")


def reference_minutes(calendar: Calendar, first: datetime, last: datetime) -> int:
    """Working minutes in [first, last), by summing the overlap with each day's periods."""
    total = 0
    day = first.date()
    while day <= last.date():
        for start, end in reference_intervals(calendar, day):
            total += max(0, int((min(end, last) - max(start, first)).total_seconds()) // 60)
        day += timedelta(days=1)
    return total


@settings(max_examples=80, deadline=None)
@given(calendars(), instants)
def test_start_reading_is_the_first_working_instant(calendar: Calendar, moment: datetime) -> None:
    """start_at(to_work(t)) is the first working instant at or after t."""
    cal = WorkCalendar(calendar)
    expected = reference_first_working(calendar, moment)
    assert from_minutes(cal.start_at(cal.to_work(to_minutes(moment)))) == expected
    assert cal.next_working(moment) == expected


@settings(max_examples=80, deadline=None)
@given(calendars(), instants, instants)
def test_to_work_is_monotone_and_counts_working_minutes(
    calendar: Calendar, first: datetime, second: datetime
) -> None:
    """to_work never decreases with time, and its differences are the working minutes in between."""
    first, second = min(first, second), max(first, second)
    cal = WorkCalendar(calendar)
    a, b = cal.to_work(to_minutes(first)), cal.to_work(to_minutes(second))
    assert a <= b
    assert b - a == reference_minutes(calendar, first, second) == cal.working_minutes(first, second)


@settings(max_examples=80, deadline=None)
@given(calendars(), instants, st.integers(0, 600))
def test_finish_reading_precedes_start_reading(calendar: Calendar, moment: datetime, extra: int) -> None:
    """finish_at(w) ≤ start_at(w), both map back to w, and the minutes around them work."""
    cal = WorkCalendar(calendar)
    w = cal.to_work(to_minutes(moment)) + extra
    finish, start = cal.finish_at(w), cal.start_at(w)
    assert finish <= start
    assert cal.to_work(start) == w
    assert cal.to_work(start + 1) == w + 1
    if w > 0:
        assert cal.to_work(finish) == w
        assert cal.to_work(finish - 1) == w - 1


@settings(max_examples=50, deadline=None)
@given(calendars(), st.lists(instants, min_size=1, max_size=20))
def test_bulk_conversion_agrees_on_random_calendars(calendar: Calendar, moments: list[datetime]) -> None:
    """starts_at/finishes_at agree with the scalar functions on random calendars."""
    cal = WorkCalendar(calendar)
    work = [cal.to_work(to_minutes(m)) for m in moments]
    assert cal.starts_at(work).tolist() == [cal.start_at(w) for w in work]
    assert cal.finishes_at(work).tolist() == [cal.finish_at(w) for w in work]
