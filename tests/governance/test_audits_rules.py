"""The built-in rules: PMO hygiene, quality thresholds, the DCMA thresholds mapping, and rule settings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kuroko.governance.audit import dcma, hygiene
from kuroko.governance.audit.registry import PACKS, RULES, Param, effective
from kuroko.governance.models import Defect, Finding, GateReview, Phase, QualityIndicator, QualityRecord
from kuroko.governance.services import audits as services
from kuroko.projects import services as project_services
from kuroko.projects.models import Project
from kuroko.raid.models import ActionItem, Risk
from kuroko.tracking import services as tracking_services

TODAY = date(2026, 6, 10)  # a Wednesday; the last complete week starts on Monday 1 June


def violated(project, today=TODAY):
    services.audit_run(trigger="manual", today=today, projects=[project])
    return {f.rule: f for f in Finding.objects.filter(project=project).exclude(status="closed")}


def test_every_rule_is_described_and_in_a_pack():
    """34 rules in three packs: the DCMA 14, eight hygiene rules, one per quality indicator."""
    assert set(PACKS) == {"dcma", "hygiene", "quality"}
    assert len([r for r in RULES if r.startswith("dcma.")]) == 14
    assert len([r for r in RULES if r.startswith("hygiene.")]) == 8
    for rule in RULES.values():
        assert str(rule.title) and len(str(rule.description)) > 40
        for name, param in rule.params.items():
            assert param.parse(name, param.default) == param.default


def test_dcma_thresholds_come_from_the_effective_settings():
    """The DcmaThresholds fields are the DCMA rules' parameters, defaults as DCMA publishes them."""
    rules = {k: effective(r) for k, r in RULES.items()}
    thresholds = dcma.thresholds_for(rules)
    assert thresholds["missing_logic"] == 5.0
    assert thresholds["high_float_days"] == 44
    assert thresholds["cpli"] == 0.95 and thresholds["bei"] == 0.95
    assert len(thresholds) == 15
    from kuroko.engine.dcma import DcmaThresholds

    assert DcmaThresholds(**thresholds) == DcmaThresholds()


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("3", 3),  # a whole number
        (" 7 ", 7),  # spaces are ignored
        ("-1", None),  # below the minimum
        ("2.5", None),  # not whole
        ("", None),  # empty
        (True, None),  # a boolean is not a number
    ],
)
def test_param_parse(raw, ok):
    """Param.parse keeps whole numbers in bounds and names the field otherwise."""
    from django.core.exceptions import ValidationError

    param = Param("days", 1, min=0, max=10)
    if ok is None:
        with pytest.raises(ValidationError) as exc:
            param.parse("days", raw)
        assert "days" in exc.value.message_dict
    else:
        assert param.parse("days", raw) == ok


@pytest.mark.parametrize("raw", ["1e400", "-1e400", "1000000001", "Infinity"])
def test_param_parse_rejects_huge_numbers_even_without_bounds(raw):
    """An unbounded Param still refuses non-finite and astronomically large values, naming the field."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        Param("n", 0, min=None, max=None).parse("n", raw)
    assert "n" in exc.value.message_dict


def test_every_dcma_count_threshold_has_a_maximum():
    """Every threshold of every rule has an upper bound (counts at most 100000)."""
    for rule in RULES.values():
        for name, param in rule.params.items():
            assert param.max is not None, (rule.key, name)
    assert RULES["dcma.leads"].params["leads"].max == dcma.MAX_COUNT == 100_000


@pytest.mark.django_db
def test_effective_setting_layers(world):
    """Type over default over the rule; a blank severity falls through; thresholds merge key by key."""
    from kuroko.governance.models import RuleSetting
    from kuroko.projects.models import ProjectType

    kind = ProjectType.objects.create(code="AGL", name="Agile")
    rule = RULES["dcma.high_float"]
    default = RuleSetting.objects.create(rule=rule.key, severity="high", params={"high_float_days": 30})
    typed = RuleSetting.objects.create(
        project_type=kind, rule=rule.key, severity="", params={"high_float": 10}
    )
    eff = effective(rule, default=default, typed=typed)
    assert eff.severity == "high" and eff.source == "type"
    assert eff.params == {"high_float_days": 30, "high_float": 10}


@pytest.mark.django_db
def test_status_report_rule_reads_the_history(world, monkeypatch):
    """No RAG with a reason saved this week → finding; saving one fixes it (the history source, which the
    reporting app's weekly reports replace at start-up)."""
    monkeypatch.setattr(hygiene, "STATUS_SOURCE", hygiene.status_saved_since)
    assert "hygiene.status_report" in violated(world.project)
    project = Project.objects.get(pk=world.project.pk)
    project.rag_overall, project.rag_overall_reason = "green", "On plan"
    project.save()
    assert "hygiene.status_report" not in violated(project, today=date.today())


@pytest.mark.django_db
def test_status_report_rule_ignores_unrelated_edits(world, monkeypatch):
    """An edit that changes neither the RAG colour nor its reason does not report a status."""
    monkeypatch.setattr(hygiene, "STATUS_SOURCE", hygiene.status_saved_since)
    from django.utils import timezone

    project = Project.objects.get(pk=world.project.pk)
    project.rag_overall, project.rag_overall_reason = "green", "On plan"
    project.save()
    Project.history.filter(id=project.pk).update(history_date=timezone.now() - timedelta(days=20))
    project = Project.objects.get(pk=project.pk)
    project_services.project_update(
        actor=world.admin,
        project=project,
        data={"description": "typo fixed"},
        expected_version=project.version,
    )
    today = timezone.localdate()
    assert "hygiene.status_report" in violated(project, today=today)
    project = Project.objects.get(pk=project.pk)
    project.rag_overall_reason = "Still on plan"
    project.save()
    assert "hygiene.status_report" not in violated(project, today=today)


@pytest.mark.django_db
def test_status_source_is_replaceable(world, monkeypatch):
    """Issue 9's weekly reports can replace where the status comes from."""
    monkeypatch.setattr(hygiene, "STATUS_SOURCE", lambda ids, since: set(ids))
    assert "hygiene.status_report" not in violated(world.project)


@pytest.mark.django_db
def test_risk_review_rule(world):
    """An open risk not reviewed for more than 30 days (or never, raised earlier) is a finding."""
    from kuroko.raid.models import RiskMatrix

    RiskMatrix.current()
    Risk.objects.create(
        project=world.project, number=1, title="Vendor late", raised_on=TODAY - timedelta(days=40)
    )
    fresh = Risk.objects.create(
        project=world.project, number=2, title="New", raised_on=TODAY - timedelta(days=3)
    )
    found = violated(world.project)["hygiene.risk_review"]
    assert found.evidence["count"] == 1 and found.evidence["items"][0]["code"] == "R-001"
    assert fresh.pk


@pytest.mark.django_db
def test_overdue_actions_rule_with_grace(world):
    """Overdue open actions are a finding unless within the grace days."""
    ActionItem.objects.create(
        project=world.project, number=1, title="Call", due_date=TODAY - timedelta(days=2)
    )
    ActionItem.objects.create(
        project=world.project, number=2, title="Done", due_date=TODAY - timedelta(days=9), status="done"
    )
    assert violated(world.project)["hygiene.overdue_actions"].evidence["count"] == 1
    services.rule_setting_save(
        actor=world.pmo,
        project_type=None,
        rule="hygiene.overdue_actions",
        enabled=True,
        params={"grace_days": 5},
    )
    assert "hygiene.overdue_actions" not in violated(world.project)


@pytest.mark.django_db
def test_timesheet_rule(world):
    """Hours logged last week on an open timesheet → not submitted; submitted → waits for approval."""
    week = date(2026, 6, 1)
    tracking_services.timesheet_save(
        actor=world.member,
        person=world.member.person,
        week_start=week,
        entries=[{"date": week, "task": world.owned_task.pk, "minutes": 120}],
    )
    found = violated(world.project)["hygiene.timesheets"]
    assert found.evidence["not_submitted"] == 1 and found.evidence["week"] == "2026-06-01"
    tracking_services.timesheet_submit(actor=world.member, person=world.member.person, week_start=week)
    found = violated(world.project)["hygiene.timesheets"]
    assert found.evidence["not_approved"] == 1
    approval = world.member.person.timesheets.get(week_start=week).approvals.get()
    tracking_services.timesheet_approve(actor=world.pm, approval=approval)
    assert "hygiene.timesheets" not in violated(world.project)


@pytest.mark.django_db
def test_budget_rule(world):
    """No budget → finding; a total budget fixes it."""
    assert "hygiene.budget" in violated(world.project)
    Project.objects.filter(pk=world.project.pk).update(budget=Decimal("1000000"))
    assert "hygiene.budget" not in violated(Project.objects.get(pk=world.project.pk))


@pytest.mark.django_db
def test_gate_overdue_rule(world):
    """A phase whose gate date passed without a decided review is a finding; deciding it fixes it."""
    phase = Phase.objects.create(
        project=world.project, number=1, name="要件定義", gate_date=TODAY - timedelta(days=1)
    )
    Phase.objects.create(project=world.project, number=2, name="設計", gate_date=TODAY + timedelta(days=10))
    found = violated(world.project)["hygiene.gate_overdue"]
    assert [i["phase"] for i in found.evidence["items"]] == ["要件定義"]
    GateReview.objects.create(phase=phase, status="decided", decision="go", requested_by=world.pm)
    assert "hygiene.gate_overdue" not in violated(world.project)


@pytest.mark.django_db
def test_baseline_rule_ignores_on_hold_projects(world):
    """Only active projects need a baseline."""
    Project.objects.filter(pk=world.project.pk).update(status="on_hold")
    assert "hygiene.baseline" not in violated(Project.objects.get(pk=world.project.pk))
    project_services.baseline_capture(actor=world.admin, project=world.other, number=0, name="B")
    assert "hygiene.baseline" not in violated(world.other)


@pytest.mark.django_db
def test_quality_rule_flags_values_outside_the_band(world):
    """Defects per KLOC above the band → finding naming the value and the band; none without a band."""
    QualityRecord.objects.create(project=world.project, size_kloc=Decimal("10"))
    for n in range(1, 4):
        Defect.objects.create(project=world.project, key=f"D-{n}", title="Bug", severity=3, found_on=TODAY)
    assert "quality.defect_density_kloc" not in violated(world.project)
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=Decimal("0.05"), upper=Decimal("0.2"))
    found = violated(world.project)["quality.defect_density_kloc"]
    item = found.evidence["items"][0]
    assert item["state"] == "high" and Decimal(item["value"]) == Decimal("0.3") and item["upper"] == "0.2"
    assert "0.3" in RULES["quality.defect_density_kloc"].message(found.evidence)


@pytest.mark.django_db
def test_dcma_pack_turns_failed_checks_into_findings(world, monkeypatch):
    """A failed DCMA check becomes a finding naming its tasks; passed and n/a checks do not; each
    project's thresholds come from its effective settings (the DCMA part's loader is stubbed)."""
    import types
    from dataclasses import dataclass

    @dataclass
    class Check:
        number: int
        key: str
        value: float | None
        threshold: float | None
        passed: bool | None
        count: int
        total: int
        task_ids: tuple

    seen = {}

    def reports(projects, *, as_of, thresholds, critical_path_test, status_date=None, failed=None):
        seen.update(thresholds=thresholds, test=critical_path_test)
        return {
            p.pk: types.SimpleNamespace(
                checks=[
                    Check(
                        1,
                        "logic",
                        66.7,
                        5.0,
                        False,
                        2,
                        3,
                        (str(world.owned_task.pk), str(world.plain_task.pk), "external:9"),
                    ),
                    Check(2, "leads", 0, 0, True, 0, 2, ()),
                    Check(12, "critical_path_test", None, None, None, 0, 0, ()),
                ]
            )
            for p in projects
        }

    monkeypatch.setattr("kuroko.governance.selectors.dcma.dcma_reports", reports)
    services.rule_setting_save(
        actor=world.pmo,
        project_type=None,
        rule="dcma.logic",
        enabled=True,
        params={"missing_logic": 10},
    )
    found = violated(world.project)
    assert "dcma.logic" in found and "dcma.leads" not in found and "dcma.critical_path_test" not in found
    evidence = found["dcma.logic"].evidence
    assert evidence["value"] == 66.7 and evidence["count"] == 2
    assert [t["name"] for t in evidence["tasks"]] == ["Screens", "Review"]
    assert found["dcma.logic"].severity == "high"
    assert seen["thresholds"][world.project.pk].missing_logic == 10 and seen["test"] is True


@pytest.mark.django_db
def test_dcma_rules_on_a_real_schedule(world):
    """ALPHA's two unlinked, unassigned tasks fail DCMA logic and resources; its findings name them."""
    found = violated(world.project)
    assert {"dcma.logic", "dcma.resources"} <= set(found)
    names = {t["name"] for t in found["dcma.logic"].evidence["tasks"]}
    assert {"Screens", "Review"} <= names
    assert found["dcma.logic"].evidence["number"] == 1
    assert (
        RULES["dcma.logic"].message(found["dcma.logic"].evidence) == "100 % (2 of 2); the threshold is 5 %."
    )


@pytest.mark.django_db
def test_quality_rule_judges_the_whole_project_only(world):
    """A phase outside the project's band is no finding; the whole project inside it is none either."""
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=Decimal(3), upper=Decimal(8))
    build = Phase.objects.create(project=world.project, number=1, name="Build and unit test")
    test = Phase.objects.create(project=world.project, number=2, name="Integration test")
    QualityRecord.objects.create(
        project=world.project, phase=build, size_kloc=8, tests_planned=9, tests_executed=9
    )
    QualityRecord.objects.create(
        project=world.project, phase=test, size_kloc=2, tests_planned=9, tests_executed=9
    )
    Defect.objects.create(project=world.project, title="b", phase_found=build, found_on=TODAY)  # 0.125 / KLOC
    for n in range(49):
        Defect.objects.create(project=world.project, title=f"t{n}", phase_found=test, found_on=TODAY)
    assert "quality.defect_density_kloc" not in violated(world.project)  # 50 / 10 KLOC = 5


@pytest.mark.django_db
def test_quality_rule_ignores_zero_density_before_any_test(world):
    """No defects and no test case executed yet: no data, not "density 0, low"."""
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=Decimal(3), upper=Decimal(8))
    record = QualityRecord.objects.create(project=world.project, size_kloc=Decimal(10), tests_planned=50)
    assert "quality.defect_density_kloc" not in violated(world.project)
    record.tests_executed = 10
    record.save()
    assert violated(world.project)["quality.defect_density_kloc"].evidence["items"][0]["state"] == "low"
