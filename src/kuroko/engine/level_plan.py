"""Levelling a scheduled plan: delay tasks so that nobody is booked beyond their capacity on any day.

`kuroko.engine.leveling` solves the textbook problem (PSPLIB: integer durations, finish-to-start links,
constant capacities). Real plans have more, and this module handles it on a grid of calendar days
(see docs/engine/level-plan.md):

- each task works the working days of its own calendar; its demand on each person is given per working
  day it runs (so contours and partial days are the caller's, already spread);
- people's capacities vary by day (their calendars, leave, part-time availability);
- all four link types with lags, measured in the successor's working days (or calendar days);
- tasks that must not move (started, manually scheduled, hard constraints, priority 1000) keep their
  days and their load;
- task and project priorities: among the tasks whose predecessors are placed, the most important are
  placed first, so levelling the portfolio delays the less important projects;
- optionally only within a task's float (`latest`): a task that cannot fit by then stays where its
  links put it and is reported as unresolved.

Tasks are placed one by one (a serial schedule generation scheme): each at the first working day from
where its links allow when every person it needs has room for its whole run. Several priority rules are
tried, then randomised variants, within a time limit and a pass budget, seeded; the best schedule by
(finish delay of the most important projects first, then of the others, then total delay) wins. For
every task that moved, the result says why: the person, day and tasks that held it back, or the
predecessor that pushed it.

Nothing here is approximated silently: a task never starts before its current start (the caller's
critical-path schedule, which already respects links, constraints and the status date), and a
predecessor's new days bound its successors conservatively (a successor of a moved task starts the
working day after it ends), so the critical-path engine given the new starts as "not before" dates
reproduces them.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from kuroko.engine.model import LinkType

__all__ = [
    "Conflict",
    "Demand",
    "LevelLink",
    "LevelPlanResult",
    "LevelTask",
    "Move",
    "PlanLevelling",
    "level_plan",
]

RULES = ("LST", "LFT", "FLOAT", "ES")
# How far randomised passes jitter the rule values, as a share of their range (on PSPLIB J30 with 200
# passes: 0.2 gives 1.1 % above the optimum, a fixed 5 days 1.5 %, 2 days 2.2 %).
SPREAD = 0.2
# Minutes of slack allowed when comparing a day's load with its capacity (rounding of spread work).
TOLERANCE = 0.5


@dataclass(frozen=True, slots=True)
class Demand:
    """Minutes of work a resource does on each working day of the task, from its first (offset 0)."""

    resource: str
    minutes: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class LevelTask:
    """A task as the leveller sees it.

    `start` is the calendar day (index from the problem's day 0) on which it starts now; `now` is its
    load there (per working day of its calendar from `start`), `moved` its load when it starts at the
    beginning of a working day (what a delayed task does). A milestone has no load and spans no day.
    `latest`, when given, is the last day it may start on (its late start: levelling within float).
    """

    id: str
    calendar: str
    start: int
    now: tuple[Demand, ...] = ()
    moved: tuple[Demand, ...] | None = None  # None: the same as `now`
    span: int = 1  # working days it runs when moved (0 for a milestone)
    span_now: int | None = None  # working days it runs now (None: `span`)
    priority: int = 500  # 0–1000 as in MS Project; 1000 never moves
    project: str = ""
    project_priority: int = 500
    fixed: bool = False
    latest: int | None = None
    late_start: int | None = None  # day of its late start, for the priority rules (None: its start)
    late_finish: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("A task needs an id.")
        if self.span < 0:
            raise ValueError(f"Task {self.name or self.id}: the span cannot be negative.")
        if not 0 <= self.priority <= 1000 or not 0 <= self.project_priority <= 1000:
            raise ValueError(f"Task {self.name or self.id}: priorities run from 0 to 1000.")
        for demand in (*self.now, *(self.moved or ())):
            if any(m < 0 for m in demand.minutes):
                raise ValueError(f"Task {self.name or self.id}: demand on {demand.resource} is negative.")

    @property
    def pinned(self) -> bool:
        return self.fixed or self.priority >= 1000


@dataclass(frozen=True, slots=True)
class LevelLink:
    """`successor` depends on `predecessor`; `lag` in working days of the successor's calendar (calendar
    days when `elapsed`), negative for a lead."""

    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag: int = 0
    elapsed: bool = False


@dataclass(frozen=True, slots=True)
class PlanLevelling:
    """Tasks, links, each calendar's working days (sorted day indices) and each resource's capacity in
    minutes per day (index 0 is day 0; days past the end have no capacity)."""

    tasks: tuple[LevelTask, ...]
    links: tuple[LevelLink, ...]
    workdays: Mapping[str, Sequence[int]]
    capacity: Mapping[str, Sequence[float]]
    within_float: bool = False

    def __post_init__(self) -> None:
        ids = set()
        for t in self.tasks:
            if t.id in ids:
                raise ValueError(f"Task {t.id} appears twice.")
            ids.add(t.id)
            if t.calendar not in self.workdays:
                raise ValueError(f"Task {t.name or t.id}: unknown calendar {t.calendar}.")
            for demand in (*t.now, *(t.moved or ())):
                if demand.resource not in self.capacity:
                    raise ValueError(f"Task {t.name or t.id}: unknown resource {demand.resource}.")
        for link in self.links:
            for end in (link.predecessor, link.successor):
                if end not in ids:
                    raise ValueError(f"A link refers to an unknown task {end}.")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why a task could not start earlier: `resource` had no room on `day` because of `tasks`."""

    resource: str
    day: int
    tasks: tuple[str, ...]
    load: float  # minutes already booked that day
    capacity: float
    need: float  # minutes the task needed that day


@dataclass(frozen=True, slots=True)
class Move:
    """A task that starts later than before: `days` working days later in all, `held` of them for want of
    resources (the rest because a predecessor moved)."""

    task: str
    was: int
    start: int
    days: int
    held: int
    conflict: Conflict | None = None
    pushed_by: str | None = None


@dataclass(frozen=True, slots=True)
class LevelPlanResult:
    """New start day of every task, the moves with their reasons, tasks whose conflicts could not be
    resolved (within float, or at all), and how the search went."""

    starts: Mapping[str, int]
    moves: tuple[Move, ...]
    unresolved: tuple[str, ...]
    score: tuple[int, ...]
    passes: int
    rule: str
    seed: int
    stopped_by: str
    project_delays: Mapping[str, int] = field(default_factory=dict)  # working days, by project


class _Net:
    """The problem compiled to indices and lists for the placement loop."""

    def __init__(self, p: PlanLevelling):
        tasks = p.tasks
        self.tasks = tasks
        self.n = n = len(tasks)
        index = {t.id: i for i, t in enumerate(tasks)}
        self.cal_days = {k: list(v) for k, v in p.workdays.items()}
        self.days = [self.cal_days[t.calendar] for t in tasks]
        self.horizon = max((len(c) for c in p.capacity.values()), default=0)
        # Days past a resource's list have no capacity.
        self.cap = {r: [*c, *([0.0] * (self.horizon - len(c)))] for r, c in p.capacity.items()}
        self.preds: list[list[tuple[int, LevelLink]]] = [[] for _ in range(n)]
        self.succs: list[list[int]] = [[] for _ in range(n)]
        for link in p.links:
            a, b = index[link.predecessor], index[link.successor]
            self.preds[b].append((a, link))
            self.succs[a].append(b)
        self.start_ord = [self.ordinal(i, t.start) for i, t in enumerate(tasks)]
        self.span_now = [t.span if t.span_now is None else t.span_now for t in tasks]
        self.latest = [
            None if t.latest is None or not p.within_float else self.ordinal(i, t.latest)
            for i, t in enumerate(tasks)
        ]
        self.now = [[(d.resource, d.minutes) for d in t.now if any(d.minutes)] for t in tasks]
        self.moved = [
            self.now[i] if t.moved is None else [(d.resource, d.minutes) for d in t.moved if any(d.minutes)]
            for i, t in enumerate(tasks)
        ]
        self.order = _topological(n, self.succs)
        self.pinned = [t.pinned for t in tasks]

    def ordinal(self, i: int, day: int) -> int:
        """The first working day of task i's calendar on or after `day`, as a position in its list."""
        return bisect_left(self.days[i], day)

    def day(self, i: int, ordinal: int) -> int:
        days = self.days[i]
        if ordinal < len(days):
            return days[ordinal]
        return (days[-1] if days else 0) + 1 + ordinal - len(days)  # past the calendar: beyond the horizon


def _topological(n: int, succs: list[list[int]]) -> list[int]:
    indegree = [0] * n
    for out in succs:
        for s in out:
            indegree[s] += 1
    ready = [i for i in range(n) if not indegree[i]]
    order: list[int] = []
    while ready:
        i = ready.pop()
        order.append(i)
        for s in succs[i]:
            indegree[s] -= 1
            if not indegree[s]:
                ready.append(s)
    if len(order) != n:
        raise ValueError("The links form a cycle; schedule the plan first to find it.")
    return order


@dataclass(slots=True)
class _Pass:
    ords: list[int]
    score: tuple[int, ...]
    rule: str
    unresolved: list[int]
    conflicts: dict[int, Conflict] = field(default_factory=dict)
    pushed: dict[int, int] = field(default_factory=dict)
    earliest: list[int] = field(default_factory=list)


def _bound(net: _Net, i: int, ords: list[int], spans: list[int]) -> tuple[int, int | None]:
    """The earliest working-day position of task i given where its predecessors are: its current
    start, or later where a moved predecessor's link needs it. Returns it and the binding predecessor."""
    best = net.start_ord[i]
    by: int | None = None
    for p, link in net.preds[i]:
        if ords[p] == net.start_ord[p]:
            continue  # an unmoved predecessor is already reflected in i's current start
        p_start = net.day(p, ords[p])
        p_finish = net.day(p, ords[p] + spans[p] - 1) if spans[p] else p_start
        kind = link.type
        if kind == LinkType.FS:
            ref = p_finish + 1 if spans[p] else p_start
        elif kind == LinkType.SS:
            ref = p_start
        elif kind == LinkType.FF:
            ref = p_finish
        else:  # SF
            ref = p_start
        if link.elapsed:
            ref += link.lag
            o = net.ordinal(i, ref)
        else:
            o = net.ordinal(i, ref) + link.lag
        if kind in (LinkType.FF, LinkType.SF):
            o -= max(
                min(spans[i], net.tasks[i].span) - 1, 0
            )  # the bound is on the finish: start so as to end on that day
        if o > best:
            best, by = o, p
    return best, by


def _serial(net: _Net, order: Sequence[int], explain: bool, rule: str) -> _Pass:
    n = net.n
    used = {r: [0.0] * len(c) for r, c in net.cap.items()}
    who: dict[tuple[str, int], list[int]] = {}
    ords = list(net.start_ord)
    spans = list(net.span_now)
    unresolved: list[int] = []
    result = _Pass(ords, (), rule, unresolved)
    result.earliest = list(net.start_ord)
    cap = net.cap
    horizon = net.horizon

    def book(i: int, o: int, pattern: list[tuple[str, tuple[float, ...]]]) -> None:
        days = net.days[i]
        for r, minutes in pattern:
            row = used[r]
            for k, m in enumerate(minutes):
                if m:
                    d = days[o + k] if o + k < len(days) else horizon
                    if d < horizon:
                        row[d] += m
                        if explain:
                            who.setdefault((r, d), []).append(i)

    def first_conflict(
        i: int, o: int, pattern: list[tuple[str, tuple[float, ...]]]
    ) -> tuple[int, str] | None:
        """The first offset (and resource) at which task i started at position o would overload."""
        days = net.days[i]
        worst: tuple[int, str] | None = None
        for r, minutes in pattern:
            row, c = used[r], cap[r]
            for k, m in enumerate(minutes):
                if not m:
                    continue
                if worst is not None and k >= worst[0]:
                    break
                if o + k >= len(days):
                    worst = (k, r)  # beyond the calendar: no room
                    break
                d = days[o + k]
                if d >= horizon:
                    worst = (k, r)
                    break
                u = row[d]
                # A task alone beyond someone's capacity (150 % units, leave) cannot be helped by moving
                # others: it fits wherever that person is otherwise free.
                if u + m > c[d] + TOLERANCE and u > TOLERANCE:
                    worst = (k, r)
                    break
        return worst

    # Pinned tasks first: they hold their days whatever the order.
    for i in range(n):
        if net.pinned[i]:
            book(i, ords[i], net.now[i])
    for i in order:
        if net.pinned[i]:
            continue
        e, by = _bound(net, i, ords, spans)
        result.earliest[i] = e
        if by is not None:
            result.pushed[i] = by
        limit = net.latest[i]
        o = e
        first: tuple[int, str, float] | None = None
        while True:
            # Where it is now it keeps its own load; moved, it starts at the beginning of a working day.
            pattern = net.now[i] if o == net.start_ord[i] else net.moved[i]
            hit = first_conflict(i, o, pattern) if pattern else None
            if hit is None:
                break
            if first is None:
                need = next(m[hit[0]] for r, m in pattern if r == hit[1])
                first = (o + hit[0], hit[1], need)
            o = o + hit[0] + 1
            if (limit is not None and o > max(limit, e)) or net.day(i, o) >= horizon:
                o = -1
                break
        if o < 0:  # no room within float (or the horizon): stays where its links put it
            o = e
            unresolved.append(i)
            pattern = net.now[i] if o == net.start_ord[i] else net.moved[i]
        if explain and first is not None and o > e:
            at, r, need = first
            d = net.day(i, at)
            result.conflicts[i] = Conflict(
                r, d, tuple(net.tasks[j].id for j in who.get((r, d), ())), used[r][d], cap[r][d], need
            )
        ords[i] = o
        spans[i] = net.span_now[i] if o == net.start_ord[i] else net.tasks[i].span
        book(i, o, pattern)
    result.score = _score(net, ords, spans)
    return result


def _finishes(net: _Net, ords: Sequence[int], spans: Sequence[int]) -> dict[str, int]:
    """The last day each project works on, with its tasks at `ords`."""
    out: dict[str, int] = {}
    for i, t in enumerate(net.tasks):
        d = net.day(i, ords[i] + max(spans[i] - 1, 0))
        if d > out.get(t.project, -1):
            out[t.project] = d
    return out


def _score(net: _Net, ords: list[int], spans: list[int]) -> tuple[int, ...]:
    """Finish delay (calendar days) of the projects, the most important projects' first, then the total
    delay of the tasks (working days): compared as tuples, so no delay of a less important project buys
    a delay of a more important one."""
    before, after = _finishes(net, net.start_ord, net.span_now), _finishes(net, ords, spans)
    by_priority: dict[int, int] = {}
    for t in net.tasks:
        by_priority.setdefault(t.project_priority, 0)
    priority_of = {t.project: t.project_priority for t in net.tasks}
    for project, new in after.items():
        by_priority[priority_of[project]] += new - before[project]
    total = sum(o - s for o, s in zip(ords, net.start_ord, strict=True))
    return (*(by_priority[p] for p in sorted(by_priority, reverse=True)), total)


def _values(net: _Net, rule: str) -> list[float]:
    out = []
    for t in net.tasks:
        if rule == "LST":
            v = t.late_start if t.late_start is not None else t.start
        elif rule == "LFT":
            v = t.late_finish if t.late_finish is not None else t.start
        elif rule == "FLOAT":
            v = (t.late_start if t.late_start is not None else t.start) - t.start
        else:  # ES
            v = t.start
        out.append(float(v))
    return out


def _order(net: _Net, value: Sequence[float], rng: random.Random | None, spread: float = 0.0) -> list[int]:
    """A precedence-feasible order: repeatedly the ready task that is most important (project priority,
    then task priority), then of least `value`; with `rng`, each value is jittered by up to `spread` of
    the values' range (randomised passes)."""
    import heapq

    tasks = net.tasks
    width = spread * (max(value, default=0.0) - min(value, default=0.0)) + 1.0
    noise = [rng.random() * width if rng else 0.0 for _ in range(net.n)]
    indegree = [len(p) for p in net.preds]

    def key(i: int) -> tuple[float, ...]:
        t = tasks[i]
        return (-t.project_priority, -t.priority, value[i] + noise[i], i)

    ready = [key(i) for i in range(net.n) if not indegree[i]]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        i = int(heapq.heappop(ready)[-1])
        out.append(i)
        for s in net.succs[i]:
            indegree[s] -= 1
            if not indegree[s]:
                heapq.heappush(ready, key(s))
    return out


def level_plan(
    problem: PlanLevelling,
    *,
    time_limit: float = 2.0,
    seed: int = 0,
    max_passes: int = 24,
    progress: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> LevelPlanResult:
    """Delay tasks so that no resource is over its capacity on any day, changing the plan as little as
    it can (see the module docstring). Deterministic for a seed when `max_passes`, not the clock, ends
    the search. `progress` is called with the share of the budget (passes or time) spent, 0–1, after
    each pass."""
    if time_limit <= 0:
        raise ValueError(f"The time limit must be positive, not {time_limit}.")
    if max_passes < 1:
        raise ValueError(f"At least one pass is needed, not {max_passes}.")
    net = _Net(problem)
    begun = clock()
    deadline = begun + time_limit
    rng = random.Random(seed)
    best: _Pass | None = None
    best_order: list[int] = []
    passes = 0
    stopped_by = "budget"
    plans: list[tuple[str, list[float], random.Random | None]] = [
        (rule, _values(net, rule), None) for rule in RULES
    ]
    while passes < max_passes:
        if passes < len(plans):
            rule, value, r = plans[passes]
        else:
            rule, value, r = "random", plans[passes % len(RULES)][1], rng
        order = _order(net, value, r, SPREAD)
        result = _serial(net, order, explain=False, rule=rule)
        passes += 1
        if best is None or result.score < best.score:
            best, best_order = result, order
        if progress is not None:
            progress(min(1.0, max(passes / max_passes, (clock() - begun) / time_limit)))
        if not any(best.score):
            stopped_by = "optimal"  # nothing delayed: no schedule can do better
            break
        if clock() >= deadline:
            stopped_by = "time"
            break
    assert best is not None
    final = _serial(net, best_order, explain=True, rule=best.rule)
    return _result(net, final, passes, seed, stopped_by)


def _result(net: _Net, p: _Pass, passes: int, seed: int, stopped_by: str) -> LevelPlanResult:
    moves = []
    starts = {}
    delays: dict[str, int] = {}
    for i, t in enumerate(net.tasks):
        start = net.day(i, p.ords[i])
        starts[t.id] = start
        days = p.ords[i] - net.start_ord[i]
        if days > 0:
            pushed = p.pushed.get(i)
            moves.append(
                Move(
                    t.id,
                    t.start,
                    start,
                    days,
                    p.ords[i] - p.earliest[i],
                    p.conflicts.get(i),
                    net.tasks[pushed].id if pushed is not None and p.earliest[i] > net.start_ord[i] else None,
                )
            )
    spans = [t.span if p.ords[i] != net.start_ord[i] else net.span_now[i] for i, t in enumerate(net.tasks)]
    before, after = _finishes(net, net.start_ord, net.span_now), _finishes(net, p.ords, spans)
    delays = {project: after[project] - before[project] for project in before}
    return LevelPlanResult(
        starts=MappingProxyType(starts),
        moves=tuple(moves),
        unresolved=tuple(net.tasks[i].id for i in p.unresolved),
        score=p.score,
        passes=passes,
        rule=p.rule,
        seed=seed,
        stopped_by=stopped_by,
        project_delays=MappingProxyType(delays),
    )
