"""Background tasks of the projects app (django.tasks; `kuroko worker` runs them, `kuroko demo` too)."""

from __future__ import annotations

from django.tasks import task


@task()
def level_in_background(run_id: int) -> None:
    """Compute a levelling proposal (projects.services.leveling.leveling_compute)."""
    from kuroko.projects.services.leveling import leveling_compute

    leveling_compute(run_id)
