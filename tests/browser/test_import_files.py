"""Importing a project file in a real browser: the page lists the formats, a PSPLIB file becomes a project."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Site
from tests.projects.test_import_files import SMALL_SM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_imports_a_psplib_file(site: Site, world, tmp_path: Path) -> None:
    """From the portfolio: Import a project, choose the file, leave the code empty, land on the project."""
    file = tmp_path / "j-small.sm"
    file.write_text(SMALL_SM)
    site.login(world.pm)
    page = site.goto("/")
    page.get_by_role("link", name="Import a project").click()
    expect(page.get_by_text("GanttProject (.gan)")).to_be_visible()
    page.get_by_label("Project file").set_input_files(str(file))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(site.url("/projects/J-SMALL/"))
    expect(page.locator(".msg-success")).to_contain_text("Project J-SMALL imported with 6 tasks.")
    expect(page.locator("#wbs")).to_contain_text("Job 4")
