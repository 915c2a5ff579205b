"""Models of the tracking app: budgets and costs, timesheets, attendance and earned value."""

from kuroko.tracking.models.attendance import (
    AttendanceDay,
    AttendanceMapping,
    AttendanceSource,
    Contract,
    LeaveType,
    OvertimeRuleSet,
)
from kuroko.tracking.models.costs import BudgetLine, CostCategory, Expense
from kuroko.tracking.models.evm import EvmSnapshot, WeightedMilestone
from kuroko.tracking.models.timesheets import (
    ApprovalStatus,
    IndirectCategory,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)

__all__ = [
    "ApprovalStatus",
    "AttendanceDay",
    "AttendanceMapping",
    "AttendanceSource",
    "BudgetLine",
    "Contract",
    "CostCategory",
    "EvmSnapshot",
    "Expense",
    "IndirectCategory",
    "LeaveType",
    "OvertimeRuleSet",
    "PeriodClose",
    "TimeEntry",
    "Timesheet",
    "TimesheetApproval",
    "TimesheetStatus",
    "WeightedMilestone",
]
