"""Reads of the schedule: baselines and variance, the Gantt's rows, the portfolio as one network, and
the MS Project XML document of a project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext as _

from kuroko.projects import permissions as perms
from kuroko.projects.models import Dependency, Project, Task, TaskKind
from kuroko.projects.selectors import ProjectFilter, duration_units, project_list

# --- Baselines and the Gantt ------------------------------------------------------------------------


def baselines(project: Project) -> list[Any]:
    """The project's baselines by number, with None for numbers not saved (always 11 slots)."""
    from kuroko.projects.models import BASELINE_COUNT, Baseline

    saved = {b.number: b for b in Baseline.objects.filter(project=project).select_related("captured_by")}
    return [saved.get(n) for n in range(BASELINE_COUNT)]


@dataclass(frozen=True)
class Variance:
    """A task's current dates against a baseline; variances in working minutes (positive = later/longer)."""

    task: Task
    baseline_start: Any
    baseline_finish: Any
    baseline_duration: int
    start: int | None
    finish: int | None
    duration: int | None


def baseline_variances(user: Any, project: Project, number: int) -> list[Variance]:
    """Every task of the project against baseline `number`, in outline order. Tasks added after the
    baseline was saved have no baseline dates and no variance."""
    from kuroko.projects.mapping import naive, work_calendar
    from kuroko.projects.models import BaselineTask

    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    saved = {
        task_id: (start, finish, duration)
        for task_id, start, finish, duration in BaselineTask.objects.filter(
            baseline__project=project, baseline__number=number
        ).values_list("task_id", "start", "finish", "duration_minutes")
    }
    calendar = work_calendar(project)

    def between(before: Any, after: Any) -> int | None:
        if before is None or after is None:
            return None
        return calendar.working_minutes(naive(before), naive(after))

    out = []
    for task in Task.objects.filter(project=project).order_by("row"):
        start, finish, duration = saved.get(task.pk, (None, None, 0))
        current = task.duration_minutes
        if task.kind == TaskKind.SUMMARY:
            current = between(task.start, task.finish) or 0
        out.append(
            Variance(
                task=task,
                baseline_start=start,
                baseline_finish=finish,
                baseline_duration=duration,
                start=between(start, task.start),
                finish=between(finish, task.finish),
                duration=current - duration if task.pk in saved else None,
            )
        )
    return out


GANTT_KINDS: dict[str, int] = {TaskKind.TASK: 0, TaskKind.SUMMARY: 1, TaskKind.MILESTONE: 2}


def gantt_data(user: Any, project: Project, *, today: Any, baseline: int | None = None) -> dict[str, Any]:
    """Everything the Gantt client draws, compact: times are minutes after `origin` (the local midnight
    before the project's first date), tasks and links are arrays. A 10,000-task project is four queries
    and about 1 MB of JSON."""
    from datetime import datetime, time, timedelta

    from kuroko.projects.mapping import naive, work_calendar
    from kuroko.projects.models import BaselineTask

    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    # baseline: None = the project's compared baseline, -1 = none.
    number = project.compared_baseline if baseline is None else baseline
    rows = list(
        Task.objects.filter(project=project)
        .order_by("row")
        .values_list(
            "pk",
            "parent_id",
            "outline_level",
            "kind",
            "wbs_code",
            "name",
            "start",
            "finish",
            "total_float_minutes",
            "free_float_minutes",
            "critical",
            "percent_complete",
            "constraint_type",
            "duration_minutes",
            "version",
            "deadline",
            "actual_start",
            "actual_finish",
            "duration_elapsed",
            "manual",
        )
    )
    saved = (
        {
            task_id: (start, finish)
            for task_id, start, finish in BaselineTask.objects.filter(
                baseline__project=project, baseline__number=number
            ).values_list("task_id", "start", "finish")
        }
        if number >= 0
        else {}
    )
    firsts: list[datetime] = [naive(r[6]) for r in rows if r[6] is not None]
    firsts += [naive(s) for s, _f in saved.values() if s is not None]
    first = min(firsts) if firsts else datetime.combine(project.planned_start or today, time())
    origin = datetime.combine(first.date() - timedelta(days=first.weekday() + 7), time())

    def minutes(moment: Any) -> int | None:
        if moment is None:
            return None
        return int((naive(moment) - origin).total_seconds() // 60)

    index = {r[0]: i for i, r in enumerate(rows)}
    tasks = []
    last = origin
    for r in rows:
        (
            pk,
            parent,
            level,
            kind,
            wbs_code,
            name,
            start,
            finish,
            tf,
            ff,
            critical,
            pct,
            constraint,
            dur,
            ver,
            dl,
            actual_start,
            actual_finish,
            elapsed,
            manual,
        ) = r
        bl = saved.get(pk, (None, None))
        if finish is not None:
            last = max(last, naive(finish))
        if bl[1] is not None:
            last = max(last, naive(bl[1]))
        tasks.append(
            [
                pk,
                index.get(parent, -1),
                level,
                GANTT_KINDS.get(kind, 0),
                wbs_code,
                name,
                minutes(start),
                minutes(finish),
                tf,
                ff,
                1 if critical else 0,
                pct,
                constraint,
                dur,
                ver,
                minutes(bl[0]),
                minutes(bl[1]),
                minutes(dl),
                2 if actual_finish is not None else 1 if actual_start is not None else 0,
                1 if elapsed else 0,
                1 if manual else 0,
            ]
        )
    links = [
        [index[p], index[s], link_type, lag, pk]
        for pk, p, s, link_type, lag in Dependency.objects.filter(
            successor__project=project, predecessor__project=project
        )
        .order_by("pk")  # a stable order: PostgreSQL returns unordered rows in any order
        .values_list("pk", "predecessor_id", "successor_id", "type", "lag_minutes")
        if p in index and s in index
    ]
    calendar = work_calendar(project)
    span_days = (last.date() - origin.date()).days + 60
    days = [origin.date() + timedelta(days=n) for n in range(span_days)]
    working = [calendar.is_working_day(d) for d in days]
    # Each weekday's usual state is the majority over the span (the first week may hold a holiday).
    weekly = [sum(working[k::7]) * 2 > len(working[k::7]) for k in range(7)]
    # Days that differ from their weekday's usual pattern: holidays and working exceptions.
    special = [n for n, w in enumerate(working) if w != weekly[n % 7]]
    status = project.status_date
    return {
        "project": {
            "code": project.code,
            "name": project.name,
            "can_edit": perms.can_edit_project(user, project),
            "baseline": number if number >= 0 else None,
        },
        "minutes_per_day": int(duration_units().hours_per_day * 60),
        "origin": origin.isoformat(),
        "days": span_days,
        "today": (today - origin.date()).days * 1440,
        "status": None if status is None else ((status - origin.date()).days + 1) * 1440,
        "working_weekdays": weekly,
        "special_days": special,
        "fields": [
            "id",
            "parent",
            "level",
            "kind",
            "wbs",
            "name",
            "start",
            "finish",
            "total_float",
            "free_float",
            "critical",
            "percent",
            "constraint",
            "duration",
            "version",
            "baseline_start",
            "baseline_finish",
            "deadline",
            "progress",  # 0 not started, 1 started, 2 finished (actual dates fix its start/finish)
            "elapsed",  # 1: the duration is elapsed (calendar) time
            "manual",  # 1: manually scheduled (keeps its dates)
        ],
        "tasks": tasks,
        "links": links,
    }


# --- The portfolio as one network -------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkProject:
    """A project in the portfolio network: its stored finish and the finish the network gives it."""

    project: Project
    stored_finish: Any
    network_finish: Any
    slip_minutes: int | None  # working minutes the network finish is later than the stored one


@dataclass(frozen=True)
class NetworkLink:
    """A link between two projects, with the dates the network gives its two ends."""

    predecessor: Task
    successor: Task
    type: str
    lag_minutes: int
    predecessor_finish: Any
    successor_start: Any
    stored_ok: bool  # the stored schedules already respect it


@dataclass(frozen=True)
class PortfolioNetwork:
    """The result of scheduling every visible project together."""

    finish: Any
    engine_ms: float
    tasks: int
    links: int
    projects: list[NetworkProject]
    critical_path: list[Task]
    cross_links: list[NetworkLink]
    error: str = ""


def portfolio_network(user: Any, f: ProjectFilter, *, today: Any) -> PortfolioNetwork:
    """Schedule every project the user may see (after the portfolio filters) as one network: links
    between projects are followed in one pass, and the critical path may run through several projects."""
    import time as clock

    from kuroko.engine.cpm import PlanError, schedule
    from kuroko.projects.mapping import naive, portfolio_plan, work_calendar

    projects = list(project_list(user, f).select_related("calendar"))
    plan, ids = portfolio_plan(projects, today=today)
    started = clock.perf_counter()
    try:
        result = schedule(plan)
    except (PlanError, ValueError) as exc:
        return PortfolioNetwork(None, 0.0, len(plan.tasks), len(plan.links), [], [], [], error=str(exc))
    engine_ms = (clock.perf_counter() - started) * 1000
    finishes: dict[int, Any] = {}
    for key, dates in result.tasks.items():
        if key in ids:
            project_id = ids[key][0]
            if project_id not in finishes or dates.finish > finishes[project_id]:
                finishes[project_id] = dates.finish
    calendar = work_calendar(projects[0]) if projects else None
    rows = []
    for project in projects:
        stored = naive(project.scheduled_finish) if project.scheduled_finish else None
        network = finishes.get(project.pk)
        slip = (
            calendar.working_minutes(stored, network)
            if calendar is not None and stored is not None and network is not None
            else None
        )
        rows.append(NetworkProject(project, stored, network, slip))
    visible = {p.pk for p in projects}
    crossing = list(
        Dependency.objects.filter(successor__project_id__in=visible, predecessor__project_id__in=visible)
        .exclude(successor__project=F("predecessor__project"))
        .select_related("predecessor__project", "successor__project")
        .order_by("successor__project__code", "successor__row")
    )
    cross_links = []
    for link in crossing:
        pred, succ = result.tasks.get(str(link.predecessor_id)), result.tasks.get(str(link.successor_id))
        stored_ok = not (
            link.type == "FS"
            and link.predecessor.finish
            and link.successor.start
            and link.successor.start < link.predecessor.finish
        )
        cross_links.append(
            NetworkLink(
                link.predecessor,
                link.successor,
                link.type,
                link.lag_minutes,
                pred.finish if pred else None,
                succ.start if succ else None,
                bool(stored_ok),
            )
        )
    critical_ids = [int(key) for key in result.critical_path if key in ids]
    by_pk = Task.objects.select_related("project").in_bulk(critical_ids)
    return PortfolioNetwork(
        finish=result.project_finish,
        engine_ms=engine_ms,
        tasks=len(plan.tasks),
        links=len(plan.links),
        projects=rows,
        critical_path=[by_pk[pk] for pk in critical_ids if pk in by_pk],
        cross_links=cross_links,
    )


def mspdi_baselines(project: Project) -> tuple[Any, ...]:
    """The project's baselines as MS Project XML baseline records (Baseline, Baseline1–10 per task)."""
    from kuroko.formats.mspdi import Baseline as MspdiBaseline
    from kuroko.projects.mapping import naive
    from kuroko.projects.models import BaselineTask

    rows = BaselineTask.objects.filter(baseline__project=project).values_list(
        "task_id", "baseline__number", "start", "finish", "duration_minutes"
    )
    return tuple(
        MspdiBaseline(
            task=str(task_id),
            number=number,
            start=naive(start) if start else None,
            finish=naive(finish) if finish else None,
            duration=duration,
        )
        for task_id, number, start, finish, duration in rows.order_by("task__row", "baseline__number")
    )


def project_mspdi(user: Any, project: Project, *, today: Any) -> bytes:
    """The project as an MS Project XML document: its plan, the dates the engine computes (none if the
    plan cannot be scheduled) and its baselines."""
    from kuroko.engine.cpm import PlanError, schedule
    from kuroko.formats.mspdi import MspdiProject, write_mspdi
    from kuroko.projects.mapping import project_plan

    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    plan, _rows = project_plan(project, today=today)
    try:
        computed = schedule(plan)
    except (PlanError, ValueError):
        computed = None
    resources, assignments = mspdi_resources(project)
    document = MspdiProject(
        plan=plan,
        baselines=mspdi_baselines(project),
        resources=resources,
        assignments=assignments,
        title=project.name,
    )
    return write_mspdi(*_with_file_uids(project, document, computed))


def mspdi_resources(project: Project) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The people and placeholders assigned in the project as MS Project resources ("P<pk>" for people,
    "H<pk>" for placeholders) and their assignments (units as a fraction, work in minutes)."""
    from decimal import Decimal

    from kuroko.formats.mspdi import Assignment as MspdiAssignment
    from kuroko.formats.mspdi import Resource
    from kuroko.projects.models import Assignment

    rows = list(
        Assignment.objects.filter(task__project=project)
        .select_related("person", "placeholder")
        .order_by("pk")
    )
    resources: dict[str, Any] = {}
    for row in rows:
        if row.person is not None:
            key = f"P{row.person_id}"
            resources.setdefault(key, Resource(id=key, name=row.person.full_name, email=row.person.email))
        elif row.placeholder is not None:
            key = f"H{row.placeholder_id}"
            resources.setdefault(
                key,
                Resource(
                    id=key,
                    name=row.placeholder.name,
                    generic=True,
                    max_units=Decimal(row.placeholder.quantity),
                ),
            )
    assignments = tuple(
        MspdiAssignment(
            id=str(row.pk),
            task=str(row.task_id),
            resource=f"P{row.person_id}" if row.person_id else f"H{row.placeholder_id}",
            units=Decimal(row.units) / 100,
            work=row.work_minutes,
        )
        for row in rows
    )
    return tuple(resources.values()), assignments


def _with_file_uids(project: Project, document: Any, computed: Any) -> Any:
    """The document with each task under the UID it had in the MS Project file it came from (so that the
    file, edited in MS Project and imported again, updates the same tasks); other tasks get new UIDs."""
    from dataclasses import replace

    from kuroko.engine.model import Schedule

    uids = dict(
        Task.objects.filter(project=project, source_uid__isnull=False).values_list("pk", "source_uid")
    )
    taken = {int(str(u)) for u in uids.values() if str(u).isdigit()}
    new_id = max(taken, default=0)
    names: dict[str, str] = {}
    for task in document.plan.tasks:
        uid = uids.get(int(task.id))
        if uid and str(uid).isdigit():
            names[task.id] = str(uid)
        else:
            new_id += 1
            names[task.id] = str(new_id)

    def rename(key: Any) -> Any:
        return names.get(key, key) if key is not None else None

    plan = document.plan
    plan = replace(
        plan,
        tasks=tuple(replace(t, id=rename(t.id), parent=rename(t.parent)) for t in plan.tasks),
        links=tuple(
            replace(k, predecessor=rename(k.predecessor), successor=rename(k.successor)) for k in plan.links
        ),
    )
    baselines = tuple(replace(b, task=rename(b.task)) for b in document.baselines)
    assignments = tuple(replace(a, task=rename(a.task)) for a in document.assignments)
    renamed = replace(document, plan=plan, baselines=baselines, assignments=assignments)
    if computed is None:
        return renamed, None
    schedule = Schedule(
        computed.project_start,
        computed.project_finish,
        {rename(k): v._replace(id=rename(v.id)) for k, v in computed.tasks.items()},
        tuple(rename(k) for k in computed.critical_path),
        tuple(replace(p, task=rename(p.task)) for p in computed.problems),
    )
    return renamed, schedule


def driving_path(user: Any, task: Task, *, today: Any) -> list[Task]:
    """The tasks whose links set this task's early dates, directly or through each other (MS Project's
    Task Path), in order of early start, the task last. Tasks of other projects are left out."""
    from kuroko.engine.cpm import PlanError, schedule
    from kuroko.engine.driving import driving_path as path_of
    from kuroko.projects.mapping import project_plan

    project = task.project
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    plan, rows = project_plan(project, today=today)
    try:
        result = schedule(plan)
    except (PlanError, ValueError):
        return [task]
    ids = [key for key in path_of(plan, result, str(task.pk)) if key in rows]
    by_pk = Task.objects.in_bulk([int(key) for key in ids])
    return [by_pk[int(key)] for key in ids if int(key) in by_pk]
