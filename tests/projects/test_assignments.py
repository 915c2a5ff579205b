"""Assignments of people and placeholders to tasks: units, work and effort-driven durations."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.projects import services
from kuroko.projects.models import Assignment, Task
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db


def test_work_follows_duration_and_units(world):
    """A person at 50 % on a 5-day task has 2.5 days of work; a longer task gives more work."""
    task = Task.objects.get(pk=world.owned_task.pk)  # 5 days
    assignment = services.assignment_set(actor=world.pm, task=task, person=world.member.person, units=50)
    assert assignment.work_minutes == 1200
    task = services.task_update(
        actor=world.pm, task=task, data={"duration_minutes": 4800}, expected_version=task.version
    )
    assignment.refresh_from_db()
    assert assignment.work_minutes == 2400


def test_effort_driven_work_sets_the_duration(world):
    """Typing 8 days of work for two people at 100 % makes the task 4 days long (effort-driven)."""
    task = Task.objects.get(pk=world.owned_task.pk)
    java = services.placeholder_create(actor=world.pm, project=world.project, data={"name": "Java developer"})
    services.assignment_set(actor=world.pm, task=task, placeholder=java)
    services.assignment_set(actor=world.pm, task=task, person=world.member.person, work_minutes=8 * 480)
    task.refresh_from_db()
    assert task.duration_minutes == (8 * 480 + 5 * 480) * 100 // 200
    placeholder_work = Assignment.objects.get(task=task, placeholder=java).work_minutes
    assert placeholder_work == task.duration_minutes


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "person"),  # neither a person nor a placeholder
        ({"units": 0}, "units"),  # no share of anyone's time
    ],
)
def test_bad_assignments_are_refused(world, kwargs, field):
    """Bad assignments name the field and store nothing."""
    task = Task.objects.get(pk=world.owned_task.pk)
    if field != "person":
        kwargs["person"] = world.member.person
    with pytest.raises(ValidationError) as info:
        services.assignment_set(actor=world.pm, task=task, **kwargs)
    assert field in info.value.message_dict
    assert not Assignment.objects.exists()


def test_summaries_milestones_and_outsiders(world):
    """Summary tasks take no work; a team member cannot assign; another project's placeholder is refused."""
    with pytest.raises(ValidationError):
        services.assignment_set(actor=world.pm, task=world.summary, person=world.member.person)
    with pytest.raises(PermissionDenied):
        services.assignment_set(actor=world.member, task=world.owned_task, person=world.member.person)
    other = services.placeholder_create(actor=world.admin, project=world.other, data={"name": "Tester"})
    with pytest.raises(ValidationError) as info:
        services.assignment_set(actor=world.admin, task=world.owned_task, placeholder=other)
    assert "placeholder" in info.value.message_dict


def test_assignments_api(world):
    """Placeholders and assignments through the API; bad input is a 4xx naming the problem."""
    pm = Api(world.pm)
    created = pm.post(
        "/projects/ALPHA/placeholders", {"name": "Java developer", "min_level": 3, "quantity": 2}
    )
    assert created.status_code == 201
    put = pm.put(
        f"/tasks/{world.owned_task.pk}/assignments", {"person_id": world.member.person.pk, "units": 50}
    )
    assert put.status_code == 200 and put.json()["work_minutes"] == 1200
    both = pm.put(
        f"/tasks/{world.owned_task.pk}/assignments",
        {"person_id": world.member.person.pk, "placeholder_id": created.json()["id"]},
    )
    assert both.status_code == 422
    listed = Api(world.member).get(f"/tasks/{world.owned_task.pk}/assignments").json()
    assert [a["units"] for a in listed] == [50]
    assert Api(world.member).delete(f"/assignments/{put.json()['id']}").status_code == 403
    assert pm.delete(f"/assignments/{put.json()['id']}").status_code == 204


def test_assignments_round_trip_through_ms_project_xml(world):
    """A person and a placeholder assigned in Kuroko are resources in the downloaded XML; importing the
    file as a new project assigns the same person (matched by e-mail) and a placeholder of that name."""
    from kuroko.formats.mspdi import read_mspdi
    from tests.conftest import signed_in

    world.member.person.email = "member@example.com"
    world.member.person.save()
    task = Task.objects.get(pk=world.owned_task.pk)
    java = services.placeholder_create(actor=world.pm, project=world.project, data={"name": "Java developer"})
    services.assignment_set(actor=world.pm, task=task, person=world.member.person, units=50)
    services.assignment_set(actor=world.pm, task=task, placeholder=java)
    xml = signed_in(world.admin).get("/projects/ALPHA/schedule.xml").content
    source = read_mspdi(xml)
    assert sorted(r.name for r in source.resources) == sorted(
        ["Java developer", world.member.person.full_name]
    )
    assert sorted(str(a.units) for a in source.assignments) == ["0.5", "1"]
    copy = services.project_import_mspdi(actor=world.admin, data=xml, code="ALPHA2")
    rows = Assignment.objects.filter(task__project=copy).select_related("person", "placeholder")
    assert {(a.person_id, a.placeholder.name if a.placeholder else None, a.units) for a in rows} == {
        (world.member.person.pk, None, 50),
        (None, "Java developer", 100),
    }


def test_capacity_heatmap_counts_work_against_capacity(world):
    """A member at 50 % on a 5-day task in one week is at 50 % of capacity that week; on half-time
    availability it is 100 %; a tentative booking is counted apart. The page shows the cells."""
    from datetime import date

    from kuroko.people import services as people_services
    from kuroko.projects import selectors
    from tests.conftest import signed_in

    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    task = Task.objects.get(pk=world.owned_task.pk)  # Mon 6 – Fri 10 April 2026
    services.assignment_set(actor=world.pm, task=task, person=world.member.person, units=50)
    review = Task.objects.get(pk=world.plain_task.pk)
    services.assignment_set(actor=world.pm, task=review, person=world.member.person, booking="tentative")
    rows = selectors.capacity_heatmap(world.pm, start=date(2026, 4, 6), weeks=2)
    member = next(r for r in rows if r.person == world.member.person)
    week = member.cells[0]
    assert week.percent == pytest.approx(50)
    assert week.tentative > 0 and week.percent_with_tentative > week.percent
    assert week.step == "low"
    people_services.availability_add(
        actor=world.pmo, person=world.member.person, data={"start": date(2026, 4, 1), "percent": 50}
    )
    rows = selectors.capacity_heatmap(world.pm, start=date(2026, 4, 6), weeks=2)
    week = next(r for r in rows if r.person == world.member.person).cells[0]
    assert week.percent == pytest.approx(100) and week.step == "full"
    html = signed_in(world.pm).get("/resources/?start=2026-04-06&weeks=2").content.decode()
    assert "heat-full" in html and "100%" in html


def test_over_allocation_list_names_the_tasks_projects_and_managers(world):
    """A member at 100 % on two overlapping tasks in one week is over-allocated: the list gives the
    week, the load, by how much, and both tasks with their project and manager; the API agrees."""
    from datetime import date

    from kuroko.projects import selectors
    from tests.conftest import signed_in

    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    side = services.task_create(
        actor=world.admin, project=world.project, data={"name": "Side job", "duration_minutes": 5 * 480}
    )
    for task in (Task.objects.get(pk=world.owned_task.pk), side):
        services.assignment_set(actor=world.pm, task=task, person=world.member.person)
    over = selectors.over_allocations(world.pm, start=date(2026, 4, 6), weeks=1)
    [entry] = [o for o in over if o.person == world.member.person]
    assert entry.week == date(2026, 4, 6)
    assert entry.percent == pytest.approx(200)
    assert entry.over_minutes == pytest.approx(5 * 480)
    assert {t.name for t in entry.tasks} == {"Screens", "Side job"}
    html = signed_in(world.pm).get("/resources/?start=2026-04-06&weeks=1").content.decode()
    assert "Over-allocations" in html and "Side job" in html and str(world.pm.person) in html
    api = Api(world.pm).get("/resources/over-allocations", start="2026-04-06", weeks=1).json()
    assert api[0]["percent"] == pytest.approx(200) and len(api[0]["task_ids"]) == 2
