"""Working calendars compiled for fast arithmetic.

A `WorkCalendar` turns a `model.Calendar` into three sorted arrays over a horizon of years: the start and
end of every working interval (as minutes since `EPOCH`) and the working minutes before each interval. Then

- `to_work(t)`: working minutes from the horizon's start to instant `t` — one binary search;
- `start_at(w)` / `finish_at(w)`: the instant when `w` working minutes have elapsed, as a start (the next
  working instant) or as a finish (the end of a working period) — one binary search;

so adding working time, finding the next working instant and measuring working time between two instants
cost O(log n) with no day-by-day loop. The horizon grows on demand (doubling), so very long plans work too.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from kuroko.engine.model import (
    MINUTES_PER_DAY,
    STANDARD_WEEK,
    Calendar,
    CalendarException,
    Interval,
    Recurrence,
    Week,
)

EPOCH = datetime(1970, 1, 5)  # a Monday, so weekday = (minute // 1440) % 7
_EPOCH_DAY = EPOCH.date().toordinal()
_LAST_ORDINAL = date.max.toordinal()
_LAST_DAY = _LAST_ORDINAL - _EPOCH_DAY  # 31 December 9999, the last day a datetime can hold


def to_minutes(moment: datetime) -> int:
    """Minutes since EPOCH (naive local time; seconds are dropped)."""
    delta = moment - EPOCH
    return delta.days * MINUTES_PER_DAY + delta.seconds // 60


def from_minutes(minutes: int) -> datetime:
    """The naive datetime `minutes` after EPOCH."""
    return EPOCH + timedelta(minutes=minutes)


def day_index(day: date) -> int:
    """Days since EPOCH."""
    return day.toordinal() - _EPOCH_DAY


# --- Exceptions and recurrences ----------


def occurrences(exception: CalendarException) -> list[date]:
    """The days an exception applies to: every day from start to finish, or the recurrence's days."""
    rec = exception.recurrence
    if rec is None:
        return [
            exception.start + timedelta(days=n) for n in range((exception.finish - exception.start).days + 1)
        ]
    return _recurring_days(rec, exception.start, exception.finish)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    days = [d for d in _stdlib_calendar.Calendar().itermonthdates(year, month) if d.month == month]
    matching = [d for d in days if d.weekday() == weekday]
    if nth == -1:
        return matching[-1]
    return matching[nth - 1] if 1 <= nth <= len(matching) else None


def _day_in_month(year: int, month: int, day: int) -> date:
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last))


def _recurring_days(rec: Recurrence, start: date, finish: date) -> list[date]:
    out: list[date] = []
    limit = rec.occurrences if rec.occurrences is not None else 10_000_000

    def accept(day: date) -> bool:
        if start <= day <= finish or (rec.occurrences is not None and day >= start):
            out.append(day)
        return len(out) >= limit

    if rec.kind == "daily":
        day = start
        while (day <= finish or rec.occurrences is not None) and not accept(day):
            day += timedelta(days=rec.interval)
        return out
    if rec.kind == "weekly":
        first = rec.week_starts_on
        week_start = start - timedelta(days=(start.weekday() - first) % 7)
        offsets = sorted((weekday - first) % 7 for weekday in rec.weekdays)
        while week_start <= finish or (rec.occurrences is not None and len(out) < limit):
            for offset in offsets:
                day = week_start + timedelta(days=offset)
                if day >= start and accept(day):
                    return out
            week_start += timedelta(weeks=rec.interval)
            if rec.occurrences is None and week_start > finish:
                break
        return out
    year, month = start.year, start.month
    step = rec.interval * (12 if rec.kind == "yearly" else 1)
    if rec.kind == "yearly" and rec.month is not None:
        month = rec.month
        if date(year, month, 1) < date(start.year, start.month, 1):
            year += 1
    for _ in range(100_000):
        if rec.nth is not None and rec.weekdays:
            candidate = _nth_weekday(year, month, rec.weekdays[0], rec.nth)
        else:
            candidate = _day_in_month(year, month, rec.day or start.day)
        if candidate is not None and candidate >= start:
            if candidate > finish and rec.occurrences is None:
                break
            if accept(candidate):
                break
        month += step
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1
        if rec.occurrences is None and date(year, month, 1) > finish:
            break
    return out


def holiday_exceptions(
    country: str, years: Iterable[int], *, language: str | None = None
) -> tuple[CalendarException, ...]:
    """Public holidays of `country` (ISO code, e.g. "JP") as non-working calendar exceptions."""
    import holidays as holidays_lib  # imported here: it loads every country's rules (~0.1 s)

    table = holidays_lib.country_holidays(country, years=list(years), language=language)
    return tuple(CalendarException(day, day, (), name=str(name)) for day, name in sorted(table.items()))


# --- The compiled calendar ----------


def _chain(calendar: Calendar, by_id: Mapping[str, Calendar]) -> list[Calendar]:
    """The calendar and its base calendars, the calendar first."""
    chain: list[Calendar] = []
    seen: set[str] = set()
    current: Calendar | None = calendar
    while current is not None:
        if current.id in seen:
            raise ValueError(f"Calendar {calendar.name or calendar.id}: its base calendars form a loop.")
        seen.add(current.id)
        chain.append(current)
        if current.base is None:
            break
        if current.base not in by_id:
            raise ValueError(
                f"Calendar {current.name or current.id}: base calendar {current.base!r} does not exist."
            )
        current = by_id[current.base]
    return chain


def resolved_week(calendar: Calendar, by_id: Mapping[str, Calendar]) -> Week:
    """The week a calendar works: its own, else that of the nearest base calendar that has one (a
    calendar without a base always has one: `STANDARD_WEEK` unless given)."""
    if calendar.week is not None:
        return calendar.week
    return next((c.week for c in _chain(calendar, by_id) if c.week is not None), STANDARD_WEEK)


def resolve(
    calendar: Calendar, by_id: Mapping[str, Calendar]
) -> tuple[Week, dict[date, tuple[Interval, ...]]]:
    """The week (see `resolved_week`) and the per-day exceptions of a calendar, with its base calendars'
    exceptions underneath its own."""
    chain = _chain(calendar, by_id)
    days: dict[date, tuple[Interval, ...]] = {}
    for cal in reversed(chain):  # base first, so the derived calendar's exceptions win
        for exception in cal.exceptions:
            for day in occurrences(exception):
                days[day] = exception.intervals
    return next((c.week for c in chain if c.week is not None), STANDARD_WEEK), days


class HorizonError(ValueError):
    """A date or position falls before the start of a compiled calendar's horizon (which only grows
    forward); the scheduler then compiles its calendars further back and tries again."""


class WorkCalendar:
    """A calendar compiled for arithmetic over a horizon of whole years that grows on demand."""

    __slots__ = (
        "_cum",
        "_cum_array",
        "_days",
        "_days_by_index",
        "_ends",
        "_ends_array",
        "_first_day",
        "_last_day",
        "_last_special",
        "_starts",
        "_starts_array",
        "_week",
        "name",
    )

    def __init__(
        self,
        calendar: Calendar,
        by_id: Mapping[str, Calendar] | None = None,
        *,
        around: datetime | None = None,
        years: int = 4,
        lookback: int = 1,
    ):
        by_id = dict(by_id or {}) | {calendar.id: calendar}
        self.name = calendar.name or calendar.id
        self._week, self._days = resolve(calendar, by_id)
        self._days_by_index = {day.toordinal() - _EPOCH_DAY: days for day, days in self._days.items()}
        if not any(self._week) and not any(self._days.values()):
            raise ValueError(f"Calendar {self.name} has no working time at all.")
        # The last day with working time from an exception: past it, a calendar without weekly working
        # time has none left.
        self._last_special = max((index for index, days in self._days_by_index.items() if days), default=-1)
        centre = (around or datetime(2025, 1, 1)).year
        self._first_day = day_index(date(max(centre - lookback, 1), 1, 1))
        self._last_day = self._first_day - 1
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum: list[int] = []
        self._cum_array: npt.NDArray[np.int64] | None = None
        self._starts_array: npt.NDArray[np.int64] | None = None
        self._ends_array: npt.NDArray[np.int64] | None = None
        self._extend_to(day_index(date(centre + years, 1, 1)))

    # Building ----------

    def _day_intervals(self, index: int) -> tuple[Interval, ...]:
        day = date.fromordinal(index + _EPOCH_DAY)
        special = self._days.get(day)
        return special if special is not None else self._week[index % 7]

    def _extend_to(self, last_day: int) -> None:
        """Add working intervals for days up to `last_day` (inclusive), at most up to 31 December 9999."""
        last_day = min(last_day, _LAST_DAY)
        total = self._total()
        starts, ends, cum = self._starts, self._ends, self._cum
        week, special = self._week, self._days_by_index.get  # as _day_intervals, without dates
        for index in range(self._last_day + 1, last_day + 1):
            intervals = special(index)
            if intervals is None:
                intervals = week[index % 7]
            base = index * MINUTES_PER_DAY
            for start, end in intervals:
                if ends and ends[-1] == base + start:
                    ends[-1] = base + end  # merge across midnight (24-hour and night-shift calendars)
                    total += end - start
                    continue
                starts.append(base + start)
                ends.append(base + end)
                cum.append(total)
                total += end - start
        self._last_day = last_day
        self._cum_array = self._starts_array = self._ends_array = None

    def _exhausted(self) -> bool:
        """Whether the horizon holds all the working time the calendar will ever have: it reaches the last
        day a datetime can hold, or, for a calendar whose week has no working time, its last exception."""
        return self._last_day >= _LAST_DAY or (not any(self._week) and self._last_day >= self._last_special)

    def _grow(self) -> None:
        span = self._last_day - self._first_day + 1
        self._extend_to(self._last_day + max(span, 366))

    def _total(self) -> int:
        return self._cum[-1] + (self._ends[-1] - self._starts[-1]) if self._starts else 0

    def _out_of_time(self) -> ValueError:
        if not self._starts:
            last = f"it has none from {from_minutes(self._first_day * MINUTES_PER_DAY):%Y-%m-%d} on"
        elif self._last_day < _LAST_DAY:
            last = f"its working time ends on {from_minutes(self._ends[-1]):%Y-%m-%d at %H:%M}"
        else:
            last = "the time needed runs past the year 9999"
        return ValueError(f"Calendar {self.name}: not enough working time — {last}.")

    def _ensure_instant(self, minutes: int) -> None:
        if minutes < self._first_day * MINUTES_PER_DAY:
            raise HorizonError(
                f"Calendar {self.name}: {from_minutes(minutes):%Y-%m-%d} is before the calendar's horizon "
                f"({from_minutes(self._first_day * MINUTES_PER_DAY):%Y-%m-%d})."
            )
        while minutes >= self._last_day * MINUTES_PER_DAY or not self._starts:
            if self._exhausted():
                if self._starts:
                    break  # no working time after the horizon: the instant is past the last working minute
                raise self._out_of_time()
            self._grow()

    def _ensure_work(self, work: int) -> None:
        if work < 0:
            raise HorizonError(f"Calendar {self.name}: a date falls before the calendar's horizon.")
        while work >= self._total():
            if self._exhausted():
                raise self._out_of_time()
            self._grow()

    def starts_before(self, moment: datetime) -> bool:
        """Whether the horizon starts at or before `moment` (instants before it cannot be converted)."""
        return self._first_day * MINUTES_PER_DAY <= to_minutes(moment)

    # Arithmetic ----------

    def to_work(self, minutes: int) -> int:
        """Working minutes between the horizon's start and instant `minutes` (since EPOCH)."""
        self._ensure_instant(minutes)
        i = bisect_right(self._starts, minutes) - 1
        if i < 0:
            return 0
        return self._cum[i] + min(minutes, self._ends[i]) - self._starts[i]

    def start_at(self, work: int) -> int:
        """The instant (minutes since EPOCH) at which `work` working minutes have elapsed, read as a start:
        on a boundary between working periods, the start of the next one."""
        self._ensure_work(work)
        i = bisect_right(self._cum, work) - 1
        return self._starts[i] + work - self._cum[i]

    def finish_at(self, work: int) -> int:
        """The same instant read as a finish: on a boundary, the end of the previous working period."""
        if work <= 0:
            return self.start_at(0)
        self._ensure_work(work - 1)
        i = bisect_left(self._cum, work) - 1
        return self._starts[i] + work - self._cum[i]

    def add(self, moment: datetime, minutes: int) -> datetime:
        """`moment` plus `minutes` of working time (negative goes back), as a finish."""
        work = self.to_work(to_minutes(moment)) + minutes
        return from_minutes(self.finish_at(work) if minutes >= 0 else self.start_at(work))

    def next_working(self, moment: datetime) -> datetime:
        """The first working instant at or after `moment`."""
        return from_minutes(self.start_at(self.to_work(to_minutes(moment))))

    def working_minutes(self, start: datetime, finish: datetime) -> int:
        """Working minutes between two instants (negative when finish is before start)."""
        return self.to_work(to_minutes(finish)) - self.to_work(to_minutes(start))

    def is_working_day(self, day: date) -> bool:
        return bool(self._day_intervals(day_index(day)))

    def working_days(self, first: date, last: date) -> list[date]:
        """The days between first and last (inclusive) that have working time."""
        return [
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if self.is_working_day(first + timedelta(days=n))
        ]

    # Batches (numpy) ----------

    def _arrays(self) -> npt.NDArray[np.int64]:
        if self._cum_array is None:
            self._cum_array = np.asarray(self._cum, dtype=np.int64)
        return self._cum_array

    def _starts_of_periods(self) -> npt.NDArray[np.int64]:
        if self._starts_array is None:
            self._starts_array = np.asarray(self._starts, dtype=np.int64)
        return self._starts_array

    def _ends_of_periods(self) -> npt.NDArray[np.int64]:
        if self._ends_array is None:
            self._ends_array = np.asarray(self._ends, dtype=np.int64)
        return self._ends_array

    def to_work_many(self, minutes: Sequence[int] | npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`to_work` for many instants at once (time-phased load measures every day or week boundary)."""
        values = np.asarray(minutes, dtype=np.int64)
        if not values.size:
            return values
        self._ensure_instant(int(values.min()))
        self._ensure_instant(int(values.max()))
        starts, ends, cum = self._starts_of_periods(), self._ends_of_periods(), self._arrays()
        i = np.searchsorted(starts, values, side="right") - 1
        j = np.maximum(i, 0)
        out = cum[j] + np.minimum(values, ends[j]) - starts[j]
        return np.where(i < 0, 0, out)

    def starts_at(self, work: Sequence[int] | npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`start_at` for many positions at once."""
        values = np.asarray(work, dtype=np.int64)
        if values.size:
            self._ensure_work(int(values.max()))
            self._ensure_work(int(values.min()))  # refuses positions before the horizon
        cum = self._arrays()
        i = np.searchsorted(cum, values, side="right") - 1
        return self._starts_of_periods()[i] + values - cum[i]

    def finishes_at(self, work: Sequence[int] | npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`finish_at` for many positions at once."""
        values = np.asarray(work, dtype=np.int64)
        if values.size:
            self._ensure_work(max(int(values.max()) - 1, 0))
        cum = self._arrays()
        i = np.maximum(np.searchsorted(cum, values, side="left") - 1, 0)
        out = self._starts_of_periods()[i] + values - cum[i]
        zero = values <= 0
        if zero.any():
            out[zero] = self.start_at(0)
        return out

    def finishes_and_starts_at(
        self, work: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """`finishes_at(work)` and `starts_at(work)` with one binary search per position (they differ only
        on a boundary, where the position equals the working time before a period)."""
        values = np.asarray(work, dtype=np.int64)
        if values.size:
            self._ensure_work(max(int(values.max()) - 1, 0))
            self._ensure_work(int(values.max()))
            self._ensure_work(int(values.min()))  # refuses positions before the horizon
        cum = self._arrays()
        period_starts = self._starts_of_periods()
        after = np.searchsorted(cum, values, side="right")  # periods starting at or before each position
        i = after - 1
        starts = period_starts[i] + values - cum[i]
        # On a boundary (the position is where period i starts) a finish is read in the period before.
        i = np.maximum(i - (cum[i] == values), 0)
        finishes = period_starts[i] + values - cum[i]
        zero = values <= 0
        if zero.any():
            finishes[zero] = self.start_at(0)
        return finishes, starts


def datetimes(minutes: npt.NDArray[np.int64]) -> list[datetime]:
    """Minutes since EPOCH to naive datetimes, in bulk."""
    base = np.datetime64(EPOCH, "m")
    converted: list[datetime] = (base + minutes.astype("timedelta64[m]")).astype("datetime64[m]").tolist()
    return converted
