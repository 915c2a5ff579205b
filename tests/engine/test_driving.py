"""The driving path: which links set a task's early dates (MS Project's Task Path)."""

from __future__ import annotations

from datetime import datetime

import pytest

from kuroko.engine.cpm import schedule
from kuroko.engine.driving import DrivingLink, driving_links, driving_path
from kuroko.engine.model import ConstraintType, LagKind, Link, LinkType, Plan, Task

DAY = 480
START = datetime(2026, 11, 23, 8)  # a Monday, on MS Project's Standard calendar


def plan(tasks: list[Task], links: list[Link]) -> Plan:
    return Plan(start=START, tasks=tuple(tasks), links=tuple(links))


def test_the_longer_predecessor_drives():
    """C waits for both A (2d) and B (5d): only B drives it, and A is not on C's path."""
    p = plan(
        [Task("A", duration=2 * DAY), Task("B", duration=5 * DAY), Task("C", duration=DAY)],
        [Link("A", "C"), Link("B", "C")],
    )
    result = schedule(p)
    assert driving_links(p, result) == (DrivingLink("B", "C", LinkType.FS),)
    assert driving_path(p, result, "C") == ("B", "C")
    assert driving_path(p, result, "A") == ("A",)  # nothing drives it: it starts at the project start


def test_a_chain_through_several_link_types_and_lags():
    """A → B (SS+1d) → C (FF) → D (FS+2d): each link drives; the path runs back to A in date order."""
    p = plan(
        [Task(t, duration=3 * DAY) for t in "ABCD"],
        [
            Link("A", "B", LinkType.SS, lag=DAY),
            Link("B", "C", LinkType.FF),
            Link("C", "D", LinkType.FS, lag=2 * DAY),
        ],
    )
    result = schedule(p)
    assert driving_path(p, result, "D") == ("A", "B", "C", "D")


def test_elapsed_and_percent_lags_are_measured_as_the_scheduler_does():
    """An elapsed lag over a weekend and a 50 % lag both drive their successors."""
    p = plan(
        [Task("A", duration=5 * DAY), Task("B", duration=DAY), Task("C", duration=4 * DAY), Task("D")],
        [
            Link("A", "B", lag=2 * 1440, lag_kind=LagKind.ELAPSED),  # Friday evening + 48 h
            Link("C", "D", LinkType.SS, lag=50, lag_kind=LagKind.PERCENT),
        ],
    )
    result = schedule(p)
    assert DrivingLink("A", "B", LinkType.FS) in driving_links(p, result)
    assert DrivingLink("C", "D", LinkType.SS) in driving_links(p, result)


def test_a_constraint_later_than_the_links_breaks_the_path():
    """B must start no earlier than a week after A finishes: the constraint, not A, sets its start."""
    p = plan(
        [
            Task("A", duration=DAY),
            Task("B", duration=DAY, constraint=ConstraintType.SNET, constraint_date=datetime(2026, 12, 7, 8)),
        ],
        [Link("A", "B")],
    )
    result = schedule(p)
    assert driving_links(p, result) == ()
    assert driving_path(p, result, "B") == ("B",)


def test_unknown_task_is_a_key_error():
    """Asking for a task that is not in the schedule names it."""
    p = plan([Task("A", duration=DAY)], [])
    with pytest.raises(KeyError, match="Z"):
        driving_path(p, schedule(p), "Z")
