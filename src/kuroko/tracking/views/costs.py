"""The project's cost page: budget by category and month, planned labour cost, expenses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.projects import permissions as perms
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import Project, Task
from kuroko.tracking import selectors, services
from kuroko.tracking.forms import BudgetForm, ExpenseForm
from kuroko.tracking.models import Expense


def _task(project: Project, value: Any) -> Task | None:
    if not value:
        return None
    task = Task.objects.filter(pk=value, project=project).first()
    if task is None:
        raise ValidationError(
            {"task": _("Task %(id)s is not in project %(code)s.") % {"id": value, "code": project.code}}
        )
    return task


def _errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        for error in errors:
            messages.error(request, f"{label}: {error}")


@login_required
def project_costs(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    budget = selectors.project_budget(project)
    labour, missing = selectors.planned_labour(project)
    expenses = selectors.actual_expenses(project)
    months = sorted(set(budget.months) | set(labour.months) | set(expenses.months))
    for table in (budget, labour, expenses):
        table.months = months
    return render(
        request,
        "tracking/project_costs.html",
        {
            "project": project,
            "budget": budget,
            "labour": labour,
            "labour_budget": [budget.rows.get("labour", {}).get(m) for m in months],
            "missing_rates": missing,
            "spent": expenses,
            "expense_rows": selectors.project_expenses(project),
            "lines": selectors.budget_lines(project),
            "months": months,
            "tasks": Task.objects.filter(project=project).order_by("row"),
            "can_edit": perms.can_edit_project(request.user, project),
            "budget_form": BudgetForm(),
            "expense_form": ExpenseForm(),
        },
    )


@login_required
@require_POST
def budget_set(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    form = BudgetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.budget_set(
                actor=request.user,
                project=project,
                category=data["category"],
                month=data["month"],
                amount=data["amount"],
                task=_task(project, data.get("task")),
                note=data.get("note") or "",
            )
            messages.success(request, _("Budget saved."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    else:
        _errors(request, form)
    return redirect(reverse("project-costs", args=[project.code]))


@login_required
@require_POST
def expense_add(request: HttpRequest, code: str) -> HttpResponse:
    project = project_selectors.project_get(request.user, code)
    form = ExpenseForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            task = _task(project, data.pop("task", None))
            services.expense_add(actor=request.user, project=project, data=data, task=task)
            messages.success(request, _("Expense recorded."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    else:
        _errors(request, form)
    return redirect(reverse("project-costs", args=[project.code]) + "#expenses")


@login_required
@require_POST
def expense_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(Expense.objects.select_related("project"), pk=pk)
    project_selectors.project_get(request.user, expense.project.code)  # may the user see it at all
    services.expense_remove(actor=request.user, expense=expense)
    messages.success(request, _("Expense removed."))
    return redirect(reverse("project-costs", args=[expense.project.code]) + "#expenses")
