"""REST endpoints for project budgets and expenses."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import Project, Task
from kuroko.tracking import selectors, services
from kuroko.tracking.models import CostCategory, Expense

router = Router(tags=["costs"])


class BudgetLineOut(Schema):
    id: int
    task_id: int | None
    category: CostCategory
    month: date
    amount: Decimal
    note: str


class BudgetLineIn(Schema):
    category: CostCategory
    month: date = Field(description="Any day of the month")
    amount: Decimal = Field(ge=0, description="Zero removes the line")
    task_id: int | None = Field(None, description="A WBS node of the project; null: the project as a whole")
    note: str = ""


class ExpenseOut(Schema):
    id: int
    task_id: int | None
    date: date
    category: CostCategory
    amount: Decimal
    description: str


class ExpenseIn(Schema):
    date: date
    category: CostCategory = CostCategory.EXPENSES
    amount: Decimal = Field(gt=0)
    description: str
    task_id: int | None = None


def _task(project: Project, task_id: int | None) -> Task | None:
    if task_id is None:
        return None
    task = Task.objects.filter(pk=task_id, project=project).first()
    if task is None:
        raise ValidationError(
            {"task_id": _("Task %(id)s is not in project %(code)s.") % {"id": task_id, "code": project.code}}
        )
    return task


@router.get("/projects/{code}/budget", response=list[BudgetLineOut])
def list_budget(request: HttpRequest, code: str) -> Any:
    return selectors.budget_lines(project_selectors.project_get(request.user, code))


@router.put("/projects/{code}/budget", response={200: BudgetLineOut, 204: None})
def set_budget(request: HttpRequest, code: str, payload: BudgetLineIn) -> Any:
    """Set one category's budget in one month (for the project or a WBS node); 204 when zero removed it."""
    project = project_selectors.project_get(request.user, code)
    row = services.budget_set(
        actor=request.user,
        project=project,
        category=payload.category,
        month=payload.month,
        amount=payload.amount,
        task=_task(project, payload.task_id),
        note=payload.note,
    )
    return row if row is not None else HttpStatus(204, None)


@router.get("/projects/{code}/expenses", response=list[ExpenseOut])
def list_expenses(request: HttpRequest, code: str) -> Any:
    return selectors.project_expenses(project_selectors.project_get(request.user, code))


@router.post("/projects/{code}/expenses", response={201: ExpenseOut})
def add_expense(request: HttpRequest, code: str, payload: ExpenseIn) -> Any:
    project = project_selectors.project_get(request.user, code)
    data = payload.dict()
    task = _task(project, data.pop("task_id"))
    return HttpStatus(201, services.expense_add(actor=request.user, project=project, data=data, task=task))


@router.delete("/expenses/{expense_id}", response={204: None})
def remove_expense(request: HttpRequest, expense_id: int) -> Any:
    expense = get_object_or_404(Expense.objects.select_related("project"), pk=expense_id)
    project_selectors.project_get(request.user, expense.project.code)
    services.expense_remove(actor=request.user, expense=expense)
    return HttpStatus(204, None)
