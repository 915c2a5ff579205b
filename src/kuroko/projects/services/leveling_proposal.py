"""Levelling proposals computed: projects mapped to the plan leveller (kuroko.engine.level_plan), its
result tried with the critical-path engine, and the proposal as JSON-able data (moves with reasons,
finishes, milestones, over-allocations before and after). Used by projects.services.leveling.

What the mapping decides (docs/guide/resources.md, "Levelling"):
- Previous levelling is cleared first (as MS Project's "clear levelling values before levelling").
- Tasks of other projects keep their dates; their work still takes the people's capacity.
- Only confirmed assignments of named people count (tentative bookings and placeholders do not).
- Tasks that are started or finished, manually scheduled, elapsed, with a hard constraint (must start or
  finish on, start or finish no later than) or of priority 1000 are not moved.
"""

from __future__ import annotations

import hashlib
import math
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.cpm import schedule
from kuroko.engine.level_plan import Demand, LevelLink, LevelTask, PlanLevelling, level_plan
from kuroko.engine.load import WorkItem, spread
from kuroko.engine.model import LinkType, Plan, Schedule
from kuroko.people.models import Person
from kuroko.projects.mapping import naive, project_plan
from kuroko.projects.models import (
    Assignment,
    Booking,
    ConstraintType,
    Dependency,
    Project,
    Task,
    TaskKind,
)

PINNING_CONSTRAINTS = {ConstraintType.MSO, ConstraintType.MFO, ConstraintType.SNLT, ConstraintType.FNLT}
TIME_LIMITS = (0.5, 60.0)  # seconds of search a request may ask for
DEFAULT_TIME_LIMIT = 3.0
# Passes of the search: a project of a few hundred tasks does them all well within the time limit (and
# then gets the same proposal for the same seed); a large portfolio stops at the time limit.
MAX_PASSES = 200
# Days after the last finish that a delayed task may go to.
SLACK_DAYS = 366


@dataclass
class _ProjectData:
    project: Project
    plan: Plan
    rows: dict[str, Task]
    before: Schedule
    calendar: WorkCalendar
    ordinal: dict[date, int] = field(default_factory=dict)


def _compile(plan: Plan, around: datetime) -> WorkCalendar:
    by_id = {c.id: c for c in plan.calendars}
    return WorkCalendar(by_id[plan.calendar], by_id, around=around, years=5, lookback=2)


def _lag_days(dep: Dependency, minutes_per_day: int) -> tuple[int, bool]:
    """A link's lag in whole days, rounded away from the predecessor (so the bound is never too early)."""
    if dep.lag_elapsed:
        return math.ceil(dep.lag_minutes / 1440), True
    return math.ceil(dep.lag_minutes / minutes_per_day), False


def fingerprint(projects: Iterable[Project]) -> str:
    """What a proposal was computed from: project and task versions, links and assignments. Applying a
    proposal whose projects changed since is refused."""
    pks = [p.pk for p in projects]
    h = hashlib.sha256()
    queries: list[Any] = [
        Project.objects.filter(pk__in=pks).order_by("pk").values_list("pk", "version"),
        Task.objects.filter(project_id__in=pks).order_by("pk").values_list("pk", "version"),
        Dependency.objects.filter(successor__project_id__in=pks)
        .order_by("pk")
        .values_list("pk", "predecessor_id", "successor_id", "type", "lag_minutes", "lag_elapsed"),
        Assignment.objects.filter(task__project_id__in=pks)
        .order_by("pk")
        .values_list("pk", "task_id", "person_id", "units", "work_minutes", "contour", "booking"),
    ]
    for query in queries:
        for row in query:
            h.update(repr(row).encode())
    return h.hexdigest()


def propose(
    projects: list[Project],
    *,
    within_float: bool = False,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Level `projects` together (their people shared) and return the proposal as JSON-able data."""
    from kuroko.projects.selectors.resources import capacity_minutes, person_calendars

    started = clock.perf_counter()
    today = today or timezone.localdate()
    org = Organisation.current()
    minutes_per_day = int(org.hours_per_day * 60)
    scope = {p.pk: p for p in projects}
    data: dict[int, _ProjectData] = {}
    for project in projects:
        plan, rows = project_plan(project, today=today, levelling={})
        before = schedule(plan)
        data[project.pk] = _ProjectData(project, plan, rows, before, _compile(plan, plan.start))
    leaves = {
        key: (pk, row)
        for pk, d in data.items()
        for key, row in d.rows.items()
        if row.kind != TaskKind.SUMMARY and key in d.before.tasks
    }
    if not leaves:
        raise ValidationError(_("There are no tasks to level."))
    # Confirmed work of named people: on the tasks levelled, and on other projects' tasks (kept).
    assignments = list(
        Assignment.objects.filter(
            task__project_id__in=scope, person__isnull=False, booking=Booking.CONFIRMED
        ).values_list("task_id", "person_id", "work_minutes", "contour")
    )
    people_ids = sorted({a[1] for a in assignments})
    first = min(d.before.tasks[k].start.date() for k, (pk, _r) in leaves.items() for d in [data[pk]])
    last_finish = max(d.before.project_finish for d in data.values()).date()
    last = last_finish + timedelta(days=SLACK_DAYS)
    background = list(
        Assignment.objects.filter(person_id__in=people_ids, booking=Booking.CONFIRMED)
        .exclude(task__project_id__in=scope)
        .filter(task__finish__date__gte=first, task__start__date__lte=last)
        .values_list(
            "task_id",
            "person_id",
            "work_minutes",
            "contour",
            "task__start",
            "task__finish",
            "task__project__code",
            "task__wbs_code",
            "task__name",
        )
    )
    people = list(Person.objects.filter(pk__in=people_ids).select_related("calendar"))
    names = {p.pk: str(p) for p in people}
    calendars = person_calendars(people, first, last)
    capacities = capacity_minutes(people, first, last, calendars)
    horizon = (last - first).days + 1
    # What is past cannot be levelled: conflicts count from today on (days before have no limit).
    all_days = [first + timedelta(days=n) for n in range(horizon)]
    capacity = {
        str(pk): [capacities[pk].get(x, 0.0) if x >= today else math.inf for x in all_days]
        for pk in people_ids
    }
    if progress:
        progress(0.05)

    def index(day: date) -> int:
        return (day - first).days

    workdays: dict[str, list[int]] = {}
    for pk, d in data.items():
        key = f"p{pk}"
        days = d.calendar.working_days(first, last)
        workdays[key] = [index(x) for x in days]
        d.ordinal = {x: n for n, x in enumerate(days)}

    by_task: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for task_id, person_id, work, contour in assignments:
        by_task[str(task_id)].append((person_id, work, contour))

    def pattern(
        d: _ProjectData, start: datetime, finish: datetime, items: list[tuple[int, int, str]]
    ) -> tuple[Demand, ...]:
        """Each person's minutes per working day of the task, from its start day."""
        origin = d.ordinal.get(start.date())
        if origin is None:  # starts on a day off (a manual task): count from the next working day
            origin = min((n for x, n in d.ordinal.items() if x >= start.date()), default=0)
        out = []
        for person_id, work, contour in items:
            minutes: dict[int, float] = defaultdict(float)
            item = WorkItem(str(person_id), start, finish, work, contour)
            for day, value in spread(item, calendars[person_id]).items():
                k = max(d.ordinal.get(day, _next_ordinal(d, day)) - origin, 0)
                minutes[k] += value
            length = max(minutes, default=-1) + 1
            out.append(Demand(str(person_id), tuple(minutes.get(k, 0.0) for k in range(length))))
        return tuple(out)

    tasks: list[LevelTask] = []
    for key, (pk, row) in leaves.items():
        d = data[pk]
        s = d.before.tasks[key]
        items = by_task.get(key, [])
        milestone = row.kind == TaskKind.MILESTONE or s.start == s.finish
        start_day, finish_day = s.start.date(), s.finish.date()
        span_now = 0 if milestone else _ordinal(d, finish_day) - _ordinal(d, start_day) + 1
        moved: tuple[Demand, ...] | None = None
        span = span_now
        if not milestone:
            aligned = d.calendar.next_working(datetime.combine(start_day, time()))
            length = d.calendar.working_minutes(s.start, s.finish)
            aligned_finish = d.calendar.add(aligned, length)
            span = _ordinal(d, aligned_finish.date()) - _ordinal(d, aligned.date()) + 1
            moved = pattern(d, aligned, aligned_finish, items) if items else ()
        pinned = (
            finish_day < today  # over before today: history
            or row.actual_start is not None
            or row.percent_complete > 0
            or row.manual
            or row.duration_elapsed
            or row.constraint_type in PINNING_CONSTRAINTS
        )
        tasks.append(
            LevelTask(
                id=key,
                calendar=f"p{pk}",
                start=index(start_day),
                now=pattern(d, s.start, s.finish, items) if items and not milestone else (),
                moved=moved,
                span=span,
                span_now=span_now,
                priority=row.priority,
                project=str(pk),
                project_priority=d.project.priority,
                fixed=pinned,
                latest=index(s.late_start.date()),
                late_start=index(s.late_start.date()),
                late_finish=index(s.late_finish.date()),
                name=row.name,
            )
        )
    # Other projects' work on these people: pinned where it is.
    for n, (task_id, person_id, work, contour, begin, end, *_label) in enumerate(background):
        if begin is None or end is None:
            continue
        b, e = naive(begin), naive(end)
        spread_days = spread(WorkItem(str(person_id), b, e, work, contour), calendars[person_id])
        per_day = {index(x): v for x, v in spread_days.items() if first <= x <= last}
        if not per_day:
            continue
        offset0 = min(per_day)
        minutes = tuple(per_day.get(offset0 + k, 0.0) for k in range(max(per_day) - offset0 + 1))
        tasks.append(
            LevelTask(
                id=f"bg{n}:{task_id}",
                calendar="all",
                start=offset0,
                now=(Demand(str(person_id), minutes),),
                span=max(per_day) - offset0 + 1,
                project=f"bg{task_id}",
                fixed=True,
            )
        )
    workdays["all"] = list(range(horizon))
    links = _links(data, leaves, minutes_per_day)
    problem = PlanLevelling(tuple(tasks), tuple(links), workdays, capacity, within_float=within_float)
    result = level_plan(
        problem,
        time_limit=time_limit,
        seed=seed,
        max_passes=MAX_PASSES,
        progress=(lambda share: progress(0.1 + 0.8 * share)) if progress else None,
    )
    # Try the result with the critical-path engine: each moved task held at the start of its new day.
    after: dict[int, Schedule] = {}
    levelling: dict[int, dict[str, datetime]] = defaultdict(dict)
    for move in result.moves:
        if move.task in leaves:
            pk = leaves[move.task][0]
            levelling[pk][move.task] = datetime.combine(first + timedelta(days=move.start), time())
    for pk, d in data.items():
        if levelling.get(pk):
            plan, _rows = project_plan(d.project, today=today, levelling=levelling[pk])
            after[pk] = schedule(plan)
        else:
            after[pk] = d.before
    return _proposal(
        data,
        leaves,
        result,
        after,
        levelling,
        first,
        names,
        people,
        calendars,
        capacities,
        background,
        by_task,
        within_float,
        seed,
        clock.perf_counter() - started,
        today,
    )


def _ordinal(d: _ProjectData, day: date) -> int:
    return d.ordinal[day] if day in d.ordinal else _next_ordinal(d, day)


def _next_ordinal(d: _ProjectData, day: date) -> int:
    """The position of the first working day on or after `day` (days off take the next one's)."""
    for n in range(1, 15):
        x = day + timedelta(days=n)
        if x in d.ordinal:
            return d.ordinal[x]
    return len(d.ordinal)


def _links(
    data: dict[int, _ProjectData], leaves: dict[str, tuple[int, Task]], minutes_per_day: int
) -> list[LevelLink]:
    """Links between the levelled tasks; a link to or from a summary task binds each of its leaf tasks."""
    children: dict[str, list[str]] = defaultdict(list)
    for d in data.values():
        for key, row in d.rows.items():
            if row.parent_id is not None:
                children[str(row.parent_id)].append(key)

    def under(key: str) -> list[str]:
        if key in leaves:
            return [key]
        out: list[str] = []
        for child in children.get(key, []):
            out.extend(under(child))
        return out

    out: dict[tuple[str, str], LevelLink] = {}
    for dep in Dependency.objects.filter(predecessor__project_id__in=data, successor__project_id__in=data):
        for a in under(str(dep.predecessor_id)):
            for b in under(str(dep.successor_id)):
                if a == b:
                    continue
                lag, elapsed = _lag_days(dep, minutes_per_day)
                out[(a, b)] = LevelLink(a, b, LinkType(dep.type), lag, elapsed)
    return list(out.values())


def _task_ref(row: Task, project: Project) -> dict[str, Any]:
    return {"id": row.pk, "project": project.code, "wbs": row.wbs_code, "name": row.name}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _proposal(
    data: dict[int, _ProjectData],
    leaves: dict[str, tuple[int, Task]],
    result: Any,
    after: dict[int, Schedule],
    levelling: dict[int, dict[str, datetime]],
    first: date,
    names: dict[int, str],
    people: list[Person],
    calendars: dict[int, WorkCalendar],
    capacities: dict[int, dict[date, float]],
    background: list[tuple[Any, ...]],
    by_task: dict[str, list[tuple[int, int, str]]],
    within_float: bool,
    seed: int,
    seconds: float,
    today: date,
) -> dict[str, Any]:
    moves = []
    for move in result.moves:
        if move.task not in leaves:
            continue
        pk, row = leaves[move.task]
        d = data[pk]
        old, new = d.before.tasks[move.task], after[pk].tasks[move.task]
        reason: dict[str, Any]
        if move.conflict is not None:
            c = move.conflict
            blockers = []
            for other in c.tasks:
                if other in leaves:
                    opk, orow = leaves[other]
                    blockers.append(_task_ref(orow, data[opk].project))
                elif other.startswith("bg"):
                    _id, _p, _w, _c, _b, _e, code, wbs, name = background[int(other[2:].split(":")[0])]
                    blockers.append({"id": _id, "project": code, "wbs": wbs, "name": name})
            reason = {
                "kind": "resource",
                "person": int(c.resource),
                "person_name": names.get(int(c.resource), c.resource),
                "day": (first + timedelta(days=c.day)).isoformat(),
                "booked_hours": round(c.load / 60, 2),
                "capacity_hours": round(c.capacity / 60, 2),
                "needed_hours": round(c.need / 60, 2),
                "tasks": blockers,
            }
        elif move.pushed_by is not None and move.pushed_by in leaves:
            ppk, prow = leaves[move.pushed_by]
            reason = {"kind": "predecessor", "task": _task_ref(prow, data[ppk].project)}
        else:
            reason = {"kind": "none"}
        moves.append(
            {
                "task": _task_ref(row, d.project),
                "milestone": row.kind == TaskKind.MILESTONE,
                "start_before": _iso(old.start),
                "finish_before": _iso(old.finish),
                "start_after": _iso(new.start),
                "finish_after": _iso(new.finish),
                "working_days": move.days,
                "held_days": move.held,
                "reason": reason,
            }
        )
    moves.sort(key=lambda m: (m["task"]["project"], m["start_after"], m["task"]["wbs"]))
    order = sorted(data, key=lambda pk: (-data[pk].project.priority, data[pk].project.code))
    projects = []
    for pk in order:
        d = data[pk]
        finish_old, finish_new = d.before.project_finish, after[pk].project_finish
        projects.append(
            {
                "id": pk,
                "code": d.project.code,
                "name": d.project.name,
                "priority": d.project.priority,
                "finish_before": _iso(finish_old),
                "finish_after": _iso(finish_new),
                "working_days": round(
                    d.calendar.working_minutes(finish_old, finish_new) / max(1, _day_minutes()), 1
                ),
                "moved": sum(1 for key in levelling.get(pk, {})),
            }
        )
    milestones = []
    for key, (pk, row) in leaves.items():
        if row.kind == TaskKind.MILESTONE:
            old, new = data[pk].before.tasks[key], after[pk].tasks[key]
            if old.finish.date() != new.finish.date():  # a milestone that moves to another day
                milestones.append(
                    {
                        "task": _task_ref(row, data[pk].project),
                        "before": _iso(old.finish),
                        "after": _iso(new.finish),
                    }
                )
    before_over = _over(
        data,
        leaves,
        {pk: d.before for pk, d in data.items()},
        calendars,
        capacities,
        background,
        by_task,
        names,
        today,
    )
    after_over = _over(data, leaves, after, calendars, capacities, background, by_task, names, today)
    return {
        "moves": moves,
        "projects": projects,
        "milestones": milestones,
        "levelling": {key: _iso(at) for pk_map in levelling.values() for key, at in pk_map.items()},
        "unresolved": [
            _task_ref(leaves[k][1], data[leaves[k][0]].project) for k in result.unresolved if k in leaves
        ],
        "over_before": {
            "person_days": len(before_over),
            "hours": round(sum(o["over_hours"] for o in before_over), 1),
        },
        "over_after": {
            "person_days": len(after_over),
            "hours": round(sum(o["over_hours"] for o in after_over), 1),
        },
        "remaining": after_over[:100],
        "fingerprint": fingerprint(d.project for d in data.values()),
        "search": {
            "passes": result.passes,
            "rule": result.rule,
            "stopped_by": result.stopped_by,
            "seed": seed,
            "within_float": within_float,
            "seconds": round(seconds, 2),
            "tasks": len(leaves),
            "people": len(people),
        },
    }


def _day_minutes() -> int:
    return int(Organisation.current().hours_per_day * 60)


def _over(
    data: dict[int, _ProjectData],
    leaves: dict[str, tuple[int, Task]],
    dates: dict[int, Schedule],
    calendars: dict[int, WorkCalendar],
    capacities: dict[int, dict[date, float]],
    background: list[tuple[Any, ...]],
    by_task: dict[str, list[tuple[int, int, str]]],
    names: dict[int, str],
    since: date,
) -> list[dict[str, Any]]:
    """Person-days over capacity from `since` on, with the tasks at `dates` (and other projects' work
    where it is): what is past cannot be levelled any more."""
    minutes: dict[tuple[int, date], float] = defaultdict(float)
    who: dict[tuple[int, date], list[str]] = defaultdict(list)
    for key, (pk, row) in leaves.items():
        s = dates[pk].tasks[key]
        for person_id, work, contour in by_task.get(key, []):
            for day, value in spread(
                WorkItem(str(person_id), s.start, s.finish, work, contour), calendars[person_id]
            ).items():
                minutes[(person_id, day)] += value
                who[(person_id, day)].append(f"{data[pk].project.code} {row.wbs_code} {row.name}")
    for _task_id, person_id, work, contour, begin, end, code, wbs, name in background:
        if begin is None or end is None:
            continue
        for day, value in spread(
            WorkItem(str(person_id), naive(begin), naive(end), work, contour), calendars[person_id]
        ).items():
            minutes[(person_id, day)] += value
            who[(person_id, day)].append(f"{code} {wbs} {name}")
    out: list[dict[str, Any]] = []
    for (person_id, day), used in minutes.items():
        cap = capacities[person_id].get(day)
        if cap is None or day < since:
            continue
        if used > cap + 0.5:
            out.append(
                {
                    "person": person_id,
                    "person_name": names.get(person_id, ""),
                    "day": day.isoformat(),
                    "percent": round(100 * used / cap) if cap > 0 else None,
                    "over_hours": round((used - cap) / 60, 2),
                    "tasks": who[(person_id, day)],
                }
            )
    out.sort(key=lambda o: (-o["over_hours"], o["day"]))
    return out
