"""The CPM forward pass and the driving-path walk, vectorised across iterations.

`Network` compiles a plan once with the CPM engine's own structures (`cpm._Scheduler.prepare`: compiled
calendars, summary links expanded to leaf links, fast and slow links, a topological order) and then runs
the forward pass on a block of iterations at a time: every early start and finish is a numpy row with one
column per iteration. Tasks are processed by *level* (a task's level is one more than its predecessors'
highest), so that all the fast links into one level are one gather, one addition and one
`maximum.reduceat`; slow links (across calendars, elapsed or percent lags), constraints, progress and
manually scheduled tasks take the same steps as `cpm._Scheduler.run`, one task at a time but still across
all iterations at once. The result of each iteration is exactly what `schedule()` gives for the plan with
that iteration's durations (tests/engine/test_risk.py substitutes them and checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import WorkCalendar, to_minutes
from kuroko.engine.cpm import _Edge, _Scheduler
from kuroko.engine.model import ConstraintType, LagKind, Plan, Task

Ints = npt.NDArray[np.int64]
Index = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]

_NONE = -1  # "no position" in per-iteration maxima (positions are never negative)
_CAP = {ConstraintType.ASAP, ConstraintType.ALAP, ConstraintType.SNET}


@dataclass
class _Level:
    """The leaf tasks of one level and the links into them."""

    tasks: Index
    floor: Ints  # each task's start before its links: the project start, or constant bounds folded in
    # Fast links into these tasks, sorted by successor: the predecessor's position row (2p or 2p + 1),
    # the lag, the successor; rows binding the successor's finish (FF, SF) subtract its duration.
    keys: Index
    lags: Ints
    succ: Index
    finish_rows: Index
    finish_succ: Index
    segments: Index  # where each successor's links start (for maximum.reduceat)
    linked: Index  # the positions in `tasks` of the tasks with fast links
    # The same links grouped by predecessor, for the backward walk.
    by_pred: Index
    pred_segments: Index
    preds: Index
    slow: list[tuple[int, _Edge, int]] = field(default_factory=list)  # (slow link number, edge, position)
    special: list[tuple[int, int]] = field(default_factory=list)  # (task, position): per-task steps
    howset: list[int] = field(default_factory=list)


@dataclass
class Pass:
    """One block of iterations through the forward pass."""

    pos: Ints  # rows 2i and 2i + 1: task i's early start and finish positions, one column per iteration
    dur: Ints  # each task's duration as the pass used it (progress may stretch it)
    how: dict[int, npt.NDArray[np.int8]]  # how a binding link placed the task (cpm's `bound_by`)
    binds: list[Bools]  # per level, per fast link: it binds its successor's start
    slow_binds: list[Bools]


class Network:
    """A plan compiled for forward passes over blocks of iterations.

    Parameters
    ----------
    plan
        A plan scheduled forward (the caller turns a plan scheduled from its finish into one).
    zero
        Task indexes whose duration may be 0 in some iteration besides the planned zero-length ones
        (their instants and those of their successors follow MS Project's milestone conventions).
    report
        Task indexes whose finish instants are wanted (milestones, tasks with deadlines).
    lookback
        Years of calendar before the plan's earliest date (as `cpm.schedule` retries with).
    """

    def __init__(self, plan: Plan, *, zero: set[int], report: list[int], lookback: int = 1) -> None:
        self.plan = plan
        scheduler = _Scheduler(plan, lookback=lookback)
        prepared = scheduler.prepare()
        self.scheduler = scheduler
        tasks = plan.tasks
        self.tasks: tuple[Task, ...] = tasks
        n = self.n = len(tasks)
        self.cals = prepared.cals
        self.cal_list = scheduler.cal_list
        self.cal_no = prepared.cal_no
        self.project_calendar: WorkCalendar = scheduler.project_calendar
        self.fixed = prepared.fixed
        self.undated = prepared.undated
        self.ext_in = prepared.ext_in
        self.status = prepared.status
        self.project_start = prepared.project_start
        self.planned = np.asarray(prepared.dur, dtype=np.int64)  # spans: milestones 0, pauses included
        self.pauses = np.zeros(n, dtype=np.int64)
        for i, pause in scheduler.pauses.items():
            self.pauses[i] = pause
        self.is_summary = np.asarray(scheduler.is_summary, dtype=bool)
        self.leaves: Index = np.flatnonzero(~self.is_summary)
        self.order = prepared.order
        links = prepared.links
        self.in_fast = links.in_fast
        self.in_slow = links.in_slow
        start_of = np.asarray(prepared.start_of, dtype=np.int64)
        self.start_of = start_of

        # Per-task steps (cpm's _special_forward) for what cannot be folded into a constant floor.
        per_task = np.zeros(n, dtype=bool)
        floor = start_of.copy()
        self.changes_duration = False
        for i in self.leaves.tolist():
            t = tasks[i]
            manual = self.fixed is not None and self.fixed[i] and t.manual_start is not None
            dated = t.constraint_date is not None and t.constraint not in _CAP
            if manual or i in self.ext_in or dated or t.actual_start is not None:
                per_task[i] = True
                self.changes_duration |= t.actual_start is not None
                continue
            cal = self.cals[i]
            if self.status is not None and t.percent_complete == 0:
                floor[i] = max(floor[i], cal.to_work(self.status))
            if t.level_start is not None:
                floor[i] = max(floor[i], cal.to_work(to_minutes(t.level_start)))
            if t.constraint == ConstraintType.SNET and t.constraint_date is not None:
                floor[i] = max(floor[i], cal.to_work(to_minutes(t.constraint_date)))
        self.per_task = per_task

        # Zero-length tasks (now or in some iteration): their instants depend on how they were bound.
        for i in self.leaves.tolist():
            t = tasks[i]
            if t.actual_start is not None and t.actual_finish is not None:
                cal = self.cals[i]
                if cal.to_work(to_minutes(t.actual_finish)) <= cal.to_work(to_minutes(t.actual_start)):
                    zero.add(i)
        self.zero = {i for i in zero if not self.is_summary[i]} | {
            int(i) for i in self.leaves if self.planned[i] == 0
        }
        self.report = report
        howset = self.zero | set(report)

        # Levels.
        level = np.zeros(n, dtype=np.int64)
        for i in self.order:
            top = -1
            for key, _, _ in self.in_fast[i]:
                top = max(top, level[key >> 1])
            for e in self.in_slow.get(i, ()):
                top = max(top, level[e[0]])
            level[i] = top + 1
        key_a, offset_a, code_a, succ_a = links.fast_arrays
        finish_bound = (code_a >> 2) & 1
        lag_a = offset_a + finish_bound * self.planned[succ_a]
        arrangement = np.lexsort((np.arange(len(key_a)), succ_a, level[succ_a]))
        key_a, lag_a, succ_a, finish_bound = (a[arrangement] for a in (key_a, lag_a, succ_a, finish_bound))
        link_level = level[succ_a]
        leaf_level = level[self.leaves]
        depth = int(leaf_level.max()) + 1 if len(self.leaves) else 0
        bounds = np.searchsorted(link_level, np.arange(depth + 1))
        self.slow_edges: list[_Edge] = []
        self.levels: list[_Level] = []
        for lv in range(depth):
            members = self.leaves[leaf_level == lv]
            a, b = int(bounds[lv]), int(bounds[lv + 1])
            keys, lags, succ, tf = key_a[a:b], lag_a[a:b], succ_a[a:b], finish_bound[a:b]
            firsts = np.flatnonzero(np.r_[True, succ[1:] != succ[:-1]]) if b > a else np.zeros(0, np.intp)
            linked = np.searchsorted(members, succ[firsts])
            preds = keys >> 1
            by_pred = np.argsort(preds, kind="stable")
            sorted_preds = preds[by_pred]
            pred_firsts = (
                np.flatnonzero(np.r_[True, sorted_preds[1:] != sorted_preds[:-1]])
                if b > a
                else np.zeros(0, np.intp)
            )
            finish_rows = np.flatnonzero(tf)
            entry = _Level(
                tasks=members,
                floor=np.where(per_task[members], start_of[members], floor[members]),
                keys=keys.astype(np.intp),
                lags=lags,
                succ=succ.astype(np.intp),
                finish_rows=finish_rows,
                finish_succ=succ[finish_rows].astype(np.intp),
                segments=firsts,
                linked=linked,
                by_pred=by_pred,
                pred_segments=pred_firsts,
                preds=sorted_preds[pred_firsts].astype(np.intp),
            )
            position = {int(i): k for k, i in enumerate(members.tolist())}
            for i in members.tolist():
                for e in self.in_slow.get(i, ()):
                    entry.slow.append((len(self.slow_edges), e, position[i]))
                    self.slow_edges.append(e)
                if per_task[i]:
                    entry.special.append((i, position[i]))
                if i in howset:
                    entry.howset.append(i)
            self.levels.append(entry)

        # Leaf tasks per calendar, split into those never of zero length and the others.
        self.groups: list[tuple[WorkCalendar, Index, Index]] = []
        cal_of_leaf = np.asarray(self.cal_no, dtype=np.int64)[self.leaves]
        zero_mask = np.zeros(n, dtype=bool)
        zero_mask[list(self.zero)] = True
        for k, cal in enumerate(self.cal_list):
            members = self.leaves[cal_of_leaf == k]
            self.groups.append((cal, members[~zero_mask[members]], members[zero_mask[members]]))
        # Finished work is never critical, nor a manually scheduled task without dates (as in cpm).
        never = np.zeros(n, dtype=bool)
        for i in self.leaves.tolist():
            t = tasks[i]
            never[i] = t.actual_finish is not None or t.percent_complete >= 100
            if self.undated is not None and self.undated[i]:
                never[i] = True
        self.never_critical = never

    # Forward pass ----------

    def forward(self, dur: Ints, remaining: dict[int, Ints]) -> Pass:
        """Early start and finish positions of every leaf task for a block of iterations.

        `dur` holds every task's duration per iteration (n × iterations, pauses included);
        `remaining` the remaining duration of in-progress tasks that give one, per iteration.
        """
        n, width = dur.shape
        pos = np.zeros((2 * n, width), dtype=np.int64)
        final = dur.copy() if self.changes_duration else dur
        how: dict[int, npt.NDArray[np.int8]] = {}
        binds: list[Bools] = []
        slow_binds: list[Bools] = [np.zeros(0, dtype=bool)] * len(self.slow_edges)
        slow_bounds: dict[int, Ints] = {}
        for level in self.levels:
            tasks = level.tasks
            start = np.empty((len(tasks), width), dtype=np.int64)
            start[:] = level.floor[:, None]
            bound = None
            if len(level.keys):
                bound = pos[level.keys]
                bound += level.lags[:, None]
                if len(level.finish_rows):
                    bound[level.finish_rows] -= dur[level.finish_succ]
                best = np.maximum.reduceat(bound, level.segments, axis=0)
                start[level.linked] = np.maximum(start[level.linked], best)
            for number, e, k in level.slow:
                value = self._slow_bound(e, pos, dur, final)
                slow_bounds[number] = value
                np.maximum(start[k], value, out=start[k])
            for i, k in level.special:
                start[k], final[i], fixed_how = self._special(i, start[k], dur[i], remaining.get(i))
                if fixed_how is not None:
                    how[i] = fixed_how
            pos[2 * tasks] = start
            pos[2 * tasks + 1] = start + final[tasks]
            for i in level.howset:
                if i not in how:
                    how[i] = self._how(i, pos, dur, final, how)
            if bound is not None:
                binds.append(bound == pos[2 * level.succ])
            else:
                binds.append(np.zeros((0, width), dtype=bool))
            for number, e, _ in level.slow:
                slow_binds[number] = slow_bounds[number] == pos[2 * e[1]]
        return Pass(pos, final, how, binds, slow_binds)

    def _lag(self, e: _Edge, final: Ints) -> Ints | int:
        link = e[6]
        if link.lag_kind == LagKind.PERCENT:  # a share of the predecessor's work, without its pauses
            lag: Ints = np.rint((final[e[0]] - self.pauses[e[0]]) * link.lag / 100).astype(np.int64)
            return lag
        return e[4]

    def _slow_bound(self, e: _Edge, pos: Ints, dur: Ints, final: Ints) -> Ints:
        """cpm's `_forward_bound` for a block: the earliest start of the successor the link allows."""
        p, s, from_finish, to_finish, _lag, _fast, link = e
        lag = self._lag(e, final)
        ref = pos[2 * p + from_finish]
        cp, cs = self.cals[p], self.cals[s]
        elapsed = link.lag_kind == LagKind.ELAPSED
        if cp is cs and not elapsed:
            bound: Ints = ref + lag
        else:
            instant = cp.finishes_at(ref) if from_finish else cp.starts_at(ref)
            bound = cs.to_work_many(instant + lag) if elapsed else cs.to_work_many(instant) + lag
        if to_finish:
            bound = bound - dur[s]
        return bound

    def _special(
        self, i: int, start: Ints, d: Ints, remaining: Ints | None
    ) -> tuple[Ints, Ints, npt.NDArray[np.int8] | None]:
        """cpm's `_special_forward` for a block: links from other projects, the status date, constraints,
        progress and manual dates of task i. Returns its start, duration and, for a manually scheduled
        task, how it is shown."""
        t = self.tasks[i]
        cal = self.cals[i]
        width = len(start)
        if self.fixed is not None and self.fixed[i] and t.manual_start is not None:
            at = to_minutes(t.manual_start)
            first = cal.to_work(at)
            at_end = first > 0 and cal.finish_at(first) == at != cal.start_at(first)
            how = np.where(d == 0, np.int8(1 if at_end else 0), np.int8(0)).astype(np.int8)
            if t.actual_start is not None:
                first = cal.to_work(to_minutes(t.actual_start))
                if t.actual_finish is not None:
                    d = np.full(width, max(cal.to_work(to_minutes(t.actual_finish)) - first, 0))
            return np.full(width, first, dtype=np.int64), d, how
        scheduler = self.scheduler
        for ext_id, link in self.ext_in.get(i, ()):
            constant = scheduler._external_bound(ext_id, link, 0, cal)
            to_finish = link.type in ("FF", "SF")
            start = np.maximum(start, constant - d) if to_finish else np.maximum(start, constant)
        status = self.status
        if status is not None and t.actual_start is None and t.percent_complete == 0:
            start = np.maximum(start, cal.to_work(status))
        if t.level_start is not None:
            start = np.maximum(start, cal.to_work(to_minutes(t.level_start)))
        start = self._early_constraints(t, start, d, cal)
        if t.actual_start is not None:
            logic_start = start
            first = cal.to_work(to_minutes(t.actual_start))
            start = np.full(width, first, dtype=np.int64)
            if t.actual_finish is not None:
                d = np.full(width, max(cal.to_work(to_minutes(t.actual_finish)) - first, 0), dtype=np.int64)
            elif status is not None and t.percent_complete < 100:
                work = d - self.pauses[i]
                if remaining is None:
                    if t.remaining_duration is not None:
                        remaining = np.full(width, t.remaining_duration, dtype=np.int64)
                    else:
                        remaining = np.rint(work * (100 - t.percent_complete) / 100).astype(np.int64)
                resume: Ints | int = cal.to_work(status)
                if self.plan.retained_logic:
                    resume = np.maximum(resume, logic_start)
                d = np.maximum(start + d, resume + remaining) - start
        return start, d, None

    def _early_constraints(self, t: Task, start: Ints, d: Ints, cal: WorkCalendar) -> Ints:
        c = t.constraint
        if c in (ConstraintType.ASAP, ConstraintType.ALAP) or t.constraint_date is None:
            return start
        at = cal.to_work(to_minutes(t.constraint_date))
        honor = self.plan.honor_constraints
        if c == ConstraintType.SNET:
            return np.maximum(start, at)
        if c == ConstraintType.FNET:
            return np.maximum(start, at - d)
        if c == ConstraintType.MSO:
            return np.full_like(start, at) if honor else np.maximum(start, at)
        if c == ConstraintType.MFO:
            return at - d if honor else np.maximum(start, at - d)
        if honor:
            if c == ConstraintType.SNLT:
                return np.minimum(start, at)
            if c == ConstraintType.FNLT:
                return np.minimum(start, at - d)
        return start

    def _how(
        self, i: int, pos: Ints, dur: Ints, final: Ints, how: dict[int, npt.NDArray[np.int8]]
    ) -> npt.NDArray[np.int8]:
        """cpm's `bound_by` of task i per iteration: replays its links in the scheduler's order (the first
        link reaching the latest bound decides; a tie with a link of no particular kind lets a later one
        decide)."""
        width = pos.shape[1]
        start = np.full(width, self.start_of[i], dtype=np.int64)
        out = np.zeros(width, dtype=np.int8)
        zero8 = np.zeros(width, dtype=np.int8)
        for key, offset, code in self.in_fast[i]:
            to_finish = bool(code & 4)
            bound = pos[key] + (offset + (self.planned[i] if to_finish else 0))
            if to_finish:
                bound = bound - dur[i]
            update = (bound > start) | ((bound == start) & (out == 0))
            kind = code & 3
            if kind == 3:  # from a finish without lag: depends on the predecessor (cpm's _how)
                p = key >> 1
                value = np.where((final[p] != 0) | (how.get(p, zero8) == 1), 1, 0).astype(np.int8)
            else:
                value = np.full(width, kind, dtype=np.int8)
            start = np.where(update, bound, start)
            out = np.where(update, value, out).astype(np.int8)
        for e in self.in_slow.get(i, ()):
            bound = self._slow_bound(e, pos, dur, final)
            update = (bound > start) | ((bound == start) & (out == 0))
            p = e[0]
            lag = self._lag(e, final)
            if e[2]:  # from the predecessor's finish
                value = np.where(
                    (np.asarray(lag) > 0) | (final[p] != 0) | (how.get(p, zero8) == 1), 1, 0
                ).astype(np.int8)
            else:
                value = np.where(e[3] & (np.asarray(lag) <= 0), 2, 0).astype(np.int8) * np.ones(
                    width, dtype=np.int8
                )
            start = np.where(update, bound, start)
            out = np.where(update, value, out).astype(np.int8)
        return out

    # Instants ----------

    def finish_instants(self, run: Pass) -> Ints:
        """The project finish of each iteration, in minutes since EPOCH (cpm: the latest early finish,
        read as a finish, or as a start for a milestone shown at its start)."""
        pos, final = run.pos, run.dur
        width = pos.shape[1]
        finish = np.full(width, np.iinfo(np.int64).min, dtype=np.int64)
        for cal, plain, zero in self.groups:
            latest = pos[2 * plain + 1].max(axis=0) if len(plain) else np.full(width, _NONE)
            if len(zero):
                ef = pos[2 * zero + 1]
                shown_at_start = (final[zero] == 0) & (
                    np.stack([run.how[int(i)] for i in zero.tolist()]) != 1
                )
                latest = np.maximum(latest, np.where(shown_at_start, _NONE, ef).max(axis=0))
                at_start = np.where(shown_at_start, ef, _NONE).max(axis=0)
                if (at_start > _NONE).any():
                    instants = cal.starts_at(np.maximum(at_start, 0))
                    finish = np.maximum(finish, np.where(at_start > _NONE, instants, finish))
            if (latest > _NONE).any():
                instants = cal.finishes_at(np.maximum(latest, 0))
                finish = np.maximum(finish, np.where(latest > _NONE, instants, finish))
        # A plan without tasks finishes where it starts.
        return np.where(finish == np.iinfo(np.int64).min, self.project_start, finish)

    def task_finish_instants(self, run: Pass, i: int) -> Ints:
        """The early finish of task i per iteration, as `schedule()` shows it (minutes since EPOCH)."""
        cal = self.cals[i]
        ef = run.pos[2 * i + 1]
        finishes, starts = cal.finishes_and_starts_at(ef)
        zero = run.dur[i] == 0
        how = run.how[i]
        at_finish = zero & (how == 1) & (finishes >= self.project_start)
        chosen: Ints = np.where((how == 2) | (zero & ~at_finish), starts, finishes)
        return chosen

    # Driving paths ----------

    def critical(self, run: Pass, finish: Ints) -> Bools:
        """Per task and iteration: on a driving path to the project finish. A leaf task finishing at the
        project finish is; a predecessor is when one of its links binds a critical successor's start
        (the bound equals it; ties count). Finished tasks are not (their rows are False)."""
        pos = run.pos
        n, width = self.n, pos.shape[1]
        crit = np.zeros((n, width), dtype=bool)
        for cal, plain, zero in self.groups:
            members = np.concatenate([plain, zero])
            if len(members):
                at = cal.to_work_many(finish)
                crit[members] = pos[2 * members + 1] >= at
        for level, binds in zip(reversed(self.levels), reversed(run.binds), strict=True):
            if len(level.keys):
                pushed = crit[level.succ] & binds
                merged = np.logical_or.reduceat(pushed[level.by_pred], level.pred_segments, axis=0)
                crit[level.preds] |= merged
            for number, e, _ in reversed(level.slow):
                crit[e[0]] |= crit[e[1]] & run.slow_binds[number]
        crit[self.never_critical] = False
        return crit
