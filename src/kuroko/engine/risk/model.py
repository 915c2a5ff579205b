"""The inputs and results of the Monte Carlo schedule and cost risk engine (see `simulate`).

Frozen, slotted dataclasses that validate themselves: a bad value raises `RiskInputError` (a
`ValueError`) with a sentence naming the task or risk and the rule.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import datetimes


class RiskInputError(ValueError):
    """Invalid risk input. The message names the task or risk event (``Risk R-3: task 'X' is not in the
    plan``); `task` and `event` carry their ids for callers that show the error next to a field."""

    def __init__(self, message: str, *, task: str | None = None, event: str | None = None) -> None:
        super().__init__(message)
        self.task = task
        self.event = event


class Distribution(StrEnum):
    """The shape of a three-point estimate (see docs/engine/monte-carlo.md for the parameters)."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    UNIFORM = "uniform"
    LOGNORMAL = "lognormal"


def _finite(value: float, what: str, *, task: str | None = None, event: str | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RiskInputError(f"{what} must be a finite number, not {value!r}.", task=task, event=event)
    return float(value)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A three-point estimate in minutes: working minutes of the task's calendar, or elapsed minutes for
    an elapsed-duration task.

    Parameters
    ----------
    minimum, most_likely, maximum
        Whole minutes with ``0 ≤ minimum ≤ most_likely ≤ maximum``. With ``signed=True`` (a risk event's
        schedule impact, where an opportunity saves time) the minimum may be negative.
    distribution
        The shape between them (PERT-beta by default).
    """

    minimum: int
    most_likely: int
    maximum: int
    distribution: Distribution = Distribution.PERT
    signed: bool = field(default=False, kw_only=True, compare=False)

    def __post_init__(self) -> None:
        for name in ("minimum", "most_likely", "maximum"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise RiskInputError(f"An estimate's {name} is a whole number of minutes, not {value!r}.")
        if not self.minimum <= self.most_likely <= self.maximum:
            raise RiskInputError(
                "An estimate needs minimum ≤ most likely ≤ maximum "
                f"(got {self.minimum}, {self.most_likely}, {self.maximum})."
            )
        if self.minimum < 0 and not self.signed:
            raise RiskInputError(f"An estimate's minimum cannot be negative (got {self.minimum}).")
        try:
            object.__setattr__(self, "distribution", Distribution(self.distribution))
        except ValueError:
            choices = ", ".join(d.value for d in Distribution)
            raise RiskInputError(
                f"Unknown distribution {self.distribution!r}; use one of {choices}."
            ) from None
        if self.distribution == Distribution.LOGNORMAL and self.minimum < 0:
            raise RiskInputError("A lognormal estimate cannot have a negative minimum.")

    @property
    def mean(self) -> float:
        """The distribution's mean, in minutes (before rounding samples to whole minutes)."""
        a, c, b = self.minimum, self.most_likely, self.maximum
        if self.distribution == Distribution.TRIANGULAR:
            return (a + c + b) / 3
        if self.distribution == Distribution.UNIFORM:
            return (a + b) / 2
        return (a + 4 * c + b) / 6  # PERT, and the lognormal matched to it


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """Something that may happen, with its probability and impacts.

    Parameters
    ----------
    id
        The risk's id (``R-3``), unique in the model.
    probability
        The chance that it happens in one iteration, 0–1.
    tasks
        The tasks it affects.
    schedule_impact
        Minutes added to the duration of *each* linked task when the event occurs (one draw per
        iteration, shared by the tasks); negative for an opportunity (``Estimate(..., signed=True)``). A
        duration never falls below 0.
    cost_impact
        ``(minimum, most likely, maximum)`` added once to the project cost when it occurs (triangular).
    name
        What it is, for people.
    """

    id: str
    probability: float
    tasks: tuple[str, ...] = ()
    schedule_impact: Estimate | None = None
    cost_impact: tuple[float, float, float] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        label = f"Risk {self.id}"
        if not isinstance(self.id, str) or not self.id:
            raise RiskInputError("A risk event needs an id.")
        probability = _finite(self.probability, f"{label}: the probability", event=self.id)
        if not 0 <= probability <= 1:
            raise RiskInputError(
                f"{label}: the probability must be between 0 and 1 (0–100 %), not {self.probability!r}.",
                event=self.id,
            )
        object.__setattr__(self, "probability", probability)
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if len(set(self.tasks)) != len(self.tasks):
            raise RiskInputError(f"{label}: a task is listed twice.", event=self.id)
        if self.schedule_impact is not None and not self.tasks:
            raise RiskInputError(f"{label}: a schedule impact needs the tasks it delays.", event=self.id)
        if self.cost_impact is not None:
            if len(self.cost_impact) != 3:
                raise RiskInputError(
                    f"{label}: the cost impact is (minimum, most likely, maximum).", event=self.id
                )
            low, likely, high = (
                _finite(v, f"{label}: the cost impact", event=self.id) for v in self.cost_impact
            )
            if not low <= likely <= high:
                raise RiskInputError(
                    f"{label}: the cost impact needs minimum ≤ most likely ≤ maximum.", event=self.id
                )
            object.__setattr__(self, "cost_impact", (low, likely, high))


@dataclass(frozen=True, slots=True)
class Correlation:
    """Tasks whose durations tend to move together (a one-factor Gaussian copula): each task's normal
    score is ``√ρ·F + √(1−ρ)·ε`` with one factor F shared by the group.

    Parameters
    ----------
    tasks
        At least two tasks; a task belongs to at most one group.
    coefficient
        ρ, the correlation of the tasks' normal scores, in [0, 1).
    """

    tasks: tuple[str, ...]
    coefficient: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "tasks", tuple(self.tasks))
        coefficient = _finite(self.coefficient, "A correlation coefficient")
        if not 0 <= coefficient < 1:
            raise RiskInputError(
                f"A correlation coefficient must be at least 0 and below 1, not {self.coefficient!r}."
            )
        object.__setattr__(self, "coefficient", coefficient)
        if len(self.tasks) < 2:
            raise RiskInputError("A correlation group needs at least two tasks.")
        if len(set(self.tasks)) != len(self.tasks):
            raise RiskInputError("A correlation group lists a task twice.")


@dataclass(frozen=True, slots=True)
class TaskCost:
    """The cost of a task: ``fixed + per_minute × its sampled working duration`` (labour scales with
    duration; per elapsed minute for an elapsed task). Neither may be negative."""

    fixed: float = 0.0
    per_minute: float = 0.0

    def __post_init__(self) -> None:
        for name in ("fixed", "per_minute"):
            value = _finite(getattr(self, name), f"A task's {name.replace('_', ' ')} cost")
            if value < 0:
                raise RiskInputError(f"A task's {name.replace('_', ' ')} cost cannot be negative.")
            object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class RiskModel:
    """The uncertainty of a plan: estimates per task, risk events, correlation groups and costs.

    Parameters
    ----------
    estimates
        Task id → three-point estimate of its duration. Tasks without one keep their planned duration,
        unless `default_range` is given.
    events
        Risk events (unique ids).
    correlations
        Correlation groups (a task in at most one).
    costs
        Task id → its cost.
    default_range
        Factors ``(low, likely, high)`` of the planned duration for tasks without an estimate, e.g.
        ``(0.9, 1.0, 1.3)``; ``0 ≤ low ≤ likely ≤ high``.
    default_distribution
        The distribution of those default estimates.
    """

    estimates: Mapping[str, Estimate] = field(default_factory=dict)
    events: tuple[RiskEvent, ...] = ()
    correlations: tuple[Correlation, ...] = ()
    costs: Mapping[str, TaskCost] = field(default_factory=dict)
    default_range: tuple[float, float, float] | None = None
    default_distribution: Distribution = Distribution.PERT

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self.events))
        object.__setattr__(self, "correlations", tuple(self.correlations))
        seen: set[str] = set()
        for event in self.events:
            if event.id in seen:
                raise RiskInputError(f"Risk {event.id}: the id is used twice.", event=event.id)
            seen.add(event.id)
        grouped: set[str] = set()
        for correlation in self.correlations:
            for task in correlation.tasks:
                if task in grouped:
                    raise RiskInputError(
                        f"Task {task!r} is in two correlation groups; a task belongs to at most one.",
                        task=task,
                    )
                grouped.add(task)
        if self.default_range is not None:
            if len(self.default_range) != 3:
                raise RiskInputError("The default range is three factors: low, likely, high.")
            low, likely, high = (_finite(v, "A default range factor") for v in self.default_range)
            if not 0 <= low <= likely <= high:
                raise RiskInputError(
                    f"The default range needs 0 ≤ low ≤ likely ≤ high (got {low:g}, {likely:g}, {high:g})."
                )
            object.__setattr__(self, "default_range", (low, likely, high))
        try:
            object.__setattr__(self, "default_distribution", Distribution(self.default_distribution))
        except ValueError:
            raise RiskInputError(f"Unknown distribution {self.default_distribution!r}.") from None

    @property
    def has_costs(self) -> bool:
        """Whether the model says anything about cost."""
        return bool(self.costs) or any(e.cost_impact is not None for e in self.events)


# --- Results ----------

PERCENTILES = (0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100)
"""The percentiles every distribution reports (0 and 100 are the smallest and largest sample)."""


@dataclass(frozen=True, slots=True)
class DateDistribution:
    """The simulated distribution of one date (the project finish or a milestone's finish).

    Attributes
    ----------
    deterministic
        The CPM date (early finish) with the planned durations.
    mean, std_minutes
        Mean (as an instant) and standard deviation, measured in working minutes of the project calendar.
    percentiles
        P0, P5, … P100 (`PERCENTILES`) as instants; each is one of the samples.
    cumulative
        ``(day, probability of finishing on or before that day)`` for every working day of the project
        calendar from the earliest to the latest sample (and any other day a sample falls on).
    histogram
        ``(day, number of iterations finishing that day)`` on the same days.
    deadline, probability_deadline
        A date to meet and the probability of finishing by it.
    probability_deterministic
        The probability of finishing by the CPM date.
    """

    deterministic: datetime
    mean: datetime
    std_minutes: float
    percentiles: Mapping[int, datetime]
    cumulative: tuple[tuple[date, float], ...]
    histogram: tuple[tuple[date, int], ...]
    deadline: datetime | None = None
    probability_deadline: float | None = None
    probability_deterministic: float = 0.0

    def __post_init__(self) -> None:
        values = [self.percentiles[p] for p in sorted(self.percentiles)]
        if any(a > b for a, b in itertools.pairwise(values)):
            raise ValueError("Percentiles of a date distribution never decrease.")
        probabilities = [p for _, p in self.cumulative]
        if any(not 0 <= p <= 1 for p in probabilities) or probabilities != sorted(probabilities):
            raise ValueError("A cumulative distribution rises from 0 to 1.")

    def percentile(self, p: int) -> datetime:
        """The p-th percentile (p among `PERCENTILES`)."""
        if p not in self.percentiles:
            raise ValueError(
                f"P{p} is not reported; use one of {', '.join(map(str, sorted(self.percentiles)))}."
            )
        return self.percentiles[p]

    def probability_by(self, day: date) -> float:
        """The probability of finishing on or before `day` (from `cumulative`)."""
        days = [d for d, _ in self.cumulative]
        k = bisect_right(days, day)
        return 0.0 if k == 0 else self.cumulative[k - 1][1]


@dataclass(frozen=True, slots=True)
class CostDistribution:
    """The simulated distribution of the project cost.

    Attributes
    ----------
    deterministic
        The cost with the planned durations and no risk event.
    mean, std, percentiles
        As for dates (`PERCENTILES`, each one of the samples).
    histogram
        ``(lower edge of the bin, count)`` over 30 equal bins from the smallest to the largest sample.
    cumulative
        ``(upper edge of the bin, probability of costing at most that)``.
    probability_deterministic
        The probability that the cost stays within the deterministic cost.
    """

    deterministic: float
    mean: float
    std: float
    percentiles: Mapping[int, float]
    histogram: tuple[tuple[float, int], ...]
    cumulative: tuple[tuple[float, float], ...]
    probability_deterministic: float = 0.0

    def percentile(self, p: int) -> float:
        """The p-th percentile (p among `PERCENTILES`)."""
        if p not in self.percentiles:
            raise ValueError(
                f"P{p} is not reported; use one of {', '.join(map(str, sorted(self.percentiles)))}."
            )
        return self.percentiles[p]


@dataclass(frozen=True, slots=True, eq=False)
class Samples:
    """Every iteration's inputs and outputs (`simulate(..., keep_samples=True)`), for tests and charts.

    Attributes
    ----------
    durations
        Leaf task id → its sampled duration per iteration, in the task's minutes: what `Task.duration`
        would be to reproduce the iteration with `schedule()` (milestones and finished tasks: planned).
    remaining
        Task id → its sampled remaining duration, for in-progress tasks that give a `remaining_duration`.
    finish_minutes
        The project finish per iteration, in minutes since `kuroko.engine.calendar.EPOCH`.
    cost
        The project cost per iteration (None without costs).
    occurred
        Risk id → whether it occurred, per iteration.
    milestones
        Task id → its early finish per iteration (minutes since EPOCH), for the tasks of
        `Forecast.milestones`.
    critical
        Leaf task id → whether it was on a driving path to the finish, per iteration.
    """

    durations: Mapping[str, npt.NDArray[np.int64]]
    remaining: Mapping[str, npt.NDArray[np.int64]]
    finish_minutes: npt.NDArray[np.int64]
    cost: npt.NDArray[np.float64] | None
    occurred: Mapping[str, npt.NDArray[np.bool_]]
    milestones: Mapping[str, npt.NDArray[np.int64]]
    critical: Mapping[str, npt.NDArray[np.bool_]]

    @property
    def finish(self) -> list[datetime]:
        """The project finish of every iteration."""
        return datetimes(self.finish_minutes)


@dataclass(frozen=True, slots=True, eq=False)
class Forecast:
    """The result of `simulate()`.

    Attributes
    ----------
    iterations, requested
        Iterations run, and asked for (fewer run when the forecast converged first).
    seed, sampling
        The random seed (None: unseeded) and "lhs" or "random".
    converged
        True when the convergence test stopped the run, False when it ran out of iterations first, None
        without a convergence test.
    finish
        The project finish; its deadline probability is for `simulate(deadline=…)`.
    milestones
        Every milestone and every task with a deadline → the distribution of its finish (its deadline
        probability from the task's deadline).
    cost
        None when the model has no costs and no cost impacts.
    criticality
        Every leaf task → the fraction of iterations in which it is on a driving path to the project
        finish (finished tasks: 0).
    sensitivity
        Every leaf task whose duration varies → Spearman's rank correlation of its duration with the
        project finish (the tornado chart).
    event_occurrence
        Risk id → the fraction of iterations in which it occurred.
    probability_baseline, baseline_finish
        The probability of finishing by the baseline finish, when given.
    samples
        With ``keep_samples``: every iteration's durations, finish and cost.
    """

    iterations: int
    requested: int
    seed: int | None
    sampling: str
    converged: bool | None
    finish: DateDistribution
    milestones: Mapping[str, DateDistribution]
    cost: CostDistribution | None
    criticality: Mapping[str, float]
    sensitivity: Mapping[str, float]
    event_occurrence: Mapping[str, float]
    probability_baseline: float | None = None
    baseline_finish: datetime | None = None
    samples: Samples | None = None
