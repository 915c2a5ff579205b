"""Reads of the RAID app, one module per capability; the names are re-exported here."""

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

__all__ = [
    "RiskFilter",
    "heat_map",
    "matrix_info",
    "project_risks",
    "risk_for",
    "risk_trend",
    "risks_due_for_review",
    "top_risks",
]
