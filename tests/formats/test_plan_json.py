"""Plan JSON: reading, errors that name their place, round trip, and `kuroko schedule`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from kuroko.engine.evm import ActualCost, EvMethod, EvMilestone, Progress, Unit, earned_value
from kuroko.engine.model import ConstraintType, LagKind, LinkType
from kuroko.formats.plan_json import (
    PlanFormatError,
    evm_from_dict,
    plan_from_dict,
    read_evm,
    read_plan,
    write_plan,
)

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "small-plan.json"
KUROKO = str(Path(sys.executable).with_name("kuroko"))


def minimal(**extra):
    return {"start": "2026-04-01T08:00:00", "tasks": [{"id": "A", "duration": "2d"}], **extra}


def test_example_reads_with_units_calendar_and_links():
    """The documented example parses: working days, a Japanese calendar with holidays, an SS lag."""
    plan = read_plan(EXAMPLE)
    assert [t.duration for t in plan.tasks[:3]] == [5 * 480, 10 * 480, 15 * 480]
    assert plan.tasks[-1].milestone
    assert any(e.name for e in plan.calendars[0].exceptions)  # holidays were added
    ss = plan.links[2]
    assert (ss.type, ss.lag, ss.lag_kind) == (LinkType.SS, 960, LagKind.WORK)


def test_elapsed_percent_and_constraints():
    """Elapsed durations and lags, percent lags and dated constraints are read."""
    plan = plan_from_dict(
        {
            "start": "2026-04-01T08:00:00",
            "tasks": [
                {"id": "A", "duration": "2ed"},
                {"id": "B", "duration": 480, "constraint": {"type": "SNET", "date": "2026-04-10T08:00:00"}},
            ],
            "links": [
                {"from": "A", "to": "B", "lag": "50%"},
                {"from": "A", "to": "B", "type": "SS", "lag": "-1ed"},
            ],
        }
    )
    assert (plan.tasks[0].duration, plan.tasks[0].elapsed) == (2 * 1440, True)
    assert plan.tasks[1].constraint == ConstraintType.SNET
    assert plan.tasks[1].constraint_date == datetime(2026, 4, 10, 8)
    assert (plan.links[0].lag, plan.links[0].lag_kind) == (50, LagKind.PERCENT)
    assert (plan.links[1].lag, plan.links[1].lag_kind) == (-1440, LagKind.ELAPSED)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        # no start date
        ({"tasks": [{"id": "A"}]}, "start"),
        # a duration that is not one
        (minimal(tasks=[{"id": "A", "duration": "5x"}]), "tasks[0] (id 'A').duration"),
        # negative duration
        (minimal(tasks=[{"id": "A", "duration": -5}]), "tasks[0] (id 'A').duration"),
        # a date-time with an offset
        (minimal(start="2026-04-01T08:00:00+09:00"), "start"),
        # an unknown constraint type
        (minimal(tasks=[{"id": "A", "constraint": {"type": "SOON"}}]), "tasks[0] (id 'A')"),
        # a dated constraint without its date
        (minimal(tasks=[{"id": "A", "constraint": {"type": "MSO"}}]), "tasks[0] (id 'A')"),
        # an unknown link type
        (minimal(links=[{"from": "A", "to": "A", "type": "XX"}]), "links[0]"),
        # a bad working time
        (minimal(calendars=[{"id": "c", "week": {"mon": ["9-12"]}}]), "calendars[0].week.mon[0]"),
        # an unknown weekday
        (minimal(calendars=[{"id": "c", "week": {"monday": []}}]), "calendars[0].week"),
        # empty task list
        ({"start": "2026-04-01T08:00:00", "tasks": []}, "tasks"),
        # a link that is not an object
        (minimal(links=[1]), "links"),
        # a calendar that is not an object
        (minimal(calendars=[1]), "calendars"),
        # an external task that is not an object
        (minimal(external=["X"]), "external"),
        # a constraint that is not an object
        (minimal(tasks=[{"id": "A", "constraint": "SNET"}]), "tasks[0] (id 'A').constraint"),
        # a numeric duration beyond the limit of text durations
        (minimal(tasks=[{"id": "A", "duration": 10**15}]), "tasks[0] (id 'A').duration"),
        # an elapsed duration beyond the limit
        (minimal(tasks=[{"id": "A", "duration": "100000000ew"}]), "tasks[0] (id 'A').duration"),
        # an infinite lag
        (minimal(links=[{"from": "A", "to": "A", "lag": 1e400}]), "links[0]"),
        # a task id longer than the 40 characters a file id keeps
        (minimal(tasks=[{"id": "x" * 41}]), "tasks[0]"),
        # a parent that is no task
        (minimal(tasks=[{"id": "A", "parent": "Z"}]), "tasks[0] (id 'A').parent"),
        # parents in a circle
        (minimal(tasks=[{"id": "A", "parent": "B"}, {"id": "B", "parent": "A"}]), "tasks[0] (id 'A').parent"),
    ],
)
def test_errors_name_their_place(data, where):
    """Each invalid input is refused with a message that starts with where the problem is."""
    with pytest.raises(PlanFormatError) as info:
        plan_from_dict(data)
    assert str(info.value).startswith(where), str(info.value)


def test_deep_nesting_is_a_format_error():
    """Brackets nested 100,000 deep are refused as a plan error, not a RecursionError."""
    with pytest.raises(PlanFormatError, match="nested too deeply"):
        read_plan(b"[" * 100_000 + b"]" * 100_000)


def test_round_trip_keeps_the_plan():
    """write_plan then read_plan gives the same plan."""
    plan = read_plan(EXAMPLE)
    assert read_plan(write_plan(plan)) == plan


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KUROKO, "schedule", *args], capture_output=True, text=True, check=False, timeout=60
    )


def test_schedule_command_prints_json_with_the_documented_fields():
    """`kuroko schedule FILE --json` gives the project span and per-task dates, floats and critical flag."""
    result = run(str(EXAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["project_start"] == "2026-04-01T09:00:00"
    assert data["project_finish"] == "2026-06-01T18:00:00"  # Golden Week holidays are skipped
    first = data["tasks"][0]
    assert set(first) >= {
        "id",
        "name",
        "start",
        "finish",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float_minutes",
        "free_float_minutes",
        "critical",
    }
    assert [t["id"] for t in data["tasks"] if t["critical"]] == ["1", "2", "3", "5", "6"]


def test_schedule_command_text_and_errors(tmp_path):
    """The text output names the critical path; a bad file exits 2 with the reason on stderr."""
    result = run(str(EXAMPLE))
    assert result.returncode == 0
    assert "Critical path: Requirements → Design → Build → Test → Release" in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"start": "2026-04-01T08:00:00", "tasks": [{"id": "A"}], "links": [{"from": "A", "to": "Z"}]}'
    )
    result = run(str(bad))
    assert result.returncode == 2
    assert "'Z'" in result.stderr and result.stdout == ""
    result = run(str(tmp_path / "missing.json"))
    assert result.returncode == 2


def test_derived_calendar_without_a_week_inherits_and_round_trips():
    """A calendar with a base and no "week" works its base's week, and is written back without one."""
    plan = plan_from_dict(
        minimal(
            calendar="crew",
            calendars=[
                {"id": "plant", "week": {day: ["00:00-00:00"] for day in ("mon", "tue", "wed", "sat")}},
                {"id": "crew", "base": "plant"},
                {"id": "office"},
            ],
        )
    )
    _plant, crew, office = plan.calendars
    assert crew.week is None and office.week is not None and office.week[0] == ((480, 720), (780, 1020))
    written = json.loads(write_plan(plan))
    assert "week" not in written["calendars"][1]
    assert plan_from_dict(written) == plan


def test_manual_and_split_tasks_round_trip():
    """Manual tasks (with and without a start) and splits are read, written and read back."""
    plan = plan_from_dict(
        minimal(
            tasks=[
                {"id": "A", "duration": "2d", "manual": True, "manual_start": "2026-04-03T08:00:00"},
                {"id": "B", "duration": "1d", "manual": True},
                {
                    "id": "C",
                    "duration": "4d",
                    "splits": [{"after": "1d", "length": "2d"}, {"after": 960, "length": 60}],
                },
            ]
        )
    )
    a, b, c = plan.tasks
    assert (a.manual, a.manual_start) == (True, datetime(2026, 4, 3, 8))
    assert (b.manual, b.manual_start) == (True, None)
    assert [(s.after, s.length) for s in c.splits] == [(480, 960), (960, 60)]
    assert plan_from_dict(json.loads(write_plan(plan))) == plan


@pytest.mark.parametrize(
    ("task", "where"),
    [
        # a manual start on an automatic task
        ({"id": "A", "manual_start": "2026-04-03T08:00:00"}, "tasks[0] (id 'A')"),
        # splits that are not a list
        ({"id": "A", "duration": "2d", "splits": {"after": "1d"}}, "tasks[0] (id 'A').splits"),
        # a split without a length
        ({"id": "A", "duration": "2d", "splits": [{"after": "1d"}]}, "tasks[0] (id 'A').splits[0]"),
        # a pause in elapsed time
        ({"id": "A", "duration": "2d", "splits": [{"after": "1d", "length": "1ed"}]}, "splits[0]"),
        # a split after the end of the task
        ({"id": "A", "duration": "2d", "splits": [{"after": "3d", "length": "1d"}]}, "tasks[0] (id 'A')"),
    ],
)
def test_manual_and_split_errors_name_their_place(task, where):
    """Invalid manual starts and splits are refused with the task and field named."""
    with pytest.raises(PlanFormatError, match=re.escape(where)):
        plan_from_dict(minimal(tasks=[task]))


# --- Earned value fields ----------

EVM_EXAMPLE = EXAMPLE.with_name("evm-plan.json")


def test_evm_example_reads_into_the_documented_figures():
    """docs/examples/evm-plan.json gives the worked example of docs/engine/evm.md."""
    project = read_evm(EVM_EXAMPLE)
    assert (project.method, project.unit, project.currency, project.name) == (
        EvMethod.PERCENT_COMPLETE,
        Unit.MONEY,
        "JPY",
        "Order system",
    )
    design = project.tasks[2]
    assert (design.parent, design.budget, design.percent_complete) == ("1", 1_000_000, 60)
    assert design.start == datetime(2027, 6, 14, 8) and design.actual_costs == (
        ActualCost(date(2027, 6, 18), 700_000),
    )
    figures = earned_value(project, status_date=date(2027, 6, 18)).project
    assert (figures.bac, figures.pv, figures.ev, figures.ac, figures.es) == (3e6, 1e6, 1.1e6, 1.25e6, 11)


def test_files_without_evm_fields_stay_as_they_were():
    """An existing plan reads with no budgets and the default method; written without EVM, no new keys."""
    project = read_evm(EXAMPLE)
    assert project.method is EvMethod.PERCENT_COMPLETE and project.unit is Unit.MONEY
    assert all(t.budget == 0 and t.start is None and not t.actual_costs for t in project.tasks)
    written = json.loads(write_plan(read_plan(EXAMPLE)))
    assert "evm" not in written and all("baseline" not in t for t in written["tasks"])


def test_evm_fields_round_trip():
    """Baselines (with phasing), progress records, physical %, milestones and actual costs are written
    and read back equal, with the plan."""
    data = minimal(
        evm={"method": "milestones", "unit": "hours", "currency": ""},
        tasks=[
            {"id": "S", "name": "Summary"},
            {
                "id": "A",
                "parent": "S",
                "duration": "2d",
                "percent_complete": 50,
                "physical_percent_complete": 40,
                "baseline": {
                    "start": "2026-04-01T08:00:00",
                    "finish": "2026-04-02T17:00:00",
                    "budget": 16,
                    "phasing": [
                        {"start": "2026-04-01", "amount": 10},
                        {"start": "2026-04-02", "finish": "2026-04-02", "amount": 6},
                    ],
                },
                "progress": [
                    {"date": "2026-04-01", "percent_complete": 30},
                    {"date": "2026-04-02", "percent_complete": 50, "physical_percent_complete": 40},
                ],
                "ev_milestones": [
                    {"name": "m1", "weight": 2, "achieved": "2026-04-01"},
                    {"name": "m2", "weight": 1},
                ],
                "actual_costs": [{"date": "2026-04-01", "amount": 9.5}],
            },
            {
                "id": "B",
                "parent": "S",
                "duration": "1d",
                "baseline": {"start": "2026-04-03T08:00:00", "finish": "2026-04-03T17:00:00", "work": "1d"},
            },
        ],
    )
    plan = plan_from_dict(data)
    project = evm_from_dict(data, plan)
    a, b = project.tasks[1], project.tasks[2]
    assert [(p.first, p.amount) for p in a.phasing] == [(date(2026, 4, 1), 10), (date(2026, 4, 2), 6)]
    assert a.progress[1] == Progress(date(2026, 4, 2), 50, 40)
    assert a.milestones[1] == EvMilestone("m2", 1, None)
    assert b.budget == 8  # one working day of 480 minutes is 8 hours
    written = json.loads(write_plan(plan, project))
    assert written["evm"] == {"method": "milestones", "unit": "hours", "currency": ""}
    assert written["tasks"][2]["baseline"]["budget"] == 8
    assert plan_from_dict(written) == plan
    assert evm_from_dict(written) == project


@pytest.mark.parametrize(
    ("unit", "work", "budget"),
    [
        ("hours", "2d", 16),
        ("person_days", "2d", 2),
        ("person_days", "12h", 1.5),
        ("person_months", "5d", 0.25),  # 20 days a month
    ],
)
def test_baseline_work_stands_for_the_budget_in_effort_units(unit, work, budget):
    """With an effort unit, the baseline's work converts to the budget with the plan's units."""
    data = minimal(evm={"unit": unit})
    data["tasks"][0]["baseline"] = {
        "start": "2026-04-01T08:00:00",
        "finish": "2026-04-02T17:00:00",
        "work": work,
    }
    assert evm_from_dict(data).tasks[0].budget == budget


def baseline(**extra):
    return {"start": "2026-04-01T08:00:00", "finish": "2026-04-02T17:00:00", "budget": 100} | extra


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        # an unknown EV method
        ({"evm": {"method": "gut feeling"}}, "evm.method: unknown EV method 'gut feeling'"),
        # an unknown unit
        ({"evm": {"unit": "yen"}}, "evm.unit: unknown unit 'yen'"),
        # a currency that is not text
        ({"evm": {"currency": 392}}, "evm.currency"),
        # evm that is not an object
        ({"evm": "percent"}, "evm: expected an object"),
        # a baseline that is not an object
        ({"task": {"baseline": "2026-04-01"}}, "tasks[0] (id 'A').baseline: expected an object"),
        # a budget that is text
        (
            {"task": {"baseline": baseline(budget="100")}},
            "tasks[0] (id 'A').baseline.budget: expected a number",
        ),
        # a negative budget
        (
            {"task": {"baseline": baseline(budget=-1)}},
            "tasks[0] (id 'A'): Task 'A': budget cannot be negative",
        ),
        # a baseline finish that is not a date-time
        ({"task": {"baseline": baseline(finish="soon")}}, "tasks[0] (id 'A').baseline.finish"),
        # work alone in money
        (
            {"task": {"baseline": baseline(budget=None) | {"work": "2d"}}},
            "tasks[0] (id 'A').baseline.budget: with money",
        ),
        # work in elapsed time
        (
            {"evm": {"unit": "hours"}, "task": {"baseline": baseline(work="2ed")}},
            "baseline.work: work is measured",
        ),
        # phases that do not add up
        (
            {"task": {"baseline": baseline(phasing=[{"start": "2026-04-01", "amount": 60}])}},
            "phasing adds up to 60, not to the budget 100",
        ),
        # a phase without an amount
        ({"task": {"baseline": baseline(phasing=[{"start": "2026-04-01"}])}}, "baseline.phasing[0].amount"),
        # actual costs that are not a list
        (
            {"task": {"actual_costs": {"date": "2026-04-01"}}},
            "tasks[0] (id 'A').actual_costs: expected a list",
        ),
        # an actual cost with a bad date
        (
            {"task": {"actual_costs": [{"date": "1/4", "amount": 5}]}},
            "tasks[0] (id 'A').actual_costs[0].date",
        ),
        # a negative actual cost
        (
            {"task": {"actual_costs": [{"date": "2026-04-01", "amount": -5}]}},
            "actual_costs[0].amount cannot be",
        ),
        # progress above 100 %
        (
            {"task": {"progress": [{"date": "2026-04-01", "percent_complete": 120}]}},
            "progress[0].percent_complete",
        ),
        # a milestone of no weight
        ({"task": {"ev_milestones": [{"name": "m", "weight": 0}]}}, "milestones[0].weight must be positive"),
        # physical % complete that is text
        ({"task": {"physical_percent_complete": "half"}}, "tasks[0] (id 'A').physical_percent_complete"),
    ],
)
def test_evm_errors_name_their_place(changes, where):
    """Each invalid EVM field is refused with a message naming where it is."""
    data = minimal(**({"evm": changes["evm"]} if "evm" in changes else {}))
    task = data["tasks"][0] | changes.get("task", {})
    if isinstance(task.get("baseline"), dict):
        task["baseline"] = {k: v for k, v in task["baseline"].items() if v is not None}
    data["tasks"] = [task]
    with pytest.raises(PlanFormatError) as info:
        evm_from_dict(data)
    assert where in str(info.value), str(info.value)


def test_documented_schema_lists_the_evm_fields():
    """The JSON Schema in docs/plan-format.md parses and describes every EVM field the reader takes."""
    text = (EXAMPLE.parents[1] / "plan-format.md").read_text(encoding="utf-8")
    schema = json.loads(text.split("## JSON Schema")[1].split("```json")[1].split("```")[0])
    assert set(schema["properties"]["evm"]["properties"]) == {"method", "unit", "currency"}
    task = schema["$defs"]["task"]["properties"]
    assert {"baseline", "actual_costs", "physical_percent_complete", "progress", "ev_milestones"} <= set(task)
    assert set(task["baseline"]["properties"]) == {"start", "finish", "budget", "work", "phasing"}
    assert [m.value for m in EvMethod] == schema["properties"]["evm"]["properties"]["method"]["enum"]
