"""Staffing in a real browser: suggestions per placeholder, "Fill all optimally", review, apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.projects.models import Assignment
from tests.browser.conftest import Site
from tests.projects.test_staffing import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_fills_placeholders_with_the_proposal(site: Site, world) -> None:
    """From the project page: Staffing lists the suggestions; the proposal comes in place (htmx, nothing
    saved); applying it assigns the people and says who."""
    staff = make_staff(world)
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/")
    page.get_by_role("link", name="Staffing").click()
    expect(page.locator("h1")).to_contain_text("Staffing")
    screens = page.locator(f"#placeholder-assignment-{staff.screens.pk}")
    expect(screens.locator("table.candidates tbody tr")).to_have_count(2)
    expect(screens.locator("table.candidates tbody tr").first).to_contain_text("Java level 5 (needs 3)")
    site.mark()
    page.get_by_role("link", name="Fill all optimally").click()
    proposal = page.locator("section.staffing-proposal")
    expect(proposal).to_contain_text("2 of 3 slots filled")
    expect(proposal.locator("table.proposal-fills tbody tr")).to_have_count(2)
    expect(proposal.locator("ul.proposal-unfilled")).to_contain_text("proposed for another slot")
    site.assert_same_document()
    site.screenshot("staffing.png")
    assert not Assignment.objects.filter(person=staff.aoki).exists()
    proposal.get_by_role("button", name="Apply this proposal").click()
    expect(page.locator(".msg-success")).to_contain_text("2 people assigned: Aoki, Eto.")
    expect(page).to_have_url(site.url("/projects/ALPHA/staffing/"))
    assert Assignment.objects.filter(person=staff.aoki, task=staff.screens.task).exists()
    assert Assignment.objects.filter(person=staff.eto, task=staff.review.task).exists()
    # One slot of Screens is still open: Eto, half-time and now on Review, can still take it.
    screens = page.locator(f"#placeholder-assignment-{staff.screens.pk}")
    screens.get_by_role("button", name="Assign Eto").click()
    expect(page.locator(".msg-success")).to_contain_text("1 person assigned: Eto.")
    expect(page.locator(f"#placeholder-assignment-{staff.screens.pk}")).to_have_count(0)
    assert not Assignment.objects.filter(placeholder__isnull=False).exists()


def test_who_is_free_form_updates_the_table_in_place(site: Site, world) -> None:
    """From the resources page: the form's answer replaces the table without a page load."""
    staff = make_staff(world)
    site.login(world.member)
    page = site.goto("/resources/")
    page.get_by_role("link", name="Who is free").click()
    site.mark()
    page.get_by_label("From").fill("2026-04-06")
    page.get_by_label("Working days").fill("5")
    page.get_by_label("Skill").select_option(label="Java")
    page.get_by_label("Level at least").fill("3")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#free-search h2")).to_contain_text("2026-04-06 – 2026-04-10 (5 working days)")
    expect(page.locator("table.free-people tbody th")).to_have_text([str(staff.aoki), str(staff.eto)])
    site.assert_same_document()
    assert "start=2026-04-06" in page.url
