"""The demo's phase gates (issue 8): decided reviews of finished phases (mostly go, one conditional go with
two actions, one no-go then go), open reviews with two approvers of whom one voted, an overdue gate, and
deliverable statuses that follow progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from kuroko.demo.generator import build_demo
from kuroko.governance.models import Deliverable, GateReview, Phase, ResultChoice
from kuroko.governance.selectors.gates import gate_status
from kuroko.projects.models import Project
from kuroko.raid.models import ActionItem

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo built once for the tests below, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(seed=2026, today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_reviews_tell_the_promised_stories(demo: None) -> None:
    """Mostly go; one conditional go with two actions; one no-go followed by a go on the same phase."""
    decisions = Counter(GateReview.objects.filter(status="decided").values_list("decision", flat=True))
    assert decisions["go"] > 10 and decisions["conditional"] == 1 and decisions["no_go"] == 1
    conditional = GateReview.objects.get(decision="conditional")
    assert conditional.actions.count() == 2 and conditional.conditions
    no_go = GateReview.objects.get(decision="no_go")
    later = GateReview.objects.filter(phase=no_go.phase, decision="go").get()
    assert later.decided_at > no_go.decided_at
    for review in GateReview.objects.filter(decision="go"):
        required = review.answers.filter(criterion__required=True)
        assert not required.exclude(result=ResultChoice.PASS).exists(), review


@pytest.mark.django_db
def test_demo_open_reviews_wait_for_one_of_two_approvers(demo: None) -> None:
    """Each open review has two approvers, one of whom has voted; the cells say "in review"."""
    open_reviews = list(GateReview.objects.filter(status="open"))
    assert open_reviews
    for review in open_reviews:
        votes = sorted(bool(d) for d in review.approvals.values_list("decision", flat=True))
        assert votes == [False, True]
    cells = gate_status(list(Project.objects.all()), today=TODAY)
    states = Counter(c.state for c in cells.values())
    assert states["in_review"] == len(open_reviews) and states["overdue"] >= 1


@pytest.mark.django_db
def test_demo_deliverables_follow_progress(demo: None) -> None:
    """Finished phases' deliverables are approved; phases after the current one wait; registers stay in
    their promised ranges (at most 20 action items per project)."""
    for phase in Phase.objects.select_related("task").filter(reviews__decision="go").distinct():
        assert not Deliverable.objects.filter(phase=phase).exclude(status="approved").exists(), phase
    assert Deliverable.objects.filter(status="pending").exists()
    assert max(Counter(ActionItem.objects.values_list("project_id", flat=True)).values()) <= 20
