"""Timesheet reads and pages: the week grid (rows, totals, copy last week, query count), saving from
the page with errors shown next to the cells, the daily log, the approval queue and the months."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kuroko.tracking import selectors, services
from kuroko.tracking.models import PeriodClose, TimeEntry, TimesheetApproval, TimesheetStatus
from tests.conftest import signed_in
from tests.tracking.test_timesheets import MON, THU, TUE, WED, Sheets, entry, make_sheets, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world) -> Sheets:
    return make_sheets(world)


WEEK_URL = reverse("timesheet-week", kwargs={"week": MON.isoformat()})
SAVE_URL = reverse("timesheet-save", kwargs={"week": MON.isoformat()})


def test_week_grid_rows_come_from_assignments_recent_work_and_indirect_categories(sheets):
    """Assigned tasks active this week, tasks logged in the four weeks before, this week's entries,
    then the indirect categories; totals per row and per day."""
    s = sheets
    # Review (1–2 April) was logged two weeks ago; it is not assigned this week.
    services.timesheet_save(
        actor=s.member, person=s.person, week_start=MON - timedelta(days=14),
        entries=[entry(MON - timedelta(days=14), s.review, 60)],
    )  # fmt: skip
    save(
        s,
        [entry(MON, s.screens, 150), entry(TUE, s.screens, 60), entry(TUE, category="meetings", minutes=30)],
    )
    grid = selectors.week_grid(s.member, s.person, THU)
    assert grid.week_start == MON and grid.days[-1] == MON + timedelta(days=6)
    keys = [r.key for r in grid.rows]
    assert keys[:3] == [f"t{s.screens.pk}", f"t{s.review.pk}", f"t{s.build.pk}"]
    assert keys[3:] == ["imeetings", "itraining", "iadministration", "ileave", "iother"]
    screens = grid.row(f"t{s.screens.pk}")
    assert screens.assigned and screens.total == 210 and screens.total_text == "3:30"
    assert not grid.row(f"t{s.review.pk}").assigned
    assert grid.day_totals[:2] == [150, 90] and grid.total == 240
    assert grid.editable and grid.status == TimesheetStatus.OPEN
    addable = {choice.pk for choice in grid.addable}
    assert s.screens.pk not in addable and s.review.pk not in addable and s.beta_task.pk not in addable


def test_copy_last_week_fills_empty_cells_as_a_draft(sheets):
    """Last week's hours fill the cells this week leaves empty; nothing is saved."""
    s = sheets
    last = MON - timedelta(days=7)
    services.timesheet_save(
        actor=s.member, person=s.person, week_start=last,
        entries=[entry(last, s.screens, 120), entry(last + timedelta(days=1), s.build, 60)],
    )  # fmt: skip
    save(s, [entry(MON, s.screens, 30)])
    grid = selectors.week_grid(s.member, s.person, MON, copy_previous=True)
    assert grid.draft
    assert grid.row(f"t{s.screens.pk}").cells[0].minutes == 30  # this week's value wins
    assert grid.row(f"t{s.build.pk}").cells[1].text == "1:00"
    assert TimeEntry.objects.filter(date__gte=MON).count() == 1


def test_week_page_queries_do_not_grow_with_rows(sheets, django_assert_num_queries):
    """The week page runs a fixed number of queries, however many rows and entries it shows."""
    s = sheets
    client = signed_in(s.member)
    save(s, [entry(MON, s.screens, 60)])
    client.get(WEEK_URL)
    with django_assert_num_queries(13) as first:  # + the unread-notification count in the top bar
        assert client.get(WEEK_URL).status_code == 200
    from kuroko.projects import services as project_services

    for n in range(6):
        task = project_services.task_create(
            actor=s.world.admin, project=s.alpha, data={"name": f"Extra {n}", "duration_minutes": 480}
        )
        project_services.assignment_set(actor=s.world.admin, task=task, person=s.person)
    save(s, [entry(d, t, 30) for t in s.alpha.tasks.exclude(kind="summary") for d in (MON, TUE, WED)])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(WEEK_URL)
    assert response.content.decode().count('data-kind="task"') >= 8


def test_week_page_shows_the_grid_and_links(sheets):
    """Cells show the hours as h:mm; links to the daily logs and the weeks around; navigation link."""
    s = sheets
    save(s, [entry(MON, s.screens, 150)])
    html = signed_in(s.member).get(WEEK_URL).content.decode()
    assert f'name="cell-t{s.screens.pk}-0" value="2:30"' in html
    assert reverse("timesheet-day", kwargs={"day": MON.isoformat()}) in html
    assert reverse("timesheet-week", kwargs={"week": (MON - timedelta(days=7)).isoformat()}) in html
    assert 'href="/timesheets/"' in html and "tracking/timesheet.js" in html


def test_home_redirects_to_this_week(sheets):
    """/timesheets/ opens the current week."""
    response = signed_in(sheets.member).get("/timesheets/")
    monday = selectors.week_of(date.today())
    assert response.status_code == 302 and response["Location"].endswith(f"/timesheets/{monday}/")


def test_saving_from_the_page_reads_typed_times(sheets):
    """2h30m, 1:30 and ２．５ typed in cells are saved; an empty cell removes an entry."""
    s = sheets
    save(s, [entry(WED, s.build, 60)])
    data = {
        "person": s.person.pk,
        f"cell-t{s.screens.pk}-0": "2h30m",
        f"cell-t{s.screens.pk}-1": "1:30",
        f"cell-t{s.build.pk}-2": "",
        "cell-imeetings-3": "２．５",
        "action": "save",
    }
    response = signed_in(s.member).post(SAVE_URL, data)
    assert response.status_code == 302
    rows = sorted((e.date, e.task_id, e.category, e.minutes) for e in TimeEntry.objects.all())
    assert rows == [(MON, s.screens.pk, "", 150), (TUE, s.screens.pk, "", 90), (THU, None, "meetings", 150)]


def test_a_refused_save_shows_errors_next_to_cells_and_keeps_what_was_typed(sheets):
    """Nothing saved; the bad cell says why; the over-full day says its total; typed text stays."""
    s = sheets
    data = {
        "person": s.person.pk,
        f"cell-t{s.screens.pk}-0": "abc",
        f"cell-t{s.screens.pk}-1": "20",
        f"cell-t{s.build.pk}-1": "5",
        f"cell-t{s.build.pk}-2": "1:30",
    }
    response = signed_in(s.member).post(SAVE_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "“abc” is not a time" in html and 'value="abc"' in html
    assert f"{TUE.isoformat()} adds up to 25:00, more than 24 hours." in html
    assert 'value="1:30"' in html
    assert not TimeEntry.objects.exists()


def test_save_and_submit_from_the_page(sheets):
    """The submit button saves then submits; the page shows the approvals per project."""
    s = sheets
    data = {
        "person": s.person.pk,
        f"cell-t{s.screens.pk}-0": "8",
        f"cell-t{s.build.pk}-1": "4",
        "action": "submit",
    }
    client = signed_in(s.member)
    assert client.post(SAVE_URL, data).status_code == 302
    html = client.get(WEEK_URL).content.decode()
    assert 'id="ts-status">Submitted' in html
    assert 'data-project="ALPHA"' in html and 'data-project="GAMMA"' in html
    # Every cell of the grid is read-only now (the row template for new rows aside).
    grid = html.split('id="ts-grid"', 1)[1].split("</table>", 1)[0]
    cells = grid.count('class="ts-input"')
    assert cells > 0 and cells == len(re.findall(r'class="ts-input"[^>]*\sdisabled[\s>]', grid))


def test_a_task_added_in_the_browser_is_saved(sheets):
    """A row added from the "Add a task" list posts cells with its key."""
    s = sheets
    response = signed_in(s.member).post(SAVE_URL, {"person": s.person.pk, f"cell-t{s.review.pk}-4": "1h"})
    assert response.status_code == 302
    assert TimeEntry.objects.get().task_id == s.review.pk


def test_others_see_a_week_read_only_and_the_pmo_edits_it(sheets):
    """The PM of a project the person is in reads the week; only the PMO may save it for them."""
    s = sheets
    url = f"{WEEK_URL}?person={s.person.pk}"
    html = signed_in(s.world.pm).get(url).content.decode()
    assert "Read only." in html and 'id="ts-save"' not in html
    assert signed_in(s.world.outsider).get(url).status_code == 403
    data = {"person": s.person.pk, f"cell-t{s.screens.pk}-0": "1"}
    assert signed_in(s.world.pm).post(SAVE_URL, data).status_code == 403
    response = signed_in(s.world.pmo).post(SAVE_URL, data)
    assert response.status_code == 302 and f"person={s.person.pk}" in response["Location"]
    assert TimeEntry.objects.count() == 1


def test_daily_log_edits_times_and_comments_and_adds_an_entry(sheets):
    """The day page lists the entries with comments; saving changes them and adds a new one."""
    s = sheets
    save(s, [entry(TUE, s.screens, 60, comment="Draft"), entry(WED, s.screens, 60)])
    url = reverse("timesheet-day", kwargs={"day": TUE.isoformat()})
    client = signed_in(s.member)
    html = client.get(url).content.decode()
    assert 'value="Draft"' in html and 'value="1:00"' in html
    data = {
        "person": s.person.pk,
        f"time-t{s.screens.pk}": "1:30",
        f"comment-t{s.screens.pk}": "Login screen done",
        "new-work": "imeetings",
        "new-time": "0:30",
        "new-comment": "Stand-up",
    }
    assert client.post(url, data).status_code == 302
    rows = sorted((e.date, e.category, e.minutes, e.comment) for e in TimeEntry.objects.all())
    assert rows == [(TUE, "", 90, "Login screen done"), (TUE, "meetings", 30, "Stand-up"), (WED, "", 60, "")]
    bad = client.post(url, {**data, f"time-t{s.screens.pk}": "-2", "new-work": ""})
    assert bad.status_code == 400 and "negative" in bad.content.decode()


def test_approval_queue_lists_each_projects_hours_per_day(sheets):
    """Each approver sees their projects' hours of submitted weeks, per person and day."""
    s = sheets
    save(s, [entry(MON, s.screens, 240), entry(TUE, s.build, 120), entry(TUE, s.screens, 30)])
    services.timesheet_submit(actor=s.member, person=s.person, week_start=MON)
    queue = selectors.approval_queue(s.world.pm)
    assert [(i.project.code, i.minutes[:2], i.total) for i in queue] == [("ALPHA", [240, 30], 270)]
    assert [i.project.code for i in selectors.approval_queue(s.pm2)] == ["GAMMA"]
    assert [i.project.code for i in selectors.approval_queue(s.world.pmo)] == ["ALPHA", "GAMMA"]
    with pytest.raises(PermissionDenied):
        selectors.approval_queue(s.member)


def test_approving_and_rejecting_in_place_with_htmx(sheets):
    """Approve swaps the row; reject without a reason says so next to the row; with one, it sends back."""
    s = sheets
    save(s, [entry(MON, s.screens, 240), entry(TUE, s.build, 120)])
    services.timesheet_submit(actor=s.member, person=s.person, week_start=MON)
    alpha = TimesheetApproval.objects.get(project=s.alpha)
    gamma = TimesheetApproval.objects.get(project=s.gamma)
    pm = signed_in(s.world.pm)
    page = pm.get(reverse("timesheet-approvals")).content.decode()
    assert f'id="approval-{alpha.pk}"' in page and f'id="approval-{gamma.pk}"' not in page
    hx = {"HTTP_HX_REQUEST": "true"}
    response = pm.post(reverse("timesheet-decide", args=[alpha.pk, "approve"]), **hx)
    assert response.status_code == 200 and "Approved" in response.content.decode()
    assert response.content.decode().lstrip().startswith(f'<tr id="approval-{alpha.pk}"')
    pm2 = signed_in(s.pm2)
    response = pm2.post(reverse("timesheet-decide", args=[gamma.pk, "reject"]), {"reason": ""}, **hx)
    assert response.status_code == 422 and "Say why" in response.content.decode()
    response = pm2.post(reverse("timesheet-decide", args=[gamma.pk, "reject"]), {"reason": "Wrong day"}, **hx)
    assert response.status_code == 200 and "Wrong day" in response.content.decode()
    week = signed_in(s.member).get(WEEK_URL).content.decode()
    assert "Wrong day" in week and 'id="ts-status">Open' in week
    assert (
        signed_in(s.world.pm).post(reverse("timesheet-decide", args=[gamma.pk, "approve"])).status_code == 403
    )


def test_months_page_closes_and_exports(sheets, world):
    """The PMO sees months with hours and cost, closes one, and exports it as CSV (BOM) and Excel."""
    from openpyxl import load_workbook

    s = sheets
    save(s, [entry(MON, s.screens, 150), entry(TUE, category="training", minutes=60)])
    pmo = signed_in(world.pmo)
    html = pmo.get(reverse("timesheet-months") + "?month=2027-04").content.decode()
    assert "2027-04 by project" in html and "ALPHA Alpha" in html and "Training" in html
    assert pmo.post(reverse("timesheet-month-action", args=["2027-04", "close"])).status_code == 302
    assert PeriodClose.objects.filter(month=date(2027, 4, 1)).exists()
    csv = pmo.get(reverse("timesheet-month-export", args=["2027-04", "csv"]) + "?by=person")
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeffPerson,Reading,Project,Project name,Indirect work,Hours,Cost")
    assert f"{s.person},,ALPHA,Alpha,,2.5,15000.0,0" in body and ",,,Training,1.0,6000.0,0" in body
    xlsx = pmo.get(reverse("timesheet-month-export", args=["2027-04", "xlsx"]) + "?by=project")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Project", "Project name", "Indirect work")
    assert rows[1][0] == "ALPHA" and rows[1][5] == 2.5
    assert signed_in(world.pm).get(reverse("timesheet-months")).status_code == 403
    overview = selectors.months_overview(world.pmo, today=date(2027, 4, 20), count=2)
    assert [(r.month, r.minutes, r.cost, r.closed is not None) for r in overview] == [
        (date(2027, 4, 1), 210, 21000, True),
        (date(2027, 3, 1), 0, 0, False),
    ]
    assert overview[0].unapproved_weeks == 1


def test_navigation_links_follow_roles(sheets, world):
    """Timesheets for everyone with a person record; Approvals for PMs and the PMO."""
    member = signed_in(world.member).get("/").content.decode()
    assert 'href="/timesheets/"' in member and 'href="/timesheets/approvals/"' not in member
    pm = signed_in(world.pm).get("/").content.decode()
    assert 'href="/timesheets/approvals/"' in pm
    months = signed_in(world.pmo).get(reverse("timesheet-approvals")).content.decode()
    assert reverse("timesheet-months") in months
