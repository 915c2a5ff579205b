"""What the reporting app plugs into the apps below it when Django starts: periodic jobs, the project
calendar feed's meeting events and the audit's "status reported this week" source. The apps below
cannot import reporting (the layers forbid it), so they offer hooks and reporting connects to them."""

from __future__ import annotations


def _status_reports() -> None:
    """Weekly status reports: drafted and reminded on Friday morning; the audit's status source."""
    from datetime import time

    from kuroko.core.scheduler import register_periodic
    from kuroko.governance.audit import hygiene
    from kuroko.reporting.services.status import reported_projects
    from kuroko.reporting.tasks_status import status_reports_weekly

    register_periodic("reporting.status_reports", status_reports_weekly, at=time(9, 0), weekdays=[4])
    hygiene.STATUS_SOURCE = reported_projects


def _connect_meetings() -> None:
    """Meetings: the daily top-up of series and the meetings in project calendar feeds."""
    from datetime import time

    from kuroko.core.scheduler import register_periodic
    from kuroko.projects.selectors.feeds import register_project_feed_source
    from kuroko.reporting.selectors.meetings import meeting_feed_events
    from kuroko.reporting.tasks_meetings import meetings_top_up_in_background

    register_periodic("reporting.meetings_top_up", meetings_top_up_in_background, at=time(0, 30))
    register_project_feed_source(meeting_feed_events)


def connect() -> None:
    """Called once from ReportingConfig.ready()."""
    _connect_exports()
    _status_reports()
    _connect_meetings()


def _connect_exports() -> None:
    """Report schedules: check every five minutes for the ones due."""
    from kuroko.core.scheduler import register_interval
    from kuroko.reporting.tasks_exports import schedules_run_due_task

    register_interval("reporting.schedules", schedules_run_due_task, minutes=5)
