"""The risks API: list with the register's filters, create, retrieve, update with version (409 on
stale), delete, mark reviewed, the matrix GET/PUT, heat map, top risks, overdue reviews and the trend;
bad input answers 422 naming the field."""

from __future__ import annotations

import json

import pytest

from kuroko.raid import services
from kuroko.raid.models import Risk
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def send(client, method, path, body=None):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


def test_create_list_retrieve(world):
    """POST creates R-001 with its score; GET lists it with filters and returns it by id."""
    client = signed_in(world.pm)
    created = send(client, "post", "/api/v1/projects/ALPHA/risks", {
        "title": "Vendor late", "probability": 4, "impact_schedule": 5, "owner_id": world.member.person.pk,
        "tasks": [world.owned_task.pk], "cost_min": 1, "cost_most_likely": 2, "cost_max": 3,
    })  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["score"], body["level"], body["tasks"]) == (
        "R-001", 20, "critical", [world.owned_task.pk]
    )  # fmt: skip
    listed = client.get("/api/v1/projects/ALPHA/risks?level=critical&sort=-score").json()
    assert [r["code"] for r in listed] == ["R-001"]
    assert client.get("/api/v1/projects/ALPHA/risks?level=low").json() == []
    assert client.get(f"/api/v1/risks/{body['id']}").json()["owner_id"] == world.member.person.pk


BAD = [
    # probability off the scale
    ({"title": "x", "probability": 9}, "probability"),
    # a strategy for opportunities on a threat
    ({"title": "x", "strategy": "exploit"}, "strategy"),
    # min above most likely
    ({"title": "x", "cost_min": 5, "cost_most_likely": 1, "cost_max": 9}, "cost_min"),
    # a summary task
    ({"title": "x", "tasks": ["summary"]}, "tasks"),
    # an unknown strategy value (schema)
    ({"title": "x", "strategy": "pray"}, "strategy"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
def test_bad_input_is_422_naming_the_field(world, body, field):
    """Each bad body answers 422 with the field in `loc`; nothing is written."""
    if body.get("tasks") == ["summary"]:
        body = {**body, "tasks": [world.summary.pk]}
    response = send(signed_in(world.pm), "post", "/api/v1/projects/ALPHA/risks", body)
    assert response.status_code == 422, response.content
    assert any(field in err["loc"] for err in response.json()["detail"])
    assert not Risk.objects.exists()


def test_patch_with_version_and_conflict(world):
    """PATCH with the version read updates; a stale version gets 409 with what changed."""
    risk = services.risk_create(actor=world.pm, project=world.project, data={"title": "A", "probability": 2})
    client = signed_in(world.pm)
    ok = send(client, "patch", f"/api/v1/risks/{risk.pk}", {"version": 1, "probability": 5, "impact_cost": 5})
    assert ok.status_code == 200 and ok.json()["score"] == 25 and ok.json()["version"] == 2
    stale = send(client, "patch", f"/api/v1/risks/{risk.pk}", {"version": 1, "title": "B"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    refused = send(signed_in(world.executive), "patch", f"/api/v1/risks/{risk.pk}", {"version": 2})
    assert refused.status_code == 403


def test_review_and_delete(world):
    """Mark reviewed sets the dates; delete is for project editors (204)."""
    risk = services.risk_create(actor=world.pm, project=world.project, data={"title": "A"})
    client = signed_in(world.pm)
    reviewed = send(client, "post", f"/api/v1/risks/{risk.pk}/review", {"version": 1})
    assert reviewed.status_code == 200 and reviewed.json()["last_reviewed"]
    assert signed_in(world.member).delete(f"/api/v1/risks/{risk.pk}").status_code == 403
    assert client.delete(f"/api/v1/risks/{risk.pk}").status_code == 204
    assert client.get(f"/api/v1/risks/{risk.pk}").status_code == 404


def test_matrix_get_put(world):
    """Everyone reads the matrix; the PMO replaces it and learns how many risks were re-scored."""
    services.risk_create(actor=world.pm, project=world.project, data={"title": "A", "impact_cost": 1})
    got = signed_in(world.member).get("/api/v1/raid/matrix").json()
    assert got["size"] == 5 and len(got["cells"]) == 5 and got["labels"]["probability"][0] == "Very low"
    body = {"size": 5, "cells": [["high"] * 5] * 5, "review_days": 7}
    assert send(signed_in(world.pm), "put", "/api/v1/raid/matrix", body).status_code == 403
    saved = send(signed_in(world.pmo), "put", "/api/v1/raid/matrix", body)
    assert saved.status_code == 200 and saved.json()["rescored"] == 1
    bad = send(signed_in(world.pmo), "put", "/api/v1/raid/matrix", {**body, "probability_percents": [1, 2]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "probability_percents"]


def test_portfolio_reads(world):
    """Heat map, top risks, overdue reviews and the trend, limited to the projects the user may read."""
    services.risk_create(actor=world.pm, project=world.project, data={"title": "A", "probability": 5,
                         "impact_cost": 5})  # fmt: skip
    services.risk_create(actor=world.admin, project=world.other, data={"title": "B", "probability": 1,
                         "impact_cost": 1})  # fmt: skip
    pm = signed_in(world.pm)
    heat = pm.get("/api/v1/raid/heat-map").json()
    assert heat["total"] == 1 and len(heat["cells"]) == 25
    assert next(c for c in heat["cells"] if c["probability"] == 5 and c["impact"] == 5)["count"] == 1
    assert signed_in(world.admin).get("/api/v1/raid/heat-map").json()["total"] == 2
    assert pm.get("/api/v1/raid/heat-map?project=BETA").status_code == 403
    assert [r["title"] for r in pm.get("/api/v1/raid/top-risks?limit=5").json()] == ["A"]
    assert pm.get("/api/v1/raid/risks-due").json() == []
    trend = pm.get("/api/v1/raid/risk-trend?weeks=4").json()
    assert len(trend) == 4 and trend[-1]["open"] == 1 and trend[-1]["score"] == 25
