"""Background task of schedule risk analysis (django.tasks; `kuroko worker` runs it, tests run it at once)."""

from __future__ import annotations

from django.tasks import task


@task()
def simulate_in_background(run_id: int) -> None:
    """Simulate a queued run (raid.services.simulation.simulation_compute)."""
    from kuroko.raid.services.simulation import simulation_compute

    simulation_compute(run_id)
