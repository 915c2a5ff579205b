"""Pages of phases and phase gates (工程完了判定): a project's phases with their criteria and deliverables
(edited in place), a gate review, the project page's gate card and the portfolio's gates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import is_pmo, require
from kuroko.governance import permissions as perms
from kuroko.governance.forms_gates import (
    AnswerForm,
    CriterionForm,
    DecisionForm,
    DeliverableForm,
    PhaseForm,
    PortfolioGateFilterForm,
    ReviewOpenForm,
    StatusForm,
)
from kuroko.governance.models import DeliverableStatus, GateReviewStatus, Phase, ResultChoice
from kuroko.governance.selectors import gates as selectors
from kuroko.governance.services import gates as services
from kuroko.projects import selectors as project_selectors
from kuroko.raid.services.registers import Refused


def _today() -> Any:
    return services.today()


def _form_problem(form: Any) -> ValidationError:
    """A form's errors as one ValidationError (shown above the phase's tables)."""
    return ValidationError([str(m) for errors in form.errors.values() for m in errors])


def _phase_context(request: HttpRequest, row: selectors.GateRow, **extra: Any) -> dict[str, Any]:
    project = row.project
    return {
        "row": row,
        "project": project,
        "can_manage": perms.can_manage_governance(request.user, project),
        "person_id": perms.own_person_id(request.user),
        "today": _today(),
        "criterion_blank": CriterionForm(project=project),
        **extra,
    }


def _row(request: HttpRequest, phase: Phase) -> selectors.GateRow:
    rows = selectors.project_phases(request.user, phase.project, today=_today())
    return next(r for r in rows if r.phase.pk == phase.pk)


def _edit_forms(project: Any, row: selectors.GateRow, edit: str) -> dict[str, Any]:
    """The inline form named by `?edit=` (phase, criterion-<id>, deliverable-<id>) of this phase."""
    kind, _sep, pk = edit.partition("-")
    if kind == "phase":
        return {"edit": edit, "phase_form": PhaseForm(instance=row.phase, project=project)}
    if kind == "criterion" and pk.isdigit():
        criteria = [c for c in row.phase.criteria.all() if c.pk == int(pk)]
        if criteria:
            return {"edit": edit, "criterion_form": CriterionForm(instance=criteria[0], project=project)}
    if kind == "deliverable" and pk.isdigit():
        deliverables = [d for d in row.phase.deliverables.all() if d.pk == int(pk)]
        if deliverables:
            return {
                "edit": edit,
                "deliverable_form": DeliverableForm(instance=deliverables[0], project=project),
            }
    return {}


def _phase_response(request: HttpRequest, phase: Phase, *, status: int = 200, **extra: Any) -> HttpResponse:
    row = _row(request, phase)
    context = _phase_context(request, row, **extra)
    if context["can_manage"] and "edit" not in extra and request.GET.get("edit"):
        context.update(_edit_forms(row.project, row, request.GET["edit"]))
    return render(request, "governance/gates.html#phase", context, status=status)


def _done(request: HttpRequest, phase: Phase | None, project: Any, message: str = "") -> HttpResponse:
    """After a change: the phase's section (htmx), else back to the page."""
    if request.htmx and phase is not None:
        return _phase_response(request, phase, flash=True)
    if message:
        messages.success(request, message)
    anchor = f"#phase-{phase.pk}" if phase is not None else ""
    return redirect(reverse("project-gates", args=[project.code]) + anchor)


def _failed(
    request: HttpRequest,
    phase: Phase | None,
    project: Any,
    exc: ValidationError,
    *,
    status: int,
    **forms: Any,
) -> HttpResponse:
    """A refusal or invalid input: in the phase's section (htmx), else as messages on the page."""
    if request.htmx and phase is not None:
        return _phase_response(request, phase, status=status, error=exc, **forms)
    for message in exc.messages:
        messages.error(request, message)
    anchor = f"#phase-{phase.pk}" if phase is not None else ""
    return redirect(reverse("project-gates", args=[project.code]) + anchor)


# --- The project's phases ---------------------------------------------------------------------------


@login_required
@require_GET
def project_gates(request: HttpRequest, code: str) -> HttpResponse:
    """The project's phases in order, each with its gate date and state, criteria and deliverables."""
    project = project_selectors.project_get(request.user, code)
    rows = selectors.project_phases(request.user, project, today=_today())
    can_manage = perms.can_manage_governance(request.user, project)
    edit = request.GET.get("edit", "") if can_manage else ""
    items = []
    for row in rows:
        extra = _edit_forms(project, row, edit) if edit else {}
        items.append((row, extra))
    context = {
        "project": project,
        "items": items,
        "loose": selectors.loose_deliverables(project),
        "current": selectors.current(rows),
        "can_manage": can_manage,
        "person_id": perms.own_person_id(request.user),
        "today": _today(),
        "phase_form": PhaseForm(project=project, prefix="new"),
        "deliverable_form": DeliverableForm(project=project, prefix="newd"),
        "criterion_blank": CriterionForm(project=project),
        "nav": "portfolio",
    }
    return render(request, "governance/gates.html", context)


@login_required
@require_GET
def phase_part(request: HttpRequest, pk: int) -> HttpResponse:
    """One phase's section (`?edit=phase|criterion-<id>|deliverable-<id>`: with that inline form)."""
    return _phase_response(request, selectors.phase_get(request.user, pk))


@login_required
@require_POST
def phase_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_governance(request.user, project))
    form = PhaseForm(request.POST, project=project, prefix="new")
    if form.is_valid():
        try:
            phase = services.phase_create(actor=request.user, project=project, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return redirect_htmx(project, phase)
            messages.success(request, _("Phase %(name)s added.") % {"name": phase.name})
            return redirect(reverse("project-gates", args=[project.code]) + f"#phase-{phase.pk}")
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))
    return redirect("project-gates", project.code)


def redirect_htmx(project: Any, phase: Phase) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("project-gates", args=[project.code]) + f"#phase-{phase.pk}"
    return response


@login_required
@require_POST
def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phase = selectors.phase_get(request.user, pk)
    require(perms.can_manage_governance(request.user, phase.project))
    form = PhaseForm(request.POST, instance=Phase.objects.get(pk=pk), project=phase.project)
    if form.is_valid():
        try:
            services.phase_update(actor=request.user, phase=phase, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _done(request, phase, phase.project, _("Phase saved."))
    problem = _form_problem(form)
    return _failed(request, phase, phase.project, problem, status=422, edit="phase", phase_form=form)


@login_required
@require_POST
def phase_move(request: HttpRequest, pk: int) -> HttpResponse:
    phase = selectors.phase_get(request.user, pk)
    services.phase_move(actor=request.user, phase=phase, step=-1 if request.POST.get("to") == "up" else 1)
    return redirect(reverse("project-gates", args=[phase.project.code]) + f"#phase-{phase.pk}")


@login_required
@require_POST
def phase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    phase = selectors.phase_get(request.user, pk)
    try:
        services.phase_delete(actor=request.user, phase=phase)
    except Refused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("project-gates", phase.project.code)
    messages.success(request, _("Phase %(name)s deleted.") % {"name": phase.name})
    return redirect("project-gates", phase.project.code)


# --- Criteria and deliverables ------------------------------------------------------------------------


@login_required
@require_POST
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    phase = selectors.phase_get(request.user, pk)
    require(perms.can_manage_governance(request.user, phase.project))
    form = CriterionForm(request.POST, project=phase.project)
    if form.is_valid():
        try:
            services.criterion_create(actor=request.user, phase=phase, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _done(request, phase, phase.project, _("Criterion added."))
    problem = _form_problem(form)
    return _failed(request, phase, phase.project, problem, status=422, new_criterion_form=form)


@login_required
@require_POST
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = selectors.criterion_get(request.user, pk)
    phase = criterion.phase
    require(perms.can_manage_governance(request.user, phase.project))
    form = CriterionForm(request.POST, instance=criterion, project=phase.project)
    if form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _done(request, phase, phase.project, _("Criterion saved."))
    problem = _form_problem(form)
    return _failed(
        request, phase, phase.project, problem, status=422, edit=f"criterion-{pk}", criterion_form=form
    )


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = selectors.criterion_get(request.user, pk)
    phase = criterion.phase
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except Refused as exc:
        return _failed(request, phase, phase.project, exc, status=409)
    return _done(request, phase, phase.project, _("Criterion deleted."))


@login_required
@require_POST
def deliverable_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_governance(request.user, project))
    prefix = "newd" if "newd-name" in request.POST else None
    form = DeliverableForm(request.POST, project=project, prefix=prefix)
    phase = None
    if form.is_valid():
        phase = form.cleaned_data.get("phase")
        try:
            services.deliverable_create(actor=request.user, project=project, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _done(request, phase, project, _("Deliverable added."))
    problem = _form_problem(form)
    return _failed(request, phase, project, problem, status=422, new_deliverable_form=form)


@login_required
@require_POST
def deliverable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(request.user, pk)
    project, phase = deliverable.project, deliverable.phase
    require(perms.can_manage_governance(request.user, project))
    form = DeliverableForm(request.POST, instance=deliverable, project=project)
    if form.is_valid():
        try:
            saved = services.deliverable_update(
                actor=request.user, deliverable=deliverable, data=form.changes()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            # Moved to another phase: the whole page changes.
            if saved.phase_id != (phase.pk if phase else None):
                return (
                    redirect("project-gates", project.code)
                    if not request.htmx
                    else redirect_htmx_page(project)
                )
            return _done(request, phase, project, _("Deliverable saved."))
    problem = _form_problem(form)
    return _failed(
        request, phase, project, problem, status=422, edit=f"deliverable-{pk}", deliverable_form=form
    )


def redirect_htmx_page(project: Any) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("project-gates", args=[project.code])
    return response


@login_required
@require_POST
def deliverable_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, approve, mark not applicable or reopen a deliverable."""
    deliverable = selectors.deliverable_get(request.user, pk)
    form = StatusForm(request.POST)
    phase = deliverable.phase
    if not form.is_valid():
        return _failed(
            request, phase, deliverable.project, ValidationError(_("Choose a status.")), status=422
        )
    try:
        services.deliverable_set_status(
            actor=request.user, deliverable=deliverable, status=form.cleaned_data["status"]
        )
    except Refused as exc:
        return _failed(request, phase, deliverable.project, exc, status=409)
    label = DeliverableStatus(form.cleaned_data["status"]).label
    return _done(
        request,
        phase,
        deliverable.project,
        _("%(name)s: %(status)s.") % {"name": deliverable.name, "status": label},
    )


@login_required
@require_POST
def deliverable_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(request.user, pk)
    phase = deliverable.phase
    try:
        services.deliverable_delete(actor=request.user, deliverable=deliverable)
    except Refused as exc:
        return _failed(request, phase, deliverable.project, exc, status=409)
    return _done(request, phase, deliverable.project, _("Deliverable deleted."))


# --- Reviews ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def gate_review_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the review of a phase's gate: the review date and the named approvers."""
    phase = selectors.phase_get(request.user, pk)
    project = phase.project
    require(perms.can_manage_governance(request.user, project))
    initial: dict[str, Any] = {"planned_date": selectors.gate_date(phase)}
    if project.sponsor_id:
        initial["approvers"] = [project.sponsor_id]
    form = ReviewOpenForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.gate_review_open(
                actor=request.user,
                phase=phase,
                planned_date=form.cleaned_data["planned_date"],
                approvers=list(form.cleaned_data["approvers"]),
            )
        except Refused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("project-gates", project.code)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Gate review of %(phase)s opened.") % {"phase": phase.name})
            return redirect("gate-review", review.pk)
    return render(
        request,
        "governance/gate_review_open.html",
        {"phase": phase, "project": project, "form": form},
        status=422 if form.errors else 200,
    )


def _review_context(request: HttpRequest, review: Any, **extra: Any) -> dict[str, Any]:
    project = review.phase.project
    approvals = selectors.review_approvals(review)
    me = perms.own_person_id(request.user)
    mine = next((a for a in approvals if a.person_id == me), None)
    is_open = review.status == GateReviewStatus.OPEN
    may_decide = is_open and (mine is not None or is_pmo(request.user))
    answers = selectors.review_answers(review)
    return {
        "review": review,
        "phase": review.phase,
        "project": project,
        "answers": answers,
        "approvals": approvals,
        "mine": mine,
        "is_open": is_open,
        "can_manage": is_open and perms.can_manage_governance(request.user, project),
        "may_decide": may_decide,
        "pmo": is_pmo(request.user),
        "blocking": [
            a
            for a in answers
            if a.criterion.required and a.result in (ResultChoice.FAIL, ResultChoice.UNKNOWN)
        ],
        "results": ResultChoice.choices,
        "actions": list(review.actions.select_related("owner").order_by("number")),
        "decision_form": extra.pop("decision_form", None)
        or DecisionForm(approvers=[a.person for a in approvals]),
        "gate_date": selectors.gate_date(review.phase),
        **extra,
    }


@login_required
@require_GET
def gate_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A gate review: criteria with automatic values and evidence, reviewers' answers, the approvers and
    their votes, the decision form (printable)."""
    review = selectors.review_get(request.user, pk)
    return render(request, "governance/gate_review.html", _review_context(request, review))


@login_required
@require_POST
def gate_answer(request: HttpRequest, pk: int, criterion: int) -> HttpResponse:
    review = selectors.review_get(request.user, pk)
    answer = selectors.answer_get(request.user, review, criterion)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.gate_answer(
                actor=request.user,
                answer=answer,
                result=form.cleaned_data["result"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{answer.criterion.text}: {message}")
        else:
            messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("Choose a result."))
    return redirect(reverse("gate-review", args=[review.pk]) + f"#answer-{criterion}")


@login_required
@require_POST
def gate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An approver's decision (the PMO may record an absent approver's)."""
    review = selectors.review_get(request.user, pk)
    approvals = selectors.review_approvals(review)
    form = DecisionForm(request.POST, approvers=[a.person for a in approvals])
    if form.is_valid():
        try:
            services.gate_approve(
                actor=request.user,
                review=review,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                conditions=form.cleaned_data["conditions"],
                actions=form.actions(),
                approver=form.cleaned_data["approver"],
            )
        except Refused as exc:
            form.add_error(None, " ".join(exc.messages))
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("gate-review", review.pk)
    else:
        status = 422
    review = selectors.review_get(request.user, pk)
    context = _review_context(request, review, decision_form=form)
    return render(request, "governance/gate_review.html", context, status=status)


@login_required
@require_POST
def gate_review_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(request.user, pk)
    try:
        services.gate_review_refresh(actor=request.user, review=review)
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Automatic criteria evaluated again."))
    return redirect("gate-review", review.pk)


@login_required
@require_POST
def gate_review_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(request.user, pk)
    try:
        services.gate_review_cancel(actor=request.user, review=review, reason=request.POST.get("reason", ""))
    except Refused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("gate-review", review.pk)
    messages.success(request, _("Gate review cancelled."))
    return redirect("project-gates", review.phase.project.code)


# --- Cards and the portfolio --------------------------------------------------------------------------


@login_required
@require_GET
def project_gate_card(request: HttpRequest, code: str) -> HttpResponse:
    """The project page's card: the current gate, its state and date, the open review."""
    project = project_selectors.project_get(request.user, code)
    rows = selectors.project_phases(request.user, project, today=_today())
    row = selectors.current(rows)
    return render(
        request,
        "governance/gates.html#card",
        {
            "project": project,
            "row": row,
            "phases": len(rows),
            "passed": sum(r.state in ("passed", "conditional") for r in rows),
        },
    )


@login_required
@require_GET
def portfolio_gates(request: HttpRequest) -> HttpResponse:
    """Every visible project's gates: overdue, in review, upcoming in 30 days, recently decided."""
    form = PortfolioGateFilterForm(request.GET or None)
    result = selectors.portfolio_gates(request.user, today=_today(), **form.values())
    context = {"form": form, "gates": result, "today": _today(), "nav": "governance"}
    template = (
        "governance/portfolio_gates.html#results" if request.htmx else "governance/portfolio_gates.html"
    )
    return render(request, template, context)
