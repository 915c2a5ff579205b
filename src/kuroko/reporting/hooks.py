"""What the reporting app plugs into the apps below it when Django starts: periodic jobs, the project
calendar feed's meeting events and the audit's "status reported this week" source. Each part adds its
own line to `connect` (and nothing else here)."""

from __future__ import annotations


def connect() -> None:
    """Called once from ReportingConfig.ready()."""
    _connect_exports()


def _connect_exports() -> None:
    """Report schedules: check every five minutes for the ones due (part B)."""
    from kuroko.core.scheduler import register_interval
    from kuroko.reporting.tasks_exports import schedules_run_due_task

    register_interval("reporting.schedules", schedules_run_due_task, minutes=5)
