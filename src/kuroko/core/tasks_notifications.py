"""Background tasks of core (django.tasks; `kuroko worker` runs them): the daily digest and the
housekeeping of the task tables."""

from __future__ import annotations

from django.tasks import task


@task()
def digest_in_background() -> int:
    """Send the daily digest e-mails (kuroko.core.notifications.digest_send); returns how many."""
    from kuroko.core.notifications import digest_send

    return digest_send()


@task()
def housekeeping_in_background() -> dict[str, int]:
    """Prune old records of periodic slots and finished tasks (kuroko.core.scheduler.housekeeping)."""
    from kuroko.core.scheduler import housekeeping

    return housekeeping()
