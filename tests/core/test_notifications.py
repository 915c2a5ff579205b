"""Notifications (issue 9): the kinds registry, deliveries by preference, the daily digest, preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.core import scheduler
from kuroko.core.models import Delivery, Notification, NotificationPreference
from kuroko.core.notifications import (
    GROUPS,
    KINDS,
    deliveries,
    digest_send,
    effective_deliveries,
    kind_label,
    notification_preferences_set,
    notified_at,
    notify,
    notify_others,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addresses(world):
    """Every account of the world has an e-mail address."""
    for role in ("admin", "pmo", "pm", "member", "executive", "outsider"):
        user = world.user(role)
        user.email = f"{role}@example.com"
        user.save(update_fields=["email"])


def test_every_kind_in_the_code_is_registered():
    """The kinds the services raise (and the reporting parts' kinds) have a label, description and group."""
    used = {
        "raid.action_assigned",
        "raid.escalation",
        "raid.change_submit",
        "raid.change_approve",
        "raid.change_reject",
        "raid.change_withdraw",
        "raid.change_implement",
        "governance.gate_review_opened",
        "governance.gate_decided",
        "audit",
        "report_due",
        "report_submitted",
        "report_reviewed",
        "report_returned",
        "meeting",
        "projects.task_assigned",
        "projects.team_added",
        "projects.task_overdue",
        "raid.action_overdue",
        "tracking.timesheet_submitted",
        "tracking.timesheet_rejected",
    }
    assert used <= set(KINDS)
    for kind in KINDS.values():
        assert kind.group in GROUPS and str(kind.label) and str(kind.description)
        assert kind.default in Delivery.values
    assert kind_label("raid.escalation") == "Escalation" and kind_label("unknown.kind") == "unknown.kind"


def test_immediate_digest_and_inbox_deliveries(world, django_capture_on_commit_callbacks):
    """Immediate → e-mailed after commit; digest and inbox → no e-mail now; the inbox always has the row."""
    NotificationPreference.objects.create(user=world.pm, kind="raid.escalation", delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=world.pmo, kind="raid.escalation", delivery=Delivery.INBOX)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(users=[world.member, world.pm, world.pmo], kind="raid.escalation", title="Escalated")
    assert len(notes) == 3
    assert Notification.objects.filter(kind="raid.escalation").count() == 3
    assert [m.to for m in mail.outbox] == [[world.member.email]]


def test_deliveries_are_read_in_one_query(world, django_assert_num_queries):
    """Each recipient's delivery, with the kind's default for those without a choice: one query."""
    NotificationPreference.objects.create(user=world.pm, kind="projects.task_overdue", delivery="immediate")
    with django_assert_num_queries(1):
        chosen = deliveries([world.pm.pk, world.member.pk], "projects.task_overdue")
    assert chosen == {world.pm.pk: "immediate", world.member.pk: "digest"}


def test_an_unregistered_kind_is_delivered_at_once(world, django_capture_on_commit_callbacks):
    """A kind not in the registry still reaches the inbox and e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.member], kind="test", title="Hello")
    assert len(mail.outbox) == 1


def test_notify_others_leaves_out_the_actor(world):
    """The person who acted is not told about their own action."""
    notes = notify_others(actor=world.pm, users=[world.pm, world.member], kind="meeting", title="Minutes")
    assert [n.recipient for n in notes] == [world.member]


def test_digest_groups_by_kind_in_the_users_language_and_marks_digested(world):
    """One e-mail per user with their digest kinds grouped, links included, then nothing twice."""
    world.pm.language = "ja"
    world.pm.save()
    notify(
        users=[world.pm],
        kind="projects.task_overdue",
        title="Task 1.1 overdue",
        url="/projects/ALPHA/#task-1",
    )
    notify(users=[world.pm], kind="raid.action_overdue", title="Action A-001 overdue", url="/actions/1/")
    notify(users=[world.pm], kind="raid.escalation", title="Escalated now")  # immediate: not in the digest
    read = notify(users=[world.member], kind="raid.action_overdue", title="Read already")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    mail.outbox.clear()
    assert digest_send() == 1
    (message,) = mail.outbox
    assert message.to == [world.pm.email]
    assert message.subject == "Kuroko 日次ダイジェスト: 通知 2 件"
    body = message.body
    assert body.index("Task 1.1 overdue") < body.index("Action A-001 overdue")
    assert "/projects/ALPHA/#task-1" in body and "Escalated now" not in body
    assert Notification.objects.filter(recipient=world.pm, digested_at__isnull=False).count() == 2
    mail.outbox.clear()
    assert digest_send() == 0 and mail.outbox == []


def test_digest_subject_counts_in_the_plural_form(world):
    """"1 notification", "2 notifications": the subject is a plural form, not "notification(s)"."""
    from django.utils import translation

    from kuroko.core.notifications import digest_text

    notes = notify(users=[world.pm, world.member], kind="raid.action_overdue", title="Late")
    with translation.override("en"):
        assert digest_text(notes[:1])[0] == "Kuroko daily digest: 1 notification"
        assert digest_text(notes)[0] == "Kuroko daily digest: 2 notifications"


def test_digest_follows_the_users_choice_over_the_default(world):
    """Overdue items wanted at once stay out of the digest; escalations wanted in it go in; old ones not."""
    NotificationPreference.objects.create(user=world.pm, kind="raid.action_overdue", delivery="immediate")
    NotificationPreference.objects.create(user=world.pm, kind="raid.escalation", delivery="digest")
    notify(users=[world.pm], kind="raid.action_overdue", title="Overdue action")
    notify(users=[world.pm], kind="raid.escalation", title="Escalated")
    old = notify(users=[world.pm], kind="raid.escalation", title="Too old")[0]
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    mail.outbox.clear()
    assert digest_send() == 1
    body = mail.outbox[0].body
    assert "Escalated" in body and "Overdue action" not in body and "Too old" not in body


def test_digest_is_a_periodic_job_at_seven():
    """The daily digest is registered with the scheduler at 07:00."""
    job = scheduler.PERIODIC["core.digest"]
    assert job.at.hour == 7 and job.weekdays is None


@pytest.mark.parametrize(
    "choices, field",
    [
        ({"no.such.kind": "digest"}, "no.such.kind"),  # an unknown kind
        ({"raid.escalation": "weekly"}, "raid.escalation"),  # an unknown delivery
        ({"raid.escalation": ""}, "raid.escalation"),  # an empty delivery
    ],
)
def test_preferences_refuse_bad_input_naming_the_kind(world, choices, field):
    """Bad choices are refused naming the kind; nothing is saved."""
    with pytest.raises(ValidationError) as err:
        notification_preferences_set(user=world.pm, choices={"meeting": "inbox", **choices})
    assert field in err.value.message_dict
    assert not NotificationPreference.objects.exists()


def test_preferences_store_only_departures_from_the_default(world):
    """Choosing the default removes the row; choosing another delivery stores it."""
    result = notification_preferences_set(user=world.pm, choices={"meeting": "digest"})
    assert result["meeting"] == "digest"
    assert NotificationPreference.objects.get(user=world.pm).kind == "meeting"
    notification_preferences_set(user=world.pm, choices={"meeting": KINDS["meeting"].default})
    assert not NotificationPreference.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(KINDS)), st.sampled_from(Delivery.values), max_size=8))
def test_preferences_round_trip(world, choices):
    """Whatever is chosen is what is read back; other kinds keep their default."""
    NotificationPreference.objects.filter(user=world.pm).delete()
    result = notification_preferences_set(user=world.pm, choices=choices)
    assert result == effective_deliveries(world.pm)
    for key, kind in KINDS.items():
        assert result[key] == choices.get(key, kind.default)


def test_notified_at_reads_the_latest_per_recipient_and_link(world):
    """The last time each (recipient, link) was told of a kind, other kinds and links left out."""
    notify(users=[world.pm], kind="raid.action_overdue", title="a", url="/actions/1/")
    notify(users=[world.pm], kind="raid.escalation", title="b", url="/actions/2/")
    seen = notified_at("raid.action_overdue", [(world.pm.pk, "/actions/1/"), (world.pm.pk, "/actions/2/")])
    assert list(seen) == [(world.pm.pk, "/actions/1/")]
