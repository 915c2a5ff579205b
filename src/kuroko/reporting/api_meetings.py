"""REST endpoints of meetings: series, meetings, agenda, minutes and attendance, distribution and the
.ics invitation.

Bad input answers 422 naming the field; a step the meeting's state does not allow (cancelling a held
meeting, distributing before it is held) answers 409 `{"detail": …, "code": "refused"}`; a stale
`version` answers 409 with what changed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.raid.services.registers import Refused
from kuroko.reporting.models import MeetingStatus
from kuroko.reporting.selectors import meetings as selectors
from kuroko.reporting.services import meetings as services
from kuroko.reporting.services import meetings_minutes as minutes

router = Router(tags=["meetings"])

Kind = Literal["progress", "steering", "gate_review", "risk_review", "other"]
FrequencyName = Literal["once", "weekly", "biweekly", "monthly"]
AttendanceName = Literal["unknown", "present", "absent", "apologies"]


class RefusedOut(Schema):
    detail: str
    code: str = "refused"


def _refused(exc: Refused) -> HttpStatus[Any]:
    return HttpStatus(409, {"detail": " ".join(exc.messages), "code": "refused"})


# --- Series -------------------------------------------------------------------------------------------


class SeriesOut(Schema):
    id: int
    title: str
    kind: str
    project: str | None = Field(None, description="The project's code (none: a program or the portfolio)")
    program: str | None = Field(None, description="The program's code")
    frequency: str
    first_date: date
    until: date | None
    start_time: time
    duration_minutes: int
    location: str
    organizer_id: int
    attendee_ids: list[int]
    active: bool

    @staticmethod
    def resolve_project(obj: Any) -> str | None:
        return obj.project.code if obj.project_id else None

    @staticmethod
    def resolve_program(obj: Any) -> str | None:
        return obj.program.code if obj.program_id else None

    @staticmethod
    def resolve_attendee_ids(obj: Any) -> list[int]:
        return sorted(u.pk for u in obj.attendees.all())


class SeriesIn(Schema):
    title: str
    kind: Kind = "progress"
    project_id: int | None = None
    program_id: int | None = None
    frequency: FrequencyName = "weekly"
    first_date: date
    until: date | None = None
    start_time: time
    duration_minutes: int = 60
    location: str = ""
    attendee_ids: list[int] = []
    active: bool = True


class SeriesPatch(Schema):
    title: str | None = None
    kind: Kind | None = None
    frequency: FrequencyName | None = None
    first_date: date | None = None
    until: date | None = None
    start_time: time | None = None
    duration_minutes: int | None = None
    location: str | None = None
    attendee_ids: list[int] | None = None
    active: bool | None = None


def _series_data(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if key == "attendee_ids":
            out["attendees"] = value
        elif key in ("project_id", "program_id"):
            out[key[:-3]] = value
        else:
            out[key] = value
    return out


@router.get("/meeting-series", response=list[SeriesOut])
def list_series(request: HttpRequest) -> Any:
    """The meeting series the caller may read."""
    return list(selectors.visible_series(request.user).prefetch_related("attendees").order_by("title", "pk"))


@router.post("/meeting-series", response={201: SeriesOut})
def create_series(request: HttpRequest, payload: SeriesIn) -> Any:
    """A new series; its first meetings are created and the attendees invited."""
    series = services.series_create(actor=request.user, data=_series_data(payload.dict()))
    return HttpStatus(201, selectors.series_get(request.user, series.pk))


@router.get("/meeting-series/{series_id}", response=SeriesOut)
def get_series(request: HttpRequest, series_id: int) -> Any:
    return selectors.series_get(request.user, series_id)


@router.patch("/meeting-series/{series_id}", response=SeriesOut)
def update_series(request: HttpRequest, series_id: int, payload: SeriesPatch) -> Any:
    """Change a series; its planned meetings from today on follow."""
    series = selectors.series_get(request.user, series_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items()}
    for required in ("title", "kind", "frequency", "first_date", "start_time", "duration_minutes", "active"):
        if required in data and data[required] is None:
            data.pop(required)
    services.series_update(actor=request.user, series=series, data=_series_data(data))
    return selectors.series_get(request.user, series_id)


@router.delete("/meeting-series/{series_id}", response={204: None})
def delete_series(request: HttpRequest, series_id: int) -> Any:
    """End a series: its planned meetings are cancelled, held ones stay."""
    services.series_delete(actor=request.user, series=selectors.series_get(request.user, series_id))
    return HttpStatus(204, None)


# --- Meetings -----------------------------------------------------------------------------------------


class AttendeeOut(Schema):
    user_id: int
    name: str
    required: bool
    attendance: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return services.display_name(obj.user)


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    source: str = Field(..., description="Where an automatic item came from; empty when typed")
    source_ref: str
    url: str
    duration_minutes: int | None
    presenter_id: int | None
    notes: str
    decision_ids: list[int]
    action_ids: list[int]

    @staticmethod
    def resolve_decision_ids(obj: Any) -> list[int]:
        return [d.pk for d in obj.decisions.all()]

    @staticmethod
    def resolve_action_ids(obj: Any) -> list[int]:
        return [a.pk for a in obj.actions.all()]


class MeetingOut(Schema):
    id: int
    version: int
    series_id: int | None
    kind: str
    title: str
    project: str | None = None
    program: str | None = None
    start: datetime
    end: datetime
    location: str
    status: str
    organizer_id: int
    notes: str
    sequence: int = Field(..., description="The iCalendar SEQUENCE of the invitation")
    agenda_built_at: datetime | None
    minutes_sent_at: datetime | None

    @staticmethod
    def resolve_project(obj: Any) -> str | None:
        return obj.project.code if obj.project_id else None

    @staticmethod
    def resolve_program(obj: Any) -> str | None:
        return obj.program.code if obj.program_id else None


class MeetingDetailOut(MeetingOut):
    attendees: list[AttendeeOut]
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_attendees(obj: Any) -> list[Any]:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_agenda(obj: Any) -> list[Any]:
        return list(obj.agenda_items.all())


class MeetingIn(Schema):
    title: str
    kind: Kind = "other"
    project_id: int | None = None
    program_id: int | None = None
    start: datetime
    end: datetime
    location: str = ""
    notes: str = ""
    attendee_ids: list[int] = []


class MeetingPatch(Schema):
    version: int
    title: str | None = None
    kind: Kind | None = None
    start: datetime | None = None
    end: datetime | None = None
    location: str | None = None
    notes: str | None = None
    attendee_ids: list[int] | None = None


class VersionIn(Schema):
    version: int


@router.get("/meetings", response=list[MeetingOut])
def list_meetings(
    request: HttpRequest,
    kind: Kind | None = None,
    project: str | None = None,
    when: Literal["upcoming", "recent", "all"] = "upcoming",
    mine: bool = False,
) -> Any:
    """The meetings the caller may read (upcoming soonest first, otherwise newest first; at most 500)."""
    filters = selectors.MeetingFilter(kind=kind or "", project=project or "", when=when, mine=mine)
    return list(selectors.meetings_list(request.user, filters)[:500])


@router.post("/meetings", response={201: MeetingDetailOut})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    """A one-off meeting; the attendees are invited."""
    meeting = services.meeting_create(actor=request.user, data=_series_data(payload.dict()))
    return HttpStatus(201, selectors.meeting_get(request.user, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    """A meeting with its attendees and agenda (notes, decisions and actions per item)."""
    return selectors.meeting_get(request.user, meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, 409: RefusedOut})
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    """Change a meeting; a planned meeting's attendees receive the invitation again (SEQUENCE raised)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    data = {k: v for k, v in data.items() if v is not None}
    try:
        services.meeting_update(
            actor=request.user, meeting=meeting, data=_series_data(data), expected_version=version
        )
    except Refused as exc:
        return _refused(exc)
    return selectors.meeting_get(request.user, meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response={200: MeetingDetailOut, 409: RefusedOut})
def cancel_meeting(request: HttpRequest, meeting_id: int, payload: VersionIn) -> Any:
    """Cancel a planned meeting (the attendees receive METHOD:CANCEL)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting, expected_version=payload.version)
    except Refused as exc:
        return _refused(exc)
    return selectors.meeting_get(request.user, meeting_id)


@router.get("/meetings/{meeting_id}/invitation.ics")
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's iCalendar invitation (METHOD:REQUEST, or CANCEL once cancelled)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    return HttpResponse(
        services.meeting_ics(meeting), content_type=f"text/calendar; method={method}; charset=utf-8"
    )


# --- Agenda ---------------------------------------------------------------------------------------------


class AgendaItemIn(Schema):
    title: str
    duration_minutes: int | None = None
    presenter_id: int | None = None
    notes: str = ""
    url: str = ""


class AgendaItemPatch(Schema):
    title: str | None = None
    duration_minutes: int | None = None
    presenter_id: int | None = None
    notes: str | None = None
    url: str | None = None
    position: int | None = Field(None, description="Move the item to this place (1 = first)")


def _item_data(data: dict[str, Any]) -> dict[str, Any]:
    out = {("presenter" if k == "presenter_id" else k): v for k, v in data.items()}
    for key in ("title", "notes", "url"):
        if key in out and out[key] is None:
            out.pop(key)
    return out


@router.get("/meetings/{meeting_id}/agenda", response=list[AgendaItemOut])
def list_agenda(request: HttpRequest, meeting_id: int) -> Any:
    return list(selectors.meeting_get(request.user, meeting_id).agenda_items.all())


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaItemOut, 409: RefusedOut})
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> Any:
    """Add an item by hand at the end."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        item = services.agenda_item_add(actor=request.user, meeting=meeting, data=_item_data(payload.dict()))
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(201, selectors.agenda_item_get(request.user, item.pk))


@router.post("/meetings/{meeting_id}/agenda/rebuild", response={200: list[AgendaItemOut], 409: RefusedOut})
def rebuild_agenda(request: HttpRequest, meeting_id: int) -> Any:
    """Build the agenda from the data again; items typed or annotated by hand stay."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        services.agenda_build(actor=request.user, meeting=meeting)
    except Refused as exc:
        return _refused(exc)
    return list(selectors.meeting_get(request.user, meeting_id).agenda_items.all())


@router.patch("/agenda-items/{item_id}", response={200: AgendaItemOut, 409: RefusedOut})
def update_agenda_item(request: HttpRequest, item_id: int, payload: AgendaItemPatch) -> Any:
    item = selectors.agenda_item_get(request.user, item_id)
    data = payload.dict(exclude_unset=True)
    position = data.pop("position", None)
    try:
        if data:
            item = services.agenda_item_update(actor=request.user, item=item, data=_item_data(data))
        if position is not None:
            services.agenda_item_move(actor=request.user, item=item, position=position)
    except Refused as exc:
        return _refused(exc)
    return selectors.agenda_item_get(request.user, item_id)


@router.delete("/agenda-items/{item_id}", response={204: None, 409: RefusedOut})
def delete_agenda_item(request: HttpRequest, item_id: int) -> Any:
    try:
        services.agenda_item_delete(actor=request.user, item=selectors.agenda_item_get(request.user, item_id))
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(204, None)


# --- Minutes --------------------------------------------------------------------------------------------


class AttendanceIn(Schema):
    user_id: int
    attendance: AttendanceName


class ItemNotesIn(Schema):
    item_id: int
    notes: str


class MinutesIn(Schema):
    version: int
    notes: str | None = None
    items: list[ItemNotesIn] = []
    attendance: list[AttendanceIn] = []
    held: bool = Field(False, description="Also mark the meeting held")


@router.put("/meetings/{meeting_id}/minutes", response={200: MeetingDetailOut, 409: RefusedOut})
def save_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> Any:
    """Save general notes, notes per agenda item and attendance; `held` marks the meeting held."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        saved = minutes.minutes_save(
            actor=request.user,
            meeting=meeting,
            expected_version=payload.version,
            notes=payload.notes,
            item_notes={i.item_id: i.notes for i in payload.items},
            attendance={a.user_id: a.attendance for a in payload.attendance},
        )
        if payload.held:
            services.meeting_hold(actor=request.user, meeting=saved, expected_version=saved.version)
    except Refused as exc:
        return _refused(exc)
    return selectors.meeting_get(request.user, meeting_id)


class DecisionIn(Schema):
    title: str
    description: str = ""
    project_id: int | None = Field(None, description="Required for a program or portfolio meeting")


class ActionIn(Schema):
    title: str
    owner_id: int | None = Field(None, description="A person's id")
    due_date: date | None = None
    project_id: int | None = Field(None, description="Required for a program or portfolio meeting")


class RecordOut(Schema):
    id: int
    code: str
    project: str
    title: str

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.code)


@router.post("/agenda-items/{item_id}/decisions", response={201: RecordOut, 409: RefusedOut})
def add_decision(request: HttpRequest, item_id: int, payload: DecisionIn) -> Any:
    """Record a decision of the item in the project's decision log."""
    item = selectors.agenda_item_get(request.user, item_id)
    try:
        decision = minutes.minutes_decision_add(
            actor=request.user, item=item, title=payload.title, description=payload.description,
            project=payload.project_id,
        )  # fmt: skip
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(201, decision)


@router.post("/agenda-items/{item_id}/actions", response={201: RecordOut, 409: RefusedOut})
def add_action(request: HttpRequest, item_id: int, payload: ActionIn) -> Any:
    """Record an action of the item, with its owner and due date, in the project's action log."""
    item = selectors.agenda_item_get(request.user, item_id)
    try:
        action = minutes.minutes_action_add(
            actor=request.user, item=item, title=payload.title, owner=payload.owner_id,
            due_date=payload.due_date, project=payload.project_id,
        )  # fmt: skip
    except Refused as exc:
        return _refused(exc)
    return HttpStatus(201, action)


class DistributedOut(Schema):
    emailed: int
    minutes_sent_at: datetime | None


@router.post("/meetings/{meeting_id}/distribute", response={200: DistributedOut, 409: RefusedOut})
def distribute(request: HttpRequest, meeting_id: int) -> Any:
    """E-mail the minutes (text and PDF) to the attendees of a held meeting."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        sent = minutes.minutes_distribute(actor=request.user, meeting=meeting)
    except Refused as exc:
        return _refused(exc)
    meeting.refresh_from_db()
    return {"emailed": sent, "minutes_sent_at": meeting.minutes_sent_at}
