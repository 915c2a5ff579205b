"""Writing generated plans to the database in bulk: tasks level by level (a parent's primary key is needed
before its children are inserted), then the links between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kuroko.demo.plan import FS, MILESTONE, MINUTES_PER_DAY, SUMMARY, TASK, Link, Materialised, Row
from kuroko.projects.models import Dependency, Task

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class Counts:
    """How many rows of each kind a build created."""

    programs: int
    projects: int
    tasks: int
    dependencies: int
    people: int
    teams: int
    users: int


def bulk_insert[M: models.Model](objs: list[M], model: type[M], *, history: bool) -> list[M]:
    """Insert rows in batches, with a "created" history record for each when `history` is set.
    The returned objects carry their primary keys (SQLite ≥ 3.35 and PostgreSQL return them)."""
    if not objs:
        return objs
    if history:
        return list(bulk_create_with_history(objs, model, batch_size=BATCH_SIZE))
    return list(model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE))


def _moment(day: date | None, minutes: int) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minutes))


def _schedule_inputs(row: Row) -> dict[str, Any]:
    """Constraint and actual dates the engine schedules from: work under way started on its planned
    start (09:00), finished work finished on its planned finish (18:00, the end of the demo's day)."""
    values: dict[str, Any] = {}
    if row.constrained and row.kind != SUMMARY and row.planned_start is not None:
        values["constraint_type"] = "SNET"
        values["constraint_date"] = _moment(row.planned_start, 0)
    if row.kind == MILESTONE and row.percent_complete == 100:
        # A milestone is reached at the end of the day its predecessors finish on.
        values["actual_start"] = values["actual_finish"] = _moment(row.planned_finish, 18 * 60)
    elif row.kind == TASK and row.percent_complete > 0:
        values["actual_start"] = _moment(row.planned_start, 9 * 60)
        if row.percent_complete == 100:
            values["actual_finish"] = _moment(row.planned_finish, 18 * 60)
    return values


def insert_tasks(plans: Sequence[tuple[int, Materialised]], *, history: bool) -> list[list[int]]:
    """Insert the tasks of several projects, given as (project pk, materialised plan).

    Returns, for each plan, the task primary keys by plan item index.
    """
    pks: list[list[int]] = [[0] * len(m.rows) for _, m in plans]
    depth = max((row.outline_level for _, m in plans for row in m.rows), default=0)
    for level in range(1, depth + 1):
        placed: list[tuple[int, int]] = []
        objs: list[Task] = []
        for number, (project_id, materialised) in enumerate(plans):
            for row in materialised.rows:
                if row.outline_level != level:
                    continue
                placed.append((number, row.index))
                objs.append(
                    Task(
                        project_id=project_id,
                        parent_id=None if row.parent is None else pks[number][row.parent],
                        position=row.position,
                        wbs_code=row.wbs_code,
                        outline_level=row.outline_level,
                        row=row.row,
                        kind=row.kind,
                        name=row.name,
                        duration_minutes=row.duration_minutes,
                        planned_start=row.planned_start,
                        planned_finish=row.planned_finish,
                        percent_complete=row.percent_complete,
                        owner_id=row.owner,
                        notes=row.notes,
                        **_schedule_inputs(row),
                    )
                )
        for (number, index), task in zip(placed, bulk_insert(objs, Task, history=history), strict=True):
            pks[number][index] = task.pk
    return pks


def dependency(pred_pk: int, succ_pk: int, type: str = FS, lag_days: int = 0) -> Dependency:
    return Dependency(
        predecessor_id=pred_pk, successor_id=succ_pk, type=type, lag_minutes=lag_days * MINUTES_PER_DAY
    )


def insert_links(plans: Sequence[tuple[Sequence[Link], list[int]]], *, history: bool) -> int:
    """Insert each plan's links, given as (links, task pks by item index). Returns how many."""
    objs = [
        dependency(pks[link.pred], pks[link.succ], link.type, link.lag)
        for links, pks in plans
        for link in links
    ]
    bulk_insert(objs, Dependency, history=history)
    return len(objs)
