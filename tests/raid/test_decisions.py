"""The decision log (issue 6): a decided decision needs its date and text; links stay in the project;
pages and API."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


# --- the log's filters and inline row edit -------------------------------------------------------------

HX = {"HX-Request": "true"}


def _decision(world, title: str, **data):
    return services.decision_create(actor=world.pm, project=world.project, data={"title": title, **data})


def _row(decision, **changes) -> dict:
    """The row form as the page posts it (every field, with the version read)."""
    row = {
        "version": decision.version,
        "title": decision.title,
        "status": decision.status,
        "decided_on": decision.decided_on.isoformat() if decision.decided_on else "",
        "decided_by": decision.decided_by,
        "due_date": decision.due_date.isoformat() if decision.due_date else "",
        "owner": decision.owner_id or "",
    }
    return {**row, **changes}


def test_decision_log_filters_by_status_owner_text_and_past_due(world):
    """Status, owner, text or number, pending past the date needed by; sorted by that date."""
    yesterday, tomorrow = date.today() - timedelta(days=1), date.today() + timedelta(days=1)
    _decision(world, "Vendor choice", due_date=yesterday, owner=world.member.person)
    _decision(world, "Go-live date", due_date=tomorrow, description="After the audit")
    _decision(
        world, "Hosting", status="decided", decided_on=yesterday, description="Cloud", due_date=yesterday
    )
    client = signed_in(world.member)

    def codes(query: str) -> list[str]:
        page = client.get(f"/projects/ALPHA/decisions/?{query}", headers=HX)
        assert page.status_code == 200
        return re.findall(r'id="decision-\d+">\s*<td><a href="[^"]+"><code>(D-\d+)', page.content.decode())

    assert codes("") == ["D-001", "D-002", "D-003"]
    assert codes("overdue=on") == ["D-001"]  # D-003 is past its date but decided
    assert codes("status=decided") == ["D-003"]
    assert codes(f"owner={world.member.person.pk}") == ["D-001"]
    assert codes("q=audit") == ["D-002"] and codes("q=d-2") == ["D-002"] and codes("q=vendor") == ["D-001"]
    assert codes("sort=-due") == ["D-002", "D-001", "D-003"]
    assert (
        "No decisions match these filters." in client.get("/projects/ALPHA/decisions/?q=zzz").content.decode()
    )
    assert "overdue" in client.get("/projects/ALPHA/decisions/").content.decode()


def test_decision_log_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    """The page costs the same number of queries for 2 and for 8 linked, owned decisions."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    client = signed_in(world.pm)

    def add(n: int) -> None:
        for i in range(n):
            _decision(world, f"D{i}", owner=world.member.person).issues.add(issue)

    add(2)
    url = "/projects/ALPHA/decisions/?status=pending"
    client.get(url)  # the first request of a session does more
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('class="actions-cell"') == 8


def test_decision_row_edit_saves_and_reports_conflicts(world):
    """The row opens as a form, saves (200, the row again) and answers a stale version with 409."""
    decision = _decision(world, "Vendor", due_date=date(2026, 6, 1))
    client = signed_in(world.pm)
    form = client.get(f"/decisions/{decision.pk}/row/?edit=1", headers=HX)
    assert form.status_code == 200 and 'name="decided_by"' in form.content.decode()
    saved = client.post(
        f"/decisions/{decision.pk}/row/",
        _row(decision, title="Vendor B", owner=world.member.person.pk, decided_by="Steering committee"),
        headers=HX,
    )
    assert saved.status_code == 200 and 'class="flash"' in saved.content.decode()
    assert "Vendor B" in saved.content.decode() and "Steering committee" in saved.content.decode()
    decision.refresh_from_db()
    assert (decision.title, decision.owner, decision.version) == ("Vendor B", world.member.person, 2)
    stale = client.post(f"/decisions/{decision.pk}/row/", _row(decision, version=1, title="X"), headers=HX)
    assert stale.status_code == 409 and "after you opened it" in stale.content.decode()
    assert Decision.objects.get().title == "Vendor B"
    assert client.get(f"/decisions/{decision.pk}/row/", headers=HX).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "decided", "decided_on": "2026-05-01"}, "Write what was decided."),  # no decision text
        ({"status": "decided"}, "Give the date of the decision."),  # no date either
        ({"decided_on": "2026-13-01"}, "Enter a valid date."),  # not a date
        ({"status": "final"}, "Select a valid choice."),  # not a status
        ({"title": " "}, "This field is required."),  # no title
        ({"owner": "999999"}, "Select a valid choice."),  # no such person
    ],
)
def test_bad_decision_row_input_is_422_with_the_message_in_the_row(world, changes, message):
    """Each bad value answers 422 with its message in the row; nothing is written."""
    decision = _decision(world, "Vendor")
    response = signed_in(world.pm).post(
        f"/decisions/{decision.pk}/row/", _row(decision, **changes), headers=HX
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert f'id="decision-{decision.pk}" class="editing"' in response.content.decode()
    assert Decision.objects.get().version == 1


@pytest.mark.parametrize("role", ["member", "executive", "outsider"])
def test_only_who_edits_the_project_edits_decision_rows(world, role):
    """The owner (a member), other members, executives and outsiders cannot edit a decision's row."""
    decision = _decision(world, "Vendor", owner=world.member.person)
    client = signed_in(world.user(role))
    assert client.get(f"/decisions/{decision.pk}/row/?edit=1", headers=HX).status_code == 403
    assert (
        client.post(f"/decisions/{decision.pk}/row/", _row(decision, title="X"), headers=HX).status_code
        == 403
    )
    assert Decision.objects.get().title == "Vendor"
    page = client.get("/projects/ALPHA/decisions/").content.decode()
    assert "/row/?edit=1" not in page


def test_api_decision_list_filters_like_the_page(world):
    """The API list takes the page's filters: status, pending past the needed-by date, text; an unknown
    status is 422."""
    today = date.today()
    late = services.decision_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Pick vendor", "due_date": today - timedelta(days=3)},
    )
    services.decision_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Go live date", "due_date": today + timedelta(days=30)},
    )
    api = Api(world.pm)

    def titles(**params):
        response = api.get("/projects/ALPHA/decisions", **params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["items"]]

    assert titles() == ["Pick vendor", "Go live date"]
    assert titles(overdue="true") == [late.title]
    assert titles(q="live") == ["Go live date"]
    assert titles(status="decided") == []
    assert api.get("/projects/ALPHA/decisions", status="zz").status_code == 422
