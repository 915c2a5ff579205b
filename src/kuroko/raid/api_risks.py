"""REST endpoints of the risk register: a project's risks (list with the register's filters, create),
one risk (read, update with its version, delete, mark reviewed), the risk matrix (read; PMO: replace),
and the portfolio reads — heat map counts, top risks, risks overdue for review and the score trend.

Bad input answers 422 with `{"detail": [{"loc": ["body", field], "msg": …}]}` naming each field; a stale
version 409 with what changed; a refused write 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from kuroko.core.permissions import require, role_of
from kuroko.projects import selectors as project_selectors
from kuroko.raid.models import Risk, RiskCategory, RiskKind, RiskLevel, RiskStatus
from kuroko.raid.selectors import risks as selectors
from kuroko.raid.services import risks as services

router = Router(tags=["risks"])
VERSION = Field(description="The version you read; a stale one gets 409 Conflict with what changed.")


class RiskOut(Schema):
    id: int
    project: str = Field(alias="project.code")
    code: str
    number: int
    title: str
    kind: RiskKind
    category: RiskCategory
    owner_id: int | None
    raised_by_id: int | None
    raised_on: date
    cause: str
    event: str
    effect: str
    probability: int
    impact_cost: int
    impact_schedule: int
    impact_quality: int
    impact: int = Field(description="The largest of the three impacts (what the matrix reads)")
    score: int = Field(description="probability × impact, computed")
    level: RiskLevel = Field(description="The matrix cell's level, computed")
    proximity: str
    strategy: str
    response: str
    trigger: str
    residual_probability: int | None
    residual_impact: int | None
    residual_score: int | None
    residual_level: str
    status: RiskStatus
    next_review: date | None
    last_reviewed: date | None
    closed_on: date | None
    probability_percent: Decimal | None
    cost_min: Decimal | None
    cost_most_likely: Decimal | None
    cost_max: Decimal | None
    schedule_min_minutes: int | None = Field(None, description="Working minutes")
    schedule_most_likely_minutes: int | None = None
    schedule_max_minutes: int | None = None
    tasks: list[int] = Field(description="Ids of the affected (leaf) tasks")
    version: int

    @staticmethod
    def resolve_tasks(obj: Risk) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())


ProximityValue = Literal["", "imminent", "near", "medium", "far"]
StrategyValue = Literal[
    "", "avoid", "mitigate", "transfer", "accept", "exploit", "enhance", "share", "escalate"
]


class RiskIn(Schema):
    title: str
    kind: RiskKind = RiskKind.THREAT
    category: RiskCategory = RiskCategory.OTHER
    owner_id: int | None = None
    raised_on: date | None = Field(None, description="Empty: today")
    cause: str = ""
    event: str = ""
    effect: str = ""
    probability: int = Field(3, description="1 … the matrix size")
    impact_cost: int = Field(0, description="0 … the matrix size")
    impact_schedule: int = 0
    impact_quality: int = 0
    proximity: ProximityValue = ""
    strategy: StrategyValue = Field("", description="A strategy valid for the risk's kind")
    response: str = ""
    trigger: str = ""
    residual_probability: int | None = None
    residual_impact: int | None = None
    status: RiskStatus = RiskStatus.OPEN
    next_review: date | None = Field(None, description="Empty: today + the matrix's review interval")
    last_reviewed: date | None = None
    probability_percent: Decimal | None = None
    cost_min: Decimal | None = None
    cost_most_likely: Decimal | None = None
    cost_max: Decimal | None = None
    schedule_min_minutes: int | None = None
    schedule_most_likely_minutes: int | None = None
    schedule_max_minutes: int | None = None
    tasks: list[int] | None = Field(None, description="Ids of leaf tasks of the project")


class RiskPatch(Schema):
    version: int = VERSION
    title: str | None = None
    kind: RiskKind | None = None
    category: RiskCategory | None = None
    owner_id: int | None = None
    raised_on: date | None = None
    cause: str | None = None
    event: str | None = None
    effect: str | None = None
    probability: int | None = None
    impact_cost: int | None = None
    impact_schedule: int | None = None
    impact_quality: int | None = None
    proximity: ProximityValue | None = None
    strategy: StrategyValue | None = None
    response: str | None = None
    trigger: str | None = None
    residual_probability: int | None = None
    residual_impact: int | None = None
    status: RiskStatus | None = None
    next_review: date | None = None
    last_reviewed: date | None = None
    probability_percent: Decimal | None = None
    cost_min: Decimal | None = None
    cost_most_likely: Decimal | None = None
    cost_max: Decimal | None = None
    schedule_min_minutes: int | None = None
    schedule_most_likely_minutes: int | None = None
    schedule_max_minutes: int | None = None
    tasks: list[int] | None = None


class ReviewIn(Schema):
    version: int | None = VERSION


class RiskQuery(Schema):
    """The same filters as the register page."""

    status: list[RiskStatus] = Field(default_factory=list, description="Empty: open and responding")
    all_statuses: bool = Field(False, description="Every status, closed ones too")
    level: list[RiskLevel] = Field(default_factory=list)
    category: RiskCategory | None = None
    owner: int | None = Field(None, description="Person id")
    kind: RiskKind | None = None
    q: str = ""
    overdue: bool = Field(False, description="Only the risks overdue for review")
    probability: int | None = Field(None, ge=1, le=7, description="A heat-map cell: probability …")
    impact: int | None = Field(None, ge=0, le=7, description="… and the largest impact")
    sort: Literal[tuple(selectors.SORTS)] = selectors.DEFAULT_SORT  # type: ignore[valid-type]

    def to_filter(self) -> selectors.RiskFilter:
        return selectors.RiskFilter(
            status=[str(s) for s in self.status],
            all_statuses=self.all_statuses,
            level=[str(v) for v in self.level],
            category=self.category,
            owner=self.owner,
            kind=self.kind,
            q=self.q.strip(),
            overdue=self.overdue,
            probability=self.probability,
            impact=self.impact,
            sort=self.sort,
        )


def _data(payload: dict[str, Any]) -> tuple[dict[str, Any], list[int] | None]:
    tasks = payload.pop("tasks", None)
    data = {(k[:-3] if k.endswith("_id") else k): v for k, v in payload.items()}
    return data, tasks


def _risk(request: HttpRequest, pk: int) -> Risk:
    return selectors.risk_for(request.user, pk)


@router.get("/projects/{code}/risks", response=list[RiskOut])
def list_risks(request: HttpRequest, code: str, filters: Query[RiskQuery]) -> Any:
    """The project's risks, filtered and sorted as on the register page (open ones by default)."""
    project = project_selectors.project_get(request.user, code)
    return selectors.project_risks(request.user, project, filters.to_filter()).prefetch_related("tasks")


@router.post("/projects/{code}/risks", response={201: RiskOut})
def create_risk(request: HttpRequest, code: str, payload: RiskIn) -> Any:
    project = project_selectors.project_get(request.user, code)
    values = payload.dict()
    if values.get("raised_on") is None:
        values.pop("raised_on", None)
    data, tasks = _data(values)
    risk = services.risk_create(actor=request.user, project=project, data=data, tasks=tasks)
    return HttpStatus(201, _risk(request, risk.pk))


@router.get("/risks/{pk}", response=RiskOut)
def get_risk(request: HttpRequest, pk: int) -> Risk:
    return _risk(request, pk)


@router.patch("/risks/{pk}", response=RiskOut)
def update_risk(request: HttpRequest, pk: int, payload: RiskPatch) -> Risk:
    """Change the fields sent; `tasks` replaces the affected tasks."""
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    data, tasks = _data(values)
    risk = services.risk_update(
        actor=request.user, risk=_risk(request, pk), data=data, expected_version=version, tasks=tasks
    )
    return _risk(request, risk.pk)


@router.delete("/risks/{pk}", response={204: None})
def delete_risk(request: HttpRequest, pk: int) -> Any:
    services.risk_delete(actor=request.user, risk=_risk(request, pk))
    return HttpStatus(204, None)


@router.post("/risks/{pk}/review", response=RiskOut)
def review_risk(request: HttpRequest, pk: int, payload: ReviewIn) -> Risk:
    """Mark reviewed: last reviewed today, next review after the matrix's review interval."""
    risk = services.risk_mark_reviewed(
        actor=request.user, risk=_risk(request, pk), expected_version=payload.version
    )
    return _risk(request, risk.pk)


# --- the matrix ----------------------------------------------------------------------------------------


class MatrixOut(Schema):
    size: int
    probability_labels: list[str] = Field(description="As stored (empty: the defaults)")
    impact_labels: list[str]
    probability_percents: list[float]
    cost_thresholds: list[float]
    schedule_threshold_days: list[float]
    cells: list[list[RiskLevel]] = Field(description="Row = probability 1 … size, column = impact 1 … size")
    review_days: int
    labels: dict[str, list[str]] = Field(description="The labels shown (defaults filled in)")


class MatrixIn(Schema):
    size: int = Field(5, description="3 … 7; a new size moves every risk to the new scale")
    probability_labels: list[str] = Field(default_factory=list)
    impact_labels: list[str] = Field(default_factory=list)
    probability_percents: list[float] = Field(default_factory=list)
    cost_thresholds: list[float] = Field(default_factory=list)
    schedule_threshold_days: list[float] = Field(default_factory=list)
    cells: list[list[RiskLevel]] = Field(default_factory=list, description="Empty: the default levels")
    review_days: int = 14


def _matrix_out() -> dict[str, Any]:
    info = selectors.matrix_info()
    m = info.matrix
    return {
        "size": m.size,
        "probability_labels": m.probability_labels,
        "impact_labels": m.impact_labels,
        "probability_percents": m.probability_percents,
        "cost_thresholds": m.cost_thresholds,
        "schedule_threshold_days": m.schedule_threshold_days,
        "cells": info.cells,
        "review_days": m.review_days,
        "labels": {"probability": info.probability_labels, "impact": info.impact_labels},
    }


@router.get("/raid/matrix", response=MatrixOut)
def get_matrix(request: HttpRequest) -> dict[str, Any]:
    require(role_of(request.user) is not None)
    return _matrix_out()


class MatrixSaved(MatrixOut):
    rescored: int = Field(description="How many risks changed score or level")


@router.put("/raid/matrix", response=MatrixSaved)
def put_matrix(request: HttpRequest, payload: MatrixIn) -> dict[str, Any]:
    """Replace the matrix (PMO) and re-score every risk in the same transaction."""
    data = payload.dict()
    data["cells"] = [[str(v) for v in row] for row in data["cells"]]
    _matrix, changed = services.risk_matrix_save(actor=request.user, data=data)
    return {**_matrix_out(), "rescored": changed}


# --- portfolio reads -----------------------------------------------------------------------------------


class ScopeQuery(Schema):
    program: str | None = Field(None, description="Program code")
    project: str | None = Field(None, description="Project code")


class HeatCellOut(Schema):
    probability: int
    impact: int
    level: RiskLevel
    count: int


class HeatMapOut(Schema):
    size: int
    total: int
    no_impact: int = Field(description="Open risks with every impact 0 (not on the map)")
    cells: list[HeatCellOut] = Field(description="Every cell, highest probability first")


@router.get("/raid/heat-map", response=HeatMapOut)
def heat_map(request: HttpRequest, scope: Query[ScopeQuery]) -> dict[str, Any]:
    """Open risks per cell of the matrix across the projects you may read (or one program or project)."""
    require(role_of(request.user) is not None)
    if scope.project:
        project_selectors.project_get(request.user, scope.project)  # 404 / 403 for a hidden one
    heat = selectors.heat_map(
        selectors.visible_risks(request.user, program=scope.program, project=scope.project)
    )
    return {
        "size": heat.size,
        "total": heat.total,
        "no_impact": heat.no_impact,
        "cells": [c for row in heat.rows for c in row],
    }


class RiskBriefOut(Schema):
    id: int
    project: str = Field(alias="project.code")
    code: str
    title: str
    owner_id: int | None
    score: int
    level: RiskLevel
    status: RiskStatus
    next_review: date | None
    last_reviewed: date | None
    exposure: Decimal | None = Field(None, description="probability % × most likely cost")


@router.get("/raid/top-risks", response=list[RiskBriefOut])
def top_risks(request: HttpRequest, scope: Query[ScopeQuery], limit: int = 10) -> Any:
    """The open risks with the highest score, then the largest exposure (`limit`: 1 … 100)."""
    require(role_of(request.user) is not None)
    limit = min(max(limit, 1), 100)
    return selectors.top_risks(request.user, program=scope.program, project=scope.project, limit=limit)


@router.get("/raid/risks-due", response=list[RiskBriefOut])
def risks_due(request: HttpRequest, scope: Query[ScopeQuery]) -> Any:
    """Open risks overdue for review, the longest overdue first."""
    require(role_of(request.user) is not None)
    return selectors.risks_due_for_review(
        request.user, today=timezone.localdate(), program=scope.program, project=scope.project, limit=None
    )


class TrendPointOut(Schema):
    week: date = Field(description="The Monday the week starts on")
    score: int = Field(description="Total score of the risks open at the end of the week")
    open: int
    counts: dict[str, int] = Field(description="Open risks per level")


@router.get("/raid/risk-trend", response=list[TrendPointOut])
def risk_trend(request: HttpRequest, scope: Query[ScopeQuery], weeks: int = 26) -> list[dict[str, Any]]:
    """Per week (`weeks`: 1 … 260, the current one last): the open risks' total score and count per
    level, as they stood at the end of the week."""
    require(role_of(request.user) is not None)
    weeks = min(max(weeks, 1), 260)
    points = selectors.risk_trend(
        request.user, today=timezone.localdate(), weeks=weeks, program=scope.program, project=scope.project
    )
    return [{"week": p.week, "score": p.score, "open": p.total, "counts": p.counts} for p in points]
