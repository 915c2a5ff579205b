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

__all__ = [
    "attendance_clock_in",
    "attendance_clock_out",
    "attendance_day_set",
    "attendance_import",
    "attendance_mapping_save",
    "budget_set",
    "contract_remove",
    "contract_save",
    "expense_add",
    "expense_remove",
    "overtime_rule_set_save",
]
