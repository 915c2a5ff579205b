"""Writes of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.services.common import lock_project, next_number, risk_score
from kuroko.raid.services.risks import (
    risk_create,
    risk_delete,
    risk_mark_reviewed,
    risk_matrix_save,
    risk_update,
    risks_import,
)

__all__ = [
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
