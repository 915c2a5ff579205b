"""Background tasks of report schedules (django.tasks; `kuroko worker` queues `schedules_run_due_task`
every five minutes through `kuroko.core.scheduler.register_interval`)."""

from __future__ import annotations

from django.tasks import task


@task()
def schedules_run_due_task() -> list[int]:
    """Run the report schedules that are due (kuroko.reporting.services.exports.schedules_run_due)."""
    from kuroko.reporting.services.exports import schedules_run_due

    return schedules_run_due()


@task()
def schedule_run_task(schedule_id: int) -> int:
    """Run one schedule now (the "run now" button); returns the number of files generated."""
    from kuroko.reporting.models import ReportSchedule
    from kuroko.reporting.services.exports import schedule_run

    schedule = ReportSchedule.objects.filter(pk=schedule_id).first()
    return 0 if schedule is None else len(schedule_run(schedule=schedule))
