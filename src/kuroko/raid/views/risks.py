"""Pages of the risk register: a project's register with inline edit and its heat map, one risk, the risk
matrix settings, the portfolio's risks, and the Excel export and import of a register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require, role_of
from kuroko.core.versioning import ConflictError
from kuroko.people.models import Person
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import Program
from kuroko.projects.permissions import visible_projects
from kuroko.raid import permissions as perms
from kuroko.raid.forms import MatrixForm, RiskFilterForm, RiskForm
from kuroko.raid.models import Risk, RiskLevel, RiskStatus
from kuroko.raid.selectors import risks as selectors
from kuroko.raid.services import risks as services
from kuroko.raid.views import registers_excel


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _editable(user: Any, project: Any, risks: list[Risk]) -> set[int]:
    """The risks the user may edit, without a query per row: project editors edit all, owners theirs."""
    if perms.can_manage_raid(user, project):
        return {r.pk for r in risks}
    if role_of(user) in (None, "executive"):
        return set()
    me = perms.own_person_id(user)
    return {r.pk for r in risks if me is not None and r.owner_id == me}


def _form(
    request: HttpRequest, project: Any, *, only: Any = None, data: Any = None, **kwargs: Any
) -> RiskForm:
    return RiskForm(
        data,
        matrix=selectors.matrix_info(),
        project=project,
        units=project_selectors.duration_units(),
        only=only,
        **kwargs,
    )


def _register_context(request: HttpRequest, project: Any, **extra: Any) -> dict[str, Any]:
    owners = Person.objects.filter(pk__in=Risk.objects.filter(project=project).values("owner_id"))
    form = RiskFilterForm(request.GET or None, owners=owners)
    risk_filter = form.to_filter()
    info = selectors.matrix_info()
    rows = list(selectors.project_risks(request.user, project, risk_filter))
    query = request.GET.copy()
    query.pop("sort", None)
    cell_query = request.GET.copy()
    for name in ("probability", "impact"):
        cell_query.pop(name, None)
    return {
        "project": project,
        "form": form,
        "filter": risk_filter,
        "risks": rows,
        "editable": _editable(request.user, project, rows),
        "can_raise": perms.can_raise(request.user, project),
        "can_manage": perms.can_manage_raid(request.user, project),
        "heat": selectors.heat_map(Risk.objects.filter(project=project), info),
        "matrix": info,
        "today": timezone.localdate(),
        "query": query.urlencode(),
        "cell_query": cell_query.urlencode(),
        "tab": "risks",
        "statuses": RiskStatus.choices,
        "levels": RiskLevel.choices,
        **extra,
    }


@login_required
@require_GET
def project_risks(request: HttpRequest, code: str) -> HttpResponse:
    """The project's risk register: filters, the table (sortable, inline edit) and the heat map."""
    project = project_selectors.project_get(request.user, code)
    context = _register_context(request, project)
    if context["can_raise"]:
        context["add_form"] = _form(request, project, only=RiskForm.ADD, initial={"probability": 3})
    template = "raid/risk_register.html#results" if request.htmx else "raid/risk_register.html"
    return render(request, template, context)


@login_required
@require_POST
def risk_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    require(perms.can_raise(request.user, project))
    form = _form(request, project, only=RiskForm.ADD, data=request.POST)
    if form.is_valid():
        try:
            risk = services.risk_create(actor=request.user, project=project, data=form.changes())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Risk %(code)s added.") % {"code": risk.code})
            return redirect(reverse("project-risks", args=[project.code]) + f"#risk-{risk.pk}")
    context = _register_context(request, project, add_form=form)
    return render(request, "raid/risk_register.html", context, status=422)


def _row(request: HttpRequest, risk: Risk, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(
        request,
        "raid/risk_register.html#row",
        {
            "risk": risk,
            "project": risk.project,
            "editable": _editable(request.user, risk.project, [risk]),
            "today": timezone.localdate(),
            "matrix": selectors.matrix_info(),
            **extra,
        },
        status=status,
    )


@login_required
@require_GET
def risk_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only row of the register (Cancel of the inline edit)."""
    return _row(request, selectors.risk_for(request.user, pk))


def _edit_row(
    request: HttpRequest, risk: Risk, form: RiskForm, *, status: int = 200, conflict: Any = None
) -> HttpResponse:
    return render(
        request,
        "raid/risk_register.html#row_edit",
        {"risk": risk, "project": risk.project, "form": form, "conflict": conflict},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row as a form. POST: save it and answer with the row (and the heat map, out of band)."""
    risk = selectors.risk_for(request.user, pk)
    require(perms.can_edit_item(request.user, risk))
    units = project_selectors.duration_units()
    if request.method == "GET":
        form = _form(request, risk.project, only=RiskForm.ROW, initial=RiskForm.initial_for(risk, units))
        return _edit_row(request, risk, form)
    form = _form(request, risk.project, only=RiskForm.ROW, data=request.POST)
    if not form.is_valid():
        return _edit_row(request, risk, form, status=422)
    try:
        risk = services.risk_update(
            actor=request.user,
            risk=risk,
            data=form.changes(),
            expected_version=form.cleaned_data.get("version"),
        )
    except ConflictError as exc:
        risk.refresh_from_db()
        fresh = _form(request, risk.project, only=RiskForm.ROW, initial=RiskForm.initial_for(risk, units))
        return _edit_row(request, risk, fresh, status=409, conflict=exc)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _edit_row(request, risk, form, status=422)
    info = selectors.matrix_info()
    heat = selectors.heat_map(Risk.objects.filter(project=risk.project), info)
    return _row(request, risk, heat=heat, oob=True, flash=True)


@login_required
@require_http_methods(["GET", "POST"])
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of a risk, grouped; who may edit it saves the form here."""
    risk = selectors.risk_for(request.user, pk)
    project = risk.project
    units = project_selectors.duration_units()
    can_edit = perms.can_edit_item(request.user, risk)
    conflict = None
    if request.method == "POST":
        require(can_edit)
        form = _form(request, project, data=request.POST)
        if form.is_valid():
            try:
                risk = services.risk_update(
                    actor=request.user,
                    risk=risk,
                    data=form.changes(),
                    tasks=form.task_ids(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ConflictError as exc:
                conflict = exc
                risk.refresh_from_db()
                form = _form(request, project, initial=RiskForm.initial_for(risk, units))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Risk %(code)s saved.") % {"code": risk.code})
                return redirect("risk-detail", pk=risk.pk)
    else:
        form = _form(request, project, initial=RiskForm.initial_for(risk, units))
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    info = selectors.matrix_info()
    suggestion = info.suggest(
        probability_percent=risk.probability_percent,
        cost=risk.cost_most_likely,
        schedule_minutes=risk.schedule_most_likely_minutes,
        units=units,
    )
    status = 409 if conflict else 422 if form.errors else 200
    return render(
        request,
        "raid/risk_detail.html",
        {
            "risk": risk,
            "project": project,
            "form": form,
            "conflict": conflict,
            "can_edit": can_edit,
            "can_delete": perms.can_manage_raid(request.user, project),
            "matrix": info,
            "suggestion": suggestion,
            "bounds": {
                "percents": info.probability_percents,
                "cost": info.cost_thresholds,
                "schedule_days": info.schedule_threshold_days,
                "hours_per_day": float(units.hours_per_day),
            },
            "tasks": list(risk.tasks.order_by("row")),
            "issues": list(risk.issues.order_by("number")),
            "actions": list(risk.actions.select_related("owner").order_by("number")),
            "history": selectors.score_history(risk),
            "overdue": selectors.is_overdue(risk, timezone.localdate(), info.review_days),
            "tab": "risks",
        },
        status=status,
    )


@login_required
@require_POST
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_for(request.user, pk)
    try:
        risk = services.risk_mark_reviewed(actor=request.user, risk=risk, expected_version=_version(request))
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(code)s reviewed; next review on %(day)s.") % {"code": risk.code, "day": risk.next_review},
        )
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("risk-detail", pk=risk.pk)


@login_required
@require_POST
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_for(request.user, pk)
    code, project = risk.code, risk.project
    services.risk_delete(actor=request.user, risk=risk)
    messages.success(request, _("Risk %(code)s deleted.") % {"code": code})
    return redirect("project-risks", code=project.code)


# --- the matrix -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def risk_matrix(request: HttpRequest) -> HttpResponse:
    """The organisation's risk matrix (PMO): saving re-scores every risk."""
    require(perms.can_configure_raid(request.user))
    info = selectors.matrix_info()
    form = MatrixForm(request.POST or None, size=info.size, initial=MatrixForm.initial_for(info))
    if request.method == "POST" and form.is_valid():
        try:
            _matrix, changed = services.risk_matrix_save(actor=request.user, data=form.cleaned_matrix())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Risk matrix saved; %(n)d risks re-scored.") % {"n": changed},
            )
            return redirect("risk-matrix")
    grid = [
        {
            "probability": p,
            "label": info.probability_labels[p - 1],
            "cells": [form[f"cell_{p}_{i}"] for i in range(1, info.size + 1)],
            "levels": [info.cells[p - 1][i - 1] for i in range(1, info.size + 1)],
        }
        for p in range(info.size, 0, -1)
    ]
    return render(
        request,
        "raid/matrix.html",
        {"form": form, "matrix": info, "grid": grid, "levels": RiskLevel.choices, "nav": "risks"},
        status=422 if form.errors else 200,
    )


# --- the portfolio --------------------------------------------------------------------------------------


@login_required
@require_GET
def portfolio_risks(request: HttpRequest) -> HttpResponse:
    """Heat map, top risks, overdue reviews and the score trend across the projects the user may read."""
    today = timezone.localdate()
    program = request.GET.get("program") or None
    project = request.GET.get("project") or None
    projects = visible_projects(request.user).select_related("program").order_by("code")
    info = selectors.matrix_info()
    risks = selectors.visible_risks(request.user, program=program, project=project)
    cell: tuple[int, int] | None = None
    try:
        p, i = int(request.GET.get("probability", "")), int(request.GET.get("impact", ""))
        if 1 <= p <= info.size and 1 <= i <= info.size:
            cell = (p, i)
    except ValueError:
        pass
    in_cell = (
        list(
            selectors.filter_risks(
                risks.select_related("project", "owner"),
                selectors.RiskFilter(probability=cell[0], impact=cell[1]),
            )[:100]
        )
        if cell
        else []
    )
    points = selectors.risk_trend(request.user, today=today, program=program, project=project)
    labels = {"week": _("Week"), "count": _("Open risks"), "score": _("Total score"), "level": _("Level")}
    base = request.GET.copy()
    for name in ("probability", "impact"):
        base.pop(name, None)
    from kuroko.formats.charts import bundle_version

    return render(
        request,
        "raid/portfolio_risks.html",
        {
            "heat": selectors.heat_map(risks, info),
            "matrix": info,
            "cell": cell,
            "in_cell": in_cell,
            "top": selectors.top_risks(request.user, program=program, project=project),
            "due": selectors.risks_due_for_review(
                request.user, today=today, program=program, project=project
            ),
            "trend": points,
            "chart": selectors.trend_spec(points, labels=labels),
            "chart_version": bundle_version(),
            "programs": Program.objects.filter(pk__in=projects.values("program_id")).order_by("code"),
            "projects": projects,
            "program": program,
            "project_code": project,
            "cell_query": base.urlencode(),
            "today": today,
            "levels": RiskLevel.choices,
            "nav": "risks",
        },
    )


# --- Excel ------------------------------------------------------------------------------------------------
# The export and the import (upload → preview → confirm) are the pages every register shares.


@login_required
@require_GET
def project_risks_export(request: HttpRequest, code: str) -> HttpResponse:
    """The whole register (every status) as an Excel workbook that imports back unchanged."""
    return registers_excel.register_export(request, code, "risks")


@login_required
@require_http_methods(["GET", "POST"])
def project_risks_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a workbook → a preview of every row → confirm (see `registers_excel`)."""
    return registers_excel.register_import_page(request, code, "risks")
