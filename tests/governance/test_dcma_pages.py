"""The DCMA page, its Excel export and the API (project report and file upload)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kuroko.projects import services
from tests.conftest import signed_in
from tests.projects.test_import import mspdi

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


@pytest.fixture
def linked(world):
    """ALPHA with Screens → Review, a baseline, and a status date."""
    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": MONDAY, "status_date": MONDAY},
        expected_version=None,
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    services.baseline_capture(actor=world.admin, project=world.project)
    return world


def test_page_shows_fourteen_checks_and_the_offending_tasks(linked, django_assert_max_num_queries):
    """The page lists the 14 checks, the summary, the status date and, per check, the tasks it names."""
    client = signed_in(linked.member)
    with django_assert_max_num_queries(40):
        response = client.get("/projects/ALPHA/dcma/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="dcma-check ') == 14
    assert 'id="dcma-summary"' in html
    assert "2026-11-23" in html  # the project's status date
    assert f"#task-{linked.plain_task.pk}" in html  # Review has no one assigned (check 10)


def test_excel_export_has_the_checks_and_the_tasks(linked):
    """The workbook holds one row per check and one per offending task."""
    client = signed_in(linked.pm)
    response = client.get("/projects/ALPHA/dcma.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    checks, tasks = book.worksheets
    assert checks.max_row == 15
    assert [c.value for c in checks[2]][:2] == [1, "Logic"]
    assert any(row[3] == "Review" for row in tasks.iter_rows(values_only=True))


def test_api_report_of_a_project(linked):
    """GET /projects/{code}/dcma answers the report as JSON."""
    client = signed_in(linked.pm)
    data = client.get("/api/v1/projects/ALPHA/dcma").json()
    assert [c["number"] for c in data["checks"]] == list(range(1, 15))
    assert data["status_date"] == "2026-11-23"
    resources = next(c for c in data["checks"] if c["key"] == "resources")
    assert resources["passed"] is False
    assert {t["name"] for t in resources["tasks"]} == {"Screens", "Review"}


def test_api_assesses_an_uploaded_file_without_storing_it(linked):
    """POST /dcma reads MS Project XML, answers the report and writes nothing."""
    from kuroko.projects.models import Project

    client = signed_in(linked.member)
    before = Project.objects.count()
    response = client.post(
        "/api/v1/dcma", {"file": SimpleUploadedFile("plan.xml", mspdi()), "status_date": "2026-01-05"}
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["checks"]) == 14
    assert response.json()["status_date"] == "2026-01-05"
    assert Project.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("plan.json", b"[1, 2", "file"),  # JSON that does not parse
        ("plan.xml", b"<nope/>", "file"),  # XML that is not MS Project's
        ("plan.json", b"", "file"),  # an empty file
    ],
)
def test_api_refuses_bad_files_with_422(linked, name, data, field):
    """A file that cannot be read is a 422 naming the field, never a 500."""
    client = signed_in(linked.member)
    response = client.post("/api/v1/dcma", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "3000-01-01"])
def test_api_refuses_a_status_date_out_of_range_with_422(linked, day):
    """POST /api/v1/dcma with a status date outside 1900–2999 is a 422 naming status_date."""
    client = signed_in(linked.member)
    response = client.post(
        "/api/v1/dcma", {"file": SimpleUploadedFile("plan.xml", mspdi()), "status_date": day}
    )
    assert response.status_code == 422
    assert "status_date" in str(response.json()["detail"])


def test_page_of_a_project_with_a_far_status_date_says_so(linked):
    """A stored status date the DCMA cannot use sends the user to the project page with a message."""
    from kuroko.projects.models import Project

    Project.objects.filter(pk=linked.project.pk).update(status_date=date(9999, 12, 31))
    client = signed_in(linked.pm)
    response = client.get("/projects/ALPHA/dcma/", follow=True)
    assert response.status_code == 200 and "9999-12-31" in response.content.decode()
    response = client.get("/api/v1/projects/ALPHA/dcma")
    assert response.status_code == 422 and "status_date" in str(response.json()["detail"])
