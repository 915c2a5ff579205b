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
from kuroko.raid.selectors.risks import (
    RiskFilter,
    heat_map,
    matrix_info,
    project_risks,
    risk_for,
    risk_trend,
    risks_due_for_review,
    top_risks,
)
from kuroko.raid.selectors.simulation import latest_forecast, portfolio_forecasts

__all__ = [
    "RegisterFilter",
    "RiskFilter",
    "action_get",
    "actions",
    "change_get",
    "changes",
    "decision_get",
    "decisions",
    "escalation_events",
    "escalation_rules",
    "heat_map",
    "issue_get",
    "issues",
    "latest_forecast",
    "matrix_info",
    "portfolio_forecasts",
    "project_risks",
    "risk_for",
    "risk_trend",
    "risks_due_for_review",
    "top_risks",
]
