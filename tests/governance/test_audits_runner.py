"""The audit runner: findings opened, updated, closed and waived; health snapshots; rule settings;
notifications; one failing project does not stop the others."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.core.models import Notification
from kuroko.governance.audit import registry
from kuroko.governance.models import AuditRun, Finding, FindingStatus, HealthSnapshot, RuleSetting
from kuroko.governance.services import audits as services
from kuroko.projects import services as project_services
from kuroko.projects.models import Project, ProjectType

TODAY = date(2026, 6, 10)


def run(**kw):
    return services.audit_run(trigger="manual", today=kw.pop("today", TODAY), **kw)


def live(project, rule):
    return Finding.objects.filter(project=project, rule=rule).exclude(status="closed").first()


@pytest.mark.django_db
def test_audit_opens_findings_with_owner_due_and_snapshot(world):
    """An active project with tasks and no baseline gets a high finding owned by its PM, due in 7 days."""
    audit = run()
    finding = live(world.project, "hygiene.baseline")
    assert finding is not None and finding.severity == "high"
    assert finding.owner_id == world.pm.person.pk
    assert finding.due == TODAY + timedelta(days=7)
    assert finding.evidence == {"task_count": 3}
    assert audit.projects == 2 and audit.opened >= 2 and audit.finished_at is not None
    snap = HealthSnapshot.objects.get(project=world.project, day=TODAY)
    open_findings = Finding.objects.filter(project=world.project, status="open")
    assert snap.score == services.health_score(
        {s: open_findings.filter(severity=s).count() for s in services.WEIGHTS}
    )
    assert "hygiene.baseline" in snap.rules


@pytest.mark.django_db
def test_manager_rule_has_no_owner(world):
    """BETA has no manager: the finding is the PMO's to assign (no owner)."""
    run()
    finding = live(world.other, "hygiene.manager")
    assert finding is not None and finding.owner_id is None
    assert live(world.project, "hygiene.manager") is None


@pytest.mark.django_db
def test_finding_closes_when_fixed_and_reopens_as_new(world):
    """Fixing the data closes the finding at the next audit; the same rule violated later opens a new one."""
    run()
    first = live(world.project, "hygiene.baseline")
    project_services.baseline_capture(actor=world.admin, project=world.project, number=0, name="Agreed")
    audit = run(today=TODAY + timedelta(days=1))
    first.refresh_from_db()
    assert first.status == FindingStatus.CLOSED and first.closed_at is not None
    assert audit.closed >= 1
    assert live(world.project, "hygiene.baseline") is None


@pytest.mark.django_db
def test_still_violated_updates_evidence_and_last_seen(world):
    """A finding still violated keeps its id and due date; its evidence and last seen move on."""
    run()
    first = live(world.project, "hygiene.baseline")
    project_services.task_create(actor=world.admin, project=world.project, data={"name": "More"})
    run(today=TODAY + timedelta(days=2))
    again = live(world.project, "hygiene.baseline")
    assert again.pk == first.pk and again.evidence == {"task_count": 4}
    assert again.due == first.due and again.last_seen_at > first.last_seen_at


@pytest.mark.django_db
def test_waived_finding_stays_waived_and_does_not_count(world):
    """A waived finding stays waived while violated, leaves the score, and closes when fixed."""
    run()
    finding = live(world.project, "hygiene.baseline")
    before = HealthSnapshot.objects.get(project=world.project, day=TODAY).score
    services.finding_waive(actor=world.pmo, finding=finding, reason="Baseline after the contract")
    run()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.WAIVED
    after = HealthSnapshot.objects.get(project=world.project, day=TODAY).score
    assert after == before + services.WEIGHTS["high"]
    project_services.baseline_capture(actor=world.admin, project=world.project, number=0, name="Agreed")
    run()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED


@pytest.mark.django_db
def test_waiving_and_reopening_refresh_the_latest_audit_snapshot(world):
    """Waiving (and reopening) rescores the snapshot of the last audit day, not only a snapshot of today."""
    run()  # TODAY is not the real today
    finding = live(world.project, "hygiene.baseline")
    before = HealthSnapshot.objects.get(project=world.project, day=TODAY).score
    services.finding_waive(actor=world.pmo, finding=finding, reason="Baseline after the contract")
    waived = HealthSnapshot.objects.get(project=world.project, day=TODAY).score
    assert waived == before + services.WEIGHTS["high"]
    services.finding_reopen(actor=world.pmo, finding=finding)
    assert HealthSnapshot.objects.get(project=world.project, day=TODAY).score == before
    assert HealthSnapshot.objects.filter(project=world.project).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["closed", "cancelled", "proposed"])
def test_a_project_not_active_or_on_hold_is_refused(world, status):
    """Auditing one closed, cancelled or proposed project is refused naming it; nothing is written."""
    Project.objects.filter(pk=world.other.pk).update(status=status)
    project = Project.objects.get(pk=world.other.pk)
    with pytest.raises(ValidationError) as exc:
        run(projects=[project], actor=world.pmo)
    assert "project" in exc.value.message_dict and project.code in exc.value.messages[0]
    assert not Finding.objects.filter(project=project).exists() and not AuditRun.objects.exists()


@pytest.mark.django_db
def test_only_the_pmo_waives_and_a_reason_is_required(world):
    """The PM cannot waive; the PMO must give a reason."""
    run()
    finding = live(world.project, "hygiene.baseline")
    with pytest.raises(PermissionDenied):
        services.finding_waive(actor=world.pm, finding=finding, reason="no")
    with pytest.raises(ValidationError) as exc:
        services.finding_waive(actor=world.pmo, finding=finding, reason="  ")
    assert "reason" in exc.value.message_dict


@pytest.mark.django_db
def test_finding_update_owner_is_pmo_only_due_for_editors(world):
    """The PM sets the due date of their project's finding but not its owner; the PMO sets both."""
    run()
    finding = live(world.project, "hygiene.baseline")
    services.finding_update(actor=world.pm, finding=finding, data={"due": date(2026, 7, 1)})
    finding.refresh_from_db()
    assert finding.due == date(2026, 7, 1)
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=world.pm, finding=finding, data={"owner": world.member.person})
    services.finding_update(actor=world.pmo, finding=finding, data={"owner": world.member.person})
    finding.refresh_from_db()
    assert finding.owner_id == world.member.person.pk
    with pytest.raises(PermissionDenied):
        services.finding_update(actor=world.executive, finding=finding, data={"due": None})


@pytest.mark.django_db
def test_type_setting_wins_and_disabling_closes(world):
    """A project type's setting overrides the organisation default; a disabled rule's finding closes."""
    kind = ProjectType.objects.create(code="MNT", name="Maintenance")
    world.project.project_type = kind
    world.project.save()
    services.rule_setting_save(
        actor=world.pmo, project_type=None, rule="hygiene.baseline", enabled=True, severity="critical"
    )
    run()
    assert live(world.project, "hygiene.baseline").severity == "critical"
    services.rule_setting_save(actor=world.pmo, project_type=kind, rule="hygiene.baseline", enabled=False)
    run()
    assert live(world.project, "hygiene.baseline") is None
    assert Finding.objects.get(project=world.project, rule="hygiene.baseline").status == "closed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "params", "field"),
    [
        ("hygiene.risk_review", {"days": "0"}, "days"),  # below the minimum of 1 day
        ("hygiene.risk_review", {"days": "400"}, "days"),  # above the maximum of 366 days
        ("hygiene.risk_review", {"days": "1.5"}, "days"),  # a whole number is required
        ("hygiene.risk_review", {"days": "soon"}, "days"),  # not a number
        ("hygiene.risk_review", {"weeks": "2"}, "weeks"),  # the rule has no such threshold
        ("dcma.logic", {"missing_logic": "-1"}, "missing_logic"),  # a negative percentage
        ("dcma.logic", {"missing_logic": "101"}, "missing_logic"),  # over 100 %
        ("dcma.cpli", {"cpli": "NaN"}, "cpli"),  # not a finite number
        ("dcma.leads", {"leads": "1e400"}, "leads"),  # far above the count maximum
        ("dcma.negative_float", {"negative_float": "100001"}, "negative_float"),  # above 100000
        ("dcma.invalid_dates", {"invalid_dates": "Infinity"}, "invalid_dates"),  # not finite
        ("hygiene.nothing", {}, "rule"),  # an unknown rule
    ],
)
def test_rule_setting_rejects_bad_thresholds(world, rule, params, field):
    """Bad thresholds are refused with the field named, and nothing is stored."""
    with pytest.raises(ValidationError) as exc:
        services.rule_setting_save(actor=world.pmo, project_type=None, rule=rule, enabled=True, params=params)
    assert field in exc.value.message_dict
    assert not RuleSetting.objects.exists()


@pytest.mark.django_db
def test_rule_setting_is_pmo_only_and_drops_inherited_values(world):
    """Only the PMO saves settings; a threshold equal to the inherited value is not stored."""
    with pytest.raises(PermissionDenied):
        services.rule_setting_save(
            actor=world.pm, project_type=None, rule="hygiene.risk_review", enabled=True
        )
    setting = services.rule_setting_save(
        actor=world.pmo, project_type=None, rule="hygiene.risk_review", enabled=True, params={"days": "30"}
    )
    assert setting.params == {}
    setting = services.rule_setting_save(
        actor=world.pmo, project_type=None, rule="hygiene.risk_review", enabled=True, params={"days": "14"}
    )
    assert setting.params == {"days": 14}


@pytest.mark.django_db
def test_new_urgent_findings_notify_each_owner_once(world):
    """The PM gets one notification for all their new high findings; a second run notifies nobody."""
    run()
    notes = Notification.objects.filter(recipient=world.pm, kind="audit")
    assert notes.count() == 1
    assert "ALPHA" in notes.get().title
    run()
    assert notes.count() == 1


@pytest.mark.django_db
def test_a_failing_project_does_not_stop_the_others(world, monkeypatch):
    """A rule that crashes on one project skips that project (logged) and audits the rest."""
    rule = registry.RULES["hygiene.baseline"]

    def broken(data, params):
        if data.project.code == "ALPHA":
            raise RuntimeError("boom")
        return rule.check(data, params)

    monkeypatch.setitem(
        registry.RULES,
        "hygiene.baseline",
        registry.Rule(**{**{f: getattr(rule, f) for f in rule.__slots__}, "check": broken}),
    )
    audit = run()
    assert audit.projects == 1
    assert not Finding.objects.filter(project=world.project).exists()
    assert live(world.other, "hygiene.manager") is not None


@pytest.mark.django_db
def test_a_project_the_dcma_cannot_assess_keeps_its_findings_and_the_others_run(world):
    """A far status date fails the DCMA pack of that project only: listed in the stats, its DCMA findings
    left alone, the other project still audited."""
    run()
    alpha = set(Finding.objects.filter(project=world.project, rule__startswith="dcma.", status="open"))
    Project.objects.filter(pk=world.project.pk).update(status_date=date(9999, 12, 31))
    stats = services.RunStats()
    run(stats=stats)
    assert stats.failed_packs == ["ALPHA: dcma"] and not stats.failed
    assert (
        set(Finding.objects.filter(project=world.project, rule__startswith="dcma.", status="open")) == alpha
    )
    assert HealthSnapshot.objects.filter(project=world.other, day=TODAY).exists()


@pytest.mark.django_db
def test_a_failing_pack_is_listed_in_the_stats(world, monkeypatch):
    """A pack that fails for a whole batch is named in stats.failed_packs."""
    from dataclasses import replace

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.PACKS, "hygiene", replace(registry.PACKS["hygiene"], load=broken))
    stats = services.RunStats()
    run(stats=stats)
    assert stats.failed_packs == ["hygiene"]


@pytest.mark.django_db
def test_the_status_date_given_to_the_run_wins_for_the_dcma(world, monkeypatch):
    """audit_run(status_date=D) assesses the DCMA on D although the project has its own status date."""
    from kuroko.governance.selectors import dcma as dcma_selectors

    Project.objects.filter(pk=world.project.pk).update(status_date=date(2026, 5, 1))
    seen = []
    real = dcma_selectors.dcma_reports

    def spy(*args, **kwargs):
        reports = real(*args, **kwargs)
        seen.extend(r.status_date for r in reports.values())
        return reports

    monkeypatch.setattr(dcma_selectors, "dcma_reports", spy)
    run(status_date=date(2026, 6, 1))
    assert seen and set(seen) == {date(2026, 6, 1)}


@pytest.mark.django_db
def test_run_permissions(world):
    """Only the PMO audits all projects; the PM audits their project, not one they only read."""
    with pytest.raises(PermissionDenied):
        services.audit_run(trigger="manual", actor=world.pm, today=TODAY)
    services.audit_run(trigger="manual", actor=world.pm, projects=[world.project], today=TODAY)
    with pytest.raises(PermissionDenied):
        services.audit_run(trigger="manual", actor=world.pm, projects=[world.other], today=TODAY)
    assert AuditRun.objects.filter(project=world.project).count() == 1


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(["critical", "high", "medium", "low"]), st.integers(0, 50)))
def test_health_score_bounds_and_monotone(counts):
    """The score lies in 0–100 and never rises when a finding is added."""
    score = services.health_score(counts)
    assert Decimal(0) <= score <= Decimal(100)
    for severity in services.WEIGHTS:
        more = {**counts, severity: counts.get(severity, 0) + 1}
        assert services.health_score(more) <= score


def test_health_score_formula():
    """100 − 20·critical − 10·high − 5·medium − 2·low, floor 0."""
    assert services.health_score({}) == 100
    assert services.health_score({"critical": 1, "high": 2, "medium": 3, "low": 4}) == 100 - 20 - 20 - 15 - 8
    assert services.health_score({"critical": 6}) == 0


@pytest.mark.django_db
def test_findings_of_closed_projects_close_at_the_next_full_audit(world):
    """A project that closes is no longer audited; the next audit of all projects closes its findings."""
    from kuroko.projects.models import Project

    run()
    assert live(world.project, "hygiene.baseline") is not None
    Project.objects.filter(pk=world.project.pk).update(status="closed")
    audit = run()
    assert audit.projects == 1
    assert not Finding.objects.filter(project=world.project).exclude(status="closed").exists()


@pytest.mark.django_db
def test_preloaded_pack_data_is_used_instead_of_loading(world, monkeypatch):
    """A pack given in `preloaded` is not loaded (the demo replays days with today's DCMA results)."""
    from kuroko.governance.audit.registry import PACKS

    calls = []
    original = PACKS["dcma"]
    monkeypatch.setitem(
        PACKS, "dcma", registry.Pack("dcma", original.title, lambda *a: calls.append(a) or {})
    )
    run(preloaded={"dcma": {world.project.pk: None, world.other.pk: None}})
    assert calls == []
    assert not Finding.objects.filter(rule__startswith="dcma.").exists()
