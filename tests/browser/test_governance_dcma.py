"""Schedule quality in a real browser: the DCMA page's fourteen checks and a check opened onto its tasks."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from kuroko.projects import services
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_opens_a_failed_check_onto_its_tasks(site: Site, world) -> None:
    """From the project page to the DCMA report: 14 checks, then the tasks of the resources check."""
    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 11, 23), "status_date": date(2026, 11, 23)},
        expected_version=None,
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    services.baseline_capture(actor=world.admin, project=world.project)
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/")
    page.get_by_role("link", name="Schedule quality (DCMA 14)").click()
    expect(page.locator("#dcma-checks tr.dcma-check")).to_have_count(14)
    expect(page.locator("#dcma-summary")).to_contain_text("checks passed")
    expect(page.locator("#dcma-resources")).to_contain_text("Fail")
    tasks = page.locator("#dcma-resources-tasks")
    expect(tasks.get_by_role("link", name="Review")).not_to_be_visible()
    tasks.locator("summary").click()
    expect(tasks.get_by_role("link", name="Review")).to_be_visible()
    tasks.get_by_role("link", name="Review").click()
    expect(page).to_have_url(site.url(f"/projects/ALPHA/#task-{world.plain_task.pk}"))
