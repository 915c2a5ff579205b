"""A small periodic scheduler: jobs registered to run at a time of day (on some weekdays) are queued as
background tasks by `periodic_enqueue_due`, which `kuroko worker` calls every minute. Each slot is recorded
as a `PeriodicRun` (unique per job and slot), so several workers queue it once. A slot missed by more than
`CATCH_UP` (the workers were down) is skipped rather than run late."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

CATCH_UP = timedelta(hours=6)
# How long the records of queued slots and finished background tasks are kept: long enough to see what
# ran last month, short enough that a five-minute job (~8,600 slots a month) does not grow the tables.
KEEP = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Periodic:
    """A registered job: its task (a django.tasks Task), the local time of day and the weekdays (0 = Monday;
    None = every day)."""

    name: str
    task: Any
    at: time
    weekdays: frozenset[int] | None = None

    def last_slot(self, now: datetime) -> datetime | None:
        """The latest slot at or before `now` (aware), in the current time zone, within a week."""
        local = timezone.localtime(now)
        for back in range(8):
            day = local.date() - timedelta(days=back)
            if self.weekdays is not None and day.weekday() not in self.weekdays:
                continue
            slot = timezone.make_aware(datetime.combine(day, self.at))
            if slot <= now:
                return slot
        return None


PERIODIC: dict[str, Periodic | Interval] = {}


def register_periodic(name: str, task: Any, *, at: time, weekdays: Any = None) -> Periodic:
    """Run `task` (enqueued without arguments) every day at `at` local time, or only on `weekdays`."""
    days = frozenset(int(d) for d in weekdays) if weekdays is not None else None
    if days is not None and (not days or not days <= set(range(7))):
        raise ValueError("weekdays are 0 (Monday) to 6 (Sunday).")
    job = Periodic(name, task, at, days)
    PERIODIC[name] = job
    return job


@dataclass(frozen=True, slots=True)
class Interval:
    """A registered job queued every `minutes` minutes (slots aligned on the local hour)."""

    name: str
    task: Any
    minutes: int

    def last_slot(self, now: datetime) -> datetime | None:
        """The latest slot at or before `now` (aware)."""
        local = timezone.localtime(now)
        minute = (local.hour * 60 + local.minute) // self.minutes * self.minutes
        return local.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)


def register_interval(name: str, task: Any, *, minutes: int) -> Interval:
    """Run `task` (enqueued without arguments) every `minutes` minutes, a divisor of a day (1 to 1440)."""
    if not 1 <= minutes <= 1440 or 1440 % minutes:
        raise ValueError("minutes divide a day (e.g. 5, 15, 60).")
    job = Interval(name, task, minutes)
    PERIODIC[name] = job
    return job


def periodic_enqueue_due(now: datetime | None = None) -> list[str]:
    """Queue every job whose latest slot has come and was not queued yet; returns the names queued."""
    from kuroko.core.models import PeriodicRun

    now = now or timezone.now()
    queued = []
    # In the order of their slots, so that catching up after a pause keeps the day's order (checks, then
    # digest).
    due = [(slot, job) for job in PERIODIC.values() if (slot := job.last_slot(now)) is not None]
    for slot, job in sorted(due, key=lambda pair: (pair[0], pair[1].name)):
        if now - slot > CATCH_UP:
            continue
        if PeriodicRun.objects.filter(name=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=job.name, slot=slot)
                result = job.task.enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another worker queued this slot first
            continue
        log.info("Queued periodic job %s for %s", job.name, slot)
        queued.append(job.name)
    return queued


def scheduler_loop(stop: Any, *, interval: float = 60.0) -> None:
    """Call `periodic_enqueue_due` every `interval` seconds until `stop` (a threading.Event) is set."""
    from django.db import close_old_connections

    while not stop.is_set():
        try:
            periodic_enqueue_due()
        except Exception:  # the scheduler must outlive a database hiccup
            log.exception("Periodic scheduler failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def housekeeping(now: datetime | None = None) -> dict[str, int]:
    """Delete the records of slots queued and of background tasks finished more than `KEEP` ago (the
    queue's failed tasks are kept as long); returns how many of each."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from kuroko.core.models import PeriodicRun

    cutoff = (now or timezone.now()) - KEEP
    runs, _ = PeriodicRun.objects.filter(slot__lt=cutoff).delete()
    done = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    tasks, _ = DBTaskResult.objects.filter(status__in=done, finished_at__lt=cutoff).delete()
    return {"periodic_runs": runs, "task_results": tasks}
