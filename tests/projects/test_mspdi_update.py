"""Updating a project from a later version of its MS Project XML file, and the file's calendar."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kuroko.engine.model import (
    STANDARD_WEEK,
    Calendar,
    CalendarException,
    ConstraintType,
    Link,
    LinkType,
    Plan,
    Recurrence,
    Task,
)
from kuroko.formats.mspdi import write_mspdi
from kuroko.people.models import CalendarKind
from kuroko.projects import services
from kuroko.projects.models import Dependency, Project
from kuroko.projects.models import Task as TaskRow
from kuroko.projects.uploads import upload_dir
from tests.conftest import signed_in
from tests.projects.test_import import mspdi
from tests.test_permission_matrix import snapshot

pytestmark = pytest.mark.django_db

START = datetime(2026, 4, 1, 8, 0)


def version_2() -> bytes:
    """The plan of `mspdi()` a week later: Analyse renamed and longer, Write gone, Test added under the
    phase (linked Analyse → Test → Done), Done now must finish on a date."""
    plan = Plan(
        start=START,
        name="Imported plan",
        tasks=(
            Task("1", "Phase"),
            Task("2", "Analyse deeply", duration=1440, parent="1", percent_complete=50),
            Task("5", "Test", duration=480, parent="1"),
            Task(
                "4",
                "Done",
                milestone=True,
                constraint=ConstraintType.MFO,
                constraint_date=datetime(2026, 4, 30, 17, 0),
            ),
        ),
        links=(Link("2", "5"), Link("5", "4", LinkType.SS, 960)),
    )
    return write_mspdi(plan)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.xml", data, content_type="application/xml")


@pytest.fixture
def imported(world):
    """IMP imported from `mspdi()` by the PM, plus a task added in Kuroko under the phase (right after
    Analyse), a Kuroko link and a link from another project's task."""
    project = services.project_import_mspdi(actor=world.pm, data=mspdi(), code="IMP")
    analyse = project.tasks.get(name="Analyse")
    extra = services.task_create(
        actor=world.pm, project=project, data={"name": "Kuroko extra", "duration_minutes": 480}, after=analyse
    )
    done = project.tasks.get(name="Done")
    services.dependency_create(actor=world.pm, predecessor=extra, successor=done)
    services.dependency_create(actor=world.admin, predecessor=world.other_task, successor=done)
    project.refresh_from_db()
    return project


def outline(project: Project) -> list[tuple[str, str, str | None]]:
    return [(t.wbs_code, t.name, t.source_uid) for t in project.tasks.order_by("row")]


def links(project: Project) -> set[tuple[str, str, str, int]]:
    return {
        (d.predecessor.name, d.successor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(successor__project=project)
    }


def test_import_keeps_the_uids(imported):
    """Every task imported from the file keeps its UID; tasks added in Kuroko have none."""
    assert outline(imported) == [
        ("1", "Phase", "1"),
        ("1.1", "Analyse", "2"),
        ("1.2", "Kuroko extra", None),
        ("1.3", "Write", "3"),
        ("2", "Done", "4"),
    ]


def test_update_adds_changes_and_removes_tasks_by_uid(world, imported):
    """Matched by UID: Analyse is changed, Write removed, Test added in place; the Kuroko task and the
    links to and from other tasks stay, the file's links are replaced."""
    diff = services.project_update_mspdi(actor=world.pm, project=imported, data=version_2())
    assert diff.applied
    assert [(t.uid, t.name) for t in diff.added] == [("5", "Test")]
    assert [(t.uid, t.name) for t in diff.removed] == [("3", "Write")]
    changed = {t.name: t.fields for t in diff.changed}
    assert changed == {
        "Analyse": ("name", "duration_minutes", "percent_complete"),
        "Done": ("constraint_type", "constraint_date"),
    }
    assert outline(imported) == [
        ("1", "Phase", "1"),
        ("1.1", "Analyse deeply", "2"),
        ("1.2", "Kuroko extra", None),
        ("1.3", "Test", "5"),
        ("2", "Done", "4"),
    ]
    analyse = imported.tasks.get(source_uid="2")
    assert (analyse.duration_minutes, analyse.percent_complete) == (1440, 50)
    assert links(imported) == {
        ("Analyse deeply", "Test", "FS", 0),
        ("Test", "Done", "SS", 960),
        ("Kuroko extra", "Done", "FS", 0),
        ("Beta work", "Done", "FS", 0),
    }
    assert [(c.old, c.new) for c in diff.changed[0].changes if c.field == "name"] == [
        ("Analyse", "Analyse deeply")
    ]
    assert {(link.predecessor, link.successor) for link in diff.links_added} == {
        ("Analyse deeply", "Test"),
        ("Test", "Done"),
    }
    assert imported.tasks.get(source_uid="4").constraint_type == "MFO"


def test_update_with_the_same_file_changes_nothing(world, imported):
    """The file the project came from gives an empty diff and writes nothing."""
    before = snapshot()
    diff = services.project_update_mspdi(actor=world.pm, project=imported, data=mspdi())
    assert diff.is_empty, diff
    assert snapshot() == before


def test_dry_run_writes_nothing_and_tells_the_same(world, imported):
    """A dry run returns the diff that applying then returns, and changes no row."""
    before = snapshot()
    dry = services.project_update_mspdi(actor=world.pm, project=imported, data=version_2(), dry_run=True)
    assert not dry.applied and snapshot() == before
    applied = services.project_update_mspdi(actor=world.pm, project=imported, data=version_2())
    assert (dry.added, dry.changed, dry.removed, dry.links_added) == (
        applied.added,
        applied.changed,
        applied.removed,
        applied.links_added,
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<Project><Tasks><Task>",  # not well-formed
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Project>&e;</Project>',
        write_mspdi(Plan(start=START, tasks=())),  # no tasks
        write_mspdi(
            Plan(
                start=START,
                tasks=(Task("1", "A", 480), Task("2", "B", 480)),
                links=(Link("1", "2"), Link("2", "1")),
            )
        ),  # links in a cycle
    ],
    ids=["malformed", "hostile", "empty", "cycle"],
)
def test_a_bad_file_writes_nothing(world, imported, data):
    """A file that cannot be read or would break a rule is refused on the file field; nothing changes."""
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.project_update_mspdi(actor=world.pm, project=imported, data=data)
    assert "file" in refused.value.message_dict
    assert snapshot() == before


def test_only_project_editors_may_update(world, imported):
    """The member of the project may read it but not update it from a file."""
    services.member_add(actor=world.admin, project=imported, person=world.member.person, role="member")
    with pytest.raises(PermissionDenied):
        services.project_update_mspdi(actor=world.member, project=imported, data=version_2(), dry_run=True)


def test_a_kuroko_task_under_a_removed_task_moves_up(world, imported):
    """When a file task goes, the tasks added in Kuroko under it stay, one level up."""
    write = imported.tasks.get(name="Write")
    services.task_create(actor=world.pm, project=imported, data={"name": "Kuroko child"}, parent=write)
    diff = services.project_update_mspdi(actor=world.pm, project=imported, data=version_2())
    assert [(t.name, t.changes[0].old, t.changes[0].new) for t in diff.changed if not t.uid] == [
        ("Kuroko child", "Write", "Phase")
    ]
    child = imported.tasks.get(name="Kuroko child")
    assert child.parent == imported.tasks.get(name="Phase") and child.wbs_code == "1.4"


def test_tree_changes_are_reported(world, imported):
    """A task moved to another parent names both; reordered siblings say which task moved."""
    plan = Plan(
        start=START,
        name="Imported plan",
        tasks=(
            Task("1", "Phase"),
            Task("3", "Write", duration=1440, parent="1"),
            Task("2", "Analyse", duration=960, parent="1"),
            Task("4", "Done", milestone=True, parent="1"),
        ),
        links=(Link("2", "3"), Link("3", "4", LinkType.FS, 480)),
    )
    diff = services.project_update_mspdi(actor=world.pm, project=imported, data=write_mspdi(plan))
    changes = {t.name: [(c.field, c.old, c.new) for c in t.changes] for t in diff.changed}
    assert changes["Done"] == [("parent", "—", "Phase")]
    assert len([name for name, c in changes.items() if c == [("position", "", "")]]) == 1
    assert [t.name for t in imported.tasks.filter(parent__name="Phase").order_by("position")] == [
        "Write",
        "Analyse",
        "Kuroko extra",
        "Done",
    ]


# --- the file's calendar --------------------------------------------------------------------------

SATURDAY = date(2026, 4, 4)


def calendar_file() -> bytes:
    """A plan on a "Factory" calendar: Saturday 4 April 2026 worked 09:00–12:00, and every Monday of
    April off (a weekly recurrence). One 2-day task starts on Friday 3 April."""
    factory = Calendar(
        "1",
        "Factory",
        STANDARD_WEEK,
        exceptions=(
            CalendarException(SATURDAY, SATURDAY, ((540, 720),), name="Stocktaking"),
            CalendarException(
                date(2026, 4, 6),
                date(2026, 4, 30),
                name="Maintenance",
                recurrence=Recurrence("weekly", weekdays=(0,)),
            ),
        ),
    )
    plan = Plan(
        start=datetime(2026, 4, 3, 8, 0),
        name="Factory plan",
        tasks=(Task("1", "Assemble", duration=960),),
        calendars=(factory,),
        calendar="1",
    )
    return write_mspdi(plan)


def test_import_stores_the_files_calendar_and_schedules_on_it(world):
    """The file's project calendar becomes a project calendar with its exceptions and recurrence, no
    public holidays; the task works Friday, Saturday morning and Tuesday (Monday is off)."""
    project = services.project_import_mspdi(actor=world.pm, data=calendar_file(), code="FAC")
    calendar = project.calendar
    assert calendar is not None and calendar.name == "Factory (FAC)"
    assert (calendar.kind, calendar.holiday_country, calendar.base) == (CalendarKind.PROJECT, "", None)
    exceptions = {e.name: e for e in calendar.exceptions.all()}
    assert exceptions["Stocktaking"].intervals == [[540, 720]]
    maintenance = exceptions["Maintenance"]
    assert (maintenance.recurrence_kind, maintenance.recurrence_weekdays) == ("weekly", [0])
    task = project.tasks.get()
    # From 09:00 (Kuroko's project start): 7 h on Friday, 3 h on Saturday, Monday off, 6 h on Tuesday
    # (08:00–12:00, 13:00–15:00). On the Standard calendar it would end on Tuesday at 09:00.
    assert task.finish is not None
    assert timezone.localtime(task.finish).replace(tzinfo=None) == datetime(2026, 4, 7, 15, 0)


def test_update_replaces_the_calendar_it_imported(world):
    """Updating from a file whose calendar changed rewrites the project's own calendar in place."""
    project = services.project_import_mspdi(actor=world.pm, data=mspdi(), code="CAL")
    calendar = project.calendar
    assert calendar is not None and not calendar.exceptions.exists()
    diff = services.project_update_mspdi(actor=world.pm, project=project, data=calendar_file())
    assert [c.field for c in diff.project][-1] == "calendar"
    assert project.calendar_id == calendar.pk
    assert {e.name for e in calendar.exceptions.all()} == {"Stocktaking", "Maintenance"}


def test_update_of_a_project_on_the_default_calendar_gives_it_the_files(world):
    """A project on the organisation's calendar gets a calendar of its own; the default is untouched."""
    from kuroko.people.selectors import default_calendar

    default = default_calendar()
    before = (default.version, default.exceptions.count())
    diff = services.project_update_mspdi(actor=world.pm, project=world.project, data=calendar_file())
    assert ("calendar", "Organisation default") in [(c.field, c.old) for c in diff.project]
    default.refresh_from_db()
    assert (default.version, default.exceptions.count()) == before
    assert world.project.calendar is not None and world.project.calendar.name == "Factory (ALPHA)"


# --- page and API ---------------------------------------------------------------------------------


def test_page_shows_the_changes_then_applies_them(world, imported):
    """Upload: the diff is shown and nothing changes; confirm: applied, the kept file deleted."""
    client = signed_in(world.pm)
    detail = client.get("/projects/IMP/").content.decode()
    assert "/projects/IMP/update-from-xml/" in detail
    before = snapshot()
    shown = client.post("/projects/IMP/update-from-xml/", {"file": upload(version_2())})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Analyse deeply" in html and "1 task added" in html and "1 task removed" in html
    assert snapshot() == before
    token = shown.context["token"]
    assert (upload_dir() / f"upload-{token}.bin").is_file()
    applied = client.post("/projects/IMP/update-from-xml/", {"token": token})
    assert applied.status_code == 302
    assert imported.tasks.filter(name="Test").exists()
    assert not (upload_dir() / f"upload-{token}.bin").exists()
    again = client.post("/projects/IMP/update-from-xml/", {"token": token})
    assert again.status_code == 422 and "upload it again" in again.content.decode()


def test_page_refuses_someone_elses_token_and_bad_files(world, imported):
    """A token from another session is not accepted; an unreadable file is shown next to the form."""
    shown = signed_in(world.pm).post("/projects/IMP/update-from-xml/", {"file": upload(version_2())})
    token = shown.context["token"]
    stolen = signed_in(world.admin).post("/projects/IMP/update-from-xml/", {"token": token})
    assert stolen.status_code == 422 and not imported.tasks.filter(name="Test").exists()
    bad = signed_in(world.pm).post("/projects/IMP/update-from-xml/", {"file": upload(b"<Project>")})
    assert bad.status_code == 422 and "not a readable MS Project XML file" in bad.content.decode()


def test_api_dry_run_and_apply(world, imported):
    """The API answers the diff as JSON: a dry run writes nothing, otherwise it applies."""
    client = signed_in(world.pm)
    url = "/api/v1/projects/IMP/imports/mspdi"
    dry = client.post(url, {"file": upload(version_2()), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["applied"] is False and [t["name"] for t in body["added"]] == ["Test"]
    assert body["changed"][0]["fields"] == ["name", "duration_minutes", "percent_complete"]
    assert not imported.tasks.filter(name="Test").exists()
    done = client.post(url, {"file": upload(version_2())})
    assert done.status_code == 200 and done.json()["applied"] is True
    tasks = client.get("/api/v1/projects/IMP/tasks").json()["items"]
    assert {t["name"]: t["source_uid"] for t in tasks}["Test"] == "5"
    assert imported.tasks.filter(name="Test").exists()
    bad = client.post(url, {"file": upload(b"nope")})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "file"]
    services.member_add(actor=world.admin, project=imported, person=world.member.person, role="member")
    assert signed_in(world.member).post(url, {"file": upload(version_2())}).status_code == 403


def test_shared_files_import_and_update_with_themselves(world):
    """Every shared MS Project file with tasks imports, and updating from the same file changes no task."""
    from tests.formats.shared import SHARED

    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared MS Project XML files are not on this machine")
    for number, path in enumerate(sorted(SHARED.glob("*.xml"))):
        data = path.read_bytes()
        try:
            project = services.project_import_mspdi(actor=world.admin, data=data, code=f"SH{number}")
        except ValidationError as exc:
            assert exc.message_dict == {"file": ["The file has no tasks."]}, path.name  # calendars only
            continue
        diff = services.project_update_mspdi(actor=world.admin, project=project, data=data, dry_run=True)
        assert diff.is_empty, (path.name, diff)
        assert TaskRow.objects.filter(project=project, source_uid__isnull=True).count() == 0


def test_every_shared_calendar_is_stored_as_it_was_read(world):
    """Each calendar of the shared files (recurring exceptions included) stores and reads back the same."""
    from kuroko.formats.mspdi import read_mspdi
    from kuroko.people.mapping import calendar_from_engine, exception_fields, exception_to_engine
    from kuroko.people.services import calendar_import
    from tests.formats.shared import SHARED

    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared MS Project XML files are not on this machine")
    count = 0
    for path in sorted(SHARED.glob("*.xml")):
        plan = read_mspdi(path).plan
        by_id = {c.id: c for c in plan.calendars}
        for calendar in plan.calendars:
            week, exceptions = calendar_from_engine(calendar, by_id)
            row = calendar_import(actor=world.admin, name=calendar.name, week=week, exceptions=exceptions)
            stored = sorted(
                (exception_fields(exception_to_engine(e)) for e in row.exceptions.all()), key=repr
            )
            assert stored == sorted(exceptions, key=repr), (path.name, calendar.name)
            count += len(exceptions)
    assert count > 10


def test_the_update_is_in_the_history(world, imported):
    """Changed and added tasks get history records by the person who applied the file; versions move."""
    analyse = imported.tasks.get(source_uid="2")
    services.project_update_mspdi(actor=world.pm, project=imported, data=version_2())
    latest = analyse.history.first()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", world.pm, "Analyse deeply")
    assert imported.tasks.get(source_uid="2").version == analyse.version + 1
    added = imported.tasks.get(source_uid="5").history.get()
    assert (added.history_type, added.history_user) == ("+", world.pm)
    response = signed_in(world.pm).get(f"/tasks/{analyse.pk}/history/")
    assert response.status_code == 200 and "Analyse deeply" in response.content.decode()


def test_update_syncs_assignments_by_resource(world, imported):
    """The file's assignments on its tasks replace the project's: units changed, a person added, one
    removed; a file without any assignment leaves them alone (with a warning)."""
    from dataclasses import replace

    from kuroko.formats.mspdi import read_mspdi, write_mspdi
    from kuroko.projects.models import Assignment

    analyse = imported.tasks.get(name="Analyse")
    write = imported.tasks.get(name="Write")
    services.assignment_set(actor=world.pm, task=analyse, person=world.member.person)
    services.assignment_set(actor=world.pm, task=write, person=world.member.person)
    exported = read_mspdi(
        services.project_export_mspdi(actor=world.pm, project=imported, today=date(2026, 4, 1))
    )
    member = next(a for a in exported.assignments if a.task == "2")
    pm_resource = replace(
        exported.resources[0], id="99", name=str(world.pm.person), email=world.pm.person.email
    )
    changed = replace(
        exported,
        resources=(*exported.resources, pm_resource),
        assignments=(
            replace(member, units=Decimal("0.5"), work=None),
            replace(member, id="98", task="3", resource="99"),
        ),
    )
    diff = services.project_update_mspdi(actor=world.pm, project=imported, data=write_mspdi(changed))
    rows = {(c.task, c.resource): (c.old, c.new) for c in diff.assignments}
    member_name, pm_name = str(world.member.person), str(world.pm.person)
    assert rows[("Analyse", member_name)] == ("100%, 16 h", "50%")
    assert rows[("Write", pm_name)][0] == ""
    assert rows[("Write", member_name)][1] == ""
    got = {(a.task.name, a.person_id, a.units) for a in Assignment.objects.filter(task__project=imported)}
    assert got == {("Analyse", world.member.person.pk, 50), ("Write", world.pm.person.pk, 100)}
    analyse_work = Assignment.objects.get(task__name="Analyse", task__project=imported).work_minutes
    assert analyse_work == imported.tasks.get(name="Analyse").duration_minutes // 2
    # A file saved without resources keeps the project's assignments.
    bare = services.project_update_mspdi(actor=world.pm, project=imported, data=mspdi(), dry_run=True)
    assert bare.assignments == ()
    assert any("no resource assignments" in w for w in bare.warnings)
