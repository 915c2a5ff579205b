"""Pages of the exports part: the executive summary (reports home) with its exports, a project report's
export, the archive and the report schedules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import is_pmo
from kuroko.formats import charts as chart_formats
from kuroko.projects import selectors as project_selectors
from kuroko.reporting import weeks
from kuroko.reporting.forms_exports import (
    ArchiveFilterForm,
    PortfolioFilterForm,
    ScheduleForm,
    schedule_initial,
)
from kuroko.reporting.models import Dimension, GeneratedReport, ReportKind
from kuroko.reporting.permissions import can_create_schedules, can_manage_schedule
from kuroko.reporting.selectors import exports as selectors
from kuroko.reporting.selectors.portfolio import (
    portfolio_summary,
    program_param,
)
from kuroko.reporting.selectors.status import fact_labels
from kuroko.reporting.services import exports as services
from kuroko.reporting.weeks import previous_week, week_label


def _download(generated: GeneratedReport) -> FileResponse:
    path = services.archive_path(generated)
    if not path.is_file():
        raise Http404(_("The file of this report is no longer in the archive."))
    name = path.name.split("-", 1)[-1]
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=services.CONTENT_TYPES[generated.format],
    )


def _week_and_program(request: HttpRequest) -> tuple[Any, Any, list[str]]:
    """The week and program asked for; a bad value is reported and the default used."""
    errors = []
    week = weeks.week_param(None, today=timezone.localdate())
    program = None
    try:
        week = weeks.week_param(request.GET.get("week"), today=timezone.localdate())
    except ValidationError as exc:
        errors.extend(exc.messages)
    try:
        program = program_param(request.GET.get("program"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    return week, program, errors


@login_required
@require_GET
def reports_home(request: HttpRequest) -> HttpResponse:
    """The executive summary of a week: RAG matrix, milestones at risk, top risks, hotspots, financials."""
    from kuroko.reporting.selectors.dashboard_charts import report_charts

    week, program, errors = _week_and_program(request)
    for error in errors:
        messages.error(request, error)
    summary = portfolio_summary(request.user, week=week, program=program)
    trend = [
        {"id": f"trend-{n}", "spec_id": f"spec-trend-{n}", "title": c.title, "spec": dict(c.spec)}
        for n, c in enumerate(report_charts(request.user, week=week, program=program))
    ]
    query = urlencode(
        {k: v for k, v in (("week", week_label(week)), ("program", program.code if program else "")) if v}
    )
    form = PortfolioFilterForm(initial={"week": week_label(week), "program": program})
    context = {
        "summary": summary,
        "form": form,
        "week_label": week_label(week),
        "previous_week": week_label(previous_week(week)),
        "next_week": week_label(weeks.next_week(week)),
        "query": query,
        "trend": trend,
        "chart_version": chart_formats.bundle_version(),
        "dimensions": Dimension.choices,
        "can_schedule": can_create_schedules(request.user),
        "nav": "reports",
        **fact_labels(),
    }
    template = "reporting/portfolio_summary.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse | FileResponse:
    """The week's portfolio summary (or executive pack, `kind`) as a file, archived and downloaded."""
    week, program, errors = _week_and_program(request)
    kind = request.GET.get("kind") or ReportKind.PORTFOLIO
    try:
        if errors:
            raise ValidationError(errors)
        generated = services.portfolio_export(
            actor=request.user,
            week=week,
            fmt=fmt,
            kind=kind,
            program=program,
            language=request.GET.get("lang") or request.LANGUAGE_CODE,
            audience=request.GET.get("audience"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("reports-home"))
    return _download(generated)


@login_required
@require_GET
def project_report_export(
    request: HttpRequest, code: str, week: str, fmt: str
) -> HttpResponse | FileResponse:
    """A project's status report of a week as PDF, Excel or PowerPoint (archived, then downloaded)."""
    project = project_selectors.project_get(request.user, code)
    try:
        monday = weeks.week_from(week)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None
    try:
        generated = services.project_report_export(
            actor=request.user,
            project=project,
            week=monday,
            fmt=fmt,
            language=request.GET.get("lang") or request.LANGUAGE_CODE,
            audience=request.GET.get("audience"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("reports-home"))
    return _download(generated)


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """Every generated report file the user may download, with filters."""
    form = ArchiveFilterForm(request.GET or None)
    filters = selectors.ArchiveFilter()
    if form.is_valid():
        week = None
        if form.cleaned_data["week"]:
            try:
                week = weeks.week_param(form.cleaned_data["week"], today=timezone.localdate())
            except ValidationError as exc:
                form.add_error("week", exc.messages[0])
        filters = selectors.ArchiveFilter(
            kind=form.cleaned_data["kind"],
            format=form.cleaned_data["format"],
            project=form.cleaned_data["project"].strip().upper(),
            week=week,
        )
    page = Paginator(selectors.archive_list(request.user, filters), 50).get_page(request.GET.get("page"))
    query = urlencode({k: str(v) for k, v in request.GET.items() if k != "page" and v})
    template = "reporting/archive.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"form": form, "page": page, "query": query, "nav": "reports"})


@login_required
@require_GET
def archive_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(selectors.archive_get(request.user, pk))


@login_required
@require_GET
def schedules(request: HttpRequest) -> HttpResponse:
    """The report schedules the user owns or receives (the PMO: all)."""
    rows = [(s, can_manage_schedule(request.user, s)) for s in selectors.schedules_visible(request.user)]
    return render(
        request,
        "reporting/schedules.html",
        {
            "rows": rows,
            "can_create": can_create_schedules(request.user),
            "is_pmo": is_pmo(request.user),
            "nav": "reports",
        },
    )


def _form_data(form: ScheduleForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["subscribers"] = list(data.get("subscribers") or [])
    return data


@login_required
@require_http_methods(["GET", "POST"])
def schedule_create(request: HttpRequest) -> HttpResponse:
    if not can_create_schedules(request.user):
        raise PermissionDenied(_("You may not schedule reports."))
    initial: dict[str, Any] = {"subscribers": [request.user.pk]}
    if code := request.GET.get("project"):
        initial.update(kind=ReportKind.PROJECT, project=code)
    form = ScheduleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(actor=request.user, data=_form_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Schedule %(name)s saved.") % {"name": schedule.name})
            return redirect("report-schedules")
    return render(request, "reporting/schedule_form.html", {"form": form, "schedule": None, "nav": "reports"})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.schedule_get(request.user, pk)
    if not can_manage_schedule(request.user, schedule):
        raise PermissionDenied(_("Only the PMO and the schedule's owner change it."))
    form = ScheduleForm(request.POST or None, user=request.user, initial=schedule_initial(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_update(actor=request.user, schedule=schedule, data=_form_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Schedule %(name)s saved.") % {"name": schedule.name})
            return redirect("report-schedules")
    files = schedule.runs.order_by("-created_at")[:20]
    return render(
        request,
        "reporting/schedule_form.html",
        {"form": form, "schedule": schedule, "files": files, "nav": "reports"},
    )


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.schedule_get(request.user, pk)
    services.schedule_delete(actor=request.user, schedule=schedule)
    messages.success(request, _("Schedule %(name)s deleted.") % {"name": schedule.name})
    return redirect("report-schedules")


@login_required
@require_POST
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Run now: queue the schedule's generation and mailing (the worker runs it)."""
    schedule = selectors.schedule_get(request.user, pk)
    services.schedule_run_now(actor=request.user, schedule=schedule)
    messages.success(
        request,
        _("Schedule %(name)s is running; its files will appear in the archive.") % {"name": schedule.name},
    )
    return redirect("report-schedules")
