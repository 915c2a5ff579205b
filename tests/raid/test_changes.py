"""Change requests and their workflow (issue 6): draft → submitted → approved/rejected → implemented,
withdraw; who may take each step; notifications; the baseline captured on implementation; pages and API."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kuroko.core.models import Notification
from kuroko.projects import services as project_services
from kuroko.projects.models import Baseline
from kuroko.raid import services
from kuroko.raid.models import ChangeRequest
from kuroko.raid.services.registers import Refused
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.fixture
def change(world):
    """A draft change request of ALPHA requested by the PM, adding 5 days and 800,000."""
    return services.change_request_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Add SSO", "schedule_impact_minutes": 2400, "cost_impact": 800000},
    )


def test_the_workflow_notifies_deciders_then_requester_and_pm(world, change):
    """Submit tells the PMO; approve (the PMO) tells the PM (the requester); each step is in the history."""
    assert change.code == "CR-001" and change.requested_by == world.pm.person and change.status == "draft"
    services.change_request_transition(actor=world.pm, change=change, action="submit")
    assert any("waits for your decision" in t for t in titles(world.pmo))
    assert not titles(world.pm)
    services.change_request_transition(actor=world.pmo, change=change, action="approve", note="Within budget")
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == world.pmo.person
    assert change.decision_note == "Within budget" and change.decided_at is not None
    assert titles(world.pm) == ["Change request ALPHA CR-001 approved: Add SSO"]
    statuses = [h.status for h in change.history.order_by("history_date")]
    assert statuses == ["draft", "submitted", "approved"]
    assert change.history.latest().history_user == world.pmo


@pytest.mark.parametrize(
    ("steps", "actor", "action", "error"),
    [
        ([], "pmo", "approve", Refused),  # a draft is not decided
        (["submit"], "pm", "approve", PermissionDenied),  # the PM is not a decider
        (["submit"], "member", "submit", PermissionDenied),  # nor may a member submit
        (["submit"], "pm", "submit", Refused),  # submitted twice
        (["submit"], "pmo", "reject", ValidationError),  # a rejection needs its reason
        (["submit"], "pm", "implement", Refused),  # not approved yet
        (["submit", "approve"], "pm", "withdraw", Refused),  # decided requests stay
        (["submit"], "executive", "approve", PermissionDenied),  # executives decide only as sponsors
    ],
)
def test_refused_steps_say_why_and_change_nothing(world, change, steps, actor, action, error):
    """Each refused step raises its kind of error and leaves the status as it was."""
    for step in steps:
        services.change_request_transition(actor=world.admin, change=change, action=step, note="ok")
    before = ChangeRequest.objects.get(pk=change.pk).status
    with pytest.raises(error):
        services.change_request_transition(actor=world.user(actor), change=change, action=action)
    assert ChangeRequest.objects.get(pk=change.pk).status == before


def test_sponsor_decides_and_requester_does_not_decide_their_own(world):
    """The executive sponsoring ALPHA may approve; a PMO member approving their own request is allowed,
    a sponsor who requested it is not."""
    project_services.project_update(
        actor=world.admin,
        project=world.project,
        data={"sponsor": world.executive.person},
        expected_version=None,
    )
    world.project.refresh_from_db()
    change = services.change_request_create(actor=world.pm, project=world.project, data={"title": "Scope+"})
    services.change_request_transition(actor=world.pm, change=change, action="submit")
    assert any("waits for your decision" in t for t in titles(world.executive))
    services.change_request_transition(actor=world.executive, change=change, action="reject", note="Not now")
    assert ChangeRequest.objects.get(pk=change.pk).status == "rejected"
    own = services.change_request_create(
        actor=world.pm, project=world.project, data={"title": "Mine", "requested_by": world.executive.person}
    )
    services.change_request_transition(actor=world.pm, change=own, action="submit")
    with pytest.raises(PermissionDenied, match="someone else decides"):
        services.change_request_transition(actor=world.executive, change=own, action="approve")
    pmo_own = services.change_request_create(actor=world.pmo, project=world.project, data={"title": "PMO's"})
    services.change_request_transition(actor=world.pmo, change=pmo_own, action="submit")
    services.change_request_transition(actor=world.pmo, change=pmo_own, action="approve")


def test_implementing_captures_the_baseline_it_changes(world, change):
    """Implement with capture: baseline 1 (the one it changes) is captured again and linked."""
    project_services.baseline_capture(actor=world.admin, project=world.project, number=1, name="Contract")
    baseline = Baseline.objects.get(project=world.project, number=1)
    services.change_request_update(
        actor=world.pm, change=change, data={"baseline": baseline}, expected_version=1
    )
    for action, actor in (("submit", world.pm), ("approve", world.pmo)):
        services.change_request_transition(actor=actor, change=change, action=action)
    services.change_request_transition(
        actor=world.pm, change=change, action="implement", capture_baseline=True
    )
    change.refresh_from_db()
    captured = Baseline.objects.get(project=world.project, number=1)
    assert change.status == "implemented" and change.implemented_at is not None
    assert change.baseline == captured and captured.name == "CR-001 Add SSO"
    assert captured.captured_at > baseline.captured_at
    with pytest.raises(Refused):
        services.change_request_update(
            actor=world.pm, change=change, data={"title": "Later"}, expected_version=None
        )


def test_a_baseline_of_another_project_is_refused(world, change):
    """The baseline a request changes must be its project's."""
    project_services.baseline_capture(actor=world.admin, project=world.other, number=0)
    with pytest.raises(ValidationError) as info:
        services.change_request_update(
            actor=world.pm,
            change=change,
            data={"baseline": Baseline.objects.get(project=world.other)},
            expected_version=1,
        )
    assert "baseline" in info.value.message_dict


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("5d", 2400),  # five working days of 8 hours
        ("4h", 240),  # hours
        ("-2d", -960),  # the change saves time
        ("", 0),  # no schedule impact
    ],
)
def test_the_form_reads_the_schedule_impact_as_working_time(world, typed, minutes):
    """The create form stores the schedule impact in working minutes."""
    response = signed_in(world.pm).post(
        "/projects/ALPHA/changes/new/", {"title": "X", "schedule_impact": typed}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ChangeRequest.objects.get().schedule_impact_minutes == minutes


def test_a_bad_schedule_impact_is_named(world):
    """“5 parsecs” is refused next to the field (422) and nothing is saved."""
    response = signed_in(world.pm).post(
        "/projects/ALPHA/changes/new/", {"title": "X", "schedule_impact": "5 parsecs"}
    )
    assert response.status_code == 422 and 'id="id_schedule_impact_error"' in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_workflow_buttons_on_the_page(world, change):
    """The PM sees Submit; the PMO then sees Approve/Reject; rejecting without a note says so."""
    pm, pmo = signed_in(world.pm), signed_in(world.pmo)
    page = pm.get(f"/changes/{change.pk}/").content.decode()
    assert 'id="cr-submit"' in page and 'id="cr-approve"' not in page
    pm.post(f"/changes/{change.pk}/submit/", {"version": 1})
    page = pmo.get(f"/changes/{change.pk}/").content.decode()
    assert 'id="cr-approve"' in page and 'id="cr-reject"' in page
    refused = pmo.post(
        f"/changes/{change.pk}/reject/", {"version": 2, "note": ""}, follow=True
    ).content.decode()
    assert "Give the reason for rejecting the change." in refused
    pmo.post(f"/changes/{change.pk}/approve/", {"version": 2, "note": "Fine"})
    assert ChangeRequest.objects.get(pk=change.pk).status == "approved"
    assert pm.post(f"/changes/{change.pk}/bogus/").status_code == 404


def test_api_change_requests(world):
    """Create with `5d`; the workflow (409 refused step, 422 missing note); PATCH after approval 409."""
    api, pmo = Api(world.pm), Api(world.pmo)
    created = api.post(
        "/projects/ALPHA/change-requests", {"title": "API CR", "schedule_impact": "5d", "cost_impact": "1000"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["schedule_impact_minutes"] == 2400 and body["status"] == "draft"
    bad = api.post("/projects/ALPHA/change-requests", {"title": "Bad", "schedule_impact": "soon"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "schedule_impact"]
    no_baseline = api.post("/projects/ALPHA/change-requests", {"title": "Bad", "baseline": 7})
    assert no_baseline.status_code == 422 and no_baseline.json()["detail"][0]["loc"] == ["body", "baseline"]
    pk = body["id"]
    early = pmo.post(f"/change-requests/{pk}/approve")
    assert early.status_code == 409 and "only a submitted request can be decided" in early.json()["detail"]
    assert api.post(f"/change-requests/{pk}/submit").json()["status"] == "submitted"
    assert api.post(f"/change-requests/{pk}/approve").status_code == 403
    reject = pmo.post(f"/change-requests/{pk}/reject", {"note": ""})
    assert reject.status_code == 422 and reject.json()["detail"][0]["loc"] == ["body", "note"]
    assert pmo.post(f"/change-requests/{pk}/approve", {"note": "Go"}).json()["status"] == "approved"
    assert api.patch(f"/change-requests/{pk}", {"version": 3, "title": "Late edit"}).status_code == 409
    assert api.post(f"/change-requests/{pk}/bogus").status_code == 422
    assert Api(world.member).post(f"/change-requests/{pk}/implement").status_code == 403
    assert api.post(f"/change-requests/{pk}/implement").json()["status"] == "implemented"


# --- the register's filters and inline row edit --------------------------------------------------------

HX = {"HX-Request": "true"}


def _request(world, title: str, actor=None, **data) -> ChangeRequest:
    return services.change_request_create(
        actor=actor or world.pm, project=world.project, data={"title": title, **data}
    )


def _row(change: ChangeRequest, **changes) -> dict:
    """The row form as the page posts it (every field, with the version read)."""
    row = {
        "version": change.version,
        "title": change.title,
        "owner": change.owner_id or "",
        "requested_on": change.requested_on.isoformat(),
        "schedule_impact": "",
        "cost_impact": str(change.cost_impact),
    }
    return {**row, **changes}


def _codes(page) -> list[str]:
    assert page.status_code == 200
    return re.findall(r'id="change-\d+">\s*<td><a href="[^"]+"><code>(CR-\d+)', page.content.decode())


def test_register_filters_and_sums_the_filtered_rows(world):
    """Status (one, or undecided), requester, text or number; the footer sums the filtered rows."""
    sso = _request(world, "Add SSO", schedule_impact_minutes=2400, cost_impact=800000)
    _request(world, "Drop reports", schedule_impact_minutes=-480, cost_impact=-100000, reason="Budget cut")
    _request(world, "New API", actor=world.pmo, requested_by=world.member.person.pk, cost_impact=50000)
    services.change_request_transition(actor=world.pm, change=sso, action="submit")
    services.change_request_transition(actor=world.pmo, change=sso, action="approve")
    client = signed_in(world.executive)
    page = client.get("/projects/ALPHA/changes/", headers=HX)
    assert _codes(page) == ["CR-001", "CR-002", "CR-003"]
    footer = page.content.decode().split('id="change-totals"')[1]
    assert "Total of 3 requests" in footer and "¥750,000" in footer and ">4d<" in footer
    assert _codes(client.get("/projects/ALPHA/changes/?status=open", headers=HX)) == ["CR-002", "CR-003"]
    assert _codes(client.get("/projects/ALPHA/changes/?status=approved", headers=HX)) == ["CR-001"]
    mine = client.get(f"/projects/ALPHA/changes/?requested_by={world.member.person.pk}", headers=HX)
    assert _codes(mine) == ["CR-003"]
    budget = client.get("/projects/ALPHA/changes/?q=budget", headers=HX)
    assert _codes(budget) == ["CR-002"]
    assert "Total of 1 request<" in budget.content.decode() and "¥-100,000" in budget.content.decode()
    assert _codes(client.get("/projects/ALPHA/changes/?q=cr-3", headers=HX)) == ["CR-003"]
    empty = client.get("/projects/ALPHA/changes/?q=nothing").content.decode()
    assert "No change requests match these filters." in empty


def test_register_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    """The page costs the same number of queries for 2 and for 8 requests with requester and owner."""
    client = signed_in(world.pm)

    def add(n: int) -> None:
        for i in range(n):
            _request(world, f"Change {i}", owner=world.member.person.pk)

    add(2)
    url = "/projects/ALPHA/changes/?status=draft"
    client.get(url)  # the first request of a session does more
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("/row/?edit=1") == 8


def test_change_row_edit_saves_and_reports_conflicts(world):
    """The row opens as a form, saves (5d → minutes; the row again) and answers a stale version with 409."""
    change = _request(world, "Add SSO")
    client = signed_in(world.pm)
    form = client.get(f"/changes/{change.pk}/row/?edit=1", headers=HX)
    assert form.status_code == 200 and 'name="schedule_impact"' in form.content.decode()
    assert 'name="requested_by"' not in form.content.decode()
    saved = client.post(
        f"/changes/{change.pk}/row/",
        _row(change, title="Add SSO and MFA", schedule_impact="5d", cost_impact="900000",
             owner=world.member.person.pk),
        headers=HX,
    )  # fmt: skip
    assert saved.status_code == 200 and "Add SSO and MFA" in saved.content.decode()
    assert "change-saved" in saved["HX-Trigger"]  # the footer's totals reload
    change.refresh_from_db()
    assert (change.schedule_impact_minutes, change.cost_impact, change.owner) == (
        2400,
        900000,
        world.member.person,
    )
    stale = client.post(f"/changes/{change.pk}/row/", _row(change, version=1, title="X"), headers=HX)
    assert stale.status_code == 409 and "after you opened it" in stale.content.decode()
    assert ChangeRequest.objects.get().title == "Add SSO and MFA"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule_impact": "5x"}, "“5x” is not a duration"),  # not a duration: the message quotes it
        ({"cost_impact": "lots"}, "Enter a number."),  # not an amount
        ({"requested_on": "2026-02-30"}, "Enter a valid date."),  # no such day
        ({"title": ""}, "This field is required."),  # no title
        ({"owner": "999999"}, "Select a valid choice."),  # no such person
    ],
)
def test_bad_change_row_input_is_422_with_the_message_in_the_row(world, changes, message):
    """Each bad value answers 422 with its message in the row; nothing is written."""
    change = _request(world, "Add SSO")
    response = signed_in(world.pm).post(f"/changes/{change.pk}/row/", _row(change, **changes), headers=HX)
    assert response.status_code == 422 and message in response.content.decode()
    assert f'id="change-{change.pk}" class="editing"' in response.content.decode()
    assert ChangeRequest.objects.get().version == 1


def test_a_decided_request_has_no_edit_button_and_its_row_refuses(world):
    """Approved: no Edit button; a row form opened before the decision is refused (409) with the reason."""
    change = _request(world, "Add SSO")
    client = signed_in(world.pm)
    opened = change.version
    services.change_request_transition(actor=world.pm, change=change, action="submit")
    change.refresh_from_db()
    submitted = client.post(f"/changes/{change.pk}/row/", _row(change, title="Still editable"), headers=HX)
    assert submitted.status_code == 200  # a submitted request is still edited
    change.refresh_from_db()
    services.change_request_transition(
        actor=world.pmo, change=change, action="approve", expected_version=change.version
    )
    change.refresh_from_db()
    assert f"/changes/{change.pk}/row/?edit=1" not in client.get("/projects/ALPHA/changes/").content.decode()
    refused = client.post(f"/changes/{change.pk}/row/", _row(change, title="Too late"), headers=HX)
    assert refused.status_code == 409 and "it can no longer be edited" in refused.content.decode()
    stale = client.post(f"/changes/{change.pk}/row/", _row(change, version=opened, title="X"), headers=HX)
    assert stale.status_code == 409
    assert ChangeRequest.objects.get().title == "Still editable"


@pytest.mark.parametrize("role", ["member", "executive", "outsider"])
def test_only_who_edits_the_project_edits_change_rows(world, role):
    """The owner (a member), other members, executives and outsiders cannot edit a request's row."""
    change = _request(world, "Add SSO", owner=world.member.person.pk)
    client = signed_in(world.user(role))
    assert client.get(f"/changes/{change.pk}/row/?edit=1", headers=HX).status_code == 403
    assert client.post(f"/changes/{change.pk}/row/", _row(change, title="X"), headers=HX).status_code == 403
    assert ChangeRequest.objects.get().title == "Add SSO"
    assert "/row/?edit=1" not in client.get("/projects/ALPHA/changes/").content.decode()


def test_api_lists_change_requests_with_the_pages_filters(world):
    """status (one or open), requested_by and q filter the API list; an unknown status is 422."""
    _request(world, "Add SSO")
    _request(world, "New API", actor=world.pmo, requested_by=world.member.person.pk, reason="Partner asks")
    api = Api(world.member)

    def codes(query: str) -> list[str]:
        response = api.get(f"/projects/ALPHA/change-requests?{query}")
        assert response.status_code == 200
        return [c["code"] for c in response.json()["items"]]

    assert codes("status=open") == ["CR-001", "CR-002"] and codes("status=approved") == []
    assert codes(f"requested_by={world.member.person.pk}") == ["CR-002"]
    assert codes("q=partner") == ["CR-002"] and codes("q=CR-1") == ["CR-001"]
    assert api.get("/projects/ALPHA/change-requests?status=done").status_code == 422
