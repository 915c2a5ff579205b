"""Action item pages: the project's list with inline edit, the item's page, adding one, and the portfolio
list (overdue, mine)."""

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
from kuroko.raid.forms_registers import ActionFilterForm, ActionForm, ActionRowForm
from kuroko.raid.models import ActionItem
from kuroko.raid.selectors.registers import OPEN
from kuroko.raid.services.actions import LINKS, OWNER_FIELDS
from kuroko.raid.services.registers import today
from kuroko.raid.views.registers import InlineRow, add_errors, history_page, inline_row, paginate


def _editable(user: Any, action: ActionItem) -> tuple[str, ...] | None:
    return None if perms.can_manage_raid(user, action.project) else OWNER_FIELDS


ROW = InlineRow(
    template="raid/action_list.html",
    name="action",
    get=selectors.action_get,
    form=ActionRowForm,
    update=services.action_update,
    may_edit=perms.can_edit_item,
    editable=_editable,
)


@login_required
def project_actions(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    form = ActionFilterForm(request.GET or None)
    page, query = paginate(request, selectors.actions(request.user, form.to_filter(today()), project=project))
    context = {
        "project": project,
        "form": form,
        "page": page,
        "query": query,
        "tab": "actions",
        "today": today(),
        "can_raise": perms.can_raise(request.user, project),
        "can_manage": perms.can_manage_raid(request.user, project),
        "person_id": perms.own_person_id(request.user),
    }
    template = "raid/action_list.html#results" if request.htmx else "raid/action_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def action_row(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row (`?edit=1`: as a form). POST: save owner, due date and status (422 / 409 as issues)."""
    return inline_row(request, pk, ROW)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_raise(request.user, project))
    # ?issue=7 (or risk, decision, change_request) links the new item, as the issue page's button does.
    initial = {name: request.GET[name] for name in LINKS if request.GET.get(name, "").isdigit()}
    form = ActionForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, project=project, data=form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Action item %(code)s added.") % {"code": action.code})
            return redirect("action-detail", action.pk)
    return render(
        request,
        "raid/action_form.html",
        {"project": project, "form": form, "tab": "actions"},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(request.user, pk)
    can_edit = perms.can_edit_item(request.user, action)
    editable = _editable(request.user, action)
    form = ActionForm(instance=action, project=action.project, editable=editable) if can_edit else None
    conflict = None
    if request.method == "POST":
        require(can_edit)
        form = ActionForm(request.POST, instance=action, project=action.project, editable=editable)
        if form.is_valid():
            try:
                services.action_update(
                    actor=request.user,
                    action=action,
                    data=form.changes(),
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as exc:
                conflict = exc
                action = selectors.action_get(request.user, pk)
                form = ActionForm(instance=action, project=action.project, editable=editable)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Action item %(code)s saved.") % {"code": action.code})
                return redirect("action-detail", action.pk)
        action.refresh_from_db()
    status = 409 if conflict else 422 if form is not None and form.errors else 200
    return render(
        request,
        "raid/action_detail.html",
        {
            "action": action,
            "project": action.project,
            "tab": "actions",
            "form": form,
            "conflict": conflict,
            "can_manage": perms.can_manage_raid(request.user, action.project),
            "today": today(),
        },
        status=status,
    )


@login_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(request.user, pk)
    services.action_delete(actor=request.user, action=action)
    messages.success(request, _("Action item %(code)s deleted.") % {"code": action.code})
    return redirect("project-actions", action.project.code)


@login_required
def action_history(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(request.user, pk)
    return history_page(request, action, reverse("action-detail", args=[pk]))


@login_required
def portfolio_actions(request: HttpRequest) -> HttpResponse:
    """Open action items across the projects the user may read (overdue ones, mine …), by due date."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = OPEN
    form = ActionFilterForm(data)
    page, query = paginate(
        request, selectors.actions(request.user, form.to_filter(today(), default_sort="due"))
    )
    context = {"form": form, "page": page, "query": query, "today": today(), "portfolio": True}
    template = "raid/portfolio_actions.html#results" if request.htmx else "raid/portfolio_actions.html"
    return render(request, template, context)
