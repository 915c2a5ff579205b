"""Demo data of the governance audits part (issue 8): a few rule settings (for all projects and per
project type), 30 days of audit history so the trend is not empty, then the audit of today.

The history is the real audit run as of earlier days (every seventh day, then each of the last few days)
over today's data, with today's schedule-quality (DCMA) results — so it shows how findings opened and
closed as those days' dates passed, not what the data looked like then; between two audited days the
trend shows nothing. Findings and snapshots carry the day of the run that saw them. Deterministic: no
randomness beyond the demo's own data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kuroko.core.models import User
from kuroko.governance.audit.registry import PACKS, effective_for
from kuroko.governance.models import AuditRun, Finding, RuleSetting
from kuroko.governance.services.audits import audit_run, audited_projects, rule_setting_save
from kuroko.projects.models import ProjectType

HISTORY = (28, 21, 14, 7, 5, 4, 3, 2, 1)  # days before today with an audit


def _settings(actor: User) -> None:
    # Organisation default: a PMO that accepts a few unassigned tasks while plans are young.
    rule_setting_save(
        actor=actor,
        project_type=None,
        rule="dcma.resources",
        enabled=True,
        params={"no_resources": 5},
    )
    rule_setting_save(
        actor=actor, project_type=None, rule="hygiene.risk_review", enabled=True, params={"days": 14}
    )
    for kind in ProjectType.objects.order_by("code"):
        text = f"{kind.code} {kind.name}".lower()
        if "maint" in text or "保守" in text or "運用" in text:
            # Maintenance work runs as long standing tasks; its gates are yearly.
            rule_setting_save(actor=actor, project_type=kind, rule="dcma.high_duration", enabled=False)
            rule_setting_save(
                actor=actor,
                project_type=kind,
                rule="hygiene.gate_overdue",
                enabled=True,
                severity="medium",
                params={"grace_days": 14},
            )
        elif "agile" in text or "アジャイル" in text:
            # Sprints are linked start-to-start and finish-to-finish more often.
            rule_setting_save(
                actor=actor,
                project_type=kind,
                rule="dcma.relationship_types",
                enabled=True,
                params={"fs_links": 70},
            )
        elif "infra" in text or "基盤" in text:
            rule_setting_save(
                actor=actor, project_type=kind, rule="dcma.lags", enabled=True, params={"lags": 10}
            )


def _backdate(run: AuditRun, day: date) -> None:
    """Give the rows a run wrote the time of day the daily audit runs (02:00 of `day`)."""
    moment = timezone.make_aware(datetime.combine(day, time(2, 0)))
    Finding.objects.filter(opened_at__gte=run.started_at).update(opened_at=moment, last_seen_at=moment)
    Finding.objects.filter(last_seen_at__gte=run.started_at).update(last_seen_at=moment)
    Finding.objects.filter(closed_at__gte=run.started_at).update(closed_at=moment)
    took = (run.finished_at or run.started_at) - run.started_at
    AuditRun.objects.filter(pk=run.pk).update(started_at=moment, finished_at=moment + took)


def build(*, seed: int, today: date) -> None:
    """Add the audits part's demo rows (called by kuroko.demo.generator.build_demo, in part order)."""
    actor = User.objects.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        return
    _settings(actor)
    # The schedule-quality checks read each project's status date (the demo sets one), not the day of the
    # audit: compute them once and replay the earlier days with them.
    projects = audited_projects()
    effective = effective_for(projects, list(RuleSetting.objects.all()))
    dcma = PACKS["dcma"].load(projects, today, effective)
    for back in HISTORY:
        day = today - timedelta(days=back)
        run = audit_run(trigger="scheduled", today=day, notify_owners=False, preloaded={"dcma": dcma})
        _backdate(run, day)
    audit_run(trigger="scheduled", today=today)
