"""Writes of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.services.common import lock_project, next_number, risk_score

__all__ = ["lock_project", "next_number", "risk_score"]
