"""Permission-matrix cases and fixture rows of the governance gates part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.

Readers of a project read its phases, deliverables and gate reviews; who edits it (the PM, the PMO)
manages phases, deliverables and criteria, opens reviews and answers criteria; the deliverable's owner
(member) submits it; the named approvers (pmo and executive) record their decisions — admin, though PMO,
is not one of them and records nobody's decision without naming the approver.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page

READ = (200, 200, 200, 200, 200, 403, 302)
MANAGE = (302, 302, 302, 403, 403, 403, 302)
API_READ = (200, 200, 200, 200, 200, 403, 401)


def _criterion(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "metric",
        "text": "",
        "metric": "spi",
        "operator": ">=",
        "threshold": "0.9",
        "required": "on",
    }


def _deliverable(ids: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Test plan", "phase": ids["gate_phase"], "owner": ids["member_person"], "due": "",
            "required": "on", "reference": "", "description": ""}  # fmt: skip


# fmt: off
CASES: list[Case] = [
    page(READ, "project-gates", "GET", "/projects/ALPHA/gates/"),
    page(READ, "project-gates", "GET", "/projects/ALPHA/gates/?edit=phase", label="edit"),
    page(READ, "project-gate-card", "GET", "/projects/ALPHA/gates/card/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-gates", "GET", "/governance/gates/"),
    page(READ, "phase-part", "GET", "/phases/{gate_phase}/"),
    page(MANAGE, "phase-create", "POST", "/projects/ALPHA/phases/add/",
         lambda ids: {"new-name": "Test", "new-task": "", "new-gate_date": "2026-09-30"}),
    page(MANAGE, "phase-edit", "POST", "/phases/{gate_phase}/edit/",
         lambda ids: {"name": "Basic design", "task": ids["gate_summary"], "gate_date": ""}),
    page(MANAGE, "phase-move", "POST", "/phases/{gate_phase}/move/", lambda ids: {"to": "down"}),
    page(MANAGE, "phase-delete", "POST", "/phases/{gate_spare_phase}/delete/"),
    page(MANAGE, "criterion-create", "POST", "/phases/{gate_phase}/criteria/add/", _criterion),
    page(MANAGE, "criterion-edit", "POST", "/gate-criteria/{gate_checklist}/edit/",
         lambda ids: {"kind": "checklist", "text": "Customer signed off", "required": ""}),
    page(MANAGE, "criterion-delete", "POST", "/gate-criteria/{gate_checklist}/delete/"),
    page(MANAGE, "deliverable-create", "POST", "/projects/ALPHA/deliverables/add/", _deliverable),
    page(MANAGE, "deliverable-edit", "POST", "/deliverables/{gate_deliverable}/edit/",
         lambda ids: {**_deliverable(ids), "name": "Basic design v2"}),
    page((302, 302, 302, 302, 403, 403, 302), "deliverable-status", "POST",
         "/deliverables/{gate_deliverable}/status/", lambda ids: {"status": "submitted"}),
    page(MANAGE, "deliverable-delete", "POST", "/deliverables/{gate_spare_deliverable}/delete/"),
    page((200, 200, 200, 403, 403, 403, 302), "gate-review-open", "GET", "/phases/{gate_next_phase}/review/"),
    page(MANAGE, "gate-review-open", "POST", "/phases/{gate_next_phase}/review/",
         lambda ids: {"planned_date": "2026-09-30", "approvers": [ids["member_person"]]}),
    page(READ, "gate-review", "GET", "/gate-reviews/{gate_review}/"),
    page(MANAGE, "gate-answer", "POST", "/gate-reviews/{gate_review}/answers/{gate_checklist}/",
         lambda ids: {"result": "pass", "comment": ""}),
    page((403, 302, 403, 403, 302, 403, 302), "gate-decide", "POST", "/gate-reviews/{gate_review}/decide/",
         lambda ids: {"decision": "no_go", "comment": "Not ready"}),
    page(MANAGE, "gate-review-refresh", "POST", "/gate-reviews/{gate_review}/refresh/", writes=False),
    page(MANAGE, "gate-review-cancel", "POST", "/gate-reviews/{gate_review}/cancel/"),
    api(API_READ, "GET", "/projects/{code}/phases", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/phases",
        lambda ids: {"name": "Operation"}, code="alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/phases/{phase_id}",
        lambda ids: {"gate_date": "2026-10-01"}, phase_id="gate_phase"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/phases/{phase_id}", phase_id="gate_spare_phase"),
    api(API_READ, "GET", "/projects/{code}/deliverables", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/deliverables",
        lambda ids: {"name": "Test plan", "phase_id": ids["gate_phase"]}, code="alpha"),
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/deliverables/{deliverable_id}",
        lambda ids: {"status": "submitted"}, deliverable_id="gate_deliverable"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/deliverables/{deliverable_id}",
        deliverable_id="gate_spare_deliverable"),
    api(API_READ, "GET", "/phases/{phase_id}/criteria", phase_id="gate_phase"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/phases/{phase_id}/criteria",
        lambda ids: {"kind": "checklist", "text": "Minutes shared"}, phase_id="gate_phase"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/gate-criteria/{criterion_id}",
        lambda ids: {"required": False}, criterion_id="gate_checklist"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/gate-criteria/{criterion_id}",
        criterion_id="gate_checklist"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/phases/{phase_id}/reviews",
        lambda ids: {"approvers": [ids["member_person"]]}, phase_id="gate_next_phase"),
    api(API_READ, "GET", "/gate-reviews/{review_id}", review_id="gate_review"),
    api((200, 200, 200, 403, 403, 403, 401), "PUT", "/gate-reviews/{review_id}/answers/{criterion_id}",
        lambda ids: {"result": "pass"}, review_id="gate_review", criterion_id="gate_checklist"),
    api((403, 200, 403, 403, 200, 403, 401), "POST", "/gate-reviews/{review_id}/decisions",
        lambda ids: {"decision": "no_go", "comment": "Not ready"}, review_id="gate_review"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/gate-reviews/{review_id}/refresh",
        review_id="gate_review", writes=False),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/gate-reviews/{review_id}/cancel",
        lambda ids: {"reason": "Postponed"}, review_id="gate_review"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """ALPHA's phases: "Design" (its summary task; a deliverable owned by the member, a spare one, a
    checklist item and a deliverable criterion; an open review with pmo and executive as approvers),
    "Build" (no review yet) and a spare phase to delete."""
    from kuroko.governance.services import gates as services

    admin = world.admin
    phase = services.phase_create(
        actor=admin, project=world.project, data={"name": "Design", "task": world.summary}
    )
    nxt = services.phase_create(actor=admin, project=world.project, data={"name": "Build"})
    spare_phase = services.phase_create(actor=admin, project=world.project, data={"name": "Spare"})
    deliverable = services.deliverable_create(
        actor=admin,
        project=world.project,
        data={"name": "Basic design", "phase": phase, "owner": world.member.person},
    )
    spare = services.deliverable_create(
        actor=admin, project=world.project, data={"name": "Spare", "phase": phase}
    )
    checklist = services.criterion_create(
        actor=admin, phase=phase, data={"kind": "checklist", "text": "Customer signed off"}
    )
    services.criterion_create(
        actor=admin, phase=phase, data={"kind": "deliverable", "deliverable": deliverable}
    )
    review = services.gate_review_open(
        actor=admin, phase=phase, planned_date=None, approvers=[world.pmo.person, world.executive.person]
    )
    return {
        "gate_phase": phase.pk,
        "gate_next_phase": nxt.pk,
        "gate_spare_phase": spare_phase.pk,
        "gate_summary": world.summary.pk,
        "gate_deliverable": deliverable.pk,
        "gate_spare_deliverable": spare.pk,
        "gate_checklist": checklist.pk,
        "gate_review": review.pk,
    }
