"""Projects from tracker CSV exports: the services (new project, re-import with its diff, saved mappings),
the pages (upload → mapping → preview → create; upload → mapping → diff → apply) and the API, with
refused files writing nothing and fuzzed uploads never answering 500."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from kuroko.projects.models import Dependency, ImportMapping, Project, Task
from kuroko.projects.services import (
    project_import_tracker,
    project_update_tracker,
    tracker_mapping_save,
)
from kuroko.projects.services.tracker_csv import TrackerFileRefused
from tests.conftest import signed_in
from tests.formats.test_tracker_csv import BACKLOG_JA, JIRA_EN, REDMINE_EN


def counts() -> tuple[int, int, int]:
    return Project.objects.count(), Task.objects.count(), Dependency.objects.count()


@pytest.fixture
def redmine(world) -> Project:
    return project_import_tracker(actor=world.pm, data=REDMINE_EN.encode(), options=None, code="RM-1")


def test_new_project_from_redmine(redmine):
    """Issues become tasks keyed by number, the parent a summary task, relations FS links with lag."""
    tasks = {t.source_uid: t for t in redmine.tasks.all()}
    assert set(tasks) == {"101", "102", "103", "104"}
    assert tasks["101"].kind == "summary" and tasks["102"].parent_id == tasks["101"].pk
    assert tasks["102"].planned_start.isoformat() == "2027-04-05"
    link = Dependency.objects.get(successor=tasks["104"])
    assert link.predecessor == tasks["103"] and link.lag_minutes == 960
    assert tasks["104"].percent_complete == 100
    assert redmine.name == "RM-1"


def test_new_project_from_jira_and_backlog(world):
    """Jira and Backlog exports make projects too (keys like WEB-2, KIKAN-1)."""
    jira = project_import_tracker(actor=world.pm, data=JIRA_EN.encode(), options=None, code="JI-1")
    assert jira.tasks.get(source_uid="WEB-1").kind == "summary"
    backlog = project_import_tracker(
        actor=world.pm, data=BACKLOG_JA.encode("cp932"), options=None, code="BL-1", name="基幹"
    )
    assert backlog.name == "基幹" and backlog.tasks.get(source_uid="KIKAN-2").parent.source_uid == "KIKAN-1"


def test_reimport_same_file_is_empty_and_changes_show(world, redmine):
    """The same export again changes nothing; a later export shows added, changed and removed tasks."""
    diff = project_update_tracker(
        actor=world.pm, project=redmine, data=REDMINE_EN.encode(), options=None, dry_run=True
    )
    assert diff.is_empty, diff
    later = REDMINE_EN.replace("Screen spec", "Screen specification").replace(
        "104,Web,Bug,,Closed,Low,Test,Admin,,2027-03-30 10:00,2027-04-20,2027-04-21,,,2027-03-30 10:00,"
        '2027-04-21 18:00,"Follows (2 days) #103, Related to #101",\r\n',
        "105,Web,Bug,,New,Low,Retest,Admin,,2027-03-30 10:00,2027-04-22,2027-04-23,,,2027-03-30 10:00,,,\r\n",
    )
    before = counts()
    diff = project_update_tracker(
        actor=world.pm, project=redmine, data=later.encode(), options=None, dry_run=True
    )
    assert [t.uid for t in diff.added] == ["105"] and [t.uid for t in diff.removed] == ["104"]
    assert [t.uid for t in diff.changed] == ["102"]
    assert counts() == before  # a dry run writes nothing
    project_update_tracker(actor=world.pm, project=redmine, data=later.encode(), options=None)
    assert redmine.tasks.get(source_uid="102").name == "Screen specification"
    assert not redmine.tasks.filter(source_uid="104").exists()


def test_refused_file_writes_nothing(world):
    """A file with bad rows raises TrackerFileRefused with every row, and creates no project."""
    before = counts()
    bad = b"#,Subject,Due date\r\n1,A,someday\r\n2,,\r\n"
    with pytest.raises(TrackerFileRefused) as caught:
        project_import_tracker(actor=world.pm, data=bad, options=None, code="BAD")
    assert [(r.row, r.column) for r in caught.value.rows] == [(2, "Due date"), (3, "Subject")]
    assert "Row 2" in caught.value.messages[0]
    assert counts() == before


def test_who_may_import(world, redmine):
    """Members and executives cannot import; a PM cannot update a project they do not manage."""
    for user in (world.member, world.executive):
        with pytest.raises(PermissionDenied):
            project_import_tracker(actor=user, data=REDMINE_EN.encode(), options=None, code="NO")
    with pytest.raises(PermissionDenied):
        project_update_tracker(actor=world.pm, project=world.other, data=REDMINE_EN.encode(), options=None)


def test_saved_mapping(world):
    """A mapping is saved by name (replaced on the same name); members may not save one."""
    mapping = tracker_mapping_save(actor=world.pm, name="Our Redmine", options={"tracker": "redmine"})
    again = tracker_mapping_save(
        actor=world.pmo, name="Our Redmine", options={"tracker": "jira", "columns": {"name": "Summary"}}
    )
    assert mapping.pk == again.pk and again.options["tracker"] == "jira"
    assert ImportMapping.objects.get().kind == "tracker_csv"
    with pytest.raises(ValidationError):
        tracker_mapping_save(actor=world.pm, name="  ", options={})
    with pytest.raises(PermissionDenied):
        tracker_mapping_save(actor=world.member, name="Mine", options={})


def test_saved_mapping_keeps_unmapped_fields_and_settings(world):
    """A field set to “—” stays out when the saved mapping is used again (the same file: an empty diff);
    hours per day and the closed statuses are saved with it."""
    from kuroko.projects.services.tracker_csv import tracker_options

    options = {
        "tracker": "redmine",
        "columns": {"key": "#", "name": "Subject", "description": "", "status": "Status", "closed_on": ""},
        "date_format": "",
        "estimate_unit": "hours",
        "hours_per_day": "7.5",
        "closed_statuses": ["Closed", "Rejected"],
    }
    project = project_import_tracker(actor=world.pm, data=REDMINE_EN.encode(), options=options, code="RM-M")
    assert project.tasks.get(source_uid="101").notes == ""
    tracker_mapping_save(actor=world.pm, name="No notes", options=options)
    saved = ImportMapping.objects.get(name="No notes").options
    assert saved["columns"]["description"] == "" and saved["columns"]["closed_on"] == ""
    assert saved["hours_per_day"] == "7.5" and saved["closed_statuses"] == ["Closed", "Rejected"]
    chosen = tracker_options(mapping="No notes")
    diff = project_update_tracker(
        actor=world.pm, project=project, data=REDMINE_EN.encode(), options=chosen, dry_run=True
    )
    assert diff.is_empty, diff


# --- pages ------------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "issues.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def mapping_post(response, **changes: str) -> dict[str, str]:
    """The mapping form as the page filled it in, with `changes`."""
    form = response.context["mapping"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(step="preview", token=response.context["token"], **changes)
    return data


def test_new_project_pages(world):
    """Upload → mapping prefilled for Redmine → preview of the tasks → create."""
    client = signed_in(world.pm)
    assert client.get("/projects/import/tracker/").status_code == 200
    step = client.post("/projects/import/tracker/", {"step": "upload", "file": upload(REDMINE_EN.encode())})
    assert step.status_code == 200 and step.context["step"] == "mapping"
    assert step.context["mapping"]["col_relations"].value() == "Related issues"
    preview = client.post("/projects/import/tracker/", mapping_post(step, mapping_name="Redmine EN"))
    body = preview.content.decode()
    assert preview.status_code == 200 and "Screen spec" in body and 'id="tracker-create"' in body
    assert ImportMapping.objects.filter(name="Redmine EN").exists()
    assert not Project.objects.filter(code="RM-P").exists()
    done = client.post(
        "/projects/import/tracker/",
        {"step": "create", "token": preview.context["token"], "code": "RM-P", "name": "From Redmine"},
    )
    assert done.status_code == 302 and Project.objects.get(code="RM-P").tasks.count() == 4


def test_page_starts_from_a_saved_mapping_as_saved(world):
    """A mapping saved with “—” for the description and 6 hours a day comes back so on the next upload,
    and re-importing the file through it changes nothing."""
    client = signed_in(world.pm)
    step = client.post("/projects/import/tracker/", {"step": "upload", "file": upload(REDMINE_EN.encode())})
    assert step.context["mapping"]["col_description"].value() == "Description"
    preview = client.post(
        "/projects/import/tracker/",
        mapping_post(
            step, col_description="", hours_per_day="6", closed_statuses="Closed, Done", mapping_name="Mine"
        ),
    )
    assert preview.status_code == 200, preview.content.decode()[:2000]
    done = client.post(
        "/projects/import/tracker/",
        {"step": "create", "token": preview.context["token"], "code": "RM-S", "name": "Saved"},
    )
    assert done.status_code == 302
    saved = ImportMapping.objects.get(name="Mine")
    assert saved.options["hours_per_day"] == "6" and saved.options["closed_statuses"] == ["Closed", "Done"]
    url = "/projects/RM-S/import/tracker/"
    again = client.post(url, {"step": "upload", "file": upload(REDMINE_EN.encode()), "mapping": saved.pk})
    form = again.context["mapping"]
    assert form["col_description"].value() == "" and form["col_relations"].value() == "Related issues"
    assert str(form["hours_per_day"].value()) == "6" and form["closed_statuses"].value() == "Closed, Done"
    diff = client.post(url, mapping_post(again))
    assert diff.status_code == 200 and diff.context["diff"].is_empty, diff.context["diff"]


def test_new_project_page_shows_the_row_report(world):
    """A mapping under which rows are bad shows the row report (row, column, message), 422."""
    client = signed_in(world.pm)
    step = client.post("/projects/import/tracker/", {"step": "upload", "file": upload(REDMINE_EN.encode())})
    preview = client.post("/projects/import/tracker/", mapping_post(step, col_start="Subject"))
    body = preview.content.decode()
    assert preview.status_code == 422 and 'id="tracker-problems"' in body
    assert "is not a date" in body and "Subject" in body


def test_preview_checks_dates_on_the_calendar(world):
    """A start and due date on a weekend (no working time between them) is in the preview's row report,
    not found only when creating."""
    client = signed_in(world.pm)
    weekend = b"#,Subject,Start date,Due date\r\n1,Weekend work,2027-04-03,2027-04-04\r\n"
    step = client.post("/projects/import/tracker/", {"step": "upload", "file": upload(weekend)})
    preview = client.post("/projects/import/tracker/", mapping_post(step))
    assert preview.status_code == 422 and "no working time" in preview.content.decode()
    assert [p.row for p in preview.context["problems"]] == [2]


def test_reimport_pages(world, redmine):
    """The project page links to the update; upload → mapping → diff → apply."""
    client = signed_in(world.pm)
    page = client.get(f"/projects/{redmine.code}/").content.decode()
    assert f"/projects/{redmine.code}/import/tracker/" in page
    later = REDMINE_EN.replace("Screen spec", "Screen specification")
    step = client.post(
        f"/projects/{redmine.code}/import/tracker/", {"step": "upload", "file": upload(later.encode())}
    )
    diff = client.post(f"/projects/{redmine.code}/import/tracker/", mapping_post(step))
    assert diff.status_code == 200 and "Screen specification" in diff.content.decode()
    assert redmine.tasks.get(source_uid="102").name == "Screen spec"
    applied = client.post(f"/projects/{redmine.code}/import/tracker/", {"token": diff.context["token"]})
    assert applied.status_code == 302
    assert redmine.tasks.get(source_uid="102").name == "Screen specification"
    again = client.post(f"/projects/{redmine.code}/import/tracker/", {"token": diff.context["token"]})
    assert again.status_code == 422  # the upload was used


def test_pages_refuse_other_roles(world):
    """Members cannot open the import; a PM cannot update another manager's project."""
    assert signed_in(world.member).get("/projects/import/tracker/").status_code == 403
    assert signed_in(world.pm).get("/projects/BETA/import/tracker/").status_code == 403


# --- API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, extra",
    [
        ("/api/v1/imports/tracker", {"code": "BIG"}),  # a new project
        ("/api/v1/projects/ALPHA/imports/tracker", {"dry_run": "true"}),  # an update
        ("/api/v1/projects/ALPHA/issues/import-tracker", {"dry_run": "true"}),  # RAID issues
    ],
)
def test_api_refuses_a_large_upload_from_its_size(world, monkeypatch, url, extra):
    """An upload over the limit is refused from its size, before it is read (the limit is made small
    here rather than sending 20 MB)."""
    import kuroko.projects.services.import_files as import_files

    monkeypatch.setattr(import_files, "MAX_IMPORT_BYTES", 100)
    before = counts()
    answer = signed_in(world.admin).post(url, {"file": upload(REDMINE_EN.encode()), **extra})
    assert answer.status_code == 422 and "larger than 20 MB" in answer.content.decode()
    assert counts() == before


def test_api_import_update_and_row_errors(world):
    """POST /imports/tracker creates; /projects/{code}/imports/tracker answers the diff; bad rows 422."""
    client = signed_in(world.pm)
    created = client.post(
        "/api/v1/imports/tracker",
        {"file": upload(JIRA_EN.encode()), "code": "JI-API", "options": json.dumps({"tracker": "jira"})},
    )
    assert created.status_code == 201 and created.json()["code"] == "JI-API"
    later = JIRA_EN.replace("Release", "Go live")
    diff = client.post(
        "/api/v1/projects/JI-API/imports/tracker", {"file": upload(later.encode()), "dry_run": "true"}
    )
    assert diff.status_code == 200 and diff.json()["applied"] is False
    assert [t["uid"] for t in diff.json()["changed"]] == ["WEB-4"]
    before = counts()
    bad = client.post(
        "/api/v1/imports/tracker", {"file": upload(b"#,Subject,Due date\r\n1,A,someday\r\n"), "code": "X"}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0] | {"msg": ""} == {
        "loc": ["file", 2, "Due date"],
        "msg": "",
        "row": 2,
        "column": "Due date",
        "message": "“someday” is not a date such as 2026-04-01.",
    }
    unknown = client.post(
        "/api/v1/imports/tracker", {"file": upload(REDMINE_EN.encode()), "code": "X", "mapping": "nope"}
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "mapping"
    assert counts() == before


# --- fuzzing the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
class TestFuzzPages(HypothesisTestCase):
    """Uploads of random and mutated files: the pages and the API answer 200 or 422, never 500, and a
    refused file writes nothing."""

    def setUp(self) -> None:
        from kuroko.core.models import Role
        from tests.factories import PersonFactory, UserFactory

        self.user = UserFactory(username="fuzz-pm", role=Role.PMO_MEMBER)
        PersonFactory(family_name="Fuzz", user=self.user)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.one_of(
            st.binary(max_size=600),
            st.sampled_from([REDMINE_EN, JIRA_EN, BACKLOG_JA])
            .flatmap(
                lambda text: st.tuples(st.just(text.encode()), st.integers(0, 400), st.binary(max_size=8))
            )
            .map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]) :]),
        )
    )
    def test_fuzz_upload_and_preview(self, data: bytes) -> None:
        """Upload then preview with the prefilled mapping, and the API: 200, 201 or 422; on refusal the
        database is unchanged."""
        client = signed_in(self.user)
        before = counts()
        step = client.post("/projects/import/tracker/", {"step": "upload", "file": upload(data)})
        assert step.status_code in (200, 422)
        if step.status_code == 200:
            preview = client.post("/projects/import/tracker/", mapping_post(step))
            assert preview.status_code in (200, 422)
        answer = client.post("/api/v1/imports/tracker", {"file": upload(data), "code": "FZ"})
        assert answer.status_code in (201, 422), answer.content
        if answer.status_code == 422:
            assert counts() == before
        else:
            Project.objects.filter(code="FZ").delete()
