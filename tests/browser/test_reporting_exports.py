"""Report exports in a real browser: the executive summary filtered by week without a page load, the
executive pack downloaded, and a project manager scheduling their project's weekly report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kuroko.reporting.models import GeneratedReport, ReportSchedule
from tests.browser.conftest import Site
from tests.reporting.test_exports import LAST_WEEK, WEEK, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_summary_week_filter_pack_download_and_schedule(site: Site, world, settings, tmp_path) -> None:
    """The PMO sees the week's matrix with the worsening arrow, switches the program through htmx,
    downloads the executive pack; the PM schedules their project's report."""
    settings.DATA_DIR = tmp_path / "data"
    make_report(world.project, LAST_WEEK, rag="green")
    make_report(world.project, WEEK, rag="red")
    site.login(world.pmo)
    page = site.goto("/reports/?week=2026-W47")
    expect(page.locator("#matrix-ALPHA")).to_contain_text("Red")
    expect(page.locator("#matrix-ALPHA .rag-worse").first).to_be_visible()
    # The trend charts are drawn across the card (a "container" width once shrank them to nothing).
    charts = page.locator("[data-chart][data-rendered=true]")
    expect(charts.first).to_be_visible(timeout=20_000)
    assert all((c.bounding_box() or {"width": 0})["width"] > 300 for c in charts.all())
    site.mark()
    page.locator("#id_program").select_option("PG1")
    expect(page).to_have_url(re.compile(r"program=PG1"))
    expect(page.locator("#matrix-ALPHA")).to_be_visible()
    site.assert_same_document()
    with page.expect_download() as download:
        page.locator("#export-pptx").click()
    assert download.value.suggested_filename == "executive-pack-PG1-2026-W47.pptx"
    assert GeneratedReport.objects.get().kind == "executive_pack"

    site.login(world.pm)
    page = site.goto("/reports/schedules/new/?project=ALPHA")
    page.locator("#id_name").fill("ALPHA 週報")
    page.locator("#id_formats_1").check()
    page.locator("main form#schedule-form button[type=submit]").click()
    expect(page.locator("#schedule-table")).to_contain_text("ALPHA 週報")
    schedule = ReportSchedule.objects.get()
    assert schedule.owner == world.pm and schedule.formats == ["pdf", "xlsx"]
