"""Writes of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.services.costs import budget_set, expense_add, expense_remove
from kuroko.tracking.services.evm import (
    evm_snapshot_record,
    evm_snapshots_record_all,
    evm_status_date_set,
    weighted_milestone_achieve,
    weighted_milestone_add,
    weighted_milestone_remove,
)

__all__ = [
    "budget_set",
    "evm_snapshot_record",
    "evm_snapshots_record_all",
    "evm_status_date_set",
    "expense_add",
    "expense_remove",
    "weighted_milestone_achieve",
    "weighted_milestone_add",
    "weighted_milestone_remove",
]
