"""Reads for pages and API alike. Every function takes the requesting user and returns only what
that user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
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
    project_type: str | None = None  # project type code
    q: str = ""
    sort: str = DEFAULT_SORT


def filter_projects(qs: QuerySet[Project], f: ProjectFilter) -> QuerySet[Project]:
    if f.program:
        qs = qs.filter(program__code=f.program)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.manager:
        qs = qs.filter(manager_id=f.manager)
    if f.project_type:
        qs = qs.filter(project_type__code=f.project_type)
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
    """How long a day, a week (1w) and a month (1mo) are, from the organisation settings."""
    org = Organisation.current()
    day = Decimal(org.hours_per_day)
    return DurationUnits(
        hours_per_day=day,
        days_per_week=min(max(Decimal(org.hours_per_week) / day, Decimal(1)), Decimal(7)),
        days_per_month=min(max(Decimal(org.hours_per_month) / day, Decimal(1)), Decimal(31)),
    )


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


# The schedule and timeline reads live in submodules; importing them last lets them use the names above.
from kuroko.projects.selectors.load import (  # noqa: E402
    DEFAULT_PERIODS,
    MAX_MONTHS,
    MAX_PERIODS,
    SCALES,
    CellTask,
    LoadCell,
    LoadFilter,
    LoadGrid,
    LoadQuery,
    load_cell,
    load_grid,
    load_query,
    parse_month,
)
from kuroko.projects.selectors.resources import (  # noqa: E402
    HeatCell,
    HeatRow,
    OverAllocation,
    capacity_heatmap,
    capacity_minutes,
    over_allocations,
    person_calendars,
)
from kuroko.projects.selectors.schedule import (  # noqa: E402
    GANTT_KINDS,
    NetworkLink,
    NetworkProject,
    PortfolioNetwork,
    Variance,
    baseline_variances,
    baselines,
    driving_path,
    gantt_data,
    mspdi_baselines,
    portfolio_network,
    project_mspdi,
)
from kuroko.projects.selectors.timeline import (  # noqa: E402
    TIMELINE_LINK_FIELDS,
    TIMELINE_PROJECT_FIELDS,
    TIMELINE_TASK_FIELDS,
    portfolio_timeline,
)
from kuroko.projects.selectors.utilisation import (  # noqa: E402
    MonthCell,
    MonthRow,
    MonthTable,
    skill_load,
    utilisation,
)

__all__ = [
    "DEFAULT_PERIODS",
    "DEFAULT_SORT",
    "GANTT_KINDS",
    "MAX_MONTHS",
    "MAX_PERIODS",
    "SCALES",
    "SORTS",
    "TIMELINE_LINK_FIELDS",
    "TIMELINE_PROJECT_FIELDS",
    "TIMELINE_TASK_FIELDS",
    "CellTask",
    "HeatCell",
    "HeatRow",
    "LoadCell",
    "LoadFilter",
    "LoadGrid",
    "LoadQuery",
    "MonthCell",
    "MonthRow",
    "MonthTable",
    "NetworkLink",
    "NetworkProject",
    "OverAllocation",
    "PortfolioNetwork",
    "PortfolioSummary",
    "ProjectFilter",
    "ProjectSchedule",
    "ScheduleRow",
    "Variance",
    "WbsRow",
    "baseline_variances",
    "baselines",
    "capacity_heatmap",
    "capacity_minutes",
    "driving_path",
    "duration_units",
    "filter_projects",
    "gantt_data",
    "load_cell",
    "load_grid",
    "load_query",
    "managers_for_filter",
    "members",
    "milestones",
    "mspdi_baselines",
    "over_allocations",
    "parse_month",
    "person_calendars",
    "person_projects",
    "person_tasks",
    "portfolio_network",
    "portfolio_summary",
    "portfolio_timeline",
    "programs",
    "project_get",
    "project_get_by_id",
    "project_list",
    "project_mspdi",
    "project_schedule",
    "skill_load",
    "task_get",
    "utilisation",
    "wbs_rows",
]
