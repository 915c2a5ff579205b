"""Background tasks of the projects app (django.tasks; `kuroko worker` runs them, `kuroko demo` too)."""

from __future__ import annotations

from django.tasks import task


@task()
def level_in_background(run_id: int) -> None:
    """Compute a levelling proposal (projects.services.leveling.leveling_compute)."""
    from kuroko.projects.services.leveling import leveling_compute

    leveling_compute(run_id)


@task()
def overdue_tasks_in_background(as_of: str | None = None) -> int:
    """Tell owners of tasks that became overdue (projects.services.overdue) as of `as_of` (YYYY-MM-DD,
    default today); returns how many were told."""
    from datetime import date

    from django.utils import timezone

    from kuroko.projects.services.overdue import tasks_overdue_notify

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return tasks_overdue_notify(today=day)
