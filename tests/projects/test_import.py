"""Importing MS Project XML as a new project: page, API, errors that create nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kuroko.engine.model import Link, LinkType, Plan, Task
from kuroko.formats.mspdi import write_mspdi
from kuroko.projects.models import Dependency, Project
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def mspdi() -> bytes:
    """A small plan written as MS Project XML: a phase with two tasks and a milestone, linked."""
    plan = Plan(
        start=datetime(2026, 4, 1, 8, 0),
        name="Imported plan",
        tasks=(
            Task("1", "Phase"),
            Task("2", "Analyse", duration=960, parent="1"),
            Task("3", "Write", duration=1440, parent="1"),
            Task("4", "Done", milestone=True),
        ),
        links=(Link("2", "3"), Link("3", "4", LinkType.FS, 480)),
    )
    return write_mspdi(plan)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.xml", data, content_type="application/xml")


def test_import_page_creates_the_project_with_its_wbs_and_links(world):
    """A PM imports a file: the outline, durations, milestone and links arrive, and it is scheduled."""
    response = signed_in(world.pm).post("/projects/import/", {"file": upload(mspdi()), "code": "IMP-1"})
    assert response.status_code == 302
    project = Project.objects.get(code="IMP-1")
    assert project.name == "Imported plan" and project.manager == world.pm.person
    rows = [(t.wbs_code, t.name, t.kind, t.duration_minutes) for t in project.tasks.order_by("row")]
    assert rows == [
        ("1", "Phase", "summary", rows[0][3]),
        ("1.1", "Analyse", "task", 960),
        ("1.2", "Write", "task", 1440),
        ("2", "Done", "milestone", 0),
    ]
    links = {
        (d.predecessor.name, d.successor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(successor__project=project)
    }
    assert links == {("Analyse", "Write", "FS", 0), ("Write", "Done", "FS", 480)}
    assert project.tasks.get(name="Write").critical  # rescheduled on import


def test_unreadable_file_creates_nothing(world):
    """A broken or hostile file is refused next to the field and no project is created."""
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Project>&e;</Project>'
    )
    for data in (b"<Project><Tasks><Task>", hostile):
        response = signed_in(world.admin).post("/projects/import/", {"file": upload(data), "code": "BAD"})
        assert response.status_code == 422
        assert "not a readable MS Project XML file" in response.content.decode()
    assert not Project.objects.filter(code="BAD").exists()


def test_duplicate_code_is_refused(world):
    """The project code must be new; the error names it and nothing is written."""
    before = Project.objects.count()
    response = signed_in(world.admin).post("/projects/import/", {"file": upload(mspdi()), "code": "ALPHA"})
    assert response.status_code == 422 and Project.objects.count() == before


def test_api_import_and_permissions(world):
    """The API imports with multipart form data; a team member may not import."""
    response = signed_in(world.pmo).post("/api/v1/imports/mspdi", {"file": upload(mspdi()), "code": "IMP-2"})
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "IMP-2"
    refused = signed_in(world.member).post(
        "/api/v1/imports/mspdi", {"file": upload(mspdi()), "code": "IMP-3"}
    )
    assert refused.status_code == 403
    bad = signed_in(world.pmo).post("/api/v1/imports/mspdi", {"file": upload(b"nope"), "code": "IMP-4"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "file"]
    assert not Project.objects.filter(code__in=["IMP-3", "IMP-4"]).exists()
