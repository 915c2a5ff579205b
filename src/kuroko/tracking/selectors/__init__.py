"""Reads of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.selectors.costs import (
    CostTable,
    actual_expenses,
    budget_lines,
    month_of,
    planned_labour,
    project_budget,
    project_expenses,
)
from kuroko.tracking.selectors.timesheets import (
    DayLog,
    MonthLine,
    MonthRow,
    QueueItem,
    WeekGrid,
    approval_queue,
    day_log,
    loggable_tasks,
    month_lines,
    months_overview,
    person_of,
    week_grid,
    week_of,
)

__all__ = [
    "CostTable",
    "DayLog",
    "MonthLine",
    "MonthRow",
    "QueueItem",
    "WeekGrid",
    "actual_expenses",
    "approval_queue",
    "budget_lines",
    "day_log",
    "loggable_tasks",
    "month_lines",
    "month_of",
    "months_overview",
    "person_of",
    "planned_labour",
    "project_budget",
    "project_expenses",
    "week_grid",
    "week_of",
]
