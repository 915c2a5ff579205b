"""REST endpoints for people, teams and working calendars."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from kuroko.core.permissions import require, role_of
from kuroko.people import hours, selectors, services
from kuroko.people.models import (
    CalendarException,
    CalendarKind,
    EmploymentType,
    Person,
    RateCard,
    RateRole,
    RecurrenceKind,
    Team,
    WorkCalendar,
)

router = Router(tags=["people"])


class TeamOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    version: int


class TeamIn(Schema):
    code: str
    name: str
    parent_id: int | None = None


class TeamPatch(Schema):
    version: int = Field(description="The version you read; a stale one gets 409 Conflict.")
    code: str | None = None
    name: str | None = None
    parent_id: int | None = None


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    full_name: str
    email: str
    team_id: int | None
    employment_type: EmploymentType
    is_active: bool
    user_id: int | None
    calendar_id: int | None = Field(description="The person's working calendar; null: the default calendar.")
    version: int


class PersonIn(Schema):
    family_name: str
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    email: str = ""
    team_id: int | None = None
    employment_type: EmploymentType = EmploymentType.EMPLOYEE
    is_active: bool = True
    calendar_id: int | None = None


class PersonPatch(Schema):
    version: int = Field(description="The version you read; a stale one gets 409 Conflict.")
    family_name: str | None = None
    given_name: str | None = None
    family_name_kana: str | None = None
    given_name_kana: str | None = None
    email: str | None = None
    team_id: int | None = None
    employment_type: EmploymentType | None = None
    is_active: bool | None = None
    calendar_id: int | None = None


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema names → model field names (`team_id` → `team`)."""
    return {(k[:-3] if k.endswith("_id") else k): v for k, v in data.items()}


@router.get("/people", response=list[PersonOut])
@paginate
def list_people(
    request: HttpRequest,
    q: str = "",
    team: int | None = None,
    employment_type: str = "",
    active: bool | None = None,
) -> Any:
    return selectors.person_list(request.user, q=q, team=team, employment_type=employment_type, active=active)


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    return HttpStatus(201, services.person_create(actor=request.user, data=_fields(payload.dict())))


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int) -> Person:
    return selectors.person_get(request.user, person_id)


@router.patch("/people/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    person = selectors.person_get(request.user, person_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.person_update(
        actor=request.user, person=person, data=_fields(data), expected_version=version
    )


@router.delete("/people/{person_id}", response={204: None})
def delete_person(request: HttpRequest, person_id: int) -> Any:
    services.person_delete(actor=request.user, person=selectors.person_get(request.user, person_id))
    return HttpStatus(204, None)


@router.get("/teams", response=list[TeamOut])
@paginate
def list_teams(request: HttpRequest) -> Any:
    return selectors.team_list(request.user)


@router.post("/teams", response={201: TeamOut})
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    return HttpStatus(201, services.team_create(actor=request.user, data=_fields(payload.dict())))


def _team(request: HttpRequest, team_id: int) -> Team:
    require(role_of(request.user) is not None)
    return get_object_or_404(Team, pk=team_id)


@router.get("/teams/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, team_id: int) -> Team:
    return _team(request, team_id)


@router.patch("/teams/{team_id}", response=TeamOut)
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.team_update(
        actor=request.user, team=_team(request, team_id), data=_fields(data), expected_version=version
    )


@router.delete("/teams/{team_id}", response={204: None})
def delete_team(request: HttpRequest, team_id: int) -> Any:
    services.team_delete(actor=request.user, team=_team(request, team_id))
    return HttpStatus(204, None)


# --- working calendars ------------------------------------------------------------------------------

Pair = tuple[str, str]
HOURS_DOC = 'Working intervals as ["HH:MM", "HH:MM"] pairs, e.g. [["09:00", "12:00"], ["13:00", "18:00"]].'


class ExceptionOut(Schema):
    id: int
    name: str
    start: date
    finish: date
    intervals: list[Pair] = Field(description=HOURS_DOC + " Empty: not worked.")
    recurrence_kind: str
    recurrence_interval: int
    recurrence_weekdays: list[int]
    recurrence_day: int | None
    recurrence_nth: int | None
    recurrence_month: int | None
    recurrence_occurrences: int | None
    version: int

    @staticmethod
    def resolve_intervals(obj: CalendarException) -> list[Pair]:
        return hours.as_pairs(obj.intervals)


class CalendarOut(Schema):
    id: int
    name: str
    kind: CalendarKind
    week: list[list[Pair]] | None = Field(
        description="Seven days, Monday first; " + HOURS_DOC + " Null: the base calendar's week."
    )
    holiday_country: str
    base_id: int | None
    is_default: bool
    version: int
    exceptions: list[ExceptionOut]

    @staticmethod
    def resolve_week(obj: WorkCalendar) -> list[list[Pair]] | None:
        return None if obj.week is None else [hours.as_pairs(day) for day in obj.week]

    @staticmethod
    def resolve_exceptions(obj: WorkCalendar) -> list[CalendarException]:
        return list(obj.exceptions.all())


class CalendarIn(Schema):
    name: str
    kind: CalendarKind = CalendarKind.ORGANISATION
    week: list[list[Pair]] | None = Field(
        None, description="Omitted: the organisation's week, or the base's when a base is given."
    )
    holiday_country: str | None = Field(
        None, description="ISO country code; omitted: the organisation's for an organisation calendar."
    )
    base_id: int | None = None
    is_default: bool = False


class CalendarPatch(Schema):
    version: int = Field(description="The version you read; a stale one gets 409 Conflict.")
    name: str | None = None
    kind: CalendarKind | None = None
    week: list[list[Pair]] | None = None
    holiday_country: str | None = None
    base_id: int | None = None
    is_default: bool | None = None


class ExceptionIn(Schema):
    name: str = ""
    start: date
    finish: date | None = Field(None, description="Omitted: the start (one day).")
    intervals: list[Pair] = Field(default_factory=list, description=HOURS_DOC + " Empty: not worked.")
    recurrence_kind: RecurrenceKind | None = None
    recurrence_interval: int = 1
    recurrence_weekdays: list[int] = Field(default_factory=list, description="0 = Monday … 6 = Sunday.")
    recurrence_day: int | None = None
    recurrence_nth: int | None = Field(None, description="1–4, or -1 for the last.")
    recurrence_month: int | None = None
    recurrence_occurrences: int | None = None


class ExceptionPatch(Schema):
    version: int = Field(description="The version you read; a stale one gets 409 Conflict.")
    name: str | None = None
    start: date | None = None
    finish: date | None = None
    intervals: list[Pair] | None = None
    recurrence_kind: RecurrenceKind | None = None
    recurrence_interval: int | None = None
    recurrence_weekdays: list[int] | None = None
    recurrence_day: int | None = None
    recurrence_nth: int | None = None
    recurrence_month: int | None = None
    recurrence_occurrences: int | None = None


class DayOut(Schema):
    date: date
    working_minutes: int
    name: str = Field(description="The exception or public holiday that applies, if any.")


def _calendar_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data)
    if out.get("week") is not None:
        week = out["week"]
        if len(week) != 7:
            raise ValidationError({"week": _("The working week must have seven days, Monday first.")})
        try:
            out["week"] = [hours.parse_pairs(day, str(hours.WEEKDAY_NAMES[i])) for i, day in enumerate(week)]
        except ValidationError as exc:
            raise ValidationError({"week": exc.messages}) from exc
    return out


def _exception_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "intervals" in out:
        try:
            out["intervals"] = hours.parse_pairs(out["intervals"] or [], str(_("Working hours")))
        except ValidationError as exc:
            raise ValidationError({"intervals": exc.messages}) from exc
    if "recurrence_kind" in out:
        out["recurrence_kind"] = out["recurrence_kind"] or ""
    return out


@router.get("/calendars", response=list[CalendarOut])
@paginate
def list_calendars(request: HttpRequest) -> Any:
    return selectors.calendar_list(request.user).prefetch_related("exceptions")


@router.post("/calendars", response={201: CalendarOut})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Any:
    data = payload.dict()
    for name in ("week", "holiday_country"):
        if data[name] is None:
            del data[name]
    calendar = services.calendar_create(actor=request.user, data=_calendar_fields(data))
    return HttpStatus(201, selectors.calendar_get(request.user, calendar.pk))


@router.get("/calendars/{calendar_id}", response=CalendarOut)
def get_calendar(request: HttpRequest, calendar_id: int) -> WorkCalendar:
    return selectors.calendar_get(request.user, calendar_id)


@router.patch("/calendars/{calendar_id}", response=CalendarOut)
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> WorkCalendar:
    calendar = selectors.calendar_get(request.user, calendar_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.calendar_update(
        actor=request.user, calendar=calendar, data=_calendar_fields(data), expected_version=version
    )
    return selectors.calendar_get(request.user, calendar_id)


@router.delete("/calendars/{calendar_id}", response={204: None})
def delete_calendar(request: HttpRequest, calendar_id: int) -> Any:
    services.calendar_delete(actor=request.user, calendar=selectors.calendar_get(request.user, calendar_id))
    return HttpStatus(204, None)


@router.get("/calendars/{calendar_id}/days", response=list[DayOut])
def calendar_days(request: HttpRequest, calendar_id: int, year: int) -> Any:
    """Every day of `year` with its working minutes, as the scheduling engine computes them."""
    if not 1971 <= year <= 2200:
        raise ValidationError({"year": _("Choose a year between 1971 and 2200.")})
    result = selectors.calendar_year(selectors.calendar_get(request.user, calendar_id), year)
    if result.error:
        raise ValidationError({"week": result.error})
    return [
        {"date": day.date, "working_minutes": day.minutes, "name": day.name}
        for month in result.months
        for week in month.weeks
        for day in week
        if day is not None
    ]


@router.post("/calendars/{calendar_id}/exceptions", response={201: ExceptionOut})
def add_exception(request: HttpRequest, calendar_id: int, payload: ExceptionIn) -> Any:
    calendar = selectors.calendar_get(request.user, calendar_id)
    row = services.calendar_exception_add(
        actor=request.user, calendar=calendar, data=_exception_fields(payload.dict())
    )
    return HttpStatus(201, row)


@router.patch("/calendars/{calendar_id}/exceptions/{exception_id}", response=ExceptionOut)
def update_exception(
    request: HttpRequest, calendar_id: int, exception_id: int, payload: ExceptionPatch
) -> CalendarException:
    calendar = selectors.calendar_get(request.user, calendar_id)
    row = selectors.calendar_exception_get(request.user, calendar, exception_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.calendar_exception_update(
        actor=request.user, exception=row, data=_exception_fields(data), expected_version=version
    )


@router.delete("/calendars/{calendar_id}/exceptions/{exception_id}", response={204: None})
def delete_exception(request: HttpRequest, calendar_id: int, exception_id: int) -> Any:
    calendar = selectors.calendar_get(request.user, calendar_id)
    row = selectors.calendar_exception_get(request.user, calendar, exception_id)
    services.calendar_exception_delete(actor=request.user, exception=row)
    return HttpStatus(204, None)


# --- Skills and availability --------------------------------------------------------------------------


class SkillOut(Schema):
    id: int
    name: str
    category: str = Field(alias="category.name")


class SkillIn(Schema):
    category: str
    name: str


class PersonSkillOut(Schema):
    skill_id: int
    skill: str = Field(alias="skill.name")
    level: int
    certification: str
    expires: date | None


class PersonSkillIn(Schema):
    level: int = Field(ge=1, le=5)
    certification: str = ""
    expires: date | None = None


class AvailabilityOut(Schema):
    id: int
    start: date
    finish: date | None
    percent: int
    note: str


class AvailabilityIn(Schema):
    start: date
    finish: date | None = None
    percent: int = Field(ge=0, le=100)
    note: str = ""


def _skill(skill_id: int) -> Any:
    from kuroko.people.models import Skill

    return get_object_or_404(Skill, pk=skill_id)


@router.get("/skills", response=list[SkillOut])
def list_skills(request: HttpRequest) -> Any:
    """The skills catalogue."""
    require(role_of(request.user) is not None)
    return selectors.skill_catalogue()


@router.post("/skills", response={201: SkillOut})
def create_skill(request: HttpRequest, payload: SkillIn) -> Any:
    return HttpStatus(
        201, services.skill_create(actor=request.user, category=payload.category, name=payload.name)
    )


@router.get("/people/{person_id}/skills", response=list[PersonSkillOut])
def list_person_skills(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_skills(selectors.person_get(request.user, person_id))


@router.put("/people/{person_id}/skills/{skill_id}", response=PersonSkillOut)
def set_person_skill(request: HttpRequest, person_id: int, skill_id: int, payload: PersonSkillIn) -> Any:
    """Give the person the skill at a level 1–5 (or change it)."""
    person = selectors.person_get(request.user, person_id)
    return services.person_skill_set(
        actor=request.user, person=person, skill=_skill(skill_id), **payload.dict()
    )


@router.delete("/people/{person_id}/skills/{skill_id}", response={204: None})
def remove_person_skill(request: HttpRequest, person_id: int, skill_id: int) -> Any:
    person = selectors.person_get(request.user, person_id)
    services.person_skill_remove(actor=request.user, person=person, skill=_skill(skill_id))
    return HttpStatus(204, None)


@router.get("/people/{person_id}/availability", response=list[AvailabilityOut])
def list_availability(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_availability(selectors.person_get(request.user, person_id))


@router.post("/people/{person_id}/availability", response={201: AvailabilityOut})
def add_availability(request: HttpRequest, person_id: int, payload: AvailabilityIn) -> Any:
    """Record the share of the person's time available to projects over a period (part-time, joining,
    leaving: 0 %). Periods of one person may not overlap."""
    person = selectors.person_get(request.user, person_id)
    return HttpStatus(201, services.availability_add(actor=request.user, person=person, data=payload.dict()))


@router.delete("/people/{person_id}/availability/{availability_id}", response={204: None})
def remove_availability(request: HttpRequest, person_id: int, availability_id: int) -> Any:
    from kuroko.people.models import Availability

    person = selectors.person_get(request.user, person_id)
    row = get_object_or_404(Availability, pk=availability_id, person=person)
    services.availability_remove(actor=request.user, availability=row)
    return HttpStatus(204, None)


# --- Cost rates (the PMO only: rates are confidential) ---------------------------------------------------


class RateRoleOut(Schema):
    id: int
    code: str
    name: str


class RateRoleIn(Schema):
    code: str
    name: str


class RateOut(Schema):
    id: int
    person_id: int | None
    role_id: int | None
    effective_from: date
    cost_rate: Decimal = Field(description="Cost per hour, in the organisation's currency")
    bill_rate: Decimal | None = Field(None, description="Bill rate per hour (optional)")
    note: str


class RateIn(Schema):
    effective_from: date
    cost_rate: Decimal = Field(ge=0)
    bill_rate: Decimal | None = Field(None, ge=0)
    note: str = ""


def _rates_reader(request: HttpRequest) -> None:
    from kuroko.core.permissions import can_edit_directory

    require(can_edit_directory(request.user), _("Cost rates are visible to the PMO only."))


@router.get("/rate-grades", response=list[RateRoleOut])
def list_rate_grades(request: HttpRequest) -> Any:
    _rates_reader(request)
    return selectors.rate_roles()


@router.post("/rate-grades", response={201: RateRoleOut})
def create_rate_grade(request: HttpRequest, payload: RateRoleIn) -> Any:
    return HttpStatus(201, services.rate_role_create(actor=request.user, data=payload.dict()))


@router.get("/rate-grades/{grade_id}/rates", response=list[RateOut])
def list_grade_rates(request: HttpRequest, grade_id: int) -> Any:
    _rates_reader(request)
    return selectors.role_rates(get_object_or_404(RateRole, pk=grade_id))


@router.post("/rate-grades/{grade_id}/rates", response={201: RateOut})
def add_grade_rate(request: HttpRequest, grade_id: int, payload: RateIn) -> Any:
    """A new rate of the grade from a day on; earlier rates stay for the days before."""
    role = get_object_or_404(RateRole, pk=grade_id)
    return HttpStatus(201, services.rate_card_add(actor=request.user, role=role, data=payload.dict()))


@router.get("/people/{person_id}/rates", response=list[RateOut])
def list_person_rates(request: HttpRequest, person_id: int) -> Any:
    _rates_reader(request)
    return selectors.person_rates(selectors.person_get(request.user, person_id))


@router.post("/people/{person_id}/rates", response={201: RateOut})
def add_person_rate(request: HttpRequest, person_id: int, payload: RateIn) -> Any:
    """A rate of the person's own from a day on (it wins over their grade's)."""
    person = selectors.person_get(request.user, person_id)
    return HttpStatus(201, services.rate_card_add(actor=request.user, person=person, data=payload.dict()))


@router.delete("/rates/{rate_id}", response={204: None})
def remove_rate(request: HttpRequest, rate_id: int) -> Any:
    _rates_reader(request)
    services.rate_card_remove(actor=request.user, rate=get_object_or_404(RateCard, pk=rate_id))
    return HttpStatus(204, None)
