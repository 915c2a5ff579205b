"""Quality management pages: a project's quality (records, indicators, defect matrices, convergence chart,
lessons), its defect register (filters, add, inline edit, Excel), one defect, the indicator bands, and the
lessons-learned register."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.formats import charts
from kuroko.formats.growth_chart import growth_chart
from kuroko.formats.tabular import to_xlsx
from kuroko.governance import permissions as perms
from kuroko.governance.forms_quality import (
    DefectFilterForm,
    DefectForm,
    LessonFilterForm,
    LessonForm,
    RecordForm,
)
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import Defect, QualityRecord
from kuroko.governance.selectors import quality as selectors
from kuroko.governance.services import quality as services
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import ProjectType
from kuroko.projects.permissions import visible_projects

DEFECT_PAGE = 200  # rows shown on the register page (the export has them all)


# --- Project quality -----------------------------------------------------------------------------


def _convergence_chart(c: selectors.Convergence) -> dict[str, Any] | None:
    if not c.points:
        return None
    curve: list[tuple[date, float]] = []
    total = None
    if c.fit is not None and c.start is not None:
        total = c.fit.a
        last_t = c.points[-1].t
        try:
            horizon = min(max(c.fit.t_at(0.99), last_t), last_t * 2)
        except (ValueError, OverflowError):
            horizon = last_t
        steps = max(int(horizon), 1)
        stride = max(1, steps // 120)
        curve = [(c.day_of(t), c.fit.value(t)) for t in range(1, steps + 1, stride)]
    labels = {
        "found": _("Found (cumulative)"),
        "fixed": _("Fixed (cumulative)"),
        "fitted": _("Growth curve"),
        "total": _("Estimated total"),
        "date": _("Date"),
        "count": _("Defects"),
    }
    return growth_chart(
        [(p.end, p.found, p.fixed) for p in c.points], curve=curve, total=total, labels=labels
    )


def _indicator_table(results: list[selectors.IndicatorResult]) -> dict[str, Any]:
    """Indicators as rows and scopes (the whole project, then each phase with data) as columns; a phase
    column shows only the indicators it has a value for."""
    scopes: list[Any] = []
    for r in results:
        if r.phase not in scopes:
            scopes.append(r.phase)
    rows: dict[str, dict[str, Any]] = {}
    for r in results:
        row = rows.setdefault(
            r.metric,
            {
                "label": r.label,
                "unit": METRICS[r.metric].unit,
                "lower": r.lower,
                "upper": r.upper,
                "cells": {},
            },
        )
        row["cells"][scopes.index(r.phase)] = r
    table = []
    for row in rows.values():
        cells = [row["cells"].get(i) for i in range(len(scopes))]
        # Phases without a value for this indicator show an empty cell, not a grey "no data".
        cells = [
            c if i == 0 or (c is not None and c.value is not None) else None for i, c in enumerate(cells)
        ]
        table.append({**row, "cells": cells})
    return {"scopes": scopes, "rows": table}


def _quality_context(request: HttpRequest, project: Any) -> dict[str, Any]:
    today = timezone.localdate()
    by = request.GET.get("by", "day")
    if by not in ("day", "week"):
        by = "day"
    convergence = selectors.defect_convergence(project, as_of=today, by=by)
    by_severity, by_phase = selectors.defect_matrices(project)
    results = selectors.quality_indicator_results(project, as_of=today)
    lessons = selectors.lessons(request.user, selectors.LessonFilter(project=project.pk))[:20]
    return {
        "project": project,
        "nav": "portfolio",
        "rows": selectors.record_rows(project),
        "record_fields": [QualityRecord._meta.get_field(n) for n in selectors.RECORD_FIELDS],
        "can_manage": perms.can_manage_governance(request.user, project),
        "can_contribute": perms.can_contribute(request.user, project),
        "can_record_lesson": perms.can_record_lesson(request.user),
        "indicators": _indicator_table(results),
        "by_severity": by_severity,
        "by_phase": by_phase,
        "convergence": convergence,
        "by": by,
        "model_name": {"gompertz": _("Gompertz"), "logistic": _("logistic")}.get(
            convergence.fit.model if convergence.fit else "", ""
        ),
        "chart": _convergence_chart(convergence),
        "chart_version": charts.bundle_version(),
        "lessons": lessons,
    }


@login_required
@require_GET
def project_quality(request: HttpRequest, code: str) -> HttpResponse:
    """The project's quality: records per phase, indicators, defect matrices, convergence, lessons."""
    project = project_selectors.project_get(request.user, code)
    return render(request, "governance/quality_project.html", _quality_context(request, project))


@login_required
@require_http_methods(["GET", "POST"])
def project_quality_record(request: HttpRequest, code: str, phase: int) -> HttpResponse:
    """One row of the records table: GET the inline form, POST saves it (phase 0: the whole project)."""
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_governance(request.user, project))
    try:
        the_phase = selectors.phase_get(project, phase or None)
    except ValidationError as exc:
        from django.http import Http404

        raise Http404(" ".join(exc.messages)) from exc
    record = QualityRecord.objects.filter(project=project, phase=the_phase).first()
    context: dict[str, Any] = {
        "project": project,
        "row": selectors.RecordRow(the_phase, record),
        "record_fields": [QualityRecord._meta.get_field(n) for n in selectors.RECORD_FIELDS],
        "can_manage": True,
    }
    if request.method == "GET" and request.GET.get("cancel"):
        return render(request, "governance/quality_project.html#record_row", context)
    form = RecordForm(request.POST if request.method == "POST" else None, instance=record)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in selectors.RECORD_FIELDS}
        try:
            saved = services.quality_record_save(
                user=request.user, project=project, phase=the_phase, values=values
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not request.htmx:
                return redirect("project-quality", project.code)
            context["row"] = selectors.RecordRow(the_phase, saved)
            context["flash"] = True
            return render(request, "governance/quality_project.html#record_row", context)
    context["form"] = form
    if not request.htmx and request.method == "POST":
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("project-quality", project.code)
    return render(request, "governance/quality_project.html#record_edit", context)


# --- Defect register -----------------------------------------------------------------------------


def _defects_context(request: HttpRequest, project: Any, add_form: Any = None) -> dict[str, Any]:
    form = DefectFilterForm(request.GET or None, project=project)
    rows = list(selectors.project_defects(request.user, project, form.to_filter())[: DEFECT_PAGE + 1])
    can_manage = perms.can_manage_governance(request.user, project)
    me = getattr(request.user, "pk", None)
    contribute = perms.can_contribute(request.user, project)
    return {
        "project": project,
        "nav": "portfolio",
        "form": form,
        "defects": rows[:DEFECT_PAGE],
        "more": len(rows) > DEFECT_PAGE,
        "editable": {d.pk for d in rows if can_manage or (contribute and d.created_by_id == me)},
        "can_contribute": contribute,
        "add_form": add_form or (DefectForm(project=project) if contribute else None),
        "query": request.GET.urlencode(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_defects(request: HttpRequest, code: str) -> HttpResponse:
    """The defect register: GET lists (htmx: the results only), POST records a defect."""
    project = project_selectors.project_get(request.user, code)
    if request.method == "POST":
        require(perms.can_contribute(request.user, project))
        add_form = DefectForm(request.POST, project=project)
        if add_form.is_valid():
            try:
                defect = services.defect_create(
                    user=request.user, project=project, values=add_form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(add_form, exc)
            else:
                messages.success(request, _("Defect recorded: %(title)s") % {"title": defect.title})
                return redirect("project-defects", project.code)
        return render(
            request, "governance/quality_defects.html", _defects_context(request, project, add_form)
        )
    context = _defects_context(request, project)
    if request.htmx and request.htmx.target == "results":
        return render(request, "governance/quality_defects.html#results", context)
    return render(request, "governance/quality_defects.html", context)


@login_required
@require_GET
def project_defects_export(request: HttpRequest, code: str) -> HttpResponse:
    """The defect register (filtered) as an Excel workbook; text starting with = + - @ stays text."""
    project = project_selectors.project_get(request.user, code)
    form = DefectFilterForm(request.GET or None, project=project)
    header = [
        _("Key"),
        _("Title"),
        _("Severity"),
        _("Status"),
        _("Phase found"),
        _("Phase injected"),
        _("Task"),
        _("Found on"),
        _("Fixed on"),
    ]
    rows = [
        [
            d.key,
            d.title,
            d.get_severity_display(),
            d.get_status_display(),
            d.phase_found.name if d.phase_found else "",
            d.phase_injected.name if d.phase_injected else "",
            d.task.name if d.task else "",
            d.found_on,
            d.fixed_on,
        ]
        for d in selectors.project_defects(request.user, project, form.to_filter())
    ]
    content = to_xlsx(str(_("Defects")), header, rows, widths=[12, 50, 14, 10, 16, 16, 24, 12, 12])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{project.code}-defects.xlsx"'
    return response


def _defect_row_context(request: HttpRequest, defect: Defect, **extra: Any) -> dict[str, Any]:
    return {
        "defect": defect,
        "project": defect.project,
        "editable": {defect.pk} if perms.can_edit_defect(request.user, defect) else set(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def defect_row(request: HttpRequest, pk: int) -> HttpResponse:
    """A register row: GET shows it (or its inline form with ?edit=1), POST saves the inline form."""
    defect = selectors.defect_get(request.user, pk)
    if request.method == "GET" and not request.GET.get("edit"):
        return render(request, "governance/quality_defects.html#row", _defect_row_context(request, defect))
    require(perms.can_edit_defect(request.user, defect))
    form = DefectForm(
        request.POST if request.method == "POST" else None, instance=defect, project=defect.project
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        defect = Defect.objects.get(pk=pk)  # the form changed the instance: the service reads it afresh
        try:
            saved = services.defect_update(user=request.user, defect=defect, values=values)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            saved = selectors.defect_get(request.user, saved.pk)
            return render(
                request,
                "governance/quality_defects.html#row",
                _defect_row_context(request, saved, flash=True),
            )
    return render(
        request,
        "governance/quality_defects.html#row_edit",
        _defect_row_context(request, defect, row_form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def defect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One defect: its fields; editors change or delete it."""
    defect = selectors.defect_get(request.user, pk)
    can_edit = perms.can_edit_defect(request.user, defect)
    form = DefectForm(instance=defect, project=defect.project) if can_edit else None
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            project_code = defect.project.code
            services.defect_delete(user=request.user, defect=defect)
            messages.success(request, _("Defect deleted."))
            return redirect("project-defects", project_code)
        require(can_edit)
        form = DefectForm(request.POST, instance=Defect.objects.get(pk=pk), project=defect.project)
        if form.is_valid():
            try:
                services.defect_update(user=request.user, defect=defect, values=dict(form.cleaned_data))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Defect saved."))
                return redirect("defect-detail", pk)
    context = {
        "defect": defect,
        "project": defect.project,
        "form": form,
        "can_delete": perms.can_manage_governance(request.user, defect.project),
        "nav": "portfolio",
    }
    return render(request, "governance/quality_defect.html", context)


# --- Indicator bands -------------------------------------------------------------------------------


def _decimal(value: str) -> Decimal | None:
    value = value.strip().replace(",", "")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def _plain(value: Decimal | None) -> str:
    """A bound as typed: 2 rather than 2.0000."""
    return "" if value is None else format(value.normalize(), "f")


@login_required
@require_http_methods(["GET", "POST"])
def quality_indicators(request: HttpRequest) -> HttpResponse:
    """Indicator bands for all projects and per project type; the PMO edits, others read."""
    can_edit = perms.can_configure_standards(request.user)
    types = list(ProjectType.objects.order_by("code"))
    code = request.POST.get("type") if request.method == "POST" else request.GET.get("type")
    project_type = next((t for t in types if t.code == code), None)
    errors: dict[str, str] = {}
    values: dict[str, tuple[str, str]] = {}
    if request.method == "POST":
        require(can_edit)
        bands: dict[str, tuple[Decimal | None, Decimal | None]] = {}
        for key, metric in METRICS.items():
            if not metric.quality:
                continue
            raw = (request.POST.get(f"{key}-lower", ""), request.POST.get(f"{key}-upper", ""))
            values[key] = raw
            try:
                bands[key] = (_decimal(raw[0]), _decimal(raw[1]))
            except ValueError:
                errors[key] = _("Enter a number.")
        if not errors:
            try:
                services.indicator_bands_set(user=request.user, project_type=project_type, bands=bands)
            except ValidationError as exc:
                errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            else:
                messages.success(request, _("Quality indicator bands saved."))
                url = reverse("quality-indicators")
                return redirect(f"{url}?type={project_type.code}" if project_type else url)
    own = selectors.indicator_rows(project_type)
    defaults = selectors.indicator_rows(None) if project_type else {}
    rows = []
    for key, metric in METRICS.items():
        if not metric.quality:
            continue
        row = own.get(key)
        band = defaults.get(key)
        lower, upper = values.get(key, (_plain(row.lower) if row else "", _plain(row.upper) if row else ""))
        rows.append(
            {
                "key": key,
                "label": metric.label,
                "unit": metric.unit,
                "lower": "" if lower is None else lower,
                "upper": "" if upper is None else upper,
                "inherited": band,
                "error": errors.get(key, ""),
            }
        )
    context = {
        "nav": "governance",
        "types": types,
        "project_type": project_type,
        "rows": rows,
        "can_edit": can_edit,
        "has_errors": bool(errors),
    }
    return render(request, "governance/quality_indicators.html", context, status=422 if errors else 200)


# --- Lessons ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lessons(request: HttpRequest) -> HttpResponse:
    """The lessons-learned register: search, filters, and recording a lesson."""
    require(perms.can_read_lessons(request.user))
    projects = visible_projects(request.user).order_by("code")
    can_record = perms.can_record_lesson(request.user)
    add_form = None
    if request.method == "POST":
        require(can_record)
        add_form = LessonForm(request.POST, projects=projects)
        if add_form.is_valid():
            try:
                lesson = services.lesson_create(user=request.user, values=add_form.cleaned_data)
            except ValidationError as exc:
                add_errors(add_form, exc)
            else:
                messages.success(request, _("Lesson recorded."))
                return redirect("lesson-detail", lesson.pk)
    elif can_record:
        initial: dict[str, Any] = {}
        project_code = request.GET.get("record_for")
        if project_code:
            initial["project"] = projects.filter(code=project_code).first()
        add_form = LessonForm(projects=projects, initial=initial)
    form = LessonFilterForm(request.GET or None, projects=projects)
    rows = list(selectors.lessons(request.user, form.to_filter()).prefetch_related("templates")[:200])
    context = {
        "nav": "governance",
        "form": form,
        "lessons": rows,
        "add_form": add_form,
        "open_add": request.method == "POST" or bool(request.GET.get("record_for")),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "governance/quality_lessons.html#results", context)
    return render(
        request, "governance/quality_lessons.html", context, status=422 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One lesson; its author and the PMO edit or delete it."""
    lesson = selectors.lesson_get(request.user, pk)
    can_edit = perms.can_edit_lesson(request.user, lesson)
    projects = visible_projects(request.user).order_by("code")
    form = LessonForm(instance=lesson, projects=projects) if can_edit else None
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.lesson_delete(user=request.user, lesson=lesson)
            messages.success(request, _("Lesson deleted."))
            return redirect("lessons")
        require(can_edit)
        form = LessonForm(request.POST, instance=selectors.lesson_get(request.user, pk), projects=projects)
        if form.is_valid():
            try:
                services.lesson_update(user=request.user, lesson=lesson, values=form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Lesson saved."))
                return redirect("lesson-detail", pk)
    context = {"nav": "governance", "lesson": lesson, "form": form, "can_edit": can_edit}
    return render(request, "governance/quality_lesson.html", context)
