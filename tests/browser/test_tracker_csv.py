"""Importing a Redmine CSV export as a new project in a real browser: upload, map, preview, create."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kuroko.projects.models import Project
from tests.browser.conftest import Site
from tests.formats.test_tracker_csv import REDMINE_JA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_creates_a_project_from_redmine(site: Site, world, tmp_path: Path) -> None:
    """From the portfolio: choose the Shift_JIS file, see the columns detected, preview, create."""
    file = tmp_path / "issues.csv"
    file.write_bytes(REDMINE_JA.encode("cp932"))
    site.login(world.pm)
    page = site.goto("/")
    page.get_by_role("link", name="Import a project").click()
    page.get_by_role("link", name="Redmine, Jira or Backlog CSV").click()
    page.get_by_label("CSV export of Redmine, Jira or Backlog").set_input_files(str(file))
    page.get_by_role("button", name="Next: choose the columns").click()
    expect(page.get_by_label("Tracker", exact=True)).to_have_value("redmine")
    expect(page.get_by_label("Related issues (Redmine)")).to_have_value("関連するチケット")
    page.get_by_label("Save this mapping as").fill("Redmine (ja)")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#tracker-preview-tasks")
    expect(preview.get_by_role("heading", name="4 tasks from issues.csv")).to_be_visible()
    expect(preview).to_contain_text("画面設計")
    site.screenshot("tracker-preview.png")
    assert not Project.objects.filter(code="RM-JA").exists()
    page.get_by_label("Code of the new project").fill("RM-JA")
    page.get_by_label("Name", exact=True).fill("基幹システム")
    page.get_by_role("button", name="Create the project").click()
    expect(page).to_have_url(site.url("/projects/RM-JA/"))
    expect(page.locator(".msg-success")).to_contain_text("imported with 4 tasks")
    expect(page.locator("#wbs")).to_contain_text("画面設計")
