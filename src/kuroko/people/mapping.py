"""ORM rows ⇄ engine dataclasses: stored working calendars as engine `Calendar`s.

A calendar row becomes one engine calendar with id `calendar-<pk>`: its week (or, when it has none, its
base calendar's, and so on up the chain), the public holidays of its country for the years asked for, and
its exceptions. Holidays come first, so an exception of the calendar itself (a company working day on a
public holiday) wins over them. A calendar with a base also needs the base's engine calendar, which carries
the base's holidays and exceptions underneath the derived calendar's own (the engine resolves `base`).
"""

from __future__ import annotations

from collections.abc import Iterable

from kuroko.engine.calendar import holiday_exceptions
from kuroko.engine.model import Calendar, Recurrence
from kuroko.engine.model import CalendarException as EngineException
from kuroko.people.models import CalendarException, WorkCalendar

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
