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
"""

from __future__ import annotations

import gc
from collections import defaultdict
from typing import NamedTuple

import numpy as np

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


# A link between two leaf tasks, as a plain tuple (tens of thousands are built per run):
# (pred, succ, from_finish, to_finish, lag_minutes, fast, link). `from_finish`: the link leaves from the
# predecessor's finish (FS, FF); `to_finish`: it binds the successor's finish (FF, SF); `fast`: both ends
# share a calendar and the lag is fixed working time, so the passes need integer arithmetic only.
_Edge = tuple[int, int, bool, bool, int, bool, Link]


# (from_finish, to_finish) per link type: FS and FF leave from the predecessor's finish; FF and SF bind the
# successor's finish.
_ENDS = {
    LinkType.FS: (True, False),
    LinkType.SS: (False, False),
    LinkType.FF: (True, True),
    LinkType.SF: (False, True),
}


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


class _Links(NamedTuple):
    """The links of a plan sorted for the passes, per leaf task index."""

    in_fast: list[list[tuple[int, bool, bool, int]]]  # (predecessor, from_finish, to_finish, lag)
    in_slow: list[list[_Edge]]
    out_slow: list[list[_Edge]]
    successors: list[list[int]]
    external: list[tuple[str, int, Link]]


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
        self.index = {t.id: i for i, t in enumerate(tasks)}
        problems: list[Problem] = []
        if len(self.index) != len(tasks):
            seen: set[str] = set()
            for t in tasks:
                if t.id in seen:
                    problems.append(Problem(t.id, "this task id appears more than once"))
                seen.add(t.id)
        self.children: dict[int, list[int]] = defaultdict(list)
        for i, t in enumerate(tasks):
            if t.parent is not None:
                if t.parent not in self.index:
                    problems.append(Problem(t.id, f"its parent {t.parent!r} does not exist"))
                else:
                    self.children[self.index[t.parent]].append(i)
        self.is_summary = [bool(self.children.get(i)) for i in range(len(tasks))]
        if not problems:
            parents = {t.id: t.parent for t in tasks if t.parent is not None}
            loop = find_cycle(parents.items())
            if loop:
                names = " → ".join(str(x) for x in loop)
                problems.append(Problem(str(loop[0]), f"its parent tasks form a loop: {names}"))
        by_cal = {c.id: c for c in plan.calendars}
        for t in tasks:
            if t.calendar is not None and t.calendar not in by_cal:
                problems.append(Problem(t.id, f"its calendar {t.calendar!r} does not exist"))
        self.external = {e.id: e for e in plan.external}
        for link in plan.links:
            for end in (link.predecessor, link.successor):
                if end not in self.index and end not in self.external:
                    problems.append(Problem(end, f"a link refers to task {end!r}, which does not exist"))
            if link.successor in self.external:
                problems.append(Problem(link.successor, "a link cannot drive a task of another project"))
        if problems:
            raise PlanError(problems)
        self.by_cal = by_cal
        self.problems: list[Problem] = []

    # Calendars ----------

    def _calendars(self) -> list[WorkCalendar]:
        plan = self.plan
        compiled: dict[str, WorkCalendar] = {}
        # The calendars' horizon must reach back to the earliest date in the plan (actuals may precede
        # the project start); it grows forward on its own.
        around = min(
            [plan.start]
            + [
                d
                for t in plan.tasks
                for d in (t.actual_start, t.constraint_date, t.deadline)
                if d is not None
            ]
            + [e.start for e in plan.external]
            + ([plan.status_date] if plan.status_date else [])
        )
        out: list[WorkCalendar] = []
        for t in plan.tasks:
            key = _FULL_CALENDAR_ID if t.elapsed else (t.calendar or plan.calendar)
            if key not in compiled:
                cal = (
                    Calendar(_FULL_CALENDAR_ID, "24 hours", FULL_WEEK)
                    if key == _FULL_CALENDAR_ID
                    else self.by_cal[key]
                )
                compiled[key] = WorkCalendar(cal, self.by_cal, around=around, lookback=self.lookback)
            out.append(compiled[key])
        self.project_calendar = compiled.get(plan.calendar) or WorkCalendar(
            self.by_cal[plan.calendar], self.by_cal, around=around, lookback=self.lookback
        )
        return out

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

    def _edges(self, cals: list[WorkCalendar]) -> _Links:
        """Links between leaf tasks (summary links expanded) sorted into per-task lists, and links from
        tasks of other projects."""
        n = len(self.plan.tasks)
        cal_key = [id(c) for c in cals]
        links = _Links(
            [[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], []
        )
        in_fast, in_slow, out_slow, successors = (
            links.in_fast,
            links.in_slow,
            links.out_slow,
            links.successors,
        )
        cache: dict[int, list[int]] = {}
        index, is_summary, external_ids = self.index, self.is_summary, self.external
        percent, work = LagKind.PERCENT, LagKind.WORK

        def leaves(i: int) -> list[int]:
            if i not in cache:
                cache[i] = self._leaves_under(i) if is_summary[i] else [i]
            return cache[i]

        for link in self.plan.links:
            succ = index[link.successor]
            if link.predecessor in external_ids:
                links.external.extend((link.predecessor, s, link) for s in leaves(succ))
                continue
            pred = index[link.predecessor]
            from_finish, to_finish = _ENDS[link.type]
            kind = link.lag_kind
            lag = round(link.lag) if kind != percent else 0
            work_lag = kind == work
            if not (is_summary[pred] or is_summary[succ]):  # the common case, without building pairs
                successors[pred].append(succ)
                if work_lag and cal_key[pred] == cal_key[succ]:
                    in_fast[succ].append((pred, from_finish, to_finish, lag))
                else:
                    edge = (pred, succ, from_finish, to_finish, lag, False, link)
                    in_slow[succ].append(edge)
                    out_slow[pred].append(edge)
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
                    successors[p].append(s)
                    if work_lag and cal_key[p] == cal_key[s]:
                        in_fast[s].append((p, from_finish, to_finish, lag))
                    else:
                        edge = (p, s, from_finish, to_finish, lag, False, link)
                        in_slow[s].append(edge)
                        out_slow[p].append(edge)
        return links

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

    def _order(self, n: int, successors: list[list[int]]) -> list[int]:
        """Leaf tasks in topological order (Kahn); a CycleError naming the loop if there is none."""
        indegree = [0] * n
        for targets in successors:
            for s in targets:
                indegree[s] += 1
        ready = [i for i in range(n) if indegree[i] == 0 and not self.is_summary[i]]
        order: list[int] = []
        append = order.append
        while ready:
            i = ready.pop()
            append(i)
            for s in successors[i]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    ready.append(s)
        if len(order) != sum(1 for i in range(n) if not self.is_summary[i]):
            ids = [t.id for t in self.plan.tasks]
            cycle = find_cycle((ids[p], ids[s]) for p in range(n) for s in successors[p]) or []
            raise CycleError([str(c) for c in cycle], {t.id: t.name or t.id for t in self.plan.tasks})
        return order

    # Passes ----------

    def run(self) -> Schedule:
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        cals = self._calendars()
        links = self._edges(cals)
        order = self._order(n, links.successors)
        dur = [0 if t.milestone else t.duration for t in tasks]
        in_fast, in_slow, out_slow = links.in_fast, links.in_slow, links.out_slow
        ext_in: dict[int, list[tuple[str, Link]]] = defaultdict(list)
        for ext_id, s_, link in links.external:
            ext_in[s_].append((ext_id, link))

        project_start = to_minutes(plan.start)
        status = to_minutes(plan.status_date) if plan.status_date else None
        distinct = {id(c): c for c in cals}
        cal_start = {key: c.to_work(project_start) for key, c in distinct.items()}
        start_of = [cal_start[id(c)] for c in cals]
        # Tasks that need more than links: constraints, progress, the status date, links from other projects.
        special = [
            t.constraint not in (ConstraintType.ASAP, ConstraintType.ALAP)
            or t.actual_start is not None
            or t.deadline is not None
            or status is not None
            or i in ext_in
            for i, t in enumerate(tasks)
        ]
        es = [0] * n
        ef = [0] * n
        # How the binding link reached each task, for showing instants as MS Project does: 1 when a
        # predecessor's finish bound its start (a milestone then sits at 17:00, not next day 08:00),
        # 2 when a predecessor's start bound its finish (SF: the finish reads as the next working start).
        bound_by = bytearray(n)
        for i in order:
            d = dur[i]
            start = start_of[i]
            how = 0
            for p, ff, tf, lag in in_fast[i]:
                bound = (ef[p] if ff else es[p]) + lag
                if tf:
                    bound -= d
                if bound > start or (bound == start and not how):  # ties: with the project start or a link
                    start = bound
                    # _how(), inlined: this line runs for most links of a large plan.
                    if ff:
                        how = 1 if lag > 0 or dur[p] or bound_by[p] == 1 else 0
                    else:
                        how = 2 if tf and lag <= 0 else 0
            for e in in_slow[i]:
                bound = self._forward_bound(e, es, ef, dur, cals)
                if bound > start or (bound == start and not how):
                    start = bound
                    how = _how(e[2], e[3], self._lag(e, dur), dur[e[0]], bound_by[e[0]])
            bound_by[i] = how
            if special[i]:
                start, d = self._special_forward(i, start, d, cals[i], ext_in, status)
                dur[i] = d
            es[i] = start
            ef[i] = start + d

        leaf_ids = [i for i in range(n) if not self.is_summary[i]]
        if plan.schedule_from_finish and plan.finish is not None:
            project_finish = to_minutes(plan.finish)
        else:
            latest: dict[int, int] = {}
            latest_start: dict[int, int] = {}  # milestones shown at a start (not after a finish)
            for i in leaf_ids:
                key = id(cals[i])
                if dur[i] == 0 and bound_by[i] != 1:
                    if ef[i] > latest_start.get(key, -_BIG):
                        latest_start[key] = ef[i]
                elif ef[i] > latest.get(key, -_BIG):
                    latest[key] = ef[i]
            project_finish = max(
                [distinct[key].finish_at(w) for key, w in latest.items()]
                + [distinct[key].start_at(w) for key, w in latest_start.items()],
                default=project_start,
            )
        cal_finish = {key: c.to_work(project_finish) for key, c in distinct.items()}
        finish_of = [cal_finish[id(c)] for c in cals]
        # Backward pass. Each task, once final, pushes its bound to its predecessors over fast links
        # (they come earlier in the order), so only the incoming lists are needed.
        lf = list(finish_of)
        ls = [0] * n
        for i in reversed(order):
            di = dur[i]
            finish = lf[i]
            for e in out_slow[i]:
                bound = self._backward_bound(e, ls, lf, dur, cals)
                if bound < finish:
                    finish = bound
            if special[i]:
                t = tasks[i]
                finish = self._late_constraints(t, finish, di, cals[i])
                if t.actual_finish is not None:
                    finish = ef[i]
            lf[i] = finish
            start = finish - di
            ls[i] = start
            for p, ff, tf, lag in in_fast[i]:
                bound = (finish if tf else start) - lag
                if not ff:
                    bound += dur[p]
                if bound < lf[p]:
                    lf[p] = bound

        if plan.schedule_from_finish:
            # Backward scheduling: tasks sit at their late dates; the early pass restarts from the earliest.
            earliest = min((cals[i].start_at(ls[i]) for i in leaf_ids), default=project_finish)
            shift = {id(c): c.to_work(earliest) - c.to_work(project_start) for c in cals}
            for i in leaf_ids:
                es[i] += shift[id(cals[i])]
                ef[i] += shift[id(cals[i])]
        start_pos = list(es)
        alap = ConstraintType.ALAP
        if plan.schedule_from_finish or any(t.constraint == alap for t in tasks):
            for i in leaf_ids:
                t = tasks[i]
                if (
                    t.actual_start is None
                    and t.constraint in (ConstraintType.ALAP, ConstraintType.ASAP)
                    and (t.constraint == alap or plan.schedule_from_finish)
                ):
                    start_pos[i] = ls[i]
            if not plan.schedule_from_finish:
                self._follow_late_tasks(order, start_pos, es, dur, cals, in_fast, in_slow)

        # Free float: how far each task can slip before it delays a successor's early dates (pushed from
        # the successors over fast links, as in the backward pass).
        free = [finish_of[i] - ef[i] for i in range(n)]
        for i in leaf_ids:
            early, early_finish = es[i], ef[i]
            for p, ff, tf, lag in in_fast[i]:
                bound = (early_finish if tf else early) - lag
                if not ff:
                    bound += dur[p]
                slack = bound - ef[p]
                if slack < free[p]:
                    free[p] = slack
            for e in out_slow[i]:
                slack = self._free_slack(e, es, ef, dur, cals)
                if slack < free[i]:
                    free[i] = slack
        for i in leaf_ids:
            total = ls[i] - es[i]
            if free[i] < 0 <= total:
                free[i] = 0
            elif free[i] > total:
                free[i] = total  # free slack never exceeds total slack (MS Project)

        self.bound_by = bound_by
        return self._result(order, es, ef, ls, lf, start_pos, dur, free, cals, project_start, project_finish)

    def _follow_late_tasks(
        self,
        order: list[int],
        start_pos: list[int],
        es: list[int],
        dur: list[int],
        cals: list[WorkCalendar],
        in_fast: list[list[tuple[int, bool, bool, int]]],
        in_slow: list[list[_Edge]],
    ) -> None:
        """Move the successors of ALAP tasks after them: a second forward pass over the scheduled
        positions (ALAP tasks keep their late start), as MS Project schedules successors from an ALAP
        task's scheduled dates."""
        moved = {i for i in order if start_pos[i] != es[i]}
        finish_pos = [start_pos[i] + dur[i] for i in range(len(start_pos))]
        for i in order:
            if i in moved:
                continue
            start = start_pos[i]
            for p, ff, tf, lag in in_fast[i]:
                bound = (finish_pos[p] if ff else start_pos[p]) + lag
                if tf:
                    bound -= dur[i]
                start = max(start, bound)
            for e in in_slow[i]:
                start = max(start, self._forward_bound(e, start_pos, finish_pos, dur, cals))
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
        for ext_id, link in ext_in.get(i, ()):
            start = max(start, self._external_bound(ext_id, link, d, cal))
        if status is not None and t.actual_start is None and t.percent_complete == 0:
            start = max(start, cal.to_work(status))  # unstarted work goes after the status date
        start = self._early_constraints(t, start, d, cal)
        if t.actual_start is not None:
            logic_start = start  # where the links and constraints would have started the task
            start = cal.to_work(to_minutes(t.actual_start))
            if t.actual_finish is not None:
                d = max(cal.to_work(to_minutes(t.actual_finish)) - start, 0)
            elif status is not None and t.percent_complete < 100:
                remaining = (
                    t.remaining_duration
                    if t.remaining_duration is not None
                    else round(d * (100 - t.percent_complete) / 100)
                )
                # The remaining work resumes at the status date at the earliest; with retained logic
                # (MS Project's default) also not before its predecessors allow, with progress override
                # the links no longer hold it back.
                resume = cal.to_work(status)
                if self.plan.retained_logic:
                    resume = max(resume, logic_start)
                d = max(start + d, resume + remaining) - start
        return start, d

    def _lag(self, e: _Edge, dur: list[int]) -> int:
        link = e[6]
        if link.lag_kind == LagKind.PERCENT:
            return round(dur[e[0]] * link.lag / 100)
        return e[4]

    def _forward_bound(
        self, e: _Edge, es: list[int], ef: list[int], dur: list[int], cals: list[WorkCalendar]
    ) -> int:
        """Earliest start of the successor allowed by the link, in the successor's calendar."""
        p, s, from_finish, to_finish, _lag, _fast, link = e
        ref = ef[p] if from_finish else es[p]
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

    def _backward_bound(
        self, e: _Edge, ls: list[int], lf: list[int], dur: list[int], cals: list[WorkCalendar]
    ) -> int:
        """Latest finish of the predecessor allowed by the link, in the predecessor's calendar.

        Across calendars (or with an elapsed lag) the successor's position is read as the *latest*
        instant it stands for (a position at a day's end also stands for the next morning), and the
        predecessor gets the latest position whose instant is not after it — the exact inverse of the
        forward pass, so a critical chain keeps zero float across calendars.
        """
        p, s, from_finish, to_finish, _lag, _fast, link = e
        ref = lf[s] if to_finish else ls[s]
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

    def _free_slack(
        self, e: _Edge, es: list[int], ef: list[int], dur: list[int], cals: list[WorkCalendar]
    ) -> int:
        """How far the predecessor can slip before the link delays the successor's early dates."""
        return self._backward_bound(e, es, ef, dur, cals) - ef[e[0]]

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
        order: list[int],
        es: list[int],
        ef: list[int],
        ls: list[int],
        lf: list[int],
        start_pos: list[int],
        dur: list[int],
        free: list[int],
        cals: list[WorkCalendar],
        project_start: int,
        project_finish: int,
    ) -> Schedule:
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        leaves = np.asarray(sorted(order), dtype=np.int64)  # leaf tasks in plan order
        dur_a = np.asarray(dur, dtype=np.int64)
        start_a = np.asarray(start_pos, dtype=np.int64)
        positions = {
            "start": (start_a, True),
            "finish": (start_a + dur_a, False),
            "es": (np.asarray(es, dtype=np.int64), True),
            "ef": (np.asarray(ef, dtype=np.int64), False),
            "ls": (np.asarray(ls, dtype=np.int64), True),
            "lf": (np.asarray(lf, dtype=np.int64), False),
        }
        # Instants in bulk, per calendar: a start position reads as the next working instant, except for
        # zero-length tasks (milestones), which sit at the end of the working period they follow.
        groups: dict[int, list[int]] = defaultdict(list)
        for i in leaves.tolist():
            groups[id(cals[i])].append(i)
        instants = {key: np.zeros(n, dtype=np.int64) for key in positions}
        bound_by = np.frombuffer(bytes(self.bound_by), dtype=np.uint8)
        for members_list in groups.values():
            cal = cals[members_list[0]]
            members = np.asarray(members_list, dtype=np.int64)
            zero = dur_a[members] == 0
            # MS Project's conventions for an instant on a boundary between working periods: a start is
            # the next working start, a finish the end of the previous period — except that a milestone
            # after a predecessor's finish stays at that finish, and a finish driven by a start (SF) reads as
            # a start.
            zero_at_finish = zero & (bound_by[members] == 1)
            finish_as_start = bound_by[members] == 2
            for key, (values, as_start) in positions.items():
                picked = values[members]
                finishes = cal.finishes_at(picked)
                starts = cal.starts_at(picked)
                # Nothing is shown before the project starts (a milestone tied to the start by a lead).
                zero_at_finish_here = zero_at_finish & (finishes >= project_start)
                if as_start:
                    chosen = np.where(zero_at_finish_here, finishes, starts)
                elif key == "lf":
                    chosen = np.where(zero & ~zero_at_finish_here, starts, finishes)
                else:
                    chosen = np.where(finish_as_start | (zero & ~zero_at_finish_here), starts, finishes)
                instants[key][members] = chosen
        columns = [datetimes(instants[key][leaves]) for key in ("start", "finish", "es", "ef", "ls", "lf")]
        total = (positions["ls"][0] - positions["es"][0])[leaves].tolist()
        leaf_list = leaves.tolist()
        ids = [tasks[i].id for i in leaf_list]
        free_l = [free[i] for i in leaf_list]
        threshold = plan.critical_float
        out: dict[str, TaskSchedule] = {
            tid: TaskSchedule(tid, s_, f_, es_, ef_, ls_, lf_, tf, ff, tf <= threshold)
            for tid, s_, f_, es_, ef_, ls_, lf_, tf, ff in zip(ids, *columns, total, free_l, strict=True)
        }
        problems = list(self.problems)
        problems.extend(
            Problem(
                tid,
                f"negative total float ({tf} working minutes): its constraints or deadline cannot all be met",
            )
            for tid, tf in zip(ids, total, strict=True)
            if tf < 0
        )
        self._summaries(out)
        finish_dt = from_minutes(project_finish)
        start_dt = min(columns[0], default=from_minutes(project_start))
        critical_ids = [tid for tid, tf in zip(ids, total, strict=True) if tf <= threshold]
        critical = tuple(sorted(critical_ids, key=lambda tid: (out[tid].early_start, out[tid].early_finish)))
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
                total <= self.plan.critical_float,
                summary=True,
            )
