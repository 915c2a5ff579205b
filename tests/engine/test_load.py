"""Time-phased work: spreading an assignment's work over its task's working days by contour."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import WorkItem, capacity, day_capacity, load, spread, spread_periods
from kuroko.engine.model import Calendar, CalendarException

STANDARD = WorkCalendar(Calendar("standard"), around=datetime(2026, 11, 23))
MON, FRI = datetime(2026, 11, 23, 8), datetime(2026, 11, 27, 17)


def test_flat_work_spreads_evenly_over_working_days():
    """Five days of work on a Monday–Friday task: one day's work on each day, none at the weekend."""
    days = spread(WorkItem("ann", MON, FRI, 2400), STANDARD)
    assert days == {date(2026, 11, 23 + k): pytest.approx(480) for k in range(5)}


def test_contours_keep_the_total_and_move_the_weight():
    """Front-loaded puts most work at the start, back-loaded at the end; the total stays the same."""
    front = spread(WorkItem("ann", MON, FRI, 2400, contour="front"), STANDARD)
    back = spread(WorkItem("ann", MON, FRI, 2400, contour="back"), STANDARD)
    assert sum(front.values()) == pytest.approx(2400) == sum(back.values())
    assert front[date(2026, 11, 23)] > front[date(2026, 11, 27)]
    assert back[date(2026, 11, 23)] < back[date(2026, 11, 27)]


def test_load_sums_resources_and_keeps_the_breakdown():
    """Two tasks of Ann on Monday add up (a half-time one and a full one); capacity is 480 on weekdays."""
    result = load(
        [
            WorkItem("ann", MON, datetime(2026, 11, 23, 17), 240, key="A"),
            WorkItem("ann", MON, datetime(2026, 11, 23, 17), 480, key="B"),
        ],
        {},
        STANDARD,
    )
    assert result.minutes[("ann", date(2026, 11, 23))] == pytest.approx(720)
    assert [k for k, _v in result.items[("ann", date(2026, 11, 23))]] == ["A", "B"]
    assert capacity(STANDARD, date(2026, 11, 27), date(2026, 11, 29)) == {
        date(2026, 11, 27): 480,
        date(2026, 11, 28): 0,
        date(2026, 11, 29): 0,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": FRI, "finish": MON}, "finish is before"),  # reversed dates
        ({"work": -1}, "negative"),
        ({"contour": "bell"}, "contour"),  # not one of MS Project's contours supported here
    ],
)
def test_bad_work_items_are_refused(kwargs, message):
    """Each invalid item names what is wrong."""
    values = {"resource": "ann", "start": MON, "finish": FRI, "work": 60, **kwargs}
    with pytest.raises(ValueError, match=message):
        WorkItem(**values)


# A calendar with a public holiday on Monday 2026-11-23 (勤労感謝の日) and a half day on Wednesday the 25th.
HOLIDAYS = WorkCalendar(
    Calendar(
        "jp",
        exceptions=(
            CalendarException(date(2026, 11, 23), date(2026, 11, 23)),
            CalendarException(date(2026, 11, 25), date(2026, 11, 25), intervals=((480, 720),)),
        ),
    ),
    around=datetime(2026, 11, 23),
)


def test_day_capacity_counts_holidays_and_short_days():
    """Working minutes per day: 0 on the holiday and at the weekend, 240 on the half day, 480 otherwise."""
    values = day_capacity(HOLIDAYS, date(2026, 11, 23), date(2026, 11, 29))
    assert values.tolist() == [0, 480, 240, 480, 480, 0, 0]
    assert capacity(HOLIDAYS, date(2026, 11, 23), date(2026, 11, 24)) == {
        date(2026, 11, 23): 0,
        date(2026, 11, 24): 480,
    }


def test_spread_periods_puts_a_zero_length_item_on_its_start_day():
    """A task with no working time (on a Saturday) has all of its work in the period of its start day."""
    saturday = datetime(2026, 11, 28, 9)
    bounds = [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    values = spread_periods([WorkItem("ann", saturday, saturday, 90)], STANDARD, bounds)
    assert values.tolist() == [[90.0, 0.0]]


moments = st.builds(
    lambda day, minute: datetime(2026, 11, 2) + timedelta(days=day, minutes=minute),
    st.integers(0, 60),
    st.integers(0, 1439),
)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(
        st.tuples(moments, moments, st.integers(0, 20_000), st.sampled_from(["flat", "front", "back"])),
        min_size=1,
        max_size=6,
    ),
    cuts=st.lists(st.integers(0, 90), min_size=2, max_size=6, unique=True),
)
def test_spread_periods_equals_the_daily_spread_summed(items, cuts):
    """For any items and period boundaries, the per-period work is the day-by-day spread summed per period."""
    work = [WorkItem("ann", min(a, b), max(a, b), w, contour=c) for a, b, w, c in items]
    bounds = [date(2026, 10, 20) + timedelta(days=n) for n in sorted(cuts)]
    values = spread_periods(work, HOLIDAYS, bounds)
    for row, item in zip(values, work, strict=True):
        days = spread(item, HOLIDAYS)
        expected = [
            sum(v for d, v in days.items() if bounds[k] <= d < bounds[k + 1]) for k in range(len(bounds) - 1)
        ]
        assert np.allclose(row, expected, atol=1e-6)
