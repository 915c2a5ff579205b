"""Cost rates: per person and per rate grade, from a day on, history kept; the PMO only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.people import selectors, services
from kuroko.people.models import Person, RateCard
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    """A "Senior SE" grade at 6,000/h from April 2026 and 6,500/h from October; the member is a Senior SE
    and has a rate of their own (7,000/h) from January 2027."""
    grade = services.rate_role_create(actor=world.pmo, data={"code": "SSE", "name": "Senior SE"})
    services.rate_card_add(
        actor=world.pmo, role=grade, data={"effective_from": date(2026, 4, 1), "cost_rate": 6000}
    )
    services.rate_card_add(
        actor=world.pmo,
        role=grade,
        data={"effective_from": date(2026, 10, 1), "cost_rate": 6500, "bill_rate": 9000},
    )
    person = world.member.person
    services.person_update(actor=world.pmo, person=person, data={"rate_role": grade}, expected_version=None)
    services.rate_card_add(
        actor=world.pmo, person=person, data={"effective_from": date(2027, 1, 1), "cost_rate": 7000}
    )
    return grade, Person.objects.get(pk=person.pk)


@pytest.mark.parametrize(
    ("day", "cost", "source"),
    [
        (date(2026, 3, 31), None, None),  # before any rate
        (date(2026, 4, 1), Decimal(6000), "grade"),
        (date(2026, 9, 30), Decimal(6000), "grade"),
        (date(2026, 10, 1), Decimal(6500), "grade"),
        (date(2027, 1, 1), Decimal(7000), "person"),  # their own rate wins from its day
        (date(2030, 1, 1), Decimal(7000), "person"),
    ],
)
def test_rate_in_force_on_a_day(graded, day, cost, source):
    _grade, person = graded
    rate = selectors.rate_on(person, day)
    assert (rate.cost if rate else None) == cost
    assert (rate.source if rate else None) == source


def test_timelines_for_many_people_in_one_query(world, graded, django_assert_num_queries):
    _grade, person = graded
    people = list(Person.objects.all())
    with django_assert_num_queries(1):
        timelines = selectors.rate_timelines(people)
    assert [(d, r.cost, r.bill) for d, r in timelines[person.pk]] == [
        (date(2026, 4, 1), Decimal(6000), None),
        (date(2026, 10, 1), Decimal(6500), Decimal(9000)),
        (date(2027, 1, 1), Decimal(7000), None),
    ]
    assert timelines[world.pm.person.pk] == []  # no grade, no rate


def test_refusals_name_the_field_and_change_nothing(world, graded):
    grade, person = graded
    before = RateCard.objects.count()
    with pytest.raises(ValidationError) as info:
        services.rate_card_add(
            actor=world.pmo, person=person, data={"effective_from": date(2027, 1, 1), "cost_rate": 1}
        )
    assert "effective_from" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.rate_card_add(
            actor=world.pmo, person=person, data={"effective_from": date(2028, 1, 1), "cost_rate": -1}
        )
    assert "cost_rate" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.rate_card_add(
            actor=world.pmo,
            person=person,
            role=grade,
            data={"effective_from": date(2028, 1, 1), "cost_rate": 1},
        )
    with pytest.raises(PermissionDenied):
        services.rate_card_add(
            actor=world.pm, person=person, data={"effective_from": date(2028, 1, 1), "cost_rate": 1}
        )
    assert RateCard.objects.count() == before


def test_history_is_kept(graded):
    _grade, person = graded
    card = RateCard.objects.get(person=person)
    assert card.history.count() == 1


def test_person_page_shows_rates_to_the_pmo_only(world, graded, client):
    _grade, person = graded
    client.force_login(world.pmo)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Cost rates" in page and "7000" in page and "Senior SE" in page
    response = client.post(
        f"/people/{person.pk}/rates/add/",
        {"effective_from": "2027-04-01", "cost_rate": "7200", "bill_rate": ""},
    )
    assert response.status_code == 302
    assert selectors.rate_on(person, date(2027, 4, 1)).cost == Decimal(7200)
    client.post(f"/people/{person.pk}/rates/add/", {"effective_from": "2027-04-01", "cost_rate": "1"})
    assert RateCard.objects.filter(person=person).count() == 2  # the same day twice: refused
    client.force_login(world.pm)
    assert "Cost rates" not in client.get(person.get_absolute_url()).content.decode()
    assert (
        client.post(
            f"/people/{person.pk}/rates/add/", {"effective_from": "2028-01-01", "cost_rate": "1"}
        ).status_code
        == 403
    )


def test_api(world, graded):
    grade, person = graded
    pmo = Api(world.pmo)
    assert [g["code"] for g in pmo.get("/rate-grades").json()] == ["SSE"]
    assert [r["cost_rate"] for r in pmo.get(f"/rate-grades/{grade.pk}/rates").json()] == [
        "6500.00",
        "6000.00",
    ]
    added = pmo.post(f"/people/{person.pk}/rates", {"effective_from": "2027-07-01", "cost_rate": "7500"})
    assert added.status_code == 201
    assert [r["effective_from"] for r in pmo.get(f"/people/{person.pk}/rates").json()] == [
        "2027-07-01",
        "2027-01-01",
    ]
    bad = pmo.post(f"/people/{person.pk}/rates", {"effective_from": "2027-07-01", "cost_rate": "1"})
    assert bad.status_code == 422 and "effective_from" in bad.content.decode()
    assert Api(world.pm).get(f"/people/{person.pk}/rates").status_code == 403
    assert Api(world.pm).get("/rate-grades").status_code == 403
    assert pmo.delete(f"/rates/{added.json()['id']}").status_code == 204
