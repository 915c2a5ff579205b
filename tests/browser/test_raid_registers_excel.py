"""The issue register's Excel export and import in Chromium: export, edit the file, upload it, check the
preview (nothing written yet), import, and see the register changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kuroko.raid import services
from kuroko.raid.models import Issue
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_edit_and_import_issues(site: Site, world, tmp_path: Path) -> None:
    """The PM exports the issues, renames one and adds a row in the file, previews and imports it."""
    errors: list[str] = []
    site.page.on("pageerror", lambda exc: errors.append(str(exc)))
    services.issue_create(
        actor=world.pm, project=world.project, data={"title": "Vendor is late", "severity": "high"}
    )
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/issues/")
    with page.expect_download() as download:
        page.locator("#issues-export").click()
    assert download.value.suggested_filename.startswith("ALPHA-issues-")
    file = tmp_path / "issues.xlsx"
    download.value.save_as(file)

    book = load_workbook(file)
    ws = book.active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("No.") + 1).value == "I-001"
    ws.cell(2, header.index("Title") + 1).value = "Vendor is very late"
    ws.cell(2, header.index("Severity") + 1).value = "Critical"
    ws.append({header.index("Title") + 1: "Printer broken", header.index("Affected tasks") + 1: "1.2"})
    book.save(file)

    page.locator("#issues-import").click()
    expect(page.get_by_role("heading", name="Import issues from Excel")).to_be_visible()
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(file))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Add: 1")
    expect(preview).to_contain_text("Update: 1")
    expect(preview.locator("tr.row-update")).to_contain_text("Title, Severity")
    expect(preview.locator("tr.row-add")).to_contain_text("I-002")
    site.screenshot("issues-import-preview.png")
    assert Issue.objects.get(number=1).title == "Vendor is late" and Issue.objects.count() == 1

    page.get_by_role("button", name="Import these rows").click()
    expect(page).to_have_url(site.url("/projects/ALPHA/issues/"))
    expect(page.locator(".msg-success")).to_contain_text("1 added, 1 updated, 0 unchanged")
    expect(page.locator("#issue-table")).to_contain_text("Vendor is very late")
    expect(page.locator("#issue-table")).to_contain_text("Printer broken")
    issue = Issue.objects.get(number=2)
    assert [t.wbs_code for t in issue.tasks.all()] == ["1.2"]
    assert Issue.objects.get(number=1).severity == "critical"
    assert errors == []
