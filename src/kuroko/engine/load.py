"""Time-phased work: how many minutes of each assignment fall on each day, and capacity per day.

An assignment's work is spread over the working time of its task (on the resource's calendar) by its
contour: flat spreads it evenly; front-loaded puts more at the start and back-loaded more at the end
(a linear ramp, weights 2→0 and 0→2 over the task's working time, so the total is the same). Work is
summed per resource and day; days are local calendar days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kuroko.engine.calendar import WorkCalendar, to_minutes


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Work of one resource on one task: `work` minutes between `start` and `finish` (task dates)."""

    resource: str
    start: datetime
    finish: datetime
    work: int
    contour: str = "flat"  # flat, front or back
    key: str = ""  # what it is for (a task id), kept in the per-day breakdown

    def __post_init__(self) -> None:
        if self.finish < self.start:
            raise ValueError(f"Work item {self.key or self.resource}: the finish is before the start.")
        if self.work < 0:
            raise ValueError(f"Work item {self.key or self.resource}: work cannot be negative.")
        if self.contour not in ("flat", "front", "back"):
            raise ValueError(f"Work item {self.key or self.resource}: unknown contour {self.contour!r}.")


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time())
    return start, start + timedelta(days=1)


def spread(item: WorkItem, calendar: WorkCalendar) -> dict[date, float]:
    """Minutes of the item's work on each day of its span, by its contour over working time."""
    total = calendar.working_minutes(item.start, item.finish)
    out: dict[date, float] = {}
    if item.work == 0:
        return out
    if total <= 0:  # no working time in the span (a zero-length task): all of it on the start day
        out[item.start.date()] = float(item.work)
        return out
    origin = calendar.to_work(to_minutes(item.start))
    day = item.start.date()
    while day <= item.finish.date():
        lo, hi = _day_bounds(day)
        a = max(calendar.to_work(to_minutes(max(lo, item.start))) - origin, 0)
        b = min(calendar.to_work(to_minutes(min(hi, item.finish))) - origin, total)
        if b > a:
            # The share of the contour's weight between working positions a and b (of `total`).
            x0, x1 = a / total, b / total
            if item.contour == "front":
                share = (2 * x1 - x1 * x1) - (2 * x0 - x0 * x0)
            elif item.contour == "back":
                share = x1 * x1 - x0 * x0
            else:
                share = x1 - x0
            out[day] = out.get(day, 0.0) + item.work * share
        day += timedelta(days=1)
    return out


@dataclass(frozen=True, slots=True)
class Load:
    """Work per resource per day, and which items make it up."""

    minutes: Mapping[tuple[str, date], float]
    items: Mapping[tuple[str, date], tuple[tuple[str, float], ...]]


def load(items: Iterable[WorkItem], calendars: Mapping[str, WorkCalendar], default: WorkCalendar) -> Load:
    """Sum the items' work per resource and day, each spread on the resource's calendar (or `default`)."""
    minutes: dict[tuple[str, date], float] = defaultdict(float)
    parts: dict[tuple[str, date], list[tuple[str, float]]] = defaultdict(list)
    for item in items:
        for day, value in spread(item, calendars.get(item.resource, default)).items():
            minutes[(item.resource, day)] += value
            parts[(item.resource, day)].append((item.key, value))
    return Load(dict(minutes), {k: tuple(v) for k, v in parts.items()})


def capacity(calendar: WorkCalendar, first: date, last: date) -> dict[date, int]:
    """Working minutes of each day from `first` to `last` on the calendar."""
    out = {}
    day = first
    while day <= last:
        lo, hi = _day_bounds(day)
        out[day] = calendar.working_minutes(lo, hi)
        day += timedelta(days=1)
    return out
