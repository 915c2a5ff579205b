"""REST endpoints of the portfolio summary, report exports, schedules and the report archive."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus

from kuroko.projects.selectors import project_get
from kuroko.reporting import weeks
from kuroko.reporting.forms_exports import ScheduleForm, schedule_initial
from kuroko.reporting.models import GeneratedReport, ReportKind, ReportSchedule
from kuroko.reporting.selectors import exports as selectors
from kuroko.reporting.selectors.portfolio import portfolio_summary, program_param
from kuroko.reporting.services import exports as services
from kuroko.reporting.weeks import week_label

router = Router(tags=["report exports"])


class RowOut(Schema):
    project: str
    name: str
    program: str
    manager: str
    reported: bool
    status: str
    rags: dict[str, str]
    previous: dict[str, str]
    changes: dict[str, str]


class MilestoneOut(Schema):
    project: str
    wbs: str
    name: str
    baseline_finish: date | None
    finish: date
    slip_days: int | None
    state: str


class RiskOut(Schema):
    project: str
    code: str
    title: str
    level: str
    score: float
    owner: str


class HotspotOut(Schema):
    person: str
    peak_percent: float
    projects: list[str]


class FinancialOut(Schema):
    project: str
    currency: str
    budget: float | None
    actual: float | None
    eac: float | None
    variance: float | None


class GateOut(Schema):
    project: str
    phase: str
    status: str
    due: str


class PortfolioOut(Schema):
    week: str
    program: str | None
    projects: list[RowOut]
    milestones_at_risk: list[MilestoneOut]
    top_risks: list[RiskOut]
    hotspots: list[HotspotOut]
    financials: list[FinancialOut]
    totals: FinancialOut | None
    gates_pending: list[GateOut]


def _financial(f: Any, project: str) -> dict[str, Any]:
    return {
        "project": project,
        "currency": f.currency,
        "budget": f.budget,
        "actual": f.actual,
        "eac": f.eac,
        "variance": f.variance,
    }


@router.get("/reports/portfolio", response=PortfolioOut)
def portfolio(request: HttpRequest, week: str = "", program: str = "") -> dict[str, Any]:
    """The executive summary of an ISO week (default this week) over the projects you read."""
    monday = weeks.week_param(week, today=timezone.localdate())
    s = portfolio_summary(request.user, week=monday, program=program_param(program))
    return {
        "week": week_label(s.week),
        "program": s.program.code if s.program else None,
        "projects": [
            {
                "project": r.project.code,
                "name": r.project.name,
                "program": r.program_name,
                "manager": str(r.project.manager or ""),
                "reported": r.reported,
                "status": r.report.status if r.report else "",
                "rags": r.rags,
                "previous": r.previous,
                "changes": r.changes,
            }
            for r in s.rows
        ],
        "milestones_at_risk": [
            {
                "project": p.code,
                "wbs": m.wbs,
                "name": m.name,
                "baseline_finish": m.baseline_finish,
                "finish": m.finish,
                "slip_days": m.slip_days,
                "state": m.state,
            }
            for p, m in s.milestones
        ],
        "top_risks": [
            {
                "project": p.code,
                "code": r.code,
                "title": r.title,
                "level": r.level,
                "score": r.score,
                "owner": r.owner,
            }
            for p, r in s.risks
        ],
        "hotspots": [
            {"person": h.person, "peak_percent": h.peak_percent, "projects": h.projects} for h in s.hotspots
        ],
        "financials": [_financial(f, f.project.code) for f in s.financials],
        "totals": _financial(s.totals, "") if s.totals else None,
        "gates_pending": [
            {
                "project": p.code,
                "phase": str(g.get("phase", "")),
                "status": str(g.get("status", "")),
                "due": str(g.get("due", "") or ""),
            }
            for p, g in s.gates
        ],
    }


def _file(generated: GeneratedReport) -> FileResponse:
    path = services.archive_path(generated)
    if not path.is_file():
        raise Http404(_("The file of this report is no longer in the archive."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name.split("-", 1)[-1],
        content_type=services.CONTENT_TYPES[generated.format],
    )


@router.get("/projects/{code}/status-reports/{week}/export/{fmt}")
def project_export(
    request: HttpRequest, code: str, week: str, fmt: str, lang: str = "", audience: str = ""
) -> FileResponse:
    """A project's status report of a week ("2026-W47") as pdf, xlsx or pptx; archived."""
    project = project_get(request.user, code)
    monday = weeks.week_param(week, today=timezone.localdate())
    generated = services.project_report_export(
        actor=request.user,
        project=project,
        week=monday,
        fmt=fmt,
        language=lang or None,
        audience=audience or None,
    )
    return _file(generated)


@router.get("/reports/portfolio/export/{fmt}")
def portfolio_export(
    request: HttpRequest,
    fmt: str,
    week: str = "",
    program: str = "",
    kind: str = ReportKind.PORTFOLIO,
    lang: str = "",
    audience: str = "",
) -> FileResponse:
    """The portfolio summary, or with kind=executive_pack the executive pack, as pdf, xlsx or pptx."""
    generated = services.portfolio_export(
        actor=request.user,
        week=weeks.week_param(week, today=timezone.localdate()),
        fmt=fmt,
        kind=kind,
        program=program_param(program),
        language=lang or None,
        audience=audience or None,
    )
    return _file(generated)


class GeneratedOut(Schema):
    id: int
    kind: str
    format: str
    title: str
    week: date | None
    project: str | None
    program: str | None
    schedule: int | None
    audience: str
    language: str
    size: int
    created_at: datetime
    created_by: str | None
    download: str


def _generated(g: GeneratedReport) -> dict[str, Any]:
    return {
        "id": g.pk,
        "kind": g.kind,
        "format": g.format,
        "title": g.title,
        "week": g.week,
        "project": g.project.code if g.project else None,
        "program": g.program.code if g.program else None,
        "schedule": g.schedule_id,
        "audience": g.audience,
        "language": g.language,
        "size": g.size,
        "created_at": g.created_at,
        "created_by": g.created_by.username if g.created_by else None,
        "download": f"/api/v1/reports/archive/{g.pk}/download",
    }


@router.get("/reports/archive", response=list[GeneratedOut])
def archive(
    request: HttpRequest,
    kind: str = "",
    format: str = "",
    project: str = "",
    week: str = "",
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Archived report files you may download, newest first (at most `limit`, up to 500)."""
    filters = selectors.ArchiveFilter(
        kind=kind,
        format=format,
        project=project.upper(),
        week=weeks.week_param(week, today=timezone.localdate()) if week else None,
    )
    rows = selectors.archive_list(request.user, filters)[: max(1, min(limit, 500))]
    return [_generated(g) for g in rows]


@router.get("/reports/archive/{pk}/download")
def archive_download(request: HttpRequest, pk: int) -> FileResponse:
    return _file(selectors.archive_get(request.user, pk))


class ScheduleIn(Schema):
    name: str | None = None
    kind: str | None = None
    formats: list[str] | None = None
    audience: str | None = None
    project: str | None = None  # a project code
    program: str | None = None  # a program code
    weekday: int | None = None
    at: time | None = None
    subscribers: list[int] | None = None  # user ids
    enabled: bool | None = None


class ScheduleOut(Schema):
    id: int
    name: str
    kind: str
    formats: list[str]
    audience: str
    project: str | None
    program: str | None
    weekday: int
    at: time
    owner: str
    subscribers: list[int]
    enabled: bool
    last_run_at: datetime | None


def _schedule(s: ReportSchedule) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "kind": s.kind,
        "formats": s.formats,
        "audience": s.audience,
        "project": s.project.code if s.project else None,
        "program": s.program.code if s.program else None,
        "weekday": s.weekday,
        "at": s.at,
        "owner": s.owner.username,
        "subscribers": sorted(u.pk for u in s.subscribers.all()),
        "enabled": s.enabled,
        "last_run_at": s.last_run_at,
    }


def _parse(request: HttpRequest, payload: ScheduleIn, initial: dict[str, Any]) -> dict[str, Any]:
    """The payload over `initial`, read by the page's form; errors name their field."""
    data = {**initial, **{k: v for k, v in payload.dict().items() if v is not None}}
    if "enabled" not in data:
        data["enabled"] = True
    if not data.get("enabled"):
        data.pop("enabled")  # an unchecked box is an absent one
    data = {k: ("" if v is None else v) for k, v in data.items()}
    form = ScheduleForm(data, user=request.user)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    clean = dict(form.cleaned_data)
    clean["subscribers"] = list(clean.get("subscribers") or [])
    return clean


@router.get("/reports/schedules", response=list[ScheduleOut])
def schedules(request: HttpRequest) -> list[dict[str, Any]]:
    """The schedules you own or receive (the PMO: all)."""
    return [_schedule(s) for s in selectors.schedules_visible(request.user)]


@router.post("/reports/schedules", response={201: ScheduleOut})
def schedule_create(request: HttpRequest, payload: ScheduleIn) -> HttpStatus[Any]:
    """A new schedule owned by you (the PMO: any report; a project manager: their project's report)."""
    from kuroko.core.permissions import require
    from kuroko.reporting.permissions import can_create_schedules

    require(can_create_schedules(request.user))
    data = _parse(request, payload, {"audience": "pmo", "weekday": 4, "at": "17:00"})
    return HttpStatus(201, _schedule(services.schedule_create(actor=request.user, data=data)))


@router.get("/reports/schedules/{pk}", response=ScheduleOut)
def schedule_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _schedule(selectors.schedule_get(request.user, pk))


@router.put("/reports/schedules/{pk}", response=ScheduleOut)
def schedule_update(request: HttpRequest, pk: int, payload: ScheduleIn) -> dict[str, Any]:
    """Change a schedule (fields left out keep their values)."""
    from kuroko.core.permissions import require
    from kuroko.reporting.permissions import can_manage_schedule

    schedule = selectors.schedule_get(request.user, pk)
    require(can_manage_schedule(request.user, schedule))
    data = _parse(request, payload, schedule_initial(schedule))
    return _schedule(services.schedule_update(actor=request.user, schedule=schedule, data=data))


@router.delete("/reports/schedules/{pk}", response={204: None})
def schedule_delete(request: HttpRequest, pk: int) -> HttpStatus[Any]:
    services.schedule_delete(actor=request.user, schedule=selectors.schedule_get(request.user, pk))
    return HttpStatus(204, None)


@router.post("/reports/schedules/{pk}/run", response={202: dict})
def schedule_run(request: HttpRequest, pk: int) -> HttpStatus[Any]:
    """Run a schedule now in the background; its files appear in the archive."""
    schedule = selectors.schedule_get(request.user, pk)
    services.schedule_run_now(actor=request.user, schedule=schedule)
    return HttpStatus(202, {"detail": "queued", "schedule": schedule.pk})
