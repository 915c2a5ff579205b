"""The decision log (issue 6): a decided decision needs its date and text; links stay in the project;
pages and API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.raid import services
from kuroko.raid.models import Decision
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import ChangeRequestFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"status": "decided", "description": "Go with B"}, {"decided_on"}),  # no date
        ({"status": "decided", "decided_on": date(2026, 5, 1)}, {"description"}),  # no decision text
        ({"status": "decided"}, {"decided_on", "description"}),  # neither
        ({"status": "final"}, {"status"}),  # not a status
    ],
)
def test_a_decided_decision_needs_its_date_and_text(world, data, fields):
    """Each missing part is named; nothing is written."""
    with pytest.raises(ValidationError) as info:
        services.decision_create(actor=world.pm, project=world.project, data={"title": "Vendor", **data})
    assert set(info.value.message_dict) == fields
    assert not Decision.objects.exists()


def test_decisions_link_risks_issues_and_change_requests_of_the_project(world):
    """Links are kept; an issue of another project is refused on `issues`; members cannot record."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    change = ChangeRequestFactory(project=world.project)
    decision = services.decision_create(
        actor=world.pm,
        project=world.project,
        data={
            "title": "Vendor",
            "status": "decided",
            "decided_on": date(2026, 5, 1),
            "description": "Go with B",
            "decided_by": "Steering committee",
            "options": "A, B",
            "rationale": "Cost",
        },
        links={"issues": [issue], "change_requests": [change.pk]},
    )
    assert decision.code == "D-001"
    assert list(decision.issues.all()) == [issue] and list(decision.change_requests.all()) == [change]
    with pytest.raises(ValidationError) as info:
        services.decision_update(
            actor=world.pm,
            decision=decision,
            data={},
            expected_version=1,
            links={"issues": [IssueFactory(project=world.other)]},
        )
    assert "issues" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.decision_create(actor=world.member, project=world.project, data={"title": "No"})


def test_decision_pages(world):
    """Record from the form (422 naming the date), then the detail and list show it."""
    client = signed_in(world.pm)
    refused = client.post(
        "/projects/ALPHA/decisions/new/", {"title": "Vendor", "status": "decided", "description": "Go with B"}
    )
    assert refused.status_code == 422 and "Give the date of the decision." in refused.content.decode()
    response = client.post(
        "/projects/ALPHA/decisions/new/",
        {"title": "Vendor", "status": "decided", "description": "Go with B", "decided_on": "2026-05-01"},
    )
    decision = Decision.objects.get()
    assert response["Location"] == f"/decisions/{decision.pk}/"
    assert "Go with B" in signed_in(world.member).get("/projects/ALPHA/decisions/").content.decode()
    assert signed_in(world.member).get("/projects/ALPHA/decisions/new/").status_code == 403


def test_api_decisions(world):
    """Create with links, PATCH (422 naming decided_on), list."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    api = Api(world.pm)
    created = api.post("/projects/ALPHA/decisions", {"title": "Freeze scope", "issues": [issue.pk]})
    assert created.status_code == 201 and created.json()["issues"] == [issue.pk]
    pk = created.json()["id"]
    bad = api.patch(f"/decisions/{pk}", {"version": 1, "status": "decided", "description": "Frozen"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "decided_on"]
    ok = api.patch(
        f"/decisions/{pk}",
        {"version": 1, "status": "decided", "description": "Frozen", "decided_on": "2026-05-02"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "decided"
    assert [d["code"] for d in Api(world.member).get("/projects/ALPHA/decisions").json()["items"]] == [
        "D-001"
    ]
