"""Earned value management (EVM) and earned schedule, from a baseline, progress and actual costs.

`earned_value(project, status_date=...)` measures one project as of a status date: for every task, every
WBS summary and the project it gives BAC, PV, EV and AC, the variances and indices, the three standard
estimates at completion, ETC, VAC, TCPI and Lipke's earned schedule (ES, SV(t), SPI(t), IEAC(t)).
`roll_up` adds projects up into programs and the portfolio, `series` gives cumulative PV/EV/AC per
day, week or month (S-curves) and `history` the figures at several status dates.

Budgets and actual costs are in money or in effort (hours, person-days 人日, person-months 人月);
`EffortConversion` converts between effort units with the organisation's hours per day and days per
month. Everything is computed in full binary floating-point precision and nothing is rounded inside the
engine: rounding is for display only (`round_half_up`). A ratio whose denominator is zero (SPI when
PV = 0, CPI when AC = 0, …) is `None`, never an exception. The formulas, the rounding policy and a worked
example are in docs/engine/evm.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import WorkCalendar, from_minutes, to_minutes
from kuroko.engine.model import Calendar

# Relative tolerance below which two amounts are the same amount (float noise, not money).
_SAME = 1e-9
# IEAC(t) beyond this many planned durations gets no forecast date.
_FORECAST_LIMIT = 100


class EvmError(ValueError):
    """Invalid EVM input. The message names the task (or project) and the field; `task` and `field`
    carry them for callers that show the error next to the field."""

    def __init__(self, message: str, *, task: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.task = task
        self.field = field


class EvMethod(StrEnum):
    """How a task earns its budget (chosen per project).

    - percent complete: budget × % complete;
    - physical percent complete: budget × physical % complete (measured apart from duration, as MS
      Project's "Physical % Complete"), else % complete;
    - 0/100: nothing until the task is finished;
    - 50/50: half when it starts, the rest when it finishes;
    - milestones: the share of the task's milestone weights achieved (weighted milestones).

    Under every method a finished task has earned its whole budget.
    """

    PERCENT_COMPLETE = "percent_complete"
    PHYSICAL_PERCENT_COMPLETE = "physical_percent_complete"
    ZERO_HUNDRED = "0/100"
    FIFTY_FIFTY = "50/50"
    MILESTONES = "milestones"


class Unit(StrEnum):
    """What budgets and actual costs measure: money (in the project's currency) or effort."""

    MONEY = "money"
    HOURS = "hours"
    PERSON_DAYS = "person_days"
    PERSON_MONTHS = "person_months"


def _number(value: float, where: str, *, task: str | None, field: str) -> float:
    """A finite float (ints and Decimals are accepted: the app's money fields are Decimals)."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise EvmError(f"{where}: {field} must be a number, not {value!r}.", task=task, field=field) from exc
    if not math.isfinite(number):
        raise EvmError(f"{where}: {field} must be a finite number, not {value!r}.", task=task, field=field)
    return number


@dataclass(frozen=True, slots=True)
class EffortConversion:
    """Effort units: a person-day is `hours_per_day` hours, a person-month `days_per_month` person-days.

    The app takes both from the organisation's settings (Japanese SI projects often use 8 hours and
    20 days; some count 160 hours a month, some 140–180).
    """

    hours_per_day: float = 8.0
    days_per_month: float = 20.0

    def __post_init__(self) -> None:
        for name in ("hours_per_day", "days_per_month"):
            value = _number(getattr(self, name), "Effort units", task=None, field=name)
            if value <= 0:
                raise EvmError(f"Effort units: {name} must be positive, not {value:g}.", field=name)
            object.__setattr__(self, name, value)

    def hours(self, unit: Unit) -> float:
        """Hours in one `unit` of effort."""
        if unit is Unit.HOURS:
            return 1.0
        if unit is Unit.PERSON_DAYS:
            return self.hours_per_day
        if unit is Unit.PERSON_MONTHS:
            return self.hours_per_day * self.days_per_month
        raise EvmError("Money cannot be converted to or from effort without a rate (hours × rate).")

    def factor(self, source: Unit, target: Unit) -> float:
        """What one `source` unit is in `target` units (1 when they are the same)."""
        if source == target:
            return 1.0
        return self.hours(Unit(source)) / self.hours(Unit(target))

    def convert(self, value: float, source: Unit, target: Unit) -> float:
        """`value` in `source` units, expressed in `target` units."""
        return value * self.factor(source, target)


# --- Input ----------


@dataclass(frozen=True, slots=True)
class Phase:
    """An explicitly time-phased part of a task's budget: `amount` spread over the working time of the
    days `first` to `last` (inclusive) on the task's calendar (over the days' clock time when they have
    no working time)."""

    first: date
    last: date
    amount: float


@dataclass(frozen=True, slots=True)
class Progress:
    """Progress measured on a day: % complete (and physical % complete, when measured apart)."""

    on: date
    percent_complete: float
    physical_percent_complete: float | None = None


@dataclass(frozen=True, slots=True)
class EvMilestone:
    """A weighted milestone of a task (the "milestones" EV method): achieved on `achieved`, if it was."""

    name: str
    weight: float
    achieved: date | None = None


@dataclass(frozen=True, slots=True)
class ActualCost:
    """An actual cost (or actual hours, in effort units) booked on a day: a timesheet line, an invoice."""

    on: date
    amount: float


@dataclass(frozen=True, slots=True)
class EvTask:
    """One WBS element with its baseline, progress and actual costs.

    `start`, `finish` and `budget` are the chosen baseline's (the budget is the task's share of BAC, in
    the project's unit). The budget is spread linearly over the working time between start and finish
    on the task's calendar, unless `phasing` gives it explicitly (the phases must add up to the budget
    and lie within the baseline's days). A task without a baseline (added after it was captured) has no
    budget and earns nothing, but its actual costs count.

    Progress as of a status date: a task whose `actual_finish` is on or before it is finished; one whose
    `actual_start` is after it has not started; otherwise the latest `progress` record on or before the
    date, else (no records) `percent_complete` and `physical_percent_complete` as they are now.

    A task that another names as its `parent` is a WBS summary: its figures are the sums of the tasks
    under it, so it has no budget, phasing or actual costs of its own.
    """

    id: str
    name: str = ""
    parent: str | None = None
    start: datetime | None = None
    finish: datetime | None = None
    budget: float = 0.0
    phasing: tuple[Phase, ...] = ()
    calendar: str | None = None
    percent_complete: float = 0.0
    physical_percent_complete: float | None = None
    progress: tuple[Progress, ...] = ()
    milestones: tuple[EvMilestone, ...] = ()
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    actual_costs: tuple[ActualCost, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.id!r} ({self.name})" if self.name else repr(self.id)

    def _fail(self, field: str, message: str) -> EvmError:
        return EvmError(f"Task {self.label}: {field} {message}", task=self.id, field=field)

    def _percent(self, value: float, field: str) -> float:
        number = _number(value, f"Task {self.label}", task=self.id, field=field)
        if not 0 <= number <= 100:
            raise self._fail(field, f"must be between 0 and 100, not {number:g}.")
        return number

    def __post_init__(self) -> None:
        where = f"Task {self.label}"
        budget = _number(self.budget, where, task=self.id, field="budget")
        if budget < 0:
            raise self._fail("budget", f"cannot be negative ({budget:g}).")
        object.__setattr__(self, "budget", budget)
        if (self.start is None) != (self.finish is None):
            raise self._fail("baseline", "needs both a start and a finish.")
        if self.start is not None and self.finish is not None and self.finish < self.start:
            raise self._fail("finish", f"({self.finish}) is before the baseline start ({self.start}).")
        if self.phasing:
            amounts = []
            for k, phase in enumerate(self.phasing):
                field = f"phasing[{k}]"
                amount = _number(phase.amount, where, task=self.id, field=f"{field}.amount")
                if amount < 0:
                    raise self._fail(f"{field}.amount", f"cannot be negative ({amount:g}).")
                if phase.last < phase.first:
                    raise self._fail(field, f"ends ({phase.last}) before it begins ({phase.first}).")
                if (
                    self.start is not None
                    and self.finish is not None
                    and not (self.start.date() <= phase.first and phase.last <= self.finish.date())
                ):
                    raise self._fail(
                        field,
                        f"({phase.first} to {phase.last}) lies outside the baseline "
                        f"({self.start.date()} to {self.finish.date()}).",
                    )
                amounts.append(amount)
            total = math.fsum(amounts)
            if not math.isclose(total, budget, rel_tol=_SAME, abs_tol=_SAME):
                raise self._fail("phasing", f"adds up to {total:g}, not to the budget {budget:g}.")
        elif budget > 0 and self.start is None:
            raise self._fail(
                "baseline", "is missing: a task with a budget needs a baseline start and finish."
            )
        object.__setattr__(self, "percent_complete", self._percent(self.percent_complete, "percent_complete"))
        if self.physical_percent_complete is not None:
            value = self._percent(self.physical_percent_complete, "physical_percent_complete")
            object.__setattr__(self, "physical_percent_complete", value)
        previous: date | None = None
        for k, record in enumerate(self.progress):
            self._percent(record.percent_complete, f"progress[{k}].percent_complete")
            if record.physical_percent_complete is not None:
                self._percent(record.physical_percent_complete, f"progress[{k}].physical_percent_complete")
            if previous is not None and record.on <= previous:
                raise self._fail(f"progress[{k}]", "must be in date order, one record a day.")
            previous = record.on
        for k, milestone in enumerate(self.milestones):
            weight = _number(milestone.weight, where, task=self.id, field=f"milestones[{k}].weight")
            if weight <= 0:
                raise self._fail(f"milestones[{k}].weight", f"must be positive, not {weight:g}.")
        for k, cost in enumerate(self.actual_costs):
            amount = _number(cost.amount, where, task=self.id, field=f"actual_costs[{k}].amount")
            if amount < 0:
                raise self._fail(f"actual_costs[{k}].amount", f"cannot be negative ({amount:g}).")
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            raise self._fail("actual_finish", "is before the actual start.")


@dataclass(frozen=True, slots=True)
class EvmProject:
    """A project to measure: its tasks (with the WBS given by `parent`), the EV method, the unit of
    budgets and costs (`currency` for money), and its calendars (the project `calendar` is the time axis
    of earned schedule; `minutes_per_day` turns its working minutes into working days). `program` groups
    projects in `roll_up`."""

    tasks: tuple[EvTask, ...]
    id: str = "project"
    name: str = ""
    method: EvMethod = EvMethod.PERCENT_COMPLETE
    unit: Unit = Unit.MONEY
    currency: str = ""
    calendars: tuple[Calendar, ...] = (Calendar("standard", "Standard"),)
    calendar: str = "standard"
    minutes_per_day: int = 480
    program: str | None = None

    @property
    def label(self) -> str:
        return f"{self.id!r} ({self.name})" if self.name else repr(self.id)

    def __post_init__(self) -> None:
        where = f"Project {self.label}"
        try:
            object.__setattr__(self, "method", EvMethod(self.method))
        except ValueError:
            choices = ", ".join(m.value for m in EvMethod)
            raise EvmError(
                f"{where}: unknown EV method {self.method!r}; use one of {choices}.", field="method"
            ) from None
        try:
            object.__setattr__(self, "unit", Unit(self.unit))
        except ValueError:
            choices = ", ".join(u.value for u in Unit)
            raise EvmError(
                f"{where}: unknown unit {self.unit!r}; use one of {choices}.", field="unit"
            ) from None
        if self.minutes_per_day <= 0:
            raise EvmError(f"{where}: minutes_per_day must be positive.", field="minutes_per_day")
        calendar_ids = {c.id for c in self.calendars}
        if self.calendar not in calendar_ids:
            raise EvmError(
                f"{where}: the project calendar {self.calendar!r} is not among its calendars.",
                field="calendar",
            )
        by_id: dict[str, EvTask] = {}
        for task in self.tasks:
            if task.id in by_id:
                raise EvmError(
                    f"{where}: task id {task.id!r} appears more than once.", task=task.id, field="id"
                )
            by_id[task.id] = task
        for task in self.tasks:
            if task.parent is not None and task.parent not in by_id:
                raise task._fail("parent", f"{task.parent!r} does not exist.")
            if task.calendar is not None and task.calendar not in calendar_ids:
                raise task._fail("calendar", f"{task.calendar!r} is not among the project's calendars.")
        parents = {t.parent for t in self.tasks if t.parent is not None}
        rooted: set[str] = set()  # tasks whose chain of parents is known to reach the top
        for task in self.tasks:
            if task.id in parents:
                for field in ("budget", "phasing", "actual_costs"):
                    if getattr(task, field):
                        raise task._fail(
                            field, "belongs on the tasks under this summary: a summary adds them up."
                        )
            # Walk up until the top or a task known to reach it; meeting the walk itself is a loop.
            walk: set[str] = set()
            current: str | None = task.id
            while current is not None and current not in rooted:
                if current in walk:
                    raise task._fail("parent", "chain forms a loop.")
                walk.add(current)
                current = by_id[current].parent
            rooted |= walk

    def summaries(self) -> frozenset[str]:
        """Ids of the tasks that have tasks under them."""
        return frozenset(t.parent for t in self.tasks if t.parent is not None)


# --- Output ----------


@dataclass(frozen=True, slots=True)
class Figures:
    """EVM figures of one element (a task, a WBS summary, a project, a program, the portfolio).

    Amounts are in the unit of the result. Earned-schedule times (`pd`, `at`, `es`, `sv_t`, `ieac_t`)
    are working days of the project calendar (of the roll-up's calendar above projects), counted from
    the element's baseline `start`. A ratio is None when its denominator is zero (or, for TCPI, when the
    remaining budget is spent) — see docs/engine/evm.md.
    """

    id: str
    name: str
    start: datetime | None  # baseline start (earliest, for a summary)
    finish: datetime | None  # baseline finish (latest, for a summary)
    bac: float
    pv: float
    ev: float
    ac: float
    sv: float  # EV − PV
    cv: float  # EV − AC
    spi: float | None  # EV / PV
    cpi: float | None  # EV / AC
    eac: float | None  # the default estimate at completion: eac_cpi
    eac_atypical: float  # AC + BAC − EV: the rest of the work at budget
    eac_cpi: float | None  # BAC / CPI: the rest at the cost efficiency so far
    eac_cpi_spi: float | None  # AC + (BAC − EV) / (CPI × SPI): cost and schedule efficiency both weigh
    etc: float | None  # EAC − AC
    vac: float | None  # BAC − EAC
    tcpi: float | None  # (BAC − EV) / (BAC − AC): efficiency needed to finish within BAC
    tcpi_eac: float | None  # (BAC − EV) / (EAC − AC): efficiency needed to finish at EAC
    pd: float  # planned duration
    at: float  # actual time: from the baseline start to the end of the status date (or to its finish)
    es: float | None  # earned schedule (None without a budget: nothing was planned to be earned)
    sv_t: float | None  # ES − AT
    spi_t: float | None  # ES / AT
    ieac_t: float | None  # PD / SPI(t): forecast duration
    forecast_finish: datetime | None  # baseline start + IEAC(t) working days (within 100 × PD)
    summary: bool = False


@dataclass(frozen=True, slots=True)
class EarnedValue:
    """The result of `earned_value`: the project's figures and those of every task and WBS summary
    (`elements`, in the order of the input), as of the end of `status_date`."""

    status_date: date
    method: EvMethod
    unit: Unit
    currency: str
    project: Figures
    elements: Mapping[str, Figures]


@dataclass(frozen=True, slots=True)
class RollUp:
    """The result of `roll_up`: the portfolio, each program and each project, in one unit."""

    status_date: date
    unit: Unit
    currency: str
    portfolio: Figures
    programs: Mapping[str, Figures]
    projects: Mapping[str, EarnedValue]


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """Cumulative PV, EV and AC at the end of `end` (the last day of a period). EV and AC are None
    after the status date: they are not known yet."""

    end: date
    pv: float
    ev: float | None
    ac: float | None


@dataclass(frozen=True, slots=True)
class EarnedSchedule:
    """Lipke's earned schedule on a series of periods (see `earned_schedule`), in periods."""

    es: float
    at: float
    pd: float
    sv_t: float
    spi_t: float | None
    ieac_t: float | None


# --- Formulas ----------


def _ratio(numerator: float, denominator: float | None) -> float | None:
    """numerator / denominator, or None when that is undefined (a zero or missing denominator) or not a
    finite number (amounts so small that their ratio overflows)."""
    if not denominator:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def figures(
    *,
    bac: float,
    pv: float,
    ev: float,
    ac: float,
    pd: float = 0.0,
    at: float = 0.0,
    es: float | None = None,
    id: str = "",
    name: str = "",
    start: datetime | None = None,
    finish: datetime | None = None,
    forecast_finish: datetime | None = None,
    summary: bool = False,
) -> Figures:
    """The variances, indices and forecasts from BAC, PV, EV, AC (and ES, AT, PD), in full precision.

    Undefined values are None: SPI when PV = 0; CPI when AC = 0; BAC / CPI when CPI is None or 0;
    AC + (BAC − EV) / (CPI × SPI) when CPI × SPI is None or 0; ETC, VAC and TCPI to EAC when the EAC is
    None; TCPI when BAC − AC ≤ 0 (the budget is spent: no efficiency finishes within it) and TCPI to
    EAC when EAC − AC ≤ 0; ES, SV(t), SPI(t) and IEAC(t) when no ES is given; SPI(t) also when AT = 0;
    IEAC(t) when SPI(t) is None or 0.
    """
    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    eac_cpi = _ratio(bac, cpi)
    rest = _ratio(bac - ev, None if cpi is None or spi is None else cpi * spi)
    eac_cpi_spi = None if rest is None else ac + rest
    eac = eac_cpi
    spi_t = None if es is None else _ratio(es, at)
    return Figures(
        id=id,
        name=name,
        start=start,
        finish=finish,
        bac=bac,
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac=eac,
        eac_atypical=ac + bac - ev,
        eac_cpi=eac_cpi,
        eac_cpi_spi=eac_cpi_spi,
        etc=None if eac is None else eac - ac,
        vac=None if eac is None else bac - eac,
        tcpi=_ratio(bac - ev, bac - ac) if bac - ac > 0 else None,
        tcpi_eac=_ratio(bac - ev, eac - ac) if eac is not None and eac - ac > 0 else None,
        pd=pd,
        at=at,
        es=es,
        sv_t=None if es is None else es - at,
        spi_t=spi_t,
        ieac_t=_ratio(pd, spi_t),
        forecast_finish=forecast_finish,
        summary=summary,
    )


def _earned_time(
    times: npt.NDArray[np.float64], planned: npt.NDArray[np.float64], ev: float, at: float
) -> float:
    """The time at which the planned value reached `ev` (Lipke's earned schedule).

    `planned[k]` is the cumulative PV at `times[k]` (both nondecreasing; between the points PV is taken
    as linear, which is Lipke's interpolation ES = C + (EV − PV_C) / (PV_C+1 − PV_C)). Where PV stays
    flat at exactly EV over a stretch of time (no work planned then), every time in the stretch has
    earned EV: the one nearest the actual time `at` is taken, so a project exactly on plan has ES = AT.
    ES never exceeds the last time (the planned duration), so a late project keeps a negative SV(t).
    """
    n = len(planned)
    if n == 0 or planned[-1] <= 0:
        return 0.0
    total = float(planned[-1])
    ev = min(max(ev, 0.0), total)
    # An EV equal to a planned value but for float noise is that value.
    k = int(np.searchsorted(planned, ev))
    for j in (k - 1, k):
        if 0 <= j < n and abs(float(planned[j]) - ev) <= _SAME * total:
            ev = float(planned[j])

    def between(a: int, b: int) -> float:
        span = float(planned[b] - planned[a])
        return float(times[a]) + (ev - float(planned[a])) / span * float(times[b] - times[a])

    low = int(np.searchsorted(planned, ev, side="left"))  # first point with PV ≥ EV
    earliest = float(times[0]) if low == 0 else between(low - 1, low)
    high = int(np.searchsorted(planned, ev, side="right")) - 1  # last point with PV ≤ EV
    latest = float(times[-1]) if high >= n - 1 else between(high, high + 1)
    return min(max(at, earliest), latest)


def earned_schedule(pv: Sequence[float], ev: float, at: float, *, pd: float | None = None) -> EarnedSchedule:
    """Lipke's earned schedule from a table of cumulative planned value per period.

    `pv[k]` is the cumulative PV at the end of period k + 1 (PV is 0 at time 0); `ev` the cumulative EV
    and `at` the actual time, in periods. ES = C + (EV − PV_C) / (PV_C+1 − PV_C), where C is the number
    of whole periods whose cumulative PV the EV has reached. `pd`, the planned duration, defaults to the
    first period at which PV reaches its total (BAC). This is the form of the published examples; the
    task-level engine uses the same interpolation on a grid of days.
    """
    planned = np.concatenate(([0.0], np.asarray(pv, dtype=np.float64)))
    if np.any(np.diff(planned) < 0):
        raise EvmError("Cumulative planned value must not decrease from one period to the next.", field="pv")
    if pd is None:
        pd = float(np.searchsorted(planned, planned[-1], side="left"))
    times = np.minimum(np.arange(len(planned), dtype=np.float64), pd)
    es = _earned_time(times, planned, ev, at)
    spi_t = _ratio(es, at)
    return EarnedSchedule(es=es, at=at, pd=pd, sv_t=es - at, spi_t=spi_t, ieac_t=_ratio(pd, spi_t))


def round_half_up(value: float, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, as people round (四捨五入): 2.675 →
    2.68, not the 2.67 that binary floating point and bankers' rounding give. For display only."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# Currencies without minor units (ISO 4217 exponent 0) among those a PMO is likely to meet.
_NO_MINOR_UNIT = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"})


def display_places(unit: Unit, currency: str = "") -> int:
    """Decimals to show for amounts: the currency's minor unit for money (0 for yen, else 2), one decimal
    for hours, two for person-days and person-months."""
    if unit is Unit.MONEY:
        return 0 if currency.upper() in _NO_MINOR_UNIT else 2
    return 1 if unit is Unit.HOURS else 2


# --- Evaluation ----------


def _end_of(day: date) -> datetime:
    """The instant a status date stands for: the end of that day (midnight after it)."""
    return datetime.combine(day + timedelta(days=1), time())


def _progress_on(task: EvTask, day: date) -> tuple[float, float | None]:
    if not task.progress:
        return task.percent_complete, task.physical_percent_complete
    latest = None
    for record in task.progress:
        if record.on > day:
            break
        latest = record
    if latest is None:
        return 0.0, None
    return latest.percent_complete, latest.physical_percent_complete


def earned_fraction(task: EvTask, method: EvMethod, day: date) -> float:
    """The share of its budget that `task` has earned by the end of `day` under `method` (0 to 1)."""
    end = _end_of(day)
    if task.actual_finish is not None and task.actual_finish <= end:
        return 1.0
    if task.actual_start is not None and task.actual_start >= end:
        return 0.0
    percent, physical = _progress_on(task, day)
    if percent >= 100:
        return 1.0
    if method is EvMethod.PERCENT_COMPLETE:
        return percent / 100
    if method is EvMethod.PHYSICAL_PERCENT_COMPLETE:
        return (percent if physical is None else physical) / 100
    if method is EvMethod.FIFTY_FIFTY:
        return 0.5 if percent > 0 or task.actual_start is not None else 0.0
    if method is EvMethod.MILESTONES and task.milestones:
        total = math.fsum(m.weight for m in task.milestones)
        done = math.fsum(m.weight for m in task.milestones if m.achieved is not None and m.achieved <= day)
        return done / total
    return 0.0  # 0/100, and a task without milestones under the milestone method


def completed_at(task: EvTask, method: EvMethod, day: date) -> datetime | None:
    """When `task` was finished, if it was by the end of `day` and the records tell when: its actual
    finish, else the end of the day of the first progress record at 100 %, else (milestone method) the
    day its last milestone was achieved."""
    end = _end_of(day)
    if task.actual_finish is not None and task.actual_finish <= end:
        return task.actual_finish
    if task.actual_start is not None and task.actual_start >= end:
        return None
    for record in task.progress:
        if record.on > day:
            break
        if record.percent_complete >= 100:
            return _end_of(record.on)
    if method is EvMethod.MILESTONES and task.milestones:
        achieved = [m.achieved for m in task.milestones]
        if all(a is not None and a <= day for a in achieved):
            return _end_of(max(a for a in achieved if a is not None))
    return None


def actual_cost(task: EvTask, day: date) -> float:
    """The actual cost booked on `task` up to and including `day`."""
    return math.fsum(c.amount for c in task.actual_costs if c.on <= day)


@dataclass(slots=True)
class _Leaf:
    """A task without subtasks, ready to evaluate: its span and budget pieces as minutes since the
    calendar epoch, in the result's unit (`scale` applied)."""

    task: EvTask
    calendar: str
    start: int | None
    finish: int | None
    pieces: list[tuple[int, int, float]]  # (from, to, amount): spread over the working time between
    bac: float
    ev: float
    ac: float
    done: int | None  # when it was finished (minutes since the epoch), if it was and that is known


def _prepare(tasks: Sequence[EvTask], project: EvmProject, status: date, scale: float) -> list[_Leaf]:
    """The leaves among `tasks` (those with no task of `project` under them)."""
    summaries = project.summaries()
    leaves = []
    for task in tasks:
        if task.id in summaries:
            continue
        start = None if task.start is None else to_minutes(task.start)
        finish = None if task.finish is None else to_minutes(task.finish)
        pieces: list[tuple[int, int, float]] = []
        if task.phasing:
            for phase in task.phasing:
                begin = to_minutes(datetime.combine(phase.first, time()))
                pieces.append((begin, to_minutes(_end_of(phase.last)), phase.amount * scale))
            if start is None or finish is None:
                start = min(p[0] for p in pieces)
                finish = max(p[1] for p in pieces)
        elif start is not None and finish is not None:
            pieces.append((start, finish, task.budget * scale))
        bac = task.budget * scale
        fraction = earned_fraction(task, project.method, status)
        done = completed_at(task, project.method, status) if fraction >= 1 else None
        leaves.append(
            _Leaf(
                task=task,
                calendar=task.calendar or project.calendar,
                start=start,
                finish=finish,
                pieces=pieces,
                bac=bac,
                ev=bac * fraction,
                ac=actual_cost(task, status) * scale,
                done=None if done is None else to_minutes(done),
            )
        )
    return leaves


def _curve(
    leaf: _Leaf, cal: WorkCalendar, points: npt.NDArray[np.int64], work: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Cumulative PV of `leaf` at `points` (minutes since the epoch; `work` is their working-time
    position on `cal`): each piece spread linearly over its working time."""
    row = np.zeros(len(points))
    for begin, end, amount in leaf.pieces:
        w0, w1 = cal.to_work(begin), cal.to_work(end)
        if w1 > w0:
            share = np.clip((work - w0) / (w1 - w0), 0.0, 1.0)
        elif end > begin:  # no working time in the span: over clock time
            share = np.clip((points - begin) / (end - begin), 0.0, 1.0)
        else:  # a zero-length task (a milestone): all of it at its date
            share = (points >= end).astype(np.float64)
        row += amount * share
    return np.minimum(row, leaf.bac)  # float noise of explicit phases never exceeds the budget


def _dates(project: EvmProject) -> list[datetime]:
    """Every instant the calendars must reach back to."""
    out: list[datetime] = []
    for task in project.tasks:
        out.extend(d for d in (task.start, task.actual_start) if d is not None)
        out.extend(datetime.combine(p.first, time()) for p in task.phasing)
    return out


class _Calendars:
    """The calendars of one project compiled once, reaching back to the earliest date in question."""

    def __init__(self, calendars: Sequence[Calendar], around: datetime) -> None:
        self.by_id = {c.id: c for c in calendars}
        self.around = around
        self.compiled: dict[str, WorkCalendar] = {}
        self.positions: dict[str, npt.NDArray[np.float64]] = {}

    def get(self, key: str) -> WorkCalendar:
        if key not in self.compiled:
            self.compiled[key] = WorkCalendar(self.by_id[key], self.by_id, around=self.around, lookback=1)
        return self.compiled[key]

    def work(self, key: str, points: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Working-time positions of `points` on calendar `key` (the same points every call)."""
        if key not in self.positions:
            self.positions[key] = self.get(key).to_work_many(points).astype(np.float64)
        return self.positions[key]


@dataclass(slots=True)
class _Group:
    """An element above the leaves (a WBS summary, a project, a program, the portfolio)."""

    id: str
    name: str
    summary: bool
    members: list[int]  # indices of its leaves


def _evaluate(
    leaves: Sequence[_Leaf],
    calendars: Sequence[_Calendars],
    groups: Sequence[_Group],
    reference: WorkCalendar,
    minutes_per_day: int,
    status: date,
) -> tuple[list[Figures], list[Figures]]:
    """Figures of every leaf and every group. `calendars[i]` compiles leaf i's calendar; earned schedule
    is measured in working time of `reference`.

    Each leaf's cumulative PV is computed once on a grid of midnights spanning all leaves (numpy: one
    binary search per calendar for the whole grid) and added into the curve of every group above it;
    each element's ES is then read off its curve between its own baseline start and finish.
    """
    spans = [
        (leaf.start, leaf.finish) for leaf in leaves if leaf.start is not None and leaf.finish is not None
    ]
    if spans:
        first_day = from_minutes(min(s for s, _ in spans)).date()
        last_day = from_minutes(max(f for _, f in spans)).date() + timedelta(days=1)
        base = to_minutes(datetime.combine(first_day, time()))
        grid = base + np.arange((last_day - first_day).days + 1, dtype=np.int64) * 1440
    else:
        grid = np.zeros(0, dtype=np.int64)
    # The grid, then the status date: the last column of every curve is the PV at the status date.
    points = np.concatenate((grid, np.asarray([to_minutes(_end_of(status))], dtype=np.int64)))
    reference_work = reference.to_work_many(points).astype(np.float64)
    for compiled in {id(c): c for c in calendars}.values():
        compiled.positions.clear()  # positions are cached for this evaluation's points only
    member_of: list[list[int]] = [[] for _ in leaves]
    for g, group in enumerate(groups):
        for i in group.members:
            member_of[i].append(g)

    def element(
        id: str,
        name: str,
        span: tuple[int, int] | None,
        sums: tuple[float, float, float, float],
        curve: npt.NDArray[np.float64] | None,
        summary: bool,
        done: int | None,
    ) -> Figures:
        bac, pv, ev, ac = sums
        pd = at = 0.0
        es = None
        forecast = None
        if span is not None:
            origin = reference.to_work(span[0])
            pd = reference.to_work(span[1]) - origin
            # Actual time runs to the status date, or to the finish of an element that is done.
            now = float(reference_work[-1]) if done is None else reference.to_work(done)
            at = max(0.0, now - origin)
            if curve is not None and bac > 0:
                times = np.clip(reference_work[:-1] - origin, 0.0, pd)
                es = _earned_time(times, curve[:-1], ev, at)
                # A forecast past a hundred planned durations is no date anyone plans for (and would
                # compile the calendar out to the year 9999).
                if es > 0 and at > 0 and pd * at / es <= _FORECAST_LIMIT * pd:
                    forecast = from_minutes(reference.finish_at(origin + round(pd * at / es)))
        return figures(
            id=id,
            name=name,
            start=None if span is None else from_minutes(span[0]),
            finish=None if span is None else from_minutes(span[1]),
            bac=bac,
            pv=pv,
            ev=ev,
            ac=ac,
            pd=pd / minutes_per_day,
            at=at / minutes_per_day,
            es=None if es is None else es / minutes_per_day,
            forecast_finish=forecast,
            summary=summary,
        )

    curves: dict[int, npt.NDArray[np.float64]] = {}
    leaf_figures = []
    pvs = []
    for i, leaf in enumerate(leaves):
        if leaf.pieces:
            cal = calendars[i]
            curve = _curve(leaf, cal.get(leaf.calendar), points, cal.work(leaf.calendar, points))
        else:
            curve = np.zeros(len(points))
        pv = float(curve[-1])
        pvs.append(pv)
        for g in member_of[i]:
            if g in curves:
                curves[g] += curve
            else:
                curves[g] = curve.copy()
        span = None if leaf.start is None or leaf.finish is None else (leaf.start, leaf.finish)
        task = leaf.task
        sums = (leaf.bac, pv, leaf.ev, leaf.ac)
        leaf_figures.append(element(task.id, task.name, span, sums, curve, False, leaf.done))
    group_figures = []
    for g, group in enumerate(groups):
        members = group.members
        starts = [s for i in members if (s := leaves[i].start) is not None]
        finishes = [f for i in members if (f := leaves[i].finish) is not None]
        sums = (
            math.fsum(leaves[i].bac for i in members),
            math.fsum(pvs[i] for i in members),
            math.fsum(leaves[i].ev for i in members),
            math.fsum(leaves[i].ac for i in members),
        )
        span = (min(starts), max(finishes)) if starts and finishes else None
        # Done when every budgeted leaf is done; its finish is then the last of theirs, if all are known.
        budgeted = [leaves[i] for i in members if leaves[i].bac > 0]
        dones = [leaf.done for leaf in budgeted]
        done = max(d for d in dones if d is not None) if budgeted and None not in dones else None
        group_figures.append(element(group.id, group.name, span, sums, curves.get(g), group.summary, done))
    return leaf_figures, group_figures


def _earliest(projects: Sequence[EvmProject], status: date) -> datetime:
    dates = [datetime.combine(status, time())]
    for project in projects:
        dates.extend(_dates(project))
    return min(dates)


def _project(project: EvmProject, status: date, scale: float, unit: Unit) -> tuple[EarnedValue, list[_Leaf]]:
    calendars = _Calendars(project.calendars, _earliest([project], status))
    leaves = _prepare(project.tasks, project, status, scale)
    index = {leaf.task.id: i for i, leaf in enumerate(leaves)}
    parents = {t.id: t.parent for t in project.tasks}
    summaries = project.summaries()
    groups = {t.id: _Group(t.id, t.name, True, []) for t in project.tasks if t.id in summaries}
    whole = _Group(project.id, project.name, False, list(range(len(leaves))))
    for task_id, i in index.items():
        parent = parents[task_id]
        while parent is not None:
            groups[parent].members.append(i)
            parent = parents[parent]
    group_list = [*groups.values(), whole]
    leaf_figures, group_figures = _evaluate(
        leaves,
        [calendars] * len(leaves),
        group_list,
        calendars.get(project.calendar),
        project.minutes_per_day,
        status,
    )
    by_id = {f.id: f for f in leaf_figures} | {f.id: f for f in group_figures[:-1]}
    result = EarnedValue(
        status_date=status,
        method=project.method,
        unit=unit,
        currency=project.currency,
        project=group_figures[-1],
        elements={t.id: by_id[t.id] for t in project.tasks},
    )
    return result, leaves


def earned_value(project: EvmProject, *, status_date: date) -> EarnedValue:
    """The earned value of `project` and of each of its tasks and WBS summaries as of the end of
    `status_date`, in the project's unit.

    PV is the baseline budget planned up to the end of the status date; EV what the project's EV method
    credits (see `EvMethod`, `EvTask`); AC the actual costs booked up to and including that day. A WBS
    summary and the project add up BAC, PV, EV and AC of the tasks under them, and take their indices
    from those sums. Earned schedule is in working days of the project calendar.
    """
    return _project(project, status_date, 1.0, project.unit)[0]


def roll_up(
    projects: Sequence[EvmProject],
    *,
    status_date: date,
    unit: Unit | None = None,
    conversion: EffortConversion | None = None,
    calendar: Calendar | None = None,
    minutes_per_day: int | None = None,
    name: str = "Portfolio",
) -> RollUp:
    """Projects added up into their programs (`EvmProject.program`) and the portfolio, as of the end of
    `status_date`, in `unit` (default: the first project's).

    Effort in different units is converted with `conversion`; money and effort, or two currencies, are
    never added (EvmError). Programs and the portfolio add BAC, PV, EV and AC and take their indices from
    the sums; their earned schedule is measured on `calendar` (default: the first project's calendar) in
    days of `minutes_per_day` (default: the first project's).
    """
    if not projects:
        raise EvmError("A roll-up needs at least one project.")
    conversion = conversion or EffortConversion()
    target = Unit(unit) if unit is not None else projects[0].unit
    currencies = {p.currency for p in projects if p.unit is Unit.MONEY and p.currency}
    if target is Unit.MONEY:
        if any(p.unit is not Unit.MONEY for p in projects):
            raise EvmError("Money and effort cannot be added: give every project's figures in money.")
        if len(currencies) > 1:
            raise EvmError(f"Amounts in {' and '.join(sorted(currencies))} cannot be added: convert first.")
    seen: set[str] = set()
    for project in projects:
        if project.id in seen:
            raise EvmError(f"Project id {project.id!r} appears more than once.", field="id")
        seen.add(project.id)
    first = projects[0]
    around = _earliest(projects, status_date)
    reference_calendars = _Calendars(
        (calendar, *first.calendars) if calendar is not None else first.calendars, around
    )
    reference = reference_calendars.get(calendar.id if calendar is not None else first.calendar)
    results: dict[str, EarnedValue] = {}
    all_leaves: list[_Leaf] = []
    leaf_calendars: list[_Calendars] = []
    program_groups: dict[str, _Group] = {}
    portfolio = _Group("portfolio", name, False, [])
    for project in projects:
        scale = conversion.factor(project.unit, target)
        result, leaves = _project(project, status_date, scale, target)
        results[project.id] = result
        compiled = _Calendars(project.calendars, around)
        offset = len(all_leaves)
        members = list(range(offset, offset + len(leaves)))
        all_leaves.extend(leaves)
        leaf_calendars.extend([compiled] * len(leaves))
        portfolio.members.extend(members)
        if project.program is not None:
            group = program_groups.setdefault(project.program, _Group(project.program, "", False, []))
            group.members.extend(members)
    groups = [*program_groups.values(), portfolio]
    _, group_figures = _evaluate(
        all_leaves,
        leaf_calendars,
        groups,
        reference,
        minutes_per_day or first.minutes_per_day,
        status_date,
    )
    return RollUp(
        status_date=status_date,
        unit=target,
        currency=next(iter(currencies), "") if target is Unit.MONEY else "",
        portfolio=group_figures[-1],
        programs={f.id: f for f in group_figures[:-1]},
        projects=results,
    )


def history(project: EvmProject, *, status_dates: Sequence[date]) -> tuple[EarnedValue, ...]:
    """The earned value of `project` at each of `status_dates` (progress and actual costs dated on or
    before each; undated % complete is taken as it is now, so give dated `progress` for a true history)."""
    return tuple(earned_value(project, status_date=day) for day in status_dates)


def period_ends(first: date, last: date, granularity: str, *, week_ends_on: int = 6) -> list[date]:
    """The last day of each day, week (ending on `week_ends_on`, 6 = Sunday) or calendar month from
    `first` to `last`; the last period ends on `last`."""
    if last < first:
        raise EvmError(f"The series ends ({last}) before it begins ({first}).", field="last")
    if granularity not in ("day", "week", "month"):
        raise EvmError(f"Unknown granularity {granularity!r}; use day, week or month.", field="granularity")
    if not 0 <= week_ends_on <= 6:
        raise EvmError("week_ends_on is a weekday from 0 (Monday) to 6 (Sunday).", field="week_ends_on")
    ends = []
    day = first
    while day <= last:
        if granularity == "day":
            end = day
        elif granularity == "week":
            end = day + timedelta(days=(week_ends_on - day.weekday()) % 7)
        else:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            end = following - timedelta(days=1)
        end = min(end, last)
        ends.append(end)
        day = end + timedelta(days=1)
    return ends


def series(
    project: EvmProject,
    *,
    first: date,
    last: date,
    status_date: date,
    granularity: str = "week",
    element: str | None = None,
    week_ends_on: int = 6,
) -> tuple[SeriesPoint, ...]:
    """Cumulative PV, EV and AC at the end of each period from `first` to `last` (S-curves), for the
    project or for one task or WBS summary (`element`). PV is given for every period; EV and AC up to
    the `status_date` only."""
    ends = period_ends(first, last, granularity, week_ends_on=week_ends_on)
    chosen: Sequence[EvTask] = project.tasks
    if element is not None:
        children: dict[str | None, list[EvTask]] = {}
        for task in project.tasks:
            children.setdefault(task.parent, []).append(task)
        roots = [t for t in project.tasks if t.id == element]
        if not roots:
            raise EvmError(f"Project {project.label}: there is no task {element!r}.", task=element)
        chosen, stack = [], roots
        while stack:
            task = stack.pop()
            chosen.append(task)
            stack.extend(children.get(task.id, ()))
    leaves = _prepare(chosen, project, status_date, 1.0)
    calendars = _Calendars(project.calendars, _earliest([project], min(first, status_date)))
    points = np.asarray([to_minutes(_end_of(day)) for day in ends], dtype=np.int64)
    pv = np.zeros(len(ends))
    for leaf in leaves:
        if leaf.pieces:
            pv += _curve(leaf, calendars.get(leaf.calendar), points, calendars.work(leaf.calendar, points))
    out = []
    for k, day in enumerate(ends):
        known = day <= status_date
        earned = [leaf.bac * earned_fraction(leaf.task, project.method, day) for leaf in leaves]
        out.append(
            SeriesPoint(
                end=day,
                pv=float(pv[k]),
                ev=math.fsum(earned) if known else None,
                ac=math.fsum(actual_cost(leaf.task, day) for leaf in leaves) if known else None,
            )
        )
    return tuple(out)
