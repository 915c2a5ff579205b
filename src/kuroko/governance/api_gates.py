"""REST endpoints of phases, deliverables, gate criteria and gate reviews (工程完了判定).

Bad input answers 422 naming the field; a step the item's state does not allow (a second open review,
"go" while a required criterion is not met, changing a decided review) answers 409
`{"detail": …, "code": "refused"}`, as the RAID API does.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.governance.models import (
    CriterionKind,
    DeliverableStatus,
    GateDecision,
    GateReviewStatus,
    Operator,
    ResultChoice,
)
from kuroko.governance.selectors import gates as selectors
from kuroko.governance.services import gates as services
from kuroko.projects import selectors as project_selectors
from kuroko.raid.services.registers import Refused

router = Router(tags=["governance"])


class RefusedOut(Schema):
    detail: str
    code: str = "refused"


def _refused(exc: Refused) -> HttpStatus[Any]:
    return HttpStatus(409, {"detail": " ".join(exc.messages), "code": "refused"})


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema names → model field names (`owner_id` → `owner`)."""
    return {(k[:-3] if k.endswith("_id") else k): v for k, v in data.items()}


# --- Phases -----------------------------------------------------------------------------------------


class PhaseOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    number: int
    name: str
    task_id: int | None = Field(None, description="The summary task that spans the phase")
    gate_date: date | None = Field(None, description="As set; empty: the summary task's finish")
    effective_gate_date: date | None = Field(None, description="The date the gate is due")
    state: str = Field("", description="passed, conditional, failed, in_review, overdue or upcoming")
    template_key: str

    @staticmethod
    def resolve_effective_gate_date(obj: Any) -> date | None:
        return selectors.gate_date(obj)

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(getattr(obj, "gate_state", ""))


class PhaseIn(Schema):
    name: str
    task_id: int | None = None
    gate_date: date | None = None


class PhasePatch(Schema):
    name: str | None = None
    task_id: int | None = None
    gate_date: date | None = None
    number: int | None = Field(None, description="Move the phase to this place (1 = first)")


def _phase_out(request: HttpRequest, phase_id: int) -> Any:
    phase = selectors.phase_get(request.user, phase_id)
    rows = selectors.project_phases(request.user, phase.project, today=services.today())
    for row in rows:
        if row.phase.pk == phase.pk:
            row.phase.gate_state = row.state  # type: ignore[attr-defined]
            return row.phase
    return phase


@router.get("/projects/{code}/phases", response=list[PhaseOut])
def list_phases(request: HttpRequest, code: str) -> Any:
    """The project's phases in order, with their gate date and state."""
    project = project_selectors.project_get(request.user, code)
    out = []
    for row in selectors.project_phases(request.user, project, today=services.today()):
        row.phase.gate_state = row.state  # type: ignore[attr-defined]
        out.append(row.phase)
    return out


@router.post("/projects/{code}/phases", response={201: PhaseOut})
def create_phase(request: HttpRequest, code: str, payload: PhaseIn) -> Any:
    """Add a phase at the end (who edits the project)."""
    project = project_selectors.project_get(request.user, code)
    phase = services.phase_create(actor=request.user, project=project, data=_fields(payload.dict()))
    return HttpStatus(201, _phase_out(request, phase.pk))


@router.patch("/phases/{phase_id}", response=PhaseOut)
def update_phase(request: HttpRequest, phase_id: int, payload: PhasePatch) -> Any:
    phase = selectors.phase_get(request.user, phase_id)
    data = payload.dict(exclude_unset=True)
    number = data.pop("number", None)
    if data:
        phase = services.phase_update(actor=request.user, phase=phase, data=_fields(data))
    if number is not None:
        order = [p for p in phase.project.phases.values_list("pk", flat=True) if p != phase.pk]
        order.insert(max(0, min(number - 1, len(order))), phase.pk)
        services.phase_reorder(actor=request.user, project=phase.project, order=order)
    return _phase_out(request, phase_id)


@router.delete("/phases/{phase_id}", response={204: None, 409: RefusedOut})
def delete_phase(request: HttpRequest, phase_id: int) -> Any:
    try:
        services.phase_delete(actor=request.user, phase=selectors.phase_get(request.user, phase_id))
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(204, None)


# --- Deliverables -----------------------------------------------------------------------------------


class DeliverableOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    phase_id: int | None
    name: str
    description: str
    required: bool
    status: DeliverableStatus
    reference: str
    due: date | None
    owner_id: int | None
    submitted_at: datetime | None
    approved_by: str | None = Field(None, description="Username of who approved it")

    @staticmethod
    def resolve_approved_by(obj: Any) -> str | None:
        return obj.approved_by.username if obj.approved_by_id else None


class DeliverableIn(Schema):
    name: str
    phase_id: int | None = None
    description: str = ""
    required: bool = True
    reference: str = ""
    due: date | None = None
    owner_id: int | None = None


class DeliverablePatch(Schema):
    name: str | None = None
    phase_id: int | None = None
    description: str | None = None
    required: bool | None = None
    reference: str | None = None
    due: date | None = None
    owner_id: int | None = None
    status: DeliverableStatus | None = Field(
        None, description="submitted (owner or editor), approved (editor or PMO), not_applicable, pending"
    )


@router.get("/projects/{code}/deliverables", response=list[DeliverableOut])
def list_deliverables(request: HttpRequest, code: str) -> Any:
    project = project_selectors.project_get(request.user, code)
    return project.deliverables.select_related("project", "approved_by").order_by("phase__number", "pk")


@router.post("/projects/{code}/deliverables", response={201: DeliverableOut})
def create_deliverable(request: HttpRequest, code: str, payload: DeliverableIn) -> Any:
    project = project_selectors.project_get(request.user, code)
    item = services.deliverable_create(actor=request.user, project=project, data=_fields(payload.dict()))
    return HttpStatus(201, selectors.deliverable_get(request.user, item.pk))


@router.patch("/deliverables/{deliverable_id}", response={200: DeliverableOut, 409: RefusedOut})
def update_deliverable(request: HttpRequest, deliverable_id: int, payload: DeliverablePatch) -> Any:
    """Change a deliverable; its owner may only submit it (`status: submitted`)."""
    item = selectors.deliverable_get(request.user, deliverable_id)
    try:
        services.deliverable_update(
            actor=request.user, deliverable=item, data=_fields(payload.dict(exclude_unset=True))
        )
    except Refused as exc:
        return _refused(exc)
    return selectors.deliverable_get(request.user, deliverable_id)


@router.delete("/deliverables/{deliverable_id}", response={204: None, 409: RefusedOut})
def delete_deliverable(request: HttpRequest, deliverable_id: int) -> Any:
    try:
        services.deliverable_delete(
            actor=request.user, deliverable=selectors.deliverable_get(request.user, deliverable_id)
        )
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(204, None)


# --- Criteria ---------------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    phase_id: int
    number: int
    kind: CriterionKind
    text: str
    deliverable_id: int | None
    metric: str
    operator: str
    threshold: Decimal | None
    required: bool


class CriterionIn(Schema):
    kind: CriterionKind
    text: str = ""
    deliverable_id: int | None = None
    metric: str = Field("", description="A key of the metrics registry (spi, open_defects_sev1, …)")
    operator: Literal["", ">=", ">", "<=", "<", "="] = ""
    threshold: Decimal | None = None
    required: bool = True


class CriterionPatch(Schema):
    kind: CriterionKind | None = None
    text: str | None = None
    deliverable_id: int | None = None
    metric: str | None = None
    operator: Operator | None = None
    threshold: Decimal | None = None
    required: bool | None = None


@router.get("/phases/{phase_id}/criteria", response=list[CriterionOut])
def list_criteria(request: HttpRequest, phase_id: int) -> Any:
    phase = selectors.phase_get(request.user, phase_id)
    return phase.criteria.order_by("number", "pk")


@router.post("/phases/{phase_id}/criteria", response={201: CriterionOut})
def create_criterion(request: HttpRequest, phase_id: int, payload: CriterionIn) -> Any:
    phase = selectors.phase_get(request.user, phase_id)
    criterion = services.criterion_create(actor=request.user, phase=phase, data=_fields(payload.dict()))
    return HttpStatus(201, criterion)


@router.patch("/gate-criteria/{criterion_id}", response=CriterionOut)
def update_criterion(request: HttpRequest, criterion_id: int, payload: CriterionPatch) -> Any:
    criterion = selectors.criterion_get(request.user, criterion_id)
    return services.criterion_update(
        actor=request.user, criterion=criterion, data=_fields(payload.dict(exclude_unset=True))
    )


@router.delete("/gate-criteria/{criterion_id}", response={204: None, 409: RefusedOut})
def delete_criterion(request: HttpRequest, criterion_id: int) -> Any:
    try:
        services.criterion_delete(
            actor=request.user, criterion=selectors.criterion_get(request.user, criterion_id)
        )
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(204, None)


# --- Reviews ----------------------------------------------------------------------------------------


class AnswerOut(Schema):
    criterion_id: int
    criterion: str = Field(..., alias="criterion.text")
    kind: str = Field(..., alias="criterion.kind")
    required: bool = Field(..., alias="criterion.required")
    value: Decimal | None
    result: ResultChoice
    automatic: bool
    evidence: dict[str, Any]
    comment: str
    answered_by: str | None = None
    answered_at: datetime | None

    @staticmethod
    def resolve_answered_by(obj: Any) -> str | None:
        return obj.answered_by.username if obj.answered_by_id else None


class ApprovalOut(Schema):
    person_id: int
    person: str
    decision: str
    comment: str
    decided_at: datetime | None

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return str(obj.person)


class ReviewOut(Schema):
    id: int
    phase_id: int
    project: str
    status: GateReviewStatus
    planned_date: date | None
    decision: str = Field(..., description="go, conditional, no_go; empty until decided")
    summary: str
    conditions: str
    actions: list[int] = Field(
        default_factory=list, description="Ids of the action items of a conditional go"
    )
    requested_at: datetime
    decided_at: datetime | None
    answers: list[AnswerOut]
    approvals: list[ApprovalOut]


def _review_out(request: HttpRequest, review_id: int) -> dict[str, Any]:
    review = selectors.review_get(request.user, review_id)
    return {
        "id": review.pk,
        "phase_id": review.phase_id,
        "project": review.phase.project.code,
        "status": review.status,
        "planned_date": review.planned_date,
        "decision": review.decision,
        "summary": review.summary,
        "conditions": review.conditions,
        "actions": sorted(review.actions.values_list("pk", flat=True)),
        "requested_at": review.requested_at,
        "decided_at": review.decided_at,
        "answers": selectors.review_answers(review),
        "approvals": selectors.review_approvals(review),
    }


class ReviewIn(Schema):
    planned_date: date | None = None
    approvers: list[int] = Field(..., description="Person ids of the approvers (at least one, each once)")


class AnswerIn(Schema):
    result: ResultChoice
    comment: str = Field("", description="Required to override an automatic answer")


class ActionIn(Schema):
    title: str
    owner_id: int
    due_date: date


class DecisionIn(Schema):
    decision: GateDecision
    comment: str = Field("", description="Required for a no-go")
    conditions: str = Field("", description="Required for a conditional go")
    actions: list[ActionIn] = Field(default_factory=list, description="At least one for a conditional go")
    approver_id: int | None = Field(None, description="PMO only: record the decision of this absent approver")


class CancelIn(Schema):
    reason: str = ""


@router.post("/phases/{phase_id}/reviews", response={201: ReviewOut, 409: RefusedOut})
def open_review(request: HttpRequest, phase_id: int, payload: ReviewIn) -> Any:
    """Open the review of the phase's gate; the automatic criteria are evaluated and the approvers told."""
    phase = selectors.phase_get(request.user, phase_id)
    try:
        review = services.gate_review_open(
            actor=request.user, phase=phase, planned_date=payload.planned_date, approvers=payload.approvers
        )
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(201, _review_out(request, review.pk))


@router.get("/gate-reviews/{review_id}", response=ReviewOut)
def get_review(request: HttpRequest, review_id: int) -> Any:
    """A review: its answers with evidence, the approvers' votes and the decision."""
    return _review_out(request, review_id)


@router.put("/gate-reviews/{review_id}/answers/{criterion_id}", response={200: AnswerOut, 409: RefusedOut})
def answer_criterion(request: HttpRequest, review_id: int, criterion_id: int, payload: AnswerIn) -> Any:
    """A reviewer's answer (overriding an automatic one needs a comment)."""
    review = selectors.review_get(request.user, review_id)
    answer = selectors.answer_get(request.user, review, criterion_id)
    try:
        answer = services.gate_answer(
            actor=request.user, answer=answer, result=payload.result, comment=payload.comment
        )
    except Refused as exc:
        return _refused(exc)
    return answer


@router.post("/gate-reviews/{review_id}/decisions", response={200: ReviewOut, 409: RefusedOut})
def decide(request: HttpRequest, review_id: int, payload: DecisionIn) -> Any:
    """Record my decision as an approver (the PMO: `approver_id` for an absent one)."""
    review = selectors.review_get(request.user, review_id)
    try:
        services.gate_approve(
            actor=request.user,
            review=review,
            decision=payload.decision,
            comment=payload.comment,
            conditions=payload.conditions,
            actions=[
                {"title": a.title, "owner": a.owner_id, "due_date": a.due_date} for a in payload.actions
            ],
            approver=payload.approver_id,
        )
    except Refused as exc:
        return _refused(exc)
    return _review_out(request, review_id)


@router.post("/gate-reviews/{review_id}/refresh", response={200: ReviewOut, 409: RefusedOut})
def refresh_review(request: HttpRequest, review_id: int) -> Any:
    """Evaluate the automatic criteria of an open review again."""
    try:
        services.gate_review_refresh(actor=request.user, review=selectors.review_get(request.user, review_id))
    except Refused as exc:
        return _refused(exc)
    return _review_out(request, review_id)


@router.post("/gate-reviews/{review_id}/cancel", response={200: ReviewOut, 409: RefusedOut})
def cancel_review(request: HttpRequest, review_id: int, payload: CancelIn | None = None) -> Any:
    try:
        services.gate_review_cancel(
            actor=request.user,
            review=selectors.review_get(request.user, review_id),
            reason=payload.reason if payload else "",
        )
    except Refused as exc:
        return _refused(exc)
    return _review_out(request, review_id)
