"""Kuroko plan JSON: a small, readable file format for a plan, read into and written from the engine model.

The format is documented, with a JSON Schema, in docs/plan-format.md. Every error names where it is:
``tasks[3] (id "B2").duration: "5x" is not a duration …``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kuroko.engine.duration import (
    ELAPSED_UNITS,
    MAX_MINUTES,
    DurationError,
    DurationUnits,
    parse_duration,
)
from kuroko.engine.evm import (
    ActualCost,
    EvmError,
    EvMethod,
    EvMilestone,
    EvmProject,
    EvTask,
    Phase,
    Progress,
    Unit,
)
from kuroko.engine.model import (
    MINUTES_PER_DAY,
    Calendar,
    CalendarException,
    ConstraintType,
    ExternalDates,
    Interval,
    LagKind,
    Link,
    LinkType,
    Plan,
    Recurrence,
    Split,
    Task,
    Week,
)

FORMAT_VERSION = 1
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Elapsed units (ELAPSED_UNITS) count calendar time: a day is 24 hours, a week 7 days, a month 30 days.
_ELAPSED = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(emo|em|eh|ed|ew)\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# A task id is kept as the task's file id on import (a column of 40 characters).
MAX_ID_LENGTH = 40


class PlanFormatError(ValueError):
    """The file is not a valid plan; the message says where (a JSON path and, for tasks, the task id)."""


def _fail(where: str, message: str) -> PlanFormatError:
    return PlanFormatError(f"{where}: {message}")


def _units(data: Mapping[str, Any]) -> DurationUnits:
    units = data.get("units") or {}
    minutes_per_day = int(units.get("minutes_per_day", 480))
    return DurationUnits(
        hours_per_day=Decimal(minutes_per_day) / 60,
        days_per_week=Decimal(int(units.get("minutes_per_week", 5 * minutes_per_day))) / minutes_per_day,
        days_per_month=Decimal(int(units.get("days_per_month", 20))),
    )


def _datetime(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(where, f'expected a date-time like "2026-04-01T08:00:00", got {value!r}')
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _fail(where, f"{value!r} is not an ISO 8601 date-time") from exc
    if parsed.tzinfo is not None:
        raise _fail(where, "use local date-times without a time-zone offset, as MS Project does")
    return parsed


def _date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise _fail(where, f'expected a date like "2026-12-29", got {value!r}')
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _fail(where, f"{value!r} is not an ISO 8601 date") from exc


def parse_span(
    value: Any, units: DurationUnits, where: str, *, allow_negative: bool = False
) -> tuple[int, bool]:
    """A duration or lag: a number of working minutes, or text such as "5d", "3h", "2ed" (elapsed).

    Returns the minutes and whether they are elapsed (calendar) time.
    """
    if isinstance(value, bool):
        raise _fail(where, f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        if value < 0 and not allow_negative:
            raise _fail(where, "a duration cannot be negative")
        if not math.isfinite(value) or abs(value) > MAX_MINUTES:
            raise _fail(where, f"{value!r} is too long; the limit is {MAX_MINUTES:,} minutes")
        return round(value), False
    if not isinstance(value, str):
        raise _fail(where, f'expected a duration such as "5d", got {value!r}')
    match = _ELAPSED.match(value)
    if match:
        minutes = round(Decimal(match[1]) * ELAPSED_UNITS[match[2].lower()])
        if minutes < 0 and not allow_negative:
            raise _fail(where, "a duration cannot be negative")
        if abs(minutes) > MAX_MINUTES:
            raise _fail(where, f"{value!r} is too long; the limit is {MAX_MINUTES:,} minutes")
        return minutes, True
    try:
        return parse_duration(value, units, allow_negative=allow_negative), False
    except DurationError as exc:
        raise _fail(where, f"{exc} Elapsed time is written 2ed, 4eh …") from exc


def _intervals(values: Any, where: str) -> tuple[Interval, ...]:
    if not isinstance(values, list):
        raise _fail(where, 'expected a list of working times like ["08:00-12:00", "13:00-17:00"]')
    out: list[Interval] = []
    for k, text in enumerate(values):
        match = _INTERVAL.match(text) if isinstance(text, str) else None
        if match is None:
            raise _fail(f"{where}[{k}]", f'{text!r} is not a working time like "08:00-12:00"')
        start = int(match[1]) * 60 + int(match[2])
        end = int(match[3]) * 60 + int(match[4])
        if end == 0:
            end = MINUTES_PER_DAY  # "22:00-00:00" ends at midnight
        out.append((start, end))
    return tuple(out)


def _splits(values: Any, units: DurationUnits, where: str) -> tuple[Split, ...]:
    if not isinstance(values, list):
        raise _fail(where, 'expected a list of pauses like [{"after": "2d", "length": "1d"}]')
    out: list[Split] = []
    for k, item in enumerate(values):
        here = f"{where}[{k}]"
        if not isinstance(item, Mapping) or "after" not in item or "length" not in item:
            raise _fail(here, 'a split is an object like {"after": "2d", "length": "1d"}')
        after, after_elapsed = parse_span(item["after"], units, f"{here}.after")
        length, length_elapsed = parse_span(item["length"], units, f"{here}.length")
        if after_elapsed or length_elapsed:
            raise _fail(here, "a split is measured in the task's working time, not elapsed time")
        try:
            out.append(Split(after, length))
        except ValueError as exc:
            raise _fail(here, str(exc)) from exc
    return tuple(out)


def _recurrence(data: Mapping[str, Any], where: str) -> Recurrence:
    weekdays = data.get("weekdays", [])
    try:
        return Recurrence(
            kind=data.get("every", ""),
            interval=int(data.get("interval", 1)),
            weekdays=tuple(WEEKDAYS.index(d) for d in weekdays),
            day=data.get("day"),
            nth=data.get("nth"),
            month=data.get("month"),
            occurrences=data.get("occurrences"),
        )
    except (ValueError, TypeError) as exc:
        raise _fail(where, str(exc)) from exc


def _calendar(data: Mapping[str, Any], where: str) -> Calendar:
    if "id" not in data:
        raise _fail(where, "a calendar needs an id")
    week_data = data.get("week")
    week: Week | None = None  # none of its own: its base calendar's, else the Standard week
    if week_data is not None:
        unknown = set(week_data) - set(WEEKDAYS)
        if unknown:
            raise _fail(f"{where}.week", f"unknown day {sorted(unknown)[0]!r}; use {', '.join(WEEKDAYS)}")
        week = tuple(_intervals(week_data.get(day, []), f"{where}.week.{day}") for day in WEEKDAYS)
    exceptions: list[CalendarException] = []
    for k, item in enumerate(data.get("exceptions", [])):
        here = f"{where}.exceptions[{k}]"
        start = _date(item.get("start"), f"{here}.start")
        finish = _date(item.get("finish", item.get("start")), f"{here}.finish")
        recurrence = _recurrence(item["repeat"], f"{here}.repeat") if "repeat" in item else None
        try:
            exceptions.append(
                CalendarException(
                    start,
                    finish,
                    _intervals(item.get("working", []), f"{here}.working"),
                    name=str(item.get("name", "")),
                    recurrence=recurrence,
                )
            )
        except ValueError as exc:
            raise _fail(here, str(exc)) from exc
    holidays = data.get("holidays")
    if holidays:
        from kuroko.engine.calendar import holiday_exceptions

        years = data.get("holiday_years") or list(range(2020, 2041))
        exceptions = list(holiday_exceptions(str(holidays), years)) + exceptions
    try:
        return Calendar(str(data["id"]), str(data.get("name", "")), week, tuple(exceptions), data.get("base"))
    except ValueError as exc:
        raise _fail(where, str(exc)) from exc


def _check_parents(tasks: Sequence[Task]) -> None:
    """Refuse a parent that is no task of the plan, or parents that lead round in a circle."""
    parents = {t.id: t.parent for t in tasks}
    for k, task in enumerate(tasks):
        seen = {task.id}
        parent = task.parent
        while parent is not None:
            if parent not in parents:
                raise _fail(f"tasks[{k}] (id {task.id!r}).parent", f"there is no task {parent!r}")
            if parent in seen:
                raise _fail(
                    f"tasks[{k}] (id {task.id!r}).parent",
                    f"task {parent!r} is its own ancestor: the parents go round in a circle",
                )
            seen.add(parent)
            parent = parents[parent]


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Build a `Plan` from the plan JSON structure; every error names the offending place."""
    if not isinstance(data, Mapping):
        raise PlanFormatError("A plan is a JSON object.")
    version = data.get("kuroko_plan", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _fail("kuroko_plan", f"this Kuroko reads plan format {FORMAT_VERSION}, not {version!r}")
    units = _units(data)
    start = _datetime(data.get("start"), "start")
    if start is None:
        raise _fail("start", "a plan needs a start date-time")
    calendars = tuple(
        _calendar(c, f"calendars[{k}]")
        for k, c in enumerate(_list(data.get("calendars"), "calendars", '[{"id": "standard"}]'))
    )
    if not calendars:
        calendars = (Calendar("standard", "Standard"),)
    tasks: list[Task] = []
    raw_tasks = data.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise _fail("tasks", "a plan needs a non-empty list of tasks")
    for k, item in enumerate(raw_tasks):
        if not isinstance(item, Mapping) or "id" not in item:
            raise _fail(f"tasks[{k}]", "each task is an object with an id")
        where = f"tasks[{k}] (id {str(item['id'])!r})"
        if len(str(item["id"])) > MAX_ID_LENGTH:
            raise _fail(where, f"a task id is at most {MAX_ID_LENGTH} characters long")
        if not isinstance(item.get("constraint") or {}, Mapping):
            raise _fail(f"{where}.constraint", 'expected an object like {"type": "SNET", "date": …}')
        duration, elapsed = parse_span(item.get("duration", 0), units, f"{where}.duration")
        constraint = item.get("constraint") or {}
        remaining = item.get("remaining_duration")
        splits = _splits(item.get("splits") or [], units, f"{where}.splits")
        try:
            tasks.append(
                Task(
                    id=str(item["id"]),
                    name=str(item.get("name", "")),
                    duration=duration,
                    parent=None if item.get("parent") is None else str(item["parent"]),
                    milestone=bool(item.get("milestone", False)),
                    elapsed=elapsed,
                    calendar=item.get("calendar"),
                    constraint=ConstraintType(constraint.get("type", "ASAP")),
                    constraint_date=_datetime(constraint.get("date"), f"{where}.constraint.date"),
                    deadline=_datetime(item.get("deadline"), f"{where}.deadline"),
                    actual_start=_datetime(item.get("actual_start"), f"{where}.actual_start"),
                    actual_finish=_datetime(item.get("actual_finish"), f"{where}.actual_finish"),
                    percent_complete=float(item.get("percent_complete", 0)),
                    remaining_duration=None
                    if remaining is None
                    else parse_span(remaining, units, f"{where}.remaining_duration")[0],
                    manual=bool(item.get("manual", False)),
                    manual_start=_datetime(item.get("manual_start"), f"{where}.manual_start"),
                    splits=splits,
                )
            )
        except ValueError as exc:
            if isinstance(exc, PlanFormatError):
                raise
            raise _fail(where, str(exc)) from exc
    _check_parents(tasks)
    links: list[Link] = []
    for k, item in enumerate(_list(data.get("links"), "links", '[{"from": "A", "to": "B"}]')):
        where = f"links[{k}] ({item.get('from')!r} → {item.get('to')!r})"
        lag_value = item.get("lag", 0)
        percent = _PERCENT.match(lag_value) if isinstance(lag_value, str) else None
        if percent:
            lag: float = float(percent[1])
            kind = LagKind.PERCENT
        else:
            minutes, elapsed = parse_span(lag_value, units, f"{where}.lag", allow_negative=True)
            lag, kind = minutes, LagKind.ELAPSED if elapsed else LagKind.WORK
        try:
            links.append(
                Link(str(item["from"]), str(item["to"]), LinkType(item.get("type", "FS")), lag, kind)
            )
        except (KeyError, ValueError) as exc:
            raise _fail(where, f"a link needs from, to and a type FS, SS, FF or SF ({exc})") from exc
    external = tuple(
        ExternalDates(
            str(e["id"]),
            _datetime(e["start"], f"external[{k}].start") or start,
            _datetime(e["finish"], f"external[{k}].finish") or start,
            str(e.get("name", "")),
        )
        for k, e in enumerate(_list(data.get("external"), "external", _EXTERNAL))
    )
    schedule_from = data.get("schedule_from", "start")
    if schedule_from not in ("start", "finish"):
        raise _fail("schedule_from", 'use "start" or "finish"')
    critical_float, _ = parse_span(data.get("critical_float", 0), units, "critical_float")
    try:
        return Plan(
            start=start,
            tasks=tuple(tasks),
            links=tuple(links),
            calendars=calendars,
            calendar=str(data.get("calendar", calendars[0].id)),
            name=str(data.get("name", "")),
            finish=_datetime(data.get("finish"), "finish"),
            schedule_from_finish=schedule_from == "finish",
            status_date=_datetime(data.get("status_date"), "status_date"),
            honor_constraints=bool(data.get("honor_constraints", True)),
            critical_float=critical_float,
            external=external,
            minutes_per_day=int(units.hours_per_day * 60),
            minutes_per_week=int(units.hours_per_day * 60 * units.days_per_week),
            days_per_month=int(units.days_per_month),
        )
    except ValueError as exc:
        raise PlanFormatError(str(exc)) from exc


def _load(source: str | bytes | Path) -> Any:
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8")
    elif isinstance(source, bytes):
        text = source.decode("utf-8")
    else:
        text = source
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError:  # brackets nested thousands deep
        raise PlanFormatError("the JSON is nested too deeply to be a plan") from None


def read_plan(source: str | bytes | Path) -> Plan:
    """Read a plan JSON file (a path) or document (str/bytes)."""
    return plan_from_dict(_load(source))


# --- Earned value: baselines, progress and actual costs ----------


def _amount(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"expected a number, got {value!r}")
    return float(value)


def _list(value: Any, where: str, example: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise _fail(where, f"expected a list of objects like {example}")
    return value


def _optional_date(value: Any, where: str) -> date | None:
    return None if value is None else _date(value, where)


def _minutes_in(unit: Unit, plan: Plan) -> float:
    """Working minutes in one unit of effort, with the plan's units."""
    if unit is Unit.HOURS:
        return 60.0
    if unit is Unit.PERSON_DAYS:
        return float(plan.minutes_per_day)
    return float(plan.minutes_per_day * plan.days_per_month)


def _ev_task(item: Mapping[str, Any], task: Task, unit: Unit, plan: Plan, where: str) -> EvTask:
    units = _units(
        {"units": {"minutes_per_day": plan.minutes_per_day, "days_per_month": plan.days_per_month}}
    )
    baseline = item.get("baseline")
    start = finish = None
    budget: float | None = None
    phasing: list[Phase] = []
    if baseline is not None:
        if not isinstance(baseline, Mapping):
            raise _fail(
                f"{where}.baseline", 'expected an object like {"start": …, "finish": …, "budget": 1000}'
            )
        here = f"{where}.baseline"
        start = _datetime(baseline.get("start"), f"{here}.start")
        finish = _datetime(baseline.get("finish"), f"{here}.finish")
        if "budget" in baseline:
            budget = _amount(baseline["budget"], f"{here}.budget")
        for k, phase in enumerate(_list(baseline.get("phasing"), f"{here}.phasing", _PHASE)):
            at = f"{here}.phasing[{k}]"
            first = _date(phase.get("start"), f"{at}.start")
            last = _date(phase.get("finish", phase.get("start")), f"{at}.finish")
            phasing.append(Phase(first, last, _amount(phase.get("amount"), f"{at}.amount")))
        if "work" in baseline:
            minutes, elapsed = parse_span(baseline["work"], units, f"{here}.work")
            if elapsed:
                raise _fail(f"{here}.work", "work is measured in working time, not elapsed time")
            if budget is None:
                if unit is Unit.MONEY:
                    raise _fail(
                        f"{here}.budget", "with money as the unit, give the budget (work has no price)"
                    )
                budget = minutes / _minutes_in(unit, plan)
        if budget is None:
            budget = math.fsum(p.amount for p in phasing)
    progress = []
    for k, record in enumerate(_list(item.get("progress"), f"{where}.progress", _PROGRESS)):
        at = f"{where}.progress[{k}]"
        physical = record.get("physical_percent_complete")
        progress.append(
            Progress(
                _date(record.get("date"), f"{at}.date"),
                _amount(record.get("percent_complete"), f"{at}.percent_complete"),
                None if physical is None else _amount(physical, f"{at}.physical_percent_complete"),
            )
        )
    milestones = []
    for k, milestone in enumerate(_list(item.get("ev_milestones"), f"{where}.ev_milestones", _MILESTONE)):
        at = f"{where}.ev_milestones[{k}]"
        milestones.append(
            EvMilestone(
                str(milestone.get("name", "")),
                _amount(milestone.get("weight", 1), f"{at}.weight"),
                _optional_date(milestone.get("achieved"), f"{at}.achieved"),
            )
        )
    costs = [
        ActualCost(
            _date(c.get("date"), f"{where}.actual_costs[{k}].date"),
            _amount(c.get("amount"), f"{where}.actual_costs[{k}].amount"),
        )
        for k, c in enumerate(_list(item.get("actual_costs"), f"{where}.actual_costs", _COST))
    ]
    physical = item.get("physical_percent_complete")
    try:
        return EvTask(
            id=task.id,
            name=task.name,
            parent=task.parent,
            start=start,
            finish=finish,
            budget=budget or 0.0,
            phasing=tuple(phasing),
            calendar=task.calendar,
            percent_complete=task.percent_complete,
            physical_percent_complete=None
            if physical is None
            else _amount(physical, f"{where}.physical_percent_complete"),
            progress=tuple(progress),
            milestones=tuple(milestones),
            actual_start=task.actual_start,
            actual_finish=task.actual_finish,
            actual_costs=tuple(costs),
        )
    except EvmError as exc:
        raise _fail(where, str(exc)) from exc


_PHASE = '[{"start": "2026-04-01", "finish": "2026-04-30", "amount": 500}]'
_PROGRESS = '[{"date": "2026-04-10", "percent_complete": 40}]'
_MILESTONE = '[{"name": "Design approved", "weight": 30, "achieved": "2026-04-10"}]'
_COST = '[{"date": "2026-04-03", "amount": 1200}]'
_EXTERNAL = '[{"id": "X1", "start": "2026-04-01T08:00", "finish": "2026-04-03T17:00"}]'


def evm_from_dict(data: Mapping[str, Any], plan: Plan | None = None) -> EvmProject:
    """The earned-value input of a plan JSON structure: each task's baseline, progress and actual costs,
    the project's EV method and unit (see docs/plan-format.md). `plan` is the plan read from the same
    structure (read again when not given). Every error names the offending place."""
    if plan is None:
        plan = plan_from_dict(data)
    settings = data.get("evm") or {}
    if not isinstance(settings, Mapping):
        raise _fail("evm", 'expected an object like {"method": "percent_complete", "unit": "money"}')
    try:
        method = EvMethod(settings.get("method", EvMethod.PERCENT_COMPLETE))
    except ValueError:
        choices = ", ".join(m.value for m in EvMethod)
        raise _fail(
            "evm.method", f"unknown EV method {settings.get('method')!r}; use one of {choices}"
        ) from None
    try:
        unit = Unit(settings.get("unit", Unit.MONEY))
    except ValueError:
        choices = ", ".join(u.value for u in Unit)
        raise _fail("evm.unit", f"unknown unit {settings.get('unit')!r}; use one of {choices}") from None
    currency = settings.get("currency", "")
    if not isinstance(currency, str):
        raise _fail("evm.currency", f'expected a currency code like "JPY", got {currency!r}')
    tasks = [
        _ev_task(item, task, unit, plan, f"tasks[{k}] (id {task.id!r})")
        for k, (item, task) in enumerate(zip(data["tasks"], plan.tasks, strict=True))
    ]
    try:
        return EvmProject(
            tasks=tuple(tasks),
            name=plan.name,
            method=method,
            unit=unit,
            currency=currency,
            calendars=plan.calendars,
            calendar=plan.calendar,
            minutes_per_day=plan.minutes_per_day,
        )
    except EvmError as exc:
        raise PlanFormatError(str(exc)) from exc


def read_evm(source: str | bytes | Path) -> EvmProject:
    """Read the earned-value input (baselines, progress, actual costs) of a plan JSON file or document."""
    data = _load(source)
    return evm_from_dict(data, plan_from_dict(data))


def _evm_fields(task: EvTask) -> dict[str, Any]:
    """The plan JSON fields of a task's baseline, progress and actual costs (none when it has none)."""
    item: dict[str, Any] = {}
    if task.start is not None or task.budget or task.phasing:
        baseline: dict[str, Any] = {}
        if task.start is not None and task.finish is not None:
            baseline |= {"start": task.start.isoformat(), "finish": task.finish.isoformat()}
        baseline["budget"] = task.budget
        if task.phasing:
            baseline["phasing"] = [
                {"start": p.first.isoformat(), "finish": p.last.isoformat(), "amount": p.amount}
                for p in task.phasing
            ]
        item["baseline"] = baseline
    if task.physical_percent_complete is not None:
        item["physical_percent_complete"] = task.physical_percent_complete
    if task.progress:
        item["progress"] = [
            {"date": r.on.isoformat(), "percent_complete": r.percent_complete}
            | (
                {}
                if r.physical_percent_complete is None
                else {"physical_percent_complete": r.physical_percent_complete}
            )
            for r in task.progress
        ]
    if task.milestones:
        item["ev_milestones"] = [
            {
                "name": m.name,
                "weight": m.weight,
                "achieved": None if m.achieved is None else m.achieved.isoformat(),
            }
            for m in task.milestones
        ]
    if task.actual_costs:
        item["actual_costs"] = [{"date": c.on.isoformat(), "amount": c.amount} for c in task.actual_costs]
    return item


def _span_text(minutes: int, elapsed: bool = False) -> int | str:
    if elapsed:
        return f"{minutes / MINUTES_PER_DAY:g}ed" if minutes % 60 == 0 else f"{minutes}em"
    return minutes


def plan_to_dict(plan: Plan, evm: EvmProject | None = None) -> dict[str, Any]:
    """The plan JSON structure of a plan (durations and lags in minutes, elapsed ones as "…ed"), with the
    baselines, progress and actual costs of `evm` when given (budgets are written as amounts, not as
    work)."""

    def text(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    def interval_text(intervals: Sequence[Interval]) -> list[str]:
        return [f"{s // 60:02d}:{s % 60:02d}-{(e // 60) % 24:02d}:{e % 60:02d}" for s, e in intervals]

    calendars = []
    for cal in plan.calendars:
        week = (
            {}
            if cal.week is None
            else {"week": {d: interval_text(cal.week[k]) for k, d in enumerate(WEEKDAYS)}}
        )
        calendars.append(
            {
                "id": cal.id,
                "name": cal.name,
                "base": cal.base,
                **week,
                "exceptions": [
                    {
                        "start": e.start.isoformat(),
                        "finish": e.finish.isoformat(),
                        "name": e.name,
                        "working": interval_text(e.intervals),
                        **(
                            {
                                "repeat": {
                                    "every": e.recurrence.kind,
                                    "interval": e.recurrence.interval,
                                    "weekdays": [WEEKDAYS[d] for d in e.recurrence.weekdays],
                                    "day": e.recurrence.day,
                                    "nth": e.recurrence.nth,
                                    "month": e.recurrence.month,
                                    "occurrences": e.recurrence.occurrences,
                                }
                            }
                            if e.recurrence
                            else {}
                        ),
                    }
                    for e in cal.exceptions
                ],
            }
        )
    ev_tasks = {t.id: t for t in evm.tasks} if evm is not None else {}
    tasks = []
    for t in plan.tasks:
        item: dict[str, Any] = {"id": t.id, "name": t.name, "duration": _span_text(t.duration, t.elapsed)}
        if t.parent is not None:
            item["parent"] = t.parent
        if t.milestone:
            item["milestone"] = True
        if t.calendar is not None:
            item["calendar"] = t.calendar
        if t.constraint != ConstraintType.ASAP:
            item["constraint"] = {"type": str(t.constraint), "date": text(t.constraint_date)}
        for key in ("deadline", "actual_start", "actual_finish"):
            if getattr(t, key) is not None:
                item[key] = text(getattr(t, key))
        if t.percent_complete:
            item["percent_complete"] = t.percent_complete
        if t.remaining_duration is not None:
            item["remaining_duration"] = t.remaining_duration
        if t.manual:
            item["manual"] = True
            if t.manual_start is not None:
                item["manual_start"] = text(t.manual_start)
        if t.splits:
            item["splits"] = [{"after": split.after, "length": split.length} for split in t.splits]
        if t.id in ev_tasks:
            item |= _evm_fields(ev_tasks.pop(t.id))
        tasks.append(item)
    if ev_tasks:
        raise PlanFormatError(
            f"The earned-value input has task {next(iter(ev_tasks))!r}, which the plan has not."
        )
    links = []
    for link in plan.links:
        lag: int | float | str
        if link.lag_kind == LagKind.PERCENT:
            lag = f"{link.lag:g}%"
        else:
            lag = _span_text(round(link.lag), link.lag_kind == LagKind.ELAPSED)
        links.append({"from": link.predecessor, "to": link.successor, "type": str(link.type), "lag": lag})
    evm_settings = (
        {}
        if evm is None
        else {"evm": {"method": evm.method.value, "unit": evm.unit.value, "currency": evm.currency}}
    )
    return {
        "kuroko_plan": FORMAT_VERSION,
        "name": plan.name,
        "start": plan.start.isoformat(),
        "finish": text(plan.finish),
        "schedule_from": "finish" if plan.schedule_from_finish else "start",
        "status_date": text(plan.status_date),
        "calendar": plan.calendar,
        "honor_constraints": plan.honor_constraints,
        "critical_float": plan.critical_float,
        "units": {
            "minutes_per_day": plan.minutes_per_day,
            "minutes_per_week": plan.minutes_per_week,
            "days_per_month": plan.days_per_month,
        },
        **evm_settings,
        "calendars": calendars,
        "tasks": tasks,
        "links": links,
        "external": [
            {"id": e.id, "name": e.name, "start": e.start.isoformat(), "finish": e.finish.isoformat()}
            for e in plan.external
        ],
    }


def write_plan(plan: Plan, evm: EvmProject | None = None) -> str:
    """The plan as plan JSON text (with the earned-value input `evm`, when given)."""
    return json.dumps(plan_to_dict(plan, evm), ensure_ascii=False, indent=2)
