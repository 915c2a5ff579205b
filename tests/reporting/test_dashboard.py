"""Role dashboards (the home page): what each board shows, who may open which, and bounded queries."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from kuroko.formats.report_doc import Chart
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.models import ActionItem
from kuroko.reporting.models import Meeting, MeetingAttendee, StatusReport
from kuroko.reporting.selectors import dashboard as boards
from kuroko.reporting.selectors import dashboard_charts, dashboard_trends
from kuroko.reporting.weeks import week_start
from kuroko.tracking.models import EvmSnapshot, TimeEntry
from tests.conftest import signed_in
from tests.factories import ActionItemFactory, ChangeRequestFactory, ProjectFactory
from tests.tracking.test_evm import measured  # noqa: F401  (the fixture)

TODAY = date(2026, 11, 25)  # a Wednesday
WEEK = week_start(TODAY)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _report(
    project: Project, rag: str, status: str = "submitted", week: date = WEEK, **facts
) -> StatusReport:
    return StatusReport.objects.create(
        project=project, week=week, status=status, rag_overall=rag, facts=facts
    )


def _dates(task: Task, start: date, finish: date, percent: int = 0) -> None:
    Task.objects.filter(pk=task.pk).update(start=_at(start), finish=_at(finish, 17), percent_complete=percent)


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        ("admin", ["pmo", "executive", "pm", "member"]),
        ("pmo", ["pmo", "executive", "pm", "member"]),
        ("pm", ["pm", "member"]),
        ("member", ["member"]),
        ("executive", ["executive", "pmo"]),
        ("outsider", ["member"]),
    ],
)
def test_each_role_gets_its_own_board_first(world, role, tabs):
    """The tabs of a role, its own board first (the PMO sees every role's view)."""
    assert boards.dashboard_tabs(world.user(role)) == tabs


def test_pmo_counts_the_projects_colours_as_the_linked_portfolio_filters(world):
    """The colour counts are the projects' own overall RAG (set when a report is submitted), so each count
    equals the rows of the portfolio page it links to; a report's colour not on the project is not counted."""
    Project.objects.filter(pk=world.project.pk).update(rag_overall="red")
    Project.objects.filter(pk=world.other.pk).update(rag_overall="amber")
    _report(world.project, "red")
    _report(world.other, "red", status="draft")  # a draft's colour is not official yet
    board = boards.pmo_board(world.pmo, today=TODAY)
    assert {k: f.value for k, f in board.by_rag.items()} == {"red": 1, "amber": 1, "green": 0, "none": 0}
    assert [ln.project.code for ln in board.attention] == ["ALPHA", "BETA"]  # red first
    assert board.reports["submitted"].value == 1 and board.reports["draft"].value == 1
    assert [ln.project.code for ln in board.missing] == ["BETA"]
    client = signed_in(world.pmo)
    for colour, codes in (("red", {"ALPHA"}), ("amber", {"BETA"})):
        page = client.get(board.by_rag[colour].url)
        assert {p.code for p in page.context["page"].object_list} == codes


def test_a_draft_or_returned_report_is_still_to_submit(world):
    """Drafts and reports returned for rework are listed with the missing ones; last week's do not count."""
    _report(world.project, "amber", status="returned")
    _report(world.other, "green", week=WEEK - timedelta(days=7))
    board = boards.pmo_board(world.admin, today=TODAY)
    assert board.reports["returned"].value == 1
    assert board.reports["missing"].value == 1
    assert {ln.project.code for ln in board.missing} == {"ALPHA", "BETA"}


def test_pm_board_lists_what_needs_the_pm_this_week(world):
    """The PM's report due, change requests to decide, overdue actions and their meetings this week."""
    ChangeRequestFactory(project=world.project, status="submitted")
    overdue = ActionItemFactory(project=world.project, due_date=TODAY - timedelta(days=2), status="open")
    ActionItemFactory(project=world.project, due_date=TODAY + timedelta(days=2), status="open")  # not yet due
    ActionItemFactory(project=world.other, due_date=TODAY - timedelta(days=5), status="open")  # not the PM's
    meeting = Meeting.objects.create(
        title="定例会議", project=world.project, start=_at(WEEK + timedelta(days=3), 10),
        end=_at(WEEK + timedelta(days=3), 11), organizer=world.admin,
    )  # fmt: skip
    MeetingAttendee.objects.create(meeting=meeting, user=world.pm)
    Meeting.objects.create(
        title="Next week", start=_at(WEEK + timedelta(days=8)), end=_at(WEEK + timedelta(days=8), 10),
        organizer=world.pm,
    )  # fmt: skip
    board = boards.pm_board(world.pm, today=TODAY)
    assert [m.project.code for m in board.projects] == ["ALPHA"]
    kinds = [n.kind for n in board.needs]
    assert kinds == ["report", "changes"]
    assert "/projects/ALPHA/changes/" in board.needs[1].url
    assert [a.pk for a in board.overdue_actions] == [overdue.pk]
    assert [m.title for m in board.meetings] == ["定例会議"]


def test_pm_sees_next_milestone_and_the_reports_status(world):
    """The next unfinished milestone from today and this week's report status of each project."""
    done = Task.objects.create(project=world.project, name="Kick-off", kind=TaskKind.MILESTONE)
    _dates(done, TODAY + timedelta(days=1), TODAY + timedelta(days=1), percent=100)
    later = Task.objects.create(project=world.project, name="Design review", kind=TaskKind.MILESTONE)
    _dates(later, TODAY + timedelta(days=9), TODAY + timedelta(days=9))
    sooner = Task.objects.create(project=world.project, name="Plan approved", kind=TaskKind.MILESTONE)
    _dates(sooner, TODAY + timedelta(days=3), TODAY + timedelta(days=3))
    _report(world.project, "green", status="returned")
    (mine,) = boards.pm_board(world.pm, today=TODAY).projects
    assert mine.next_milestone is not None and mine.next_milestone.name == "Plan approved"
    assert mine.report is not None and mine.report.status == "returned"
    assert boards.pm_board(world.pm, today=TODAY).needs[0].text.endswith("returned for rework")


def test_member_board_sorts_tasks_into_late_in_progress_and_upcoming(world):
    """Late, in progress and starting within two weeks; a task starting later is not shown."""
    late = Task.objects.create(project=world.project, name="Late", owner=world.member.person)
    _dates(late, TODAY - timedelta(days=10), TODAY - timedelta(days=1), percent=50)
    _dates(world.owned_task, TODAY - timedelta(days=2), TODAY + timedelta(days=3), percent=20)
    soon = Task.objects.create(project=world.project, name="Soon", owner=world.member.person)
    _dates(soon, TODAY + timedelta(days=5), TODAY + timedelta(days=8))
    far = Task.objects.create(project=world.project, name="Far", owner=world.member.person)
    _dates(far, TODAY + timedelta(days=30), TODAY + timedelta(days=40))
    board = boards.member_board(world.member, today=TODAY)
    assert [t.name for t in board.late] == ["Late"]
    assert [t.name for t in board.in_progress] == ["Screens"]
    assert [t.name for t in board.upcoming] == ["Soon"]


def test_member_timesheet_counts_this_weeks_hours_against_the_calendar(world):
    """Hours of this week only, against its working hours (23 November is a public holiday: 4 × 8 h)."""
    person = world.member.person
    TimeEntry.objects.create(
        person=person, date=WEEK, project=world.project, task=world.owned_task, minutes=480
    )
    TimeEntry.objects.create(person=person, date=WEEK - timedelta(days=1), project=world.project,
                             task=world.owned_task, minutes=240)  # fmt: skip
    sheet = boards.member_board(world.member, today=TODAY).timesheet
    assert sheet is not None
    assert sheet.minutes == 480
    assert sheet.expected == 4 * 8 * 60
    assert sheet.status == "open"
    assert WEEK.isoformat() in sheet.url


def test_member_actions_are_their_open_ones(world):
    """Open actions the member owns, by due date; done ones and others' are left out."""
    mine = ActionItemFactory(project=world.project, owner=world.member.person, due_date=TODAY, status="open")
    ActionItemFactory(project=world.project, owner=world.member.person, status="done")
    ActionItemFactory(project=world.project, owner=world.pm.person, status="open")
    assert [a.pk for a in boards.member_board(world.member, today=TODAY).actions] == [mine.pk]


def test_executive_sees_late_milestones_and_the_budget(world):
    """A milestone due before today and unfinished is at risk; without a baseline no cost is measured but
    the approved budgets are summed."""
    Project.objects.filter(pk=world.project.pk).update(budget=1000)
    late = Task.objects.create(project=world.project, name="Go-live", kind=TaskKind.MILESTONE)
    _dates(late, TODAY - timedelta(days=3), TODAY - timedelta(days=3))
    board = boards.executive_board(world.executive, today=TODAY)
    assert [(m.task.name, m.late) for m in board.milestones] == [("Go-live", True)]
    assert board.financials.measured == 0 and board.financials.budget == 1000
    assert board.financials.variance is None


@pytest.mark.parametrize(
    ("role", "tab"),
    [("pm", "pmo"), ("pm", "executive"), ("member", "pm"), ("executive", "member"), ("outsider", "pmo")],
)
def test_a_board_outside_the_role_is_refused(world, role, tab):
    """Opening another role's board is a 403, page and selector alike."""
    assert signed_in(world.user(role)).get(f"/home/?view={tab}").status_code == 403


def test_an_unknown_board_shows_the_users_own_with_a_message(world):
    """A made-up `view` is said on the page and the user's own board is shown."""
    response = signed_in(world.pm).get("/home/?view=boss")
    assert response.status_code == 200
    assert response.context["tab"] == "pm"
    assert "is not a dashboard" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "tab", "keys"),
    [
        ("admin", "pmo", ["spi-cpi", "rag", "risks", "capacity"]),
        ("pmo", "pmo", ["spi-cpi", "rag", "risks", "capacity"]),
        ("pm", "pm", ["risks"]),  # no S-curve: ALPHA has no baseline
        ("member", "member", ["capacity"]),
        ("executive", "executive", ["spi-cpi", "rag", "risks"]),
        ("outsider", "member", ["capacity"]),
    ],
)
def test_home_page_renders_for_every_role(world, role, tab, keys):
    """Every signed-in role gets its home page with its charts' specs embedded."""
    response = signed_in(world.user(role)).get("/home/")
    assert response.status_code == 200
    assert response.context["nav"] == "dashboard" and response.context["tab"] == tab
    charts = response.context["charts"]
    assert [c.key for c in charts] == keys
    html = response.content.decode()
    for chart in charts:
        embedded = re.search(rf'<script id="{chart.spec_id}" type="application/json">(.*?)</script>', html)
        assert embedded, chart.spec_id
        assert json.loads(embedded.group(1)) == json.loads(json.dumps(chart.spec, cls=DjangoJSONEncoder))
        assert f'data-chart="{chart.spec_id}"' in html


def test_login_lands_on_the_home_page(world, client):
    """After logging in, users arrive on their dashboard."""
    response = client.post("/accounts/login/", {"username": "pm", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/home/"


def test_pmo_board_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """Ten more projects with reports and actions cost no more queries than two (no N+1)."""
    with django_assert_max_num_queries(60) as few:
        signed_in(world.pmo).get("/home/")
    baseline = len(few.captured_queries)
    for k in range(10):
        p = ProjectFactory(code=f"N-{k:02d}", rag_overall="amber", program=world.project.program)
        _report(p, "red" if k % 2 else "green", status="submitted")
        ActionItemFactory(project=p, due_date=TODAY - timedelta(days=1), status="open")
    with django_assert_max_num_queries(baseline):
        response = signed_in(world.pmo).get("/home/")
    assert response.context["board"].projects == 12


def test_pm_board_queries_do_not_grow_with_projects(world, django_assert_max_num_queries):
    """A PM of five projects costs as many queries as a PM of one (S-curves aside: none has a baseline)."""
    with django_assert_max_num_queries(60) as few:
        boards.pm_board(world.pm, today=TODAY)
    for k in range(4):
        p = ProjectFactory(code=f"M-{k}", manager=world.pm.person)
        ActionItemFactory(project=p, due_date=TODAY - timedelta(days=1), status="open")
        ChangeRequestFactory(project=p, status="submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(boards.pm_board(world.pm, today=TODAY).projects) == 5


def test_rag_trend_uses_reports_then_history(world):
    """A week with a report counts its colour; otherwise the project's colour as its history had it at the
    week's end; a project with no history yet by then is not counted."""
    beta = Project.objects.get(pk=world.other.pk)
    beta.rag_overall = "amber"
    beta.save()  # a history record of now
    this = week_start(timezone.localdate())
    _report(world.project, "red", week=this)
    projects = list(Project.objects.filter(code__in=["ALPHA", "BETA"]))
    points = dashboard_trends.rag_points(projects, last=this + timedelta(days=7), weeks=3)
    assert [(p.red, p.amber, p.green, p.none) for p in points] == [
        (0, 0, 0, 0),  # neither project existed yet
        (1, 1, 0, 0),  # ALPHA's report says red, BETA's history amber
        (0, 1, 0, 1),  # no report: ALPHA's own colour (not rated), BETA still amber
    ]
    assert [p.reported for p in points] == [0, 1, 0]


def test_index_trend_carries_a_snapshot_and_falls_back_to_reports(world):
    """A snapshot holds into later weeks (up to five); a week without one reads the report's figures."""
    EvmSnapshot.objects.create(project=world.project, status_date=WEEK - timedelta(days=12), unit="money",
                               bac=100, pv=50, ev=40, ac=50)  # fmt: skip
    _report(world.other, "green", week=WEEK, pv=10.0, ev=10.0, ac=5.0)
    # BETA's only snapshot is too old to carry into these weeks.
    EvmSnapshot.objects.create(
        project=world.other, status_date=WEEK - timedelta(days=60), unit="money", bac=100, pv=90, ev=10, ac=90
    )
    points = dashboard_trends.index_points([world.project.pk, world.other.pk], last=TODAY, weeks=3)
    assert [p.projects for p in points] == [1, 1, 2]
    assert points[0].spi == pytest.approx(0.8) and points[1].cpi == pytest.approx(0.8)
    assert points[2].spi == pytest.approx(50 / 60) and points[2].cpi == pytest.approx(50 / 55)


def test_portfolio_charts_are_report_charts_that_render(world):
    """The exports get the SPI/CPI and RAG trend specs as Charts, rendered to SVG like the PDF does."""
    from kuroko.formats.charts import to_svg

    _report(world.project, "red", week=WEEK)
    found = dashboard_charts.report_charts(world.pmo, week=WEEK)
    assert [type(c) for c in found] == [Chart, Chart]
    assert [c.title for c in found] == ["Portfolio SPI and CPI", "Projects by overall RAG"]
    assert all(to_svg(c.spec).startswith("<svg") for c in found)
    assert dashboard_charts.report_charts(world.outsider, week=WEEK) == []


def test_dashboard_charts_have_a_text_alternative(world):
    """Each chart of a board comes with a description and its figures as a table."""
    for chart in dashboard_charts.pmo_charts(world.pmo, today=TODAY):
        assert chart.description and chart.columns and chart.rows, chart.key


def test_outsider_sees_nothing_of_other_projects(world):
    """An action and task assignments given to the outsider's person in a project they cannot read (owning
    a task would make it readable) do not show on their board."""
    from kuroko.projects.models import Assignment

    person = world.outsider.person
    ActionItemFactory(project=world.project, owner=person, status="open")
    _dates(world.plain_task, TODAY - timedelta(days=10), TODAY - timedelta(days=1), percent=50)
    _dates(world.owned_task, TODAY - timedelta(days=2), TODAY + timedelta(days=3), percent=20)
    for task in (world.plain_task, world.owned_task):
        Assignment.objects.create(task=task, person=person)
    assert not boards.perms.can_view_project(world.outsider, world.project)
    board = boards.member_board(world.outsider, today=TODAY)
    assert board.actions == [] and board.late == [] and board.in_progress == []
    assert ActionItem.objects.filter(owner=person).count() == 1


def test_earned_value_feeds_the_pm_indices_and_the_executive_financials(world, measured):  # noqa: F811
    """EVM1 measured on 7 April 2027: the PM sees its SPI and CPI; the executive its BAC, actual cost and
    EAC (budget at completion ÷ CPI), the variance BAC − EAC, and all approved budgets."""
    status = date(2027, 4, 7)
    Project.objects.filter(code="ALPHA").update(budget=1000)
    mine = {m.project.code: m for m in boards.pm_board(world.pm, today=status).projects}
    assert mine["EVM1"].spi == pytest.approx(224000 / 216000)
    assert mine["EVM1"].cpi == pytest.approx(224000 / 210000)
    assert mine["ALPHA"].spi is None  # no baseline
    money = boards.executive_board(world.executive, today=status).financials
    assert money.measured == 1
    assert money.bac == pytest.approx(520000) and money.actual == pytest.approx(210000)
    assert money.eac == pytest.approx(520000 * 210000 / 224000)
    assert money.variance == pytest.approx(520000 - 520000 * 210000 / 224000)
    assert money.budget == 1000


def test_report_counts_are_of_active_projects_like_the_week_list(world, portfolio):
    """The "not drafted" count leaves out proposed and on-hold projects, as the week's list it links to."""
    from kuroko.reporting.selectors.status import week_overview

    board = boards.pmo_board(world.pmo, today=TODAY)
    _rows, counts = week_overview(world.pmo, WEEK)
    assert board.reports["missing"].value == counts["missing"] == 4
    assert "status=missing" in board.reports["missing"].url


def test_findings_count_equals_the_findings_page_it_links_to(world):
    """Open findings are counted over every readable project, closed ones too, as the findings page lists."""
    from kuroko.governance.models import Finding

    closed = ProjectFactory(code="OLD", name="Old", status="closed", program=world.project.program)
    now = timezone.now()
    for project in (world.project, closed):
        Finding.objects.create(
            project=project, rule="dcma.logic", severity="high", opened_at=now, last_seen_at=now
        )
    board = boards.pmo_board(world.pmo, today=TODAY)
    high = next(figure for severity, _label, figure in board.findings if severity == "high")
    page = signed_in(world.pmo).get(high.url)
    assert high.value == page.context["page"].paginator.count == 2
