"""MSPDI calendars ⇄ engine calendars: the week (DayType 1–7, Sunday first, becomes Monday first), working
times, base calendars, and exceptions in both forms MS Project writes: ``<Exceptions>`` (Project 2007+,
with recurrences) and the older ``WeekDay`` entries with DayType 0 and a TimePeriod.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree.ElementTree import Element, SubElement

from kuroko.engine.calendar import resolved_week
from kuroko.engine.model import STANDARD_WEEK, Calendar, CalendarException, Interval, Plan, Recurrence, Week
from kuroko.formats.mspdi.records import MspdiError
from kuroko.formats.mspdi.units import (
    MONTH_ITEM_DAY,
    MonthlyRule,
    day_type_to_weekday,
    expand_model_recurrence,
    expand_recurrence,
    format_datetime,
    format_time,
    mask_from_weekdays,
    month_item_weekday,
    nth_to_position,
    position_to_nth,
    weekday_month_item,
    weekdays_from_mask,
)
from kuroko.formats.mspdi.xmlsafe import Source

DEFAULT_DAY: tuple[Interval, ...] = STANDARD_WEEK[0]
"""The working times MS Project gives a working day that lists none: 08:00–12:00 and 13:00–17:00."""


@dataclass
class _Raw:
    uid: str
    name: str
    base: str | None
    element: Element
    days: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    exceptions: list[CalendarException] = field(default_factory=list)


def _intervals(src: Source, parent: Element, where: str, warnings: list[str]) -> tuple[Interval, ...]:
    spans: list[Interval] = []
    for item in src.children(parent, "WorkingTimes/WorkingTime"):
        start = src.clock(item, "FromTime", where)
        end = src.clock(item, "ToTime", where, end=True)
        if start is None or end is None or start == end:
            continue
        if end < start:
            raise src.error(item, where, "a working time cannot run past midnight; split it in two.")
        spans.append((start, end))
    spans.sort()
    merged: list[Interval] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            warnings.append(f"{where}: overlapping working times were merged.")
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _working_times(src: Source, parent: Element, where: str, warnings: list[str]) -> tuple[Interval, ...]:
    intervals = _intervals(src, parent, where, warnings)
    working = src.flag(parent, "DayWorking", where)
    if working is False:
        return ()
    if working and not intervals:
        warnings.append(f"{where}: a working day without working times gets 08:00–12:00 and 13:00–17:00.")
        return DEFAULT_DAY
    return intervals


def _period(src: Source, element: Element, where: str) -> tuple[date | None, date | None]:
    period = src.child(element, "TimePeriod")
    if period is None:
        return None, None
    start = src.moment(period, "FromDate", where)
    finish = src.moment(period, "ToDate", where)
    return (start.date() if start else None), (finish.date() if finish else None)


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Maximal runs of consecutive days, in order."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _exception(src: Source, element: Element, where: str, warnings: list[str]) -> list[CalendarException]:
    """One ``<Exception>``: a plain or recurring exception, or single days where the engine's
    `Recurrence` cannot say it (the nth weekday/weekend day/day of a month)."""
    start, finish = _period(src, element, where)
    if start is None and finish is None:
        return []  # as MS Project does, ignore exceptions without dates
    start = start or finish
    finish = finish or start
    assert start is not None and finish is not None
    name = src.text(element, "Name") or ""
    label = f"{where}, exception “{name or start}”"
    intervals = _working_times(src, element, label, warnings)
    kind = src.integer(element, "Type", label) or 1
    period = max(src.integer(element, "Period", label) or 1, 1)
    by_occurrences = bool(src.flag(element, "EnteredByOccurrences", label))
    occurrences = src.integer(element, "Occurrences", label) if by_occurrences else None
    if occurrences is not None and occurrences < 1:
        occurrences = None
    month_number = src.integer(element, "Month", label)
    month = month_number + 1 if month_number is not None else None
    month_day = src.integer(element, "MonthDay", label)
    item = src.integer(element, "MonthItem", label)
    position = src.integer(element, "MonthPosition", label)
    nth = position_to_nth(position) if position is not None else None
    try:
        recurrence: Recurrence | None = None
        if kind in {1, 7}:
            if period > 1:
                recurrence = Recurrence("daily", period, occurrences=occurrences)
            elif occurrences is not None:
                finish = start + timedelta(days=occurrences - 1)
        elif kind == 6:
            weekdays = weekdays_from_mask(src.integer(element, "DaysOfWeek", label) or 0) or (
                start.weekday(),
            )
            recurrence = Recurrence("weekly", period, weekdays=weekdays, occurrences=occurrences)
        elif kind in {4, 2}:
            recurrence = Recurrence(
                "monthly" if kind == 4 else "yearly",
                period if kind == 4 else 1,
                day=month_day or start.day,
                month=month if kind == 2 else None,
                occurrences=occurrences,
            )
        elif kind in {5, 3}:
            weekday = month_item_weekday(item) if item is not None else None
            if weekday is None or nth is None:
                days = expand_recurrence(
                    "monthly" if kind == 5 else "yearly",
                    start,
                    finish,
                    interval=period if kind == 5 else 1,
                    rule=MonthlyRule(nth=nth or 1, item=MONTH_ITEM_DAY if item is None else item),
                    month=month,
                    occurrences=occurrences,
                )
                warnings.append(
                    f"{label}: “the nth day, weekday or weekend day of the month” has no engine recurrence; "
                    f"it was expanded into {len(days)} single days."
                )
                return [CalendarException(a, b, intervals, name=name) for a, b in _runs(days)]
            recurrence = Recurrence(
                "monthly" if kind == 5 else "yearly",
                period if kind == 5 else 1,
                weekdays=(weekday,),
                nth=nth,
                month=month if kind == 3 else None,
                occurrences=occurrences,
            )
        else:
            warnings.append(
                f"{label}: unknown recurrence type {kind}; read as the days from start to finish."
            )
        return [CalendarException(start, finish, intervals, name=name, recurrence=recurrence)]
    except ValueError as exc:
        raise src.error(element, label, str(exc)) from None


def read_calendars(src: Source, warnings: list[str]) -> tuple[Calendar, ...]:
    """The calendars of the file, each week resolved through its base calendars (so a resource calendar
    that lists no days has its base's week), with their exceptions."""
    raws: dict[str, _Raw] = {}
    for element in src.children(src.root, "Calendars/Calendar"):
        uid = src.integer(element, "UID", "Calendar")
        if uid is None:
            raise src.error(element, "Calendar", "a calendar needs a <UID>.")
        name = src.text(element, "Name") or ""
        where = f"Calendar UID {uid} (“{name}”)" if name else f"Calendar UID {uid}"
        base_uid = src.integer(element, "BaseCalendarUID", where)
        is_base = src.flag(element, "IsBaseCalendar", where)
        base = str(base_uid) if base_uid is not None and base_uid >= 0 and not is_base else None
        raw = _Raw(str(uid), name, base, element)
        if str(uid) in raws:
            raise src.error(element, where, f"calendar UID {uid} appears twice.")
        raws[raw.uid] = raw
        legacy: list[CalendarException] = []
        for day in src.children(element, "WeekDays/WeekDay"):
            day_type = src.integer(day, "DayType", where)
            if day_type is None:
                continue
            if day_type == 0:
                start, finish = _period(src, day, where)
                if start is not None and finish is not None:
                    times = _working_times(src, day, f"{where}, exception {start}", warnings)
                    try:
                        legacy.append(CalendarException(start, finish, times))
                    except ValueError as exc:
                        raise src.error(day, where, str(exc)) from None
            elif 1 <= day_type <= 7:
                weekday = day_type_to_weekday(day_type)
                if src.flag(day, "DayWorking", where) is None and src.child(day, "WorkingTimes") is None:
                    continue  # "default": the day comes from the base calendar
                raw.days[weekday] = _working_times(src, day, f"{where}, DayType {day_type}", warnings)
            else:
                raise src.error(
                    day, where, f"DayType {day_type} is not 0 (exception) or 1–7 (Sunday–Saturday)."
                )
        for item in src.children(element, "Exceptions/Exception"):
            raw.exceptions.extend(_exception(src, item, where, warnings))
        # Project 2007+ repeats its exceptions as DayType 0 days; read those only when there is nothing newer.
        if not raw.exceptions:
            raw.exceptions = legacy
        if src.child(element, "WorkWeeks/WorkWeek") is not None:
            warnings.append(
                f"{where}: alternative work weeks (<WorkWeeks>) are not supported and were ignored."
            )

    weeks: dict[str, tuple[tuple[Interval, ...], ...]] = {}

    def week(uid: str, chain: tuple[str, ...]) -> tuple[tuple[Interval, ...], ...]:
        if uid in weeks:
            return weeks[uid]
        raw = raws[uid]
        if raw.base is not None and (raw.base not in raws or raw.base in chain or raw.base == uid):
            problem = "does not exist" if raw.base not in raws else "would make a loop"
            warnings.append(f"Calendar UID {uid}: base calendar {raw.base} {problem}; it was dropped.")
            raw.base = None
        base_week = week(raw.base, (*chain, uid)) if raw.base is not None else STANDARD_WEEK
        weeks[uid] = tuple(raw.days.get(day, base_week[day]) for day in range(7))
        return weeks[uid]

    calendars: list[Calendar] = []
    for key, raw in raws.items():
        resolved = week(key, ())
        try:
            calendars.append(Calendar(key, raw.name, resolved, tuple(raw.exceptions), raw.base))
        except ValueError as exc:
            raise src.error(raw.element, f"Calendar UID {key}", str(exc)) from None
    return tuple(calendars)


# --- Writing ----------------------------------------------------------------------------------------------


def exception_days(exception: CalendarException) -> list[date]:
    """The days an exception covers, by MS Project's reading of its recurrence."""
    if exception.recurrence is None:
        return [
            exception.start + timedelta(days=n) for n in range((exception.finish - exception.start).days + 1)
        ]
    return expand_model_recurrence(exception.recurrence, exception.start, exception.finish)


def _add(parent: Element, tag: str, text: str | int | None) -> Element | None:
    if text is None:
        return None
    child = SubElement(parent, tag)
    child.text = str(text)
    return child


def _times(q: Callable[[str], str], parent: Element, intervals: tuple[Interval, ...]) -> None:
    if not intervals:
        return
    times = SubElement(parent, q("WorkingTimes"))
    for start, end in intervals:
        item = SubElement(times, q("WorkingTime"))
        _add(item, q("FromTime"), format_time(start))
        _add(item, q("ToTime"), format_time(end))


def _day_end(day: date) -> str:
    return format_datetime(datetime.combine(day, time(23, 59)))


def _day_start(day: date) -> str:
    return format_datetime(datetime.combine(day, time(0, 0)))


def _write_exception(q: Callable[[str], str], parent: Element, exception: CalendarException) -> None:
    rec = exception.recurrence
    days = exception_days(exception)
    finish = days[-1] if rec is not None and rec.occurrences is not None and days else exception.finish
    item = SubElement(parent, q("Exception"))
    _add(item, q("EnteredByOccurrences"), int(rec is not None and rec.occurrences is not None))
    period = SubElement(item, q("TimePeriod"))
    _add(period, q("FromDate"), _day_start(exception.start))
    _add(period, q("ToDate"), _day_end(finish))
    _add(item, q("Occurrences"), (rec.occurrences if rec and rec.occurrences else None) or max(len(days), 1))
    _add(item, q("Name"), exception.name or None)
    if rec is None:
        _add(item, q("Type"), 1)
    elif rec.kind == "daily":
        _add(item, q("Type"), 7)
        _add(item, q("Period"), rec.interval)
    elif rec.kind == "weekly":
        _add(item, q("Type"), 6)
        _add(item, q("Period"), rec.interval)
        _add(item, q("DaysOfWeek"), mask_from_weekdays(rec.weekdays))
    else:
        relative = rec.nth is not None and bool(rec.weekdays)
        monthly = rec.kind == "monthly"
        _add(item, q("Type"), (5 if relative else 4) if monthly else (3 if relative else 2))
        if not monthly:
            _add(item, q("Month"), (rec.month or exception.start.month) - 1)
        else:
            _add(item, q("Period"), rec.interval)
        if relative and rec.nth is not None:
            _add(item, q("MonthItem"), weekday_month_item(rec.weekdays[0]))
            _add(item, q("MonthPosition"), nth_to_position(rec.nth))
        else:
            _add(item, q("MonthDay"), rec.day or exception.start.day)
    _add(item, q("DayWorking"), int(bool(exception.intervals)))
    _times(q, item, exception.intervals)


def _week(calendar: Calendar, by_id: Mapping[str, Calendar]) -> Week:
    try:
        return resolved_week(calendar, by_id)
    except ValueError as exc:
        raise MspdiError(str(exc)) from None


def _write_calendar(
    q: Callable[[str], str],
    parent: Element,
    calendar: Calendar,
    uid: int,
    base: tuple[Calendar, int] | None,
    by_id: Mapping[str, Calendar],
) -> None:
    element = SubElement(parent, q("Calendar"))
    _add(element, q("UID"), uid)
    _add(element, q("Name"), calendar.name or None)
    _add(element, q("IsBaseCalendar"), int(base is None))
    _add(element, q("IsBaselineCalendar"), 0)
    _add(element, q("BaseCalendarUID"), base[1] if base else -1)
    weekdays = SubElement(element, q("WeekDays"))
    week = _week(calendar, by_id)
    base_week = _week(base[0], by_id) if base is not None else None
    for day_type in range(1, 8):
        weekday = day_type_to_weekday(day_type)
        intervals = week[weekday]
        if base_week is not None and base_week[weekday] == intervals:
            continue  # inherited from the base calendar
        day = SubElement(weekdays, q("WeekDay"))
        _add(day, q("DayType"), day_type)
        _add(day, q("DayWorking"), int(bool(intervals)))
        _times(q, day, intervals)
    # The pre-2007 form, which older readers use: one DayType 0 entry per run of equal days, in order.
    by_day: dict[date, tuple[Interval, ...]] = {}
    for exception in calendar.exceptions:
        for day_value in exception_days(exception):
            by_day[day_value] = exception.intervals
    runs: list[tuple[date, date, tuple[Interval, ...]]] = []
    for day_value in sorted(by_day):
        intervals = by_day[day_value]
        if runs and runs[-1][1] + timedelta(days=1) == day_value and runs[-1][2] == intervals:
            runs[-1] = (runs[-1][0], day_value, intervals)
        else:
            runs.append((day_value, day_value, intervals))
    for first, last, intervals in runs:
        day = SubElement(weekdays, q("WeekDay"))
        _add(day, q("DayType"), 0)
        _add(day, q("DayWorking"), int(bool(intervals)))
        period = SubElement(day, q("TimePeriod"))
        _add(period, q("FromDate"), _day_start(first))
        _add(period, q("ToDate"), _day_end(last))
        _times(q, day, intervals)
    if not len(weekdays):
        element.remove(weekdays)
    if calendar.exceptions:
        exceptions = SubElement(element, q("Exceptions"))
        # MS Project ignores exceptions that are not in date order.
        for exception in sorted(calendar.exceptions, key=lambda e: (e.start, e.finish)):
            _write_exception(q, exceptions, exception)


def write_calendars(q: Callable[[str], str], parent: Element, plan: Plan, uids: dict[str, int]) -> None:
    """Write ``<Calendars>``: base calendars first (MS Project needs them before the calendars based on
    them), each with its week, its exceptions in both forms and, for derived calendars, only the days
    that differ from the base."""
    by_id = {c.id: c for c in plan.calendars}
    order: list[Calendar] = []
    placed: set[str] = set()

    def place(calendar: Calendar, chain: tuple[str, ...]) -> None:
        if calendar.id in placed:
            return
        if calendar.base is not None and calendar.base in by_id and calendar.base not in chain:
            place(by_id[calendar.base], (*chain, calendar.id))
        placed.add(calendar.id)
        order.append(calendar)

    for calendar in plan.calendars:
        place(calendar, ())
    element = SubElement(parent, q("Calendars"))
    for calendar in order:
        base = by_id.get(calendar.base) if calendar.base is not None else None
        if calendar.base is not None and base is None:
            raise MspdiError(
                f"Calendar {calendar.name or calendar.id}: base calendar {calendar.base!r} does not exist."
            )
        _write_calendar(
            q, element, calendar, uids[calendar.id], (base, uids[base.id]) if base else None, by_id
        )
