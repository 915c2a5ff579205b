"""Earned value in the app: baseline budgets, the ORM → engine mapping (hand-computed answers), selectors,
snapshots, weighted milestones, pages and API (issue 5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kuroko.engine.evm import Unit, earned_value
from kuroko.people import services as people_services
from kuroko.projects import services as project_services
from kuroko.projects.models import BaselineTask, Project, Task
from kuroko.tracking import selectors, services
from kuroko.tracking.mapping import NoBaseline, parse_unit, portfolio_totals, project_input
from kuroko.tracking.models import EvmSnapshot, Expense, TimeEntry, WeightedMilestone
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 4, 5)
STATUS = date(2027, 4, 7)  # Wednesday: 3 of A's 5 days and 3 of B's 10 days are planned


def entry(person, task, day, minutes, rate):
    """A time entry with its labour cost (what the timesheet services store)."""
    return TimeEntry.objects.create(
        person=person,
        project=task.project,
        task=task,
        date=day,
        minutes=minutes,
        cost=Decimal(minutes) / 60 * rate,
    )


@pytest.fixture
def measured(world):
    """EVM1 from Monday 5 April 2027: summary Build with A (5 days, Sato at 5,000/h: 40 h, 200,000) and
    B (10 days, Ito at 4,000/h: 80 h, 320,000), baseline 0 saved; A 80 % and B 20 % done; A logged
    8 h a day on 5–7 April, B 10 h on 6 and 7 April (and 8 h on the 8th, after the status date); an
    expense of 10,000 on 6 April."""
    admin = world.admin
    project = project_services.project_create(
        actor=admin,
        data={"code": "EVM1", "name": "Measured", "manager": world.pm.person, "status": "active",
              "planned_start": MONDAY},
    )  # fmt: skip
    build = project_services.task_create(actor=admin, project=project, data={"name": "Build"})
    a = project_services.task_create(
        actor=admin, project=project, parent=build, data={"name": "A", "duration_minutes": 5 * 480}
    )
    b = project_services.task_create(
        actor=admin, project=project, parent=build, data={"name": "B", "duration_minutes": 10 * 480}
    )
    sato, ito = PersonFactory(family_name="Sato"), PersonFactory(family_name="Ito")
    for person, rate in ((sato, 5000), (ito, 4000)):
        people_services.rate_card_add(
            actor=admin, person=person, data={"effective_from": date(2027, 1, 1), "cost_rate": rate}
        )
    project_services.assignment_set(actor=admin, task=a, person=sato)
    project_services.assignment_set(actor=admin, task=b, person=ito)
    project_services.baseline_capture(actor=admin, project=project, number=0)
    a, b = Task.objects.get(pk=a.pk), Task.objects.get(pk=b.pk)
    project_services.task_update(
        actor=admin, task=a, data={"percent_complete": 80}, expected_version=a.version
    )
    project_services.task_update(
        actor=admin, task=b, data={"percent_complete": 20}, expected_version=b.version
    )
    for day in (5, 6, 7):
        entry(sato, a, date(2027, 4, day), 480, 5000)
    for day in (6, 7):
        entry(ito, b, date(2027, 4, day), 600, 4000)
    entry(ito, b, date(2027, 4, 8), 480, 4000)
    Expense.objects.create(project=project, date=date(2027, 4, 6), category="expenses", amount=10000,
                           description="Licence")  # fmt: skip
    project = Project.objects.get(pk=project.pk)
    return project, Task.objects.get(pk=build.pk), Task.objects.get(pk=a.pk), Task.objects.get(pk=b.pk)


def test_baseline_records_planned_work_and_labour_cost(measured):
    """Capturing a baseline stores each task's work and cost (work × rate each day); summaries add up."""
    project, build, a, b = measured
    rows = {r.task_id: r for r in BaselineTask.objects.filter(baseline__project=project)}
    assert (rows[a.pk].work_minutes, rows[a.pk].cost) == (2400, Decimal("200000.00"))
    assert (rows[b.pk].work_minutes, rows[b.pk].cost) == (4800, Decimal("320000.00"))
    assert (rows[build.pk].work_minutes, rows[build.pk].cost) == (7200, Decimal("520000.00"))


def test_baseline_cost_follows_the_rate_in_force_each_day(world, measured):
    """A raise from Wednesday prices A's last three days at the new rate; a placeholder has no cost."""
    project, _build, a, _b = measured
    sato = a.assignments.get().person
    people_services.rate_card_add(
        actor=world.admin, person=sato, data={"effective_from": date(2027, 4, 7), "cost_rate": 6000}
    )
    helper = project_services.placeholder_create(actor=world.admin, project=project, data={"name": "Helper"})
    project_services.assignment_set(actor=world.admin, task=a, placeholder=helper)
    project_services.baseline_capture(actor=world.admin, project=project, number=1)
    row = BaselineTask.objects.get(baseline__project=project, baseline__number=1, task=a)
    # 16 h at 5,000 and 24 h at 6,000; the placeholder's 40 h count as work only.
    assert row.cost == Decimal("224000.00") and row.work_minutes == 4800


def test_mapping_gives_the_hand_computed_figures_in_money(measured):
    """BAC 520,000; PV 120,000 + 96,000; EV 160,000 + 64,000; AC 120,000 + 80,000 + the 10,000 expense."""
    project, build, a, b = measured
    mapped = project_input(project, status_date=STATUS, unit=Unit.MONEY)
    result = earned_value(mapped.project, status_date=STATUS)
    f = result.project
    assert f.bac == pytest.approx(520000)
    assert f.pv == pytest.approx(216000)
    assert f.ev == pytest.approx(224000)
    assert f.ac == pytest.approx(210000)
    assert f.spi == pytest.approx(224000 / 216000)
    assert f.cpi == pytest.approx(224000 / 210000)
    assert f.eac == pytest.approx(520000 * 210000 / 224000)
    # Earned schedule: 72,000 a day planned in the first week, so EV 224,000 is 3 + 8,000/72,000 days.
    assert f.es == pytest.approx(3 + 8000 / 72000) and f.at == pytest.approx(3)
    summary = result.elements[str(build.pk)]
    assert (summary.bac, summary.ac) == (pytest.approx(520000), pytest.approx(200000))
    assert result.elements[str(a.pk)].pv == pytest.approx(120000)
    assert result.elements[str(b.pk)].ev == pytest.approx(64000)
    assert result.elements["non-labour"].ac == pytest.approx(10000)


def test_mapping_in_effort_units_uses_the_organisation_hours(measured):
    """In hours BAC 120, PV 48, EV 48, AC 44 (the expense is money only); in person-days a fifth of an 8-h
    week … BAC 15; in person-months of 160 h, 0.75."""
    project, *_tasks = measured
    hours = earned_value(
        project_input(project, status_date=STATUS, unit=Unit.HOURS).project, status_date=STATUS
    )
    assert (hours.project.bac, hours.project.pv, hours.project.ev, hours.project.ac) == pytest.approx(
        (120, 48, 48, 44)
    )
    days = earned_value(
        project_input(project, status_date=STATUS, unit=Unit.PERSON_DAYS).project, status_date=STATUS
    )
    assert days.project.bac == pytest.approx(15) and days.project.ac == pytest.approx(5.5)
    months = earned_value(
        project_input(project, status_date=STATUS, unit=Unit.PERSON_MONTHS).project, status_date=STATUS
    )
    assert months.project.bac == pytest.approx(0.75)


def test_portfolio_totals_match_the_project_figures(measured):
    """The bulk computation of the portfolio table gives the project page's BAC, PV, EV and AC."""
    project, *_tasks = measured
    for unit in (Unit.MONEY, Unit.HOURS, Unit.PERSON_MONTHS):
        page = earned_value(project_input(project, status_date=STATUS, unit=unit).project, status_date=STATUS)
        bulk = portfolio_totals([project], status_date=STATUS, unit=unit)[project.pk]
        assert bulk is not None
        got = (bulk.bac, bulk.pv, bulk.ev, bulk.ac)
        assert got == pytest.approx((page.project.bac, page.project.pv, page.project.ev, page.project.ac))


def test_non_labour_budget_lines_are_phased_by_month_and_earned_with_the_project(world, measured):
    """An expenses budget of 30,000 in April adds to BAC, is planned over April's working days and is
    earned at the project's % complete; labour budget lines do not change BAC."""
    project, *_tasks = measured
    services.budget_set(actor=world.admin, project=project, category="expenses", month=MONDAY, amount=30000)
    services.budget_set(actor=world.admin, project=project, category="labour", month=MONDAY, amount=999999)
    project.refresh_from_db()
    result = earned_value(
        project_input(project, status_date=STATUS, unit=Unit.MONEY).project, status_date=STATUS
    )
    extra = result.elements["non-labour"]
    assert extra.bac == pytest.approx(30000)
    assert result.project.bac == pytest.approx(550000)
    assert extra.ev == pytest.approx(30000 * float(project.percent_complete) / 100)
    # April 2027 has 21 working days (29 April is a holiday); 1–7 April holds 5 of them.
    assert extra.pv == pytest.approx(30000 * 5 / 21)
    bulk = portfolio_totals([project], status_date=STATUS, unit=Unit.MONEY)[project.pk]
    assert bulk is not None and bulk.pv == pytest.approx(result.project.pv)


def test_milestone_method_earns_the_weights_achieved(world, measured):
    """A with milestones 30 (achieved 6 April) and 70 (not yet) earns 30 % of 200,000; B has none and
    earns nothing until it finishes."""
    project, _build, a, _b = measured
    project_services.project_update(
        actor=world.admin, project=project, data={"ev_method": "milestones"}, expected_version=None
    )
    services.weighted_milestone_add(
        actor=world.pm, task=a, name="Design", weight=30, achieved_on=date(2027, 4, 6)
    )
    services.weighted_milestone_add(actor=world.pm, task=a, name="Code", weight=70)
    project.refresh_from_db()
    result = earned_value(
        project_input(project, status_date=STATUS, unit=Unit.MONEY).project, status_date=STATUS
    )
    assert result.project.ev == pytest.approx(60000)
    assert portfolio_totals([project], status_date=STATUS, unit=Unit.MONEY)[project.pk].ev == pytest.approx(
        60000
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),  # a milestone needs a name
        ({"name": "x" * 201}, "name"),  # longer than the column
        ({"weight": 0}, "weight"),  # zero earns nothing: refused
        ({"weight": -5}, "weight"),  # negative weight
        ({"weight": "heavy"}, "weight"),  # not a number
        ({"weight": 10**6}, "weight"),  # more digits than the column holds
        ({"summary": True}, "task"),  # milestones belong on leaf tasks
    ],
)
def test_bad_milestones_are_refused_naming_the_field(world, measured, kwargs, field):
    """Each bad milestone is refused with a message on its field, and nothing is saved."""
    _project, build, a, _b = measured
    args = {"name": "Design", "weight": 30} | {k: v for k, v in kwargs.items() if k != "summary"}
    task = build if kwargs.get("summary") else a
    with pytest.raises(ValidationError) as info:
        services.weighted_milestone_add(actor=world.pm, task=task, **args)
    assert field in info.value.message_dict
    assert not WeightedMilestone.objects.exists()


def test_milestone_permissions(world, measured):
    """The project's editors add milestones; a reader may not; achieving one needs progress rights."""
    _project, _build, a, _b = measured
    with pytest.raises(PermissionDenied):
        services.weighted_milestone_add(actor=world.member, task=a, name="x", weight=1)
    milestone = services.weighted_milestone_add(actor=world.pm, task=a, name="x", weight=1)
    with pytest.raises(PermissionDenied):
        services.weighted_milestone_achieve(actor=world.executive, milestone=milestone, achieved_on=STATUS)
    services.weighted_milestone_achieve(actor=world.pm, milestone=milestone, achieved_on=STATUS)
    assert WeightedMilestone.objects.get().achieved_on == STATUS
    with pytest.raises(PermissionDenied):
        services.weighted_milestone_remove(actor=world.executive, milestone=milestone)


def test_no_baseline_is_a_message_not_an_error(world):
    """A project without its compared baseline gets a message naming the baseline, and no figures."""
    with pytest.raises(NoBaseline):
        project_input(world.project, status_date=STATUS, unit=Unit.MONEY)
    evm = selectors.project_evm(world.admin, world.project, status_date=STATUS)
    assert evm.figures is None and "Baseline" in evm.message
    assert portfolio_totals([world.project], status_date=STATUS, unit=Unit.MONEY) == {world.project.pk: None}


@pytest.mark.parametrize(
    "value",
    [
        "dollars",  # not a unit
        "MONEY",  # units are lower case
        "person-days",  # the value is person_days
    ],
)
def test_unknown_units_are_refused_naming_the_field(value):
    """A unit outside money, hours, person_days, person_months is a ValidationError on `unit`."""
    with pytest.raises(ValidationError) as info:
        parse_unit(value)
    assert "unit" in info.value.message_dict


def test_project_evm_selector_checks_who_reads(world, measured):
    """Readers of the project see its earned value; others are refused."""
    project, *_tasks = measured
    assert selectors.project_evm(world.pm, project, status_date=STATUS).figures is not None
    with pytest.raises(PermissionDenied):
        selectors.project_evm(world.outsider, project, status_date=STATUS)


def test_s_curve_reconstructs_past_progress_from_the_task_history(world, measured):
    """EV at earlier week ends reads % complete as recorded then; at the status date it is as it stands."""
    from django.utils import timezone

    project, _build, a, b = measured
    # The tasks were created on 1 April at 0 % and their progress reported on 13 April.
    for task in (a, b):
        records = list(task.history.order_by("history_date", "history_id"))
        for record in records:
            day = 13 if record.percent_complete else 1
            record.history_date = timezone.make_aware(timezone.datetime(2027, 4, day, 10))
            record.save()
    evm = selectors.project_evm(world.admin, project, status_date=date(2027, 4, 14), unit="hours")
    ends = [p.end for p in evm.series]
    # The origin (the day before the start), weeks ending on Sunday, the status date, the baseline finish.
    assert ends == [date(2027, 4, 4), date(2027, 4, 11), date(2027, 4, 14), date(2027, 4, 16)]
    assert (evm.series[0].pv, evm.series[0].ev, evm.series[0].ac) == (0, 0, 0)
    assert evm.series[1].ev == 0 and evm.series[1].ac == pytest.approx(52)  # 8 h on the 8th too
    assert evm.series[2].ev == pytest.approx(evm.figures.ev) == pytest.approx(48)
    assert evm.series[3].ev is None and evm.series[3].pv == pytest.approx(120)


def test_portfolio_groups_by_program_with_totals(world, measured):
    """The portfolio lists the readable projects by program; totals add up the measured ones."""
    evm = selectors.portfolio_evm(world.admin, status_date=STATUS)
    codes = [line.project.code for group in evm.groups for line in group.lines]
    assert {"ALPHA", "BETA", "EVM1"} <= set(codes)
    assert evm.total is not None and evm.total.bac == pytest.approx(520000)
    assert evm.total.cpi == pytest.approx(224000 / 210000)
    member_view = selectors.portfolio_evm(world.member, status_date=STATUS)
    assert [line.project.code for g in member_view.groups for line in g.lines] == ["ALPHA"]


def test_snapshots_are_recorded_in_money_and_hours_and_replaced(
    world, measured, django_assert_max_num_queries
):
    """A snapshot per unit; recording the same day again replaces it; projects without baseline skip."""
    project, *_tasks = measured
    rows = services.evm_snapshot_record(project=project, status_date=STATUS)
    assert sorted(r.unit for r in rows) == ["hours", "money"]
    services.evm_snapshot_record(project=project, status_date=STATUS)
    assert EvmSnapshot.objects.filter(project=project).count() == 2
    money = EvmSnapshot.objects.get(project=project, unit="money")
    assert money.ev == pytest.approx(224000) and money.cpi == pytest.approx(224000 / 210000)
    assert services.evm_snapshot_record(project=world.project, status_date=STATUS) == []
    history = selectors.project_snapshots(world.pm, project, unit="person_days")
    assert history[0]["bac"] == pytest.approx(15)


def test_record_all_uses_each_status_date_and_the_background_task(world, measured):
    """Every active project with a baseline is recorded at its own status date; the task does the same."""
    from kuroko.tracking.tasks import evm_snapshots_in_background

    project, *_tasks = measured
    Project.objects.filter(pk=project.pk).update(status_date=STATUS)
    assert services.evm_snapshots_record_all() == 1
    assert EvmSnapshot.objects.filter(project=project, status_date=STATUS).count() == 2
    evm_snapshots_in_background.enqueue("2027-04-08")
    assert EvmSnapshot.objects.filter(project=project, status_date=date(2027, 4, 8)).count() == 2


def test_setting_the_status_date_records_a_snapshot(world, measured):
    """The PM makes a day the status date from the EVM page: the project keeps it and a snapshot is taken."""
    project, *_tasks = measured
    services.evm_status_date_set(actor=world.pm, project=project, status_date=STATUS)
    project.refresh_from_db()
    assert project.status_date == STATUS
    assert EvmSnapshot.objects.filter(project=project, status_date=STATUS).exists()
    with pytest.raises(PermissionDenied):
        services.evm_status_date_set(actor=world.member, project=project, status_date=STATUS)


# --- pages ------------------------------------------------------------------------------------------------


def test_project_page_shows_figures_wbs_and_charts(world, measured):
    """The page shows the headline figures, the WBS rows and the chart specs, in the unit asked for."""
    project, _build, a, _b = measured
    client = signed_in(world.pm)
    url = reverse("project-evm", args=[project.code])
    html = client.get(url, {"status_date": "2027-04-07"}).content.decode()
    assert 'id="fig-bac">520,000<' in html and 'id="fig-spi">1.04<' in html
    assert f'data-element="{a.pk}"' in html and "spec-s-curve" in html
    html = client.get(url, {"status_date": "2027-04-07", "unit": "hours"}).content.decode()
    assert 'id="fig-bac">120.0<' in html


def test_project_page_says_bad_input_and_missing_baseline(world, measured):
    """A bad date or unit is said on the page (the defaults are used); no baseline is a message."""
    project, *_tasks = measured
    client = signed_in(world.pm)
    response = client.get(reverse("project-evm", args=[project.code]), {"status_date": "soon", "unit": "yen"})
    html = response.content.decode()
    assert response.status_code == 200 and "is not a date" in html and "Unknown unit" in html
    html = client.get(reverse("project-evm", args=["ALPHA"])).content.decode()
    assert 'id="evm-message"' in html and "has not been saved" in html


def test_milestone_pages_add_achieve_and_remove(world, measured):
    """The PM adds a milestone from the page, marks it achieved and removes it."""
    project, _build, a, _b = measured
    project_services.project_update(
        actor=world.admin, project=project, data={"ev_method": "milestones"}, expected_version=None
    )
    client = signed_in(world.pm)
    client.post(
        reverse("evm-milestone-add", args=[project.code]), {"task": a.pk, "name": "Design", "weight": "40"}
    )
    milestone = WeightedMilestone.objects.get()
    assert client.get(reverse("project-evm", args=[project.code])).content.decode().count("Design") >= 1
    client.post(reverse("evm-milestone-achieve", args=[milestone.pk]), {"achieved_on": "2027-04-06"})
    assert WeightedMilestone.objects.get().achieved_on == date(2027, 4, 6)
    response = client.post(
        reverse("evm-milestone-add", args=[project.code]),
        {"task": a.pk, "name": "", "weight": "1"},
        follow=True,
    )
    assert WeightedMilestone.objects.count() == 1
    assert 'class="msg msg-error"' in response.content.decode()
    client.post(reverse("evm-milestone-delete", args=[milestone.pk]))
    assert not WeightedMilestone.objects.exists()


def test_portfolio_page_colours_indices(world, measured):
    """The portfolio table shows each project with its coloured CPI and the totals."""
    _project, *_tasks = measured
    html = signed_in(world.pmo).get(reverse("evm-portfolio"), {"status_date": "2027-04-07"}).content.decode()
    assert 'data-project="EVM1"' in html and 'id="portfolio-total"' in html
    assert "idx-green" in html and "idx-red" not in html  # SPI 1.04 and CPI 1.07
    assert "No baseline to measure against." in html


def test_project_form_edits_the_progress_and_ev_methods(world, measured):
    """The PM sets the EV and progress methods on the project form; a form without them keeps them."""
    project, *_tasks = measured
    client = signed_in(world.pm)
    data = {"version": project.version, "code": "EVM1", "name": "Measured", "manager": world.pm.person.pk,
            "status": "active", "priority": 500, "budget": "0", "planned_start": "2027-04-05",
            "ev_method": "50/50", "progress_method": "effort"}  # fmt: skip
    assert client.post(reverse("project-edit", args=["EVM1"]), data).status_code == 302
    project.refresh_from_db()
    assert (project.ev_method, project.progress_method) == ("50/50", "effort")
    data = data | {"version": project.version, "name": "Renamed"}
    del data["ev_method"], data["progress_method"]
    assert client.post(reverse("project-edit", args=["EVM1"]), data).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.ev_method) == ("Renamed", "50/50")


def test_chart_bundle_is_served_locally():
    """The vega-embed bundle is served by Kuroko (no CDN) and cached by browsers."""
    from django.test import Client

    response = Client().get(reverse("chart-bundle"))
    assert response.status_code == 200 and b"vegaEmbed" in response.content
    assert "max-age" in response["Cache-Control"]


def test_chart_specs_render_to_svg():
    """The same Vega-Lite spec renders to SVG offline (for print and PDF)."""
    from kuroko.formats import charts

    spec = charts.s_curve(
        [
            {"end": date(2027, 4, 11), "pv": 10.0, "ev": 8.0, "ac": 9.0},
            {"end": date(2027, 4, 18), "pv": 20.0},
        ],
        labels={"pv": "PV", "ev": "EV", "ac": "AC", "eac": "EAC", "date": "Date", "amount": "JPY",
                "status_date": "Status date"},
        status_date=date(2027, 4, 11),
        eac=(date(2027, 4, 25), 25.0),
        ac_now=9.0,
    )  # fmt: skip
    svg = charts.to_svg(spec)
    assert svg.startswith("<svg") and "EAC" in svg


# --- API --------------------------------------------------------------------------------------------------


def test_api_project_evm_gives_project_and_elements(world, measured):
    """GET /projects/{code}/evm: the figures of the project and of each WBS element."""
    project, build, *_rest = measured
    api = Api(world.pm)
    body = api.get(f"/projects/{project.code}/evm?status_date=2027-04-07&unit=hours").json()
    assert body["unit"] == "hours" and body["project"]["bac"] == pytest.approx(120)
    summary = next(e for e in body["elements"] if e["task_id"] == build.pk)
    assert summary["summary"] is True and summary["ac"] == pytest.approx(44)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status_date=2027-13-01", "status_date"),  # no month 13
        ("status_date=yesterday", "status_date"),  # not a date
        ("unit=yen", "unit"),  # not a unit
    ],
)
def test_api_bad_query_is_a_422_naming_the_field(world, measured, query, field):
    """A bad status date or unit is refused with 422 JSON naming it."""
    api = Api(world.pm)
    response = api.get(f"/projects/EVM1/evm?{query}")
    assert response.status_code == 422
    assert field in str(response.json())
    assert api.get(f"/evm/portfolio?{query}").status_code == 422


def test_api_portfolio_and_history(world, measured):
    """The portfolio lists projects with program totals; the history gives snapshots and the curve."""
    project, *_tasks = measured
    services.evm_snapshot_record(project=project, status_date=STATUS)
    api = Api(world.admin)
    body = api.get("/evm/portfolio?status_date=2027-04-07").json()
    assert body["portfolio"]["bac"] == pytest.approx(520000)
    assert any(p["code"] == "EVM1" and p["figures"]["ev"] == pytest.approx(224000) for p in body["projects"])
    history = api.get("/projects/EVM1/evm/history?status_date=2027-04-14").json()
    assert history["recorded"][0]["status_date"] == "2027-04-07"
    assert [p["end"] for p in history["curve"]] == ["2027-04-04", "2027-04-11", "2027-04-14", "2027-04-16"]
    assert history["curve"][2]["cpi"] == pytest.approx(224000 / 242000) and history["curve"][3]["ev"] is None


@pytest.mark.parametrize(
    ("value", "inverse", "colour"),
    [
        (None, False, ""),  # undefined: no colour
        (0.89, False, "red"),  # below 0.9
        (0.9, False, "amber"),  # 0.9 itself is amber
        (0.949, False, "amber"),  # below 0.95
        (0.95, False, "green"),  # 0.95 and above
        (1.2, False, "green"),  # ahead / under budget
        (1.2, True, "red"),  # TCPI 1.2: the rest must be 20 % more efficient
        (1.06, True, "amber"),  # TCPI 1.06: 1 / 1.06 = 0.943
        (0.8, True, "green"),  # TCPI below 1: room to spare
    ],
)
def test_index_thresholds(value, inverse, colour):
    """Indices below 0.9 are red and below 0.95 amber; TCPI is judged by its inverse."""
    assert selectors.index_colour(value, inverse=inverse) == colour
