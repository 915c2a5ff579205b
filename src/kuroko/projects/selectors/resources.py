"""Reads of resource load: every person's work across all projects against their capacity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import WorkItem, capacity, load
from kuroko.people.mapping import calendars_to_engine, engine_id
from kuroko.people.models import Availability, Person
from kuroko.people.selectors import default_calendar
from kuroko.projects.mapping import naive
from kuroko.projects.models import Assignment

# Colour steps of a cell, by % of capacity: so 101 % and 150 % look different.
STEPS = (
    (0, "idle"),
    (50, "low"),
    (80, "ok"),
    (99.5, "full"),  # at capacity
    (100.5, "over"),  # over by up to a quarter
    (125, "over2"),
    (150, "high"),  # half as much again or more
)


def step(percent: float | None) -> str:
    if percent is None:
        return "none"
    name = "idle"
    for bound, label in STEPS:
        if percent >= bound:
            name = label
    return name


@dataclass(frozen=True)
class HeatCell:
    """One person in one week: confirmed and tentative work, capacity, and % of capacity."""

    start: date
    work: float
    tentative: float
    capacity: float
    tasks: tuple[int, ...] = ()  # the tasks whose confirmed work falls in the week

    @property
    def percent(self) -> float | None:
        return None if self.capacity <= 0 else 100 * self.work / self.capacity

    @property
    def percent_with_tentative(self) -> float | None:
        return None if self.capacity <= 0 else 100 * (self.work + self.tentative) / self.capacity

    @property
    def step(self) -> str:
        return step(self.percent)


@dataclass(frozen=True)
class HeatRow:
    person: Person
    cells: list[HeatCell]


def _calendar(person: Person, cache: dict[int, WorkCalendar], years: range, around: datetime) -> WorkCalendar:
    row = person.calendar or default_calendar()
    if row.pk not in cache:
        calendars = calendars_to_engine(row, years)
        by_id = {c.id: c for c in calendars}
        cache[row.pk] = WorkCalendar(by_id[engine_id(row)], by_id, around=around, years=3, lookback=2)
    return cache[row.pk]


def person_calendars(people: list[Person], first: date, last: date) -> dict[int, WorkCalendar]:
    """Each person's compiled calendar (their own, or the organisation's default), by person pk."""
    around = datetime.combine(first, datetime.min.time())
    years = range(first.year - 1, last.year + 2)
    cache: dict[int, WorkCalendar] = {}
    return {p.pk: _calendar(p, cache, years, around) for p in people}


def capacity_minutes(
    people: list[Person], first: date, last: date, calendars: dict[int, WorkCalendar] | None = None
) -> dict[int, dict[date, float]]:
    """Working minutes each person can give on each day from `first` to `last`: their calendar's working
    time (holidays and leave included) times their availability % on that day."""
    calendars = calendars if calendars is not None else person_calendars(people, first, last)
    availability: dict[int, list[Availability]] = {}
    for a in Availability.objects.filter(person_id__in=[p.pk for p in people]):
        availability.setdefault(a.person_id, []).append(a)
    out: dict[int, dict[date, float]] = {}
    by_calendar: dict[int, dict[date, int]] = {}  # people on one calendar share its working time
    for person in people:
        calendar = calendars[person.pk]
        if id(calendar) not in by_calendar:
            by_calendar[id(calendar)] = capacity(calendar, first, last)
        days: dict[date, float] = dict(by_calendar[id(calendar)])
        for period in availability.get(person.pk, []):
            for day in days:
                if day >= period.start and (period.finish is None or day <= period.finish):
                    days[day] = days[day] * period.percent / 100
        out[person.pk] = days
    return out


def capacity_heatmap(user: Any, *, start: date, weeks: int = 12, team: int | None = None) -> list[HeatRow]:
    """Every active person (of a team, if given) × `weeks` weeks from the Monday of `start`: their work on
    all projects (confirmed, and tentative apart) against their capacity (calendar × availability)."""
    monday = start - timedelta(days=start.weekday())
    last = monday + timedelta(days=7 * weeks - 1)
    query = Person.objects.filter(is_active=True).select_related("calendar")
    if team is not None:
        query = query.filter(team_id=team)
    people = list(query.order_by("family_name_kana", "family_name", "given_name"))
    ids = [p.pk for p in people]
    rows = list(
        Assignment.objects.filter(
            person_id__in=ids, task__finish__date__gte=monday, task__start__date__lte=last
        )
        .select_related("task")
        .values_list(
            "person_id", "task_id", "task__start", "task__finish", "work_minutes", "contour", "booking"
        )
    )
    by_pk = person_calendars(people, monday, last)
    calendars = {str(pk): cal for pk, cal in by_pk.items()}
    capacities = capacity_minutes(people, monday, last, by_pk)
    confirmed: list[WorkItem] = []
    tentative: list[WorkItem] = []
    for person_id, task_id, begin, end, work, contour, booking in rows:
        if begin is None or end is None:
            continue
        item = WorkItem(str(person_id), naive(begin), naive(end), work, contour, key=str(task_id))
        (tentative if booking == "tentative" else confirmed).append(item)
    default = next(iter(calendars.values()), None) or _calendar(
        Person(), {}, range(monday.year - 1, last.year + 2), datetime.combine(monday, datetime.min.time())
    )
    hard_load = load(confirmed, calendars, default)
    hard, parts = hard_load.minutes, hard_load.items
    soft = load(tentative, calendars, default).minutes
    out = []
    for person in people:
        key = str(person.pk)
        days = capacities[person.pk]
        cells = []
        for w in range(weeks):
            week = [monday + timedelta(days=7 * w + d) for d in range(7)]
            tasks = {int(task) for d in week for task, value in parts.get((key, d), ()) if value > 0}
            cells.append(
                HeatCell(
                    week[0],
                    sum(hard.get((key, d), 0.0) for d in week),
                    sum(soft.get((key, d), 0.0) for d in week),
                    sum(days[d] for d in week),
                    tuple(sorted(tasks)),
                )
            )
        out.append(HeatRow(person, cells))
    return out


@dataclass(frozen=True)
class OverAllocation:
    """A person booked beyond their capacity in a week, and the tasks (with projects and PMs) that do it."""

    person: Person
    week: date
    percent: float
    over_minutes: float
    tasks: list[Any]


def over_allocations(
    user: Any, *, start: date, weeks: int = 12, team: int | None = None
) -> list[OverAllocation]:
    """Every person-week over 100 % of capacity (confirmed work), worst first."""
    from kuroko.projects.models import Task

    rows = capacity_heatmap(user, start=start, weeks=weeks, team=team)
    found = [
        (row.person, cell)
        for row in rows
        for cell in row.cells
        if (cell.percent is not None and cell.percent > 100.5) or (cell.capacity <= 0 and cell.work > 0)
    ]
    ids = {task for _person, cell in found for task in cell.tasks}
    tasks = Task.objects.select_related("project__manager").in_bulk(ids)
    out = [
        OverAllocation(
            person,
            cell.start,
            cell.percent if cell.percent is not None else float("inf"),
            cell.work - cell.capacity,
            [tasks[t] for t in cell.tasks if t in tasks],
        )
        for person, cell in found
    ]
    return sorted(out, key=lambda o: (-o.over_minutes, o.week))
