"""Reads for pages and API alike. Every function takes the requesting user and returns only what
that user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation
from kuroko.engine.duration import DurationUnits
from kuroko.formats.predecessors import PredecessorRef, format_predecessor
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Dependency, Program, Project, ProjectMember, Rag, Status, Task, TaskKind

SORTS: dict[str, tuple[str, ...]] = {
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "code"),
    "-name": ("-name", "code"),
    "status": ("status", "code"),
    "-status": ("-status", "code"),
    "priority": ("priority", "code"),
    "-priority": ("-priority", "code"),
    "start": ("planned_start", "code"),
    "-start": ("-planned_start", "code"),
    "finish": ("planned_finish", "code"),
    "-finish": ("-planned_finish", "code"),
    "budget": ("budget", "code"),
    "-budget": ("-budget", "code"),
    "progress": ("percent_complete", "code"),
    "-progress": ("-percent_complete", "code"),
    "program": ("program__code", "code"),
    "-program": ("-program__code", "code"),
}
DEFAULT_SORT = "code"


@dataclass(frozen=True)
class ProjectFilter:
    """The one filter definition of project lists, used by the portfolio page and the API."""

    program: str | None = None  # program code
    status: list[str] = field(default_factory=list)
    manager: int | None = None  # person id
    rag: str | None = None  # overall RAG colour, or "none" for not assessed
    q: str = ""
    sort: str = DEFAULT_SORT


def filter_projects(qs: QuerySet[Project], f: ProjectFilter) -> QuerySet[Project]:
    if f.program:
        qs = qs.filter(program__code=f.program)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.manager:
        qs = qs.filter(manager_id=f.manager)
    if f.rag == "none":
        qs = qs.filter(rag_overall="")
    elif f.rag:
        qs = qs.filter(rag_overall=f.rag)
    if f.q:
        qs = qs.filter(Q(code__icontains=f.q) | Q(name__icontains=f.q) | Q(description__icontains=f.q))
    return qs.order_by(*SORTS.get(f.sort, SORTS[DEFAULT_SORT]))


def project_list(user: Any, f: ProjectFilter) -> QuerySet[Project]:
    """Projects visible to `user`, filtered and sorted; related rows fetched in the same query."""
    qs = perms.visible_projects(user, Project.objects.select_related("program", "manager"))
    return filter_projects(qs, f)


@dataclass(frozen=True)
class PortfolioSummary:
    total: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    budget: Decimal


def portfolio_summary(projects: QuerySet[Project]) -> PortfolioSummary:
    """Counts by status and overall RAG, and total budget, in one aggregate query."""
    aggregates: dict[str, Any] = {"total": Count("pk"), "budget": Sum("budget")}
    for status in Status.values:
        aggregates[f"s_{status}"] = Count("pk", filter=Q(status=status))
    for rag in [*Rag.values, ""]:
        aggregates[f"r_{rag or 'none'}"] = Count("pk", filter=Q(rag_overall=rag))
    row = projects.order_by().aggregate(**aggregates)
    return PortfolioSummary(
        total=row["total"],
        by_status={s: row[f"s_{s}"] for s in Status.values},
        by_rag={r or "none": row[f"r_{r or 'none'}"] for r in [*Rag.values, ""]},
        budget=row["budget"] or Decimal(0),
    )


def programs() -> QuerySet[Program]:
    return Program.objects.all()


def managers_for_filter(user: Any) -> QuerySet[Person]:
    ids = perms.visible_projects(user).exclude(manager=None).values("manager_id")
    return Person.objects.filter(pk__in=ids)


def project_get(user: Any, code: str) -> Project:
    """The project with `code` if the user may see it: 404 if it does not exist, 403 if hidden."""
    project = Project.objects.select_related("program", "manager", "sponsor").filter(code=code).first()
    if project is None:
        raise Http404(_("No project with code %(code)s.") % {"code": code})
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": code})
    return project


def project_get_by_id(user: Any, pk: int) -> Project:
    project = Project.objects.select_related("program", "manager", "sponsor").filter(pk=pk).first()
    if project is None:
        raise Http404(_("No project with id %(id)s.") % {"id": pk})
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    return project


def task_get(user: Any, pk: int) -> Task:
    task = Task.objects.select_related("project", "owner").filter(pk=pk).first()
    if task is None:
        raise Http404(_("No task with id %(id)s.") % {"id": pk})
    if not perms.can_view_project(user, task.project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": task.project.code})
    return task


def duration_units() -> DurationUnits:
    org = Organisation.current()
    return DurationUnits(hours_per_day=Decimal(org.hours_per_day))


@dataclass
class WbsRow:
    """A task as the WBS table shows it."""

    task: Task
    predecessors: str
    can_progress: bool


def wbs_rows(user: Any, project: Project, *, units: DurationUnits | None = None) -> list[WbsRow]:
    """Every task of the project in outline order with its predecessor text. Three queries."""
    units = units or duration_units()
    tasks = list(Task.objects.filter(project=project).select_related("owner").order_by("row"))
    # Plain tuples, not model instances: a 2,000-task plan has about as many links.
    links = (
        Dependency.objects.filter(successor__project=project)
        .order_by("predecessor__project__code", "predecessor__row")
        .values_list(
            "successor_id",
            "predecessor__project__code",
            "predecessor__wbs_code",
            "type",
            "lag_minutes",
            "lag_elapsed",
        )
    )
    text: dict[int, list[str]] = {}
    for successor_id, project_code, wbs_code, link_type, lag, lag_elapsed in links:
        ref = PredecessorRef(project_code, wbs_code, link_type, lag, lag_elapsed)
        text.setdefault(successor_id, []).append(format_predecessor(ref, units, current_project=project.code))
    can_edit = perms.can_edit_project(user, project)
    person = getattr(user, "person", None)
    person_id = person.pk if person is not None else None
    return [
        WbsRow(
            task=t,
            predecessors=", ".join(text.get(t.pk, [])),
            can_progress=can_edit
            or (person_id is not None and t.owner_id == person_id and t.kind != TaskKind.SUMMARY),
        )
        for t in tasks
    ]


def milestones(project: Project) -> QuerySet[Task]:
    return Task.objects.filter(project=project, kind=TaskKind.MILESTONE).order_by("planned_finish", "row")


def members(project: Project) -> QuerySet[ProjectMember]:
    return (
        ProjectMember.objects.filter(project=project)
        .select_related("person", "person__team")
        .order_by("role", "person__family_name_kana", "person__family_name")
    )


def person_projects(user: Any, person: Person) -> QuerySet[Project]:
    """Projects the person manages, sponsors or belongs to, among those the viewer may see."""
    qs = (
        Project.objects.filter(Q(manager=person) | Q(sponsor=person) | Q(members__person=person))
        .distinct()
        .select_related("program", "manager")
        .prefetch_related(
            Prefetch("members", queryset=ProjectMember.objects.filter(person=person), to_attr="person_roles")
        )
    )
    return perms.visible_projects(user, qs).order_by("code")


def person_tasks(user: Any, person: Person, limit: int = 50) -> QuerySet[Task]:
    visible = perms.visible_projects(user)
    return (
        Task.objects.filter(owner=person, project__in=visible)
        .exclude(kind=TaskKind.SUMMARY)
        .filter(percent_complete__lt=100)
        .select_related("project")
        .order_by("planned_finish", "project__code", "row")[:limit]
    )


@dataclass
class ScheduleRow:
    """One task of a computed schedule, as the schedule page shows it."""

    task: Task
    dates: Any  # kuroko.engine.model.TaskSchedule


@dataclass
class ProjectSchedule:
    """A project's schedule computed by the engine from durations, links and the calendar (not stored)."""

    rows: list[ScheduleRow]
    start: Any
    finish: Any
    critical_path: list[Task]
    problems: list[str]
    error: str = ""


def project_schedule(user: Any, project: Project, *, today: Any) -> ProjectSchedule:
    """Schedule the project with the engine; a plan the engine refuses gives `error`, never a traceback."""
    from kuroko.engine.cpm import PlanError, schedule
    from kuroko.projects.mapping import project_plan

    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    plan, rows = project_plan(project, today=today)
    try:
        result = schedule(plan)
    except (PlanError, ValueError) as exc:
        return ProjectSchedule([], None, None, [], [], error=str(exc))
    names = {key: str(row) for key, row in rows.items()}
    return ProjectSchedule(
        rows=[ScheduleRow(rows[key], dates) for key, dates in result.tasks.items() if key in rows],
        start=result.project_start,
        finish=result.project_finish,
        critical_path=[rows[key] for key in result.critical_path if key in rows],
        problems=[f"{names.get(p.task, p.task)}: {p.message}" for p in result.problems],
    )


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
        ).values_list("pk", "predecessor_id", "successor_id", "type", "lag_minutes")
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
    document = MspdiProject(plan=plan, baselines=mspdi_baselines(project), title=project.name)
    return write_mspdi(*_with_file_uids(project, document, computed))


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
    renamed = replace(document, plan=plan, baselines=baselines)
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


# --- Portfolio timeline ------------------------------------------------------------------------------

TIMELINE_PROJECT_FIELDS = [
    "id",
    "code",
    "name",
    "program",  # index into "programs", -1 without a program
    "status",
    "rag",  # overall RAG colour, "" when not assessed
    "percent",
    "start",
    "finish",
    "manager",
]
TIMELINE_TASK_FIELDS = ["id", "project", "kind", "wbs", "name", "start", "finish", "percent", "critical"]
TIMELINE_LINK_FIELDS = [
    "id",
    "from_project",
    "to_project",
    "from",  # the predecessor's finish (FS, FF) or start (SS, SF)
    "to",  # the successor's start (FS, SS) or finish (FF, SF)
    "type",
    "lag",
    "broken",
    "critical",
    "from_task",  # "CODE WBS name" of the predecessor
    "to_task",
]


def portfolio_timeline(user: Any, f: ProjectFilter, *, today: Any) -> dict[str, Any]:
    """Every project the user may see (filtered as the portfolio page is), grouped by program, with its
    phases (summary tasks at outline level 1), milestones and the links between tasks of different
    projects among them. Compact like `gantt_data`: times are minutes after `origin` (a local Monday
    midnight), rows are arrays described by the `*_fields` lists. Three queries, whatever the number of
    projects.

    A link is `broken` when the successor's date it depends on (its start for FS and SS, its finish for
    FF and SF) is before the predecessor's (its finish for FS and FF, its start for SS and SF): the other
    project has moved since this one was scheduled. Lag is not counted. A link is `critical` when both
    of its tasks are critical.
    """
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    zone = timezone.get_current_timezone()

    def naive(moment: datetime | None) -> datetime | None:
        # mapping.naive, with the time zone looked up once: a large portfolio has tens of thousands.
        if moment is None:
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.replace(tzinfo=None, second=0, microsecond=0)

    projects = list(project_list(user, f))
    # Grouped by program (in code order, projects without one last); the filter's sort within a group.
    programs_by_pk: dict[int, Program] = {p.program.pk: p.program for p in projects if p.program is not None}
    program_order = sorted(programs_by_pk.values(), key=lambda p: p.code)
    program_index = {p.pk: i for i, p in enumerate(program_order)}
    projects.sort(key=lambda p: program_index.get(p.program_id or 0, len(program_order)))
    index = {p.pk: i for i, p in enumerate(projects)}

    def span(project: Project) -> tuple[datetime | None, datetime | None]:
        start, finish = naive(project.scheduled_start), naive(project.scheduled_finish)
        if start is None and project.planned_start is not None:
            start = datetime.combine(project.planned_start, time())
        if finish is None and project.planned_finish is not None:
            finish = datetime.combine(project.planned_finish + timedelta(days=1), time())
        if start is not None and finish is not None and finish < start:
            finish = start
        return start, finish

    spans = [span(p) for p in projects]
    tasks = [
        (pk, project, kind, wbs, name, naive(start), naive(finish), pct, critical)
        for pk, project, kind, wbs, name, start, finish, pct, critical in Task.objects.filter(
            project_id__in=list(index)
        )
        .filter(Q(kind=TaskKind.SUMMARY, outline_level=1) | Q(kind=TaskKind.MILESTONE))
        .exclude(start=None)
        .order_by("project_id", "row")
        .values_list(
            "pk", "project_id", "kind", "wbs_code", "name", "start", "finish", "percent_complete", "critical"
        )
    ]
    links = list(
        Dependency.objects.filter(
            predecessor__project_id__in=list(index), successor__project_id__in=list(index)
        )
        .exclude(predecessor__project_id=F("successor__project_id"))
        .exclude(predecessor__start=None)
        .exclude(successor__start=None)
        .order_by("pk")
        .values_list(
            "pk",
            "type",
            "lag_minutes",
            "predecessor__project_id",
            "predecessor__project__code",
            "predecessor__wbs_code",
            "predecessor__name",
            "predecessor__start",
            "predecessor__finish",
            "predecessor__critical",
            "successor__project_id",
            "successor__project__code",
            "successor__wbs_code",
            "successor__name",
            "successor__start",
            "successor__finish",
            "successor__critical",
        )
        if index
        else []
    )
    moments = [m for t in tasks for m in (naive(t[5]), naive(t[6])) if m is not None]
    moments += [m for pair in spans for m in pair if m is not None]
    moments.append(datetime.combine(today, time()))
    first, last = min(moments), max(moments)
    origin = datetime.combine(first.date() - timedelta(days=first.weekday() + 7), time())

    def minutes(moment: datetime | None) -> int | None:
        local = naive(moment)
        return None if local is None else int((local - origin).total_seconds() // 60)

    def label(code: str, wbs: str, name: str) -> str:
        return " ".join(part for part in (code, wbs, name) if part)

    link_rows = []
    for (
        pk,
        link_type,
        lag,
        a_project,
        a_code,
        a_wbs,
        a_name,
        a_start,
        a_finish,
        a_critical,
        b_project,
        b_code,
        b_wbs,
        b_name,
        b_start,
        b_finish,
        b_critical,
    ) in links:
        source = minutes(a_finish if link_type in ("FS", "FF") else a_start)
        target = minutes(b_finish if link_type in ("FF", "SF") else b_start)
        link_rows.append(
            [
                pk,
                index[a_project],
                index[b_project],
                source,
                target,
                link_type,
                lag,
                1 if source is not None and target is not None and target < source else 0,
                1 if a_critical and b_critical else 0,
                label(a_code, a_wbs, a_name),
                label(b_code, b_wbs, b_name),
            ]
        )
    kinds: dict[str, str] = {TaskKind.SUMMARY: "phase", TaskKind.MILESTONE: "milestone"}
    return {
        "origin": origin.isoformat(),
        "days": (last.date() - origin.date()).days + 45,
        "today": (today - origin.date()).days * 1440,
        "programs": [[p.code, p.name] for p in program_order],
        "project_fields": TIMELINE_PROJECT_FIELDS,
        "projects": [
            [
                p.pk,
                p.code,
                p.name,
                program_index.get(p.program_id or 0, -1),
                p.status,
                p.rag_overall,
                float(p.percent_complete),
                minutes(start),
                minutes(finish),
                str(p.manager) if p.manager_id else "",
            ]
            for p, (start, finish) in zip(projects, spans, strict=True)
        ],
        "task_fields": TIMELINE_TASK_FIELDS,
        "tasks": [
            [
                pk,
                index[project],
                kinds[kind],
                wbs,
                name,
                minutes(start),
                minutes(finish),
                pct,
                1 if crit else 0,
            ]
            for pk, project, kind, wbs, name, start, finish, pct, crit in tasks
        ],
        "link_fields": TIMELINE_LINK_FIELDS,
        "links": link_rows,
    }
