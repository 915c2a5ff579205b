"""REST endpoints for the schedule beyond the task fields: baselines with their variance, and the
Gantt data (the same compact rows the Gantt page draws)."""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.projects import selectors, services

router = Router(tags=["schedule"])


class BaselineOut(Schema):
    number: int
    name: str
    captured_at: datetime
    captured_by: str | None
    start: datetime | None
    finish: datetime | None


class BaselineIn(Schema):
    name: str = Field("", max_length=100)


class VarianceOut(Schema):
    task_id: int
    wbs_code: str
    name: str
    start: datetime | None
    finish: datetime | None
    baseline_start: datetime | None
    baseline_finish: datetime | None
    baseline_duration_minutes: int
    start_variance_minutes: int | None = Field(description="Working minutes; positive = later")
    finish_variance_minutes: int | None
    duration_variance_minutes: int | None


def _baseline_out(b: Any) -> dict[str, Any]:
    who = b.captured_by
    return {
        "number": b.number,
        "name": b.name,
        "captured_at": b.captured_at,
        "captured_by": (who.get_full_name() or who.get_username()) if who else None,
        "start": b.start,
        "finish": b.finish,
    }


@router.get("/projects/{code}/baselines", response=list[BaselineOut])
def list_baselines(request: HttpRequest, code: str) -> Any:
    """The baselines saved for the project (numbers 0–10; unsaved numbers are left out)."""
    project = selectors.project_get(request.user, code)
    return [_baseline_out(b) for b in selectors.baselines(project) if b is not None]


@router.put("/projects/{code}/baselines/{number}", response={201: BaselineOut})
def capture_baseline(request: HttpRequest, code: str, number: int, payload: BaselineIn) -> Any:
    """Save the current schedule as baseline `number` (0–10), replacing what it held."""
    project = selectors.project_get(request.user, code)
    baseline = services.baseline_capture(
        actor=request.user, project=project, number=number, name=payload.name
    )
    return HttpStatus(201, _baseline_out(baseline))


@router.delete("/projects/{code}/baselines/{number}", response={204: None})
def clear_baseline(request: HttpRequest, code: str, number: int) -> Any:
    project = selectors.project_get(request.user, code)
    services.baseline_clear(actor=request.user, project=project, number=number)
    return HttpStatus(204, None)


@router.get("/projects/{code}/baselines/{number}/variance", response=list[VarianceOut])
def baseline_variance(request: HttpRequest, code: str, number: int) -> Any:
    """Every task against baseline `number`: start, finish and duration variance in working minutes."""
    project = selectors.project_get(request.user, code)
    if not any(b is not None and b.number == number for b in selectors.baselines(project)):
        raise Http404(_("Baseline %(n)d has not been saved.") % {"n": number})
    return [
        {
            "task_id": v.task.pk,
            "wbs_code": v.task.wbs_code,
            "name": v.task.name,
            "start": v.task.start,
            "finish": v.task.finish,
            "baseline_start": v.baseline_start,
            "baseline_finish": v.baseline_finish,
            "baseline_duration_minutes": v.baseline_duration,
            "start_variance_minutes": v.start,
            "finish_variance_minutes": v.finish,
            "duration_variance_minutes": v.duration,
        }
        for v in selectors.baseline_variances(request.user, project, number)
    ]


@router.get("/projects/{code}/gantt", response=dict[str, Any])
def gantt(request: HttpRequest, code: str, baseline: int | None = None) -> Any:
    """The Gantt rows of the project: `fields` names the columns of each row in `tasks`; times are
    minutes after `origin` (local time). `baseline` chooses the compared baseline (-1: none)."""
    project = selectors.project_get(request.user, code)
    return selectors.gantt_data(request.user, project, today=timezone.localdate(), baseline=baseline)


@router.get(
    "/projects/{code}/export/mspdi",
    response={200: None},
    openapi_extra={"responses": {"200": {"content": {"application/xml": {}}}}},
)
def export_mspdi(request: HttpRequest, code: str) -> HttpResponse:
    """The project as MS Project XML (MSPDI): tasks, links, constraints, progress, computed dates and
    baselines. Import it back with `POST /imports/mspdi`."""
    project = selectors.project_get(request.user, code)
    response = HttpResponse(
        services.project_export_mspdi(actor=request.user, project=project, today=timezone.localdate()),
        content_type="application/xml",
    )
    response["Content-Disposition"] = f'attachment; filename="{project.code}.xml"'
    return response


class PathTaskOut(Schema):
    id: int
    wbs_code: str
    name: str
    early_start: datetime | None
    early_finish: datetime | None


@router.get("/tasks/{task_id}/driving-path", response=list[PathTaskOut])
def task_driving_path(request: HttpRequest, task_id: int) -> Any:
    """The tasks whose links set this task's early dates (its driving path), earliest first, the task
    last; a task nothing drives gives only itself."""
    task = selectors.task_get(request.user, task_id)
    return selectors.driving_path(request.user, task, today=timezone.localdate())
