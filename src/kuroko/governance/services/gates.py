"""Writes of phases, deliverables, gate criteria and gate reviews (工程完了判定).

Who may do what is in `kuroko.governance.permissions`: who edits the project manages phases, deliverables
and criteria, opens reviews and answers criteria; a deliverable's owner submits it; each named approver
records their own decision, and the PMO may record one for an absent approver.

A review evaluates what Kuroko can: a deliverable criterion is met when the deliverable is approved (not
applicable when it is), a metric criterion compares `governance.metrics.metric_value` with the threshold;
checklist items and metrics without data are answered by the reviewers. When every approver has decided,
the review is decided — any no-go makes it no-go, else any conditional go makes it conditional, else go —
and its answers are frozen with the evidence as recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import is_pmo, require
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import METRICS, metric_value
from kuroko.governance.models import (
    CriterionKind,
    Deliverable,
    DeliverableStatus,
    GateApproval,
    GateCriterion,
    GateDecision,
    GateReview,
    GateReviewAnswer,
    GateReviewStatus,
    Operator,
    Phase,
    ResultChoice,
)
from kuroko.people.models import Person
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.services.registers import Refused, manager_users, tell, users_of

PHASE_FIELDS = ("name", "task", "gate_date")
DELIVERABLE_FIELDS = ("name", "description", "required", "phase", "reference", "due", "owner")
CRITERION_FIELDS = ("kind", "text", "deliverable", "metric", "operator", "threshold", "required")


def today() -> date:
    return timezone.localdate()


def _now() -> Any:
    return timezone.now()


def _resolve(model: Any, value: Any, field: str, project: Project | None = None) -> Any:
    """An instance of `model` from an instance or a primary key (None stays None); rows of another
    project are refused with the same message as missing ones."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        obj = value
    else:
        try:
            obj = model._default_manager.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            obj = None
    if obj is None or (project is not None and getattr(obj, "project_id", project.pk) != project.pk):
        if model is Person:
            raise ValidationError({field: _("There is no person with id %(id)s.") % {"id": value}})
        raise ValidationError({field: _("There is no item with id %(id)s in this project.") % {"id": value}})
    return obj


def _set(obj: Any, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    for name in allowed:
        if name in data:
            setattr(obj, name, data[name])


def _save(obj: Any) -> None:
    obj.full_clean(validate_constraints=False)
    obj.validate_constraints()
    obj.save()


# --- Phases -----------------------------------------------------------------------------------------


def _phase_values(project: Project, data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if "task" in values:
        task = _resolve(Task, values["task"], "task", project)
        if task is not None and task.kind != TaskKind.SUMMARY:
            message = _("%(task)s is not a summary task: link the summary task that spans the phase.")
            raise ValidationError({"task": message % {"task": task}})
        values["task"] = task
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise ValidationError({"name": _("Give the phase a name.")})
    return values


@transaction.atomic
def phase_create(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Phase:
    """Add a phase at the end of the project's phases (name; summary task and gate date optional)."""
    require(perms.can_manage_governance(actor, project))
    project = Project.objects.select_for_update().get(pk=project.pk)
    values = _phase_values(project, data)
    top = Phase.objects.filter(project=project).aggregate(top=Max("number"))["top"] or 0
    phase = Phase(project=project, number=top + 1)
    _set(phase, values, PHASE_FIELDS)
    _save(phase)
    return phase


@transaction.atomic
def phase_update(*, actor: Any, phase: Phase, data: Mapping[str, Any]) -> Phase:
    """Rename a phase, link another summary task or set (or clear) its gate date."""
    require(perms.can_manage_governance(actor, phase.project))
    phase = Phase.objects.select_for_update().select_related("project").get(pk=phase.pk)
    _set(phase, _phase_values(phase.project, data), PHASE_FIELDS)
    _save(phase)
    return phase


@transaction.atomic
def phase_reorder(*, actor: Any, project: Project, order: Sequence[int]) -> list[Phase]:
    """Put the project's phases in the order of `order` (every phase id once), numbered 1, 2, …"""
    require(perms.can_manage_governance(actor, project))
    phases = {p.pk: p for p in Phase.objects.select_for_update().filter(project=project)}
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError({"order": _("Give the ids of the project's phases.")}) from None
    if sorted(wanted) != sorted(phases):
        raise ValidationError({"order": _("Give every phase of the project exactly once.")})
    out = []
    for number, pk in enumerate(wanted, start=1):
        phase = phases[pk]
        if phase.number != number:
            phase.number = number
            phase.save(update_fields=["number"])
        out.append(phase)
    return out


@transaction.atomic
def phase_move(*, actor: Any, phase: Phase, step: int) -> list[Phase]:
    """Move a phase one place up (`step` -1) or down (+1)."""
    order = list(Phase.objects.filter(project=phase.project_id).values_list("pk", flat=True))
    index = order.index(phase.pk)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return phase_reorder(actor=actor, project=phase.project, order=order)


@transaction.atomic
def phase_delete(*, actor: Any, phase: Phase) -> None:
    """Delete a phase with its criteria (its deliverables stay, without phase); refused once a review of
    its gate has been decided, which is a record."""
    require(perms.can_manage_governance(actor, phase.project))
    if phase.reviews.filter(status=GateReviewStatus.DECIDED).exists():
        raise Refused(
            _("The gate of %(phase)s has been decided: the phase stays on record.") % {"phase": phase}
        )
    project = phase.project
    phase.delete()
    for number, p in enumerate(Phase.objects.filter(project=project), start=1):
        if p.number != number:
            Phase.objects.filter(pk=p.pk).update(number=number)


# --- Deliverables -----------------------------------------------------------------------------------


def _deliverable_values(project: Project, data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if "phase" in values:
        values["phase"] = _resolve(Phase, values["phase"], "phase", project)
    if "owner" in values:
        values["owner"] = _resolve(Person, values["owner"], "owner")
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise ValidationError({"name": _("Give the deliverable a name.")})
    return values


@transaction.atomic
def deliverable_create(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Deliverable:
    """Add a deliverable (pending) to the project, in a phase or none."""
    require(perms.can_manage_governance(actor, project))
    deliverable = Deliverable(project=project)
    _set(deliverable, _deliverable_values(project, data), DELIVERABLE_FIELDS)
    _save(deliverable)
    return deliverable


@transaction.atomic
def deliverable_update(*, actor: Any, deliverable: Deliverable, data: Mapping[str, Any]) -> Deliverable:
    """Change a deliverable; a `status` in `data` goes through `deliverable_set_status`."""
    data = dict(data)
    status = data.pop("status", None)
    if data:
        require(perms.can_manage_governance(actor, deliverable.project))
        deliverable = Deliverable.objects.select_for_update().select_related("project").get(pk=deliverable.pk)
        _set(deliverable, _deliverable_values(deliverable.project, data), DELIVERABLE_FIELDS)
        _save(deliverable)
    if status is not None and status != deliverable.status:
        deliverable = deliverable_set_status(actor=actor, deliverable=deliverable, status=status)
    return deliverable


def can_submit(user: Any, deliverable: Deliverable) -> bool:
    """Submit a deliverable: its owner (a reader of the project) or who edits the project."""
    if perms.can_manage_governance(user, deliverable.project):
        return True
    me = perms.own_person_id(user)
    return me is not None and deliverable.owner_id == me and perms.can_contribute(user, deliverable.project)


@transaction.atomic
def deliverable_set_status(*, actor: Any, deliverable: Deliverable, status: str) -> Deliverable:
    """Move a deliverable: submit (pending → submitted; its owner or an editor), approve (pending or
    submitted → approved; who edits the project, the PMO included; the approver is recorded), not
    applicable or back to pending (editors)."""
    deliverable = Deliverable.objects.select_for_update().select_related("project").get(pk=deliverable.pk)
    if status not in DeliverableStatus.values:
        raise ValidationError({"status": _("Choose pending, submitted, approved or not applicable.")})
    current = deliverable.status
    if status == DeliverableStatus.SUBMITTED:
        require(can_submit(actor, deliverable))
        if current != DeliverableStatus.PENDING:
            raise Refused(_("Only a pending deliverable can be submitted."))
        deliverable.submitted_at = _now()
    else:
        require(perms.can_manage_governance(actor, deliverable.project))
        if status == DeliverableStatus.APPROVED:
            if current not in (DeliverableStatus.PENDING, DeliverableStatus.SUBMITTED):
                raise Refused(_("Only a pending or submitted deliverable can be approved."))
            deliverable.approved_by = actor
            deliverable.submitted_at = deliverable.submitted_at or _now()
        else:
            deliverable.approved_by = None
            if status == DeliverableStatus.PENDING:
                deliverable.submitted_at = None
    deliverable.status = status
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_delete(*, actor: Any, deliverable: Deliverable) -> None:
    """Delete a deliverable (and the criteria that require it); refused while a decided review holds it."""
    require(perms.can_manage_governance(actor, deliverable.project))
    if GateReviewAnswer.objects.filter(
        criterion__deliverable=deliverable, review__status=GateReviewStatus.DECIDED
    ).exists():
        raise Refused(
            _("%(name)s is evidence of a decided gate review: it stays on record.") % {"name": deliverable}
        )
    deliverable.delete()


# --- Criteria ---------------------------------------------------------------------------------------


def _check_criterion(criterion: GateCriterion) -> None:
    """Each kind has what it needs, named by field."""
    phase = criterion.phase
    if criterion.kind not in CriterionKind.values:
        raise ValidationError({"kind": _("Choose checklist item, required deliverable or metric threshold.")})
    if criterion.kind == CriterionKind.METRIC:
        errors = {}
        if criterion.metric not in METRICS:
            errors["metric"] = _("Choose one of the metrics Kuroko measures.")
        if criterion.operator not in Operator.values:
            errors["operator"] = _("Choose how the value is compared: ≥, >, ≤, < or =.")
        if criterion.threshold is None:
            errors["threshold"] = _("Give the threshold the value is compared with.")
        if errors:
            raise ValidationError(errors)
        if not criterion.text:
            threshold = _plain(criterion.threshold)
            criterion.text = (
                f"{METRICS[criterion.metric].label} {criterion.get_operator_display()} {threshold}"
            )
    else:
        criterion.metric, criterion.operator, criterion.threshold = "", "", None
    if criterion.kind == CriterionKind.DELIVERABLE:
        if criterion.deliverable is None:
            raise ValidationError({"deliverable": _("Choose the deliverable that must be approved.")})
        if criterion.deliverable.project_id != phase.project_id:
            message = _("There is no item with id %(id)s in this project.")
            raise ValidationError({"deliverable": message % {"id": criterion.deliverable.pk}})
        if not criterion.text:
            criterion.text = _("%(name)s approved") % {"name": criterion.deliverable.name}
    else:
        criterion.deliverable = None
    criterion.text = (criterion.text or "").strip()
    if not criterion.text:
        raise ValidationError({"text": _("Write the checklist question.")})


def _criterion_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if "deliverable" in values:
        values["deliverable"] = _resolve(Deliverable, values["deliverable"], "deliverable")
    if "threshold" in values and values["threshold"] not in (None, ""):
        try:
            values["threshold"] = Decimal(str(values["threshold"]))
        except InvalidOperation:
            raise ValidationError({"threshold": _("Give a number.")}) from None
    elif "threshold" in values:
        values["threshold"] = None
    for name in ("metric", "operator", "text"):
        if name in values and values[name] is None:
            values[name] = ""
    return values


@transaction.atomic
def criterion_create(*, actor: Any, phase: Phase, data: Mapping[str, Any]) -> GateCriterion:
    """Add a criterion to the phase's gate (numbered last); an open review gets its answer at once."""
    require(perms.can_manage_governance(actor, phase.project))
    top = GateCriterion.objects.filter(phase=phase).aggregate(top=Max("number"))["top"] or 0
    criterion = GateCriterion(phase=phase, number=top + 1)
    _set(criterion, _criterion_values(data), CRITERION_FIELDS)
    _check_criterion(criterion)
    _save(criterion)
    review = phase.reviews.filter(status=GateReviewStatus.OPEN).first()
    if review is not None:
        _evaluate(GateReviewAnswer(review=review, criterion=criterion), review).save()
    return criterion


@transaction.atomic
def criterion_update(*, actor: Any, criterion: GateCriterion, data: Mapping[str, Any]) -> GateCriterion:
    """Change a criterion (an open review re-evaluates its automatic answer on refresh)."""
    require(perms.can_manage_governance(actor, criterion.phase.project))
    criterion = GateCriterion.objects.select_for_update().select_related("phase").get(pk=criterion.pk)
    _set(criterion, _criterion_values(data), CRITERION_FIELDS)
    _check_criterion(criterion)
    _save(criterion)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: GateCriterion) -> None:
    """Delete a criterion; refused once a decided review answered it (the answer is a record)."""
    require(perms.can_manage_governance(actor, criterion.phase.project))
    if criterion.answers.filter(review__status=GateReviewStatus.DECIDED).exists():
        raise Refused(
            _("“%(text)s” was answered in a decided gate review: it stays on record.") % {"text": criterion}
        )
    criterion.delete()


# --- Reviews: evaluation ----------------------------------------------------------------------------

COMPARE = {
    Operator.GE: lambda v, t: v >= t,
    Operator.GT: lambda v, t: v > t,
    Operator.LE: lambda v, t: v <= t,
    Operator.LT: lambda v, t: v < t,
    Operator.EQ: lambda v, t: v == t,
}


def compare(value: Decimal, operator: str, threshold: Decimal) -> bool:
    """True when `value operator threshold` holds (operator one of >=, >, <=, <, =)."""
    return bool(COMPARE[Operator(operator)](value, threshold))


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _evaluate(answer: GateReviewAnswer, review: GateReview, *, as_of: date | None = None) -> GateReviewAnswer:
    """Set the automatic result and evidence of `answer` (not saved). Checklist items, and metrics without
    data, are left to the reviewers: not answered, not automatic."""
    criterion = answer.criterion
    day = as_of or today()
    answer.answered_by, answer.answered_at, answer.comment = None, None, ""
    if criterion.kind == CriterionKind.DELIVERABLE and criterion.deliverable is not None:
        d = criterion.deliverable
        answer.result = {
            DeliverableStatus.APPROVED: ResultChoice.PASS,
            DeliverableStatus.NOT_APPLICABLE: ResultChoice.NOT_APPLICABLE,
        }.get(DeliverableStatus(d.status), ResultChoice.FAIL)
        answer.automatic, answer.value = True, None
        answer.evidence = {
            "deliverable": d.name,
            "status": d.status,
            "owner": str(d.owner) if d.owner_id else "",
            "due": d.due.isoformat() if d.due else None,
            "as_of": day.isoformat(),
        }
        return answer
    if criterion.kind == CriterionKind.METRIC and criterion.metric in METRICS:
        value = metric_value(review.phase.project, criterion.metric, phase=review.phase, as_of=day)
        answer.value = value
        answer.evidence = {
            "metric": criterion.metric,
            "value": _plain(value),
            "operator": criterion.operator,
            "threshold": _plain(criterion.threshold),
            "as_of": day.isoformat(),
        }
        if value is None or criterion.threshold is None:
            answer.automatic, answer.result = False, ResultChoice.UNKNOWN
        else:
            answer.automatic = True
            ok = compare(value, criterion.operator, criterion.threshold)
            answer.result = ResultChoice.PASS if ok else ResultChoice.FAIL
        return answer
    answer.automatic, answer.result, answer.value, answer.evidence = False, ResultChoice.UNKNOWN, None, {}
    return answer


def _criteria(phase: Phase) -> list[GateCriterion]:
    return list(GateCriterion.objects.filter(phase=phase).select_related("deliverable", "deliverable__owner"))


def _refresh_answers(review: GateReview, *, as_of: date | None = None) -> int:
    """(Re-)evaluate every answer nobody has answered by hand; add answers of new criteria."""
    answers = {a.criterion_id: a for a in review.answers.all()}
    count = 0
    for criterion in _criteria(review.phase):
        answer = answers.get(criterion.pk)
        if answer is None:
            answer = GateReviewAnswer(review=review, criterion=criterion)
        elif answer.answered_by_id is not None or (
            not answer.automatic and answer.result != ResultChoice.UNKNOWN
        ):
            continue  # a reviewer's answer stands
        answer.criterion = criterion
        _evaluate(answer, review, as_of=as_of).save()
        count += 1
    return count


def _open_review(review: GateReview) -> GateReview:
    review = (
        GateReview.objects.select_for_update().select_related("phase", "phase__project").get(pk=review.pk)
    )
    if review.status != GateReviewStatus.OPEN:
        raise Refused(
            _("This gate review is %(status)s: nothing more can be changed.")
            % {"status": review.get_status_display()}
        )
    return review


def review_url(review: GateReview) -> str:
    return reverse("gate-review", args=[review.pk])


@transaction.atomic
def gate_review_open(
    *,
    actor: Any,
    phase: Phase,
    planned_date: date | None,
    approvers: Sequence[Any],
    as_of: date | None = None,
) -> GateReview:
    """Open the review of a phase's gate with its named approvers (at least one, each once): every
    criterion gets an answer, the automatic ones evaluated now; the approvers are told."""
    require(perms.can_manage_governance(actor, phase.project))
    phase = Phase.objects.select_for_update().select_related("project").get(pk=phase.pk)
    people = [_resolve(Person, a, "approvers") for a in approvers]
    if not people:
        raise ValidationError({"approvers": _("Name at least one approver.")})
    ids = [p.pk for p in people]
    if len(set(ids)) != len(ids):
        raise ValidationError({"approvers": _("Name each approver once.")})
    # An approver whose account cannot see the project could never open the review to vote.
    from kuroko.projects.permissions import can_view_project

    blind = [p for p in people if p.user is not None and not can_view_project(p.user, phase.project)]
    if blind:
        raise ValidationError(
            {
                "approvers": _(
                    "%(names)s cannot see this project and so could not decide; name someone else."
                )
                % {"names": ", ".join(str(p) for p in blind)}
            }
        )
    if phase.reviews.filter(status=GateReviewStatus.OPEN).exists():
        raise Refused(_("The gate of %(phase)s is already in review.") % {"phase": phase})
    review = GateReview.objects.create(
        phase=phase,
        planned_date=planned_date,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    GateApproval.objects.bulk_create([GateApproval(review=review, person=p) for p in people])
    _refresh_answers(review, as_of=as_of)
    project_code, name = phase.project.code, phase.name
    when = planned_date
    tell(
        users_of(*people),
        actor=actor,
        kind="governance.gate_review_opened",
        title=lambda: (
            _("Gate review of %(phase)s (%(code)s): your decision is asked")
            % {"phase": name, "code": project_code}
        ),
        body=lambda: (_("Review date %(date)s.") % {"date": when.isoformat()}) if when else "",
        url=review_url(review),
    )
    return review


@transaction.atomic
def gate_review_refresh(*, actor: Any, review: GateReview, as_of: date | None = None) -> GateReview:
    """Re-evaluate the automatic answers of an open review (a reviewer's answer stands)."""
    require(perms.can_manage_governance(actor, review.phase.project))
    review = _open_review(review)
    _refresh_answers(review, as_of=as_of)
    return review


@transaction.atomic
def gate_answer(
    *, actor: Any, answer: GateReviewAnswer, result: str, comment: str = "", value: Any = None
) -> GateReviewAnswer:
    """A reviewer's answer to a criterion of an open review. An automatic answer may be overridden only
    with a comment saying why; it is then no longer automatic."""
    review = answer.review
    require(perms.can_manage_governance(actor, review.phase.project))
    _open_review(review)
    answer = GateReviewAnswer.objects.select_for_update().select_related("criterion").get(pk=answer.pk)
    if result not in ResultChoice.values:
        raise ValidationError({"result": _("Choose met, not met, not applicable or not answered.")})
    comment = (comment or "").strip()
    if answer.automatic and not comment:
        raise ValidationError(
            {"comment": _("This criterion was evaluated automatically: say why you override it.")}
        )
    if value not in (None, ""):
        try:
            answer.value = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError({"value": _("Give a number.")}) from None
    answer.result = result
    answer.comment = comment
    answer.automatic = False
    answer.answered_by = actor
    answer.answered_at = _now()
    answer.save()
    return answer


# --- Reviews: decisions -----------------------------------------------------------------------------


def combine(decisions: Iterable[str]) -> str:
    """The review's decision from the approvers': any no-go → no-go, else any conditional → conditional,
    else go."""
    values = set(decisions)
    if GateDecision.NO_GO in values:
        return GateDecision.NO_GO
    if GateDecision.CONDITIONAL in values:
        return GateDecision.CONDITIONAL
    return GateDecision.GO


def blocking(review: GateReview) -> list[GateReviewAnswer]:
    """The required criteria not met or not answered (they stop a "go")."""
    return [
        a
        for a in review.answers.select_related("criterion").order_by("criterion__number", "criterion__pk")
        if a.criterion.required and a.result in (ResultChoice.FAIL, ResultChoice.UNKNOWN)
    ]


def _approval_for(actor: Any, review: GateReview, approver: Any) -> tuple[GateApproval, bool]:
    """The approval the actor records: their own, or (the PMO) an absent approver's."""
    approvals = {a.person_id: a for a in review.approvals.select_for_update().select_related("person")}
    me = perms.own_person_id(actor)
    if approver not in (None, "") and (person := _resolve(Person, approver, "approver")).pk != me:
        if not is_pmo(actor):
            raise PermissionDenied(_("Only the PMO may record the decision of another approver."))
        if person.pk not in approvals:
            raise ValidationError(
                {"approver": _("%(person)s is not an approver of this review.") % {"person": person}}
            )
        return approvals[person.pk], True
    if me is None or me not in approvals:
        raise PermissionDenied(_("You are not an approver of this review."))
    return approvals[me], False


def _actions(actor: Any, review: GateReview, actions: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Create the actions a conditional go asks for, in the project's action log (through the RAID
    services, so the owners are told). An approver who may not raise actions (an executive) has them
    raised in the name of who opened the review."""
    from kuroko.raid import permissions as raid_perms
    from kuroko.raid.services import action_create

    project = review.phase.project
    raiser = actor if raid_perms.can_raise(actor, project) else (review.requested_by or actor)
    created = []
    for index, item in enumerate(actions, start=1):
        title = str(item.get("title") or "").strip()
        owner = item.get("owner")
        due = item.get("due_date") or item.get("due")
        if not title or owner in (None, "") or not due:
            raise ValidationError(
                {"actions": _("Action %(n)s needs a title, an owner and a due date.") % {"n": index}}
            )
        action = action_create(
            actor=raiser,
            project=project,
            data={
                "title": title[:200],
                "owner": owner,
                "due_date": due,
                "description": _("Condition of the gate of %(phase)s.") % {"phase": review.phase.name},
            },
        )
        created.append(action)
    return created


@transaction.atomic
def gate_approve(
    *,
    actor: Any,
    review: GateReview,
    decision: str,
    comment: str = "",
    conditions: str = "",
    actions: Sequence[Mapping[str, Any]] = (),
    approver: Any = None,
) -> GateReview:
    """Record an approver's decision (go, conditional go, no-go) on an open review.

    "Go" is refused while a required criterion is not met or not answered (the message names them); a
    conditional go needs its conditions and at least one action (title, owner, due date), created in the
    project's action log and linked to the review; a no-go needs a comment. The PMO may record the
    decision of an absent approver (`approver`), noted in the comment. When every approver has decided,
    the review is decided and the project manager told."""
    review = _open_review(review)
    if decision not in GateDecision.values:
        raise ValidationError({"decision": _("Choose go, conditional go or no-go.")})
    approval, on_behalf = _approval_for(actor, review, approver)
    if approval.decision:
        raise Refused(
            _("The decision of %(person)s is already recorded (%(decision)s); it cannot be given twice.")
            % {"person": approval.person, "decision": approval.get_decision_display()}
        )
    comment = (comment or "").strip()
    conditions = (conditions or "").strip()
    if decision == GateDecision.GO:
        missing = blocking(review)
        if missing:
            names = "; ".join(f"“{a.criterion.text}” ({a.get_result_display()})" for a in missing)
            raise Refused(
                _("“Go” needs every required criterion met. Not yet: %(names)s.") % {"names": names}
            )
    elif decision == GateDecision.CONDITIONAL:
        if not conditions:
            raise ValidationError({"conditions": _("Write the conditions of the go.")})
        if not actions:
            raise ValidationError(
                {"actions": _("A conditional go needs at least one action (title, owner, due date).")}
            )
    elif not comment:
        raise ValidationError({"comment": _("Say why the gate is not passed.")})
    if on_behalf:
        note = _("recorded by %(name)s") % {"name": getattr(actor, "person", None) or actor}
        comment = f"{comment} ({note})" if comment else note
    approval.decision = decision
    approval.comment = comment
    approval.decided_at = _now()
    approval.save()
    if decision == GateDecision.CONDITIONAL:
        review.actions.add(*_actions(actor, review, actions))
        review.conditions = f"{review.conditions}\n{conditions}".strip() if review.conditions else conditions
        review.save(update_fields=["conditions"])
    votes = list(review.approvals.values_list("decision", flat=True))
    if all(votes):
        _decide(actor, review, combine(votes))
    return review


def _decide(actor: Any, review: GateReview, decision: str) -> None:
    review.decision = decision
    review.status = GateReviewStatus.DECIDED
    review.decided_at = _now()
    if not review.summary:
        review.summary = "\n".join(
            f"{a.person}: {a.get_decision_display()}{' — ' + a.comment if a.comment else ''}"
            for a in review.approvals.select_related("person")
        )
    review.save()
    project = review.phase.project
    label, phase_name, code = GateDecision(decision).label, review.phase.name, project.code
    tell(
        manager_users(project),
        actor=actor,
        kind="governance.gate_decided",
        title=lambda: (
            _("Gate of %(phase)s (%(code)s) decided: %(decision)s")
            % {"phase": phase_name, "code": code, "decision": str(label)}
        ),
        url=review_url(review),
    )


@transaction.atomic
def gate_review_cancel(*, actor: Any, review: GateReview, reason: str = "") -> GateReview:
    """Cancel an open review (who edits the project); a new one can then be opened."""
    require(perms.can_manage_governance(actor, review.phase.project))
    review = _open_review(review)
    review.status = GateReviewStatus.CANCELLED
    reason = (reason or "").strip()
    if reason:
        review.summary = reason
    review.save()
    return review
