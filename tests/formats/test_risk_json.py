"""The risk section of plan JSON (kuroko.formats.risk_json): reading, writing back, errors naming the
place, and forecasts as JSON-safe dicts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kuroko.engine.risk import Correlation, Distribution, Estimate, RiskEvent, RiskModel, TaskCost, simulate
from kuroko.formats.plan_json import PlanFormatError, plan_from_dict, read_plan
from kuroko.formats.risk_json import (
    forecast_to_dict,
    read_risk_model,
    risk_model_from_dict,
    risk_model_to_dict,
)

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "risk-plan.json"
DAY = 480


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_reads_into_a_risk_model():
    """Estimates in the plan's duration notation, costs per hour, risks with percentages and negative
    impacts, correlation groups and defaults."""
    plan = read_plan(EXAMPLE)  # the plan reader ignores the risk fields
    model = read_risk_model(EXAMPLE, plan)
    assert model.estimates["1"] == Estimate(4 * DAY, 5 * DAY, 8 * DAY, Distribution.PERT)
    assert model.estimates["2"].distribution == Distribution.TRIANGULAR
    assert model.estimates["5"] == Estimate(8 * DAY, 10 * DAY, 20 * DAY, "lognormal")
    assert model.costs["3"] == TaskCost(1_200_000.0, 100.0)
    assert model.costs["1"].per_minute == pytest.approx(5000 / 60)
    r1, r2 = model.events
    assert (r1.id, r1.probability, r1.tasks, r1.name) == ("R1", 0.3, ("3",), "Payment vendor's API is late")
    assert r1.schedule_impact == Estimate(2 * DAY, 5 * DAY, 10 * DAY, "triangular")  # impacts: triangular
    assert r1.cost_impact == (100_000.0, 300_000.0, 800_000.0)
    assert r2.schedule_impact == Estimate(-3 * DAY, -2 * DAY, 0, "triangular", signed=True)
    assert model.correlations == (Correlation(("3", "5"), 0.5),)
    assert model.default_range == (0.9, 1.0, 1.3) and model.default_distribution == Distribution.PERT


def test_a_plan_without_a_risk_section_has_an_empty_model():
    """No estimates, risks or costs: nothing varies."""
    data = json.loads((EXAMPLE.parent / "small-plan.json").read_text(encoding="utf-8"))
    assert risk_model_from_dict(data, plan_from_dict(data)) == RiskModel()


def test_writing_and_reading_back_gives_the_same_model():
    """risk_model_to_dict, read back alone or merged into the plan, gives the same model."""
    data = example()
    plan = plan_from_dict(data)
    model = risk_model_from_dict(data, plan)
    written = risk_model_to_dict(model, plan)
    json.dumps(written)  # JSON-safe
    again = risk_model_from_dict(written, plan)
    assert again.estimates == model.estimates and again.events == model.events
    assert again.correlations == model.correlations and again.default_range == model.default_range
    for task, cost in model.costs.items():
        assert again.costs[task].fixed == cost.fixed
        assert again.costs[task].per_minute == pytest.approx(cost.per_minute)


def test_elapsed_estimates_round_trip():
    """An elapsed task's estimate is written and read in elapsed units."""
    data = {"start": "2026-04-01T08:00:00", "tasks": [{"id": "C", "duration": "2ed"}]}
    plan = plan_from_dict(data)
    model = RiskModel({"C": Estimate(1440, 2880, 5760, "uniform")})
    written = risk_model_to_dict(model, plan)
    assert written["tasks"][0]["estimate"]["min"] == "1ed"
    assert risk_model_from_dict(written, plan).estimates == model.estimates


def broken(change) -> dict:
    data = example()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A duration that is not one, named with the task and field.
        (lambda d: d["tasks"][0]["estimate"].update(max="8x"), "tasks[0] (id '1').estimate.max"),
        # Estimates out of order.
        (
            lambda d: d["tasks"][0]["estimate"].update(min="9d"),
            "tasks[0] (id '1').estimate: An estimate needs",
        ),
        # An estimate that is not an object with three points.
        (lambda d: d["tasks"][0].update(estimate="5d"), "tasks[0] (id '1').estimate: expected an object"),
        # An unknown distribution.
        (lambda d: d["tasks"][0]["estimate"].update(distribution="beta"), "estimate.distribution: unknown"),
        # Elapsed time for a task measured in working time.
        (lambda d: d["tasks"][0]["estimate"].update(max="3ed"), "the task's duration is working time"),
        # A negative or non-numeric cost.
        (
            lambda d: d["tasks"][2].update(cost=-1),
            "tasks[2] (id '3'): A task's fixed cost cannot be negative",
        ),
        (
            lambda d: d["tasks"][2].update(cost_per_hour="a lot"),
            "tasks[2] (id '3').cost_per_hour: expected a number",
        ),
        # A risk on a task the plan does not have.
        (
            lambda d: d["risks"][0].update(tasks=["3", "9"]),
            "risks[0] (id 'R1').tasks[1]: task '9' is not in the plan",
        ),
        # Probabilities outside 0–1, or not a number or percentage.
        (lambda d: d["risks"][0].update(probability=1.5), "risks[0] (id 'R1'): Risk R1: the probability"),
        (lambda d: d["risks"][0].update(probability="often"), "risks[0] (id 'R1').probability"),
        (lambda d: d["risks"][0].pop("probability"), "a risk needs a probability"),
        # Two risks with one id.
        (lambda d: d["risks"][1].update(id="R1"), "risks[1] (id 'R1'): this risk id is used twice"),
        # A cost impact without its three points.
        (lambda d: d["risks"][0].update(cost_impact={"min": 1}), "risks[0] (id 'R1').cost_impact"),
        # Correlation coefficients are in [0, 1); groups name tasks of the plan.
        (lambda d: d["correlations"][0].update(coefficient=1), "correlations[0]: A correlation coefficient"),
        (lambda d: d["correlations"][0].update(tasks=["3", "Z"]), "correlations[0].tasks[1]: task 'Z'"),
        # A bad default range.
        (lambda d: d["risk_defaults"].update(range=[1, 2]), "risk_defaults.range"),
        (lambda d: d["risk_defaults"].update(range=[1.5, 1, 2]), "The default range needs"),
    ],
)
def test_bad_risk_fields_name_the_place(change, message):
    """Every error names the task or risk and the field."""
    data = broken(change)
    with pytest.raises(PlanFormatError) as info:
        risk_model_from_dict(data, plan_from_dict(data))
    assert message in str(info.value)


def test_a_forecast_is_a_json_safe_dict_with_iso_dates():
    """forecast_to_dict: percentiles as ISO dates, criticality and sensitivity by task, milestones with
    names, cost figures, and the run's settings."""
    data = example()
    plan = plan_from_dict(data)
    model = risk_model_from_dict(data, plan)
    forecast = simulate(plan, model, iterations=500, seed=4)
    out = json.loads(json.dumps(forecast_to_dict(forecast, plan)))
    finish = out["finish"]
    for key in ("p5", "p10", "p50", "p80", "p90", "p95", "deterministic", "mean"):
        assert len(finish[key]) == 10 and finish[key][4] == "-", key
    assert finish["p50"] == f"{forecast.finish.percentiles[50]:%Y-%m-%d}"
    assert finish["p50_datetime"] == f"{forecast.finish.percentiles[50]:%Y-%m-%dT%H:%M:%S}"
    assert finish["std_days"] == pytest.approx(forecast.finish.std_minutes / 480)
    assert sum(c for _, c in finish["histogram"]) == 500 and finish["cumulative"][-1][1] == 1.0
    assert (
        out["milestones"]["6"]["name"] == "Release"
        and 0 <= out["milestones"]["6"]["probability_deadline"] <= 1
    )
    assert set(out["criticality"]) == {"1", "2", "3", "4", "5", "6"} and out["criticality"]["4"] == 0
    assert set(out["sensitivity"]) == {"1", "2", "3", "4", "5"}
    assert out["cost"]["p50"] <= out["cost"]["p80"] and out["cost"]["deterministic"] > 0
    assert (out["iterations"], out["seed"], out["sampling"], out["converged"]) == (500, 4, "lhs", None)
    assert out["probability_baseline"] is None and out["event_occurrence"]["R1"] == pytest.approx(
        0.3, abs=0.01
    )
    bare = forecast_to_dict(simulate(plan, replace(model, costs={}, events=()), iterations=10), plan)
    assert bare["cost"] is None
    assert RiskEvent("R9", 0.1).cost_impact is None
