"""REST endpoints of quality management: a project's quality overview (records, indicators, convergence),
quality records, the defect register, indicator bands and lessons learned.

Bad input answers 422 naming the field (`{"detail": [{"loc": ["body", field], "msg": …}]}`)."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from kuroko.core.permissions import require
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import DefectStatus, LessonCategory, ProjectTemplate
from kuroko.governance.selectors import quality as selectors
from kuroko.governance.services import quality as services
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import Project, ProjectType

router = Router(tags=["quality"])

# Row ids are 64-bit: a larger number is a bad request (422 naming the field), not a database overflow.
ID_MAX = 2**63 - 1


def _project(request: HttpRequest, code: str) -> Project:
    return project_selectors.project_get(request.user, code)


# --- Overview --------------------------------------------------------------------------------------


class RecordOut(Schema):
    phase: int | None
    phase_name: str
    size_kloc: Decimal | None = None
    size_fp: Decimal | None = None
    size_pages: Decimal | None = None
    review_hours: Decimal | None = None
    review_findings: int | None = None
    reviews_planned: int | None = None
    reviews_done: int | None = None
    tests_planned: int | None = None
    tests_executed: int | None = None
    tests_passed: int | None = None


class IndicatorOut(Schema):
    metric: str
    label: str
    phase: int | None
    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    state: Literal["ok", "low", "high", "no_data"]


class PointOut(Schema):
    end: date
    t: int
    found: int
    fixed: int


class FitOut(Schema):
    model: str
    a: float = Field(..., description="Estimated total number of defects")
    b: float
    c: float
    r_squared: float
    latent: float
    ratio: float
    converged: bool
    estimated_convergence: date | None


class ConvergenceOut(Schema):
    by: Literal["day", "week"]
    points: list[PointOut]
    fit: FitOut | None
    reason: str


class QualityOut(Schema):
    records: list[RecordOut]
    indicators: list[IndicatorOut]
    convergence: ConvergenceOut


def _record_out(row: selectors.RecordRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "phase": row.phase.pk if row.phase else None,
        "phase_name": row.phase.name if row.phase else str(_("Whole project")),
    }
    if row.record is not None:
        out.update({name: getattr(row.record, name) for name in selectors.RECORD_FIELDS})
    return out


def _convergence_out(c: selectors.Convergence) -> dict[str, Any]:
    fit = None
    if c.fit is not None:
        fit = {
            "model": c.fit.model,
            "a": c.fit.a,
            "b": c.fit.b,
            "c": c.fit.c,
            "r_squared": c.fit.r_squared,
            "latent": c.fit.latent,
            "ratio": c.fit.ratio,
            "converged": c.fit.converged,
            "estimated_convergence": c.estimated_finish,
        }
    points = [{"end": p.end, "t": p.t, "found": p.found, "fixed": p.fixed} for p in c.points]
    return {"by": c.by, "points": points, "fit": fit, "reason": c.reason}


@router.get("/projects/{code}/quality", response=QualityOut)
def project_quality(
    request: HttpRequest, code: str, by: Literal["day", "week"] = "day", as_of: date | None = None
) -> dict[str, Any]:
    """Quality records per phase, indicators against their bands, and the defect convergence."""
    project = _project(request, code)
    day = as_of or timezone.localdate()
    indicators = [
        {
            "metric": r.metric,
            "label": r.label,
            "phase": r.phase.pk if r.phase else None,
            "value": r.value,
            "lower": r.lower,
            "upper": r.upper,
            "state": r.state,
        }
        for r in selectors.quality_indicator_results(project, as_of=day)
    ]
    return {
        "records": [_record_out(row) for row in selectors.record_rows(project)],
        "indicators": indicators,
        "convergence": _convergence_out(selectors.defect_convergence(project, as_of=day, by=by)),
    }


class RecordIn(Schema):
    phase: int | None = Field(None, ge=1, le=ID_MAX, description="The phase's id; null for the whole project")
    size_kloc: Decimal | None = Field(None, ge=0)
    size_fp: Decimal | None = Field(None, ge=0)
    size_pages: Decimal | None = Field(None, ge=0)
    review_hours: Decimal | None = Field(None, ge=0)
    review_findings: int | None = Field(None, ge=0)
    reviews_planned: int | None = Field(None, ge=0)
    reviews_done: int | None = Field(None, ge=0)
    tests_planned: int | None = Field(None, ge=0)
    tests_executed: int | None = Field(None, ge=0)
    tests_passed: int | None = Field(None, ge=0)


@router.put("/projects/{code}/quality/records", response=RecordOut)
def record_put(request: HttpRequest, code: str, payload: RecordIn) -> dict[str, Any]:
    """Set one phase's (or the whole project's) quality record; fields left out are emptied."""
    project = _project(request, code)
    require(perms.can_manage_governance(request.user, project))
    phase = selectors.phase_get(project, payload.phase)
    values = payload.dict(exclude={"phase"})
    record = services.quality_record_save(user=request.user, project=project, phase=phase, values=values)
    return _record_out(selectors.RecordRow(phase, record))


# --- Defects ---------------------------------------------------------------------------------------


class DefectOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    key: str
    title: str
    severity: int = Field(..., description="1 critical … 4 cosmetic")
    status: DefectStatus
    phase_found: int | None = Field(None, alias="phase_found_id")
    phase_injected: int | None = Field(None, alias="phase_injected_id")
    task: int | None = Field(None, alias="task_id")
    found_on: date
    fixed_on: date | None


class DefectIn(Schema):
    key: str = Field("", max_length=40)
    title: str = Field(..., min_length=1, max_length=300)
    severity: int = Field(3, ge=1, le=4)
    status: DefectStatus = DefectStatus.OPEN
    phase_found: int | None = Field(None, ge=1, le=ID_MAX)
    phase_injected: int | None = Field(None, ge=1, le=ID_MAX)
    task: int | None = Field(None, ge=1, le=ID_MAX)
    found_on: date | None = None
    fixed_on: date | None = None


class DefectPatch(Schema):
    key: str | None = Field(None, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    severity: int | None = Field(None, ge=1, le=4)
    status: DefectStatus | None = None
    phase_found: int | None = Field(None, ge=1, le=ID_MAX)
    phase_injected: int | None = Field(None, ge=1, le=ID_MAX)
    task: int | None = Field(None, ge=1, le=ID_MAX)
    found_on: date | None = None
    fixed_on: date | None = None


class DefectQuery(Schema):
    severity: list[int] = Field(default_factory=list)
    status: list[DefectStatus] = Field(default_factory=list)
    phase_found: int | None = Field(None, ge=1, le=ID_MAX)
    phase_injected: int | None = Field(None, ge=1, le=ID_MAX)
    q: str = ""


def _defect_values(project: Project, data: dict[str, Any]) -> dict[str, Any]:
    """Ids → rows of the project (a ValidationError naming the field when not found)."""
    values = dict(data)
    for name in ("phase_found", "phase_injected"):
        if name in values:
            try:
                values[name] = selectors.phase_get(project, values[name])
            except ValidationError as exc:
                raise ValidationError({name: exc.message_dict["phase"]}) from exc
    if "task" in values:
        values["task"] = services.task_of(project, values["task"])
    return values


@router.get("/projects/{code}/defects", response=list[DefectOut])
def defects_list(request: HttpRequest, code: str, filters: Query[DefectQuery]) -> Any:
    """The project's defect register, filtered."""
    project = _project(request, code)
    f = selectors.DefectFilter(
        severity=tuple(filters.severity),
        status=tuple(str(s) for s in filters.status),
        phase_found=filters.phase_found,
        phase_injected=filters.phase_injected,
        q=filters.q,
    )
    return selectors.project_defects(request.user, project, f).select_related("project")


@router.post("/projects/{code}/defects", response={201: DefectOut})
def defect_post(request: HttpRequest, code: str, payload: DefectIn) -> HttpStatus[Any]:
    """Record a defect (who may contribute to the project)."""
    project = _project(request, code)
    require(perms.can_contribute(request.user, project))
    defect = services.defect_create(
        user=request.user, project=project, values=_defect_values(project, payload.dict())
    )
    return HttpStatus(201, defect)


@router.get("/defects/{defect_id}", response=DefectOut)
def defect_read(request: HttpRequest, defect_id: int) -> Any:
    """One defect."""
    return selectors.defect_get(request.user, defect_id)


@router.patch("/defects/{defect_id}", response=DefectOut)
def defect_patch(request: HttpRequest, defect_id: int, payload: DefectPatch) -> Any:
    """Change a defect: fixed or closed sets its fix date (today unless given), reopening clears it."""
    defect = selectors.defect_get(request.user, defect_id)
    require(perms.can_edit_defect(request.user, defect))
    data = payload.dict(exclude_unset=True)
    for name in ("title", "severity", "status", "found_on"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if data.get("key") is None and "key" in data:
        data["key"] = ""
    values = _defect_values(defect.project, data)
    return services.defect_update(user=request.user, defect=defect, values=values)


@router.delete("/defects/{defect_id}", response={204: None})
def defect_remove(request: HttpRequest, defect_id: int) -> HttpStatus[None]:
    """Delete a defect (who edits the project)."""
    defect = selectors.defect_get(request.user, defect_id)
    services.defect_delete(user=request.user, defect=defect)
    return HttpStatus(204, None)


# --- Indicator bands -------------------------------------------------------------------------------


class BandOut(Schema):
    project_type: str | None = Field(None, description="The type's code; null for all projects")
    metric: str
    label: str
    lower: Decimal | None
    upper: Decimal | None


class BandIn(Schema):
    project_type: str | None = Field(None, description="The type's code; null for all projects")
    metric: str
    lower: Decimal | None = None
    upper: Decimal | None = None


def _type(code: str | None) -> ProjectType | None:
    if not code:
        return None
    project_type = ProjectType.objects.filter(code=code).first()
    if project_type is None:
        raise ValidationError({"project_type": _("No project type %(code)s.") % {"code": code}})
    return project_type


@router.get("/quality-indicators", response=list[BandOut])
def bands_list(request: HttpRequest, project_type: str | None = None) -> list[dict[str, Any]]:
    """The bands in force for a project type (its own, else the organisation's), or the organisation's."""
    require(perms.can_read_lessons(request.user))
    kind = _type(project_type)
    codes = {t.pk: t.code for t in ProjectType.objects.all()}
    return [
        {
            "project_type": codes.get(b.project_type_id) if b.project_type_id else None,
            "metric": b.metric,
            "label": str(METRICS[b.metric].label),
            "lower": b.lower,
            "upper": b.upper,
        }
        for b in selectors.effective_bands(kind).values()
    ]


@router.put("/quality-indicators", response={200: BandOut, 204: None})
def band_put(request: HttpRequest, payload: BandIn) -> Any:
    """Set a band (the PMO); no bounds removes it (204)."""
    require(perms.can_configure_standards(request.user))
    kind = _type(payload.project_type)
    row = services.indicator_set(
        user=request.user, project_type=kind, metric=payload.metric, lower=payload.lower, upper=payload.upper
    )
    if row is None:
        return HttpStatus(204, None)
    return {
        "project_type": kind.code if kind else None,
        "metric": row.metric,
        "label": str(METRICS[row.metric].label),
        "lower": row.lower,
        "upper": row.upper,
    }


# --- Lessons ---------------------------------------------------------------------------------------


class LessonOut(Schema):
    id: int
    title: str
    category: LessonCategory
    situation: str
    cause: str
    recommendation: str
    positive: bool
    project: str | None = Field(None, description="The project's code")
    phase_name: str
    tags: str
    templates: list[str] = Field(default_factory=list, description="Template codes")
    created_by: str | None


class LessonIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    category: LessonCategory
    situation: str = Field(..., min_length=1)
    cause: str = ""
    recommendation: str = Field(..., min_length=1)
    positive: bool = False
    project: str | None = Field(None, description="A project's code")
    phase_name: str = Field("", max_length=200)
    tags: str = Field("", max_length=300)
    templates: list[str] = Field(default_factory=list, description="Template codes")


class LessonPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    category: LessonCategory | None = None
    situation: str | None = Field(None, min_length=1)
    cause: str | None = None
    recommendation: str | None = Field(None, min_length=1)
    positive: bool | None = None
    project: str | None = None
    phase_name: str | None = Field(None, max_length=200)
    tags: str | None = Field(None, max_length=300)
    templates: list[str] | None = None


class LessonQuery(Schema):
    q: str = ""
    category: LessonCategory | None = None
    project: str | None = None
    template: str | None = None
    positive: bool | None = None


def _lesson_out(lesson: Any) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "category": lesson.category,
        "situation": lesson.situation,
        "cause": lesson.cause,
        "recommendation": lesson.recommendation,
        "positive": lesson.positive,
        "project": lesson.project.code if lesson.project else None,
        "phase_name": lesson.phase_name,
        "tags": lesson.tags,
        "templates": [t.code for t in lesson.templates.all()],
        "created_by": lesson.created_by.username if lesson.created_by else None,
    }


def _lesson_values(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k not in ("project", "templates")}
    for name in ("cause", "phase_name", "tags"):
        if name in values and values[name] is None:
            values[name] = ""
    for name in ("title", "category", "situation", "recommendation", "positive"):
        if name in values and values[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "project" in data:
        code = data["project"]
        values["project"] = None
        if code:
            project = Project.objects.filter(code=code).first()
            if project is None or not perms.can_view_governance(request.user, project):
                raise ValidationError({"project": _("No project %(code)s.") % {"code": code}})
            values["project"] = project
    if data.get("templates") is not None:
        codes = list(data["templates"])
        found = {t.code: t for t in ProjectTemplate.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError({"templates": _("No template %(code)s.") % {"code": missing[0]}})
        values["templates"] = list(found.values())
    return values


@router.get("/lessons", response=list[LessonOut])
def lessons_list(request: HttpRequest, filters: Query[LessonQuery]) -> list[dict[str, Any]]:
    """Lessons learned: `q` searches title, situation, cause, recommendation and tags (every word)."""
    require(perms.can_read_lessons(request.user))
    project = Project.objects.filter(code=filters.project).first() if filters.project else None
    template = ProjectTemplate.objects.filter(code=filters.template).first() if filters.template else None
    f = selectors.LessonFilter(
        q=filters.q,
        category=str(filters.category or ""),
        project=project.pk if project else (-1 if filters.project else None),
        template=template.pk if template else (-1 if filters.template else None),
        positive=filters.positive,
    )
    rows = selectors.lessons(request.user, f).prefetch_related("templates")
    return [_lesson_out(lesson) for lesson in rows]


@router.post("/lessons", response={201: LessonOut})
def lesson_post(request: HttpRequest, payload: LessonIn) -> HttpStatus[Any]:
    """Record a lesson (everyone signed in but executives)."""
    require(perms.can_record_lesson(request.user))
    lesson = services.lesson_create(user=request.user, values=_lesson_values(request, payload.dict()))
    return HttpStatus(201, _lesson_out(lesson))


@router.get("/lessons/{lesson_id}", response=LessonOut)
def lesson_read(request: HttpRequest, lesson_id: int) -> dict[str, Any]:
    """One lesson."""
    return _lesson_out(selectors.lesson_get(request.user, lesson_id))


@router.patch("/lessons/{lesson_id}", response=LessonOut)
def lesson_patch(request: HttpRequest, lesson_id: int, payload: LessonPatch) -> dict[str, Any]:
    """Change a lesson (its author or the PMO)."""
    lesson = selectors.lesson_get(request.user, lesson_id)
    require(perms.can_edit_lesson(request.user, lesson))
    values = _lesson_values(request, payload.dict(exclude_unset=True))
    return _lesson_out(services.lesson_update(user=request.user, lesson=lesson, values=values))


@router.delete("/lessons/{lesson_id}", response={204: None})
def lesson_remove(request: HttpRequest, lesson_id: int) -> HttpStatus[None]:
    """Delete a lesson (its author or the PMO)."""
    lesson = selectors.lesson_get(request.user, lesson_id)
    services.lesson_delete(user=request.user, lesson=lesson)
    return HttpStatus(204, None)
