"""What the reporting app plugs into the apps below it when Django starts: periodic jobs, the project
calendar feed's meeting events and the audit's "status reported this week" source. Each part adds its
own line to `connect` (and nothing else here)."""

from __future__ import annotations


def connect() -> None:
    """Called once from ReportingConfig.ready()."""
