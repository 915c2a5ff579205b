"""The home page in Chromium: the PMO's board with its charts drawn by the locally served vega bundle,
a figure linking to its page, and the tabs to the other roles' boards."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.projects.models import Project
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pmo_home_draws_charts_and_links_each_figure(site: Site, world) -> None:
    """The PMO lands on the home page, sees the red project counted and linked, the charts drawn without
    console errors, opens the figures table of a chart, then the PM's tab."""
    errors: list[str] = []
    site.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    site.page.on("pageerror", lambda exc: errors.append(str(exc)))
    Project.objects.filter(pk=world.project.pk).update(rag_overall="red")
    site.login_with_form("pmo")
    page = site.page
    expect(page).to_have_url(site.url("/home/"))
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("PMO")
    expect(page.locator("[data-figure=red]")).to_contain_text("1")
    expect(page.locator("#chart-rag[data-rendered=true] svg").first).to_be_visible(timeout=20_000)
    expect(page.locator("#chart-risks[data-rendered=true] svg").first).to_be_visible()
    expect(page.locator("#chart-spi-cpi[data-rendered=true] svg").first).to_be_visible()
    page.locator("#card-rag details summary").click()
    expect(page.locator("#card-rag details table")).to_be_visible()
    page.locator("[data-figure=red]").click()
    expect(page.locator("#results table.portfolio tbody tr td:first-child code")).to_have_text(["ALPHA"])
    page.go_back()
    page.locator("nav.tabs a[data-tab=pm]").click()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("Project manager")
    expect(page.locator("#h-my-projects")).to_be_visible()
    assert errors == []
