"""Writes of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.services.actions import action_create, action_delete, action_update
from kuroko.raid.services.changes import (
    change_request_create,
    change_request_delete,
    change_request_transition,
    change_request_update,
)
from kuroko.raid.services.common import lock_project, next_number, risk_score
from kuroko.raid.services.decisions import decision_create, decision_delete, decision_update
from kuroko.raid.services.escalation import escalation_rule_save, escalations_check
from kuroko.raid.services.issues import (
    issue_create,
    issue_delete,
    issue_escalate,
    issue_raise_from_risk,
    issue_update,
)
from kuroko.raid.services.risks import (
    risk_create,
    risk_delete,
    risk_mark_reviewed,
    risk_matrix_save,
    risk_update,
    risks_import,
)
from kuroko.raid.services.simulation import (
    correlation_group_create,
    correlation_group_delete,
    correlation_group_update,
    estimates_apply_range,
    estimates_clear,
    estimates_save,
    simulation_compute,
    simulation_delete,
    simulation_start,
)

__all__ = [
    "action_create",
    "action_delete",
    "action_update",
    "change_request_create",
    "change_request_delete",
    "change_request_transition",
    "change_request_update",
    "correlation_group_create",
    "correlation_group_delete",
    "correlation_group_update",
    "decision_create",
    "decision_delete",
    "decision_update",
    "escalation_rule_save",
    "escalations_check",
    "estimates_apply_range",
    "estimates_clear",
    "estimates_save",
    "issue_create",
    "issue_delete",
    "issue_escalate",
    "issue_raise_from_risk",
    "issue_update",
    "lock_project",
    "next_number",
    "risk_create",
    "risk_delete",
    "risk_mark_reviewed",
    "risk_matrix_save",
    "risk_score",
    "risk_update",
    "risks_import",
    "simulation_compute",
    "simulation_delete",
    "simulation_start",
]
