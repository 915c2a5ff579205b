"""Reads of phases, deliverables and gate reviews, and the gate status of projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.governance import permissions as perms
from kuroko.governance.models import (
    Deliverable,
    GateApproval,
    GateCriterion,
    GateDecision,
    GateReview,
    GateReviewAnswer,
    GateReviewStatus,
    Phase,
)
from kuroko.projects.models import Project
from kuroko.projects.models import Status as ProjectStatus
from kuroko.projects.permissions import visible_projects

UPCOMING_DAYS = 30  # the portfolio's "upcoming" and "recently decided" windows

STATE_LABELS = {
    "passed": gettext_lazy("passed"),
    "conditional": gettext_lazy("conditional"),
    "failed": gettext_lazy("failed (no-go)"),
    "in_review": gettext_lazy("in review"),
    "overdue": gettext_lazy("overdue"),
    "upcoming": gettext_lazy("upcoming"),
}
DECISION_STATES = {
    GateDecision.GO: "passed",
    GateDecision.CONDITIONAL: "conditional",
    GateDecision.NO_GO: "failed",
}


@dataclass(frozen=True, slots=True)
class GateCell:
    """A project's gate status for the portfolio: its current (next undecided, else last decided) gate."""

    phase: str  # the phase the gate closes
    # passed | conditional | failed (no-go) | in_review | overdue | upcoming
    state: str
    label: Any  # the state in words, translated
    date: date | None  # the gate date, or the decision date once decided
    url: str  # the project's gates page


@dataclass(frozen=True, slots=True)
class GateRow:
    """One phase's gate with its state (the portfolio gates page and the project's gates page)."""

    project: Project
    phase: Phase
    state: str
    label: Any
    gate_date: date | None
    review: GateReview | None  # the latest review (open, else decided), None without one

    @property
    def day(self) -> date | None:
        """The decision date once decided, else the gate date."""
        if (
            self.review is not None
            and self.review.status == GateReviewStatus.DECIDED
            and self.review.decided_at
        ):
            return timezone.localdate(self.review.decided_at)
        return self.gate_date


def gate_date(phase: Phase) -> date | None:
    """The phase's gate date: as set, else its summary task's finish."""
    if phase.gate_date is not None:
        return phase.gate_date
    task = phase.task if phase.task_id is not None else None
    return task.planned_finish if task is not None else None


def latest_review(reviews: list[GateReview]) -> GateReview | None:
    """The review that states the gate: the open one, else the latest decided (cancelled ones don't)."""
    live = [r for r in reviews if r.status != GateReviewStatus.CANCELLED]
    for r in live:
        if r.status == GateReviewStatus.OPEN:
            return r
    decided = [r for r in live if r.decided_at is not None]
    return max(decided, key=lambda r: (r.decided_at, r.pk)) if decided else None


def state_of(phase: Phase, reviews: list[GateReview], *, today: date) -> tuple[str, GateReview | None]:
    """The state of a phase's gate: in review, passed, conditional, failed, overdue or upcoming."""
    review = latest_review(reviews)
    if review is not None and review.status == GateReviewStatus.OPEN:
        return "in_review", review
    if review is not None:
        return DECISION_STATES[GateDecision(review.decision)], review
    day = gate_date(phase)
    return ("overdue" if day is not None and day < today else "upcoming"), None


def _rows(phases: list[Phase], reviews: dict[int, list[GateReview]], *, today: date) -> list[GateRow]:
    out = []
    for phase in phases:
        state, review = state_of(phase, reviews.get(phase.pk, []), today=today)
        out.append(GateRow(phase.project, phase, state, STATE_LABELS[state], gate_date(phase), review))
    return out


def _reviews_by_phase(phase_ids: list[int]) -> dict[int, list[GateReview]]:
    out: dict[int, list[GateReview]] = {}
    for r in GateReview.objects.filter(phase_id__in=phase_ids).order_by("pk"):
        out.setdefault(r.phase_id, []).append(r)
    return out


FINISHED = (ProjectStatus.CLOSED, ProjectStatus.CANCELLED)  # projects whose gates no longer fall due


def _finished(project: Project) -> bool:
    return project.status in FINISHED


def current(rows: list[GateRow]) -> GateRow | None:
    """The project's current gate: the first not passed (or conditionally passed), else the last one.

    A closed or cancelled project has no gate to come: its current gate is the last decided one (none
    without a decision)."""
    if rows and _finished(rows[0].project):
        decided = [r for r in rows if r.state in DECISION_STATES.values()]
        return max(decided, key=lambda r: (r.day or date.min, r.phase.number)) if decided else None
    for row in rows:
        if row.state not in ("passed", "conditional"):
            return row
    return rows[-1] if rows else None


def gate_status(projects: list[Project], *, today: date) -> dict[int, GateCell]:
    """The gate cell of each project that has phases (project id → cell), in a fixed number of queries."""
    ids = [p.pk for p in projects]
    if not ids:
        return {}
    by_id = {p.pk: p for p in projects}
    phases = list(
        Phase.objects.filter(project_id__in=ids).select_related("task").order_by("project", "number", "pk")
    )
    for phase in phases:
        phase.project = by_id[phase.project_id]
    rows = _rows(phases, _reviews_by_phase([p.pk for p in phases]), today=today)
    per_project: dict[int, list[GateRow]] = {}
    for row in rows:
        per_project.setdefault(row.project.pk, []).append(row)
    out = {}
    for pk, project_rows in per_project.items():
        now = current(project_rows)
        if now is None:
            continue
        out[pk] = GateCell(
            phase=now.phase.name,
            state=now.state,
            label=now.label,
            date=now.day,
            url=reverse("project-gates", args=[by_id[pk].code]),
        )
    return out


# --- One project ------------------------------------------------------------------------------------


def project_phases(user: Any, project: Project, *, today: date) -> list[GateRow]:
    """The project's phases in order with their criteria, deliverables and gate state (the caller has
    read the project through `project_get`)."""
    if not perms.can_view_governance(user, project):
        raise PermissionDenied
    phases = list(
        Phase.objects.filter(project=project)
        .select_related("task")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=GateCriterion.objects.select_related("deliverable").order_by("number", "pk"),
            ),
            Prefetch(
                "deliverables",
                queryset=Deliverable.objects.select_related("owner", "approved_by").order_by("pk"),
            ),
        )
        .order_by("number", "pk")
    )
    for phase in phases:
        phase.project = project
    return _rows(phases, _reviews_by_phase([p.pk for p in phases]), today=today)


def loose_deliverables(project: Project) -> list[Deliverable]:
    """Deliverables of the project without a phase."""
    return list(Deliverable.objects.filter(project=project, phase__isnull=True).select_related("owner"))


def _check(user: Any, project: Project) -> None:
    if not perms.can_view_governance(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})


def phase_get(user: Any, pk: int) -> Phase:
    phase = Phase.objects.select_related("project", "task").filter(pk=pk).first()
    if phase is None:
        raise Http404(_("No phase with id %(id)s.") % {"id": pk})
    _check(user, phase.project)
    return phase


def deliverable_get(user: Any, pk: int) -> Deliverable:
    deliverable = Deliverable.objects.select_related("project", "phase", "owner").filter(pk=pk).first()
    if deliverable is None:
        raise Http404(_("No deliverable with id %(id)s.") % {"id": pk})
    _check(user, deliverable.project)
    return deliverable


def criterion_get(user: Any, pk: int) -> GateCriterion:
    criterion = (
        GateCriterion.objects.select_related("phase", "phase__project", "deliverable").filter(pk=pk).first()
    )
    if criterion is None:
        raise Http404(_("No gate criterion with id %(id)s.") % {"id": pk})
    _check(user, criterion.phase.project)
    return criterion


def review_get(user: Any, pk: int) -> GateReview:
    review = (
        GateReview.objects.select_related("phase", "phase__project", "phase__task", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404(_("No gate review with id %(id)s.") % {"id": pk})
    _check(user, review.phase.project)
    return review


def review_answers(review: GateReview) -> list[GateReviewAnswer]:
    return list(
        review.answers.select_related("criterion", "criterion__deliverable", "answered_by").order_by(
            "criterion__number", "criterion__pk"
        )
    )


def review_approvals(review: GateReview) -> list[GateApproval]:
    return list(review.approvals.select_related("person").order_by("pk"))


def answer_get(user: Any, review: GateReview, criterion_id: int) -> GateReviewAnswer:
    answer = review.answers.select_related("criterion", "review").filter(criterion_id=criterion_id).first()
    if answer is None:
        raise Http404(_("The review has no answer to criterion %(id)s.") % {"id": criterion_id})
    answer.review = review
    return answer


# --- Portfolio --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortfolioGates:
    """Every visible project's gates, grouped as the portfolio gates page shows them."""

    overdue: list[GateRow]
    in_review: list[GateRow]
    upcoming: list[GateRow]
    decided: list[GateRow]
    projects: int


def portfolio_gates(
    user: Any,
    *,
    today: date,
    program: Any = None,
    project_type: Any = None,
    status: str = "",
    state: str = "",
) -> PortfolioGates:
    """Gates of the projects the user may read: overdue, in review, upcoming within 30 days and decided
    in the last 30 days (filters: program, project type, project status, gate state)."""
    projects: QuerySet[Project] = visible_projects(user).select_related("program")
    if program:
        projects = projects.filter(program=program)
    if project_type:
        projects = projects.filter(project_type=project_type)
    if status:
        projects = projects.filter(status=status)
    by_id = {p.pk: p for p in projects}
    phases = list(
        Phase.objects.filter(project_id__in=list(by_id))
        .select_related("task")
        .order_by("project__code", "number", "pk")
    )
    for phase in phases:
        phase.project = by_id[phase.project_id]
    rows = _rows(phases, _reviews_by_phase([p.pk for p in phases]), today=today)
    # A closed or cancelled project's undecided gates will never be held: not overdue, not upcoming.
    rows = [r for r in rows if not (_finished(r.project) and r.state in ("overdue", "upcoming"))]
    if state:
        rows = [r for r in rows if r.state == state]
    horizon, since = today + timedelta(days=UPCOMING_DAYS), today - timedelta(days=UPCOMING_DAYS)
    overdue = sorted(
        (r for r in rows if r.state == "overdue"), key=lambda r: (r.gate_date or today, r.project.code)
    )
    in_review = sorted(
        (r for r in rows if r.state == "in_review"), key=lambda r: (r.gate_date or today, r.project.code)
    )
    upcoming = sorted(
        (r for r in rows if r.state == "upcoming" and r.gate_date is not None and r.gate_date <= horizon),
        key=lambda r: (r.gate_date or today, r.project.code),
    )
    decided = sorted(
        (
            r
            for r in rows
            if r.review is not None and r.state in DECISION_STATES.values() and (r.day or today) >= since
        ),
        key=lambda r: r.day or today,
        reverse=True,
    )
    return PortfolioGates(overdue, in_review, upcoming, decided, len({r.project.pk for r in rows}))
