"""The resource heatmap in Chromium: a click on a cell loads the tasks behind it without a page load;
switching the scale redraws the grid by month."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(world):
    """Member on Screens (ALPHA, 6–10 April 2026) at 100 %, and tentatively on Review."""
    from kuroko.projects import services
    from kuroko.projects.models import Task

    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    member = world.member.person
    services.assignment_set(actor=world.admin, task=Task.objects.get(pk=world.owned_task.pk), person=member)
    services.assignment_set(
        actor=world.admin, task=Task.objects.get(pk=world.plain_task.pk), person=member, booking="tentative"
    )
    return world


def test_click_a_cell_for_its_tasks_then_switch_to_months(site: Site, plan) -> None:
    """The member's first week shows 100 %; clicking it lists Screens and Review under the table in the
    same document; choosing the month scale shows April and May columns."""
    site.login(plan.pm)
    page = site.goto("/resources/?start=2026-04-06&periods=4")
    row = page.locator(f"table.heatmap tr[data-person='{plan.member.person.pk}']")
    cell = row.locator("button.cell").first
    expect(cell).to_have_text("100%+")
    site.mark()
    cell.click()
    drill = page.locator("#drill")
    expect(drill.locator("table.drill-tasks tbody tr")).to_have_count(2)
    expect(drill).to_contain_text("Screens")
    expect(drill).to_contain_text("Review")
    expect(drill).to_contain_text("ALPHA")
    expect(cell).to_have_attribute("aria-pressed", "true")
    site.assert_same_document()
    page.locator("#id_scale").select_option("month")
    expect(page.locator("table.heatmap.scale-month")).to_be_visible()
    expect(page.locator("table.heatmap thead th").nth(1)).to_have_text("2026-04")
    april = page.locator(f"table.heatmap tr[data-person='{plan.member.person.pk}'] button.cell").first
    april.click()
    expect(page.locator("#drill")).to_contain_text("2026-04-01 – 2026-04-30")
