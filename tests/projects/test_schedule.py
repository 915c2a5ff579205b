"""The project schedule computed by the engine: mapping, page, API and MS Project XML export."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from kuroko.formats.mspdi import read_mspdi
from kuroko.projects import selectors, services
from kuroko.projects.mapping import project_calendars, project_plan
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


@pytest.fixture
def linked(world):
    """ALPHA starts Monday 2026-11-23; Screens (5d) → Review (2d)."""
    services.project_update(
        actor=world.admin, project=world.project, data={"planned_start": MONDAY}, expected_version=None
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    world.project.refresh_from_db()
    return world


def test_organisation_calendar_has_lunch_and_holidays(world):
    """A project without a calendar works on the default one: 09:00–12:00 and 13:00–18:00 on weekdays
    for 8-hour days, and Japanese holidays as exceptions."""
    calendars, key = project_calendars(world.project, range(2026, 2027))
    cal = next(c for c in calendars if c.id == key)
    assert cal.week[0] == ((540, 720), (780, 1080))
    assert cal.week[5] == ()
    assert any(e.start == date(2026, 11, 23) for e in cal.exceptions)  # Labour Thanksgiving Day


def test_plan_maps_tasks_links_and_summaries(linked):
    """The plan has every task, the summary as a parent, and the link with its type and lag."""
    plan, _rows = project_plan(linked.project, today=MONDAY)
    assert {t.name for t in plan.tasks} == {"Design", "Screens", "Review"}
    screens = next(t for t in plan.tasks if t.name == "Screens")
    assert screens.parent == str(linked.summary.pk) and screens.duration == 2400
    assert [(link.predecessor, link.successor, str(link.type)) for link in plan.links] == [
        (str(linked.owned_task.pk), str(linked.plain_task.pk), "FS")
    ]
    assert plan.start == datetime(2026, 11, 23, 9, 0)


def test_schedule_skips_holiday_and_follows_links(linked):
    """Monday 2026-11-23 is a holiday: Screens runs Tue–Mon, Review follows; both are critical."""
    computed = selectors.project_schedule(linked.admin, linked.project, today=MONDAY)
    assert not computed.error
    by_name = {row.task.name: row.dates for row in computed.rows}
    assert by_name["Screens"].start == datetime(2026, 11, 24, 9, 0)
    assert by_name["Screens"].finish == datetime(2026, 11, 30, 18, 0)
    assert by_name["Review"].start == datetime(2026, 12, 1, 9, 0)
    assert by_name["Review"].finish == datetime(2026, 12, 2, 18, 0)
    assert by_name["Design"].start == by_name["Screens"].start  # the summary spans its subtasks
    assert [t.name for t in computed.critical_path] == ["Screens", "Review"]
    assert computed.finish == datetime(2026, 12, 2, 18, 0)


def test_schedule_page_and_api(linked):
    """The schedule page lists the tasks with their float; the API returns the same dates as JSON."""
    html = signed_in(linked.member).get("/projects/ALPHA/schedule/").content.decode()
    assert "Screens" in html and "2026-11-30 18:00" in html and "Critical" in html
    data = signed_in(linked.executive).get("/api/v1/projects/ALPHA/schedule").json()
    assert data["project_finish"] == "2026-12-02T18:00:00"
    assert [t["name"] for t in data["tasks"] if t["critical"] and not t["summary"]] == ["Screens", "Review"]
    assert signed_in(linked.outsider).get("/api/v1/projects/ALPHA/schedule").status_code == 403


def test_cross_project_predecessor_drives_the_schedule(linked):
    """A dated task of another project constrains this one through its finish."""
    other = linked.other_task
    services.task_update(
        actor=linked.admin,
        task=other,
        expected_version=None,
        data={
            "planned_start": date(2026, 12, 7),
            "planned_finish": date(2026, 12, 8),
            "duration_minutes": 960,
        },
    )
    services.dependency_create(actor=linked.admin, predecessor=other, successor=linked.owned_task)
    computed = selectors.project_schedule(linked.admin, linked.project, today=MONDAY)
    screens = next(row.dates for row in computed.rows if row.task.name == "Screens")
    assert screens.start == datetime(2026, 12, 9, 9, 0)


def test_mspdi_export_reads_back(linked):
    """The MS Project XML download is valid MSPDI with the tasks, the link and the computed dates."""
    response = signed_in(linked.pm).get("/projects/ALPHA/schedule.xml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ALPHA.xml"'
    project = read_mspdi(response.content)
    assert sorted(t.name for t in project.plan.tasks) == ["Design", "Review", "Screens"]
    assert len(project.plan.links) == 1
    review = next(t for t in project.plan.tasks if t.name == "Review")
    assert project.stored[review.id].finish == datetime(2026, 12, 2, 18, 0)


def test_changes_store_the_computed_schedule_on_the_rows(linked):
    """Every change reschedules: early/late dates, floats and the critical flag are stored on the tasks."""
    from django.utils import timezone

    from kuroko.projects.models import Project, Task

    def stored(task):
        row = Task.objects.get(pk=task.pk)
        return timezone.localtime(row.early_start).replace(tzinfo=None), row.total_float_minutes, row.critical

    assert stored(linked.owned_task) == (datetime(2026, 11, 24, 9, 0), 0, True)
    assert stored(linked.plain_task) == (datetime(2026, 12, 1, 9, 0), 0, True)
    # Three more days on Screens move Review, and the project's scheduled finish with it.
    services.task_update(
        actor=linked.admin, task=linked.owned_task, data={"duration_minutes": 8 * 480}, expected_version=None
    )
    assert stored(linked.plain_task)[0] == datetime(2026, 12, 4, 9, 0)
    project = Project.objects.get(pk=linked.project.pk)
    assert timezone.localtime(project.scheduled_finish).replace(tzinfo=None) == datetime(2026, 12, 7, 18, 0)
    # Removing the link gives Review float again.
    services.dependency_delete(actor=linked.admin, dependency=linked.plain_task.predecessor_links.get())
    assert stored(linked.plain_task)[1:] == (6 * 480, False)


def test_wbs_table_marks_critical_tasks_with_their_float(linked):
    """The project page shows the stored result: critical rows are marked and names carry their float."""
    html = signed_in(linked.pm).get("/projects/ALPHA/").content.decode()
    assert f'id="task-{linked.owned_task.pk}" class="kind-task critical"' in html
    assert 'title="Total float: 0d — Critical"' in html


def test_week_and_month_lengths_come_from_the_organisation(world):
    """With 7.5-hour days, 37.5-hour weeks and 150-hour months, 1w is 37.5 h and 1mo 150 h when typed,
    and the engine plan carries the same lengths."""
    from decimal import Decimal

    from kuroko.core.models import Organisation
    from kuroko.engine.duration import parse_duration

    org = Organisation.current()
    org.hours_per_day, org.hours_per_week, org.hours_per_month = (
        Decimal("7.5"),
        Decimal("37.5"),
        Decimal("150"),
    )
    org.full_clean()
    org.save()
    units = selectors.duration_units()
    assert parse_duration("1w", units) == 37.5 * 60
    assert parse_duration("1mo", units) == 150 * 60
    plan, _rows = project_plan(world.project, today=MONDAY)
    assert (plan.minutes_per_day, plan.minutes_per_week, plan.days_per_month) == (450, 2250, 20)
    org.hours_per_week = Decimal("60")  # eight days of 7.5 hours: not a week
    with pytest.raises(ValidationError):
        org.full_clean()
