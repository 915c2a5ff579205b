"""Background tasks of the governance app (django.tasks; `kuroko worker` runs them, and queues the daily
audit at 02:00 through `kuroko.core.scheduler`)."""

from __future__ import annotations

from django.tasks import task


@task()
def audit_all_in_background(today: str | None = None, requested_by: int | None = None) -> int:
    """Audit every active or on-hold project (governance.services.audits.audit_run) as of `today`
    (YYYY-MM-DD, default today); returns the id of the audit run."""
    from datetime import date

    from django.utils import timezone

    from kuroko.core.models import User
    from kuroko.governance.models import AuditTrigger
    from kuroko.governance.services.audits import audit_run

    day = date.fromisoformat(today) if today else timezone.localdate()
    user = User.objects.filter(pk=requested_by).first() if requested_by else None
    trigger = AuditTrigger.MANUAL if user is not None else AuditTrigger.SCHEDULED
    run = audit_run(trigger=trigger, today=day)
    if user is not None:
        run.requested_by = user
        run.save(update_fields=["requested_by"])
    return run.pk
