"""REST endpoints for people and teams."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from kuroko.core.permissions import require, role_of
from kuroko.people import selectors, services
from kuroko.people.models import EmploymentType, Person, Team

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
