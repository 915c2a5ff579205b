"""Resource levelling: `level(problem, *, time_limit, seed, max_schedules) -> LevelResult`.

The resource-constrained project scheduling problem (RCPSP): jobs with integer durations, finish-to-start
precedences and constant demands on renewable resources of fixed capacity; find start times that respect
both and make the project as short as possible. It is NP-hard, so `level()` is a heuristic (see
docs/engine/leveling.md):

- schedule generation schemes: the serial scheme (jobs in the order of an activity list, each at its
  earliest precedence- and resource-feasible time) and the parallel scheme (time-driven, starting the
  best-priority eligible jobs that fit);
- priority rules LFT, LST, MTS, GRPW, used as they are and with regret-based biased random sampling;
- forward–backward improvement (double justification): each schedule is right-justified and then
  left-justified, which never lengthens it and often shortens it;
- a genetic algorithm over activity lists (two-point crossover, precedence-respecting swap mutation),
  each child decoded by the serial scheme and justified, until the time or schedule budget is spent or
  the makespan reaches a lower bound.

Everything is seeded with ``random.Random(seed)``: with a `max_schedules` budget that is reached before
the time limit, the result depends on the seed only.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from kuroko.engine.graph import find_cycle

__all__ = [
    "Job",
    "LevelResult",
    "LevelingProblem",
    "ScheduleError",
    "check_schedule",
    "critical_path_bound",
    "level",
    "parallel_sgs",
    "priorities",
    "serial_sgs",
]

RULES = ("LFT", "LST", "MTS", "GRPW")


class ScheduleError(ValueError):
    """A schedule breaks a precedence or over-uses a resource; the message names which and when."""


@dataclass(frozen=True, slots=True)
class Job:
    """A job: integer duration, the jobs that may start only after it finishes, demand per resource."""

    id: str
    duration: int
    successors: tuple[str, ...] = ()
    demands: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("A job needs an id.")
        if isinstance(self.duration, bool) or not isinstance(self.duration, int) or self.duration < 0:
            raise ValueError(
                f"Job {self.id}: the duration must be a whole number ≥ 0, not {self.duration!r}."
            )
        for q in self.demands:
            if isinstance(q, bool) or not isinstance(q, int) or q < 0:
                raise ValueError(f"Job {self.id}: each demand must be a whole number ≥ 0, not {q!r}.")
        if self.id in self.successors:
            raise ValueError(f"Job {self.id} cannot succeed itself.")


@dataclass(frozen=True, slots=True)
class LevelingProblem:
    """Jobs and the capacity of each renewable resource (resource r is ``capacities[r]``)."""

    jobs: tuple[Job, ...]
    capacities: tuple[int, ...]
    name: str = ""

    def __post_init__(self) -> None:
        if not self.jobs:
            raise ValueError("A levelling problem needs at least one job.")
        for r, c in enumerate(self.capacities):
            if isinstance(c, bool) or not isinstance(c, int) or c < 0:
                raise ValueError(f"The capacity of resource {r + 1} must be a whole number ≥ 0, not {c!r}.")
        ids: set[str] = set()
        for job in self.jobs:
            if job.id in ids:
                raise ValueError(f"Job {job.id} appears twice.")
            ids.add(job.id)
        for job in self.jobs:
            if len(job.demands) != len(self.capacities):
                raise ValueError(
                    f"Job {job.id} has {len(job.demands)} demands but there are "
                    f"{len(self.capacities)} resources."
                )
            for r, (q, c) in enumerate(zip(job.demands, self.capacities, strict=True)):
                if q > c:
                    raise ValueError(
                        f"Job {job.id} needs {q} of resource {r + 1} but only {c} are available."
                    )
            for s in job.successors:
                if s not in ids:
                    raise ValueError(f"Job {job.id} has an unknown successor {s}.")
        cycle = find_cycle((job.id, s) for job in self.jobs for s in job.successors)
        if cycle is not None:
            raise ValueError("The precedences form a cycle: " + " → ".join(map(str, cycle)) + ".")


@dataclass(frozen=True, slots=True)
class LevelResult:
    """A resource-feasible schedule: start of every job (by id), its makespan and how it was found.

    `lower_bound` is the larger of the critical-path bound and the resource bound (total work of a
    resource over its capacity); `optimal` is True when the makespan reaches it (a proof of optimality).
    """

    makespan: int
    starts: Mapping[str, int]
    schedules: int
    critical_path_bound: int
    lower_bound: int
    optimal: bool
    seed: int = 0
    stopped_by: str = field(default="")

    def __post_init__(self) -> None:
        if self.makespan < self.lower_bound:
            raise ValueError(f"The makespan {self.makespan} is below the lower bound {self.lower_bound}.")


# ---------------------------------------------------------------------------------------------------
# Compiled form: jobs as indices 0..n-1, lists for the hot loops (pure Python beats numpy on the short
# per-job scans of the schedule generation schemes; numpy is used for the bounds and the checker).


@dataclass(slots=True)
class _Net:
    ids: list[str]
    dur: list[int]
    preds: list[list[int]]
    succs: list[list[int]]
    dem: list[tuple[tuple[int, int], ...]]  # nonzero (resource, quantity) pairs
    caps: list[int]
    horizon: int
    topo: list[int]
    pos: list[int]  # position of each job in `topo`
    es: list[int]
    lf: list[int]
    cp_bound: int
    lower_bound: int


def _compile(problem: LevelingProblem) -> _Net:
    ids = [job.id for job in problem.jobs]
    index = {j: i for i, j in enumerate(ids)}
    n = len(ids)
    dur = [job.duration for job in problem.jobs]
    succs = [sorted({index[s] for s in job.successors}) for job in problem.jobs]
    preds: list[list[int]] = [[] for _ in range(n)]
    for i, ss in enumerate(succs):
        for s in ss:
            preds[s].append(i)
    dem = [tuple((r, q) for r, q in enumerate(job.demands) if q > 0) for job in problem.jobs]
    # Kahn's order, smallest index first among the ready jobs (deterministic).
    count = [len(p) for p in preds]
    ready = [i for i in range(n) if count[i] == 0]
    heapq.heapify(ready)
    topo: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        topo.append(i)
        for s in succs[i]:
            count[s] -= 1
            if count[s] == 0:
                heapq.heappush(ready, s)
    pos = [0] * n
    for k, i in enumerate(topo):
        pos[i] = k
    es = [0] * n
    for i in topo:
        f = es[i] + dur[i]
        for s in succs[i]:
            if f > es[s]:
                es[s] = f
    cp = max(es[i] + dur[i] for i in range(n))
    lf = [cp] * n
    for i in reversed(topo):
        for s in succs[i]:
            v = lf[s] - dur[s]
            if v < lf[i]:
                lf[i] = v
    caps = list(problem.capacities)
    work = np.array([job.demands for job in problem.jobs], dtype=np.int64).reshape(n, len(caps))
    totals = (work * np.array(dur, dtype=np.int64)[:, None]).sum(axis=0)
    resource_bound = max(
        (-(-int(t) // c) for t, c in zip(totals, caps, strict=True) if c > 0),
        default=0,
    )
    return _Net(
        ids=ids,
        dur=dur,
        preds=preds,
        succs=succs,
        dem=dem,
        caps=caps,
        horizon=sum(dur) + 1,
        topo=topo,
        pos=pos,
        es=es,
        lf=lf,
        cp_bound=cp,
        lower_bound=max(cp, resource_bound),
    )


def _serial(
    order: Sequence[int],
    preds: list[list[int]],
    dur: list[int],
    dem: list[tuple[tuple[int, int], ...]],
    caps: list[int],
    horizon: int,
) -> tuple[list[int], int]:
    """Serial SGS: each job of `order` (precedence-feasible) at its earliest feasible start."""
    avail = [[c] * horizon for c in caps]
    n = len(dur)
    start = [0] * n
    finish = [0] * n
    makespan = 0
    for j in order:
        t = 0
        for p in preds[j]:
            f = finish[p]
            if f > t:
                t = f
        d = dur[j]
        dm = dem[j]
        if d and dm:
            while True:
                end = t + d
                lo = t - 1
                # the latest conflicting time unit in [t, end), so the next try jumps past it
                for r, q in dm:
                    a = avail[r]
                    for tt in range(end - 1, lo, -1):
                        if a[tt] < q:
                            lo = tt
                            break
                if lo < t:
                    break
                t = lo + 1
            for r, q in dm:
                a = avail[r]
                for tt in range(t, t + d):
                    a[tt] -= q
        start[j] = t
        f = t + d
        finish[j] = f
        if f > makespan:
            makespan = f
    return start, makespan


def _justify(net: _Net, start: list[int]) -> tuple[list[int], int, list[int]]:
    """Double justification: right-justify (serial SGS backwards by decreasing finish), then left-justify
    (serial SGS forwards by increasing start). Returns starts, makespan and the forward activity list."""
    dur, pos = net.dur, net.pos
    n = len(dur)
    back = sorted(range(n), key=lambda j: (-(start[j] + dur[j]), -pos[j]))
    rstart, rmk = _serial(back, net.succs, dur, net.dem, net.caps, net.horizon)
    shifted = [rmk - rstart[j] - dur[j] for j in range(n)]
    order = sorted(range(n), key=lambda j: (shifted[j], pos[j]))
    fstart, fmk = _serial(order, net.preds, dur, net.dem, net.caps, net.horizon)
    order = sorted(range(n), key=lambda j: (fstart[j], pos[j]))
    return fstart, fmk, order


def _parallel(net: _Net, key: Sequence[float]) -> tuple[list[int], int]:
    """Parallel SGS: at each decision time, start the eligible jobs (all predecessors finished) that fit,
    in increasing `key` order; then move to the next finish time."""
    dur, preds, succs, dem = net.dur, net.preds, net.succs, net.dem
    n = len(dur)
    avail = [[c] * net.horizon for c in net.caps]
    start = [0] * n
    finish = [0] * n
    left = [len(p) for p in preds]
    ready = {j for j in range(n) if left[j] == 0}
    es = [0] * n
    events: list[int] = [0]
    done = 0
    t = 0
    while done < n:
        while events and events[0] <= t:
            heapq.heappop(events)
        progress = True
        while progress:
            progress = False
            for j in sorted((j for j in ready if es[j] <= t), key=key.__getitem__):
                d = dur[j]
                ok = True
                for r, q in dem[j]:
                    a = avail[r]
                    for tt in range(t, t + d):
                        if a[tt] < q:
                            ok = False
                            break
                    if not ok:
                        break
                if not ok:
                    continue
                for r, q in dem[j]:
                    a = avail[r]
                    for tt in range(t, t + d):
                        a[tt] -= q
                start[j] = t
                finish[j] = t + d
                ready.discard(j)
                done += 1
                if d:
                    heapq.heappush(events, t + d)
                for s in succs[j]:
                    left[s] -= 1
                    if finish[j] > es[s]:
                        es[s] = finish[j]
                    if left[s] == 0:
                        ready.add(s)
                        if es[s] <= t:
                            progress = True
        if done < n:
            if not events:  # cannot happen with demands ≤ capacities; guards an endless loop
                raise AssertionError("parallel SGS stalled")
            t = heapq.heappop(events)
    return start, max(finish)


def _priority_values(net: _Net, rule: str) -> list[float]:
    """Priority value per job for `rule`; smaller is better."""
    dur = net.dur
    n = len(dur)
    if rule == "LFT":
        return [float(x) for x in net.lf]
    if rule == "LST":
        return [float(net.lf[j] - dur[j]) for j in range(n)]
    if rule == "MTS":
        reach = [0] * n  # bitset of all (transitive) successors
        for j in reversed(net.topo):
            bits = 0
            for s in net.succs[j]:
                bits |= reach[s] | (1 << s)
            reach[j] = bits
        return [-float(bin(b).count("1")) for b in reach]
    if rule == "GRPW":
        return [-float(dur[j] + sum(dur[s] for s in net.succs[j])) for j in range(n)]
    raise ValueError(f"Unknown priority rule {rule!r}; use one of {', '.join(RULES)}.")


def _activity_list(net: _Net, value: Sequence[float], rng: random.Random | None) -> list[int]:
    """A precedence-feasible activity list: repeatedly the eligible job of best priority value, or (with
    `rng`) one drawn with regret-based biased random sampling: weight (max value − value + 1)²."""
    n = len(net.dur)
    left = [len(p) for p in net.preds]
    eligible = [j for j in range(n) if left[j] == 0]
    order: list[int] = []
    while eligible:
        if rng is None:
            k = min(range(len(eligible)), key=lambda i: (value[eligible[i]], eligible[i]))
        else:
            worst = max(value[j] for j in eligible)
            weights = [(worst - value[j] + 1.0) ** 2 for j in eligible]
            x = rng.random() * sum(weights)
            k = 0
            for k, w in enumerate(weights):  # noqa: B007 - k is the drawn position
                x -= w
                if x < 0:
                    break
        j = eligible.pop(k)
        order.append(j)
        for s in net.succs[j]:
            left[s] -= 1
            if left[s] == 0:
                eligible.append(s)
    return order


# ---------------------------------------------------------------------------------------------------
# Public building blocks


def critical_path_bound(problem: LevelingProblem) -> int:
    """The longest path through the precedences, ignoring resources: a lower bound of any makespan."""
    return _compile(problem).cp_bound


def priorities(problem: LevelingProblem, rule: str) -> dict[str, float]:
    """Priority value of every job under `rule` (LFT, LST, MTS or GRPW); smaller is scheduled first."""
    net = _compile(problem)
    return dict(zip(net.ids, _priority_values(net, rule.upper()), strict=True))


def serial_sgs(problem: LevelingProblem, order: Sequence[str]) -> dict[str, int]:
    """Serial schedule generation: the jobs in `order` (a precedence-feasible list of every job id),
    each at its earliest precedence- and resource-feasible start."""
    net = _compile(problem)
    index = {j: i for i, j in enumerate(net.ids)}
    if sorted(order) != sorted(net.ids):
        raise ValueError("The activity list must name every job exactly once.")
    seq = [index[j] for j in order]
    placed: set[int] = set()
    for j in seq:
        for p in net.preds[j]:
            if p not in placed:
                raise ValueError(
                    f"The activity list puts job {net.ids[j]} before its predecessor {net.ids[p]}."
                )
        placed.add(j)
    start, _ = _serial(seq, net.preds, net.dur, net.dem, net.caps, net.horizon)
    return dict(zip(net.ids, start, strict=True))


def parallel_sgs(problem: LevelingProblem, rule: str = "LFT") -> dict[str, int]:
    """Parallel schedule generation with priority `rule` (LFT, LST, MTS or GRPW)."""
    net = _compile(problem)
    start, _ = _parallel(net, _priority_values(net, rule.upper()))
    return dict(zip(net.ids, start, strict=True))


def check_schedule(problem: LevelingProblem, starts: Mapping[str, int]) -> int:
    """Check that `starts` respects every precedence and capacity; return its makespan.

    Raises
    ------
    ScheduleError
        Naming the first job without a start, the violated precedence (both jobs and times), or the time
        unit and resource that is over capacity (with the usage and the jobs running then).
    """
    net = _compile(problem)
    n = len(net.ids)
    s = [0] * n
    for i, job in enumerate(net.ids):
        if job not in starts:
            raise ScheduleError(f"Job {job} has no start.")
        v = starts[job]
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ScheduleError(f"Job {job}: the start must be a whole number ≥ 0, not {v!r}.")
        s[i] = int(v)
    for i in range(n):
        f = s[i] + net.dur[i]
        for k in net.succs[i]:
            if s[k] < f:
                raise ScheduleError(
                    f"Job {net.ids[k]} starts at {s[k]} before its predecessor {net.ids[i]} finishes at {f}."
                )
    fin = np.array(s, dtype=np.int64) + np.array(net.dur, dtype=np.int64)
    makespan = int(fin.max()) if n else 0
    if net.caps and makespan:
        usage = np.zeros((makespan + 1, len(net.caps)), dtype=np.int64)
        demands = np.array([job.demands for job in problem.jobs], dtype=np.int64).reshape(n, len(net.caps))
        np.add.at(usage, np.array(s), demands)
        np.subtract.at(usage, fin, demands)
        usage = np.cumsum(usage, axis=0)[:makespan]
        over = usage > np.array(net.caps, dtype=np.int64)
        if over.any():
            t, r = (int(x) for x in np.argwhere(over)[0])
            running = [net.ids[i] for i in range(n) if s[i] <= t < fin[i] and problem.jobs[i].demands[r]]
            raise ScheduleError(
                f"At time unit {t} (from {t} to {t + 1}) resource {r + 1} is over capacity: "
                f"{int(usage[t, r])} used, {net.caps[r]} available (jobs {', '.join(running)})."
            )
    return makespan


# ---------------------------------------------------------------------------------------------------
# The search


def level(
    problem: LevelingProblem,
    *,
    time_limit: float = 1.0,
    seed: int = 0,
    max_schedules: int | None = None,
    population: int = 40,
    clock: Callable[[], float] = time.perf_counter,
) -> LevelResult:
    """Shorten the project under resource capacities: a heuristic search for a short feasible schedule.

    Parameters
    ----------
    problem
        Jobs, precedences, demands and capacities.
    time_limit
        Seconds of search (wall clock, one core); the search also stops at a proven optimum (the
        makespan reaches the lower bound).
    seed
        Seed of the random choices; the same seed with the same `max_schedules` budget gives the same
        result whenever the budget, not the clock, ends the search.
    max_schedules
        Stop after about this many generated schedules (each pass of a schedule generation scheme counts
        one); None for no budget other than the time limit.
    population
        Size of the genetic algorithm's population.
    clock
        Source of seconds for the time limit (a parameter so that tests can replace it).

    Returns
    -------
    LevelResult
        The best schedule found, feasible by construction (see `check_schedule`).
    """
    if time_limit <= 0:
        raise ValueError(f"The time limit must be positive, not {time_limit}.")
    if max_schedules is not None and max_schedules < 1:
        raise ValueError(f"The schedule budget must be at least 1, not {max_schedules}.")
    if population < 2:
        raise ValueError(f"The population needs at least 2 members, not {population}.")
    deadline = clock() + time_limit
    budget = max_schedules if max_schedules is not None else 1 << 62
    net = _compile(problem)
    rng = random.Random(seed)
    n = len(net.dur)
    count = 0
    best_start: list[int] = []
    best_mk = 1 << 62
    stopped_by = "budget"

    def stop() -> bool:
        nonlocal stopped_by
        if best_mk <= net.lower_bound:
            stopped_by = "optimal"
            return True
        if count >= budget:
            stopped_by = "budget"
            return True
        if clock() >= deadline:
            stopped_by = "time"
            return True
        return False

    def improve(start: list[int], mk: int) -> tuple[list[int], int, list[int]]:
        """Justify until it stops helping; record the best; return the final schedule and its list."""
        nonlocal count, best_start, best_mk
        while True:
            s2, mk2, order = _justify(net, start)
            count += 2
            if mk2 < mk:
                start, mk = s2, mk2
                continue
            if mk2 == mk:
                start = s2
            break
        if mk < best_mk:
            best_start, best_mk = start, mk
        return start, mk, order

    pop: list[tuple[int, list[int]]] = []
    values = {rule: _priority_values(net, rule) for rule in RULES}
    # deterministic passes: every rule with both schemes
    for rule in RULES:
        for scheme in ("serial", "parallel"):
            if scheme == "serial":
                s, mk = _serial(
                    _activity_list(net, values[rule], None),
                    net.preds,
                    net.dur,
                    net.dem,
                    net.caps,
                    net.horizon,
                )
            else:
                s, mk = _parallel(net, values[rule])
            count += 1
            s, mk, order = improve(s, mk)
            pop.append((mk, order))
            if stop():
                return _result(net, best_start, best_mk, count, seed, stopped_by)
    # biased random sampling (LFT and LST, both schemes) fills the population
    while len(pop) < population:
        rule = "LFT" if len(pop) % 2 else "LST"
        order = _activity_list(net, values[rule], rng)
        if len(pop) % 3 == 0:
            # parallel SGS driven by the sampled list: position in the list as priority
            key = [0.0] * n
            for k, j in enumerate(order):
                key[j] = float(k)
            s, mk = _parallel(net, key)
        else:
            s, mk = _serial(order, net.preds, net.dur, net.dem, net.caps, net.horizon)
        count += 1
        s, mk, order = improve(s, mk)
        pop.append((mk, order))
        if stop():
            return _result(net, best_start, best_mk, count, seed, stopped_by)
    # genetic algorithm over activity lists
    is_pred = [set(p) for p in net.preds]
    mutation = 0.05
    pop.sort(key=lambda x: x[0])
    pop = pop[:population]
    while True:
        children: list[tuple[int, list[int]]] = []
        for _ in range(population // 2):
            a = _tournament(pop, rng)
            b = _tournament(pop, rng)
            for mother, father in ((a, b), (b, a)):
                child = _crossover(mother, father, rng)
                for i in range(n - 1):
                    if rng.random() < mutation and child[i] not in is_pred[child[i + 1]]:
                        child[i], child[i + 1] = child[i + 1], child[i]
                s, mk = _serial(child, net.preds, net.dur, net.dem, net.caps, net.horizon)
                count += 1
                s, mk, order = improve(s, mk)
                children.append((mk, order))
                if stop():
                    return _result(net, best_start, best_mk, count, seed, stopped_by)
        # survivors: the best of parents and children, one per distinct list
        merged = sorted(pop + children, key=lambda x: x[0])
        seen: set[tuple[int, ...]] = set()
        pop = []
        for mk, order in merged:
            key_t = tuple(order)
            if key_t not in seen:
                seen.add(key_t)
                pop.append((mk, order))
            if len(pop) == population:
                break


def _tournament(pop: list[tuple[int, list[int]]], rng: random.Random) -> list[int]:
    a = pop[rng.randrange(len(pop))]
    b = pop[rng.randrange(len(pop))]
    return (a if a[0] <= b[0] else b)[1]


def _crossover(mother: list[int], father: list[int], rng: random.Random) -> list[int]:
    """Two-point crossover of activity lists (Hartmann 1998): the mother's head, then the father's order
    of the jobs not yet taken up to the second point, then the mother's order of the rest."""
    n = len(mother)
    q1 = rng.randrange(n + 1)
    q2 = rng.randrange(n + 1)
    if q1 > q2:
        q1, q2 = q2, q1
    child = mother[:q1]
    taken = set(child)
    for j in father:
        if len(child) >= q2:
            break
        if j not in taken:
            child.append(j)
            taken.add(j)
    for j in mother:
        if j not in taken:
            child.append(j)
    return child


def _result(net: _Net, start: list[int], mk: int, count: int, seed: int, stopped_by: str) -> LevelResult:
    return LevelResult(
        makespan=mk,
        starts=MappingProxyType(dict(zip(net.ids, start, strict=True))),
        schedules=count,
        critical_path_bound=net.cp_bound,
        lower_bound=net.lower_bound,
        optimal=mk <= net.lower_bound,
        seed=seed,
        stopped_by=stopped_by,
    )
