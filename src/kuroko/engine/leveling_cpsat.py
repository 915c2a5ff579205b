"""Exact levelling with OR-Tools CP-SAT: `solve_cpsat(problem, *, time_limit, seed) -> LevelResult`.

Needs the optional extra ``kuroko[solver]`` (OR-Tools). One interval variable per job, precedences as
linear inequalities, one cumulative constraint per resource, the makespan minimised; the model is
warm-started with the heuristic's schedule (`level()` with a tenth of the time) and its makespan caps
the horizon. The result is proven optimal when CP-SAT says so (`optimal` is then True even above the
simple bounds), and `lower_bound` is CP-SAT's best bound.
"""

from __future__ import annotations

import importlib.util
import time
from types import MappingProxyType

from kuroko.engine.leveling import LevelingProblem, LevelResult, _compile, level

__all__ = ["SolverMissingError", "solve_cpsat"]


class SolverMissingError(RuntimeError):
    """OR-Tools is not installed; install the ``kuroko[solver]`` extra."""


def solve_cpsat(
    problem: LevelingProblem, *, time_limit: float = 10.0, seed: int = 0, workers: int = 1
) -> LevelResult:
    """Minimise the makespan with CP-SAT within `time_limit` seconds.

    Parameters
    ----------
    problem
        Jobs, precedences, demands and capacities.
    time_limit
        Seconds in total: a tenth for the heuristic warm start, the rest for CP-SAT.
    seed
        Seed of both the heuristic and CP-SAT (`random_seed`).
    workers
        CP-SAT search workers; 1 (the default) is deterministic for a seed up to the time limit.

    Returns
    -------
    LevelResult
        The best schedule found (at worst the heuristic's); ``stopped_by`` is ``optimal`` when proven.

    Raises
    ------
    SolverMissingError
        When OR-Tools is not installed.
    """
    if importlib.util.find_spec("ortools") is None:
        raise SolverMissingError("The CP-SAT solver needs OR-Tools: install kuroko[solver].")
    from ortools.sat.python import cp_model

    if time_limit <= 0:
        raise ValueError(f"The time limit must be positive, not {time_limit}.")
    began = time.perf_counter()
    warm = level(problem, time_limit=max(0.05, time_limit / 10), seed=seed)
    if warm.optimal:
        return warm
    net = _compile(problem)
    n = len(net.ids)
    horizon = warm.makespan
    model = cp_model.CpModel()
    starts = [
        model.new_int_var(net.es[j], net.lf[j] - net.dur[j] + horizon - net.cp_bound, f"s{j}")
        for j in range(n)
    ]
    intervals = [model.new_fixed_size_interval_var(starts[j], net.dur[j], f"i{j}") for j in range(n)]
    for j in range(n):
        for s in net.succs[j]:
            model.add(starts[s] >= starts[j] + net.dur[j])
    for r, cap in enumerate(net.caps):
        used = [(intervals[j], q) for j in range(n) for rr, q in net.dem[j] if rr == r and net.dur[j] > 0]
        if used:
            model.add_cumulative([i for i, _ in used], [q for _, q in used], cap)
    makespan = model.new_int_var(net.lower_bound, horizon, "makespan")
    for j in range(n):
        model.add(makespan >= starts[j] + net.dur[j])
    model.minimize(makespan)
    for j, job in enumerate(net.ids):
        model.add_hint(starts[j], warm.starts[job])
    solver = cp_model.CpSolver()
    # What is left of the time limit after the warm start and the model, less a margin for CP-SAT's own
    # start and stop, so that the whole call stays within `time_limit`.
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - began) - 0.1)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return warm
    value = int(solver.value(makespan))
    bound = max(net.lower_bound, int(solver.best_objective_bound))
    if value >= warm.makespan:
        result_starts = dict(warm.starts)
        value = warm.makespan
    else:
        result_starts = {job: int(solver.value(starts[j])) for j, job in enumerate(net.ids)}
    proven = status == cp_model.OPTIMAL or value <= bound
    return LevelResult(
        makespan=value,
        starts=MappingProxyType(result_starts),
        schedules=warm.schedules,
        critical_path_bound=net.cp_bound,
        lower_bound=value if proven else min(bound, value),
        optimal=proven,
        seed=seed,
        stopped_by="optimal" if proven else "time",
    )
