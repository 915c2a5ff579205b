"""The risk register in Chromium: add a risk, edit a row inline (htmx, no page load), click a heat-map
cell and see the register filtered to it, export the register to Excel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kuroko.raid import services
from kuroko.raid.models import Risk
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_edit_filter_and_export(site: Site, world) -> None:
    """The PM adds a risk, raises its probability inline, filters by its heat-map cell and exports."""
    errors: list[str] = []
    site.page.on("pageerror", lambda exc: errors.append(str(exc)))
    jam = {"title": "Printer jam", "probability": 1, "impact_cost": 1}
    services.risk_create(actor=world.pm, project=world.project, data=jam)
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/risks/")
    form = page.locator("#add-risk form")
    form.locator("#id_title").fill("Vendor late")
    form.locator("#id_probability").select_option("3")
    form.locator("#id_impact_schedule").select_option("4")
    form.locator("button[type=submit]").click()
    risk = Risk.objects.get(title="Vendor late")
    row = page.locator(f"#risk-{risk.pk}")
    expect(row).to_contain_text("R-002")
    expect(row).to_contain_text("12")

    site.mark()
    row.get_by_role("button", name="Edit R-002").click()
    editing = page.locator(f"#risk-{risk.pk}.editing")
    expect(editing).to_be_visible()
    editing.locator("select[name=probability]").select_option("5")
    editing.get_by_role("button", name="Save").click()
    expect(page.locator(f"#risk-{risk.pk}:not(.editing)")).to_contain_text("20")
    expect(page.locator(f"#risk-{risk.pk}")).to_contain_text("Critical")
    expect(page.locator('#heatmap a[data-cell="5-4"]')).to_have_text("1")
    site.assert_same_document()

    page.locator('#heatmap a[data-cell="5-4"]').click()
    expect(page.locator("#cell-filter")).to_contain_text("probability 5 × impact 4")
    expect(page.locator("#risk-table tbody tr")).to_have_count(1)
    expect(page.locator("#risk-table")).not_to_contain_text("Printer jam")
    expect(page).to_have_url(re.compile(r"probability=5&impact=4"))
    site.assert_same_document()

    with page.expect_download() as download:
        page.locator("#risk-export").click()
    assert download.value.suggested_filename.startswith("ALPHA-risks-")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []
