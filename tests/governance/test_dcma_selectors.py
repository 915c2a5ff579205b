"""The DCMA assessment of stored projects and of uploaded files (governance.selectors.dcma)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.formats.plan_json import write_plan
from kuroko.governance.selectors.dcma import dcma_for_file, dcma_for_project, dcma_reports
from kuroko.projects import services
from kuroko.projects.mapping import project_plan
from kuroko.projects.models import Task
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


@pytest.fixture
def linked(world):
    """ALPHA starts Monday 2026-11-23; Screens (5d, assigned) → Review (2d); a baseline is captured."""
    services.project_update(
        actor=world.admin, project=world.project, data={"planned_start": MONDAY}, expected_version=None
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    services.assignment_set(actor=world.admin, task=world.owned_task, person=world.member.person)
    services.baseline_capture(actor=world.admin, project=world.project)
    world.project.refresh_from_db()
    return world


def test_project_report_maps_logic_resources_and_baseline(linked):
    """Stored tasks, links, assignments and the baseline reach the engine's checks."""
    report = dcma_for_project(linked.pm, linked.project, as_of=MONDAY)
    assert [c.number for c in report.checks] == list(range(1, 15))
    assert report.check("logic").passed is True  # the one start and the one finish are allowed
    assert report.check("logic").total == 2  # the summary is not counted
    resources = report.check("resources")
    assert resources.task_ids == (str(linked.plain_task.pk),)  # Review has no one assigned
    assert report.check("missed_tasks").passed is True  # nothing was due by the status date
    assert report.check("critical_path_test").passed is True
    assert report.critical_path is not None and report.critical_path.task == str(linked.owned_task.pk)
    assert report.check("cpli").value == 1.0  # forecast finish = baseline finish


def test_missed_tasks_after_the_baseline_finish(linked):
    """A status date past the baseline finish of unfinished tasks fails checks 11 and 14."""
    report = dcma_for_project(linked.pm, linked.project, as_of=date(2026, 12, 31))
    assert report.check("missed_tasks").passed is False
    assert report.check("missed_tasks").count == 2
    assert report.check("bei").value == 0.0
    assert report.check("invalid_dates").count == 2  # forecasts before the status date


def test_outsider_is_refused(linked):
    """Only who reads the project sees its report."""
    with pytest.raises(PermissionDenied):
        dcma_for_project(linked.outsider, linked.project, as_of=MONDAY)


def test_reports_for_many_projects_take_a_fixed_number_of_queries(linked, django_assert_max_num_queries):
    """Ten more projects cost no more queries than one."""
    for i in range(10):
        project = ProjectFactory(code=f"MANY-{i}", planned_start=MONDAY)
        first = services.task_create(
            actor=linked.admin, project=project, data={"name": "A", "duration_minutes": 480}
        )
        second = services.task_create(
            actor=linked.admin, project=project, data={"name": "B", "duration_minutes": 480}
        )
        services.dependency_create(actor=linked.admin, predecessor=first, successor=second)
    projects = [linked.project, *ProjectFactory._meta.model.objects.filter(code__startswith="MANY-")]
    with django_assert_max_num_queries(14):
        reports = dcma_reports(projects, as_of=MONDAY)
    assert len(reports) == 11
    assert all(r.check("logic").passed for r in reports.values())
    assert not Task.objects.filter(project__code__startswith="MANY-", name="C").exists()


def test_file_report_from_plan_json(linked):
    """A plan JSON file is scheduled and assessed without storing anything."""
    plan, _rows = project_plan(linked.project, today=MONDAY)
    before = Task.objects.count()
    report = dcma_for_file(write_plan(plan).encode(), "alpha.json", status_date=MONDAY)
    assert Task.objects.count() == before
    assert report.check("logic").passed is True
    assert report.check("missed_tasks").passed is None  # plan JSON carries no baseline
    assert report.check("resources").count == 2  # nor assignments


def test_file_without_a_status_date_is_assessed_before_its_start():
    """A plan file with no status date and no actuals is judged as of the day before its start, not
    today: its forecast dates are not "invalid" however old the file is."""
    from datetime import datetime

    from kuroko.engine.model import Link, Plan
    from kuroko.engine.model import Task as PlanTask

    plan = Plan(
        start=datetime(2020, 3, 2, 9),
        tasks=(PlanTask("a", "A", duration=480), PlanTask("b", "B", duration=960)),
        links=(Link("a", "b"),),
    )
    report = dcma_for_file(write_plan(plan).encode(), "old.json", status_date=None)
    assert report.status_date == date(2020, 3, 1)
    assert report.check("invalid_dates").count == 0


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.json", "empty"),  # nothing uploaded
        (b"{not json", "broken.json", "plan JSON"),  # not JSON at all
        (
            b"<Project xmlns='http://schemas.microsoft.com/project'><Tasks/></Project>",
            "x.xml",
            "MS Project",
        ),  # no task
        (b"a,b\n1,2\n", "tracker.csv", ""),  # a table, never assessed
    ],
)
def test_bad_files_name_the_problem(data, name, words):
    """Unreadable or empty files raise a ValidationError on the file field."""
    with pytest.raises(ValidationError) as caught:
        dcma_for_file(data, name, status_date=MONDAY)
    assert "file" in caught.value.message_dict or "mapping" in caught.value.message_dict
    assert words in str(caught.value.message_dict)


def test_one_project_that_cannot_be_assessed_does_not_stop_the_others(linked):
    """A far status date fails that project only: it is left out, logged and listed in `failed`."""
    from kuroko.projects.models import Project

    Project.objects.filter(pk=linked.project.pk).update(status_date=date(9999, 12, 31))
    projects = list(Project.objects.filter(pk__in=[linked.project.pk, linked.other.pk]))
    failed: list[int] = []
    reports = dcma_reports(projects, as_of=MONDAY, failed=failed)
    assert failed == [linked.project.pk] and set(reports) == {linked.other.pk}


def test_a_given_status_date_overrides_the_projects_own(linked):
    """dcma_reports(status_date=D) assesses every project on D, whatever their own status date."""
    from kuroko.projects.models import Project

    Project.objects.filter(pk=linked.project.pk).update(status_date=date(2026, 12, 1))
    project = Project.objects.get(pk=linked.project.pk)
    assert dcma_reports([project], as_of=MONDAY)[project.pk].status_date == date(2026, 12, 1)
    day = date(2027, 1, 4)
    assert dcma_reports([project], as_of=MONDAY, status_date=day)[project.pk].status_date == day
