"""Attendance in a real browser: clocking in and editing a day in place; the PMO importing a CSV."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.tracking.models import AttendanceDay, AttendanceMapping
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_clocks_in_and_edits_a_day_in_place(site: Site, world) -> None:
    """Clock in from the month page, then edit a day through the htmx form without a page load."""
    site.login(world.member)
    page = site.goto("/attendance/2026-06/")
    page.locator("#clock-in").click()
    expect(page.locator("#clock-out")).to_be_visible()
    page = site.goto("/attendance/2026-06/")
    site.mark()
    row = page.locator("#day-2026-06-02")
    row.get_by_role("link", name="Edit").click()
    page.locator("#day-2026-06-02 input[name=clock_in]").fill("9:00")
    page.locator("#day-2026-06-02 input[name=clock_out]").fill("2000")
    page.locator("#day-2026-06-02 input[name=break_minutes]").fill("60")
    page.locator("#day-2026-06-02 button[type=submit]").click()
    expect(page.locator("#day-2026-06-02")).to_contain_text("10:00")
    expect(page.locator("#day-2026-06-02")).to_contain_text("2:00")  # overtime beyond the 8-hour day
    site.assert_same_document()
    assert AttendanceDay.objects.get(person=world.member.person, date="2026-06-02").worked_minutes == 600


def test_pmo_imports_a_shift_jis_csv_with_a_saved_mapping(site: Site, world, tmp_path) -> None:
    """Upload a Shift_JIS file, confirm the guessed columns, save the mapping, preview, import."""
    email = world.member.person.email
    path = tmp_path / "kintai.csv"
    path.write_bytes(
        f"メール,日付,出勤,退勤,休憩,休暇\r\n{email},2026/06/01,9:00,18:00,60,\r\n{email},2026/06/02,,,,有休\r\n".encode(
            "cp932"
        )
    )
    site.login(world.pmo)
    page = site.goto("/attendance/import/")
    page.locator("#att-file").set_input_files(str(path))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#col_person")).to_have_value("メール")
    page.locator("#date_format").fill("%Y/%m/%d")
    page.locator("#save_as").fill("Kintai")
    page.locator("#preview").click()
    expect(page.locator("#preview-result")).to_contain_text("2 new days")
    page.locator("#import").click()
    expect(page.locator(".msg-success")).to_contain_text("2 days added")
    assert AttendanceDay.objects.filter(person=world.member.person).count() == 2
    assert AttendanceMapping.objects.get().name == "Kintai"
