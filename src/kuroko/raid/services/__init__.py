"""Writes of the RAID app, one module per capability; the names are re-exported here."""

from kuroko.raid.services.common import lock_project, next_number, risk_score
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
    "correlation_group_create",
    "correlation_group_delete",
    "correlation_group_update",
    "estimates_apply_range",
    "estimates_clear",
    "estimates_save",
    "lock_project",
    "next_number",
    "risk_score",
    "simulation_compute",
    "simulation_delete",
    "simulation_start",
]
