"""REST endpoints for timesheets: a person's week (read, replace, submit, reopen), the approval queue,
approving and rejecting a project's hours, and the month-end close with month totals.

Refused entries answer 400 (bad input) or 409 (a submitted or approved week, a closed month) with
`{"detail": …, "errors": [{"date", "task", "category", "message"}]}` naming each problem.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.core.dates import in_range, parse_month
from kuroko.core.permissions import require
from kuroko.people.models import Person
from kuroko.tracking import permissions as tperms
from kuroko.tracking import selectors, services
from kuroko.tracking.models import (
    ApprovalStatus,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)
from kuroko.tracking.selectors.timesheets import closed_months, hours, week_days, week_of
from kuroko.tracking.services.timesheets import EntryProblem, TimesheetRefused

router = Router(tags=["timesheets"])


class EntryIn(Schema):
    date: date
    task: int | None = Field(None, description="A task id; null for indirect work")
    category: str = Field(
        "", description="For indirect work: meetings, training, administration, leave, other"
    )
    minutes: int | None = Field(None, description="Whole minutes (0 removes the entry)")
    time: str | None = Field(None, description="Instead of minutes: 2h30m, 2:30 or 2.5 (hours)")
    comment: str | None = Field(None, description="The daily-log comment; left as stored when absent")


class WeekIn(Schema):
    entries: list[EntryIn]


class EntryOut(Schema):
    id: int
    date: date
    task: int | None
    project: str | None
    category: str
    minutes: int
    comment: str
    cost: Decimal | None


class ApprovalOut(Schema):
    id: int
    project: str
    status: ApprovalStatus
    reason: str
    decided_by: str | None
    decided_at: datetime | None


class WeekOut(Schema):
    person_id: int
    week_start: date
    status: TimesheetStatus
    submitted_at: datetime | None
    note: str
    total_minutes: int
    closed_days: list[date]
    approvals: list[ApprovalOut]
    entries: list[EntryOut]


class ProblemOut(Schema):
    date: date | None
    task: int | None
    category: str
    message: str


class RefusedOut(Schema):
    detail: str
    errors: list[ProblemOut]


class ReasonIn(Schema):
    reason: str


class QueueOut(Schema):
    approval: ApprovalOut
    person_id: int
    person: str
    week_start: date
    week_status: TimesheetStatus
    minutes_per_day: list[int]
    total_minutes: int


class MonthOut(Schema):
    month: str
    hours: Decimal
    cost: Decimal
    entries_without_rate: int
    weeks_not_approved: int
    closed: bool
    closed_at: datetime | None
    closed_by: str | None


class MonthLineOut(Schema):
    person_id: int
    person: str
    project: str | None
    category: str
    hours: Decimal
    cost: Decimal | None
    entries_without_rate: int


REFUSED = {400: RefusedOut, 409: RefusedOut}


def _approval_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "project": a.project.code,
        "status": a.status,
        "reason": a.reason,
        "decided_by": str(a.decided_by) if a.decided_by_id else None,
        "decided_at": a.decided_at,
    }


def _week_out(person: Person, monday: date) -> dict[str, Any]:
    sheet = Timesheet.objects.filter(person=person, week_start=monday).first()
    days = week_days(monday)
    locked = closed_months(days)
    entries = list(
        TimeEntry.objects.filter(person=person, date__range=(days[0], days[-1]))
        .select_related("project")
        .order_by("date", "project__code", "task_id", "category")
    )
    approvals = (
        sheet.approvals.select_related("project", "decided_by").order_by("project__code") if sheet else []
    )
    return {
        "person_id": person.pk,
        "week_start": monday,
        "status": sheet.status if sheet else TimesheetStatus.OPEN,
        "submitted_at": sheet.submitted_at if sheet else None,
        "note": sheet.note if sheet else "",
        "total_minutes": sum(e.minutes for e in entries),
        "closed_days": sorted(d for d in days if d.replace(day=1) in locked),
        "approvals": [_approval_out(a) for a in approvals],
        "entries": [
            {
                "id": e.pk,
                "date": e.date,
                "task": e.task_id,
                "project": e.project.code if e.project else None,
                "category": e.category,
                "minutes": e.minutes,
                "comment": e.comment,
                "cost": e.cost,
            }
            for e in entries
        ],
    }


def _refused(exc: ValidationError) -> HttpStatus[Any]:
    if isinstance(exc, TimesheetRefused):
        problems = exc.problems
        status = 409 if exc.conflict else 400
    else:
        problems = [EntryProblem(message) for message in exc.messages]
        status = 400
    detail = (
        problems[0].message
        if len(problems) == 1
        else _("%(n)s problems: nothing was saved.") % {"n": len(problems)}
    )
    return HttpStatus(status, {"detail": detail, "errors": [p.as_dict() for p in problems]})


def _person(request: HttpRequest, person_id: int, week_start: date) -> Person:
    """The person whose week is asked for (404 for a week outside the years Kuroko accepts)."""
    try:
        in_range(week_start)
    except ValueError:
        raise Http404 from None
    person = get_object_or_404(Person, pk=person_id)
    require(tperms.can_view_timesheet(request.user, person))
    return person


@router.get("/timesheets/{person_id}/{week_start}", response=WeekOut)
def get_week(request: HttpRequest, person_id: int, week_start: date) -> Any:
    """A person's week (any day of it): status, per-project approvals and entries."""
    return _week_out(_person(request, person_id, week_start), week_of(week_start))


@router.put("/timesheets/{person_id}/{week_start}", response={200: WeekOut, **REFUSED})
def put_week(request: HttpRequest, person_id: int, week_start: date, payload: WeekIn) -> Any:
    """Replace the week's entries: entries left out, or with 0 minutes, are removed."""
    person = _person(request, person_id, week_start)
    try:
        services.timesheet_save(
            actor=request.user,
            person=person,
            week_start=week_start,
            entries=[e.dict() for e in payload.entries],
        )
    except ValidationError as exc:
        return _refused(exc)
    return _week_out(person, week_of(week_start))


@router.post("/timesheets/{person_id}/{week_start}/submit", response={200: WeekOut, **REFUSED})
def submit_week(request: HttpRequest, person_id: int, week_start: date) -> Any:
    """Submit the week for approval by the manager of each project in it."""
    person = _person(request, person_id, week_start)
    try:
        services.timesheet_submit(actor=request.user, person=person, week_start=week_start)
    except ValidationError as exc:
        return _refused(exc)
    return _week_out(person, week_of(week_start))


@router.post("/timesheets/{person_id}/{week_start}/reopen", response={200: WeekOut, 404: None, **REFUSED})
def reopen_week(request: HttpRequest, person_id: int, week_start: date, payload: ReasonIn) -> Any:
    """Send a submitted or approved week back to its person, with a reason."""
    person = _person(request, person_id, week_start)
    sheet = Timesheet.objects.filter(person=person, week_start=week_of(week_start)).first()
    if sheet is None:
        return HttpStatus(404, None)
    try:
        services.timesheet_reopen(actor=request.user, timesheet=sheet, reason=payload.reason)
    except ValidationError as exc:
        return _refused(exc)
    return _week_out(person, sheet.week_start)


@router.get("/timesheet-approvals", response=list[QueueOut])
def approval_queue(request: HttpRequest) -> Any:
    """Submitted weeks waiting for the caller's decision, per project, then recent decisions."""
    return [
        {
            "approval": _approval_out(item.approval),
            "person_id": item.person.pk,
            "person": str(item.person),
            "week_start": item.week_start,
            "week_status": item.approval.timesheet.status,
            "minutes_per_day": item.minutes,
            "total_minutes": item.total,
        }
        for item in selectors.approval_queue(request.user)
    ]


def _decided(pk: int) -> dict[str, Any]:
    return _approval_out(TimesheetApproval.objects.select_related("project", "decided_by").get(pk=pk))


@router.post("/timesheet-approvals/{approval_id}/approve", response={200: ApprovalOut, **REFUSED})
def approve(request: HttpRequest, approval_id: int) -> Any:
    """Approve one project's hours of a submitted week (the project's manager or the PMO)."""
    approval = get_object_or_404(TimesheetApproval, pk=approval_id)
    try:
        services.timesheet_approve(actor=request.user, approval=approval)
    except ValidationError as exc:
        return _refused(exc)
    return _decided(approval_id)


@router.post("/timesheet-approvals/{approval_id}/reject", response={200: ApprovalOut, **REFUSED})
def reject(request: HttpRequest, approval_id: int, payload: ReasonIn) -> Any:
    """Reject one project's hours of a submitted week with a reason: the week goes back to its person."""
    approval = get_object_or_404(TimesheetApproval, pk=approval_id)
    try:
        services.timesheet_reject(actor=request.user, approval=approval, reason=payload.reason)
    except ValidationError as exc:
        return _refused(exc)
    return _decided(approval_id)


def _month(value: str) -> date:
    try:
        return parse_month(value)
    except ValueError:
        raise ValidationError({"month": _("Enter the month as YYYY-MM.")}) from None


@router.get("/timesheet-months", response=list[MonthOut])
def months(request: HttpRequest) -> Any:
    """The last twelve months: hours, labour cost, weeks not approved, closed or not (PMO)."""
    return [
        {
            "month": f"{row.month:%Y-%m}",
            "hours": row.hours,
            "cost": row.cost,
            "entries_without_rate": row.unpriced,
            "weeks_not_approved": row.unapproved_weeks,
            "closed": row.closed is not None,
            "closed_at": row.closed.closed_at if row.closed else None,
            "closed_by": str(row.closed.closed_by) if row.closed and row.closed.closed_by else None,
        }
        for row in selectors.months_overview(request.user)
    ]


@router.get("/timesheet-months/{month}/lines", response=list[MonthLineOut])
def month_lines(request: HttpRequest, month: str, by: Literal["person", "project"] = "person") -> Any:
    """A month's hours and cost per person and project (or indirect work), as the exports list them."""
    return [
        {
            "person_id": line.person.pk,
            "person": str(line.person),
            "project": line.project.code if line.project else None,
            "category": line.category,
            "hours": hours(line.minutes),
            "cost": line.cost,
            "entries_without_rate": line.unpriced,
        }
        for line in selectors.month_lines(request.user, _month(month), by=by)
    ]


@router.post("/timesheet-months/{month}/{action}", response={200: MonthOut, **REFUSED})
def month_action(request: HttpRequest, month: str, action: Literal["close", "reopen"]) -> Any:
    """Close a month (no entry in it may change) or reopen it (PMO)."""
    first = _month(month)
    try:
        if action == "close":
            services.period_close(actor=request.user, month=first)
        else:
            services.period_reopen(actor=request.user, month=first)
    except ValidationError as exc:
        return _refused(exc)
    closed = PeriodClose.objects.filter(month=first).select_related("closed_by").first()
    row = next((r for r in selectors.months_overview(request.user, count=1, today=first)), None)
    return {
        "month": f"{first:%Y-%m}",
        "hours": row.hours if row else Decimal(0),
        "cost": row.cost if row else Decimal(0),
        "entries_without_rate": row.unpriced if row else 0,
        "weeks_not_approved": row.unapproved_weeks if row else 0,
        "closed": closed is not None,
        "closed_at": closed.closed_at if closed else None,
        "closed_by": str(closed.closed_by) if closed and closed.closed_by else None,
    }
