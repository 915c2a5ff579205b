"""Background tasks of the notifications (django.tasks; `kuroko worker` runs them): the daily digest."""

from __future__ import annotations

from django.tasks import task


@task()
def digest_in_background() -> int:
    """Send the daily digest e-mails (kuroko.core.notifications.digest_send); returns how many."""
    from kuroko.core.notifications import digest_send

    return digest_send()
