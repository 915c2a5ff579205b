"""ORM rows → the Monte Carlo engine's inputs (`kuroko.engine.risk`), and back from a run's snapshot.

A project becomes an engine `Plan` exactly as it is scheduled (`projects.mapping.project_plan`), and a
`RiskModel`:

- each leaf task's three-point estimate (`TaskEstimate`) → `Estimate` (working minutes, or elapsed minutes
  for elapsed tasks); tasks without one vary by the run's range factors of their duration, or not at all;
- each correlation group → `Correlation` over its leaf tasks (groups left with fewer than two are skipped);
- each open risk with a probability (%) and a quantitative impact → `RiskEvent`: the schedule impact
  (min / most likely / max working minutes) lengthens each affected leaf task when the risk occurs, the
  cost impact is added once to the project. Threats add, opportunities subtract (a stored value is read as
  a magnitude). A missing point of a three-point impact takes the most likely value (or the other given);
- each leaf task's planned labour cost (`projects.selectors.planned_cost.planned_budgets`) →
  `TaskCost(per_minute = cost ÷ planned duration)`, so the cost follows the sampled duration.

A run stores what it simulates (`snapshot`): the plan JSON, the risk model, the options, and a compact
summary (estimates, events, correlation groups) that the results page lists and run comparison diffs.
The background task simulates that snapshot (`from_snapshot`), not the database as it is by then.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.engine.model import Plan
from kuroko.engine.risk import Correlation, Distribution, Estimate, RiskEvent, RiskModel, TaskCost
from kuroko.formats.plan_json import plan_from_dict, plan_to_dict
from kuroko.formats.risk_json import risk_model_from_dict, risk_model_to_dict
from kuroko.projects.mapping import naive, project_plan
from kuroko.projects.models import Baseline, Project, TaskKind
from kuroko.projects.models import Task as TaskRow
from kuroko.raid.models import (
    OPEN_RISK_STATUSES,
    CorrelationGroup,
    DistributionChoice,
    Risk,
    RiskKind,
    TaskEstimate,
)

DEFAULT_RANGE = (0.9, 1.0, 1.3)
SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class RunOptions:
    """What a run simulates and how: validated by `raid.services.simulation.simulation_options`."""

    iterations: int = 5000
    seed: int = 1
    sampling: str = "lhs"
    convergence_minutes: int | None = None
    # Factors of the planned duration for tasks without an estimate; None: those tasks do not vary.
    range: tuple[float, float, float] | None = DEFAULT_RANGE
    distribution: str = DistributionChoice.PERT.value
    deadline: date | None = None
    include_risks: bool = True
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe (the run's `inputs["options"]`)."""
        out = dataclasses.asdict(self)
        out["range"] = list(self.range) if self.range is not None else None
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunOptions:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("range") is not None:
            values["range"] = tuple(float(x) for x in values["range"])
        if values.get("deadline"):
            values["deadline"] = date.fromisoformat(values["deadline"])
        return cls(**values)


@dataclass
class RiskInput:
    """A project mapped for `simulate`, with what the pages say about it."""

    plan: Plan
    model: RiskModel
    deadline: datetime | None
    baseline_finish: datetime | None
    labels: dict[str, list[str]]  # engine id → [WBS code, name] of every task
    leaves: list[str]  # leaf tasks that take time (not milestones), in WBS order
    estimates: dict[str, list[Any]]  # engine id → [min, most likely, max, distribution]
    events: list[dict[str, Any]]
    correlations: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # risks or tasks left out, and why
    level_start: dict[str, str] = field(default_factory=dict)

    @property
    def without_estimate(self) -> int:
        """Leaf tasks with work left and no estimate (they vary only by the run's range)."""
        return sum(1 for t in self.leaves if t not in self.estimates and self._open(t))

    def _open(self, task_id: str) -> bool:
        task = self._tasks[task_id]
        return task.actual_finish is None and task.percent_complete < 100

    @property
    def _tasks(self) -> dict[str, Any]:
        return {t.id: t for t in self.plan.tasks}

    def varied(self, options: RunOptions) -> int:
        """How many tasks' durations vary in a run with `options`."""
        tasks = self._tasks
        count = 0
        ranged = options.range is not None and options.range[0] != options.range[2]
        for key in self.leaves:
            task = tasks[key]
            if task.actual_finish is not None or task.percent_complete >= 100:
                continue
            estimate = self.estimates.get(key)
            if estimate is not None:
                count += estimate[0] != estimate[2]
            elif ranged and task.duration > 0:
                count += 1
        return count


def _distribution(value: str) -> Distribution:
    return Distribution(value or DistributionChoice.PERT.value)


def _three(low: Any, likely: Any, high: Any) -> tuple[float, float, float] | None:
    """A three-point value with its gaps filled (None when nothing is given), in order."""
    given = [float(abs(v)) for v in (low, likely, high) if v is not None]
    if not given:
        return None
    mid = float(abs(likely)) if likely is not None else given[0]
    lo = float(abs(low)) if low is not None else mid
    hi = float(abs(high)) if high is not None else mid
    lo, mid, hi = sorted((lo, mid, hi))
    return lo, mid, hi


def _events(
    project: Project,
    leaves: set[str],
    labels: dict[str, list[str]],
    *,
    elapsed: frozenset[str] | set[str] = frozenset(),
    minutes_per_day: int = 480,
) -> tuple[list[RiskEvent], list[dict[str, Any]], list[str]]:
    """The engine events of the project's open quantified risks, their summary, and notes on what was
    left out.

    A risk's schedule impact is entered in working time; an elapsed-duration task (e.g. curing, shipping)
    is delayed by the same number of days in calendar time (one working day → 24 hours). One event holds
    tasks of one measure only (the plan format's rule), so a risk linked to both kinds keeps its
    working-time tasks and the note says which elapsed ones were left out."""
    events: list[RiskEvent] = []
    summary: list[dict[str, Any]] = []
    notes: list[str] = []
    risks = (
        Risk.objects.filter(project=project, status__in=OPEN_RISK_STATUSES, probability_percent__isnull=False)
        .prefetch_related("tasks")
        .order_by("number")
    )
    for risk in risks:
        schedule = _three(
            risk.schedule_min_minutes, risk.schedule_most_likely_minutes, risk.schedule_max_minutes
        )
        cost = _three(risk.cost_min, risk.cost_most_likely, risk.cost_max)
        linked = [str(t.pk) for t in sorted(risk.tasks.all(), key=lambda t: t.row)]
        tasks = [t for t in linked if t in leaves]
        in_elapsed = [t for t in tasks if t in elapsed]
        if in_elapsed and len(in_elapsed) < len(tasks):
            tasks = [t for t in tasks if t not in elapsed]
            notes.append(
                _(
                    "%(risk)s: its schedule impact is simulated on the tasks measured in working time; "
                    "the elapsed-duration tasks %(tasks)s are left out (link them to a risk of their own)."
                )
                % {"risk": risk.code, "tasks": ", ".join(" ".join(labels.get(t, [t])) for t in in_elapsed)}
            )
            in_elapsed = []
        for key in linked:
            if key not in leaves:
                notes.append(
                    _(
                        "%(risk)s: “%(task)s” is a summary task or a milestone; its schedule impact "
                        "applies to leaf tasks only."
                    )
                    % {"risk": risk.code, "task": " ".join(labels.get(key, [key]))}
                )
        if schedule is not None and not tasks:
            notes.append(
                _("%(risk)s has a schedule impact but no affected task: only its cost impact is simulated.")
                % {"risk": risk.code}
            )
            schedule = None
        if schedule is None and cost is None:
            continue
        sign = -1 if risk.kind == RiskKind.OPPORTUNITY else 1
        impact = None
        if schedule is not None:
            factor = 1440 / minutes_per_day if in_elapsed else 1  # working days → calendar days
            lo, mid, hi = (round(v * factor) for v in schedule)
            impact = Estimate(lo, mid, hi) if sign > 0 else Estimate(-hi, -mid, -lo, signed=True)
        cost_impact = None
        if cost is not None:
            lo_c, mid_c, hi_c = cost
            cost_impact = (lo_c, mid_c, hi_c) if sign > 0 else (-hi_c, -mid_c, -lo_c)
        probability = float(risk.probability_percent or 0) / 100
        events.append(
            RiskEvent(
                id=risk.code,
                name=risk.title,
                probability=probability,
                tasks=tuple(tasks) if impact is not None else (),
                schedule_impact=impact,
                cost_impact=cost_impact,
            )
        )
        summary.append(
            {
                "id": risk.code,
                "name": risk.title,
                "kind": risk.kind,
                "probability": probability,
                "tasks": tasks if impact is not None else [],
                "schedule": [impact.minimum, impact.most_likely, impact.maximum] if impact else None,
                "cost": list(cost_impact) if cost_impact else None,
            }
        )
    return events, summary, notes


def _correlations(
    project: Project, leaves: set[str]
) -> tuple[list[Correlation], list[dict[str, Any]], list[str]]:
    out: list[Correlation] = []
    summary: list[dict[str, Any]] = []
    notes: list[str] = []
    grouped: set[str] = set()
    for group in (
        CorrelationGroup.objects.filter(project=project).prefetch_related("tasks").order_by("name", "pk")
    ):
        # A task moves with one group at most (the engine's rule); a later group does without it.
        tasks = [
            str(t.pk)
            for t in sorted(group.tasks.all(), key=lambda t: t.row)
            if str(t.pk) in leaves and str(t.pk) not in grouped
        ]
        grouped.update(tasks)
        coefficient = float(group.coefficient)
        if len(tasks) < 2 or coefficient == 0:
            notes.append(
                _("Correlation group “%(name)s” is skipped: it needs two tasks and a coefficient above 0.")
                % {"name": group.name}
            )
            continue
        out.append(Correlation(tasks=tuple(tasks), coefficient=coefficient))
        summary.append({"name": group.name, "coefficient": coefficient, "tasks": tasks})
    return out, summary, notes


def _costs(project: Project, rows: Iterable[TaskRow], leaves: set[str]) -> dict[str, TaskCost]:
    from kuroko.projects.selectors.planned_cost import planned_budgets

    tasks = [r for r in rows if str(r.pk) in leaves]
    budgets = planned_budgets(project, tasks)
    costs: dict[str, TaskCost] = {}
    for row in tasks:
        budget = budgets.get(row.pk)
        if budget is None or budget.cost <= 0:
            continue
        amount = float(budget.cost)
        duration = row.duration_minutes
        costs[str(row.pk)] = (
            TaskCost(per_minute=amount / duration) if duration > 0 else TaskCost(fixed=amount)
        )
    return costs


def baseline_finish(project: Project) -> datetime | None:
    """The finish of the project's compared baseline (naive local time), if it has one."""
    finish = (
        Baseline.objects.filter(project=project, number=project.compared_baseline)
        .values_list("finish", flat=True)
        .first()
    )
    return naive(finish) if finish is not None else None


def deadline_moment(day: date | None) -> datetime | None:
    """A deadline day as the engine's instant: the end of that day."""
    return datetime.combine(day, time(23, 59)) if day is not None else None


def risk_input(project: Project, options: RunOptions, *, today: date | None = None) -> RiskInput:
    """The project as `simulate` sees it with `options` (estimates, range, risks, correlations, costs)."""
    plan, rows = project_plan(project, today=today or timezone.localdate())
    parents = {t.parent for t in plan.tasks if t.parent is not None}
    ordered = sorted(rows.values(), key=lambda r: r.row)
    labels = {str(r.pk): [r.wbs_code, r.name] for r in ordered}
    leaves = [str(r.pk) for r in ordered if str(r.pk) not in parents and r.kind != TaskKind.MILESTONE]
    leaf_set = set(leaves)
    estimates: dict[str, Estimate] = {}
    summary: dict[str, list[Any]] = {}
    for key, low, likely, high, dist in TaskEstimate.objects.filter(task__project=project).values_list(
        "task_id", "minimum_minutes", "most_likely_minutes", "maximum_minutes", "distribution"
    ):
        if str(key) not in leaf_set:
            continue  # the task became a summary or a milestone since
        estimates[str(key)] = Estimate(low, likely, high, _distribution(dist))
        summary[str(key)] = [low, likely, high, dist]
    correlations, groups, notes = _correlations(project, leaf_set)
    events: list[RiskEvent] = []
    event_summary: list[dict[str, Any]] = []
    if options.include_risks:
        events, event_summary, risk_notes = _events(
            project,
            leaf_set,
            labels,
            elapsed={t.id for t in plan.tasks if t.elapsed},
            minutes_per_day=plan.minutes_per_day,
        )
        notes += risk_notes
    model = RiskModel(
        estimates=estimates,
        events=tuple(events),
        correlations=tuple(correlations),
        costs=_costs(project, rows.values(), leaf_set),
        default_range=options.range,
        default_distribution=_distribution(options.distribution),
    )
    return RiskInput(
        plan=plan,
        model=model,
        deadline=deadline_moment(options.deadline),
        baseline_finish=baseline_finish(project),
        labels=labels,
        leaves=leaves,
        estimates=summary,
        events=event_summary,
        correlations=groups,
        notes=notes,
        level_start={t.id: t.level_start.isoformat() for t in plan.tasks if t.level_start is not None},
    )


def snapshot(mapped: RiskInput, options: RunOptions) -> dict[str, Any]:
    """What a run stores as its inputs (JSON): enough to simulate it again and to explain it."""
    return {
        "version": SNAPSHOT_VERSION,
        "plan": plan_to_dict(mapped.plan),
        # The plan JSON has no levelling: a levelled task keeps its "not before" through this.
        "level_start": mapped.level_start,
        "risk_model": risk_model_to_dict(mapped.model, mapped.plan),
        "options": options.as_dict(),
        "deadline": mapped.deadline.isoformat() if mapped.deadline else None,
        "baseline_finish": mapped.baseline_finish.isoformat() if mapped.baseline_finish else None,
        "labels": mapped.labels,
        "leaves": len(mapped.leaves),
        "varied": mapped.varied(options),
        "without_estimate": mapped.without_estimate,
        "estimates": mapped.estimates,
        "events": mapped.events,
        "correlations": mapped.correlations,
        "notes": mapped.notes,
    }


@dataclass(frozen=True)
class EngineCall:
    """`simulate(plan, model, **kwargs)` as a stored snapshot asks for it."""

    plan: Plan
    model: RiskModel
    kwargs: dict[str, Any]


def from_snapshot(inputs: Mapping[str, Any]) -> EngineCall:
    """The engine call of a run's stored inputs (see `snapshot`)."""
    plan = plan_from_dict(inputs["plan"])
    held = inputs.get("level_start") or {}
    if held:
        plan = dataclasses.replace(
            plan,
            tasks=tuple(
                dataclasses.replace(t, level_start=datetime.fromisoformat(held[t.id])) if t.id in held else t
                for t in plan.tasks
            ),
        )
    model = risk_model_from_dict(inputs["risk_model"], plan)
    options = RunOptions.from_dict(inputs.get("options") or {})

    def moment(key: str) -> datetime | None:
        value = inputs.get(key)
        return datetime.fromisoformat(value) if value else None

    return EngineCall(
        plan=plan,
        model=model,
        kwargs={
            "iterations": options.iterations,
            "seed": options.seed,
            "sampling": options.sampling,
            "convergence": options.convergence_minutes,
            "deadline": moment("deadline"),
            "baseline_finish": moment("baseline_finish"),
        },
    )
