"""A weekly progress meeting in a real browser: the PM creates a series, builds the agenda from the data
(an overdue action appears), adds and moves an item without a page load, records a decision, takes the
minutes with attendance, marks the meeting held and sends the minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kuroko.raid.models import Decision
from kuroko.raid.services.actions import action_create
from kuroko.reporting.models import Meeting
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_series_agenda_minutes_and_distribution(site: Site, world) -> None:
    """Create a series, build and edit the agenda, record a decision, take the minutes, send them."""
    first = timezone.localdate() + timedelta(days=1)
    action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Fix the test data", "due_date": first - timedelta(days=5)},
    )
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/meetings/")
    page.locator("#series-new").click()
    page.locator("#id_title").fill("ALPHA weekly")
    page.locator("#id_first_date").fill(first.isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_attendees").select_option(str(world.member.pk))
    page.locator("#series-form").get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("ALPHA weekly")
    assert Meeting.objects.filter(series__title="ALPHA weekly").count() == 8

    site.mark()
    page.locator("#agenda-build").click()
    expect(page.locator("#agenda-items")).to_contain_text("Overdue action A-001 Fix the test data")
    page.locator("#agenda-title").fill("Any other business")
    page.locator("#agenda-add").get_by_role("button", name="Add").click()
    expect(page.locator("#agenda-items tbody tr")).to_have_count(2)
    page.locator("#agenda-items tbody tr").nth(1).get_by_role("button", name="Move up").click()
    expect(page.locator("#agenda-items tbody tr").first).to_contain_text("Any other business")
    site.assert_same_document()
    site.screenshot("meeting-agenda.png")

    page.reload()
    item = page.locator(".minutes-item").nth(1)
    item.locator("summary").click()
    item.locator("input[name=title]").first.fill("Test data fixed by Friday")
    item.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".minutes-records")).to_contain_text("D-001")
    assert Decision.objects.get(project=world.project).status == "decided"
    page.locator(f"select[name=attendance-{world.member.pk}]").select_option("present")
    page.locator("#minutes-notes").fill("All present.")
    page.locator("#minutes-hold").click()
    expect(page.locator("#meeting-status")).to_have_text("Held")
    page.locator("#meeting-distribute").click()
    expect(page.locator("#minutes-sent")).to_be_visible()
    site.screenshot("meeting-held.png")
