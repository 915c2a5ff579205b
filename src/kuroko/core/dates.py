"""Days and months typed in URLs, query strings and forms.

Only years 1900–2999 are accepted: Python's `date` ends in 9999, and pages that step a week or a month
past a day near either end (or draw a curve from a plan's start to it) would overflow or run for ever.
No project lives outside this range.
"""

from __future__ import annotations

from datetime import date

EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def in_range(day: date) -> date:
    """The day itself, or ValueError when its year is outside EARLIEST_YEAR–LATEST_YEAR."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR}.")
    return day


def parse_day(text: str) -> date:
    """`YYYY-MM-DD` within the accepted years; ValueError otherwise."""
    return in_range(date.fromisoformat(text.strip()))


def parse_month(text: str | None) -> date:
    """`YYYY-MM` as the first of that month, within the accepted years; ValueError otherwise."""
    value = (text or "").strip()
    if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit():
        raise ValueError(value)
    return in_range(date(int(value[:4]), int(value[5:]), 1))
