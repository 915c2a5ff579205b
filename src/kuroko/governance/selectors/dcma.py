"""Schedule quality: the DCMA 14-point assessment of stored projects and of uploaded plan files.

`dcma_reports` reads many projects at once (tasks, links, assignments and the compared baseline in one
query each, plus one per distinct working calendar) and maps them onto `kuroko.engine.dcma`;
`dcma_for_project` is the same for one project the user may read; `dcma_for_file` assesses a plan JSON or
MS Project XML file without storing anything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.cpm import PlanError
from kuroko.engine.cpm import schedule as cpm_schedule
from kuroko.engine.dcma import (
    FIRST_STATUS_DATE,
    LAST_STATUS_DATE,
    CptResult,
    DcmaCheck,
    DcmaLink,
    DcmaReport,
    DcmaTask,
    DcmaThresholds,
    dcma_assessment,
    dcma_from_plan,
)
from kuroko.engine.dcma import critical_path_test as engine_critical_path_test
from kuroko.engine.model import Calendar, ConstraintType, ExternalDates, LagKind, Link, LinkType, Plan, Task
from kuroko.governance.permissions import can_view_governance
from kuroko.projects.mapping import DAY_START, naive, project_calendars
from kuroko.projects.models import Assignment, Baseline, BaselineTask, Dependency, Project, TaskKind
from kuroko.projects.models import ConstraintType as ProjectConstraint
from kuroko.projects.models import Task as TaskRow

log = logging.getLogger(__name__)

_TASK_FIELDS = (
    "pk",
    "project_id",
    "parent_id",
    "name",
    "wbs_code",
    "kind",
    "duration_minutes",
    "duration_elapsed",
    "start",
    "finish",
    "total_float_minutes",
    "constraint_type",
    "constraint_date",
    "deadline",
    "actual_start",
    "actual_finish",
    "percent_complete",
    "manual",
    "manual_start",
    "level_start",
    "planned_start",
)


@dataclass(slots=True)
class _Loaded:
    """One project's rows, as read in bulk."""

    tasks: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]


def check_status_date(day: date | None, field: str = "status_date") -> None:
    """ValidationError on `field` when `day` is outside the status dates assessed (1900–2999)."""
    if day is not None and not FIRST_STATUS_DATE <= day <= LAST_STATUS_DATE:
        raise ValidationError(
            {
                field: _("The status date %(day)s is not between %(first)s and %(last)s.")
                % {"day": day.isoformat(), "first": FIRST_STATUS_DATE, "last": LAST_STATUS_DATE}
            }
        )


def _status_date(project: Project, as_of: date) -> date:
    """The project's status date when it has one, else the day asked for."""
    return project.status_date or as_of


def dcma_reports(
    projects: list[Project],
    *,
    as_of: date,
    thresholds: Mapping[int, DcmaThresholds] | None = None,
    critical_path_test: bool = True,
    status_date: date | None = None,
    failed: list[int] | None = None,
) -> dict[int, DcmaReport]:
    """The DCMA report of each project (project id → report), read in a fixed number of queries.

    A project's status date is `status_date` when given, else its own when set, else `as_of`. `thresholds`
    gives pass marks by project id (the DCMA's for a project not in it). With `critical_path_test` check 12
    is run on each project's plan with the engine (two schedules per project). A project that cannot be
    assessed (e.g. a status date outside 1900–2999) is logged, left out of the result and its id added to
    `failed`: it never stops the others. No permission check: the caller (the audit, the selectors below)
    has made it.
    """
    if not projects:
        return {}
    thresholds = thresholds or {}
    ids = [p.pk for p in projects]
    org = Organisation.current()
    per_day = int(Decimal(org.hours_per_day) * 60)
    loaded = {pk: _Loaded([], []) for pk in ids}
    for row in (
        TaskRow.objects.filter(project_id__in=ids).order_by("project_id", "row").values_list(*_TASK_FIELDS)
    ):
        loaded[row[1]].tasks.append(row)
    link_rows = Dependency.objects.filter(successor__project_id__in=ids).values_list(
        "predecessor_id",
        "successor_id",
        "type",
        "lag_minutes",
        "lag_elapsed",
        "successor__project_id",
        "predecessor__project_id",
        "predecessor__start",
        "predecessor__finish",
        "predecessor__name",
    )
    # Links out of these projects into others give their predecessors a successor too.
    outgoing = (
        Dependency.objects.filter(predecessor__project_id__in=ids)
        .exclude(successor__project_id=F("predecessor__project_id"))
        .values_list("predecessor__project_id", "predecessor_id", "successor_id", "type", "lag_minutes")
    )
    out_links: dict[int, list[DcmaLink]] = defaultdict(list)
    for project_id, pred, succ, kind, lag in outgoing:
        out_links[project_id].append(DcmaLink(str(pred), f"external:{succ}", LinkType(kind), lag))
    for row in link_rows:
        loaded[row[5]].links.append(row)
    resourced = set(
        Assignment.objects.filter(task__project_id__in=ids).values_list("task_id", flat=True).distinct()
    )
    baseline: dict[int, tuple[datetime | None, datetime | None]] = {
        task: (start, finish)
        for task, start, finish in BaselineTask.objects.filter(
            baseline__project_id__in=ids, baseline__number=F("baseline__project__compared_baseline")
        ).values_list("task_id", "start", "finish")
    }
    project_baseline = {
        pk: finish
        for pk, finish in Baseline.objects.filter(
            project_id__in=ids, number=F("project__compared_baseline")
        ).values_list("project_id", "finish")
    }
    calendars = _Calendars()
    reports: dict[int, DcmaReport] = {}
    for project in projects:
        try:
            reports[project.pk] = _report(
                project,
                loaded[project.pk],
                status_date or _status_date(project, as_of),
                calendars=calendars,
                resourced=resourced,
                baseline=baseline,
                out_links=out_links.get(project.pk, ()),
                stored_finish=project_baseline.get(project.pk),
                org=org,
                per_day=per_day,
                thresholds=thresholds.get(project.pk, DcmaThresholds()),
                critical_path_test=critical_path_test,
            )
        except Exception:  # one project that cannot be assessed must not stop the others
            log.exception("DCMA assessment of project %s failed", project.code)
            if failed is not None:
                failed.append(project.pk)
    return reports


def _report(
    project: Project,
    data: _Loaded,
    status: date,
    *,
    calendars: _Calendars,
    resourced: set[int],
    baseline: Mapping[int, tuple[datetime | None, datetime | None]],
    out_links: Any,
    stored_finish: datetime | None,
    org: Organisation,
    per_day: int,
    thresholds: DcmaThresholds,
    critical_path_test: bool,
) -> DcmaReport:
    """One project's report from its rows read in bulk by `dcma_reports`."""
    check_status_date(status)
    tasks = _tasks(data.tasks, resourced, baseline)
    links = [DcmaLink(str(r[0]), str(r[1]), LinkType(r[2]), r[3]) for r in data.links]
    links.extend(out_links)
    engine_cals, key = calendars.get(project, status)
    compiled = calendars.compiled(engine_cals, key, status)
    finishes = [t.finish for t in tasks.values() if t.finish is not None and not t.summary]
    project_finish = (
        naive(project.scheduled_finish) if project.scheduled_finish else max(finishes, default=None)
    )
    bases = [t.baseline_finish for t in tasks.values() if t.baseline_finish is not None]
    baseline_finish = naive(stored_finish) if stored_finish is not None else max(bases, default=None)
    cpt: CptResult | None = None
    if critical_path_test and data.tasks:
        plan = _plan(project, data, engine_cals, key, org, per_day, status)
        try:
            cpt = engine_critical_path_test(plan)
        except (PlanError, ValueError) as exc:
            cpt = CptResult(False, reason=str(exc))
    return dcma_assessment(
        tasks.values(),
        links,
        status_date=status,
        project_finish=project_finish,
        baseline_finish=baseline_finish,
        minutes_per_day=per_day,
        thresholds=thresholds,
        critical_path_test=cpt,
        working_minutes=compiled.working_minutes,
    )


def _tasks(
    rows: list[tuple[Any, ...]],
    resourced: set[int],
    baseline: Mapping[int, tuple[datetime | None, datetime | None]],
) -> dict[str, DcmaTask]:
    out: dict[str, DcmaTask] = {}
    for (
        pk,
        _project,
        _parent,
        name,
        wbs,
        kind,
        duration,
        _elapsed,
        start,
        finish,
        total_float,
        constraint,
        _c_date,
        _deadline,
        a_start,
        a_finish,
        pct,
        _manual,
        _m_start,
        _level,
        _planned,
    ) in rows:
        base = baseline.get(pk, (None, None))
        out[str(pk)] = DcmaTask(
            id=str(pk),
            name=name,
            wbs=wbs,
            summary=kind == TaskKind.SUMMARY,
            milestone=kind == TaskKind.MILESTONE,
            duration=0 if kind == TaskKind.MILESTONE else duration,
            start=naive(start),
            finish=naive(finish),
            total_float=total_float,
            constraint=ConstraintType(constraint),
            resourced=pk in resourced,
            actual_start=naive(a_start),
            actual_finish=naive(a_finish),
            baseline_start=naive(base[0]),
            baseline_finish=naive(base[1]),
            percent_complete=pct,
        )
    return out


class _Calendars:
    """Engine calendars by stored calendar, built once each (projects mostly share the default one)."""

    def __init__(self) -> None:
        self._rows: dict[int | None, tuple[tuple[Calendar, ...], str]] = {}
        self._compiled: dict[str, WorkCalendar] = {}

    def get(self, project: Project, around: date) -> tuple[tuple[Calendar, ...], str]:
        key = project.calendar_id
        if key not in self._rows:
            self._rows[key] = project_calendars(project, range(around.year - 6, around.year + 11))
        return self._rows[key]

    def compiled(self, calendars: tuple[Calendar, ...], key: str, around: date) -> WorkCalendar:
        if key not in self._compiled:
            by_id = {c.id: c for c in calendars}
            self._compiled[key] = WorkCalendar(
                by_id[key], by_id, around=datetime.combine(around, time()), years=10, lookback=5
            )
        return self._compiled[key]


def _plan(
    project: Project,
    data: _Loaded,
    calendars: tuple[Calendar, ...],
    key: str,
    org: Organisation,
    per_day: int,
    status: date,
) -> Plan:
    """The engine plan of a project from the rows read in bulk (as `projects.mapping.project_plan`)."""
    planned = [r[-1] for r in data.tasks if r[-1] is not None]
    day = project.planned_start or (min(planned) if planned else status)
    start = datetime.combine(day, time()) + timedelta(minutes=DAY_START)
    tasks = tuple(
        Task(
            id=str(pk),
            name=name,
            duration=0 if kind == TaskKind.MILESTONE else duration,
            elapsed=elapsed and kind == TaskKind.TASK,
            parent=str(parent) if parent else None,
            milestone=kind == TaskKind.MILESTONE,
            constraint=ConstraintType(constraint),
            constraint_date=naive(c_date),
            deadline=naive(deadline),
            actual_start=naive(a_start),
            actual_finish=naive(a_finish),
            percent_complete=pct,
            manual=manual and kind != TaskKind.SUMMARY,
            manual_start=naive(m_start) if manual and kind != TaskKind.SUMMARY else None,
            level_start=naive(level) if kind != TaskKind.SUMMARY else None,
        )
        for (
            pk,
            _project,
            parent,
            name,
            _wbs,
            kind,
            duration,
            elapsed,
            _start,
            _finish,
            _float,
            constraint,
            c_date,
            deadline,
            a_start,
            a_finish,
            pct,
            manual,
            m_start,
            level,
            _planned,
        ) in data.tasks
    )
    links: list[Link] = []
    external: dict[str, ExternalDates] = {}
    for pred, succ, kind, lag, elapsed, _succ_project, pred_project, p_start, p_finish, p_name in data.links:
        pred_id = str(pred)
        if pred_project != project.pk:
            if p_start is None or p_finish is None:
                continue  # an undated task elsewhere cannot constrain this plan yet
            pred_id = f"external:{pred}"
            external[pred_id] = ExternalDates(pred_id, naive(p_start), naive(p_finish), p_name)
        links.append(
            Link(pred_id, str(succ), LinkType(kind), lag, LagKind.ELAPSED if elapsed else LagKind.WORK)
        )
    return Plan(
        start=start,
        tasks=tasks,
        links=tuple(links),
        calendars=calendars,
        calendar=key,
        name=f"{project.code} {project.name}",
        external=tuple(external.values()),
        minutes_per_day=per_day,
        minutes_per_week=int(Decimal(org.hours_per_week) * 60),
        days_per_month=max(1, round(Decimal(org.hours_per_month) / Decimal(org.hours_per_day))),
        status_date=datetime.combine(project.status_date, time(23, 59)) if project.status_date else None,
        schedule_from_finish=project.schedule_from_finish and project.planned_finish is not None,
        finish=(
            datetime.combine(project.planned_finish, time(23, 59))
            if project.schedule_from_finish and project.planned_finish is not None
            else None
        ),
        critical_float=int(project.critical_float_days * per_day),
    )


def dcma_for_project(user: Any, project: Project, *, as_of: date | None = None) -> DcmaReport:
    """The DCMA report of one project the user may read (PermissionDenied otherwise); ValidationError
    when it cannot be assessed (on `status_date` when that is out of range)."""
    if not can_view_governance(user, project):
        raise PermissionDenied
    report = dcma_reports([project], as_of=as_of or timezone.localdate()).get(project.pk)
    if report is None:
        check_status_date(project.status_date)
        raise ValidationError(
            _("The schedule of project %(code)s cannot be assessed.") % {"code": project.code}
        )
    return report


def _file_status_date(plan: Plan) -> date:
    """The data date of a plan file: its status date; without one, the last actual date in it (progress
    is known up to the end of that day); without actuals, the day before the plan starts (nothing can have
    happened yet) — an old plan is not judged as of today, which would call every forecast date before
    today invalid."""
    if plan.status_date is not None:
        return plan.status_date.date()
    actuals = [m for t in plan.tasks for m in (t.actual_start, t.actual_finish) if m is not None]
    return max(actuals).date() if actuals else plan.start.date() - timedelta(days=1)


def dcma_for_file(data: bytes, name: str, *, status_date: date | None) -> DcmaReport:
    """The DCMA report of a plan JSON or MS Project XML file (`name` gives the kind by its extension),
    scheduled by the engine; MS Project's baseline (Baseline, number 0) and assignments are used when the
    file has them. The status date is `status_date`, else the file's, else its last actual date, else the
    day before its start (1900–2999).
    Stores nothing; raises a ValidationError on the `file` (or `status_date`) field naming the problem."""
    from kuroko.formats.mspdi.records import MspdiProject
    from kuroko.projects.services.import_files import read_file

    check_status_date(status_date)
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    source = read_file(name, data)
    if not isinstance(source, MspdiProject):
        raise ValidationError(
            {"file": _("The DCMA assessment reads plan JSON (.json) and MS Project XML (.xml) files.")}
        )
    plan = source.plan
    if not plan.tasks:
        raise ValidationError({"file": _("The plan has no tasks to assess.")})
    try:
        scheduled = cpm_schedule(plan)
    except PlanError as exc:
        raise ValidationError(
            {"file": _("The plan cannot be scheduled: %(error)s") % {"error": exc}}
        ) from exc
    day = status_date or _file_status_date(plan)
    check_status_date(day, "file")
    baseline = {
        b.task: (b.start, b.finish)
        for b in source.baselines
        if b.number == 0 and b.start is not None and b.finish is not None
    }
    resourced = {a.task for a in source.assignments if a.resource is not None}
    wbs = {key: info.wbs or info.outline_number for key, info in source.tasks.items()}
    if not wbs:
        wbs = _outline_numbers(plan)
    try:
        return dcma_from_plan(
            plan, scheduled, status_date=day, baseline=baseline or None, resourced=resourced, wbs=wbs
        )
    except (PlanError, ValueError) as exc:
        raise ValidationError({"file": _("The plan cannot be assessed: %(error)s") % {"error": exc}}) from exc


def _outline_numbers(plan: Plan) -> dict[str, str]:
    """Outline numbers (1, 1.1, 1.2, 2 …) of a plan's tasks, for files that carry none."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for task in plan.tasks:
        children[task.parent].append(task.id)
    out: dict[str, str] = {}
    stack: list[tuple[str, str]] = [(tid, str(i)) for i, tid in reversed(list(enumerate(children[None], 1)))]
    while stack:
        tid, number = stack.pop()
        out[tid] = number
        stack.extend((c, f"{number}.{i}") for i, c in reversed(list(enumerate(children.get(tid, []), 1))))
    return out


# --- The report as rows for the page, the workbook and the API ----------------------------------------


@dataclass(frozen=True, slots=True)
class OffendingTask:
    """A task a check names, with the value that offends (in words)."""

    id: str
    pk: int | None  # the stored task, None for a task of a file
    wbs: str
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One check in words: its name, what it measures, the pass mark, the result and the tasks it names."""

    check: DcmaCheck
    name: str
    measures: str
    threshold: str
    value: str
    state: str  # pass | fail | na
    state_label: str
    tasks: list[OffendingTask]


def _check_text(thresholds: DcmaThresholds) -> dict[str, tuple[str, str]]:
    """Each check's name and what it measures."""
    days_float = _number(thresholds.high_float_days)
    days_duration = _number(thresholds.high_duration_days)
    return {
        "logic": (
            _("Logic"),
            _(
                "Incomplete tasks without a predecessor or a successor "
                "(the one start and the one finish of the network excepted)."
            ),
        ),
        "leads": (_("Leads"), _("Links of incomplete tasks with a negative lag (a lead).")),
        "lags": (_("Lags"), _("Links of incomplete tasks with a positive lag.")),
        "relationship_types": (
            _("Relationship types"),
            _("Share of the links of incomplete tasks that are finish-to-start."),
        ),
        "hard_constraints": (
            _("Hard constraints"),
            _(
                "Incomplete tasks with a must start on, must finish on, "
                "start no later than or finish no later than constraint."
            ),
        ),
        "high_float": (
            _("High float"),
            _("Incomplete tasks with a total float over %(days)s working days.") % {"days": days_float},
        ),
        "negative_float": (_("Negative float"), _("Incomplete tasks with a total float below zero.")),
        "high_duration": (
            _("High duration"),
            _("Incomplete tasks longer than %(days)s working days.") % {"days": days_duration},
        ),
        "invalid_dates": (
            _("Invalid dates"),
            _("Actual dates after the status date, or forecast dates of work not done before it."),
        ),
        "resources": (_("Resources"), _("Incomplete tasks with a duration and no one assigned.")),
        "missed_tasks": (
            _("Missed tasks"),
            _("Tasks due by the status date in the baseline that finished late or have not finished."),
        ),
        "critical_path_test": (
            _("Critical path test"),
            _(
                "Delaying the first incomplete critical task by 600 working days "
                "delays the project finish as much."
            ),
        ),
        "cpli": (
            _("Critical path length index (CPLI)"),
            _(
                "(Critical path length + total float of the project finish against the baseline) "
                "÷ critical path length."
            ),
        ),
        "bei": (
            _("Baseline execution index (BEI)"),
            _("Tasks completed ÷ tasks due by the status date in the baseline."),
        ),
    }


def _number(value: float) -> str:
    return f"{value:g}"


def _threshold(check: DcmaCheck) -> str:
    t = check.threshold
    if check.key == "critical_path_test" or t is None:
        return _("must pass")
    if check.key == "relationship_types":
        return f"≥ {_number(t)} %"
    if check.unit == "index":
        return f"≥ {t:.2f}"
    if check.unit == "count":
        return f"≤ {int(t)}" if t else "= 0"
    return f"≤ {_number(t)} %" if t else "= 0 %"


def _value(check: DcmaCheck) -> str:
    if check.value is None:
        return "—"
    if check.key == "critical_path_test":
        return _("passed") if check.passed else _("failed")
    if check.unit == "percent":
        return f"{check.value:.1f} %"
    if check.unit == "index":
        return f"{check.value:.2f}"
    return str(int(check.value))


_LOGIC_WORDS = {
    "predecessor": lambda: _("no predecessor"),
    "successor": lambda: _("no successor"),
    "predecessor+successor": lambda: _("no predecessor and no successor"),
}


def _days_text(minutes: int | None, per_day: int) -> str:
    if minutes is None:
        return "—"
    return _("%(days)s working days") % {"days": f"{minutes / per_day:.1f}"}


def _offending_value(report: DcmaReport, check: DcmaCheck, task: DcmaTask, wbs_of: Mapping[str, str]) -> str:
    detail = check.details.get(task.id, "")
    per_day = report.minutes_per_day
    key = check.key
    if key == "logic":
        return str(_LOGIC_WORDS[detail]()) if detail in _LOGIC_WORDS else detail
    if key in ("leads", "lags", "relationship_types"):
        predecessor, kind, lag = [*detail.split(" "), "", "", "0"][:3]
        task_text = wbs_of.get(predecessor) or predecessor
        minutes = int(lag) if lag.lstrip("-").isdigit() else 0
        if minutes:
            return _("after %(task)s (%(type)s, lag %(lag)s)") % {
                "task": task_text,
                "type": kind,
                "lag": _days_text(minutes, per_day),
            }
        return _("after %(task)s (%(type)s)") % {"task": task_text, "type": kind}
    if key == "hard_constraints":
        return str(ProjectConstraint(task.constraint).label)
    if key in ("high_float", "negative_float"):
        return _days_text(task.total_float, per_day)
    if key == "high_duration":
        return _days_text(task.duration, per_day)
    if key == "invalid_dates":
        parts = []
        date_format = "%Y-%m-%d %H:%M"
        if task.actual_start is not None and "actual start" in detail:
            parts.append(_("actual start %(when)s") % {"when": task.actual_start.strftime(date_format)})
        if task.actual_finish is not None and "actual finish" in detail:
            parts.append(_("actual finish %(when)s") % {"when": task.actual_finish.strftime(date_format)})
        if task.start is not None and (detail.startswith("start") or ", start" in detail):
            parts.append(_("forecast start %(when)s") % {"when": task.start.strftime(date_format)})
        if task.finish is not None and (detail.startswith("finish") or ", finish" in detail):
            parts.append(_("forecast finish %(when)s") % {"when": task.finish.strftime(date_format)})
        return ", ".join(parts)
    if key == "resources":
        return _days_text(task.duration, per_day)
    if key in ("missed_tasks", "bei"):
        base = task.baseline_finish.strftime("%Y-%m-%d") if task.baseline_finish else "—"
        if task.actual_finish is not None:
            return _("baseline finish %(base)s, finished %(actual)s") % {
                "base": base,
                "actual": task.actual_finish.strftime("%Y-%m-%d"),
            }
        return _("baseline finish %(base)s, not finished") % {"base": base}
    if key == "critical_path_test" and report.critical_path is not None:
        cpt = report.critical_path
        return _("delayed %(delay)s, the finish moved %(slip)s") % {
            "delay": _days_text(cpt.delay, per_day),
            "slip": _days_text(cpt.slip, per_day),
        }
    return detail


def dcma_rows(report: DcmaReport, *, stored: bool = True) -> list[CheckRow]:
    """The report's fourteen checks in words (translated), each with the tasks it names (WBS order).
    `stored`: the task ids are primary keys of stored tasks (a file's are not)."""
    text = _check_text(report.thresholds)
    wbs_of = {t.id: t.wbs for t in report.tasks.values()}
    states = {True: ("pass", _("Pass")), False: ("fail", _("Fail")), None: ("na", _("n/a"))}
    rows = []
    for check in report.checks:
        name, measures = text[check.key]
        tasks = [
            OffendingTask(
                id=task.id,
                pk=int(task.id) if stored and task.id.isdigit() else None,
                wbs=task.wbs,
                name=task.name,
                value=_offending_value(report, check, task, wbs_of),
            )
            for task in (report.tasks[i] for i in check.task_ids if i in report.tasks)
        ]
        tasks.sort(key=lambda t: _wbs_key(t.wbs))
        state, label = states[check.passed]
        rows.append(
            CheckRow(check, name, measures, _threshold(check), _value(check), state, str(label), tasks)
        )
    return rows


def _wbs_key(wbs: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in wbs.split("."))


def status_message(report: DcmaReport) -> str:
    """The summary line: how many checks passed out of those that apply."""
    return _("%(passed)d of %(applicable)d checks passed") % {
        "passed": report.passed,
        "applicable": report.applicable,
    }


def critical_path_reason(report: DcmaReport) -> str:
    """Why the critical path test failed or was not run, in words ("" when it passed)."""
    cpt = report.critical_path
    if cpt is None or not cpt.reason:
        return ""
    words = {
        "every task is complete": _("every task is complete"),
        "no incomplete task is critical": _("no incomplete task is critical"),
        "the project finish moved less than the delay": _("the project finish moved less than the delay"),
    }
    return words.get(cpt.reason, cpt.reason)
