"""The daily housekeeping of the scheduler's tables: slots and finished tasks older than 30 days go."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kuroko.core import scheduler
from kuroko.core.models import PeriodicRun

NOW = timezone.make_aware(datetime(2026, 6, 30, 3, 30))


def _task(status: str, finished: datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        task_path="kuroko.core.tasks_notifications.digest_in_background",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        finished_at=finished,
    )


@pytest.mark.django_db
def test_housekeeping_keeps_thirty_days():
    """Slots and finished tasks older than KEEP are deleted; newer ones and unfinished tasks stay."""
    old, recent = NOW - scheduler.KEEP - timedelta(minutes=5), NOW - timedelta(days=1)
    PeriodicRun.objects.create(name="reporting.exports", slot=old)
    kept_run = PeriodicRun.objects.create(name="reporting.exports", slot=recent)
    _task("SUCCESSFUL", old)
    _task("FAILED", old)
    kept = [_task("SUCCESSFUL", recent), _task("READY", None), _task("RUNNING", None)]
    assert scheduler.housekeeping(NOW) == {"periodic_runs": 1, "task_results": 2}
    assert list(PeriodicRun.objects.all()) == [kept_run]
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {t.pk for t in kept}


def test_housekeeping_is_a_daily_job():
    job = scheduler.PERIODIC["core.housekeeping"]
    assert job.at.hour == 3 and job.weekdays is None
