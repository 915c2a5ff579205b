"""Calendar feeds in a real browser: create a feed URL from the profile, copy it, fetch it, revoke it."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_creates_fetches_and_revokes_a_feed(site: Site, world) -> None:
    """Profile → calendar feeds → new URL shown once → the .ics has the member's task → revoke → 404."""
    site.login(world.member)
    page = site.goto("/accounts/profile/")
    page.get_by_role("link", name="Manage calendar feeds").click()
    page.get_by_label("Label").fill("phone")
    page.get_by_role("button", name="Create feed URL").click()
    field = page.locator("#new-feed-url")
    expect(field).to_be_visible()
    url = field.input_value()
    assert url.startswith(site.url("/feeds/")) and url.endswith(".ics")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    site.screenshot("calendar-feeds.png")

    # A calendar client fetches it without a session.
    response = page.context.request.get(url, headers={"Cookie": ""})
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.body()).walk("VEVENT")]
    assert any("Screens" in s for s in summaries)

    # Shown once: the page's address is the plain feeds page, and a reload neither shows the URL again
    # nor makes another one; only the hint remains.
    expect(page).to_have_url(site.url("/accounts/feeds/"))
    page.reload()
    expect(page.locator("#new-feed-url")).to_have_count(0)
    expect(page.locator("#feeds tbody tr")).to_have_count(1)
    row = page.locator("#feeds tbody tr").first
    expect(row).to_contain_text("phone")
    expect(row).to_contain_text(url.removesuffix(".ics")[-4:])
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".msg-success")).to_contain_text("revoked")
    expect(row).to_contain_text("Revoked")
    assert page.context.request.get(url).status == 404
