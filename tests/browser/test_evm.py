"""The earned value page in Chromium: figures, the S-curve and trend drawn by the locally served
vega-embed bundle without console errors, and the unit switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.tracking.test_evm import measured  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evm_page_draws_charts_and_switches_unit(site: Site, world, measured) -> None:  # noqa: F811
    """The PM opens EVM1's earned value, sees both charts drawn as SVG, switches to hours: no errors."""
    errors: list[str] = []
    site.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    site.page.on("pageerror", lambda exc: errors.append(str(exc)))
    site.login(world.pm)
    page = site.goto("/projects/EVM1/evm/?status_date=2027-04-07")
    expect(page.locator("#fig-bac")).to_have_text("520,000")
    expect(page.locator("#chart-s-curve[data-rendered=true] svg").first).to_be_visible(timeout=20_000)
    expect(page.locator("#chart-trend[data-rendered=true] svg").first).to_be_visible()
    expect(page.locator("#chart-s-curve svg text", has_text="EV (earned value)")).to_have_count(1)
    page.locator("#evm-unit").select_option("hours")
    page.locator("#evm-form button[type=submit]").click()
    expect(page.locator("#fig-bac")).to_have_text("120.0")
    expect(page).to_have_url(re.compile(r"unit=hours"))
    expect(page.locator("#chart-s-curve[data-rendered=true] svg").first).to_be_visible(timeout=20_000)
    assert errors == []
