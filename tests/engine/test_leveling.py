"""Resource levelling (RCPSP): schedule generation, the search, the feasibility checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.leveling import (
    Job,
    LevelingProblem,
    ScheduleError,
    check_schedule,
    critical_path_bound,
    level,
    parallel_sgs,
    priorities,
    serial_sgs,
)

PSPLIB = Path(__file__).parents[3] / "shared" / "data" / "psplib"

# One resource of capacity 2. c needs all of it; a → d is a chain of 5 units beside b: optimum 8,
# while the critical path gives 5 and the resource bound ceil(14 / 2) = 7.
SMALL = LevelingProblem(
    jobs=(
        Job("a", 3, ("d",), (1,)),
        Job("b", 3, (), (1,)),
        Job("c", 3, (), (2,)),
        Job("d", 2, (), (1,)),
    ),
    capacities=(2,),
)


def test_small_instance_reaches_its_optimum():
    """The hand-made instance is levelled to its optimum 8, above both bounds."""
    result = level(SMALL, time_limit=10, max_schedules=500)
    assert result.makespan == 8
    assert (result.critical_path_bound, result.lower_bound) == (5, 7)
    assert not result.optimal  # 8 is optimal, but the bounds cannot prove it
    assert check_schedule(SMALL, result.starts) == 8


def test_stops_at_a_proven_optimum():
    """Without resource conflicts the critical path is reached and the search stops at once."""
    problem = LevelingProblem(
        jobs=(Job("1", 0, ("2", "3")), Job("2", 4, ("4",)), Job("3", 2, ("4",)), Job("4", 0)),
        capacities=(),
    )
    result = level(problem, time_limit=10)
    assert result.optimal and result.makespan == 4 and result.stopped_by == "optimal"
    assert dict(result.starts) == {"1": 0, "2": 0, "3": 0, "4": 4}


def test_serial_and_parallel_schemes_and_rules():
    """Both schemes give feasible schedules; priority values follow each rule."""
    for rule in ("LFT", "LST", "MTS", "GRPW"):
        check_schedule(SMALL, parallel_sgs(SMALL, rule))
    starts = serial_sgs(SMALL, ["c", "a", "b", "d"])
    assert starts == {"c": 0, "a": 3, "b": 3, "d": 6}
    assert priorities(SMALL, "MTS")["a"] == -1  # one successor, counted negatively (more is better)
    assert priorities(SMALL, "LFT")["a"] == 3
    with pytest.raises(ValueError, match="before its predecessor a"):
        serial_sgs(SMALL, ["d", "a", "b", "c"])
    with pytest.raises(ValueError, match="Unknown priority rule"):
        priorities(SMALL, "XYZ")


@pytest.mark.parametrize(
    ("starts", "message"),
    [
        # d starts before a finishes
        ({"a": 0, "b": 0, "c": 3, "d": 2}, "Job d starts at 2 before its predecessor a finishes at 3"),
        # c overlaps a and b
        ({"a": 0, "b": 0, "c": 1, "d": 6}, "time unit 1 .* resource 1 is over capacity: 4 used, 2 available"),
        # a job left out
        ({"a": 0, "b": 0, "c": 3}, "Job d has no start"),
        # a negative start
        ({"a": -1, "b": 0, "c": 3, "d": 6}, "Job a: the start must be"),
    ],
)
def test_check_schedule_names_the_violation(starts, message):
    """The checker names the broken precedence, or the time unit and resource over capacity."""
    with pytest.raises(ScheduleError, match=message):
        check_schedule(SMALL, starts)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # demand above capacity
        (lambda: LevelingProblem((Job("a", 1, (), (3,)),), (2,)), "needs 3 of resource 1"),
        # a successor that does not exist
        (lambda: LevelingProblem((Job("a", 1, ("z",), (1,)),), (2,)), "unknown successor z"),
        # a loop
        (lambda: LevelingProblem((Job("a", 1, ("b",)), Job("b", 1, ("a",))), ()), "cycle"),
        # demands not matching the resources
        (lambda: LevelingProblem((Job("a", 1, (), (1, 1)),), (2,)), "2 demands but there are 1"),
        # a negative duration
        (lambda: Job("a", -1), "duration must be a whole number"),
    ],
)
def test_invalid_problems(build, message):
    """Invalid problems are refused with a sentence naming the rule."""
    with pytest.raises(ValueError, match=message):
        build()


@st.composite
def problems(draw: st.DrawFn) -> LevelingProblem:
    n = draw(st.integers(1, 9))
    caps = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=3)))
    jobs = []
    for i in range(n):
        succ = draw(st.sets(st.integers(i + 1, n - 1), max_size=3)) if i < n - 1 else set()
        demands = tuple(draw(st.integers(0, c)) for c in caps)
        jobs.append(Job(str(i), draw(st.integers(0, 6)), tuple(str(s) for s in sorted(succ)), demands))
    return LevelingProblem(tuple(jobs), caps)


@given(problems(), st.integers(0, 3))
@settings(max_examples=80, deadline=None, derandomize=True)
def test_random_instances_give_feasible_schedules(problem, seed):
    """Every result is feasible, at least the critical path long, and no longer than any single pass."""
    result = level(problem, time_limit=30, max_schedules=60, seed=seed)
    assert check_schedule(problem, result.starts) == result.makespan
    assert result.makespan >= result.lower_bound >= critical_path_bound(problem)
    for rule in ("LFT", "GRPW"):
        assert check_schedule(problem, parallel_sgs(problem, rule)) >= result.makespan


def _random_problem(n: int, seed: int) -> LevelingProblem:
    import random

    rng = random.Random(seed)
    jobs = []
    for i in range(n):
        succ = sorted(rng.sample(range(i + 1, n), min(2, n - i - 1)))
        jobs.append(
            Job(str(i), rng.randint(1, 9), tuple(map(str, succ)), (rng.randint(0, 5), rng.randint(0, 5)))
        )
    return LevelingProblem(tuple(jobs), (6, 6))


def test_deterministic_for_a_seed():
    """With a schedule budget, the same seed gives the same schedule."""
    problem = _random_problem(25, 1)
    first = level(problem, time_limit=60, seed=3, max_schedules=400)
    again = level(problem, time_limit=60, seed=3, max_schedules=400)
    assert first.stopped_by in {"budget", "optimal"}
    assert dict(first.starts) == dict(again.starts) and first.schedules == again.schedules
    check_schedule(problem, first.starts)


def test_time_limit_is_kept_with_a_fake_clock():
    """The clock is a parameter: a clock past the deadline stops after the first pass."""
    ticks = iter(range(0, 10_000, 5))
    result = level(_random_problem(25, 2), time_limit=1, clock=lambda: float(next(ticks)))
    assert result.stopped_by in {"time", "optimal"}
    assert result.schedules < 10  # the first pass and its justification rounds


def test_bad_options():
    """Non-positive limits are refused."""
    with pytest.raises(ValueError, match="time limit"):
        level(SMALL, time_limit=0)
    with pytest.raises(ValueError, match="budget"):
        level(SMALL, max_schedules=0)


@pytest.mark.parametrize(("name", "optimum"), [("j301_1", 43), ("j3013_1", 58), ("j3045_4", 84)])
def test_shared_j30_instances(name, optimum):
    """A few J30 instances: feasible, never below the optimum, within 10 % of it in 3,000 schedules."""
    path = PSPLIB / "j30" / f"{name}.sm"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared PSPLIB data is not on this machine")
    from kuroko.formats.psplib import read_psplib

    problem = read_psplib(path)
    result = level(problem, time_limit=60, max_schedules=3000, seed=0)
    assert check_schedule(problem, result.starts) == result.makespan
    assert optimum <= result.makespan <= optimum * 1.1
