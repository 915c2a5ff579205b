"""The demo's risk registers (kuroko.demo.raid_risks), read from one shared demo build."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from kuroko.core.models import User
from kuroko.demo.generator import DemoSummary, build_demo
from kuroko.demo.project_specs import PROJECTS
from kuroko.projects.models import Project, TaskKind
from kuroko.raid.models import Risk, RiskStatus
from kuroko.raid.selectors.risks import risk_trend, risks_due_for_review, strategies_for

TODAY = date(2026, 6, 15)  # a Monday
JAPANESE = re.compile(r"[ぁ-んァ-ン一-龥]")


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo built once for the tests below, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = build_demo(seed=2026, today=TODAY)
        yield summary
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_active_project_has_a_register_in_its_language(demo: DemoSummary) -> None:
    """6–12 risks on each active project: Japanese titles on Japanese projects, English on English ones."""
    languages = {spec.code: spec.lang for spec in PROJECTS}
    active = list(Project.objects.filter(status="active"))
    assert active
    for project in active:
        risks = list(Risk.objects.filter(project=project))
        assert 6 <= len(risks) <= 12, project.code
        japanese = [bool(JAPANESE.search(r.title)) for r in risks]
        assert all(japanese) if languages[project.code] == "ja" else not any(japanese), project.code
        assert sorted(r.number for r in risks) == list(range(1, len(risks) + 1))
    assert not Risk.objects.exclude(project__status="active").exists()


@pytest.mark.django_db
def test_demo_risks_are_valid_and_varied(demo: DemoSummary) -> None:
    """Risks spread over the matrix; strategies fit their kind; quantitative ones point at open leaf
    tasks of their project with min ≤ most likely ≤ max; some are closed, some overdue for review."""
    risks = list(Risk.objects.prefetch_related("tasks"))
    assert len({(r.probability, r.impact) for r in risks}) >= 10
    assert {r.level for r in risks} >= {"low", "medium", "high", "critical"}
    for r in risks:
        assert r.score == r.probability * r.impact
        assert not r.strategy or r.strategy in strategies_for(r.kind), r
        if r.cost_most_likely is not None:
            assert r.cost_min <= r.cost_most_likely <= r.cost_max
        for task in r.tasks.all():
            assert task.project_id == r.project_id and task.kind == TaskKind.TASK
    assert sum(1 for r in risks if r.tasks.all() and r.probability_percent) >= 5
    assert sum(1 for r in risks if r.status == RiskStatus.CLOSED and r.closed_on) >= 2
    assert sum(1 for r in risks if r.residual_score is not None) >= 5
    pmo = User.objects.get(username="pmo")
    assert len(risks_due_for_review(pmo, today=TODAY)) >= 3


@pytest.mark.django_db
def test_demo_trend_moves_over_the_weeks(demo: DemoSummary) -> None:
    """The history is dated in the past: the trend grows from few open risks half a year ago to today's."""
    pmo = User.objects.get(username="pmo")
    points = risk_trend(pmo, today=TODAY)
    assert points[0].total < points[-1].total
    assert points[-1].total == Risk.objects.filter(status__in=["open", "responding"]).count()
    assert len({p.score for p in points}) >= 5
