"""The risk section of a Kuroko plan JSON: estimates, costs, risk events and correlation groups, read into
and written from `kuroko.engine.risk.RiskModel`; and a forecast as a JSON-safe dict.

Documented in docs/plan-format.md ("Risk: estimates, risk events, costs"). Every error names where it
is: ``tasks[2] (id 'T3').estimate.max: "1x" is not a duration …`` or ``risks[0] (id 'R1').probability:
…``; a model that refers to a task the plan does not have is named the same way.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kuroko.engine.duration import DurationUnits
from kuroko.engine.model import Plan
from kuroko.engine.risk import (
    Correlation,
    DateDistribution,
    Distribution,
    Estimate,
    Forecast,
    RiskEvent,
    RiskInputError,
    RiskModel,
    TaskCost,
)
from kuroko.formats.plan_json import PlanFormatError, _span_text, parse_span

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _fail(where: str, message: str) -> PlanFormatError:
    return PlanFormatError(f"{where}: {message}")


def _units(plan: Plan) -> DurationUnits:
    return DurationUnits(
        hours_per_day=Decimal(plan.minutes_per_day) / 60,
        days_per_week=Decimal(plan.minutes_per_week) / plan.minutes_per_day,
        days_per_month=Decimal(plan.days_per_month),
    )


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, f"expected a number, got {value!r}")
    return float(value)


def _distribution(value: Any, where: str, default: Distribution) -> Distribution:
    if value is None:
        return default
    try:
        return Distribution(value)
    except ValueError:
        choices = ", ".join(d.value for d in Distribution)
        raise _fail(where, f"unknown distribution {value!r}; use one of {choices}") from None


def _estimate(
    data: Any,
    units: DurationUnits,
    where: str,
    *,
    elapsed: bool,
    default: Distribution,
    signed: bool = False,
) -> Estimate:
    if not isinstance(data, Mapping) or not {"min", "most_likely", "max"} <= set(data):
        raise _fail(where, 'expected an object like {"min": "8d", "most_likely": "10d", "max": "15d"}')
    values = []
    for key in ("min", "most_likely", "max"):
        minutes, is_elapsed = parse_span(data[key], units, f"{where}.{key}", allow_negative=signed)
        if is_elapsed != elapsed and minutes != 0:
            kind = "elapsed time (…ed, …eh)" if elapsed else "working time (…d, …h)"
            raise _fail(f"{where}.{key}", f"the task's duration is {kind}: write the estimate the same way")
        values.append(minutes)
    distribution = _distribution(data.get("distribution"), f"{where}.distribution", default)
    try:
        return Estimate(values[0], values[1], values[2], distribution, signed=signed)
    except RiskInputError as exc:
        raise _fail(where, str(exc)) from exc


def _probability(value: Any, where: str) -> float:
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match is None:
            raise _fail(where, f'{value!r} is not a probability like 0.3 or "30%"')
        return float(match[1]) / 100
    return _number(value, where)


def risk_model_from_dict(data: Mapping[str, Any], plan: Plan) -> RiskModel:
    """The risk model of a plan JSON structure: each task's `estimate`, `cost` and `cost_per_hour`, the
    plan's `risks`, `correlations` and `risk_defaults` (all optional; tasks are matched by id, so a
    structure listing only some tasks works too). `plan` is the plan read from the same structure."""
    if not isinstance(data, Mapping):
        raise PlanFormatError("A plan is a JSON object.")
    units = _units(plan)
    by_id = {t.id: t for t in plan.tasks}
    defaults = data.get("risk_defaults") or {}
    if not isinstance(defaults, Mapping):
        raise _fail(
            "risk_defaults", 'expected an object like {"range": [0.9, 1, 1.3], "distribution": "pert"}'
        )
    default_distribution = _distribution(
        defaults.get("distribution"), "risk_defaults.distribution", Distribution.PERT
    )
    default_range = None
    if defaults.get("range") is not None:
        factors = defaults["range"]
        if not isinstance(factors, list) or len(factors) != 3:
            raise _fail(
                "risk_defaults.range", "expected three factors of the planned duration, like [0.9, 1, 1.3]"
            )
        default_range = tuple(_number(f, f"risk_defaults.range[{k}]") for k, f in enumerate(factors))
    estimates: dict[str, Estimate] = {}
    costs: dict[str, TaskCost] = {}
    raw_tasks = data.get("tasks") or []
    if not isinstance(raw_tasks, list):
        raise _fail("tasks", "expected a list of tasks")
    for k, item in enumerate(raw_tasks):
        if not isinstance(item, Mapping) or "id" not in item:
            raise _fail(f"tasks[{k}]", "each task is an object with an id")
        task_id = str(item["id"])
        where = f"tasks[{k}] (id {task_id!r})"
        has_risk = any(key in item for key in ("estimate", "cost", "cost_per_hour"))
        if not has_risk:
            continue
        task = by_id.get(task_id)
        if task is None:
            raise _fail(where, "this task is not in the plan")
        if item.get("estimate") is not None:
            estimates[task_id] = _estimate(
                item["estimate"],
                units,
                f"{where}.estimate",
                elapsed=task.elapsed,
                default=default_distribution,
            )
        if item.get("cost") is not None or item.get("cost_per_hour") is not None:
            fixed = 0.0 if item.get("cost") is None else _number(item["cost"], f"{where}.cost")
            hourly = (
                0.0
                if item.get("cost_per_hour") is None
                else _number(item["cost_per_hour"], f"{where}.cost_per_hour")
            )
            try:
                costs[task_id] = TaskCost(fixed, hourly / 60)
            except RiskInputError as exc:
                raise _fail(where, str(exc)) from exc
    events: list[RiskEvent] = []
    raw_risks = data.get("risks") or []
    if not isinstance(raw_risks, list):
        raise _fail(
            "risks", 'expected a list of risks like [{"id": "R1", "probability": 0.3, "tasks": ["T3"]}]'
        )
    seen: set[str] = set()
    for k, item in enumerate(raw_risks):
        if not isinstance(item, Mapping) or "id" not in item:
            raise _fail(f"risks[{k}]", "each risk is an object with an id")
        risk_id = str(item["id"])
        where = f"risks[{k}] (id {risk_id!r})"
        if risk_id in seen:
            raise _fail(where, "this risk id is used twice")
        seen.add(risk_id)
        if "probability" not in item:
            raise _fail(where, "a risk needs a probability (0–1 or a percentage)")
        probability = _probability(item["probability"], f"{where}.probability")
        task_ids = item.get("tasks") or []
        if not isinstance(task_ids, list) or not all(isinstance(t, str | int) for t in task_ids):
            raise _fail(f"{where}.tasks", 'expected a list of task ids like ["T3", "T4"]')
        task_ids = [str(t) for t in task_ids]
        for j, task_id in enumerate(task_ids):
            if task_id not in by_id:
                raise _fail(f"{where}.tasks[{j}]", f"task {task_id!r} is not in the plan")
        impact = None
        if item.get("schedule_impact") is not None:
            elapsed = {by_id[t].elapsed for t in task_ids}
            if len(elapsed) > 1:
                raise _fail(
                    f"{where}.schedule_impact",
                    "the risk delays tasks measured in working time and in elapsed time; split it in two",
                )
            impact = _estimate(
                item["schedule_impact"],
                units,
                f"{where}.schedule_impact",
                elapsed=elapsed.pop() if elapsed else False,
                default=Distribution.TRIANGULAR,
                signed=True,
            )
        cost_impact = None
        if item.get("cost_impact") is not None:
            raw = item["cost_impact"]
            if not isinstance(raw, Mapping) or not {"min", "most_likely", "max"} <= set(raw):
                raise _fail(
                    f"{where}.cost_impact",
                    'expected an object like {"min": 100000, "most_likely": 300000, "max": 800000}',
                )
            low, likely, high = (
                _number(raw[key], f"{where}.cost_impact.{key}") for key in ("min", "most_likely", "max")
            )
            cost_impact = (low, likely, high)
        try:
            events.append(
                RiskEvent(
                    risk_id, probability, tuple(task_ids), impact, cost_impact, str(item.get("name", ""))
                )
            )
        except RiskInputError as exc:
            raise _fail(where, str(exc)) from exc
    correlations: list[Correlation] = []
    raw_groups = data.get("correlations") or []
    if not isinstance(raw_groups, list):
        raise _fail("correlations", 'expected a list like [{"tasks": ["T1", "T2"], "coefficient": 0.5}]')
    for k, item in enumerate(raw_groups):
        where = f"correlations[{k}]"
        if not isinstance(item, Mapping) or "tasks" not in item or "coefficient" not in item:
            raise _fail(
                where, 'a correlation group is an object like {"tasks": ["T1", "T2"], "coefficient": 0.5}'
            )
        task_ids = item["tasks"]
        if not isinstance(task_ids, list):
            raise _fail(f"{where}.tasks", 'expected a list of task ids like ["T1", "T2"]')
        task_ids = [str(t) for t in task_ids]
        for j, task_id in enumerate(task_ids):
            if task_id not in by_id:
                raise _fail(f"{where}.tasks[{j}]", f"task {task_id!r} is not in the plan")
        try:
            correlations.append(
                Correlation(tuple(task_ids), _number(item["coefficient"], f"{where}.coefficient"))
            )
        except RiskInputError as exc:
            raise _fail(where, str(exc)) from exc
    try:
        return RiskModel(
            estimates=estimates,
            events=tuple(events),
            correlations=tuple(correlations),
            costs=costs,
            default_range=default_range,  # type: ignore[arg-type]
            default_distribution=default_distribution,
        )
    except RiskInputError as exc:
        raise PlanFormatError(str(exc)) from exc


def read_risk_model(source: str | bytes | Path, plan: Plan) -> RiskModel:
    """Read the risk model of a plan JSON file (a path) or document (str/bytes)."""
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8")
    elif isinstance(source, bytes):
        text = source.decode("utf-8")
    else:
        text = source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFormatError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    return risk_model_from_dict(data, plan)


def _estimate_dict(estimate: Estimate, elapsed: bool) -> dict[str, Any]:
    return {
        "min": _span_text(estimate.minimum, elapsed),
        "most_likely": _span_text(estimate.most_likely, elapsed),
        "max": _span_text(estimate.maximum, elapsed),
        "distribution": estimate.distribution.value,
    }


def risk_model_to_dict(model: RiskModel, plan: Plan) -> dict[str, Any]:
    """The risk section of a plan JSON structure for `model`: the tasks that have an estimate or a cost
    (by id, with only those fields), `risks`, `correlations` and `risk_defaults`. Merged into a plan's
    structure, or read back alone with `risk_model_from_dict`, it gives the same model."""
    by_id = {t.id: t for t in plan.tasks}
    tasks = []
    for t in plan.tasks:
        item: dict[str, Any] = {}
        if t.id in model.estimates:
            item["estimate"] = _estimate_dict(model.estimates[t.id], t.elapsed)
        cost = model.costs.get(t.id)
        if cost is not None:
            item["cost"] = cost.fixed
            item["cost_per_hour"] = cost.per_minute * 60
        if item:
            tasks.append({"id": t.id} | item)
    risks = []
    for event in model.events:
        risk: dict[str, Any] = {
            "id": event.id,
            "name": event.name,
            "probability": event.probability,
            "tasks": list(event.tasks),
        }
        if event.schedule_impact is not None:
            elapsed = any(by_id[t].elapsed for t in event.tasks if t in by_id)
            risk["schedule_impact"] = _estimate_dict(event.schedule_impact, elapsed)
        if event.cost_impact is not None:
            low, likely, high = event.cost_impact
            risk["cost_impact"] = {"min": low, "most_likely": likely, "max": high}
        risks.append(risk)
    out: dict[str, Any] = {"tasks": tasks, "risks": risks}
    out["correlations"] = [{"tasks": list(c.tasks), "coefficient": c.coefficient} for c in model.correlations]
    defaults: dict[str, Any] = {"distribution": model.default_distribution.value}
    if model.default_range is not None:
        defaults["range"] = list(model.default_range)
    out["risk_defaults"] = defaults
    return out


# --- Forecasts ----------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S")


def _day(value: date) -> str:
    return value.isoformat()


def _dates(distribution: DateDistribution, minutes_per_day: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "deterministic": _day(distribution.deterministic.date()),
        "deterministic_datetime": _iso(distribution.deterministic),
        "mean": _day(distribution.mean.date()),
        "mean_datetime": _iso(distribution.mean),
    }
    for p, value in sorted(distribution.percentiles.items()):
        out[f"p{p}"] = _day(value.date())
    for p, value in sorted(distribution.percentiles.items()):
        out[f"p{p}_datetime"] = _iso(value)
    out |= {
        "std_minutes": distribution.std_minutes,
        "std_days": distribution.std_minutes / minutes_per_day,
        "deadline": _iso(distribution.deadline),
        "probability_deadline": distribution.probability_deadline,
        "probability_deterministic": distribution.probability_deterministic,
        "histogram": [[_day(d), c] for d, c in distribution.histogram],
        "cumulative": [[_day(d), p] for d, p in distribution.cumulative],
    }
    return out


def forecast_to_dict(forecast: Forecast, plan: Plan) -> dict[str, Any]:
    """A forecast as a JSON-safe dict (ISO dates "YYYY-MM-DD" for percentiles, "…_datetime" for the
    instants): what the CLI prints with --json and what the app stores. Samples are not included."""
    names = {t.id: t.name for t in plan.tasks}
    cost = None
    if forecast.cost is not None:
        c = forecast.cost
        cost = (
            {"deterministic": c.deterministic, "mean": c.mean, "std": c.std}
            | {f"p{p}": value for p, value in sorted(c.percentiles.items())}
            | {
                "probability_deterministic": c.probability_deterministic,
                "histogram": [[edge, count] for edge, count in c.histogram],
                "cumulative": [[edge, p] for edge, p in c.cumulative],
            }
        )
    return {
        "iterations": forecast.iterations,
        "requested": forecast.requested,
        "seed": forecast.seed,
        "sampling": forecast.sampling,
        "converged": forecast.converged,
        "finish": _dates(forecast.finish, plan.minutes_per_day),
        "probability_baseline": forecast.probability_baseline,
        "baseline_finish": _iso(forecast.baseline_finish),
        "milestones": {
            task: {"name": names.get(task, "")} | _dates(distribution, plan.minutes_per_day)
            for task, distribution in forecast.milestones.items()
        },
        "cost": cost,
        "criticality": dict(forecast.criticality),
        "sensitivity": dict(forecast.sensitivity),
        "event_occurrence": dict(forecast.event_occurrence),
    }
