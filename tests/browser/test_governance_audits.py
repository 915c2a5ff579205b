"""Audits in a real browser: the PM audits a project and sees its findings; the PMO waives one, reads the
portfolio's findings with the trend chart, and sees the Health column of the portfolio."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.governance.models import Finding
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_findings_waiver_and_portfolio(site: Site, world) -> None:
    """Audit ALPHA from its page, waive its baseline finding as the PMO, then read the portfolio views."""
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/findings/")
    expect(page.locator("#health-score")).to_have_text("—")
    page.locator("#project-audit-run").click()
    expect(page.locator("#finding-table")).to_contain_text("Baseline set")
    expect(page.locator("#health-score .health")).to_be_visible()
    score = int(page.locator("#health-score .health").inner_text())
    assert 0 <= score < 100

    site.logout()
    site.login(world.pmo)
    page = site.goto("/projects/ALPHA/findings/")
    page.locator("#finding-table").get_by_role("link", name="Baseline set").click()
    page.locator("#finding-waive textarea[name=reason]").fill("The baseline follows the signed contract")
    page.locator("#finding-waive button[type=submit]").click()
    expect(page.locator("#finding-status")).to_have_text("Waived")
    finding = Finding.objects.get(project=world.project, rule="hygiene.baseline")
    assert finding.status == "waived" and finding.waived_by_id == world.pmo.pk

    page = site.goto("/governance/findings/")
    expect(page.locator("#audit-matrix")).to_contain_text("ALPHA")
    expect(page.locator("#chart-audit-trend")).to_have_attribute("data-rendered", "true", timeout=15_000)
    page.locator("#id_status").select_option("waived")
    expect(page.locator("#finding-table")).to_contain_text("The project has 3 tasks and no baseline.")
    expect(page.locator("#finding-table tbody tr")).to_have_count(1)

    page = site.goto("/")
    expect(page.locator("#gov-health-ALPHA .health")).to_have_text(str(score + 10))
