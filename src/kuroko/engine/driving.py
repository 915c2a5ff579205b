"""The driving path of a task: the chain of predecessors whose links set its early dates.

MS Project's Task Path and Primavera's "driving" relationships answer the planner's question "why does
this task start when it does?". A link *drives* its successor when the date it demands (the predecessor's
finish or start, plus the lag) is the successor's early start (FS, SS) or early finish (FF, SF): moving
the predecessor later would move the successor. A task no link drives starts where the project start, a
constraint, its actual start or its manual dates put it.

Works on a computed `Schedule`, so it never reschedules; lags are measured as the scheduler measures them
(working time of the successor's calendar, elapsed time, or a percentage of the predecessor's duration).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from kuroko.engine.calendar import WorkCalendar, from_minutes, to_minutes
from kuroko.engine.model import LagKind, Link, LinkType, Plan, Schedule, Task


@dataclass(frozen=True, slots=True)
class DrivingLink:
    """A link that drives its successor: without it the successor could be earlier."""

    predecessor: str
    successor: str
    type: LinkType


def driving_links(plan: Plan, result: Schedule) -> tuple[DrivingLink, ...]:
    """Every link of the plan that drives its successor in `result` (the schedule of `plan`)."""
    calendars = _Calendars(plan, result)
    tasks = {t.id: t for t in plan.tasks}
    external = {e.id: e for e in plan.external}
    out = []
    for link in plan.links:
        successor = result.tasks.get(link.successor)
        if successor is None:
            continue
        if link.predecessor in result.tasks:
            p = result.tasks[link.predecessor]
            pred_start, pred_finish = p.early_start, p.early_finish
        elif link.predecessor in external:
            pred_start, pred_finish = external[link.predecessor].start, external[link.predecessor].finish
        else:
            continue
        from_finish = link.type in (LinkType.FS, LinkType.FF)
        to_finish = link.type in (LinkType.FF, LinkType.SF)
        task = tasks.get(link.successor)
        calendar = calendars.get(task.calendar if task and task.calendar else plan.calendar)
        moment = pred_finish if from_finish else pred_start
        demanded = _demanded_work(link, moment, calendar, tasks)
        target = successor.early_finish if to_finish else successor.early_start
        if demanded >= calendar.to_work(to_minutes(target)):
            out.append(DrivingLink(link.predecessor, link.successor, link.type))
    return tuple(out)


def driving_path(plan: Plan, result: Schedule, task: str) -> tuple[str, ...]:
    """The tasks that drive `task`, directly or through other driving tasks, in order of early start,
    `task` last. A task nothing drives has the path ``(task,)``.

    Raises
    ------
    KeyError
        If `task` is not in the schedule.
    """
    if task not in result.tasks:
        raise KeyError(f"Task {task} is not in the schedule.")
    into: dict[str, list[str]] = {}
    for link in driving_links(plan, result):
        into.setdefault(link.successor, []).append(link.predecessor)
    found = {task}
    stack = [task]
    while stack:
        for predecessor in into.get(stack.pop(), ()):
            if predecessor not in found:
                found.add(predecessor)
                stack.append(predecessor)
    others = sorted(
        (t for t in found if t != task and t in result.tasks),
        key=lambda t: (result.tasks[t].early_start, result.tasks[t].early_finish, t),
    )
    outside = sorted(t for t in found if t != task and t not in result.tasks)  # other projects' tasks
    return (*outside, *others, task)


def _demanded_work(link: Link, moment: datetime, calendar: WorkCalendar, tasks: Mapping[str, Task]) -> int:
    """The successor-calendar working position the link demands for its successor's start or finish."""
    if link.lag_kind == LagKind.ELAPSED:
        # An instant on a boundary between working periods (17:00 = next morning's 08:00 in working time)
        # is two instants in elapsed time; the link drives if either reading reaches the successor.
        work = calendar.to_work(to_minutes(moment))
        readings = (moment, from_minutes(calendar.finish_at(work)), from_minutes(calendar.start_at(work)))
        return max(calendar.to_work(to_minutes(m + timedelta(minutes=link.lag))) for m in readings)
    lag = link.lag
    if link.lag_kind == LagKind.PERCENT:
        predecessor = tasks.get(link.predecessor)
        lag = (predecessor.duration if predecessor else 0) * link.lag / 100
    return calendar.to_work(to_minutes(moment)) + round(lag)


class _Calendars:
    """Compiled calendars by id, over a horizon that covers the whole schedule."""

    def __init__(self, plan: Plan, result: Schedule):
        self.by_id = {c.id: c for c in plan.calendars}
        moments = [plan.start, result.project_start, result.project_finish]
        moments += [e.start for e in plan.external]
        first, last = min(moments), max(moments)
        self.around = first
        self.years = last.year - first.year + 3
        self.compiled: dict[str, WorkCalendar] = {}

    def get(self, key: str) -> WorkCalendar:
        if key not in self.compiled:
            self.compiled[key] = WorkCalendar(
                self.by_id[key], self.by_id, around=self.around, years=self.years, lookback=2
            )
        return self.compiled[key]
