"""Reads of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.selectors.registers import (
    RegisterFilter,
    action_get,
    actions,
    change_get,
    changes,
    decision_get,
    decisions,
    escalation_events,
    escalation_rules,
    issue_get,
    issues,
)

__all__: list[str] = [
    "RegisterFilter",
    "action_get",
    "actions",
    "change_get",
    "changes",
    "decision_get",
    "decisions",
    "escalation_events",
    "escalation_rules",
    "issue_get",
    "issues",
]
