"""Levelling proposals: computed in the background, reviewed with reasons, applied or discarded."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kuroko.projects import services
from kuroko.projects.models import LevelingRun, Task
from kuroko.projects.services import leveling
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 1)


def local(moment: datetime | None) -> datetime | None:
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


@pytest.fixture
def clash(world):
    """ALPHA from Monday 1 March 2027: Screens (5 days, priority 800) and Review (2 days), no link between
    them, both on the member full time, so both start on Monday and the member is booked 200 %."""
    project = services.project_update(
        actor=world.admin, project=world.project, data={"planned_start": MONDAY}, expected_version=None
    )
    screens = Task.objects.get(pk=world.owned_task.pk)
    screens = services.task_update(
        actor=world.admin, task=screens, data={"priority": 800}, expected_version=screens.version
    )
    review = Task.objects.get(pk=world.plain_task.pk)
    person = world.member.person
    services.assignment_set(actor=world.pm, task=screens, person=person)
    services.assignment_set(actor=world.pm, task=review, person=person)
    review.refresh_from_db()
    assert local(review.start).date() == MONDAY
    return project, screens, review


def compute(actor, project, capture, **options):
    with capture(execute=True):
        run = leveling.leveling_request(actor=actor, project=project, options=options)
    run.refresh_from_db()
    return run


def test_proposal_moves_the_lower_priority_task_and_says_why(
    world, clash, django_capture_on_commit_callbacks
):
    project, screens, review = clash
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    assert run.status == LevelingRun.Status.READY, run.error
    assert run.progress == 100
    (move,) = run.result["moves"]
    assert move["task"]["id"] == review.pk
    assert move["start_after"] == "2027-03-08T09:00"  # the Monday after Screens
    assert move["working_days"] == 5 and move["held_days"] == 5
    reason = move["reason"]
    assert reason["kind"] == "resource"
    assert reason["person"] == world.member.person.pk and reason["day"] == "2027-03-01"
    assert [t["id"] for t in reason["tasks"]] == [screens.pk]
    assert reason["booked_hours"] == reason["capacity_hours"] == reason["needed_hours"] == 8.0
    assert run.result["over_before"]["person_days"] == 2  # Monday and Tuesday at 200 %
    assert run.result["over_after"]["person_days"] == 0
    (alpha,) = run.result["projects"]
    assert alpha["finish_before"].startswith("2027-03-05") and alpha["finish_after"].startswith("2027-03-09")
    # A proposal changes nothing.
    review.refresh_from_db()
    assert review.level_start is None and local(review.start).date() == MONDAY


def test_apply_holds_the_task_back_records_history_and_can_be_cleared(
    world, clash, django_capture_on_commit_callbacks
):
    project, _screens, review = clash
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    leveling.leveling_apply(actor=world.pm, run=run)
    run.refresh_from_db()
    assert run.status == LevelingRun.Status.APPLIED and run.decided_by == world.pm
    review.refresh_from_db()
    assert local(review.level_start) == datetime(2027, 3, 8)
    assert local(review.start) == datetime(2027, 3, 8, 9)
    last = review.history.first()
    assert last.history_change_reason == f"Levelling proposal #{run.pk}"
    assert last.history_user == world.pm
    with pytest.raises(ValidationError):
        leveling.leveling_apply(actor=world.pm, run=run)  # applied once only
    # Levelling again starts from the plan without levelling (as MS Project clears levelling values
    # first), so it proposes the same move again.
    again = compute(world.pm, project, django_capture_on_commit_callbacks)
    assert [(m["task"]["id"], m["start_after"]) for m in again.result["moves"]] == [
        (review.pk, "2027-03-08T09:00")
    ]
    assert leveling.leveling_clear(actor=world.pm, project=project) == 1
    review.refresh_from_db()
    assert review.level_start is None and local(review.start).date() == MONDAY


def test_a_proposal_on_a_changed_plan_is_refused_and_changes_nothing(
    world, clash, django_capture_on_commit_callbacks
):
    project, screens, review = clash
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    services.task_update(
        actor=world.pm, task=screens, data={"name": "Screens v2"}, expected_version=screens.version
    )
    with pytest.raises(ValidationError, match="changed after this proposal"):
        leveling.leveling_apply(actor=world.pm, run=run)
    review.refresh_from_db()
    run.refresh_from_db()
    assert review.level_start is None and run.status == LevelingRun.Status.READY
    leveling.leveling_discard(actor=world.pm, run=run)
    run.refresh_from_db()
    assert run.status == LevelingRun.Status.DISCARDED
    with pytest.raises(ValidationError):
        leveling.leveling_discard(actor=world.pm, run=run)


def test_within_float_leaves_the_conflict_and_reports_it(world, clash, django_capture_on_commit_callbacks):
    project, _screens, review = clash
    run = compute(world.pm, project, django_capture_on_commit_callbacks, within_float=True)
    assert run.result["moves"] == []
    assert [t["id"] for t in run.result["unresolved"]] == [review.pk]
    assert run.result["over_after"]["person_days"] == 2


def test_portfolio_levelling_protects_the_more_important_project(
    world, clash, django_capture_on_commit_callbacks
):
    """BETA (priority 900) needs the member on Monday too: ALPHA's tasks give way, BETA's does not."""
    _project, screens, review = clash
    services.project_update(
        actor=world.admin,
        project=world.other,
        data={"planned_start": MONDAY, "priority": 900},
        expected_version=None,
    )
    beta_task = Task.objects.get(pk=world.other_task.pk)
    beta_task = services.task_update(
        actor=world.admin, task=beta_task, data={"duration_minutes": 480}, expected_version=beta_task.version
    )
    services.assignment_set(actor=world.admin, task=beta_task, person=world.member.person)
    with django_capture_on_commit_callbacks(execute=True):
        run = leveling.leveling_request(
            actor=world.pmo, project=None, options={"projects": ["ALPHA", "BETA"]}
        )
    run.refresh_from_db()
    moved = {m["task"]["id"]: m for m in run.result["moves"]}
    assert beta_task.pk not in moved
    assert moved[screens.pk]["start_after"] == "2027-03-02T09:00"  # after BETA's day
    assert moved[review.pk]["start_after"] == "2027-03-09T09:00"
    assert run.result["over_after"]["person_days"] == 0
    assert {p["code"]: p["working_days"] for p in run.result["projects"]}["BETA"] == 0


def test_levelling_one_project_keeps_other_projects_work_where_it_is(
    world, clash, django_capture_on_commit_callbacks
):
    project, screens, _review = clash
    services.project_update(
        actor=world.admin, project=world.other, data={"planned_start": MONDAY}, expected_version=None
    )
    beta_task = Task.objects.get(pk=world.other_task.pk)
    beta_task = services.task_update(
        actor=world.admin, task=beta_task, data={"duration_minutes": 480}, expected_version=beta_task.version
    )
    services.assignment_set(actor=world.admin, task=beta_task, person=world.member.person)
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    moved = {m["task"]["id"]: m for m in run.result["moves"]}
    assert moved[screens.pk]["start_after"] > "2027-03-01"  # BETA's task holds Monday
    blockers = moved[screens.pk]["reason"]["tasks"]
    assert blockers and blockers[0]["project"] == "BETA"


def test_who_may_level(world, clash, django_capture_on_commit_callbacks):
    project, *_ = clash
    with pytest.raises(PermissionDenied):
        leveling.leveling_request(actor=world.member, project=project, options={})
    with pytest.raises(PermissionDenied):
        leveling.leveling_request(actor=world.pm, project=None, options={})
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        leveling.leveling_apply(actor=world.member, run=run)
    assert not leveling.can_view_run(world.outsider, run)
    assert leveling.can_view_run(world.member, run)


@pytest.mark.parametrize(
    ("options", "field"),
    [({"time_limit": 0}, "time_limit"), ({"time_limit": "x"}, "time_limit"), ({"seed": "1"}, "seed")],
)
def test_bad_options_name_the_field_and_store_nothing(world, clash, options, field):
    project, *_ = clash
    with pytest.raises(ValidationError) as info:
        leveling.leveling_request(actor=world.pm, project=project, options=options)
    assert field in info.value.message_dict
    assert not LevelingRun.objects.exists()


def test_unknown_portfolio_projects_are_named(world):
    with pytest.raises(ValidationError, match="NOPE"):
        leveling.leveling_request(actor=world.pmo, project=None, options={"projects": ["ALPHA", "NOPE"]})
    assert not LevelingRun.objects.exists()


def test_failures_are_kept_on_the_proposal(world, django_capture_on_commit_callbacks):
    """A project without tasks to level fails with the reason shown, not a lost exception."""
    run = compute(world.admin, world.other, django_capture_on_commit_callbacks)
    # BETA has one task without work: nothing to level is fine, no failure.
    assert run.status == LevelingRun.Status.READY
    LevelingRun.objects.filter(pk=run.pk).update(status="queued")
    Task.objects.filter(project=world.other).delete()
    run = leveling.leveling_compute(run.pk)
    assert run.status == LevelingRun.Status.FAILED and "no tasks" in run.error


def test_pages(world, clash, client, django_capture_on_commit_callbacks):
    _project, _screens, review = clash
    client.force_login(world.pm)
    page = client.get("/projects/ALPHA/")
    assert b"Level resources" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/projects/ALPHA/level/", {"time_limit": "1"})
    run = LevelingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resources/leveling/{run.pk}/"
    page = client.get(f"/resources/leveling/{run.pk}/")
    text = page.content.decode()
    assert "Tasks moved and why" in text and review.name in text and str(world.member.person) in text
    assert "Apply" in text
    poll = client.get(f"/resources/leveling/{run.pk}/?poll=1", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    assert client.get("/resources/leveling/").status_code == 200
    response = client.post(f"/resources/leveling/{run.pk}/apply/")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.level_start is not None
    assert b"Clear levelling (1 task)" in client.get("/projects/ALPHA/").content
    client.post("/projects/ALPHA/level/clear/")
    review.refresh_from_db()
    assert review.level_start is None
    # Bad input on the page: a message, nothing stored.
    client.post("/projects/ALPHA/level/", {"time_limit": "0"})
    assert LevelingRun.objects.count() == 1


def test_api(world, clash, django_capture_on_commit_callbacks):
    _project, _screens, review = clash
    pm = Api(world.pm)
    with django_capture_on_commit_callbacks(execute=True):
        created = pm.post("/projects/ALPHA/leveling", {"time_limit": 1})
    assert created.status_code == 202
    run_id = created.json()["id"]
    got = pm.get(f"/leveling/{run_id}").json()
    assert got["status"] == "ready" and got["project"] == "ALPHA"
    assert got["result"]["moves"][0]["task"]["id"] == review.pk
    assert [r["id"] for r in pm.get("/leveling").json()] == [run_id]
    assert pm.post(f"/leveling/{run_id}/apply").json()["status"] == "applied"
    again = pm.post(f"/leveling/{run_id}/apply")
    assert again.status_code == 422 and "status" in again.content.decode()
    bad = pm.post("/projects/ALPHA/leveling", {"time_limit": 0})
    assert bad.status_code == 422 and "time_limit" in bad.content.decode()
    assert Api(world.pm).post("/leveling", {}).status_code == 403
    assert Api(world.outsider).get(f"/leveling/{run_id}").status_code in (403, 404)
    assert pm.post("/projects/ALPHA/leveling/clear").json() == {"cleared": 1}


def test_the_past_is_not_levelled(world, clash, django_capture_on_commit_callbacks):
    """A clash that is over (both tasks before today) is history: nothing to move, nothing counted."""
    project, _screens, _review = clash
    project = services.project_update(
        actor=world.admin, project=project, data={"planned_start": date(2020, 3, 2)}, expected_version=None
    )
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    assert run.result["moves"] == []
    assert run.result["over_before"]["person_days"] == run.result["over_after"]["person_days"] == 0


def test_level_from_a_past_day(world, clash, django_capture_on_commit_callbacks):
    """MS Project's "level from": a past clash is levelled when asked to level from before it."""
    project, _screens, review = clash
    project = services.project_update(
        actor=world.admin, project=project, data={"planned_start": date(2020, 3, 2)}, expected_version=None
    )
    run = compute(world.pm, project, django_capture_on_commit_callbacks, level_from="2020-03-02")
    assert [m["task"]["id"] for m in run.result["moves"]] == [review.pk]
    with pytest.raises(ValidationError) as info:
        leveling.leveling_request(actor=world.pm, project=project, options={"level_from": "March"})
    assert "level_from" in info.value.message_dict


def test_a_new_link_makes_a_proposal_stale(world, clash, django_capture_on_commit_callbacks):
    project, screens, review = clash
    run = compute(world.pm, project, django_capture_on_commit_callbacks)
    services.dependency_create(actor=world.pm, predecessor=screens, successor=review)
    with pytest.raises(ValidationError, match="changed after this proposal"):
        leveling.leveling_apply(actor=world.pm, run=run)
