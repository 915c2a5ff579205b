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

__all__ = [
    "CostTable",
    "actual_expenses",
    "budget_lines",
    "month_of",
    "planned_labour",
    "project_budget",
    "project_expenses",
]
