"""Schedule risk pages: the project's runs and the run form, three-point estimates, correlation groups, a
run's progress and results, the comparison of two runs, and the risk-adjusted finish fragments of the
project page and the portfolio."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.formats import charts
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import Project
from kuroko.raid import forms_simulation as forms
from kuroko.raid.models import DistributionChoice, RunStatus, SimulationRun
from kuroko.raid.permissions import can_simulate
from kuroko.raid.selectors import simulation as selectors
from kuroko.raid.services import simulation as services

FACTOR_DEFAULTS = ("0.9", "1.0", "1.3")


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    """Messages by field; errors of no field under "non_field" (templates cannot read "__all__")."""
    if not hasattr(exc, "error_dict"):
        return {"non_field": exc.messages}
    return {("non_field" if k == "__all__" else k): v for k, v in exc.message_dict.items()}


# --- the project's runs ---------------------------------------------------------------------------


def _simulation_page(
    request: HttpRequest,
    project: Project,
    *,
    form: dict[str, Any] | None = None,
    errors: Any = None,
    status: int = 200,
) -> HttpResponse:
    initial = selectors.default_options(project)
    values = form or {
        "name": "",
        "iterations": initial["iterations"],
        "seed": initial["seed"],
        "sampling": initial["sampling"],
        "use_range": True,
        "range_min": FACTOR_DEFAULTS[0],
        "range_most_likely": FACTOR_DEFAULTS[1],
        "range_max": FACTOR_DEFAULTS[2],
        "distribution": initial["distribution"],
        "deadline": initial["deadline"].isoformat() if initial["deadline"] else "",
        "include_risks": True,
        "converge": False,
        "convergence_minutes": 60,
    }
    return render(
        request,
        "raid/simulation_project.html",
        {
            "project": project,
            "tab": "simulation",
            "runs": list(selectors.runs(request.user, project)[:200]),
            "overview": selectors.overview(request.user, project),
            "form": values,
            "errors": errors or {},
            "distributions": DistributionChoice.choices,
        },
        status=status,
    )


@login_required
def project_simulation(request: HttpRequest, code: str) -> HttpResponse:
    """The project's runs, what a run would use, and the form to run one."""
    project = project_selectors.project_get(request.user, code)
    return _simulation_page(request, project)


@login_required
@require_POST
def simulation_run(request: HttpRequest, code: str) -> HttpResponse:
    """Start a run; its page shows the progress, then the results."""
    project = project_selectors.project_get(request.user, code)
    try:
        run = services.simulation_start(
            user=request.user, project=project, options=forms.run_options_from_post(request.POST)
        )
    except ValidationError as exc:
        form: dict[str, Any] = {key: request.POST.get(key, "") for key in request.POST}
        for box in ("use_range", "include_risks", "converge"):
            form[box] = request.POST.get(box) == "on"
        return _simulation_page(request, project, form=form, errors=_errors(exc), status=422)
    return redirect("simulation-detail", pk=run.pk)


# --- estimates ------------------------------------------------------------------------------------


def _estimates_context(request: HttpRequest, project: Project, page: Any) -> dict[str, Any]:
    current, lines = selectors.estimate_page(request.user, project, page=page)
    return {
        "project": project,
        "tab": "simulation",
        "page": current,
        "lines": lines,
        "can_edit": can_simulate(request.user, project),
        "distributions": DistributionChoice.choices,
        "factors": FACTOR_DEFAULTS,
        "overview": selectors.overview(request.user, project),
    }


def _attach(lines: list[selectors.EstimateLine], errors: dict[str, list[str]], post: Any) -> None:
    """Show each row's errors next to it, with the text the person typed."""
    for line in lines:
        pk = line.task.pk
        if f"ml-{pk}" in post:
            line.minimum = post.get(f"opt-{pk}", "")
            line.most_likely = post.get(f"ml-{pk}", "")
            line.maximum = post.get(f"pes-{pk}", "")
            line.distribution = post.get(f"dist-{pk}", line.distribution)
        prefix = f"tasks.{pk}."
        line.errors = {key[len(prefix) :]: value for key, value in errors.items() if key.startswith(prefix)}


@login_required
def simulation_estimates(request: HttpRequest, code: str) -> HttpResponse:
    """The estimates table (a page of leaf tasks in WBS order); POST saves the page in one transaction."""
    project = project_selectors.project_get(request.user, code)
    page = request.GET.get("page") or request.POST.get("page") or 1
    if request.method == "POST":
        from kuroko.projects.selectors import duration_units

        tasks = {t.pk: t for t in selectors.estimable_tasks(request.user, project)}
        try:
            rows = forms.estimate_rows_from_post(request.POST, tasks, duration_units())
            count = services.estimates_save(user=request.user, project=project, rows=rows)
        except ValidationError as exc:
            context = _estimates_context(request, project, page)
            errors = _errors(exc)
            _attach(context["lines"], errors, request.POST)
            context["error_count"] = sum(len(v) for v in errors.values())
            context["page_errors"] = [m for k, v in errors.items() if not k.startswith("tasks.") for m in v]
            return render(request, "raid/simulation_estimates.html", context, status=422)
        messages.success(request, _("Estimates saved (%(count)d changed).") % {"count": count})
        return redirect(reverse("simulation-estimates", args=[project.code]) + f"?page={page}")
    return render(request, "raid/simulation_estimates.html", _estimates_context(request, project, page))


@login_required
@require_POST
def simulation_estimate_row(request: HttpRequest, code: str, task_id: int) -> HttpResponse:
    """Save one row of the estimates table (htmx): the row again, or with its errors (422)."""
    from kuroko.projects.selectors import duration_units

    project = project_selectors.project_get(request.user, code)
    tasks = {t.pk: t for t in selectors.estimable_tasks(request.user, project).filter(pk=task_id)}
    if not tasks:
        from django.http import Http404

        raise Http404(
            _("Task %(id)s is not a leaf task of project %(code)s.") % {"id": task_id, "code": code}
        )
    task = tasks[task_id]
    units = duration_units()
    status = 200
    try:
        row = forms.estimate_row(
            task,
            {name: request.POST.get(f"{prefix}-{task_id}", "") for name, prefix in forms.PREFIXES.items()},
            units,
            request.POST.get(f"dist-{task_id}"),
        )
        services.estimates_save(user=request.user, project=project, rows=[row])
        from kuroko.raid.models import TaskEstimate

        line = selectors.estimate_line(task, TaskEstimate.objects.filter(task=task).first(), units)
        line_saved = True
    except ValidationError as exc:
        line = selectors.estimate_line(task, None, units)
        _attach([line], _errors(exc), request.POST)
        status, line_saved = 422, False
    return render(
        request,
        "raid/simulation_estimates.html#row",
        {
            "line": line,
            "project": project,
            "can_edit": True,
            "distributions": DistributionChoice.choices,
            "saved": line_saved,
        },
        status=status,
    )


@login_required
@require_POST
def simulation_estimates_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """Apply a range of factors to the chosen tasks, or clear their estimates."""
    project = project_selectors.project_get(request.user, code)
    page = request.POST.get("page") or 1
    action = request.POST.get("action", "range")
    scope = request.POST.get("scope", "selected")
    try:
        tasks = None if scope in ("all", "missing") else forms.selected_tasks(request.POST)
        if tasks is not None and not tasks:
            raise ValidationError({"select": _("Tick the tasks first (or choose all tasks).")})
        if action == "clear":
            count = services.estimates_clear(user=request.user, project=project, tasks=tasks)
            messages.success(request, _("Estimates cleared: %(count)d tasks.") % {"count": count})
        else:
            count = services.estimates_apply_range(
                user=request.user,
                project=project,
                tasks=tasks,
                factors=forms.factors_from_post(request.POST),
                distribution=request.POST.get("range_distribution", "pert"),
                only_missing=scope == "missing",
            )
            messages.success(request, _("Range applied to %(count)d tasks.") % {"count": count})
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect(reverse("simulation-estimates", args=[project.code]) + f"?page={page}")


# --- correlation groups ---------------------------------------------------------------------------


@login_required
def simulation_correlations(request: HttpRequest, code: str) -> HttpResponse:
    """Correlation groups of the project; POST adds one."""
    project = project_selectors.project_get(request.user, code)
    errors: dict[str, list[str]] = {}
    form: dict[str, Any] = {"name": "", "coefficient": "0.5", "tasks": []}
    status = 200
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", ""),
            "coefficient": request.POST.get("coefficient", ""),
            "tasks": request.POST.getlist("tasks"),
        }
        try:
            services.correlation_group_create(user=request.user, project=project, data=form)
        except ValidationError as exc:
            errors, status = _errors(exc), 422
        else:
            messages.success(
                request, _("Correlation group “%(name)s” added.") % {"name": form["name"].strip()}
            )
            return redirect("simulation-correlations", code=project.code)
    return render(
        request,
        "raid/simulation_correlations.html",
        {
            "project": project,
            "tab": "simulation",
            "groups": selectors.correlation_groups(request.user, project),
            "tasks": list(selectors.estimable_tasks(request.user, project)),
            "can_edit": can_simulate(request.user, project),
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def simulation_correlation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.correlation_group_get(request.user, pk)
    try:
        services.correlation_group_update(
            user=request.user,
            group=group,
            data={
                "name": request.POST.get("name"),
                "coefficient": request.POST.get("coefficient"),
                "tasks": request.POST.getlist("tasks") if "tasks" in request.POST else None,
            },
        )
        messages.success(request, _("Correlation group saved."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("simulation-correlations", code=group.project.code)


@login_required
@require_POST
def simulation_correlation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.correlation_group_get(request.user, pk)
    services.correlation_group_delete(user=request.user, group=group)
    messages.success(request, _("Correlation group “%(name)s” deleted.") % {"name": group.name})
    return redirect("simulation-correlations", code=group.project.code)


# --- a run ----------------------------------------------------------------------------------------


def _chart_labels() -> dict[str, str]:
    return {
        "date": _("Finish date"),
        "count": _("Iterations"),
        "probability": _("Probability of finishing by then"),
        "cost": _("Cost"),
        "cost_probability": _("Probability of costing at most this"),
        "task": _("Task"),
        "sensitivity": _("Correlation with the finish (Spearman)"),
        "criticality": _("Share of iterations on the critical path"),
    }


def _charts(result: selectors.Results) -> dict[str, Any]:
    labels = _chart_labels()
    out: dict[str, Any] = {}
    finish = result.finish
    if finish is not None:
        markers = []
        for p, colour in ((50, "#16a34a"), (80, "#d97706")):
            day = finish.p(p)
            if day is not None:
                markers.append((day, f"P{p}", colour))
        if finish.deterministic is not None:
            markers.append((finish.deterministic, str(_("CPM")), "#6b7280"))
        if finish.deadline is not None:
            markers.append((finish.deadline, str(_("Deadline")), "#dc2626"))
        out["finish"] = charts.risk_histogram(
            finish.histogram,
            finish.cumulative,
            labels={"x": labels["date"], "count": labels["count"], "probability": labels["probability"]},
            markers=markers,
        )
    if result.cost is not None and result.cost.histogram:
        cost_markers = [
            (value, f"P{p}", colour)
            for p, colour in ((50, "#16a34a"), (80, "#d97706"))
            if (value := result.cost.percentiles.get(p)) is not None
        ]
        out["cost"] = charts.risk_histogram(
            result.cost.histogram,
            result.cost.cumulative,
            labels={"x": labels["cost"], "count": labels["count"], "probability": labels["cost_probability"]},
            markers=cost_markers,
            money=True,
            height=220,
        )
    if result.sensitivity:
        out["tornado"] = charts.tornado(
            [(f"{t.wbs} {t.name}".strip(), t.value) for t in result.sensitivity],
            labels={"task": labels["task"], "value": labels["sensitivity"]},
        )
    top = [t for t in result.criticality[: selectors.TOP_CRITICAL] if t.value > 0]
    if top:
        out["criticality"] = charts.criticality_bars(
            [(f"{t.wbs} {t.name}".strip(), t.value) for t in top],
            labels={"task": labels["task"], "value": labels["criticality"]},
        )
    return out


@login_required
def simulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its progress while it computes (polled every second), then its results."""
    if request.htmx and request.GET.get("poll"):
        run = selectors.run_status(request.user, pk)
        if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # done: show the whole page with the results
            return response
        return render(request, "raid/simulation_detail.html#progress", {"run": run})
    run = selectors.run_get(request.user, pk)
    if request.htmx and request.GET.get("all"):
        result = selectors.results(run, all_tasks=True)
        return render(request, "raid/simulation_detail.html#criticality", {"result": result, "all": True})
    result = selectors.results(run)
    done = run.status == RunStatus.DONE
    others = (
        SimulationRun.objects.filter(project=run.project, status=RunStatus.DONE)
        .exclude(pk=run.pk)
        .defer("inputs", "results")
        .order_by("-number")[:50]
        if done
        else []
    )
    return render(
        request,
        "raid/simulation_detail.html",
        {
            "run": run,
            "project": run.project,
            "tab": "simulation",
            "result": result,
            "charts": _charts(result) if done else {},
            "chart_version": charts.bundle_version(),
            "can_edit": can_simulate(request.user, run.project),
            "others": others,
        },
    )


@login_required
@require_POST
def simulation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_status(request.user, pk)
    services.simulation_delete(user=request.user, run=run)
    messages.success(request, _("Run #%(number)d deleted.") % {"number": run.number})
    return redirect("project-simulation", code=run.project.code)


@login_required
@require_GET
def simulation_compare(request: HttpRequest) -> HttpResponse:
    """Two runs side by side (?a=…&b=…)."""
    try:
        comparison = selectors.compare(request.user, request.GET.get("a"), request.GET.get("b"))
    except ValidationError as exc:
        return render(request, "raid/simulation_compare.html", {"problems": exc.messages}, status=422)
    labels = _chart_labels()
    series = {}
    for run, result in ((comparison.a, comparison.ra), (comparison.b, comparison.rb)):
        if result.finish is not None:
            series[f"#{run.number} {run.name}".strip()] = result.finish.cumulative
    chart = charts.cumulative_overlay(
        series, labels={"x": labels["date"], "probability": labels["probability"]}
    )
    return render(
        request,
        "raid/simulation_compare.html",
        {
            "c": comparison,
            "project": comparison.a.project,
            "tab": "simulation",
            "chart": chart,
            "chart_version": charts.bundle_version(),
        },
    )


# --- risk-adjusted dates on the project page and the portfolio ------------------------------------


@login_required
@require_GET
def project_forecast_card(request: HttpRequest, code: str) -> HttpResponse:
    """The project page's card: the latest done run's P50 and P80 finish (loaded by htmx)."""
    project = project_selectors.project_get(request.user, code)
    return render(
        request,
        "raid/simulation_cards.html#project_card",
        {"project": project, "run": selectors.latest_forecast(request.user, project)},
    )


@login_required
@require_GET
def portfolio_forecasts(request: HttpRequest) -> HttpResponse:
    """The portfolio table's P80 cells (?code=A&code=B…): the values and where they go, one query for all
    (raid/simulation.js puts them in the cells)."""
    codes = [c for c in request.GET.getlist("code") if c][:500]
    found = selectors.portfolio_forecasts(request.user, codes)
    return render(
        request,
        "raid/simulation_cards.html#portfolio_cells",
        {"forecasts": [found[c] for c in codes if c in found]},
    )
