"""Weekly status reports in a real browser: the PM writes, overrides and submits; the PMO returns the
report with a comment, added in place through htmx."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kuroko.reporting.models import ReportStatus, StatusReport
from kuroko.reporting.weeks import week_label, week_start
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_submits_and_pmo_returns_the_weekly_report(site: Site, world) -> None:
    """Draft on open, narrative, override with a justification, submit; the PMO comments and returns it."""
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/status-reports/")
    page.get_by_role("link", name="Draft this week's report").click()
    expect(page.locator("h1")).to_contain_text(week_label(week_start(timezone.localdate())))
    page.locator("#id_summary").fill("基本設計は予定どおり進捗しています。")
    page.get_by_role("button", name="Save narrative").click()
    expect(page.locator(".msg-success")).to_contain_text("The narrative was saved.")
    page.locator("details.status-override summary").click()
    page.locator("main select[name=dimension]").select_option("cost")
    page.locator("main select[name=rag]").select_option("amber")
    page.locator("main textarea[name=justification]").fill("外注費の増加は顧客負担で合意済み")
    page.get_by_role("button", name="Save colour").click()
    expect(page.locator('li[data-dimension="cost"]')).to_contain_text("外注費の増加は顧客負担で合意済み")
    page.get_by_role("button", name="Submit to the PMO").click()
    expect(page.locator(".msg-success")).to_contain_text("submitted to the PMO")
    expect(page.get_by_role("button", name="Save narrative")).to_have_count(0)
    report = StatusReport.objects.get(project=world.project)
    assert report.status == ReportStatus.SUBMITTED and report.rag_cost == "amber"

    site.login(world.pmo)
    page = site.goto(f"/projects/ALPHA/status-reports/{week_label(report.week)}/")
    site.mark()
    page.locator("#comments textarea").fill("リスク対策の期限を追記してください。")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comments")).to_contain_text("リスク対策の期限を追記してください。")
    site.assert_same_document()
    page.locator("#review-form select[name=decision]").select_option("return")
    page.locator("#review-form textarea[name=comment]").fill("再提出をお願いします。")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".msg-success")).to_contain_text("returned to the project manager")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
