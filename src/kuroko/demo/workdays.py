"""A working-day calendar for generated plans: Monday to Friday without a country's public holidays.

Generated schedules work in *working-day indices*: index 0 is the first working day on or after the
calendar's base date, index 1 the next one, and so on. A task that starts at index ``s`` and lasts
``d`` days occupies days ``s … s+d-1`` and finishes at time ``s+d``; integer arithmetic on indices
keeps every generated date on a working day.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


class WorkCalendar:
    """Working days from `base` onwards, extended on demand as later indices are asked for."""

    def __init__(self, base: date, country: str = "JP") -> None:
        self.base = base
        self.country = country
        self._days: list[date] = []
        self._cursor = base

    def _is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, day.year)

    def _extend_to_index(self, index: int) -> None:
        while len(self._days) <= index:
            if self._is_working(self._cursor):
                self._days.append(self._cursor)
            self._cursor += timedelta(days=1)

    def _extend_to_date(self, day: date) -> None:
        while self._cursor <= day:
            self._extend_to_index(len(self._days))

    def day(self, index: int) -> date:
        """The date of working day `index` (0 is the first working day on or after the base)."""
        if index < 0:
            raise ValueError(f"Working day {index} lies before the calendar's base date {self.base}.")
        self._extend_to_index(index)
        return self._days[index]

    def index(self, day: date) -> int:
        """How many working days lie between the base and `day` (exclusive): the index of `day`
        if it is a working day, else of the next working day."""
        if day < self.base:
            raise ValueError(f"{day} lies before the calendar's base date {self.base}.")
        self._extend_to_date(day)
        return bisect_left(self._days, day)

    def days_between(self, start: date, finish: date) -> int:
        """Working days from `start` to `finish`, both included."""
        return self.index(finish + timedelta(days=1)) - self.index(start)
