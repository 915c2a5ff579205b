"""A phase gate in a real browser: the PM adds a criterion in place and opens a review naming the PMO; the
PMO answers the checklist item, is refused "go" while the deliverable is not approved, records a
conditional go with an action; the project page's card and the portfolio gates page show the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kuroko.governance.models import GateReview
from kuroko.governance.services import gates as services
from kuroko.raid.models import ActionItem
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gate_review_decided_conditional_go_shows_on_project_and_portfolio(site: Site, world) -> None:
    """Add a criterion in place, open a review, answer, vote conditional go with an action, see it."""
    phase = services.phase_create(
        actor=world.pm,
        project=world.project,
        data={"name": "Design", "task": world.summary, "gate_date": timezone.localdate() + timedelta(days=3)},
    )
    services.deliverable_create(
        actor=world.pm, project=world.project, data={"name": "Basic design document", "phase": phase}
    )
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/gates/")
    site.mark()
    section = page.locator(f"#phase-{phase.pk}")
    section.locator("summary", has_text="Add a criterion").click()
    section.locator("select[name=kind]").select_option("checklist")
    section.locator("input[name=text]").fill("Customer signed off")
    section.get_by_role("button", name="Add the criterion").click()
    expect(section.locator(".gate-criteria")).to_contain_text("Customer signed off")
    site.assert_same_document()
    section = page.locator(f"#phase-{phase.pk}")
    section.locator("summary", has_text="Add a criterion").click()
    section.locator("select[name=kind]").select_option("deliverable")
    section.locator("select[name=deliverable]").select_option(label="Basic design document")
    section.get_by_role("button", name="Add the criterion").click()
    expect(page.locator(f"#phase-{phase.pk} .gate-criteria")).to_contain_text(
        "Basic design document approved"
    )

    page.locator(f"#phase-{phase.pk}").get_by_role("link", name="Open gate review").click()
    page.locator("#id_approvers").select_option(str(world.pmo.person.pk))
    page.get_by_role("button", name="Open the review").click()
    expect(page.locator("h1")).to_contain_text("Gate review: Design")
    review = GateReview.objects.get()

    site.login(world.pmo)
    page = site.goto(f"/gate-reviews/{review.pk}/")
    checklist = page.locator("#answers tr", has_text="Customer signed off")
    checklist.locator("select[name=result]").select_option("pass")
    checklist.get_by_role("button", name="Save").click()
    expect(page.locator("#answers tr", has_text="Customer signed off")).to_contain_text("Met")
    page.locator("#decide-form input[value=go]").check()
    page.get_by_role("button", name="Record the gate decision").click()
    expect(page.locator("#decide-form .msg-error")).to_contain_text("Basic design document approved")
    page.locator("#decide-form input[value=conditional]").check()
    page.locator("#id_conditions").fill("Approve the design document in week 1 of build")
    page.locator("#id_action_1_title").fill("Get the design document approved")
    page.locator("#id_action_1_owner").select_option(str(world.pm.person.pk))
    page.locator("#id_action_1_due").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Record the gate decision").click()
    expect(page.locator("#review-decision")).to_have_text("Conditional go")
    expect(page.locator("#review-actions")).to_contain_text("Get the design document approved")
    assert ActionItem.objects.get().owner == world.pm.person
    site.screenshot("gate-review.png")

    site.login(world.pm)
    page = site.goto("/projects/ALPHA/")
    expect(page.locator("#gate-card-state")).to_have_text("conditional")
    expect(page.locator("#gate-card")).to_contain_text("Design")
    page = site.goto("/governance/gates/")
    decided = page.locator("#gates-decided")
    expect(decided).to_contain_text("ALPHA")
    expect(decided.locator(".gate-conditional")).to_have_text("conditional")
    site.screenshot("portfolio-gates.png")
