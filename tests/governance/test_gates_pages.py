"""Phase-gate pages: the project's phases edited in place (htmx), opening and deciding a review, the
project page's card, the portfolio's gate cells and the portfolio gates page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from kuroko.governance.models import GateCriterion, GateReview, GateReviewStatus
from kuroko.governance.services import gates as services
from kuroko.raid.models import ActionItem
from tests.conftest import signed_in
from tests.governance.test_gates import TODAY, make_gate

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_gates_page_lists_phases_with_state_and_criteria(world):
    """Each phase shows its gate date, state, criteria and deliverables; readers see no edit buttons."""
    make_gate(world)
    page = signed_in(world.pm).get("/projects/ALPHA/gates/").content.decode()
    assert "Design" in page and "upcoming" in page and "Customer signed off" in page
    assert "Basic design document" in page and "Open gate review" in page
    member_page = signed_in(world.member).get("/projects/ALPHA/gates/").content.decode()
    assert "Open gate review" not in member_page and "Submit" in member_page  # the owner submits


def _phases_with_gates(world, count, start=0):
    for n in range(start, start + count):
        phase = services.phase_create(actor=world.pm, project=world.project, data={"name": f"P{n}"})
        d = services.deliverable_create(
            actor=world.pm, project=world.project, data={"name": f"D{n}", "phase": phase.pk}
        )
        services.criterion_create(
            actor=world.pm, phase=phase, data={"kind": "deliverable", "deliverable": d.pk}
        )
        services.criterion_create(actor=world.pm, phase=phase, data={"kind": "checklist", "text": "ok"})


def test_gates_page_queries_do_not_grow_with_phases(world, django_assert_max_num_queries):
    """The gates page of a PM costs as many queries with 6 phases as with 2."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _phases_with_gates(world, 2)
    client = signed_in(world.pm)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/projects/ALPHA/gates/").status_code == 200
    _phases_with_gates(world, 4, start=2)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/projects/ALPHA/gates/")
    assert page.status_code == 200 and "P5" in page.content.decode()


def test_inline_criterion_edit_shows_errors_in_the_phase_and_saves(world):
    """GET ?edit=criterion-N answers the phase with the form; a bad POST is 422 with the message; a good
    one answers the phase with the new text."""
    phase, _spec = make_gate(world)
    client = signed_in(world.pm)
    metric = GateCriterion.objects.get(kind="metric")
    form = client.get(f"/phases/{phase.pk}/?edit=criterion-{metric.pk}", **HTMX).content.decode()
    assert f'hx-post="/gate-criteria/{metric.pk}/edit/"' in form
    bad = client.post(
        f"/gate-criteria/{metric.pk}/edit/",
        {"kind": "metric", "metric": "spi", "operator": ">=", "threshold": "", "required": "on"},
        **HTMX,
    )
    assert bad.status_code == 422 and "Give the threshold" in bad.content.decode()
    good = client.post(
        f"/gate-criteria/{metric.pk}/edit/",
        {
            "kind": "metric",
            "metric": "spi",
            "operator": ">=",
            "threshold": "0.95",
            "required": "on",
            "text": "",
        },
        **HTMX,
    )
    assert good.status_code == 200 and f'id="phase-{phase.pk}"' in good.content.decode()
    metric.refresh_from_db()
    assert metric.threshold == Decimal("0.95") and metric.text.endswith("≥ 0.95")


def test_deliverable_submitted_in_place_by_its_owner(world):
    """The owner's Submit answers the phase section with the new status."""
    _phase, spec = make_gate(world)
    response = signed_in(world.member).post(
        f"/deliverables/{spec.pk}/status/", {"status": "submitted"}, **HTMX
    )
    assert response.status_code == 200 and "Submitted" in response.content.decode()
    refused = signed_in(world.member).post(
        f"/deliverables/{spec.pk}/status/", {"status": "submitted"}, **HTMX
    )
    assert refused.status_code == 409 and "Only a pending deliverable" in refused.content.decode()


def test_open_review_then_decide_conditional_go_on_the_page(world):
    """The PM opens a review naming the PMO; the PMO records a conditional go with an action; the project
    card and the portfolio cell show the decision."""
    phase, _spec = make_gate(world)
    pm = signed_in(world.pm)
    form = pm.get(f"/phases/{phase.pk}/review/").content.decode()
    assert f'<option value="{world.pmo.person.pk}"' in form  # the approvers to choose from
    response = pm.post(
        f"/phases/{phase.pk}/review/", {"planned_date": TODAY.isoformat(), "approvers": [world.pmo.person.pk]}
    )
    review = GateReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/gate-reviews/{review.pk}/"
    pmo = signed_in(world.pmo)
    page = pmo.get(f"/gate-reviews/{review.pk}/").content.decode()
    assert "Your decision" in page and "required criteria are not met" in page
    refused = pmo.post(f"/gate-reviews/{review.pk}/decide/", {"decision": "go"})
    assert refused.status_code == 409 and "Customer signed off" in refused.content.decode()
    due = (TODAY + timedelta(days=7)).isoformat()
    decided = pmo.post(
        f"/gate-reviews/{review.pk}/decide/",
        {"decision": "conditional", "conditions": "Sign-off by Friday", "action_1_title": "Get the sign-off",
         "action_1_owner": world.pm.person.pk, "action_1_due": due},
    )  # fmt: skip
    assert decided.status_code == 302
    review.refresh_from_db()
    assert review.status == GateReviewStatus.DECIDED and review.decision == "conditional"
    assert ActionItem.objects.get().title == "Get the sign-off"
    card = pm.get("/projects/ALPHA/gates/card/").content.decode()
    assert 'id="gate-card"' in card and "conditional" in card and "Design" in card
    cells = pm.get("/portfolio/governance/?code=ALPHA").content.decode()
    assert 'class="gate gate-conditional"' in cells and "Design: conditional" in cells


def test_answer_override_without_comment_is_a_message(world):
    """Overriding an automatic answer without a comment changes nothing and says why."""
    phase, _spec = make_gate(world)
    review = services.gate_review_open(
        actor=world.pm, phase=phase, planned_date=None, approvers=[world.pmo.person]
    )
    criterion = GateCriterion.objects.get(kind="deliverable")
    client = signed_in(world.pm)
    response = client.post(
        f"/gate-reviews/{review.pk}/answers/{criterion.pk}/", {"result": "pass"}, follow=True
    )
    assert "say why you override it" in response.content.decode()
    assert review.answers.get(criterion=criterion).result == "fail"


def test_portfolio_gates_groups_and_filters_in_bounded_queries(world, django_assert_max_num_queries):
    """Overdue, in review and upcoming sections; the state filter; a bounded number of queries."""
    from django.utils import timezone

    from tests.factories import ProjectFactory

    today = timezone.localdate()
    for i in range(20):
        project = ProjectFactory(code=f"Q{i:02}", status="active")
        for n in range(3):
            services.phase_create(
                actor=world.admin,
                project=project,
                data={"name": f"Phase {n}", "gate_date": today + timedelta(days=n * 25 - 10)},
            )
    client = signed_in(world.pmo)
    with django_assert_max_num_queries(14):
        page = client.get("/governance/gates/").content.decode()
    assert 'id="gates-overdue"' in page and "Q07" in page
    assert page.count("gate gate-overdue") == 20 and page.count("gate gate-upcoming") == 20
    only = client.get("/governance/gates/?state=in_review", **HTMX).content.decode()
    assert "Q07" not in only
