"""Planned work and labour cost of each task: the budget a baseline records for earned value.

A task's planned work is the sum of its assignments' work. Its planned labour cost spreads each
assignment's work over the task's dates on the person's working calendar (by the assignment's contour, as
the resource load does) and prices each day at the cost rate in force that day: the person's own rate
card, else their rate grade's. Placeholders have no rate (no grade of their own): their work counts,
their cost does not. A summary task adds up the tasks under it (and any assignment of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kuroko.projects.models import Assignment, Project, Task


@dataclass(frozen=True, slots=True)
class PlannedBudget:
    """A task's planned work (minutes) and labour cost; `unpriced` counts assignments with work and no
    rate (a placeholder, or a person without a rate on some day of the work)."""

    work_minutes: int
    cost: Decimal
    unpriced: int = 0


def planned_budgets(project: Project, tasks: list[Task] | None = None) -> dict[int, PlannedBudget]:
    """Planned work and labour cost of every task of `project`, by task pk (summaries roll up)."""
    from kuroko.engine.load import WorkItem, spread
    from kuroko.people.selectors import rate_in, rate_timelines
    from kuroko.projects.mapping import naive
    from kuroko.projects.selectors.resources import person_calendars

    if tasks is None:
        tasks = list(Task.objects.filter(project=project).only("pk", "parent_id", "start", "finish"))
    by_pk = {t.pk: t for t in tasks}
    work: dict[int, int] = dict.fromkeys(by_pk, 0)
    cost: dict[int, Decimal] = dict.fromkeys(by_pk, Decimal(0))
    unpriced: dict[int, int] = dict.fromkeys(by_pk, 0)
    rows = list(
        Assignment.objects.filter(task__project=project)
        .select_related("person__calendar")
        .only(
            "task_id", "person", "placeholder_id", "work_minutes", "contour", "person__rate_role_id",
            "person__calendar",
        )
    )  # fmt: skip
    dated: list[tuple[Any, Any, int, str, int]] = []  # (person, task, work, contour, task pk)
    for a in rows:
        task = by_pk.get(a.task_id)
        if task is None:
            continue
        work[task.pk] += a.work_minutes
        if a.work_minutes == 0:
            continue
        if a.person is None or task.start is None or task.finish is None:
            unpriced[task.pk] += 1  # a placeholder, or an unscheduled task: no day to price
            continue
        dated.append((a.person, task, a.work_minutes, a.contour, task.pk))
    if dated:
        first: date = min(naive(t.start).date() for _p, t, *_ in dated)
        last: date = max(naive(t.finish).date() for _p, t, *_ in dated)
        people = list({p.pk: p for p, *_rest in dated}.values())
        calendars = person_calendars(people, first, last)
        rates = rate_timelines(people)
        for person, task, minutes, contour, pk in dated:
            line = rates.get(person.pk, [])
            item = WorkItem(str(person.pk), naive(task.start), naive(task.finish), minutes, contour)
            missing = not line
            for day, share in spread(item, calendars[person.pk]).items():
                rate = rate_in(line, day) if line else None
                if rate is None:
                    missing = True
                    continue
                cost[pk] += rate.cost * Decimal(repr(share)) / 60
            unpriced[pk] += int(missing)
    # Summaries add up their descendants: walk each task's chain of parents.
    total_work, total_cost, total_unpriced = dict(work), dict(cost), dict(unpriced)
    for pk, task in by_pk.items():
        parent = task.parent_id
        seen = {pk}
        while parent is not None and parent in by_pk and parent not in seen:
            seen.add(parent)
            total_work[parent] += work[pk]
            total_cost[parent] += cost[pk]
            total_unpriced[parent] += unpriced[pk]
            parent = by_pk[parent].parent_id
    cent = Decimal("0.01")
    return {
        pk: PlannedBudget(total_work[pk], total_cost[pk].quantize(cent), total_unpriced[pk]) for pk in by_pk
    }
