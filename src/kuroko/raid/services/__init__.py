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

__all__ = [
    "action_create",
    "action_delete",
    "action_update",
    "change_request_create",
    "change_request_delete",
    "change_request_transition",
    "change_request_update",
    "decision_create",
    "decision_delete",
    "decision_update",
    "escalation_rule_save",
    "escalations_check",
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
]
