"""Notifications in a real browser: the member filters the inbox by kind, marks one read in place (the bell
follows without a reload), opens another (straight to the item), and moves overdue items to the daily
digest on the preferences page reached from the user menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.core.models import Notification, NotificationPreference
from kuroko.core.notifications import notify
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_filters_marks_opens_and_sets_preferences(site: Site, world) -> None:
    """Filter by kind, mark read in place, open one to its item, then choose inbox-only for escalations."""
    notify(
        users=[world.member], kind="raid.escalation", title="I-001 escalated to PMO", url="/projects/ALPHA/"
    )
    overdue = notify(
        users=[world.member], kind="projects.task_overdue", title="Task 1.1 Screens of ALPHA is overdue"
    )[0]
    site.login(world.member)
    page = site.goto("/inbox/")
    expect(page.locator("#unread-count")).to_have_text("2")
    site.mark()
    page.locator("#id_kind").select_option("projects.task_overdue")
    expect(page.locator("#notifications li")).to_have_count(1)
    expect(page.locator("#notifications")).to_contain_text("My task is overdue")
    page.locator(f"#note-{overdue.pk}").get_by_role("button", name="Mark read").click()
    expect(page.locator(f"#note-{overdue.pk}")).to_have_class("read")
    expect(page.locator("#unread-count")).to_have_text("1")
    site.assert_same_document()
    assert Notification.objects.get(pk=overdue.pk).read_at is not None
    site.screenshot("inbox.png")

    page.locator("#id_kind").select_option("")
    page.get_by_role("link", name="I-001 escalated to PMO").click()
    expect(page).to_have_url(site.url("/projects/ALPHA/"))
    expect(page.locator("#unread-count")).to_have_count(0)

    page.locator("details.usermenu summary").click()
    page.get_by_role("link", name="Notification preferences").click()
    expect(page.locator("h1")).to_have_text("Notification preferences")
    page.locator("#pref-raid\\.escalation input[value=inbox]").check()
    page.locator("main form#preferences-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Notification preferences saved.")
    expect(page.locator("#pref-raid\\.escalation input[value=inbox]")).to_be_checked()
    expect(page.locator("#digest-summary")).to_contain_text("My task is overdue")
    assert NotificationPreference.objects.get(user=world.member).delivery == "inbox"
    site.screenshot("notification-preferences.png")
