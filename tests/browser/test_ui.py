"""The main pages in a real browser (Chromium through Playwright) against the live server.

Run with `pytest -m browser tests/browser`. The screenshot test writes PNGs to $KUROKO_SCREENSHOT_DIR
(default build/screenshots/) and, with KUROKO_UPDATE_DOCS_SCREENSHOTS=1, to docs/screenshots/ as well.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]


def translated(message: str, language: str = "ja") -> str:
    """`message` in `language` as the catalogue has it (itself when untranslated)."""
    with translation.override(language):
        return translation.gettext(message)


def results_rows(page: Page) -> Locator:
    return page.locator("#results table.portfolio tbody tr")


def result_codes(page: Page) -> Locator:
    return page.locator("#results table.portfolio tbody tr td:first-child code")


def stat(page: Page, label: str) -> Locator:
    """The value of one summary figure above the portfolio table, by its label."""
    return (
        page.locator("#results .summary .stat")
        .filter(has=page.locator(".stat-label", has_text=re.compile(rf"^{re.escape(label)}$")))
        .locator(".stat-value")
    )


def total(page: Page) -> Locator:
    return page.locator("#results .summary .stat").first.locator(".stat-value")


# --- 1. Logging in and out ------------------------------------------------------------------------


def test_login_wrong_password_then_right_one_then_logout(site: Site, world) -> None:
    page = site.page
    site.login_with_form("pm", "not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".login [role=alert]")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("pm")

    site.login_with_form("pm")
    # Signing in lands on the home page (the role's dashboard).
    expect(page).to_have_url(site.url("/home/"))
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.locator("details.usermenu summary")).to_contain_text(str(world.pm.person))
    # A project manager sees the projects they manage, not the others.
    site.goto("/")
    expect(result_codes(page)).to_have_text(["ALPHA"])

    site.logout()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("details.usermenu")).to_have_count(0)
    site.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_login_returns_to_the_page_asked_for(site: Site, world) -> None:
    page = site.page
    site.goto("/projects/ALPHA/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/projects/ALPHA/"))
    page.locator("#id_username").fill("pm")
    page.locator("#id_password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(site.url("/projects/ALPHA/"))
    expect(page.locator("h1")).to_contain_text("Alpha")


# --- 2. Portfolio filters, sorting, pagination ---------------------------------------------------


@pytest.fixture
def many_projects(world) -> None:
    """55 projects in a second program beside ALPHA and BETA (57 for the PMO): 11 on hold, the rest
    active; names are shuffled against codes so that sorting by name differs from sorting by code."""
    from kuroko.projects.models import Status
    from tests.factories import ProgramFactory, ProjectFactory

    growth = ProgramFactory(code="PG2", name="Growth")
    for i in range(1, 56):
        ProjectFactory(
            code=f"P-{i:03d}",
            name="Zebra crossing" if i == 7 else f"Project {(i * 7) % 55 + 1:02d}",
            program=growth,
            status=Status.ON_HOLD if i % 5 == 0 else Status.ACTIVE,
            budget=Decimal(1000 * i),
        )


ON_HOLD_BY_CODE = [f"P-{i:03d}" for i in range(5, 56, 5)]
# Names of the on-hold projects: P-005 "Project 36", P-010 "Project 16", …, P-055 "Project 01".
ON_HOLD_BY_NAME = [
    code for _name, code in sorted((f"Project {(i * 7) % 55 + 1:02d}", f"P-{i:03d}") for i in range(5, 56, 5))
]


def test_portfolio_filters_sorting_and_pagination_use_htmx(site: Site, world, many_projects) -> None:
    page = site.page
    site.login(world.pmo)
    site.goto("/")
    expect(total(page)).to_have_text("57")
    expect(stat(page, "Active")).to_have_text("46")
    expect(stat(page, "On hold")).to_have_text("11")
    expect(results_rows(page)).to_have_count(50)
    expect(page.locator("#results .pagination")).to_contain_text("Page 1 of 2 (57 in all)")
    site.mark()

    # Pagination swaps the results in place and pushes the page number into the URL.
    page.locator("#results .pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(results_rows(page)).to_have_count(7)
    expect(page.locator("#results .pagination")).to_contain_text("Page 2 of 2 (57 in all)")
    expect(result_codes(page).last).to_have_text("P-055")
    site.assert_same_document()

    # Typing in the search box filters as you type (after a short pause).
    page.locator("#id_q").fill("zebra")
    expect(result_codes(page)).to_have_text(["P-007"])
    expect(total(page)).to_have_text("1")
    expect(page).to_have_url(re.compile(r"[?&]q=zebra\b"))
    expect(page.locator("#results .pagination")).to_have_count(0)
    site.assert_same_document()

    page.locator("#id_q").fill("")
    expect(total(page)).to_have_text("57")

    # Choosing a program.
    page.locator("#id_program").select_option(label="Core")
    expect(result_codes(page)).to_have_text(["ALPHA", "BETA"])
    expect(total(page)).to_have_text("2")
    expect(stat(page, "On hold")).to_have_text("0")
    expect(page).to_have_url(re.compile(r"[?&]program=PG1\b"))
    site.assert_same_document()

    # Back to all programs, then tick one status.
    page.locator("#id_program").select_option(value="")
    expect(total(page)).to_have_text("57")
    page.get_by_role("checkbox", name="On hold").check()
    expect(total(page)).to_have_text("11")
    expect(stat(page, "On hold")).to_have_text("11")
    expect(stat(page, "Active")).to_have_text("0")
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_CODE)
    expect(page).to_have_url(re.compile(r"[?&]status=on_hold\b"))
    site.assert_same_document()

    # Sorting by clicking column headers keeps the filters; a second click reverses the order.
    headers = page.locator("#results thead")
    headers.get_by_role("link", name="Project").click()
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_NAME)
    expect(page).to_have_url(re.compile(r"[?&]sort=name\b"))
    expect(page).to_have_url(re.compile(r"[?&]status=on_hold\b"))
    expect(headers.get_by_role("link", name="Project")).to_have_attribute("aria-sort", "ascending")
    headers.get_by_role("link", name="Project").click()
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_NAME[::-1])
    expect(page).to_have_url(re.compile(r"[?&]sort=-name\b"))
    expect(headers.get_by_role("link", name="Project")).to_have_attribute("aria-sort", "descending")
    headers.get_by_role("link", name="Code").click()
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_CODE)
    expect(total(page)).to_have_text("11")
    site.assert_same_document()

    # A full load of the pushed URL shows the same results.
    page.reload()
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_CODE)
    expect(page.get_by_role("checkbox", name="On hold")).to_be_checked()


def test_portfolio_sort_order_survives_a_filter_change(site: Site, world, many_projects) -> None:
    page = site.page
    site.login(world.pmo)
    site.goto("/?status=on_hold")
    page.locator("#results thead").get_by_role("link", name="Project").click()
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_NAME)
    page.locator("#id_program").select_option(label="Growth")
    expect(page).to_have_url(re.compile(r"[?&]program=PG2\b"))
    expect(result_codes(page)).to_have_text(ON_HOLD_BY_NAME, timeout=2_000)


# --- 3. Editing the WBS ---------------------------------------------------------------------------


def row_of(page: Page, task: Any) -> Locator:
    return page.locator(f"#task-{task.pk}")


def wbs_code(page: Page, task: Any) -> Locator:
    return row_of(page, task).locator("td.wbs")


def row_named(page: Page, name: str) -> Locator:
    return page.locator("#wbs tbody tr").filter(
        has=page.locator(".task-name", has_text=re.compile(rf"^{re.escape(name)}$"))
    )


def test_project_manager_edits_the_wbs(site: Site, world) -> None:
    from kuroko.projects.models import Task

    page = site.page
    site.login(world.pm)
    site.goto("/projects/ALPHA/")
    review, screens, design = world.plain_task, world.owned_task, world.summary
    expect(wbs_code(page, review)).to_have_text("1.2")
    expect(row_of(page, design).locator(".pct")).to_have_text("0%")
    site.mark()

    # An invalid duration is refused next to its field and nothing is saved.
    row_of(page, review).get_by_role("button", name="Edit Review").click()
    editor = row_of(page, review)
    expect(editor).to_have_class(re.compile(r"\bediting\b"))
    editor.locator("#id_name").fill("Not saved")
    editor.locator("#id_duration").fill("abc")
    editor.get_by_role("button", name="Save").click()
    duration_field = editor.locator(".field").filter(has=page.locator("#id_duration"))
    expect(duration_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(duration_field.locator(".error")).to_be_visible()
    expect(editor.locator("#id_duration")).to_have_value("abc")
    assert Task.objects.get(pk=review.pk).name == "Review"
    assert Task.objects.get(pk=review.pk).duration_minutes == 960

    # Correct the form in place: rename, set progress and duration. The summary row rolls progress up.
    editor.locator("#id_name").fill("Review specs")
    editor.locator("#id_percent_complete").fill("50")
    editor.locator("#id_duration").fill("3d")
    editor.get_by_role("button", name="Save").click()
    expect(row_of(page, review).locator(".task-name")).to_have_text("Review specs")
    expect(row_of(page, review).locator(".pct")).to_have_text("50%")
    expect(row_of(page, review).locator("td.num").first).to_have_text("3d")
    # Duration-weighted as in MS Project: (5d × 0% + 3d × 50%) / 8d = 18.75%.
    expect(row_of(page, design).locator(".pct")).to_have_text("19%")
    saved = Task.objects.get(pk=review.pk)
    assert (saved.name, saved.percent_complete, saved.duration_minutes) == ("Review specs", 50, 3 * 480)

    # Indent under the task above, then outdent back.
    row_of(page, review).get_by_role("button", name="Indent Review specs").click()
    expect(wbs_code(page, review)).to_have_text("1.1.1")
    expect(row_of(page, screens)).to_have_class(re.compile(r"\bkind-summary\b"))
    row_of(page, review).get_by_role("button", name="Outdent Review specs").click()
    expect(wbs_code(page, review)).to_have_text("1.2")
    expect(row_of(page, screens)).to_have_class(re.compile(r"\bkind-task\b"))

    # Move up and down among siblings.
    row_of(page, review).get_by_role("button", name="Move up Review specs").click()
    expect(wbs_code(page, review)).to_have_text("1.1")
    expect(wbs_code(page, screens)).to_have_text("1.2")
    expect(page.locator("#wbs tbody tr .task-name")).to_have_text(["Design", "Review specs", "Screens"])
    row_of(page, review).get_by_role("button", name="Move down Review specs").click()
    expect(wbs_code(page, review)).to_have_text("1.2")
    expect(page.locator("#wbs tbody tr .task-name")).to_have_text(["Design", "Screens", "Review specs"])

    # A structural change that is not possible shows why.
    row_of(page, design).get_by_role("button", name="Outdent Design").click()
    expect(page.locator("#wbs [role=alert]")).to_contain_text("already at the top level")

    # Add a task with the form below the table.
    page.locator("#new-task-name").fill("Deploy")
    page.get_by_role("button", name="Add task").click()
    deploy = row_named(page, "Deploy")
    expect(deploy.locator("td.wbs")).to_have_text("2")
    expect(page.locator("#new-task-name")).to_have_value("")

    # Delete asks first: dismissing keeps the task, accepting deletes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    deploy.get_by_role("button", name="Delete Deploy").click()
    expect(deploy).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    deploy.get_by_role("button", name="Delete Deploy").click()
    expect(deploy).to_have_count(0)
    assert not Task.objects.filter(project=world.project, name="Deploy").exists()
    expect(page.locator("#wbs tbody tr")).to_have_count(3)
    site.assert_same_document()


def test_inline_editor_focuses_its_first_field(site: Site, world) -> None:
    page = site.page
    site.login(world.pm)
    site.goto("/projects/ALPHA/")
    row_of(page, world.plain_task).get_by_role("button", name="Edit Review").click()
    expect(page.locator("tr.editing #id_name")).to_be_visible()
    expect(page.locator("tr.editing #id_name")).to_be_focused(timeout=2_000)


def test_cancel_and_escape_close_the_inline_editor(site: Site, world) -> None:
    page = site.page
    site.login(world.pm)
    site.goto("/projects/ALPHA/")
    review = world.plain_task
    row_of(page, review).get_by_role("button", name="Edit Review").click()
    row_of(page, review).locator("#id_name").fill("Not kept")
    row_of(page, review).get_by_role("button", name="Cancel").click()
    expect(page.locator("tr.editing")).to_have_count(0, timeout=2_000)
    expect(row_of(page, review).locator(".task-name")).to_have_text("Review")

    row_of(page, review).get_by_role("button", name="Edit Review").click()
    row_of(page, review).locator("#id_name").press("Escape")
    expect(page.locator("tr.editing")).to_have_count(0, timeout=2_000)
    expect(row_of(page, review).locator(".task-name")).to_have_text("Review")


def test_team_member_can_only_update_progress_of_owned_task(site: Site, world) -> None:
    page = site.page
    site.login(world.member)
    site.goto("/projects/ALPHA/")
    screens, review, design = world.owned_task, world.plain_task, world.summary
    expect(row_of(page, screens).get_by_role("button")).to_have_count(1)
    expect(row_of(page, review).get_by_role("button")).to_have_count(0)
    expect(row_of(page, design).get_by_role("button")).to_have_count(0)
    expect(page.locator("#new-task-name")).to_have_count(0)

    row_of(page, screens).get_by_role("button", name="Edit Screens").click()
    editor = row_of(page, screens)
    expect(editor.locator("form.task-form")).to_be_visible()
    fields = editor.locator("form.task-form :is(input, select, textarea):not([type=hidden])")
    expect(fields).to_have_count(1)
    expect(fields).to_have_attribute("name", "percent_complete")
    fields.fill("40")
    editor.get_by_role("button", name="Save").click()
    expect(row_of(page, screens).locator(".pct")).to_have_text("40%")
    # (5d × 40% + 2d × 0%) / 7d = 28.6%
    expect(row_of(page, design).locator(".pct")).to_have_text("29%")
    expect(row_of(page, review).get_by_role("button")).to_have_count(0)


# --- 4. Language ----------------------------------------------------------------------------------


def test_language_switch_is_remembered_on_the_account(site: Site, world) -> None:
    page = site.page
    site.login_with_form("pm")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-select")).to_have_value("en")

    page.locator("#lang-select").select_option("ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#lang-select")).to_have_value("ja")
    expect(page).to_have_url(site.url("/home/"))
    home_ja = translated("Home")
    if home_ja != "Home":  # the catalogue may not be complete yet
        expect(page.locator("nav.mainnav a").first).to_have_text(home_ja)
    world.pm.refresh_from_db()
    assert world.pm.language == "ja"

    site.logout()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    # Forget the browser's language cookie: the account alone must remember the choice.
    page.context.clear_cookies()
    site.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    site.login_with_form("pm")
    expect(page).to_have_url(site.url("/home/"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#lang-select")).to_have_value("ja")

    page.locator("#lang-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.mainnav a").first).to_have_text("Home")


# --- 5. API tokens --------------------------------------------------------------------------------


def test_api_token_create_use_and_revoke(site: Site, world, playwright) -> None:
    page = site.page
    site.login(world.pm)
    site.goto("/accounts/profile/")
    expect(page.locator("#tokens")).to_contain_text("No tokens yet.")
    page.locator("#tokens #id_name").fill("Weekly export")
    page.get_by_role("button", name="Create token").click()
    new_token = page.locator("#new-token")
    expect(new_token).to_have_text(re.compile(r"^kuroko_\S{20,}$"))
    raw = new_token.inner_text().strip()
    row = page.locator("#tokens tbody tr").filter(has_text="Weekly export")
    expect(row).to_contain_text("Active")
    expect(row.locator("code")).to_have_text(raw[:12] + "…")

    # A request context of its own: no browser session cookie, only the token.
    api = playwright.request.new_context(base_url=site.base_url)
    try:
        url = "/api/v1/projects"
        assert api.get(url).status == 401
        response = api.get(url, headers={"Authorization": f"Bearer {raw}"})
        assert response.status == 200, response.text()
        assert response.headers["content-type"].startswith("application/json")
        assert [p["code"] for p in response.json()["items"]] == ["ALPHA"]

        # Shown once only.
        page.reload()
        expect(page.locator("#tokens tbody tr")).to_have_count(1)
        expect(page.locator("#new-token")).to_have_count(0)

        # Revoking asks first.
        page.once("dialog", lambda dialog: dialog.dismiss())
        row.get_by_role("button", name="Revoke").click()
        expect(row).to_contain_text("Active")
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Revoke").click()
        expect(row).to_contain_text("Revoked")
        expect(page.locator(".messages")).to_contain_text("Weekly export")
        expect(row.get_by_role("button", name="Revoke")).to_have_count(0)

        assert api.get(url, headers={"Authorization": f"Bearer {raw}"}).status == 401
    finally:
        api.dispose()


# --- 6. Screenshots -------------------------------------------------------------------------------


def _demo_data() -> dict[str, Any]:
    """The demo organisation (as `make demo` shows it) on a fixed day, and what each screenshot shows."""
    from kuroko.core.models import User
    from kuroko.demo.generator import build_demo
    from kuroko.projects.models import Project, Task, TaskKind

    build_demo(seed=2026, today=date(2025, 6, 16))
    pm = User.objects.get(username="pm")
    # The smallest project the PM manages keeps the full-page screenshot of its WBS reasonably short.
    project = (
        Project.objects.filter(manager=pm.person)
        .annotate(n=Count("tasks"))
        .filter(n__gt=0)
        .order_by("n")
        .first()
    )
    assert project is not None, "the demo PM manages no project with tasks"
    leaves = Task.objects.filter(project=project).exclude(kind=TaskKind.SUMMARY).order_by("row")
    task = leaves.filter(percent_complete__gt=0, percent_complete__lt=100).first() or leaves.first()
    return {
        "portfolio_user": User.objects.get(username="pmo"),
        "project_user": pm,
        "project": project,
        "edit_task": task,
        "person": pm.person,
    }


def test_pmo_edits_a_calendar(site: Site, world) -> None:
    """The week is corrected in place, a working Saturday is added, edited and deleted; the year view
    follows every change without a page load."""
    from kuroko.people.models import CalendarException
    from kuroko.people.selectors import default_calendar

    calendar = default_calendar()
    page = site.page
    site.login(world.pmo)
    site.goto(f"/calendars/{calendar.pk}/?year=2026")
    expect(page.locator("#cal_mon")).to_have_value("09:00-12:00, 13:00-18:00")
    saturday = page.locator('#year td[title^="2026-11-28"]')
    expect(saturday).to_have_class(re.compile(r"\boff\b"))
    site.mark()

    # A wrong range is shown next to its day and nothing is saved.
    page.locator("#cal_mon").fill("13:00-12:00")
    page.locator("#settings").get_by_role("button", name="Save").click()
    expect(page.locator("#settings .error")).to_have_text(
        "Monday: interval 13:00–12:00 ends before it starts."
    )
    page.locator("#cal_mon").fill("09:00-12:00, 13:00-17:00")
    page.locator("#settings").get_by_role("button", name="Save").click()
    expect(page.locator("#settings [role=status]")).to_have_text("Saved.")
    expect(page.locator("#year")).to_contain_text("working hours")

    # A working Saturday: the month view marks it as worked.
    page.locator("#exceptions summary").click()
    page.locator("#new_name").fill("Release weekend")
    page.locator("#new_start").fill("2026-11-28")
    page.locator("#new_intervals").fill("9-13")
    page.locator("#exceptions").get_by_role("button", name="Add").click()
    row = page.locator("#exceptions tbody tr").filter(has_text="Release weekend")
    expect(row).to_contain_text("09:00-13:00")
    expect(saturday).to_have_class(re.compile(r"\bworking\b"))

    # Edit in place: no hours, so the Saturday is not worked again.
    row.get_by_role("button", name="Edit").click()
    editor = page.locator("#exceptions tr.editing")
    editor.locator("input[name=intervals]").fill("")
    editor.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Not worked")
    expect(saturday).to_have_class(re.compile(r"\boff\b"))

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete").click()
    expect(page.locator("#exceptions")).to_contain_text("No exceptions.")
    assert not CalendarException.objects.exists()
    site.assert_same_document()


def test_screenshots(site: Site, settings, monkeypatch) -> None:
    """Full-page screenshots of the main pages at 1400×900, for the README and for looking at."""
    from kuroko.core.models import User
    from kuroko.projects.models import Baseline

    out = Path(os.environ.get("KUROKO_SCREENSHOT_DIR") or REPO / "build" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    docs = REPO / "docs" / "screenshots" if os.environ.get("KUROKO_UPDATE_DOCS_SCREENSHOTS") == "1" else None
    if docs is not None:
        docs.mkdir(parents=True, exist_ok=True)
    data = _demo_data()
    page = site.page
    page.set_viewport_size({"width": 1400, "height": 900})

    def shoot(name: str, *, full_page: bool = True) -> None:
        page.evaluate("document.fonts.ready.then(() => true)")
        if full_page:
            # From the top: the sticky top bar would otherwise be painted in the middle of a full-page shot.
            page.evaluate("window.scrollTo(0, 0)")
        target = out / name
        page.screenshot(path=str(target), full_page=full_page, animations="disabled", caret="hide")
        assert target.stat().st_size > 5_000
        if docs is not None:
            shutil.copyfile(target, docs / name)

    settings.DEMO_MODE = True  # the login page as `make demo` shows it, with the demo accounts
    site.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    shoot("login.png")
    settings.DEMO_MODE = False

    site.login(data["portfolio_user"])
    site.goto("/")
    expect(page.locator("#results table.portfolio")).to_be_visible()
    shoot("portfolio.png")

    site.goto("/people/")
    expect(page.locator("#results table")).to_be_visible()
    shoot("people.png")

    page.locator("#lang-select").select_option("ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    site.goto("/")
    expect(page.locator("#results table.portfolio")).to_be_visible()
    shoot("portfolio-ja.png")

    page.context.clear_cookies()
    site.login(data["project_user"])
    project, task = data["project"], data["edit_task"]
    site.goto(project.get_absolute_url())
    expect(page.locator("#wbs table")).to_be_visible()
    shoot("project.png", full_page=False)  # a long WBS: the first screen is what a person sees

    page.locator(f"#task-{task.pk} button[hx-get$='/edit/']").click()
    expect(page.locator(f"#task-{task.pk} form.task-form")).to_be_visible()
    page.evaluate(f"document.querySelector('#task-{task.pk}').scrollIntoView({{block: 'center'}})")
    shoot("task-edit.png", full_page=False)

    site.goto(data["person"].get_absolute_url())
    expect(page.locator("h1")).to_contain_text(str(data["person"]))
    shoot("person.png")

    site.goto("/accounts/profile/")
    page.locator("#tokens #id_name").fill("Weekly export script")
    page.locator("#tokens button[type=submit]").click()
    expect(page.locator("#new-token")).to_be_visible()
    shoot("profile.png")

    # The PMO levels the portfolio as of the demo's day: the figures, the projects, moves with reasons.
    page.context.clear_cookies()
    site.login(data["portfolio_user"])
    site.goto("/resources/leveling/")
    page.locator("#id_level_from").fill("2025-06-16")
    page.locator("#level-portfolio button[type=submit]").click()  # in Japanese: the PMO chose it above
    expect(page.locator("#leveling-moves")).to_be_visible()
    shoot("leveling.png", full_page=False)

    # A team member's week: the last full week before the demo's day, as they filled it in.
    page.context.clear_cookies()
    site.login(User.objects.get(username="member"))
    site.goto("/timesheets/2025-06-09/")
    expect(page.locator("#ts-grid")).to_be_visible()
    shoot("timesheet.png", full_page=False)

    # Earned value of a project the PM manages that has a baseline: headline figures, S-curve and trend.
    page.context.clear_cookies()
    site.login(data["project_user"])
    measured = Baseline.objects.filter(project__manager=data["project_user"].person).order_by("project__code")
    assert measured.exists(), "the demo PM has no baselined project"
    site.goto(f"/projects/{measured.first().project.code}/evm/?status_date=2025-06-16")
    expect(page.locator("#chart-s-curve svg, #chart-s-curve canvas").first).to_be_visible()
    shoot("evm.png", full_page=False)

    # The PM's risk register with its heat map, and the latest schedule risk analysis of that project —
    # as on the demo's day (review dates are overdue or not against "today"; the live server shares this
    # process, so the clock is moved for it too).
    from django.utils import timezone

    from kuroko.raid.models import SimulationRun

    demo_now = timezone.make_aware(datetime(2025, 6, 16, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: demo_now)

    code = measured.first().project.code
    site.goto(f"/projects/{code}/risks/")
    expect(page.locator(".heatmap-box").first).to_be_visible()
    shoot("risks.png", full_page=False)
    run = SimulationRun.objects.filter(project__code=code, status="done").order_by("-number").first()
    assert run is not None, "the demo has no finished simulation run of the PM's project"
    site.goto(f"/simulation/{run.pk}/")
    expect(page.locator("svg, canvas").first).to_be_visible()
    shoot("simulation.png", full_page=False)

    # The PMO's portfolio risks: heat map, top risks, overdue reviews, trend.
    page.context.clear_cookies()
    site.login(data["portfolio_user"])
    site.goto("/raid/risks/")
    expect(page.locator(".heatmap-box").first).to_be_visible()
    shoot("portfolio-risks.png")

    names = (
        "risks",
        "simulation",
        "portfolio-risks",
        "timesheet",
        "evm",
        "login",
        "portfolio",
        "project",
        "task-edit",
        "leveling",
        "people",
        "person",
        "profile",
        "portfolio-ja",
    )
    for name in names:
        assert (out / f"{name}.png").exists()
