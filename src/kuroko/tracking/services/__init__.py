"""Writes of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.services.costs import budget_set, expense_add, expense_remove
from kuroko.tracking.services.timesheets import (
    EntryProblem,
    TimesheetRefused,
    actual_work_update,
    entry_costs_recompute,
    period_close,
    period_reopen,
    time_text_minutes,
    timesheet_approve,
    timesheet_reject,
    timesheet_reopen,
    timesheet_save,
    timesheet_submit,
)

__all__ = [
    "EntryProblem",
    "TimesheetRefused",
    "actual_work_update",
    "budget_set",
    "entry_costs_recompute",
    "expense_add",
    "expense_remove",
    "period_close",
    "period_reopen",
    "time_text_minutes",
    "timesheet_approve",
    "timesheet_reject",
    "timesheet_reopen",
    "timesheet_save",
    "timesheet_submit",
]
