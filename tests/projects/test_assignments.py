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
