"""Dashboards: what each role's home page shows — the PMO's portfolio health, the project manager's
projects and what needs them this week, the team member's tasks, timesheet, actions and meetings, and the
executive's summary and trends. The charts are in `dashboard_charts`.

Every read is limited to what the user may see, and each board reads its rows in a fixed number of
queries (no query per project). Every figure carries the address of the page it comes from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation, Role
from kuroko.core.permissions import require, role_of
from kuroko.engine.evm import Unit
from kuroko.engine.evm import figures as evm_figures
from kuroko.governance.models import Finding, FindingStatus, GateApproval, GateReviewStatus
from kuroko.governance.selectors.audits import SEVERITY_ORDER, health_summary
from kuroko.governance.selectors.gates import GateRow, portfolio_gates
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, Baseline, BaselineTask, Project, Rag, Status, Task, TaskKind
from kuroko.projects.selectors.load import LoadFilter, LoadQuery, load_grid, period_start
from kuroko.projects.selectors.resources import capacity_minutes
from kuroko.raid.models import (
    OPEN_ACTION_STATUSES,
    OPEN_ISSUE_STATUSES,
    ActionItem,
    ChangeRequest,
    ChangeStatus,
    Issue,
)
from kuroko.raid.selectors.risks import top_risks
from kuroko.reporting.models import Meeting, MeetingStatus, ReportStatus, StatusReport
from kuroko.reporting.selectors.dashboard_trends import (
    visible_ids,
)
from kuroko.reporting.weeks import week_label, week_start
from kuroko.tracking.mapping import Totals, portfolio_totals
from kuroko.tracking.models import (
    ApprovalStatus,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)
from kuroko.tracking.selectors.evm import index_colour

TABS = ("pmo", "pm", "member", "executive")
LIVE = (Status.PROPOSED, Status.ACTIVE, Status.ON_HOLD)  # projects a dashboard watches
HOTSPOT_WEEKS = 6  # resource hotspots and the capacity heatmap: this week and the next five
MILESTONE_DAYS = 30  # milestones at risk: due within this many days (or already late)
SOON = 14  # "next two weeks"
LIST = 8  # rows of a list on a board


# --- tabs -----------------------------------------------------------------------------------------------


def tab_label(tab: str) -> str:
    return {
        "pmo": _("PMO"),
        "pm": _("Project manager"),
        "member": _("Team member"),
        "executive": _("Executive"),
    }[tab]


def dashboard_tabs(user: Any) -> list[str]:
    """The boards `user` may open, their own first: the PMO sees every role's view (a PMO person may also
    manage projects and log time), executives the PMO's and their own, project managers their own and the
    team member's (they have tasks and timesheets too), everyone else the team member's."""
    role = role_of(user)
    if role is None:
        return []
    if role in (Role.PMO_ADMIN, Role.PMO_MEMBER):
        return ["pmo", "executive", "pm", "member"]
    if role == Role.EXECUTIVE:
        return ["executive", "pmo"]
    if role == Role.PROJECT_MANAGER:
        return ["pm", "member"]
    return ["member"]


def _check_tab(user: Any, tab: str) -> None:
    require(tab in dashboard_tabs(user), _("This dashboard is not available to your role."))


def _url(name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    """The address of a page, with a query."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


@dataclass(frozen=True, slots=True)
class Figure:
    """A number on a board and the page it comes from."""

    value: Any
    url: str = ""


# --- colours in effect ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colour:
    rag: str  # red, amber, green or ""
    report: StatusReport | None  # the week's status report, None when the colour is the project's own


def colours(projects: list[Project], week: date) -> dict[int, Colour]:
    """The overall colour of each project with its status report of `week` (one query): the project's own
    `rag_overall`, which submitting the week's report sets to the report's colour, so that the counts
    agree with the portfolio list filtered by colour (a draft's colour is not official yet)."""
    reports = {
        r.project_id: r
        for r in StatusReport.objects.filter(project__in=[p.pk for p in projects], week=week).only(
            "pk", "project_id", "week", "status", "rag_overall", "version"
        )
    }
    out = {}
    for p in projects:
        out[p.pk] = Colour(p.rag_overall, reports.get(p.pk))
    return out


def _status(report: StatusReport | None) -> str:
    return report.status if report is not None else ""


def report_url(project: Project) -> str:
    return _url("project-status-reports", project.code) or project.get_absolute_url()


# --- the PMO --------------------------------------------------------------------------------------------


@dataclass
class ProjectLine:
    project: Project
    rag: str
    health: Decimal | None = None
    health_url: str = ""
    report_status: str = ""  # the week's status report, "" when none
    report_url: str = ""


@dataclass
class Hotspot:
    """A person over capacity in the coming weeks: the worst week and how many weeks are over."""

    person: Person
    week: date
    percent: float
    weeks_over: int
    url: str


@dataclass
class PmoBoard:
    today: date
    week: date
    projects: int
    projects_url: str
    by_rag: dict[str, Figure]
    attention: list[ProjectLine]  # red and amber projects, red first
    average_health: Decimal | None
    weakest: list[ProjectLine]  # lowest health scores
    findings: list[tuple[str, str, Figure]]  # (severity, label, count)
    reports: dict[str, Figure]  # submitted, reviewed, draft, returned, missing
    missing: list[ProjectLine]
    hotspots: list[Hotspot]
    gates_pending: list[GateRow]
    gates_overdue: int
    gates_url: str
    load: Any = None  # the load grid the hotspots were read from (the capacity chart reuses it)


def _live_projects(user: Any, program: Any = None) -> list[Project]:
    qs = perms.visible_projects(user, Project.objects.select_related("program", "manager"))
    qs = visible_ids(qs.filter(status__in=LIVE), program=program)
    return list(qs.order_by("code"))


def _rag_counts(projects: list[Project], found: dict[int, Colour]) -> dict[str, Figure]:
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0}
    for p in projects:
        counts[found[p.pk].rag or "none"] += 1
    return {
        k: Figure(n, _url("portfolio", query={"rag": k, "status": list(LIVE)})) for k, n in counts.items()
    }


def _hotspots(user: Any, *, today: date, people: LoadFilter | None = None) -> tuple[list[Hotspot], Any]:
    """People over 100 % of capacity in the coming weeks, worst first (and the load grid read for it)."""
    grid = load_grid(
        user, LoadQuery(period_start("week", today), "week", HOTSPOT_WEEKS, people or LoadFilter())
    )
    found = []
    for row in grid.rows:
        over = [c for c in row.cells if (c.percent is not None and c.percent > 100.5)]
        if not over:
            continue
        worst = max(over, key=lambda c: c.percent or 0)
        query = {
            "start": worst.start.isoformat(),
            **({"team": row.person.team_id} if row.person.team_id else {}),
        }
        url = _url("resource-heatmap", query=query)
        found.append(Hotspot(row.person, worst.start, worst.percent or 0.0, len(over), url))
    found.sort(key=lambda h: (-h.percent, h.week, h.person.pk))
    return found, grid


def pmo_board(user: Any, *, today: date, program: Any = None) -> PmoBoard:
    """Portfolio health for the PMO: projects by overall colour this week, health scores and open findings,
    this week's status reports (submitted and missing), resource hotspots and pending gate decisions."""
    _check_tab(user, "pmo")
    week = week_start(today)
    projects = _live_projects(user, program)
    found = colours(projects, week)
    by_rag = _rag_counts(projects, found)
    health = health_summary(projects)
    lines = [
        ProjectLine(
            p,
            found[p.pk].rag,
            health[p.pk].score if p.pk in health else None,
            health[p.pk].url if p.pk in health else "",
            _status(found[p.pk].report),
            report_url(p),
        )
        for p in projects
    ]
    order = {"red": 0, "amber": 1}
    attention = sorted(
        (ln for ln in lines if ln.rag in order), key=lambda ln: (order[ln.rag], ln.project.code)
    )
    scored = [ln for ln in lines if ln.health is not None]
    average = (
        (sum((ln.health for ln in scored if ln.health is not None), Decimal(0)) / len(scored)).quantize(
            Decimal("0.1")
        )
        if scored
        else None
    )
    weakest = sorted(scored, key=lambda ln: (ln.health, ln.project.code))[:5]
    # Over every project the user reads (closed ones too), as the findings page the counts link to lists.
    readable = visible_ids(perms.visible_projects(user), program=program)
    counts = dict(
        Finding.objects.filter(project__in=readable.values("pk"), status=FindingStatus.OPEN)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    labels = dict(Finding._meta.get_field("severity").choices or [])
    findings = [
        (
            s,
            str(labels.get(s, s)),
            Figure(counts.get(s, 0), _url("findings", query={"severity": s, "status": "open"})),
        )
        for s in SEVERITY_ORDER
    ]
    reports: dict[str, int] = defaultdict(int)
    for ln in lines:  # active projects only, as the week's report list the counts link to
        if ln.project.status == Status.ACTIVE:
            reports[ln.report_status or "missing"] += 1
    report_figures = {
        key: Figure(
            reports.get(key, 0), _url("status-reports-week", query={"week": week_label(week), "status": key})
        )
        for key in ("submitted", "reviewed", "draft", "returned", "missing")
    }
    missing = [
        ln
        for ln in lines
        if ln.report_status in ("", ReportStatus.DRAFT, ReportStatus.RETURNED)
        and ln.project.status == Status.ACTIVE
    ][:LIST]
    hotspots, grid = _hotspots(user, today=today)
    gates = portfolio_gates(user, today=today, program=program)
    return PmoBoard(
        today=today,
        week=week,
        projects=len(projects),
        projects_url=_url("portfolio", query={"status": list(LIVE)}),
        by_rag=by_rag,
        attention=attention[:LIST],
        average_health=average,
        weakest=weakest,
        findings=findings,
        reports=report_figures,
        missing=missing,
        hotspots=hotspots[:LIST],
        gates_pending=(gates.overdue + gates.in_review)[:LIST],
        gates_overdue=len(gates.overdue),
        gates_url=_url("portfolio-gates"),
        load=grid,
    )


# --- the project manager --------------------------------------------------------------------------------


@dataclass
class MyProject:
    project: Project
    rag: str
    report: StatusReport | None
    spi: float | None
    cpi: float | None
    next_milestone: Task | None

    @property
    def spi_colour(self) -> str:
        return index_colour(self.spi)

    @property
    def cpi_colour(self) -> str:
        return index_colour(self.cpi)


@dataclass
class Need:
    """One thing that needs the PM this week: a kind, a text, how many, and where to do it."""

    kind: str
    text: str
    count: int
    url: str
    due: date | None = None


@dataclass
class PmBoard:
    today: date
    week: date
    projects: list[MyProject]
    needs: list[Need]
    meetings: list[Any]
    overdue_actions: list[ActionItem]
    overdue_issues: list[Issue]


def managed_projects(user: Any) -> list[Project]:
    """The live projects `user` manages (as the project's manager or a PM/deputy member)."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    managing = Q(manager=person) | Q(members__person=person, members__role__in=perms.MANAGING_ROLES)
    return list(
        Project.objects.filter(managing, status__in=LIVE)
        .select_related("program")
        .distinct()
        .order_by("code")
    )


def live_totals(projects: list[Project], today: date) -> dict[int, Totals]:
    """BAC, PV, EV and AC (money) of each project measured against its compared baseline as of `today`, in
    bulk (the earned value portfolio's computation); projects without a baseline are left out."""
    found = portfolio_totals(projects, status_date=today, unit=Unit.MONEY)
    return {pid: t for pid, t in found.items() if t is not None}


def latest_indices(projects: list[Project], today: date) -> dict[int, tuple[float | None, float | None]]:
    """Each project's SPI and CPI as of `today` (earned value in bulk); for a project without a baseline,
    those of its latest status report."""
    out: dict[int, tuple[float | None, float | None]] = {}
    for pid, t in live_totals(projects, today).items():
        out[pid] = (t.ev / t.pv if t.pv else None, t.ev / t.ac if t.ac else None)
    missing = [p.pk for p in projects if p.pk not in out]
    if missing:
        for pid, facts in (
            StatusReport.objects.filter(project_id__in=missing, week__lte=today)
            .order_by("project_id", "week")
            .values_list("project_id", "facts")
        ):
            if isinstance(facts, dict) and (facts.get("spi") is not None or facts.get("cpi") is not None):
                out[pid] = (facts.get("spi"), facts.get("cpi"))
    return out


def next_milestones(project_ids: list[int], today: date) -> dict[int, Task]:
    """Each project's next unfinished milestone from `today` on (one query)."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    out: dict[int, Task] = {}
    for task in (
        Task.objects.filter(project_id__in=project_ids, kind=TaskKind.MILESTONE, percent_complete__lt=100)
        .filter(finish__gte=start)
        .only("pk", "project_id", "name", "wbs_code", "finish", "percent_complete", "version")
        .order_by("project_id", "finish", "row")
    ):
        out.setdefault(task.project_id, task)
    return out


def meetings_of(user: Any, *, first: date, days: int = 7) -> list[Meeting]:
    """Meetings `user` organises or attends from `first` for `days` days, not cancelled, by start."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = start + timedelta(days=days)
    meetings = list(
        Meeting.objects.filter(Q(organizer=user) | Q(attendees__user=user), start__gte=start, start__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("project")
        .distinct()
        .order_by("start", "pk")[:LIST]
    )
    for m in meetings:
        m.url = meeting_url(m)  # type: ignore[attr-defined]
    return meetings


def meeting_url(meeting: Meeting) -> str:
    return _url("meeting", meeting.pk)


def pm_board(user: Any, *, today: date) -> PmBoard:
    """The project manager's projects (colour, % complete, SPI/CPI, next milestone) and what needs them
    this week: their report due or returned, approvals waiting (timesheets, change requests, gate reviews),
    overdue actions and issues of their projects, their meetings this week and findings due."""
    _check_tab(user, "pm")
    week = week_start(today)
    projects = managed_projects(user)
    ids = [p.pk for p in projects]
    found = colours(projects, week)
    indices = latest_indices(projects, today)
    milestones = next_milestones(ids, today)
    mine = [
        MyProject(
            p,
            found[p.pk].rag,
            found[p.pk].report,
            *indices.get(p.pk, (None, None)),
            next_milestone=milestones.get(p.pk),
        )
        for p in projects
    ]
    needs: list[Need] = []
    for m in mine:
        if m.project.status != Status.ACTIVE:
            continue
        if m.report is None or m.report.status == ReportStatus.DRAFT:
            needs.append(
                Need(
                    "report",
                    _("Weekly report of %(code)s due") % {"code": m.project.code},
                    1,
                    report_url(m.project),
                    week + timedelta(days=4),
                )
            )
        elif m.report.status == ReportStatus.RETURNED:
            needs.append(
                Need(
                    "report",
                    _("Weekly report of %(code)s returned for rework") % {"code": m.project.code},
                    1,
                    report_url(m.project),
                )
            )
    waiting = TimesheetApproval.objects.filter(
        project_id__in=ids, status=ApprovalStatus.PENDING, timesheet__status=TimesheetStatus.SUBMITTED
    ).count()
    if waiting:
        needs.append(
            Need(
                "timesheets", _("Timesheets waiting for your approval"), waiting, _url("timesheet-approvals")
            )
        )
    changes = list(
        ChangeRequest.objects.filter(project_id__in=ids, status=ChangeStatus.SUBMITTED)
        .order_by()
        .values_list("project__code")
        .annotate(n=Count("pk"))
    )
    for code, n in sorted(changes):
        needs.append(
            Need(
                "changes",
                _("Change requests to decide in %(code)s") % {"code": code},
                n,
                _url("project-changes", code, query={"status": ChangeStatus.SUBMITTED}),
            )
        )
    person = getattr(user, "person", None)
    if person is not None:
        for approval in GateApproval.objects.filter(
            person=person, decision="", review__status=GateReviewStatus.OPEN
        ).select_related("review__phase__project"):
            review = approval.review
            needs.append(
                Need(
                    "gate",
                    _("Gate review of %(phase)s (%(code)s) waiting for your decision")
                    % {"phase": review.phase.name, "code": review.phase.project.code},
                    1,
                    _url("gate-review", review.pk),
                    getattr(review, "planned_date", None),
                )
            )
    findings = (
        Finding.objects.filter(
            project_id__in=ids, status=FindingStatus.OPEN, due__lte=today + timedelta(days=7)
        )
        .order_by()
        .values_list("project__code")
        .annotate(n=Count("pk"))
    )
    for code, n in sorted(findings):
        needs.append(
            Need(
                "findings",
                _("Audit findings due in %(code)s") % {"code": code},
                n,
                _url("project-findings", code),
            )
        )
    overdue_actions = list(
        ActionItem.objects.filter(project_id__in=ids, status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        .select_related("project", "owner")
        .order_by("due_date", "project__code", "number")[:LIST]
    )
    overdue_issues = list(
        Issue.objects.filter(project_id__in=ids, status__in=OPEN_ISSUE_STATUSES, due_date__lt=today)
        .select_related("project", "owner")
        .order_by("due_date", "project__code", "number")[:LIST]
    )
    return PmBoard(today, week, mine, needs, meetings_of(user, first=week), overdue_actions, overdue_issues)


# --- the team member ------------------------------------------------------------------------------------


@dataclass
class TimesheetWeek:
    week: date
    minutes: int
    expected: float  # working minutes of the person's calendar this week
    status: str
    status_label: str
    url: str

    @property
    def percent(self) -> float | None:
        return None if self.expected <= 0 else 100 * self.minutes / self.expected


@dataclass
class MemberBoard:
    today: date
    person: Person | None
    in_progress: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    late: list[Task] = field(default_factory=list)
    timesheet: TimesheetWeek | None = None
    actions: list[ActionItem] = field(default_factory=list)
    actions_url: str = ""
    meetings: list[Any] = field(default_factory=list)


def my_tasks(person: Person, today: date, user: Any = None) -> tuple[list[Task], list[Task], list[Task]]:
    """The person's unfinished work tasks (owned or assigned) in the projects `user` reads: in progress,
    starting in the next two weeks, and late (should have finished before today), in one query."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    soon = start + timedelta(days=SOON)
    assigned = Assignment.objects.filter(person=person).values("task_id")
    tasks = list(
        Task.objects.filter(Q(owner=person) | Q(pk__in=assigned))
        .exclude(kind=TaskKind.SUMMARY)
        .filter(percent_complete__lt=100, project__status__in=LIVE, start__lt=soon)
        .filter(project__in=perms.visible_projects(user if user is not None else person.user))
        .select_related("project")
        .order_by("finish", "project__code", "row")
    )
    late = [t for t in tasks if t.finish is not None and t.finish < start]
    in_progress = [
        t
        for t in tasks
        if t not in late
        and (t.percent_complete > 0 or t.actual_start is not None or (t.start and t.start < start))
    ]
    upcoming = [t for t in tasks if t not in late and t not in in_progress]
    return in_progress[:LIST], upcoming[:LIST], late[:LIST]


def timesheet_week(person: Person, today: date) -> TimesheetWeek:
    """Hours the person entered this week against their calendar's working time, and the week's status."""
    monday = week_start(today)
    sunday = monday + timedelta(days=6)
    minutes = (
        TimeEntry.objects.filter(person=person, date__range=(monday, sunday)).aggregate(m=Sum("minutes"))["m"]
        or 0
    )
    expected = sum(capacity_minutes([person], monday, sunday).get(person.pk, {}).values())
    sheet = Timesheet.objects.filter(person=person, week_start=monday).only("status").first()
    status = sheet.status if sheet else TimesheetStatus.OPEN
    return TimesheetWeek(
        monday,
        int(minutes),
        float(expected),
        status,
        str(TimesheetStatus(status).label),
        _url("timesheet-week", monday.isoformat()) or _url("timesheet-home"),
    )


def member_board(user: Any, *, today: date) -> MemberBoard:
    """The team member's tasks (in progress, next two weeks, late), timesheet this week, open actions and
    meetings this week."""
    _check_tab(user, "member")
    person = getattr(user, "person", None)
    board = MemberBoard(today, person, meetings=meetings_of(user, first=week_start(today)))
    if person is None:
        return board
    board.in_progress, board.upcoming, board.late = my_tasks(person, today, user)
    board.timesheet = timesheet_week(person, today)
    board.actions = list(
        ActionItem.objects.filter(owner=person, status__in=OPEN_ACTION_STATUSES)
        .filter(project__in=perms.visible_projects(user))
        .select_related("project")
        .order_by("due_date", "project__code", "number")[:LIST]
    )
    board.actions_url = _url("portfolio-actions", query={"mine": "on"})
    return board


# --- the executive --------------------------------------------------------------------------------------


@dataclass
class Financials:
    """The money of the live projects: their approved budgets, and for those measured by earned value the
    budget at completion (the baseline's cost), actual cost and estimate at completion."""

    currency: str
    budget: Decimal  # the approved budgets of all live projects
    bac: float | None  # of the measured projects
    actual: float | None
    eac: float | None
    measured: int  # projects with earned value

    @property
    def variance(self) -> float | None:
        """Variance at completion, BAC − EAC (negative: forecast over the baseline budget)."""
        return None if self.eac is None or self.bac is None else self.bac - self.eac


@dataclass
class AtRisk:
    task: Task
    baseline_finish: date | None
    slip_days: int | None  # calendar days later than the baseline
    late: bool  # due before today and not finished


@dataclass
class ExecutiveBoard:
    today: date
    week: date
    projects: int
    projects_url: str
    by_rag: dict[str, Figure]
    financials: Financials
    financials_url: str
    milestones: list[AtRisk]
    risks: list[Any]
    risks_url: str
    red: list[ProjectLine]


def _financials(projects: list[Project], today: date) -> Financials:
    """Approved budgets of all the projects; BAC, actual cost and EAC of those measured by earned value
    (live, in bulk)."""
    currency = Organisation.current().currency
    budget = sum((p.budget for p in projects), Decimal(0))
    totals = live_totals(projects, today)
    if not totals:
        return Financials(currency, budget, None, None, None, 0)
    eacs = [
        f.eac
        for t in totals.values()
        if (f := evm_figures(bac=t.bac, pv=t.pv, ev=t.ev, ac=t.ac)).eac is not None
    ]
    return Financials(
        currency,
        budget,
        sum(t.bac for t in totals.values()),
        sum(t.ac for t in totals.values()),
        sum(eacs) if eacs else None,
        len(totals),
    )


def milestones_at_risk(projects: list[Project], today: date) -> list[AtRisk]:
    """Unfinished milestones due within 30 days (or already late) that are late or forecast later than their
    compared baseline, latest slip first (two queries)."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    horizon = start + timedelta(days=MILESTONE_DAYS)
    tasks = list(
        Task.objects.filter(
            project__in=[p.pk for p in projects], kind=TaskKind.MILESTONE, percent_complete__lt=100
        )
        .filter(finish__lt=horizon)
        .select_related("project")
        .order_by("finish", "project__code", "row")
    )
    compared = {p.pk: p.compared_baseline for p in projects}
    baselines = {
        (b.project_id, b.number): b.pk for b in Baseline.objects.filter(project__in=[p.pk for p in projects])
    }
    baseline_ids = [pk for (pid, n), pk in baselines.items() if compared.get(pid) == n]
    planned = {
        task_id: finish
        for task_id, finish in BaselineTask.objects.filter(
            baseline_id__in=baseline_ids, task_id__in=[t.pk for t in tasks]
        ).values_list("task_id", "finish")
    }
    out = []
    for t in tasks:
        base = planned.get(t.pk)
        base_day = timezone.localdate(base) if base else None
        finish = timezone.localdate(t.finish) if t.finish else None
        slip = (finish - base_day).days if finish and base_day else None
        late = finish is not None and finish < today
        if late or (slip is not None and slip > 0):
            out.append(AtRisk(t, base_day, slip, late))
    out.sort(key=lambda a: (not a.late, -(a.slip_days or 0), a.task.finish or start))
    return out[:LIST]


def executive_board(user: Any, *, today: date, program: Any = None) -> ExecutiveBoard:
    """The executive summary: projects by overall colour, budget, actual cost, EAC and variance, milestones
    at risk, top risks and the red projects."""
    _check_tab(user, "executive")
    week = week_start(today)
    projects = _live_projects(user, program)
    found = colours(projects, week)
    red = [ProjectLine(p, "red", report_url=report_url(p)) for p in projects if found[p.pk].rag == Rag.RED]
    return ExecutiveBoard(
        today=today,
        week=week,
        projects=len(projects),
        projects_url=_url("portfolio", query={"status": list(LIVE)}),
        by_rag=_rag_counts(projects, found),
        financials=_financials(projects, today),
        financials_url=_url("evm-portfolio"),
        milestones=milestones_at_risk(projects, today),
        risks=top_risks(user, program=getattr(program, "code", None), limit=5),
        risks_url=_url("portfolio-risks"),
        red=red[:LIST],
    )
