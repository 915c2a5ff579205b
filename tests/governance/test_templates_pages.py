"""Pages and API of the templates part: editor round trip, lists, a project from a template, upgrades."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kuroko.formats.project_template import document_from_json
from kuroko.governance.models import ProjectTemplate, TemplateUse
from kuroko.governance.services import templates as services
from kuroko.projects.models import Project, ProjectType, Task
from tests.conftest import signed_in
from tests.factories import published_template, template_content


def test_templates_list_queries_are_bounded(world, django_assert_max_num_queries):
    """The template list costs the same few queries for 1 or 20 templates."""
    for n in range(20):
        published_template(code=f"T{n}", versions=2)
    client = signed_in(world.member)
    with django_assert_max_num_queries(12):
        response = client.get("/governance/templates/")
    assert response.status_code == 200 and "T19" in response.content.decode()


def test_draft_editor_shows_and_saves_the_document_unchanged(world):
    """Posting the editor's tables as shown saves the same document (predecessors in "3FS+1d" notation)."""
    template = published_template(versions=1)
    client = signed_in(world.pmo)
    page = client.get(f"/governance/templates/{template.code}/draft/").content.decode()
    assert 'value="3FS+1d"' in page  # req_done (row 3) → screens, one day lag
    from kuroko.governance.forms_templates import document_json_from_rows, editor_rows
    from kuroko.projects.selectors import duration_units

    original = document_from_json(template_content())
    rows = editor_rows(original, duration_units())
    rows = {k: [r for r in v if not r.get("_blank")] for k, v in rows.items()}
    content, errors = document_json_from_rows(rows, duration_units())
    assert not errors
    assert document_from_json(content) == original


def test_draft_editor_post_reports_rows(world):
    """A wrong outline level and an unreadable predecessor are named by WBS row; nothing is saved."""
    template = published_template(versions=1)
    client = signed_in(world.pmo)
    data = {"number": "2", "action": "save", "task-key": ["a", "b"], "task-level": ["1", "3"],
            "task-name": ["A", "B"], "task-duration_days": ["1", "1"], "task-offset_days": ["", ""],
            "task-predecessors": ["", "x?"], "task-role": ["", ""], "task-work_hours": ["", ""],
            "task-notes": ["", ""]}  # fmt: skip
    response = client.post(f"/governance/templates/{template.code}/draft/", data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "WBS row 2: the outline level" in text and "WBS row 2: predecessors" in text
    assert not template.versions.filter(number=2).exists()  # looking and failing open no draft


def test_draft_editor_post_saves(world):
    """Valid tables are saved as the draft's document."""
    template = published_template(versions=1)
    client = signed_in(world.pmo)
    data = {"number": "2", "action": "save", "notes": "Shorter",
            "phase-key": ["p1"], "phase-name": ["Build"], "phase-summary_task": ["a"],
            "criterion-phase": ["p1"], "criterion-key": ["c1"], "criterion-kind": ["metric"],
            "criterion-text": ["SPI at least 0.9"], "criterion-deliverable": [""],
            "criterion-metric": ["spi"],
            "criterion-operator": [">="], "criterion-threshold": ["0.9"], "criterion-required": ["0"],
            "task-key": ["a", "b", "c"], "task-level": ["1", "2", "2"],
            "task-name": ["Build", "Code", "Test"],
            "task-duration_days": ["", "5", "3"], "task-offset_days": ["", "2", ""],
            "task-predecessors": ["", "", "2SS+1d"], "task-role": ["", "", ""],
            "task-work_hours": ["", "", ""],
            "task-notes": ["", "", ""]}  # fmt: skip
    response = client.post(f"/governance/templates/{template.code}/draft/", data)
    assert response.status_code == 302
    draft = template.versions.get(number=2)
    document = document_from_json(draft.content)
    assert [(t.key, t.parent) for t in document.tasks] == [("a", ""), ("b", "a"), ("c", "a")]
    assert [(x.predecessor, x.successor, x.type, x.lag_days) for x in document.links] == [("b", "c", "SS", 1)]
    assert document.phases[0].criteria[0].required and draft.notes == "Shorter"


def test_upload_json_replaces_the_draft_or_lists_problems(world):
    """An uploaded document replaces the draft; an invalid one is refused with each path."""
    template = published_template(versions=1)
    client = signed_in(world.pmo)
    url = f"/governance/templates/{template.code}/draft/"
    bad = SimpleUploadedFile("t.json", json.dumps({"tasks": [{"key": "a"}]}).encode())
    response = client.post(url, {"action": "upload", "file": bad})
    assert "WBS row 1 · name" in response.content.decode()
    good = SimpleUploadedFile("t.json", json.dumps(template_content(security_review=True)).encode())
    assert client.post(url, {"action": "upload", "file": good}).status_code == 302
    assert any(t["key"] == "secreview" for t in template.versions.get(number=2).content["tasks"])
    download = client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment") and b"secreview" in download.content


def test_version_page_shows_the_diff(world):
    """A version compared with the previous one lists the added task and deliverable."""
    published_template(versions=2)
    text = signed_in(world.member).get("/governance/templates/WF/v2/?compare=1").content.decode()
    assert "secreview" in text and "secreport" in text and "Security review" in text


def test_create_from_template_page(world):
    """The form creates the project with a person for a role and goes to the project."""
    template = published_template(versions=1)
    version = template.versions.get()
    client = signed_in(world.pm)
    page = client.get("/projects/new/from-template/").content.decode()
    assert "Systems engineer" in page and "Programmer" in page
    response = client.post(
        "/projects/new/from-template/",
        {"version": version.pk, "code": "NEW", "name": "New", "start": "2026-04-06", "manager": "",
         "role_se": world.member.person.pk, "role_pg": ""},
    )  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(code="NEW")
    assert project.manager == world.pm.person and TemplateUse.objects.get(project=project).version == version


def test_create_from_template_page_duplicate_code(world):
    """A code in use is shown next to the field; nothing is created."""
    version = published_template(versions=1).versions.get()
    response = signed_in(world.pmo).post(
        "/projects/new/from-template/",
        {"version": version.pk, "code": "ALPHA", "name": "X", "start": "2026-04-06"},
    )
    assert response.status_code == 200 and Project.objects.filter(code="ALPHA").count() == 1
    assert not Task.objects.filter(project__name="X").exists()


def test_project_template_page_previews_and_applies(world):
    """The project's template page lists the upgrade and applies it."""
    template = published_template(versions=2)
    project = services.project_create_from_template(
        actor=world.pmo, version=template.versions.get(number=1), code="UP", name="Up",
        start=__import__("datetime").date(2026, 4, 6), manager=world.pm.person,
    )  # fmt: skip
    client = signed_in(world.pm)
    text = client.get("/projects/UP/template/").content.decode()
    assert "Security review" in text and "Apply version 2" in text
    assert client.post("/projects/UP/template/", {"to_version": 2, "from_version": 1}).status_code == 302
    assert Task.objects.filter(project=project, name="Security review").exists()
    assert "It is on the latest published version." in client.get("/projects/UP/template/").content.decode()


def test_save_as_template_page(world):
    """The PMO saves a project as a new template's draft and lands in the editor."""
    ProjectType.objects.create(code="SI", name="SI")
    response = signed_in(world.pmo).post(
        "/projects/ALPHA/save-as-template/", {"template": "", "code": "ALPHATPL", "name": "Alpha",
                                              "project_type": ProjectType.objects.get().pk},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("/ALPHATPL/draft/")
    document = document_from_json(ProjectTemplate.objects.get(code="ALPHATPL").versions.get().content)
    assert [t.name for t in document.tasks] == ["Design", "Screens", "Review"]


def test_project_types_page_add_edit_delete(world):
    """The PMO adds, renames and deletes a project type on one page."""
    client = signed_in(world.pmo)
    client.post("/governance/project-types/", {"action": "add", "new-code": "AG", "new-name": "Agile"})
    client.post("/governance/project-types/", {"action": "edit", "original": "AG", "edit-code": "AG",
                                               "edit-name": "Agile dev", "edit-description": ""})  # fmt: skip
    assert ProjectType.objects.get(code="AG").name == "Agile dev"
    client.post("/governance/project-types/", {"action": "delete", "original": "AG"})
    assert not ProjectType.objects.filter(code="AG").exists()


def test_api_draft_put_lists_every_path(world):
    """PUT of an invalid document is a 422 whose detail names each path."""
    published_template(versions=1)
    client = signed_in(world.pmo)
    response = client.put(
        "/api/v1/templates/WF/draft",
        {"content": {"tasks": [{"key": "a", "name": "A", "duration_days": -1}, {"key": "a", "name": "B"}]}},
        content_type="application/json",
    )
    assert response.status_code == 422
    messages = [d["msg"] for d in response.json()["detail"]]
    assert any(m.startswith("tasks[0].duration_days") for m in messages)
    assert any(m.startswith("tasks[1].key") for m in messages)


def test_api_project_type_in_and_out(world):
    """Projects take and show their type by code; an unknown code is a 422 on project_type."""
    ProjectType.objects.create(code="SI", name="SI")
    client = signed_in(world.pmo)
    created = client.post(
        "/api/v1/projects",
        {"code": "TY", "name": "Typed", "project_type": "SI"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["project_type"] == "SI"
    bad = client.post(
        "/api/v1/projects",
        {"code": "TZ", "name": "X", "project_type": "NOPE"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "project_type"]
    assert [p["code"] for p in client.get("/api/v1/projects?project_type=SI").json()["items"]] == ["TY"]


@pytest.mark.parametrize("field", ["template", "start"])
def test_api_from_template_bad_input(world, field):
    """A missing template is 404; a bad start date is a 422 naming the field."""
    published_template(versions=1)
    body = {"template": "WF", "code": "N", "name": "N", "start": "2026-04-06"}
    body[field] = "NOPE" if field == "template" else "not a date"
    response = signed_in(world.pmo).post(
        "/api/v1/projects/from-template", body, content_type="application/json"
    )
    assert response.status_code == (404 if field == "template" else 422)


def _secret_draft(world):
    template = published_template()
    services.template_draft_open(actor=world.pmo, template=template)
    content = template_content()
    content["tasks"][1]["name"] = "SECRET DRAFT NAME"
    services.template_draft_save(actor=world.pmo, template=template, content=content)
    return template


def test_a_draft_is_not_shown_through_compare_to_non_pmo(world):
    """`?compare=<draft>` on a published version shows no diff to a PM; the PMO sees it."""
    _secret_draft(world)
    assert (
        b"SECRET DRAFT NAME" not in signed_in(world.pm).get("/governance/templates/WF/v1/?compare=2").content
    )
    assert b"SECRET DRAFT NAME" in signed_in(world.pmo).get("/governance/templates/WF/v1/?compare=2").content
    assert (
        signed_in(world.pm).get("/governance/templates/WF/v1/?compare=99999999999999999999").status_code
        == 200
    )


def test_api_drafts_are_404_for_non_pmo(world):
    """A member reading the draft by number or at /draft gets 404; the PMO reads both."""
    from tests.api.test_api import Api

    _secret_draft(world)
    member, pmo = Api(world.member), Api(world.pmo)
    assert member.get("/templates/WF/versions/2").status_code == 404
    assert member.get("/templates/WF/draft").status_code == 404
    assert member.get("/templates/WF/versions/1").status_code == 200
    assert "SECRET DRAFT NAME" in pmo.get("/templates/WF/versions/2").content.decode()
    assert pmo.get("/templates/WF/draft").status_code == 200
