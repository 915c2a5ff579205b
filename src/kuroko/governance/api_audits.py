"""REST endpoints of the audits: findings (list with the page's filters, read, owner and due date, waive),
the rules with their effective settings (PMO: change one), audit runs, and a project's health.

Bad input answers 422 naming the field; a refused write 403; an unknown rule or project type 404."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from kuroko.core.permissions import require
from kuroko.governance import permissions as perms
from kuroko.governance.audit.registry import RULES
from kuroko.governance.models import AuditRun, AuditTrigger, Finding
from kuroko.governance.selectors import audits as selectors
from kuroko.governance.services import audits as services
from kuroko.people.models import Person
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import ProjectType

router = Router(tags=["audits"])

SeverityValue = Literal["critical", "high", "medium", "low"]


class FindingOut(Schema):
    id: int
    project: str = Field(alias="project.code")
    rule: str
    rule_title: str
    severity: SeverityValue
    status: Literal["open", "waived", "closed"]
    message: str = Field(description="The evidence in words, in the caller's language")
    evidence: dict[str, Any]
    owner_id: int | None
    due: date | None
    opened_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None
    waive_reason: str

    @staticmethod
    def resolve_rule_title(obj: Finding) -> str:
        return selectors.rule_title(obj.rule)

    @staticmethod
    def resolve_message(obj: Finding) -> str:
        return selectors.finding_message(obj)


class FindingQuery(Schema):
    """The same filters as the findings page."""

    pack: str = Field("", description="dcma, hygiene or quality")
    rule: str = ""
    severity: SeverityValue | None = None
    status: Literal["live", "open", "waived", "closed", "all"] = Field(
        "live", description="live: open and waived"
    )
    project_type: str = Field("", description="Project type code")
    program: str = Field("", description="Program code")
    owner: int | None = Field(None, description="Person id")
    project: str = Field("", description="Project code")

    def to_filter(self) -> selectors.FindingFilter:
        from kuroko.projects.models import Program

        type_id = program_id = None
        if self.project_type:
            type_id = get_object_or_404(ProjectType, code=self.project_type).pk
        if self.program:
            program_id = get_object_or_404(Program, code=self.program).pk
        return selectors.FindingFilter(
            pack=self.pack,
            rule=self.rule,
            severity=self.severity or "",
            status="" if self.status == "all" else self.status,
            project_type=type_id,
            program=program_id,
            owner=self.owner,
            project=self.project,
        )


@router.get("/findings", response=list[FindingOut])
@paginate
def list_findings(request: HttpRequest, filters: Query[FindingQuery]) -> Any:
    """Findings of the projects you can read (live ones by default)."""
    return selectors.findings_visible(request.user, filters.to_filter())


@router.get("/findings/{pk}", response=FindingOut)
def get_finding(request: HttpRequest, pk: int) -> Finding:
    return selectors.finding_get(request.user, pk)


class FindingPatch(Schema):
    owner_id: int | None = Field(None, description="Person id (the PMO)")
    due: date | None = None


@router.patch("/findings/{pk}", response=FindingOut)
def update_finding(request: HttpRequest, pk: int, payload: FindingPatch) -> Finding:
    """Set the owner (the PMO) and the due date (the PMO, the project's editors, the owner)."""
    finding = selectors.finding_get(request.user, pk)
    values = payload.dict(exclude_unset=True)
    data: dict[str, Any] = {}
    if "owner_id" in values:
        owner = values["owner_id"]
        if owner is not None:
            person = Person.objects.filter(pk=owner).first()
            if person is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"owner_id": _("No person with id %(id)s.") % {"id": owner}})
            data["owner"] = person
        else:
            data["owner"] = None
    if "due" in values:
        data["due"] = values["due"]
    services.finding_update(actor=request.user, finding=finding, data=data)
    return selectors.finding_get(request.user, pk)


class WaiveIn(Schema):
    reason: str = Field(description="Why the finding is waived")


@router.post("/findings/{pk}/waive", response=FindingOut)
def waive_finding(request: HttpRequest, pk: int, payload: WaiveIn) -> Finding:
    """Waive an open finding (the PMO)."""
    finding = selectors.finding_get(request.user, pk)
    services.finding_waive(actor=request.user, finding=finding, reason=payload.reason)
    return selectors.finding_get(request.user, pk)


class ParamOut(Schema):
    name: str
    label: str
    default: float
    value: float
    min: float | None
    max: float | None


class RuleOut(Schema):
    key: str
    pack: str
    title: str
    description: str
    default_severity: SeverityValue
    enabled: bool
    severity: SeverityValue
    source: Literal["rule", "default", "type"] = Field(description="Where the effective setting comes from")
    params: list[ParamOut]


def _rule_out(row: selectors.RuleRow) -> dict[str, Any]:
    rule, eff = row.rule, row.effective
    return {
        "key": rule.key,
        "pack": rule.pack,
        "title": str(rule.title),
        "description": str(rule.description),
        "default_severity": rule.severity,
        "enabled": eff.enabled,
        "severity": eff.severity,
        "source": eff.source,
        "params": [
            {
                "name": n,
                "label": str(p.label),
                "default": p.default,
                "value": eff.params[n],
                "min": p.min,
                "max": p.max,
            }
            for n, p in rule.params.items()
        ],
    }


def _type(code: str) -> ProjectType | None:
    if not code:
        return None
    found = ProjectType.objects.filter(code=code).first()
    if found is None:
        raise Http404(_("No project type %(code)s.") % {"code": code})
    return found


@router.get("/audit-rules", response=list[RuleOut])
def list_rules(request: HttpRequest, project_type: str = "") -> Any:
    """Every rule with its effective setting for all projects, or for `?project_type=CODE`."""
    return [_rule_out(row) for row in selectors.rule_rows(_type(project_type))]


class RuleIn(Schema):
    project_type: str = Field("", description="Project type code; empty: all projects")
    enabled: bool = True
    severity: Literal["", "critical", "high", "medium", "low"] = Field("", description="Empty: inherited")
    params: dict[str, float | int | str] = Field(default_factory=dict, description="Thresholds by name")


@router.put("/audit-rules/{rule}", response=RuleOut)
def put_rule(request: HttpRequest, rule: str, payload: RuleIn) -> Any:
    """Set a rule for a project type or all projects (the PMO)."""
    require(perms.can_configure_standards(request.user))
    if rule not in RULES:
        raise Http404(_("Unknown rule %(rule)s.") % {"rule": rule})
    project_type = _type(payload.project_type)
    services.rule_setting_save(
        actor=request.user,
        project_type=project_type,
        rule=rule,
        enabled=payload.enabled,
        severity=payload.severity,
        params=payload.params,
    )
    return next(_rule_out(r) for r in selectors.rule_rows(project_type) if r.rule.key == rule)


class AuditIn(Schema):
    project: str | None = Field(None, description="Project code; none: every active project (queued)")


class AuditOut(Schema):
    id: int | None
    trigger: str
    project: str | None
    queued: bool = False
    started_at: datetime | None
    finished_at: datetime | None
    projects: int
    opened: int
    closed: int


def _run_out(run: AuditRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "trigger": run.trigger,
        "project": run.project.code if run.project else None,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "projects": run.projects,
        "opened": run.opened,
        "closed": run.closed,
    }


@router.post("/audits", response={200: AuditOut, 202: AuditOut})
def run_audit(request: HttpRequest, payload: AuditIn) -> Any:
    """Audit one project now (who edits it), or queue the audit of all projects (the PMO; 202)."""
    if payload.project:
        project = project_selectors.project_get(request.user, payload.project)
        run = services.audit_run(
            trigger=AuditTrigger.MANUAL, projects=[project], actor=request.user, today=timezone.localdate()
        )
        return _run_out(run)
    require(perms.can_run_audit(request.user))
    from kuroko.governance.tasks import audit_all_in_background

    audit_all_in_background.enqueue(timezone.localdate().isoformat(), request.user.pk)
    return HttpStatus(
        202,
        {
            "id": None,
            "trigger": AuditTrigger.MANUAL,
            "project": None,
            "queued": True,
            "started_at": None,
            "finished_at": None,
            "projects": 0,
            "opened": 0,
            "closed": 0,
        },
    )


@router.get("/audits/{pk}", response=AuditOut)
def get_audit(request: HttpRequest, pk: int) -> Any:
    """An audit run: of one project (its readers), or of all projects (the PMO and executives)."""
    run = get_object_or_404(AuditRun.objects.select_related("project"), pk=pk)
    if run.project is not None:
        require(perms.can_view_governance(request.user, run.project))
    else:
        from kuroko.core.permissions import reads_everything

        require(reads_everything(request.user))
    return _run_out(run)


class HealthPoint(Schema):
    day: date
    score: float
    critical: int
    high: int
    medium: int
    low: int


class HealthOut(Schema):
    project: str
    score: Decimal | None
    day: date | None
    by_severity: dict[str, int]
    waived: int
    trend: list[HealthPoint]
    findings: list[FindingOut]


@router.get("/projects/{code}/health", response=HealthOut)
def project_health(request: HttpRequest, code: str) -> Any:
    """The project's health score, its trend over 30 days and its live findings."""
    project = project_selectors.project_get(request.user, code)
    health = selectors.project_health(request.user, project, today=timezone.localdate())
    findings = list(selectors.findings_visible(request.user, selectors.FindingFilter(project=project.code)))
    return {
        "project": project.code,
        "score": health.score,
        "day": health.day,
        "by_severity": health.by_severity,
        "waived": health.waived,
        "trend": health.trend,
        "findings": findings,
    }
