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
    assert set(first.computed) == {"overall", "schedule", "cost", "scope", "quality", "risk"}


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
    """The hygiene audit's status source sees submitted reports only, of a week among the 7 days from
    `since` (the audit's today less 6 days)."""
    from kuroko.governance.audit import hygiene

    assert hygiene.STATUS_SOURCE is services.reported_projects
    alpha, beta = world.project.pk, world.other.pk
    since = WEEK + timedelta(days=1)
    assert services.reported_projects([alpha], since=since) == set()
    services.report_submit(actor=world.pm, report=report, version=report.version)
    assert services.reported_projects([alpha, beta], since=since) == {alpha}
    assert services.reported_projects([alpha], since=WEEK - timedelta(days=1)) == {alpha}  # today: Saturday
    assert services.reported_projects([alpha], since=WEEK - timedelta(days=7)) == set()  # a later week's
    assert services.reported_projects([alpha], since=WEEK + timedelta(days=7)) == set()  # last week's


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


def test_submitting_an_older_week_keeps_the_projects_current_colours(world):
    """Submitting an older week after a later one leaves the project's RAG fields to the later week."""
    from kuroko.projects.models import Project

    newer = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    newer = services.report_update(
        actor=world.pm, report=newer, version=newer.version,
        overrides={"cost": {"rag": "red", "justification": "予算超過"}},
    )  # fmt: skip
    services.report_submit(actor=world.pm, report=newer, version=newer.version)
    older = services.report_get_or_draft(
        project=world.project, week=WEEK - timedelta(days=14), actor=world.pm
    )
    services.report_submit(actor=world.pm, report=older, version=older.version)
    project = Project.objects.get(pk=world.project.pk)
    assert project.rag_cost == "red" and project.rag_cost_reason.startswith("予算超過")


def test_future_weeks_are_refused(world):
    """A week after the current one is refused, naming the week; the weekly job refuses it too."""
    later = week_start(date.today()) + timedelta(days=14)
    with pytest.raises(ValidationError) as info:
        services.report_get_or_draft(project=world.project, week=later, actor=world.pm)
    assert "week" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.draft_all(later, today=later - timedelta(days=7))
    assert not StatusReport.objects.exists()


def test_readers_do_not_draft(world):
    """A member or an executive opening a week without a report gets a 404, and no row is created."""
    from django.http import Http404

    for user in (world.member, world.executive):
        with pytest.raises(Http404):
            services.report_get_or_draft(project=world.project, week=WEEK, actor=user)
    assert not StatusReport.objects.exists()


def test_audit_source_ignores_reports_of_later_weeks(world):
    """A submitted report of a week after the audit's week does not count as reported this week."""
    StatusReport.objects.create(project=world.project, week=date(2099, 1, 5), status=ReportStatus.SUBMITTED)
    assert services.reported_projects([world.project.pk], since=WEEK + timedelta(days=1)) == set()


def test_red_at_least_amber_across_inherited_settings(world):
    """A type's red threshold below the amber one it inherits from all projects is refused."""
    from kuroko.projects.models import ProjectType

    kind = ProjectType.objects.create(code="SI", name="SI")
    services.rag_rule_save(
        actor=world.pmo, project_type=None, rule="risk.high_risks", enabled=True,
        params={"amber_at": 4, "red_at": 6},
    )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        services.rag_rule_save(
            actor=world.pmo, project_type=kind, rule="risk.high_risks", enabled=True, params={"red_at": 2}
        )
    assert "red_at" in info.value.message_dict


def test_weekly_job_refresh_is_a_new_version(world, report):
    """The weekly job's refresh of a draft is a new version (a stale submit is a conflict) with history."""
    seen, rows = report.version, report.history.count()
    for _n in range(5):
        ActionItemFactory(project=world.project, status="open", due_date=WEEK - timedelta(days=3))
    services.draft_all(WEEK, today=WEEK + timedelta(days=4))
    report.refresh_from_db()
    assert report.version == seen + 1 and report.history.count() == rows + 1
    with pytest.raises(ConflictError):
        services.report_submit(actor=world.pm, report=report, version=seen)


def test_reviewed_overall_survives_a_rule_change(world, report):
    """A reviewed report's overall colour stays as stored when the combining rule changes later."""
    from kuroko.reporting.selectors.status import colours_of

    ambers = {d: {"rag": "amber", "justification": "j"} for d in ("schedule", "cost", "scope")}
    report = services.report_update(actor=world.pm, report=report, version=report.version, overrides=ambers)
    report = services.report_submit(actor=world.pm, report=report, version=report.version)
    report = services.report_review(actor=world.pmo, report=report, version=report.version, decision="accept")
    assert report.rag_overall == "red"
    services.rag_rule_save(
        actor=world.pmo, project_type=None, rule="overall.combine", enabled=True, params={"amber_to_red": 0}
    )
    report.refresh_from_db()
    overall = next(c for c in colours_of(report) if c.key == "overall")
    assert overall.rag == "red" and overall.reasons
