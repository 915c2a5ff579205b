"""Resource load at day, week and month scale: filters, drill-down, load by team and skill, the utilisation
report (稼働率) and its exports, and the load API.

The plan (see `plan`): April 2026 has 22 weekdays, one of them a public holiday (昭和の日, Wed 29 April),
so a full-time person has 21 × 8 = 168 h; May has 18 working days (Golden Week) = 144 h. Member works
half time from Thursday 16 April: 11 full days + 10 half days = 88 + 40 = 128 h in April, 72 h in May.

Member: Screens (ALPHA) 5 days at 100 % = 40 h in the week of 6 April, confirmed; Review (ALPHA) 2 days
tentative = 16 h on 6–7 April; Beta work (BETA) 5 days at 50 % = 20 h in the week of 20 April. A Java
placeholder on Beta work at 100 % = 40 h of unstaffed Java demand. Member has Java at level 3.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kuroko.people import services as people_services
from kuroko.people.models import Team
from kuroko.projects import selectors, services
from kuroko.projects.models import Task
from kuroko.projects.selectors.load import LoadFilter, LoadQuery, period_bounds
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

H = 60  # minutes per hour


@pytest.fixture
def plan(world):
    """The plan of the module docstring; returns the world with `team`, `java` and `member` set."""
    admin = world.admin
    services.project_update(
        actor=admin, project=world.project, data={"planned_start": date(2026, 4, 6)}, expected_version=None
    )
    services.project_update(
        actor=admin, project=world.other, data={"planned_start": date(2026, 4, 20)}, expected_version=None
    )
    beta = Task.objects.get(pk=world.other_task.pk)
    services.task_update(
        actor=admin, task=beta, data={"duration_minutes": 5 * 480}, expected_version=beta.version
    )
    member = world.member.person
    team = Team.objects.create(code="DEV", name="Development")
    for person in (member, world.pm.person):
        person.team = team
        person.save()
    services.assignment_set(actor=admin, task=Task.objects.get(pk=world.owned_task.pk), person=member)
    services.assignment_set(
        actor=admin, task=Task.objects.get(pk=world.plain_task.pk), person=member, booking="tentative"
    )
    services.assignment_set(actor=admin, task=Task.objects.get(pk=beta.pk), person=member, units=50)
    java = people_services.skill_create(actor=admin, category="Languages", name="Java")
    people_services.person_skill_set(actor=admin, person=member, skill=java, level=3)
    placeholder = services.placeholder_create(
        actor=admin, project=world.other, data={"name": "Java developer", "skill": java, "min_level": 3}
    )
    services.assignment_set(actor=admin, task=Task.objects.get(pk=beta.pk), placeholder=placeholder)
    people_services.availability_add(
        actor=admin, person=member, data={"start": date(2026, 4, 16), "percent": 50, "note": "part time"}
    )
    world.team, world.java = team, java
    return world


def grid(user, **kw):
    return selectors.load_grid(user, selectors.load_query(user, **kw))


def row_of(g, person):
    return next(r for r in g.rows if r.person == person)


# --- periods ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "start", "count", "expected"),
    [
        ("day", date(2026, 4, 8), 2, [date(2026, 4, 8), date(2026, 4, 9), date(2026, 4, 10)]),
        ("week", date(2026, 4, 8), 2, [date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 20)]),  # Mondays
        (
            "month",
            date(2026, 11, 20),
            2,
            [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)],
        ),  # year end
    ],
)
def test_periods_are_aligned_to_their_scale(scale, start, count, expected):
    """Days start anywhere, weeks on Monday, months on the first; months run over the year's end."""
    assert period_bounds(scale, start, count) == expected


# --- the heatmap at each scale ------------------------------------------------------------------------


def test_month_scale_counts_the_holiday_and_part_time_availability(plan):
    """April: 128 h of capacity (holiday and half time from the 16th), 60 h confirmed, 16 h tentative;
    May: 72 h of capacity and no work."""
    g = grid(plan.pm, start=date(2026, 4, 20), scale="month", periods=2)
    assert g.starts == [date(2026, 4, 1), date(2026, 5, 1)]
    april, may = row_of(g, plan.member.person).cells
    assert april.capacity == pytest.approx(128 * H)
    assert april.work == pytest.approx(60 * H)
    assert april.tentative == pytest.approx(16 * H)
    assert april.percent == pytest.approx(46.875)
    assert april.finish == date(2026, 4, 30)
    assert (may.capacity, may.work) == (pytest.approx(72 * H), 0)
    full_time = row_of(g, plan.pm.person).cells
    assert [c.capacity / H for c in full_time] == [pytest.approx(168), pytest.approx(144)]


def test_day_scale_shows_each_day(plan):
    """6 April: a full day of Screens and a tentative day of Review; weekends and the holiday have no
    capacity (no %); from the 16th the capacity is half a day."""
    g = grid(plan.pm, start=date(2026, 4, 6), scale="day", periods=28)
    cells = {c.start: c for c in row_of(g, plan.member.person).cells}
    assert len(cells) == 28
    monday = cells[date(2026, 4, 6)]
    assert (monday.work, monday.tentative, monday.capacity) == (480, 480, 480)
    assert monday.percent == pytest.approx(100) and monday.percent_with_tentative == pytest.approx(200)
    assert cells[date(2026, 4, 11)].percent is None and cells[date(2026, 4, 11)].step == "none"
    assert cells[date(2026, 4, 29)].capacity == 0  # 昭和の日
    assert cells[date(2026, 4, 16)].capacity == 240
    assert cells[date(2026, 4, 20)].work == pytest.approx(240)  # Beta work at 50 %
    assert cells[date(2026, 4, 20)].percent == pytest.approx(100)


def test_week_scale_is_the_capacity_heatmap(plan):
    """The weekly grid and the existing capacity_heatmap agree; the week the availability changes has
    three full and two half days."""
    g = grid(plan.pm, start=date(2026, 4, 8), scale="week", periods=3)
    weeks = row_of(g, plan.member.person).cells
    old = next(
        r
        for r in selectors.capacity_heatmap(plan.pm, start=date(2026, 4, 8), weeks=3)
        if r.person == plan.member.person
    )
    assert [(c.start, c.work, c.capacity) for c in weeks] == [
        (c.start, c.work, c.capacity) for c in old.cells
    ]
    assert weeks[1].capacity == 3 * 480 + 2 * 240
    assert weeks[0].tasks == (plan.owned_task.pk,)  # confirmed work only; Review is tentative


def test_defaults_and_caps_per_scale(plan):
    """Without a number of periods each scale has its default range; beyond the cap is refused."""
    for scale, default in (("day", 28), ("week", 12), ("month", 6)):
        assert len(grid(plan.pm, start=date(2026, 4, 6), scale=scale).starts) == default
    assert len(grid(plan.pm, start=date(2026, 4, 6), scale="day", periods=62).starts) == 62
    assert len(grid(plan.pm, start=date(2026, 4, 6), scale="month", periods=24).starts) == 24


# --- filters ------------------------------------------------------------------------------------------


def test_team_skill_and_project_filters(plan):
    """Team: its members; skill: holders at the minimum level or above; project: the people assigned on
    it, with that project's part of each cell."""
    people = lambda **kw: [r.person for r in grid(plan.pm, start=date(2026, 4, 6), **kw).rows]  # noqa: E731
    assert set(people(team=plan.team.pk)) == {plan.member.person, plan.pm.person}
    assert people(skill=plan.java.pk, min_level=3) == [plan.member.person]
    assert people(skill=plan.java.pk, min_level=4) == []
    g = grid(plan.pm, start=date(2026, 4, 6), scale="week", periods=3, project="ALPHA")
    assert [r.person for r in g.rows] == [plan.member.person] and g.project == plan.project
    first, _second, third = g.rows[0].cells
    assert first.project_work == pytest.approx(40 * H) and first.project_percent == pytest.approx(100)
    # The week of 20 April: the member's whole load (Beta work) is shown, none of it on ALPHA.
    assert third.work == pytest.approx(20 * H) and third.project_work == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scale": "year"}, "scale"),  # not a scale
        ({"scale": "day", "periods": 63}, "periods"),  # over the 62-day cap
        ({"scale": "week", "periods": 53}, "periods"),  # over the 52-week cap
        ({"scale": "month", "periods": 25}, "periods"),  # over the 24-month cap
        ({"periods": 0}, "periods"),  # nothing to show
        ({"min_level": 6}, "min_level"),  # levels run 1–5
        ({"team": 999_999}, "team"),  # no such team
        ({"skill": 999_999}, "skill"),  # no such skill
        ({"project": "NOPE"}, "project"),  # no such project
        ({"project": "BETA"}, "project"),  # exists, but the project manager may not see it
    ],
)
def test_bad_queries_name_the_field(plan, kwargs, field):
    """Each bad parameter is refused with an error naming it."""
    with pytest.raises(ValidationError) as info:
        selectors.load_query(plan.pm, start=date(2026, 4, 6), **kwargs)
    assert field in info.value.message_dict


# --- drill-down ---------------------------------------------------------------------------------------


def test_cell_lists_the_tasks_behind_it(plan):
    """The week of 6 April: Screens (40 h confirmed) and Review (16 h tentative), with project and PM."""
    cell = selectors.load_cell(plan.pm, person=plan.member.person, start=date(2026, 4, 8), scale="week")
    assert (cell.start, cell.finish) == (date(2026, 4, 6), date(2026, 4, 12))
    assert [(t.task.name, t.work, t.tentative, t.units) for t in cell.tasks] == [
        ("Screens", pytest.approx(2400), 0, 100),
        ("Review", 0, pytest.approx(960), 100),
    ]
    assert cell.tasks[0].project == plan.project and cell.tasks[0].project.manager == plan.pm.person
    assert cell.percent == pytest.approx(100) and cell.hidden_work == 0


def test_cell_hides_the_tasks_of_projects_the_user_cannot_see(plan):
    """Member cannot read BETA: its work is summed without names; the PMO sees the task."""
    mine = selectors.load_cell(plan.member, person=plan.member.person, start=date(2026, 4, 20), scale="week")
    assert mine.tasks == [] and mine.hidden_work == pytest.approx(20 * H)
    pmo = selectors.load_cell(plan.pmo, person=plan.member.person, start=date(2026, 4, 20), scale="week")
    assert [(t.task.name, t.project.code, t.units) for t in pmo.tasks] == [("Beta work", "BETA", 50)]
    assert pmo.hidden_work == 0
    day = selectors.load_cell(plan.pmo, person=plan.member.person, start=date(2026, 4, 21), scale="day")
    assert day.tasks[0].work == pytest.approx(240) and day.capacity == 240
    month = selectors.load_cell(plan.pmo, person=plan.member.person, start=date(2026, 4, 21), scale="month")
    assert {t.task.name for t in month.tasks} == {"Screens", "Review", "Beta work"}


def test_over_allocation_list_hides_tasks_of_unreadable_projects(plan):
    """Member also on a 15-day ALPHA task: the week of 20 April is over capacity with it and Beta work;
    the list names only what the viewer may read and counts the rest."""
    long = services.task_create(
        actor=plan.admin, project=plan.project, data={"name": "Long haul", "duration_minutes": 15 * 480}
    )
    services.assignment_set(actor=plan.admin, task=Task.objects.get(pk=long.pk), person=plan.member.person)
    [entry] = selectors.over_allocations(plan.member, start=date(2026, 4, 20), weeks=1)
    assert [t.name for t in entry.tasks] == ["Long haul"] and entry.hidden == 1
    [entry] = selectors.over_allocations(plan.pmo, start=date(2026, 4, 20), weeks=1)
    assert {t.name for t in entry.tasks} == {"Long haul", "Beta work"} and entry.hidden == 0


# --- by team, by skill, utilisation -------------------------------------------------------------------


def test_team_table_sums_the_members(plan):
    """Development (member + pm) in April: 128 + 168 = 296 h capacity, 60 h demand, 16 h tentative."""
    table = selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), months=2, group="team")
    dev = next(r for r in table.rows if r.team == plan.team)
    april = dev.cells[0]
    assert (april.capacity_hours, april.planned_hours, april.tentative_hours) == (
        pytest.approx(296),
        pytest.approx(60),
        pytest.approx(16),
    )
    assert april.percent == pytest.approx(100 * 60 / 296)
    assert dev.total.capacity_hours == pytest.approx(296 + 72 + 144)
    assert sum(r.total.capacity for r in table.rows) == pytest.approx(table.total.total.capacity)


def test_skill_table_counts_holders_and_placeholders(plan):
    """Java in April: capacity of its holder (128 h); demand = the holder's 60 h + 40 h of the unstaffed
    placeholder = 100 h; tentative 16 h."""
    table = selectors.skill_load(plan.pm, month_from=date(2026, 4, 1), months=2)
    [java] = table.rows
    april = java.cells[0]
    assert java.skill == plan.java and table.total is None
    assert april.capacity_hours == pytest.approx(128)
    assert april.planned_hours == pytest.approx(100)
    assert april.unstaffed_hours == pytest.approx(40)
    assert april.tentative_hours == pytest.approx(16)
    assert april.percent == pytest.approx(100 * 100 / 128)


def test_utilisation_per_person_by_hand(plan):
    """Member: April 60 ÷ 128 = 46.875 %, May 0 ÷ 72; the total row adds every person's hours."""
    table = selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), months=2)
    assert table.months == [date(2026, 4, 1), date(2026, 5, 1)]
    member = next(r for r in table.rows if r.person == plan.member.person)
    assert member.team == plan.team
    assert [c.percent for c in member.cells] == [pytest.approx(46.875), pytest.approx(0)]
    assert member.total.percent == pytest.approx(100 * 60 / 200)
    assert table.total.cells[0].capacity_hours == pytest.approx(5 * 168 + 128)
    assert table.total.cells[0].planned_hours == pytest.approx(60)
    with pytest.raises(ValidationError) as info:
        selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), months=25)
    assert "months" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), group="project")
    assert "group" in info.value.message_dict


def test_utilisation_reads_a_fixed_number_of_queries(plan, django_assert_max_num_queries):
    """The report's queries do not grow with the number of people."""
    from tests.factories import PersonFactory

    with django_assert_max_num_queries(12):
        selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), months=3)
    PersonFactory.create_batch(15)
    with django_assert_max_num_queries(12):
        selectors.utilisation(plan.pm, month_from=date(2026, 4, 1), months=3)


# --- pages --------------------------------------------------------------------------------------------


def test_heatmap_page_at_each_scale(plan):
    """The page has the scale's headers, the filters and cells that carry the drill-down's keys."""
    client = signed_in(plan.pm)
    html = client.get("/resources/?start=2026-04-06&scale=day&periods=7").content.decode()
    assert "4/6" in html and 'data-start="2026-04-12"' in html and "scale-day" in html
    html = client.get("/resources/?start=2026-04-06&scale=month&periods=2").content.decode()
    assert "2026-04" in html and "2026-05" in html and 'data-start="2026-04-01"' in html
    html = client.get(f"/resources/?start=2026-04-06&project=ALPHA&skill={plan.java.pk}").content.decode()
    assert 'class="share"' in html and "of which ALPHA" in html
    # Bad values do not break the page: an unknown project is reported and dropped, periods are capped.
    response = client.get("/resources/?scale=day&periods=500&project=NOPE")
    assert response.status_code == 200 and "No project NOPE" in response.content.decode()
    assert response.context["periods"] == 62


def test_cell_fragment(plan):
    """The drill-down is a fragment of the heatmap page (no page around it); bad input is refused."""
    client = signed_in(plan.pm)
    person = plan.member.person.pk
    response = client.get(
        f"/resources/cell/?person={person}&start=2026-04-06&scale=week", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Screens" in html and "Review" in html and "ALPHA" in html and str(plan.pm.person) in html
    assert f"/projects/ALPHA/#task-{plan.owned_task.pk}" in html
    assert client.get(f"/resources/cell/?person={person}&start=soon").status_code == 400
    assert client.get(f"/resources/cell/?person={person}&start=2026-04-06&scale=year").status_code == 400
    assert client.get("/resources/cell/?person=999999&start=2026-04-06").status_code == 404
    assert client.get("/resources/cell/?start=2026-04-06").status_code == 404


def test_team_and_skill_page(plan):
    """One table per team and one per skill, month by month."""
    html = signed_in(plan.pm).get("/resources/teams-skills/?month_from=2026-04&months=2").content.decode()
    assert "Development" in html and "Java" in html and "2026-05" in html
    assert "60.0 / 296.0 h" in html  # the team's April demand and capacity
    assert "100.0 / 128.0 h" in html  # Java's


def test_utilisation_page(plan):
    """Per person and per team, with the export links carrying the same query."""
    client = signed_in(plan.pm)
    html = client.get("/resources/utilisation/?month_from=2026-04&months=2").content.decode()
    assert str(plan.member.person) in html and "46.9%" in html and "128.0" in html
    assert "utilisation.csv?month_from=2026-04&amp;months=2" in html
    html = client.get("/resources/utilisation/?month_from=2026-04&months=2&group=team").content.decode()
    assert "Development" in html and "296.0" in html


# --- exports ------------------------------------------------------------------------------------------


def test_csv_export_is_excel_ready_utf8(plan):
    """UTF-8 with a BOM, one row per person and month, hours and % as numbers; Japanese names survive."""
    person = plan.member.person
    person.family_name, person.given_name = "山田", "花子"
    person.save()
    response = signed_in(plan.pm).get("/resources/utilisation.csv?month_from=2026-04&months=2")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="utilisation-person-2026-04-2m.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Person",
        "Team",
        "Month",
        "Capacity (h)",
        "Planned (h)",
        "Tentative (h)",
        "Utilisation (%)",
    ]
    assert ["山田 花子", "Development", "2026-04", "128.0", "60.0", "16.0", "46.9"] in rows
    assert ["山田 花子", "Development", "2026-05", "72.0", "0.0", "0.0", "0.0"] in rows
    assert len(rows) == 1 + 6 * 2


def test_csv_headers_in_japanese(plan, settings):
    """With Japanese chosen, the headers are Japanese (稼働率)."""
    client = signed_in(plan.pm)
    client.post("/accounts/language/", {"language": "ja", "next": "/"})
    response = client.get("/resources/utilisation.csv?month_from=2026-04&months=1&group=team")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "稼働率 (%)" in header


def test_xlsx_export(plan):
    """An Excel workbook with the same rows, numbers as numbers, a frozen header row."""
    from openpyxl import load_workbook

    response = signed_in(plan.pm).get("/resources/utilisation.xlsx?month_from=2026-04&months=2&group=team")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["Team", "Month", "Capacity (h)", "Planned (h)", "Tentative (h)", "Utilisation (%)"]
    assert ["Development", "2026-04", 296.0, 60.0, 16.0, 20.3] in rows
    assert sheet.freeze_panes == "A2"


# --- API ----------------------------------------------------------------------------------------------


def test_api_load_at_month_scale_with_project_share(plan):
    """People × months with work, tentative, capacity (minutes) and %; a project filter adds its share."""
    body = (
        Api(plan.pmo)
        .get("/resources/load", start="2026-04-10", scale="month", periods=2, project="ALPHA")
        .json()
    )
    assert (body["scale"], body["start"], body["periods"], body["project"]) == (
        "month",
        "2026-04-01",
        2,
        "ALPHA",
    )
    [row] = body["rows"]
    april = row["cells"][0]
    assert row["person_id"] == plan.member.person.pk
    assert april == {
        "start": "2026-04-01",
        "finish": "2026-04-30",
        "work_minutes": 3600.0,
        "tentative_minutes": 960.0,
        "capacity_minutes": 7680.0,
        "percent": 46.9,
        "project_work_minutes": 2400.0,
    }
    weeks = Api(plan.pmo).get("/resources/load", start="2026-04-06", team=plan.team.pk).json()
    assert len(weeks["rows"]) == 2 and len(weeks["rows"][0]["cells"]) == 12
    assert weeks["rows"][0]["cells"][0]["project_work_minutes"] is None


def test_api_cell_and_utilisation(plan):
    """The drill-down as JSON (hidden projects summed), and the utilisation report per team."""
    member = plan.member.person.pk
    cell = (
        Api(plan.member).get("/resources/load/cell", person=member, start="2026-04-20", scale="week").json()
    )
    assert cell["tasks"] == [] and cell["hidden_work_minutes"] == 1200.0
    cell = Api(plan.pm).get("/resources/load/cell", person=member, start="2026-04-06").json()
    assert [
        (t["task"], t["project"], t["manager"], t["work_minutes"], t["tentative_minutes"])
        for t in cell["tasks"]
    ] == [
        ("Screens", "ALPHA", str(plan.pm.person), 2400.0, 0.0),
        ("Review", "ALPHA", str(plan.pm.person), 0.0, 960.0),
    ]
    report = Api(plan.pm).get("/resources/utilisation", month_from="2026-04", months=2, group="team").json()
    assert report["months"] == ["2026-04", "2026-05"]
    dev = next(r for r in report["rows"] if r["team_id"] == plan.team.pk)
    assert dev["months"][0] == {
        "month": "2026-04",
        "capacity_hours": 296.0,
        "planned_hours": 60.0,
        "tentative_hours": 16.0,
        "utilisation_percent": 20.3,
    }
    assert report["total"]["label"] == "Total"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/resources/load", {"scale": "year"}, "scale"),  # not a scale
        ("/resources/load", {"scale": "day", "periods": 100}, "periods"),  # over the cap
        ("/resources/load", {"start": "2026-13-01"}, "start"),  # not a date
        ("/resources/load", {"team": "x"}, "team"),  # not an id
        ("/resources/load", {"team": 999999}, "team"),  # no such team
        ("/resources/load", {"project": "BETA"}, "project"),  # hidden from the project manager
        ("/resources/load", {"min_level": 0}, "min_level"),  # levels run 1–5
        ("/resources/load/cell", {"start": "2026-04-06"}, "person"),  # person missing
        ("/resources/load/cell", {"person": 1, "start": "someday"}, "start"),  # not a date
        ("/resources/load/cell", {"person": "{member}", "start": "2026-04-06", "scale": "year"}, "scale"),
        ("/resources/utilisation", {"month_from": "April"}, "month_from"),  # not YYYY-MM
        ("/resources/utilisation", {"months": 25}, "months"),  # over the cap
        ("/resources/utilisation", {"group": "project"}, "group"),  # person or team only
    ],
)
def test_api_bad_input_is_a_422_naming_the_field(plan, path, params, field):
    """Every bad query parameter is a 422 whose detail names it."""
    params = {k: (plan.member.person.pk if v == "{member}" else v) for k, v in params.items()}
    response = Api(plan.pm).get(path, **params)
    assert response.status_code == 422, response.content
    assert field in [e["loc"][-1] for e in response.json()["detail"]]


def test_api_cell_of_unknown_person_is_404(plan):
    """An id that is no person is not found."""
    assert Api(plan.pm).get("/resources/load/cell", person=999999, start="2026-04-06").status_code == 404


def test_load_query_keeps_capacity_heatmap_callers(plan):
    """capacity_heatmap with an unknown team shows nobody (as before), and LoadQuery works directly."""
    assert selectors.capacity_heatmap(plan.pm, start=date(2026, 4, 6), team=999_999) == []
    rows = selectors.load_grid(
        plan.pm, LoadQuery(date(2026, 4, 6), "week", 1, LoadFilter(team=plan.team))
    ).rows
    assert {r.person for r in rows} == {plan.member.person, plan.pm.person}
