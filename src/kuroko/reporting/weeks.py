"""ISO weeks, as reports name them: a week is kept as its Monday and written "2026-W47"."""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")


def week_start(day: date) -> date:
    """The Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """ "2026-W47" (or "2026W47") → the Monday of that ISO week. ValueError with a message otherwise."""
    match = _WEEK.match(text.strip().upper())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week such as 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}.") from None


def week_label(monday: date) -> str:
    """The Monday of a week → "2026-W47"."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(monday: date) -> date:
    return monday - timedelta(days=7)
