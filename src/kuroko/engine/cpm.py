"""Critical path method: `schedule(plan) -> Schedule`.

Each leaf task is scheduled in the working time of its own calendar (the project calendar unless it has
one; elapsed-duration tasks use a 24-hour calendar). Positions are integers — working minutes from the
calendar's horizon start — so the forward and backward passes are integer arithmetic; instants are
converted only where a link crosses calendars or has an elapsed lag, and once at the end, in bulk.

Semantics follow MS Project (see docs/engine/cpm.md):

- FS: successor start ≥ predecessor finish + lag; SS: start ≥ start + lag; FF: finish ≥ finish + lag;
  SF: finish ≥ start + lag. Work lags are in the successor's calendar; percent lags are a share of the
  predecessor's duration.
- Links to a summary task apply to every task under it; links from a summary come from every task under it.
- Constraints: SNET, FNET, MSO, MFO bound the early dates; SNLT, FNLT, MSO, MFO and deadlines bound the
  late dates; with `honor_constraints` an SNLT/FNLT also caps the early dates (and negative float shows
  the conflict). ALAP tasks are placed at their late dates.
- Without successors a task's late finish is the project finish. Total float = late start − early start;
  free float = how far a task can slip without delaying any successor's early dates.
- Manually scheduled tasks with a start keep it (links, constraints and the status date do not move them)
  and drive their successors; links from their start do not bound their late dates. Split tasks span
  their duration and their pauses.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from functools import partial
from itertools import chain, repeat
from operator import attrgetter
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt

from kuroko.engine.calendar import HorizonError, WorkCalendar, datetimes, from_minutes, to_minutes
from kuroko.engine.graph import find_cycle
from kuroko.engine.model import (
    FULL_WEEK,
    Calendar,
    ConstraintType,
    LagKind,
    Link,
    LinkType,
    Plan,
    Problem,
    Schedule,
    Task,
    TaskSchedule,
)

_FULL_CALENDAR_ID = "__24h__"
_BIG = 1 << 60


class PlanError(ValueError):
    """The plan cannot be scheduled; `problems` names each task and what is wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.task}: {p.message}" for p in problems))


class CycleError(PlanError):
    """The links form a loop; `cycle` lists the tasks in it (first repeated at the end)."""

    def __init__(self, cycle: list[str], names: dict[str, str]):
        self.cycle = cycle
        text = " → ".join(names.get(t, t) for t in cycle)
        super().__init__([Problem(cycle[0], f"the links form a cycle: {text}")])


# A "slow" link between two leaf tasks (across calendars, or with an elapsed or percent lag), as a plain
# tuple: (pred, succ, from_finish, to_finish, lag_minutes, fast, link). `from_finish`: the link leaves
# from the predecessor's finish (FS, FF); `to_finish`: it binds the successor's finish (FF, SF).
_Edge = tuple[int, int, bool, bool, int, bool, Link]

# A "fast" link (both ends on one calendar, a lag of fixed working time), in the incoming list of its
# successor S, as (key, offset, code):
# - key = 2 × predecessor + from_finish indexes the predecessor's early start (even) or finish (odd) in
#   the interleaved list of early positions, so the forward bound on S's start is `pos[key] + offset`;
# - offset = lag − (S's planned duration when the link binds S's finish);
# - code = how + 4 × to_finish, where how is what `_how` gives when the link binds (0, 1 or 2), or 3 when
#   that depends on the predecessor's final duration and how it was bound itself (a link from a finish
#   without a positive lag).
# The backward pass pushes `late start of S − offset` to the same key (a bound on the predecessor's finish
# when odd, on its start when even); free float takes the same bound from S's early start, in bulk.
_Fast = tuple[int, int, int]
_DYNAMIC_HOW = 3

# (from_finish, to_finish) per link type: FS and FF leave from the predecessor's finish; FF and SF bind the
# successor's finish.
_ENDS = {
    LinkType.FS: (True, False),
    LinkType.SS: (False, False),
    LinkType.FF: (True, True),
    LinkType.SF: (False, True),
}
# The same as 2 × from_finish + to_finish.
_END_CODE = {kind: 2 * ff + tf for kind, (ff, tf) in _ENDS.items()}

_task_id = attrgetter("id")
_parent = attrgetter("parent")
_calendar = attrgetter("calendar")
_elapsed = attrgetter("elapsed")
_duration = attrgetter("duration")
_milestone = attrgetter("milestone")
_constraint = attrgetter("constraint")
_constraint_date = attrgetter("constraint_date")
_deadline = attrgetter("deadline")
_actual_start = attrgetter("actual_start")
_level_start = attrgetter("level_start")
_manual = attrgetter("manual")
_manual_start = attrgetter("manual_start")
_splits = attrgetter("splits")
_predecessor = attrgetter("predecessor")
_successor = attrgetter("successor")
_link_type = attrgetter("type")
_lag_kind = attrgetter("lag_kind")
_lag_value = attrgetter("lag")
# TaskSchedule rows straight from tuples of their eleven fields (what NamedTuple._make does, without a
# Python-level call per row).
_task_schedule_row = cast(
    "Callable[[tuple[object, ...]], TaskSchedule]", partial(tuple.__new__, TaskSchedule)
)
# Lags and durations up to this size take the vectorised path (int64 arithmetic cannot overflow).
_NUMPY_SAFE = 1 << 50


def _how(from_finish: bool, to_finish: bool, lag: int, pred_duration: int, pred_how: int) -> int:
    """How a binding link places the successor's instants (see `bound_by` in `run`).

    1: after a finish — a milestone sits at that finish (17:00), unless the predecessor is itself a
    milestone shown at a start and there is no lag; 2: an SF link with no positive lag reads the
    predecessor's start instant itself, so the successor's finish shows as a start (08:00), as MS Project
    does; with a lag, adding working time ends at a finish. 0: otherwise.
    """
    if from_finish:
        return 1 if lag > 0 or pred_duration or pred_how == 1 else 0
    return 2 if to_finish and lag <= 0 else 0


def _fast_code(from_finish: bool, to_finish: bool, lag: int) -> int:
    """The `code` of a fast link (see _Fast)."""
    if from_finish:
        return (1 if lag > 0 else _DYNAMIC_HOW) + 4 * to_finish
    return (2 if to_finish and lag <= 0 else 0) + 4 * to_finish


class _Links(NamedTuple):
    """The links of a plan sorted for the passes, per leaf task index."""

    in_fast: list[list[_Fast]]
    in_slow: dict[int, list[_Edge]]  # by successor
    out_slow: dict[int, list[_Edge]]  # by predecessor
    external: list[tuple[str, int, Link]]
    # Every link between leaf tasks goes from a lower to a higher index: the plan's own order is then
    # a topological order.
    ascending: bool
    pairs: list[tuple[int, int]] | None  # (predecessor, successor) in link order, when not ascending
    # The fast links again as arrays (key, offset, code, successor), for free float in bulk.
    fast_arrays: tuple[
        npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
    ]


class Prepared(NamedTuple):
    """What `_Scheduler.prepare` compiles from a plan for the passes (indexes are task indexes in plan
    order; positions are working minutes of each task's calendar)."""

    cals: list[WorkCalendar]  # each task's compiled calendar
    cal_no: list[int]  # its number among the distinct calendars (`_Scheduler.cal_list`)
    dur: list[int]  # planned durations: 0 for milestones, split tasks' pauses included
    fixed: bytearray | None  # manually scheduled tasks with a start (None: there are none)
    undated: bytearray | None  # manually scheduled tasks without dates
    links: _Links
    order: list[int]  # the leaf tasks in a topological order
    ext_in: dict[int, list[tuple[str, Link]]]  # links from tasks of other projects, by successor
    project_start: int  # minutes since EPOCH
    status: int | None  # the status date, minutes since EPOCH
    start_of: list[int]  # the project start as a position of each task's calendar
    constraints: list[ConstraintType]
    special: bytearray  # tasks whose forward step needs `_special_forward`


def schedule(plan: Plan) -> Schedule:
    """Compute early, late and scheduled dates, floats and the critical path of every task.

    Raises
    ------
    CycleError
        If the links form a loop (the message names every task in it).
    PlanError
        If links refer to missing tasks or calendars are missing (each problem names its task).
    """
    # The passes allocate many small tuples and lists but create no reference cycles, so the cyclic
    # garbage collector only costs time here (about a quarter of a 10,000-task run).
    collecting = gc.isenabled()
    gc.disable()
    try:
        lookback = 1
        while True:
            try:
                return _Scheduler(plan, lookback=lookback).run()
            except HorizonError:
                # Late dates (or a backward-scheduled plan) reach further into the past than the
                # calendars were compiled for: compile them further back and schedule again.
                if lookback > 1000:
                    raise
                lookback *= 8
    finally:
        if collecting:
            gc.enable()


class _Scheduler:
    bound_by: bytearray

    def __init__(self, plan: Plan, *, lookback: int = 1):
        self.plan = plan
        self.lookback = lookback
        tasks = plan.tasks
        n = len(tasks)
        # Attribute lists are read once with C-level maps; the checks below loop in Python only when
        # something may be wrong, so that a valid plan costs a few passes of C code.
        self.ids = ids = list(map(_task_id, tasks))
        self.index = index = dict(zip(ids, range(n), strict=True))
        problems: list[Problem] = []
        if len(index) != n:
            seen: set[str] = set()
            for t in tasks:
                if t.id in seen:
                    problems.append(Problem(t.id, "this task id appears more than once"))
                seen.add(t.id)
        self.children: dict[int, list[int]] = defaultdict(list)
        parents = list(map(_parent, tasks))
        if parents.count(None) != n:
            for i, parent in enumerate(parents):
                if parent is not None:
                    if parent not in index:
                        problems.append(Problem(tasks[i].id, f"its parent {parent!r} does not exist"))
                    else:
                        self.children[index[parent]].append(i)
        children = self.children
        self.is_summary = [bool(children.get(i)) for i in range(n)] if children else [False] * n
        if not problems and children:
            parent_of = {t.id: t.parent for t in tasks if t.parent is not None}
            loop = find_cycle(parent_of.items())
            if loop:
                names = " → ".join(str(x) for x in loop)
                problems.append(Problem(str(loop[0]), f"its parent tasks form a loop: {names}"))
        by_cal = {c.id: c for c in plan.calendars}
        self.task_calendars = list(map(_calendar, tasks))
        used = set(self.task_calendars)
        used.discard(None)
        if not used <= by_cal.keys():
            for t in tasks:
                if t.calendar is not None and t.calendar not in by_cal:
                    problems.append(Problem(t.id, f"its calendar {t.calendar!r} does not exist"))
        self.external = {e.id: e for e in plan.external}
        links = plan.links
        # The task indexes of each link's ends, when every link joins two tasks of the plan (else the
        # links are checked and sorted one by one).
        self.link_ends: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
        if not self.external:
            with suppress(KeyError):  # a link to a task that does not exist: reported below
                self.link_ends = (
                    np.fromiter(map(index.__getitem__, map(_predecessor, links)), np.int64, len(links)),
                    np.fromiter(map(index.__getitem__, map(_successor, links)), np.int64, len(links)),
                )
        if self.link_ends is None:
            for link in links:
                for end in (link.predecessor, link.successor):
                    if end not in index and end not in self.external:
                        problems.append(Problem(end, f"a link refers to task {end!r}, which does not exist"))
                if link.successor in self.external:
                    problems.append(Problem(link.successor, "a link cannot drive a task of another project"))
        if problems:
            raise PlanError(problems)
        self.by_cal = by_cal
        self.problems: list[Problem] = []

    # Calendars ----------

    def _calendars(self) -> tuple[list[WorkCalendar], list[int]]:
        """The compiled calendar of each task, and its number among the distinct ones (`self.cal_list`)."""
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        compiled: dict[str, WorkCalendar] = {}
        # The calendars' horizon must reach back to the earliest date in the plan (actuals may precede
        # the project start); it grows forward on its own.
        dates = [plan.start]
        self.actual_starts = list(map(_actual_start, tasks))
        self.deadlines = list(map(_deadline, tasks))
        self.level_starts = list(map(_level_start, tasks))
        # Manually scheduled tasks keep their dates, which may precede the project start.
        self.manual_starts = list(map(_manual_start, tasks)) if any(map(_manual, tasks)) else None
        starts = set(self.manual_starts or ())
        for values in (
            set(self.actual_starts),
            set(map(_constraint_date, tasks)),
            set(self.deadlines),
            set(self.level_starts),
            starts,
        ):
            values.discard(None)
            dates.extend(values)
        dates.extend(e.start for e in plan.external)
        if plan.status_date:
            dates.append(plan.status_date)
        around = min(dates)

        def compile_calendar(key: str) -> WorkCalendar:
            cal = (
                Calendar(_FULL_CALENDAR_ID, "24 hours", FULL_WEEK)
                if key == _FULL_CALENDAR_ID
                else self.by_cal[key]
            )
            return WorkCalendar(cal, self.by_cal, around=around, lookback=self.lookback)

        numbers: dict[str, int] = {}
        cal_list: list[WorkCalendar] = []
        if n and self.task_calendars.count(None) == n and not any(map(_elapsed, tasks)):
            compiled[plan.calendar] = compile_calendar(plan.calendar)  # every task on the project calendar
            cal_list.append(compiled[plan.calendar])
            cals, cal_no = [cal_list[0]] * n, [0] * n
        else:
            cals, cal_no = [], []
            for t in tasks:
                key = _FULL_CALENDAR_ID if t.elapsed else (t.calendar or plan.calendar)
                if key not in compiled:
                    compiled[key] = compile_calendar(key)
                    numbers[key] = len(cal_list)
                    cal_list.append(compiled[key])
                cals.append(compiled[key])
                cal_no.append(numbers[key])
        self.cal_list = cal_list
        self.project_calendar = compiled.get(plan.calendar) or WorkCalendar(
            self.by_cal[plan.calendar], self.by_cal, around=around, lookback=self.lookback
        )
        return cals, cal_no

    # Links ----------

    def _leaves_under(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            node = stack.pop()
            kids = self.children.get(node)
            if kids:
                stack.extend(kids)
            else:
                out.append(node)
        return out

    def _edges(self, cal_no: list[int], dur: list[int]) -> _Links:
        """Links between leaf tasks (summary links expanded) sorted into per-task lists, and links from
        tasks of other projects."""
        if self.link_ends is not None and len(self.plan.links):
            is_summary = np.asarray(self.is_summary, dtype=bool)
            p_arr, s_arr = self.link_ends
            if not (is_summary[p_arr].any() or is_summary[s_arr].any()):
                vectorised = self._leaf_edges(cal_no, dur, p_arr, s_arr)
                if vectorised is not None:
                    return vectorised
        return self._general_edges(cal_no, dur)

    def _leaf_edges(
        self,
        cal_no: list[int],
        dur: list[int],
        p_arr: npt.NDArray[np.int64],
        s_arr: npt.NDArray[np.int64],
    ) -> _Links | None:
        """`_edges` for plans whose links all join two leaf tasks of the plan (the common case), with
        numpy: the fast links are sorted by successor (keeping link order) and cut into per-task lists.
        None when lags or durations are not integers that int64 arithmetic holds."""
        n = len(self.plan.tasks)
        links = self.plan.links
        m = len(links)
        kinds = list(map(_lag_kind, links))
        work = LagKind.WORK
        all_work = kinds.count(work) == m
        lag_values = np.fromiter(map(_lag_value, links), np.float64, m)
        durations = np.asarray(dur)
        if (
            not (np.abs(lag_values) < _NUMPY_SAFE).all()
            or durations.dtype.kind != "i"
            or max(dur, default=0) >= _NUMPY_SAFE
        ):
            return None
        lag_a = np.rint(lag_values).astype(np.int64)  # as round(): halves to even
        code = np.fromiter(map(_END_CODE.__getitem__, map(_link_type, links)), np.int64, m)
        ff = code >> 1
        tf = code & 1
        fast = np.ones(m, dtype=bool)
        if not all_work:
            fast &= np.asarray([kind == work for kind in kinds], dtype=bool)
            lag_a[np.asarray([kind == LagKind.PERCENT for kind in kinds], dtype=bool)] = 0
        if len(self.cal_list) > 1:
            cal_a = np.asarray(cal_no, dtype=np.int64)
            fast &= cal_a[p_arr] == cal_a[s_arr]
        if not fast.all():
            keep = np.flatnonzero(fast)
            p_f, s_f, ff_f, tf_f, lag_f = p_arr[keep], s_arr[keep], ff[keep], tf[keep], lag_a[keep]
        else:
            p_f, s_f, ff_f, tf_f, lag_f = p_arr, s_arr, ff, tf, lag_a
        by_successor = np.argsort(s_f, kind="stable")  # stable: each task's links stay in link order
        p_f, s_f, ff_f, tf_f, lag_f = (a[by_successor] for a in (p_f, s_f, ff_f, tf_f, lag_f))
        offset = lag_f - durations[s_f] * tf_f
        how = np.where(
            ff_f == 1, np.where(lag_f > 0, 1, _DYNAMIC_HOW), np.where((tf_f == 1) & (lag_f <= 0), 2, 0)
        )
        key, code = 2 * p_f + ff_f, how + 4 * tf_f
        rows: list[_Fast] = list(zip(key.tolist(), offset.tolist(), code.tolist(), strict=True))
        ends = np.cumsum(np.bincount(s_f, minlength=n)).tolist()
        in_fast = [rows[a:b] for a, b in zip([0, *ends], ends, strict=False)]
        in_slow: dict[int, list[_Edge]] = {}
        out_slow: dict[int, list[_Edge]] = {}
        for j in np.flatnonzero(~fast).tolist():
            link = links[j]
            p, s = int(p_arr[j]), int(s_arr[j])
            from_finish, to_finish = _ENDS[link.type]
            edge = (p, s, from_finish, to_finish, int(lag_a[j]), False, link)
            in_slow.setdefault(s, []).append(edge)
            out_slow.setdefault(p, []).append(edge)
        ascending = bool((p_arr < s_arr).all())
        pairs = None if ascending else list(zip(p_arr.tolist(), s_arr.tolist(), strict=True))
        return _Links(in_fast, in_slow, out_slow, [], ascending, pairs, (key, offset, code, s_f))

    def _general_edges(self, cal_no: list[int], dur: list[int]) -> _Links:
        """`_edges` for any plan: links to or from summaries and from other projects, one by one."""
        n = len(self.plan.tasks)
        in_fast: list[list[_Fast]] = [[] for _ in range(n)]
        in_slow: dict[int, list[_Edge]] = {}
        out_slow: dict[int, list[_Edge]] = {}
        external: list[tuple[str, int, Link]] = []
        pairs: list[tuple[int, int]] = []
        cache: dict[int, list[int]] = {}
        index, is_summary, external_ids = self.index, self.is_summary, self.external
        percent, work = LagKind.PERCENT, LagKind.WORK

        def leaves(i: int) -> list[int]:
            if i not in cache:
                cache[i] = self._leaves_under(i) if is_summary[i] else [i]
            return cache[i]

        def add(p: int, s: int, from_finish: bool, to_finish: bool, lag: int, link: Link) -> None:
            pairs.append((p, s))
            if work_lag and cal_no[p] == cal_no[s]:
                in_fast[s].append(
                    (
                        2 * p + from_finish,
                        lag - dur[s] if to_finish else lag,
                        _fast_code(from_finish, to_finish, lag),
                    )
                )
            else:
                edge = (p, s, from_finish, to_finish, lag, False, link)
                in_slow.setdefault(s, []).append(edge)
                out_slow.setdefault(p, []).append(edge)

        for link in self.plan.links:
            succ = index[link.successor]
            if link.predecessor in external_ids:
                external.extend((link.predecessor, s, link) for s in leaves(succ))
                continue
            pred = index[link.predecessor]
            from_finish, to_finish = _ENDS[link.type]
            kind = link.lag_kind
            lag = round(link.lag) if kind != percent else 0
            work_lag = kind == work
            if not (is_summary[pred] or is_summary[succ]):  # the common case, without building pairs
                add(pred, succ, from_finish, to_finish, lag, link)
                continue
            if pred in self._ancestors(succ) or succ in self._ancestors(pred):
                self.problems.append(
                    Problem(
                        link.successor, "a summary task is linked to its own subtask; the link is ignored"
                    )
                )
                continue
            for p in leaves(pred):
                for s in leaves(succ):
                    add(p, s, from_finish, to_finish, lag, link)
        ascending = all(p < s for p, s in pairs)
        table = np.asarray(list(chain.from_iterable(in_fast)), dtype=np.int64).reshape(-1, 3)
        successor = np.repeat(np.arange(n, dtype=np.int64), list(map(len, in_fast)))
        arrays = (table[:, 0], table[:, 1], table[:, 2], successor)
        return _Links(in_fast, in_slow, out_slow, external, ascending, None if ascending else pairs, arrays)

    def _ancestors(self, i: int) -> set[int]:
        out: set[int] = set()
        parent = self.plan.tasks[i].parent
        while parent is not None:
            j = self.index[parent]
            if j in out:
                break
            out.add(j)
            parent = self.plan.tasks[j].parent
        return out

    def _order(self, n: int, links: _Links) -> list[int]:
        """Leaf tasks in topological order: the plan's order when every link goes forward in it, else
        Kahn's algorithm; a CycleError naming the loop if there is none. (Every topological order gives
        the same schedule: the passes take maxima and minima over links, which do not depend on it.)"""
        is_summary = self.is_summary
        leaves = [i for i in range(n) if not is_summary[i]]
        if links.ascending:
            return leaves
        successors: list[list[int]] = [[] for _ in range(n)]
        for p, s in links.pairs or ():
            successors[p].append(s)
        indegree = [0] * n
        for targets in successors:
            for s in targets:
                indegree[s] += 1
        ready = [i for i in leaves if indegree[i] == 0]
        order: list[int] = []
        append = order.append
        while ready:
            i = ready.pop()
            append(i)
            for s in successors[i]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    ready.append(s)
        if len(order) != len(leaves):
            ids = [t.id for t in self.plan.tasks]
            cycle = find_cycle((ids[p], ids[s]) for p in range(n) for s in successors[p]) or []
            raise CycleError([str(c) for c in cycle], {t.id: t.name or t.id for t in self.plan.tasks})
        return order

    # Passes ----------

    def prepare(self) -> Prepared:
        """Everything the passes need, compiled once: calendars, durations, the sorted links, a
        topological order of the leaf tasks and which tasks need more than links (`Prepared`).

        `kuroko.engine.risk` runs its own passes, vectorised across iterations, over the same structures.
        """
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        cals, cal_no = self._calendars()
        dur = list(map(_duration, tasks))
        if any(map(_milestone, tasks)):
            dur = [0 if t.milestone else t.duration for t in tasks]
        # A split task spans its work and its pauses; positions count both.
        self.pauses: dict[int, int] = {}
        if any(map(_splits, tasks)):
            for i, t in enumerate(tasks):
                if t.splits and not self.is_summary[i]:
                    self.pauses[i] = pause = sum(split.length for split in t.splits)
                    dur[i] += pause
        # Manually scheduled tasks with dates keep them (`fixed`); those without dates (`undated`) are
        # scheduled as automatic tasks but never critical.
        fixed: bytearray | None = None
        undated: bytearray | None = None
        if self.manual_starts is not None:
            fixed, undated = bytearray(n), bytearray(n)
            for i, t in enumerate(tasks):
                if t.manual and not self.is_summary[i]:
                    if t.manual_start is None:
                        undated[i] = 1
                    else:
                        fixed[i] = 1
        self.fixed = fixed
        links = self._edges(cal_no, dur)
        order = self._order(n, links)
        ext_in: dict[int, list[tuple[str, Link]]] = defaultdict(list)
        for ext_id, s_, link in links.external:
            ext_in[s_].append((ext_id, link))

        project_start = to_minutes(plan.start)
        status = to_minutes(plan.status_date) if plan.status_date else None
        cal_list = self.cal_list
        cal_start = [c.to_work(project_start) for c in cal_list]
        start_of = [cal_start[0]] * n if len(cal_list) == 1 else [cal_start[k] for k in cal_no]
        # Tasks that need more than links: constraints, progress, the status date, links from other projects.
        constraints = list(map(_constraint, tasks))
        asap, alap = ConstraintType.ASAP, ConstraintType.ALAP
        if status is not None:
            special = bytearray(b"\x01" * n)
        else:
            special = bytearray(n)
            for i in ext_in:
                special[i] = 1
            if constraints.count(asap) + constraints.count(alap) != n:
                for i, c in enumerate(constraints):
                    if c not in (asap, alap):
                        special[i] = 1
            for values in (self.actual_starts, self.deadlines, self.level_starts):
                if values.count(None) != n:
                    for i, value in enumerate(values):
                        if value is not None:
                            special[i] = 1
            if fixed is not None:
                for i in range(n):
                    if fixed[i]:
                        special[i] = 1
        return Prepared(
            cals,
            cal_no,
            dur,
            fixed,
            undated,
            links,
            order,
            ext_in,
            project_start,
            status,
            start_of,
            constraints,
            special,
        )

    def run(self) -> Schedule:
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        prepared = self.prepare()
        cals, cal_no, fixed, undated = prepared.cals, prepared.cal_no, prepared.fixed, prepared.undated
        links, order, ext_in = prepared.links, prepared.order, prepared.ext_in
        project_start, status, start_of = prepared.project_start, prepared.status, prepared.start_of
        constraints, special = prepared.constraints, prepared.special
        planned = prepared.dur  # durations before progress changes some of them (`dur` is a copy)
        dur = list(planned)
        in_fast, in_slow, out_slow = links.in_fast, links.in_slow, links.out_slow
        cal_list = self.cal_list
        alap = ConstraintType.ALAP
        # Tasks whose forward (backward) step needs more than fast links.
        forward_extra = bytearray(special)
        for i in in_slow:
            forward_extra[i] = 1
        backward_extra = bytearray(special)
        for i in out_slow:
            backward_extra[i] = 1

        # Forward pass. Early positions interleaved: pos[2i] is task i's early start, pos[2i + 1] its early
        # finish, so a fast link reads its predecessor's date with one index (its key).
        pos = [0] * (2 * n)
        # How the binding link reached each task, for showing instants as MS Project does: 1 when a
        # predecessor's finish bound its start (a milestone then sits at 17:00, not next day 08:00),
        # 2 when a predecessor's start bound its finish (SF: the finish reads as the next working start).
        bound_by = bytearray(n)
        self.bound_by = bound_by
        for i in order:
            start = start_of[i]
            how = 0
            for key, offset, code in in_fast[i]:
                bound = pos[key] + offset
                if bound > start or (bound == start and not how):  # ties: with the project start or a link
                    start = bound
                    how = code & 3
                    if how == _DYNAMIC_HOW:  # from a finish without lag: see _how()
                        p = key >> 1
                        how = 1 if dur[p] or bound_by[p] == 1 else 0
            d = dur[i]
            if forward_extra[i]:
                for e in in_slow.get(i, ()):
                    bound = self._forward_bound(e, pos[2 * e[0] + e[2]], dur, cals)
                    if bound > start or (bound == start and not how):
                        start = bound
                        how = _how(e[2], e[3], self._lag(e, dur), dur[e[0]], bound_by[e[0]])
                bound_by[i] = how
                if special[i]:
                    start, d = self._special_forward(i, start, d, cals[i], ext_in, status)
                    dur[i] = d
            elif how:
                bound_by[i] = how
            j = 2 * i
            pos[j] = start
            pos[j + 1] = start + d
        es = pos[0::2]
        ef = pos[1::2]
        pos_a = np.asarray(pos, dtype=np.int64)
        es_a, ef_a = pos_a[0::2], pos_a[1::2]

        is_summary = np.asarray(self.is_summary, dtype=bool)
        leaves = np.flatnonzero(~is_summary)  # leaf tasks in plan order
        # Leaf tasks per calendar (numbers as in self.cal_list).
        if len(cal_list) == 1:
            groups = [leaves]
        else:
            cal_a = np.asarray(cal_no, dtype=np.int64)[leaves]
            groups = [leaves[cal_a == k] for k in range(len(cal_list))]
        dur_a = np.asarray(dur, dtype=np.int64)
        bound_by_a = np.frombuffer(bytes(bound_by), dtype=np.uint8)
        if plan.schedule_from_finish and plan.finish is not None:
            project_finish = to_minutes(plan.finish)
        else:
            shown_at_start = (dur_a == 0) & (bound_by_a != 1)  # milestones shown at a start
            candidates: list[int] = []
            for cal, members in zip(cal_list, groups, strict=True):
                at_start = shown_at_start[members]
                if not at_start.all():
                    candidates.append(cal.finish_at(int(ef_a[members[~at_start]].max())))
                if at_start.any():
                    candidates.append(cal.start_at(int(ef_a[members[at_start]].max())))
            project_finish = max(candidates, default=project_start)
        cal_finish = [c.to_work(project_finish) for c in cal_list]
        finish_of = [cal_finish[0]] * n if len(cal_list) == 1 else [cal_finish[k] for k in cal_no]

        # Backward pass. Each task, once final, pushes bounds to its predecessors (they come earlier in the
        # order), so only the incoming lists are needed: `late[key]` bounds the predecessor's late finish
        # (odd key) or late start (even key). Once a task is done its two entries are free: they then hold
        # its late start and finish.
        big = _BIG
        late = [big] * (2 * n)
        late[1::2] = finish_of
        progress = dur != planned  # some durations changed: fast links' offsets hold the planned ones
        for i in reversed(order):
            j = 2 * i
            di = dur[i]
            finish = late[j + 1]
            bound = late[j] + di
            if bound < finish:
                finish = bound
            if backward_extra[i]:
                manual = fixed is not None and fixed[i]
                if manual:
                    # Links from the start of a manually scheduled task (SS, SF) do not bound its late
                    # dates (MS Project); `late[j]` holds only theirs.
                    finish = late[j + 1]
                for e in out_slow.get(i, ()):
                    if manual and not e[2]:
                        continue
                    s_ = 2 * e[1] + e[3]  # the successor's late start or finish, as the link binds
                    bound = self._backward_bound(e, late[s_], dur, cals)
                    if bound < finish:
                        finish = bound
                if special[i]:
                    t = tasks[i]
                    finish = self._late_constraints(t, finish, di, cals[i])
                    if t.actual_finish is not None:
                        finish = pos[j + 1]
            start = finish - di
            late[j] = start
            late[j + 1] = finish
            if progress and di != planned[i]:
                change = di - planned[i]
                for key, offset, code in in_fast[i]:
                    bound = start - offset + (change if code & 4 else 0)
                    if bound < late[key]:
                        late[key] = bound
            else:
                for key, offset, _ in in_fast[i]:
                    bound = start - offset
                    if bound < late[key]:
                        late[key] = bound
        ls = late[0::2]
        late_a = np.asarray(late, dtype=np.int64)
        ls_a, lf_a = late_a[0::2], late_a[1::2]
        # MS Project shows the late finish of a manually scheduled task that a successor binds as the
        # instant the successor's late start gives (08:00 the next morning, not 17:00).
        lf_as_start = None
        if fixed is not None:
            lf_as_start = np.frombuffer(bytes(fixed), dtype=np.uint8).astype(bool) & (
                lf_a < np.asarray(finish_of, dtype=np.int64)
            )
        # Free float over fast links, in bulk: the same bound from each successor's early dates, less the
        # predecessor's early finish (odd key) or start (even key), at least over its links.
        key_a, offset_a, code_a, successor_a = links.fast_arrays
        slack = es_a[successor_a] - offset_a - pos_a[key_a]
        if progress:
            slack += (dur_a - np.asarray(planned, dtype=np.int64))[successor_a] * (code_a >> 2)
        free = np.full(n, big, dtype=np.int64)
        np.minimum.at(free, key_a >> 1, slack)

        if plan.schedule_from_finish:
            # Backward scheduling: tasks sit at their late dates; the early pass restarts from the earliest.
            leaf_list = leaves.tolist()
            earliest = min((cals[i].start_at(ls[i]) for i in leaf_list), default=project_finish)
            shift = [c.to_work(earliest) - c.to_work(project_start) for c in cal_list]
            for i in leaf_list:
                if fixed is not None and fixed[i]:
                    continue  # a manually scheduled task keeps its dates
                es[i] += shift[cal_no[i]]
                ef[i] += shift[cal_no[i]]
            es_a, ef_a = np.asarray(es, dtype=np.int64), np.asarray(ef, dtype=np.int64)
        start_pos = es  # the scheduled start is the early start, except as below
        if plan.schedule_from_finish or alap in constraints:
            start_pos = list(es)
            for i in leaves.tolist():
                t = tasks[i]
                if (
                    t.actual_start is None
                    and t.constraint in (ConstraintType.ALAP, ConstraintType.ASAP)
                    and (t.constraint == alap or plan.schedule_from_finish)
                    and not (fixed is not None and fixed[i])
                ):
                    start_pos[i] = ls[i]
            if not plan.schedule_from_finish:
                self._follow_late_tasks(order, start_pos, es, dur, planned, cals, in_fast, in_slow)

        # Free float: how far each task can slip before it delays a successor's early dates (over fast
        # links from the backward pass, over the others here), or the project finish (in _result).
        for i, edges in out_slow.items():
            for e in edges:
                ref = ef[e[1]] if e[3] else es[e[1]]
                bound = self._backward_bound(e, ref, dur, cals) - ef[i]
                if bound < free[i]:
                    free[i] = bound  # (fits: well inside int64, like every position)

        self.bound_by = bound_by
        return self._result(
            leaves,
            groups,
            (es_a, ef_a, ls_a, lf_a),
            None if start_pos is es else np.asarray(start_pos, dtype=np.int64),
            dur_a,
            free,
            finish_of,
            bound_by_a,
            project_start,
            project_finish,
            lf_as_start,
            undated,
        )

    def _follow_late_tasks(
        self,
        order: list[int],
        start_pos: list[int],
        es: list[int],
        dur: list[int],
        planned: list[int],
        cals: list[WorkCalendar],
        in_fast: list[list[_Fast]],
        in_slow: dict[int, list[_Edge]],
    ) -> None:
        """Move the successors of ALAP tasks after them: a second forward pass over the scheduled
        positions (ALAP tasks keep their late start), as MS Project schedules successors from an ALAP
        task's scheduled dates."""
        moved = {i for i in order if start_pos[i] != es[i]}
        if self.fixed is not None:  # manually scheduled tasks keep their dates too
            moved.update(i for i in order if self.fixed[i])
        finish_pos = [start_pos[i] + dur[i] for i in range(len(start_pos))]
        for i in order:
            if i in moved:
                continue
            start = start_pos[i]
            change = dur[i] - planned[i]  # offsets hold the planned duration
            for key, offset, code in in_fast[i]:
                p = key >> 1
                bound = (finish_pos[p] if key & 1 else start_pos[p]) + offset
                if code & 4:
                    bound -= change
                start = max(start, bound)
            for e in in_slow.get(i, ()):
                ref = finish_pos[e[0]] if e[2] else start_pos[e[0]]
                start = max(start, self._forward_bound(e, ref, dur, cals))
            start_pos[i] = start
            finish_pos[i] = start + dur[i]

    def _special_forward(
        self,
        i: int,
        start: int,
        d: int,
        cal: WorkCalendar,
        ext_in: dict[int, list[tuple[str, Link]]],
        status: int | None,
    ) -> tuple[int, int]:
        """Links from other projects, the status date, constraints and actual progress of task i."""
        t = self.plan.tasks[i]
        if self.fixed is not None and self.fixed[i] and t.manual_start is not None:
            return self._manual_forward(i, t, t.manual_start, d, cal)
        for ext_id, link in ext_in.get(i, ()):
            start = max(start, self._external_bound(ext_id, link, d, cal))
        if status is not None and t.actual_start is None and t.percent_complete == 0:
            start = max(start, cal.to_work(status))  # unstarted work goes after the status date
        if t.level_start is not None:
            start = max(start, cal.to_work(to_minutes(t.level_start)))  # held back by levelling
        start = self._early_constraints(t, start, d, cal)
        if t.actual_start is not None:
            logic_start = start  # where the links and constraints would have started the task
            start = cal.to_work(to_minutes(t.actual_start))
            if t.actual_finish is not None:
                d = max(cal.to_work(to_minutes(t.actual_finish)) - start, 0)
            elif status is not None and t.percent_complete < 100:
                work = d - self.pauses.get(i, 0)  # the pauses of a split task are no work
                remaining = (
                    t.remaining_duration
                    if t.remaining_duration is not None
                    else round(work * (100 - t.percent_complete) / 100)
                )
                # The remaining work resumes at the status date at the earliest; with retained logic
                # (MS Project's default) also not before its predecessors allow, with progress override
                # the links no longer hold it back.
                resume = cal.to_work(status)
                if self.plan.retained_logic:
                    resume = max(resume, logic_start)
                d = max(start + d, resume + remaining) - start
        return start, d

    def _manual_forward(
        self, i: int, t: Task, manual_start: datetime, d: int, cal: WorkCalendar
    ) -> tuple[int, int]:
        """The early dates of a manually scheduled task: its own start, whatever links, constraints and
        the status date say (an actual start or finish still wins)."""
        at = to_minutes(manual_start)
        start = cal.to_work(at)
        # A manual milestone set at the end of a working period (Friday 17:00) stays there.
        self.bound_by[i] = (
            1 if d == 0 and start > 0 and cal.finish_at(start) == at != cal.start_at(start) else 0
        )
        if t.actual_start is not None:
            start = cal.to_work(to_minutes(t.actual_start))
            if t.actual_finish is not None:
                d = max(cal.to_work(to_minutes(t.actual_finish)) - start, 0)
        return start, d

    def _lag(self, e: _Edge, dur: list[int]) -> int:
        link = e[6]
        if link.lag_kind == LagKind.PERCENT:  # a share of the predecessor's work, without its pauses
            return round((dur[e[0]] - self.pauses.get(e[0], 0)) * link.lag / 100)
        return e[4]

    def _forward_bound(self, e: _Edge, ref: int, dur: list[int], cals: list[WorkCalendar]) -> int:
        """Earliest start of the successor allowed by the link, in the successor's calendar, from the
        predecessor's start or finish position `ref` (as the link leaves from)."""
        p, s, from_finish, to_finish, _lag, _fast, link = e
        lag = self._lag(e, dur)
        cp, cs = cals[p], cals[s]
        elapsed = link.lag_kind == LagKind.ELAPSED
        if cp is cs and not elapsed:
            bound = ref + lag
        else:
            instant = cp.finish_at(ref) if from_finish else cp.start_at(ref)
            bound = cs.to_work(instant + lag) if elapsed else cs.to_work(instant) + lag
        if to_finish:
            bound -= dur[s]
        return bound

    def _external_bound(self, ext_id: str, link: Link, d: int, cal: WorkCalendar) -> int:
        ext = self.external[ext_id]
        instant = to_minutes(ext.finish if link.type in (LinkType.FS, LinkType.FF) else ext.start)
        lag = round(link.lag) if link.lag_kind != LagKind.PERCENT else 0
        bound = cal.to_work(instant + lag) if link.lag_kind == LagKind.ELAPSED else cal.to_work(instant) + lag
        return bound - d if link.type in (LinkType.FF, LinkType.SF) else bound

    def _backward_bound(self, e: _Edge, ref: int, dur: list[int], cals: list[WorkCalendar]) -> int:
        """Latest finish of the predecessor allowed by the link, in the predecessor's calendar, from the
        successor's late start or finish position `ref` (as the link binds). From the successor's early
        dates instead, it bounds how far the predecessor can slip (free float).

        Across calendars (or with an elapsed lag) the successor's position is read as the *latest*
        instant it stands for (a position at a day's end also stands for the next morning), and the
        predecessor gets the latest position whose instant is not after it — the exact inverse of the
        forward pass, so a critical chain keeps zero float across calendars.
        """
        p, s, from_finish, _to_finish, _lag, _fast, link = e
        lag = self._lag(e, dur)
        cp, cs = cals[p], cals[s]
        elapsed = link.lag_kind == LagKind.ELAPSED
        if cp is cs and not elapsed:
            bound = ref - lag
            return bound if from_finish else bound + dur[p]
        latest = cs.start_at(ref) - lag if elapsed else cs.start_at(ref - lag)
        position = cp.to_work(latest)
        if from_finish:
            return position
        if cp.start_at(position) > latest:
            position -= 1  # `latest` is in the predecessor's non-working time: start before it
        return position + dur[p]  # the link constrains the predecessor's start

    def _early_constraints(self, t: Task, start: int, d: int, cal: WorkCalendar) -> int:
        c = t.constraint
        if c == ConstraintType.ASAP or c == ConstraintType.ALAP or t.constraint_date is None:
            return start
        at = cal.to_work(to_minutes(t.constraint_date))
        if c == ConstraintType.SNET:
            return max(start, at)
        if c == ConstraintType.FNET:
            return max(start, at - d)
        honor = self.plan.honor_constraints
        if c == ConstraintType.MSO:
            return at if honor else max(start, at)  # not honoured: links win, as in MS Project
        if c == ConstraintType.MFO:
            return at - d if honor else max(start, at - d)
        if honor:
            if c == ConstraintType.SNLT and start > at:
                return at
            if c == ConstraintType.FNLT and start + d > at:
                return at - d
        return start

    def _late_constraints(self, t: Task, finish: int, d: int, cal: WorkCalendar) -> int:
        c = t.constraint
        if t.constraint_date is not None:
            at = cal.to_work(to_minutes(t.constraint_date))
            if c in (ConstraintType.SNLT, ConstraintType.MSO):
                finish = min(finish, at + d)
            elif c in (ConstraintType.FNLT, ConstraintType.MFO):
                finish = min(finish, at)
        if t.deadline is not None:
            finish = min(finish, cal.to_work(to_minutes(t.deadline)))
        return finish

    # Result ----------

    def _result(
        self,
        leaves: npt.NDArray[np.intp],
        groups: list[npt.NDArray[np.intp]],
        dates_a: tuple[
            npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
        ],
        start_a: npt.NDArray[np.int64] | None,
        dur_a: npt.NDArray[np.int64],
        free: npt.NDArray[np.int64],
        finish_of: list[int],
        bound_by: npt.NDArray[np.uint8],
        project_start: int,
        project_finish: int,
        lf_as_start: npt.NDArray[np.bool_] | None = None,
        undated: bytearray | None = None,
    ) -> Schedule:
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        # Positions of the early, late and scheduled dates; the scheduled dates are mostly the early ones
        # (start_a is None): then their instants are the same too.
        same_as_early = start_a is None
        positions: dict[str, tuple[npt.NDArray[np.int64], bool]] = {}
        if start_a is not None:
            positions["start"] = (start_a, True)
            positions["finish"] = (start_a + dur_a, False)
        es_a, ef_a, ls_a, lf_a = dates_a
        positions["es"] = (es_a, True)
        positions["ef"] = (ef_a, False)
        positions["ls"] = (ls_a, True)
        positions["lf"] = (lf_a, False)
        # Instants in bulk, per calendar: a start position reads as the next working instant, except for
        # zero-length tasks (milestones), which sit at the end of the working period they follow.
        whole = len(groups) == 1 and len(leaves) == n  # one calendar and no summaries: no gathering
        instants = {key: np.zeros(n, dtype=np.int64) for key in positions}
        for cal, members in zip(self.cal_list, groups, strict=True):
            if not len(members):
                continue
            zero = dur_a == 0 if whole else dur_a[members] == 0
            picked_by = bound_by if whole else bound_by[members]
            # MS Project's conventions for an instant on a boundary between working periods: a start is
            # the next working start, a finish the end of the previous period — except that a milestone
            # after a predecessor's finish stays at that finish, and a finish driven by a start (SF) reads as
            # a start.
            zero_at_finish = zero & (picked_by == 1)
            finish_as_start = picked_by == 2
            late_finish_as_start = zero & False
            if lf_as_start is not None:
                late_finish_as_start = lf_as_start if whole else lf_as_start[members]
            for key, (values, as_start) in positions.items():
                picked = values if whole else values[members]
                finishes, starts = cal.finishes_and_starts_at(picked)
                # Nothing is shown before the project starts (a milestone tied to the start by a lead).
                zero_at_finish_here = zero_at_finish & (finishes >= project_start)
                if as_start:
                    chosen = np.where(zero_at_finish_here, finishes, starts)
                elif key == "lf":
                    chosen = np.where((zero & ~zero_at_finish_here) | late_finish_as_start, starts, finishes)
                else:
                    chosen = np.where(finish_as_start | (zero & ~zero_at_finish_here), starts, finishes)
                if whole:
                    instants[key] = chosen
                else:
                    instants[key][members] = chosen
        leaf_instants = {key: values if whole else values[leaves] for key, values in instants.items()}
        dates = {key: datetimes(values) for key, values in leaf_instants.items()}
        if same_as_early:  # the same datetime objects serve both
            leaf_instants["start"], leaf_instants["finish"] = leaf_instants["es"], leaf_instants["ef"]
            dates["start"], dates["finish"] = dates["es"], dates["ef"]
        columns = [dates[key] for key in ("start", "finish", "es", "ef", "ls", "lf")]
        total_a = positions["ls"][0] - positions["es"][0]
        # Free float is also bounded by the project finish.
        free_a = np.minimum(free, np.asarray(finish_of, dtype=np.int64) - positions["ef"][0])
        if not whole:
            total_a, free_a = total_a[leaves], free_a[leaves]
        # Free slack is 0 rather than negative when total slack is not negative, and never exceeds total
        # slack (MS Project).
        free_a = np.where((free_a < 0) & (total_a >= 0), 0, np.minimum(free_a, total_a))
        threshold = plan.critical_float
        # Finished work is never critical (MS Project): nothing it does can delay the project any more.
        finished = np.fromiter(
            (t.actual_finish is not None or t.percent_complete >= 100 for t in tasks),
            dtype=bool,
            count=len(tasks),
        )
        critical_a = (total_a <= threshold) & ~(finished if whole else finished[leaves])
        if undated is not None:  # MS Project never marks a manually scheduled task without dates critical
            not_dated = np.frombuffer(bytes(undated), dtype=np.uint8).astype(bool)
            critical_a &= ~(not_dated if whole else not_dated[leaves])
        total = total_a.tolist()
        ids = self.ids if whole else [tasks[i].id for i in leaves.tolist()]
        fields = zip(
            ids, *columns, total, free_a.tolist(), critical_a.tolist(), repeat(False, len(ids)), strict=True
        )
        rows = list(map(_task_schedule_row, fields))  # all rows first: then the dict builds faster
        out: dict[str, TaskSchedule] = dict(zip(ids, rows, strict=True))
        problems = list(self.problems)
        cause = (
            "its constraints or deadline cannot all be met"
            if self.fixed is None
            else "its constraints or deadline, or the dates of manually scheduled tasks, cannot all be met"
        )
        problems.extend(
            Problem(ids[k], f"negative total float ({total[k]} working minutes): {cause}")
            for k in np.flatnonzero(total_a < 0).tolist()
        )
        self._summaries(out)
        finish_dt = from_minutes(project_finish)
        start_dt = (
            from_minutes(int(leaf_instants["start"].min())) if len(leaves) else from_minutes(project_start)
        )
        # The critical leaf tasks by early start, then early finish (ties in plan order: a stable sort).
        critical_k = np.flatnonzero(critical_a)
        by_date = np.lexsort((leaf_instants["ef"][critical_k], leaf_instants["es"][critical_k]))
        critical = tuple(ids[k] for k in critical_k[by_date].tolist())
        # Leaves were added in plan order; only summaries (appended by _summaries) need reordering.
        ordered = {t.id: out[t.id] for t in tasks if t.id in out} if any(self.is_summary) else out
        return Schedule(start_dt, finish_dt, ordered, critical, tuple(problems))

    def _summaries(self, out: dict[str, TaskSchedule]) -> None:
        """Summary tasks span their subtasks; their float is the least float under them."""
        tasks = self.plan.tasks
        cal = self.project_calendar
        for i in sorted(
            (i for i in range(len(tasks)) if self.is_summary[i]), key=lambda i: -len(self._ancestors(i))
        ):
            kids = [out[tasks[k].id] for k in self.children[i] if tasks[k].id in out]
            if not kids:
                continue
            es = min(k.early_start for k in kids)
            ef = max(k.early_finish for k in kids)
            ls = min(k.late_start for k in kids)
            lf = max(k.late_finish for k in kids)
            total = cal.working_minutes(ef, lf)
            out[tasks[i].id] = TaskSchedule(
                tasks[i].id,
                min(k.start for k in kids),
                max(k.finish for k in kids),
                es,
                ef,
                ls,
                lf,
                total,
                min(k.free_float for k in kids),
                # A summary is critical while critical work remains under it.
                total <= self.plan.critical_float and any(k.critical for k in kids),
                summary=True,
            )
