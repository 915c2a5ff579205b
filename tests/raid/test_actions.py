"""Action items (issue 6): owners notified on assignment, completion date, links within the project,
owners' limited edits, the register's inline edit, the portfolio list (overdue, mine) and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from kuroko.core.models import Notification
from kuroko.raid import services
from kuroko.raid.models import ActionItem
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import DecisionFactory, IssueFactory

pytestmark = pytest.mark.django_db
YESTERDAY = date.today() - timedelta(days=1)


def test_owner_is_told_when_assigned_and_completion_is_dated(world):
    """Creating with an owner notifies them (with the link); done sets completed_on, reopening clears it."""
    action = services.action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Call the vendor", "owner": world.member.person, "due_date": date(2026, 5, 1)},
    )
    note = Notification.objects.get(recipient=world.member)
    assert note.title == "Action ALPHA A-001 assigned to you: Call the vendor"
    assert note.url == f"/actions/{action.pk}/" and note.body == "Due 2026-05-01."
    services.action_update(actor=world.member, action=action, data={"status": "done"}, expected_version=1)
    action.refresh_from_db()
    assert action.completed_on == date.today()
    services.action_update(actor=world.pm, action=action, data={"status": "in_progress"}, expected_version=2)
    action.refresh_from_db()
    assert action.completed_on is None


def test_reassigning_notifies_the_new_owner_only(world):
    """A new owner is told; the PM assigning to themself is not."""
    action = services.action_create(
        actor=world.pm, project=world.project, data={"title": "Book the room", "owner": world.pm.person}
    )
    assert not Notification.objects.exists()
    services.action_update(
        actor=world.pm, action=action, data={"owner": world.member.person}, expected_version=1
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["member"]


@pytest.mark.parametrize(
    ("link", "field"),
    [
        ("issue", "issue"),  # an issue of BETA
        ("decision", "decision"),  # a decision of BETA
    ],
)
def test_links_to_another_project_are_refused_naming_the_field(world, link, field):
    """An action item links only items of its own project."""
    other = {"issue": IssueFactory, "decision": DecisionFactory}[link](project=world.other)
    with pytest.raises(ValidationError) as info:
        services.action_create(actor=world.pm, project=world.project, data={"title": "x", link: other})
    assert field in info.value.message_dict and "in this project" in info.value.message_dict[field][0]
    assert not ActionItem.objects.exists()


def test_owner_may_change_status_only(world):
    """The member owns the item: marks it done, cannot move its due date; the outsider cannot touch it."""
    action = services.action_create(
        actor=world.pm, project=world.project, data={"title": "Test", "owner": world.member.person}
    )
    with pytest.raises(ValidationError) as info:
        services.action_update(
            actor=world.member, action=action, data={"due_date": YESTERDAY}, expected_version=1
        )
    assert "due_date" in info.value.message_dict
    response = signed_in(world.member).post(
        f"/actions/{action.pk}/row/",
        {"version": 1, "status": "done", "owner": world.member.person.pk, "due_date": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert signed_in(world.outsider).get(f"/actions/{action.pk}/row/?edit=1").status_code == 403


def test_project_and_portfolio_lists_filter_overdue_and_mine(world):
    """Overdue means open and past due; mine means owned by the viewer; BETA is hidden from the member."""
    services.action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Late task", "due_date": YESTERDAY, "owner": world.member.person},
    )
    services.action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Done late", "due_date": YESTERDAY, "status": "done"},
    )
    services.action_create(
        actor=world.pm, project=world.project, data={"title": "PM's own", "owner": world.pm.person}
    )
    services.action_create(actor=world.admin, project=world.other, data={"title": "Beta chore"})
    member = signed_in(world.member)
    overdue = member.get("/projects/ALPHA/actions/?overdue=on").content.decode()
    assert "Late task" in overdue and "Done late" not in overdue and "PM&#x27;s own" not in overdue
    portfolio = member.get("/raid/actions/").content.decode()
    assert "Late task" in portfolio and "Beta chore" not in portfolio and "Done late" not in portfolio
    mine = member.get("/raid/actions/?status=open&mine=on").content.decode()
    assert "Late task" in mine and "PM&#x27;s own" not in mine
    assert "Beta chore" in signed_in(world.pmo).get("/raid/actions/").content.decode()


def test_create_page_prefills_the_link_from_the_issue(world):
    """?issue=… preselects the issue; the saved item is linked to it."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    client = signed_in(world.member)
    form = client.get(f"/projects/ALPHA/actions/new/?issue={issue.pk}").content.decode()
    assert f'<option value="{issue.pk}" selected>' in form
    response = client.post(
        "/projects/ALPHA/actions/new/", {"title": "Collect logs", "status": "open", "issue": issue.pk}
    )
    action = ActionItem.objects.get()
    assert response["Location"] == f"/actions/{action.pk}/" and action.issue == issue
    assert "Collect logs" in client.get(f"/issues/{issue.pk}/").content.decode()


def test_api_actions(world):
    """Create (owner told), list with filters, PATCH with version, a link of another project 422, delete."""
    api = Api(world.pm)
    created = api.post(
        "/projects/ALPHA/actions",
        {"title": "API action", "owner_id": world.member.person.pk, "due_date": YESTERDAY.isoformat()},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "A-001" and Notification.objects.filter(recipient=world.member).exists()
    assert [a["code"] for a in api.get("/actions", overdue="true").json()["items"]] == ["A-001"]
    assert [a["code"] for a in Api(world.member).get("/actions", mine="true").json()["items"]] == ["A-001"]
    assert Api(world.pm).get("/actions", mine="true").json()["items"] == []
    beta_issue = IssueFactory(project=world.other)
    bad = api.patch(f"/actions/{body['id']}", {"version": 1, "issue_id": beta_issue.pk})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "issue_id"]
    done = api.patch(f"/actions/{body['id']}", {"version": 1, "status": "done"})
    assert done.status_code == 200 and done.json()["completed_on"] == date.today().isoformat()
    assert Api(world.member).delete(f"/actions/{body['id']}").status_code == 403
    assert api.delete(f"/actions/{body['id']}").status_code == 204
    assert not ActionItem.objects.exists()
