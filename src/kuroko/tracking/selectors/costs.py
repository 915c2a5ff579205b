"""Reads of budgets, expenses and planned labour cost (assignments × rates), per project and month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from kuroko.projects.models import Project
from kuroko.tracking.models import BudgetLine, CostCategory, Expense


def month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass
class CostTable:
    """Amounts by category and month, with totals: a budget, or a planned or actual cost."""

    months: list[date] = field(default_factory=list)
    rows: dict[str, dict[date, Decimal]] = field(default_factory=dict)

    def total(self, category: str | None = None) -> Decimal:
        rows = [self.rows.get(category, {})] if category else list(self.rows.values())
        return sum((v for row in rows for v in row.values()), Decimal(0))

    def month_total(self, month: date) -> Decimal:
        return sum((row.get(month, Decimal(0)) for row in self.rows.values()), Decimal(0))

    def lines(self) -> list[tuple[str, str, list[Decimal], Decimal]]:
        """(category, label, amount per month, total) for each category with an amount."""
        out = []
        for value, label in CostCategory.choices:
            row = self.rows.get(value)
            if row:
                out.append(
                    (value, str(label), [row.get(m, Decimal(0)) for m in self.months], self.total(value))
                )
        return out


def _table(amounts: dict[tuple[str, date], Decimal]) -> CostTable:
    table = CostTable(months=sorted({m for _c, m in amounts}))
    for (category, month), value in amounts.items():
        table.rows.setdefault(category, {})[month] = value
    return table


def project_budget(project: Project) -> CostTable:
    """The budget by category and month (project lines and WBS-node lines together)."""
    amounts: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for category, month, amount in BudgetLine.objects.filter(project=project).values_list(
        "category", "month", "amount"
    ):
        amounts[(category, month)] += amount
    return _table(amounts)


def budget_lines(project: Project) -> QuerySet[BudgetLine]:
    return (
        BudgetLine.objects.filter(project=project)
        .select_related("task")
        .order_by("month", "category", "task__row")
    )


def project_expenses(project: Project) -> QuerySet[Expense]:
    return Expense.objects.filter(project=project).select_related("task", "created_by")


def actual_expenses(project: Project) -> CostTable:
    amounts: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for category, day, amount in Expense.objects.filter(project=project).values_list(
        "category", "date", "amount"
    ):
        amounts[(category, month_of(day))] += amount
    return _table(amounts)


def planned_labour(project: Project) -> tuple[CostTable, int]:
    """Planned labour cost: each confirmed assignment of a named person, its work spread over its task's
    working time by contour (as the resource load), times the person's rate on each day. Returns the
    table (category labour, by month) and how many assignments had no rate (left out, and said)."""
    from kuroko.engine.load import WorkItem, spread
    from kuroko.people.selectors import rate_in, rate_timelines
    from kuroko.projects.mapping import naive
    from kuroko.projects.models import Assignment, Booking
    from kuroko.projects.selectors.resources import person_calendars

    rows = list(
        Assignment.objects.filter(
            task__project=project, person__isnull=False, booking=Booking.CONFIRMED
        ).select_related("person__calendar", "task")
    )
    # (person, start, finish, work, contour) of the dated assignments.
    dated: list[tuple[Any, datetime, datetime, int, str]] = [
        (a.person, naive(a.task.start), naive(a.task.finish), a.work_minutes, a.contour)
        for a in rows
        if a.person is not None and a.task.start is not None and a.task.finish is not None
    ]
    if not dated:
        return CostTable(), 0
    first = min(start.date() for _p, start, _f, _w, _c in dated)
    last = max(finish.date() for _p, _s, finish, _w, _c in dated)
    people = list({p.pk: p for p, *_rest in dated}.values())
    calendars = person_calendars(people, first, last)
    rates = rate_timelines(people)
    amounts: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    missing = 0
    for person, start, finish, work, contour in dated:
        line = rates.get(person.pk, [])
        if not line:
            missing += 1
            continue
        item = WorkItem(str(person.pk), start, finish, work, contour)
        for day, minutes in spread(item, calendars[person.pk]).items():
            rate = rate_in(line, day)
            if rate is not None:
                amounts[(CostCategory.LABOUR.value, month_of(day))] += rate.cost * Decimal(minutes) / 60
    return _table({k: v.quantize(Decimal(1)) for k, v in amounts.items()}), missing
