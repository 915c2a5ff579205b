"""Writes of schedule risk analysis: three-point estimates, correlation groups, and simulation runs.

`simulation_start` validates the options, maps the project (`raid.mapping.risk_input`), stores a run with
the snapshot of what it simulates and queues the background task (`raid.tasks_simulation`) when the
transaction commits; `simulation_compute` (the task's body) simulates the snapshot with
`kuroko.engine.risk.simulate`, reporting progress after each batch, and stores
`kuroko.formats.risk_json.forecast_to_dict` as the results — or the engine's refusal as the error.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time as clock
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.mapping import DEFAULT_RANGE, RunOptions, from_snapshot, risk_input, snapshot
from kuroko.raid.models import CorrelationGroup, DistributionChoice, RunStatus, SimulationRun, TaskEstimate
from kuroko.raid.permissions import can_simulate
from kuroko.raid.services.common import lock_project, next_number

logger = logging.getLogger(__name__)

ITERATIONS = (100, 100_000)
MAX_SEED = 2_147_483_647
MAX_FACTOR = Decimal("99.99")
SAMPLINGS = ("lhs", "random")


def _task_label(task: Task) -> str:
    return f"{task.wbs_code} “{task.name}”"


# --- options --------------------------------------------------------------------------------------


def _whole(value: Any, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: message})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError({field: message}) from None
    if not low <= number <= high:
        raise ValidationError({field: message})
    return number


def _factor(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if number.is_nan() or not Decimal(0) <= number <= MAX_FACTOR:
        raise ValidationError({field: _("Enter a factor between 0 and 99.99, e.g. 0.9 or 1.3.")})
    return number.quantize(Decimal("0.01"))


def simulation_options(project: Project, data: Mapping[str, Any]) -> RunOptions:
    """Validate the options of a run (from the page's form or the API), naming the field at fault.

    Keys (all optional): `name`, `iterations` (100–100,000; default 5,000), `seed` (a whole number ≥ 0;
    default 1), `sampling` ("lhs" or "random"), `convergence_minutes` (working minutes, or None to run
    every iteration), `range` ([optimistic, most likely, pessimistic] factors for tasks without an
    estimate, or None: they do not vary; default 0.9, 1.0, 1.3), `distribution`, `deadline` (a date;
    default the project's planned finish), `include_risks` (default true)."""
    errors: dict[str, list[str]] = {}

    def check(field: str, func: Any) -> Any:
        try:
            return func()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return None

    name = str(data.get("name") or "").strip()
    if len(name) > 200:
        errors["name"] = [_("A label has at most 200 characters.")]
    iterations = data.get("iterations")
    iterations = (
        5000
        if iterations in (None, "")
        else check(
            "iterations",
            lambda: _whole(
                data["iterations"],
                "iterations",
                *ITERATIONS,
                _("Enter a whole number of iterations from 100 to 100,000."),
            ),
        )
    )
    seed = data.get("seed")
    seed = (
        1
        if seed in (None, "")
        else check(
            "seed",
            lambda: _whole(
                data["seed"], "seed", 0, MAX_SEED, _("The seed is a whole number from 0 to 2,147,483,647.")
            ),
        )
    )
    sampling = str(data.get("sampling") or "lhs")
    if sampling not in SAMPLINGS:
        errors["sampling"] = [_("Sampling is “lhs” (Latin hypercube) or “random”.")]
    convergence = data.get("convergence_minutes")
    if convergence not in (None, ""):
        convergence = check(
            "convergence_minutes",
            lambda: _whole(
                data["convergence_minutes"],
                "convergence_minutes",
                1,
                10**7,
                _("The convergence tolerance is a positive whole number of working minutes."),
            ),
        )
    else:
        convergence = None
    factors: tuple[float, float, float] | None = None
    raw_range = data.get("range", list(DEFAULT_RANGE))
    if raw_range not in (None, ""):
        if not isinstance(raw_range, list | tuple) or len(raw_range) != 3:
            errors["range"] = [_("Give three factors: optimistic, most likely and pessimistic.")]
        else:
            values = [check("range", lambda v=v: _factor(v, "range")) for v in raw_range]
            if None not in values:
                low, likely, high = values
                if not low <= likely <= high:
                    errors["range"] = [
                        _("The factors must be in order: optimistic ≤ most likely ≤ pessimistic.")
                    ]
                elif likely == 0:
                    errors["range"] = [_("The most likely factor must be above 0.")]
                else:
                    factors = (float(low), float(likely), float(high))
    distribution = str(data.get("distribution") or DistributionChoice.PERT.value)
    if distribution not in DistributionChoice.values:
        errors["distribution"] = [
            _("Unknown distribution “%(value)s”; use %(choices)s.")
            % {"value": distribution, "choices": ", ".join(DistributionChoice.values)}
        ]
    deadline: date | None = project.planned_finish
    if "deadline" in data:
        raw = data.get("deadline")
        if raw in (None, ""):
            deadline = None
        elif isinstance(raw, date):
            deadline = raw
        else:
            try:
                deadline = date.fromisoformat(str(raw))
            except ValueError:
                errors["deadline"] = [_("Enter the deadline as a date like 2027-03-31.")]
            else:
                if not 1900 <= deadline.year <= 2999:
                    errors["deadline"] = [_("Enter the deadline as a date like 2027-03-31.")]
    include = data.get("include_risks", True)
    if not isinstance(include, bool):
        include = str(include).lower() in ("1", "true", "on", "yes")
    if errors:
        raise ValidationError(errors)
    return RunOptions(
        iterations=int(iterations),
        seed=int(seed),
        sampling=sampling,
        convergence_minutes=convergence,
        range=factors,
        distribution=distribution,
        deadline=deadline,
        include_risks=include,
        name=name,
    )


# --- runs -----------------------------------------------------------------------------------------


@transaction.atomic
def simulation_start(
    *, user: Any, project: Project, options: Mapping[str, Any] | RunOptions, background: bool = True
) -> SimulationRun:
    """Record a run of `project` with a snapshot of its inputs and queue its computation (when this
    transaction commits). `background=False` computes it at once (the demo build)."""
    from kuroko.engine.risk import RiskInputError

    require(can_simulate(user, project))
    chosen = options if isinstance(options, RunOptions) else simulation_options(project, options)
    project = lock_project(project)
    try:
        mapped = risk_input(project, chosen)
        inputs = snapshot(mapped, chosen)
    except (RiskInputError, ValueError) as exc:
        raise ValidationError({"__all__": [str(exc)]}) from None
    run = SimulationRun.objects.create(
        project=project,
        number=next_number(SimulationRun, project),
        name=chosen.name,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        iterations=chosen.iterations,
        seed=chosen.seed,
        sampling=chosen.sampling,
        convergence_minutes=chosen.convergence_minutes,
        range_min=None if chosen.range is None else Decimal(str(chosen.range[0])),
        range_most_likely=None if chosen.range is None else Decimal(str(chosen.range[1])),
        range_max=None if chosen.range is None else Decimal(str(chosen.range[2])),
        distribution=chosen.distribution,
        include_risks=chosen.include_risks,
        deadline=chosen.deadline,
        inputs=inputs,
    )
    if background:
        from kuroko.raid.tasks_simulation import simulate_in_background

        pk = run.pk
        transaction.on_commit(lambda: simulate_in_background.enqueue(pk))
    else:
        simulation_compute(run.pk)
        run.refresh_from_db()
    return run


_QUOTED = re.compile(r"'([^']+)'")


def explain(message: str, labels: Mapping[str, Sequence[str]]) -> str:
    """An engine message with task ids ('123') replaced by the WBS code and name people know."""

    def name(match: re.Match[str]) -> str:
        label = labels.get(match.group(1))
        return f"{label[0]} “{label[1]}”" if label else match.group(0)

    return _QUOTED.sub(name, message)


def simulation_compute(run_id: int) -> SimulationRun | None:
    """Simulate a queued run (the background task's body): running → done with the results, or failed
    with the engine's message. A run deleted meanwhile is left alone; a run not queued is not redone."""
    from kuroko.engine.risk import RiskInputError, simulate
    from kuroko.formats.risk_json import forecast_to_dict

    run = SimulationRun.objects.filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return run
    started = timezone.now()
    claimed = SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=0, started_at=started
    )
    if not claimed:
        return SimulationRun.objects.filter(pk=run_id).first()
    last = [clock.perf_counter(), 0]

    def progress(done: int, total: int) -> None:
        share = min(99, int(100 * done / max(total, 1)))
        now = clock.perf_counter()
        if share != last[1] and now - last[0] >= 0.25:  # a write at most four times a second
            last[0], last[1] = now, share
            SimulationRun.objects.filter(pk=run_id).update(progress=share)

    fields: dict[str, Any]
    labels = run.inputs.get("labels") or {}
    try:
        call = from_snapshot(run.inputs)
        forecast = simulate(call.plan, call.model, **call.kwargs, progress=progress)
        fields = {
            "status": RunStatus.DONE,
            "progress": 100,
            "results": forecast_to_dict(forecast, call.plan),
            "error": "",
        }
    except (RiskInputError, ValueError) as exc:
        fields = {"status": RunStatus.FAILED, "error": explain(str(exc), labels)}
    except Exception as exc:  # the run must say it failed whatever went wrong
        logger.exception("Simulation run %s failed", run_id)
        fields = {
            "status": RunStatus.FAILED,
            "error": _("The simulation stopped with an internal error (%(kind)s).")
            % {"kind": exc.__class__.__name__},
        }
    fields["finished_at"] = timezone.now()
    SimulationRun.objects.filter(pk=run_id).update(**fields)
    return SimulationRun.objects.filter(pk=run_id).first()


@transaction.atomic
def simulation_delete(*, user: Any, run: SimulationRun) -> None:
    """Delete a run and its results (a run still computing is dropped; its result is never stored)."""
    require(can_simulate(user, run.project))
    SimulationRun.objects.filter(pk=run.pk).delete()


# --- estimates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateRow:
    """A task's estimate as entered: working minutes (None: not given) and the distribution. A row with
    none of the three clears the task's estimate."""

    task: int
    minimum: int | None
    most_likely: int | None
    maximum: int | None
    distribution: str = DistributionChoice.PERT.value

    @property
    def empty(self) -> bool:
        return self.minimum is None and self.most_likely is None and self.maximum is None


def leaf_tasks(project: Project) -> dict[int, Task]:
    """The project's tasks that can have an estimate (leaf tasks that take time), by pk."""
    return {
        t.pk: t
        for t in Task.objects.filter(project=project, children__isnull=True)
        .exclude(kind=TaskKind.MILESTONE)
        .only("pk", "project_id", "wbs_code", "name", "duration_minutes", "duration_elapsed", "row")
    }


def estimable(project: Project, pks: Iterable[int]) -> dict[int, Task]:
    """The tasks `pks` of the project that can have an estimate; an unknown one is refused by name."""
    leaves = leaf_tasks(project)
    out: dict[int, Task] = {}
    for pk in pks:
        task = leaves.get(pk)
        if task is None:
            kind = Task.objects.filter(pk=pk, project=project).values_list("kind", flat=True).first()
            message = (
                _("Task %(id)s is not in project %(code)s.")
                if kind is None
                else _("Task %(id)s is a summary task or a milestone: only leaf tasks have estimates.")
            ) % {"id": pk, "code": project.code}
            raise ValidationError({f"tasks.{pk}": [message]})
        out[pk] = task
    return out


def estimate_errors(tasks: Mapping[int, Task], rows: Sequence[EstimateRow]) -> dict[str, list[str]]:
    """What is wrong with each row (`tasks.<id>.<field>` → messages naming the task); empty when all is
    well. `tasks`: the rows' tasks by pk."""
    errors: dict[str, list[str]] = {}
    for row in rows:
        task = tasks[row.task]
        where = _task_label(task)
        if row.empty:
            continue
        names = {
            "minimum": _("optimistic"),
            "most_likely": _("most likely"),
            "maximum": _("pessimistic"),
        }
        missing = [key for key in names if getattr(row, key) is None]
        for key in missing:
            errors.setdefault(f"tasks.{row.task}.{key}", []).append(
                _("Task %(task)s: enter the %(field)s duration too (or clear all three).")
                % {"task": where, "field": names[key]}
            )
        if missing:
            continue
        assert row.minimum is not None and row.most_likely is not None and row.maximum is not None
        for key in names:
            value = getattr(row, key)
            if value < 0 or value > 10**9:
                errors.setdefault(f"tasks.{row.task}.{key}", []).append(
                    _("Task %(task)s: the %(field)s duration cannot be negative or that long.")
                    % {"task": where, "field": names[key]}
                )
        if row.minimum > row.most_likely:
            errors.setdefault(f"tasks.{row.task}.minimum", []).append(
                _("Task %(task)s: the optimistic duration is longer than the most likely one.")
                % {"task": where}
            )
        if row.most_likely > row.maximum:
            errors.setdefault(f"tasks.{row.task}.maximum", []).append(
                _("Task %(task)s: the pessimistic duration is shorter than the most likely one.")
                % {"task": where}
            )
        if row.distribution not in DistributionChoice.values:
            errors.setdefault(f"tasks.{row.task}.distribution", []).append(
                _("Task %(task)s: unknown distribution “%(value)s”.")
                % {"task": where, "value": row.distribution}
            )
    return errors


@transaction.atomic
def estimates_save(*, user: Any, project: Project, rows: Sequence[EstimateRow]) -> int:
    """Set (or clear) the three-point estimates of the rows' tasks in one transaction; nothing is saved
    when a row is wrong. Each problem names the task and the field (`tasks.<id>.<field>`). Returns how many
    tasks changed."""
    require(can_simulate(user, project))
    tasks = estimable(project, [r.task for r in rows])
    errors = estimate_errors(tasks, rows)
    if errors:
        raise ValidationError(errors)
    existing = {e.task_id: e for e in TaskEstimate.objects.filter(task_id__in=tasks)}
    clear = [r.task for r in rows if r.empty and r.task in existing]
    create: list[TaskEstimate] = []
    update: list[TaskEstimate] = []
    for row in rows:
        if row.empty:
            continue
        low, likely, high = int(row.minimum or 0), int(row.most_likely or 0), int(row.maximum or 0)
        current = existing.get(row.task)
        if current is None:
            create.append(
                TaskEstimate(
                    task_id=row.task,
                    minimum_minutes=low,
                    most_likely_minutes=likely,
                    maximum_minutes=high,
                    distribution=row.distribution,
                )
            )
        elif (low, likely, high, row.distribution) != (
            current.minimum_minutes,
            current.most_likely_minutes,
            current.maximum_minutes,
            current.distribution,
        ):
            current.minimum_minutes, current.most_likely_minutes, current.maximum_minutes = low, likely, high
            current.distribution = row.distribution
            update.append(current)
    TaskEstimate.objects.filter(task_id__in=clear).delete()
    TaskEstimate.objects.bulk_create(create)
    TaskEstimate.objects.bulk_update(
        update, ["minimum_minutes", "most_likely_minutes", "maximum_minutes", "distribution"]
    )
    return len(clear) + len(create) + len(update)


@transaction.atomic
def estimates_apply_range(
    *,
    user: Any,
    project: Project,
    tasks: Sequence[int] | None,
    factors: Sequence[Any],
    distribution: str = DistributionChoice.PERT.value,
    only_missing: bool = False,
) -> int:
    """Give `tasks` (None: every leaf task; `only_missing`: those without an estimate) the estimate
    factors × their planned duration (rounded to whole minutes). Returns how many tasks got one."""
    require(can_simulate(user, project))
    if not isinstance(factors, list | tuple) or len(factors) != 3:
        raise ValidationError(
            {"factors": [_("Give three factors: optimistic, most likely and pessimistic.")]}
        )
    low, likely, high = (_factor(f, "factors") for f in factors)
    if not low <= likely <= high:
        raise ValidationError(
            {"factors": [_("The factors must be in order: optimistic ≤ most likely ≤ pessimistic.")]}
        )
    if distribution not in DistributionChoice.values:
        raise ValidationError(
            {"distribution": [_("Unknown distribution “%(value)s”.") % {"value": distribution}]}
        )
    chosen = leaf_tasks(project) if tasks is None else estimable(project, tasks)
    if only_missing:
        have = set(TaskEstimate.objects.filter(task_id__in=chosen).values_list("task_id", flat=True))
        chosen = {pk: t for pk, t in chosen.items() if pk not in have}
    if not chosen:
        raise ValidationError({"tasks": [_("Choose at least one task.")]})
    rows = [
        EstimateRow(
            task=pk,
            minimum=round(task.duration_minutes * low),
            most_likely=round(task.duration_minutes * likely),
            maximum=round(task.duration_minutes * high),
            distribution=distribution,
        )
        for pk, task in chosen.items()
    ]
    estimates_save(user=user, project=project, rows=rows)
    return len(rows)


@transaction.atomic
def estimates_clear(*, user: Any, project: Project, tasks: Sequence[int] | None) -> int:
    """Remove the estimates of `tasks` (None: of every task of the project). Returns how many."""
    require(can_simulate(user, project))
    rows = TaskEstimate.objects.filter(task__project=project)
    if tasks is not None:
        estimable(project, tasks)
        rows = rows.filter(task_id__in=tasks)
    count, _deleted = rows.delete()
    return count


# --- correlation groups ---------------------------------------------------------------------------


def _group_values(
    project: Project, data: Mapping[str, Any], group: CorrelationGroup | None = None
) -> tuple[str, Decimal, list[Task]]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the group a name (e.g. the team or subcontractor).")]
    elif len(name) > 200:
        errors["name"] = [_("A name has at most 200 characters.")]
    coefficient = Decimal("NaN")
    with contextlib.suppress(InvalidOperation):
        coefficient = Decimal(str(data.get("coefficient", "")).strip())
    if coefficient.is_nan() or not Decimal(0) <= coefficient <= Decimal("0.99"):
        errors["coefficient"] = [_("The correlation is a number from 0 to 0.99, e.g. 0.5.")]
    raw = data.get("tasks") or []
    pks: list[int] = []
    for value in raw if isinstance(raw, list | tuple) else [raw]:
        try:
            pks.append(int(value))
        except (TypeError, ValueError):
            errors.setdefault("tasks", []).append(_("“%(value)s” is not a task id.") % {"value": value})
    tasks: list[Task] = []
    if "tasks" not in errors:
        try:
            tasks = list(estimable(project, list(dict.fromkeys(pks))).values())
        except ValidationError as exc:
            errors["tasks"] = exc.messages
        else:
            if len(tasks) < 2:
                errors["tasks"] = [_("Choose at least two tasks whose durations move together.")]
            taken = (
                CorrelationGroup.tasks.through.objects.filter(
                    correlationgroup__project=project, task__in=tasks
                )
                .exclude(correlationgroup=group)
                .select_related("task", "correlationgroup")
            )
            for link in taken:
                errors.setdefault("tasks", []).append(
                    _("Task %(task)s is already in the group “%(group)s”; a task moves with one group only.")
                    % {"task": _task_label(link.task), "group": link.correlationgroup.name}
                )
    if errors:
        raise ValidationError(errors)
    return name, coefficient.quantize(Decimal("0.01")), tasks


@transaction.atomic
def correlation_group_create(*, user: Any, project: Project, data: Mapping[str, Any]) -> CorrelationGroup:
    """A group of tasks whose durations move together (`name`, `coefficient` 0–0.99, `tasks`: ids)."""
    require(can_simulate(user, project))
    name, coefficient, tasks = _group_values(project, data)
    group = CorrelationGroup.objects.create(project=project, name=name, coefficient=coefficient)
    group.tasks.set(tasks)
    return group


@transaction.atomic
def correlation_group_update(
    *, user: Any, group: CorrelationGroup, data: Mapping[str, Any]
) -> CorrelationGroup:
    """Change a group's name, coefficient and tasks (the values not given are kept)."""
    require(can_simulate(user, group.project))
    merged = {
        "name": group.name,
        "coefficient": group.coefficient,
        "tasks": list(group.tasks.values_list("pk", flat=True)),
        **{k: v for k, v in data.items() if v is not None},
    }
    name, coefficient, tasks = _group_values(group.project, merged, group)
    group.name, group.coefficient = name, coefficient
    group.save(update_fields=["name", "coefficient"])
    group.tasks.set(tasks)
    return group


@transaction.atomic
def correlation_group_delete(*, user: Any, group: CorrelationGroup) -> None:
    require(can_simulate(user, group.project))
    group.delete()
