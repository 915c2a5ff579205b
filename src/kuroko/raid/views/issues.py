"""Issue register pages: the project's register with filters and inline edit, the issue page, raising an
issue (also from a risk), escalating, and open issues across the portfolio."""

from __future__ import annotations

from typing import Any

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
from kuroko.raid.forms_registers import EscalateForm, IssueFilterForm, IssueForm, IssueRowForm
from kuroko.raid.models import Issue
from kuroko.raid.selectors.registers import OPEN, item_actions, open_risks, portfolio_issue_counts, risk_get
from kuroko.raid.services.issues import OWNER_FIELDS
from kuroko.raid.services.registers import Refused, today
from kuroko.raid.views.registers import (
    InlineRow,
    add_errors,
    flash_errors,
    history_page,
    inline_row,
    paginate,
)


def _editable(user: Any, issue: Issue) -> tuple[str, ...] | None:
    """None: every field; else the fields the owner may change."""
    return None if perms.can_manage_raid(user, issue.project) else OWNER_FIELDS


ROW = InlineRow(
    template="raid/issue_list.html",
    name="issue",
    get=selectors.issue_get,
    form=IssueRowForm,
    update=services.issue_update,
    may_edit=perms.can_edit_item,
    editable=_editable,
)


@login_required
def project_issues(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    form = IssueFilterForm(request.GET or None)
    page, query = paginate(request, selectors.issues(request.user, form.to_filter(today()), project=project))
    context = {
        "project": project,
        "form": form,
        "page": page,
        "query": query,
        "tab": "issues",
        "today": today(),
        "can_raise": perms.can_raise(request.user, project),
        "can_manage": perms.can_manage_raid(request.user, project),
        "person_id": perms.own_person_id(request.user),
    }
    template = "raid/issue_list.html#results" if request.htmx else "raid/issue_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_row(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row (`?edit=1`: as a form). POST: save the row's fields; 422 with the errors in the row,
    409 with the current values when someone else saved first."""
    return inline_row(request, pk, ROW)


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_raise(request.user, project))
    form = IssueForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(
                actor=request.user, project=project, data=form.changes(), tasks=form.cleaned_data["tasks"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Issue %(code)s raised.") % {"code": issue.code})
            return redirect("issue-detail", issue.pk)
    risks = open_risks(project) if perms.can_manage_raid(request.user, project) else None
    return render(
        request,
        "raid/issue_form.html",
        {"project": project, "form": form, "tab": "issues", "risks": risks},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue with its links and actions; who may edit it edits it here (POST)."""
    issue = selectors.issue_get(request.user, pk)
    can_edit = perms.can_edit_item(request.user, issue)
    editable = _editable(request.user, issue)
    form = IssueForm(instance=issue, project=issue.project, editable=editable) if can_edit else None
    conflict = None
    if request.method == "POST":
        require(can_edit)
        form = IssueForm(request.POST, instance=issue, project=issue.project, editable=editable)
        if form.is_valid():
            try:
                services.issue_update(
                    actor=request.user,
                    issue=issue,
                    data=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    tasks=None if form.fields["tasks"].disabled else form.cleaned_data["tasks"],
                )
            except ConflictError as exc:
                conflict = exc
                issue = selectors.issue_get(request.user, pk)
                form = IssueForm(instance=issue, project=issue.project, editable=editable)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Issue %(code)s saved.") % {"code": issue.code})
                return redirect("issue-detail", issue.pk)
        issue.refresh_from_db()
    status = 409 if conflict else 422 if form is not None and form.errors else 200
    return render(
        request,
        "raid/issue_detail.html",
        {
            "issue": issue,
            "project": issue.project,
            "tab": "issues",
            "form": form,
            "conflict": conflict,
            "escalate_form": EscalateForm(),
            "can_edit": can_edit,
            "can_manage": perms.can_manage_raid(request.user, issue.project),
            "actions": item_actions(issue=issue),
            "can_add_action": perms.can_raise(request.user, issue.project),
            "today": today(),
        },
        status=status,
    )


@login_required
@require_POST
def issue_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(request.user, pk)
    require(perms.can_edit_item(request.user, issue))
    form = EscalateForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        issue = services.issue_escalate(
            actor=request.user, issue=issue, reason=data.get("reason") or "", level=data.get("level")
        )
    except ValidationError as exc:
        flash_errors(request, exc, {"reason": _("Reason"), "level": _("Escalate to")})
    else:
        messages.success(
            request,
            _("%(code)s escalated to %(level)s.")
            % {"code": issue.code, "level": issue.get_escalation_level_display()},
        )
    return redirect("issue-detail", issue.pk)


@login_required
@require_POST
def issue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(request.user, pk)
    services.issue_delete(actor=request.user, issue=issue)
    messages.success(request, _("Issue %(code)s deleted.") % {"code": issue.code})
    return redirect("project-issues", issue.project.code)


@login_required
def issue_history(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(request.user, pk)
    return history_page(request, issue, reverse("issue-detail", args=[pk]))


@login_required
@require_POST
def risk_raise_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The risk occurred: an issue is raised from it (the risk becomes "occurred")."""
    risk = risk_get(request.user, pk)
    try:
        issue = services.issue_raise_from_risk(actor=request.user, risk=risk)
    except Refused as exc:
        flash_errors(request, exc)
        return redirect("issue-create", risk.project.code)
    messages.success(
        request, _("Issue %(issue)s raised from risk %(risk)s.") % {"issue": issue.code, "risk": risk.code}
    )
    return redirect("issue-detail", issue.pk)


@login_required
def portfolio_issues(request: HttpRequest) -> HttpResponse:
    """Open issues across the projects the user may read, escalated ones first."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = OPEN
    form = IssueFilterForm(data)
    f = form.to_filter(today(), default_sort="escalated")
    page, query = paginate(request, selectors.issues(request.user, f))
    context = {
        "form": form,
        "page": page,
        "query": query,
        "today": today(),
        "counts": portfolio_issue_counts(request.user, today()),
    }
    template = "raid/portfolio_issues.html#results" if request.htmx else "raid/portfolio_issues.html"
    return render(request, template, context)
