"""The engine's plan model: calendars, tasks, links and the schedule computed from them.

Frozen, slotted dataclasses that validate themselves. Times are naive local `datetime`s, as in MS Project
XML; durations and lags are in minutes (working minutes unless marked elapsed); percentages are 0–100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

MINUTES_PER_DAY = 24 * 60


class LinkType(StrEnum):
    """Dependency types as in MS Project: finish-to-start, start-to-start, finish-to-finish and
    start-to-finish."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class LagKind(StrEnum):
    """How a lag is measured: working time of the successor's calendar, elapsed (calendar) time, or a
    percentage of the predecessor's duration."""

    WORK = "work"
    ELAPSED = "elapsed"
    PERCENT = "percent"


class ConstraintType(StrEnum):
    """Date constraints of MS Project."""

    ASAP = "ASAP"  # as soon as possible
    ALAP = "ALAP"  # as late as possible
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


DATED_CONSTRAINTS = frozenset(
    {
        ConstraintType.SNET,
        ConstraintType.SNLT,
        ConstraintType.FNET,
        ConstraintType.FNLT,
        ConstraintType.MSO,
        ConstraintType.MFO,
    }
)

Interval = tuple[int, int]
"""A working interval within a day: (start, end) in minutes after midnight, 0 ≤ start < end ≤ 1440."""


def _check_intervals(intervals: tuple[Interval, ...], where: str) -> None:
    previous_end = -1
    for start, end in intervals:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"{where}: working interval {start}–{end} must satisfy 0 ≤ start < end ≤ 1440.")
        if start < previous_end:
            raise ValueError(f"{where}: working intervals must be in order and must not overlap.")
        previous_end = end


@dataclass(frozen=True, slots=True)
class Recurrence:
    """When a calendar exception repeats: every `interval` days/weeks/months/years.

    - daily: every `interval` days;
    - weekly: on `weekdays` (0 = Monday) every `interval` weeks;
    - monthly: on `day` of the month, or on the `nth` (1–4, -1 = last) `weekdays[0]`, every `interval` months;
    - yearly: on `day` of `month`, or the `nth` `weekdays[0]` of `month`, every `interval` years.

    It ends after `occurrences`, or at the exception's finish date.
    """

    kind: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    day: int | None = None
    nth: int | None = None
    month: int | None = None
    occurrences: int | None = None
    # "Every 2 weeks" counts weeks from this weekday; MS Project (and Japanese wall calendars) use Sunday.
    week_starts_on: int = 6

    def __post_init__(self) -> None:
        if self.kind not in {"daily", "weekly", "monthly", "yearly"}:
            raise ValueError(f"Recurrence kind must be daily, weekly, monthly or yearly, not {self.kind!r}.")
        if self.interval < 1:
            raise ValueError("A recurrence repeats at least every 1 period.")
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("Weekdays run from 0 (Monday) to 6 (Sunday).")
        if self.kind == "weekly" and not self.weekdays:
            raise ValueError("A weekly recurrence needs at least one weekday.")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError("A day of the month runs from 1 to 31.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("A month runs from 1 to 12.")
        if self.occurrences is not None and self.occurrences < 1:
            raise ValueError("A recurrence occurs at least once.")


@dataclass(frozen=True, slots=True)
class CalendarException:
    """Days from `start` to `finish` (inclusive) that work differently: not at all (`intervals` empty, e.g. a
    holiday) or in the given intervals (e.g. a working Saturday). With a `recurrence`, the days are the
    recurrence's occurrences between `start` and `finish`."""

    start: date
    finish: date
    intervals: tuple[Interval, ...] = ()
    name: str = ""
    recurrence: Recurrence | None = None

    def __post_init__(self) -> None:
        if self.finish < self.start:
            raise ValueError(f"Calendar exception {self.name or self.start}: the finish is before the start.")
        _check_intervals(self.intervals, f"Calendar exception {self.name or self.start}")


STANDARD_WEEK: tuple[tuple[Interval, ...], ...] = (
    ((480, 720), (780, 1020)),
    ((480, 720), (780, 1020)),
    ((480, 720), (780, 1020)),
    ((480, 720), (780, 1020)),
    ((480, 720), (780, 1020)),
    (),
    (),
)
"""MS Project's Standard calendar: Monday–Friday 08:00–12:00 and 13:00–17:00."""

FULL_WEEK: tuple[tuple[Interval, ...], ...] = tuple(((0, MINUTES_PER_DAY),) for _ in range(7))
"""A 24-hour calendar: every minute of every day is working time."""


Week = tuple[tuple[Interval, ...], ...]
"""Working intervals for each day of the week, Monday first."""


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working time: a weekly pattern (Monday first) and exceptions. A calendar with a `base` inherits the
    base calendar's exceptions underneath its own (as MS Project resource calendars do), and its week too
    when it has none of its own (`week` None).

    `week` None means "no week of its own": a calendar without a base then gets `STANDARD_WEEK` (so such
    a calendar always holds a week), and a derived calendar works its base calendar's week (resolved
    through the chain of bases when the calendar is compiled).
    """

    id: str
    name: str = ""
    week: Week | None = None
    exceptions: tuple[CalendarException, ...] = ()
    base: str | None = None

    def __post_init__(self) -> None:
        if self.week is None:
            if self.base is None:
                object.__setattr__(self, "week", STANDARD_WEEK)
            if self.base == self.id:
                raise ValueError(f"Calendar {self.name or self.id} cannot be based on itself.")
            return
        if len(self.week) != 7:
            raise ValueError(f"Calendar {self.name or self.id}: the week must have 7 days, Monday first.")
        for day, intervals in enumerate(self.week):
            _check_intervals(intervals, f"Calendar {self.name or self.id}, weekday {day}")
        if self.base == self.id:
            raise ValueError(f"Calendar {self.name or self.id} cannot be based on itself.")


@dataclass(frozen=True, slots=True)
class Split:
    """A pause in a task's work (MS Project's split task): after `after` working minutes of the task's
    duration are done, work stops for `length` working minutes of the task's calendar, then resumes.

    Splits are relative to the task's start, so they move with the task: a task of 4 days split after
    2 days for 1 day spans 5 days wherever its links put it.
    """

    after: int
    length: int

    def __post_init__(self) -> None:
        if self.after <= 0:
            raise ValueError("A split comes after some of the task's work (after > 0 minutes).")
        if self.length <= 0:
            raise ValueError("A split pauses the work for some time (length > 0 minutes).")


@dataclass(frozen=True, slots=True)
class Task:
    """A WBS element. Leaf tasks have a `duration` in working minutes of their calendar (or elapsed minutes
    when `elapsed`); a task with children (see `parent`) is a summary whose dates come from them.

    A `manual` task (MS Project's "manually scheduled") starts at `manual_start` whatever its links and
    constraints say, and lasts its duration; it still drives its successors. A manual task without a
    `manual_start` has no dates entered yet: it is scheduled as an automatic task would be, and is never
    critical. `splits` pause the work of a leaf task (see `Split`), in order, each within the duration.
    `level_start` is where resource levelling put the task: it starts no earlier (a bound like a "start no
    earlier than" constraint, kept apart so that clearing the levelling restores the plan).
    """

    id: str
    name: str = ""
    duration: int = 0
    parent: str | None = None
    milestone: bool = False
    elapsed: bool = False
    calendar: str | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0
    remaining_duration: int | None = None
    manual: bool = False
    manual_start: datetime | None = None
    splits: tuple[Split, ...] = ()
    # Resource levelling's "not before": the task starts no earlier (kept apart from the user's constraint).
    level_start: datetime | None = None

    def __post_init__(self) -> None:
        label = self.name or self.id
        if self.manual_start is not None and not self.manual:
            raise ValueError(f"Task {label}: only a manually scheduled task (manual) has a manual start.")
        if self.splits:
            previous = 0
            for split in self.splits:
                if split.after <= previous:
                    raise ValueError(f"Task {label}: splits must be in order, each after the one before.")
                previous = split.after
            if self.milestone or previous >= self.duration:
                raise ValueError(
                    f"Task {label}: every split must come before the end of the task's duration."
                )
        if self.duration < 0:
            raise ValueError(f"Task {label}: the duration cannot be negative.")
        if self.constraint in DATED_CONSTRAINTS and self.constraint_date is None:
            raise ValueError(f"Task {label}: constraint {self.constraint} needs a date.")
        if not 0 <= self.percent_complete <= 100:
            raise ValueError(f"Task {label}: % complete must be between 0 and 100.")
        if self.remaining_duration is not None and self.remaining_duration < 0:
            raise ValueError(f"Task {label}: the remaining duration cannot be negative.")
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            raise ValueError(f"Task {label}: the actual finish is before the actual start.")


@dataclass(frozen=True, slots=True)
class Link:
    """`successor` depends on `predecessor`. `lag` is in minutes for WORK and ELAPSED lags and in percent of
    the predecessor's duration for PERCENT lags; negative lags are leads."""

    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag: float = 0
    lag_kind: LagKind = LagKind.WORK

    def __post_init__(self) -> None:
        if self.predecessor == self.successor:
            raise ValueError(f"Task {self.predecessor} cannot depend on itself.")


@dataclass(frozen=True, slots=True)
class ExternalDates:
    """Dates of a task outside the plan (another project) that a link in the plan refers to."""

    id: str
    start: datetime
    finish: datetime
    name: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything `schedule()` needs: tasks, links, calendars and project settings."""

    start: datetime
    tasks: tuple[Task, ...]
    links: tuple[Link, ...] = ()
    calendars: tuple[Calendar, ...] = (Calendar("standard", "Standard"),)
    calendar: str = "standard"
    name: str = ""
    finish: datetime | None = None
    schedule_from_finish: bool = False
    status_date: datetime | None = None
    honor_constraints: bool = True
    critical_float: int = 0
    external: tuple[ExternalDates, ...] = ()
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20
    # In-progress tasks: with retained logic the remaining work still waits for predecessors; with
    # progress override (False) it resumes at the status date whatever the links say.
    retained_logic: bool = True

    def __post_init__(self) -> None:
        ids = [c.id for c in self.calendars]
        if len(set(ids)) != len(ids):
            raise ValueError("Calendar ids must be unique.")
        if self.calendar not in ids:
            raise ValueError(f"The project calendar {self.calendar!r} is not among the plan's calendars.")
        if self.schedule_from_finish and self.finish is None:
            raise ValueError("A project scheduled from its finish needs a finish date.")
        if self.minutes_per_day <= 0 or self.minutes_per_week <= 0 or self.days_per_month <= 0:
            raise ValueError("Minutes per day and week and days per month must be positive.")


class TaskSchedule(NamedTuple):
    """The computed dates of one task. Floats are in working minutes of the task's calendar.

    A named tuple rather than a dataclass: a 100,000-task schedule builds 100,000 of them, and a frozen
    dataclass costs several times more to construct.
    """

    id: str
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: int
    free_float: int
    critical: bool
    summary: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about one task that the scheduler could honour only partly (e.g. negative float)."""

    task: str
    message: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """The result of `schedule()`: dates for every task, the project's span and its critical path."""

    project_start: datetime
    project_finish: datetime
    tasks: Mapping[str, TaskSchedule]
    critical_path: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
