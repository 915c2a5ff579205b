"""Risk register services and selectors: numbering, scoring, the rules of a risk, permissions, reviews,
closing, heat map counts, top risks, overdue reviews and the trend rebuilt from the history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kuroko.core.versioning import ConflictError
from kuroko.raid import selectors, services
from kuroko.raid.models import Risk, RiskMatrix
from kuroko.raid.selectors.risks import RiskFilter, heat_map, risk_trend, visible_risks

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 10)


def add(world, **data):
    """A risk on ALPHA added by its PM."""
    values = {"title": "Vendor late", "probability": 3, "impact_schedule": 4, **data}
    tasks = values.pop("tasks", None)
    return services.risk_create(actor=world.pm, project=world.project, data=values, tasks=tasks, today=TODAY)


def test_create_numbers_and_scores(world):
    """Risks are numbered per project and scored probability × largest impact with the cell's level."""
    first = add(world)
    second = add(world, title="Key person leaves", probability=5, impact_cost=5, impact_quality=2)
    other = services.risk_create(actor=world.admin, project=world.other, data={"title": "X"}, today=TODAY)
    assert (first.code, second.code, other.code) == ("R-001", "R-002", "R-001")
    assert (first.score, first.level) == (12, "high")
    assert (second.score, second.level) == (25, "critical")
    assert first.raised_by == world.pm.person
    assert first.next_review == TODAY + timedelta(days=14)


def test_member_raises_executive_cannot(world):
    """Team members raise risks on their project; executives and outsiders cannot."""
    risk = services.risk_create(actor=world.member, project=world.project, data={"title": "Flaky tests"})
    assert risk.pk
    for user in (world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            services.risk_create(actor=user, project=world.project, data={"title": "No"})


BAD = [
    # probability outside 1…size
    ({"probability": 0}, "probability"),
    ({"probability": 6}, "probability"),
    # an impact outside 0…size
    ({"impact_cost": 6}, "impact_cost"),
    # a strategy for opportunities on a threat
    ({"strategy": "exploit"}, "strategy"),
    # a threat's strategy on an opportunity
    ({"kind": "opportunity", "strategy": "avoid"}, "strategy"),
    # probability above 100 %
    ({"probability_percent": Decimal("120")}, "probability_percent"),
    # most likely cost below the minimum
    ({"cost_min": 5, "cost_most_likely": 3, "cost_max": 9}, "cost_min"),
    # maximum schedule impact below the most likely
    (
        {"schedule_min_minutes": 60, "schedule_most_likely_minutes": 480, "schedule_max_minutes": 240},
        "schedule_max_minutes",
    ),
    # only one of the three cost figures
    ({"cost_most_likely": 3}, "cost_min"),
    # a residual probability without a residual impact
    ({"residual_probability": 2}, "residual_impact"),
    # an empty title
    ({"title": "  "}, "title"),
]


@pytest.mark.parametrize(("data", "field"), BAD)
def test_bad_risks_are_refused_naming_the_field(world, data, field):
    """Every rule refuses with a message on its field, and nothing is written."""
    with pytest.raises(ValidationError) as caught:
        add(world, **data)
    assert field in caught.value.message_dict
    assert not Risk.objects.exists()


def test_affected_tasks_must_be_leaf_tasks_of_the_project(world):
    """A summary task or another project's task is refused; leaf tasks of the project are linked."""
    for task in (world.summary, world.other_task):
        with pytest.raises(ValidationError) as caught:
            add(world, tasks=[task.pk])
        assert "tasks" in caught.value.message_dict
    assert not Risk.objects.exists()
    risk = add(world, tasks=[world.owned_task.pk, world.plain_task.pk])
    assert sorted(t.pk for t in risk.tasks.all()) == sorted([world.owned_task.pk, world.plain_task.pk])


def test_update_checks_version_and_rescores(world):
    """An update with the version read re-scores; a stale version is a conflict naming the field."""
    risk = add(world)
    updated = services.risk_update(
        actor=world.pm, risk=risk, data={"probability": 5}, expected_version=risk.version
    )
    assert (updated.score, updated.level, updated.version) == (20, "critical", 2)
    with pytest.raises(ConflictError) as caught:
        services.risk_update(actor=world.pm, risk=risk, data={"title": "Old"}, expected_version=1)
    assert "probability" in [c.field for c in caught.value.changes]


def test_owner_edits_their_risk_only(world):
    """The member edits the risk they own, not another one; the executive edits nothing."""
    theirs = add(world, owner=world.member.person)
    other = add(world, title="Other")
    services.risk_update(
        actor=world.member, risk=theirs, data={"status": "responding"}, expected_version=None
    )
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=world.member, risk=other, data={"title": "x"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=world.executive, risk=theirs, data={"title": "x"}, expected_version=None)


def test_closing_sets_closed_on_and_reopening_clears_it(world):
    """Status closed records the day; open again clears it."""
    risk = add(world)
    closed = services.risk_update(
        actor=world.pm, risk=risk, data={"status": "closed"}, expected_version=None, today=TODAY
    )
    assert closed.closed_on == TODAY
    reopened = services.risk_update(actor=world.pm, risk=risk, data={"status": "open"}, expected_version=None)
    assert reopened.closed_on is None


def test_mark_reviewed_moves_the_next_review(world):
    """Reviewing sets last reviewed today and the next review after the matrix's interval."""
    matrix = RiskMatrix.current()
    matrix.review_days = 30
    matrix.save()
    risk = add(world)
    reviewed = services.risk_mark_reviewed(actor=world.pm, risk=risk, today=date(2026, 7, 1))
    assert reviewed.last_reviewed == date(2026, 7, 1)
    assert reviewed.next_review == date(2026, 7, 31)
    with pytest.raises(PermissionDenied):
        services.risk_mark_reviewed(actor=world.executive, risk=risk)


def test_delete_is_for_project_editors(world):
    """The owner may edit but not delete; the PM deletes."""
    risk = add(world, owner=world.member.person)
    with pytest.raises(PermissionDenied):
        services.risk_delete(actor=world.member, risk=risk)
    services.risk_delete(actor=world.pm, risk=risk)
    assert not Risk.objects.exists()


def test_register_filters(world):
    """Status (open by default), level, text, owner, overdue and a heat-map cell filter the register."""
    a = add(world, title="Vendor late", probability=5, impact_cost=5, owner=world.member.person)
    b = add(world, title="Server budget", probability=1, impact_cost=2, next_review=date(2026, 6, 1))
    c = add(world, title="Closed one")
    services.risk_update(actor=world.pm, risk=c, data={"status": "closed"}, expected_version=None)

    def codes(**f):
        rows = selectors.project_risks(world.pm, world.project, RiskFilter(**f), today=TODAY)
        return [r.code for r in rows]

    assert codes() == [a.code, b.code]  # open ones, by score
    assert codes(status=["closed"]) == [c.code]
    assert codes(all_statuses=True, sort="number") == [a.code, b.code, c.code]
    assert codes(level=["critical"]) == [a.code]
    assert codes(q="budget") == [b.code]
    assert codes(q="R-001") == [a.code]
    assert codes(owner=world.member.person.pk) == [a.code]
    assert codes(overdue=True) == [b.code]
    assert codes(probability=5, impact=5) == [a.code]
    assert codes(sort="review") == [a.code, b.code] or codes(sort="review")[0] == b.code


def test_project_risks_refuses_hidden_project(world):
    """The outsider cannot read ALPHA's register."""
    with pytest.raises(PermissionDenied):
        selectors.project_risks(world.outsider, world.project)


def test_heat_map_counts_open_risks_per_cell(world):
    """Each cell counts the open risks at (probability, largest impact); closed and no-impact apart."""
    add(world, probability=4, impact_cost=2, impact_schedule=5)
    add(world, probability=4, impact_schedule=5)
    add(world, probability=2, impact_schedule=0)
    closed = add(world, probability=1, impact_schedule=1)
    services.risk_update(actor=world.pm, risk=closed, data={"status": "closed"}, expected_version=None)
    heat = heat_map(Risk.objects.filter(project=world.project))
    assert heat.count(4, 5) == 2
    assert heat.count(1, 1) == 0
    assert (heat.total, heat.no_impact) == (2, 1)
    assert heat.rows[0][4].level == "critical"  # top row is probability 5


def test_top_risks_and_visibility(world):
    """Top risks: highest score first, then exposure; only projects the user may read."""
    add(world, title="Low", probability=1, impact_cost=1)
    cheap = add(world, title="Cheap", probability=3, impact_cost=3, probability_percent=10,
                cost_min=1, cost_most_likely=1, cost_max=1)  # fmt: skip
    dear = add(world, title="Dear", probability=3, impact_cost=3, probability_percent=50,
               cost_min=100, cost_most_likely=1000, cost_max=2000)  # fmt: skip
    services.risk_create(actor=world.admin, project=world.other, data={"title": "Beta", "probability": 5,
                         "impact_cost": 5})  # fmt: skip
    top = selectors.top_risks(world.pm)
    assert [r.title for r in top] == ["Dear", "Cheap", "Low"]
    assert top[0].exposure == Decimal("500.00")
    assert dear.pk != cheap.pk
    assert selectors.top_risks(world.admin)[0].title == "Beta"
    assert selectors.top_risks(world.outsider) == []


def test_due_for_review(world):
    """Overdue: next review past, or none set and not reviewed within the interval (by raised date)."""
    past = add(world, title="Past", next_review=date(2026, 6, 1))
    add(world, title="Future", next_review=date(2026, 7, 1))
    never = add(world, title="Never")
    Risk.objects.filter(pk=never.pk).update(next_review=None, raised_on=date(2026, 4, 1))
    recent = add(world, title="Recent")
    Risk.objects.filter(pk=recent.pk).update(next_review=None, raised_on=date(2026, 6, 5))
    due = selectors.risks_due_for_review(world.pm, today=TODAY)
    assert [r.title for r in due] == ["Never", "Past"]
    assert past.pk in {r.pk for r in due}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_trend_rebuilt_from_history(world, django_assert_max_num_queries):
    """Past weeks show the scores as they were then (not today's); closed and deleted risks leave the
    count; the trend costs a fixed number of queries, not one per risk or week."""
    today = date(2026, 6, 10)  # a Wednesday: weeks start 2026-06-08, 06-01, 05-25
    risk = add(world, probability=2, impact_cost=2, impact_schedule=0)  # score 4, low
    other = add(world, probability=5, impact_cost=5)  # score 25, critical
    history = Risk.history.model
    history.objects.filter(id=risk.pk).update(history_date=_at(date(2026, 5, 26)))
    history.objects.filter(id=other.pk).update(history_date=_at(date(2026, 6, 2)))
    services.risk_update(actor=world.pm, risk=risk, data={"probability": 5}, expected_version=None)
    history.objects.filter(id=risk.pk, probability=5).update(history_date=_at(date(2026, 6, 3)))
    for n in range(20):  # more risks must not mean more queries
        filler = add(world, title=f"Filler {n}", probability=1, impact_cost=1, impact_schedule=0)
        history.objects.filter(id=filler.pk).update(history_date=_at(date(2026, 6, 9)))
    other_id = other.pk  # (delete() clears it)
    services.risk_delete(actor=world.pm, risk=other)
    history.objects.filter(id=other_id, history_type="-").update(history_date=_at(date(2026, 6, 9)))
    with django_assert_max_num_queries(3):
        points = risk_trend(world.pm, today=today, weeks=3)
    assert [p.week for p in points] == [date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]
    assert (points[0].score, points[0].counts["low"]) == (4, 1)
    # Week of 1 June: risk now 5×2 = 10 (high), the other 25 (critical).
    assert (points[1].score, points[1].counts["high"], points[1].counts["critical"]) == (35, 1, 1)
    # This week: the other deleted; 20 fillers of score 1 added.
    assert (points[2].score, points[2].counts["critical"], points[2].total) == (30, 0, 21)
    assert risk_trend(world.outsider, today=today, weeks=3)[2].total == 0


def test_visible_risks_scope(world):
    """Program and project narrow the portfolio reads."""
    add(world)
    services.risk_create(actor=world.admin, project=world.other, data={"title": "B"})
    assert visible_risks(world.admin).count() == 2
    assert visible_risks(world.admin, project="BETA").count() == 1
    assert visible_risks(world.admin, program="NOPE").count() == 0
    assert visible_risks(world.member).count() == 1


def test_history_records_hold_consistent_scores_when_tasks_change(world):
    """Changing the probability and the affected tasks together: every history record's score is its
    probability × impact (the link change is recorded after the re-score)."""
    risk = add(world, probability=2, impact_schedule=2)
    services.risk_update(
        actor=world.pm, risk=risk, data={"probability": 5}, tasks=[world.owned_task.pk], expected_version=None
    )
    records = list(Risk.history.model.objects.filter(id=risk.pk))
    assert len(records) >= 2
    for record in records:
        impact = max(record.impact_cost, record.impact_schedule, record.impact_quality)
        assert record.score == record.probability * impact
