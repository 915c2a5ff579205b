"""Excel WBS in a real browser: upload a Japanese sheet, check the mapping and the preview, create the
project; then export it, edit the sheet, see the diff and apply it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kuroko.projects.models import Project
from kuroko.projects.services import project_export_xlsx
from tests.browser.conftest import Site
from tests.formats.test_excel_wbs import levels_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_map_preview_create(site: Site, world, tmp_path: Path) -> None:
    """Upload → the detected mapping and preview → fix a problem by mapping → create the project."""
    file = tmp_path / "計画.xlsx"
    file.write_bytes(levels_sheet())
    site.login(world.pm)
    page = site.goto("/projects/import/")
    page.get_by_role("link", name="Excel WBS").click()
    page.get_by_label("Excel WBS file (.xlsx)").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="6 tasks read")).to_be_visible()
    expect(page.locator("table.tree")).to_contain_text("画面設計")
    expect(page.get_by_label("Hierarchy")).to_have_value("levels")
    site.screenshot("excel-preview.png")
    # Map the start column onto the notes: "初版" does not read as a date, so the report names the row
    # and column and nothing can be created.
    page.get_by_label("Notes").select_option("")
    page.get_by_label("Planned start").select_option("備考")
    page.get_by_role("button", name="Check the rows").click()
    report = page.locator("section.excel-report")
    expect(report).to_contain_text("備考")
    expect(report.locator("tbody tr").first).to_contain_text("6")
    site.screenshot("excel-report.png")
    page.get_by_label("Planned start").select_option("予定開始")
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_label("Code of the new project").fill("XLB")
    page.get_by_role("button", name="Create project").click()
    expect(page).to_have_url(site.url("/projects/XLB/"))
    expect(page.locator("#wbs")).to_contain_text("結合テスト")
    assert Project.objects.get(code="XLB").tasks.count() == 6


def test_reimport_diff_and_apply(site: Site, world, tmp_path: Path) -> None:
    """Export, rename a task in the sheet, update from it: the diff lists the change; apply saves it."""
    book = load_workbook(io.BytesIO(project_export_xlsx(actor=world.pm, project=world.project)))
    ws = book.active
    ws.cell(3, 3).value = "Screens and forms"
    file = tmp_path / "alpha.xlsx"
    book.save(file)
    site.login(world.pm)
    page = site.goto(f"/projects/{world.project.code}/")
    page.get_by_role("link", name="Update from Excel").click()
    page.get_by_label("Excel WBS file (.xlsx)").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()
    diff = page.locator("section.import-diff")
    expect(diff.locator("table.diff-changed")).to_contain_text("Screens and forms")
    site.screenshot("excel-reimport.png")
    assert not world.project.tasks.filter(name="Screens and forms").exists()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page).to_have_url(site.url(f"/projects/{world.project.code}/"))
    expect(page.locator("#wbs")).to_contain_text("Screens and forms")


def test_a_broken_file_is_refused_on_the_page(site: Site, world, tmp_path: Path) -> None:
    """A file that is not a workbook: the message on the upload form, nothing else."""
    file = tmp_path / "plan.xlsx"
    file.write_bytes(b"not a workbook")
    site.login(world.pm)
    page = site.goto("/projects/import/excel/")
    page.get_by_label("Excel WBS file (.xlsx)").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("form .field.has-error")).to_contain_text(".xlsx")
    assert not Project.objects.filter(code__startswith="XL").exists()
