"""REST endpoints for earned value: a project's figures (and each WBS element's) as of a status date, the
portfolio table, and the history (recorded snapshots and the reconstructed S-curve)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kuroko.engine.evm import Figures
from kuroko.projects import selectors as project_selectors
from kuroko.tracking import selectors
from kuroko.tracking.selectors.evm import default_status_date, parse_status_date, trend

router = Router(tags=["earned value"])


class FiguresOut(Schema):
    id: str
    name: str
    baseline_start: datetime | None
    baseline_finish: datetime | None
    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac: float | None
    eac_atypical: float
    eac_cpi: float | None
    eac_cpi_spi: float | None
    etc: float | None
    vac: float | None
    tcpi: float | None
    pd: float
    at: float
    es: float | None
    sv_t: float | None
    spi_t: float | None
    ieac_t: float | None
    forecast_finish: datetime | None


class ElementOut(FiguresOut):
    task_id: int | None
    wbs_code: str
    summary: bool


class ProjectEvmOut(Schema):
    code: str
    status_date: date
    unit: str
    currency: str
    method: str
    baseline: int | None
    message: str = ""
    warnings: list[str]
    project: FiguresOut | None
    elements: list[ElementOut]


class PortfolioProjectOut(Schema):
    code: str
    name: str
    program: str | None
    figures: FiguresOut | None


class ProgramOut(Schema):
    code: str | None
    name: str
    figures: FiguresOut | None


class PortfolioEvmOut(Schema):
    status_date: date
    unit: str
    currency: str
    projects: list[PortfolioProjectOut]
    programs: list[ProgramOut]
    portfolio: FiguresOut | None


class SnapshotOut(Schema):
    status_date: date
    bac: float
    pv: float
    ev: float
    ac: float
    spi: float | None
    cpi: float | None
    eac: float | None
    spi_t: float | None
    recorded_at: datetime


class PointOut(Schema):
    end: date
    pv: float
    ev: float | None
    ac: float | None
    spi: float | None
    cpi: float | None


class HistoryOut(Schema):
    code: str
    unit: str
    status_date: date
    recorded: list[SnapshotOut]
    curve: list[PointOut]


class EvmQuery(Schema):
    status_date: str | None = None
    unit: str | None = None


def _figures(f: Figures | None) -> dict[str, Any] | None:
    if f is None:
        return None
    names = FiguresOut.model_fields.keys() - {"baseline_start", "baseline_finish"}
    out = {name: getattr(f, name) for name in names}
    return out | {"baseline_start": f.start, "baseline_finish": f.finish}


def _query_day(value: str | None, default: date) -> date:
    try:
        return parse_status_date(value, default)
    except ValidationError as exc:
        raise ValidationError({"status_date": exc.messages}) from None


@router.get("/projects/{code}/evm", response=ProjectEvmOut)
def project_evm(request: HttpRequest, code: str, query: Query[EvmQuery]) -> Any:
    """Earned value of the project and of every WBS element as of `status_date` (default: the project's
    status date, else today) in `unit` (money, hours, person_days, person_months)."""
    project = project_selectors.project_get(request.user, code)
    day = _query_day(query.status_date, default_status_date(project))
    evm = selectors.project_evm(request.user, project, status_date=day, unit=query.unit, with_series=False)
    return {
        "code": project.code,
        "status_date": evm.status_date,
        "unit": evm.unit.value,
        "currency": evm.currency,
        "method": project.ev_method,
        "baseline": evm.baseline.number if evm.baseline else None,
        "message": evm.message,
        "warnings": evm.warnings,
        "project": _figures(evm.figures),
        "elements": [
            (_figures(line.figures) or {})
            | {"task_id": line.row.task_pk, "wbs_code": line.row.wbs_code, "summary": line.row.summary}
            for line in evm.lines
        ],
    }


@router.get("/evm/portfolio", response=PortfolioEvmOut)
def portfolio_evm(request: HttpRequest, query: Query[EvmQuery]) -> Any:
    """Every project the caller may read at one status date (default today), with program and portfolio
    totals (BAC, PV, EV, AC and what follows from them; earned schedule is per project)."""
    from django.utils import timezone

    day = _query_day(query.status_date, timezone.localdate())
    evm = selectors.portfolio_evm(request.user, status_date=day, unit=query.unit)
    return {
        "status_date": evm.status_date,
        "unit": evm.unit.value,
        "currency": evm.currency,
        "projects": [
            {
                "code": line.project.code,
                "name": line.project.name,
                "program": group.program.code if group.program else None,
                "figures": _figures(line.figures),
            }
            for group in evm.groups
            for line in group.lines
        ],
        "programs": [
            {
                "code": group.program.code if group.program else None,
                "name": group.program.name if group.program else "",
                "figures": _figures(group.total),
            }
            for group in evm.groups
        ],
        "portfolio": _figures(evm.total),
    }


@router.get("/projects/{code}/evm/history", response=HistoryOut)
def project_evm_history(request: HttpRequest, code: str, query: Query[EvmQuery]) -> Any:
    """The figures recorded at past status dates (`recorded`) and the S-curve up to the status date
    (`curve`: cumulative PV, EV and AC at the end of each week, or month for long plans, with SPI and CPI;
    past progress comes from the tasks' change history)."""
    project = project_selectors.project_get(request.user, code)
    day = _query_day(query.status_date, default_status_date(project))
    evm = selectors.project_evm(request.user, project, status_date=day, unit=query.unit)
    indices = {t["end"]: t for t in trend(evm.series)}
    return {
        "code": project.code,
        "unit": evm.unit.value,
        "status_date": evm.status_date,
        "recorded": selectors.project_snapshots(request.user, project, unit=evm.unit),
        "curve": [
            {
                "end": p.end,
                "pv": p.pv,
                "ev": p.ev,
                "ac": p.ac,
                "spi": indices.get(p.end, {}).get("spi"),
                "cpi": indices.get(p.end, {}).get("cpi"),
            }
            for p in evm.series
        ],
    }
