"""Reads for staffing: who could fill a placeholder, and who is free.

A placeholder assignment ("Java developer, level ≥ 3" on a task) is filled by named people. Each person
is judged on two things the PMO can check (see docs/guide/resources.md#staffing):

- **skill**: they hold the placeholder's skill at its minimum level or above, with no certification
  expired by the task's start. Anyone else is not a candidate. Each level above the minimum counts.
- **free capacity** in the task's period: their working minutes (calendar × availability, the same
  `capacity_minutes` as the resource heatmap) minus their confirmed work on all projects (spread by
  `kuroko.engine.load` as the heatmap does), day by day, never below zero on a day.

With cost rates, the rate on the task's start joins the ranking (WEIGHTS_WITH_RATES).

A placeholder assignment asks for as many people as its units need, up to the placeholder's quantity
(units are the whole group's, as in MS Project and the levelling: "Java developer ×2" at 200 % is two
people at 100 %; at 100 % it is one person). Those *slots* share the assignment's units and work equally.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kuroko.core.permissions import role_of
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.load import WorkItem, load
from kuroko.people.mapping import calendars_to_engine, engine_id
from kuroko.people.models import Person, PersonSkill, Skill
from kuroko.people.selectors import default_calendar, team_and_descendants
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import naive
from kuroko.projects.models import Assignment, Booking, Project
from kuroko.projects.selectors.resources import capacity_minutes, person_calendars, step

# How much each part weighs in a candidate's cost (0 = perfect, 1 = worst). Free capacity matters most:
# a perfect expert with no time cannot do the work. When some people have cost rates, the rate (as a
# share of the dearest in the pool) takes a part too; without any rate the first two share it all.
WEIGHT_CAPACITY = 0.6
WEIGHT_SKILL = 0.4
WEIGHTS_WITH_RATES = (0.5, 0.3, 0.2)  # capacity, skill, rate
UNKNOWN_RATE = 0.5  # the rate part of someone without a rate when others have one: neither cheap nor dear
MAX_EXCESS = 4  # levels run 1–5, so at most four above a minimum
MAX_DAYS = 250  # who-is-free looks at most about a working year ahead
DEFAULT_FREE_PERCENT = 50


@dataclass(frozen=True)
class Slot:
    """One person's share of a placeholder assignment: slot `index` (0-based) of `count`."""

    assignment: Assignment
    index: int
    count: int
    units: int
    work_minutes: int

    @property
    def task(self) -> Any:
        return self.assignment.task

    @property
    def placeholder(self) -> Any:
        return self.assignment.placeholder

    @property
    def period(self) -> tuple[date, date] | None:
        """The task's first and last day, or None while it has no dates."""
        return task_period(self.assignment.task)


def task_period(task: Any) -> tuple[date, date] | None:
    if task.start is None or task.finish is None:
        return None
    return naive(task.start).date(), naive(task.finish).date()


def slot_count(assignment: Assignment) -> int:
    """How many people a placeholder assignment asks for: its units in whole people (rounded up), at
    most the placeholder's quantity, at least one."""
    quantity = assignment.placeholder.quantity if assignment.placeholder else 1
    return max(1, min(quantity, math.ceil(assignment.units / 100)))


def _shares(total: int, count: int) -> list[int]:
    """`total` in `count` near-equal whole parts, the larger ones first."""
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def slots_of(assignment: Assignment) -> list[Slot]:
    """The slots of a placeholder assignment; together they hold exactly its units and work."""
    count = slot_count(assignment)
    units = _shares(assignment.units, count)
    work = _shares(assignment.work_minutes, count)
    return [Slot(assignment, i, count, units[i], work[i]) for i in range(count)]


def open_assignments(project: Project, ids: Iterable[int] | None = None) -> list[Assignment]:
    """The project's placeholder assignments (those still to be filled by named people), in WBS order."""
    query = (
        Assignment.objects.filter(task__project=project, placeholder__isnull=False)
        .select_related("task", "placeholder__skill")
        .order_by("task__row", "placeholder__name", "pk")
    )
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    return list(query)


@dataclass(frozen=True)
class Candidate:
    """A person judged for a slot: the numbers behind the judgement and the reasons in words.

    `cost` runs from 0 (the right skill well above the minimum and all the time the work needs) to 1;
    `score` is the same as 0–100, higher is better.
    """

    person: Person
    level: int | None  # their level in the placeholder's skill (None: no skill asked)
    excess: int  # levels above the minimum
    capacity_minutes: float  # working minutes in the task's period (calendar × availability)
    booked_minutes: float  # confirmed work on all projects in the period, up to capacity each day
    needed_minutes: float  # the slot's work
    working_days: int
    cost: float
    reasons: tuple[str, ...]
    dated: bool = True  # False while the task has no dates: capacity could not be judged
    rate: Any = None  # cost per hour on the task's start (Decimal; confidential: shown to the PMO only)

    @property
    def work_cost(self) -> Any:
        """The slot's work at their rate (None without a rate)."""
        from decimal import Decimal

        return (
            None
            if self.rate is None
            else (self.rate * Decimal(self.needed_minutes) / 60).quantize(Decimal(1))
        )

    @property
    def free_minutes(self) -> float:
        return max(self.capacity_minutes - self.booked_minutes, 0.0)

    @property
    def free_percent(self) -> float | None:
        return None if self.capacity_minutes <= 0 else 100 * self.free_minutes / self.capacity_minutes

    @property
    def score(self) -> int:
        return round(100 * (1 - self.cost))

    @property
    def fits(self) -> bool:
        """Enough free time in the period for the slot's work."""
        return self.dated and self.free_minutes >= self.needed_minutes - 0.5


@dataclass(frozen=True)
class Refusal:
    """Why a person cannot fill a slot (the pair is forbidden)."""

    person: Person
    reason: str
    kind: str  # "skill", "taken" (already on the task), "time" (no free time at all)


class Pool:
    """Active people with their skills, and their capacity and confirmed load per day over a window.

    Built once per page or proposal: three queries (people, skills, assignments) and the calendars.
    """

    def __init__(
        self,
        first: date,
        last: date,
        *,
        people: list[Person] | None = None,
        skills: Iterable[int] = (),
    ):
        self.first, self.last = first, last
        self.people = (
            people
            if people is not None
            else list(
                Person.objects.filter(is_active=True)
                .select_related("calendar", "team")
                .order_by("family_name_kana", "family_name", "given_name")
            )
        )
        ids = [p.pk for p in self.people]
        skill_ids = set(skills)
        self.skills: dict[tuple[int, int], PersonSkill] = {
            (row.person_id, row.skill_id): row
            for row in PersonSkill.objects.filter(person_id__in=ids, skill_id__in=skill_ids)
        }
        self.calendars = person_calendars(self.people, first, last)
        self.capacity = capacity_minutes(self.people, first, last, self.calendars)
        self.booked = _confirmed_load(self.people, first, last, self.calendars)
        self._times: dict[tuple[int, date, date], tuple[float, float, int]] = {}
        from kuroko.people.selectors import rate_timelines

        self.rates = rate_timelines(self.people)
        self.dearest = max((float(r.cost) for line in self.rates.values() for _d, r in line), default=0.0)

    def rate(self, person: Person, day: date) -> Any:
        """Their cost per hour on `day` (None without a rate)."""
        from kuroko.people.selectors import rate_in

        rate = rate_in(self.rates.get(person.pk, []), day)
        return None if rate is None else rate.cost

    def level(self, person: Person, skill: Skill | None) -> PersonSkill | None:
        return None if skill is None else self.skills.get((person.pk, skill.pk))

    def time(self, person: Person, first: date, last: date) -> tuple[float, float, int]:
        """(capacity, booked up to capacity, working days) of the person from `first` to `last`."""
        key = (person.pk, first, last)
        if key not in self._times:
            self._times[key] = self._time(person, first, last)
        return self._times[key]

    def _time(self, person: Person, first: date, last: date) -> tuple[float, float, int]:
        capacity = self.capacity[person.pk]
        booked = self.booked.get(person.pk, {})
        total = used = 0.0
        days = 0
        day = max(first, self.first)
        while day <= min(last, self.last):
            cap = capacity.get(day, 0.0)
            total += cap
            used += min(booked.get(day, 0.0), cap)
            days += cap > 0
            day += timedelta(days=1)
        return total, used, days


def _confirmed_load(
    people: list[Person], first: date, last: date, calendars: dict[int, WorkCalendar]
) -> dict[int, dict[date, float]]:
    """Confirmed work of each person per day on all projects, spread as the resource heatmap does."""
    if not people:
        return {}
    rows = Assignment.objects.filter(
        person_id__in=[p.pk for p in people],
        booking=Booking.CONFIRMED,
        task__finish__date__gte=first,
        task__start__date__lte=last,
    ).values_list("person_id", "task_id", "task__start", "task__finish", "work_minutes", "contour")
    items = [
        WorkItem(str(person), naive(begin), naive(end), work, contour, key=str(task))
        for person, task, begin, end, work, contour in rows
        if begin is not None and end is not None
    ]
    by_key = {str(pk): cal for pk, cal in calendars.items()}
    minutes = load(items, by_key, next(iter(by_key.values()))).minutes
    out: dict[int, dict[date, float]] = {}
    for (person, day), value in minutes.items():
        out.setdefault(int(person), {})[day] = value
    return out


def skill_reason(row: PersonSkill | None, skill: Skill | None, min_level: int, on: date | None) -> str | None:
    """Why a person does not qualify on skill, or None when they do."""
    if skill is None:
        return None
    if row is None:
        return _("no %(skill)s") % {"skill": skill.name}
    if row.level < min_level:
        return _("%(skill)s level %(level)s, needs %(min)s") % {
            "skill": skill.name,
            "level": row.level,
            "min": min_level,
        }
    if row.expires is not None and on is not None and row.expires < on:
        return _("certification %(name)s expired on %(date)s") % {
            "name": row.certification or skill.name,
            "date": row.expires.isoformat(),
        }
    return None


def judge(
    pool: Pool, slot: Slot, person: Person, *, taken: set[tuple[int, int]] | None = None
) -> Candidate | Refusal:
    """A person for a slot: a Candidate with its cost and reasons, or the Refusal that forbids the pair.

    `taken` holds (task id, person id) of people already assigned to a task: they cannot fill another
    slot of it.
    """
    placeholder, task = slot.placeholder, slot.task
    period = slot.period
    if taken is not None and (task.pk, person.pk) in taken:
        return Refusal(person, _("already assigned to this task"), "taken")
    skill = placeholder.skill
    row = pool.level(person, skill)
    refused = skill_reason(row, skill, placeholder.min_level, period[0] if period else None)
    if refused is not None:
        return Refusal(person, refused, "skill")
    reasons: list[str] = []
    excess = 0
    level = None
    if skill is not None and row is not None:
        level = row.level
        excess = min(row.level - placeholder.min_level, MAX_EXCESS)
        reasons.append(
            _("%(skill)s level %(level)s (needs %(min)s)")
            % {"skill": skill.name, "level": row.level, "min": placeholder.min_level}
        )
        if row.expires is not None and period is not None and row.expires < period[1]:
            reasons.append(
                _("certification expires on %(date)s, before the task ends")
                % {"date": row.expires.isoformat()}
            )
    skill_cost = 0.0 if skill is None else (MAX_EXCESS - excess) / MAX_EXCESS
    rate = pool.rate(person, period[0] if period else pool.first)
    if period is None:
        reasons.append(_("the task has no dates yet: free time unknown"))
        return Candidate(
            person, level, excess, 0, 0, slot.work_minutes, 0,
            _weigh(pool, 0.5, skill_cost, rate), tuple(reasons), dated=False, rate=rate,
        )  # fmt: skip
    capacity, booked, days = pool.time(person, *period)
    free = max(capacity - booked, 0.0)
    if capacity <= 0:
        return Refusal(person, _("no working time in the task's period"), "time")
    if free <= 0:
        return Refusal(person, _("fully booked in the task's period"), "time")
    percent = round(100 * free / capacity)
    reasons.append(
        ngettext("free %(percent)s %% of %(days)s day", "free %(percent)s %% of %(days)s days", days)
        % {"percent": percent, "days": days}
    )
    needed = float(slot.work_minutes)
    if needed > 0:
        lack = 1 - min(free / needed, 1.0)
        if lack > 0.005:
            reasons.append(
                _("free time covers %(percent)s %% of the work") % {"percent": round(100 * (1 - lack))}
            )
    else:
        lack = 1 - free / capacity
    cost = _weigh(pool, lack, skill_cost, rate)
    return Candidate(person, level, excess, capacity, booked, needed, days, cost, tuple(reasons), rate=rate)


def _weigh(pool: Pool, lack: float, skill_cost: float, rate: Any) -> float:
    """A candidate's cost from its parts (each 0–1): lack of free time, skill, and rate when rates exist."""
    if pool.dearest <= 0:
        return WEIGHT_CAPACITY * lack + WEIGHT_SKILL * skill_cost
    w_time, w_skill, w_rate = WEIGHTS_WITH_RATES
    rate_cost = UNKNOWN_RATE if rate is None else float(rate) / pool.dearest
    return w_time * lack + w_skill * skill_cost + w_rate * rate_cost


def people_on_tasks(task_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(task id, person id) of every person already assigned to these tasks."""
    return set(
        Assignment.objects.filter(task_id__in=list(task_ids), person__isnull=False).values_list(
            "task_id", "person_id"
        )
    )


def pool_for(assignments: list[Assignment]) -> Pool:
    """A pool over the dated span of the assignments' tasks (today if none has dates)."""
    periods = [p for p in (task_period(a.task) for a in assignments) if p is not None]
    if periods:
        first, last = min(p[0] for p in periods), max(p[1] for p in periods)
    else:
        from django.utils import timezone

        first = last = timezone.localdate()
    placeholders = [a.placeholder for a in assignments if a.placeholder is not None]
    skills = {p.skill_id for p in placeholders if p.skill_id}
    people = None
    if all(p.skill_id for p in placeholders):
        # People without any of the skills would be refused: leave them out before computing calendars
        # and load (those with a level too low stay, so their refusal can say so).
        people = list(
            Person.objects.filter(is_active=True, skills__skill_id__in=skills)
            .select_related("calendar", "team")
            .order_by("family_name_kana", "family_name", "given_name")
            .distinct()
        )
    return Pool(first, last, people=people, skills=skills)


def rank(pool: Pool, slot: Slot, taken: set[tuple[int, int]]) -> list[Candidate]:
    """The candidates for a slot, best first (lowest cost, then the most free time, then by name order)."""
    found = [c for p in pool.people if isinstance(c := judge(pool, slot, p, taken=taken), Candidate)]
    order = {p.pk: i for i, p in enumerate(pool.people)}
    return sorted(found, key=lambda c: (round(c.cost, 9), -c.free_minutes, order[c.person.pk]))


def _require_placeholder_assignment(user: Any, assignment: Assignment) -> None:
    if not perms.can_view_project(user, assignment.task.project):
        raise PermissionDenied(
            _("You are not a member of project %(code)s.") % {"code": assignment.task.project.code}
        )
    if assignment.placeholder_id is None:
        raise ValidationError(
            {
                "assignment": _("Assignment %(id)s is of a named person, not a placeholder.")
                % {"id": assignment.pk}
            }
        )


def staffing_candidates(user: Any, assignment: Assignment, *, limit: int | None = None) -> list[Candidate]:
    """Active people who could fill the placeholder assignment, best first: the skill at the minimum
    level or above (the level above it counts), then free capacity in the task's period for the work.

    People already assigned to the task, without the skill, or with no free time in the period are
    left out. With cost rates, the rate joins the ranking.
    """
    assignment = Assignment.objects.select_related("task__project", "placeholder__skill").get(
        pk=assignment.pk
    )
    _require_placeholder_assignment(user, assignment)
    pool = pool_for([assignment])
    found = rank(pool, slots_of(assignment)[0], people_on_tasks([assignment.task_id]))
    return found[:limit] if limit is not None else found


@dataclass(frozen=True)
class OpenRow:
    """A placeholder assignment still to fill, its slots and the best candidates for one slot."""

    assignment: Assignment
    slots: list[Slot]
    candidates: list[Candidate]
    qualified: int  # how many people have the skill at the level, certified at the start (free or not)


def project_staffing(user: Any, project: Project, *, top: int = 5) -> list[OpenRow]:
    """Every placeholder assignment of the project with its `top` candidates (one pool for all)."""
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    assignments = open_assignments(project)
    if not assignments:
        return []
    pool = pool_for(assignments)
    taken = people_on_tasks(a.task_id for a in assignments)
    out = []
    for assignment in assignments:
        slots = slots_of(assignment)
        ranked = rank(pool, slots[0], taken)
        placeholder = assignment.placeholder
        assert placeholder is not None
        period = task_period(assignment.task)
        on = period[0] if period else None
        qualified = sum(
            1
            for p in pool.people
            if skill_reason(pool.level(p, placeholder.skill), placeholder.skill, placeholder.min_level, on)
            is None
        )
        out.append(OpenRow(assignment, slots, ranked[:top], qualified))
    return out


@dataclass(frozen=True)
class FreePerson:
    """A person's free time in a window: capacity, confirmed work and what is left."""

    person: Person
    level: int | None
    capacity_minutes: float
    booked_minutes: float
    working_days: int

    @property
    def free_minutes(self) -> float:
        return max(self.capacity_minutes - self.booked_minutes, 0.0)

    @property
    def free_percent(self) -> float:
        return 0.0 if self.capacity_minutes <= 0 else 100 * self.free_minutes / self.capacity_minutes

    @property
    def step(self) -> str:
        """The resource heatmap's colour step of the load (100 % − free), so both pages read alike."""
        return step(100 - self.free_percent)


@dataclass(frozen=True)
class FreeSearch:
    """The answer to "who is free for `days` working days from `first`": the window and the people."""

    first: date
    last: date
    days: int
    people: list[FreePerson] = field(default_factory=list)


def working_window(start: date, days: int) -> tuple[date, date]:
    """The first `days` working days of the organisation calendar from `start`: (first, last)."""
    row = default_calendar()
    years = range(start.year - 1, start.year + 4)
    by_id = {c.id: c for c in calendars_to_engine(row, years)}
    calendar = WorkCalendar(
        by_id[engine_id(row)], by_id, around=datetime.combine(start, datetime.min.time()), years=3, lookback=1
    )
    found: list[date] = []
    day = start
    horizon = start + timedelta(days=3 * 366)
    while len(found) < days and day <= horizon:
        if calendar.is_working_day(day):
            found.append(day)
        day += timedelta(days=1)
    if not found:
        return start, start + timedelta(days=days - 1)
    return found[0], found[-1]


def who_is_free(
    user: Any,
    *,
    start: date,
    days: int,
    skill: Skill | None = None,
    min_level: int = 1,
    team: int | None = None,
    min_free_percent: float = DEFAULT_FREE_PERCENT,
) -> FreeSearch:
    """Active people (of a team and the teams under it, with a skill at a level, if asked) who have at
    least `min_free_percent` of their capacity free over the next `days` working days from `start`
    (the organisation calendar's), with their free hours and %. Most free first."""
    if role_of(user) is None:
        raise PermissionDenied
    errors = {}
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("Give between 1 and %(max)s working days.") % {"max": MAX_DAYS}
    if not 1 <= min_level <= 5:
        errors["min_level"] = _("A level runs from 1 to 5.")
    if not 0 <= min_free_percent <= 100:
        errors["min_free_percent"] = _("A share of free time runs from 0 to 100 %.")
    if errors:
        raise ValidationError(errors)
    first, last = working_window(start, days)
    query = Person.objects.filter(is_active=True).select_related("calendar", "team")
    if team is not None:
        query = query.filter(team_id__in=team_and_descendants(team))
    if skill is not None:
        query = query.filter(skills__skill=skill, skills__level__gte=min_level)
    people = list(query.order_by("family_name_kana", "family_name", "given_name").distinct())
    pool = Pool(first, last, people=people, skills=[skill.pk] if skill else [])
    found = []
    for person in people:
        row = pool.level(person, skill)
        if skill_reason(row, skill, min_level, first) is not None:
            continue  # certification expired by the first day
        capacity, booked, working = pool.time(person, first, last)
        entry = FreePerson(person, row.level if row else None, capacity, booked, working)
        if capacity > 0 and entry.free_percent >= min_free_percent - 1e-9:
            found.append(entry)
    found.sort(key=lambda f: (-round(f.free_percent, 6), -f.free_minutes))
    return FreeSearch(first, last, days, found)
