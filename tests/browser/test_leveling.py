"""Levelling in a real browser: the PM asks for a proposal, reads why a task moves, applies it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.projects.models import LevelingRun, Task
from tests.browser.conftest import Site
from tests.projects.test_leveling import clash  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_levels_a_project_and_applies_the_proposal(site: Site, world, clash) -> None:  # noqa: F811
    _project, _screens, review = clash
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/")
    page.get_by_role("button", name="Level resources").click()
    expect(page.get_by_role("heading", name="Tasks moved and why")).to_be_visible()
    moves = page.locator("#leveling-moves")
    expect(moves).to_contain_text("Review")
    expect(moves).to_contain_text(f"{world.member.person} has 8.0 h of 8.0 h booked on 2027-03-01")
    expect(moves).to_contain_text("Screens")
    expect(page.locator("#over-before")).to_have_text("2")
    expect(page.locator("#over-after")).to_have_text("0")
    site.screenshot("leveling-proposal.png")
    review.refresh_from_db()
    assert review.level_start is None  # nothing changes before "Apply"
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".msg-success")).to_contain_text("Levelling applied")
    expect(page.locator("[data-status]")).to_have_text("Applied")
    assert Task.objects.get(pk=review.pk).level_start is not None
    assert LevelingRun.objects.get().status == "applied"
    page = site.goto("/projects/ALPHA/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear levelling (1 task)").click()
    expect(page.locator(".msg-success")).to_contain_text("Levelling cleared")
    assert Task.objects.get(pk=review.pk).level_start is None
