"""Time-phased work: spreading an assignment's work over its task's working days by contour."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import WorkItem, capacity, load, spread
from kuroko.engine.model import Calendar

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
