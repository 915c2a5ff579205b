"""The events that raise notifications: assignments, team membership, timesheet approvals, items
overdue (each told once), never the actor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kuroko.core.models import Notification
from kuroko.core.scheduler import PERIODIC
from kuroko.people.models import Person
from kuroko.projects import services
from kuroko.projects.models import Task
from kuroko.projects.services.overdue import tasks_overdue_notify
from kuroko.raid import services as raid
from kuroko.raid.models import ActionItem
from kuroko.raid.services.overdue import actions_overdue_notify
from kuroko.tracking.services import timesheets
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_assigning_a_person_to_a_task_tells_them(world):
    """A new assignment tells the person; a change of units does not tell again; the actor is not told."""
    services.assignment_set(actor=world.pm, task=world.plain_task, person=world.member.person)
    note = Notification.objects.get(recipient=world.member, kind="projects.task_assigned")
    assert "1.2 Review" in note.title and note.url == f"/projects/ALPHA/#task-{world.plain_task.pk}"
    services.assignment_set(actor=world.pm, task=world.plain_task, person=world.member.person, units=50)
    assert _kinds(world.member) == ["projects.task_assigned"]
    services.assignment_set(actor=world.pm, task=world.plain_task, person=world.pm.person)
    assert _kinds(world.pm) == []


def test_making_someone_a_tasks_owner_tells_them(world):
    """Setting a task's owner tells the new owner; an unchanged owner tells no one."""
    task = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=world.pm, task=task, data={"owner": world.member.person}, expected_version=None
    )
    assert "You own task" in Notification.objects.get(recipient=world.member).title
    task.refresh_from_db()
    services.task_update(actor=world.pm, task=task, data={"name": "Review 2"}, expected_version=None)
    assert Notification.objects.filter(recipient=world.member).count() == 1


def test_joining_a_team_tells_the_person(world):
    """A new member is told with their role; a role change is not a new membership."""
    services.member_add(actor=world.pm, project=world.project, person=world.outsider.person, role="reviewer")
    note = Notification.objects.get(recipient=world.outsider)
    assert note.kind == "projects.team_added" and "Reviewer" in note.body
    services.member_add(actor=world.pm, project=world.project, person=world.outsider.person, role="member")
    assert Notification.objects.filter(recipient=world.outsider).count() == 1


def test_a_submitted_timesheet_asks_the_project_manager(world):
    """Submitting hours on ALPHA asks its PM to approve; rejecting tells the person with the reason."""
    from tests.tracking.test_timesheets import MON, entry, make_sheets, save

    s = make_sheets(world)
    Notification.objects.all().delete()
    save(s, [entry(MON, s.screens, 240)])
    timesheets.timesheet_submit(actor=world.member, person=world.member.person, week_start=MON)
    note = Notification.objects.get(recipient=world.pm, kind="tracking.timesheet_submitted")
    assert MON.isoformat() in note.title and "ALPHA" in note.title and note.url == "/timesheets/approvals/"
    assert not Notification.objects.filter(recipient=s.pm2).exists()  # no hours on GAMMA
    approval = world.member.person.timesheets.get().approvals.get()
    timesheets.timesheet_reject(actor=world.pm, approval=approval, reason="Wrong task")
    rejected = Notification.objects.get(recipient=world.member, kind="tracking.timesheet_rejected")
    assert rejected.body == "Wrong task" and rejected.url == f"/timesheets/{MON.isoformat()}/"


def _overdue_task(world, finish: date) -> Task:
    Task.objects.filter(pk=world.owned_task.pk).update(
        finish=timezone.make_aware(timezone.datetime.combine(finish, timezone.datetime.min.time())),
        percent_complete=50,
    )
    return Task.objects.get(pk=world.owned_task.pk)


def test_an_overdue_task_is_told_once_and_again_after_a_new_finish_passes(world):
    """Owner told the day after the finish; not the next day; again when a later finish is missed too."""
    _overdue_task(world, date(2026, 4, 10))
    assert tasks_overdue_notify(today=date(2026, 4, 13)) == 1
    assert tasks_overdue_notify(today=date(2026, 4, 14)) == 0
    note = Notification.objects.get(recipient=world.member, kind="projects.task_overdue")
    assert "2026-04-10" in note.body and note.url.endswith(f"#task-{world.owned_task.pk}")
    # The finish moved to a date after that notification and was missed again.
    _overdue_task(world, timezone.localdate() + timedelta(days=1))
    assert tasks_overdue_notify(today=timezone.localdate() + timedelta(days=3)) == 1


def test_complete_and_unowned_tasks_are_not_overdue(world):
    """A complete task, a task without owner and a task of a closed project tell nobody."""
    _overdue_task(world, date(2026, 4, 10))
    Task.objects.filter(pk=world.owned_task.pk).update(percent_complete=100)
    assert tasks_overdue_notify(today=date(2026, 4, 13)) == 0
    Task.objects.filter(pk=world.owned_task.pk).update(percent_complete=10, owner=None)
    assert tasks_overdue_notify(today=date(2026, 4, 13)) == 0


def test_an_overdue_action_is_told_once(world):
    """An open action past due tells its owner once; a done one does not."""
    action = raid.action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Call vendor", "owner": world.member.person, "due_date": date(2026, 4, 10)},
    )
    Notification.objects.all().delete()
    assert actions_overdue_notify(today=date(2026, 4, 13)) == 1
    assert actions_overdue_notify(today=date(2026, 4, 14)) == 0
    note = Notification.objects.get(kind="raid.action_overdue")
    assert note.recipient == world.member and note.url == f"/actions/{action.pk}/"
    done = raid.action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Done", "owner": world.member.person, "due_date": date(2026, 4, 1)},
    )
    ActionItem.objects.filter(pk=done.pk).update(status="done")
    assert actions_overdue_notify(today=date(2026, 4, 15)) == 0


def test_overdue_checks_are_daily_jobs_before_the_digest():
    """Both overdue checks run at 06:00, before the 07:00 digest."""
    assert PERIODIC["projects.overdue"].at.hour == 6 and PERIODIC["raid.overdue"].at.hour == 6
    assert PERIODIC["core.digest"].at > PERIODIC["raid.overdue"].at


def test_overdue_check_reads_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    """Many overdue tasks are read in a fixed number of queries (plus the notifications written)."""
    owner = PersonFactory(user=UserFactory(username="owner"))
    for i in range(10):
        Task.objects.create(
            project=world.project,
            name=f"T{i}",
            owner=owner,
            planned_finish=date(2026, 4, 1),
            duration_minutes=60,
            row=10 + i,
        )
    # Per task: the preference query and the insert of its notification; the reads are two queries.
    with django_assert_max_num_queries(2 + 10 * 2 + 2):
        assert tasks_overdue_notify(today=date(2026, 4, 13)) == 10
    assert Person.objects.get(pk=owner.pk).user.notifications.count() == 10
