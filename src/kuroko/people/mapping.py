"""ORM rows ⇄ engine dataclasses: stored working calendars as engine `Calendar`s, and calendars read from
files (engine `Calendar`s) as the fields of stored rows.

A calendar row becomes one engine calendar with id `calendar-<pk>`: its week (or, when it has none, its
base calendar's, and so on up the chain), the public holidays of its country for the years asked for, and
its exceptions. Holidays come first, so an exception of the calendar itself (a company working day on a
public holiday) wins over them. A calendar with a base also needs the base's engine calendar, which carries
the base's holidays and exceptions underneath the derived calendar's own (the engine resolves `base`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from kuroko.engine.calendar import holiday_exceptions, resolved_week
from kuroko.engine.model import Calendar, Recurrence
from kuroko.engine.model import CalendarException as EngineException
from kuroko.people.models import MAX_EXCEPTION_YEARS, CalendarException, WorkCalendar

Week = tuple[tuple[tuple[int, int], ...], ...]


def engine_id(calendar: WorkCalendar | int) -> str:
    """The engine id of a calendar row (its primary key, prefixed)."""
    return f"calendar-{calendar if isinstance(calendar, int) else calendar.pk}"


def chain(calendar: WorkCalendar) -> list[WorkCalendar]:
    """The calendar and its base calendars, the calendar first (a loop in stored data is cut)."""
    out = [calendar]
    seen = {calendar.pk}
    current = calendar
    while current.base_id is not None and current.base_id not in seen:
        current = WorkCalendar.objects.prefetch_related("exceptions").get(pk=current.base_id)
        seen.add(current.pk)
        out.append(current)
    return out


def effective_week(rows: list[WorkCalendar]) -> Week:
    """The week of the first calendar in `rows` (a chain, derived first) that has one."""
    for row in rows:
        if row.week is not None:
            return tuple(tuple((int(s), int(e)) for s, e in day) for day in row.week)
    return ((),) * 7


def exception_to_engine(row: CalendarException) -> EngineException:
    recurrence = None
    if row.recurrence_kind:
        recurrence = Recurrence(
            kind=row.recurrence_kind,
            interval=row.recurrence_interval,
            weekdays=tuple(row.recurrence_weekdays or ()),
            day=row.recurrence_day,
            nth=row.recurrence_nth,
            month=row.recurrence_month,
            occurrences=row.recurrence_occurrences,
        )
    return EngineException(
        start=row.start,
        finish=row.finish,
        intervals=tuple((int(s), int(e)) for s, e in row.intervals or ()),
        name=row.name,
        recurrence=recurrence,
    )


def public_holidays(country: str, years: Iterable[int]) -> tuple[EngineException, ...]:
    """The country's public holidays for those years; none for an empty or unknown code."""
    if not country:
        return ()
    return _holidays(country, tuple(years))


@functools.lru_cache(maxsize=64)
def _holidays(country: str, years: tuple[int, ...]) -> tuple[EngineException, ...]:
    # Cached: computing twelve years of holidays costs ~30 ms, and every schedule of a project needs them
    # (the result is immutable).
    try:
        return holiday_exceptions(country, years)
    except (KeyError, NotImplementedError):
        return ()


def calendar_to_engine(
    calendar: WorkCalendar, years: range, *, rows: list[WorkCalendar] | None = None
) -> Calendar:
    """One calendar row as an engine calendar (its `base` names the base's engine id, if any).

    `years` are the years whose public holidays are included; exceptions are included whatever their dates.
    """
    rows = rows if rows is not None else chain(calendar)
    return Calendar(
        id=engine_id(calendar),
        name=calendar.name,
        week=effective_week(rows[rows.index(calendar) :]),
        exceptions=public_holidays(calendar.holiday_country, years)
        + tuple(exception_to_engine(e) for e in calendar.exceptions.all()),
        base=engine_id(calendar.base_id) if calendar.base_id is not None else None,
    )


def calendars_to_engine(calendar: WorkCalendar, years: range) -> tuple[Calendar, ...]:
    """Every engine calendar the row needs, base first and the row's own calendar last.

    Pass them all to the engine (`Plan.calendars`, or `WorkCalendar(last, {c.id: c for c in them})`).
    """
    rows = chain(calendar)
    return tuple(calendar_to_engine(row, years, rows=rows) for row in reversed(rows))


def calendars_to_engine_many(pks: Iterable[int], years: range) -> dict[int, tuple[Calendar, ...]]:
    """`calendars_to_engine` for many stored calendars at once (calendar pk → its engine calendars, base
    first): the rows, their bases and their exceptions read in two queries per level of base, each row
    mapped once however many of the calendars share it (a loop in stored data is cut, as `chain` does)."""
    asked = set(pks)
    rows: dict[int, WorkCalendar] = {}
    wanted = set(asked)
    while wanted:
        fetched = list(WorkCalendar.objects.filter(pk__in=wanted).prefetch_related("exceptions"))
        rows.update((row.pk, row) for row in fetched)
        wanted = {row.base_id for row in fetched if row.base_id is not None and row.base_id not in rows}
    mapped: dict[int, Calendar] = {}
    out: dict[int, tuple[Calendar, ...]] = {}
    for pk in asked & rows.keys():
        links = [rows[pk]]
        while links[-1].base_id in rows and links[-1].base_id not in {r.pk for r in links}:
            links.append(rows[links[-1].base_id])
        for row in links:
            if row.pk not in mapped:
                mapped[row.pk] = calendar_to_engine(row, years, rows=links)
        out[pk] = tuple(mapped[row.pk] for row in reversed(links))
    return out


# --- engine → rows (calendars read from files) ---------------------------------------------------------

# An exception spans at most this many days (CalendarException.clean allows MAX_EXCEPTION_YEARS years).
_MAX_SPAN_DAYS = MAX_EXCEPTION_YEARS * 366


def week_from_engine(week: Week) -> list[list[list[int]]]:
    """An engine week (Monday first) as the stored JSON: seven lists of [start, end] minutes."""
    return [[[start, end] for start, end in day] for day in week]


def exception_fields(exception: EngineException) -> dict[str, Any]:
    """The fields of a stored `CalendarException` for an engine exception (its recurrence included).

    A recurrence's missing day or month is the exception's start's, as the engine reads it; a span longer
    than stored exceptions allow is cut to that length (a recurrence "until 2149" ends 50 years on).
    """
    rec = exception.recurrence
    finish = min(exception.finish, exception.start + timedelta(days=_MAX_SPAN_DAYS))
    fields: dict[str, Any] = {
        "name": exception.name[:200],
        "start": exception.start,
        "finish": finish,
        "intervals": [[start, end] for start, end in exception.intervals],
        "recurrence_kind": "",
        "recurrence_interval": 1,
        "recurrence_weekdays": [],
        "recurrence_day": None,
        "recurrence_nth": None,
        "recurrence_month": None,
        "recurrence_occurrences": None,
    }
    if rec is not None:
        fields.update(
            recurrence_kind=rec.kind,
            recurrence_interval=rec.interval,
            recurrence_weekdays=sorted(rec.weekdays),
            recurrence_day=rec.day,
            recurrence_nth=rec.nth,
            recurrence_month=rec.month,
            recurrence_occurrences=rec.occurrences,
        )
        if rec.kind == "yearly" and rec.month is None:
            fields["recurrence_month"] = exception.start.month
    return fields


def calendar_from_engine(
    calendar: Calendar, calendars: Mapping[str, Calendar]
) -> tuple[list[list[list[int]]], list[dict[str, Any]]]:
    """The stored week and exception fields of an engine calendar, flattened through its base calendars
    (whose exceptions come first, so that the calendar's own win where they overlap)."""
    exceptions: list[EngineException] = []
    seen = {calendar.id}
    current = calendar
    chain = [calendar]
    while current.base is not None and current.base in calendars and current.base not in seen:
        current = calendars[current.base]
        seen.add(current.id)
        chain.append(current)
    for row in reversed(chain):
        exceptions.extend(row.exceptions)
    # Flattened: a derived calendar without a week of its own works its base's week.
    return week_from_engine(resolved_week(calendar, calendars)), [exception_fields(e) for e in exceptions]


def stored_calendar_fields(calendar: WorkCalendar) -> tuple[Any, list[dict[str, Any]]]:
    """A stored calendar's own week and exception fields, in the form `calendar_from_engine` gives (to
    tell whether a file's calendar differs from it)."""
    names = list(exception_fields(EngineException(date.min, date.min)))
    rows = [{name: getattr(e, name) for name in names} for e in calendar.exceptions.all()]
    for row in rows:
        row["recurrence_weekdays"] = sorted(row["recurrence_weekdays"] or [])
        row["intervals"] = [[int(s), int(e)] for s, e in row["intervals"] or []]
    return calendar.week, rows
