"""An in-memory project plan for the generators: a WBS tree, links, a forward-pass schedule and progress.

Tasks are scheduled as they are added, in working-day indices (see :mod:`kuroko.demo.workdays`): a task
starts at the earliest time its predecessors allow, so the planned dates always satisfy the links.
`materialise` then turns the plan into table rows whose derived fields (WBS code, outline level, row,
summary kind, roll-ups) are computed by :mod:`kuroko.engine.wbs` exactly as
:func:`kuroko.projects.services.renumber` computes them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from kuroko.demo.workdays import WorkCalendar
from kuroko.engine import wbs

MINUTES_PER_DAY = 480  # 8 working hours, the organisation's person-day

SUMMARY, TASK, MILESTONE = "summary", "task", "milestone"  # TaskKind values
FS, SS, FF, SF = "FS", "SS", "FF", "SF"  # DependencyType values


class PlanError(ValueError):
    """The plan breaks one of its own rules (a bug in a generator, never in user data)."""


@dataclass(frozen=True, slots=True)
class Pred:
    """A predecessor of a task being added: item index, link type and lag in working days."""

    item: int
    type: str = FS
    lag: int = 0


def fs(item: int, lag: int = 0) -> Pred:
    return Pred(item, FS, lag)


def ss(item: int, lag: int = 0) -> Pred:
    return Pred(item, SS, lag)


def ff(item: int, lag: int = 0) -> Pred:
    return Pred(item, FF, lag)


@dataclass(slots=True)
class Item:
    """One WBS element. `start`/`finish` are times in working-day indices (finish = start + days)."""

    name: str
    parent: int | None
    kind: str
    position: int
    days: int = 0
    owner: int | None = None
    notes: str = ""
    start: int = 0
    finish: int = 0
    percent: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    pred: int
    succ: int
    type: str
    lag: int  # working days


class Plan:
    """A project plan being generated. Items are only ever appended, so a parent always comes before
    its children and a scheduling predecessor before its successor (the links cannot form a cycle)."""

    def __init__(self, origin: int = 0) -> None:
        self.origin = origin
        self.items: list[Item] = []
        self.links: list[Link] = []
        self._positions: dict[int | None, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def _add(self, item: Item) -> int:
        """Append `item` as the last child of its parent; returns its index."""
        parent = item.parent
        if parent is not None and self.items[parent].kind != SUMMARY:
            above = self.items[parent].name
            raise PlanError(f"“{item.name}” cannot go under “{above}”, which is not a summary.")
        item.position = self._positions.get(parent, 0)
        self._positions[parent] = item.position + 1
        self.items.append(item)
        return len(self.items) - 1

    def summary(
        self, name: str, parent: int | None = None, *, owner: int | None = None, notes: str = ""
    ) -> int:
        """Add a summary task; its dates and progress are rolled up from the tasks added under it."""
        return self._add(Item(name, parent, SUMMARY, 0, owner=owner, notes=notes))

    def task(
        self,
        name: str,
        days: int,
        parent: int | None = None,
        *,
        preds: Iterable[int | Pred] = (),
        not_before: int | None = None,
        owner: int | None = None,
        notes: str = "",
    ) -> int:
        """Add a task of `days` working days (0 makes a milestone), scheduled as early as its
        predecessors (plain ints are finish-to-start links) and `not_before` allow."""
        if days < 0:
            raise PlanError(f"“{name}” has a negative duration.")
        links = [p if isinstance(p, Pred) else Pred(p) for p in preds]
        kind = TASK if days else MILESTONE
        if kind == MILESTONE and not links:
            # A milestone sits at the end of the day its predecessors finish; without any its date is unclear.
            raise PlanError(f"Milestone “{name}” needs a predecessor.")
        start = max(self.origin, not_before if not_before is not None else self.origin)
        for link in links:
            pred = self.items[link.item]
            if pred.kind == SUMMARY:
                raise PlanError(f"“{name}” is scheduled from summary “{pred.name}”; use Plan.link for that.")
            if link.type == FS:
                start = max(start, pred.finish + link.lag)
            elif link.type == SS:
                start = max(start, pred.start + link.lag)
            elif link.type == FF:
                start = max(start, pred.finish + link.lag - days)
            else:  # SF
                start = max(start, pred.start + link.lag - days)
        index = self._add(
            Item(name, parent, kind, 0, days=days, owner=owner, notes=notes, start=start, finish=start + days)
        )
        self.links.extend(Link(link.item, index, link.type, link.lag) for link in links)
        return index

    def milestone(
        self,
        name: str,
        parent: int | None = None,
        *,
        preds: Iterable[int | Pred],
        owner: int | None = None,
        notes: str = "",
    ) -> int:
        """Add a milestone at the finish of its predecessors."""
        return self.task(name, 0, parent, preds=preds, owner=owner, notes=notes)

    def link(self, pred: int, succ: int, type: str = FS, lag: int = 0) -> None:
        """Add a link that does not drive the schedule (e.g. between two phases); `check` verifies it."""
        self.links.append(Link(pred, succ, type, lag))

    def descendants(self, parent: int) -> list[int]:
        """Indices of every item below `parent` (items are appended, so they all follow it)."""
        inside = {parent}
        out: list[int] = []
        for index in range(parent + 1, len(self.items)):
            if self.items[index].parent in inside:
                inside.add(index)
                out.append(index)
        return out

    def open_ends(self, parent: int) -> list[int]:
        """Tasks below `parent` that no finish-to-start or finish-to-finish link inside it follows:
        the ones a milestone closing `parent` must wait for."""
        inside = [i for i in self.descendants(parent) if self.items[i].kind != SUMMARY]
        members = set(inside)
        followed = {link.pred for link in self.links if link.succ in members and link.type in (FS, FF)}
        return [i for i in inside if i not in followed]

    def end(self) -> int:
        """The latest finish time of any task (the origin for an empty plan)."""
        return max((item.finish for item in self.items if item.kind != SUMMARY), default=self.origin)

    def shift(self, delta: int) -> None:
        """Move the whole plan by `delta` working days (only valid without `not_before` constraints)."""
        self.origin += delta
        for item in self.items:
            item.start += delta
            item.finish += delta

    def spans(self) -> list[tuple[int, int]]:
        """(start, finish) times of every item, summaries spanning everything below them."""
        spans = [
            (item.start, item.finish) if item.kind != SUMMARY else (2**31, -(2**31)) for item in self.items
        ]
        for index in range(len(self.items) - 1, -1, -1):
            parent = self.items[index].parent
            if parent is not None:
                start, finish = spans[index]
                p_start, p_finish = spans[parent]
                spans[parent] = (min(start, p_start), max(finish, p_finish))
        return spans

    def check(self) -> None:
        """Raise PlanError if a summary has nothing below it or a link's dates do not hold."""
        spans = self.spans()
        for index, item in enumerate(self.items):
            if item.kind == SUMMARY and spans[index][1] < spans[index][0]:
                raise PlanError(f"Summary “{item.name}” has no tasks below it.")
        for link in self.links:
            (p_start, p_finish), (s_start, s_finish) = spans[link.pred], spans[link.succ]
            ok = {
                FS: s_start >= p_finish + link.lag,
                SS: s_start >= p_start + link.lag,
                FF: s_finish >= p_finish + link.lag,
                SF: s_finish >= p_start + link.lag,
            }[link.type]
            if not ok:
                raise PlanError(
                    f"{link.type} link “{self.items[link.pred].name}” → “{self.items[link.succ].name}” "
                    "is not respected by the planned dates."
                )

    def apply_progress(self, as_of: int, rng: random.Random, *, jitter: int = 10) -> None:
        """Set % complete as of working day `as_of`: finished before it 100, not started 0, in progress
        the elapsed share of the duration give or take `jitter` points (1–99)."""
        for item in self.items:
            if item.kind == SUMMARY:
                continue
            if item.kind == MILESTONE:
                item.percent = 100 if item.finish <= as_of else 0
                continue
            elapsed = min(max(as_of - item.start, 0), item.days)
            if elapsed == item.days:
                item.percent = 100
            elif elapsed == 0:
                item.percent = 0
            else:
                share = round(100 * elapsed / item.days) + rng.randint(-jitter, jitter)
                item.percent = min(99, max(1, share))


@dataclass(slots=True)
class Row:
    """The stored values of one task, derived fields included."""

    index: int
    parent: int | None
    position: int
    wbs_code: str
    outline_level: int
    row: int
    kind: str
    name: str
    duration_minutes: int
    planned_start: date | None
    planned_finish: date | None
    percent_complete: int
    owner: int | None
    notes: str
    # A leaf task that no link drives: its planned start is kept as a "start no earlier than"
    # constraint, as a planner would set it in MS Project (the schedule is computed from links).
    constrained: bool = False


@dataclass(frozen=True, slots=True)
class Materialised:
    """A plan as table rows (in plan order), with the project's rolled-up progress and dates."""

    rows: list[Row]
    percent_complete: Decimal
    planned_start: date | None
    planned_finish: date | None


def materialise(plan: Plan, calendar: WorkCalendar) -> Materialised:
    """Dates from working-day times, then WBS numbering and roll-ups as `renumber` computes them."""
    plan.check()
    driven = {link.succ for link in plan.links}
    rows: list[Row] = []
    for index, item in enumerate(plan.items):
        start: date | None = None
        finish: date | None = None
        if item.kind == TASK:
            start, finish = calendar.day(item.start), calendar.day(item.finish - 1)
        elif item.kind == MILESTONE:
            # At the end of the day its predecessors finish on.
            start = finish = calendar.day(max(item.finish - 1, 0))
        rows.append(
            Row(
                index,
                item.parent,
                item.position,
                "",
                1,
                0,
                item.kind,
                item.name,
                item.days * MINUTES_PER_DAY,
                start,
                finish,
                item.percent,
                item.owner,
                item.notes,
                constrained=item.kind != SUMMARY and index not in driven,
            )
        )
    for numbered in wbs.number_tree(wbs.Node(r.index, r.parent, r.position) for r in rows):
        row = rows[cast(int, numbered.id)]
        row.wbs_code, row.outline_level, row.row, row.position = (
            numbered.code,
            numbered.level,
            numbered.row,
            numbered.position,
        )
        if numbered.has_children:
            row.kind = SUMMARY
        elif row.kind == SUMMARY:
            row.kind = TASK
    rollups = wbs.roll_up(
        wbs.Leaf(r.index, r.parent, r.duration_minutes, r.percent_complete, r.planned_start, r.planned_finish)
        for r in rows
    )
    for rollup in rollups:
        row = rows[cast(int, rollup.id)]
        row.percent_complete, row.planned_start, row.planned_finish = (
            rollup.percent_complete,
            rollup.start,
            rollup.finish,
        )
        if rollup.start is not None and rollup.finish is not None:
            row.duration_minutes = calendar.days_between(rollup.start, rollup.finish) * MINUTES_PER_DAY
    leaves = [(r.duration_minutes, r.percent_complete) for r in rows if r.kind != SUMMARY]
    percent = Decimal(str(round(wbs.weighted_percent(leaves), 2)))
    starts = [r.planned_start for r in rows if r.planned_start is not None]
    finishes = [r.planned_finish for r in rows if r.planned_finish is not None]
    return Materialised(rows, percent, min(starts, default=None), max(finishes, default=None))
