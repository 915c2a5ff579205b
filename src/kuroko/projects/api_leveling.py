"""REST endpoints for levelling proposals: request (a project or the portfolio), read, apply, discard."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.core.permissions import is_pmo
from kuroko.projects import permissions as perms
from kuroko.projects import selectors
from kuroko.projects.models import LevelingRun
from kuroko.projects.services import leveling

router = Router(tags=["levelling"])


class LevelingIn(Schema):
    within_float: bool = Field(False, description="Delay tasks only within their float")
    time_limit: float = Field(leveling.DEFAULT_TIME_LIMIT, ge=0.5, le=60, description="Seconds of search")
    seed: int = Field(0, description="Seed of the randomised passes (same seed, same proposal)")
    level_from: date | None = Field(
        None, description="Conflicts before this day are not levelled (default today)"
    )


class PortfolioLevelingIn(LevelingIn):
    projects: list[str] = Field(
        default_factory=list, description="Project codes; empty: every active project"
    )


class LevelingOut(Schema):
    id: int
    project: str | None = Field(description="Project code; null for the portfolio")
    status: str
    progress: int
    options: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    decided_at: datetime | None
    error: str
    result: dict[str, Any] = Field(
        description=(
            "moves (task, dates before/after, working_days, reason: resource conflict with the person, day, "
            "hours and blocking tasks, or the predecessor that moved), projects (finish before/after), "
            "milestones, unresolved, over_before/over_after (person-days over capacity), remaining, search"
        )
    )

    @staticmethod
    def resolve_project(run: LevelingRun) -> str | None:
        return run.project.code if run.project else None


def _run(request: HttpRequest, run_id: int) -> LevelingRun:
    run = get_object_or_404(LevelingRun.objects.select_related("project"), pk=run_id)
    if not leveling.can_view_run(request.user, run):
        raise PermissionDenied
    return run


@router.post("/projects/{code}/leveling", response={202: LevelingOut})
def level_project(request: HttpRequest, code: str, payload: LevelingIn) -> Any:
    """Compute a levelling proposal for the project (in the background: poll the returned proposal)."""
    project = selectors.project_get(request.user, code)
    run = leveling.leveling_request(
        actor=request.user, project=project, options=payload.dict(exclude_none=True)
    )
    run.refresh_from_db()
    return HttpStatus(202, run)


@router.post("/leveling", response={202: LevelingOut})
def level_portfolio(request: HttpRequest, payload: PortfolioLevelingIn) -> Any:
    """Compute a levelling proposal for several projects over their shared people (the PMO)."""
    run = leveling.leveling_request(actor=request.user, project=None, options=payload.dict(exclude_none=True))
    run.refresh_from_db()
    return HttpStatus(202, run)


@router.get("/leveling", response=list[LevelingOut])
def list_leveling(request: HttpRequest) -> Any:
    """Levelling proposals, newest first (the history)."""
    runs = LevelingRun.objects.select_related("project")
    if not is_pmo(request.user):
        runs = runs.filter(project__in=perms.visible_projects(request.user))
    return runs[:100]


@router.get("/leveling/{run_id}", response=LevelingOut)
def get_leveling(request: HttpRequest, run_id: int) -> Any:
    return _run(request, run_id)


@router.post("/leveling/{run_id}/apply", response=LevelingOut)
def apply_leveling(request: HttpRequest, run_id: int) -> Any:
    """Apply a ready proposal; one whose projects changed since it was computed is refused (422)."""
    return leveling.leveling_apply(actor=request.user, run=_run(request, run_id))


@router.post("/leveling/{run_id}/discard", response=LevelingOut)
def discard_leveling(request: HttpRequest, run_id: int) -> Any:
    return leveling.leveling_discard(actor=request.user, run=_run(request, run_id))


@router.post("/projects/{code}/leveling/clear", response={200: dict[str, int]})
def clear_leveling(request: HttpRequest, code: str) -> Any:
    """Remove the project's levelling: every task back where its links put it."""
    project = selectors.project_get(request.user, code)
    return {"cleared": leveling.leveling_clear(actor=request.user, project=project)}
