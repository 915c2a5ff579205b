"""Background task of meetings: the daily top-up of every series' planned meetings."""

from __future__ import annotations

from django.tasks import task


@task()
def meetings_top_up_in_background() -> int:
    """Create the next meetings of every active series (`meetings_top_up`); returns how many."""
    from kuroko.reporting.services.meetings import meetings_top_up

    return meetings_top_up()
