"""The periodic scheduler in core: each slot queued once, missed slots skipped, weekdays honoured; the
daily audit is registered at 02:00."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from kuroko.core import scheduler
from kuroko.core.models import PeriodicRun


class FakeTask:
    """Counts enqueue calls like a django.tasks Task."""

    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self):
        self.calls += 1
        return type("Result", (), {"id": f"r{self.calls}"})()


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(scheduler, "PERIODIC", {})
    return scheduler.PERIODIC


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 6, day, hour, minute))  # June 2026: the 8th is a Monday


@pytest.mark.django_db
def test_each_slot_is_queued_once(jobs):
    """Two workers calling every minute queue the 02:00 slot once; the next day's slot once more."""
    task = FakeTask()
    scheduler.register_periodic("audit", task, at=time(2, 0))
    assert scheduler.periodic_enqueue_due(at(10, 1, 59)) == []
    assert scheduler.periodic_enqueue_due(at(10, 2, 0)) == ["audit"]
    assert scheduler.periodic_enqueue_due(at(10, 2, 1)) == []
    assert scheduler.periodic_enqueue_due(at(10, 5, 0)) == []
    assert scheduler.periodic_enqueue_due(at(11, 2, 0)) == ["audit"]
    assert task.calls == 2
    assert PeriodicRun.objects.filter(name="audit").count() == 2
    assert PeriodicRun.objects.filter(task_id="r1").exists()


@pytest.mark.django_db
def test_a_slot_missed_by_more_than_the_catch_up_is_skipped(jobs):
    """Workers started at 20:00 do not run the 02:00 job late."""
    task = FakeTask()
    scheduler.register_periodic("audit", task, at=time(2, 0))
    assert scheduler.periodic_enqueue_due(at(10, 20, 0)) == []
    assert scheduler.periodic_enqueue_due(at(10, 2, 0) + scheduler.CATCH_UP - timedelta(minutes=1)) == [
        "audit"
    ]


@pytest.mark.django_db
def test_weekdays(jobs):
    """A Monday-only job is not queued on Wednesday."""
    task = FakeTask()
    scheduler.register_periodic("weekly", task, at=time(6, 0), weekdays=[0])
    assert scheduler.periodic_enqueue_due(at(10, 6, 30)) == []
    assert scheduler.periodic_enqueue_due(at(8, 6, 30)) == ["weekly"]


@pytest.mark.parametrize(
    "weekdays",
    [
        [],  # no day at all
        [7],  # there is no eighth weekday
        [-1],  # nor a negative one
    ],
)
def test_bad_weekdays_are_refused(jobs, weekdays):
    """Weekdays are 0 (Monday) to 6 (Sunday)."""
    with pytest.raises(ValueError, match="weekdays"):
        scheduler.register_periodic("x", FakeTask(), at=time(1, 0), weekdays=weekdays)


def test_daily_jobs_are_registered():
    """The audit runs at 02:00, after the escalations (01:00) and the EVM snapshots (01:30)."""
    assert scheduler.PERIODIC["governance.audit"].at == time(2, 0)
    assert scheduler.PERIODIC["raid.escalations"].at == time(1, 0)
    assert scheduler.PERIODIC["tracking.evm_snapshots"].at == time(1, 30)


@pytest.mark.django_db
def test_the_daily_task_audits_every_project(world):
    """The background task records a scheduled audit run of all active projects."""
    from kuroko.governance.models import AuditRun
    from kuroko.governance.tasks import audit_all_in_background

    result = audit_all_in_background.enqueue("2026-06-10")
    run = AuditRun.objects.get(pk=result.return_value)
    assert run.trigger == "scheduled" and run.projects == 2
