"""Writes of budgets and expenses: who edits the project (its PM or the PMO) keeps its budget and costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.projects import permissions as perms
from kuroko.projects.models import Project, Task
from kuroko.tracking.models import BudgetLine, CostCategory, Expense


def _amount(value: Any, field: str, *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount, e.g. 1200000.")}) from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        message = _("Enter an amount above zero.") if positive else _("Enter an amount of zero or more.")
        raise ValidationError({field: message})
    return amount.quantize(Decimal("0.01"))


def _task(project: Project, task: Task | None) -> Task | None:
    if task is not None and task.project_id != project.pk:
        raise ValidationError(
            {"task": _("Task %(task)s is not in project %(code)s.") % {"task": task, "code": project.code}}
        )
    return task


def _category(value: Any) -> str:
    if value not in CostCategory.values:
        raise ValidationError(
            {"category": _("Choose a category: %(choices)s.") % {"choices": ", ".join(CostCategory.values)}}
        )
    return str(value)


@transaction.atomic
def budget_set(
    *,
    actor: Any,
    project: Project,
    category: str,
    month: date,
    amount: Any,
    task: Task | None = None,
    note: str = "",
) -> BudgetLine | None:
    """Set the budget of a category in a month (for the project or one WBS node); zero removes the line.
    Every change is kept in the line's history (the budget change log)."""
    require(perms.can_edit_project(actor, project))
    value = _amount(amount, "amount")
    first = month.replace(day=1)
    row = BudgetLine.objects.filter(
        project=project, task=_task(project, task), category=_category(category), month=first
    ).first()
    if value == 0:
        if row is not None:
            row.delete()
        return None
    row = row or BudgetLine(project=project, task=task, category=category, month=first)
    row.amount, row.note = value, note[:200]
    row.full_clean(validate_unique=False, validate_constraints=False)  # digits: 12 before the point
    row.save()
    return row


@transaction.atomic
def expense_add(*, actor: Any, project: Project, data: dict[str, Any], task: Task | None = None) -> Expense:
    """Record a non-labour cost spent on a day."""
    require(perms.can_edit_project(actor, project))
    description = str(data.get("description") or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what the expense is for.")})
    if not isinstance(data.get("date"), date):
        raise ValidationError({"date": _("Enter the date of the expense.")})
    row = Expense(
        project=project,
        task=_task(project, task),
        date=data["date"],
        category=_category(data.get("category")),
        amount=_amount(data.get("amount"), "amount", positive=True),
        description=description[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def expense_remove(*, actor: Any, expense: Expense) -> None:
    require(perms.can_edit_project(actor, expense.project))
    expense.delete()
