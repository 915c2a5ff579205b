"""Decision log pages: the project's decisions with filters and inline edit, a decision's page (edited
there), recording one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.core.versioning import ConflictError
from kuroko.projects import selectors as project_selectors
from kuroko.raid import permissions as perms
from kuroko.raid import selectors, services
from kuroko.raid.forms_registers import DecisionFilterForm, DecisionForm, DecisionRowForm
from kuroko.raid.selectors.registers import item_actions
from kuroko.raid.services.registers import today
from kuroko.raid.views.registers import InlineRow, add_errors, history_page, inline_row, paginate

LINKS = ("risks", "issues", "change_requests")


ROW = InlineRow(
    template="raid/decision_list.html",
    name="decision",
    get=selectors.decision_get,
    form=DecisionRowForm,
    update=services.decision_update,
    may_edit=lambda user, decision: perms.can_manage_raid(user, decision.project),
)


@login_required
def project_decisions(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    form = DecisionFilterForm(request.GET or None)
    rows = selectors.decisions(project, form.to_filter(today())).prefetch_related("risks", "issues")
    page, query = paginate(request, rows)
    return render(
        request,
        "raid/decision_list.html#results" if request.htmx else "raid/decision_list.html",
        {
            "project": project,
            "form": form,
            "page": page,
            "query": query,
            "tab": "decisions",
            "today": today(),
            "can_manage": perms.can_manage_raid(request.user, project),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_row(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row (`?edit=1`: as a form). POST: save title, status, dates, who decided and the owner;
    422 with the errors in the row (a decided decision needs its date and text), 409 when someone else
    saved first. Who edits the project edits decisions."""
    return inline_row(request, pk, ROW)


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_raid(request.user, project))
    form = DecisionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(
                actor=request.user, project=project, data=form.changes(), links=form.links(*LINKS)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Decision %(code)s recorded.") % {"code": decision.code})
            return redirect("decision-detail", decision.pk)
    return render(
        request,
        "raid/decision_form.html",
        {"project": project, "form": form, "tab": "decisions"},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, pk)
    can_manage = perms.can_manage_raid(request.user, decision.project)
    form = DecisionForm(instance=decision, project=decision.project) if can_manage else None
    conflict = None
    if request.method == "POST":
        require(can_manage)
        form = DecisionForm(request.POST, instance=decision, project=decision.project)
        if form.is_valid():
            try:
                services.decision_update(
                    actor=request.user,
                    decision=decision,
                    data=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    links=form.links(*LINKS),
                )
            except ConflictError as exc:
                conflict = exc
                decision = selectors.decision_get(request.user, pk)
                form = DecisionForm(instance=decision, project=decision.project)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Decision %(code)s saved.") % {"code": decision.code})
                return redirect("decision-detail", decision.pk)
        decision.refresh_from_db()
    status = 409 if conflict else 422 if form is not None and form.errors else 200
    return render(
        request,
        "raid/decision_detail.html",
        {
            "decision": decision,
            "project": decision.project,
            "tab": "decisions",
            "form": form,
            "conflict": conflict,
            "can_manage": can_manage,
            "actions": item_actions(decision=decision),
        },
        status=status,
    )


@login_required
@require_POST
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, pk)
    services.decision_delete(actor=request.user, decision=decision)
    messages.success(request, _("Decision %(code)s deleted.") % {"code": decision.code})
    return redirect("project-decisions", decision.project.code)


@login_required
def decision_history(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, pk)
    return history_page(request, decision, reverse("decision-detail", args=[pk]))
