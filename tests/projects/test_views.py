"""HTML views of projects: portfolio (filters, sort, search, pagination, htmx partial, query count), the
project page and its WBS editing (inline form, conflicts, tree operations), project forms, the profile's
API tokens and the language switch."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kuroko.core.models import ApiToken
from kuroko.projects import services
from kuroko.projects.models import Project, ProjectMember, Task
from tests.conftest import signed_in
from tests.factories import PersonFactory, ProgramFactory, ProjectFactory

HTMX = {"HX-Request": "true"}


def portfolio_codes(html: str) -> list[str]:
    """Project codes in the portfolio table, top to bottom."""
    return re.findall(r'<td><a href="/projects/([^/"]+)/"><code>', html)


def wbs(project: Project) -> list[tuple[str, str]]:
    return [(t.wbs_code, t.name) for t in Task.objects.filter(project=project).order_by("row")]


def field_error(html: str, name: str) -> str | None:
    """The error shown in the form field block of input `name` (None when that field shows no error)."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if re.search(rf'name="{name}"', block):
            found = re.search(rf'<p class="error" id="id_{name}_error"[^>]*>(.*?)</p>', block, flags=re.S)
            return found.group(1) if found else None
    raise AssertionError(f"no field {name} in the page")


# --- portfolio --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["ALPHA", "BETA", "P-01", "P-02", "P-03", "P-04", "P-05"]),
        ("program=PG7", ["P-01", "P-02", "P-04"]),
        ("status=active&status=on_hold", ["ALPHA", "BETA", "P-02", "P-04", "P-05"]),
        ("rag=green", ["P-02", "P-05"]),
        ("rag=none", ["ALPHA", "BETA", "P-04"]),
        ("q=pay", ["P-01", "P-03", "P-04"]),  # code, name and description
        ("q=PAY&status=closed", ["P-03"]),
        ("sort=-budget&program=PG7", ["P-04", "P-01", "P-02"]),
        ("sort=name&program=PG7", ["P-04", "P-01", "P-02"]),
        ("sort=-code", ["P-05", "P-04", "P-03", "P-02", "P-01", "BETA", "ALPHA"]),
    ],
)
def test_portfolio_filters_sort_and_search(world, portfolio, query, codes):
    """The portfolio shows exactly the matching projects in the requested order."""
    response = signed_in(world.pmo).get("/?" + query)
    assert response.status_code == 200
    assert portfolio_codes(response.content.decode()) == codes


def test_portfolio_filters_by_manager(world, portfolio):
    """The manager filter takes a person id among the managers of visible projects."""
    html = signed_in(world.pmo).get(f"/?manager={portfolio['manager'].pk}").content.decode()
    assert portfolio_codes(html) == ["P-02", "P-03"]


def test_portfolio_summary_counts_filtered_projects(world, portfolio):
    """The summary band counts the filtered projects, not the whole portfolio."""
    html = signed_in(world.pmo).get("/?program=PG7").content.decode()
    total = re.search(r'<span class="stat-value">(\d+)</span><span class="stat-label">projects', html)
    assert total is not None
    assert total.group(1) == "3"


def test_portfolio_shows_only_visible_projects(world, portfolio):
    """A team member sees only the projects they belong to; an outsider sees none."""
    assert portfolio_codes(signed_in(world.member).get("/").content.decode()) == ["ALPHA"]
    html = signed_in(world.outsider).get("/").content.decode()
    assert portfolio_codes(html) == []
    assert "No projects match these filters." in html


def test_portfolio_pagination(world):
    """Fifty projects per page; the second page has the rest and the pager says how many in all."""
    ProjectFactory.create_batch(53, program=world.project.program)
    client = signed_in(world.admin)
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert len(portfolio_codes(first)) == 50
    assert len(portfolio_codes(second)) == 5
    assert set(portfolio_codes(first)).isdisjoint(portfolio_codes(second))
    assert "Page 1 of 2 (55 in all)" in first
    assert 'page=2" hx-get' in first


def test_portfolio_pagination_keeps_the_filters(world):
    """Pager links carry the current filters, and page 2 of a filtered list stays filtered."""
    ProjectFactory.create_batch(51, program=ProgramFactory(code="BIG"), status="closed")
    client = signed_in(world.admin)
    first = client.get("/?program=BIG&sort=-code").content.decode()
    assert "program=BIG&amp;sort=-code&amp;page=2" in first
    second = client.get("/?program=BIG&sort=-code&page=2").content.decode()
    assert len(portfolio_codes(second)) == 1
    assert portfolio_codes(second)[0] == Project.objects.filter(program__code="BIG").order_by("code")[0].code


def test_portfolio_htmx_request_returns_only_the_results(world, portfolio):
    """With HX-Request the view returns the #results fragment: no page chrome, no filter form."""
    response = signed_in(world.pmo).get("/?program=PG7", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert '<form class="filters"' not in html
    assert portfolio_codes(html) == ["P-01", "P-02", "P-04"]
    full = signed_in(world.pmo).get("/?program=PG7").content.decode()
    assert "<html" in full
    assert '<form class="filters"' in full


def test_portfolio_query_count_does_not_grow(world, django_assert_num_queries):
    """The portfolio page takes the same number of queries for 5 and for 60 projects."""
    client = signed_in(world.pm)
    ProjectFactory.create_batch(4, program=world.project.program, manager=world.pm.person)
    client.get("/")  # warm-up: the organisation row is created on first use
    with CaptureQueriesContext(connection) as small:
        html = client.get("/").content.decode()
    assert len(portfolio_codes(html)) == 5
    ProjectFactory.create_batch(
        55,
        program=ProgramFactory(),
        manager=world.pm.person,
        sponsor=PersonFactory(),
        rag_overall="red",
        rag_overall_reason="late",
    )
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get("/").content.decode()
    assert len(portfolio_codes(html)) == 50


# --- project page and WBS ---------------------------------------------------------------------------


def test_project_page_renders_the_wbs(world):
    """The project page lists every task in outline order with WBS code, name, duration and owner."""
    html = signed_in(world.member).get("/projects/ALPHA/").content.decode()
    rows = re.findall(
        r'<tr id="task-(\d+)" class="kind-(\w+)[^"]*"[^>]*>\s*<td class="wbs">([\d.]+)</td>.*?'
        r'<span class="task-name">([^<]+)</span>',
        html,
        flags=re.S,
    )
    assert rows == [
        (str(world.summary.pk), "summary", "1", "Design"),
        (str(world.owned_task.pk), "task", "1.1", "Screens"),
        (str(world.plain_task.pk), "task", "1.2", "Review"),
    ]
    assert "Member" in html and world.member.person.full_name in html  # members panel


def test_project_page_escapes_task_names(world):
    """Task names are shown as text, never as markup (rows and their button labels)."""
    nasty = '<img src=x onerror="alert(1)">\'&'
    Task.objects.filter(pk=world.plain_task.pk).update(name=nasty)
    html = signed_in(world.pm).get("/projects/ALPHA/").content.decode()
    assert nasty not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#x27;&amp;" in html


def test_project_page_offers_edit_actions_by_permission(world):
    """Editors get structure buttons on every row; an owner only the edit button on their own task."""
    editor = signed_in(world.pm).get("/projects/ALPHA/").content.decode()
    assert f'hx-post="/tasks/{world.plain_task.pk}/indent/"' in editor
    assert 'href="/projects/ALPHA/edit/"' in editor
    owner = signed_in(world.member).get("/projects/ALPHA/").content.decode()
    assert f'hx-get="/tasks/{world.owned_task.pk}/edit/"' in owner
    assert f'hx-get="/tasks/{world.plain_task.pk}/edit/"' not in owner
    assert "/indent/" not in owner
    assert 'href="/projects/ALPHA/edit/"' not in owner


def test_task_edit_form_is_an_inline_row(world):
    """GET edit (htmx) returns the row as a form that replaces the row itself."""
    response = signed_in(world.pm).get(f"/tasks/{world.plain_task.pk}/edit/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{world.plain_task.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.startswith(f'<tr id="task-{world.plain_task.pk}" class="editing">')
    for name in ("name", "duration", "planned_start", "percent_complete", "owner", "predecessors", "version"):
        assert f'name="{name}"' in html
    assert 'value="2d"' in html  # 960 working minutes at 8 h/day


def test_task_owner_gets_a_progress_only_form(world):
    """A task owner without editing rights gets only % complete."""
    html = signed_in(world.member).get(f"/tasks/{world.owned_task.pk}/edit/", headers=HTMX).content.decode()
    assert 'name="percent_complete"' in html
    assert 'name="name"' not in html
    assert 'name="duration"' not in html


def _task_post(task: Task, **changes: Any) -> dict[str, Any]:
    data = {
        "version": task.version,
        "name": task.name,
        "kind": task.kind,
        "duration": "2d",
        "planned_start": "",
        "planned_finish": "",
        "percent_complete": task.percent_complete,
        "owner": task.owner_id or "",
        "predecessors": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_task_edit_saves_and_returns_the_wbs(world):
    """POST saves the row (duration, predecessors) and returns the whole WBS partial with roll-ups."""
    task = Task.objects.get(pk=world.plain_task.pk)
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/",
        _task_post(task, name="Peer review", duration="3d", percent_complete="50", predecessors="1.1"),
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="wbs"')
    assert "<html" not in html
    assert "Peer review" in html
    saved = Task.objects.get(pk=task.pk)
    assert (saved.name, saved.duration_minutes, saved.percent_complete, saved.version) == (
        "Peer review",
        3 * 480,
        50,
        task.version + 1,
    )
    assert [d.predecessor_id for d in saved.predecessor_links.all()] == [world.owned_task.pk]
    assert Task.objects.get(pk=world.summary.pk).percent_complete > 0


def test_task_owner_saves_progress(world):
    """The owner's progress form saves % complete."""
    task = world.owned_task
    response = signed_in(world.member).post(
        f"/tasks/{task.pk}/edit/", {"version": task.version, "percent_complete": "30"}, headers=HTMX
    )
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).percent_complete == 30


def test_task_edit_invalid_duration_is_422_with_error_next_to_field(world):
    """A duration of "abc" re-renders the row with status 422 and the error at the duration field."""
    task = Task.objects.get(pk=world.plain_task.pk)
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, name="Changed", duration="abc"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#task-{task.pk}"
    assert field_error(html, "duration")
    assert field_error(html, "name") is None
    assert 'value="abc"' in html  # what was typed stays in the field
    saved = Task.objects.get(pk=task.pk)
    assert (saved.name, saved.duration_minutes, saved.version) == ("Review", 960, task.version)


def test_task_edit_unknown_predecessor_is_422(world):
    """A predecessor code that does not exist is refused and nothing is saved."""
    task = Task.objects.get(pk=world.plain_task.pk)
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, name="Changed", predecessors="9.9"), headers=HTMX
    )
    assert response.status_code == 422
    assert "9.9" in response.content.decode()
    assert Task.objects.get(pk=task.pk).name == "Review"


def test_task_edit_stale_version_is_409_with_conflict_message(world):
    """Saving a row someone changed meanwhile is 409 with who changed which field; nothing is saved."""
    task = Task.objects.get(pk=world.plain_task.pk)
    signed_in(world.pmo).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, name="Renamed by PMO"), headers=HTMX
    )
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, duration="5d"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "was changed by" in html
    assert "Pmo" in html
    assert re.search(r"<li>name: <strong>Renamed by PMO</strong></li>", html)
    assert 'value="Renamed by PMO"' in html  # the form now shows the current values
    saved = Task.objects.get(pk=task.pk)
    assert (saved.name, saved.duration_minutes) == ("Renamed by PMO", 960)


def test_cancel_returns_the_read_only_row(world):
    """GET /tasks/<id>/ (the Cancel button) returns the task's read-only row."""
    response = signed_in(world.pm).get(f"/tasks/{world.plain_task.pk}/", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="task-{world.plain_task.pk}"')
    assert '<td class="num">2d</td>' in html  # 960 working minutes at 8 h a day
    assert "<form" not in html


def test_indent_outdent_move_via_post(world):
    """The row buttons restructure the WBS and return the WBS partial."""
    client = signed_in(world.pm)
    plain = world.plain_task.pk

    def post(action: str) -> Any:
        response = client.post(
            f"/tasks/{plain}/{action}/", {"version": Task.objects.get(pk=plain).version}, headers=HTMX
        )
        assert response.status_code == 200, response.content
        assert response.content.decode().lstrip().startswith('<div id="wbs"')
        return response

    post("indent")
    assert wbs(world.project) == [("1", "Design"), ("1.1", "Screens"), ("1.1.1", "Review")]
    post("outdent")
    assert wbs(world.project) == [("1", "Design"), ("1.1", "Screens"), ("1.2", "Review")]
    html = post("move/up").content.decode()
    assert wbs(world.project) == [("1", "Design"), ("1.1", "Review"), ("1.2", "Screens")]
    assert f'id="task-{plain}" class="kind-task flash"' in html


def test_refused_tree_operation_is_422_with_the_reason(world):
    """Indenting the first task re-renders the WBS with 422 and the reason; nothing moves."""
    before = wbs(world.project)
    response = signed_in(world.pm).post(
        f"/tasks/{world.summary.pk}/indent/", {"version": world.summary.version}, headers=HTMX
    )
    assert response.status_code == 422
    assert "cannot be indented" in response.content.decode()
    assert wbs(world.project) == before


def test_stale_tree_operation_is_409(world):
    """A structure button on a row changed meanwhile is 409 with the conflict message."""
    task = world.plain_task
    signed_in(world.pmo).post(f"/tasks/{task.pk}/edit/", _task_post(task, name="Renamed"), headers=HTMX)
    response = signed_in(world.pm).post(f"/tasks/{task.pk}/delete/", {"version": task.version}, headers=HTMX)
    assert response.status_code == 409
    assert "was changed by" in response.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()


def test_delete_via_post_removes_the_subtree(world):
    """Delete removes the task with its subtasks and returns the remaining WBS."""
    response = signed_in(world.pm).post(
        f"/tasks/{world.summary.pk}/delete/",
        {"version": Task.objects.get(pk=world.summary.pk).version},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert wbs(world.project) == []
    assert "This project has no tasks yet." in response.content.decode()


def test_insert_below_opens_the_new_task_for_editing(world):
    """Insert-below adds "New task" right under the row and returns the WBS with it in edit mode."""
    response = signed_in(world.pm).post(
        f"/tasks/{world.owned_task.pk}/insert-below/", {"edit": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    assert wbs(world.project) == [("1", "Design"), ("1.1", "Screens"), ("1.2", "New task"), ("1.3", "Review")]
    new = Task.objects.get(project=world.project, name="New task")
    assert f'<tr id="task-{new.pk}" class="editing">' in response.content.decode()


def test_add_task_form(world):
    """The add-task form appends a top-level task; an empty name is 422 with the error shown."""
    client = signed_in(world.pm)
    response = client.post("/projects/ALPHA/tasks/add/", {"name": "Build"}, headers=HTMX)
    assert response.status_code == 200
    assert wbs(world.project)[-1] == ("2", "Build")
    empty = client.post("/projects/ALPHA/tasks/add/", {"name": ""}, headers=HTMX)
    assert empty.status_code == 422
    assert 'class="error" role="alert"' in empty.content.decode()
    assert len(wbs(world.project)) == 4


# --- project forms ----------------------------------------------------------------------------------


def _project_post(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "NEWP",
        "name": "New project",
        "program": "",
        "manager": "",
        "sponsor": "",
        "status": "proposed",
        "priority": "500",
        "budget": "0",
        "planned_start": "",
        "planned_finish": "",
        "description": "",
    }
    for dim in ("overall", "schedule", "cost", "scope", "quality", "risk"):
        data[f"rag_{dim}"] = ""
        data[f"rag_{dim}_reason"] = ""
    data.update(changes)
    return data


def test_project_create_form(world):
    """The PMO creates a project through the form and lands on its page."""
    client = signed_in(world.pmo)
    assert client.get("/projects/new/").status_code == 200
    response = client.post(
        "/projects/new/",
        _project_post(program=world.project.program_id, rag_overall="red", rag_overall_reason="Late"),
    )
    assert response.status_code == 302
    assert response["Location"] == "/projects/NEWP/"
    project = Project.objects.get(code="NEWP")
    assert (project.name, project.rag_overall, project.program_id) == (
        "New project",
        "red",
        world.project.program_id,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "", "name": ""}, "code"),  # required fields
        ({"name": ""}, "name"),
        ({"priority": "abc"}, "priority"),  # not a number
        ({"budget": "-5"}, "budget"),  # below the minimum
        ({"code": "ALPHA"}, "code"),  # already taken (checked by the service)
        ({"planned_start": "2026-05-02", "planned_finish": "not a date"}, "planned_finish"),
        ({"planned_start": "2026-05-02", "planned_finish": "2026-05-01"}, "planned_finish"),  # finish first
    ],
)
def test_project_form_errors_next_to_fields(world, changes, field):
    """Invalid project input re-renders the form with the error next to the field; nothing is created."""
    count = Project.objects.count()
    response = signed_in(world.pmo).post("/projects/new/", _project_post(**changes))
    assert response.status_code == 200
    assert field_error(response.content.decode(), field)
    assert Project.objects.count() == count


def test_project_edit_form_saves(world):
    """The project manager edits their project; the version goes up."""
    project = world.project
    data = _project_post(
        code="ALPHA",
        name="Alpha 2",
        program=project.program_id,
        manager=world.pm.person.pk,
        status="active",
        version=project.version,
    )
    response = signed_in(world.pm).post("/projects/ALPHA/edit/", data)
    assert response.status_code == 302
    saved = Project.objects.get(pk=project.pk)
    assert (saved.name, saved.version) == ("Alpha 2", project.version + 1)


def test_project_edit_stale_version_is_409(world):
    """Saving a project someone changed meanwhile is 409 with the conflict; nothing is saved."""
    project = world.project
    data = _project_post(
        code="ALPHA",
        name="Alpha",
        program=project.program_id,
        manager=world.pm.person.pk,
        status="active",
        version=project.version,
    )
    signed_in(world.pmo).post("/projects/ALPHA/edit/", data | {"budget": "1000"})
    response = signed_in(world.pm).post("/projects/ALPHA/edit/", data | {"name": "Alpha by PM"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "was changed by" in html
    assert "budget" in html
    saved = Project.objects.get(pk=project.pk)
    assert (saved.name, saved.budget) == ("Alpha", Decimal(1000))


def test_pm_cannot_hand_over_the_project_in_the_form(world):
    """A project manager changing the manager field gets the error next to it."""
    project = world.project
    data = _project_post(
        code="ALPHA",
        name="Alpha",
        program=project.program_id,
        manager=world.member.person.pk,
        status="active",
        version=project.version,
    )
    response = signed_in(world.pm).post("/projects/ALPHA/edit/", data)
    assert response.status_code == 200
    assert "Only the PMO" in field_error(response.content.decode(), "manager")
    assert Project.objects.get(pk=project.pk).manager_id == world.pm.person.pk


# --- profile: API tokens and language ---------------------------------------------------------------


def test_token_created_on_profile_is_shown_once_and_works(world):
    """Creating a token shows the raw token once; it authenticates the API; revoking it stops it."""
    client = signed_in(world.member)
    response = client.post("/accounts/tokens/", {"name": "weekly export"})
    assert response.status_code == 302
    page = client.get("/accounts/profile/").content.decode()
    shown = re.search(r'<code class="token" id="new-token">(kuroko_[^<]+)</code>', page)
    assert shown is not None
    raw = shown.group(1)
    token = ApiToken.objects.get(user=world.member, name="weekly export")
    assert token.key_hash == ApiToken.hash(raw)
    assert raw not in client.get("/accounts/profile/").content.decode()  # only once
    api = Client()
    assert api.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get("/accounts/profile/").content.decode()
    assert api.get("/api/v1/projects", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_token_needs_a_name(world):
    """A token without a name is not created."""
    client = signed_in(world.member)
    client.post("/accounts/tokens/", {"name": ""})
    assert not ApiToken.objects.filter(user=world.member).exists()


def test_language_switch_is_stored_on_the_user(world):
    """Switching to Japanese saves it on the account; the next page (even in a new session) is Japanese."""
    client = signed_in(world.pm)
    assert '<html lang="en">' in client.get("/").content.decode()
    response = client.post("/accounts/language/", {"language": "ja", "next": "/projects/ALPHA/"})
    assert (response.status_code, response["Location"]) == (302, "/projects/ALPHA/")
    world.pm.refresh_from_db()
    assert world.pm.language == "ja"
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    assert "ポートフォリオ" in html
    fresh = Client()
    fresh.force_login(world.pm)
    assert '<html lang="ja">' in fresh.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("https://evil.example/", "/"),  # another site
        ("//evil.example/", "/"),  # protocol-relative
        ("/\\evil.example/", "/%5Cevil.example/"),  # an unescaped backslash would read as a slash
        ("/projects/ALPHA/?sort=name", "/projects/ALPHA/?sort=name"),  # local: kept
    ],
)
def test_language_switch_only_redirects_within_the_site(world, target, location):
    """The language switch's `next` cannot send the browser to another site."""
    response = signed_in(world.pm).post("/accounts/language/", {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == location


# --- permission before validation -------------------------------------------------------------------


def test_incomplete_member_form_from_a_reader_is_403(world):
    """An executive posting an incomplete add-member form is refused with 403, like a complete one."""
    response = signed_in(world.executive).post("/projects/ALPHA/members/add/", {})
    assert response.status_code == 403
    assert not ProjectMember.objects.filter(project=world.project, person=world.executive.person).exists()


def test_empty_task_name_from_a_reader_is_403(world):
    """A team member posting an empty add-task form is refused with 403, like a complete one."""
    response = signed_in(world.member).post("/projects/ALPHA/tasks/add/", {"name": ""}, headers=HTMX)
    assert response.status_code == 403


def test_task_edit_sets_a_constraint_and_a_deadline(world):
    """The row editor sets "must start on" with its date and a deadline; a dated constraint without a
    date is refused next to the field and nothing changes."""
    from django.utils import timezone

    task = Task.objects.get(pk=world.plain_task.pk)
    refused = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, constraint_type="MSO", constraint_date=""), headers=HTMX
    )
    assert refused.status_code == 422
    assert "This constraint needs a date." in refused.content.decode()
    assert Task.objects.get(pk=task.pk).version == task.version
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/",
        _task_post(task, constraint_type="MSO", constraint_date="2027-01-12", deadline="2027-01-20"),
        headers=HTMX,
    )
    assert response.status_code == 200
    saved = Task.objects.get(pk=task.pk)
    assert (saved.constraint_type, timezone.localtime(saved.constraint_date).date()) == (
        "MSO",
        date(2027, 1, 12),
    )
    assert timezone.localtime(saved.deadline).date() == date(2027, 1, 20)
    assert timezone.localtime(saved.start).date() == date(2027, 1, 12)
    # The editor shows them again.
    html = signed_in(world.pm).get(f"/tasks/{task.pk}/edit/", headers=HTMX).content.decode()
    assert 'value="2027-01-12"' in html and 'value="2027-01-20"' in html


def test_elapsed_duration_and_lag_in_the_wbs(world):
    """ "3ed" runs through the weekend (calendar days); "+1ed" is an elapsed lag; both show as typed."""
    from django.utils import timezone

    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 9)},
        expected_version=None,
    )
    task = Task.objects.get(pk=world.owned_task.pk)  # Thursday 2026-04-09, 09:00
    response = signed_in(world.pm).post(
        f"/tasks/{task.pk}/edit/", _task_post(task, duration="3ed"), headers=HTMX
    )
    assert response.status_code == 200
    saved = Task.objects.get(pk=task.pk)
    assert (saved.duration_minutes, saved.duration_elapsed) == (3 * 1440, True)
    # 72 hours from Thursday 09:00: Sunday 09:00, over the weekend a working duration would skip.
    assert timezone.localtime(saved.finish) == timezone.make_aware(datetime(2026, 4, 12, 9, 0))
    assert "3ed" in response.content.decode()
    review = Task.objects.get(pk=world.plain_task.pk)
    response = signed_in(world.pm).post(
        f"/tasks/{review.pk}/edit/", _task_post(review, predecessors="1.1FS+1ed"), headers=HTMX
    )
    assert response.status_code == 200
    link = review.predecessor_links.get()
    assert (link.lag_minutes, link.lag_elapsed) == (1440, True)
    assert "1.1FS+1ed" in response.content.decode()
    world.pm.language = "ja"
    world.pm.save()
    html = signed_in(world.pm).get(f"/tasks/{task.pk}/edit/", headers=HTMX).content.decode()
    assert 'value="3経過日"' in html


def _submitted_form(html: str) -> dict[str, str]:
    """What a browser would submit from a form: every named input, select and textarea as rendered."""
    from html.parser import HTMLParser

    data: dict[str, str] = {}

    class Parser(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button"):
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        data[name] = a.get("value") or "on"
                else:
                    data[name] = a.get("value") or ""
            elif tag == "select" and name:
                self.select = name
                data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                data[self.select] = a.get("value") or ""
            elif tag == "textarea" and name:
                self.textarea = name
                data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea] += text

    Parser().feed(html)
    return data


def test_project_edit_form_keeps_what_it_does_not_change(world):
    """Saving the edit form as rendered keeps the status date, calendar and scheduling options."""
    from decimal import Decimal

    from kuroko.people.models import WorkCalendar

    project = world.project
    calendar = WorkCalendar.objects.create(name="Night shift")
    Project.objects.filter(pk=project.pk).update(
        status_date=date(2026, 5, 1),
        calendar=calendar,
        schedule_from_finish=True,
        critical_float_days=Decimal(2),
        planned_finish=date(2026, 12, 31),
    )
    client = signed_in(world.pm)
    page = client.get("/projects/ALPHA/edit/").content.decode()
    data = _submitted_form(page.split('<form method="post" class="card"', 1)[1].split("</form>", 1)[0])
    data["name"] = "Alpha renamed"
    response = client.post("/projects/ALPHA/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Project.objects.get(pk=project.pk)
    assert saved.name == "Alpha renamed"
    assert (saved.status_date, saved.calendar_id, saved.schedule_from_finish, saved.critical_float_days) == (
        date(2026, 5, 1),
        calendar.pk,
        True,
        Decimal(2),
    )
