"""Schedule views: the Gantt chart (page, data, edits) and baselines."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.versioning import ConflictError
from kuroko.projects import permissions as perms
from kuroko.projects import selectors, services
from kuroko.projects.models import BASELINE_COUNT


def _baseline_param(request: HttpRequest) -> int | None:
    """?baseline=N compares with baseline N, ?baseline=none with none; absent: the project's choice."""
    value = request.GET.get("baseline", "")
    if value == "none":
        return -1
    return int(value) if value.isdigit() and int(value) < BASELINE_COUNT else None


def _gantt_labels() -> dict[str, Any]:
    """The words the Gantt script shows, translated here so the script holds no text of its own."""
    from kuroko.projects.models import ConstraintType

    return {
        "columns": {
            "wbs": _("WBS"),
            "name": _("Name"),
            "dur": _("Duration"),
            "start": _("Start"),
            "finish": _("Finish"),
        },
        "day_unit": pgettext("duration unit suffix", "d"),
        "elapsed_day_unit": pgettext("duration unit suffix", "ed"),
        "start": _("Start"),
        "finish": _("Finish"),
        "duration": _("Duration"),
        "total_float": _("Total float"),
        "free_float": _("Free float"),
        "complete": _("Complete"),
        "critical": _("Critical"),
        "baseline": _("Baseline"),
        "deadline": _("Deadline"),
        "constraint": _("Constraint"),
        "constraints": {c.value: str(c.label) for c in ConstraintType},
        "today": _("Today"),
        "status_date": _("Status date"),
        "expand": _("Expand"),
        "collapse": _("Collapse"),
        "saving": _("Saving…"),
        "manual": _("Manually scheduled"),
        "driving_path": _("Driving path"),
        "select_first": _("Select a task first (click its row)."),
        "started": _("This task has started: its start is its actual start."),
        "finished": _("This task is finished: its finish is its actual finish."),
        "save_failed": _("The change could not be saved."),
        "load_failed": _("The chart could not be loaded."),
    }


@login_required
def project_gantt(request: HttpRequest, code: str) -> HttpResponse:
    """The interactive Gantt chart; the client loads its rows from `project_gantt_data`."""
    project = selectors.project_get(request.user, code)
    return render(
        request,
        "projects/project_gantt.html",
        {
            "project": project,
            "baselines": [b for b in selectors.baselines(project) if b is not None],
            "can_edit": perms.can_edit_project(request.user, project),
            "gantt_labels": _gantt_labels(),
        },
    )


@login_required
def project_gantt_data(request: HttpRequest, code: str) -> JsonResponse:
    """Rows, links and calendar of the Gantt chart as compact JSON."""
    project = selectors.project_get(request.user, code)
    data = selectors.gantt_data(
        request.user, project, today=timezone.localdate(), baseline=_baseline_param(request)
    )
    return JsonResponse(data)


@login_required
@require_POST
def project_gantt_edit(request: HttpRequest, code: str) -> JsonResponse:
    """One edit from the Gantt (JSON body); answers with a message and the edit that undoes it."""
    project = selectors.project_get(request.user, code)
    try:
        edit = json.loads(request.body or b"{}")
        if not isinstance(edit, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": _("The request is not a JSON object.")}, status=400)
    try:
        result = services.gantt_edit(actor=request.user, project=project, edit=edit)
    except ValidationError as exc:
        errors: dict[str, Any] = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        text = " ".join(m for messages_ in errors.values() for m in messages_)
        return JsonResponse({"error": text, "errors": errors}, status=400)
    except ConflictError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc) or _("You do not have permission to do this.")}, status=403)
    return JsonResponse({"message": result.message, "undo": result.undo})


@login_required
def project_gantt_svg(request: HttpRequest, code: str) -> HttpResponse:
    """The Gantt chart drawn on the server as one SVG document, for printing."""
    from kuroko.formats.gantt_svg import render_gantt_svg
    from kuroko.projects.mapping import gantt_chart

    project = selectors.project_get(request.user, code)
    data = selectors.gantt_data(
        request.user, project, today=timezone.localdate(), baseline=_baseline_param(request)
    )
    labels = {"wbs": _("WBS"), "name": _("Name"), "start": _("Start"), "finish": _("Finish")}
    return HttpResponse(render_gantt_svg(gantt_chart(data, labels)), content_type="image/svg+xml")


@login_required
def project_baselines(request: HttpRequest, code: str) -> HttpResponse:
    """The project's 11 baseline slots and the variance of every task against the compared one."""
    project = selectors.project_get(request.user, code)
    number = _baseline_param(request)
    if number is None:
        number = project.compared_baseline
    return render(
        request,
        "projects/project_baselines.html",
        {
            "project": project,
            "slots": list(enumerate(selectors.baselines(project))),
            "number": number,
            "variances": selectors.baseline_variances(request.user, project, number),
            "units": selectors.duration_units(),
            "can_edit": perms.can_edit_project(request.user, project),
        },
    )


@login_required
@require_POST
def baseline_action(request: HttpRequest, code: str, number: str, action: str) -> HttpResponse:
    """Save, clear or compare against baseline `number`."""
    project = selectors.project_get(request.user, code)
    index = int(number)
    try:
        if action == "capture":
            baseline = services.baseline_capture(
                actor=request.user, project=project, number=index, name=request.POST.get("name", "").strip()
            )
            messages.success(request, _("Saved %(baseline)s.") % {"baseline": baseline.label})
        elif action == "clear":
            services.baseline_clear(actor=request.user, project=project, number=index)
            messages.success(request, _("Cleared baseline %(n)d.") % {"n": index})
        else:
            services.project_update(
                actor=request.user, project=project, data={"compared_baseline": index}, expected_version=None
            )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect(f"{project.get_absolute_url()}baselines/?baseline={index}")


@login_required
def portfolio_schedule(request: HttpRequest) -> HttpResponse:
    """Every visible project scheduled as one network: finishes, cross-project links, critical path."""
    from kuroko.core import permissions as core_perms
    from kuroko.projects.forms import PortfolioFilterForm

    form = PortfolioFilterForm(request.GET or None, managers=selectors.managers_for_filter(request.user))
    network = selectors.portfolio_network(request.user, form.to_filter(), today=timezone.localdate())
    return render(
        request,
        "projects/portfolio_schedule.html",
        {
            "form": form,
            "network": network,
            "units": selectors.duration_units(),
            "can_reschedule": core_perms.is_pmo(request.user),
            "query": request.GET.urlencode(),
            "nav": "portfolio",
        },
    )


@login_required
@require_POST
def portfolio_reschedule(request: HttpRequest) -> HttpResponse:
    """Reschedule the filtered projects in the order their links need (the PMO)."""
    from kuroko.projects.forms import PortfolioFilterForm
    from kuroko.projects.services.schedule import portfolio_reschedule as reschedule

    form = PortfolioFilterForm(request.GET or None, managers=selectors.managers_for_filter(request.user))
    projects = list(selectors.project_list(request.user, form.to_filter()))
    done = reschedule(actor=request.user, projects=projects)
    messages.success(request, _("Rescheduled %(count)d projects in link order.") % {"count": len(done)})
    query = request.GET.urlencode()
    return redirect(reverse("portfolio-schedule") + (f"?{query}" if query else ""))


@login_required
def task_driving_path(request: HttpRequest, pk: int) -> JsonResponse:
    """The ids of the tasks that drive this one (its driving path), for the Gantt to highlight."""
    task = selectors.task_get(request.user, pk)
    path = selectors.driving_path(request.user, task, today=timezone.localdate())
    return JsonResponse({"task": task.pk, "path": [t.pk for t in path]})
