"""Levelling pages: request a proposal (a project or the portfolio), watch it compute, review, apply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import is_pmo
from kuroko.projects import permissions as perms
from kuroko.projects import selectors
from kuroko.projects.models import LevelingRun, Project, Status
from kuroko.projects.services import leveling


def _options(request: HttpRequest) -> dict[str, Any]:
    options: dict[str, Any] = {"within_float": request.POST.get("within_float") == "on"}
    if request.POST.get("level_from"):
        options["level_from"] = request.POST["level_from"]
    if request.POST.get("time_limit"):
        options["time_limit"] = request.POST["time_limit"]
    if request.POST.getlist("projects"):
        options["projects"] = request.POST.getlist("projects")
    return options


def _runs_for(user: Any) -> Any:
    runs = LevelingRun.objects.select_related("project", "created_by", "decided_by")
    if is_pmo(user):
        return runs
    return runs.filter(project__in=perms.visible_projects(user))


@login_required
def leveling_list(request: HttpRequest) -> HttpResponse:
    """Levelling history, and the form to level the portfolio (the PMO)."""
    return render(
        request,
        "projects/leveling_list.html",
        {
            "runs": _runs_for(request.user)[:100],
            "can_level_portfolio": is_pmo(request.user),
            "projects": Project.objects.filter(Q(status=Status.ACTIVE) | Q(status=Status.PROPOSED)).order_by(
                "-priority", "code"
            ),
            "time_limit": leveling.DEFAULT_TIME_LIMIT,
            "today": timezone.localdate(),
            "nav": "resources",
        },
    )


@login_required
@require_POST
def leveling_start(request: HttpRequest) -> HttpResponse:
    """Level the portfolio (or the chosen projects) with their shared people."""
    try:
        run = leveling.leveling_request(actor=request.user, project=None, options=_options(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("leveling-list")
    return redirect("leveling-run", pk=run.pk)


@login_required
@require_POST
def project_level(request: HttpRequest, code: str) -> HttpResponse:
    """Level one project (its people's work on other projects stays where it is)."""
    project = selectors.project_get(request.user, code)
    try:
        run = leveling.leveling_request(actor=request.user, project=project, options=_options(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(project.get_absolute_url())
    return redirect("leveling-run", pk=run.pk)


@login_required
@require_POST
def project_level_clear(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    count = leveling.leveling_clear(actor=request.user, project=project)
    messages.success(
        request,
        _("Levelling cleared: %(count)d tasks are back where their links put them.") % {"count": count},
    )
    return redirect(project.get_absolute_url())


def _run(request: HttpRequest, pk: int) -> LevelingRun:
    run = get_object_or_404(LevelingRun.objects.select_related("project", "created_by", "decided_by"), pk=pk)
    if not leveling.can_view_run(request.user, run):
        raise PermissionDenied
    return run


@login_required
def leveling_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: progress while it computes, then the moves and their reasons, to apply or discard."""
    run = _run(request, pk)
    computing = run.status in (LevelingRun.Status.QUEUED, LevelingRun.Status.RUNNING)
    if request.htmx and request.GET.get("poll"):
        if not computing:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # done: show the whole proposal
            return response
        return render(request, "projects/leveling_run.html#progress", {"run": run})
    result = run.result or {}
    moves = result.get("moves", [])
    return render(
        request,
        "projects/leveling_run.html",
        {
            "run": run,
            "computing": computing,
            "result": result,
            "moves": moves,
            "resource_moves": sum(1 for m in moves if m["reason"]["kind"] == "resource"),
            "can_decide": run.status == LevelingRun.Status.READY and leveling.can_decide(request.user, run),
            "nav": "resources",
        },
    )


@login_required
@require_POST
def leveling_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = _run(request, pk)
    try:
        if action == "apply":
            leveling.leveling_apply(actor=request.user, run=run)
            messages.success(
                request, _("Levelling applied: the moved tasks now start no earlier than proposed.")
            )
        else:
            leveling.leveling_discard(actor=request.user, run=run)
            messages.success(request, _("Proposal discarded; nothing was changed."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect(reverse("leveling-run", args=[run.pk]))
