"""REST endpoints of schedule risk analysis: a project's simulation runs (list, start, read with status,
progress and results, delete), the comparison of two runs, three-point estimates (read, replace in bulk)
and correlation groups (CRUD).

Bad input answers 422 with `{"detail": [{"loc": ["body", field], "msg": …}]}`; an estimate's field is
named `tasks.<task id>.<minimum|most_likely|maximum|distribution>` and its message names the task.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from kuroko.projects import selectors as project_selectors
from kuroko.projects.selectors import duration_units
from kuroko.raid import forms_simulation as forms
from kuroko.raid.models import CorrelationGroup, SimulationRun
from kuroko.raid.selectors import simulation as selectors
from kuroko.raid.services import simulation as services

router = Router(tags=["schedule risk"])


class RunIn(Schema):
    name: str = ""
    iterations: int = Field(5000, description="100 to 100,000")
    seed: int = Field(1, description="The same seed and inputs give the same result")
    sampling: str = Field("lhs", description='"lhs" (Latin hypercube) or "random"')
    convergence_minutes: int | None = Field(
        None, description="Stop when P50 and P80 move less than this many working minutes between batches"
    )
    range: list[Decimal] | None = Field(
        [Decimal("0.9"), Decimal("1.0"), Decimal("1.3")],
        description="Factors of the planned duration for tasks without an estimate; null: they do not vary",
    )
    distribution: str = Field("pert", description="pert, triangular, uniform or lognormal")
    deadline: date | None = Field(None, description="Default: the project's planned finish")
    include_risks: bool = True


class RunOut(Schema):
    id: int
    project: str
    number: int
    name: str
    status: str
    progress: int
    iterations: int
    seed: int
    sampling: str
    convergence_minutes: int | None
    range: list[float] | None
    distribution: str
    include_risks: bool
    deadline: date | None
    created_at: datetime
    created_by: str | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    p50: date | None = None
    p80: date | None = None


class RunDetailOut(RunOut):
    results: dict[str, Any] | None
    inputs: dict[str, Any] = Field(description="What the run simulated: options, estimates, risk events…")


class CompareRowOut(Schema):
    label: str
    a: Any
    b: Any
    change: Any = None


class CompareOut(Schema):
    a: int
    b: int
    percentiles: list[CompareRowOut]
    milestones: list[CompareRowOut]
    cost: list[CompareRowOut]
    criticality: list[dict[str, Any]]
    options: list[CompareRowOut]
    estimates: list[CompareRowOut]
    risks: list[CompareRowOut]
    durations: list[CompareRowOut]
    correlation_groups: list[CompareRowOut]


class CompareQuery(Schema):
    a: int
    b: int


class EstimateOut(Schema):
    task: int
    wbs_code: str
    name: str
    duration_minutes: int
    elapsed: bool
    minimum_minutes: int | None
    most_likely_minutes: int | None
    maximum_minutes: int | None
    distribution: str | None


class EstimateIn(Schema):
    task: int
    minimum: int | str | None = Field(None, description="Working minutes, or a duration like 8d or 4h")
    most_likely: int | str | None = None
    maximum: int | str | None = None
    distribution: str = "pert"


class EstimatesIn(Schema):
    estimates: list[EstimateIn] = Field(
        description="Each task's estimate; all three empty clears it. Tasks not listed are left as they are."
    )


class EstimatesOut(Schema):
    changed: int
    estimates: list[EstimateOut]


class GroupIn(Schema):
    name: str
    coefficient: Decimal = Field(description="0 to 0.99")
    tasks: list[int]


class GroupPatch(Schema):
    name: str | None = None
    coefficient: Decimal | None = None
    tasks: list[int] | None = None


class GroupOut(Schema):
    id: int
    name: str
    coefficient: Decimal
    tasks: list[int]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _run(run: SimulationRun, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": run.pk,
        "project": run.project.code,
        "number": run.number,
        "name": run.name,
        "status": run.status,
        "progress": run.progress,
        "iterations": run.iterations,
        "seed": run.seed,
        "sampling": run.sampling,
        "convergence_minutes": run.convergence_minutes,
        "range": None
        if run.range_min is None
        else [float(run.range_min), float(run.range_most_likely or 0), float(run.range_max or 0)],
        "distribution": run.distribution,
        "include_risks": run.include_risks,
        "deadline": run.deadline,
        "created_at": run.created_at,
        "created_by": run.created_by.get_username() if run.created_by else None,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "p50": _day(getattr(run, "p50", None)),
        "p80": _day(getattr(run, "p80", None)),
    }
    if detail:
        finish = (run.results or {}).get("finish") or {}
        out |= {
            "results": run.results,
            "inputs": {
                k: v for k, v in (run.inputs or {}).items() if k not in ("plan", "risk_model", "labels")
            },
            "p50": _day(finish.get("p50")),
            "p80": _day(finish.get("p80")),
        }
    return out


@router.get("/projects/{code}/simulation-runs", response=list[RunOut])
def run_list(request: HttpRequest, code: str) -> Any:
    """The project's runs, newest first, with their P50 and P80 finish."""
    project = project_selectors.project_get(request.user, code)
    return [_run(r) for r in selectors.runs(request.user, project).select_related("project")[:500]]


@router.post("/projects/{code}/simulation-runs", response={201: RunOut})
def run_start(request: HttpRequest, code: str, payload: RunIn) -> Any:
    """Start a run: it is queued, then computed in the background; poll it for progress and results."""
    project = project_selectors.project_get(request.user, code)
    data = payload.dict()
    if data.get("range") is not None:
        data["range"] = [str(v) for v in data["range"]]
    if "deadline" not in payload.model_fields_set:
        data.pop("deadline")
    run = services.simulation_start(user=request.user, project=project, options=data)
    return HttpStatus(201, _run(run))


@router.get("/simulation-runs/compare", response=CompareOut)
def run_compare(request: HttpRequest, query: Query[CompareQuery]) -> Any:
    """Two done runs of one project: percentiles with the difference B − A in working days, milestones,
    cost, criticality changes and what changed in their inputs."""
    c = selectors.compare(request.user, query.a, query.b)

    def rows(items: list[selectors.Row]) -> list[dict[str, Any]]:
        return [
            {
                "label": r.label,
                "a": r.a.isoformat() if isinstance(r.a, date) else r.a,
                "b": r.b.isoformat() if isinstance(r.b, date) else r.b,
                "change": r.change,
            }
            for r in items
        ]

    return {
        "a": c.a.pk,
        "b": c.b.pk,
        "percentiles": rows(c.percentiles),
        "milestones": rows(c.milestones),
        "cost": rows(c.cost),
        "criticality": [
            {
                "task": int(t.id) if t.id.isdigit() else t.id,
                "wbs_code": t.wbs,
                "name": t.name,
                "a": t.other,
                "b": t.value,
            }
            for t in c.criticality
        ],
        "options": rows(c.option_changes),
        "estimates": rows(c.estimate_changes),
        "risks": rows(c.risk_changes),
        "durations": rows(c.plan_changes),
        "correlation_groups": rows(c.correlation_changes),
    }


@router.get("/simulation-runs/{run_id}", response=RunDetailOut)
def run_get(request: HttpRequest, run_id: int) -> Any:
    """A run: its status and progress (0–100) while it computes, then its results (finish percentiles,
    histogram and cumulative curve, milestones, cost, criticality, sensitivity) or its error."""
    return _run(selectors.run_get(request.user, run_id), detail=True)


@router.delete("/simulation-runs/{run_id}", response={204: None})
def run_delete(request: HttpRequest, run_id: int) -> Any:
    services.simulation_delete(user=request.user, run=selectors.run_status(request.user, run_id))
    return HttpStatus(204, None)


@router.get("/projects/{code}/estimates", response=list[EstimateOut])
def estimate_list(request: HttpRequest, code: str) -> Any:
    """Every leaf task that takes time, in WBS order, with its three-point estimate (null: none)."""
    project = project_selectors.project_get(request.user, code)
    return selectors.estimates(request.user, project)


@router.put("/projects/{code}/estimates", response=EstimatesOut)
def estimate_put(request: HttpRequest, code: str, payload: EstimatesIn) -> Any:
    """Set or clear the estimates of the listed tasks in one transaction (all or nothing)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from kuroko.raid.permissions import can_simulate

    project = project_selectors.project_get(request.user, code)
    if not can_simulate(request.user, project):
        raise PermissionDenied
    tasks = {t.pk: t for t in selectors.estimable_tasks(request.user, project)}
    units = duration_units()
    rows = []
    errors: dict[str, list[str]] = {}
    unknown = [item.task for item in payload.estimates if item.task not in tasks]
    if unknown:
        services.estimable(project, unknown)  # refuses naming the task
    for item in payload.estimates:
        task = tasks[item.task]
        try:
            rows.append(
                forms.estimate_row(
                    task,
                    {"minimum": item.minimum, "most_likely": item.most_likely, "maximum": item.maximum},
                    units,
                    item.distribution,
                )
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        for key, messages in services.estimate_errors(tasks, rows).items():
            errors.setdefault(key, []).extend(messages)
        raise ValidationError(errors)
    changed = services.estimates_save(user=request.user, project=project, rows=rows)
    return {"changed": changed, "estimates": selectors.estimates(request.user, project)}


def _group(group: CorrelationGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "coefficient": group.coefficient,
        "tasks": sorted(t.pk for t in group.tasks.all()),
    }


@router.get("/projects/{code}/correlation-groups", response=list[GroupOut])
def group_list(request: HttpRequest, code: str) -> Any:
    project = project_selectors.project_get(request.user, code)
    return [_group(g) for g in selectors.correlation_groups(request.user, project)]


@router.post("/projects/{code}/correlation-groups", response={201: GroupOut})
def group_create(request: HttpRequest, code: str, payload: GroupIn) -> Any:
    """A group of tasks whose durations move together (one-factor correlation 0–0.99)."""
    project = project_selectors.project_get(request.user, code)
    group = services.correlation_group_create(user=request.user, project=project, data=payload.dict())
    return HttpStatus(201, _group(group))


@router.get("/correlation-groups/{group_id}", response=GroupOut)
def group_get(request: HttpRequest, group_id: int) -> Any:
    return _group(selectors.correlation_group_get(request.user, group_id))


@router.patch("/correlation-groups/{group_id}", response=GroupOut)
def group_update(request: HttpRequest, group_id: int, payload: GroupPatch) -> Any:
    group = selectors.correlation_group_get(request.user, group_id)
    group = services.correlation_group_update(
        user=request.user, group=group, data=payload.dict(exclude_unset=True)
    )
    return _group(group)


@router.delete("/correlation-groups/{group_id}", response={204: None})
def group_delete(request: HttpRequest, group_id: int) -> Any:
    services.correlation_group_delete(
        user=request.user, group=selectors.correlation_group_get(request.user, group_id)
    )
    return HttpStatus(204, None)
