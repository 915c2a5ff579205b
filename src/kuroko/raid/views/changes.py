"""Change request pages: the project's requests with filters and inline edit, a request's page with its
workflow buttons (submit, approve, reject, withdraw, implement), creating and editing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.core.versioning import ConflictError
from kuroko.projects import selectors as project_selectors
from kuroko.raid import permissions as perms
from kuroko.raid import selectors, services
from kuroko.raid.forms_registers import ChangeActionForm, ChangeFilterForm, ChangeRequestForm, ChangeRowForm
from kuroko.raid.selectors.registers import change_totals, item_actions
from kuroko.raid.services.changes import EDITABLE, TRANSITIONS, allowed_actions
from kuroko.raid.services.registers import Refused, today
from kuroko.raid.views.registers import (
    InlineRow,
    add_errors,
    flash_errors,
    history_page,
    inline_row,
    paginate,
)

DONE = {
    "submit": gettext_lazy("%(code)s submitted for approval."),
    "approve": gettext_lazy("%(code)s approved."),
    "reject": gettext_lazy("%(code)s rejected."),
    "withdraw": gettext_lazy("%(code)s withdrawn."),
    "implement": gettext_lazy("%(code)s marked implemented."),
}
BUTTONS = {
    "submit": gettext_lazy("Submit for approval"),
    "approve": gettext_lazy("Approve"),
    "reject": pgettext_lazy("change request", "Reject"),
    "withdraw": gettext_lazy("Withdraw"),
    "implement": gettext_lazy("Mark implemented"),
}


def _units() -> dict[str, Any]:
    return {"units": project_selectors.duration_units()}


def _row_context() -> dict[str, Any]:
    return {**_units(), "editable_statuses": EDITABLE}


ROW = InlineRow(
    template="raid/change_list.html",
    name="change",
    get=selectors.change_get,
    form=ChangeRowForm,
    update=services.change_request_update,
    may_edit=lambda user, change: perms.can_manage_raid(user, change.project),
    context=_row_context,
    form_kwargs=_units,
)


@login_required
def project_changes(request: HttpRequest, code: str) -> HttpResponse:
    """The project's change requests, filtered, with the schedule and cost impact of all filtered rows."""
    project = project_selectors.project_get(request.user, code)
    form = ChangeFilterForm(request.GET or None)
    rows = selectors.changes(project, form.to_filter(today()))
    page, query = paginate(request, rows)
    return render(
        request,
        "raid/change_list.html#results" if request.htmx else "raid/change_list.html",
        {
            "project": project,
            "form": form,
            "page": page,
            "query": query,
            "totals": change_totals(rows),
            "tab": "changes",
            "can_manage": perms.can_manage_raid(request.user, project),
            **_row_context(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_row(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row (`?edit=1`: as a form). POST: save title, owner, request date, schedule and cost
    impact of a draft or submitted request; 422 with the errors in the row, 409 when someone else saved
    first or the request has been decided since. The workflow stays on the request's page."""
    return inline_row(request, pk, ROW)


@login_required
@require_http_methods(["GET", "POST"])
def change_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_raid(request.user, project))
    units = project_selectors.duration_units()
    form = ChangeRequestForm(request.POST or None, project=project, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_request_create(
                actor=request.user,
                project=project,
                data=form.changes(),
                decisions=form.cleaned_data["decisions"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Change request %(code)s created as a draft.") % {"code": change.code}
            )
            return redirect("change-detail", change.pk)
    return render(
        request,
        "raid/change_form.html",
        {"project": project, "form": form, "tab": "changes"},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    units = project_selectors.duration_units()
    can_edit = perms.can_manage_raid(request.user, change.project) and change.status in EDITABLE
    form = ChangeRequestForm(instance=change, project=change.project, units=units) if can_edit else None
    conflict = None
    if request.method == "POST":
        require(perms.can_manage_raid(request.user, change.project))
        form = ChangeRequestForm(request.POST, instance=change, project=change.project, units=units)
        if form.is_valid():
            try:
                services.change_request_update(
                    actor=request.user,
                    change=change,
                    data=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    decisions=form.cleaned_data["decisions"],
                )
            except ConflictError as exc:
                conflict = exc
                change = selectors.change_get(request.user, pk)
                form = ChangeRequestForm(instance=change, project=change.project, units=units)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Change request %(code)s saved.") % {"code": change.code})
                return redirect("change-detail", change.pk)
        change.refresh_from_db()
    status = 409 if conflict else 422 if form is not None and form.errors else 200
    actions = allowed_actions(request.user, change)
    return render(
        request,
        "raid/change_detail.html",
        {
            "change": change,
            "project": change.project,
            "tab": "changes",
            "form": form,
            "conflict": conflict,
            "units": units,
            "buttons": [(a, BUTTONS[a]) for a in actions],
            "action_form": ChangeActionForm(initial={"version": change.version}),
            "can_manage": perms.can_manage_raid(request.user, change.project),
            "actions": item_actions(change_request=change),
        },
        status=status,
    )


@login_required
@require_POST
def change_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow; a refused step says why on the request's page."""
    if action not in TRANSITIONS:
        raise Http404
    change = selectors.change_get(request.user, pk)
    form = ChangeActionForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        change = services.change_request_transition(
            actor=request.user,
            change=change,
            action=action,
            note=data.get("note") or "",
            capture_baseline=bool(data.get("capture_baseline")),
            baseline_number=data.get("baseline_number"),
            expected_version=data.get("version"),
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
    except (Refused, ValidationError) as exc:
        flash_errors(request, exc, {"note": _("Note")})
    else:
        messages.success(request, str(DONE[action]) % {"code": change.code})
        if change.baseline_id and action == "implement" and data.get("capture_baseline"):
            messages.success(request, _("Baseline %(name)s captured.") % {"name": change.baseline})
    return redirect("change-detail", change.pk)


@login_required
@require_POST
def change_delete(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    try:
        services.change_request_delete(actor=request.user, change=change)
    except Refused as exc:
        flash_errors(request, exc)
        return redirect("change-detail", change.pk)
    messages.success(request, _("Change request %(code)s deleted.") % {"code": change.code})
    return redirect("project-changes", change.project.code)


@login_required
def change_history(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(request.user, pk)
    return history_page(request, change, reverse("change-detail", args=[pk]))
