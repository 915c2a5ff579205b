"""The issue register (issue 6): raising, the resolution rule, owners' limited edits, escalation with
notifications, raising an issue from a risk, the register page with inline edit, and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.core.models import Notification
from kuroko.core.versioning import ConflictError
from kuroko.raid import services
from kuroko.raid.models import EscalationEvent, Issue, Risk, RiskStatus
from kuroko.raid.services.registers import Refused
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.fixture
def risk(world):
    """An open high risk of ALPHA owned by the member, affecting the Screens task."""
    row = Risk.objects.create(
        project=world.project,
        number=1,
        title="Vendor API late",
        event="The vendor ships the API after integration starts",
        effect="Integration testing slips two weeks",
        raised_on=date(2026, 4, 1),
        probability=4,
        impact_schedule=4,
        level="high",
        owner=world.member.person,
    )
    row.tasks.add(world.owned_task)
    return row


def test_issues_are_numbered_per_project_and_record_who_raised_them(world):
    """I-001, I-002 in ALPHA and I-001 in BETA; raised by the actor's person, today."""
    first = services.issue_create(actor=world.member, project=world.project, data={"title": "Login broken"})
    second = services.issue_create(actor=world.pm, project=world.project, data={"title": "Slow build"})
    other = services.issue_create(actor=world.admin, project=world.other, data={"title": "Elsewhere"})
    assert (first.code, second.code, other.code) == ("I-001", "I-002", "I-001")
    assert first.raised_by == world.member.person and first.raised_on == date.today()
    assert first.history.count() == 1


def test_resolving_needs_a_resolution_and_keeps_the_date(world):
    """No resolution: refused on the field; with one, resolved_on is set; reopening clears it."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    with pytest.raises(ValidationError) as info:
        services.issue_update(actor=world.pm, issue=issue, data={"status": "resolved"}, expected_version=1)
    assert info.value.message_dict == {"resolution": ["Give the resolution before resolving."]}
    assert Issue.objects.get(pk=issue.pk).status == "open"
    issue = services.issue_update(
        actor=world.pm,
        issue=issue,
        data={"status": "resolved", "resolution": "Patched the driver"},
        expected_version=1,
    )
    assert issue.resolved_on == date.today() and issue.version == 2
    issue = services.issue_update(actor=world.pm, issue=issue, data={"status": "open"}, expected_version=2)
    assert issue.resolved_on is None


def test_a_stale_version_is_a_conflict_naming_the_change(world):
    """Two people edit the same issue: the second save names the field the first one changed."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    services.issue_update(actor=world.pm, issue=issue, data={"severity": "high"}, expected_version=1)
    with pytest.raises(ConflictError) as info:
        services.issue_update(actor=world.admin, issue=issue, data={"priority": "urgent"}, expected_version=1)
    assert [c.field for c in info.value.changes] == ["severity"]
    assert Issue.objects.get(pk=issue.pk).priority == "normal"


@pytest.mark.parametrize(
    ("data", "tasks", "field"),
    [
        ({"title": ""}, [], "title"),  # a title is required
        ({"title": "x", "severity": "catastrophic"}, [], "severity"),  # not a severity
        ({"title": "x", "owner": 999999}, [], "owner"),  # nobody with that id
        ({"title": "x"}, ["summary"], "tasks"),  # a summary task is not work
        ({"title": "x"}, ["other"], "tasks"),  # a task of another project
        ({"title": "x", "risk": "beta_risk"}, [], "risk"),  # a risk of another project
    ],
)
def test_bad_issue_input_names_the_field_and_writes_nothing(world, data, tasks, field):
    """Each refusal names its field; no issue is written."""
    beta_risk = Risk.objects.create(project=world.other, number=1, title="B", raised_on=date(2026, 4, 1))
    values = {k: (beta_risk if v == "beta_risk" else v) for k, v in data.items()}
    chosen = [{"summary": world.summary, "other": world.other_task}[t] for t in tasks]
    with pytest.raises(ValidationError) as info:
        services.issue_create(actor=world.pm, project=world.project, data=values, tasks=chosen)
    assert field in info.value.message_dict
    assert not Issue.objects.exists()


def test_owner_changes_status_and_resolution_but_not_the_rest(world):
    """The member owns the issue: resolves it, may not change its severity; the executive raises nothing."""
    issue = services.issue_create(
        actor=world.pm, project=world.project, data={"title": "Crash", "owner": world.member.person}
    )
    services.issue_update(
        actor=world.member,
        issue=issue,
        data={"status": "resolved", "resolution": "Fixed", "severity": "medium"},  # unchanged severity
        expected_version=1,
    )
    with pytest.raises(ValidationError) as info:
        services.issue_update(actor=world.member, issue=issue, data={"severity": "low"}, expected_version=2)
    assert "severity" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.issue_create(actor=world.executive, project=world.project, data={"title": "No"})
    with pytest.raises(PermissionDenied):
        services.issue_update(actor=world.outsider, issue=issue, data={"status": "open"}, expected_version=2)


def test_escalating_records_an_event_and_tells_the_pmo_pm_and_owner(world):
    """Level 1 goes to the PMO (and the PM and owner); level 2 to the executives; a resolved issue refuses."""
    issue = services.issue_create(
        actor=world.member,
        project=world.project,
        data={"title": "Data loss", "severity": "critical", "owner": world.member.person},
    )
    with pytest.raises(ValidationError) as info:
        services.issue_escalate(actor=world.member, issue=issue, reason="  ")
    assert "reason" in info.value.message_dict
    services.issue_escalate(actor=world.member, issue=issue, reason="Customer data at risk")
    issue.refresh_from_db()
    assert issue.escalation_level == 1 and issue.escalated_at is not None
    event = EscalationEvent.objects.get()
    assert (event.register, event.item_id, event.level, event.escalated_by) == (
        "issue",
        issue.pk,
        1,
        world.member,
    )
    assert any("escalated to PMO" in t for t in titles(world.pmo))
    assert titles(world.pm) and titles(world.admin)
    assert not titles(world.member)  # who escalated is not told what they did
    assert not titles(world.executive)
    services.issue_escalate(actor=world.pm, issue=issue, reason="No fix in sight")
    assert titles(world.executive) and Issue.objects.get(pk=issue.pk).escalation_level == 2
    with pytest.raises(Refused):
        services.issue_escalate(actor=world.pm, issue=issue, reason="Again")
    issue.refresh_from_db()
    services.issue_update(
        actor=world.pm, issue=issue, data={"status": "closed", "resolution": "Restored"}, expected_version=3
    )
    with pytest.raises(Refused):
        services.issue_escalate(actor=world.pm, issue=issue, reason="Closed already", level=2)


def test_raising_an_issue_from_a_risk_copies_it_and_marks_it_occurred(world, risk):
    """Title, event and effect, owner, tasks, severity from the level; the risk becomes occurred (once)."""
    issue = services.issue_raise_from_risk(actor=world.pm, risk=risk)
    assert issue.title == "Vendor API late" and issue.risk == risk
    assert "Integration testing slips" in issue.description and issue.severity == "high"
    assert issue.owner == world.member.person
    assert list(issue.tasks.all()) == [world.owned_task]
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OCCURRED and risk.version == 2
    with pytest.raises(Refused):
        services.issue_raise_from_risk(actor=world.pm, risk=risk)
    assert Issue.objects.count() == 1


def test_register_page_filters_and_sorts(world):
    """Filters by severity, overdue and escalated; sorts by severity."""
    yesterday = date.today() - timedelta(days=1)
    for title, severity, due in (
        ("Low one", "low", None),
        ("Late one", "high", yesterday),
        ("Worst", "critical", None),
    ):
        services.issue_create(
            actor=world.pm,
            project=world.project,
            data={"title": title, "severity": severity, "due_date": due},
        )
    client = signed_in(world.member)
    page = client.get("/projects/ALPHA/issues/?sort=severity").content.decode()
    assert page.index("Worst") < page.index("Late one") < page.index("Low one")
    overdue = client.get("/projects/ALPHA/issues/?overdue=on").content.decode()
    assert "Late one" in overdue and "Worst" not in overdue
    assert "Low one" not in client.get("/projects/ALPHA/issues/?severity=high").content.decode()
    assert "No issues match" in client.get("/projects/ALPHA/issues/?escalated=on").content.decode()
    assert client.get("/projects/BETA/issues/").status_code == 403


def test_inline_row_edit_saves_refuses_and_reports_conflicts(world):
    """The row saves (200), shows the resolution error in the row (422), and a stale version (409)."""
    issue = services.issue_create(actor=world.pm, project=world.project, data={"title": "Crash"})
    client = signed_in(world.pm)
    form = client.get(f"/issues/{issue.pk}/row/?edit=1", headers={"HX-Request": "true"})
    assert form.status_code == 200 and 'name="resolution"' in form.content.decode()
    row = {
        "version": 1,
        "severity": "high",
        "priority": "normal",
        "owner": "",
        "due_date": "",
        "status": "resolved",
        "escalation_level": 0,
        "resolution": "",
    }
    refused = client.post(f"/issues/{issue.pk}/row/", row, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "Give the resolution before resolving." in refused.content.decode()
    saved = client.post(
        f"/issues/{issue.pk}/row/", {**row, "resolution": "Rebooted"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and "Rebooted" in saved.content.decode()
    assert Issue.objects.get(pk=issue.pk).resolved_on == date.today()
    stale = client.post(
        f"/issues/{issue.pk}/row/", {**row, "priority": "low"}, headers={"HX-Request": "true"}
    )
    assert stale.status_code == 409 and "after you opened it" in stale.content.decode()
    assert Issue.objects.get(pk=issue.pk).priority == "normal"


def test_inline_row_escalation_level_records_an_escalation(world):
    """A manager raising the level in the row records the event and notifies, as the button does."""
    issue = services.issue_create(actor=world.member, project=world.project, data={"title": "Crash"})
    client = signed_in(world.pm)
    row = {
        "version": 1,
        "severity": "medium",
        "priority": "normal",
        "owner": "",
        "due_date": "",
        "status": "open",
        "escalation_level": 1,
        "resolution": "",
    }
    assert client.post(f"/issues/{issue.pk}/row/", row, headers={"HX-Request": "true"}).status_code == 200
    assert EscalationEvent.objects.filter(item_id=issue.pk, level=1).exists()
    assert titles(world.pmo)


def test_create_page_and_escalate_button(world):
    """The form raises an issue and opens it; the escalate button (the PM, not the raiser) needs a reason."""
    client = signed_in(world.member)
    response = client.post(
        "/projects/ALPHA/issues/new/",
        {"title": "Printer on fire", "severity": "critical", "priority": "urgent", "status": "open"},
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/issues/{issue.pk}/"
    assert (
        client.post(f"/issues/{issue.pk}/escalate/", {"reason": "Fire"}).status_code == 403
    )  # not the owner
    manager = signed_in(world.pm)
    page = manager.post(f"/issues/{issue.pk}/escalate/", {"reason": ""}, follow=True).content.decode()
    assert "Say why the issue is escalated." in page
    manager.post(f"/issues/{issue.pk}/escalate/", {"reason": "Fire"})
    issue.refresh_from_db()
    assert issue.escalation_level == 1


def test_raise_from_risk_button(world, risk):
    """POST on the risk: the new issue's page; the risk is occurred."""
    response = signed_in(world.pm).post(f"/risks/{risk.pk}/raise-issue/")
    issue = Issue.objects.get()
    assert response["Location"] == f"/issues/{issue.pk}/"
    assert Risk.objects.get(pk=risk.pk).status == "occurred"
    again = signed_in(world.pm).post(f"/risks/{risk.pk}/raise-issue/", follow=True).content.decode()
    assert "only an open risk can turn into an issue" in again


def test_portfolio_issues_lists_open_issues_escalated_first_of_visible_projects(world):
    """Escalated first; BETA's issue hidden from the member; resolved ones left out by default."""
    plain = services.issue_create(actor=world.pm, project=world.project, data={"title": "Plain trouble"})
    hot = services.issue_create(actor=world.pm, project=world.project, data={"title": "Hot trouble"})
    services.issue_escalate(actor=world.pm, issue=hot, reason="Hot")
    services.issue_create(actor=world.admin, project=world.other, data={"title": "Beta trouble"})
    services.issue_update(
        actor=world.pm, issue=plain, data={"status": "resolved", "resolution": "Done"}, expected_version=1
    )
    services.issue_create(actor=world.pm, project=world.project, data={"title": "Cold trouble"})
    page = signed_in(world.member).get("/raid/issues/").content.decode()
    assert page.index("Hot trouble") < page.index("Cold trouble")
    assert "Beta trouble" not in page and "Plain trouble" not in page
    assert "Beta trouble" in signed_in(world.pmo).get("/raid/issues/").content.decode()


def test_api_create_list_update_escalate_and_raise(world, risk):
    """The API: 201 with the code, filters, PATCH with version (409 stale, 422 naming the field), escalate,
    raise from a risk (409 the second time)."""
    api = Api(world.pm)
    created = api.post(
        "/projects/ALPHA/issues", {"title": "API issue", "severity": "high", "tasks": [world.owned_task.pk]}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "I-001" and body["tasks"] == [world.owned_task.pk] and body["project"] == "ALPHA"
    assert [i["code"] for i in api.get("/projects/ALPHA/issues", severity="high").json()["items"]] == [
        "I-001"
    ]
    assert api.get("/projects/ALPHA/issues", severity="low").json()["items"] == []
    bad = api.patch(f"/issues/{body['id']}", {"version": 1, "status": "resolved"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "resolution"]
    ok = api.patch(f"/issues/{body['id']}", {"version": 1, "status": "resolved", "resolution": "Done"})
    assert ok.status_code == 200 and ok.json()["resolved_on"] == date.today().isoformat()
    assert api.patch(f"/issues/{body['id']}", {"version": 1, "title": "Stale"}).status_code == 409
    refused = api.post(f"/issues/{body['id']}/escalate", {"reason": "Late"})
    assert refused.status_code == 409 and refused.json()["code"] == "refused"
    raised = api.post(f"/risks/{risk.pk}/raise-issue", {"due_date": "2026-06-30"})
    assert raised.status_code == 201 and raised.json()["risk_id"] == risk.pk
    assert raised.json()["due_date"] == "2026-06-30"
    assert api.post(f"/risks/{risk.pk}/raise-issue").status_code == 409
    escalated = api.post(f"/issues/{raised.json()['id']}/escalate", {"reason": "Vendor silent", "level": 2})
    assert escalated.status_code == 200 and escalated.json()["escalation_level"] == 2
    assert Api(world.member).get(f"/issues/{body['id']}").status_code == 200
    assert Api(world.outsider).get(f"/issues/{body['id']}").status_code == 403
    assert api.get("/issues/999999").status_code == 404
