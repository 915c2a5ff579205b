"""Time-phased work: how many minutes of each assignment fall on each day, and capacity per day.

An assignment's work is spread over the working time of its task (on the resource's calendar) by its
contour: flat spreads it evenly; front-loaded puts more at the start and back-loaded more at the end
(a linear ramp, weights 2→0 and 0→2 over the task's working time, so the total is the same). Work is
summed per resource and day; days are local calendar days.

`spread` and `load` give the work day by day (with the items behind each day). `spread_periods` gives the
same sums per period (days, weeks, months) for many items at once: the contour's cumulative weight
telescopes, so the work between two period boundaries needs the working-time position at those two
boundaries only, and a whole portfolio is a few numpy operations instead of a loop over every day of
every task.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import WorkCalendar, day_index, to_minutes
from kuroko.engine.model import MINUTES_PER_DAY


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
    values = day_capacity(calendar, first, last)
    return {first + timedelta(days=n): int(v) for n, v in enumerate(values)}


def _midnights(days: Sequence[date]) -> npt.NDArray[np.int64]:
    return np.asarray([day_index(d) * MINUTES_PER_DAY for d in days], dtype=np.int64)


def day_capacity(calendar: WorkCalendar, first: date, last: date) -> npt.NDArray[np.int64]:
    """Working minutes of each day from `first` to `last` on the calendar, as an array (one per day)."""
    count = (last - first).days + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    start = day_index(first) * MINUTES_PER_DAY
    marks = calendar.to_work_many(start + MINUTES_PER_DAY * np.arange(count + 1, dtype=np.int64))
    return np.diff(marks)


def spread_periods(
    items: Sequence[WorkItem], calendar: WorkCalendar, bounds: Sequence[date]
) -> npt.NDArray[np.float64]:
    """Minutes of each item's work in each period, items × periods.

    Period k runs from midnight of `bounds[k]` to midnight of `bounds[k + 1]`; the result equals summing
    `spread` over the days of each period. Every item is spread on `calendar`.
    """
    periods = len(bounds) - 1
    out = np.zeros((len(items), max(periods, 0)))
    if not items or periods <= 0:
        return out
    marks = calendar.to_work_many(_midnights(bounds)).astype(np.float64)
    origin = calendar.to_work_many(np.asarray([to_minutes(i.start) for i in items], dtype=np.int64))
    end = calendar.to_work_many(np.asarray([to_minutes(i.finish) for i in items], dtype=np.int64))
    total = (end - origin).astype(np.float64)
    work = np.asarray([i.work for i in items], dtype=np.float64)
    timed = total > 0
    # The share of working time elapsed at each boundary, 0 before the item and 1 after it.
    x = np.clip((marks[None, :] - origin[:, None]) / np.where(timed, total, 1.0)[:, None], 0.0, 1.0)
    contour = np.asarray([i.contour for i in items])
    # Cumulative weight of the contour at x: flat x, front-loaded 2x − x², back-loaded x².
    cumulative = np.where(
        (contour == "front")[:, None], 2 * x - x * x, np.where((contour == "back")[:, None], x * x, x)
    )
    out = work[:, None] * np.diff(cumulative, axis=1)
    out[~timed] = 0.0
    # No working time in the span (a zero-length task): all of the work on its start day, as `spread`.
    for index in np.nonzero(~timed & (work > 0))[0].tolist():
        k = bisect_right(bounds, items[index].start.date()) - 1
        if 0 <= k < periods:
            out[index, k] = work[index]
    return out
