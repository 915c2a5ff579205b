"""`simulate(plan, model) -> Forecast`: Monte Carlo schedule and cost risk (docs/engine/monte-carlo.md)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import EPOCH, HorizonError, WorkCalendar, from_minutes, to_minutes
from kuroko.engine.cpm import schedule
from kuroko.engine.model import Plan, Schedule
from kuroko.engine.risk.model import (
    PERCENTILES,
    CostDistribution,
    DateDistribution,
    Distribution,
    Estimate,
    Forecast,
    RiskInputError,
    RiskModel,
    Samples,
)
from kuroko.engine.risk.network import Network
from kuroko.engine.risk.sampling import Pert, correlate, quantiles, uniforms

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

MAX_ITERATIONS = 1_000_000
_COST_BINS = 30


def simulate(
    plan: Plan,
    model: RiskModel = RiskModel(),  # noqa: B008 — frozen, never mutated
    *,
    iterations: int = 5000,
    seed: int | None = 0,
    sampling: str = "lhs",
    convergence: float | None = None,
    batch: int = 1000,
    deadline: datetime | None = None,
    baseline_finish: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_samples: bool = False,
) -> Forecast:
    """Simulate the plan's schedule and cost under the model's uncertainty.

    Each iteration draws every uncertain duration, risk event and cost, schedules the plan forward
    exactly as `cpm.schedule` would with those durations, and records the project finish, the finish of
    every milestone (and task with a deadline), the cost and which tasks drove the finish.

    Parameters
    ----------
    plan
        The plan. A plan scheduled from its finish is simulated forward from its start, and ALAP tasks
        as soon as possible (neither changes a forward plan's finish).
    model
        Estimates, risk events, correlation groups and costs.
    iterations
        Iterations to run, 1 to 1,000,000 (fewer if `convergence` stops the run first).
    seed
        Seed of `numpy.random.default_rng`; the same seed gives the same forecast. None: unseeded.
    sampling
        "lhs" (Latin Hypercube, per batch) or "random".
    convergence
        Stop once the P50 and the P80 of the finish each moved less than this many working minutes (of
        the project calendar) over the last batch. None: run every iteration.
    batch
        Iterations per block; memory grows with batch × tasks.
    deadline, baseline_finish
        Dates whose probability of being met is reported.
    progress
        Called with (iterations done, iterations requested) after each batch.
    keep_samples
        Keep every iteration's durations, finish and cost in `Forecast.samples`.

    Raises
    ------
    RiskInputError
        Bad options, or a model that refers to tasks the plan does not have (the message names them).
    PlanError, CycleError
        The plan cannot be scheduled (from `cpm.schedule`).
    """
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, int)
        or not 1 <= iterations <= MAX_ITERATIONS
    ):
        raise RiskInputError(f"Iterations must be a whole number from 1 to 1,000,000, not {iterations!r}.")
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise RiskInputError(f"The batch size must be a whole number of at least 1, not {batch!r}.")
    if sampling not in ("lhs", "random"):
        raise RiskInputError(f'Sampling must be "lhs" (Latin Hypercube) or "random", not {sampling!r}.')
    if convergence is not None and not (math.isfinite(convergence) and convergence > 0):
        raise RiskInputError(
            f"The convergence threshold must be a positive number of minutes, not {convergence!r}."
        )
    forward = plan if not plan.schedule_from_finish else replace(plan, schedule_from_finish=False)
    deterministic = schedule(forward)  # PlanError and CycleError speak for the plan
    lookback = 1
    while True:
        try:
            return _Simulation(forward, model, deterministic, lookback=lookback).run(
                iterations=iterations,
                seed=seed,
                lhs=sampling == "lhs",
                convergence=convergence,
                batch=batch,
                deadline=deadline,
                baseline_finish=baseline_finish,
                progress=progress,
                keep_samples=keep_samples,
            )
        except HorizonError:
            if lookback > 1000:
                raise
            lookback *= 8


@dataclass
class _Inputs:
    """What varies, compiled from the model once."""

    rows: list[int]  # task index of each sampled duration row
    low: Floats
    mode: Floats
    high: Floats
    kinds: list[Distribution]
    groups: list[tuple[list[int], float]]  # rows of each correlation group, ρ
    work: Ints  # every task's planned work (duration without pauses)
    constant: dict[int, int]  # tasks whose estimate is one value (not the planned one)
    affected: dict[int, list[int]]  # task → the events that add to its duration


class _Simulation:
    def __init__(self, plan: Plan, model: RiskModel, deterministic: Schedule, *, lookback: int) -> None:
        self.plan = plan
        self.model = model
        self.deterministic = deterministic
        tasks = plan.tasks
        index = {t.id: i for i, t in enumerate(tasks)}
        self.index = index
        summary = {t.parent for t in tasks if t.parent is not None}

        def known(task: str, where: str, *, event: str | None = None) -> int:
            if task not in index:
                raise RiskInputError(f"{where}: task {task!r} is not in the plan.", task=task, event=event)
            return index[task]

        def leaf(task: str, where: str, what: str, *, event: str | None = None) -> int:
            i = known(task, where, event=event)
            if task in summary:
                raise RiskInputError(
                    f"{where}: task {task!r} is a summary task; {what} go on the tasks under it.",
                    task=task,
                    event=event,
                )
            if tasks[i].milestone:
                raise RiskInputError(
                    f"{where}: task {task!r} is a milestone, which has no duration to vary.",
                    task=task,
                    event=event,
                )
            return i

        for task in model.estimates:
            leaf(task, f"Estimate of {task!r}", "estimates")
        for k, correlation in enumerate(model.correlations, start=1):
            for task in correlation.tasks:
                leaf(task, f"Correlation group {k}", "correlations")
        for event in model.events:
            for task in event.tasks:
                if event.schedule_impact is not None:
                    leaf(task, f"Risk {event.id}", "schedule impacts", event=event.id)
                else:
                    known(task, f"Risk {event.id}", event=event.id)
        for task, cost in model.costs.items():
            known(task, f"Cost of {task!r}")
            if task in summary and cost.per_minute:
                raise RiskInputError(
                    f"Cost of {task!r}: a summary task has no duration of its own; give its fixed cost "
                    "only, or costs per minute to the tasks under it.",
                    task=task,
                )
        self.finished = [t.actual_finish is not None or t.percent_complete >= 100 for t in tasks]
        self.inputs = self._inputs(summary)
        zero: set[int] = set()
        for i, low, kind in zip(self.inputs.rows, self.inputs.low.tolist(), self.inputs.kinds, strict=True):
            if round(low) <= 0 or kind == Distribution.LOGNORMAL:
                zero.add(i)
        for i, value in self.inputs.constant.items():
            if value == 0:
                zero.add(i)
        for event in model.events:
            impact = event.schedule_impact
            if impact is not None and impact.minimum < 0:
                zero.update(index[t] for t in event.tasks)
        self.report = [
            i for i, t in enumerate(tasks) if t.id not in summary and (t.milestone or t.deadline is not None)
        ]
        self.network = Network(plan, zero=zero, report=self.report, lookback=lookback)

    def _inputs(self, summary: set[str]) -> _Inputs:
        plan, model = self.plan, self.model
        rows: list[int] = []
        low: list[float] = []
        mode: list[float] = []
        high: list[float] = []
        kinds: list[Distribution] = []
        constant: dict[int, int] = {}
        work = np.asarray([0 if t.milestone else t.duration for t in plan.tasks], dtype=np.int64)
        for i, t in enumerate(plan.tasks):
            if t.id in summary or t.milestone or self.finished[i]:
                continue  # finished work keeps its actual duration
            estimate = model.estimates.get(t.id)
            if estimate is not None:
                a, c, b = float(estimate.minimum), float(estimate.most_likely), float(estimate.maximum)
                kind = estimate.distribution
            elif model.default_range is not None:
                f_low, f_mode, f_high = model.default_range
                a, c, b = t.duration * f_low, t.duration * f_mode, t.duration * f_high
                kind = model.default_distribution
            else:
                continue
            if b > a:
                rows.append(i)
                low.append(a)
                mode.append(c)
                high.append(b)
                kinds.append(kind)
            elif kind == Distribution.LOGNORMAL or round(a) != t.duration:
                # A one-value estimate replaces the planned duration (a lognormal of no spread is its mean).
                constant[i] = round(a)
        position = {task: k for k, task in enumerate(rows)}
        groups = [
            ([position[self.index[t]] for t in g.tasks if self.index[t] in position], g.coefficient)
            for g in model.correlations
        ]
        affected: dict[int, list[int]] = {}
        for k, event in enumerate(model.events):
            if event.schedule_impact is None:
                continue
            for task in event.tasks:
                i = self.index[task]
                if not self.finished[i]:
                    affected.setdefault(i, []).append(k)
        return _Inputs(
            rows,
            np.asarray(low, dtype=np.float64),
            np.asarray(mode, dtype=np.float64),
            np.asarray(high, dtype=np.float64),
            kinds,
            [(g, rho) for g, rho in groups if len(g) >= 2],
            work,
            constant,
            affected,
        )

    def run(
        self,
        *,
        iterations: int,
        seed: int | None,
        lhs: bool,
        convergence: float | None,
        batch: int,
        deadline: datetime | None,
        baseline_finish: datetime | None,
        progress: Callable[[int, int], None] | None,
        keep_samples: bool,
    ) -> Forecast:
        plan, model, inputs, network = self.plan, self.model, self.inputs, self.network
        tasks = plan.tasks
        n = len(tasks)
        rng = np.random.default_rng(seed)
        events = model.events
        n_rows, n_groups, n_events = len(inputs.rows), len(inputs.groups), len(events)
        schedule_events = [k for k, e in enumerate(events) if e.schedule_impact is not None]
        cost_events = [k for k, e in enumerate(events) if e.cost_impact is not None]
        # Uniform rows of a batch: task durations, correlation factors, event occurrences, schedule
        # impacts, cost impacts.
        first_factor = n_rows
        first_event = first_factor + n_groups
        first_impact = first_event + n_events
        first_cost = first_impact + len(schedule_events)
        width_inputs = first_cost + len(cost_events)
        kinds = np.asarray([str(k) for k in inputs.kinds])
        pert = np.flatnonzero(kinds == Distribution.PERT.value)
        other = np.flatnonzero(kinds != Distribution.PERT.value)
        pert_sampler = Pert(inputs.low[pert], inputs.mode[pert], inputs.high[pert])
        grouped = {r for g, _ in inputs.groups for r in g}
        # Rows whose durations are a monotone function of their stratum: ranks known without sorting.
        row_of = {i: r for r, i in enumerate(inputs.rows)}
        touched = {row_of[i] for i in inputs.affected if i in row_of} | grouped
        ranked_by_stratum = np.asarray([r for r in range(n_rows) if lhs and r not in touched], dtype=np.intp)
        # Tasks whose duration varies (a sampled estimate or a risk event), for sensitivity.
        varying = sorted(set(inputs.rows) | set(inputs.affected))
        var_position = {i: k for k, i in enumerate(varying)}
        stratum_tasks = np.asarray([var_position[inputs.rows[r]] for r in ranked_by_stratum], dtype=np.intp)
        by_stratum = set(stratum_tasks.tolist())
        sorted_tasks = np.asarray([k for k in range(len(varying)) if k not in by_stratum], dtype=np.intp)
        remaining_tasks = [
            i
            for i in varying
            if tasks[i].actual_start is not None
            and tasks[i].actual_finish is None
            and tasks[i].remaining_duration is not None
        ]
        costs = model.costs
        cost_rate = np.zeros(n, dtype=np.float64)
        fixed_cost = 0.0
        for task, task_cost in costs.items():
            cost_rate[self.index[task]] = task_cost.per_minute
            fixed_cost += task_cost.fixed
        has_costs = model.has_costs
        deterministic_cost = fixed_cost + float(cost_rate @ inputs.work.astype(np.float64))

        finish_minutes: list[Ints] = []
        finish_positions: list[Ints] = []
        milestone_minutes: dict[int, list[Ints]] = {i: [] for i in self.report}
        cost_samples: list[Floats] = []
        critical_count = np.zeros(n, dtype=np.int64)
        occurred_count = np.zeros(n_events, dtype=np.int64)
        rho_sum = np.zeros(len(varying), dtype=np.float64)
        rho_weight = 0
        low_seen = np.full(len(varying), np.iinfo(np.int64).max, dtype=np.int64)
        high_seen = np.full(len(varying), np.iinfo(np.int64).min, dtype=np.int64)
        kept_durations: list[Ints] = []
        kept_remaining: dict[int, list[Ints]] = {i: [] for i in remaining_tasks}
        kept_occurred: list[npt.NDArray[np.bool_]] = []
        kept_critical: list[npt.NDArray[np.bool_]] = []
        project_calendar: WorkCalendar = network.project_calendar
        done = 0
        converged: bool | None = None if convergence is None else False
        previous: tuple[int, int] | None = None
        while done < iterations:
            width = min(batch, iterations - done)
            u, strata = uniforms(rng, width_inputs, width, lhs=lhs)
            task_u = u[:n_rows]
            for g, (members, rho) in enumerate(inputs.groups):
                task_u[members] = correlate(task_u[members], u[first_factor + g], rho)
            sampled = np.empty((n_rows, width), dtype=np.float64)
            if len(pert):
                sampled[pert] = pert_sampler.sample(task_u[pert])
            if len(other):
                sampled[other] = quantiles(
                    [inputs.kinds[k] for k in other.tolist()],
                    inputs.low[other],
                    inputs.mode[other],
                    inputs.high[other],
                    task_u[other],
                )
            # Work per task and iteration: planned, a one-value estimate, or sampled, plus risk impacts.
            work = np.empty((n, width), dtype=np.int64)
            work[:] = inputs.work[:, None]
            for i, value in inputs.constant.items():
                work[i] = value
            if n_rows:
                work[inputs.rows] = np.rint(sampled).astype(np.int64)
            occurred = u[first_event:first_impact] < np.asarray([e.probability for e in events])[:, None]
            if schedule_events:
                impact_u = u[first_impact:first_cost]
                estimates: list[Estimate] = [events[k].schedule_impact for k in schedule_events]  # type: ignore[misc]
                impacts = np.rint(
                    quantiles(
                        [e.distribution for e in estimates],
                        np.asarray([e.minimum for e in estimates], dtype=np.float64),
                        np.asarray([e.most_likely for e in estimates], dtype=np.float64),
                        np.asarray([e.maximum for e in estimates], dtype=np.float64),
                        impact_u,
                    )
                ).astype(np.int64)
                impacts = np.where(occurred[schedule_events], impacts, 0)
                position = {k: j for j, k in enumerate(schedule_events)}
                for i, ks in inputs.affected.items():
                    for k in ks:
                        work[i] += impacts[position[k]]
                    np.maximum(work[i], 0, out=work[i])
            dur = work + network.pauses[:, None]
            dur[network.is_summary] = 0
            remaining: dict[int, Ints] = {}
            for i in remaining_tasks:
                planned = int(inputs.work[i])
                given = tasks[i].remaining_duration or 0
                remaining[i] = (
                    np.rint(given * work[i] / planned).astype(np.int64)
                    if planned
                    else np.full(width, given, dtype=np.int64)
                )
            run = network.forward(dur, remaining)
            finish = network.finish_instants(run)
            positions = project_calendar.to_work_many(finish)
            finish_minutes.append(finish)
            finish_positions.append(positions)
            for i in self.report:
                milestone_minutes[i].append(network.task_finish_instants(run, i))
            critical = network.critical(run, finish)
            critical_count += critical.sum(axis=1)
            occurred_count += occurred.sum(axis=1)
            if has_costs:
                cost = fixed_cost + cost_rate @ work.astype(np.float64)
                if cost_events:
                    cost_u = u[first_cost:]
                    spec = [events[k].cost_impact for k in cost_events]
                    amounts = quantiles(
                        [Distribution.TRIANGULAR] * len(cost_events),
                        np.asarray([c[0] for c in spec if c is not None]),
                        np.asarray([c[1] for c in spec if c is not None]),
                        np.asarray([c[2] for c in spec if c is not None]),
                        cost_u,
                    )
                    cost = cost + np.where(occurred[cost_events], amounts, 0.0).sum(axis=0)
                cost_samples.append(cost)
            if varying:
                var_work = work[varying]
                np.minimum(low_seen, var_work.min(axis=1), out=low_seen)
                np.maximum(high_seen, var_work.max(axis=1), out=high_seen)
                if width > 1:
                    rho_sum += (
                        _spearman(var_work, positions, strata, ranked_by_stratum, stratum_tasks, sorted_tasks)
                        * width
                    )
                    rho_weight += width
            if keep_samples:
                kept_durations.append(work[network.leaves])
                kept_critical.append(critical[network.leaves])
                for i in remaining_tasks:
                    kept_remaining[i].append(remaining[i])
                kept_occurred.append(occurred)
            done += width
            if progress is not None:
                progress(done, iterations)
            if convergence is not None:
                every = np.concatenate(finish_positions)
                current = (_percentile_value(every, 50), _percentile_value(every, 80))
                if previous is not None and all(
                    abs(a - b) < convergence for a, b in zip(current, previous, strict=True)
                ):
                    converged = True
                    break
                previous = current

        finish_all = np.concatenate(finish_minutes)
        positions_all = np.concatenate(finish_positions)
        forecast_finish = _date_distribution(
            finish_all,
            positions_all,
            project_calendar,
            self.deterministic.project_finish,
            deadline,
        )
        milestones = {}
        milestone_all = {}
        for i in self.report:
            t = tasks[i]
            minutes = milestone_all[t.id] = np.concatenate(milestone_minutes[i])
            milestones[t.id] = _date_distribution(
                minutes,
                project_calendar.to_work_many(minutes),
                project_calendar,
                self.deterministic.tasks[t.id].early_finish,
                t.deadline,
            )
        cost_distribution = None
        cost_all = None
        if has_costs:
            cost_all = np.concatenate(cost_samples)
            cost_distribution = _cost_distribution(cost_all, deterministic_cost)
        criticality = {tasks[i].id: float(critical_count[i] / done) for i in network.leaves.tolist()}
        sensitivity = {}
        if rho_weight:
            for k, i in enumerate(varying):
                if high_seen[k] > low_seen[k]:
                    sensitivity[tasks[i].id] = float(rho_sum[k] / rho_weight)
        samples = None
        if keep_samples:
            leaf_work = np.concatenate(kept_durations, axis=1)
            occurred_all = (
                np.concatenate(kept_occurred, axis=1) if kept_occurred else np.zeros((0, done), bool)
            )
            samples = Samples(
                durations={tasks[i].id: leaf_work[k] for k, i in enumerate(network.leaves.tolist())},
                remaining={tasks[i].id: np.concatenate(v) for i, v in kept_remaining.items()},
                finish_minutes=finish_all,
                cost=cost_all,
                occurred={e.id: occurred_all[k] for k, e in enumerate(events)},
                milestones=milestone_all,
                critical={
                    tasks[i].id: row
                    for i, row in zip(
                        network.leaves.tolist(), np.concatenate(kept_critical, axis=1), strict=True
                    )
                },
            )
        baseline_probability = None
        if baseline_finish is not None:
            baseline_probability = float(np.mean(finish_all <= to_minutes(baseline_finish)))
        return Forecast(
            iterations=done,
            requested=iterations,
            seed=seed,
            sampling="lhs" if lhs else "random",
            converged=converged,
            finish=forecast_finish,
            milestones=milestones,
            cost=cost_distribution,
            criticality=criticality,
            sensitivity=sensitivity,
            event_occurrence={e.id: float(occurred_count[k] / done) for k, e in enumerate(events)},
            probability_baseline=baseline_probability,
            baseline_finish=baseline_finish,
            samples=samples,
        )


def rankdata(values: npt.NDArray[np.generic], axis: int = -1) -> Floats:
    """Ranks 1 … n along the last axis, ties getting the average of their ranks (as
    `scipy.stats.rankdata`, which is not used because importing scipy.stats takes seconds)."""
    del axis  # always the last axis
    block = np.atleast_2d(values)
    count = block.shape[1]
    order = np.argsort(block, axis=1, kind="stable")
    ordered = np.take_along_axis(block, order, axis=1)
    first = np.ones(ordered.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    last = np.ones(ordered.shape, dtype=bool)
    last[:, :-1] = first[:, 1:]
    index = np.broadcast_to(np.arange(count), ordered.shape)
    starts = np.maximum.accumulate(np.where(first, index, 0), axis=1)
    ends = np.minimum.accumulate(np.where(last, index, count - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(ordered.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, (starts + ends) / 2 + 1, axis=1)
    out: Floats = ranks.reshape(np.shape(values))
    return out


def _spearman(
    work: Ints,
    finish: Ints,
    strata: Floats | None,
    stratum_rows: npt.NDArray[np.intp],
    stratum_tasks: npt.NDArray[np.intp],
    sorted_tasks: npt.NDArray[np.intp],
) -> Floats:
    """Spearman's rank correlation of each row of `work` with `finish` within one batch. Rows sampled by
    Latin Hypercube and touched by nothing else rank as their strata (no sorting); others are ranked."""
    width = len(finish)
    out = np.zeros(len(work), dtype=np.float64)
    ranks = rankdata(finish) - (width + 1) / 2  # centred average ranks
    norm = float(np.sqrt(ranks @ ranks))
    if norm == 0:
        return out
    if len(stratum_tasks) and strata is not None:
        # A permutation of 0 … n−1: mean (n−1)/2 (cancels against centred ranks), Σ(r − mean)² = n(n²−1)/12.
        spread = math.sqrt(width * (width * width - 1) / 12)
        out[stratum_tasks] = strata[stratum_rows] @ ranks / (spread * norm)
    if len(sorted_tasks):
        own = rankdata(work[sorted_tasks], axis=1)
        own -= own.mean(axis=1, keepdims=True)
        spread_rows = np.sqrt((own * own).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            values = own @ ranks / (spread_rows * norm)
        out[sorted_tasks] = np.where(spread_rows > 0, values, 0.0)
    return out


def _percentile_index(count: int, p: float) -> int:
    """The sample that is the p-th percentile of `count` sorted samples (inverted CDF: the smallest
    sample with at least p % of the samples at or below it)."""
    # Exact arithmetic: 0.55 * 100 is 55.000000000000001 in floating point, one sample too high.
    return min(max(math.ceil(Fraction(p) * count / 100) - 1, 0), count - 1)


def _percentile_value(values: Ints, p: float) -> int:
    k = _percentile_index(len(values), p)
    return int(np.partition(values, k)[k])


def _day(minutes: int) -> date:
    return EPOCH.date() + timedelta(days=minutes // 1440)


def _date_distribution(
    minutes: Ints,
    positions: Ints,
    calendar: WorkCalendar,
    deterministic: datetime,
    deadline: datetime | None,
) -> DateDistribution:
    """Statistics of one date's samples (instants in minutes since EPOCH, and their positions on the
    project calendar)."""
    count = len(minutes)
    ordered = np.sort(minutes)
    percentiles = {p: from_minutes(int(ordered[_percentile_index(count, p)])) for p in PERCENTILES}
    mean_position = float(positions.mean())
    mean = from_minutes(calendar.finish_at(round(mean_position)))
    days, counts = np.unique(ordered // 1440, return_counts=True)
    first, last = _day(int(days[0]) * 1440), _day(int(days[-1]) * 1440)
    sampled = {_day(int(d) * 1440): int(c) for d, c in zip(days.tolist(), counts.tolist(), strict=True)}
    every_day = sorted(set(calendar.working_days(first, last)) | set(sampled))
    histogram = tuple((d, sampled.get(d, 0)) for d in every_day)
    running = np.cumsum([c for _, c in histogram]) / count
    cumulative = tuple((d, float(p)) for (d, _), p in zip(histogram, running.tolist(), strict=True))
    return DateDistribution(
        deterministic=deterministic,
        mean=mean,
        std_minutes=float(positions.std()),
        percentiles=percentiles,
        cumulative=cumulative,
        histogram=histogram,
        deadline=deadline,
        probability_deadline=None if deadline is None else float(np.mean(minutes <= to_minutes(deadline))),
        probability_deterministic=float(np.mean(minutes <= to_minutes(deterministic))),
    )


def _cost_distribution(samples: Floats, deterministic: float) -> CostDistribution:
    count = len(samples)
    ordered = np.sort(samples)
    counts, edges = np.histogram(samples, bins=_COST_BINS)
    running = np.cumsum(counts) / count
    return CostDistribution(
        deterministic=deterministic,
        mean=float(samples.mean()),
        std=float(samples.std()),
        percentiles={p: float(ordered[_percentile_index(count, p)]) for p in PERCENTILES},
        histogram=tuple(
            (float(e), int(c)) for e, c in zip(edges[:-1].tolist(), counts.tolist(), strict=True)
        ),
        cumulative=tuple(
            (float(e), float(p)) for e, p in zip(edges[1:].tolist(), running.tolist(), strict=True)
        ),
        probability_deterministic=float(np.mean(samples <= deterministic * (1 + 1e-12))),
    )
