"""Skills catalogue, person skills with levels and certifications, and availability periods."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.people import services
from kuroko.people.models import Availability, PersonSkill
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_catalogue_person_skills_and_page(world):
    """The PMO adds skills; a person records their own level; the person page shows it."""
    java = services.skill_create(actor=world.pmo, category="Languages", name="Java")
    with pytest.raises(ValidationError) as info:
        services.skill_create(actor=world.pmo, category="Languages", name="java")  # already there
    assert "name" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.skill_create(actor=world.pm, category="Languages", name="Go")
    member = world.member.person
    services.person_skill_set(actor=world.member, person=member, skill=java, level=3, certification="OCP")
    services.person_skill_set(actor=world.member, person=member, skill=java, level=4)  # changed, not doubled
    assert list(PersonSkill.objects.values_list("level", flat=True)) == [4]
    with pytest.raises(ValidationError):
        services.person_skill_set(actor=world.pmo, person=member, skill=java, level=6)
    with pytest.raises(PermissionDenied):
        services.person_skill_set(actor=world.pm, person=member, skill=java, level=1)  # not theirs
    html = signed_in(world.pm).get(f"/people/{member.pk}/").content.decode()
    assert "Java <strong>4</strong>" in html


def test_availability_periods_do_not_overlap(world):
    """Part-time from April, then away: periods are stored; an overlapping one is refused, named."""
    person = world.member.person
    services.availability_add(
        actor=world.pmo,
        person=person,
        data={"start": date(2026, 4, 1), "finish": date(2026, 9, 30), "percent": 60},
    )
    services.availability_add(actor=world.pmo, person=person, data={"start": date(2026, 10, 1), "percent": 0})
    with pytest.raises(ValidationError) as info:
        services.availability_add(
            actor=world.pmo, person=person, data={"start": date(2026, 9, 1), "percent": 50}
        )
    assert "start" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.availability_add(
            actor=world.pmo,
            person=person,
            data={"start": date(2025, 4, 1), "finish": date(2025, 3, 1), "percent": 50},
        )
    assert "finish" in info.value.message_dict
    assert Availability.objects.filter(person=person).count() == 2
    html = signed_in(world.pm).get(f"/people/{person.pk}/").content.decode()
    assert "60%" in html


def test_skills_and_availability_api(world):
    """The API lists the catalogue, sets and removes a person's skill, and adds availability (PMO)."""
    pmo = Api(world.pmo)
    created = pmo.post("/skills", {"category": "Platforms", "name": "AWS"})
    assert created.status_code == 201
    skill_id = created.json()["id"]
    assert [s["name"] for s in Api(world.member).get("/skills").json()] == ["AWS"]
    person = world.member.person.pk
    put = Api(world.member).put(f"/people/{person}/skills/{skill_id}", {"level": 2})
    assert put.status_code == 200 and put.json()["level"] == 2
    assert Api(world.member).put(f"/people/{person}/skills/{skill_id}", {"level": 9}).status_code == 422
    assert pmo.delete(f"/people/{person}/skills/{skill_id}").status_code == 204
    added = pmo.post(f"/people/{person}/availability", {"start": "2026-04-01", "percent": 50})
    assert added.status_code == 201
    assert (
        Api(world.member)
        .post(f"/people/{person}/availability", {"start": "2027-04-01", "percent": 50})
        .status_code
        == 403
    )
