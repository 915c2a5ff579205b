"""REST API at /api/v1: CRUD, WBS tree operations, dependencies, filters and pagination, token auth,
validation (422 naming the field), optimistic concurrency (409) and the offline OpenAPI docs."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuroko.core.services import api_token_create, api_token_revoke
from kuroko.people.models import Person, Team
from kuroko.projects.models import Dependency, Program, Project, ProjectMember, Task
from tests.factories import PersonFactory, ProgramFactory, ProjectFactory

# One client for the module: a new client's handler loads the middleware (WhiteNoise scans static files).
_CLIENT = Client()


class Api:
    """Calls the API with a personal token of `user` (Authorization: Bearer …)."""

    def __init__(self, user: Any = None, *, raw: str | None = None, header: str = "bearer"):
        if raw is None and user is not None:
            _token, raw = api_token_create(user=user, name="tests")
        self.headers: dict[str, str] = {}
        if raw is not None:
            self.headers = {"Authorization": f"Bearer {raw}"} if header == "bearer" else {"X-API-Key": raw}
        _CLIENT.cookies.clear()

    def get(self, path: str, **params: Any) -> Any:
        return _CLIENT.get("/api/v1" + path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return _CLIENT.post(
            "/api/v1" + path, json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return _CLIENT.patch(
            "/api/v1" + path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return _CLIENT.put(
            "/api/v1" + path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def delete(self, path: str, **params: Any) -> Any:
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        return _CLIENT.delete("/api/v1" + path + query, headers=self.headers)


def wbs(project: Project) -> list[tuple[str, str]]:
    return [(t.wbs_code, t.name) for t in Task.objects.filter(project=project).order_by("row")]


def version(model: Any, pk: int) -> int:
    return model.objects.get(pk=pk).version


@pytest.fixture
def admin_api(world) -> Api:
    return Api(world.admin)


# --- programs and projects --------------------------------------------------------------------------


def test_program_crud(admin_api):
    """Programs are created, read, renamed and deleted; a program with projects cannot be deleted."""
    created = admin_api.post("/programs", {"code": "PG9", "name": "Nine", "description": "d"})
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "code": "PG9",
        "name": "Nine",
        "description": "d",
        "version": 1,
    }
    assert admin_api.get("/programs/PG9").json()["name"] == "Nine"
    renamed = admin_api.patch("/programs/PG9", {"version": 1, "name": "Nine!"})
    assert (renamed.status_code, renamed.json()["name"], renamed.json()["version"]) == (200, "Nine!", 2)
    assert admin_api.delete("/programs/PG9").status_code == 204
    assert admin_api.get("/programs/PG9").status_code == 404
    refused = admin_api.delete("/programs/PG1")
    assert refused.status_code == 422
    assert "still has projects" in refused.json()["detail"][0]["msg"]
    assert Program.objects.filter(code="PG1").exists()


def test_project_crud(world, admin_api):
    """A project is created with its fields, read back, updated (version + 1) and deleted with its tasks."""
    body = {
        "code": "NEW",
        "name": "New project",
        "program_id": world.project.program_id,
        "manager_id": world.pm.person.pk,
        "status": "active",
        "priority": 700,
        "planned_start": "2026-04-01",
        "planned_finish": "2026-09-30",
        "budget": "1234.50",
        "rag_overall": "amber",
        "rag_overall_reason": "Vendor late",
    }
    created = admin_api.post("/projects", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["code"], data["program_code"], data["manager_id"], data["budget"], data["version"]) == (
        "NEW",
        "PG1",
        world.pm.person.pk,
        "1234.50",
        1,
    )
    assert ProjectMember.objects.filter(project__code="NEW", person=world.pm.person).exists()
    assert admin_api.get("/projects/NEW").json()["rag_overall_reason"] == "Vendor late"
    updated = admin_api.patch("/projects/NEW", {"version": 1, "status": "on_hold", "budget": "99"})
    assert (updated.status_code, updated.json()["status"], updated.json()["version"]) == (200, "on_hold", 2)
    assert Project.objects.get(code="NEW").budget == Decimal("99")
    admin_api.post("/projects/NEW/tasks", {"name": "Only task"})
    assert admin_api.delete("/projects/NEW").status_code == 204
    assert admin_api.get("/projects/NEW").status_code == 404
    assert not Task.objects.filter(name="Only task").exists()


def test_pm_creating_a_project_becomes_its_manager(world):
    """A project manager creating a project through the API is made its manager."""
    response = Api(world.pm).post("/projects", {"code": "PMX", "name": "Mine"})
    assert response.status_code == 201
    assert response.json()["manager_id"] == world.pm.person.pk


def test_members_add_list_remove(world, admin_api):
    """Members are added with a role, listed with names, and removed; the manager cannot be removed."""
    added = admin_api.post(
        "/projects/ALPHA/members", {"person_id": world.outsider.person.pk, "role": "reviewer"}
    )
    assert added.status_code == 201
    assert added.json()["role"] == "reviewer"
    names = {m["person_name"] for m in admin_api.get("/projects/ALPHA/members").json()}
    assert world.outsider.person.full_name in names
    assert admin_api.delete(f"/projects/ALPHA/members/{added.json()['id']}").status_code == 204
    manager_link = ProjectMember.objects.get(project=world.project, person=world.pm.person)
    refused = admin_api.delete(f"/projects/ALPHA/members/{manager_link.pk}")
    assert refused.status_code == 422
    assert ProjectMember.objects.filter(pk=manager_link.pk).exists()
    unknown = admin_api.post("/projects/ALPHA/members", {"person_id": 999999})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "person_id"]


# --- tasks and the WBS tree -------------------------------------------------------------------------


def test_task_create_as_child_after_sibling_and_top_level(world, admin_api):
    """parent_id appends a subtask, after_id inserts right after a sibling, neither adds at top level."""
    child = admin_api.post("/projects/ALPHA/tasks", {"name": "Sign-off", "parent_id": world.summary.pk})
    assert child.status_code == 201
    assert (child.json()["wbs_code"], child.json()["parent_id"]) == ("1.3", world.summary.pk)
    after = admin_api.post(
        "/projects/ALPHA/tasks",
        {
            "name": "Mock-ups",
            "after_id": world.owned_task.pk,
            "duration_minutes": 960,
            "owner_id": world.member.person.pk,
        },
    )
    assert after.status_code == 201
    assert after.json()["wbs_code"] == "1.2"
    top = admin_api.post(
        "/projects/ALPHA/tasks", {"name": "Go live", "kind": "milestone", "planned_start": "2026-06-01"}
    )
    assert (top.json()["wbs_code"], top.json()["outline_level"], top.json()["kind"]) == ("2", 1, "milestone")
    # The typed date is a "start no earlier than" constraint; the project (starting today) is later.
    assert top.json()["constraint_type"] == "SNET"
    constraint_date = datetime.fromisoformat(top.json()["constraint_date"])
    assert timezone.localtime(constraint_date).date() == date(2026, 6, 1)
    assert top.json()["planned_finish"] == top.json()["planned_start"]
    assert wbs(world.project) == [
        ("1", "Design"),
        ("1.1", "Screens"),
        ("1.2", "Mock-ups"),
        ("1.3", "Review"),
        ("1.4", "Sign-off"),
        ("2", "Go live"),
    ]


def test_task_parent_from_another_project_is_404(world, admin_api):
    """A parent_id of another project's task is not found in this project; nothing is created."""
    count = Task.objects.count()
    response = admin_api.post("/projects/ALPHA/tasks", {"name": "x", "parent_id": world.other_task.pk})
    assert response.status_code == 404
    assert Task.objects.count() == count


def test_task_read_update_delete(world, admin_api):
    """A task is read, updated with its version and deleted with its subtasks."""
    task = admin_api.get(f"/tasks/{world.plain_task.pk}").json()
    assert (task["name"], task["wbs_code"], task["duration_minutes"]) == ("Review", "1.2", 960)
    updated = admin_api.patch(
        f"/tasks/{world.plain_task.pk}",
        {"version": task["version"], "name": "Peer review", "percent_complete": 50},
    )
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["version"]) == ("Peer review", task["version"] + 1)
    assert Task.objects.get(pk=world.summary.pk).percent_complete > 0  # rolled up
    summary_version = version(Task, world.summary.pk)
    assert admin_api.delete(f"/tasks/{world.summary.pk}", version=summary_version).status_code == 204
    assert wbs(world.project) == []


def test_task_list_is_paginated_in_row_order(world, admin_api):
    """The WBS list comes in row order with limit/offset and a total count."""
    page = admin_api.get("/projects/ALPHA/tasks", limit=2, offset=1).json()
    assert page["count"] == 3
    assert [t["name"] for t in page["items"]] == ["Screens", "Review"]


def test_tree_operations_indent_outdent_move(world, admin_api):
    """indent, outdent and move change the outline as in MS Project and renumber the WBS."""
    plain = world.plain_task.pk
    indented = admin_api.post(f"/tasks/{plain}/indent", {"version": version(Task, plain)})
    assert indented.status_code == 200
    assert (indented.json()["wbs_code"], indented.json()["parent_id"]) == ("1.1.1", world.owned_task.pk)
    outdented = admin_api.post(f"/tasks/{plain}/outdent", {"version": version(Task, plain)})
    assert outdented.status_code == 200
    assert outdented.json()["wbs_code"] == "1.2"
    moved = admin_api.post(f"/tasks/{plain}/move", {"direction": "up", "version": version(Task, plain)})
    assert moved.status_code == 200
    assert wbs(world.project) == [("1", "Design"), ("1.1", "Review"), ("1.2", "Screens")]


def test_tree_operation_refused_with_reason_and_nothing_changes(world, admin_api):
    """Indenting the first task is 422 with a sentence naming it; the outline stays as it was."""
    before = wbs(world.project)
    response = admin_api.post(
        f"/tasks/{world.summary.pk}/indent", {"version": version(Task, world.summary.pk)}
    )
    assert response.status_code == 422
    assert "Design" in response.json()["detail"][0]["msg"]
    assert wbs(world.project) == before
    up = admin_api.post(
        f"/tasks/{world.owned_task.pk}/move",
        {"direction": "up", "version": version(Task, world.owned_task.pk)},
    )
    assert up.status_code == 422
    assert wbs(world.project) == before


# --- dependencies -----------------------------------------------------------------------------------


def test_dependency_crud_and_cross_project(world, admin_api):
    """Links are created (also across projects), listed by successor project, updated and deleted."""
    same = admin_api.post(
        "/dependencies", {"predecessor_id": world.owned_task.pk, "successor_id": world.plain_task.pk}
    )
    assert same.status_code == 201
    cross = admin_api.post(
        "/dependencies",
        {
            "predecessor_id": world.other_task.pk,
            "successor_id": world.owned_task.pk,
            "type": "SS",
            "lag_minutes": 480,
        },
    )
    assert cross.status_code == 201
    assert cross.json() | {"id": 0} == {
        "id": 0,
        "predecessor_id": world.other_task.pk,
        "successor_id": world.owned_task.pk,
        "type": "SS",
        "lag_minutes": 480,
        "lag_elapsed": False,
    }
    listed = admin_api.get("/dependencies", project="ALPHA").json()
    assert listed["count"] == 2
    assert admin_api.get("/dependencies", project="BETA").json()["count"] == 0
    patched = admin_api.patch(f"/dependencies/{cross.json()['id']}", {"type": "FF", "lag_minutes": -60})
    assert (patched.status_code, patched.json()["type"], patched.json()["lag_minutes"]) == (200, "FF", -60)
    assert admin_api.get(f"/dependencies/{cross.json()['id']}").json()["type"] == "FF"
    assert admin_api.delete(f"/dependencies/{cross.json()['id']}").status_code == 204
    assert Dependency.objects.count() == 1


def test_dependency_cycle_is_422_naming_the_tasks(world, admin_api):
    """A link that closes a cycle (here across two projects) is refused naming every task in it."""
    assert (
        admin_api.post(
            "/dependencies", {"predecessor_id": world.owned_task.pk, "successor_id": world.other_task.pk}
        ).status_code
        == 201
    )
    assert (
        admin_api.post(
            "/dependencies", {"predecessor_id": world.other_task.pk, "successor_id": world.plain_task.pk}
        ).status_code
        == 201
    )
    response = admin_api.post(
        "/dependencies", {"predecessor_id": world.plain_task.pk, "successor_id": world.owned_task.pk}
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "predecessor_id"]
    for name in ("Screens", "Review", "Beta work"):
        assert name in error["msg"]
    assert Dependency.objects.count() == 2


def test_dependency_to_unknown_task_is_422(world, admin_api):
    """An unknown task id is named in a 422."""
    response = admin_api.post(
        "/dependencies", {"predecessor_id": 999999, "successor_id": world.plain_task.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "predecessor_id"]
    assert not Dependency.objects.exists()


# --- people and teams -------------------------------------------------------------------------------


def test_people_crud_and_filters(world, admin_api):
    """People are created, found by name and team (with sub-teams), updated and deleted."""
    parent = admin_api.post("/teams", {"code": "ENG", "name": "Engineering"}).json()
    sub = admin_api.post("/teams", {"code": "WEB", "name": "Web", "parent_id": parent["id"]}).json()
    created = admin_api.post(
        "/people",
        {
            "family_name": "Tanaka",
            "given_name": "Hanako",
            "family_name_kana": "たなか",
            "email": "hanako@example.com",
            "team_id": sub["id"],
            "employment_type": "contractor",
        },
    )
    assert created.status_code == 201
    person = created.json()
    assert (person["full_name"], person["team_id"], person["version"]) == ("Hanako Tanaka", sub["id"], 1)
    assert [p["id"] for p in admin_api.get("/people", q="たなか").json()["items"]] == [person["id"]]
    assert [p["id"] for p in admin_api.get("/people", team=parent["id"]).json()["items"]] == [person["id"]]
    assert admin_api.get("/people", employment_type="contractor").json()["count"] == 1
    updated = admin_api.patch(f"/people/{person['id']}", {"version": 1, "is_active": False})
    assert (updated.status_code, updated.json()["is_active"], updated.json()["version"]) == (200, False, 2)
    assert admin_api.get(f"/people/{person['id']}").json()["is_active"] is False
    assert admin_api.delete(f"/people/{person['id']}").status_code == 204
    assert not Person.objects.filter(pk=person["id"]).exists()


def test_person_on_a_project_cannot_be_deleted(world, admin_api):
    """Deleting a person with project history is 422; the person stays."""
    response = admin_api.delete(f"/people/{world.member.person.pk}")
    assert response.status_code == 422
    assert "inactive" in response.json()["detail"][0]["msg"]
    assert Person.objects.filter(pk=world.member.person.pk).exists()


def test_team_crud_and_cycle(world, admin_api):
    """Teams nest; making a team its own ancestor is 422 on `parent`; a team with sub-teams stays."""
    top = admin_api.post("/teams", {"code": "OPS", "name": "Operations"}).json()
    child = admin_api.post("/teams", {"code": "NOC", "name": "Network", "parent_id": top["id"]}).json()
    assert admin_api.get(f"/teams/{child['id']}").json()["parent_id"] == top["id"]
    cycle = admin_api.patch(f"/teams/{top['id']}", {"version": top["version"], "parent_id": child["id"]})
    assert cycle.status_code == 422
    assert cycle.json()["detail"][0]["loc"] == ["body", "parent_id"]
    assert Team.objects.get(pk=top["id"]).parent_id is None
    assert admin_api.delete(f"/teams/{top['id']}").status_code == 422
    renamed = admin_api.patch(f"/teams/{child['id']}", {"version": child["version"], "name": "NOC"})
    assert renamed.json()["name"] == "NOC"
    assert admin_api.delete(f"/teams/{child['id']}").status_code == 204
    assert admin_api.delete(f"/teams/{top['id']}").status_code == 204
    codes = {t["code"] for t in admin_api.get("/teams").json()["items"]}
    assert not codes & {"OPS", "NOC"}


# --- project list: filters, sort, pagination --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"program": "PG7"}, ["P-01", "P-02", "P-04"]),
        ({"status": ["active", "on_hold"]}, ["ALPHA", "BETA", "P-02", "P-04", "P-05"]),
        ({"rag": "green"}, ["P-02", "P-05"]),
        ({"rag": "none"}, ["ALPHA", "BETA", "P-04"]),
        ({"q": "pay"}, ["P-01", "P-03", "P-04"]),  # code, name and description
        ({"sort": "-budget", "program": "PG7"}, ["P-04", "P-01", "P-02"]),
        ({"sort": "name", "status": "active", "program": "PG7"}, ["P-04", "P-02"]),
        ({"program": "PG7", "status": "active", "rag": "green"}, ["P-02"]),
    ],
)
def test_project_list_filters_and_sort(world, portfolio, admin_api, params, codes):
    """The API list applies the portfolio filters and sort orders."""
    response = admin_api.get("/projects", **params)
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["items"]] == codes
    assert response.json()["count"] == len(codes)


def test_project_list_filters_by_manager(world, portfolio, admin_api):
    """manager is a person id."""
    items = admin_api.get("/projects", manager=portfolio["manager"].pk).json()["items"]
    assert [p["code"] for p in items] == ["P-02", "P-03"]


def test_project_list_pagination(world, portfolio, admin_api):
    """limit/offset page through the sorted list and count is the total."""
    first = admin_api.get("/projects", limit=3).json()
    second = admin_api.get("/projects", limit=3, offset=3).json()
    last = admin_api.get("/projects", limit=3, offset=6).json()
    assert first["count"] == second["count"] == last["count"] == 7
    assert [p["code"] for p in first["items"] + second["items"] + last["items"]] == [
        "ALPHA",
        "BETA",
        "P-01",
        "P-02",
        "P-03",
        "P-04",
        "P-05",
    ]
    assert len(last["items"]) == 1


def test_project_list_rejects_unknown_sort(admin_api):
    """An unknown sort key is a 422 naming the query parameter."""
    response = admin_api.get("/projects", sort="bogus")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "sort"


def test_project_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    """Listing 60 projects takes as many queries as listing 5 (related rows come in the same query)."""
    client = Client()
    client.force_login(world.pm)
    program = world.project.program

    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/projects", {"limit": 50})
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    ProjectFactory.create_batch(4, program=program, manager=world.pm.person)
    small, shown_small = count_queries()
    ProjectFactory.create_batch(
        55, program=ProgramFactory(), manager=world.pm.person, sponsor=PersonFactory()
    )
    large, shown_large = count_queries()
    assert (shown_small, shown_large) == (5, 50)  # ALPHA, which pm manages, and the new ones
    assert large == small
    with django_assert_max_num_queries(small):
        client.get("/api/v1/projects", {"limit": 50})


# --- authentication ---------------------------------------------------------------------------------


def test_bearer_and_api_key_tokens_authenticate(world):
    """Both headers authenticate as the token's owner and record when the token was used."""
    token, raw = api_token_create(user=world.member, name="script")
    for header in ("bearer", "x-api-key"):
        items = Api(raw=raw, header=header).get("/projects").json()["items"]
        assert [p["code"] for p in items] == ["ALPHA"]  # the member's view, not an admin's
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_unknown_and_missing_tokens_get_401(world):
    """A revoked token, a made-up token and no credentials at all are 401."""
    token, raw = api_token_create(user=world.admin, name="old")
    assert Api(raw=raw).get("/projects").status_code == 200
    api_token_revoke(user=world.admin, pk=token.pk)
    assert Api(raw=raw).get("/projects").status_code == 401
    assert Api(raw=raw, header="x-api-key").get("/projects").status_code == 401
    assert Api(raw="kuroko_not-a-real-token").get("/projects").status_code == 401
    assert Api().get("/projects").status_code == 401
    assert Api().post("/projects", {"code": "X", "name": "x"}).status_code == 401
    assert not Project.objects.filter(code="X").exists()


def test_inactive_users_token_gets_401(world):
    """A token stops working when its owner's account is deactivated."""
    _token, raw = api_token_create(user=world.pmo, name="script")
    world.pmo.is_active = False
    world.pmo.save()
    assert Api(raw=raw).get("/projects").status_code == 401


# --- invalid input: 422 naming the field, nothing changed --------------------------------------------


def _invalid_cases() -> list[Any]:
    """(method, path, body builder, field the error must name), one per kind of invalid input."""
    return [
        # the finish date must not be before the start date
        pytest.param(
            "POST",
            "/projects",
            lambda w: {
                "code": "X",
                "name": "x",
                "planned_start": "2026-05-02",
                "planned_finish": "2026-05-01",
            },
            "planned_finish",
            id="project-finish-before-start",
        ),
        pytest.param(
            "PATCH",
            "/tasks/{plain}",
            lambda w: {
                "version": w["plain_version"],
                "planned_start": "2026-05-02",
                "planned_finish": "2026-05-01",
            },
            "planned_finish",
            id="task-finish-before-start",
        ),
        # foreign keys to rows that do not exist
        pytest.param(
            "POST",
            "/projects",
            lambda w: {"code": "X", "name": "x", "program_id": 999999},
            "program_id",
            id="unknown-program",
        ),
        pytest.param(
            "POST",
            "/people",
            lambda w: {"family_name": "x", "team_id": 999999},
            "team_id",
            id="unknown-team",
        ),
        pytest.param(
            "PATCH",
            "/tasks/{plain}",
            lambda w: {"version": w["plain_version"], "owner_id": 999999},
            "owner_id",
            id="unknown-owner",
        ),
        # out of range
        pytest.param(
            "POST",
            "/projects/ALPHA/tasks",
            lambda w: {"name": "x", "percent_complete": 150},
            "percent_complete",
            id="task-percent-150",
        ),
        pytest.param(
            "PATCH",
            "/tasks/{plain}",
            lambda w: {"version": w["plain_version"], "percent_complete": 150},
            "percent_complete",
            id="patch-percent-150",
        ),
        pytest.param(
            "POST",
            "/projects",
            lambda w: {"code": "X", "name": "x", "priority": 5000},
            "priority",
            id="priority-5000",
        ),
        pytest.param(
            "POST",
            "/projects",
            lambda w: {"code": "X", "name": "x", "budget": "-1"},
            "budget",
            id="negative-budget",
        ),
        pytest.param(
            "POST",
            "/projects/ALPHA/tasks",
            lambda w: {"name": "x", "duration_minutes": -5},
            "duration_minutes",
            id="negative-duration",
        ),
        # unique values already taken
        pytest.param(
            "POST",
            "/projects",
            lambda w: {"code": "ALPHA", "name": "Copy"},
            "code",
            id="duplicate-project-code",
        ),
        pytest.param(
            "PATCH",
            "/projects/BETA",
            lambda w: {"version": w["beta_version"], "code": "ALPHA"},
            "code",
            id="rename-to-taken-code",
        ),
        pytest.param(
            "POST",
            "/programs",
            lambda w: {"code": "PG1", "name": "Copy"},
            "code",
            id="duplicate-program-code",
        ),
        pytest.param(
            "POST",
            "/people",
            lambda w: {"family_name": "x", "email": "not-an-email"},
            "email",
            id="bad-email",
        ),
        # required values missing or empty
        pytest.param("POST", "/projects", lambda w: {"name": "No code"}, "code", id="missing-code"),
        pytest.param("POST", "/projects", lambda w: {"code": "X", "name": ""}, "name", id="empty-name"),
        pytest.param(
            "PATCH", "/projects/ALPHA", lambda w: {"status": "active"}, "version", id="missing-version"
        ),
        pytest.param(
            "POST",
            "/projects",
            lambda w: {"code": "X", "name": "x", "status": "doing"},
            "status",
            id="unknown-status",
        ),
    ]


def _db_state() -> list[Any]:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Program, Project, ProjectMember, Task, Dependency, Person, Team)
    ]


@pytest.mark.parametrize(("method", "path", "body", "field"), _invalid_cases())
def test_invalid_input_is_422_naming_the_field(world, admin_api, method, path, body, field):
    """Invalid input gets 422 whose detail names the field the client sent, and changes nothing."""
    ids = {
        "plain": world.plain_task.pk,
        "plain_version": version(Task, world.plain_task.pk),
        "beta_version": world.other.version,
    }
    before = _db_state()
    call = getattr(admin_api, method.lower())
    response = call(path.format(**ids), body(ids))
    assert response.status_code == 422, response.content
    assert _db_state() == before
    detail = response.json()["detail"]
    assert all(error["msg"] for error in detail)
    assert field in [error["loc"][-1] for error in detail], detail


# --- optimistic concurrency -------------------------------------------------------------------------


def test_stale_project_version_is_409_with_changes(world, admin_api):
    """A PATCH based on an old version is refused with the fields changed meanwhile; the row is untouched."""
    read = admin_api.get("/projects/ALPHA").json()
    Api(world.pmo).patch("/projects/ALPHA", {"version": read["version"], "name": "Alpha (renamed)"})
    response = admin_api.patch("/projects/ALPHA", {"version": read["version"], "budget": "500"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert (body["your_version"], body["current_version"]) == (read["version"], read["version"] + 1)
    assert body["changes"] == [{"field": "name", "current": "Alpha (renamed)"}]
    assert "Pmo" in body["changed_by"]
    project = Project.objects.get(code="ALPHA")
    assert (project.budget, project.version, project.name) == (
        Decimal(0),
        read["version"] + 1,
        "Alpha (renamed)",
    )


def test_stale_task_version_is_409_with_changes(world):
    """A task owner's progress update on a stale version is refused naming the field changed meanwhile."""
    task = world.owned_task
    Api(world.pm).patch(f"/tasks/{task.pk}", {"version": task.version, "planned_start": "2026-04-01"})
    response = Api(world.member).patch(f"/tasks/{task.pk}", {"version": task.version, "percent_complete": 80})
    assert response.status_code == 409
    # A typed start is kept as a "start no earlier than" constraint, as MS Project does.
    assert [c["field"] for c in response.json()["changes"]] == ["constraint_type", "constraint_date"]
    assert response.json()["changes"][0]["current"] == "SNET"
    fresh = Task.objects.get(pk=task.pk)
    assert (fresh.percent_complete, fresh.constraint_type) == (0, "SNET")
    assert timezone.localtime(fresh.constraint_date).date() == date(2026, 4, 1)


def test_stale_version_on_tree_operation_is_409(world, admin_api):
    """Tree operations carry the version too; a stale one changes nothing."""
    task = world.plain_task
    admin_api.patch(f"/tasks/{task.pk}", {"version": task.version, "name": "Peer review"})
    before = wbs(world.project)
    response = admin_api.post(f"/tasks/{task.pk}/indent", {"version": task.version})
    assert response.status_code == 409
    assert response.json()["changes"] == [{"field": "name", "current": "Peer review"}]
    assert wbs(world.project) == before


# --- OpenAPI ----------------------------------------------------------------------------------------


def test_openapi_schema_is_served(db):
    """/api/v1/openapi.json describes the operations and the token security schemes."""
    response = _CLIENT.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kuroko API"
    assert {"/api/v1/projects", "/api/v1/tasks/{task_id}/indent", "/api/v1/teams"} <= set(schema["paths"])
    assert "patch" in schema["paths"]["/api/v1/projects/{code}"]
    assert schema["components"]["securitySchemes"]


def test_docs_page_is_served_offline(db):
    """/api/v1/docs references only local static files (no CDN), and those files are served."""
    response = _CLIENT.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)[\"']", html, flags=re.I)
    assert any(ref.endswith(".js") for ref in refs)
    offsite = [ref for ref in refs if ref.startswith(("http://", "https://", "//"))]
    assert not offsite, f"docs load files from elsewhere: {offsite}"
    assert not re.search(r"(?:src|href)=[\"']https?://", html)
    for ref in refs:
        served = _CLIENT.get(ref)
        assert served.status_code == 200, ref
        if hasattr(served, "close"):
            served.close()


# --- baselines and the Gantt ------------------------------------------------------------------------


def test_baselines_capture_list_variance_and_clear(world, admin_api):
    """PUT saves a baseline, GET lists it, the variance names each task, DELETE clears; bad numbers 4xx."""
    saved = admin_api.put("/projects/ALPHA/baselines/3", {"name": "Agreed"})
    assert saved.status_code == 201 and saved.json()["number"] == 3
    assert [b["name"] for b in admin_api.get("/projects/ALPHA/baselines").json()] == ["Agreed"]
    variance = admin_api.get("/projects/ALPHA/baselines/3/variance").json()
    assert {v["name"] for v in variance} == {"Design", "Screens", "Review"}
    assert all(v["start_variance_minutes"] == 0 for v in variance)
    assert admin_api.get("/projects/ALPHA/baselines/4/variance").status_code == 404
    refused = admin_api.put("/projects/ALPHA/baselines/11", {"name": "Too many"})
    assert refused.status_code == 422 and "number" in json.dumps(refused.json())
    assert admin_api.delete("/projects/ALPHA/baselines/3").status_code == 204
    assert admin_api.delete("/projects/ALPHA/baselines/3").status_code == 422
    assert Api(world.member).put("/projects/ALPHA/baselines/1", {}).status_code == 403


def test_gantt_rows_through_the_api(world, admin_api):
    """The Gantt data: named columns, one row per task, times in minutes after the origin."""
    data = admin_api.get("/projects/ALPHA/gantt").json()
    f = {name: i for i, name in enumerate(data["fields"])}
    assert [row[f["name"]] for row in data["tasks"]] == ["Design", "Screens", "Review"]
    assert data["origin"] and data["project"]["code"] == "ALPHA"


def test_export_mspdi_and_import_it_back(world, admin_api):
    """The export endpoint gives MS Project XML that the import endpoint turns into an equal project."""
    from kuroko.formats.mspdi import read_mspdi

    response = _CLIENT.get("/api/v1/projects/ALPHA/export/mspdi", headers=admin_api.headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    source = read_mspdi(response.content)
    assert [t.name for t in source.plan.tasks] == ["Design", "Screens", "Review"]
    assert Api(world.outsider).get("/projects/ALPHA/export/mspdi").status_code == 403


def test_driving_path_through_the_api(world, admin_api):
    """Review follows Screens: its driving path is Screens then Review."""
    from kuroko.projects import services

    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    path = admin_api.get(f"/tasks/{world.plain_task.pk}/driving-path").json()
    assert [t["name"] for t in path] == ["Screens", "Review"]
