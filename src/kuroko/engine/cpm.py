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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from kuroko.engine.calendar import WorkCalendar, datetimes, from_minutes, to_minutes
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


@dataclass(slots=True)
class _Edge:
    pred: int
    succ: int
    type: LinkType
    lag: float
    kind: LagKind


def schedule(plan: Plan) -> Schedule:
    """Compute early, late and scheduled dates, floats and the critical path of every task.

    Raises
    ------
    CycleError
        If the links form a loop (the message names every task in it).
    PlanError
        If links refer to missing tasks or calendars are missing (each problem names its task).
    """
    return _Scheduler(plan).run()


class _Scheduler:
    def __init__(self, plan: Plan):
        self.plan = plan
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
        around = plan.start
        out: list[WorkCalendar] = []
        for t in plan.tasks:
            key = _FULL_CALENDAR_ID if t.elapsed else (t.calendar or plan.calendar)
            if key not in compiled:
                cal = (
                    Calendar(_FULL_CALENDAR_ID, "24 hours", FULL_WEEK)
                    if key == _FULL_CALENDAR_ID
                    else self.by_cal[key]
                )
                compiled[key] = WorkCalendar(cal, self.by_cal, around=around)
            out.append(compiled[key])
        self.project_calendar = compiled.get(plan.calendar) or WorkCalendar(
            self.by_cal[plan.calendar], self.by_cal, around=around
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

    def _edges(self) -> tuple[list[_Edge], list[tuple[str, int, Link]]]:
        """Links between leaf tasks (summary links expanded), and links from external tasks."""
        edges: list[_Edge] = []
        external: list[tuple[str, int, Link]] = []
        cache: dict[int, list[int]] = {}

        def leaves(i: int) -> list[int]:
            if i not in cache:
                cache[i] = self._leaves_under(i) if self.is_summary[i] else [i]
            return cache[i]

        for link in self.plan.links:
            succ = self.index[link.successor]
            if link.predecessor in self.external:
                external.extend((link.predecessor, s, link) for s in leaves(succ))
                continue
            pred = self.index[link.predecessor]
            if pred in self._ancestors(succ) or succ in self._ancestors(pred):
                self.problems.append(
                    Problem(
                        link.successor, "a summary task is linked to its own subtask; the link is ignored"
                    )
                )
                continue
            for p in leaves(pred):
                for s in leaves(succ):
                    edges.append(_Edge(p, s, link.type, link.lag, link.lag_kind))
        return edges, external

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

    def _order(self, n: int, edges: list[_Edge]) -> list[int]:
        indegree = [0] * n
        outgoing: list[list[int]] = [[] for _ in range(n)]
        for e in edges:
            indegree[e.succ] += 1
            outgoing[e.pred].append(e.succ)
        ready = [i for i in range(n) if indegree[i] == 0 and not self.is_summary[i]]
        order: list[int] = []
        while ready:
            i = ready.pop()
            order.append(i)
            for s in outgoing[i]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    ready.append(s)
        leaves = sum(1 for i in range(n) if not self.is_summary[i])
        if len(order) != leaves:
            ids = [t.id for t in self.plan.tasks]
            cycle = find_cycle((ids[e.pred], ids[e.succ]) for e in edges) or []
            raise CycleError([str(c) for c in cycle], {t.id: t.name or t.id for t in self.plan.tasks})
        return order

    # Passes ----------

    def run(self) -> Schedule:
        plan = self.plan
        tasks = plan.tasks
        n = len(tasks)
        cals = self._calendars()
        edges, external = self._edges()
        order = self._order(n, edges)
        dur = [self._duration(t, cals[i]) for i, t in enumerate(tasks)]
        incoming: list[list[_Edge]] = [[] for _ in range(n)]
        outgoing: list[list[_Edge]] = [[] for _ in range(n)]
        for e in edges:
            incoming[e.succ].append(e)
            outgoing[e.pred].append(e)
        ext_in: dict[int, list[tuple[str, Link]]] = defaultdict(list)
        for ext_id, s, link in external:
            ext_in[s].append((ext_id, link))

        project_start = to_minutes(plan.start)
        status = to_minutes(plan.status_date) if plan.status_date else None
        es = [0] * n
        ef = [0] * n
        pos = {}  # calendar position of the project start, per calendar object
        for i in order:
            t = tasks[i]
            cal = cals[i]
            if id(cal) not in pos:
                pos[id(cal)] = cal.to_work(project_start)
            d = dur[i]
            start = pos[id(cal)]
            for e in incoming[i]:
                start = max(start, self._forward_bound(e, es, ef, dur, cals))
            for ext_id, link in ext_in.get(i, ()):
                start = max(start, self._external_bound(ext_id, link, d, cal))
            if status is not None and t.actual_start is None and t.percent_complete == 0:
                start = max(start, cal.to_work(status))  # unstarted work goes after the status date
            start = self._early_constraints(t, start, d, cal)
            if t.actual_start is not None:
                start = cal.to_work(to_minutes(t.actual_start))
                if t.actual_finish is not None:
                    d = max(cal.to_work(to_minutes(t.actual_finish)) - start, 0)
                    dur[i] = d
                elif status is not None and t.percent_complete < 100:
                    remaining = (
                        t.remaining_duration
                        if t.remaining_duration is not None
                        else round(d * (100 - t.percent_complete) / 100)
                    )
                    done = d - remaining
                    finish = max(start + d, cal.to_work(status) + remaining) if done >= 0 else start + d
                    d = finish - start
                    dur[i] = d
            es[i] = start
            ef[i] = start + d

        leaf_ids = [i for i in range(n) if not self.is_summary[i]]
        if plan.schedule_from_finish and plan.finish is not None:
            project_finish = to_minutes(plan.finish)
        else:
            project_finish = max(
                (cals[i].finish_at(ef[i]) for i in leaf_ids),
                default=project_start,
            )
        lf = [0] * n
        ls = [0] * n
        finish_pos: dict[int, int] = {}
        for i in reversed(order):
            t = tasks[i]
            cal = cals[i]
            if id(cal) not in finish_pos:
                finish_pos[id(cal)] = cal.to_work(project_finish)
            finish = finish_pos[id(cal)]
            for e in outgoing[i]:
                finish = min(finish, self._backward_bound(e, ls, lf, dur, cals))
            finish = self._late_constraints(t, finish, dur[i], cal)
            if t.actual_finish is not None:
                finish = ef[i]
            lf[i] = finish
            ls[i] = finish - dur[i]

        if plan.schedule_from_finish:
            # Backward scheduling: tasks sit at their late dates; the early pass restarts from the earliest.
            earliest = min((cals[i].start_at(ls[i]) for i in leaf_ids), default=project_finish)
            shift = {id(c): c.to_work(earliest) - c.to_work(project_start) for c in cals}
            for i in leaf_ids:
                es[i] += shift[id(cals[i])]
                ef[i] += shift[id(cals[i])]
        start_pos = list(es)
        for i in leaf_ids:
            t = tasks[i]
            if (
                t.actual_start is None
                and (t.constraint == ConstraintType.ALAP or plan.schedule_from_finish)
                and (t.constraint in (ConstraintType.ALAP, ConstraintType.ASAP))
            ):
                start_pos[i] = ls[i]

        free = [0] * n
        for i in leaf_ids:
            cal = cals[i]
            slack = cal.to_work(project_finish) - ef[i]
            for e in outgoing[i]:
                slack = min(slack, self._free_slack(e, es, ef, dur, cals))
            free[i] = max(slack, 0) if ls[i] - es[i] >= 0 else slack

        return self._result(order, es, ef, ls, lf, start_pos, dur, free, cals, project_start, project_finish)

    def _duration(self, t: Task, cal: WorkCalendar) -> int:
        if t.milestone:
            return 0
        return t.duration

    def _lag(self, e: _Edge, dur: list[int]) -> int:
        if e.kind == LagKind.PERCENT:
            return round(dur[e.pred] * e.lag / 100)
        return round(e.lag)

    def _forward_bound(
        self, e: _Edge, es: list[int], ef: list[int], dur: list[int], cals: list[WorkCalendar]
    ) -> int:
        """Earliest start of e.succ allowed by the link, in the successor's calendar."""
        p, s = e.pred, e.succ
        from_finish = e.type in (LinkType.FS, LinkType.FF)
        ref = ef[p] if from_finish else es[p]
        lag = self._lag(e, dur)
        cp, cs = cals[p], cals[s]
        if cp is cs and e.kind != LagKind.ELAPSED:
            bound = ref + lag
        else:
            instant = cp.finish_at(ref) if from_finish else cp.start_at(ref)
            bound = cs.to_work(instant + lag) if e.kind == LagKind.ELAPSED else cs.to_work(instant) + lag
        if e.type in (LinkType.FF, LinkType.SF):
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
        """Latest finish of e.pred allowed by the link, in the predecessor's calendar."""
        p, s = e.pred, e.succ
        to_start = e.type in (LinkType.FS, LinkType.SS)  # the link constrains the successor's start
        ref = ls[s] if to_start else lf[s]
        lag = self._lag(e, dur)
        cp, cs = cals[p], cals[s]
        if cp is cs and e.kind != LagKind.ELAPSED:
            bound = ref - lag
        elif e.kind == LagKind.ELAPSED:
            instant = cs.start_at(ref) if to_start else cs.finish_at(ref)
            bound = cp.to_work(instant - lag)
        else:
            instant = cs.start_at(ref - lag) if to_start else cs.finish_at(ref - lag)
            bound = cp.to_work(instant)
        if e.type in (LinkType.SS, LinkType.SF):
            bound += dur[p]  # the link constrains the predecessor's start
        return bound

    def _free_slack(
        self, e: _Edge, es: list[int], ef: list[int], dur: list[int], cals: list[WorkCalendar]
    ) -> int:
        """How far e.pred can slip before the link delays e.succ's early dates."""
        bound = self._backward_bound(e, es, ef, dur, cals)
        return bound - ef[e.pred]

    def _early_constraints(self, t: Task, start: int, d: int, cal: WorkCalendar) -> int:
        c = t.constraint
        if c == ConstraintType.ASAP or c == ConstraintType.ALAP or t.constraint_date is None:
            return start
        at = cal.to_work(to_minutes(t.constraint_date))
        if c == ConstraintType.SNET:
            return max(start, at)
        if c == ConstraintType.FNET:
            return max(start, at - d)
        if c == ConstraintType.MSO:
            return at
        if c == ConstraintType.MFO:
            return at - d
        if self.plan.honor_constraints:
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
        groups: dict[int, list[int]] = defaultdict(list)
        for i in order:
            groups[id(cals[i])].append(i)
        n = len(tasks)
        finish_pos = [start_pos[i] + dur[i] for i in range(n)]
        minutes: dict[str, list[int]] = {}
        for key, values, is_start in (
            ("es", es, True),
            ("ef", ef, False),
            ("ls", ls, True),
            ("lf", lf, False),
            ("start", start_pos, True),
            ("finish", finish_pos, False),
        ):
            column = [0] * n
            for members in groups.values():
                converted = _instants(cals[members[0]], members, values, dur, as_start=is_start)
                for i, value in zip(members, converted.tolist(), strict=True):
                    column[i] = value
            minutes[key] = column
        leaf_list = list(order)
        as_dt = {key: _to_datetimes(col, leaf_list) for key, col in minutes.items()}
        threshold = plan.critical_float
        out: dict[str, TaskSchedule] = {}
        problems = list(self.problems)
        for i in leaf_list:
            t = tasks[i]
            total = ls[i] - es[i]
            if total < 0:
                problems.append(
                    Problem(
                        t.id,
                        f"negative total float ({total} working minutes): its constraints or "
                        "deadline cannot all be met",
                    )
                )
            out[t.id] = TaskSchedule(
                t.id,
                as_dt["start"][i],
                as_dt["finish"][i],
                as_dt["es"][i],
                as_dt["ef"][i],
                as_dt["ls"][i],
                as_dt["lf"][i],
                total,
                free[i],
                total <= threshold,
            )
        self._summaries(out)
        finish_dt = from_minutes(project_finish)
        start_dt = min((s.start for s in out.values()), default=from_minutes(project_start))
        critical = tuple(
            t.id
            for t in sorted(
                (tasks[i] for i in leaf_list if out[tasks[i].id].critical),
                key=lambda t: (out[t.id].early_start, out[t.id].early_finish),
            )
        )
        ordered = {t.id: out[t.id] for t in tasks if t.id in out}
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


def _instants(
    cal: WorkCalendar, members: list[int], values: list[int], dur: list[int], *, as_start: bool
) -> np.ndarray:
    """Calendar positions of `members` to instants (minutes since EPOCH), in bulk. A start position is read
    as the next working instant, except for zero-length tasks (milestones), which sit at the end of the
    working period they follow, as in MS Project."""
    arr = np.asarray([values[i] for i in members], dtype=np.int64)
    finishes = cal.finishes_at(arr)
    if not as_start:
        return finishes
    zero = np.asarray([dur[i] == 0 for i in members], dtype=bool)
    return np.where(zero, finishes, cal.starts_at(arr))


def _to_datetimes(column: list[int], indices: Iterable[int]) -> dict[int, datetime]:
    idx = list(indices)
    values = datetimes(np.asarray([column[i] for i in idx], dtype=np.int64))
    return dict(zip(idx, values, strict=True))
