"""Escalation rules (issue 6): the defaults, the daily check (idempotent, level by level, issues, risks and
action items), who is told, the rules page (PMO), the background task, `kuroko escalate` and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from typer.testing import CliRunner

from kuroko.cli import app
from kuroko.core.models import Notification
from kuroko.raid import services
from kuroko.raid.models import ActionItem, EscalationEvent, EscalationRule, Issue, Risk
from kuroko.raid.services.escalation import ensure_default_rules
from kuroko.raid.tasks import escalations_in_background
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import ActionItemFactory, IssueFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()  # the "Check now" button checks as of today


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def items(world):
    """ALPHA: a critical issue open 4 days (owned by the member), a critical one open 3 days, a high one open
    8 days, a medium one open 30 days; an action 8 days overdue, one 8 days overdue but done; a critical risk
    whose review is 8 days overdue."""
    owner = world.member.person
    issues = {
        "critical4": IssueFactory(
            project=world.project, severity="critical", raised_on=days_ago(4), owner=owner
        ),
        "critical3": IssueFactory(project=world.project, severity="critical", raised_on=days_ago(3)),
        "high8": IssueFactory(project=world.project, severity="high", raised_on=days_ago(8)),
        "medium30": IssueFactory(project=world.project, severity="medium", raised_on=days_ago(30)),
    }
    late = ActionItemFactory(project=world.project, due_date=days_ago(8))
    ActionItemFactory(project=world.project, due_date=days_ago(8), status="done")
    risk = Risk.objects.create(
        project=world.project,
        number=1,
        title="Key person leaves",
        raised_on=days_ago(60),
        level="critical",
        next_review=days_ago(8),
    )
    return {**issues, "late": late, "risk": risk}


def test_default_rules_are_created_once(world):
    """Four rules on first use; deleting them does not bring them back."""
    ensure_default_rules()
    assert sorted(EscalationRule.objects.values_list("register", "severity", "risk_level", "days")) == [
        ("action", "", "", 7),
        ("issue", "critical", "", 3),
        ("issue", "high", "", 7),
        ("risk", "", "critical", 7),
    ]
    EscalationRule.objects.all().delete()
    ensure_default_rules()
    assert not EscalationRule.objects.exists()


def test_check_escalates_what_the_rules_say_once(world, items):
    """Open more than N days (not exactly N), overdue beyond N days, open items only; a second run does
    nothing."""
    events = services.escalations_check(today=TODAY)
    escalated = {(e.register, e.item_id) for e in events}
    assert escalated == {
        ("issue", items["critical4"].pk),
        ("issue", items["high8"].pk),
        ("action", items["late"].pk),
        ("risk", items["risk"].pk),
    }
    assert Issue.objects.get(pk=items["critical4"].pk).escalation_level == 1
    assert Issue.objects.get(pk=items["critical3"].pk).escalation_level == 0
    assert ActionItem.objects.get(pk=items["late"].pk).escalation_level == 1
    assert all(e.rule is not None and e.escalated_by is None for e in events)
    assert services.escalations_check(today=TODAY) == []
    assert EscalationEvent.objects.count() == 4


def test_who_is_told(world, items):
    """The PMO (level 1), the project manager and the item's owner; not the executives."""
    services.escalations_check(today=TODAY)
    pmo = list(Notification.objects.filter(recipient=world.pmo).values_list("title", flat=True))
    assert len(pmo) == 4 and all("escalated to PMO" in t for t in pmo)
    assert Notification.objects.filter(recipient=world.pm).count() == 4
    owner_titles = list(Notification.objects.filter(recipient=world.member).values_list("title", flat=True))
    assert owner_titles == [f"ALPHA {items['critical4'].code} escalated to PMO: {items['critical4'].title}"]
    assert not Notification.objects.filter(recipient=world.executive).exists()


def test_an_executive_rule_lifts_items_past_the_pmo(world, items):
    """A level-2 rule on critical issues open more than 3 days: one event to level 2, executives told;
    items already at level 2 are left alone by the level-1 rule."""
    services.escalation_rule_save(
        actor=world.pmo,
        data={"name": "", "register": "issue", "severity": "critical", "days": 3, "escalate_to": 2},
    )
    services.escalations_check(today=TODAY)
    assert Issue.objects.get(pk=items["critical4"].pk).escalation_level == 2
    assert EscalationEvent.objects.filter(item_id=items["critical4"].pk, register="issue").count() == 1
    assert Notification.objects.filter(recipient=world.executive).count() == 1


def test_switched_off_rules_do_nothing(world, items):
    """Every rule inactive: nothing escalates."""
    ensure_default_rules()
    for rule in EscalationRule.objects.all():
        services.escalation_rule_save(actor=world.admin, rule=rule, data={"active": False})
    assert services.escalations_check(today=TODAY) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"register": "issue", "severity": ""}, "severity"),  # an issue rule needs a severity
        ({"register": "issue", "severity": "dire"}, "severity"),  # not a severity
        ({"register": "risk", "risk_level": ""}, "risk_level"),  # a risk rule needs a level
        ({"register": "action", "days": 5000}, "days"),  # more than ten years
        (
            {"register": "action", "escalate_to": 0},
            "escalate_to",
        ),  # escalating to the project is no escalation
        ({"register": "meeting"}, "register"),  # not a register rules watch
    ],
)
def test_bad_rules_are_refused_naming_the_field(world, data, field):
    """Each bad rule names its field; none is saved."""
    with pytest.raises(ValidationError) as info:
        services.escalation_rule_save(actor=world.pmo, data={"name": "x", **data})
    assert field in info.value.message_dict
    assert not EscalationRule.objects.filter(name="x").exists()


def test_only_the_pmo_configures_and_checks(world):
    """The PM may not save rules or run the check."""
    with pytest.raises(PermissionDenied):
        services.escalation_rule_save(actor=world.pm, data={"name": "x", "register": "action"})
    with pytest.raises(PermissionDenied):
        services.escalations_check(today=TODAY, actor=world.pm)


def test_rules_page_add_edit_check_and_log(world, items):
    """The PMO adds a rule (named after what it does), switches one off, checks now, reads the log."""
    client = signed_in(world.pmo)
    page = client.get("/raid/escalation/").content.decode()
    assert "Critical issue open more than 3 days → PMO" in page
    response = client.post(
        "/raid/escalation/",
        {"name": "", "register": "issue", "severity": "medium", "days": 20, "escalate_to": 1, "active": "on"},
    )
    assert response.status_code == 302
    rule = EscalationRule.objects.get(severity="medium")
    assert rule.name.startswith("An issue of severity Medium or worse open more than 20 days")
    edit = client.post(
        f"/raid/escalation/{rule.pk}/",
        {"name": rule.name, "register": "issue", "severity": "medium", "days": 20, "escalate_to": 1},
    )
    assert edit.status_code == 302 and not EscalationRule.objects.get(pk=rule.pk).active
    checked = client.post("/raid/escalation/check/", follow=True).content.decode()
    assert "4 items escalated." in checked and items["late"].title in checked
    again = client.post("/raid/escalation/check/", follow=True).content.decode()
    assert "Nothing to escalate" in again
    assert signed_in(world.pm).get("/raid/escalation/").status_code == 403


def test_background_task_and_command(world, items):
    """The task returns how many it escalated; the command prints them and refuses a bad date (exit 2)."""
    assert escalations_in_background.enqueue(TODAY.isoformat()).return_value == 4
    EscalationEvent.objects.all().delete()
    Issue.objects.update(escalation_level=0)
    ActionItem.objects.update(escalation_level=0)
    result = CliRunner().invoke(app, ["escalate", "--date", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"ALPHA {items['critical4']}" in result.output and "Escalated 4 items." in result.output
    again = CliRunner().invoke(app, ["escalate", "--date", TODAY.isoformat()])
    assert "Escalated 0 items." in again.output
    bad = CliRunner().invoke(app, ["escalate", "--date", "2026-13-01"])
    assert bad.exit_code == 2 and "is not a date" in bad.output


def test_api_rules_check_and_events(world, items):
    """PMO only for rules; the check returns the escalations made; events are readable per project."""
    assert Api(world.pm).get("/escalation-rules").status_code == 403
    pmo = Api(world.pmo)
    rules = pmo.get("/escalation-rules").json()
    assert len(rules) == 4 and all(r["description"] for r in rules)
    created = pmo.post(
        "/escalation-rules", {"log": "risk", "risk_level": "high", "days": 1, "escalate_to": 2}
    )
    assert created.status_code == 201 and created.json()["log"] == "risk"
    bad = pmo.patch(f"/escalation-rules/{created.json()['id']}", {"risk_level": ""})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "risk_level"]
    made = pmo.post("/escalation-rules/check", {"as_of": TODAY.isoformat()}).json()
    assert len(made) == 4 and {e["level"] for e in made} == {1, 2}
    assert pmo.post("/escalation-rules/check", {"as_of": TODAY.isoformat()}).json() == []
    events = Api(world.member).get("/escalation-events", project="ALPHA").json()
    assert len(events) == 4 and events[0]["item"]
    assert Api(world.member).get("/escalation-events", project="BETA").status_code == 403
