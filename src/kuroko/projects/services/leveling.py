"""Resource levelling of a project or the portfolio as a reviewable proposal.

`leveling_request` records a proposal and queues its computation (a background task); `leveling_compute`
maps the projects to the engine's levelling problem (kuroko.engine.level_plan), runs it and tries its
result with the critical-path engine, so the proposal shows the dates the plan would really get; the
PMO or PM then applies it (`leveling_apply`: one transaction, task history kept) or discards it.

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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation
from kuroko.core.permissions import is_pmo, require
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.cpm import schedule
from kuroko.engine.level_plan import Demand, LevelLink, LevelTask, PlanLevelling, level_plan
from kuroko.engine.load import WorkItem, spread
from kuroko.engine.model import LinkType, Plan, Schedule
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import aware, naive, project_plan
from kuroko.projects.models import (
    Assignment,
    Booking,
    ConstraintType,
    Dependency,
    LevelingRun,
    Project,
    Status,
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


def _can_level(actor: Any, project: Project | None) -> bool:
    return is_pmo(actor) if project is None else perms.can_edit_project(actor, project)


def can_view_run(actor: Any, run: LevelingRun) -> bool:
    if is_pmo(actor):
        return True
    return run.project is not None and perms.can_view_project(actor, run.project)


def leveling_request(*, actor: Any, project: Project | None, options: dict[str, Any]) -> LevelingRun:
    """Record a levelling proposal for `project` (None: the portfolio) and queue its computation.

    Options: `within_float` (bool), `time_limit` (seconds), `seed` (int), `level_from` (a date: conflicts
    before it are not levelled; default today), and for the portfolio `projects` (project codes; default
    every active project)."""
    require(_can_level(actor, project))
    clean: dict[str, Any] = {"within_float": bool(options.get("within_float", False))}
    try:
        limit = float(options.get("time_limit", DEFAULT_TIME_LIMIT))
    except (TypeError, ValueError):
        raise ValidationError({"time_limit": _("Enter a number of seconds.")}) from None
    if not TIME_LIMITS[0] <= limit <= TIME_LIMITS[1] or math.isnan(limit):
        raise ValidationError(
            {
                "time_limit": _("The time limit must be between %(lo)s and %(hi)s seconds.")
                % dict(lo=TIME_LIMITS[0], hi=TIME_LIMITS[1])
            }
        )
    clean["time_limit"] = limit
    seed = options.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError({"seed": _("The seed must be a whole number.")})
    clean["seed"] = seed
    level_from = options.get("level_from") or None
    if level_from is not None:
        try:
            clean["level_from"] = date.fromisoformat(str(level_from)).isoformat()
        except ValueError:
            raise ValidationError({"level_from": _("Enter a date as YYYY-MM-DD.")}) from None
    if project is None:
        codes = options.get("projects") or []
        if codes:
            found = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
            unknown = sorted(set(codes) - set(found))
            if unknown:
                raise ValidationError(
                    {"projects": _("No project %(codes)s.") % {"codes": ", ".join(unknown)}}
                )
            clean["projects"] = sorted(found.values())
        else:
            clean["projects"] = list(
                Project.objects.filter(status=Status.ACTIVE).order_by("pk").values_list("pk", flat=True)
            )
        if not clean["projects"]:
            raise ValidationError({"projects": _("There is no active project to level.")})
    run = LevelingRun.objects.create(project=project, options=clean, created_by=actor)
    from kuroko.projects.tasks import level_in_background

    transaction.on_commit(lambda: level_in_background.enqueue(run.pk))
    return run


def _scope(run: LevelingRun) -> list[Project]:
    if run.project is not None:
        return [run.project]
    return list(Project.objects.filter(pk__in=run.options.get("projects", [])).order_by("pk"))


def leveling_compute(run_id: int) -> LevelingRun:
    """Compute a queued proposal (the background task's body); failures are stored on the run."""
    run = LevelingRun.objects.select_related("project").get(pk=run_id)
    if run.status != LevelingRun.Status.QUEUED:
        return run
    run.status, run.progress = LevelingRun.Status.RUNNING, 0
    run.save(update_fields=["status", "progress"])
    last = [0.0]

    def progress(share: float) -> None:
        now = clock.perf_counter()
        if now - last[0] > 0.5:  # at most two writes a second
            last[0] = now
            LevelingRun.objects.filter(pk=run.pk).update(progress=min(95, int(10 + 80 * share)))

    try:
        run.result = propose(
            _scope(run),
            within_float=run.options.get("within_float", False),
            time_limit=run.options.get("time_limit", DEFAULT_TIME_LIMIT),
            seed=run.options.get("seed", 0),
            progress=progress,
            today=date.fromisoformat(run.options["level_from"]) if run.options.get("level_from") else None,
        )
        run.status, run.progress = LevelingRun.Status.READY, 100
    except Exception as exc:
        run.status, run.error = LevelingRun.Status.FAILED, str(exc) or exc.__class__.__name__
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "progress", "result", "error", "finished_at"])
    return run


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


def _lag_days(dep: Dependency, pred_minutes: int, minutes_per_day: int) -> tuple[int, bool]:
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

    durations = {key: row.duration_minutes for key, (_pk, row) in leaves.items()}
    out: dict[tuple[str, str], LevelLink] = {}
    for dep in Dependency.objects.filter(predecessor__project_id__in=data, successor__project_id__in=data):
        for a in under(str(dep.predecessor_id)):
            for b in under(str(dep.successor_id)):
                if a == b:
                    continue
                lag, elapsed = _lag_days(dep, durations.get(a, 0), minutes_per_day)
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


@transaction.atomic
def leveling_apply(*, actor: Any, run: LevelingRun) -> LevelingRun:
    """Apply a ready proposal: hold each moved task at its new start, clear older levelling of the
    projects, reschedule them. Refused (nothing written) when the plan changed since it was computed."""
    from simple_history.utils import bulk_update_with_history

    run = LevelingRun.objects.select_for_update(of=("self",)).select_related("project").get(pk=run.pk)
    require(_can_level(actor, run.project))
    if run.status != LevelingRun.Status.READY:
        raise ValidationError(
            {
                "status": _("Only a proposal ready for review can be applied; this one is %(status)s.")
                % {"status": run.get_status_display()}
            }
        )
    projects = _scope(run)
    if fingerprint(projects) != run.result.get("fingerprint"):
        raise ValidationError(
            {
                "status": _(
                    "The plan changed after this proposal was computed; level again for a current proposal."
                )
            }
        )
    held = {int(k): aware(datetime.fromisoformat(v)) for k, v in run.result.get("levelling", {}).items()}
    rows = list(
        Task.objects.filter(project__in=projects).filter(level_start__isnull=False)
        | Task.objects.filter(pk__in=held)
    )
    changed = []
    for row in rows:
        value = held.get(row.pk)
        if row.level_start != value:
            row.level_start = value
            changed.append(row)
    if changed:
        bulk_update_with_history(
            changed,
            Task,
            ["level_start"],
            default_user=actor,
            default_change_reason=_("Levelling proposal #%(id)s") % {"id": run.pk},
        )
    _reschedule(projects)
    run.status, run.decided_by, run.decided_at = LevelingRun.Status.APPLIED, actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


def leveling_discard(*, actor: Any, run: LevelingRun) -> LevelingRun:
    require(_can_level(actor, run.project))
    if not run.open:
        raise ValidationError(
            {"status": _("This proposal is already %(status)s.") % {"status": run.get_status_display()}}
        )
    run.status, run.decided_by, run.decided_at = LevelingRun.Status.DISCARDED, actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


@transaction.atomic
def leveling_clear(*, actor: Any, project: Project) -> int:
    """Remove the levelling of a project (every task back where its links put it); returns how many
    tasks were held back."""
    from simple_history.utils import bulk_update_with_history

    require(perms.can_edit_project(actor, project))
    rows = list(Task.objects.filter(project=project, level_start__isnull=False))
    for row in rows:
        row.level_start = None
    if rows:
        bulk_update_with_history(
            rows, Task, ["level_start"], default_user=actor, default_change_reason=_("Levelling cleared")
        )
    _reschedule([project])
    return len(rows)


def _reschedule(projects: list[Project]) -> None:
    """Reschedule in link order (a project after those it depends on), as the portfolio reschedule does."""
    from kuroko.projects.services.schedule import project_reschedule, projects_in_link_order

    for project in projects_in_link_order(projects):
        project_reschedule(project)


def can_decide(actor: Any, run: LevelingRun) -> bool:
    """Who may apply or discard a proposal: who may request it."""
    return _can_level(actor, run.project)
