"""Reads of schedule risk analysis for pages and API alike: runs, estimates, correlation groups, a run's
results as the page shows them, the comparison of two runs, and the latest risk-adjusted finish of
projects (the project page's card and the portfolio's P80 column).

Every function takes the requesting user and checks `can_view_raid` (reading) or leaves writing to the
services. Results are read from the stored `forecast_to_dict` of a run; dates in it are ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.engine.duration import DurationUnits, format_span
from kuroko.projects import permissions as project_perms
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.mapping import DEFAULT_RANGE
from kuroko.raid.models import (
    OPEN_RISK_STATUSES,
    CorrelationGroup,
    DistributionChoice,
    Risk,
    RunStatus,
    SimulationRun,
    TaskEstimate,
)
from kuroko.raid.permissions import can_simulate, can_view_raid

PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)
HEADLINE = (10, 50, 80, 90)
TOP_CRITICAL = 20
TOP_SENSITIVE = 15
ESTIMATES_PER_PAGE = 100


def _require_view(user: Any, project: Project) -> None:
    if not can_view_raid(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})


def _day(value: Any) -> date | None:
    """A date from the results' ISO text (a date or a date-time)."""
    if not value:
        return None
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- runs -----------------------------------------------------------------------------------------


def runs(user: Any, project: Project) -> QuerySet[SimulationRun]:
    """The project's runs, newest first, with their headline figures read in the database (the stored
    inputs and results are not loaded)."""
    _require_view(user, project)
    return (
        SimulationRun.objects.filter(project=project)
        .select_related("created_by__person")
        .defer("inputs", "results")
        .annotate(
            p50=KT("results__finish__p50"),
            p80=KT("results__finish__p80"),
            cost_p80=KT("results__cost__p80"),
            iterations_run=KT("results__iterations"),
        )
        .order_by("-number")
    )


def run_get(user: Any, pk: int) -> SimulationRun:
    run = SimulationRun.objects.select_related("project", "created_by__person").filter(pk=pk).first()
    if run is None:
        raise Http404(_("No simulation run with id %(id)s.") % {"id": pk})
    _require_view(user, run.project)
    return run


def run_status(user: Any, pk: int) -> SimulationRun:
    """A run without its inputs and results (what the progress poll needs)."""
    run = SimulationRun.objects.select_related("project").defer("inputs", "results").filter(pk=pk).first()
    if run is None:
        raise Http404(_("No simulation run with id %(id)s.") % {"id": pk})
    _require_view(user, run.project)
    return run


# --- the simulation page's overview ---------------------------------------------------------------


@dataclass
class Overview:
    """What a run of the project would use: counts and warnings for the page."""

    leaves: int
    estimated: int
    quantified_risks: int
    groups: int
    warnings: list[str] = field(default_factory=list)
    can_simulate: bool = False


def quantified_risks(project: Project) -> QuerySet[Risk]:
    """Open risks with a probability (%) and a schedule or cost impact: the risk events of a run."""
    from django.db.models import Q

    impact = Q()
    for name in (
        "schedule_min_minutes",
        "schedule_most_likely_minutes",
        "schedule_max_minutes",
        "cost_min",
        "cost_most_likely",
        "cost_max",
    ):
        impact |= Q(**{f"{name}__isnull": False})
    return Risk.objects.filter(
        project=project, status__in=OPEN_RISK_STATUSES, probability_percent__isnull=False
    ).filter(impact)


def overview(user: Any, project: Project) -> Overview:
    _require_view(user, project)
    leaves = Task.objects.filter(project=project, children__isnull=True).exclude(kind=TaskKind.MILESTONE)
    total = leaves.count()
    estimated = TaskEstimate.objects.filter(task__in=leaves).count()
    # Finished tasks never vary: only tasks with work left need an estimate.
    unestimated = leaves.filter(percent_complete__lt=100, estimate__isnull=True).count()
    risks = quantified_risks(project).count()
    groups = CorrelationGroup.objects.filter(project=project).count()
    varying = TaskEstimate.objects.filter(task__in=leaves).exclude(minimum_minutes=F("maximum_minutes"))
    warnings = []
    if total == 0:
        warnings.append(_("The project has no task that takes time: there is nothing to simulate."))
    elif not varying.exists() and not risks:
        warnings.append(
            _(
                "No task has a three-point estimate and no open risk has a probability and an impact: "
                "unless you give a range for tasks without an estimate, every iteration gives the same "
                "dates (the result is deterministic)."
            )
        )
    if estimated and unestimated:
        warnings.append(
            _(
                "%(count)d tasks with work left have no estimate: they vary only by the range below, or "
                "not at all if you give none."
            )
            % {"count": unestimated}
        )
    return Overview(total, estimated, risks, groups, warnings, can_simulate(user, project))


def default_options(project: Project) -> dict[str, Any]:
    """The run form's initial values."""
    return {
        "iterations": 5000,
        "seed": 1,
        "sampling": "lhs",
        "range": DEFAULT_RANGE,
        "distribution": "pert",
        "deadline": project.planned_finish,
        "include_risks": True,
    }


# --- estimates ------------------------------------------------------------------------------------


@dataclass
class EstimateLine:
    """One leaf task of the estimates page, its planned duration and estimate as typed text."""

    task: Task
    duration: str
    minimum: str = ""
    most_likely: str = ""
    maximum: str = ""
    distribution: str = "pert"
    has_estimate: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def span_text(minutes: int, elapsed: bool, units: DurationUnits) -> str:
    from kuroko.core.templatetags.kuroko import localise_duration

    return localise_duration(format_span(minutes, elapsed, units))


def estimate_line(task: Task, estimate: TaskEstimate | None, units: DurationUnits) -> EstimateLine:
    line = EstimateLine(task, span_text(task.duration_minutes, task.duration_elapsed, units))
    if estimate is not None:
        line.minimum = span_text(estimate.minimum_minutes, task.duration_elapsed, units)
        line.most_likely = span_text(estimate.most_likely_minutes, task.duration_elapsed, units)
        line.maximum = span_text(estimate.maximum_minutes, task.duration_elapsed, units)
        line.distribution = estimate.distribution
        line.has_estimate = True
    return line


def estimable_tasks(user: Any, project: Project) -> QuerySet[Task]:
    """Leaf tasks that take time, in WBS order (the tasks that can have an estimate)."""
    _require_view(user, project)
    return (
        Task.objects.filter(project=project, children__isnull=True)
        .exclude(kind=TaskKind.MILESTONE)
        .only(
            "pk", "project_id", "wbs_code", "name", "duration_minutes", "duration_elapsed", "row", "version"
        )
        .order_by("row")
    )


def estimate_page(user: Any, project: Project, *, page: Any = 1) -> tuple[Page[Task], list[EstimateLine]]:
    """A page of the estimates table: leaf tasks in WBS order with their estimates as text."""
    from kuroko.projects.selectors import duration_units

    units = duration_units()
    paginator = Paginator(estimable_tasks(user, project), ESTIMATES_PER_PAGE)
    current = paginator.get_page(page)
    tasks = list(current.object_list)
    estimates = {e.task_id: e for e in TaskEstimate.objects.filter(task__in=tasks)}
    return current, [estimate_line(t, estimates.get(t.pk), units) for t in tasks]


def estimates(user: Any, project: Project) -> list[dict[str, Any]]:
    """Every estimable task with its estimate in working minutes (the API's view)."""
    tasks = list(estimable_tasks(user, project))
    by_task = {e.task_id: e for e in TaskEstimate.objects.filter(task__project=project)}
    out = []
    for t in tasks:
        e = by_task.get(t.pk)
        out.append(
            {
                "task": t.pk,
                "wbs_code": t.wbs_code,
                "name": t.name,
                "duration_minutes": t.duration_minutes,
                "elapsed": t.duration_elapsed,
                "minimum_minutes": e.minimum_minutes if e else None,
                "most_likely_minutes": e.most_likely_minutes if e else None,
                "maximum_minutes": e.maximum_minutes if e else None,
                "distribution": e.distribution if e else None,
            }
        )
    return out


def correlation_groups(user: Any, project: Project) -> list[CorrelationGroup]:
    _require_view(user, project)
    return list(
        CorrelationGroup.objects.filter(project=project).prefetch_related("tasks").order_by("name", "pk")
    )


def correlation_group_get(user: Any, pk: int) -> CorrelationGroup:
    group = CorrelationGroup.objects.select_related("project").filter(pk=pk).first()
    if group is None:
        raise Http404(_("No correlation group with id %(id)s.") % {"id": pk})
    _require_view(user, group.project)
    return group


# --- results --------------------------------------------------------------------------------------


@dataclass
class DateDistribution:
    """A finish distribution as the page shows it."""

    deterministic: date | None
    mean: date | None
    percentiles: dict[int, date]
    std_days: float | None
    deadline: date | None
    probability_deadline: float | None
    probability_deterministic: float | None
    histogram: list[tuple[str, int]]
    cumulative: list[tuple[str, float]]

    @property
    def headline(self) -> list[tuple[int, date | None]]:
        return [(p, self.percentiles.get(p)) for p in HEADLINE]

    def p(self, value: int) -> date | None:
        return self.percentiles.get(value)

    @property
    def p50(self) -> date | None:
        return self.percentiles.get(50)

    @property
    def p80(self) -> date | None:
        return self.percentiles.get(80)


def date_distribution(data: Mapping[str, Any] | None) -> DateDistribution | None:
    if not data:
        return None
    percentiles = {}
    for key, value in data.items():
        if key.startswith("p") and key[1:].isdigit():
            day = _day(value)
            if day is not None:
                percentiles[int(key[1:])] = day
    return DateDistribution(
        deterministic=_day(data.get("deterministic")),
        mean=_day(data.get("mean")),
        percentiles=percentiles,
        std_days=data.get("std_days"),
        deadline=_day(data.get("deadline")),
        probability_deadline=data.get("probability_deadline"),
        probability_deterministic=data.get("probability_deterministic"),
        histogram=[(str(d)[:10], int(n)) for d, n in data.get("histogram") or []],
        cumulative=[(str(d)[:10], float(p)) for d, p in data.get("cumulative") or []],
    )


@dataclass
class CostDistribution:
    deterministic: float | None
    mean: float | None
    percentiles: dict[int, float]
    histogram: list[tuple[float, float, int]]  # (from, to, iterations)
    cumulative: list[tuple[float, float]]  # (amount, probability of costing at most that)

    @property
    def p50(self) -> float | None:
        return self.percentiles.get(50)

    @property
    def p80(self) -> float | None:
        return self.percentiles.get(80)

    @property
    def headline(self) -> list[tuple[int, float | None]]:
        return [(p, self.percentiles.get(p)) for p in HEADLINE]


def cost_distribution(data: Mapping[str, Any] | None) -> CostDistribution | None:
    if not data:
        return None
    percentiles = {
        int(k[1:]): float(v)
        for k, v in data.items()
        if k.startswith("p") and k[1:].isdigit() and isinstance(v, int | float)
    }

    edges = [float(edge) for edge, _count in data.get("histogram") or []]
    top = percentiles.get(100, edges[-1] if edges else 0.0)
    bins = [
        (low, edges[k + 1] if k + 1 < len(edges) else max(top, low), int(count))
        for k, (low, count) in enumerate((float(e), c) for e, c in data.get("histogram") or [])
    ]
    return CostDistribution(
        deterministic=data.get("deterministic"),
        mean=data.get("mean"),
        percentiles=percentiles,
        histogram=bins,
        cumulative=[(float(edge), float(p)) for edge, p in data.get("cumulative") or []],
    )


@dataclass
class TaskFigure:
    """A task and one figure of it (criticality, sensitivity, change)."""

    id: str
    wbs: str
    name: str
    value: float
    other: float | None = None

    @property
    def change(self) -> float | None:
        return None if self.other is None else self.value - self.other


@dataclass
class MilestoneLine:
    id: str
    wbs: str
    name: str
    dist: DateDistribution


@dataclass
class EventLine:
    id: str
    name: str
    kind: str
    probability: float
    occurrence: float | None
    tasks: list[str]
    schedule: list[int] | None
    cost: list[float] | None


@dataclass
class Results:
    """A done run's results for the page (and the inputs it ran with)."""

    run: SimulationRun
    finish: DateDistribution | None
    cost: CostDistribution | None
    milestones: list[MilestoneLine]
    criticality: list[TaskFigure]
    sensitivity: list[TaskFigure]
    probability_baseline: float | None
    baseline_finish: date | None
    iterations: int | None
    converged: bool | None
    options: dict[str, Any]
    events: list[EventLine]
    correlations: list[dict[str, Any]]
    notes: list[str]
    leaves: int
    varied: int
    estimated: int
    without_estimate: int
    deterministic: bool
    critical_count: int = 0


def _label(labels: Mapping[str, Sequence[str]], key: str) -> tuple[str, str]:
    label = labels.get(key)
    if not label:
        return "", key
    return str(label[0]), str(label[1])


def task_figures(values: Mapping[str, Any], labels: Mapping[str, Sequence[str]]) -> list[TaskFigure]:
    out = []
    for key, value in values.items():
        wbs, name = _label(labels, key)
        out.append(TaskFigure(key, wbs, name, float(value)))
    return out


def _wbs_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def results(run: SimulationRun, *, all_tasks: bool = False) -> Results:
    """What the results page shows of a run (its `results` may be None while it computes)."""
    data = run.results or {}
    inputs = run.inputs or {}
    labels = inputs.get("labels") or {}
    finish = date_distribution(data.get("finish"))
    milestones = []
    for key, item in (data.get("milestones") or {}).items():
        dist = date_distribution(item)
        if dist is None:
            continue
        wbs, name = _label(labels, key)
        milestones.append(MilestoneLine(key, wbs, item.get("name") or name, dist))
    milestones.sort(key=lambda m: (m.dist.p50 or date.max, _wbs_key(m.wbs)))
    critical = task_figures(data.get("criticality") or {}, labels)
    critical.sort(key=lambda t: (-t.value, _wbs_key(t.wbs)))
    sensitivity = task_figures(data.get("sensitivity") or {}, labels)
    sensitivity.sort(key=lambda t: (-abs(t.value), _wbs_key(t.wbs)))
    occurrence = data.get("event_occurrence") or {}
    events = [
        EventLine(
            id=e["id"],
            name=e.get("name", ""),
            kind=e.get("kind", "threat"),
            probability=float(e.get("probability", 0)),
            occurrence=occurrence.get(e["id"]),
            tasks=[" ".join(_label(labels, t)).strip() for t in e.get("tasks") or []],
            schedule=e.get("schedule"),
            cost=e.get("cost"),
        )
        for e in inputs.get("events") or []
    ]
    options = dict(inputs.get("options") or {})
    if options.get("distribution") in DistributionChoice.values:
        options["distribution_label"] = DistributionChoice(options["distribution"]).label
    varied = int(inputs.get("varied") or 0)
    return Results(
        run=run,
        finish=finish,
        cost=cost_distribution(data.get("cost")),
        milestones=milestones,
        criticality=critical if all_tasks else critical[:TOP_CRITICAL],
        sensitivity=[s for s in sensitivity if s.value != 0][:TOP_SENSITIVE],
        probability_baseline=data.get("probability_baseline"),
        baseline_finish=_day(inputs.get("baseline_finish")),
        iterations=data.get("iterations"),
        converged=data.get("converged"),
        options=options,
        events=events,
        correlations=[
            {
                **g,
                "labels": [" ".join(_label(labels, t)).strip() for t in g.get("tasks", [])],
            }
            for g in inputs.get("correlations") or []
        ],
        notes=list(inputs.get("notes") or []),
        leaves=int(inputs.get("leaves") or 0),
        varied=varied,
        estimated=len(inputs.get("estimates") or {}),
        without_estimate=int(inputs.get("without_estimate") or 0),
        deterministic=varied == 0 and not events,
        critical_count=len(critical),
    )


# --- comparing two runs ---------------------------------------------------------------------------


@dataclass
class Row:
    """A compared figure: the value of run A, of run B, and the difference (B − A)."""

    label: str
    a: Any
    b: Any
    change: Any = None


@dataclass
class Comparison:
    a: SimulationRun
    b: SimulationRun
    ra: Results
    rb: Results
    percentiles: list[Row]
    milestones: list[Row]
    criticality: list[TaskFigure]
    cost: list[Row]
    option_changes: list[Row]
    estimate_changes: list[Row]
    risk_changes: list[Row]
    plan_changes: list[Row]
    correlation_changes: list[Row]


def _working_days(project: Project) -> Any:
    """A function (a, b) → working days from a to b on the project's calendar (negative when b < a)."""
    from kuroko.projects.mapping import work_calendar

    calendar = work_calendar(project)

    def between(first: date | None, second: date | None) -> int | None:
        if first is None or second is None:
            return None
        if first == second:
            return 0
        low, high = sorted((first, second))
        days = len(calendar.working_days(low + timedelta(days=1), high))
        return days if second > first else -days

    return between


def _diff_options(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Row]:
    names = {
        "iterations": _("Iterations"),
        "seed": _("Seed"),
        "sampling": _("Sampling"),
        "convergence_minutes": _("Stop at convergence (working minutes)"),
        "range": _("Range for tasks without an estimate"),
        "distribution": _("Default distribution"),
        "deadline": _("Deadline"),
        "include_risks": _("Include risk events"),
    }
    rows = []
    for key, label in names.items():
        if a.get(key) != b.get(key):
            rows.append(Row(str(label), _option_text(key, a.get(key)), _option_text(key, b.get(key))))
    return rows


def _option_text(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "range":
        return " / ".join(f"{float(v):g}" for v in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key == "distribution" and value in DistributionChoice.values:
        return str(DistributionChoice(value).label)
    if key == "sampling":
        return str(_("Latin hypercube") if value == "lhs" else _("Random"))
    return str(value)


def _estimate_text(value: Sequence[Any] | None, units: DurationUnits, elapsed: bool = False) -> str:
    if not value:
        return "—"
    low, likely, high = (span_text(int(v), elapsed, units) for v in value[:3])
    return f"{low} / {likely} / {high} ({value[3]})" if len(value) > 3 else f"{low} / {likely} / {high}"


def _diff_estimates(a: Mapping[str, Any], b: Mapping[str, Any], labels: Mapping[str, Any]) -> list[Row]:
    from kuroko.projects.selectors import duration_units

    units = duration_units()
    ea, eb = a.get("estimates") or {}, b.get("estimates") or {}
    rows = []
    for key in sorted(set(ea) | set(eb), key=lambda k: _wbs_key(_label(labels, k)[0])):
        if ea.get(key) != eb.get(key):
            rows.append(
                Row(
                    " ".join(_label(labels, key)).strip(),
                    _estimate_text(ea.get(key), units),
                    _estimate_text(eb.get(key), units),
                )
            )
    return rows


def _event_text(event: Mapping[str, Any] | None) -> str:
    if not event:
        return "—"
    parts = [f"{float(event.get('probability', 0)) * 100:g}%"]
    if event.get("schedule"):
        parts.append(_("schedule %(values)s min") % {"values": "/".join(str(v) for v in event["schedule"])})
    if event.get("cost"):
        parts.append(_("cost %(values)s") % {"values": "/".join(f"{float(v):,.0f}" for v in event["cost"])})
    return ", ".join(parts)


def _diff_events(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Row]:
    ea = {e["id"]: e for e in a.get("events") or []}
    eb = {e["id"]: e for e in b.get("events") or []}
    rows = []
    for key in sorted(set(ea) | set(eb)):
        left, right = ea.get(key), eb.get(key)
        if left != right:
            name = (right or left or {}).get("name", "")
            status = _("added") if left is None else _("removed") if right is None else _("changed")
            rows.append(Row(f"{key} {name}".strip(), _event_text(left), _event_text(right), str(status)))
    return rows


def _diff_plans(a: Mapping[str, Any], b: Mapping[str, Any], labels: Mapping[str, Any]) -> list[Row]:
    from kuroko.projects.selectors import duration_units

    units = duration_units()

    def durations(inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {str(t["id"]): t.get("duration", 0) for t in (inputs.get("plan") or {}).get("tasks", [])}

    da, db = durations(a), durations(b)
    rows = []
    for key in sorted(set(da) | set(db), key=lambda k: _wbs_key(_label(labels, k)[0])):
        left, right = da.get(key), db.get(key)
        if left != right:

            def text(value: Any) -> str:
                if value is None:
                    return "—"
                return span_text(value, False, units) if isinstance(value, int) else str(value)

            label = " ".join(_label(labels, key)).strip()
            rows.append(Row(label, text(left), text(right)))
    return rows


def _diff_groups(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Row]:
    ga = {g["name"]: g for g in a.get("correlations") or []}
    gb = {g["name"]: g for g in b.get("correlations") or []}

    def text(group: Mapping[str, Any] | None) -> str:
        if not group:
            return "—"
        return _("%(coefficient)s over %(count)d tasks") % {
            "coefficient": group["coefficient"],
            "count": len(group["tasks"]),
        }

    return [
        Row(name, text(ga.get(name)), text(gb.get(name)))
        for name in sorted(set(ga) | set(gb))
        if ga.get(name) != gb.get(name)
    ]


def compare(user: Any, a_pk: Any, b_pk: Any) -> Comparison:
    """Two done runs of one project side by side: percentiles with the difference in working days (B − A),
    milestones, criticality changes and what changed in their inputs."""
    pks = []
    for name, value in (("a", a_pk), ("b", b_pk)):
        try:
            pks.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError({name: _("Choose two runs to compare.")}) from None
    a, b = run_get(user, pks[0]), run_get(user, pks[1])
    if a.project_id != b.project_id:
        raise ValidationError({"b": _("Both runs must be of the same project.")})
    for name, run in (("a", a), ("b", b)):
        if run.status != RunStatus.DONE:
            raise ValidationError(
                {
                    name: _("Run #%(number)d has no results (%(status)s).")
                    % {"number": run.number, "status": run.get_status_display()}
                }
            )
    ra, rb = results(a, all_tasks=True), results(b, all_tasks=True)
    between = _working_days(a.project)
    percentiles = []
    if ra.finish and rb.finish:
        for p in PERCENTILES:
            left, right = ra.finish.p(p), rb.finish.p(p)
            percentiles.append(Row(f"P{p}", left, right, between(left, right)))
        percentiles.append(
            Row(
                _("Deterministic (CPM)"),
                ra.finish.deterministic,
                rb.finish.deterministic,
                between(ra.finish.deterministic, rb.finish.deterministic),
            )
        )
    milestones = []
    ma = {m.id: m for m in ra.milestones}
    mb = {m.id: m for m in rb.milestones}
    for key in list(ma) + [k for k in mb if k not in ma]:
        left_m, right_m = ma.get(key), mb.get(key)
        label = f"{(left_m or right_m).wbs} {(left_m or right_m).name}".strip()  # type: ignore[union-attr]
        for p in (50, 80):
            left_d = left_m.dist.p(p) if left_m else None
            right_d = right_m.dist.p(p) if right_m else None
            milestones.append(Row(f"{label} · P{p}", left_d, right_d, between(left_d, right_d)))
    crit_a = {t.id: t.value for t in ra.criticality}
    changes = []
    for t in rb.criticality:
        before = crit_a.pop(t.id, 0.0)
        if abs(t.value - before) >= 0.05:
            changes.append(TaskFigure(t.id, t.wbs, t.name, t.value, before))
    labels_a = a.inputs.get("labels") or {}
    for key, before in crit_a.items():
        if before >= 0.05:
            wbs, name = _label(labels_a, key)
            changes.append(TaskFigure(key, wbs, name, 0.0, before))
    changes.sort(key=lambda t: -abs(t.change or 0))
    cost = []
    if ra.cost and rb.cost:
        for p in (50, 80):
            left_c, right_c = ra.cost.percentiles.get(p), rb.cost.percentiles.get(p)
            change = None if left_c is None or right_c is None else round(right_c - left_c)
            cost.append(Row(f"P{p}", left_c, right_c, change))
    labels = {**labels_a, **(b.inputs.get("labels") or {})}
    return Comparison(
        a=a,
        b=b,
        ra=ra,
        rb=rb,
        percentiles=percentiles,
        milestones=milestones,
        criticality=changes[:TOP_CRITICAL],
        cost=cost,
        option_changes=_diff_options(a.inputs.get("options") or {}, b.inputs.get("options") or {}),
        estimate_changes=_diff_estimates(a.inputs, b.inputs, labels),
        risk_changes=_diff_events(a.inputs, b.inputs),
        plan_changes=_diff_plans(a.inputs, b.inputs, labels),
        correlation_changes=_diff_groups(a.inputs, b.inputs),
    )


# --- risk-adjusted dates --------------------------------------------------------------------------


def latest_done(project: Project) -> SimulationRun | None:
    return (
        SimulationRun.objects.filter(project=project, status=RunStatus.DONE)
        .defer("inputs", "results")
        .annotate(p50=KT("results__finish__p50"), p80=KT("results__finish__p80"))
        .order_by("-number")
        .first()
    )


def latest_forecast(user: Any, project: Project) -> SimulationRun | None:
    """The latest done run of the project with its P50 and P80 finish (`p50`, `p80`: ISO dates)."""
    _require_view(user, project)
    return latest_done(project)


@dataclass(frozen=True)
class ProjectForecast:
    code: str
    number: int
    p50: date | None
    p80: date | None
    finished_at: datetime | None


def portfolio_forecasts(user: Any, codes: Iterable[str]) -> dict[str, ProjectForecast]:
    """The latest done run's P50 and P80 of each project in `codes` the user may read: one query."""
    visible = project_perms.visible_projects(user).filter(code__in=list(codes)[:500])
    latest = SimulationRun.objects.filter(project=OuterRef("project"), status=RunStatus.DONE).order_by(
        "-number"
    )
    rows = (
        SimulationRun.objects.filter(project__in=visible, pk=Subquery(latest.values("pk")[:1]))
        .annotate(p50=KT("results__finish__p50"), p80=KT("results__finish__p80"))
        .values_list("project__code", "number", "p50", "p80", "finished_at")
    )
    return {
        code: ProjectForecast(code, number, _day(p50), _day(p80), finished)
        for code, number, p50, p80, finished in rows
    }
