"""Demo data of notifications: notification preferences of the demo logins,
and the morning's overdue checks (so the inbox shows what became overdue)."""

from __future__ import annotations

from datetime import date

from kuroko.core.models import Delivery, NotificationPreference, User

# (username, kind, delivery): choices that differ from the defaults, as real users make them.
PREFERENCES = [
    # The PM reads escalations and the PMO's accepted reports in the morning digest, meetings in the inbox.
    ("pm", "raid.escalation", Delivery.DIGEST),
    ("pm", "report_reviewed", Delivery.DIGEST),
    ("pm", "meeting", Delivery.INBOX),
    # The member wants to hear at once when their own work is late.
    ("member", "projects.task_overdue", Delivery.IMMEDIATE),
    ("member", "raid.action_overdue", Delivery.IMMEDIATE),
    # The PMO collects timesheet approvals and gate outcomes into the digest.
    ("pmo", "tracking.timesheet_submitted", Delivery.DIGEST),
    ("pmo", "governance.gate_decided", Delivery.DIGEST),
    # The executive reads escalations at once and everything about audits once a day.
    ("exec", "audit", Delivery.DIGEST),
]


def build(*, seed: int, today: date) -> None:
    """Add this part's demo rows (called by the demo generator after the other reporting parts)."""
    del seed  # nothing random here
    # The morning's checks, as the 06:00 jobs would have run them: each owner told of what is overdue.
    # They run before the preferences exist, so building the demo e-mails no one (the console backend
    # prints what the server and the worker send afterwards, the 07:00 digest among them).
    from kuroko.projects.services.overdue import tasks_overdue_notify
    from kuroko.raid.services.overdue import actions_overdue_notify

    tasks_overdue_notify(today=today)
    actions_overdue_notify(today=today)
    users = {u.username: u for u in User.objects.filter(username__in={p[0] for p in PREFERENCES})}
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=users[name], kind=kind, delivery=delivery)
            for name, kind, delivery in PREFERENCES
            if name in users
        ],
        ignore_conflicts=True,
    )
