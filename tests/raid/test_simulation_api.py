"""REST API of schedule risk analysis: runs, estimates, correlation groups, comparison."""

from __future__ import annotations

import json

from kuroko.raid.models import CorrelationGroup, RunStatus, SimulationRun, TaskEstimate
from tests.conftest import signed_in
from tests.factories import TaskEstimateFactory
from tests.raid.test_simulation import DAY, plan  # noqa: F401 - the fixture


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_start_read_list_and_delete_a_run(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """POST starts a run (201, queued); with the immediate backend it is done on commit; GET gives its
    status, progress and results; the list has its P50/P80; DELETE removes it."""
    client = signed_in(world.pm)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            "/api/v1/projects/ALPHA/simulation-runs",
            {"iterations": 500, "seed": 3, "range": [0.9, 1, 1.5], "name": "API"},
        )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "queued" and created["number"] == 1 and created["range"] == [0.9, 1.0, 1.5]
    assert created["deadline"] == "2027-04-30"  # the project's planned finish
    body = client.get(f"/api/v1/simulation-runs/{created['id']}").json()
    assert body["status"] == "done" and body["progress"] == 100
    finish = body["results"]["finish"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    assert body["p80"] == finish["p80"]
    assert "plan" not in body["inputs"] and body["inputs"]["options"]["seed"] == 3
    (listed,) = client.get("/api/v1/projects/ALPHA/simulation-runs").json()
    assert listed["p50"] == finish["p50"] and listed["name"] == "API"
    assert client.delete(f"/api/v1/simulation-runs/{created['id']}").status_code == 204
    assert not SimulationRun.objects.exists()


def test_bad_run_options_are_422_naming_the_field(world, plan):  # noqa: F811
    """Iterations out of range and a range out of order are refused with their fields; nothing stored."""
    client = signed_in(world.pm)
    response = post(client, "/api/v1/projects/ALPHA/simulation-runs", {"iterations": 10, "range": [2, 1, 3]})
    assert response.status_code == 422
    fields = {tuple(d["loc"]) for d in response.json()["detail"]}
    assert fields == {("body", "iterations"), ("body", "range")}
    assert not SimulationRun.objects.exists()
    assert post(signed_in(world.member), "/api/v1/projects/ALPHA/simulation-runs", {}).status_code == 403


def test_estimates_get_and_put(world, plan):  # noqa: F811
    """PUT sets estimates given as minutes or as durations, clears one with nulls, and GET lists them."""
    build, test = plan["Build"], plan["Test"]
    TaskEstimateFactory(task=test)
    client = signed_in(world.pm)
    response = put(
        client,
        "/api/v1/projects/ALPHA/estimates",
        {
            "estimates": [
                {
                    "task": build.pk,
                    "minimum": "4d",
                    "most_likely": 2400,
                    "maximum": "2w",
                    "distribution": "triangular",
                },
                {"task": test.pk, "minimum": None, "most_likely": None, "maximum": None},
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == 2
    rows = {r["task"]: r for r in body["estimates"]}
    assert (rows[build.pk]["minimum_minutes"], rows[build.pk]["maximum_minutes"]) == (4 * DAY, 10 * DAY)
    assert rows[test.pk]["most_likely_minutes"] is None
    assert list(TaskEstimate.objects.values_list("task_id", flat=True)) == [build.pk]
    assert [r["name"] for r in client.get("/api/v1/projects/ALPHA/estimates").json()] == [
        "Screens",
        "Review",
        "Build",
        "Test",
        "Docs",
    ]


def test_bad_estimates_are_422_naming_the_task(world, plan):  # noqa: F811
    """A bad duration and an unknown task are refused with the task in the location and message; all or
    nothing."""
    build, test = plan["Build"], plan["Test"]
    client = signed_in(world.pm)
    response = put(
        client,
        "/api/v1/projects/ALPHA/estimates",
        {
            "estimates": [
                {"task": build.pk, "minimum": "4d", "most_likely": "5d", "maximum": "8d"},
                {"task": test.pk, "minimum": "4d", "most_likely": "3x", "maximum": "2d"},
            ]
        },
    )
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", f"tasks.{test.pk}.most_likely"] and "“Test”" in detail["msg"]
    response = put(
        client,
        "/api/v1/projects/ALPHA/estimates",
        {"estimates": [{"task": plan["Go-live"].pk, "minimum": 1, "most_likely": 2, "maximum": 3}]},
    )
    assert response.status_code == 422 and "milestone" in response.json()["detail"][0]["msg"]
    assert not TaskEstimate.objects.exists()
    assert (
        put(signed_in(world.member), "/api/v1/projects/ALPHA/estimates", {"estimates": []}).status_code == 403
    )


def test_correlation_groups_crud(world, plan):  # noqa: F811
    """Create (201), read, change, list and delete (204) a group; a bad coefficient is 422."""
    client = signed_in(world.pm)
    body = {"name": "Sub A", "coefficient": "0.5", "tasks": [plan["Build"].pk, plan["Test"].pk]}
    created = post(client, "/api/v1/projects/ALPHA/correlation-groups", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    response = client.patch(
        f"/api/v1/correlation-groups/{pk}",
        data=json.dumps({"coefficient": "0.8"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["coefficient"] == "0.80"
    assert client.get(f"/api/v1/correlation-groups/{pk}").json()["name"] == "Sub A"
    assert len(client.get("/api/v1/projects/ALPHA/correlation-groups").json()) == 1
    bad = post(
        client, "/api/v1/projects/ALPHA/correlation-groups", body | {"name": "B", "coefficient": "1.5"}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "coefficient"]
    assert client.delete(f"/api/v1/correlation-groups/{pk}").status_code == 204
    assert not CorrelationGroup.objects.exists()


def test_compare_runs(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """The comparison gives both runs' percentiles with the difference and what changed; runs that are not
    done are 422."""
    from tests.raid.test_simulation import run_now

    a = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None)
    b = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None, seed=9)
    client = signed_in(world.member)
    body = client.get(f"/api/v1/simulation-runs/compare?a={a.pk}&b={b.pk}").json()
    p50 = next(r for r in body["percentiles"] if r["label"] == "P50")
    assert p50["a"] == p50["b"] and p50["change"] == 0
    assert body["options"] == [{"label": "Seed", "a": "1", "b": "9", "change": None}]
    SimulationRun.objects.filter(pk=b.pk).update(status=RunStatus.FAILED)
    assert client.get(f"/api/v1/simulation-runs/compare?a={a.pk}&b={b.pk}").status_code == 422
