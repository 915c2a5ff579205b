"""Background tasks of the tracking app (django.tasks; `kuroko worker` runs them, `kuroko demo` too)."""

from __future__ import annotations

from django.tasks import task


@task()
def progress_in_background(project_ids: list[int]) -> None:
    """After hours change effort-based % complete: WBS roll-ups and the schedule of these projects
    (tracking.services.timesheets.projects_progress), out of the request that saved the hours."""
    from kuroko.tracking.services.timesheets import projects_progress

    projects_progress(project_ids)


@task()
def evm_snapshots_in_background(status_date: str | None = None) -> int:
    """Record the earned value of every active project (tracking.services.evm_snapshots_record_all);
    `status_date` is YYYY-MM-DD, or None for each project's own status date."""
    from datetime import date

    from kuroko.tracking.services.evm import evm_snapshots_record_all

    day = date.fromisoformat(status_date) if status_date else None
    return evm_snapshots_record_all(status_date=day)
