"""Reads of time-phased load at a day, week or month scale: the heatmap (people × periods) and the tasks
behind one cell. Load per month (utilisation, teams, skills) is in `selectors.utilisation`.

Every load view reads one computation, `time_phased`: each person's capacity per day (working calendar ×
availability) summed per period, and each assignment's work spread over its task's working time by its
contour (`kuroko.engine.load.spread_periods`), both with numpy over all people at once.

Load numbers (hours and %) are visible to every signed-in user, as on the resource page; the names of
tasks behind a cell only for projects the user may read (the rest is summed as "other projects").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import WorkItem, day_capacity, spread_periods
from kuroko.people.models import Availability, Person, Skill, Team
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import naive
from kuroko.projects.models import Assignment, Project, Task
from kuroko.projects.selectors.resources import HeatCell, HeatRow, person_calendars, step

Scale = Literal["day", "week", "month"]
SCALES: tuple[Scale, ...] = ("day", "week", "month")
# A sensible first view and the most a page (or one API call) computes, per scale.
DEFAULT_PERIODS: dict[str, int] = {"day": 28, "week": 12, "month": 6}
MAX_PERIODS: dict[str, int] = {"day": 62, "week": 52, "month": 24}
MAX_MONTHS = MAX_PERIODS["month"]
Group = Literal["person", "team"]


# --- periods ------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(scale: Scale, day: date) -> date:
    """The start of the period holding `day`: the day itself, its week's Monday, or its month's first."""
    if scale == "week":
        return day - timedelta(days=day.weekday())
    if scale == "month":
        return day.replace(day=1)
    return day


def period_bounds(scale: Scale, start: date, count: int) -> list[date]:
    """`count` + 1 boundaries: period k runs from bounds[k] up to (not including) bounds[k + 1]."""
    first = period_start(scale, start)
    if scale == "month":
        return [add_months(first, k) for k in range(count + 1)]
    step_days = 7 if scale == "week" else 1
    return [first + timedelta(days=step_days * k) for k in range(count + 1)]


def parse_month(value: str) -> date:
    """`YYYY-MM` (or a full date) as the first of that month; ValueError otherwise."""
    text = value.strip()
    if len(text) == 7:
        text += "-01"
    return date.fromisoformat(text).replace(day=1)


# --- filters and validated queries --------------------------------------------------------------------


@dataclass(frozen=True)
class LoadFilter:
    """Whose load: members of a team, holders of a skill (at a minimum level), people on a project."""

    team: Team | None = None
    skill: Skill | None = None
    min_level: int = 1
    project: Project | None = None

    def people(self) -> list[Person]:
        """The active people the filter selects, in the order of the people directory."""
        qs = Person.objects.filter(is_active=True).select_related("calendar", "team")
        if self.team is not None:
            qs = qs.filter(team=self.team)
        if self.skill is not None:
            qs = qs.filter(skills__skill=self.skill, skills__level__gte=self.min_level)
        if self.project is not None:
            qs = qs.filter(assignments__task__project=self.project)
        return list(qs.distinct().order_by("family_name_kana", "family_name", "given_name", "pk"))


@dataclass(frozen=True)
class LoadQuery:
    """A checked request for the heatmap: aligned start, scale, number of periods and filter."""

    start: date
    scale: Scale
    periods: int
    filter: LoadFilter = field(default_factory=LoadFilter)


def load_query(
    user: Any,
    *,
    start: date,
    scale: str = "week",
    periods: int | None = None,
    team: int | None = None,
    skill: int | None = None,
    min_level: int = 1,
    project: str | None = None,
) -> LoadQuery:
    """Check the heatmap's parameters (pages and API alike); a ValidationError names each bad field.

    The project filter accepts only projects the user may read: an unknown one and a hidden one are
    refused alike, so the answer does not tell which projects exist.
    """
    errors: dict[str, str] = {}
    if scale not in SCALES:
        errors["scale"] = _("Choose day, week or month.")
        scale = "week"
    count = DEFAULT_PERIODS[scale] if periods is None else periods
    if not 1 <= count <= MAX_PERIODS[scale]:
        errors["periods"] = _("Between 1 and %(max)d periods at this scale.") % {"max": MAX_PERIODS[scale]}
    if not 1 <= min_level <= 5:
        errors["min_level"] = _("A skill level runs from 1 to 5.")
    team_row = Team.objects.filter(pk=team).first() if team is not None else None
    if team is not None and team_row is None:
        errors["team"] = _("No team with id %(id)s.") % {"id": team}
    skill_row = Skill.objects.filter(pk=skill).first() if skill is not None else None
    if skill is not None and skill_row is None:
        errors["skill"] = _("No skill with id %(id)s.") % {"id": skill}
    project_row = None
    if project:
        project_row = perms.visible_projects(user, Project.objects.filter(code=project)).first()
        if project_row is None:
            errors["project"] = _("No project %(code)s that you may see.") % {"code": project}
    if errors:
        raise ValidationError(errors)
    return LoadQuery(
        period_start(scale, start),  # type: ignore[arg-type]
        scale,  # type: ignore[arg-type]
        count,
        LoadFilter(team_row, skill_row, min_level, project_row),
    )


# --- the computation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One assignment of a person in the window: whose (index into people), which task and project."""

    person: int
    task: int
    project: int
    tentative: bool
    units: int


@dataclass(frozen=True)
class TimePhased:
    """People × periods in minutes (capacity, confirmed and tentative work), and the work of each of
    their assignments per period (items × periods): what every load view is read from."""

    people: list[Person]
    bounds: list[date]
    capacity: npt.NDArray[np.float64]
    work: npt.NDArray[np.float64]
    tentative: npt.NDArray[np.float64]
    items: list[_Item]
    item_work: npt.NDArray[np.float64]


def _capacity(
    people: list[Person], bounds: list[date], calendars: dict[int, WorkCalendar]
) -> npt.NDArray[np.float64]:
    """Each person's capacity per period: the working minutes of their calendar on each day (computed
    once per calendar, as most people share the organisation's) times their availability that day."""
    first, last = bounds[0], bounds[-1] - timedelta(days=1)
    per_calendar: dict[int, npt.NDArray[np.float64]] = {}
    days = np.zeros((len(people), (last - first).days + 1))
    for row, person in enumerate(people):
        cal = calendars[person.pk]
        if id(cal) not in per_calendar:
            per_calendar[id(cal)] = day_capacity(cal, first, last).astype(np.float64)
        days[row] = per_calendar[id(cal)]
    index = {p.pk: row for row, p in enumerate(people)}
    periods = Availability.objects.filter(person_id__in=list(index), start__lte=last)
    for a in periods.exclude(finish__lt=first):
        lo = max((a.start - first).days, 0)
        hi = (last - first).days + 1 if a.finish is None else min((a.finish - first).days + 1, days.shape[1])
        days[index[a.person_id], lo:hi] *= a.percent / 100
    offsets = [(b - first).days for b in bounds[:-1]]
    return np.add.reduceat(days, offsets, axis=1) if len(people) else np.zeros((0, len(offsets)))


def _assignments(ids: list[int], first: date, last: date) -> list[tuple[Any, ...]]:
    """The assignments of these people on tasks that overlap the window."""
    qs = Assignment.objects.filter(
        person_id__in=ids, task__finish__date__gte=first, task__start__date__lte=last
    )
    return list(
        qs.values_list(
            "person_id",
            "task_id",
            "task__project_id",
            "task__start",
            "task__finish",
            "work_minutes",
            "contour",
            "booking",
            "units",
        )
    )


def time_phased(people: list[Person], bounds: list[date]) -> TimePhased:
    """Capacity, confirmed and tentative work of `people` in each period (see the module docstring)."""
    first, last = bounds[0], bounds[-1] - timedelta(days=1)
    index = {p.pk: row for row, p in enumerate(people)}
    rows = [r for r in _assignments(list(index), first, last) if r[3] is not None and r[4] is not None]
    starts = [naive(r[3]) for r in rows]
    earliest = min([first, *(s.date() for s in starts)])
    # Compiled from the earliest task start, so a long task begun years ago still spreads correctly.
    calendars = person_calendars(people, earliest, last)
    capacity = _capacity(people, bounds, calendars)
    items: list[_Item] = []
    work_items: dict[int, list[tuple[int, WorkItem]]] = {}
    for n, (row, begin) in enumerate(zip(rows, starts, strict=True)):
        person_id, task_id, project_id, _start, end, work, contour, booking, units = row
        items.append(_Item(index[person_id], task_id, project_id, booking == "tentative", units))
        cal = calendars[person_id]
        work_items.setdefault(id(cal), []).append(
            (n, WorkItem(str(person_id), begin, naive(end), work, contour))
        )
    item_work = np.zeros((len(items), len(bounds) - 1))
    by_id = {id(c): c for c in calendars.values()}
    for key, group in work_items.items():
        positions = [n for n, _item in group]
        item_work[positions] = spread_periods([item for _n, item in group], by_id[key], bounds)
    work = np.zeros_like(capacity)
    tentative = np.zeros_like(capacity)
    if items:
        owners = np.asarray([i.person for i in items], dtype=np.int64)
        soft = np.asarray([i.tentative for i in items], dtype=np.bool_)
        np.add.at(work, owners[~soft], item_work[~soft])
        np.add.at(tentative, owners[soft], item_work[soft])
    return TimePhased(people, bounds, capacity, work, tentative, items, item_work)


# --- the heatmap --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadGrid:
    """People × periods at one scale; with a project filter, each cell also has that project's share."""

    scale: Scale
    bounds: list[date]
    rows: list[HeatRow]
    project: Project | None = None

    @property
    def starts(self) -> list[date]:
        return self.bounds[:-1]


def load_grid(user: Any, query: LoadQuery) -> LoadGrid:
    """The heatmap: every person the filter selects × the query's periods, each cell the person's
    confirmed work on all projects (tentative apart) against their capacity, with the tasks behind it.

    With a project filter the cells still show the person's whole load (whether they can take more
    depends on all their work, as in MS Project's resource usage), and `project_work` is that project's
    part of it.
    """
    bounds = period_bounds(query.scale, query.start, query.periods)
    people = query.filter.people()
    load = time_phased(people, bounds)
    confirmed = [n for n, i in enumerate(load.items) if not i.tentative]
    tasks: dict[tuple[int, int], set[int]] = {}
    if confirmed:
        sub = load.item_work[confirmed]
        for r, k in zip(*np.nonzero(sub > 0), strict=True):
            item = load.items[confirmed[r]]
            tasks.setdefault((item.person, int(k)), set()).add(item.task)
    share = np.zeros_like(load.work)
    if query.filter.project is not None:
        mine = [n for n in confirmed if load.items[n].project == query.filter.project.pk]
        if mine:
            owners = np.asarray([load.items[n].person for n in mine], dtype=np.int64)
            np.add.at(share, owners, load.item_work[mine])
    finishes = [b - timedelta(days=1) for b in bounds[1:]]
    rows = []
    for r, person in enumerate(people):
        cells = [
            HeatCell(
                bounds[k],
                float(load.work[r, k]),
                float(load.tentative[r, k]),
                float(load.capacity[r, k]),
                tuple(sorted(tasks.get((r, k), ()))),
                finish=finishes[k],
                project_work=float(share[r, k]),
            )
            for k in range(len(bounds) - 1)
        ]
        rows.append(HeatRow(person, cells))
    return LoadGrid(query.scale, bounds, rows, query.filter.project)


# --- the tasks behind one cell ------------------------------------------------------------------------


@dataclass(frozen=True)
class CellTask:
    """One assignment behind a cell: the task, its project and PM, and its work in the cell."""

    task: Task
    work: float  # confirmed minutes in the cell
    tentative: float  # tentative minutes in the cell
    units: int

    @property
    def project(self) -> Project:
        return self.task.project


@dataclass(frozen=True)
class LoadCell:
    """A person in one period: capacity, work, and the tasks behind it (only those the user may see;
    the rest is summed as `hidden_work` / `hidden_tentative`)."""

    person: Person
    scale: Scale
    start: date
    finish: date
    capacity: float
    work: float
    tentative: float
    tasks: list[CellTask]
    hidden_work: float = 0.0
    hidden_tentative: float = 0.0

    @property
    def percent(self) -> float | None:
        return None if self.capacity <= 0 else 100 * self.work / self.capacity

    @property
    def step(self) -> str:
        return step(self.percent)


def load_cell(user: Any, *, person: Person, start: date, scale: str) -> LoadCell:
    """The tasks behind one heatmap cell (the period of `scale` holding `start`), most work first."""
    if scale not in SCALES:
        raise ValidationError({"scale": _("Choose day, week or month.")})
    bounds = period_bounds(scale, start, 1)
    load = time_phased([person], bounds)
    visible = set(
        perms.visible_projects(
            user, Project.objects.filter(pk__in={i.project for i in load.items})
        ).values_list("pk", flat=True)
    )
    found = [(i, float(load.item_work[n, 0])) for n, i in enumerate(load.items) if load.item_work[n, 0] > 0]
    tasks = Task.objects.select_related("project__manager").in_bulk(
        [i.task for i, _w in found if i.project in visible]
    )
    rows = [
        CellTask(tasks[i.task], 0.0 if i.tentative else w, w if i.tentative else 0.0, i.units)
        for i, w in found
        if i.task in tasks
    ]
    hidden = [(i, w) for i, w in found if i.task not in tasks]
    rows.sort(key=lambda c: (-(c.work + c.tentative), c.task.project.code, c.task.row))
    return LoadCell(
        person,
        scale,
        bounds[0],
        bounds[1] - timedelta(days=1),
        float(load.capacity[0, 0]),
        float(load.work[0, 0]),
        float(load.tentative[0, 0]),
        rows,
        sum(w for i, w in hidden if not i.tentative),
        sum(w for i, w in hidden if i.tentative),
    )


__all__ = [
    "DEFAULT_PERIODS",
    "MAX_MONTHS",
    "MAX_PERIODS",
    "SCALES",
    "CellTask",
    "LoadCell",
    "LoadFilter",
    "LoadGrid",
    "LoadQuery",
    "TimePhased",
    "add_months",
    "load_cell",
    "load_grid",
    "load_query",
    "parse_month",
    "period_bounds",
    "period_start",
    "time_phased",
]
