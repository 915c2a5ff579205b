"""REST endpoints of weekly status reports and their RAG rules and report levels."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kuroko.core.permissions import require
from kuroko.projects.models import ProjectType
from kuroko.reporting import permissions as perms
from kuroko.reporting import rag, weeks
from kuroko.reporting.levels import shown, visible_facts
from kuroko.reporting.models import StatusReport
from kuroko.reporting.selectors import status as selectors
from kuroko.reporting.services import status as services
from kuroko.reporting.weeks import week_label

router = Router(tags=["status reports"])


class ColourOut(Schema):
    rag: str
    computed: str
    reasons: list[str]
    overridden: bool
    justification: str


class ReportSummaryOut(Schema):
    week: str
    status: str
    version: int
    rag_overall: str
    rag_schedule: str
    rag_cost: str
    rag_scope: str
    rag_quality: str
    rag_risk: str
    submitted_at: datetime | None
    reviewed_at: datetime | None


class CommentOut(Schema):
    author: str
    text: str
    created_at: datetime


class ReportOut(ReportSummaryOut):
    project: str
    colours: dict[str, ColourOut]
    computed: dict[str, Any]
    overrides: dict[str, Any]
    facts: dict[str, Any]
    summary: str
    accomplishments: str
    next_steps: str
    help_needed: str
    sections: list[str]
    comments: list[CommentOut]


class OverrideIn(Schema):
    rag: Literal["green", "amber", "red"]
    justification: str = Field(max_length=2000)


class ReportIn(Schema):
    version: int
    summary: str | None = None
    accomplishments: str | None = None
    next_steps: str | None = None
    help_needed: str | None = None
    # dimension → override, or null to remove it
    overrides: dict[str, OverrideIn | None] | None = None


class VersionIn(Schema):
    version: int


class ReviewIn(Schema):
    version: int
    decision: Literal["accept", "return"]
    comment: str = ""


class RuleOut(Schema):
    key: str
    dimension: str
    title: str
    description: str
    enabled: bool
    params: dict[str, float]
    defaults: dict[str, float]
    source: str


class RuleIn(Schema):
    project_type: str | None = None
    rule: str
    enabled: bool = True
    params: dict[str, float | str] = {}


class LevelOut(Schema):
    audience: str
    sections: list[str]
    source: str


class LevelIn(Schema):
    project_type: str | None = None
    audience: str
    sections: list[str]


def _summary(r: StatusReport) -> dict[str, Any]:
    return {
        "week": week_label(r.week),
        "status": r.status,
        "version": r.version,
        **{f"rag_{d}": getattr(r, f"rag_{d}") for d in rag.ALL_DIMENSIONS},
        "submitted_at": r.submitted_at,
        "reviewed_at": r.reviewed_at,
    }


def _out(request: HttpRequest, r: StatusReport) -> dict[str, Any]:
    view = selectors.report_view(request.user, r)
    sections = set(view.sections)
    return {
        **_summary(r),
        "project": r.project.code,
        "colours": {
            c.key: {
                "rag": c.rag,
                "computed": c.computed,
                "reasons": c.reasons,
                "overridden": c.overridden,
                "justification": c.justification,
            }
            for c in view.colours
            if "summary" in sections
        },
        "computed": r.computed if "summary" in sections else {},
        "overrides": r.overrides if "summary" in sections else {},
        # Only the facts and narrative of the sections the reader's report level shows.
        "facts": visible_facts(r.facts or {}, sections),
        **{n: (getattr(r, n) if shown(n, sections) else "") for n in services.NARRATIVE},
        "sections": list(view.sections),
        "comments": [
            {
                "author": str(getattr(c.author, "person", None) or c.author or ""),
                "text": c.text,
                "created_at": c.created_at,
            }
            for c in view.comments
        ],
    }


def _report(request: HttpRequest, code: str, week: str, *, draft: bool = False) -> StatusReport:
    """The week's report; drafted when missing only by a read (`draft`), never by a write."""
    project = selectors.project_for(request.user, code)
    day = weeks.week_from(week)
    if draft:
        report = services.report_get_or_draft(project=project, week=day, actor=request.user)
    else:
        report = selectors.existing_report(project, day)
    report.project = project
    return report


def _project(request: HttpRequest, code: str) -> Any:
    return selectors.project_for(request.user, code)


@router.get("/projects/{code}/status-reports", response=list[ReportSummaryOut])
def list_reports(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The project's weekly reports, newest first (the last 26)."""
    project = _project(request, code)
    return [_summary(r) for r in selectors.project_reports(request.user, project)]


@router.get("/projects/{code}/status-reports/compare", response=dict[str, Any])
def compare_reports(request: HttpRequest, code: str, a: str, b: str) -> dict[str, Any]:
    """Two weeks side by side (`a`, `b`: ISO weeks such as 2026-W47): each row with both values and
    whether they differ."""
    project = _project(request, code)
    data = selectors.compare(request.user, project, weeks.week_from(a, "a"), weeks.week_from(b, "b"))
    return {
        "a": week_label(data["a"]),
        "b": week_label(data["b"]),
        "rows": [
            {"key": row.key, "a": _plain(row.a), "b": _plain(row.b), "differs": row.differs}
            for row in data["rows"]
        ],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@router.get("/projects/{code}/status-reports/{week}", response=ReportOut)
def get_report(request: HttpRequest, code: str, week: str) -> dict[str, Any]:
    """One week's report (`week`: 2026-W47); drafted from the data when it does not exist yet."""
    return _out(request, _report(request, code, week, draft=True))


@router.patch("/projects/{code}/status-reports/{week}", response=ReportOut)
def update_report(request: HttpRequest, code: str, week: str, payload: ReportIn) -> dict[str, Any]:
    """Change the narrative and/or the overrides of a draft or returned report (with its `version`)."""
    report = _report(request, code, week)
    narrative = {n: getattr(payload, n) for n in services.NARRATIVE if getattr(payload, n) is not None}
    overrides = (
        {d: (o.model_dump() if o is not None else None) for d, o in payload.overrides.items()}
        if payload.overrides is not None
        else None
    )
    report = services.report_update(
        actor=request.user, report=report, version=payload.version, narrative=narrative, overrides=overrides
    )
    return _out(request, report)


@router.post("/projects/{code}/status-reports/{week}/refresh", response=ReportOut)
def refresh_report(request: HttpRequest, code: str, week: str, payload: VersionIn) -> dict[str, Any]:
    """Gather the facts of a draft or returned report again."""
    report = _report(request, code, week)
    return _out(request, services.report_refresh(actor=request.user, report=report, version=payload.version))


@router.post("/projects/{code}/status-reports/{week}/submit", response=ReportOut)
def submit_report(request: HttpRequest, code: str, week: str, payload: VersionIn) -> dict[str, Any]:
    """Submit the report to the PMO (the project's RAG fields take its colours)."""
    report = _report(request, code, week)
    return _out(request, services.report_submit(actor=request.user, report=report, version=payload.version))


@router.post("/projects/{code}/status-reports/{week}/review", response=ReportOut)
def review_report(request: HttpRequest, code: str, week: str, payload: ReviewIn) -> dict[str, Any]:
    """The PMO accepts or returns (with a comment) a submitted report."""
    report = _report(request, code, week)
    report = services.report_review(
        actor=request.user,
        report=report,
        version=payload.version,
        decision=payload.decision,
        comment=payload.comment,
    )
    return _out(request, report)


def _type(code: str | None, field: str = "project_type") -> ProjectType | None:
    return selectors.project_type_by_code(code, field)


@router.get("/status-reports/rag-rules", response=list[RuleOut])
def get_rules(request: HttpRequest, project_type: str | None = None) -> list[dict[str, Any]]:
    """Every RAG rule with the setting in force for a project type (none: all projects)."""
    require(request.user.is_authenticated)
    rows = selectors.rule_rows(_type(project_type))
    return [
        {
            "key": r.rule.key,
            "dimension": r.rule.dimension,
            "title": str(r.rule.title),
            "description": str(r.rule.description),
            "enabled": r.effective.enabled,
            "params": r.effective.params,
            "defaults": {n: p.default for n, p in r.rule.params.items()},
            "source": r.effective.source,
        }
        for r in rows
    ]


@router.put("/status-reports/rag-rules", response=list[RuleOut])
def put_rule(request: HttpRequest, payload: RuleIn) -> list[dict[str, Any]]:
    """Set one rule for a project type (none: all projects); the PMO only."""
    require(perms.can_configure_status_reports(request.user))
    project_type = _type(payload.project_type)
    services.rag_rule_save(
        actor=request.user,
        project_type=project_type,
        rule=payload.rule,
        enabled=payload.enabled,
        params=payload.params,
    )
    return get_rules(request, payload.project_type)


@router.get("/status-reports/levels", response=list[LevelOut])
def get_levels(request: HttpRequest, project_type: str | None = None) -> list[dict[str, Any]]:
    """The sections each audience sees for a project type (none: all projects)."""
    require(request.user.is_authenticated)
    return [
        {"audience": r["audience"], "sections": r["sections"], "source": r["source"]}
        for r in selectors.level_rows(_type(project_type))
    ]


@router.put("/status-reports/levels", response=list[LevelOut])
def put_level(request: HttpRequest, payload: LevelIn) -> list[dict[str, Any]]:
    """Set the sections of one audience (keys of the report's sections) for a project type; PMO only."""
    require(perms.can_configure_status_reports(request.user))
    services.report_level_save(
        actor=request.user,
        project_type=_type(payload.project_type),
        audience=payload.audience,
        sections=list(payload.sections),
    )
    return get_levels(request, payload.project_type)
