"""Earned value pages: a project's EVM (headline figures, WBS table, S-curve, SPI/CPI trends, weighted
milestones), the portfolio table, and the chart script (vega-embed, served locally)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kuroko.core.dates import parse_day
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.engine.evm import Unit
from kuroko.formats import charts
from kuroko.projects import permissions as perms
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import EvMethodChoice, Project, Task
from kuroko.tracking import selectors, services
from kuroko.tracking.mapping import UNIT_CHOICES, parse_unit
from kuroko.tracking.models import WeightedMilestone
from kuroko.tracking.selectors.evm import (
    AMBER,
    RED,
    default_status_date,
    parse_status_date,
    s_curve_spec,
    trend,
    unit_label,
)


def _choices(request: HttpRequest, default: date) -> tuple[date, Unit]:
    """The status date and unit asked for; a bad value is said on the page and the default is used."""
    day, unit = default, Unit.MONEY
    try:
        day = parse_status_date(request.GET.get("status_date"), default)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    try:
        unit = parse_unit(request.GET.get("unit"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return day, unit


def _charts(evm: Any) -> dict[str, Any]:
    """The S-curve and the trend chart of a project's EVM, as Vega-Lite specs."""
    trend_spec = charts.index_trend(
        trend(evm.series),
        labels={"spi": "SPI", "cpi": "CPI", "date": _("Date"), "index": _("Index")},
        thresholds=(RED, AMBER),
    )
    return {"s_curve": s_curve_spec(evm), "trend": trend_spec}


def _milestones(project: Project) -> tuple[list[Task], dict[int, list[WeightedMilestone]]]:
    leaves = list(Task.objects.filter(project=project, children__isnull=True).order_by("row"))
    by_task: dict[int, list[WeightedMilestone]] = {}
    for m in WeightedMilestone.objects.filter(task__project=project).order_by("task__row", "pk"):
        by_task.setdefault(m.task_id, []).append(m)
    return leaves, by_task


@login_required
def project_evm(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    day, unit = _choices(request, default_status_date(project))
    evm = selectors.project_evm(request.user, project, status_date=day, unit=unit)
    leaves: list[Task] = []
    milestones: dict[int, list[WeightedMilestone]] = {}
    if project.ev_method == EvMethodChoice.MILESTONES:
        leaves, milestones = _milestones(project)
    return render(
        request,
        "tracking/evm_project.html",
        {
            "project": project,
            "evm": evm,
            "f": evm.figures,
            "units": UNIT_CHOICES,
            "unit_label": unit_label(evm.unit, evm.currency),
            "charts": _charts(evm) if evm.figures is not None else None,
            "chart_version": charts.bundle_version(),
            "snapshots": selectors.project_snapshots(request.user, project, unit=evm.unit)[-12:],
            "can_edit": perms.can_edit_project(request.user, project),
            "milestone_method": project.ev_method == EvMethodChoice.MILESTONES,
            "leaves": leaves,
            "milestones": milestones,
            "red": RED,
            "amber": AMBER,
        },
    )


def _back(project: Project, request: HttpRequest, anchor: str = "") -> HttpResponse:
    query = {k: v for k in ("status_date", "unit") if (v := request.POST.get(k) or request.GET.get(k))}
    url = reverse("project-evm", args=[project.code])
    return redirect(url + (f"?{urlencode(query)}" if query else "") + anchor)


@login_required
@require_POST
def project_evm_status_date(request: HttpRequest, code: str) -> HttpResponse:
    """Make the chosen day the project's status date (and record its earned value)."""
    project = project_selectors.project_get(request.user, code)
    try:
        day = parse_status_date(request.POST.get("status_date"), default_status_date(project))
        services.evm_status_date_set(actor=request.user, project=project, status_date=day)
        text = _("The status date of %(code)s is now %(day)s.") % {"code": code, "day": day}
        messages.success(request, text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(project, request)


def _task_of(project: Project, value: Any) -> Task:
    pk = int(value) if str(value or "").isdigit() else 0
    task = Task.objects.select_related("project").filter(pk=pk, project=project).first()
    if task is None:
        raise ValidationError(
            {"task": _("Task %(id)s is not in project %(code)s.") % {"id": value, "code": project.code}}
        )
    return task


def _date_or_none(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except ValueError:
        text = _("%(value)r is not a date like 2027-06-30.") % {"value": value}
        raise ValidationError({field: text}) from None


@login_required
@require_POST
def milestone_add(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    try:
        services.weighted_milestone_add(
            actor=request.user,
            task=_task_of(project, request.POST.get("task")),
            name=request.POST.get("name", ""),
            weight=request.POST.get("weight", ""),
            achieved_on=_date_or_none(request.POST.get("achieved_on"), "achieved_on"),
        )
        messages.success(request, _("Milestone added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(project, request, "#milestones")


@login_required
@require_POST
def milestone_achieve(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(WeightedMilestone.objects.select_related("task__project"), pk=pk)
    project = project_selectors.project_get(request.user, milestone.task.project.code)
    try:
        day = _date_or_none(request.POST.get("achieved_on"), "achieved_on")
        services.weighted_milestone_achieve(actor=request.user, milestone=milestone, achieved_on=day)
        messages.success(request, _("Milestone saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(project, request, "#milestones")


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(WeightedMilestone.objects.select_related("task__project"), pk=pk)
    project = project_selectors.project_get(request.user, milestone.task.project.code)
    services.weighted_milestone_remove(actor=request.user, milestone=milestone)
    messages.success(request, _("Milestone removed."))
    return _back(project, request, "#milestones")


@login_required
def portfolio_evm(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    day, unit = _choices(request, timezone.localdate())
    evm = selectors.portfolio_evm(request.user, status_date=day, unit=unit)
    return render(
        request,
        "tracking/evm_portfolio.html",
        {
            "evm": evm,
            "units": UNIT_CHOICES,
            "unit_label": unit_label(evm.unit, evm.currency),
            "nav": "evm",
            "red": RED,
            "amber": AMBER,
        },
    )


@require_GET
def chart_bundle(request: HttpRequest) -> HttpResponse:
    """vega, vega-lite and vega-embed in one script (built once per process; cached by browsers for a
    year: its URL carries the package version)."""
    response = HttpResponse(charts.javascript_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
