"""Reads of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.selectors.attendance import (
    attendance_month,
    attendance_people,
    contract_statements,
    default_rule_set,
    overtime_report,
    reconciliation,
)
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
    "attendance_month",
    "attendance_people",
    "budget_lines",
    "contract_statements",
    "default_rule_set",
    "month_of",
    "overtime_report",
    "planned_labour",
    "project_budget",
    "project_expenses",
    "reconciliation",
]
