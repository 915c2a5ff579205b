"""REST endpoints for resource load: the heatmap's data at a day, week or month scale, the tasks behind one
cell, and the utilisation report (稼働率). The same selectors as the pages; bad input is a 422 naming the
query parameter."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import ValidationError as QueryError

from kuroko.people.models import Person
from kuroko.projects import selectors

router = Router(tags=["resources"])


def _query_errors(exc: ValidationError) -> QueryError:
    """A selector's field errors as the 422 body pydantic gives for bad query parameters."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field": exc.messages}
    return QueryError(
        [
            {"loc": ["query", name], "msg": message, "type": "value_error"}
            for name, messages in fields.items()
            for message in messages
        ]
    )


def _r(value: float, digits: int = 1) -> float:
    return round(value, digits)


class LoadCellOut(Schema):
    start: date
    finish: date
    work_minutes: float
    tentative_minutes: float
    capacity_minutes: float
    percent: float | None
    project_work_minutes: float | None = None


class LoadRowOut(Schema):
    person_id: int
    person: str
    team_id: int | None
    cells: list[LoadCellOut]


class LoadOut(Schema):
    scale: str
    start: date
    periods: int
    project: str | None
    rows: list[LoadRowOut]


@router.get("/resources/load", response=LoadOut)
def resource_load(
    request: HttpRequest,
    start: date | None = None,
    scale: str = "week",
    periods: int | None = None,
    team: int | None = None,
    skill: int | None = None,
    min_level: int = 1,
    project: str | None = None,
) -> Any:
    """People × periods (`scale` day, week or month; at most 62 days, 52 weeks or 24 months): each
    person's confirmed and tentative work on all projects and their capacity, in minutes, and the %.
    Filters: `team` and `skill` ids (`min_level` 1–5), `project` code (its people; each cell then also
    gives that project's part of the work)."""
    try:
        query = selectors.load_query(
            request.user,
            start=start or timezone.localdate(),
            scale=scale,
            periods=periods,
            team=team,
            skill=skill,
            min_level=min_level,
            project=project,
        )
    except ValidationError as exc:
        raise _query_errors(exc) from exc
    grid = selectors.load_grid(request.user, query)
    with_project = grid.project is not None
    return {
        "scale": grid.scale,
        "start": query.start,
        "periods": query.periods,
        "project": grid.project.code if grid.project else None,
        "rows": [
            {
                "person_id": row.person.pk,
                "person": str(row.person),
                "team_id": row.person.team_id,
                "cells": [
                    {
                        "start": c.start,
                        "finish": c.finish,
                        "work_minutes": _r(c.work),
                        "tentative_minutes": _r(c.tentative),
                        "capacity_minutes": _r(c.capacity),
                        "percent": None if c.percent is None else _r(c.percent),
                        "project_work_minutes": _r(c.project_work) if with_project else None,
                    }
                    for c in row.cells
                ],
            }
            for row in grid.rows
        ],
    }


class CellTaskOut(Schema):
    task_id: int
    task: str
    wbs_code: str
    project: str
    project_name: str
    manager: str | None
    work_minutes: float
    tentative_minutes: float
    units: int
    start: str | None
    finish: str | None


class CellOut(Schema):
    person_id: int
    person: str
    scale: str
    start: date
    finish: date
    work_minutes: float
    tentative_minutes: float
    capacity_minutes: float
    percent: float | None
    tasks: list[CellTaskOut]
    hidden_work_minutes: float
    hidden_tentative_minutes: float


@router.get("/resources/load/cell", response=CellOut)
def resource_load_cell(request: HttpRequest, person: int, start: date, scale: str = "week") -> Any:
    """The tasks behind one cell: the person's assignments with work in the period (of `scale`) that holds
    `start`, with project, project manager, confirmed and tentative minutes in the cell and units. Tasks
    of projects the caller may not read are only summed (`hidden_…`)."""
    who = get_object_or_404(Person, pk=person)
    try:
        cell = selectors.load_cell(request.user, person=who, start=start, scale=scale)
    except ValidationError as exc:
        raise _query_errors(exc) from exc
    return {
        "person_id": who.pk,
        "person": str(who),
        "scale": cell.scale,
        "start": cell.start,
        "finish": cell.finish,
        "work_minutes": _r(cell.work),
        "tentative_minutes": _r(cell.tentative),
        "capacity_minutes": _r(cell.capacity),
        "percent": None if cell.percent is None else _r(cell.percent),
        "tasks": [
            {
                "task_id": t.task.pk,
                "task": t.task.name,
                "wbs_code": t.task.wbs_code,
                "project": t.project.code,
                "project_name": t.project.name,
                "manager": str(t.project.manager) if t.project.manager else None,
                "work_minutes": _r(t.work),
                "tentative_minutes": _r(t.tentative),
                "units": t.units,
                "start": t.task.start.isoformat() if t.task.start else None,
                "finish": t.task.finish.isoformat() if t.task.finish else None,
            }
            for t in cell.tasks
        ],
        "hidden_work_minutes": _r(cell.hidden_work),
        "hidden_tentative_minutes": _r(cell.hidden_tentative),
    }


class MonthOut(Schema):
    month: str
    capacity_hours: float
    planned_hours: float
    tentative_hours: float
    utilisation_percent: float | None


class UtilisationRowOut(Schema):
    label: str
    person_id: int | None
    team_id: int | None
    months: list[MonthOut]
    total: MonthOut


class UtilisationOut(Schema):
    group: str
    months: list[str]
    rows: list[UtilisationRowOut]
    total: UtilisationRowOut


def _month(cell: selectors.MonthCell, label: str) -> dict[str, Any]:
    percent = cell.percent
    return {
        "month": label,
        "capacity_hours": _r(cell.capacity_hours, 2),
        "planned_hours": _r(cell.planned_hours, 2),
        "tentative_hours": _r(cell.tentative_hours, 2),
        "utilisation_percent": None if percent is None else _r(percent),
    }


def _util_row(row: selectors.MonthRow) -> dict[str, Any]:
    return {
        "label": row.label,
        "person_id": row.person.pk if row.person else None,
        "team_id": row.team.pk if row.team else None,
        "months": [_month(c, f"{c.month:%Y-%m}") for c in row.cells],
        "total": _month(row.total, "total"),
    }


@router.get("/resources/utilisation", response=UtilisationOut)
def resource_utilisation(
    request: HttpRequest, month_from: str | None = None, months: int = 6, group: str = "person"
) -> Any:
    """The utilisation report (稼働率) per person or team (`group`) and month from `month_from` (YYYY-MM,
    default this month) for `months` months (1–24): capacity, planned (confirmed) and tentative hours and
    utilisation % = planned ÷ capacity. Actual hours will come from timesheets."""
    try:
        first = selectors.parse_month(month_from) if month_from else timezone.localdate().replace(day=1)
    except ValueError as exc:
        raise QueryError(
            [{"loc": ["query", "month_from"], "msg": _("Give the month as YYYY-MM."), "type": "value_error"}]
        ) from exc
    try:
        table = selectors.utilisation(request.user, month_from=first, months=months, group=group)
    except ValidationError as exc:
        raise _query_errors(exc) from exc
    assert table.total is not None  # person and team rows add up to the total
    return {
        "group": group,
        "months": [f"{m:%Y-%m}" for m in table.months],
        "rows": [_util_row(r) for r in table.rows],
        "total": _util_row(table.total),
    }
