"""Staffing views: a project's placeholders with suggested people, the optimal proposal, and who is free."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kuroko.core import permissions as core_perms
from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.projects import permissions as perms
from kuroko.projects import selectors
from kuroko.projects.forms import FreeSearchForm
from kuroko.projects.models import Project
from kuroko.projects.selectors import staffing
from kuroko.projects.services.staffing import Proposal, staffing_apply, staffing_proposal

TOP = 5  # suggestions shown per placeholder assignment


def _page(
    request: HttpRequest,
    project: Project,
    *,
    proposal: Proposal | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "projects/project_staffing.html",
        {
            "project": project,
            "rows": staffing.project_staffing(request.user, project, top=TOP),
            "can_edit": perms.can_edit_project(request.user, project),
            "show_rates": core_perms.can_edit_directory(request.user),  # rates are the PMO's
            "proposal": proposal,
            "error": error,
            "units": selectors.duration_units(),
        },
        status=status,
    )


@login_required
def project_staffing(request: HttpRequest, code: str) -> HttpResponse:
    """The project's placeholder assignments, each with the best people to fill it."""
    project = selectors.project_get(request.user, code)
    return _page(request, project)


@login_required
def project_staffing_proposal(request: HttpRequest, code: str) -> HttpResponse:
    """ "Fill all optimally": the proposal as a diff to apply or discard (nothing is saved)."""
    project = selectors.project_get(request.user, code)
    proposal = staffing_proposal(actor=request.user, project=project)
    if request.htmx:
        return render(
            request,
            "projects/project_staffing.html#proposal",
            {"project": project, "proposal": proposal, "units": selectors.duration_units()},
        )
    return _page(request, project, proposal=proposal)


def _choices(request: HttpRequest) -> list[tuple[int, int]]:
    """`choice` fields of the form "assignment id:person id"."""
    out = []
    for value in request.POST.getlist("choice"):
        left, _sep, right = value.partition(":")
        if not (left.isdigit() and right.isdigit()):
            raise ValidationError(
                {"choices": _("“%(value)s” is not a choice of the form.") % {"value": value}}
            )
        out.append((int(left), int(right)))
    return out


@login_required
@require_POST
def project_staffing_apply(request: HttpRequest, code: str) -> HttpResponse:
    """Assign the chosen people (one "Assign" button, or a whole proposal) in one transaction."""
    project = selectors.project_get(request.user, code)
    try:
        created = staffing_apply(actor=request.user, project=project, choices=_choices(request))
    except ValidationError as exc:
        return _page(request, project, error=" ".join(exc.messages), status=422)
    names = ", ".join(str(a.person) for a in created)
    messages.success(
        request,
        ngettext(
            "%(count)s person assigned: %(names)s.", "%(count)s people assigned: %(names)s.", len(created)
        )
        % {"count": len(created), "names": names},
    )
    return redirect("project-staffing", project.code)


@login_required
def who_is_free(request: HttpRequest) -> HttpResponse:
    """Who has free time for N working days from a date, with a skill at a level, in a team."""
    form = FreeSearchForm(request.GET or FreeSearchForm.defaults())
    result = None
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            result = staffing.who_is_free(
                request.user,
                start=data["start"],
                days=data["days"],
                skill=data["skill"],
                min_level=data["min_level"],
                team=data["team"].pk if data["team"] else None,
                min_free_percent=data["min_free_percent"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
    template = "projects/who_is_free.html#results" if request.htmx else "projects/who_is_free.html"
    context = {"form": form, "result": result, "units": selectors.duration_units(), "nav": "resources"}
    return render(request, template, context, status=200 if form.is_valid() else 422)
