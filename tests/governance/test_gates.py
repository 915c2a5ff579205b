"""Phases, deliverables, gate criteria and gate reviews (issue 8, phase gates): the services' rules,
automatic evaluation, the combined decision, notifications and the gate status of projects."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kuroko.core.models import Notification
from kuroko.governance.models import (
    DefectSeverity,
    GateDecision,
    GateReviewStatus,
    Phase,
    ResultChoice,
)
from kuroko.governance.selectors import gates as selectors
from kuroko.governance.services import gates as services
from kuroko.projects import services as project_services
from kuroko.raid.models import ActionItem
from kuroko.raid.services.registers import Refused

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def make_gate(world, *, criteria=True):
    """ALPHA's phase "Design" (its summary task) with a deliverable, a checklist item, a deliverable
    criterion and a metric criterion (open severity-1 defects = 0)."""
    phase = services.phase_create(
        actor=world.pm, project=world.project, data={"name": "Design", "task": world.summary}
    )
    spec = services.deliverable_create(
        actor=world.pm,
        project=world.project,
        data={"name": "Basic design document", "phase": phase, "owner": world.member.person},
    )
    if criteria:
        services.criterion_create(
            actor=world.pm, phase=phase, data={"kind": "checklist", "text": "Customer signed off"}
        )
        services.criterion_create(
            actor=world.pm, phase=phase, data={"kind": "deliverable", "deliverable": spec}
        )
        services.criterion_create(
            actor=world.pm,
            phase=phase,
            data={"kind": "metric", "metric": "open_defects_sev1", "operator": "=", "threshold": "0"},
        )
    return phase, spec


def open_review(world, phase, approvers=None):
    people = approvers or [world.pmo.person, world.executive.person]
    return services.gate_review_open(
        actor=world.pm, phase=phase, planned_date=TODAY, approvers=people, as_of=TODAY
    )


def answers(review):
    return {a.criterion.kind: a for a in review.answers.select_related("criterion")}


# --- Phases, deliverables, criteria ----------------------------------------------------------------


def test_phases_are_numbered_in_order_and_gate_date_follows_the_summary_task(world):
    """New phases go last; without a gate date the gate is due when the summary task finishes."""
    design, _spec = make_gate(world, criteria=False)
    build = services.phase_create(actor=world.pm, project=world.project, data={"name": "Build"})
    assert (design.number, build.number) == (1, 2)
    world.summary.refresh_from_db()
    assert selectors.gate_date(design) == world.summary.planned_finish
    services.phase_update(actor=world.pm, phase=design, data={"gate_date": date(2026, 7, 1)})
    design.refresh_from_db()
    assert selectors.gate_date(design) == date(2026, 7, 1)
    services.phase_reorder(actor=world.pm, project=world.project, order=[build.pk, design.pk])
    assert list(Phase.objects.values_list("name", "number")) == [("Build", 1), ("Design", 2)]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "  "}, "name"),  # a blank name
        ({"name": "X", "task": "plain"}, "task"),  # a work task, not a summary task
        ({"name": "X", "task": "beta"}, "task"),  # a task of another project
        ({"name": "X", "task": 999999}, "task"),  # no such task
    ],
)
def test_invalid_phases_are_refused_naming_the_field(world, data, field):
    """Bad phase input names its field and writes nothing."""
    tasks = {"plain": world.plain_task.pk, "beta": world.other_task.pk}
    data = {k: tasks.get(v, v) if k == "task" else v for k, v in data.items()}
    with pytest.raises(ValidationError) as info:
        services.phase_create(actor=world.pm, project=world.project, data=data)
    assert field in info.value.message_dict
    assert not Phase.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "metric", "metric": "nonsense", "operator": ">=", "threshold": "1"}, "metric"),  # unknown
        ({"kind": "metric", "metric": "spi", "operator": "", "threshold": "1"}, "operator"),  # no operator
        ({"kind": "metric", "metric": "spi", "operator": ">="}, "threshold"),  # no threshold
        (
            {"kind": "metric", "metric": "spi", "operator": ">=", "threshold": "abc"},
            "threshold",
        ),  # not a number
        ({"kind": "deliverable"}, "deliverable"),  # no deliverable
        ({"kind": "checklist", "text": " "}, "text"),  # no question
        ({"kind": "other", "text": "x"}, "kind"),  # unknown kind
    ],
)
def test_invalid_criteria_are_refused_naming_the_field(world, data, field):
    """A metric criterion needs a known metric, an operator and a threshold; a deliverable one its
    deliverable; a checklist item its text."""
    phase, _spec = make_gate(world, criteria=False)
    with pytest.raises(ValidationError) as info:
        services.criterion_create(actor=world.pm, phase=phase, data=data)
    assert field in info.value.message_dict
    assert not phase.criteria.exists()


def test_criterion_words_itself_from_its_metric_or_deliverable(world):
    """An empty text is worded from the metric and threshold, or the deliverable."""
    phase, spec = make_gate(world, criteria=False)
    metric = services.criterion_create(
        actor=world.pm,
        phase=phase,
        data={"kind": "metric", "metric": "spi", "operator": ">=", "threshold": "0.90"},
    )
    deliverable = services.criterion_create(
        actor=world.pm, phase=phase, data={"kind": "deliverable", "deliverable": spec.pk}
    )
    assert metric.text == "Schedule performance index (SPI) ≥ 0.9"
    assert deliverable.text == "Basic design document approved"


def test_deliverable_workflow_records_who_approved(world):
    """The owner submits; only an editor approves (recorded); the owner cannot approve; a submitted
    deliverable cannot be submitted again."""
    _phase, spec = make_gate(world, criteria=False)
    with pytest.raises(PermissionDenied):
        services.deliverable_set_status(actor=world.outsider, deliverable=spec, status="submitted")
    spec = services.deliverable_set_status(actor=world.member, deliverable=spec, status="submitted")
    assert spec.submitted_at is not None
    with pytest.raises(Refused):
        services.deliverable_set_status(actor=world.member, deliverable=spec, status="submitted")
    with pytest.raises(PermissionDenied):
        services.deliverable_set_status(actor=world.member, deliverable=spec, status="approved")
    spec = services.deliverable_set_status(actor=world.pmo, deliverable=spec, status="approved")
    assert spec.approved_by == world.pmo
    spec = services.deliverable_set_status(actor=world.pm, deliverable=spec, status="pending")
    assert spec.approved_by is None and spec.submitted_at is None


def test_member_and_executive_cannot_manage_phases(world):
    """Only who edits the project adds phases, deliverables and criteria."""
    for user in (world.member, world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            services.phase_create(actor=user, project=world.project, data={"name": "X"})


# --- Reviews ----------------------------------------------------------------------------------------


def test_opening_a_review_evaluates_what_kuroko_knows_and_tells_the_approvers(world):
    """Deliverable → not met while pending (evidence: status, owner); metric → the value compared; checklist
    → for the reviewers; each approver with an account is notified."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    got = answers(review)
    assert got["deliverable"].result == ResultChoice.FAIL and got["deliverable"].automatic
    assert got["deliverable"].evidence["status"] == "pending"
    assert got["deliverable"].evidence["owner"] == str(world.member.person)
    assert got["metric"].result == ResultChoice.PASS and got["metric"].value == Decimal(0)
    assert got["metric"].evidence == {
        "metric": "open_defects_sev1", "value": "0", "operator": "=", "threshold": "0", "as_of": "2026-06-01",
    }  # fmt: skip
    assert got["checklist"].result == ResultChoice.UNKNOWN and not got["checklist"].automatic
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"pmo", "executive"}
    assert Notification.objects.filter(url=f"/gate-reviews/{review.pk}/").count() == 2


@pytest.mark.parametrize(
    ("approvers", "field"),
    [
        ([], "approvers"),  # nobody
        (["pmo", "pmo"], "approvers"),  # the same approver twice
        ([999999], "approvers"),  # no such person
    ],
)
def test_review_needs_distinct_approvers(world, approvers, field):
    """At least one approver, each once."""
    phase, _spec = make_gate(world)
    people = [world.pmo.person if a == "pmo" else a for a in approvers]
    with pytest.raises(ValidationError) as info:
        services.gate_review_open(actor=world.pm, phase=phase, planned_date=None, approvers=people)
    assert field in info.value.message_dict
    assert not phase.reviews.exists()


def test_one_open_review_per_phase(world):
    """A second review is refused while one is open; after cancelling, a new one opens."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    with pytest.raises(Refused):
        open_review(world, phase)
    services.gate_review_cancel(actor=world.pm, review=review)
    assert open_review(world, phase).status == GateReviewStatus.OPEN


def test_refresh_reevaluates_automatic_answers_but_keeps_reviewers_answers(world):
    """Approving the deliverable and fixing data turn automatic answers; a manual answer stays."""
    phase, spec = make_gate(world)
    review = open_review(world, phase)
    checklist = answers(review)["checklist"]
    services.gate_answer(actor=world.pm, answer=checklist, result="pass", comment="Signed 5/28")
    services.deliverable_set_status(actor=world.pm, deliverable=spec, status="approved")
    from kuroko.governance.models import Defect

    Defect.objects.create(
        project=world.project,
        phase_found=phase,
        key="D-1",
        title="Crash",
        severity=DefectSeverity.CRITICAL,
        found_on=TODAY,
    )
    services.gate_review_refresh(actor=world.pm, review=review, as_of=TODAY)
    got = answers(review)
    assert got["deliverable"].result == ResultChoice.PASS
    assert got["metric"].result == ResultChoice.FAIL and got["metric"].evidence["value"] == "1"
    assert got["checklist"].result == ResultChoice.PASS and got["checklist"].comment == "Signed 5/28"


def test_overriding_an_automatic_answer_needs_a_comment(world):
    """Without a comment the override is refused on the comment; with one it is no longer automatic."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    deliverable = answers(review)["deliverable"]
    with pytest.raises(ValidationError) as info:
        services.gate_answer(actor=world.pm, answer=deliverable, result="pass")
    assert "comment" in info.value.message_dict
    saved = services.gate_answer(
        actor=world.pm, answer=deliverable, result="pass", comment="Approved on paper"
    )
    assert not saved.automatic and saved.answered_by == world.pm


def test_go_is_refused_while_required_criteria_are_open_and_names_them(world):
    """'Go' names the criteria not met or not answered."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    with pytest.raises(Refused) as info:
        services.gate_approve(actor=world.pmo, review=review, decision="go")
    message = " ".join(info.value.messages)
    assert "Customer signed off" in message and "Basic design document approved" in message
    assert "open_defects" not in message  # the metric is met


@pytest.mark.parametrize(
    ("decision", "extra", "field"),
    [
        ("conditional", {"actions": [{"title": "Fix", "owner": "member", "due_date": TODAY}]},
         "conditions"),  # actions but no conditions
        ("conditional", {"conditions": "Fix the index"}, "actions"),  # no action
        ("conditional", {"conditions": "Fix",
                         "actions": [{"title": "Fix", "owner": None, "due_date": TODAY}]},
         "actions"),  # an action without owner
        ("no_go", {}, "comment"),  # a no-go without a reason
        ("maybe", {}, "decision"),  # not a decision
    ],
)  # fmt: skip
def test_decisions_need_what_they_promise(world, decision, extra, field):
    """Conditional go: conditions and complete actions; no-go: a comment. Nothing is written otherwise."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    for action in extra.get("actions", []):
        if action["owner"] == "member":
            action["owner"] = world.member.person
    with pytest.raises(ValidationError) as info:
        services.gate_approve(actor=world.pmo, review=review, decision=decision, **extra)
    assert field in info.value.message_dict
    assert not ActionItem.objects.exists()
    assert not review.approvals.exclude(decision="").exists()


def test_only_named_approvers_decide_and_the_pmo_may_record_for_an_absent_one(world):
    """The PM is not an approver; the PMO records the executive's vote, noted as such."""
    phase, _spec = make_gate(world)
    review = open_review(world, phase)
    with pytest.raises(PermissionDenied):
        services.gate_approve(actor=world.pm, review=review, decision="no_go", comment="No")
    with pytest.raises(PermissionDenied):
        services.gate_approve(
            actor=world.member, review=review, decision="no_go", comment="No", approver=world.executive.person
        )
    services.gate_approve(
        actor=world.pmo,
        review=review,
        decision="no_go",
        comment="Absent, by phone",
        approver=world.executive.person,
    )
    vote = review.approvals.get(person=world.executive.person)
    assert vote.decision == "no_go" and vote.comment == f"Absent, by phone (recorded by {world.pmo.person})"
    review.refresh_from_db()
    assert review.status == GateReviewStatus.OPEN  # the PMO's own vote is still missing


def test_conditional_go_creates_actions_and_the_review_is_decided_when_all_voted(world):
    """Conditional go (by the executive, who may not raise actions) creates linked action items; when the
    last approver votes the review is decided (conditional wins over go), frozen, and the PM told."""
    phase, spec = make_gate(world)
    review = open_review(world, phase)
    services.gate_answer(actor=world.pm, answer=answers(review)["checklist"], result="pass")
    services.deliverable_set_status(actor=world.pm, deliverable=spec, status="approved")
    services.gate_review_refresh(actor=world.pm, review=review, as_of=TODAY)
    Notification.objects.all().delete()
    services.gate_approve(
        actor=world.executive,
        review=review,
        decision="conditional",
        conditions="Performance test before build",
        actions=[
            {
                "title": "Run the load test",
                "owner": world.member.person,
                "due_date": TODAY + timedelta(days=7),
            }
        ],
    )
    action = ActionItem.objects.get()
    assert list(review.actions.all()) == [action] and action.owner == world.member.person
    services.gate_approve(actor=world.pmo, review=review, decision="go", comment="OK")
    review.refresh_from_db()
    assert review.status == GateReviewStatus.DECIDED and review.decision == GateDecision.CONDITIONAL
    assert review.decided_at is not None
    assert Notification.objects.filter(recipient=world.pm, kind="governance.gate_decided").exists()
    with pytest.raises(Refused):
        services.gate_answer(actor=world.pm, answer=answers(review)["metric"], result="fail", comment="x")
    with pytest.raises(Refused):
        services.gate_review_refresh(actor=world.pm, review=review)
    with pytest.raises(Refused):
        services.phase_delete(actor=world.pm, phase=phase)


@given(st.lists(st.sampled_from(list(GateDecision.values)), min_size=1, max_size=6))
def test_combined_decision_is_the_most_cautious_vote(votes):
    """Any no-go → no-go; else any conditional → conditional; else go."""
    combined = services.combine(votes)
    if "no_go" in votes:
        assert combined == "no_go"
    elif "conditional" in votes:
        assert combined == "conditional"
    else:
        assert combined == "go"


@pytest.mark.parametrize(
    ("value", "operator", "threshold", "expected"),
    [("0.9", ">=", "0.9", True), ("0.89", ">=", "0.9", False), ("1", ">", "1", False), ("0", "=", "0", True),
     ("3", "<=", "2", False), ("1", "<", "2", True)],
)  # fmt: skip
def test_compare(value, operator, threshold, expected):
    """The operators compare value with threshold as written."""
    assert services.compare(Decimal(value), operator, Decimal(threshold)) is expected


# --- Gate status ------------------------------------------------------------------------------------


def test_gate_status_follows_the_current_gate(world):
    """Upcoming → overdue after the gate date → in review → passed moves to the next phase's gate."""
    phase, spec = make_gate(world)
    services.phase_update(actor=world.pm, phase=phase, data={"gate_date": TODAY})
    nxt = services.phase_create(
        actor=world.pm, project=world.project, data={"name": "Build", "gate_date": date(2026, 8, 1)}
    )
    cell = selectors.gate_status([world.project], today=TODAY)[world.project.pk]
    assert (cell.phase, cell.state, cell.date) == ("Design", "upcoming", TODAY)
    cell = selectors.gate_status([world.project], today=TODAY + timedelta(days=1))[world.project.pk]
    assert cell.state == "overdue" and str(cell.label) == "overdue" and cell.url == "/projects/ALPHA/gates/"
    review = open_review(world, phase, approvers=[world.pmo.person])
    assert selectors.gate_status([world.project], today=TODAY)[world.project.pk].state == "in_review"
    services.gate_approve(actor=world.pmo, review=review, decision="no_go", comment="Design incomplete")
    assert selectors.gate_status([world.project], today=TODAY)[world.project.pk].state == "failed"
    second = open_review(world, phase, approvers=[world.pmo.person])
    services.gate_answer(actor=world.pm, answer=answers(second)["checklist"], result="pass")
    services.deliverable_set_status(actor=world.pm, deliverable=spec, status="approved")
    services.gate_review_refresh(actor=world.pm, review=second)
    services.gate_approve(actor=world.pmo, review=second, decision="go")
    cell = selectors.gate_status([world.project], today=TODAY)[world.project.pk]
    assert (cell.phase, cell.state, cell.date) == (nxt.name, "upcoming", date(2026, 8, 1))
    services.phase_delete(actor=world.pm, phase=nxt)
    cell = selectors.gate_status([world.project], today=TODAY)[world.project.pk]
    assert (cell.phase, cell.state) == ("Design", "passed")


def test_closed_or_cancelled_project_gates_are_never_overdue(world):
    """A closed project shows its last decision (nothing without one); the portfolio lists no due gate."""
    from kuroko.projects.models import Project

    phase, _spec = make_gate(world)
    services.phase_update(actor=world.pm, phase=phase, data={"gate_date": TODAY})
    services.phase_create(actor=world.pm, project=world.project, data={"name": "Build", "gate_date": TODAY})
    later = TODAY + timedelta(days=1)
    assert selectors.gate_status([world.project], today=later)[world.project.pk].state == "overdue"
    for status in ("closed", "cancelled"):
        Project.objects.filter(pk=world.project.pk).update(status=status)
        world.project.refresh_from_db()
        assert selectors.gate_status([world.project], today=later) == {}
        board = selectors.portfolio_gates(world.pmo, today=later)
        assert not board.overdue and not board.upcoming
    review = open_review(world, phase, approvers=[world.pmo.person])
    services.gate_approve(actor=world.pmo, review=review, decision="no_go", comment="Stopped")
    cell = selectors.gate_status([world.project], today=later)[world.project.pk]
    assert (cell.phase, cell.state) == ("Design", "failed")


def test_gate_status_of_fifty_projects_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    """Two queries (phases with tasks, reviews) however many projects and phases."""
    from tests.factories import ProjectFactory

    projects = [ProjectFactory(code=f"P{i:02}") for i in range(50)]
    for project in projects:
        for n in range(3):
            services.phase_create(
                actor=world.admin, project=project, data={"name": f"Phase {n}", "gate_date": TODAY}
            )
    with django_assert_num_queries(2):
        cells = selectors.gate_status(projects, today=TODAY)
    assert len(cells) == 50 and {c.state for c in cells.values()} == {"upcoming"}
    assert selectors.gate_status([world.project], today=TODAY) == {}


def test_task_finish_moves_the_gate(world):
    """The gate follows the summary task when its work moves."""
    phase, _spec = make_gate(world, criteria=False)
    before = selectors.gate_date(phase)
    project_services.task_update(
        actor=world.admin,
        task=world.plain_task,
        data={"duration_minutes": 960 * 5},
        expected_version=world.plain_task.version,
    )
    phase = Phase.objects.select_related("task").get(pk=phase.pk)
    assert selectors.gate_date(phase) is not None and selectors.gate_date(phase) >= before
