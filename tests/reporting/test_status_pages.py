"""Status-report pages and API: the flow through HTML and REST, errors as 4xx, bounded queries."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kuroko.core.services import api_token_create
from kuroko.reporting.levels import DEFAULT_SECTIONS
from kuroko.reporting.models import Audience, ReportComment, ReportStatus, StatusReport
from kuroko.reporting.selectors.status import settings_for
from kuroko.reporting.services import status as services
from tests.conftest import signed_in
from tests.factories import ProjectFactory

WEEK = date(2026, 11, 16)
URL = "/projects/ALPHA/status-reports/2026-W47/"


def bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_report_page_drafts_and_shows_sections(world):
    """Opening the week drafts the report and shows colours, sections and the PM's forms."""
    response = signed_in(world.pm).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Colours and reasons" in body and "Save narrative" in body and "Submit to the PMO" in body
    assert StatusReport.objects.filter(project=world.project, week=WEEK).exists()


def test_executive_sees_the_executive_level(world):
    """An executive reads the executive sections only (progress, forecast, risks, narrative; no resources
    or governance section, no forms)."""
    services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)  # readers do not draft
    response = signed_in(world.executive).get(URL)
    assert response.status_code == 200
    assert response.context["shown"] == set(DEFAULT_SECTIONS[Audience.EXECUTIVE])
    body = response.content.decode()
    assert "Progress and earned value" in body and "Risk-adjusted forecast" in body
    assert 'id="risks-h"' in body and 'id="narr-h"' in body
    assert "Over-allocations" not in body and "Audit findings and gates" not in body
    assert "Save narrative" not in body


def test_html_flow(world):
    """The PM saves the narrative, overrides, submits; the PMO returns it with a comment."""
    pm, pmo = signed_in(world.pm), signed_in(world.pmo)
    report = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    r = pm.post(URL + "narrative/", {"version": report.version, "summary": "順調です", "accomplishments": "",
                                     "next_steps": "", "help_needed": ""})  # fmt: skip
    assert r.status_code == 302
    report.refresh_from_db()
    r = pm.post(URL + "override/", {"version": report.version, "dimension": "risk", "rag": "amber",
                                    "justification": ""})  # fmt: skip
    assert r.status_code == 422
    # Named by the dimension's label, not the service's path (overrides.risk.justification).
    assert "Risks and issues: Say why the colour differs" in r.content.decode()
    assert "overrides." not in r.content.decode()
    r = pm.post(URL + "override/", {"version": report.version, "dimension": "risk", "rag": "amber",
                                    "justification": "対策済み"})  # fmt: skip
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.rag_risk == "amber" and report.summary == "順調です"
    stale = pm.post(URL + "submit/", {"version": report.version - 1})
    assert stale.status_code == 409
    assert pm.post(URL + "submit/", {"version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert b"Save narrative" not in pm.get(URL).content  # read-only once submitted
    r = pmo.post(
        URL + "review/", {"version": report.version, "decision": "return", "comment": "追記してください"}
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    r = pm.post(URL + "comment/", {"text": "追記しました"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "追記しました" in r.content.decode()
    assert ReportComment.objects.filter(report=report).count() == 2


def test_bad_week_is_404(world):
    """A week that is not an ISO week is a 404, not a 500."""
    assert signed_in(world.pm).get("/projects/ALPHA/status-reports/2026-W99/").status_code == 404


def test_list_and_compare(world):
    """The history lists the weeks with colours; compare highlights rows that differ."""
    services.report_get_or_draft(project=world.project, week=date(2026, 11, 9), actor=world.pm)
    b = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    services.report_update(actor=world.pm, report=b, version=b.version, narrative={"summary": "変化あり"})
    client = signed_in(world.member)
    body = client.get("/projects/ALPHA/status-reports/").content.decode()
    assert "2026-W47" in body and "2026-W46" in body
    r = client.get("/projects/ALPHA/status-reports/compare/?a=2026-W46&b=2026-W47")
    assert r.status_code == 200 and 'class="differs"' in r.content.decode()
    assert client.get("/projects/ALPHA/status-reports/compare/?a=bad").status_code == 422


def test_week_page_queries_are_bounded(world, django_assert_max_num_queries):
    """The PMO's week page costs the same few queries for 3 or 23 projects (no query per project)."""
    client = signed_in(world.pmo)
    services.draft_all(WEEK, today=date(2026, 11, 20))
    client.get("/status-reports/?week=2026-W47")
    for n in range(20):
        ProjectFactory(code=f"Q-{n:02d}", status="active")
    services.draft_all(WEEK, today=date(2026, 11, 20))
    with django_assert_max_num_queries(20):
        r = client.get("/status-reports/?week=2026-W47")
    assert r.status_code == 200
    assert r.content.decode().count("status-badge status-draft") >= 22
    missing = client.get("/status-reports/?week=2026-W48&status=missing")
    assert missing.content.decode().count('<th scope="row">') == 22


def test_rules_page_saves_and_refuses(world):
    """The PMO saves a rule's thresholds; a bad threshold is a 422 naming it; a PM may not save."""
    pmo = signed_in(world.pmo)
    assert pmo.post("/status-reports/rules/", {"rule": "cost.cpi", "enabled": "on", "amber_below": "0.9",
                                               "red_below": "0.8"}).status_code == 302  # fmt: skip
    r = pmo.post("/status-reports/rules/", {"rule": "cost.cpi", "enabled": "on", "amber_below": "x"})
    assert r.status_code == 422 and b"amber_below" in r.content
    r = pmo.post("/status-reports/rules/", {"rule": "cost.cpi", "enabled": "on", "amber_below": "0.8",
                                            "red_below": "0.9"})  # fmt: skip
    assert r.status_code == 422
    assert signed_in(world.pm).post("/status-reports/rules/", {"rule": "cost.cpi"}).status_code == 403
    assert pmo.post("/status-reports/levels/", {"audience": "executive", "sections": []}).status_code == 422


def test_api_flow(world, client):
    """The API gets (drafting), patches, submits and reviews, with 4xx JSON naming the field."""
    pm, pmo = bearer(world.pm), bearer(world.pmo)
    r = client.get("/api/v1/projects/ALPHA/status-reports/2026-W47", **pm)
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "draft" and set(data["colours"]) >= {"overall", "risk"}
    body = {
        "version": data["version"],
        "summary": "順調",
        "overrides": {"cost": {"rag": "red", "justification": ""}},
    }
    r = client.patch("/api/v1/projects/ALPHA/status-reports/2026-W47", json.dumps(body),
                     content_type="application/json", **pm)  # fmt: skip
    assert r.status_code == 422 and "justification" in json.dumps(r.json()["detail"])
    body["overrides"] = {"cost": {"rag": "red", "justification": "外注費の増加"}}
    r = client.patch("/api/v1/projects/ALPHA/status-reports/2026-W47", json.dumps(body),
                     content_type="application/json", **pm)  # fmt: skip
    assert r.status_code == 200 and r.json()["rag_cost"] == "red"
    version = r.json()["version"]
    submit = "/api/v1/projects/ALPHA/status-reports/2026-W47/submit"
    r = client.post(submit, json.dumps({"version": version - 1}), content_type="application/json", **pm)
    assert r.status_code == 409
    r = client.post(submit, json.dumps({"version": version}), content_type="application/json", **pm)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = client.post("/api/v1/projects/ALPHA/status-reports/2026-W47/review",
                    json.dumps({"version": r.json()["version"], "decision": "maybe"}),
                    content_type="application/json", **pmo)  # fmt: skip
    assert r.status_code == 422 and "decision" in json.dumps(r.json()["detail"])
    assert client.get("/api/v1/projects/ALPHA/status-reports/2026-W99", **pm).status_code == 422
    r = client.get("/api/v1/projects/ALPHA/status-reports", **pm)
    assert [row["week"] for row in r.json()] == ["2026-W47"]
    r = client.get("/api/v1/projects/ALPHA/status-reports/compare?a=2026-W46&b=2026-W47", **pm)
    assert r.status_code == 200 and any(row["differs"] for row in r.json()["rows"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule": "nope", "params": {}}, "rule"),  # unknown rule
        ({"rule": "cost.cpi", "params": {"amber_below": "x"}}, "amber_below"),  # not a number
        ({"rule": "cost.cpi", "params": {"colour": 1}}, "colour"),  # no such threshold
        ({"rule": "cost.cpi", "project_type": "NOPE", "params": {}}, "project_type"),  # unknown type
    ],
)
def test_api_rule_errors(world, client, body, field):
    """Bad RAG rule settings are 422 JSON naming the field; nothing is saved."""
    from kuroko.reporting.models import RagRuleSetting

    r = client.put("/api/v1/status-reports/rag-rules", json.dumps(body), content_type="application/json",
                   **bearer(world.pmo))  # fmt: skip
    assert r.status_code == 422
    assert field in json.dumps(r.json()["detail"])
    assert not RagRuleSetting.objects.exists()


def test_api_levels(world, client):
    """The PMO sets the executive level; readers get it back; an unknown section is refused."""
    headers = bearer(world.pmo)
    body = {"audience": "executive", "sections": ["risks", "summary"]}
    r = client.put(
        "/api/v1/status-reports/levels", json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 200
    executive = next(row for row in r.json() if row["audience"] == "executive")
    assert executive == {"audience": "executive", "sections": ["summary", "risks"], "source": "all"}
    body = {"audience": "executive", "sections": ["gossip"]}
    r = client.put(
        "/api/v1/status-reports/levels", json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 422 and "sections" in json.dumps(r.json()["detail"])


def test_writes_never_draft(world, client):
    """A write to a week without a report is a 404 (page and API) and drafts nothing."""
    assert signed_in(world.member).post(URL + "submit/", {"version": 1}).status_code == 404
    assert signed_in(world.pm).post(URL + "narrative/", {"version": 1, "summary": "x"}).status_code == 404
    r = client.post("/api/v1/projects/ALPHA/status-reports/2026-W47/submit", json.dumps({"version": 1}),
                    content_type="application/json", **bearer(world.pm))  # fmt: skip
    assert r.status_code == 404
    assert not StatusReport.objects.exists()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/projects/ALPHA/status-reports/9999-W52/", 404),  # a year past 2100
        ("/projects/ALPHA/status-reports/0001-W01/", 404),  # a year before 2000
        ("/status-reports/?week=9999-W52", 422),  # the PMO's week page names the field
        ("/projects/ALPHA/status-reports/compare/?b=0001-W01", 422),  # compare names b
        ("/api/v1/projects/ALPHA/status-reports/9999-W52", 422),  # the API names the week
        ("/api/v1/projects/ALPHA/status-reports/compare?a=0001-W01&b=2026-W47", 422),
        ("/projects/ALPHA/status-reports/2099-W01/", 404),  # a week that has not started
        ("/api/v1/projects/ALPHA/status-reports/2099-W01", 422),
    ],
)
def test_edge_and_future_weeks_are_4xx(world, url, status):
    """Weeks of years out of range or after the current week are refused with a 4xx, never a 500."""
    client = signed_in(world.pm)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.json()["detail"][0]["loc"][-1] in ("week", "a")
    assert not StatusReport.objects.exists()


def test_reader_opening_a_week_without_report_gets_404(world):
    """A member opening a week nobody drafted sees a 404 saying there is no report yet; no row appears."""
    response = signed_in(world.member).get(URL)
    assert response.status_code == 404
    assert not StatusReport.objects.exists()


def test_report_levels_apply_to_api_and_compare(world):
    """An executive's API output and compare page carry only the sections of the executive level."""
    from tests.factories import ActionItemFactory

    ActionItemFactory(project=world.project, status="open", due_date=WEEK, title="SECRET-ACTION")
    report = services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    services.report_update(
        actor=world.pm,
        report=report,
        version=report.version,
        narrative={"summary": "順調", "help_needed": "x"},
    )
    client = signed_in(world.executive)
    data = client.get("/api/v1/projects/ALPHA/status-reports/2026-W47").json()
    assert "actions" not in data["sections"]
    assert "overdue_actions" not in data["facts"] and "health_score" not in data["facts"]
    assert data["facts"]["code"] == "ALPHA" and "risks" in data["facts"]
    assert data["summary"] == "順調"
    body = client.get("/projects/ALPHA/status-reports/compare/?a=2026-W46&b=2026-W47").content.decode()
    assert "Overdue actions" not in body and "Health score" not in body and "Open issues" not in body
    assert "Open risks" in body
    rows = client.get("/api/v1/projects/ALPHA/status-reports/compare?a=2026-W46&b=2026-W47").json()["rows"]
    assert {"overdue_actions", "open_issues", "health_score"}.isdisjoint(r["key"] for r in rows)
    pmo_rows = signed_in(world.pmo).get("/api/v1/projects/ALPHA/status-reports/compare?a=2026-W46&b=2026-W47")
    assert "overdue_actions" in {r["key"] for r in pmo_rows.json()["rows"]}


def test_type_tab_prefills_only_its_own_thresholds(world):
    """On a type's tab a rule's form shows inherited thresholds as placeholders: saving it as shown keeps
    inheriting them."""
    import re

    from kuroko.projects.models import ProjectType

    kind = ProjectType.objects.create(code="SI", name="SI")
    services.rag_rule_save(
        actor=world.pmo, project_type=None, rule="risk.high_risks", enabled=True,
        params={"amber_at": 2, "red_at": 6},
    )  # fmt: skip
    pmo = signed_in(world.pmo)
    body = pmo.get("/status-reports/rules/?type=SI").content.decode()
    row = body[body.index('id="rule-risk.high_risks"') :]
    row = row[: row.index("</form>")]
    values = dict(re.findall(r'name="(amber_at|red_at)" value="([^"]*)"', row))
    assert values == {"amber_at": "", "red_at": ""} and 'placeholder="2"' in row
    assert (
        pmo.post("/status-reports/rules/", {"rule": "risk.high_risks", "type": "SI", **values}).status_code
        == 302
    )
    services.rag_rule_save(
        actor=world.pmo, project_type=None, rule="risk.high_risks", enabled=True,
        params={"amber_at": 4, "red_at": 8},
    )  # fmt: skip
    assert settings_for(kind.pk)["risk.high_risks"].params == {
        "amber_at": 4,
        "red_at": 8,
    }


def test_week_page_keeps_the_week_with_a_bad_status_filter(world):
    """An unknown status filter is a 422 naming it, and the chosen week is kept."""
    response = signed_in(world.pmo).get("/status-reports/?week=2026-W40&status=bogus")
    assert response.status_code == 422
    body = response.content.decode()
    assert "status:" in body and "2026-W40" in body


def test_compare_keeps_a_week_without_report_in_the_picker(world):
    """Comparing with a week that has no report keeps that week choosable and says it has none."""
    services.report_get_or_draft(project=world.project, week=WEEK, actor=world.pm)
    body = signed_in(world.pm).get("/projects/ALPHA/status-reports/compare/?a=2026-W40&b=2026-W47").content
    assert b'<option value="2026-W40" selected>' in body and b"no report" in body


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/status-reports/rules/", {"rule": "cost.cpi", "enabled": "on", "amber_below": "0.5"}),
        ("/status-reports/levels/", {"audience": "executive", "sections": ["summary"]}),
    ],
)
def test_settings_pages_refuse_an_unknown_project_type(world, url, data):
    """A mistyped `type` is a 404 naming it, never a change to the settings of every project."""
    from kuroko.reporting.models import RagRuleSetting, ReportLevel

    pmo = signed_in(world.pmo)
    response = pmo.post(url + "?type=NOPE", {**data, "type": "NOPE"})
    assert response.status_code == 404 and "NOPE" in response.content.decode()
    assert pmo.get(url + "?type=NOPE").status_code == 404
    assert not RagRuleSetting.objects.exists() and not ReportLevel.objects.exists()
