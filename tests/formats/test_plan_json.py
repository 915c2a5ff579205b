"""Plan JSON: reading, errors that name their place, round trip, and `kuroko schedule`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from kuroko.engine.model import ConstraintType, LagKind, LinkType
from kuroko.formats.plan_json import PlanFormatError, plan_from_dict, read_plan, write_plan

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
    ],
)
def test_errors_name_their_place(data, where):
    """Each invalid input is refused with a message that starts with where the problem is."""
    with pytest.raises(PlanFormatError) as info:
        plan_from_dict(data)
    assert str(info.value).startswith(where), str(info.value)


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
