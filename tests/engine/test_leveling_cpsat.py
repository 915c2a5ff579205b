"""Exact levelling with CP-SAT (needs the kuroko[solver] extra; skipped without OR-Tools)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kuroko.engine.leveling import Job, LevelingProblem, check_schedule, level
from kuroko.engine.leveling_cpsat import solve_cpsat

pytest.importorskip("ortools", reason="OR-Tools is not installed: the kuroko[solver] extra is absent")

PSPLIB = Path(__file__).parents[3] / "shared" / "data" / "psplib"


def test_proves_the_small_optimum():
    """CP-SAT proves 8 optimal where the simple bounds (5 and 7) cannot."""
    problem = LevelingProblem(
        jobs=(Job("a", 3, ("d",), (1,)), Job("b", 3, (), (1,)), Job("c", 3, (), (2,)), Job("d", 2, (), (1,))),
        capacities=(2,),
    )
    result = solve_cpsat(problem, time_limit=5)
    assert (result.makespan, result.optimal) == (8, True)
    assert check_schedule(problem, result.starts) == 8


def test_never_worse_than_the_heuristic():
    """On a random 30-job instance the result is feasible and no longer than the warm start's."""
    rng = random.Random(5)
    jobs = []
    for i in range(30):
        succ = sorted(rng.sample(range(i + 1, 30), min(2, 29 - i)))
        jobs.append(
            Job(str(i), rng.randint(1, 9), tuple(map(str, succ)), (rng.randint(0, 5), rng.randint(0, 5)))
        )
    problem = LevelingProblem(tuple(jobs), (6, 6))
    result = solve_cpsat(problem, time_limit=3)
    assert check_schedule(problem, result.starts) == result.makespan
    assert result.makespan <= level(problem, time_limit=0.3).makespan


def test_shared_hard_j30_instance():
    """j3013_1 (optimum 58, hard for the heuristic) in a few seconds: feasible, at least 58."""
    path = PSPLIB / "j30" / "j3013_1.sm"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared PSPLIB data is not on this machine")
    from kuroko.formats.psplib import read_psplib

    problem = read_psplib(path)
    result = solve_cpsat(problem, time_limit=5)
    assert check_schedule(problem, result.starts) == result.makespan >= 58
