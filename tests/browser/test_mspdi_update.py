"""Updating a project from MS Project XML in a real browser: upload, review the changes, apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kuroko.projects import services
from tests.browser.conftest import Site
from tests.projects.test_import import mspdi
from tests.projects.test_mspdi_update import version_2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_updates_a_project_from_a_later_file(site: Site, world, tmp_path: Path) -> None:
    """From the project page: choose the file, see the diff (nothing saved), apply, land on the project."""
    project = services.project_import_mspdi(actor=world.pm, data=mspdi(), code="IMP")
    file = tmp_path / "plan-v2.xml"
    file.write_bytes(version_2())
    site.login(world.pm)
    page = site.goto("/projects/IMP/")
    page.get_by_role("link", name="Update from a file").click()
    page.get_by_label("Project file").set_input_files(str(file))
    page.get_by_role("button", name="Show the changes").click()
    diff = page.locator("section.import-diff")
    expect(diff.get_by_role("heading", name="1 task added")).to_be_visible()
    expect(diff.locator("table.diff-changed")).to_contain_text("Analyse deeply")
    expect(diff.locator("ul.diff-removed")).to_contain_text("Write")
    site.screenshot("mspdi-update.png")
    assert not project.tasks.filter(name="Test").exists()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page).to_have_url(site.url("/projects/IMP/"))
    expect(page.locator(".msg-success")).to_contain_text("Tasks added: 1, changed: 2, removed: 1.")
    expect(page.locator("#wbs")).to_contain_text("Analyse deeply")
    assert project.tasks.filter(name="Test").exists()
