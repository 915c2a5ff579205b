"""The phase-gates API: phases, deliverables, criteria, a whole review through REST, refusals as 409 and
bad input as 422 naming the field."""

from __future__ import annotations

import pytest

from kuroko.governance.models import GateReview
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db


def _gate(api, world) -> tuple[int, int]:
    phase = api.post("/projects/ALPHA/phases", {"name": "Design", "task_id": world.summary.pk})
    assert phase.status_code == 201, phase.json()
    phase_id = phase.json()["id"]
    deliverable = api.post(
        "/projects/ALPHA/deliverables",
        {"name": "Basic design document", "phase_id": phase_id, "owner_id": world.member.person.pk},
    )
    assert deliverable.status_code == 201
    return phase_id, deliverable.json()["id"]


def test_a_review_through_the_api(world):
    """Phase, deliverable and criteria; open a review; answer; decide conditional go with an action."""
    pm, pmo = Api(world.pm), None
    phase_id, deliverable_id = _gate(pm, world)
    criterion = pm.post(f"/phases/{phase_id}/criteria", {"kind": "checklist", "text": "Customer signed off"})
    assert criterion.status_code == 201
    check_id = criterion.json()["id"]
    assert (
        pm.post(
            f"/phases/{phase_id}/criteria", {"kind": "deliverable", "deliverable_id": deliverable_id}
        ).status_code
        == 201
    )
    phases = pm.get("/projects/ALPHA/phases").json()
    assert phases[0]["state"] == "upcoming" and phases[0]["effective_gate_date"] is not None
    opened = pm.post(f"/phases/{phase_id}/reviews", {"approvers": [world.pmo.person.pk]})
    assert opened.status_code == 201, opened.json()
    review = opened.json()
    assert [a["result"] for a in review["answers"]] == ["unknown", "fail"]
    assert review["answers"][1]["evidence"]["status"] == "pending"
    again = pm.post(f"/phases/{phase_id}/reviews", {"approvers": [world.pmo.person.pk]})
    assert again.status_code == 409 and again.json()["code"] == "refused"
    assert pm.put(f"/gate-reviews/{review['id']}/answers/{check_id}", {"result": "pass"}).status_code == 200
    pmo = Api(world.pmo)
    go = pmo.post(f"/gate-reviews/{review['id']}/decisions", {"decision": "go"})
    assert go.status_code == 409 and "Basic design document approved" in go.json()["detail"]
    decided = pmo.post(
        f"/gate-reviews/{review['id']}/decisions",
        {"decision": "conditional", "conditions": "Approve the document by Friday",
         "actions": [{"title": "Approve the design", "owner_id": world.pm.person.pk,
                      "due_date": "2026-07-03"}]},
    )  # fmt: skip
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["status"] == "decided" and body["decision"] == "conditional" and len(body["actions"]) == 1
    assert body["approvals"][0]["decision"] == "conditional"
    late = pm.put(f"/gate-reviews/{review['id']}/answers/{check_id}", {"result": "fail", "comment": "x"})
    assert late.status_code == 409


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/phases/{phase}/criteria", {"kind": "metric", "metric": "spi", "operator": ">="},
         "threshold"),  # no threshold
        ("/phases/{phase}/criteria", {"kind": "metric", "metric": "bogus", "operator": ">=", "threshold": 1},
         "metric"),  # an unknown metric
        ("/phases/{phase}/criteria", {"kind": "deliverable"}, "deliverable"),  # no deliverable
        ("/phases/{phase}/reviews", {"approvers": []}, "approvers"),  # no approver
        ("/projects/ALPHA/phases", {"name": " "}, "name"),  # a blank name
        ("/projects/ALPHA/deliverables", {"name": "X", "owner_id": 999999}, "owner"),  # no such person
    ],
)  # fmt: skip
def test_bad_input_is_422_naming_the_field(world, path, body, field):
    """Invalid input answers 422 with the field named in `loc`."""
    api = Api(world.pm)
    phase_id, _deliverable = _gate(api, world)
    response = api.post(path.format(phase=phase_id), body)
    assert response.status_code == 422, response.json()
    fields = {d["loc"][-1] for d in response.json()["detail"]}
    assert field in fields or f"{field}_id" in fields
    assert not GateReview.objects.exists()


def test_owner_submits_by_patch_and_member_cannot_edit(world):
    """The member submits the deliverable they own; other changes are refused."""
    _phase_id, deliverable_id = _gate(Api(world.pm), world)
    member = Api(world.member)
    assert (
        member.patch(f"/deliverables/{deliverable_id}", {"status": "submitted"}).json()["status"]
        == "submitted"
    )
    assert member.patch(f"/deliverables/{deliverable_id}", {"name": "Mine"}).status_code == 403
    again = member.patch(f"/deliverables/{deliverable_id}", {"status": "approved"})
    assert again.status_code == 403
    approved = Api(world.pm).patch(f"/deliverables/{deliverable_id}", {"status": "approved"}).json()
    assert approved["status"] == "approved" and approved["approved_by"] == "pm"


def test_reorder_a_phase_by_number(world):
    """PATCH number moves the phase to that place."""
    api = Api(world.pm)
    first, _d = _gate(api, world)
    second = api.post("/projects/ALPHA/phases", {"name": "Build"}).json()["id"]
    assert api.patch(f"/phases/{second}", {"number": 1}).json()["number"] == 1
    assert [p["name"] for p in api.get("/projects/ALPHA/phases").json()] == ["Build", "Design"]
    assert api.delete(f"/phases/{first}").status_code == 204


def test_an_approver_cannot_decide_twice(world):
    """A second decision by the same approver is refused (409) and changes nothing."""
    pm = Api(world.pm)
    phase_id, _deliverable = _gate(pm, world)
    review = pm.post(
        f"/phases/{phase_id}/reviews", {"approvers": [world.pmo.person.pk, world.pm.person.pk]}
    ).json()
    pmo = Api(world.pmo)
    action = {"title": "A1", "owner_id": world.pm.person.pk, "due_date": "2026-07-03"}
    body = {"decision": "conditional", "conditions": "C1", "actions": [action]}
    assert pmo.post(f"/gate-reviews/{review['id']}/decisions", body).status_code == 200
    again = pmo.post(f"/gate-reviews/{review['id']}/decisions", body)
    assert again.status_code == 409 and again.json()["code"] == "refused"
    assert "already recorded" in again.json()["detail"]
    stored = GateReview.objects.get(pk=review["id"])
    assert stored.conditions == "C1" and stored.actions.count() == 1


def test_an_approver_who_cannot_see_the_project_is_refused(world):
    """Opening a review with an approver outside the project is 422 on "approvers", naming them."""
    pm = Api(world.pm)
    phase_id, _deliverable = _gate(pm, world)
    opened = pm.post(f"/phases/{phase_id}/reviews", {"approvers": [world.outsider.person.pk]})
    assert opened.status_code == 422, opened.json()
    assert "approvers" in str(opened.json()) and str(world.outsider.person) in str(opened.json())
    assert not GateReview.objects.filter(phase_id=phase_id).exists()
