"""The agenda builder: what a meeting should discuss, read from the data of its projects.

Each meeting kind looks at its own sources (a weekly progress meeting: the status reports submitted this
week, milestones of the next two weeks, overdue actions, issues due, risks due for review and pending
decisions; a steering committee: reports, milestones, decisions, open gate reviews and risks; a gate
review: the open gate reviews; a risk review: risks, issues and overdue actions). Every proposal names its
source and the item it comes from (`source`, `source_ref`), so that a rebuild recognises items already
on the agenda and keeps what people typed or edited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kuroko.governance.models import GateReview, GateReviewStatus
from kuroko.projects.models import Project, Status, Task, TaskKind
from kuroko.raid.models import (
    OPEN_ACTION_STATUSES,
    OPEN_ISSUE_STATUSES,
    ActionItem,
    Decision,
    DecisionStatus,
    Issue,
    Risk,
    RiskLevel,
    RiskMatrix,
)
from kuroko.raid.selectors.risks import overdue_q
from kuroko.raid.services.registers import item_url
from kuroko.reporting.models import MeetingKind, ReportStatus, StatusReport

# How far ahead the builder looks from the meeting's date.
MILESTONE_DAYS = 14
ISSUE_DAYS = 7
# A program or portfolio meeting lists at most this many items per source (the worst first).
PER_SOURCE_LIMIT = 15


@dataclass(frozen=True, slots=True)
class Proposal:
    """One agenda item the data proposes: its source ("action_overdue" …), the item's reference
    ("action:42"), a title in the builder's language, the item's page and minutes allotted."""

    source: str
    source_ref: str
    title: str
    url: str = ""
    duration_minutes: int | None = None


SOURCES_BY_KIND: dict[str, tuple[str, ...]] = {
    MeetingKind.PROGRESS: (
        "report_submitted",
        "milestone_upcoming",
        "action_overdue",
        "issue_due",
        "risk_review",
        "decision_pending",
    ),
    MeetingKind.STEERING: (
        "report_submitted",
        "milestone_upcoming",
        "gate_review_open",
        "decision_pending",
        "risk_review_high",
    ),
    MeetingKind.GATE_REVIEW: ("gate_review_open", "decision_pending", "issue_due", "action_overdue"),
    MeetingKind.RISK_REVIEW: ("risk_review", "issue_due", "action_overdue"),
    MeetingKind.OTHER: ("action_overdue", "decision_pending"),
}


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:  # the page belongs to a part that is not installed
        return ""


def _prefix(project: Project, many: bool) -> str:
    return f"[{project.code}] " if many else ""


def scope_projects(meeting: Any) -> list[Project]:
    """The projects a meeting covers: its project, its program's open projects, or every open project."""
    if meeting.project_id is not None:
        return [meeting.project]
    qs = Project.objects.exclude(status__in=(Status.CLOSED, Status.CANCELLED))
    if meeting.program_id is not None:
        qs = qs.filter(program_id=meeting.program_id)
    return list(qs.order_by("code"))


def _limit(qs: QuerySet[Any], many: bool) -> Iterable[Any]:
    return qs[:PER_SOURCE_LIMIT] if many else qs


def _reports(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    """Each project's latest report of the meeting's week or the week before (a report is submitted at the
    end of its week, so a meeting early in the week discusses last week's)."""
    monday = day - timedelta(days=day.weekday())
    rows = StatusReport.objects.filter(
        project__in=projects,
        week__in=(monday - timedelta(weeks=1), monday),
        status__in=(ReportStatus.SUBMITTED, ReportStatus.REVIEWED),
    ).select_related("project")
    latest: dict[int, StatusReport] = {}
    for r in rows.order_by("project__code", "-week"):
        latest.setdefault(r.project_id, r)
    chosen = list(latest.values())[:PER_SOURCE_LIMIT] if many else list(latest.values())
    return [
        Proposal(
            "report_submitted",
            f"report:{r.pk}",
            _("Status report of %(project)s (week of %(week)s): %(rag)s")
            % {"project": f"{r.project.code} {r.project.name}", "week": r.week.isoformat(),
               "rag": r.get_rag_overall_display() if r.rag_overall else _("not rated")},
            _url("project-status-reports", r.project.code),
            10 if not many else 5,
        )
        for r in chosen
    ]  # fmt: skip


def _milestones(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    rows = (
        Task.objects.filter(project__in=projects, kind=TaskKind.MILESTONE, percent_complete__lt=100)
        .filter(planned_finish__gte=day, planned_finish__lte=day + timedelta(days=MILESTONE_DAYS))
        .select_related("project")
        .order_by("planned_finish", "project__code", "row")
    )
    return [
        Proposal(
            "milestone_upcoming",
            f"task:{t.pk}",
            _prefix(t.project, many)
            + _("Milestone %(name)s on %(date)s") % {"name": t.name, "date": t.planned_finish.isoformat()},
            t.project.get_absolute_url(),
            5,
        )
        for t in _limit(rows, many)
    ]


def _actions(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    rows = (
        ActionItem.objects.filter(project__in=projects, status__in=OPEN_ACTION_STATUSES, due_date__lt=day)
        .select_related("project", "owner")
        .order_by("due_date", "project__code", "number")
    )
    return [
        Proposal(
            "action_overdue",
            f"action:{a.pk}",
            _prefix(a.project, many)
            + _("Overdue action %(code)s %(title)s (due %(date)s, %(owner)s)")
            % {"code": a.code, "title": a.title, "date": a.due_date.isoformat(), "owner": a.owner or "—"},
            item_url("action", a.pk),
            5,
        )
        for a in _limit(rows, many)
    ]


def _issues(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    rows = (
        Issue.objects.filter(project__in=projects, status__in=OPEN_ISSUE_STATUSES)
        .filter(due_date__lte=day + timedelta(days=ISSUE_DAYS))
        .select_related("project")
        .order_by("due_date", "project__code", "number")
    )
    out = []
    for i in _limit(rows, many):
        text = (
            _("Overdue issue %(code)s %(title)s (due %(date)s)")
            if i.due_date < day
            else _("Issue %(code)s %(title)s due %(date)s")
        )
        out.append(
            Proposal(
                "issue_due",
                f"issue:{i.pk}",
                _prefix(i.project, many)
                + text % {"code": i.code, "title": i.title, "date": i.due_date.isoformat()},
                item_url("issue", i.pk),
                5,
            )
        )
    return out


def _risks(projects: list[Project], day: date, many: bool, *, high_only: bool = False) -> list[Proposal]:
    matrix = RiskMatrix.current()
    rows = Risk.objects.filter(project__in=projects)
    if high_only:  # a steering committee discusses the high and critical risks only
        rows = rows.filter(level__in=(RiskLevel.HIGH, RiskLevel.CRITICAL))
    rows = (
        rows.filter(overdue_q(day, matrix.review_days))
        .select_related("project")
        .order_by("-score", "project__code", "number")
    )
    return [
        Proposal(
            "risk_review",
            f"risk:{r.pk}",
            _prefix(r.project, many)
            + _("Risk %(code)s %(title)s due for review (score %(score)s)")
            % {"code": r.code, "title": r.title, "score": r.score},
            item_url("risk", r.pk),
            5,
        )
        for r in _limit(rows, many)
    ]


def _decisions(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    rows = (
        Decision.objects.filter(project__in=projects, status=DecisionStatus.PENDING)
        .select_related("project")
        .order_by("due_date", "project__code", "number")
    )
    out = []
    for d in _limit(rows, many):
        due = _(" (needed by %(date)s)") % {"date": d.due_date.isoformat()} if d.due_date else ""
        out.append(
            Proposal(
                "decision_pending",
                f"decision:{d.pk}",
                _prefix(d.project, many)
                + _("Decision pending: %(code)s %(title)s") % {"code": d.code, "title": d.title}
                + due,
                item_url("decision", d.pk),
                10,
            )
        )
    return out


def _gates(projects: list[Project], day: date, many: bool) -> list[Proposal]:
    rows = (
        GateReview.objects.filter(phase__project__in=projects, status=GateReviewStatus.OPEN)
        .select_related("phase", "phase__project")
        .order_by("phase__project__code", "phase__number")
    )
    return [
        Proposal(
            "gate_review_open",
            f"gate_review:{g.pk}",
            _prefix(g.phase.project, many) + _("Gate review of phase %(phase)s") % {"phase": g.phase.name},
            _url("gate-review", g.pk),
            20,
        )
        for g in _limit(rows, many)
    ]


BUILDERS: dict[str, Callable[[list[Project], date, bool], list[Proposal]]] = {
    "report_submitted": _reports,
    "milestone_upcoming": _milestones,
    "action_overdue": _actions,
    "issue_due": _issues,
    "risk_review": _risks,
    "risk_review_high": lambda projects, day, many: _risks(projects, day, many, high_only=True),
    "decision_pending": _decisions,
    "gate_review_open": _gates,
}


def propose(meeting: Any, *, day: date) -> list[Proposal]:
    """The agenda items the data proposes for `meeting`, judged on `day` (the meeting's date), in the
    order of its kind's sources."""
    projects = scope_projects(meeting)
    if not projects:
        return []
    many = meeting.project_id is None
    out: list[Proposal] = []
    for source in SOURCES_BY_KIND.get(meeting.kind, ()):
        out.extend(BUILDERS[source](projects, day, many))
    return out
