"""Reads of resource load: every person's work across all projects against their capacity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import capacity
from kuroko.people.mapping import calendars_to_engine, engine_id
from kuroko.people.models import Availability, Person, Team
from kuroko.people.models import WorkCalendar as CalendarRow
from kuroko.people.selectors import default_calendar

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
    """One person in one period (a week, or a day or month): confirmed and tentative work, capacity, and
    % of capacity; with a project filter, that project's part of the confirmed work."""

    start: date
    work: float
    tentative: float
    capacity: float
    tasks: tuple[int, ...] = ()  # the tasks whose confirmed work falls in the period
    finish: date | None = None  # the period's last day
    project_work: float = 0.0

    @property
    def project_percent(self) -> float | None:
        return None if self.capacity <= 0 else 100 * self.project_work / self.capacity

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


def _calendar(
    row: CalendarRow, cache: dict[int, WorkCalendar], years: range, around: datetime
) -> WorkCalendar:
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
    fallback = None  # the default calendar row, read once rather than once per person
    out = {}
    for p in people:
        if p.calendar_id is None and fallback is None:
            fallback = default_calendar()
        row = p.calendar if p.calendar_id is not None else fallback
        out[p.pk] = _calendar(row, cache, years, around)  # type: ignore[arg-type]
    return out


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
    all projects (confirmed, and tentative apart) against their capacity (calendar × availability).

    The weekly case of `load_grid`, which also does days and months and filters by skill and project.
    """
    from kuroko.projects.selectors.load import LoadFilter, LoadQuery, load_grid, period_start

    team_row = Team.objects.filter(pk=team).first() if team is not None else None
    if team is not None and team_row is None:
        return []
    query = LoadQuery(period_start("week", start), "week", weeks, LoadFilter(team=team_row))
    return load_grid(user, query).rows


@dataclass(frozen=True)
class OverAllocation:
    """A person booked beyond their capacity in a week, and the tasks (with projects and PMs) that do it:
    those of projects the user may read, and how many more there are in other projects."""

    person: Person
    week: date
    percent: float
    over_minutes: float
    tasks: list[Any]
    hidden: int = 0  # tasks in projects the user may not read


def over_allocations(
    user: Any, *, start: date, weeks: int = 12, team: int | None = None, people: Any = None
) -> list[OverAllocation]:
    """Every person-week over 100 % of capacity (confirmed work), worst first. `people` (a `LoadFilter`)
    narrows whose weeks, as on the heatmap; `team` is its short form."""
    from kuroko.projects import permissions as perms
    from kuroko.projects.models import Project, Task
    from kuroko.projects.selectors.load import LoadFilter, LoadQuery, load_grid, period_start

    if people is None:
        team_row = Team.objects.filter(pk=team).first() if team is not None else None
        if team is not None and team_row is None:
            return []
        people = LoadFilter(team=team_row)
    rows = load_grid(user, LoadQuery(period_start("week", start), "week", weeks, people)).rows
    found = [
        (row.person, cell)
        for row in rows
        for cell in row.cells
        if (cell.percent is not None and cell.percent > 100.5) or (cell.capacity <= 0 and cell.work > 0)
    ]
    ids = {task for _person, cell in found for task in cell.tasks}
    visible = perms.visible_projects(user, Project.objects.all())
    tasks = Task.objects.filter(project__in=visible).select_related("project__manager").in_bulk(ids)
    out = [
        OverAllocation(
            person,
            cell.start,
            cell.percent if cell.percent is not None else float("inf"),
            cell.work - cell.capacity,
            [tasks[t] for t in cell.tasks if t in tasks],
            sum(1 for t in cell.tasks if t not in tasks),
        )
        for person, cell in found
    ]
    return sorted(out, key=lambda o: (-o.over_minutes, o.week))
