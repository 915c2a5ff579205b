"""Schedule quality: the DCMA 14-point assessment.

`dcma_assessment(tasks, links, *, status_date, ...) -> DcmaReport` runs the fourteen checks of the
Defense Contract Management Agency's schedule assessment on a plan's tasks and links;
`critical_path_test(plan) -> CptResult` runs check 12 with the real scheduler; `dcma_from_plan(plan,
schedule, ...)` does both for a plan read from a file. Definitions, populations and every choice made are
in docs/engine/dcma.md.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import numpy as np

from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.cpm import schedule as cpm_schedule
from kuroko.engine.model import ConstraintType, LagKind, LinkType, Plan, Schedule

HARD_CONSTRAINTS = frozenset(
    {ConstraintType.MSO, ConstraintType.MFO, ConstraintType.SNLT, ConstraintType.FNLT}
)
"""Constraints that fix a date whatever the logic says (DCMA check 5)."""

CHECK_KEYS: tuple[str, ...] = (
    "logic",
    "leads",
    "lags",
    "relationship_types",
    "hard_constraints",
    "high_float",
    "negative_float",
    "high_duration",
    "invalid_dates",
    "resources",
    "missed_tasks",
    "critical_path_test",
    "cpli",
    "bei",
)
"""The keys of the fourteen checks, in DCMA order (check n has key CHECK_KEYS[n - 1])."""


@dataclass(frozen=True, slots=True)
class DcmaTask:
    """One task of the schedule as the assessment sees it.

    Durations and floats are in working minutes; `total_float` is None when it is not known (an unscheduled
    task). `baseline_start`/`baseline_finish` are None when the task has no baseline.
    """

    id: str
    name: str = ""
    wbs: str = ""
    summary: bool = False
    milestone: bool = False
    duration: int = 0
    start: datetime | None = None
    finish: datetime | None = None
    total_float: int | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    resourced: bool = False
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    baseline_start: datetime | None = None
    baseline_finish: datetime | None = None
    percent_complete: float = 0.0
    level_of_effort: bool = False

    def __post_init__(self) -> None:
        label = self.name or self.id
        if not self.id:
            raise ValueError("Every task needs an id.")
        if self.duration < 0:
            raise ValueError(f"Task {label}: the duration cannot be negative.")
        if not 0 <= self.percent_complete <= 100:
            raise ValueError(f"Task {label}: % complete must be between 0 and 100.")

    @property
    def complete(self) -> bool:
        """Finished: an actual finish, or 100 % complete."""
        return self.actual_finish is not None or self.percent_complete >= 100


@dataclass(frozen=True, slots=True)
class DcmaLink:
    """A dependency; `lag` in working minutes, negative for a lead."""

    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag: int = 0

    def __post_init__(self) -> None:
        if self.predecessor == self.successor:
            raise ValueError(f"Task {self.predecessor} cannot depend on itself.")


@dataclass(frozen=True, slots=True)
class DcmaThresholds:
    """The pass marks of the checks; the defaults are the DCMA's. Percentages are 0–100."""

    missing_logic: float = 5.0  # check 1: at most this % of tasks without a predecessor or successor
    leads: int = 0  # check 2: at most this many leads
    lags: float = 5.0  # check 3: at most this % of links with a lag
    fs_links: float = 90.0  # check 4: at least this % of links finish-to-start
    hard_constraints: float = 5.0  # check 5
    high_float_days: float = 44.0  # check 6: float above this many working days is high ...
    high_float: float = 5.0  # ... and at most this % of tasks may have it
    negative_float: int = 0  # check 7: at most this many tasks with negative float
    high_duration_days: float = 44.0  # check 8: a duration above this many working days is high ...
    high_duration: float = 5.0  # ... and at most this % of tasks may have it
    invalid_dates: int = 0  # check 9
    no_resources: float = 0.0  # check 10: at most this % of tasks without resources
    missed_tasks: float = 5.0  # check 11
    cpli: float = 0.95  # check 13: at least
    bei: float = 0.95  # check 14: at least

    def __post_init__(self) -> None:
        for name in (
            "missing_logic",
            "lags",
            "fs_links",
            "hard_constraints",
            "high_float",
            "high_duration",
            "no_resources",
            "missed_tasks",
        ):
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"Threshold {name} is a percentage between 0 and 100.")
        for name in ("leads", "negative_float", "invalid_dates"):
            if getattr(self, name) < 0:
                raise ValueError(f"Threshold {name} is a count and cannot be negative.")
        for name in ("high_float_days", "high_duration_days", "cpli", "bei"):
            if getattr(self, name) < 0:
                raise ValueError(f"Threshold {name} cannot be negative.")


@dataclass(frozen=True, slots=True)
class CptResult:
    """The critical path test (check 12): `task` was delayed by `delay` working minutes and the project
    finish moved by `slip` working minutes. `passed` is None when there was nothing to test (no incomplete
    task); `reason` says why the test failed or was not run."""

    passed: bool | None
    task: str | None = None
    task_name: str = ""
    delay: int = 0
    slip: int = 0
    finish_before: datetime | None = None
    finish_after: datetime | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DcmaCheck:
    """One check's result. `value` is a percentage (0–100), a count or an index, as `unit` says;
    `passed` is None when the check does not apply (e.g. no baseline for checks 11 and 14). `task_ids`
    are the offending tasks; `details` gives each one's offending value as text (task id → text): for link
    checks "predecessor type lag-minutes", for logic "predecessor", "successor" or both joined by "+"."""

    number: int
    key: str
    unit: str  # "percent" | "count" | "index" | "test"
    value: float | None
    threshold: float | None
    passed: bool | None
    count: int
    total: int
    task_ids: tuple[str, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 14:
            raise ValueError("DCMA checks are numbered 1 to 14.")
        if self.key != CHECK_KEYS[self.number - 1]:
            raise ValueError(f"Check {self.number} has key {CHECK_KEYS[self.number - 1]}, not {self.key}.")
        # An index (the BEI) may count more than its population: tasks finished ahead of their baseline.
        if self.count < 0 or (self.unit != "index" and self.count > self.total):
            raise ValueError(f"Check {self.number}: the count must be between 0 and the total.")


@dataclass(frozen=True, slots=True)
class DcmaReport:
    """The fourteen checks, the status date they were run on, and the project's dates used."""

    status_date: date
    checks: tuple[DcmaCheck, ...]
    tasks: Mapping[str, DcmaTask]
    project_finish: datetime | None = None
    baseline_finish: datetime | None = None
    critical_path: CptResult | None = None
    minutes_per_day: int = 480
    thresholds: DcmaThresholds = field(default_factory=DcmaThresholds)

    def __post_init__(self) -> None:
        if tuple(c.number for c in self.checks) != tuple(range(1, 15)):
            raise ValueError("A DCMA report holds checks 1 to 14 in order.")

    @property
    def passed(self) -> int:
        """How many checks passed."""
        return sum(1 for c in self.checks if c.passed is True)

    @property
    def failed(self) -> int:
        """How many checks failed."""
        return sum(1 for c in self.checks if c.passed is False)

    @property
    def applicable(self) -> int:
        """How many checks applied (passed or failed)."""
        return sum(1 for c in self.checks if c.passed is not None)

    def check(self, key: str) -> DcmaCheck:
        """The check with this key."""
        return self.checks[CHECK_KEYS.index(key)]


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 2) if total else 0.0


# The status dates assessed (as the plan imports accept): the data date and calendars stay far from the ends
# of Python's dates.
FIRST_STATUS_DATE = date(1900, 1, 1)
LAST_STATUS_DATE = date(2999, 12, 31)


def _ratio_check(
    number: int, offenders: Sequence[str], total: int, limit: float, details: Mapping[str, str]
) -> DcmaCheck:
    """A "at most `limit` % of the population" check."""
    value = _percent(len(offenders), total)
    return DcmaCheck(
        number,
        CHECK_KEYS[number - 1],
        "percent",
        value,
        limit,
        value <= limit,
        len(offenders),
        total,
        tuple(offenders),
        details,
    )


def _count_check(
    number: int, offenders: Sequence[str], total: int, limit: int, details: Mapping[str, str]
) -> DcmaCheck:
    """A "at most `limit` items" check."""
    n = len(offenders)
    return DcmaCheck(
        number,
        CHECK_KEYS[number - 1],
        "count",
        n,
        limit,
        n <= limit,
        n,
        max(total, n),
        tuple(offenders),
        details,
    )


def _link_details(links: Sequence[DcmaLink]) -> dict[str, str]:
    """Successor task id → its links as "predecessor type lag-minutes", several joined by "; "."""
    details: dict[str, list[str]] = {}
    for ln in links:
        details.setdefault(ln.successor, []).append(f"{ln.predecessor} {ln.type} {ln.lag}")
    return {task: "; ".join(texts) for task, texts in details.items()}


def _days(minutes: int, per_day: int) -> str:
    return f"{minutes / per_day:.1f}d"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def dcma_assessment(
    tasks: Iterable[DcmaTask],
    links: Iterable[DcmaLink],
    *,
    status_date: date,
    project_finish: datetime | None,
    baseline_finish: datetime | None,
    minutes_per_day: int = 480,
    thresholds: DcmaThresholds = DcmaThresholds(),
    critical_path_test: CptResult | None = None,
    working_minutes: Callable[[datetime, datetime], int] | None = None,
) -> DcmaReport:
    """Run the fourteen DCMA checks.

    Parameters
    ----------
    tasks, links
        The schedule's tasks (summaries included; they are left out of every population) and dependencies.
        Links naming a task not among `tasks` (another project's) count as logic of the task inside.
    status_date
        The day progress was reported up to; the data date is the start of the next day. Between
        `FIRST_STATUS_DATE` and `LAST_STATUS_DATE` (ValueError otherwise).
    project_finish
        The forecast finish of the project (the end of its critical path), for the CPLI.
    baseline_finish
        The baseline (or contract) finish of the project, for the CPLI; None leaves check 13 not applicable.
    minutes_per_day
        Working minutes per day, to turn the 44-day limits into minutes.
    thresholds
        Pass marks; the DCMA's by default.
    critical_path_test
        The result of `critical_path_test` for check 12; None leaves check 12 not applicable.
    working_minutes
        Working minutes between two instants on the project calendar (e.g. `WorkCalendar.working_minutes`),
        for the CPLI; without it, Monday to Friday count as working days.

    Returns
    -------
    DcmaReport
        Checks 1–14 with their values, pass marks, counts and offending tasks.
    """
    if not FIRST_STATUS_DATE <= status_date <= LAST_STATUS_DATE:
        raise ValueError(
            f"The status date {status_date} is outside {FIRST_STATUS_DATE} to {LAST_STATUS_DATE}."
        )
    if minutes_per_day <= 0:
        raise ValueError("Minutes per day must be positive.")
    by_id: dict[str, DcmaTask] = {}
    for task in tasks:
        if task.id in by_id:
            raise ValueError(f"Task id {task.id} appears twice.")
        by_id[task.id] = task
    all_links = tuple(links)
    # The population of checks 1–8 and 10: incomplete leaf tasks and milestones that are not level of effort.
    counted = [t for t in by_id.values() if not t.summary and not t.level_of_effort]
    open_tasks = [t for t in counted if not t.complete]
    open_ids = {t.id for t in open_tasks}
    checks: list[DcmaCheck] = []

    # 1. Logic: a predecessor and a successor each (the one start and the one finish of the network excepted).
    has_pred: set[str] = set()
    has_succ: set[str] = set()
    for link in all_links:
        has_succ.add(link.predecessor)
        has_pred.add(link.successor)
    no_pred = [t.id for t in open_tasks if t.id not in has_pred]
    no_succ = [t.id for t in open_tasks if t.id not in has_succ]
    no_pred_ok = set(no_pred) if len(no_pred) == 1 else set()
    no_succ_ok = set(no_succ) if len(no_succ) == 1 else set()
    logic_details: dict[str, str] = {}
    for t in open_tasks:
        missing = []
        if t.id not in has_pred and t.id not in no_pred_ok:
            missing.append("predecessor")
        if t.id not in has_succ and t.id not in no_succ_ok:
            missing.append("successor")
        if missing:
            logic_details[t.id] = "+".join(missing)  # "predecessor", "successor" or both
    checks.append(
        _ratio_check(1, list(logic_details), len(open_tasks), thresholds.missing_logic, logic_details)
    )

    # 2–4. Links of incomplete tasks (either end incomplete).
    open_links = [ln for ln in all_links if ln.successor in open_ids or ln.predecessor in open_ids]
    # The links themselves are counted; the tasks listed are their successors (once each, their links joined).
    leads = [ln for ln in open_links if ln.lag < 0]
    lead_details = _link_details(leads)
    checks.append(
        DcmaCheck(
            2,
            "leads",
            "count",
            len(leads),
            thresholds.leads,
            len(leads) <= thresholds.leads,
            len(leads),
            len(open_links),
            tuple(lead_details),
            lead_details,
        )
    )
    lagged = [ln for ln in open_links if ln.lag > 0]
    lag_details = _link_details(lagged)
    value = _percent(len(lagged), len(open_links))
    checks.append(
        DcmaCheck(
            3,
            "lags",
            "percent",
            value,
            thresholds.lags,
            value <= thresholds.lags,
            len(lagged),
            len(open_links),
            tuple(lag_details),
            lag_details,
        )
    )
    fs = sum(1 for ln in open_links if ln.type == LinkType.FS)
    other = _link_details([ln for ln in open_links if ln.type != LinkType.FS])
    fs_value = _percent(fs, len(open_links)) if open_links else None
    checks.append(
        DcmaCheck(
            4,
            "relationship_types",
            "percent",
            fs_value,
            thresholds.fs_links,
            None if fs_value is None else fs_value >= thresholds.fs_links,
            fs,
            len(open_links),
            tuple(other),
            other,
        )
    )

    # 5. Hard constraints.
    hard = {t.id: str(t.constraint) for t in open_tasks if t.constraint in HARD_CONSTRAINTS}
    checks.append(_ratio_check(5, list(hard), len(open_tasks), thresholds.hard_constraints, hard))

    # 6–7. Float (tasks whose float is known).
    floated = [t for t in open_tasks if t.total_float is not None]
    limit = thresholds.high_float_days * minutes_per_day
    high = {
        t.id: _days(t.total_float, minutes_per_day)
        for t in floated
        if t.total_float is not None and t.total_float > limit
    }
    checks.append(_ratio_check(6, list(high), len(floated), thresholds.high_float, high))
    negative = {
        t.id: _days(t.total_float, minutes_per_day)
        for t in floated
        if t.total_float is not None and t.total_float < 0
    }
    checks.append(_count_check(7, list(negative), len(floated), thresholds.negative_float, negative))

    # 8. High duration (milestones have none).
    limit = thresholds.high_duration_days * minutes_per_day
    durations = [t for t in open_tasks if not t.milestone]
    long = {t.id: _days(t.duration, minutes_per_day) for t in durations if t.duration > limit}
    checks.append(_ratio_check(8, list(long), len(durations), thresholds.high_duration, long))

    # 9. Invalid dates: actuals at or after the data date, forecasts before it.
    data_date = datetime.combine(status_date + timedelta(days=1), time())
    invalid: dict[str, str] = {}
    for t in counted:
        problems = []
        if t.actual_start is not None and t.actual_start >= data_date:
            problems.append(f"actual start {_stamp(t.actual_start)}")
        if t.actual_finish is not None and t.actual_finish >= data_date:
            problems.append(f"actual finish {_stamp(t.actual_finish)}")
        if t.actual_start is None and t.start is not None and t.start < data_date:
            problems.append(f"start {_stamp(t.start)}")
        if not t.complete and t.finish is not None and t.finish < data_date:
            problems.append(f"finish {_stamp(t.finish)}")
        if problems:
            invalid[t.id] = ", ".join(problems)
    checks.append(_count_check(9, list(invalid), len(counted), thresholds.invalid_dates, invalid))

    # 10. Resources: incomplete tasks with a duration.
    worked = [t for t in open_tasks if not t.milestone and t.duration > 0]
    bare = {t.id: _days(t.duration, minutes_per_day) for t in worked if not t.resourced}
    checks.append(_ratio_check(10, list(bare), len(worked), thresholds.no_resources, bare))

    # 11 and 14. Baseline: tasks due by the status date.
    baselined = [t for t in counted if t.baseline_finish is not None]
    due = [t for t in baselined if t.baseline_finish is not None and t.baseline_finish.date() <= status_date]
    missed: dict[str, str] = {}
    for t in due:
        assert t.baseline_finish is not None
        if t.actual_finish is None and not t.complete:
            missed[t.id] = f"baseline {t.baseline_finish:%Y-%m-%d}, not finished"
        elif t.actual_finish is not None and t.actual_finish.date() > t.baseline_finish.date():
            missed[t.id] = f"baseline {t.baseline_finish:%Y-%m-%d}, finished {t.actual_finish:%Y-%m-%d}"
    if baselined:
        checks.append(_ratio_check(11, list(missed), len(due), thresholds.missed_tasks, missed))
    else:
        checks.append(DcmaCheck(11, "missed_tasks", "percent", None, thresholds.missed_tasks, None, 0, 0))

    # 12. Critical path test.
    cpt = critical_path_test
    if cpt is None:
        checks.append(DcmaCheck(12, "critical_path_test", "test", None, None, None, 0, 0))
    else:
        ids = (cpt.task,) if cpt.task else ()
        detail = (
            {cpt.task: f"+{_days(cpt.delay, minutes_per_day)} → {_days(cpt.slip, minutes_per_day)}"}
            if cpt.task
            else {}
        )
        checks.append(
            DcmaCheck(
                12,
                "critical_path_test",
                "test",
                None if cpt.passed is None else float(cpt.passed),
                None,
                cpt.passed,
                1 if cpt.passed else 0,
                0 if cpt.passed is None else 1,
                ids,
                detail,
            )
        )

    # 13. CPLI = (critical path length + total float of the finish) / critical path length, in working days.
    cpli: float | None = None
    if project_finish is not None and baseline_finish is not None:
        if working_minutes is not None:
            length = working_minutes(data_date, project_finish) / minutes_per_day
            slack = working_minutes(project_finish, baseline_finish) / minutes_per_day
        else:
            day = timedelta(days=1)
            length = int(np.busday_count(data_date.date(), project_finish.date() + day))
            first, last = project_finish.date(), baseline_finish.date()
            # Working days after the forecast finish up to the baseline one; negative when it is earlier.
            if last >= first:
                slack = int(np.busday_count(first + day, last + day))
            else:
                slack = -int(np.busday_count(last + day, first + day))
        if length > 0:
            cpli = round((length + slack) / length, 3)
    checks.append(
        DcmaCheck(
            13,
            "cpli",
            "index",
            cpli,
            thresholds.cpli,
            None if cpli is None else cpli >= thresholds.cpli,
            0,
            0,
        )
    )

    # 14. BEI = tasks completed / tasks baselined to finish by the status date.
    # Only tasks with a baseline finish count as completed: an unbaselined task was never planned to finish.
    completed = sum(1 for t in baselined if t.complete)
    bei = round(completed / len(due), 3) if due else None
    late = {t.id: f"baseline {t.baseline_finish:%Y-%m-%d}" for t in due if not t.complete}
    checks.append(
        DcmaCheck(
            14,
            "bei",
            "index",
            bei,
            thresholds.bei,
            None if bei is None else bei >= thresholds.bei,
            completed if due else 0,
            len(due),
            tuple(late),
            late,
        )
    )
    return DcmaReport(
        status_date=status_date,
        checks=tuple(checks),
        tasks=by_id,
        project_finish=project_finish,
        baseline_finish=baseline_finish,
        critical_path=cpt,
        minutes_per_day=minutes_per_day,
        thresholds=thresholds,
    )


def _project_calendar(plan: Plan) -> WorkCalendar:
    by_id = {c.id: c for c in plan.calendars}
    return WorkCalendar(by_id[plan.calendar], by_id, around=plan.start, years=12, lookback=2)


def critical_path_test(plan: Plan, *, delay_days: int = 600, schedule: Schedule | None = None) -> CptResult:
    """DCMA check 12: delay the first incomplete critical task and see the project finish move as much.

    An unstarted task is held back by the delay (it starts `delay_days` working days later); a task under
    way gets `delay_days` more remaining work.

    Parameters
    ----------
    plan
        The plan, scheduled with the engine's `schedule()`.
    delay_days
        How many working days (of `plan.minutes_per_day`) to add to the task's duration.
    schedule
        The plan's schedule when already computed (saves one run of the scheduler).

    Returns
    -------
    CptResult
        Passed when the finish slipped by the whole delay; names the task delayed. Not applicable
        (`passed` None) when every task is complete.
    """
    if delay_days <= 0:
        raise ValueError("The critical path test delays a task by at least one day.")
    before = schedule if schedule is not None else cpm_schedule(plan)
    parents = {t.parent for t in plan.tasks if t.parent}
    incomplete = [
        t
        for t in plan.tasks
        if t.id not in parents
        and t.actual_finish is None
        and t.percent_complete < 100
        and t.id in before.tasks
    ]
    if not incomplete:
        return CptResult(None, reason="every task is complete")
    critical = [t for t in incomplete if before.tasks[t.id].critical]
    if not critical:
        return CptResult(False, reason="no incomplete task is critical", finish_before=before.project_finish)
    # The least float first: with a critical-float margin, near-critical tasks are flagged critical too, but
    # only the longest path must move the finish by the whole delay.
    first = min(
        critical,
        key=lambda t: (
            before.tasks[t.id].total_float,
            before.tasks[t.id].early_start,
            before.tasks[t.id].early_finish,
        ),
    )
    delay = delay_days * plan.minutes_per_day
    calendar = _project_calendar(plan)
    if first.actual_start is None and first.percent_complete == 0:
        # An unstarted task is held back by the delay (a "not before" bound), so that every link from it
        # — start-to-start ones too — carries the delay, as a late start in the field would.
        changed = replace(first, level_start=calendar.add(before.tasks[first.id].start, delay))
    else:
        # A task under way takes longer: work already done stays done and the delay is added to what
        # remains (its remainder is otherwise a share of its duration, which would grow with the delay).
        remaining = (
            first.remaining_duration
            if first.remaining_duration is not None
            else round(first.duration * (100 - first.percent_complete) / 100)
        )
        changed = replace(first, duration=first.duration + delay, remaining_duration=remaining + delay)
    tasks = tuple(changed if t.id == first.id else t for t in plan.tasks)
    after = cpm_schedule(replace(plan, tasks=tasks))
    slip = calendar.working_minutes(before.project_finish, after.project_finish)
    passed = slip >= delay
    return CptResult(
        passed,
        task=first.id,
        task_name=first.name,
        delay=delay,
        slip=slip,
        finish_before=before.project_finish,
        finish_after=after.project_finish,
        reason="" if passed else "the project finish moved less than the delay",
    )


def dcma_from_plan(
    plan: Plan,
    schedule: Schedule,
    *,
    status_date: date,
    baseline: Mapping[str, tuple[datetime, datetime]] | None = None,
    resourced: Collection[str] = frozenset(),
    thresholds: DcmaThresholds = DcmaThresholds(),
    run_critical_path_test: bool = True,
    wbs: Mapping[str, str] | None = None,
) -> DcmaReport:
    """The DCMA assessment of a plan read from a file and its schedule.

    Parameters
    ----------
    plan, schedule
        The plan and `schedule(plan)`.
    status_date
        The day progress was reported up to.
    baseline
        Baseline (start, finish) by task id; None when the file has no baseline.
    resourced
        Ids of the tasks with a resource assigned.
    thresholds
        Pass marks.
    run_critical_path_test
        Run check 12 (schedules the plan once more).
    wbs
        WBS codes by task id (the id is shown without).

    Returns
    -------
    DcmaReport
        As `dcma_assessment`; the baseline finish of the project is the latest baseline finish.
    """
    parents = {t.parent for t in plan.tasks if t.parent}
    baseline = baseline or {}
    wbs = wbs or {}
    items = []
    for task in plan.tasks:
        dates = schedule.tasks.get(task.id)
        base = baseline.get(task.id)
        items.append(
            DcmaTask(
                id=task.id,
                name=task.name,
                wbs=wbs.get(task.id, ""),
                summary=task.id in parents,
                milestone=task.milestone,
                duration=task.duration,
                start=dates.start if dates else None,
                finish=dates.finish if dates else None,
                total_float=dates.total_float if dates else None,
                constraint=task.constraint,
                resourced=task.id in resourced,
                actual_start=task.actual_start,
                actual_finish=task.actual_finish,
                baseline_start=base[0] if base else None,
                baseline_finish=base[1] if base else None,
                percent_complete=task.percent_complete,
            )
        )
    durations = {t.id: t.duration for t in plan.tasks}
    links = [
        DcmaLink(
            link.predecessor,
            link.successor,
            link.type,
            # A percent lag: its share of the predecessor's duration.
            round(durations.get(link.predecessor, 0) * link.lag / 100)
            if link.lag_kind == LagKind.PERCENT
            else round(link.lag),
        )
        for link in plan.links
    ]
    finishes = [f for _s, f in baseline.values()]
    cpt = critical_path_test(plan, schedule=schedule) if run_critical_path_test else None
    calendar = _project_calendar(plan)
    return dcma_assessment(
        items,
        links,
        status_date=status_date,
        project_finish=schedule.project_finish,
        baseline_finish=max(finishes) if finishes else plan.finish,
        minutes_per_day=plan.minutes_per_day,
        thresholds=thresholds,
        critical_path_test=cpt,
        working_minutes=calendar.working_minutes,
    )
