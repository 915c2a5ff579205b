"""Background tasks of the tracking app (django.tasks; `kuroko worker` runs them, `kuroko demo` too)."""

from __future__ import annotations

from django.tasks import task


@task()
def progress_in_background(project_ids: list[int]) -> None:
    """After hours change effort-based % complete: WBS roll-ups and the schedule of these projects
    (tracking.services.timesheets.projects_progress), out of the request that saved the hours."""
    from kuroko.tracking.services.timesheets import projects_progress

    projects_progress(project_ids)
