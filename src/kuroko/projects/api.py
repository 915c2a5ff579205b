"""REST endpoints for programs, projects, members, tasks (with tree operations) and dependencies."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from kuroko.core.permissions import require, role_of
from kuroko.projects import permissions as perms
from kuroko.projects import selectors, services
from kuroko.projects.models import (
    ConstraintType,
    Dependency,
    DependencyType,
    Program,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectType,
    Rag,
    Status,
    Task,
    TaskKind,
)

router = Router(tags=["projects"])
VERSION = Field(description="The version you read; a stale one gets 409 Conflict with what changed.")


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema names → model field names (`program_id` → `program`); date-times without an offset are
    local time, as in MS Project XML."""
    return {
        (k[:-3] if k.endswith("_id") else k): (
            timezone.make_aware(v) if isinstance(v, datetime) and timezone.is_naive(v) else v
        )
        for k, v in data.items()
    }


# --- Programs -----------------------------------------------------------------------------------


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    description: str
    version: int


class ProgramIn(Schema):
    code: str
    name: str
    description: str = ""


class ProgramPatch(Schema):
    version: int = VERSION
    code: str | None = None
    name: str | None = None
    description: str | None = None


def _program(request: HttpRequest, code: str) -> Program:
    require(role_of(request.user) is not None)
    return get_object_or_404(Program, code=code)


@router.get("/programs", response=list[ProgramOut])
@paginate
def list_programs(request: HttpRequest) -> Any:
    require(role_of(request.user) is not None)
    return selectors.programs()


@router.post("/programs", response={201: ProgramOut})
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    return HttpStatus(201, services.program_create(actor=request.user, data=payload.dict()))


@router.get("/programs/{code}", response=ProgramOut)
def get_program(request: HttpRequest, code: str) -> Program:
    return _program(request, code)


@router.patch("/programs/{code}", response=ProgramOut)
def update_program(request: HttpRequest, code: str, payload: ProgramPatch) -> Program:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.program_update(
        actor=request.user, program=_program(request, code), data=data, expected_version=version
    )


@router.delete("/programs/{code}", response={204: None})
def delete_program(request: HttpRequest, code: str) -> Any:
    services.program_delete(actor=request.user, program=_program(request, code))
    return HttpStatus(204, None)


# --- Projects -----------------------------------------------------------------------------------


def _project_type(data: dict[str, Any]) -> dict[str, Any]:
    """The project type's code (in `project_type`) as the row; an unknown code is a 422 on that field."""
    code = data.get("project_type")
    if code:
        found = ProjectType.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"project_type": _("There is no project type %(code)s.") % {"code": code}})
        data["project_type"] = found
    elif "project_type" in data:
        data["project_type"] = None
    return data


class RagOut(Schema):
    colour: str
    reason: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    description: str
    program_id: int | None
    program_code: str | None = Field(None, alias="program.code")
    manager_id: int | None
    sponsor_id: int | None
    project_type: str | None = Field(None, alias="project_type.code", description="Project type code")
    status: Status
    priority: int
    planned_start: date | None
    planned_finish: date | None
    status_date: date | None
    schedule_from_finish: bool
    critical_float_days: Decimal
    calendar_id: int | None = Field(None, description="Empty: the organisation's default calendar")
    compared_baseline: int
    scheduled_start: datetime | None = Field(None, description="Computed by the scheduling engine")
    scheduled_finish: datetime | None = None
    budget: Decimal
    percent_complete: Decimal
    rag_overall: str
    rag_overall_reason: str
    rag_schedule: str
    rag_schedule_reason: str
    rag_cost: str
    rag_cost_reason: str
    rag_scope: str
    rag_scope_reason: str
    rag_quality: str
    rag_quality_reason: str
    rag_risk: str
    rag_risk_reason: str
    version: int


RagColour = Literal["", "green", "amber", "red"]


class ProjectIn(Schema):
    code: str
    name: str
    description: str = ""
    program_id: int | None = None
    manager_id: int | None = None
    sponsor_id: int | None = None
    project_type: str | None = Field(None, description="Project type code")
    status: Status = Status.PROPOSED
    priority: int = 500
    planned_start: date | None = None
    planned_finish: date | None = None
    status_date: date | None = None
    schedule_from_finish: bool = False
    critical_float_days: Decimal = Field(Decimal(0), ge=0)
    calendar_id: int | None = None
    budget: Decimal = Decimal(0)
    rag_overall: RagColour = ""
    rag_overall_reason: str = ""
    rag_schedule: RagColour = ""
    rag_schedule_reason: str = ""
    rag_cost: RagColour = ""
    rag_cost_reason: str = ""
    rag_scope: RagColour = ""
    rag_scope_reason: str = ""
    rag_quality: RagColour = ""
    rag_quality_reason: str = ""
    rag_risk: RagColour = ""
    rag_risk_reason: str = ""


class ProjectPatch(Schema):
    version: int = VERSION
    code: str | None = None
    name: str | None = None
    description: str | None = None
    program_id: int | None = None
    manager_id: int | None = None
    sponsor_id: int | None = None
    project_type: str | None = Field(None, description="Project type code; empty text clears it")
    status: Status | None = None
    priority: int | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    status_date: date | None = None
    schedule_from_finish: bool | None = None
    critical_float_days: Decimal | None = Field(None, ge=0)
    calendar_id: int | None = None
    compared_baseline: int | None = Field(None, ge=0, le=10)
    budget: Decimal | None = None
    rag_overall: RagColour | None = None
    rag_overall_reason: str | None = None
    rag_schedule: RagColour | None = None
    rag_schedule_reason: str | None = None
    rag_cost: RagColour | None = None
    rag_cost_reason: str | None = None
    rag_scope: RagColour | None = None
    rag_scope_reason: str | None = None
    rag_quality: RagColour | None = None
    rag_quality_reason: str | None = None
    rag_risk: RagColour | None = None
    rag_risk_reason: str | None = None


class ProjectQuery(Schema):
    """The same filters as the portfolio page."""

    program: str | None = Field(None, description="Program code")
    status: list[Status] = Field(default_factory=list)
    manager: int | None = Field(None, description="Person id of the project manager")
    rag: Literal["green", "amber", "red", "none"] | None = None
    project_type: str | None = Field(None, description="Project type code")
    q: str = ""
    sort: Literal[tuple(selectors.SORTS)] = selectors.DEFAULT_SORT  # type: ignore[valid-type]

    def to_filter(self) -> selectors.ProjectFilter:
        return selectors.ProjectFilter(
            program=self.program,
            status=[str(s) for s in self.status],
            manager=self.manager,
            rag=self.rag,
            project_type=self.project_type,
            q=self.q,
            sort=self.sort,
        )


@router.get("/projects", response=list[ProjectOut])
@paginate
def list_projects(request: HttpRequest, filters: Query[ProjectQuery]) -> Any:
    return selectors.project_list(request.user, filters.to_filter())


@router.post("/projects", response={201: ProjectOut})
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    return HttpStatus(
        201, services.project_create(actor=request.user, data=_project_type(_fields(payload.dict())))
    )


@router.get("/projects/{code}", response=ProjectOut)
def get_project(request: HttpRequest, code: str) -> Project:
    return selectors.project_get(request.user, code)


@router.patch("/projects/{code}", response=ProjectOut)
def update_project(request: HttpRequest, code: str, payload: ProjectPatch) -> Project:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    project = selectors.project_get(request.user, code)
    return services.project_update(
        actor=request.user, project=project, data=_project_type(_fields(data)), expected_version=version
    )


@router.delete("/projects/{code}", response={204: None})
def delete_project(request: HttpRequest, code: str) -> Any:
    services.project_delete(actor=request.user, project=selectors.project_get(request.user, code))
    return HttpStatus(204, None)


# --- Portfolio timeline ------------------------------------------------------------------------


class TimelineOut(Schema):
    """Compact like the Gantt's data: times are minutes after `origin` (a local Monday midnight); each
    row is an array whose columns `project_fields`, `task_fields` and `link_fields` name."""

    origin: datetime
    days: int = Field(description="Days from origin the chart spans")
    today: int = Field(description="Minutes after origin of today's start")
    programs: list[list[str]] = Field(description="[code, name] of each program, in the order of groups")
    project_fields: list[str]
    projects: list[list[Any]] = Field(
        description="Grouped by program; `program` indexes `programs`, -1: none"
    )
    task_fields: list[str]
    tasks: list[list[Any]] = Field(description="Phases (summary tasks at outline level 1) and milestones")
    link_fields: list[str]
    links: list[list[Any]] = Field(
        description="Links between tasks of two listed projects; `broken`: the successor is scheduled "
        "before the predecessor allows (lag not counted); `critical`: both tasks are critical"
    )


@router.get("/portfolio/timeline", response=TimelineOut)
def portfolio_timeline(request: HttpRequest, filters: Query[ProjectQuery]) -> dict[str, Any]:
    """Every project you may see (the portfolio filters apply) on one time axis: spans, phases,
    milestones and cross-project links."""
    return selectors.portfolio_timeline(request.user, filters.to_filter(), today=timezone.localdate())


# --- Import ------------------------------------------------------------------------------------


@router.post("/imports/mspdi", response={201: ProjectOut})
def import_mspdi(
    request: HttpRequest, file: File[UploadedFile], code: Form[str], name: Form[str] = ""
) -> Any:
    """Create a project from an MS Project XML file (multipart form: file, code, optional name)."""
    project = services.project_import_mspdi(actor=request.user, data=file.read(), code=code, name=name)
    return HttpStatus(201, selectors.project_get(request.user, project.code))


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class TaskChangeOut(Schema):
    uid: str = Field(description="The task's MS Project UID (empty for a task added in Kuroko)")
    name: str
    fields: list[str]
    changes: list[FieldChangeOut]


class LinkChangeOut(Schema):
    predecessor: str
    successor: str
    type: DependencyType
    lag_minutes: int


class AssignmentChangeOut(Schema):
    task: str
    resource: str = Field(description="The person, or the placeholder's name")
    old: str = Field(description="Units and work now; empty when added")
    new: str = Field(description="Units and work from the file; empty when removed")


class ImportDiffOut(Schema):
    applied: bool = Field(description="False for a dry run: nothing was written")
    added: list[TaskChangeOut]
    changed: list[TaskChangeOut]
    removed: list[TaskChangeOut]
    links_added: list[LinkChangeOut]
    links_changed: list[LinkChangeOut]
    links_removed: list[LinkChangeOut]
    project: list[FieldChangeOut]
    assignments: list[AssignmentChangeOut]
    warnings: list[str]


@router.post("/projects/{code}/imports/mspdi", response=ImportDiffOut)
def update_from_mspdi(
    request: HttpRequest, code: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Any:
    """Update the project from a later version of its MS Project XML file (multipart form: file, and
    dry_run to see the changes without making them). Tasks are matched by their MS Project UID."""
    project = selectors.project_get(request.user, code)
    return services.project_update_mspdi(
        actor=request.user, project=project, data=file.read(), dry_run=dry_run
    )


# --- Schedule ------------------------------------------------------------------------------------


class ScheduledTaskOut(Schema):
    id: int
    wbs_code: str
    name: str
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float_minutes: int
    free_float_minutes: int
    critical: bool
    summary: bool


class ScheduleOut(Schema):
    project_start: datetime | None
    project_finish: datetime | None
    critical_path: list[int]
    problems: list[str]
    error: str
    tasks: list[ScheduledTaskOut]


@router.get("/projects/{code}/schedule", response=ScheduleOut)
def get_schedule(request: HttpRequest, code: str) -> dict[str, Any]:
    """The project scheduled by the engine (computed on request, not stored)."""
    project = selectors.project_get(request.user, code)
    computed = selectors.project_schedule(request.user, project, today=timezone.localdate())
    return {
        "project_start": computed.start,
        "project_finish": computed.finish,
        "critical_path": [t.pk for t in computed.critical_path],
        "problems": computed.problems,
        "error": computed.error,
        "tasks": [
            {
                "id": row.task.pk,
                "wbs_code": row.task.wbs_code,
                "name": row.task.name,
                "start": row.dates.start,
                "finish": row.dates.finish,
                "early_start": row.dates.early_start,
                "early_finish": row.dates.early_finish,
                "late_start": row.dates.late_start,
                "late_finish": row.dates.late_finish,
                "total_float_minutes": row.dates.total_float,
                "free_float_minutes": row.dates.free_float,
                "critical": row.dates.critical,
                "summary": row.dates.summary,
            }
            for row in computed.rows
        ],
    }


# --- Members ------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.full_name")
    role: ProjectRole


class MemberIn(Schema):
    person_id: int
    role: ProjectRole = ProjectRole.MEMBER


@router.get("/projects/{code}/members", response=list[MemberOut])
def list_members(request: HttpRequest, code: str) -> Any:
    return selectors.members(selectors.project_get(request.user, code))


@router.post("/projects/{code}/members", response={201: MemberOut})
def add_member(request: HttpRequest, code: str, payload: MemberIn) -> Any:
    from kuroko.people.models import Person

    project = selectors.project_get(request.user, code)
    person = Person.objects.filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("No person with id %(id)s.") % {"id": payload.person_id}})
    return HttpStatus(
        201, services.member_add(actor=request.user, project=project, person=person, role=payload.role)
    )


@router.delete("/projects/{code}/members/{member_id}", response={204: None})
def remove_member(request: HttpRequest, code: str, member_id: int) -> Any:
    project = selectors.project_get(request.user, code)
    services.member_remove(
        actor=request.user, member=get_object_or_404(ProjectMember, pk=member_id, project=project)
    )
    return HttpStatus(204, None)


# --- Tasks --------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    position: int
    wbs_code: str
    outline_level: int
    row: int
    kind: TaskKind
    name: str
    duration_minutes: int
    duration_elapsed: bool
    planned_start: date | None
    planned_finish: date | None
    percent_complete: int
    owner_id: int | None
    notes: str
    constraint_type: ConstraintType
    constraint_date: datetime | None
    deadline: datetime | None
    actual_start: datetime | None
    actual_finish: datetime | None
    priority: int = Field(500, description="0–1000 as in MS Project: levelling delays lower priorities first")
    level_start: datetime | None = Field(None, description="Set by an applied levelling proposal: not before")
    version: int
    start: datetime | None = Field(None, description="Computed by the scheduling engine")
    finish: datetime | None = None
    early_start: datetime | None = None
    early_finish: datetime | None = None
    late_start: datetime | None = None
    late_finish: datetime | None = None
    total_float_minutes: int | None = None
    free_float_minutes: int | None = None
    critical: bool = False
    source_uid: str | None = Field(None, description="The task's UID in the MS Project file it came from")


class TaskIn(Schema):
    name: str
    parent_id: int | None = Field(None, description="Add as the last subtask of this task")
    after_id: int | None = Field(None, description="Insert right after this sibling (overrides parent_id)")
    kind: Literal["task", "milestone"] = "task"
    duration_minutes: int = Field(0, ge=0)
    duration_elapsed: bool = Field(False, description="Calendar time (nights and holidays count)")
    planned_start: date | None = None
    planned_finish: date | None = None
    percent_complete: int = Field(0, ge=0, le=100)
    owner_id: int | None = None
    notes: str = ""
    constraint_type: ConstraintType | None = None
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    priority: int = Field(500, ge=0, le=1000)


class TaskPatch(Schema):
    version: int = VERSION
    name: str | None = None
    kind: Literal["task", "milestone"] | None = None
    duration_minutes: int | None = Field(None, ge=0)
    duration_elapsed: bool | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    percent_complete: int | None = Field(None, ge=0, le=100)
    owner_id: int | None = None
    notes: str | None = None
    constraint_type: ConstraintType | None = None
    constraint_date: datetime | None = Field(None, description="Local time when no offset is given")
    deadline: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    priority: int | None = Field(None, ge=0, le=1000)


class VersionIn(Schema):
    version: int | None = VERSION


class MoveIn(Schema):
    direction: Literal["up", "down"]
    version: int | None = VERSION


@router.get("/projects/{code}/tasks", response=list[TaskOut])
@paginate
def list_tasks(request: HttpRequest, code: str) -> Any:
    project = selectors.project_get(request.user, code)
    return Task.objects.filter(project=project).order_by("row")


@router.post("/projects/{code}/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, code: str, payload: TaskIn) -> Any:
    project = selectors.project_get(request.user, code)
    data = payload.dict()
    parent_id, after_id = data.pop("parent_id"), data.pop("after_id")
    if data["constraint_type"] is None:
        del data["constraint_type"]
    parent = get_object_or_404(Task, pk=parent_id, project=project) if parent_id else None
    after = get_object_or_404(Task, pk=after_id, project=project) if after_id else None
    task = services.task_create(
        actor=request.user, project=project, data=_fields(data), parent=parent, after=after
    )
    return HttpStatus(201, task)


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: int) -> Task:
    return selectors.task_get(request.user, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Task:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.task_update(
        actor=request.user,
        task=selectors.task_get(request.user, task_id),
        data=_fields(data),
        expected_version=version,
    )


@router.delete("/tasks/{task_id}", response={204: None})
def delete_task(request: HttpRequest, task_id: int, version: int | None = None) -> Any:
    services.task_delete(
        actor=request.user, task=selectors.task_get(request.user, task_id), expected_version=version
    )
    return HttpStatus(204, None)


@router.post("/tasks/{task_id}/indent", response=TaskOut)
def indent_task(request: HttpRequest, task_id: int, payload: VersionIn) -> Task:
    return services.task_indent(
        actor=request.user, task=selectors.task_get(request.user, task_id), expected_version=payload.version
    )


@router.post("/tasks/{task_id}/outdent", response=TaskOut)
def outdent_task(request: HttpRequest, task_id: int, payload: VersionIn) -> Task:
    return services.task_outdent(
        actor=request.user, task=selectors.task_get(request.user, task_id), expected_version=payload.version
    )


@router.post("/tasks/{task_id}/move", response=TaskOut)
def move_task(request: HttpRequest, task_id: int, payload: MoveIn) -> Task:
    return services.task_move(
        actor=request.user,
        task=selectors.task_get(request.user, task_id),
        direction=payload.direction,
        expected_version=payload.version,
    )


# --- Dependencies -------------------------------------------------------------------------------


class DependencyOut(Schema):
    id: int
    predecessor_id: int
    successor_id: int
    type: DependencyType
    lag_minutes: int
    lag_elapsed: bool


class DependencyIn(Schema):
    predecessor_id: int
    successor_id: int
    type: DependencyType = DependencyType.FS
    lag_minutes: int = 0
    lag_elapsed: bool = Field(False, description="The lag is calendar time, not working time")


class DependencyPatch(Schema):
    type: DependencyType | None = None
    lag_minutes: int | None = None
    lag_elapsed: bool | None = None


@router.get("/dependencies", response=list[DependencyOut])
@paginate
def list_dependencies(request: HttpRequest, project: str) -> Any:
    """Links whose successor is in the project (its predecessors may be in other projects)."""
    target = selectors.project_get(request.user, project)
    return Dependency.objects.filter(successor__project=target).order_by("pk")


def _task_or_422(request: HttpRequest, field: str, pk: int) -> Task:
    task = Task.objects.select_related("project").filter(pk=pk).first()
    if task is None or not perms.can_view_project(request.user, task.project):
        raise ValidationError({field: _("No task with id %(id)s.") % {"id": pk}})
    return task


@router.post("/dependencies", response={201: DependencyOut})
def create_dependency(request: HttpRequest, payload: DependencyIn) -> Any:
    predecessor = _task_or_422(request, "predecessor_id", payload.predecessor_id)
    successor = _task_or_422(request, "successor_id", payload.successor_id)
    return HttpStatus(
        201,
        services.dependency_create(
            actor=request.user,
            predecessor=predecessor,
            successor=successor,
            type=payload.type,
            lag_minutes=payload.lag_minutes,
            lag_elapsed=payload.lag_elapsed,
        ),
    )


def _dependency(request: HttpRequest, pk: int) -> Dependency:
    dependency = get_object_or_404(Dependency.objects.select_related("successor__project"), pk=pk)
    require(perms.can_view_project(request.user, dependency.successor.project))
    return dependency


@router.get("/dependencies/{dependency_id}", response=DependencyOut)
def get_dependency(request: HttpRequest, dependency_id: int) -> Dependency:
    return _dependency(request, dependency_id)


@router.patch("/dependencies/{dependency_id}", response=DependencyOut)
def update_dependency(request: HttpRequest, dependency_id: int, payload: DependencyPatch) -> Dependency:
    return services.dependency_update(
        actor=request.user,
        dependency=_dependency(request, dependency_id),
        data=payload.dict(exclude_unset=True),
    )


@router.delete("/dependencies/{dependency_id}", response={204: None})
def delete_dependency(request: HttpRequest, dependency_id: int) -> Any:
    services.dependency_delete(actor=request.user, dependency=_dependency(request, dependency_id))
    return HttpStatus(204, None)


__all__ = ["Rag", "router"]
