"""Timesheets in a real browser: typing times with the keyboard, live totals, save, submit, and the
project manager approving their project's hours in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.tracking.models import TimeEntry, TimesheetApproval, TimesheetStatus
from tests.browser.conftest import Site
from tests.tracking.test_timesheets import MON, TUE, make_sheets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_types_saves_and_submits_then_the_pm_approves(site: Site, world) -> None:
    """2h30m and 1:30 typed with the keyboard give live totals; saved, submitted; pm approves ALPHA."""
    s = make_sheets(world)
    site.login(world.member)
    page = site.goto(f"/timesheets/{MON}/")
    screens = page.locator(f'tr[data-row="t{s.screens.pk}"]')
    first = screens.locator("input.ts-input").nth(0)
    first.click()
    page.keyboard.type("2h30m")
    page.keyboard.press("ArrowRight")  # at the end of the text: the next day
    page.keyboard.type("1:30")
    page.keyboard.press("Enter")  # down to the next row, same day
    page.keyboard.type("3")
    expect(screens.locator(".ts-row-total")).to_have_text("4:00")
    expect(page.locator('tfoot .ts-day-total[data-col="1"]')).to_have_text("4:30")
    expect(page.locator("#ts-total")).to_have_text("7:00")
    # A bad cell is marked at once, and the server says why next to it.
    page.keyboard.press("ArrowDown")
    page.keyboard.type("oops")
    expect(page.locator("input.ts-invalid")).to_have_count(1)
    page.locator("#ts-save").click()
    expect(page.locator("#ts-errors")).to_contain_text("Nothing was saved")
    expect(page.locator("td.has-error .ts-error")).to_contain_text("“oops” is not a time")
    assert not TimeEntry.objects.exists()
    page.locator("input.ts-invalid, td.has-error input").first.fill("")
    page.locator("#ts-save").click()
    expect(page.locator(".msg-success")).to_contain_text("Week saved.")
    assert sorted((e.date, e.minutes) for e in TimeEntry.objects.filter(task=s.screens)) == [
        (MON, 150),
        (TUE, 90),
    ]
    expect(screens.locator("input.ts-input").nth(0)).to_have_value("2:30")
    page.locator("#ts-submit").click()
    expect(page.locator("#ts-status")).to_have_text("Submitted")
    expect(page.locator("#ts-approval-list tbody tr")).to_have_count(2)
    site.screenshot("timesheet-week.png")

    site.login(world.pm)
    page = site.goto("/timesheets/approvals/")
    alpha = TimesheetApproval.objects.get(project=s.alpha)
    row = page.locator(f"#approval-{alpha.pk}")
    expect(row).to_contain_text("4:00")
    expect(page.locator("#queue-waiting tbody tr")).to_have_count(1)  # GAMMA is pm2's
    site.mark()
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#approval-{alpha.pk} .status")).to_have_text("Approved")
    site.assert_same_document()
    alpha.refresh_from_db()
    assert alpha.status == "approved" and alpha.timesheet.status == TimesheetStatus.SUBMITTED
