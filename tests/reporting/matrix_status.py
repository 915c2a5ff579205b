"""Permission-matrix cases and fixture rows of the reporting status part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.

Readers of a project read its weekly status reports; who edits the project (the PM, the PMO) writes,
refreshes and submits them; the PMO (admin included) reviews them and sets the RAG rules and report
levels, which every signed-in user may read.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page

READ = (200, 200, 200, 200, 200, 403, 302)
WRITE = (302, 302, 302, 403, 403, 403, 302)
PMO = (302, 302, 403, 403, 403, 403, 302)
SIGNED_IN = (200, 200, 200, 200, 200, 200, 302)
API_READ = (200, 200, 200, 200, 200, 403, 401)
API_WRITE = (200, 200, 200, 403, 403, 403, 401)
API_PMO = (200, 200, 403, 403, 403, 403, 401)
API_SIGNED_IN = (200, 200, 200, 200, 200, 200, 401)
DRAFT = "/projects/ALPHA/status-reports/2026-W47/"
SUBMITTED = "/projects/ALPHA/status-reports/2026-W46/"


def _version(key: str) -> Any:
    return lambda ids: {"version": ids[key]}


# fmt: off
CASES: list[Case] = [
    page(READ, "project-status-reports", "GET", "/projects/ALPHA/status-reports/"),
    page(READ, "status-report", "GET", DRAFT),
    page(READ, "status-report-compare", "GET",
         "/projects/ALPHA/status-reports/compare/?a=2026-W46&b=2026-W47"),
    page(WRITE, "status-report-narrative", "POST", DRAFT + "narrative/",
         lambda ids: {"version": ids["status_draft_version"], "summary": "On track", "accomplishments": "",
                      "next_steps": "", "help_needed": ""}),
    page(WRITE, "status-report-override", "POST", DRAFT + "override/",
         lambda ids: {"version": ids["status_draft_version"], "dimension": "cost", "rag": "amber",
                      "justification": "Exchange rate"}),
    page(WRITE, "status-report-refresh", "POST", DRAFT + "refresh/", _version("status_draft_version")),
    page(WRITE, "status-report-submit", "POST", DRAFT + "submit/", _version("status_draft_version")),
    page(PMO, "status-report-review", "POST", SUBMITTED + "review/",
         lambda ids: {"version": ids["status_submitted_version"], "decision": "return",
                      "comment": "Add risks"}),
    page(WRITE, "status-report-comment", "POST", DRAFT + "comment/", lambda ids: {"text": "Looks fine"}),
    page(SIGNED_IN, "status-reports-week", "GET", "/status-reports/?week=2026-W47&status=draft"),
    page(SIGNED_IN, "status-rag-rules", "GET", "/status-reports/rules/"),
    page(PMO, "status-rag-rules", "POST", "/status-reports/rules/",
         lambda ids: {"rule": "cost.cpi", "enabled": "on", "amber_below": "0.9", "red_below": "0.8"}),
    page(SIGNED_IN, "status-report-levels", "GET", "/status-reports/levels/"),
    page(PMO, "status-report-levels", "POST", "/status-reports/levels/",
         lambda ids: {"audience": "executive", "sections": ["summary", "progress"]}),
    api(API_READ, "GET", "/projects/{code}/status-reports", code="alpha"),
    api(API_READ, "GET", "/projects/{code}/status-reports/compare", code="alpha",
        query="a=2026-W46&b=2026-W47"),
    api(API_READ, "GET", "/projects/{code}/status-reports/{week}", code="alpha", week="status_week"),
    api(API_WRITE, "PATCH", "/projects/{code}/status-reports/{week}",
        lambda ids: {"version": ids["status_draft_version"], "summary": "On track"}, code="alpha",
        week="status_week"),
    api(API_WRITE, "POST", "/projects/{code}/status-reports/{week}/refresh",
        _version("status_draft_version"), code="alpha", week="status_week"),
    api(API_WRITE, "POST", "/projects/{code}/status-reports/{week}/submit",
        _version("status_draft_version"), code="alpha", week="status_week"),
    api(API_PMO, "POST", "/projects/{code}/status-reports/{week}/review",
        lambda ids: {"version": ids["status_submitted_version"], "decision": "accept"}, code="alpha",
        week="status_submitted_week"),
    api(API_SIGNED_IN, "GET", "/status-reports/rag-rules"),
    api(API_PMO, "PUT", "/status-reports/rag-rules",
        lambda ids: {"rule": "risk.high_risks", "enabled": True, "params": {"amber_at": 2, "red_at": 4}}),
    api(API_SIGNED_IN, "GET", "/status-reports/levels"),
    api(API_PMO, "PUT", "/status-reports/levels",
        lambda ids: {"audience": "executive", "sections": ["summary", "risks"]}),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """ALPHA's reports of 2026-W47 (a draft) and 2026-W46 (submitted; set directly, so that the project's
    own version and colours stay as the table recorded them)."""
    from datetime import date

    from kuroko.reporting.models import StatusReport
    from kuroko.reporting.services.status import report_get_or_draft

    draft = report_get_or_draft(project=world.project, week=date(2026, 11, 16), actor=world.admin)
    submitted = report_get_or_draft(project=world.project, week=date(2026, 11, 9), actor=world.admin)
    StatusReport.objects.filter(pk=submitted.pk).update(status="submitted")
    return {
        "status_week": "2026-W47",
        "status_submitted_week": "2026-W46",
        "status_draft_version": draft.version,
        "status_submitted_version": submitted.version,
    }
