"""The demo's registers (issue 6): every active project has issues, action items, decisions and change
requests in the ranges promised, in its language, with escalations, overdue and done items, the default
escalation rules and notifications in the demo users' inboxes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from kuroko.core.models import Notification
from kuroko.demo.generator import build_demo
from kuroko.projects.models import Project
from kuroko.raid.models import ActionItem, ChangeRequest, Decision, EscalationEvent, EscalationRule, Issue

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo built once for the tests below, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(seed=2026, today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_active_project_has_registers_in_range(demo: None) -> None:
    """3–10 issues, 5–20 action items, 2–6 decisions, 1–4 change requests per active project."""
    active = list(Project.objects.filter(status="active").values_list("pk", flat=True))
    assert active
    from kuroko.reporting.models import AgendaItem

    # Meetings' minutes (the demo's held meetings) add decisions and actions of their own: not counted here.
    from_minutes = {
        Decision: AgendaItem.decisions.through.objects.values("decision_id"),
        ActionItem: AgendaItem.actions.through.objects.values("actionitem_id"),
    }
    for model, low, high in ((Issue, 3, 10), (ActionItem, 5, 20), (Decision, 2, 6), (ChangeRequest, 1, 4)):
        rows = model.objects.all()
        if model in from_minutes:
            rows = rows.exclude(pk__in=from_minutes[model])
        counts = Counter(rows.values_list("project_id", flat=True))
        assert set(counts) == set(active), model
        assert all(low <= n <= high for n in counts.values()), (model, counts)


@pytest.mark.django_db
def test_the_registers_show_every_state(demo: None) -> None:
    """Escalated issues with their events, overdue and done actions, change requests in several states,
    decided decisions with date and text, resolved issues with a resolution."""
    escalated = Issue.objects.filter(escalation_level__gt=0)
    assert escalated.exists()
    assert EscalationEvent.objects.filter(register="issue").count() == escalated.count()
    assert ActionItem.objects.filter(status__in=("open", "in_progress"), due_date__lt=TODAY).exists()
    assert not ActionItem.objects.filter(status="done", completed_on__isnull=True).exists()
    assert ActionItem.objects.filter(status="done").exists()
    assert len(set(ChangeRequest.objects.values_list("status", flat=True))) >= 4
    assert not Decision.objects.filter(status="decided", decided_on__isnull=True).exists()
    assert not Issue.objects.filter(status__in=("resolved", "closed"), resolution="").exists()
    assert EscalationRule.objects.count() == 4


@pytest.mark.django_db
def test_text_follows_the_project_language_and_inboxes_are_not_empty(demo: None) -> None:
    """Japanese projects have Japanese titles, English ones English; pm, pmo and member have notifications."""
    for issue in Issue.objects.select_related("project"):
        assert issue.title.isascii() == issue.project.name.isascii(), issue
    users = set(
        Notification.objects.filter(read_at__isnull=True).values_list("recipient__username", flat=True)
    )
    assert {"pm", "pmo", "member"} <= users
    assert ActionItem.objects.filter(owner__user__username="member").count() >= 2
