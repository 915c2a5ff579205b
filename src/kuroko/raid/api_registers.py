"""REST endpoints of the issue, action-item, decision and change-request registers, the change-request
workflow, raising an issue from a risk, escalation rules (PMO) and escalation events.

Updates (PATCH) carry the `version` read: a stale one gets 409 with what changed. Bad input answers 422
naming the field (`{"detail": [{"loc": ["body", field], "msg": …}]}`); a step the item's state does not
allow (approving a draft, escalating a resolved issue) answers 409 `{"detail": …, "code": "refused"}`.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from kuroko.core.permissions import require
from kuroko.projects import selectors as project_selectors
from kuroko.raid import permissions as perms
from kuroko.raid import selectors, services
from kuroko.raid.models import (
    ActionStatus,
    ChangeRequest,
    ChangeStatus,
    DecisionStatus,
    EscalationRule,
    IssueStatus,
    Priority,
    Severity,
)
from kuroko.raid.selectors.registers import RegisterFilter, risk_get
from kuroko.raid.services.escalation import describe
from kuroko.raid.services.registers import Refused, today

router = Router(tags=["risks, issues and decisions"])
VERSION = Field(description="The version you read; a stale one gets 409 Conflict with what changed.")
LINK_FIELDS = {"risks", "issues", "change_requests", "decisions", "tasks"}


class RefusedOut(Schema):
    detail: str
    code: str = "refused"


def _refused(exc: Refused) -> HttpStatus[Any]:
    return HttpStatus(409, {"detail": " ".join(exc.messages), "code": "refused"})


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema names → model field names (`owner_id` → `owner`), many-to-many links left out."""
    return {(k[:-3] if k.endswith("_id") else k): v for k, v in data.items() if k not in LINK_FIELDS}


def _project(request: HttpRequest, code: str) -> Any:
    return project_selectors.project_get(request.user, code)


# --- Issues -------------------------------------------------------------------------------------


class IssueOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    number: int
    code: str
    title: str
    description: str
    severity: Severity
    priority: Priority
    owner_id: int | None
    raised_by_id: int | None
    raised_on: date
    due_date: date | None
    status: IssueStatus
    escalation_level: int = Field(..., description="0 project, 1 PMO, 2 executive")
    escalated_at: datetime | None
    resolution: str
    resolved_on: date | None = Field(None, description="Set when the issue is resolved or closed")
    risk_id: int | None = Field(None, description="The risk it was raised from")
    tasks: list[int] = Field(default_factory=list, description="Ids of the work tasks it affects")
    version: int

    @staticmethod
    def resolve_tasks(obj: Any) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())


class IssueIn(Schema):
    title: str
    description: str = ""
    severity: Severity = Severity.MEDIUM
    priority: Priority = Priority.NORMAL
    owner_id: int | None = None
    due_date: date | None = None
    status: IssueStatus = IssueStatus.OPEN
    resolution: str = Field("", description="Needed to resolve or close the issue")
    risk_id: int | None = None
    tasks: list[int] = Field(default_factory=list)


class IssuePatch(Schema):
    version: int = VERSION
    title: str | None = None
    description: str | None = None
    severity: Severity | None = None
    priority: Priority | None = None
    owner_id: int | None = None
    due_date: date | None = None
    status: IssueStatus | None = None
    escalation_level: Literal[0, 1, 2] | None = None
    resolution: str | None = None
    risk_id: int | None = None
    tasks: list[int] | None = None


class IssueQuery(Schema):
    """The same filters as the register page."""

    status: Literal["", "open", "in_progress", "resolved", "closed"] = Field(
        "", description="A status, `open` (any open status) or empty for all"
    )
    severity: Severity | None = None
    priority: Priority | None = None
    owner: int | None = Field(None, description="Person id of the owner")
    overdue: bool = False
    escalated: bool = False
    sort: Literal["number", "due", "-due", "severity", "escalated"] = "number"

    def to_filter(self, **extra: Any) -> RegisterFilter:
        return RegisterFilter(
            status=self.status,
            severity=self.severity or "",
            priority=self.priority or "",
            owner=self.owner,
            overdue=self.overdue,
            escalated=self.escalated,
            sort=self.sort,
            today=today(),
            **extra,
        )


class EscalateIn(Schema):
    reason: str
    level: Literal[1, 2] | None = Field(None, description="1 PMO, 2 executive; default: one level up")


class RaiseIn(Schema):
    severity: Severity | None = None
    priority: Priority | None = None
    owner_id: int | None = None
    due_date: date | None = None


@router.get("/projects/{code}/issues", response=list[IssueOut])
@paginate
def list_issues(request: HttpRequest, code: str, filters: Query[IssueQuery]) -> Any:
    """The project's issues, filtered as on the register page."""
    project = _project(request, code)
    return selectors.issues(request.user, filters.to_filter(), project=project).prefetch_related("tasks")


@router.get("/issues", response=list[IssueOut])
@paginate
def portfolio_issue_list(request: HttpRequest, filters: Query[IssueQuery]) -> Any:
    """Issues of every project the caller may read (e.g. `status=open&sort=escalated`)."""
    return selectors.issues(request.user, filters.to_filter()).prefetch_related("tasks")


@router.post("/projects/{code}/issues", response={201: IssueOut})
def create_issue(request: HttpRequest, code: str, payload: IssueIn) -> Any:
    project = _project(request, code)
    issue = services.issue_create(
        actor=request.user, project=project, data=_fields(payload.dict()), tasks=payload.tasks
    )
    return HttpStatus(201, selectors.issue_get(request.user, issue.pk))


@router.get("/issues/{issue_id}", response=IssueOut)
def get_issue(request: HttpRequest, issue_id: int) -> Any:
    return selectors.issue_get(request.user, issue_id)


@router.patch("/issues/{issue_id}", response={200: IssueOut, 409: RefusedOut})
def update_issue(request: HttpRequest, issue_id: int, payload: IssuePatch) -> Any:
    """Change an issue; the owner may change its status, resolution and description."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    tasks = data.pop("tasks", None)
    services.issue_update(
        actor=request.user,
        issue=selectors.issue_get(request.user, issue_id),
        data=_fields(data),
        expected_version=version,
        tasks=tasks,
    )
    return selectors.issue_get(request.user, issue_id)


@router.delete("/issues/{issue_id}", response={204: None})
def delete_issue(request: HttpRequest, issue_id: int) -> Any:
    services.issue_delete(actor=request.user, issue=selectors.issue_get(request.user, issue_id))
    return HttpStatus(204, None)


@router.post("/issues/{issue_id}/escalate", response={200: IssueOut, 409: RefusedOut})
def escalate_issue(request: HttpRequest, issue_id: int, payload: EscalateIn) -> Any:
    """Escalate an open issue with a reason (one level up, or to `level`); the people there are told."""
    try:
        services.issue_escalate(
            actor=request.user,
            issue=selectors.issue_get(request.user, issue_id),
            reason=payload.reason,
            level=payload.level,
        )
    except Refused as exc:
        return _refused(exc)
    return selectors.issue_get(request.user, issue_id)


@router.post("/risks/{risk_id}/raise-issue", response={201: IssueOut, 409: RefusedOut})
def raise_issue_from_risk(request: HttpRequest, risk_id: int, payload: RaiseIn | None = None) -> Any:
    """The risk occurred: an issue is raised from it (title, event and effect, owner, tasks, a severity
    from its level) and the risk's status becomes "occurred"."""
    data = _fields(payload.dict(exclude_none=True)) if payload is not None else {}
    try:
        issue = services.issue_raise_from_risk(
            actor=request.user, risk=risk_get(request.user, risk_id), data=data
        )
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(201, selectors.issue_get(request.user, issue.pk))


# --- Action items -------------------------------------------------------------------------------


class ActionOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    number: int
    code: str
    title: str
    description: str
    owner_id: int | None
    due_date: date | None
    status: ActionStatus
    completed_on: date | None = Field(None, description="Set when the item is done")
    escalation_level: int
    risk_id: int | None
    issue_id: int | None
    decision_id: int | None
    change_request_id: int | None
    version: int


class ActionIn(Schema):
    title: str
    description: str = ""
    owner_id: int | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    risk_id: int | None = None
    issue_id: int | None = None
    decision_id: int | None = None
    change_request_id: int | None = None


class ActionPatch(Schema):
    version: int = VERSION
    title: str | None = None
    description: str | None = None
    owner_id: int | None = None
    due_date: date | None = None
    status: ActionStatus | None = None
    risk_id: int | None = None
    issue_id: int | None = None
    decision_id: int | None = None
    change_request_id: int | None = None


class ActionQuery(Schema):
    status: Literal["", "open", "in_progress", "done", "cancelled"] = Field(
        "", description="A status, `open` (any open status) or empty for all"
    )
    owner: int | None = Field(None, description="Person id of the owner")
    overdue: bool = False
    mine: bool = Field(False, description="Only the caller's own items")
    sort: Literal["number", "due", "-due"] = "number"

    def to_filter(self) -> RegisterFilter:
        return RegisterFilter(
            status=self.status,
            owner=self.owner,
            overdue=self.overdue,
            mine=self.mine,
            sort=self.sort,
            today=today(),
        )


@router.get("/projects/{code}/actions", response=list[ActionOut])
@paginate
def list_actions(request: HttpRequest, code: str, filters: Query[ActionQuery]) -> Any:
    project = _project(request, code)
    return selectors.actions(request.user, filters.to_filter(), project=project)


@router.get("/actions", response=list[ActionOut])
@paginate
def portfolio_action_list(request: HttpRequest, filters: Query[ActionQuery]) -> Any:
    """Action items of every project the caller may read (e.g. `status=open&overdue=true&mine=true`)."""
    return selectors.actions(request.user, filters.to_filter())


@router.post("/projects/{code}/actions", response={201: ActionOut})
def create_action(request: HttpRequest, code: str, payload: ActionIn) -> Any:
    """Add an action item; its owner is notified."""
    action = services.action_create(
        actor=request.user, project=_project(request, code), data=_fields(payload.dict())
    )
    return HttpStatus(201, selectors.action_get(request.user, action.pk))


@router.get("/actions/{action_id}", response=ActionOut)
def get_action(request: HttpRequest, action_id: int) -> Any:
    return selectors.action_get(request.user, action_id)


@router.patch("/actions/{action_id}", response=ActionOut)
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> Any:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.action_update(
        actor=request.user,
        action=selectors.action_get(request.user, action_id),
        data=_fields(data),
        expected_version=version,
    )
    return selectors.action_get(request.user, action_id)


@router.delete("/actions/{action_id}", response={204: None})
def delete_action(request: HttpRequest, action_id: int) -> Any:
    services.action_delete(actor=request.user, action=selectors.action_get(request.user, action_id))
    return HttpStatus(204, None)


# --- Decisions ----------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    number: int
    code: str
    title: str
    description: str = Field(..., description="What was decided")
    status: DecisionStatus
    decided_on: date | None
    decided_by: str
    due_date: date | None = Field(None, description="When a decision is needed")
    options: str
    rationale: str
    owner_id: int | None
    risks: list[int]
    issues: list[int]
    change_requests: list[int]
    version: int

    @staticmethod
    def resolve_risks(obj: Any) -> list[int]:
        return sorted(r.pk for r in obj.risks.all())

    @staticmethod
    def resolve_issues(obj: Any) -> list[int]:
        return sorted(i.pk for i in obj.issues.all())

    @staticmethod
    def resolve_change_requests(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.change_requests.all())


class DecisionIn(Schema):
    title: str
    description: str = ""
    status: DecisionStatus = DecisionStatus.PENDING
    decided_on: date | None = None
    decided_by: str = ""
    due_date: date | None = None
    options: str = ""
    rationale: str = ""
    owner_id: int | None = None
    risks: list[int] = Field(default_factory=list)
    issues: list[int] = Field(default_factory=list)
    change_requests: list[int] = Field(default_factory=list)


class DecisionPatch(Schema):
    version: int = VERSION
    title: str | None = None
    description: str | None = None
    status: DecisionStatus | None = None
    decided_on: date | None = None
    decided_by: str | None = None
    due_date: date | None = None
    options: str | None = None
    rationale: str | None = None
    owner_id: int | None = None
    risks: list[int] | None = None
    issues: list[int] | None = None
    change_requests: list[int] | None = None


def _decision_links(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("risks", "issues", "change_requests") if data.get(k) is not None}


class DecisionQuery(Schema):
    """The same filters as the decision log page."""

    status: Literal["", "open", "pending", "decided", "superseded"] = Field(
        "", description="A status, `open` (pending) or empty for all"
    )
    owner: int | None = Field(None, description="Person id of the owner")
    overdue: bool = Field(False, description="Pending past the date a decision is needed by")
    q: str = Field("", max_length=100, description="Text in the title, decision or decided by, or a number")
    sort: Literal["number", "due", "-due"] = "number"

    def to_filter(self) -> RegisterFilter:
        return RegisterFilter(
            status=self.status,
            owner=self.owner,
            overdue=self.overdue,
            q=self.q,
            sort=self.sort,
            today=today(),
        )


@router.get("/projects/{code}/decisions", response=list[DecisionOut])
@paginate
def list_decisions(request: HttpRequest, code: str, filters: Query[DecisionQuery]) -> Any:
    return selectors.decisions(_project(request, code), filters.to_filter()).prefetch_related(
        "risks", "issues", "change_requests"
    )


@router.post("/projects/{code}/decisions", response={201: DecisionOut})
def create_decision(request: HttpRequest, code: str, payload: DecisionIn) -> Any:
    """Record a decision; `decided` needs `decided_on` and `description` (what was decided)."""
    data = payload.dict()
    decision = services.decision_create(
        actor=request.user, project=_project(request, code), data=_fields(data), links=_decision_links(data)
    )
    return HttpStatus(201, selectors.decision_get(request.user, decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request: HttpRequest, decision_id: int) -> Any:
    return selectors.decision_get(request.user, decision_id)


@router.patch("/decisions/{decision_id}", response=DecisionOut)
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch) -> Any:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.decision_update(
        actor=request.user,
        decision=selectors.decision_get(request.user, decision_id),
        data=_fields(data),
        expected_version=version,
        links=_decision_links(data),
    )
    return selectors.decision_get(request.user, decision_id)


@router.delete("/decisions/{decision_id}", response={204: None})
def delete_decision(request: HttpRequest, decision_id: int) -> Any:
    services.decision_delete(actor=request.user, decision=selectors.decision_get(request.user, decision_id))
    return HttpStatus(204, None)


# --- Change requests ----------------------------------------------------------------------------


class ChangeOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    number: int
    code: str
    title: str
    description: str
    reason: str
    requested_by_id: int | None
    requested_on: date
    owner_id: int | None
    scope_impact: str
    schedule_impact_minutes: int = Field(..., description="Working minutes the change adds (negative: saves)")
    cost_impact: Decimal
    status: ChangeStatus
    submitted_at: datetime | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    implemented_at: datetime | None
    baseline: int | None = Field(None, description="Number of the baseline it changes")
    decisions: list[int]
    version: int

    @staticmethod
    def resolve_baseline(obj: Any) -> int | None:
        return obj.baseline.number if obj.baseline_id else None

    @staticmethod
    def resolve_decisions(obj: Any) -> list[int]:
        return sorted(d.pk for d in obj.decisions.all())


class ChangeIn(Schema):
    title: str
    description: str = ""
    reason: str = ""
    requested_by_id: int | None = Field(None, description="Default: the caller's person")
    requested_on: date | None = Field(None, description="Default: today")
    owner_id: int | None = None
    scope_impact: str = ""
    schedule_impact: str | None = Field(None, description="Working time it adds, e.g. 5d or 4h")
    schedule_impact_minutes: int | None = Field(None, description="Instead of schedule_impact")
    cost_impact: Decimal = Decimal(0)
    baseline: int | None = Field(None, description="Number of the project's baseline it changes")
    decisions: list[int] = Field(default_factory=list)


class ChangePatch(Schema):
    version: int = VERSION
    title: str | None = None
    description: str | None = None
    reason: str | None = None
    requested_by_id: int | None = None
    requested_on: date | None = None
    owner_id: int | None = None
    scope_impact: str | None = None
    schedule_impact: str | None = None
    schedule_impact_minutes: int | None = None
    cost_impact: Decimal | None = None
    baseline: int | None = None
    decisions: list[int] | None = None


class ChangeActionIn(Schema):
    version: int | None = Field(None, description="The version you read (optional)")
    note: str = Field("", description="The decision note; required to reject")
    capture_baseline: bool = Field(False, description="implement: capture the baseline it changes again")
    baseline_number: int | None = Field(
        None, description="implement: which baseline (default: its own, or 0)"
    )


def _change_fields(project: Any, data: dict[str, Any]) -> dict[str, Any]:
    """API names → service fields: the schedule impact as text or minutes, the baseline by number."""
    from django.core.exceptions import ValidationError

    from kuroko.engine.duration import DurationError, parse_duration
    from kuroko.projects.models import Baseline

    text = data.pop("schedule_impact", None)
    if text is not None:
        try:
            data["schedule_impact_minutes"] = parse_duration(
                text, project_selectors.duration_units(), allow_negative=True
            )
        except DurationError as exc:
            raise ValidationError({"schedule_impact": str(exc)}) from None
    elif data.get("schedule_impact_minutes", 0) is None:
        data.pop("schedule_impact_minutes")
    if "baseline" in data:
        number = data.pop("baseline")
        baseline = None
        if number is not None:
            baseline = Baseline.objects.filter(project=project, number=number).first()
            if baseline is None:
                raise ValidationError(
                    {
                        "baseline": _("%(code)s has no baseline %(number)s.")
                        % {"code": project.code, "number": number}
                    }
                )
        data["baseline"] = baseline
    if data.get("requested_on", 0) is None:
        data.pop("requested_on")
    data.pop("decisions", None)
    return _fields(data)


class ChangeQuery(Schema):
    """The same filters as the register page."""

    status: Literal["", "open", "draft", "submitted", "approved", "rejected", "implemented", "withdrawn"] = (
        Field("", description="A status, `open` (draft or submitted) or empty for all")
    )
    requested_by: int | None = Field(None, description="Person id of the requester")
    q: str = Field("", max_length=100, description="Text in the title, description or reason, or a number")

    def to_filter(self) -> RegisterFilter:
        return RegisterFilter(status=self.status, requested_by=self.requested_by, q=self.q, today=today())


@router.get("/projects/{code}/change-requests", response=list[ChangeOut])
@paginate
def list_changes(request: HttpRequest, code: str, filters: Query[ChangeQuery]) -> Any:
    return selectors.changes(_project(request, code), filters.to_filter()).prefetch_related("decisions")


@router.post("/projects/{code}/change-requests", response={201: ChangeOut})
def create_change(request: HttpRequest, code: str, payload: ChangeIn) -> Any:
    """A new change request, in draft."""
    project = _project(request, code)
    require(perms.can_manage_raid(request.user, project))
    data = payload.dict()
    change = services.change_request_create(
        actor=request.user,
        project=project,
        data=_change_fields(project, data),
        decisions=payload.decisions,
    )
    return HttpStatus(201, selectors.change_get(request.user, change.pk))


@router.get("/change-requests/{change_id}", response=ChangeOut)
def get_change(request: HttpRequest, change_id: int) -> Any:
    return selectors.change_get(request.user, change_id)


@router.patch("/change-requests/{change_id}", response={200: ChangeOut, 409: RefusedOut})
def update_change(request: HttpRequest, change_id: int, payload: ChangePatch) -> Any:
    """Edit a draft or submitted request (409 once it is decided)."""
    change = selectors.change_get(request.user, change_id)
    require(perms.can_manage_raid(request.user, change.project))
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    decisions = data.get("decisions")
    try:
        services.change_request_update(
            actor=request.user,
            change=change,
            data=_change_fields(change.project, data),
            expected_version=version,
            decisions=decisions,
        )
    except Refused as exc:
        return _refused(exc)
    return selectors.change_get(request.user, change_id)


@router.delete("/change-requests/{change_id}", response={204: None, 409: RefusedOut})
def delete_change(request: HttpRequest, change_id: int) -> Any:
    try:
        services.change_request_delete(
            actor=request.user, change=selectors.change_get(request.user, change_id)
        )
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(204, None)


@router.post("/change-requests/{change_id}/{action}", response={200: ChangeOut, 409: RefusedOut})
def change_transition(
    request: HttpRequest,
    change_id: int,
    action: Literal["submit", "approve", "reject", "withdraw", "implement"],
    payload: ChangeActionIn | None = None,
) -> Any:
    """A step of the workflow: submit (project editors or the requester), approve or reject (the PMO or
    the sponsor; a note is needed to reject), withdraw, implement (optionally capturing the baseline)."""
    body = payload or ChangeActionIn(version=None, note="", capture_baseline=False, baseline_number=None)
    change: ChangeRequest = selectors.change_get(request.user, change_id)
    try:
        services.change_request_transition(
            actor=request.user,
            change=change,
            action=action,
            note=body.note,
            capture_baseline=body.capture_baseline,
            baseline_number=body.baseline_number,
            expected_version=body.version,
        )
    except Refused as exc:
        return _refused(exc)
    return selectors.change_get(request.user, change_id)


# --- Escalation ---------------------------------------------------------------------------------


class RuleOut(Schema):
    id: int
    name: str
    log: Literal["issue", "risk", "action"] = Field(
        ..., alias="register", description="The register it watches"
    )
    severity: str
    risk_level: str
    days: int
    escalate_to: int = Field(..., description="1 PMO, 2 executive")
    active: bool
    description: str

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return describe(obj)


class RuleIn(Schema):
    name: str = Field("", description="Empty: the rule in words")
    log: Literal["issue", "risk", "action"] = Field(..., description="The register it watches")
    severity: Severity | Literal[""] = Field("", description="Issue rules: the lowest severity")
    risk_level: Literal["", "low", "medium", "high", "critical"] = Field("", description="Risk rules")
    days: int = Field(7, ge=0, le=3650)
    escalate_to: Literal[1, 2] = 1
    active: bool = True


class RulePatch(Schema):
    name: str | None = None
    log: Literal["issue", "risk", "action"] | None = None
    severity: Severity | Literal[""] | None = None
    risk_level: Literal["", "low", "medium", "high", "critical"] | None = None
    days: int | None = Field(None, ge=0, le=3650)
    escalate_to: Literal[1, 2] | None = None
    active: bool | None = None


class EventOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    log: str = Field(..., alias="register", description="issue, risk, action …")
    item_id: int
    item: str | None = Field(None, description="The item's code and title")
    level: int
    message: str
    escalated_at: datetime
    rule_id: int | None
    escalated_by: str | None = Field(None, description="Who escalated by hand (none: a rule)")

    @staticmethod
    def resolve_item(obj: Any) -> str | None:
        item = getattr(obj, "item", None)
        return str(item) if item is not None else None

    @staticmethod
    def resolve_escalated_by(obj: Any) -> str | None:
        return obj.escalated_by.get_username() if obj.escalated_by_id else None


class CheckIn(Schema):
    as_of: date | None = Field(None, description="The day to check as of (default: today)")


def _rule_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "log" in data:
        data["register"] = data.pop("log")
    return data


@router.get("/escalation-rules", response=list[RuleOut])
def list_rules(request: HttpRequest) -> Any:
    """The escalation rules (PMO)."""
    return list(selectors.escalation_rules(request.user))


@router.post("/escalation-rules", response={201: RuleOut})
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    return HttpStatus(
        201, services.escalation_rule_save(actor=request.user, data=_rule_fields(payload.dict()))
    )


# Before /escalation-rules/{rule_id}, which would otherwise match "check".
@router.post("/escalation-rules/check", response=list[EventOut])
def check_rules(request: HttpRequest, payload: CheckIn | None = None) -> Any:
    """Apply the rules now (PMO) and return the escalations made (none when run again)."""
    day = payload.as_of if payload is not None and payload.as_of else today()
    events = services.escalations_check(today=day, actor=request.user)
    shown = {e.pk for e in events}
    return [e for e in selectors.escalation_events(request.user, limit=max(len(events), 1)) if e.pk in shown]


@router.patch("/escalation-rules/{rule_id}", response=RuleOut)
def update_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    """Change a rule; `active: false` switches it off."""
    require(perms.can_configure_raid(request.user))
    rule = get_object_or_404(EscalationRule, pk=rule_id)
    return services.escalation_rule_save(
        actor=request.user, rule=rule, data=_rule_fields(payload.dict(exclude_unset=True))
    )


@router.get("/escalation-events", response=list[EventOut])
def list_events(request: HttpRequest, project: str | None = None, limit: int = 100) -> Any:
    """The latest escalations in projects the caller may read, newest first."""
    scope = _project(request, project) if project else None
    return selectors.escalation_events(request.user, project=scope, limit=max(1, min(limit, 500)))
