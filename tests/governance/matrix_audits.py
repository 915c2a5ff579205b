"""Permission-matrix cases and fixture rows of the governance audits part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.permission_cases import Case, api, page

# fmt: off
CASES: list[Case] = [
    #     admn pmo  pm   mmbr exec outs anon
    # The portfolio's findings list only what each role may read; the PMO queues an audit of everything.
    page((200, 200, 200, 200, 200, 200, 302), "findings", "GET", "/governance/findings/"),
    page((200, 200, 200, 200, 200, 200, 302), "findings", "GET",
         "/governance/findings/?severity=high&status=all&pack=hygiene", label="filtered"),
    page((200, 200, 200, 200, 200, 200, 302), "findings-export", "GET", "/governance/findings.xlsx"),
    page((302, 302, 403, 403, 403, 403, 302), "audit-run", "POST", "/governance/findings/run/"),
    # Rules: everyone signed in reads them; the PMO changes them.
    page((200, 200, 200, 200, 200, 200, 302), "audit-rules", "GET", "/governance/rules/"),
    page((302, 302, 403, 403, 403, 403, 302), "audit-rules", "POST", "/governance/rules/",
         lambda ids: {"rule": "hygiene.risk_review", "type": "", "enabled": "on", "severity": "high",
                      "days": "10"}),
    # A finding is read with its project; the PMO and the project's editors (and its owner) set the due
    # date; the PMO waives.
    page((200, 200, 200, 200, 200, 403, 302), "finding-detail", "GET", "/findings/{finding}/"),
    page((302, 302, 302, 403, 403, 403, 302), "finding-detail", "POST", "/findings/{finding}/",
         lambda ids: {"action": "update", "due": "2026-09-30", "owner": ids["finding_owner"]},
         label="update"),
    page((302, 302, 403, 403, 403, 403, 302), "finding-detail", "POST", "/findings/{finding}/",
         lambda ids: {"action": "waive", "reason": "Baseline after the contract"}, label="waive"),
    page((200, 200, 200, 200, 200, 403, 302), "project-findings", "GET", "/projects/ALPHA/findings/"),
    page((200, 200, 403, 403, 200, 403, 302), "project-findings", "GET", "/projects/BETA/findings/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-audit-run", "POST", "/projects/ALPHA/findings/run/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-health-card", "GET", "/projects/ALPHA/health/card/"),
    # --- API ---
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/findings"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/findings", query="status=all&pack=hygiene",
        label="filtered"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/findings/{pk}", pk="finding"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/findings/{pk}", lambda ids: {"due": "2026-09-30"},
        pk="finding"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/findings/{pk}/waive",
        lambda ids: {"reason": "Baseline after the contract"}, pk="finding"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/audit-rules"),
    api((200, 200, 403, 403, 403, 403, 401), "PUT", "/audit-rules/{rule}",
        lambda ids: {"enabled": False}, rule="audit_rule"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/audits", lambda ids: {"project": "ALPHA"},
        label="one project"),
    api((202, 202, 403, 403, 403, 403, 401), "POST", "/audits", lambda ids: {}, label="all projects"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/audits/{pk}", pk="audit_run"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/health", code="alpha"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """An audit of ALPHA (its findings: no baseline, no status report …) and the run."""
    from kuroko.governance.models import Finding
    from kuroko.governance.services.audits import audit_run

    run = audit_run(trigger="cli", projects=[world.project], today=date(2026, 6, 10), notify_owners=False)
    finding = Finding.objects.filter(project=world.project, status="open").order_by("pk").first()
    assert finding is not None
    return {
        "finding": finding.pk,
        "finding_owner": finding.owner_id or "",
        "audit_run": run.pk,
        "audit_rule": "hygiene.budget",
    }
