"""Gantt data, edits made on the chart (with their undo), baselines and the printable SVG."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kuroko.projects import selectors, services
from kuroko.projects.models import Baseline, BaselineTask, Dependency, Task
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """Alpha from Monday 2026-04-06: Design ▸ Screens (5d) → Review (2d) → milestone Done."""
    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    done = services.task_create(
        actor=world.admin, project=world.project, data={"name": "Done", "kind": "milestone"}
    )
    services.dependency_create(actor=world.admin, predecessor=world.plain_task, successor=done)
    world.project.refresh_from_db()
    return world, done


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def test_schedule_is_stored_with_start_and_finish(plan):
    """Rescheduling stores each task's start and finish and shows them as its planned dates."""
    world, _done = plan
    review = Task.objects.get(pk=world.plain_task.pk)
    assert (local_day(review.start), local_day(review.finish)) == (date(2026, 4, 13), date(2026, 4, 14))
    assert (review.planned_start, review.planned_finish) == (date(2026, 4, 13), date(2026, 4, 14))
    assert review.critical


def test_typed_start_becomes_a_constraint_and_both_dates_set_the_duration(plan):
    """A typed start is "start no earlier than"; a typed start and finish also set the duration."""
    world, _done = plan
    review = Task.objects.get(pk=world.plain_task.pk)
    review = services.task_update(
        actor=world.pm,
        task=review,
        data={"planned_start": date(2026, 4, 20)},
        expected_version=review.version,
    )
    assert review.constraint_type == "SNET"
    assert local_day(review.start) == date(2026, 4, 20)
    review = services.task_update(
        actor=world.pm,
        task=review,
        data={"planned_start": date(2026, 4, 21), "planned_finish": date(2026, 4, 24)},
        expected_version=review.version,
    )
    assert review.duration_minutes == 4 * 480
    assert (local_day(review.start), local_day(review.finish)) == (date(2026, 4, 21), date(2026, 4, 24))


def test_typed_finish_becomes_finish_no_earlier_than(plan):
    """A finish typed alone is "finish no earlier than", as MS Project does."""
    world, _done = plan
    review = Task.objects.get(pk=world.plain_task.pk)
    review = services.task_update(
        actor=world.pm,
        task=review,
        data={"planned_finish": date(2026, 4, 30)},
        expected_version=review.version,
    )
    assert review.constraint_type == "FNET"
    assert local_day(review.finish) == date(2026, 4, 30)
    assert review.duration_minutes == 960


def test_progress_sets_actual_dates_and_status_date_moves_the_rest(plan):
    """% complete gives an actual start (and finish at 100 %); with a status date unfinished work
    resumes after it."""
    world, _done = plan
    screens = Task.objects.get(pk=world.owned_task.pk)
    screens = services.task_update(
        actor=world.member, task=screens, data={"percent_complete": 40}, expected_version=screens.version
    )
    assert local_day(screens.actual_start) == date(2026, 4, 6)
    assert screens.actual_finish is None
    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"status_date": date(2026, 4, 20)},
        expected_version=None,
    )
    screens.refresh_from_db()
    # 40 % of 5 days done; the remaining 3 days start after the status date.
    assert local_day(screens.finish) == date(2026, 4, 23)
    screens = services.task_update(
        actor=world.member, task=screens, data={"percent_complete": 100}, expected_version=screens.version
    )
    assert screens.actual_finish is not None
    screens = services.task_update(
        actor=world.member, task=screens, data={"percent_complete": 0}, expected_version=screens.version
    )
    assert (screens.actual_start, screens.actual_finish) == (None, None)


def test_gantt_data_is_compact_and_complete(plan):
    """Rows in outline order with times in minutes after a Monday origin; links by row index."""
    world, _done = plan
    data = selectors.gantt_data(world.pm, world.project, today=date(2026, 4, 8))
    f = {name: i for i, name in enumerate(data["fields"])}
    names = [t[f["name"]] for t in data["tasks"]]
    assert names == ["Design", "Screens", "Review", "Done"]
    assert date.fromisoformat(data["origin"][:10]).weekday() == 0
    screens = data["tasks"][1]
    assert screens[f["start"]] % 1440 == 9 * 60  # 09:00
    assert [link[:3] for link in data["links"]] == [[1, 2, "FS"], [2, 3, "FS"]]
    assert data["working_weekdays"] == [True] * 5 + [False] * 2
    assert data["project"]["can_edit"] is True
    assert (
        selectors.gantt_data(world.member, world.project, today=date(2026, 4, 8))["project"]["can_edit"]
        is False
    )
    with pytest.raises(PermissionDenied):
        selectors.gantt_data(world.outsider, world.project, today=date(2026, 4, 8))


def test_gantt_move_and_undo(plan):
    """Moving sets an SNET constraint; the undo it returns puts the constraint back."""
    world, _done = plan
    review = Task.objects.get(pk=world.plain_task.pk)
    result = services.gantt_edit(
        actor=world.pm,
        project=world.project,
        edit={"op": "move", "task": review.pk, "version": review.version, "start": "2026-04-16"},
    )
    review.refresh_from_db()
    assert (review.constraint_type, local_day(review.start)) == ("SNET", date(2026, 4, 16))
    assert result.undo == {
        "op": "set",
        "task": review.pk,
        "fields": {"constraint_type": "ASAP", "constraint_date": None},
    }
    services.gantt_edit(
        actor=world.pm, project=world.project, edit={**result.undo, "version": review.version}
    )
    review.refresh_from_db()
    assert (review.constraint_type, review.constraint_date, local_day(review.start)) == (
        "ASAP",
        None,
        date(2026, 4, 13),
    )


def test_gantt_resize_onto_a_weekend_reaches_the_next_working_day(plan):
    """Stretching Screens (Mon–Fri) onto Saturday makes it end on Monday: six days."""
    world, _done = plan
    screens = Task.objects.get(pk=world.owned_task.pk)
    result = services.gantt_edit(
        actor=world.pm,
        project=world.project,
        edit={"op": "resize", "task": screens.pk, "finish": "2026-04-11"},
    )
    screens.refresh_from_db()
    assert screens.duration_minutes == 6 * 480
    assert "2026-04-13" in result.message
    services.gantt_edit(actor=world.pm, project=world.project, edit=result.undo)
    screens.refresh_from_db()
    assert screens.duration_minutes == 5 * 480


def test_gantt_link_unlink_and_undo(plan):
    """Link two tasks, undo (unlink), and undo of an unlink links again with the same type and lag."""
    world, done = plan
    result = services.gantt_edit(
        actor=world.pm, project=world.project, edit={"op": "link", "from": world.owned_task.pk, "to": done.pk}
    )
    link = Dependency.objects.get(predecessor=world.owned_task, successor=done)
    assert result.undo == {"op": "unlink", "dependency": link.pk}
    again = services.gantt_edit(actor=world.pm, project=world.project, edit=result.undo)
    assert not Dependency.objects.filter(pk=link.pk).exists()
    services.gantt_edit(actor=world.pm, project=world.project, edit=again.undo)
    assert Dependency.objects.filter(predecessor=world.owned_task, successor=done, type="FS").exists()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ({"op": "fly"}, "op"),  # unknown edit
        ({"op": "move", "task": 999999, "start": "2026-04-01"}, "task"),  # not a task of the project
        ({"op": "move", "task": "TASK", "start": "2026-04-01"}, "task"),  # not an id
        ({"op": "move", "task": "SCREENS", "start": "01/04/2026"}, "start"),  # not an ISO date
        ({"op": "move", "task": "DESIGN", "start": "2026-04-01"}, "task"),  # summaries follow subtasks
        ({"op": "resize", "task": "SCREENS", "finish": "2026-03-01"}, "finish"),  # before its start
        ({"op": "link", "from": "REVIEW", "to": "SCREENS"}, None),  # a cycle
        ({"op": "unlink", "dependency": 0}, "dependency"),  # no such link
        ({"op": "set", "task": "SCREENS", "fields": {"name": "x"}}, "fields"),  # not undoable
    ],
)
def test_bad_gantt_edits_are_refused_and_change_nothing(plan, edit, field):
    """Each bad edit raises a ValidationError naming the field; tasks and links stay as they were."""
    world, _done = plan
    ids = {"SCREENS": world.owned_task.pk, "REVIEW": world.plain_task.pk, "DESIGN": world.summary.pk}
    edit = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in edit.items()}
    before = list(
        Task.objects.order_by("pk").values_list("pk", "version", "duration_minutes", "constraint_type")
    )
    links = Dependency.objects.count()
    with pytest.raises(ValidationError) as info:
        services.gantt_edit(actor=world.pm, project=world.project, edit=edit)
    if field:
        assert field in info.value.message_dict
    else:
        assert "Screens" in " ".join(info.value.messages)
    assert (
        list(Task.objects.order_by("pk").values_list("pk", "version", "duration_minutes", "constraint_type"))
        == before
    )
    assert Dependency.objects.count() == links


def test_team_member_cannot_edit_on_the_gantt(plan):
    """A team member may look but not drag."""
    world, _done = plan
    with pytest.raises(PermissionDenied):
        services.gantt_edit(
            actor=world.member,
            project=world.project,
            edit={"op": "move", "task": world.plain_task.pk, "start": "2026-04-20"},
        )


def test_gantt_edit_view_answers_json(plan):
    """The edit endpoint: 200 with message and undo, 400 naming the problem, 403 for a member."""
    world, _done = plan
    url = "/projects/ALPHA/gantt/edit/"
    ok = signed_in(world.pm).post(
        url,
        json.dumps({"op": "move", "task": world.plain_task.pk, "start": "2026-04-20"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["undo"]["op"] == "set"
    bad = signed_in(world.pm).post(url, "[1]", content_type="application/json")
    assert bad.status_code == 400
    bad = signed_in(world.pm).post(
        url, json.dumps({"op": "move", "task": world.plain_task.pk}), content_type="application/json"
    )
    assert bad.status_code == 400 and "not a date" in bad.json()["error"]
    refused = signed_in(world.member).post(
        url,
        json.dumps({"op": "move", "task": world.plain_task.pk, "start": "2026-04-20"}),
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_baseline_capture_variance_and_clear(plan):
    """Save baseline 0, slip a task by two days: its start and finish variance is +2 days; clear it."""
    world, _done = plan
    baseline = services.baseline_capture(actor=world.pm, project=world.project, number=0, name="Agreed")
    assert baseline.label == "Baseline — Agreed"
    assert BaselineTask.objects.filter(baseline=baseline).count() == 4
    review = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=world.pm,
        task=review,
        data={"planned_start": date(2026, 4, 15)},
        expected_version=review.version,
    )
    by_name = {v.task.name: v for v in selectors.baseline_variances(world.pm, world.project, 0)}
    assert (by_name["Review"].start, by_name["Review"].finish, by_name["Review"].duration) == (960, 960, 0)
    assert by_name["Screens"].start == 0
    assert by_name["Done"].finish == 960
    # Saving again replaces; baseline 10 is the last; 11 does not exist.
    services.baseline_capture(actor=world.pm, project=world.project, number=0)
    services.baseline_capture(actor=world.pm, project=world.project, number=10, name="Last")
    with pytest.raises(ValidationError) as info:
        services.baseline_capture(actor=world.pm, project=world.project, number=11)
    assert "number" in info.value.message_dict
    assert [b.number for b in selectors.baselines(world.project) if b] == [0, 10]
    services.baseline_clear(actor=world.pm, project=world.project, number=10)
    assert not Baseline.objects.filter(project=world.project, number=10).exists()
    with pytest.raises(ValidationError):
        services.baseline_clear(actor=world.pm, project=world.project, number=10)
    with pytest.raises(PermissionDenied):
        services.baseline_capture(actor=world.member, project=world.project, number=1)


def test_baseline_pages_and_svg(plan):
    """The baselines page saves, compares and clears; the Gantt SVG draws every task."""
    world, _done = plan
    client = signed_in(world.pm)
    response = client.post("/projects/ALPHA/baselines/2/capture/", {"name": "Re-plan"})
    assert response.status_code == 302
    page = client.get("/projects/ALPHA/baselines/?baseline=2")
    assert "Re-plan" in page.content.decode()
    client.post("/projects/ALPHA/baselines/2/compare/")
    world.project.refresh_from_db()
    assert world.project.compared_baseline == 2
    data = client.get("/projects/ALPHA/gantt.json").json()
    assert data["project"]["baseline"] == 2
    f = {name: i for i, name in enumerate(data["fields"])}
    assert all(t[f["baseline_start"]] is not None for t in data["tasks"])
    svg = client.get("/projects/ALPHA/gantt.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    text = svg.content.decode()
    assert text.startswith("<svg") and all(name in text for name in ("Screens", "Review", "Done"))
    client.post("/projects/ALPHA/baselines/2/clear/")
    assert not Baseline.objects.filter(project=world.project, number=2).exists()


def test_project_calendar_and_calendar_edits_reschedule(plan):
    """A company holiday added to the default calendar moves the tasks over it; a project on its own
    calendar (Saturdays worked) is scheduled on that one."""
    from kuroko.people import services as people_services
    from kuroko.people.selectors import default_calendar

    world, _done = plan
    calendar = default_calendar()
    people_services.calendar_exception_add(
        actor=world.admin, calendar=calendar, data={"name": "Founders' day", "start": date(2026, 4, 8)}
    )
    screens = Task.objects.get(pk=world.owned_task.pk)
    assert local_day(screens.finish) == date(2026, 4, 13)  # Mon–Fri with Wednesday off: next Monday
    six_days = people_services.calendar_create(
        actor=world.admin,
        data={
            "name": "Six days",
            "kind": "project",
            "holiday_country": "JP",
            "week": [[[540, 1080]]] * 6 + [[]],
        },
    )
    services.project_update(
        actor=world.admin, project=world.project, data={"calendar": six_days}, expected_version=None
    )
    screens.refresh_from_db()
    # 5 days of 9 hours (09:00–18:00 without lunch) from Monday: Saturday's work counts; 40 h = 4.4 days.
    assert local_day(screens.finish) == date(2026, 4, 10)


def test_portfolio_network_follows_links_between_projects(plan):
    """Beta's task drives Alpha's Review: the network moves Review (and Done) after it even before
    Alpha is rescheduled; rescheduling in link order stores the same dates."""
    from kuroko.projects.selectors import ProjectFilter
    from kuroko.projects.services.schedule import portfolio_reschedule

    world, _done = plan
    services.project_update(
        actor=world.admin,
        project=world.other,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    beta = Task.objects.get(pk=world.other_task.pk)
    services.task_update(
        actor=world.admin, task=beta, data={"duration_minutes": 10 * 480}, expected_version=beta.version
    )
    services.dependency_create(actor=world.admin, predecessor=beta, successor=world.plain_task)
    # A later change in Beta that Alpha has not seen yet: Beta now takes 15 days.
    beta.refresh_from_db()
    services.task_update(
        actor=world.admin, task=beta, data={"duration_minutes": 15 * 480}, expected_version=beta.version
    )
    network = selectors.portfolio_network(world.pmo, ProjectFilter(), today=date(2026, 4, 1))
    assert not network.error
    by_code = {row.project.code: row for row in network.projects}
    # Beta ends Friday the 24th; Review runs Monday–Tuesday.
    assert by_code["ALPHA"].network_finish.date() == date(2026, 4, 28)
    assert by_code["ALPHA"].slip_minutes == 5 * 480
    [cross] = network.cross_links
    assert (cross.predecessor.pk, cross.successor.pk, cross.stored_ok) == (
        beta.pk,
        world.plain_task.pk,
        False,
    )
    assert [t.name for t in network.critical_path][-2:] == ["Review", "Done"]
    assert network.critical_path[0].pk == beta.pk  # the critical path runs through both projects
    # A project manager may look but only the PMO reschedules the portfolio.
    with pytest.raises(PermissionDenied):
        portfolio_reschedule(actor=world.pm, projects=[world.project, world.other])
    order = portfolio_reschedule(actor=world.pmo, projects=[world.project, world.other])
    assert [p.code for p in order] == ["BETA", "ALPHA"]
    world.project.refresh_from_db()
    assert timezone.localtime(world.project.scheduled_finish).date() == date(2026, 4, 28)
    page = signed_in(world.pmo).get("/portfolio/schedule/")
    assert page.status_code == 200 and "Beta work" in page.content.decode()


def test_mspdi_download_carries_baselines_constraints_and_actuals(plan):
    """The MS Project XML download holds the saved baselines, constraints and actual dates; reading it
    back gives them again."""
    from kuroko.formats.mspdi import read_mspdi

    world, _done = plan
    services.baseline_capture(actor=world.pm, project=world.project, number=0)
    services.baseline_capture(actor=world.pm, project=world.project, number=2, name="Re-plan")
    review = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=world.pm,
        task=review,
        data={"planned_start": date(2026, 4, 20)},
        expected_version=review.version,
    )
    screens = Task.objects.get(pk=world.owned_task.pk)
    services.task_update(
        actor=world.pm, task=screens, data={"percent_complete": 100}, expected_version=screens.version
    )
    xml = signed_in(world.pm).get("/projects/ALPHA/schedule.xml").content
    source = read_mspdi(xml)
    by_name = {t.name: t for t in source.plan.tasks}
    assert str(by_name["Review"].constraint) == "SNET"
    assert by_name["Review"].constraint_date.date() == date(2026, 4, 20)
    assert by_name["Screens"].actual_finish is not None and by_name["Screens"].percent_complete == 100
    saved = {(b.task, b.number) for b in source.baselines}
    review_id = by_name["Review"].id
    assert {(review_id, 0), (review_id, 2)} <= saved
    review_baseline = next(b for b in source.baselines if b.task == review_id and b.number == 0)
    assert review_baseline.start.date() == date(2026, 4, 13) and review_baseline.duration == 960


def test_started_work_cannot_be_dragged(plan):
    """A started task keeps its actual start (moving it is refused, named); a finished task keeps its
    actual finish; the Gantt data says which tasks have actual dates."""
    world, _done = plan
    screens = Task.objects.get(pk=world.owned_task.pk)
    services.task_update(
        actor=world.pm, task=screens, data={"percent_complete": 100}, expected_version=screens.version
    )
    for edit in (
        {"op": "move", "task": screens.pk, "start": "2026-04-20"},
        {"op": "resize", "task": screens.pk, "finish": "2026-04-20"},
    ):
        with pytest.raises(ValidationError) as info:
            services.gantt_edit(actor=world.pm, project=world.project, edit=edit)
        assert "Screens" in " ".join(info.value.messages)
    data = selectors.gantt_data(world.pm, world.project, today=date(2026, 4, 8))
    f = {name: i for i, name in enumerate(data["fields"])}
    assert [t[f["progress"]] for t in data["tasks"]] == [0, 2, 0, 0]  # summaries carry no actual dates


def test_exported_file_keeps_ms_project_uids_and_updates_the_same_tasks(world):
    """A project imported from MS Project is exported with the file's UIDs, so the exported file, changed
    and imported again as an update, changes the same tasks instead of adding new ones."""
    from kuroko.formats.mspdi import read_mspdi
    from kuroko.projects.services.mspdi_update import project_update_mspdi
    from tests.projects.test_import import mspdi

    project = services.project_import_mspdi(actor=world.admin, data=mspdi(), code="MSX")
    count = project.tasks.count()
    uids = set(project.tasks.values_list("source_uid", flat=True))
    exported = signed_in(world.admin).get("/projects/MSX/schedule.xml").content
    assert {t.id for t in read_mspdi(exported).plan.tasks} == uids
    diff = project_update_mspdi(actor=world.admin, project=project, data=exported, dry_run=True)
    assert not diff.added and not diff.removed
    assert project.tasks.count() == count


def test_manually_scheduled_task_keeps_its_dates(plan):
    """A manual task starts where it was put, whatever its predecessor does, and still drives its
    successors; switching back to automatic lets the links move it again."""
    world, done = plan
    review = Task.objects.get(pk=world.plain_task.pk)
    response = signed_in(world.pm).post(
        f"/tasks/{review.pk}/edit/",
        {
            "version": review.version,
            "name": review.name,
            "kind": "task",
            "duration": "2d",
            "planned_start": "2026-04-08",  # before Screens finishes: a manual task may be put there
            "planned_finish": "",
            "percent_complete": 0,
            "owner": "",
            "predecessors": "1.1",
            "notes": "",
            "manual": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.manual and local_day(review.start) == date(2026, 4, 8)
    done.refresh_from_db()
    assert local_day(done.finish) == date(2026, 4, 9)  # driven by the manual task's finish
    data = selectors.gantt_data(world.pm, world.project, today=date(2026, 4, 8))
    f = {name: i for i, name in enumerate(data["fields"])}
    assert [t[f["manual"]] for t in data["tasks"]] == [0, 0, 1, 0]
    review = services.task_update(
        actor=world.pm, task=review, data={"manual": False}, expected_version=review.version
    )
    assert (review.manual, review.manual_start, local_day(review.start)) == (False, None, date(2026, 4, 13))


def test_a_kuroko_project_exported_and_brought_back_updates_its_own_tasks(plan):
    """Exporting gives a Kuroko project's tasks MS Project UIDs; the exported file with one task renamed,
    brought back as an update, renames that task and adds or removes nothing. A task added in Kuroko
    after the export is kept."""
    from kuroko.projects.services.mspdi_update import project_update_mspdi

    world, _done = plan
    exported = signed_in(world.pm).get("/projects/ALPHA/schedule.xml").content
    assert Task.objects.filter(project=world.project, source_uid__isnull=True).count() == 0
    services.task_create(actor=world.pm, project=world.project, data={"name": "Added later"})
    edited = exported.replace(b"<Name>Review</Name>", b"<Name>Peer review</Name>")
    diff = project_update_mspdi(actor=world.pm, project=world.project, data=edited)
    assert not diff.added and not diff.removed
    assert len(diff.changed) == 1  # Review, renamed
    # The project keeps its planned finish and its calendar (the file's is the same working time).
    assert not diff.project
    names = set(world.project.tasks.values_list("name", flat=True))
    assert {"Peer review", "Added later"} <= names and "Review" not in names


def test_project_scheduled_from_its_finish_and_critical_threshold(plan):
    """Scheduled from its finish, the project's tasks end on its planned finish; a one-day threshold
    makes a task with half a day of float critical; a finish is required."""
    world, _done = plan
    project = services.project_update(
        actor=world.admin,
        project=world.project,
        data={"schedule_from_finish": True, "planned_finish": date(2026, 5, 29)},
        expected_version=None,
    )
    done = Task.objects.get(project=project, name="Done")
    assert local_day(done.finish) == date(2026, 5, 29)
    assert local_day(Task.objects.get(pk=world.owned_task.pk).start) == date(2026, 5, 21)  # Thu–Wed
    with pytest.raises(ValidationError) as info:
        services.project_update(
            actor=world.admin, project=project, data={"planned_finish": None}, expected_version=None
        )
    assert "planned_finish" in info.value.message_dict
    services.project_update(
        actor=world.admin, project=project, data={"schedule_from_finish": False}, expected_version=None
    )
    side = services.task_create(
        actor=world.admin, project=project, data={"name": "Side", "duration_minutes": 6 * 480 + 240}
    )
    side.refresh_from_db()
    assert not side.critical  # 6.5 days beside the 7-day chain: half a day of float
    services.project_update(
        actor=world.admin, project=project, data={"critical_float_days": Decimal("1")}, expected_version=None
    )
    side.refresh_from_db()
    assert side.critical
