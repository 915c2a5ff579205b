"""REST endpoints for resources on projects: placeholders and assignments of people to tasks."""

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.people.models import Person, Skill
from kuroko.projects import selectors, services
from kuroko.projects.models import Assignment, Placeholder

router = Router(tags=["resources"])


class PlaceholderOut(Schema):
    id: int
    name: str
    skill_id: int | None
    min_level: int
    quantity: int


class PlaceholderIn(Schema):
    name: str
    skill_id: int | None = None
    min_level: int = Field(1, ge=1, le=5)
    quantity: int = Field(1, ge=1)


class AssignmentOut(Schema):
    id: int
    task_id: int
    person_id: int | None
    placeholder_id: int | None
    units: int
    work_minutes: int
    contour: str
    booking: str


class AssignmentIn(Schema):
    person_id: int | None = Field(None, description="A person, or …")
    placeholder_id: int | None = Field(None, description="… a placeholder of the task's project")
    units: int = Field(100, ge=1, le=1000, description="% of their time")
    work_minutes: int | None = Field(
        None, ge=0, description="Sets the task's duration from the work (effort-driven); default: follows it"
    )
    contour: Literal["flat", "front", "back"] = "flat"
    booking: Literal["confirmed", "tentative"] = "confirmed"


@router.get("/projects/{code}/placeholders", response=list[PlaceholderOut])
def list_placeholders(request: HttpRequest, code: str) -> Any:
    return Placeholder.objects.filter(project=selectors.project_get(request.user, code))


@router.post("/projects/{code}/placeholders", response={201: PlaceholderOut})
def create_placeholder(request: HttpRequest, code: str, payload: PlaceholderIn) -> Any:
    project = selectors.project_get(request.user, code)
    data = payload.dict()
    skill_id = data.pop("skill_id")
    if skill_id is not None:
        data["skill"] = Skill.objects.filter(pk=skill_id).first()
        if data["skill"] is None:
            raise ValidationError({"skill_id": _("No skill with id %(id)s.") % {"id": skill_id}})
    return HttpStatus(201, services.placeholder_create(actor=request.user, project=project, data=data))


@router.get("/tasks/{task_id}/assignments", response=list[AssignmentOut])
def list_assignments(request: HttpRequest, task_id: int) -> Any:
    return Assignment.objects.filter(task=selectors.task_get(request.user, task_id))


@router.put("/tasks/{task_id}/assignments", response=AssignmentOut)
def set_assignment(request: HttpRequest, task_id: int, payload: AssignmentIn) -> Any:
    """Assign a person or a placeholder to the task (or change their units, work, contour, booking)."""
    task = selectors.task_get(request.user, task_id)
    person = get_object_or_404(Person, pk=payload.person_id) if payload.person_id else None
    placeholder = (
        get_object_or_404(Placeholder, pk=payload.placeholder_id) if payload.placeholder_id else None
    )
    return services.assignment_set(
        actor=request.user,
        task=task,
        person=person,
        placeholder=placeholder,
        units=payload.units,
        work_minutes=payload.work_minutes,
        contour=payload.contour,
        booking=payload.booking,
    )


@router.delete("/assignments/{assignment_id}", response={204: None})
def remove_assignment(request: HttpRequest, assignment_id: int) -> Any:
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    selectors.task_get(request.user, assignment.task_id)  # may the user see it at all
    services.assignment_remove(actor=request.user, assignment=assignment)
    return HttpStatus(204, None)


class OverAllocationOut(Schema):
    person_id: int
    person: str
    week: date
    percent: float | None = Field(description="% of capacity; null when the person has no capacity that week")
    over_minutes: float
    task_ids: list[int]


@router.get("/resources/over-allocations", response=list[OverAllocationOut])
def list_over_allocations(request: HttpRequest, start: date | None = None, weeks: int = 12) -> Any:
    """Every person-week booked beyond capacity (confirmed work on all projects), worst first."""
    from django.utils import timezone

    found = selectors.over_allocations(
        request.user, start=start or timezone.localdate(), weeks=min(max(weeks, 1), 52)
    )
    return [
        {
            "person_id": o.person.pk,
            "person": str(o.person),
            "week": o.week,
            "percent": round(o.percent, 1) if o.percent != float("inf") else None,
            "over_minutes": round(o.over_minutes, 1),
            "task_ids": [t.pk for t in o.tasks],
        }
        for o in found
    ]
