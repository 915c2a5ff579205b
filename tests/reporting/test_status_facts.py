"""Gathering the facts of a project's week: milestones with their slip, earned value, changes since last
week, working days, and a fixed number of queries whatever the number of projects."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.engine.calendar import WorkCalendar, holiday_exceptions
from kuroko.engine.model import Calendar
from kuroko.projects import services as project_services
from kuroko.projects.services.baselines import baseline_capture
from kuroko.projects.services.schedule import project_reschedule
from kuroko.reporting.selectors.status_facts import facts_for, status_date_of, working_days
from kuroko.reporting.services import status as services
from tests.factories import ProjectFactory, RiskFactory

WEEK = date(2026, 11, 16)  # a Monday
FRIDAY = WEEK + timedelta(days=4)
# Monday to Friday with Japanese public holidays, as the organisation calendar of a new installation.
JAPAN = WorkCalendar(Calendar("jp", exceptions=holiday_exceptions("JP", range(2025, 2029))))


def test_working_days_skip_weekends_and_holidays():
    """Working days leave out Saturdays, Sundays and Japanese public holidays (23 Nov 2026 is one)."""
    assert working_days(date(2026, 11, 20), date(2026, 11, 27), calendar=JAPAN) == 4  # Mon 23 is 勤労感謝の日
    assert working_days(date(2026, 11, 16), date(2026, 11, 16), calendar=JAPAN) == 0
    assert working_days(date(2026, 11, 18), date(2026, 11, 16), calendar=JAPAN) == -2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(date(2025, 1, 1), date(2028, 12, 31)), st.dates(date(2025, 1, 1), date(2028, 12, 31)))
def test_working_days_are_antisymmetric(a, b):
    """Counting from b to a gives the negative of counting from a to b, and never more than the days."""
    assert working_days(a, b, calendar=JAPAN) == -working_days(b, a, calendar=JAPAN)
    assert abs(working_days(a, b, calendar=JAPAN)) <= abs((b - a).days)


def test_status_date_is_friday_or_today():
    """A past week is reported as of its Friday; the running week as of today (never before Monday)."""
    assert status_date_of(WEEK, date(2026, 12, 1)) == FRIDAY
    assert status_date_of(WEEK, WEEK + timedelta(days=2)) == WEEK + timedelta(days=2)
    assert status_date_of(WEEK, WEEK - timedelta(days=3)) == WEEK


def test_slipped_milestone_is_reported_in_working_days(world):
    """A milestone moved a week later than its baseline is missed this week: 4 working days late, as
    Monday 23 November is a public holiday."""
    from kuroko.projects.models import Project

    start = WEEK - timedelta(days=14)
    Project.objects.filter(pk=world.project.pk).update(planned_start=start)
    project = Project.objects.get(pk=world.project.pk)
    milestone = project_services.task_create(
        actor=world.admin,
        project=project,
        data={"name": "基本設計完了", "kind": "milestone", "planned_start": WEEK + timedelta(days=2)},
    )
    project_reschedule(project, today=start)
    baseline_capture(actor=world.admin, project=project, number=0)
    milestone.refresh_from_db()
    project_services.task_update(
        actor=world.admin,
        task=milestone,
        data={"planned_start": WEEK + timedelta(days=9)},
        expected_version=milestone.version,
    )
    project_reschedule(project, today=start)
    project.refresh_from_db()
    facts = facts_for([project], WEEK, today=FRIDAY)[project.pk]
    [fact] = facts.milestones_this_week
    assert (fact.name, fact.state, fact.slip_days) == ("基本設計完了", "missed", 4)
    colours = services.rule_settings([None])[None]
    from kuroko.reporting import rag

    schedule = rag.computed_colours(facts, colours)["schedule"]
    assert schedule["rag"] == "amber"  # from 1 working day; red from 5
    assert rag.reason_text(schedule["reasons"][0]) == "Milestone 基本設計完了 slipped 4 working days"


def test_risk_changes_since_last_week(world):
    """A risk is "new" after last week's report and "raised" when its score went up since."""
    risk = RiskFactory(
        project=world.project, probability=2, impact_cost=2, raised_on=WEEK - timedelta(days=20)
    )
    last = services.report_get_or_draft(project=world.project, week=WEEK - timedelta(days=7), actor=world.pm)
    assert [r["change"] for r in last.facts["risks"]] == [""]  # the first report: nothing to compare with
    new = RiskFactory(project=world.project, probability=1, impact_cost=1, raised_on=WEEK)
    risk.probability = 5
    from kuroko.raid.services import risk_score

    risk_score(risk)
    risk.save()
    facts = facts_for([world.project], WEEK, today=FRIDAY)[world.project.pk]
    changes = {r.id: r.change for r in facts.risks}
    assert changes == {risk.pk: "raised", new.pk: "new"}


def test_old_risk_moving_into_the_top_is_not_new(world):
    """A risk open for a month that moves into the top risks when another closes is not "new"."""
    risks = [
        RiskFactory(project=world.project, probability=5 - n // 2, impact_cost=5 - n // 2 if n < 5 else 1,
                    raised_on=WEEK - timedelta(days=30))
        for n in range(6)
    ]  # fmt: skip
    services.report_get_or_draft(project=world.project, week=WEEK - timedelta(days=7), actor=world.pm)
    risks[0].status, risks[0].closed_on = "closed", WEEK - timedelta(days=1)
    risks[0].save()
    changes = {r.id: r.change for r in facts_for([world.project], WEEK, today=FRIDAY)[world.project.pk].risks}
    assert changes[risks[5].pk] == ""


def test_unlisted_risk_entering_the_top_with_a_higher_score_is_raised(world):
    """A risk outside last week's top risks whose score went up, and which enters the top list, reads
    "raised": last week's report keeps every open risk's score, not only the listed ones."""
    from kuroko.raid.services import risk_score

    risks = [
        RiskFactory(project=world.project, probability=4, impact_cost=4, raised_on=WEEK - timedelta(days=30))
        for _n in range(5)
    ]
    low = RiskFactory(
        project=world.project, probability=1, impact_cost=2, raised_on=WEEK - timedelta(days=30)
    )
    last = services.report_get_or_draft(project=world.project, week=WEEK - timedelta(days=7), actor=world.pm)
    assert low.pk not in [r["id"] for r in last.facts["risks"]]
    assert last.facts["risk_scores"][str(low.pk)] == float(low.score)
    low.probability, low.impact_cost = 5, 5
    risk_score(low)
    low.save()
    changes = {r.id: r.change for r in facts_for([world.project], WEEK, today=FRIDAY)[world.project.pk].risks}
    assert changes[low.pk] == "raised"
    assert all(changes[r.pk] == "" for r in risks if r.pk in changes)


def test_queries_do_not_grow_with_projects(world, django_assert_max_num_queries):
    """Gathering the facts of 2 or 22 projects costs the same queries (one per kind of row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        facts_for([world.project, world.other], WEEK, today=FRIDAY)
    projects = [world.project, world.other] + [ProjectFactory(status="active") for _n in range(20)]
    with django_assert_max_num_queries(len(few) + 2):
        facts = facts_for(projects, WEEK, today=FRIDAY)
    assert len(facts) == 22


def test_milestone_baselined_on_a_weekend_and_finished_later_is_missed(world):
    """A milestone baselined on a Saturday and finished the Monday after (0 working days) is missed."""
    from datetime import datetime

    from django.utils import timezone

    from kuroko.projects.models import BaselineTask, Project, Task

    start = WEEK - timedelta(days=14)
    Project.objects.filter(pk=world.project.pk).update(planned_start=start)
    project = Project.objects.get(pk=world.project.pk)
    milestone = project_services.task_create(
        actor=world.admin,
        project=project,
        data={"name": "受入", "kind": "milestone", "planned_start": WEEK + timedelta(days=2)},
    )
    project_reschedule(project, today=start)
    baseline_capture(actor=world.admin, project=project, number=0)
    saturday = timezone.make_aware(datetime(2026, 11, 14, 17, 0))
    BaselineTask.objects.filter(task=milestone).update(finish=saturday)
    monday = timezone.make_aware(datetime(2026, 11, 16, 17, 0))
    Task.objects.filter(pk=milestone.pk).update(actual_finish=monday, finish=monday)
    facts = facts_for([project], WEEK, today=FRIDAY)[project.pk]
    [fact] = [m for m in facts.milestones_this_week if m.name == "受入"]
    assert (fact.state, fact.slip_days) == ("missed", 0)


def _milestone_slipped(actor, project, name: str):
    """A milestone of `project` baselined on Wednesday 18 November and now due Wednesday 25 November."""
    from datetime import datetime

    from django.utils import timezone

    from kuroko.projects.models import BaselineTask, Task

    milestone = project_services.task_create(
        actor=actor, project=project, data={"name": name, "kind": "milestone", "planned_start": WEEK}
    )
    baseline_capture(actor=actor, project=project, number=0)
    BaselineTask.objects.filter(task=milestone).update(
        finish=timezone.make_aware(datetime(2026, 11, 18, 17, 0))
    )
    Task.objects.filter(pk=milestone.pk).update(finish=timezone.make_aware(datetime(2026, 11, 25, 17, 0)))


def test_slip_is_counted_on_the_project_calendar(world):
    """A company holiday of the project's own calendar inside the slip is not a working day: from Wed 18
    to Wed 25 November the slip is 3 days on a calendar closed on Tue 24 (and Mon 23, a public holiday
    it inherits from its base), 4 days for a project on the organisation calendar in the same batch."""
    from kuroko.people import services as people_services
    from kuroko.people.selectors import default_calendar
    from kuroko.projects.models import Project

    calendar = people_services.calendar_create(
        actor=world.admin, data={"name": "本社", "base": default_calendar(), "holiday_country": ""}
    )
    people_services.calendar_exception_add(
        actor=world.admin, calendar=calendar, data={"name": "創立記念日", "start": date(2026, 11, 24)}
    )
    Project.objects.filter(pk=world.project.pk).update(calendar=calendar)
    own, organisation = Project.objects.get(pk=world.project.pk), Project.objects.get(pk=world.other.pk)
    _milestone_slipped(world.admin, own, "本社移転")
    _milestone_slipped(world.admin, organisation, "受入")
    facts = facts_for([own, organisation], WEEK, today=FRIDAY)
    [slipped] = facts[own.pk].milestones_this_week
    assert (slipped.state, slipped.slip_days) == ("missed", 3)
    [slipped] = facts[organisation.pk].milestones_this_week
    assert (slipped.state, slipped.slip_days) == ("missed", 4)
