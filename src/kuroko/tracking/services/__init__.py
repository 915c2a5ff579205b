"""Writes of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.services.attendance import (
    attendance_clock_in,
    attendance_clock_out,
    attendance_day_set,
    attendance_import,
    attendance_mapping_save,
    contract_remove,
    contract_save,
    overtime_rule_set_save,
)
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
    "attendance_clock_in",
    "attendance_clock_out",
    "attendance_day_set",
    "attendance_import",
    "attendance_mapping_save",
    "budget_set",
    "contract_remove",
    "contract_save",
    "entry_costs_recompute",
    "expense_add",
    "expense_remove",
    "overtime_rule_set_save",
    "period_close",
    "period_reopen",
    "time_text_minutes",
    "timesheet_approve",
    "timesheet_reject",
    "timesheet_reopen",
    "timesheet_save",
    "timesheet_submit",
]
