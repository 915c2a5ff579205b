"""MSPDI's units and codes: ISO 8601 durations, DurationFormat codes, DayType numbering, dates and times,
and the expansion of recurring calendar exceptions into days (as MS Project lists them in its legacy
``WeekDay`` entries). See ``docs/engine/mspdi.md``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kuroko.engine.model import MINUTES_PER_DAY, Recurrence

DURATION_FORMATS: dict[int, str] = {
    3: "m",
    4: "em",
    5: "h",
    6: "eh",
    7: "d",
    8: "ed",
    9: "w",
    10: "ew",
    11: "mo",
    12: "emo",
    19: "%",
    20: "e%",
    21: "null",
}
"""DurationFormat codes; adding 32 (35–53) marks the same unit as estimated ("5d?")."""

ESTIMATED = 32
_ELAPSED_CODES = frozenset({4, 6, 8, 10, 12, 20})
_PERCENT_CODES = frozenset({19, 20})

DEFAULT_WORK_FORMAT = 7  # days
DEFAULT_ELAPSED_FORMAT = 8  # elapsed days
DEFAULT_PERCENT_FORMAT = 19


def base_format(code: int) -> int:
    """The DurationFormat without its "estimated" flag (39 → 7)."""
    return code - ESTIMATED if code >= 35 else code


def is_known_format(code: int) -> bool:
    """Whether `code` is a DurationFormat of the MSPDI schema."""
    return base_format(code) in DURATION_FORMATS


def is_elapsed_format(code: int) -> bool:
    """Whether the format counts elapsed (calendar) time: em, eh, ed, ew, emo, e% and their estimates."""
    return base_format(code) in _ELAPSED_CODES


def is_percent_format(code: int) -> bool:
    """Whether the format is a percentage (lags only: % of the predecessor's duration)."""
    return base_format(code) in _PERCENT_CODES


def is_estimated_format(code: int) -> bool:
    """Whether the format marks an estimated value (35–53)."""
    return code >= 35


# --- ISO 8601 durations ------------------------------------------------------------------------------------

_ISO_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<MO>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<D>\d+(?:\.\d+)?)D)?(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<MI>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class DurationUnits:
    """How long a day, week and month of the file's durations are, in minutes."""

    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20


ELAPSED_UNITS = DurationUnits(MINUTES_PER_DAY, 7 * MINUTES_PER_DAY, 30)


def parse_iso_duration(text: str, units: DurationUnits) -> float:
    """Minutes in an ISO 8601 duration such as ``PT8H0M0S``.

    MS Project writes hours, minutes and seconds only; days, weeks, months and years (written by other
    tools) count as `units` says: working days for working durations, 24-hour days for elapsed ones.

    Raises
    ------
    ValueError
        If `text` is not an ISO 8601 duration.
    """
    match = _ISO_DURATION.match(text.strip())
    if match is None or text.strip() in {"P", "PT", "-P", "-PT"}:
        raise ValueError(f"“{text}” is not an ISO 8601 duration such as PT8H0M0S")

    def part(name: str) -> float:
        value = match[name]
        return float(value) if value else 0.0

    day = units.minutes_per_day
    minutes = (
        part("Y") * 12 * units.days_per_month * day
        + part("MO") * units.days_per_month * day
        + part("W") * units.minutes_per_week
        + part("D") * day
        + part("H") * 60
        + part("MI")
        + part("S") / 60
    )
    return -minutes if match["sign"] else minutes


def format_iso_duration(minutes: float) -> str:
    """``PT{hours}H{minutes}M{seconds}S`` as MS Project writes durations (hours may exceed 24)."""
    sign = "-" if minutes < 0 else ""
    seconds = round(abs(minutes) * 60)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{sign}PT{hours}H{mins}M{secs}S"


# --- Dates and times ---------------------------------------------------------------------------------------


def parse_datetime(text: str) -> datetime:
    """A naive local datetime from ``2018-10-18T08:00:00`` (an offset, if any, is dropped: MSPDI dates are
    local times).

    Raises
    ------
    ValueError
        If `text` is not a date and time.
    """
    value = datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=None)


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS``, the MSPDI date format."""
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(text: str, *, end: bool = False) -> int:
    """Minutes after midnight of ``HH:MM:SS``; as the `end` of a working period ``00:00:00`` (and
    ``24:00:00``) mean midnight at the end of the day, 1440.

    Raises
    ------
    ValueError
        If `text` is not a time of day.
    """
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*", text)
    if match is None:
        raise ValueError(f"“{text}” is not a time such as 08:00:00")
    hours, minutes = int(match[1]), int(match[2])
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"“{text}” is not a time of day")
    value = hours * 60 + minutes
    if end and value == 0:
        return MINUTES_PER_DAY
    return value


def format_time(minutes: int) -> str:
    """``HH:MM:SS``; 1440 (midnight at the end of the day) is written ``00:00:00`` as MS Project does."""
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


# --- Day numbering ------------------------------------------------------------------------------------------


def day_type_to_weekday(day_type: int) -> int:
    """MSPDI DayType 1–7 (Sunday … Saturday) to a Monday-first weekday 0–6."""
    return (day_type + 5) % 7


def weekday_to_day_type(weekday: int) -> int:
    """A Monday-first weekday 0–6 to MSPDI DayType 1–7 (Sunday … Saturday)."""
    return (weekday + 1) % 7 + 1


def weekdays_from_mask(mask: int) -> tuple[int, ...]:
    """Monday-first weekdays of a DaysOfWeek bitmask (1 = Sunday, 2 = Monday, … 64 = Saturday)."""
    return tuple(sorted(day_type_to_weekday(bit + 1) for bit in range(7) if mask & (1 << bit)))


def mask_from_weekdays(weekdays: tuple[int, ...]) -> int:
    """The DaysOfWeek bitmask of Monday-first weekdays."""
    return sum(1 << (weekday_to_day_type(day) - 1) for day in set(weekdays))


# MonthItem: 0 day, 1 weekday, 2 weekend day, 3 Sunday … 9 Saturday.
# MonthPosition: 0 first … 3 fourth, 4 last.
MONTH_ITEM_DAY, MONTH_ITEM_WEEKDAY, MONTH_ITEM_WEEKEND_DAY = 0, 1, 2


def month_item_weekday(item: int) -> int | None:
    """The Monday-first weekday of a MonthItem 3–9 (Sunday … Saturday), None for day/weekday/weekend day."""
    return day_type_to_weekday(item - 2) if 3 <= item <= 9 else None


def weekday_month_item(weekday: int) -> int:
    """The MonthItem (3–9) of a Monday-first weekday."""
    return weekday_to_day_type(weekday) + 2


def position_to_nth(position: int) -> int:
    """MonthPosition 0–3 (first … fourth) to 1–4, and 4 (last) to -1."""
    return -1 if position >= 4 else position + 1


def nth_to_position(nth: int) -> int:
    """1–4 to MonthPosition 0–3, and -1 (last) to 4."""
    return 4 if nth < 0 else nth - 1


# --- Recurring exceptions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthlyRule:
    """Which day of a month a monthly or yearly recurrence picks: a fixed `day`, or the `nth` (1–4, -1 =
    last) day matching `item` (a MonthItem: 0 any day, 1 weekday, 2 weekend day, 3–9 Sunday … Saturday)."""

    day: int | None = None
    nth: int | None = None
    item: int | None = None


def _pick(year: int, month: int, rule: MonthlyRule, fallback_day: int) -> date | None:
    last = _stdlib_calendar.monthrange(year, month)[1]
    if rule.nth is None or rule.item is None:
        return date(year, month, min(rule.day or fallback_day, last))
    days = [date(year, month, d) for d in range(1, last + 1)]
    if rule.item == MONTH_ITEM_WEEKDAY:
        matching = [d for d in days if d.weekday() < 5]
    elif rule.item == MONTH_ITEM_WEEKEND_DAY:
        matching = [d for d in days if d.weekday() >= 5]
    elif rule.item == MONTH_ITEM_DAY:
        matching = days
    else:
        weekday = month_item_weekday(rule.item)
        matching = [d for d in days if d.weekday() == weekday]
    if rule.nth < 0:
        return matching[-1]
    return matching[rule.nth - 1] if rule.nth <= len(matching) else None


def _candidates(
    kind: str, interval: int, start: date, weekdays: tuple[int, ...], rule: MonthlyRule, month: int | None
) -> Iterator[date]:
    if kind == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=interval)
    elif kind == "weekly":
        # Weeks start on Sunday, MS Project's default WeekStartDay.
        week = start - timedelta(days=(start.weekday() + 1) % 7)
        offsets = sorted((w + 1) % 7 for w in weekdays)
        while True:
            for offset in offsets:
                yield week + timedelta(days=offset)
            week += timedelta(weeks=interval)
    elif kind == "monthly":
        index = start.year * 12 + start.month - 1
        while True:
            picked = _pick(index // 12, index % 12 + 1, rule, start.day)
            if picked is not None:
                yield picked
            index += interval
    else:  # yearly
        year = start.year
        while True:
            picked = _pick(year, month or start.month, rule, start.day)
            if picked is not None:
                yield picked
            year += interval


_MAX_OCCURRENCES = 100_000


def expand_recurrence(
    kind: str,
    start: date,
    finish: date,
    *,
    interval: int = 1,
    weekdays: tuple[int, ...] = (),
    rule: MonthlyRule | None = None,
    month: int | None = None,
    occurrences: int | None = None,
) -> list[date]:
    """The days of a recurring exception from `start`: `occurrences` of them, or all up to `finish`.

    Weekly recurrences count weeks from the Sunday of `start`'s week, as MS Project does by default.
    """
    out: list[date] = []
    for day in _candidates(kind, interval, start, weekdays, rule or MonthlyRule(), month):
        if len(out) >= _MAX_OCCURRENCES:
            break
        if occurrences is None and day > finish:
            break
        if day >= start and (not out or day > out[-1]):
            out.append(day)
        if occurrences is not None and len(out) >= occurrences:
            break
    return out


def expand_model_recurrence(recurrence: Recurrence, start: date, finish: date) -> list[date]:
    """The days of an engine `Recurrence` between `start` and `finish` (or its occurrences)."""
    rule = MonthlyRule(day=recurrence.day)
    if recurrence.nth is not None and recurrence.weekdays:
        rule = MonthlyRule(nth=recurrence.nth, item=weekday_month_item(recurrence.weekdays[0]))
    return expand_recurrence(
        recurrence.kind,
        start,
        finish,
        interval=recurrence.interval,
        weekdays=recurrence.weekdays,
        rule=rule,
        month=recurrence.month,
        occurrences=recurrence.occurrences,
    )
