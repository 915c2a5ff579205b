"""Reads of load per month: the utilisation report (稼働率) per person or team, and demand against
capacity per team and per skill. Computed with `time_phased` (see `selectors.load`) at the month scale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kuroko.engine.load import WorkItem, spread_periods
from kuroko.people.models import Person, PersonSkill, Skill, Team
from kuroko.projects.mapping import naive
from kuroko.projects.models import Assignment
from kuroko.projects.selectors.load import MAX_MONTHS, LoadFilter, period_bounds, time_phased
from kuroko.projects.selectors.resources import person_calendars, step


@dataclass(frozen=True)
class MonthCell:
    """Hours of one row in one month (or the whole range): capacity, planned (confirmed) and tentative
    work; utilisation = planned ÷ capacity. `unstaffed` is placeholder work (skills only)."""

    month: date
    capacity: float  # minutes
    planned: float
    tentative: float
    unstaffed: float = 0.0

    @property
    def percent(self) -> float | None:
        return None if self.capacity <= 0 else 100 * self.planned / self.capacity

    @property
    def step(self) -> str:
        return step(self.percent)

    @property
    def capacity_hours(self) -> float:
        return self.capacity / 60

    @property
    def planned_hours(self) -> float:
        return self.planned / 60

    @property
    def tentative_hours(self) -> float:
        return self.tentative / 60

    @property
    def unstaffed_hours(self) -> float:
        return self.unstaffed / 60


@dataclass(frozen=True)
class MonthRow:
    """One person, team or skill across the months, and its total over them."""

    label: str
    cells: list[MonthCell]
    total: MonthCell
    person: Person | None = None
    team: Team | None = None
    skill: Skill | None = None


def _row(label: str, months: list[date], capacity: Any, planned: Any, tentative: Any, **kw: Any) -> MonthRow:
    unstaffed = kw.pop("unstaffed", np.zeros(len(months)))
    cells = [
        MonthCell(m, float(capacity[k]), float(planned[k]), float(tentative[k]), float(unstaffed[k]))
        for k, m in enumerate(months)
    ]
    total = MonthCell(
        months[0],
        float(np.sum(capacity)),
        float(np.sum(planned)),
        float(np.sum(tentative)),
        float(np.sum(unstaffed)),
    )
    return MonthRow(label, cells, total, **kw)


@dataclass(frozen=True)
class MonthTable:
    """Rows × months, and the total of all rows (None for skills, whose rows overlap)."""

    months: list[date]
    rows: list[MonthRow]
    total: MonthRow | None


def month_range(month_from: date, months: int) -> list[date]:
    """Check a range of months (1 to MAX_MONTHS) and give their boundaries (one more than months)."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationError({"months": _("Between 1 and %(max)d months.") % {"max": MAX_MONTHS}})
    return period_bounds("month", month_from, months)


def utilisation(user: Any, *, month_from: date, months: int = 6, group: str = "person") -> MonthTable:
    """The utilisation report (稼働率) per person or per team (the members of the team itself) and month:
    capacity, planned (confirmed) and tentative hours, utilisation = planned ÷ capacity.

    Actual hours come with timesheets; this is the plan.
    """
    if group not in ("person", "team"):
        raise ValidationError({"group": _("Group by person or team.")})
    bounds = month_range(month_from, months)
    people = LoadFilter().people()
    load = time_phased(people, bounds)
    starts = bounds[:-1]
    total = _row(_("Total"), starts, load.capacity.sum(0), load.work.sum(0), load.tentative.sum(0))
    if group == "person":
        rows = [
            _row(str(p), starts, load.capacity[r], load.work[r], load.tentative[r], person=p, team=p.team)
            for r, p in enumerate(people)
        ]
        return MonthTable(starts, rows, total)
    members: dict[int | None, list[int]] = {}
    for r, p in enumerate(people):
        members.setdefault(p.team_id, []).append(r)
    rows = []
    for team in Team.objects.filter(pk__in=[t for t in members if t is not None]).order_by("code"):
        m = members[team.pk]
        rows.append(
            _row(
                team.name,
                starts,
                load.capacity[m].sum(0),
                load.work[m].sum(0),
                load.tentative[m].sum(0),
                team=team,
            )
        )
    if None in members:
        m = members[None]
        rows.append(
            _row(_("No team"), starts, load.capacity[m].sum(0), load.work[m].sum(0), load.tentative[m].sum(0))
        )
    return MonthTable(starts, rows, total)


def _placeholder_work(
    bounds: list[date],
) -> tuple[dict[int, npt.NDArray[np.float64]], dict[int, npt.NDArray[np.float64]]]:
    """Confirmed and tentative work of placeholder assignments per required skill and month, spread on
    the organisation's calendar (a placeholder has no calendar of its own)."""
    first, last = bounds[0], bounds[-1] - timedelta(days=1)
    rows = list(
        Assignment.objects.filter(
            placeholder__skill__isnull=False, task__finish__date__gte=first, task__start__date__lte=last
        ).values_list(
            "placeholder__skill_id", "task__start", "task__finish", "work_minutes", "contour", "booking"
        )
    )
    rows = [r for r in rows if r[1] is not None and r[2] is not None]
    hard: dict[int, npt.NDArray[np.float64]] = {}
    soft: dict[int, npt.NDArray[np.float64]] = {}
    if not rows:
        return hard, soft
    items = [WorkItem(str(r[0]), naive(r[1]), naive(r[2]), r[3], r[4]) for r in rows if r[1] and r[2]]
    earliest = min(first, *(i.start.date() for i in items))
    calendar = next(iter(person_calendars([Person()], earliest, last).values()))
    spread = spread_periods(items, calendar, bounds)
    for n, r in enumerate(rows):
        target = soft if r[5] == "tentative" else hard
        target[r[0]] = target.get(r[0], np.zeros(len(bounds) - 1)) + spread[n]
    return hard, soft


def skill_load(user: Any, *, month_from: date, months: int = 6) -> MonthTable:
    """Demand for each skill against the capacity of the people who have it (level ≥ 1), per month.

    Demand = all confirmed work of the people who have the skill (an assignment does not say which of a
    person's skills it uses) + the confirmed work of placeholder assignments that require the skill
    (work not yet staffed, shown as `unstaffed`). Tentative work of both is counted apart. A person with
    two skills counts in both rows, so the rows do not add up.
    """
    bounds = month_range(month_from, months)
    people = LoadFilter().people()
    load = time_phased(people, bounds)
    index = {p.pk: r for r, p in enumerate(people)}
    holders: dict[int, list[int]] = {}
    for skill_id, person_id in PersonSkill.objects.filter(
        person_id__in=list(index), level__gte=1
    ).values_list("skill_id", "person_id"):
        holders.setdefault(skill_id, []).append(index[person_id])
    hard, soft = _placeholder_work(bounds)
    starts = bounds[:-1]
    zero = np.zeros(len(starts))
    rows = []
    for skill in Skill.objects.filter(pk__in=set(holders) | set(hard) | set(soft)).order_by(
        "category__name", "name"
    ):
        m = holders.get(skill.pk, [])
        open_work = hard.get(skill.pk, zero)
        rows.append(
            _row(
                skill.name,
                starts,
                load.capacity[m].sum(0) if m else zero,
                (load.work[m].sum(0) if m else zero) + open_work,
                (load.tentative[m].sum(0) if m else zero) + soft.get(skill.pk, zero),
                unstaffed=open_work,
                skill=skill,
            )
        )
    return MonthTable(starts, rows, None)


__all__ = ["MonthCell", "MonthRow", "MonthTable", "month_range", "skill_load", "utilisation"]
