"""Issues and change requests in a real browser: raising an issue, resolving it in its row (refused
without a resolution, then saved), a change request submitted by the PM and approved by the PMO, and the
approval waiting in the PM's inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.raid.models import ChangeRequest, Issue
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_raises_and_resolves_an_issue_in_its_row(site: Site, world) -> None:
    """The form raises I-001; the row refuses “resolved” without a resolution (message in the row, page not
    reloaded), then saves it with one."""
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/issues/new/")
    page.locator("#id_title").fill("Test server down")
    page.locator("#id_severity").select_option("critical")
    page.locator("#issue-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("I-001 Test server down")
    issue = Issue.objects.get()

    page = site.goto("/projects/ALPHA/issues/")
    site.mark()
    row = page.locator(f"#issue-{issue.pk}")
    row.get_by_role("button", name="Edit").click()
    row.locator("select[name=status]").select_option("resolved")
    row.get_by_role("button", name="Save").click()
    expect(row.locator(".error")).to_have_text("Give the resolution before resolving.")
    assert Issue.objects.get().status == "open"
    row.locator("textarea[name=resolution]").fill("Restarted the database")
    row.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Resolved")
    expect(row).to_contain_text("Restarted the database")
    site.assert_same_document()
    saved = Issue.objects.get()
    assert (saved.status, saved.resolution, saved.version) == ("resolved", "Restarted the database", 2)
    site.screenshot("issues.png")


def test_change_request_submitted_by_the_pm_approved_by_the_pmo_reaches_the_pm_inbox(
    site: Site, world
) -> None:
    """PM: new request with a 5d schedule impact, submit. PMO: approve with a note. PM: the badge shows 1,
    the inbox lists the approval, opening it shows the approved request and the badge is gone."""
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/changes/new/")
    page.locator("#id_title").fill("Add single sign-on")
    page.locator("#id_schedule_impact").fill("5d")
    page.locator("#id_cost_impact").fill("800000")
    page.locator("#change-form button[type=submit]").click()
    expect(page.locator("#change-status")).to_have_text("Draft")
    page.locator("#cr-submit button").click()
    expect(page.locator("#change-status")).to_have_text("Submitted")
    change = ChangeRequest.objects.get()
    assert change.schedule_impact_minutes == 2400

    site.login(world.pmo)
    page = site.goto("/")
    expect(page.locator("#unread-count")).to_have_text("1")
    page = site.goto(f"/changes/{change.pk}/")
    page.locator("#note-approve").fill("Within the reserve")
    page.locator("#cr-approve button").click()
    expect(page.locator("#change-status")).to_have_text("Approved")
    expect(page.locator("#change-note")).to_have_text("Within the reserve")
    site.screenshot("change-request.png")

    site.login(world.pm)
    page = site.goto("/")
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#inbox-bell").click()
    note = page.locator("#notifications li.unread a")
    expect(note).to_have_text("Change request ALPHA CR-001 approved: Add single sign-on")
    site.screenshot("inbox.png")
    note.click()
    expect(page.locator("#change-status")).to_have_text("Approved")
    expect(page.locator("#unread-count")).to_have_count(0)
