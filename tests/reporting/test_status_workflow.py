"""Weekly status reports: drafting, narrative, overrides, submit, review, reminders and the audit source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.core.models import Notification
from kuroko.core.versioning import ConflictError
from kuroko.reporting.models import ReportStatus, StatusReport
from kuroko.reporting.services import status as services
from kuroko.reporting.weeks import week_start
from tests.factories import ActionItemFactory, ChangeRequestFactory, IssueFactory, RiskFactory

WEEK = date(2026, 11, 16)  # a Monday


@pytest.fixture
def report(world):
    return services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)


def test_draft_is_created_once(world):
    """Opening a week drafts its report once; a second open returns the same row."""
    first = services.report_get_or_draft(project=world.project, week=WEEK + timedelta(days=3), actor=world.pm)
    again = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.member)
    assert first.pk == again.pk
    assert first.week == WEEK
    assert first.status == ReportStatus.DRAFT
    assert first.facts["code"] == "ALPHA"
    assert set(first.computed) == {"schedule", "cost", "scope", "quality", "risk"}


def test_outsider_cannot_draft(world):
    """Who may not read the project gets PermissionDenied and nothing is drafted."""
    with pytest.raises(PermissionDenied):
        services.report_get_or_draft(project=world.project, week=WEEK, actor=world.outsider)
    assert not StatusReport.objects.exists()


def test_facts_drive_colours(world):
    """High risks, overdue actions, escalated issues and pending changes colour their dimensions."""
    for n in range(3):
        RiskFactory(project=world.project, probability=5, impact_cost=5, title=f"Vendor {n}")
    ActionItemFactory(project=world.project, due_date=WEEK - timedelta(days=3), status="open")
    IssueFactory(project=world.project, escalation_level=1, status="open", raised_on=WEEK)
    for _n in range(2):
        ChangeRequestFactory(project=world.project, status="submitted")
    report = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    assert report.facts["high_risks"] == 3
    assert report.rag_risk == "red"
    codes = {r["code"] for r in report.computed["risk"]["reasons"]}
    assert {"high_risks", "overdue_actions", "escalated_issues"} <= codes
    assert report.rag_scope == "amber"
    assert report.rag_overall == "red"
    assert len(report.facts["overdue_actions"]) == 1
    assert report.facts["overdue_actions"][0]["days_overdue"] == 7  # as of Friday 20 Nov


def test_narrative_override_submit_review(world, report):
    """The PM writes, overrides with a justification and submits; the PMO returns, then accepts."""
    report = services.report_update(
        actor=world.pm,
        report=report,
        version=report.version,
        narrative={"summary": "順調", "accomplishments": "基本設計完了"},
        overrides={"cost": {"rag": "amber", "justification": "為替の影響"}},
    )
    assert report.rag_cost == "amber"
    assert report.rag_overall == "amber"
    report = services.report_submit(actor=world.pm, report=report, version=report.version)
    world.project.refresh_from_db()
    assert world.project.rag_cost == "amber"
    assert "為替の影響" in world.project.rag_cost_reason
    assert Notification.objects.filter(kind="report_submitted", recipient=world.pmo).exists()
    with pytest.raises(ValidationError):  # read-only once submitted
        services.report_update(
            actor=world.pm, report=report, version=report.version, narrative={"summary": "x"}
        )
    with pytest.raises(ValidationError):  # returning needs a comment
        services.report_review(actor=world.pmo, report=report, version=report.version, decision="return")
    report = services.report_review(
        actor=world.pmo, report=report, version=report.version, decision="return", comment="リスク対策を追記"
    )
    assert report.status == ReportStatus.RETURNED
    assert Notification.objects.filter(kind="report_returned", recipient=world.pm).exists()
    report = services.report_submit(actor=world.pm, report=report, version=report.version)
    report = services.report_review(actor=world.pmo, report=report, version=report.version, decision="accept")
    assert report.status == ReportStatus.REVIEWED
    assert report.comments.count() == 1


def test_stale_version_is_refused(world, report):
    """An update with an old version raises ConflictError and changes nothing."""
    services.report_update(actor=world.pm, report=report, version=report.version, narrative={"summary": "a"})
    with pytest.raises(ConflictError):
        services.report_update(
            actor=world.pm, report=report, version=report.version, narrative={"summary": "b"}
        )
    report.refresh_from_db()
    assert report.summary == "a"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cost": {"rag": "amber", "justification": ""}}, "overrides.cost.justification"),  # no reason
        ({"cost": {"rag": "purple", "justification": "x"}}, "overrides.cost.rag"),  # not a colour
        ({"budget": {"rag": "red", "justification": "x"}}, "overrides.budget"),  # no such dimension
    ],
)
def test_invalid_override(world, report, overrides, field):
    """A bad override names its field and saves nothing."""
    with pytest.raises(ValidationError) as caught:
        services.report_update(actor=world.pm, report=report, version=report.version, overrides=overrides)
    assert field in caught.value.message_dict
    report.refresh_from_db()
    assert report.overrides == {}


def test_member_and_executive_cannot_write(world, report):
    """Only who edits the project writes the report; only the PMO reviews."""
    for user in (world.member, world.executive):
        with pytest.raises(PermissionDenied):
            services.report_update(
                actor=user, report=report, version=report.version, narrative={"summary": "x"}
            )
    report = services.report_submit(actor=world.pm, report=report, version=report.version)
    with pytest.raises(PermissionDenied):
        services.report_review(actor=world.pm, report=report, version=report.version, decision="accept")


def test_draft_all_and_reminders(world):
    """The weekly job drafts every active project's report, refreshes drafts, and reminds the PMs."""
    counts = services.draft_all(WEEK, today=WEEK + timedelta(days=4))
    assert counts == {"created": 2, "refreshed": 0}
    assert StatusReport.objects.filter(week=WEEK).count() == 2
    assert StatusReport.history.filter(week=WEEK).count() == 2
    again = services.draft_all(WEEK, today=WEEK + timedelta(days=4))
    assert again == {"created": 0, "refreshed": 2}
    assert services.reminders_send(week=WEEK) == 1  # BETA has no manager
    assert Notification.objects.filter(kind="report_due", recipient=world.pm).count() == 1


def test_audit_source_counts_submitted_reports(world, report):
    """The hygiene audit's status source sees submitted reports only."""
    from kuroko.governance.audit import hygiene

    assert hygiene.STATUS_SOURCE is services.reported_projects
    since = WEEK + timedelta(days=1)
    assert services.reported_projects([world.project.pk], since=since) == set()
    services.report_submit(actor=world.pm, report=report, version=report.version)
    assert services.reported_projects([world.project.pk, world.other.pk], since=since) == {world.project.pk}
    assert week_start(since) == WEEK


def test_hygiene_audit_reads_submitted_reports(world):
    """The audit's "status reported" rule fires until the week's report is submitted."""
    from kuroko.governance.models import Finding
    from kuroko.governance.services.audits import audit_run

    today = WEEK + timedelta(days=4)

    def violated() -> bool:
        audit_run(trigger="manual", today=today, projects=[world.project])
        live = Finding.objects.filter(project=world.project, rule="hygiene.status_report")
        return live.exclude(status="closed").exists()

    assert violated()
    report = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    assert violated()  # a draft does not count
    services.report_submit(actor=world.pm, report=report, version=report.version)
    assert not violated()
