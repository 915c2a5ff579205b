"""Importing project files of every format through one door (`import_file`): the page, the API, PSPLIB
and plan JSON as projects, MPXJ formats re-imported by their ids, and refusals that write nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.engine.cpm import schedule
from kuroko.engine.model import Link, Plan, Task
from kuroko.formats import mpxj
from kuroko.formats.mspdi import MspdiProject, write_mspdi
from kuroko.projects.models import Assignment, Dependency, Placeholder, Project
from kuroko.projects.models import Task as TaskRow
from kuroko.projects.services.import_files import (
    default_code,
    import_file,
    project_export_plan_json,
    read_file,
)
from tests.conftest import signed_in
from tests.formats.mpxj_files import require_mpxj, written_by_mpxj

pytestmark = pytest.mark.django_db

SHARED_PSPLIB = Path(__file__).parents[3] / "shared" / "data" / "psplib"

# Four jobs between the dummies: 2 and 3 after the start, 4 after both, 5 after 4; two resources.
SMALL_SM = """\
************************************************************************
jobs (incl. supersource/sink ):  6
horizon                       :  20
RESOURCES
  - renewable                 :  2   R
  - nonrenewable              :  0   N
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          1           5
   5        1          1           6
   6        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    0
  3      1     2       1    1
  4      1     4       0    3
  5      1     1       2    2
  6      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    3    3
************************************************************************
"""


def plan_v1() -> Plan:
    return Plan(
        start=datetime(2026, 4, 1, 8, 0),
        name="Converted",
        tasks=(
            Task("1", "Phase"),
            Task("2", "Analyse", duration=960, parent="1"),
            Task("3", "Write", duration=1440, parent="1"),
            Task("4", "Test", duration=480, parent="1"),
        ),
        links=(Link("2", "3"), Link("3", "4")),
    )


def xml(plan: Plan) -> bytes:
    return write_mspdi(plan, schedule(plan))


def counts() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        TaskRow.objects.count(),
        Dependency.objects.count(),
        Assignment.objects.count(),
    )


# --- Reading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.txt", b"hello", "file types it reads"),  # an extension Kuroko does not read
        ("plan", b"<Project/>", "file types it reads"),  # no extension at all
        ("plan.json", b"{not json", "not a readable Kuroko plan JSON file"),  # broken JSON
        ("plan.json", b"\xff\xfe", "not a readable Kuroko plan JSON file"),  # not UTF-8
        ("plan.json", b'{"start": "2026-04-01", "tasks": []}', "non-empty list of tasks"),  # no tasks
        ("plan.sm", b"jobs (incl. supersource/sink ):  3\n", "RESOURCEAVAILABILITIES"),  # cut short
        ("plan.xml", b"<Project><Tasks>", "not a readable MS Project XML file"),  # broken MSPDI
        ("plan.xml", b"x" * (20 * 1024 * 1024 + 1), "larger than 20 MB"),  # too large
    ],
)
def test_read_file_refuses_with_a_message_naming_the_problem(name, data, message) -> None:
    """Every refusal is a ValidationError on the file whose message says what is wrong."""
    with pytest.raises(ValidationError) as caught:
        read_file(name, data)
    assert message in " ".join(caught.value.messages)


def test_default_code_is_the_file_stem_in_capitals() -> None:
    """A code from the file name: capitals, other characters as hyphens, at most 30 characters."""
    assert default_code("plan v2.mpp") == "PLAN-V2"
    assert default_code("j301_1.sm") == "J301_1"
    assert default_code("工程表.xlsx") == "IMPORT"
    assert len(default_code("x" * 50 + ".xml")) == 30


def test_p6_xml_with_an_xml_extension_goes_to_mpxj(monkeypatch) -> None:
    """A .xml file whose root is APIBusinessObjects is converted by MPXJ, not read as MSPDI."""
    seen: list[str] = []

    def convert(data: bytes, name: str, **_kw: object) -> bytes:
        seen.append(name)
        return xml(plan_v1())

    monkeypatch.setattr(mpxj, "convert_to_mspdi", convert)
    source = read_file("export.xml", b"<?xml version='1.0'?><APIBusinessObjects/>")
    assert seen == ["export.xml"] and isinstance(source, MspdiProject)
    assert [t.name for t in source.plan.tasks] == ["Phase", "Analyse", "Write", "Test"]


def test_missing_java_is_said_on_the_page_and_nothing_is_imported(world, monkeypatch) -> None:
    """Without Java the page says what to install, before and after an upload of an .mpp file."""
    monkeypatch.setattr(mpxj, "mpxj_requirement", lambda: mpxj.Missing("java"))
    client = signed_in(world.pm)
    page = client.get("/projects/import/").content.decode()
    assert "apt-get install default-jre-headless" in page
    before = counts()
    upload = SimpleUploadedFile("plan.mpp", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    response = client.post("/projects/import/", {"file": upload, "code": "MPP-1"})
    assert response.status_code == 422
    assert "Reading plan.mpp needs Java 11 or later" in response.content.decode()
    assert counts() == before


def test_missing_extra_names_pip_in_the_api(world, monkeypatch) -> None:
    """The API refuses an .xer without MPXJ with 422 and the install command."""
    monkeypatch.setattr(mpxj, "mpxj_requirement", lambda: mpxj.Missing("extra"))
    upload = SimpleUploadedFile("plan.xer", b"ERMHDR\t8.0")
    response = signed_in(world.pm).post("/api/v1/imports/file", {"file": upload})
    assert response.status_code == 422
    assert "pip install 'kuroko[mpxj]'" in json.dumps(response.json(), ensure_ascii=False)


# --- PSPLIB -------------------------------------------------------------------------------------------


def test_psplib_file_becomes_a_project_with_placeholders_and_assignments(world) -> None:
    """Jobs become tasks (periods are days), the dummies milestones Start and End, precedences FS links,
    resources placeholders of their capacity, requests assignments of that many units."""
    result = import_file(actor=world.pm, name="small.sm", data=SMALL_SM.encode())
    project = result.project
    assert project is not None and project.code == "SMALL" and project.name == "small"
    tasks = {t.source_uid: t for t in project.tasks.all()}
    assert [(tasks[k].name, tasks[k].kind, tasks[k].duration_minutes) for k in "123456"] == [
        ("Start", "milestone", 0),
        ("Job 2", "task", 3 * 480),
        ("Job 3", "task", 2 * 480),
        ("Job 4", "task", 4 * 480),
        ("Job 5", "task", 480),
        ("End", "milestone", 0),
    ]
    links = {
        (d.predecessor.source_uid, d.successor.source_uid, d.type)
        for d in Dependency.objects.filter(successor__project=project)
    }
    assert links == {
        ("1", "2", "FS"),
        ("1", "3", "FS"),
        ("2", "4", "FS"),
        ("3", "4", "FS"),
        ("4", "5", "FS"),
        ("5", "6", "FS"),
    }
    assert dict(Placeholder.objects.filter(project=project).values_list("name", "quantity")) == {
        "R1": 3,
        "R2": 3,
    }
    units = {
        (a.task.source_uid, a.placeholder.name): a.units
        for a in Assignment.objects.filter(task__project=project).select_related("task", "placeholder")
    }
    assert units == {
        ("2", "R1"): 200,
        ("3", "R1"): 100,
        ("3", "R2"): 100,
        ("4", "R2"): 300,
        ("5", "R1"): 200,
        ("5", "R2"): 200,
    }
    assert tasks["4"].critical  # scheduled: 1 → 2 → 4 → 5 → 6 is the longest path


def test_shared_psplib_instance_imports() -> None:
    """A real J30 instance: 32 tasks and one link per successor in the file."""
    path = SHARED_PSPLIB / "j30" / "j301_1.sm"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared PSPLIB files are not on this machine")
    from kuroko.formats.psplib import read_psplib

    problem = read_psplib(path)
    source = read_file(path.name, path.read_bytes())
    assert isinstance(source, MspdiProject)
    assert len(source.plan.tasks) == 32
    assert len(source.plan.links) == sum(len(j.successors) for j in problem.jobs)
    assert [r.max_units for r in source.resources] == list(problem.capacities)


# --- Plan JSON ----------------------------------------------------------------------------------------


def test_plan_json_export_imports_back_as_the_same_tasks(world) -> None:
    """Exporting a project as plan JSON and importing the file gives the same tasks and links; the same
    file as an update of the project changes no task or link."""
    text = project_export_plan_json(actor=world.pm, project=world.project, today=datetime(2026, 4, 1).date())
    data = json.loads(text)
    assert {t["name"] for t in data["tasks"]} == {"Design", "Screens", "Review"}
    copy = import_file(actor=world.pm, name="alpha.json", data=text.encode(), code="ALPHA-2").project
    assert copy is not None
    assert sorted(copy.tasks.values_list("wbs_code", "name", "duration_minutes")) == sorted(
        world.project.tasks.values_list("wbs_code", "name", "duration_minutes")
    )
    diff = import_file(
        actor=world.pm, name="alpha.json", data=text.encode(), project=world.project, dry_run=True
    ).diff
    assert not (diff.added or diff.changed or diff.removed or diff.links_added or diff.links_removed)


def test_dry_run_of_a_new_project_lists_it_and_writes_nothing(world) -> None:
    """A dry run returns what would be created, and the database is unchanged."""
    before = counts()
    result = import_file(actor=world.pm, name="small.sm", data=SMALL_SM.encode(), dry_run=True)
    assert result.project is None and result.created and not result.diff.applied
    assert [t.name for t in result.diff.added][:2] == ["Start", "Job 2"]
    assert len(result.diff.links_added) == 6 and len(result.diff.assignments) == 6
    assert counts() == before


def test_members_may_not_import(world) -> None:
    """Creating needs the right to create projects; updating needs the right to edit the project."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file(actor=world.member, name="small.sm", data=SMALL_SM.encode())
    with pytest.raises(PermissionDenied):
        import_file(actor=world.member, name="small.sm", data=SMALL_SM.encode(), project=world.project)


# --- MPXJ formats re-imported -------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xer", "mpx", "pmxml"])
def test_a_later_file_updates_the_tasks_it_matches_by_id(world, extension) -> None:
    """Import version 1 of a Primavera or MPX file, then version 2 (a task renamed, one added, one
    removed): the update matches the tasks by the ids MPXJ keeps, so the diff is exactly that."""
    require_mpxj()
    v1 = plan_v1()
    tasks = list(v1.tasks)
    tasks[2] = Task("3", "Write the report", duration=1440, parent="1")
    tasks[3] = Task("5", "Publish", duration=480, parent="1")
    v2 = Plan(start=v1.start, name=v1.name, tasks=tuple(tasks), links=(Link("2", "3"), Link("3", "5")))
    first = written_by_mpxj(xml(v1))[extension]
    second = written_by_mpxj(xml(v2))[extension]
    project = import_file(actor=world.pm, name=f"plan.{extension}", data=first).project
    assert project is not None
    before = counts()
    diff = import_file(
        actor=world.pm, name=f"v2.{extension}", data=second, project=project, dry_run=True
    ).diff
    assert counts() == before
    assert [t.name for t in diff.added] == ["Publish"]
    assert [t.name for t in diff.removed] == ["Test"]
    assert "Write the report" in {c.new for t in diff.changed for c in t.changes}
    import_file(actor=world.pm, name=f"v2.{extension}", data=second, project=project)
    assert sorted(project.tasks.values_list("source_uid", "name")) == [
        ("1", "Phase"),
        ("2", "Analyse"),
        ("3", "Write the report"),
        ("5", "Publish"),
    ]


# --- Pages and API ------------------------------------------------------------------------------------


def test_import_page_takes_a_psplib_file(world) -> None:
    """The import page lists the formats and creates a project from a .sm file, code from the form."""
    client = signed_in(world.pm)
    page = client.get("/projects/import/").content.decode()
    for extension in (".mpp", ".xer", ".gan", ".pod", ".planner", ".sm", ".json"):
        assert extension in page
    upload = SimpleUploadedFile("small.sm", SMALL_SM.encode())
    response = client.post("/projects/import/", {"file": upload, "code": "PS-1"})
    assert response.status_code == 302 and response["Location"].endswith("/projects/PS-1/")
    assert Project.objects.get(code="PS-1").tasks.count() == 6


def test_update_page_previews_and_applies_any_format(world) -> None:
    """The update page takes plan JSON: the diff first (nothing written), then the kept file applied."""
    client = signed_in(world.pm)
    text = project_export_plan_json(actor=world.pm, project=world.project, today=datetime(2026, 4, 1).date())
    data = json.loads(text)
    data["tasks"][1]["name"] = "Screens and forms"
    upload = SimpleUploadedFile("alpha.json", json.dumps(data).encode())
    preview = client.post("/projects/ALPHA/update-from-xml/", {"file": upload})
    assert preview.status_code == 200 and "Screens and forms" in preview.content.decode()
    assert not world.project.tasks.filter(name="Screens and forms").exists()
    token = preview.context["token"]
    applied = client.post("/projects/ALPHA/update-from-xml/", {"token": token})
    assert applied.status_code == 302
    assert world.project.tasks.filter(name="Screens and forms").exists()


def test_api_imports_and_updates_with_a_dry_run(world) -> None:
    """POST /imports/file creates (201); POST /projects/{code}/imports/file with dry_run writes nothing."""
    client = signed_in(world.pm)
    created = client.post("/api/v1/imports/file", {"file": SimpleUploadedFile("small.sm", SMALL_SM.encode())})
    assert created.status_code == 201 and created.json()["code"] == "SMALL"
    before = counts()
    dry = client.post(
        "/api/v1/projects/SMALL/imports/file",
        {
            "file": SimpleUploadedFile(
                "small.sm", SMALL_SM.replace("  2      1     3", "  2      1     5").encode()
            ),
            "dry_run": "true",
        },
    )
    assert dry.status_code == 200 and dry.json()["applied"] is False
    assert [c["field"] for t in dry.json()["changed"] for c in t["changes"]] == ["duration_minutes"]
    assert counts() == before
    bad = client.post("/api/v1/imports/file", {"file": SimpleUploadedFile("plan.txt", b"x")})
    assert bad.status_code == 422 and counts() == before


@pytest.mark.parametrize(
    "body",
    [
        # brackets nested too deep for the JSON parser
        b"[" * 100_000 + b"]" * 100_000,
        # a link that is a number
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1"}], "links": [1]}',
        # a calendar that is a number
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1"}], "calendars": [1]}',
        # a calendar week that is a list
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1"}], "calendars": [{"id": "c", "week": []}]}',
        # units that are not numbers
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1"}], "units": {"minutes_per_day": []}}',
        # a duration of 10^15 minutes
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1", "duration": 1000000000000000}]}',
        # a task id of 41 characters (a file id keeps 40)
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "' + b"x" * 41 + b'"}]}',
        # parents in a circle
        b'{"start": "2026-04-01T08:00", "tasks": [{"id": "1", "parent": "2"}, {"id": "2", "parent": "1"}]}',
    ],
)
def test_malformed_plan_json_is_refused_without_writing(world, body) -> None:
    """Plan JSON of a broken structure: a file error on the page's terms, nothing written."""
    before = counts()
    with pytest.raises(ValidationError) as info:
        import_file(actor=world.admin, name="bad.json", data=body, code="BAD")
    assert "file" in info.value.message_dict
    assert counts() == before


@pytest.mark.parametrize(
    "code",
    [
        "../../tmp/x",  # a path out of the export folder, and no URL can hold it
        "A/B",  # a slash breaks the project's URL
        "A.B",  # a dot (an exported file's name would gain an extension)
        "A B",  # a space
    ],
)
def test_a_code_outside_letters_digits_dash_underscore_is_refused_everywhere(world, code) -> None:
    """The import page, the API and the service refuse the code with a message on `code`; nothing is
    written."""
    before = counts()
    page = signed_in(world.admin).post(
        "/projects/import/", {"file": SimpleUploadedFile("s.sm", SMALL_SM.encode()), "code": code}
    )
    assert page.status_code == 422
    assert "letters, digits, - and _" in page.context["form"].errors["code"][0]
    api = signed_in(world.admin).post(
        "/api/v1/imports/file", {"file": SimpleUploadedFile("s.sm", SMALL_SM.encode()), "code": code}
    )
    assert api.status_code == 422 and api.json()["detail"][0]["loc"][-1] == "code"
    with pytest.raises(ValidationError) as info:
        import_file(actor=world.admin, name="s.sm", data=SMALL_SM.encode(), code=code)
    assert list(info.value.message_dict) == ["code"]
    assert counts() == before


def test_codes_of_the_demo_and_japanese_letters_are_accepted(world) -> None:
    """CBR-01, PG_7 and 案件-01 are codes (letters of any script, digits, - and _)."""
    for code in ("CBR-01", "PG_7", "案件-01"):
        result = import_file(actor=world.admin, name="s.sm", data=SMALL_SM.encode(), code=code)
        assert result.project is not None and result.project.code == code


def test_exported_file_names_are_made_safe_from_old_codes(world) -> None:
    """A code stored before codes were checked still gives a plain file name, with no folder in it."""
    from datetime import date

    from kuroko.projects.services.import_files import project_export_file

    Project.objects.filter(pk=world.project.pk).update(code="../../tmp/x")
    world.project.refresh_from_db()
    _data, name = project_export_file(
        actor=world.admin, project=world.project, format="json", today=date(2026, 4, 1)
    )
    assert name == "tmp-x.json"


# --- Fuzzing ------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extension=st.sampled_from([".xml", ".json", ".sm", ".txt"]),
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.sampled_from([SMALL_SM, '{"start": "2026-04-01T09:00", "tasks": [{"id": "a"}]}']).map(str.encode),
    ),
    cut=st.integers(0, 400),
)
def test_random_files_import_or_are_refused_without_writing(world, extension, data, cut) -> None:
    """Random bytes, text and cut valid files under each extension: a project, or a ValidationError
    and an unchanged database — never another exception."""
    before = counts()
    try:
        result = import_file(
            actor=world.admin, name=f"fuzz{extension}", data=data[: cut or None], code="FUZZ"
        )
    except ValidationError:
        assert counts() == before
        return
    assert result.project is not None
    result.project.delete()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extension=st.sampled_from(sorted(mpxj.MPXJ_EXTENSIONS)), data=st.binary(min_size=1, max_size=200))
def test_random_bytes_under_mpxj_extensions_are_refused(world, extension, data) -> None:
    """Random bytes named like an MPP, XER, … file: refused with a clear error, nothing written."""
    require_mpxj()
    before = counts()
    with pytest.raises(ValidationError):
        import_file(actor=world.admin, name=f"fuzz{extension}", data=data, code="FUZZ")
    assert counts() == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extension=st.sampled_from([".xml", ".json", ".sm", ".csv", ".exe"]),
    data=st.binary(max_size=200),
    code=st.text(max_size=40),
)
def test_the_import_page_never_fails_on_random_uploads(world, extension, data, code) -> None:
    """Random bytes, extensions and codes posted to the import page: a redirect to the new project, or
    the form again with 422 and nothing written — never a server error."""
    before = counts()
    response = signed_in(world.admin).post(
        "/projects/import/", {"file": SimpleUploadedFile(f"fuzz{extension}", data), "code": code}
    )
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert counts() == before
    else:
        Project.objects.exclude(pk__in=[world.project.pk, world.other.pk]).delete()


# --- Waiting uploads ----------------------------------------------------------------------------------


def test_a_stale_upload_swept_by_another_request_meanwhile_is_no_error(
    settings, tmp_path, monkeypatch
) -> None:
    """Two requests sweeping stale uploads at once: the file the other one deleted between the listing
    and the stat is skipped, and the new upload is kept."""
    from django.test import RequestFactory

    from kuroko.projects import uploads

    settings.DATA_DIR = tmp_path
    folder = uploads.upload_dir()
    folder.mkdir(parents=True)
    stale = folder / "upload-gone.bin"
    stale.write_bytes(b"old")
    real_stat = Path.stat

    def stat_after_the_other_sweep(self: Path, *args, **kwargs):
        if self.name == "upload-gone.bin":
            self.unlink(missing_ok=True)  # the other request was quicker
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat_after_the_other_sweep)
    request = RequestFactory().post("/")
    request.session = {}
    token = uploads.keep_upload(request, "test", b"new", "plan.xlsx", options={"mapping": "ours"})
    assert uploads.load_upload(request, "test", token) == (b"new", "plan.xlsx")
    assert uploads.upload_options(request, "test") == {"mapping": "ours"}


@pytest.mark.parametrize("format", ["json", "xlsx", "mspdi"])
def test_a_reader_exports_without_writing_and_gets_the_same_file(world, format) -> None:
    """An executive's export gives the tasks without a file id the numbers an editor's would, in the
    file only: nothing is saved. The PMO's export saves them."""
    from datetime import date

    from kuroko.projects.services.import_files import project_export_file

    TaskRow.objects.filter(project=world.project).update(source_uid=None)
    day = date(2026, 4, 1)
    read, _name = project_export_file(actor=world.executive, project=world.project, format=format, today=day)
    assert not TaskRow.objects.filter(project=world.project, source_uid__isnull=False).exists()
    edited, _name = project_export_file(actor=world.pmo, project=world.project, format=format, today=day)
    assert not TaskRow.objects.filter(project=world.project, source_uid__isnull=True).exists()
    if format == "xlsx":  # a workbook's zip holds the time it was written: compare the cells
        import io

        from openpyxl import load_workbook

        def cells(data: bytes) -> list[tuple[object, ...]]:
            return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))

        assert cells(read) == cells(edited)
    else:
        assert read == edited


@pytest.mark.parametrize("format", ["mspdi", "json", "xlsx"])
def test_export_and_reimport_of_a_project_without_a_planned_start_changes_nothing(world, format) -> None:
    """ALPHA has no planned start: its exported file, brought back, is an empty diff (the start Kuroko
    derived for it is not taken for a new planned start)."""
    from datetime import date

    from kuroko.projects.services.import_files import project_export_file

    assert world.project.planned_start is None
    data, name = project_export_file(
        actor=world.pmo, project=world.project, format=format, today=date.today()
    )
    diff = import_file(actor=world.pmo, name=name, data=data, project=world.project, dry_run=True).diff
    assert diff.is_empty, diff


def test_a_mapping_of_another_kind_or_for_a_non_tabular_file_is_said_clearly(world) -> None:
    """A tracker CSV mapping chosen for an .xlsx file, or any mapping with a PSPLIB file: an error on
    the mapping that says why, on the page too — not ignored, nothing written."""
    from kuroko.projects.models import ImportMapping

    ImportMapping.objects.create(kind=ImportMapping.Kind.TRACKER_CSV, name="Redmine", options={})
    before = counts()
    with pytest.raises(ValidationError) as info:
        import_file(actor=world.admin, name="plan.xlsx", data=b"PK", mapping="Redmine")
    assert "for Tracker CSV files; this file is read as Excel WBS" in info.value.message_dict["mapping"][0]
    with pytest.raises(ValidationError) as info:
        import_file(actor=world.admin, name="small.sm", data=SMALL_SM.encode(), mapping="Redmine")
    assert "small.sm is neither" in info.value.message_dict["mapping"][0]
    page = signed_in(world.admin).post(
        "/projects/import/", {"file": SimpleUploadedFile("s.sm", SMALL_SM.encode()), "mapping": "Redmine"}
    )
    assert page.status_code == 422 and "s.sm is neither" in page.context["form"].errors["mapping"][0]
    assert counts() == before
    form = signed_in(world.admin).get("/projects/import/").content.decode()
    assert '<optgroup label="Tracker CSV">' in form
