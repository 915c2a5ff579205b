"""Background tasks of the RAID app (django.tasks; `kuroko worker` runs them, `kuroko demo` too)."""

from __future__ import annotations

from django.tasks import task


@task()
def escalations_in_background(as_of: str | None = None) -> int:
    """Apply the escalation rules (raid.services.escalations_check) as of `as_of` (YYYY-MM-DD, default
    today); returns how many items were escalated."""
    from datetime import date

    from django.utils import timezone

    from kuroko.raid.services.escalation import escalations_check

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return len(escalations_check(today=day))


@task()
def overdue_actions_in_background(as_of: str | None = None) -> int:
    """Tell owners of action items that became overdue (raid.services.overdue) as of `as_of`
    (YYYY-MM-DD, default today); returns how many were told."""
    from datetime import date

    from django.utils import timezone

    from kuroko.raid.services.overdue import actions_overdue_notify

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return actions_overdue_notify(today=day)
