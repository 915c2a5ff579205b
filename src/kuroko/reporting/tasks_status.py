"""Background tasks of weekly status reports: on Friday the week's reports are drafted (and drafts
refreshed) and the managers of projects whose report is not submitted are reminded."""

from __future__ import annotations

from django.tasks import task


@task()
def status_reports_weekly(today: str | None = None) -> dict[str, int]:
    """Draft the week's reports of every active project and send the "report due" reminders."""
    from datetime import date

    from django.utils import timezone

    from kuroko.reporting.services.status import draft_all, reminders_send
    from kuroko.reporting.weeks import week_start

    day = date.fromisoformat(today) if today else timezone.localdate()
    counts = draft_all(week_start(day), today=day)
    counts["reminded"] = reminders_send(week=week_start(day))
    return counts
