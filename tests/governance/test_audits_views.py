"""Audit pages and API: the portfolio's findings (matrix, list, trend, Excel), a project's findings, one
finding's edit and waiver, the rules page, the health card and the portfolio's health cell."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kuroko.governance.models import Finding, HealthSnapshot, RuleSetting
from kuroko.governance.services.audits import audit_run
from tests.factories import ProjectFactory


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def audited(world):
    today = timezone.localdate()
    for back in (2, 1, 0):
        audit_run(trigger="cli", today=today - timedelta(days=back), notify_owners=False)
    return world


def baseline_finding(world) -> Finding:
    return Finding.objects.get(project=world.project, rule="hygiene.baseline", status="open")


@pytest.mark.django_db
def test_findings_page_shows_matrix_list_and_trend(audited):
    """The PMO sees both projects in the matrix, the findings listed and a trend chart spec."""
    response = login(audited.pmo).get("/governance/findings/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="audit-matrix"' in html and "ALPHA" in html and "BETA" in html
    assert "Baseline set" in html and 'id="spec-audit-trend"' in html
    assert "Run audit now" in html


@pytest.mark.django_db
def test_findings_page_lists_only_readable_projects(audited):
    """The member of ALPHA does not see BETA's findings, nor the run button."""
    html = login(audited.member).get("/governance/findings/").content.decode()
    assert "ALPHA" in html and "/projects/BETA/findings/" not in html
    assert "Run audit now" not in html


@pytest.mark.django_db
def test_findings_filters_and_htmx_partial(audited):
    """The severity filter narrows the list; an htmx request gets only the results."""
    client = login(audited.pmo)
    html = client.get("/governance/findings/?severity=low", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="results"' in html and "<html" not in html
    assert "Baseline set" not in html  # a high finding


@pytest.mark.django_db
def test_findings_page_queries_do_not_grow_with_findings(audited, django_assert_max_num_queries):
    """The list page costs the same number of queries with ten more audited projects."""
    client = login(audited.pmo)
    client.get("/governance/findings/")
    for n in range(10):
        ProjectFactory(code=f"P{n}", status="active")
    audit_run(trigger="cli", today=timezone.localdate(), notify_owners=False)
    with django_assert_max_num_queries(20):
        response = client.get("/governance/findings/")
    assert response.status_code == 200 and "P9" in response.content.decode()


@pytest.mark.django_db
def test_findings_export(audited):
    """The Excel export holds the filtered findings with the evidence in words."""
    from openpyxl import load_workbook

    response = login(audited.pmo).get("/governance/findings.xlsx?pack=hygiene")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[0][:4] == ("Project", "Project name", "Rule key", "Rule")
    keys = {r[2] for r in rows[1:]}
    assert "hygiene.baseline" in keys and all(k.startswith("hygiene.") for k in keys)
    assert any("no baseline" in (r[6] or "") for r in rows[1:])


@pytest.mark.django_db
def test_project_page_runs_the_audit_and_shows_score(world):
    """'Audit this project now' runs synchronously and the page shows the score and the findings."""
    client = login(world.pm)
    response = client.post("/projects/ALPHA/findings/run/")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'id="health-score"' in html and "Baseline set" in html
    assert HealthSnapshot.objects.filter(project=world.project).count() == 1


@pytest.mark.django_db
def test_a_closed_project_is_not_audited_from_its_page_or_the_api(world):
    """The page says why (no 500, no findings); POST /audits answers 422 naming the project."""
    from kuroko.projects.models import Project

    Project.objects.filter(pk=world.project.pk).update(status="closed")
    client = login(world.pmo)
    response = client.post("/projects/ALPHA/findings/run/", follow=True)
    assert response.status_code == 200 and "only active or on-hold projects are audited" in (
        response.content.decode()
    )
    response = api(client, "post", "/audits", {"project": "ALPHA"})
    assert response.status_code == 422 and "ALPHA" in response.content.decode()
    assert not Finding.objects.filter(project=world.project).exists()


@pytest.mark.django_db
def test_waive_on_the_page(audited):
    """The PMO waives with a reason; without one the page answers 422 and nothing changes."""
    finding = baseline_finding(audited)
    client = login(audited.pmo)
    response = client.post(f"/findings/{finding.pk}/", {"action": "waive", "reason": ""})
    assert response.status_code == 422
    finding.refresh_from_db()
    assert finding.status == "open"
    response = client.post(f"/findings/{finding.pk}/", {"action": "waive", "reason": "契約後に設定"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "waived" and finding.waived_by == audited.pmo


@pytest.mark.django_db
def test_rules_page_saves_and_reports_bad_thresholds(world):
    """A bad threshold answers 422 naming it; a good one is saved for the project type."""
    from kuroko.projects.models import ProjectType

    ProjectType.objects.create(code="MNT", name="Maintenance")
    client = login(world.pmo)
    html = client.get("/governance/rules/?type=MNT").content.decode()
    assert "DCMA 1 · Logic" in html and "Maintenance" in html
    response = client.post("/governance/rules/", {"rule": "hygiene.risk_review", "type": "MNT", "days": "0"})
    assert response.status_code == 422 and "Review interval (days): At least 1." in response.content.decode()
    response = client.post("/governance/rules/", {"rule": "dcma.high_duration", "type": "MNT", "enabled": ""})
    assert response.status_code == 302
    setting = RuleSetting.objects.get(rule="dcma.high_duration")
    assert setting.project_type.code == "MNT" and setting.enabled is False
    # Readers see the rules read-only.
    html = login(world.member).get("/governance/rules/").content.decode()
    assert 'name="severity"' not in html and "Only the PMO changes the rules." in html


@pytest.mark.django_db
def test_health_card_and_portfolio_cell(audited):
    """The project page's card and the portfolio's Health column show the latest score."""
    client = login(audited.pm)
    card = client.get("/projects/ALPHA/health/card/").content.decode()
    assert 'id="health-card"' in card and "of 100" in card
    cells = client.get("/portfolio/governance/?code=ALPHA").content.decode()
    score = HealthSnapshot.objects.filter(project=audited.project).order_by("day").last().score
    assert f">{score:.0f}</a>" in cells and "health-high" in cells


@pytest.mark.django_db
def test_health_summary_query_count(audited, django_assert_num_queries):
    """The portfolio's health cells cost two queries however many projects."""
    from kuroko.governance.selectors.audits import health_summary

    with django_assert_num_queries(2):
        cells = health_summary([audited.project, audited.other])
    assert set(cells) == {audited.project.pk, audited.other.pk}


# --- API ---------------------------------------------------------------------------------------------


def api(client, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.mark.django_db
def test_api_findings_and_waive(audited):
    """List with filters, read, set the due date, waive; bad input names the field."""
    client = login(audited.pmo)
    listed = client.get("/api/v1/findings?pack=hygiene&project=ALPHA").json()
    assert listed["count"] >= 2 and all(f["project"] == "ALPHA" for f in listed["items"])
    finding = baseline_finding(audited)
    one = client.get(f"/api/v1/findings/{finding.pk}").json()
    assert one["rule_title"] == "Baseline set" and "no baseline" in one["message"]
    response = api(client, "patch", f"/findings/{finding.pk}", {"due": "not a date"})
    assert response.status_code == 422
    response = api(client, "patch", f"/findings/{finding.pk}", {"owner_id": 999999})
    assert response.status_code == 422 and "owner_id" in response.content.decode()
    assert (
        api(client, "patch", f"/findings/{finding.pk}", {"due": "2026-12-24"}).json()["due"] == "2026-12-24"
    )
    response = api(client, "post", f"/findings/{finding.pk}/waive", {"reason": " "})
    assert response.status_code == 422 and "reason" in response.content.decode()
    assert api(client, "post", f"/findings/{finding.pk}/waive", {"reason": "ok"}).json()["status"] == "waived"


@pytest.mark.django_db
def test_api_rules(world):
    """Rules with effective settings; PUT checks thresholds (422 naming the field); unknown rules 404."""
    client = login(world.pmo)
    rules = client.get("/api/v1/audit-rules").json()
    assert len(rules) == 34 and rules[0]["source"] == "rule"
    response = api(client, "put", "/audit-rules/dcma.logic", {"params": {"missing_logic": 150}})
    assert response.status_code == 422 and "missing_logic" in response.content.decode()
    response = api(client, "put", "/audit-rules/dcma.leads", {"params": {"leads": "1e400"}})
    assert response.status_code == 422 and "leads" in response.content.decode()
    assert client.get("/api/v1/audit-rules").status_code == 200
    assert api(client, "put", "/audit-rules/nope", {}).status_code == 404
    assert api(client, "put", "/audit-rules/dcma.logic", {"project_type": "NOPE"}).status_code == 404
    body = api(
        client,
        "put",
        "/audit-rules/dcma.logic",
        {"severity": "critical", "params": {"missing_logic": 8}},
    ).json()
    assert body["severity"] == "critical" and body["params"][0]["value"] == 8 and body["source"] == "default"


@pytest.mark.django_db
def test_api_audit_and_health(world):
    """POST /audits for a project runs it; /projects/{code}/health gives score, trend and findings."""
    client = login(world.pm)
    run = api(client, "post", "/audits", {"project": "ALPHA"}).json()
    assert run["project"] == "ALPHA" and run["opened"] >= 1
    assert client.get(f"/api/v1/audits/{run['id']}").json()["id"] == run["id"]
    health = client.get("/api/v1/projects/ALPHA/health").json()
    assert health["score"] is not None and len(health["trend"]) == 1 and health["findings"]
    assert api(client, "post", "/audits", {"project": "NOPE"}).status_code == 404
