"""REST endpoints for staffing: candidates for a placeholder, who is free, and the optimal proposal."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as InputError

from kuroko.people.models import Skill, Team
from kuroko.projects import selectors
from kuroko.projects.api_resources import AssignmentOut
from kuroko.projects.models import Assignment
from kuroko.projects.selectors import staffing
from kuroko.projects.selectors.staffing import Candidate, Slot
from kuroko.projects.services.staffing import staffing_apply, staffing_proposal

router = Router(tags=["staffing"])


class CandidateOut(Schema):
    person_id: int
    person: str
    team: str | None
    level: int | None = Field(description="Their level in the placeholder's skill (null: no skill asked)")
    excess: int = Field(description="Levels above the placeholder's minimum")
    capacity_minutes: float = Field(description="Working minutes in the period (calendar × availability)")
    booked_minutes: float = Field(description="Confirmed work on all projects in the period, up to capacity")
    free_minutes: float
    free_percent: float | None
    needed_minutes: float = Field(description="The slot's work")
    working_days: int
    fits: bool = Field(description="Their free time covers the slot's work")
    score: int = Field(description="0–100, higher is better")
    cost: float = Field(description="0–1, what the optimal proposal minimises")
    reasons: list[str]


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "person_id": c.person.pk,
        "person": str(c.person),
        "team": str(c.person.team) if c.person.team_id else None,
        "level": c.level,
        "excess": c.excess,
        "capacity_minutes": round(c.capacity_minutes, 1),
        "booked_minutes": round(c.booked_minutes, 1),
        "free_minutes": round(c.free_minutes, 1),
        "free_percent": None if c.free_percent is None else round(c.free_percent, 1),
        "needed_minutes": round(c.needed_minutes, 1),
        "working_days": c.working_days,
        "fits": c.fits,
        "score": c.score,
        "cost": round(c.cost, 4),
        "reasons": list(c.reasons),
    }


class CandidatesQuery(Schema):
    limit: int | None = Field(None, ge=1, le=100, description="At most this many (default: all)")


@router.get("/assignments/{assignment_id}/candidates", response=list[CandidateOut])
def list_candidates(request: HttpRequest, assignment_id: int, query: Query[CandidatesQuery]) -> Any:
    """People who could fill a placeholder assignment, best first, with the numbers and reasons."""
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    selectors.task_get(request.user, assignment.task_id)  # may the user see it at all
    found = staffing.staffing_candidates(request.user, assignment, limit=query.limit)
    return [_candidate(c) for c in found]


class FreePersonOut(Schema):
    person_id: int
    person: str
    team: str | None
    level: int | None
    capacity_minutes: float
    booked_minutes: float
    free_minutes: float
    free_percent: float


class FreeOut(Schema):
    first: date = Field(description="The first working day of the window")
    last: date = Field(description="The last working day of the window")
    days: int
    people: list[FreePersonOut]


def _lookup(model: Any, pk: int | None, name: str) -> Any:
    """The row with `pk`, or a 422 naming the query parameter."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        message = _("No %(what)s with id %(id)s.") % {"what": model._meta.verbose_name, "id": pk}
        raise InputError([{"loc": ["query", name], "msg": message, "type": "value_error"}])
    return row


class FreeQuery(Schema):
    start: date = Field(description="From this day")
    days: int = Field(ge=1, le=staffing.MAX_DAYS, description="Working days of the organisation calendar")
    skill: int | None = Field(None, description="A skill id")
    min_level: int = Field(1, ge=1, le=5, description="The skill's level or above")
    team: int | None = Field(None, description="A team id (the teams under it count too)")
    min_free_percent: float = Field(staffing.DEFAULT_FREE_PERCENT, ge=0, le=100)


@router.get("/resources/free", response=FreeOut)
def list_free(request: HttpRequest, query: Query[FreeQuery]) -> Any:
    """Who is free for `days` working days from `start` (the organisation calendar's), with a skill at a
    level or above and in a team (and the teams under it), if asked: free time ≥ `min_free_percent` of
    their capacity. Most free first."""
    found = staffing.who_is_free(
        request.user,
        start=query.start,
        days=query.days,
        skill=_lookup(Skill, query.skill, "skill"),
        min_level=query.min_level,
        team=_lookup(Team, query.team, "team").pk if query.team is not None else None,
        min_free_percent=query.min_free_percent,
    )
    return {
        "first": found.first,
        "last": found.last,
        "days": found.days,
        "people": [
            {
                "person_id": f.person.pk,
                "person": str(f.person),
                "team": str(f.person.team) if f.person.team_id else None,
                "level": f.level,
                "capacity_minutes": round(f.capacity_minutes, 1),
                "booked_minutes": round(f.booked_minutes, 1),
                "free_minutes": round(f.free_minutes, 1),
                "free_percent": round(f.free_percent, 1),
            }
            for f in found.people
        ],
    }


class ProposalIn(Schema):
    placeholder_assignment_ids: list[int] | None = Field(
        None, description="Only these placeholder assignments (default: all of the project)"
    )


class SlotOut(Schema):
    assignment_id: int
    task_id: int
    task: str
    placeholder_id: int
    placeholder: str
    slot: int = Field(description="1-based, of `slots`")
    slots: int
    units: int
    work_minutes: int


class FillOut(SlotOut):
    person_id: int
    person: str
    score: int
    cost: float
    reasons: list[str]


class UnfilledOut(SlotOut):
    reason: str


class ChoiceIn(Schema):
    assignment_id: int = Field(description="A placeholder assignment of the project")
    person_id: int


class ProposalOut(Schema):
    slots: int
    fills: list[FillOut]
    unfilled: list[UnfilledOut]
    choices: list[ChoiceIn] = Field(description="What to send to …/staffing/apply to apply it all")


def _slot(slot: Slot) -> dict[str, Any]:
    task = slot.task
    return {
        "assignment_id": slot.assignment.pk,
        "task_id": task.pk,
        "task": f"{task.wbs_code} {task.name}".strip(),
        "placeholder_id": slot.placeholder.pk,
        "placeholder": slot.placeholder.name,
        "slot": slot.index + 1,
        "slots": slot.count,
        "units": slot.units,
        "work_minutes": slot.work_minutes,
    }


@router.post("/projects/{code}/staffing/proposal", response=ProposalOut)
def propose(request: HttpRequest, code: str, payload: ProposalIn | None = None) -> Any:
    """The optimal filling of the project's placeholder assignments with people. Nothing is saved: send
    its `choices` (or the ones you keep) to …/staffing/apply."""
    project = selectors.project_get(request.user, code)
    ids = payload.placeholder_assignment_ids if payload is not None else None
    proposal = staffing_proposal(actor=request.user, project=project, placeholder_assignment_ids=ids)
    return {
        "slots": proposal.slots,
        "fills": [
            _slot(f.slot)
            | {
                "person_id": f.person.pk,
                "person": str(f.person),
                "score": f.candidate.score,
                "cost": round(f.candidate.cost, 4),
                "reasons": list(f.candidate.reasons),
            }
            for f in proposal.fills
        ],
        "unfilled": [_slot(u.slot) | {"reason": u.reason} for u in proposal.unfilled],
        "choices": [{"assignment_id": a, "person_id": p} for a, p in proposal.choices],
    }


@router.post("/projects/{code}/staffing/apply", response=list[AssignmentOut])
def apply(request: HttpRequest, code: str, payload: list[ChoiceIn]) -> Any:
    """Replace placeholder assignments by people, all or nothing: each person takes one slot's share of
    the units and work, with its contour and booking. Anything invalid is refused (422 naming the task
    and person) and nothing changes."""
    project = selectors.project_get(request.user, code)
    return staffing_apply(actor=request.user, project=project, choices=payload)
