"""Working calendars: rows → engine calendars (working Saturday, recurrences, holidays, base calendars),
service validation and permissions, the calendar pages (htmx) and the API."""

from __future__ import annotations

import importlib
import json
from datetime import date, datetime
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kuroko.core.models import Organisation
from kuroko.core.services import api_token_create
from kuroko.core.versioning import ConflictError
from kuroko.engine.calendar import WorkCalendar as Compiled
from kuroko.people import hours, services
from kuroko.people.mapping import calendar_to_engine, calendars_to_engine, calendars_to_engine_many, engine_id
from kuroko.people.models import CalendarException, Person, WorkCalendar
from kuroko.people.selectors import calendar_year, default_calendar, person_calendar
from tests.conftest import signed_in

HTMX = {"HX-Request": "true"}
DAY = [[540, 720], [780, 1080]]  # 09:00–12:00, 13:00–18:00
YEARS = range(2025, 2028)


def compiled(calendar: WorkCalendar) -> Compiled:
    cals = calendars_to_engine(calendar, YEARS)
    return Compiled(cals[-1], {c.id: c for c in cals}, around=datetime(2026, 1, 1))


def minutes_on(calendar: WorkCalendar, day: date) -> int:
    """Working minutes of one day, as the engine computes them."""
    start = datetime.combine(day, datetime.min.time())
    return compiled(calendar).working_minutes(start, start.replace(hour=23, minute=59)) + 0


def add(calendar: WorkCalendar, admin: Any, **data: Any) -> CalendarException:
    return services.calendar_exception_add(actor=admin, calendar=calendar, data=data)


# --- the default calendar ---------------------------------------------------------------------------


def test_default_calendar_matches_the_former_hard_coded_one(db):
    """The migration's calendar: Monday–Friday 09:00–12:00 and 13:00–18:00, JP holidays, the default."""
    calendar = default_calendar()
    assert calendar.is_default and calendar.kind == "organisation"
    assert calendar.week == [DAY] * 5 + [[], []]
    assert calendar.holiday_country == "JP"
    assert minutes_on(calendar, date(2026, 1, 5)) == 480  # a Monday
    assert minutes_on(calendar, date(2026, 1, 1)) == 0  # 元日
    assert minutes_on(calendar, date(2026, 1, 3)) == 0  # a Saturday


def test_migration_derives_hours_from_the_organisation(db):
    """With 7.5 hours a day the afternoon ends at 17:30; the holiday country comes from the organisation."""
    migration = importlib.import_module("kuroko.people.migrations.0003_default_organisation_calendar")
    WorkCalendar.objects.all().delete()
    Organisation.objects.all().delete()
    Organisation.objects.create(hours_per_day="7.5", holiday_country="US")
    migration.create_default(django_apps, None)
    calendar = WorkCalendar.objects.get(is_default=True)
    assert calendar.week[0] == [[540, 720], [780, 1050]]
    assert calendar.holiday_country == "US"


def test_default_calendar_is_recreated_when_missing(db):
    """An emptied database gets a default calendar built from the organisation settings again."""
    WorkCalendar.objects.all().delete()
    assert default_calendar().week == hours.default_week(Organisation.current().hours_per_day)


# --- rows → engine ----------------------------------------------------------------------------------


def test_working_saturday(world):
    """An exception with hours on a Saturday makes it a working day of those hours."""
    calendar = default_calendar()
    add(
        calendar,
        world.admin,
        name="Release",
        start=date(2026, 11, 28),
        finish=date(2026, 11, 28),
        intervals=[[540, 780]],
    )
    assert minutes_on(calendar, date(2026, 11, 28)) == 240
    assert minutes_on(calendar, date(2026, 12, 5)) == 0


def test_recurring_exception(world):
    """Every other Friday off (weekly recurrence) and the last Friday of each month short (monthly, nth)."""
    calendar = default_calendar()
    add(
        calendar,
        world.admin,
        name="Focus Friday",
        start=date(2026, 1, 1),
        finish=date(2026, 12, 31),
        recurrence_kind="weekly",
        recurrence_interval=2,
        recurrence_weekdays=[4],
    )
    add(
        calendar,
        world.admin,
        name="Month end",
        start=date(2026, 1, 1),
        finish=date(2026, 12, 31),
        intervals=[[540, 720]],
        recurrence_kind="monthly",
        recurrence_nth=-1,
        recurrence_weekdays=[4],
        recurrence_occurrences=3,
    )
    # Every other Friday is off, except the last Friday of a month while "Month end" lasts (3 months):
    # the later exception wins.
    fridays = [minutes_on(calendar, date(2026, 2, d)) for d in (6, 13, 20, 27)]
    assert fridays == [480, 0, 480, 180]
    assert minutes_on(calendar, date(2026, 4, 24)) == 0  # after three occurrences, a focus Friday again
    engine = calendar_to_engine(calendar, YEARS)
    month_end = next(e for e in engine.exceptions if e.name == "Month end")
    assert month_end.recurrence is not None and month_end.recurrence.occurrences == 3


def test_holiday_country(world):
    """A calendar gets the public holidays of its country; an empty country has none."""
    us = services.calendar_create(actor=world.admin, data={"name": "US office", "holiday_country": "US"})
    none = services.calendar_create(actor=world.admin, data={"name": "Site", "holiday_country": ""})
    assert minutes_on(us, date(2026, 7, 3)) == 0  # Independence Day (observed)
    assert minutes_on(us, date(2026, 1, 12)) == 480  # 成人の日 is not a US holiday
    assert minutes_on(none, date(2026, 1, 1)) == 480
    names = {e.name for e in calendar_to_engine(us, YEARS).exceptions}
    assert "Independence Day (observed)" in names


def test_base_calendar_inheritance(world):
    """A person's calendar works the base's week and holidays and adds leave; its own exceptions win."""
    base = default_calendar()
    add(base, world.admin, name="Company holiday", start=date(2026, 8, 13), finish=date(2026, 8, 14))
    mine = services.person_calendar_create(actor=world.admin, person=world.member.person)
    assert mine.week is None and mine.base_id == base.pk
    add(mine, world.member, name="Leave", start=date(2026, 3, 3), finish=date(2026, 3, 3))
    add(
        mine,
        world.admin,
        name="On duty",
        start=date(2026, 8, 14),
        finish=date(2026, 8, 14),
        intervals=[[540, 720]],
    )
    engine = calendars_to_engine(mine, YEARS)
    assert [c.id for c in engine] == [engine_id(base), engine_id(mine)]
    assert engine[1].base == engine_id(base) and engine[1].week == engine[0].week
    assert minutes_on(mine, date(2026, 3, 3)) == 0  # own leave
    assert minutes_on(base, date(2026, 3, 3)) == 480  # not the organisation's
    assert minutes_on(mine, date(2026, 1, 12)) == 0  # the base's public holiday
    assert minutes_on(mine, date(2026, 8, 13)) == 0  # the base's company holiday
    assert minutes_on(mine, date(2026, 8, 14)) == 180  # own exception wins over the base's
    assert person_calendar(Person.objects.get(pk=world.member.person.pk)) == mine


def test_many_calendars_map_as_each_alone_in_a_few_queries(world, django_assert_num_queries):
    """Mapping several calendars at once gives what mapping each alone gives, reading the rows, their
    bases and exceptions in two queries per level of base (a base shared by both is read once)."""
    base = default_calendar()
    add(base, world.admin, name="Company holiday", start=date(2026, 8, 13), finish=date(2026, 8, 13))
    mine = services.person_calendar_create(actor=world.admin, person=world.member.person)
    theirs = services.person_calendar_create(actor=world.admin, person=world.pm.person)
    add(mine, world.member, name="Leave", start=date(2026, 3, 3), finish=date(2026, 3, 3))
    alone = {row.pk: calendars_to_engine(row, YEARS) for row in (mine, theirs)}
    with django_assert_num_queries(4):
        many = calendars_to_engine_many([mine.pk, theirs.pk], YEARS)
    assert many == alone
    with django_assert_num_queries(2):  # the base asked too: it is read with the others
        assert calendars_to_engine_many([base.pk, mine.pk], YEARS)[mine.pk] == alone[mine.pk]
    assert person_calendar(world.outsider.person) == base


def test_calendar_year_counts_and_names(world):
    """The month view marks holidays by name and counts working days (2026 in Japan: 244)."""
    year = calendar_year(default_calendar(), 2026)
    days = {d.date: d for m in year.months for w in m.weeks for d in w if d}
    assert len(days) == 365
    assert days[date(2026, 1, 1)].name == "元日" and not days[date(2026, 1, 1)].working
    assert year.working_days == 244
    assert year.working_minutes == 244 * 480


# --- hours as text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-12:00, 13:00-18:00", DAY),
        ("9-12 13-18", DAY),  # hours only, spaces between ranges
        ("09:00 – 12:00、13:00〜18:00", DAY),  # en dash, Japanese comma and wave dash
        ("22:00-24:00", [[1320, 1440]]),  # a night shift ends at midnight
        ("", []),  # a day off
    ],
)
def test_parse_intervals(text, expected):
    """Working hours are read as people type them."""
    assert hours.parse_intervals(text, "Monday") == expected
    assert hours.parse_intervals(hours.format_intervals(expected), "Monday") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("13:00-12:00", "Monday: interval 13:00–12:00 ends before it starts."),
        (
            "09:00-12:00, 11:00-13:00",
            "Monday: intervals 09:00–12:00 and 11:00–13:00 overlap or are out of order.",
        ),
        ("9am-5pm", "Monday: “9am” is not a time"),  # not a clock time
        ("25:00-26:00", "Monday: 25:00 is not a time of day"),
        ("09:00", "Monday: “09:00” is not a time range"),  # no end
        ("09:00-09:00", "Monday: interval 09:00–09:00 is empty."),
    ],
)
def test_parse_intervals_refuses(text, message):
    """Wrong hours are refused with a message naming the day and the interval."""
    with pytest.raises(ValidationError) as info:
        hours.parse_intervals(text, "Monday")
    assert message in info.value.messages[0]


# --- services ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        # Monday's afternoon ends before it starts
        ({"week": [[[780, 720]]] + [[]] * 6}, "week", "Monday: interval 13:00–12:00 ends before it starts."),
        # Tuesday's intervals overlap
        ({"week": [[], [[540, 720], [700, 800]]] + [[]] * 5}, "week", "Tuesday: intervals 09:00–12:00 and"),
        # six days
        ({"week": [[]] * 6}, "week", "seven days"),
        # past midnight
        ({"week": [[[0, 1500]]] + [[]] * 6}, "week", "Monday: interval 00:00–25:00 is outside the day."),
        # not minutes
        ({"week": [["9-12"]] + [[]] * 6}, "week", "Monday: working hours must be a list"),
        # unknown country
        ({"holiday_country": "XX"}, "holiday_country", "“XX” is not a country"),
        # no week and no base to take one from
        ({"week": None}, "week", "needs its own working week"),
        # only an organisation calendar can be the default
        ({"kind": "person", "is_default": True}, "is_default", "Only an organisation calendar"),
        # an unknown field
        ({"version": 7}, "version", "cannot be changed here"),
    ],
)
def test_calendar_create_refuses(world, data, field, message):
    """Invalid calendars are refused with the field and a message that says what is wrong."""
    with pytest.raises(ValidationError) as info:
        services.calendar_create(actor=world.admin, data={"name": "Bad", **data})
    assert field in info.value.message_dict
    assert any(message in m for m in info.value.message_dict[field]), info.value.message_dict


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        # finish before start
        ({"finish": date(2026, 4, 30)}, "finish", "the finish is before the start"),
        # weekly without weekdays
        ({"recurrence_kind": "weekly"}, "recurrence_weekdays", "needs at least one weekday"),
        # yearly without a month
        ({"recurrence_kind": "yearly"}, "recurrence_month", "needs a month"),
        # the nth weekday needs exactly one weekday
        (
            {"recurrence_kind": "monthly", "recurrence_nth": 2, "recurrence_weekdays": [0, 1]},
            "recurrence_weekdays",
            "exactly one weekday",
        ),
        # a 5th week does not exist
        (
            {"recurrence_kind": "monthly", "recurrence_nth": 5, "recurrence_weekdays": [0]},
            "recurrence_nth",
            "1 to 4",
        ),
        # weekday 7
        ({"recurrence_kind": "weekly", "recurrence_weekdays": [7]}, "recurrence_weekdays", "0 (Monday) to 6"),
        # zero occurrences
        (
            {"recurrence_kind": "daily", "recurrence_occurrences": 0},
            "recurrence_occurrences",
            "between 1 and",
        ),
        # hours ending before they start
        (
            {"intervals": [[720, 540]]},
            "intervals",
            "Exception May Day: interval 12:00–09:00 ends before it starts.",
        ),
        # a century
        ({"finish": date(2126, 5, 1)}, "finish", "at most 50 years"),
    ],
)
def test_calendar_exception_add_refuses(world, data, field, message):
    """Invalid exceptions are refused with the field and the exception's name."""
    with pytest.raises(ValidationError) as info:
        add(default_calendar(), world.admin, name="May Day", start=date(2026, 5, 1), **data)
    assert field in info.value.message_dict, info.value.message_dict
    assert any(message in m for m in info.value.message_dict[field]), info.value.message_dict


def test_one_default_calendar(world):
    """A new default takes the flag from the old one; the default cannot be unset or deleted."""
    old = default_calendar()
    new = services.calendar_create(actor=world.admin, data={"name": "New HQ", "is_default": True})
    old.refresh_from_db()
    assert not old.is_default and default_calendar() == new
    with pytest.raises(ValidationError, match="must be one default"):
        services.calendar_update(
            actor=world.admin, calendar=new, data={"is_default": False}, expected_version=None
        )
    with pytest.raises(ValidationError, match="is the default calendar"):
        services.calendar_delete(actor=world.admin, calendar=new)


def test_base_calendars_cannot_loop(world):
    """A calendar cannot be based on a calendar derived from it."""
    a = services.calendar_create(actor=world.admin, data={"name": "A"})
    b = services.calendar_create(actor=world.admin, data={"name": "B", "base": a})
    with pytest.raises(ValidationError) as info:
        services.calendar_update(actor=world.admin, calendar=a, data={"base": b}, expected_version=a.version)
    assert "base" in info.value.message_dict


def test_delete_calendar(world):
    """A base calendar cannot be deleted; a deleted person calendar sends its person back to the default."""
    mine = services.person_calendar_create(actor=world.admin, person=world.member.person)
    site = services.calendar_create(actor=world.admin, data={"name": "Site", "kind": "shared"})
    services.calendar_create(actor=world.admin, data={"name": "Site night", "kind": "shared", "base": site})
    with pytest.raises(ValidationError, match="Site is the base of Site night"):
        services.calendar_delete(actor=world.admin, calendar=site)
    services.calendar_delete(actor=world.admin, calendar=mine)
    assert Person.objects.get(pk=world.member.person.pk).calendar is None


def test_stale_version_conflicts(world):
    """An update based on an old version is refused with what changed."""
    calendar = default_calendar()
    services.calendar_update(actor=world.pmo, calendar=calendar, data={"name": "Tokyo"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.calendar_update(
            actor=world.admin, calendar=calendar, data={"name": "Osaka"}, expected_version=1
        )


def test_permissions(world):
    """The PMO edits calendars; a person records leave in their own calendar only, and nothing else."""
    calendar = default_calendar()
    for role in ("pm", "member", "executive"):
        with pytest.raises(PermissionDenied):
            services.calendar_create(actor=world.user(role), data={"name": "Mine"})
        with pytest.raises(PermissionDenied):
            add(calendar, world.user(role), start=date(2026, 5, 1))
    mine = services.person_calendar_create(actor=world.pmo, person=world.member.person)
    leave = add(mine, world.member, name="Leave", start=date(2026, 5, 7))
    assert leave.finish == date(2026, 5, 7)
    with pytest.raises(ValidationError, match="days off"):  # working hours are the PMO's
        add(mine, world.member, start=date(2026, 5, 9), intervals=[[540, 720]])
    with pytest.raises(PermissionDenied):
        services.calendar_update(
            actor=world.member, calendar=mine, data={"week": None}, expected_version=None
        )
    with pytest.raises(PermissionDenied):  # someone else's calendar
        add(mine, world.outsider, start=date(2026, 5, 8))
    overtime = add(mine, world.admin, name="Duty", start=date(2026, 5, 9), intervals=[[540, 720]])
    with pytest.raises(ValidationError):  # the member cannot remove the PMO's working day
        services.calendar_exception_delete(actor=world.member, exception=overtime)
    services.calendar_exception_delete(actor=world.member, exception=leave)


# --- pages -------------------------------------------------------------------------------------------


def test_calendar_list_page(world, django_assert_max_num_queries):
    """Everyone signed in sees the calendars; only the PMO gets the form to create one and the nav link."""
    default_calendar()
    for n in range(5):
        services.calendar_create(actor=world.admin, data={"name": f"Site {n}", "kind": "shared"})
    client = signed_in(world.pmo)
    client.get("/calendars/")  # sessions and the organisation row
    with django_assert_max_num_queries(12):
        html = client.get("/calendars/").content.decode()
    assert "Organisation calendar" in html and "Site 4" in html and "Create calendar" in html
    assert 'href="/calendars/"' in html
    html = signed_in(world.member).get("/calendars/").content.decode()
    assert "Create calendar" not in html and 'href="/calendars/"' not in html


def test_create_calendar_page(world):
    """The PMO creates a calendar from the list and lands on its page; a bad form answers 422."""
    client = signed_in(world.pmo)
    response = client.post("/calendars/", {"name": "Osaka plant", "kind": "shared", "base": ""})
    calendar = WorkCalendar.objects.get(name="Osaka plant")
    assert response.status_code == 302 and response["Location"] == f"/calendars/{calendar.pk}/"
    assert client.post("/calendars/", {"name": "", "kind": "shared"}).status_code == 422
    assert signed_in(world.member).post("/calendars/", {"name": "X", "kind": "shared"}).status_code == 403


def test_detail_page_shows_week_exceptions_and_year(world):
    """The detail page shows the week as text, the exceptions and the year's months with holiday names."""
    calendar = default_calendar()
    add(calendar, world.admin, name="Foundation day", start=date(2026, 6, 1))
    html = signed_in(world.member).get(f"/calendars/{calendar.pk}/?year=2026").content.decode()
    assert "09:00-12:00, 13:00-18:00" in html
    assert "Foundation day" in html
    assert 'title="2026-01-01 元日"' in html
    assert "243 working days" in html  # 244 less the foundation day
    assert 'name="mon"' not in html  # read only for a team member
    html = signed_in(world.pmo).get(f"/calendars/{calendar.pk}/").content.decode()
    assert 'name="mon" value="09:00-12:00, 13:00-18:00"' in html


def test_year_partial(world):
    """With htmx the year navigation returns only the month view of the year asked for."""
    calendar = default_calendar()
    response = signed_in(world.member).get(f"/calendars/{calendar.pk}/year/?year=2027", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="year"')
    assert "Working days in 2027" in html and "<html" not in html


def _settings_form(calendar: WorkCalendar, **days: str) -> dict[str, Any]:
    week = {d: "09:00-12:00, 13:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")} | {
        "sat": "",
        "sun": "",
    }
    return {
        "version": calendar.version,
        "name": calendar.name,
        "kind": calendar.kind,
        "holiday_country": calendar.holiday_country,
        "base": calendar.base_id or "",
        "is_default": "on" if calendar.is_default else "",
        **week,
        **days,
    }


def test_edit_week_page(world):
    """Saving the week with htmx returns the settings part; a wrong day is shown next to it with 422."""
    calendar = default_calendar()
    client = signed_in(world.pmo)
    response = client.post(
        f"/calendars/{calendar.pk}/edit/", _settings_form(calendar, mon="13:00-12:00"), headers=HTMX
    )
    assert response.status_code == 422
    assert "Monday: interval 13:00–12:00 ends before it starts." in response.content.decode()
    # A service error on a field the form does not have is shown above the form.
    response = client.post(
        f"/calendars/{calendar.pk}/edit/", _settings_form(calendar) | {"inherit_week": "on"}, headers=HTMX
    )
    assert response.status_code == 422 and "needs its own working week" in response.content.decode()
    response = client.post(
        f"/calendars/{calendar.pk}/edit/", _settings_form(calendar, sat="9-13"), headers=HTMX
    )
    assert response.status_code == 200 and "Saved." in response.content.decode()
    assert "calendar-changed" in response["HX-Trigger"]
    calendar.refresh_from_db()
    assert calendar.week[5] == [[540, 780]]
    stale = client.post(
        f"/calendars/{calendar.pk}/edit/", _settings_form(calendar, sat="") | {"version": 1}, headers=HTMX
    )
    assert stale.status_code == 409
    assert (
        signed_in(world.member).post(f"/calendars/{calendar.pk}/edit/", _settings_form(calendar)).status_code
        == 403
    )


def test_exceptions_page_add_edit_delete(world):
    """Exceptions are added, edited in place and deleted with htmx; the year view is told to reload."""
    calendar = default_calendar()
    client = signed_in(world.pmo)
    url = f"/calendars/{calendar.pk}/exceptions/"
    response = client.post(
        url + "add/",
        {"name": "Working Saturday", "start": "2026-11-28", "intervals": "9-13", "recurrence_interval": 1},
        headers=HTMX,
    )
    assert response.status_code == 200 and response["HX-Retarget"] == "#exceptions"
    assert "Working Saturday" in response.content.decode() and "09:00-13:00" in response.content.decode()
    row = CalendarException.objects.get(name="Working Saturday")
    response = client.get(url + f"{row.pk}/edit/", headers=HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == f"#exception-{row.pk}"
    assert 'value="09:00-13:00"' in response.content.decode()
    response = client.post(
        url + f"{row.pk}/edit/",
        {
            "version": row.version,
            "name": "Summer Fridays",
            "start": "2026-07-01",
            "finish": "2026-08-31",
            "intervals": "",
            "recurrence_kind": "weekly",
            "recurrence_interval": 1,
            "recurrence_weekdays": [4],
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Weekly on Friday" in response.content.decode()
    bad = client.post(
        url + "add/", {"name": "Bad", "start": "2026-05-02", "finish": "2026-05-01"}, headers=HTMX
    )
    assert bad.status_code == 422 and "the finish is before the start" in bad.content.decode()
    response = client.post(url + f"{row.pk}/delete/", headers=HTMX)
    assert response.status_code == 200 and not CalendarException.objects.filter(pk=row.pk).exists()


def test_person_page_links_to_calendar(world):
    """A person page links to their calendar; the PMO can give them a personal calendar for leave."""
    person = world.member.person
    html = signed_in(world.member).get(f"/people/{person.pk}/").content.decode()
    assert "Organisation default" in html and "Create a personal calendar" not in html
    response = signed_in(world.pmo).post(f"/people/{person.pk}/calendar/")
    person.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/calendars/{person.calendar_id}/"
    html = signed_in(world.member).get(f"/people/{person.pk}/").content.decode()
    assert f'href="/calendars/{person.calendar_id}/"' in html
    # The member records leave on their own calendar page.
    html = signed_in(world.member).get(f"/calendars/{person.calendar_id}/").content.decode()
    assert "Add leave" in html and 'name="mon"' not in html


# --- API ---------------------------------------------------------------------------------------------


class Api:
    def __init__(self, user: Any):
        _token, raw = api_token_create(user=user, name="tests")
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def __getattr__(self, method: str) -> Any:
        def call(path: str, body: Any = None) -> Any:
            send = getattr(self.client, method)
            if body is None:
                return send("/api/v1" + path, headers=self.headers)
            return send(
                "/api/v1" + path, json.dumps(body), content_type="application/json", headers=self.headers
            )

        return call


def test_api_calendars(world):
    """Create, read, update and list calendars; the week travels as "HH:MM" pairs."""
    api = Api(world.pmo)
    week = [[["09:00", "12:00"], ["13:00", "17:30"]]] * 5 + [[], []]
    response = api.post(
        "/calendars", {"name": "Branch", "kind": "shared", "week": week, "holiday_country": "US"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["week"][0] == [["09:00", "12:00"], ["13:00", "17:30"]] and body["holiday_country"] == "US"
    calendar = WorkCalendar.objects.get(pk=body["id"])
    assert calendar.week[0] == [[540, 720], [780, 1050]]
    response = api.patch(f"/calendars/{calendar.pk}", {"version": body["version"], "name": "Branch office"})
    assert response.status_code == 200 and response.json()["name"] == "Branch office"
    assert api.patch(f"/calendars/{calendar.pk}", {"version": 1, "name": "Old"}).status_code == 409
    names = [c["name"] for c in api.get("/calendars").json()["items"]]
    assert "Branch office" in names and "Organisation calendar" in names
    derived = api.post("/calendars", {"name": "Person", "kind": "person", "base_id": calendar.pk}).json()
    assert derived["week"] is None and derived["base_id"] == calendar.pk


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"week": [[["13:00", "12:00"]]] + [[]] * 6},
            "week",
            "Monday: interval 13:00–12:00 ends before it starts.",
        ),
        ({"week": [[["9am", "12:00"]]] + [[]] * 6}, "week", "Monday: “9am” is not a time"),
        ({"week": [[]] * 3}, "week", "seven days"),
        ({"holiday_country": "ZZ"}, "holiday_country", "is not a country"),
        ({"base_id": 999999}, "base_id", ""),
    ],
)
def test_api_calendar_errors_name_the_field(world, body, field, message):
    """Invalid calendars get 422 with the field (as the client named it) and the message."""
    response = Api(world.pmo).post("/calendars", {"name": "Bad", **body})
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(d["loc"][-1] == field and message in d["msg"] for d in detail), detail


def test_api_exceptions_and_days(world):
    """Add, change and delete exceptions; the days endpoint shows their effect through the engine."""
    api = Api(world.pmo)
    calendar = default_calendar()
    response = api.post(
        f"/calendars/{calendar.pk}/exceptions",
        {"name": "Working Saturday", "start": "2026-11-28", "intervals": [["09:00", "13:00"]]},
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["finish"] == "2026-11-28" and row["intervals"] == [["09:00", "13:00"]]
    days = {d["date"]: d for d in api.get(f"/calendars/{calendar.pk}/days?year=2026").json()}
    assert days["2026-11-28"]["working_minutes"] == 240 and days["2026-11-28"]["name"] == "Working Saturday"
    assert days["2026-01-01"] == {"date": "2026-01-01", "working_minutes": 0, "name": "元日"}
    bad = api.post(
        f"/calendars/{calendar.pk}/exceptions", {"start": "2026-05-01", "intervals": [["12:00", "09:00"]]}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "intervals"]
    response = api.patch(
        f"/calendars/{calendar.pk}/exceptions/{row['id']}", {"version": row["version"], "intervals": []}
    )
    assert response.status_code == 200 and response.json()["intervals"] == []
    assert api.delete(f"/calendars/{calendar.pk}/exceptions/{row['id']}").status_code == 204
    assert api.delete(f"/calendars/{calendar.pk}/exceptions/{row['id']}").status_code == 404
    assert api.get(f"/calendars/{calendar.pk}/days?year=1800").status_code == 422


def test_api_person_calendar(world):
    """A person's calendar is set through the people API."""
    calendar = services.calendar_create(actor=world.admin, data={"name": "Night shift", "kind": "person"})
    person = world.outsider.person
    response = Api(world.pmo).patch(
        f"/people/{person.pk}", {"version": person.version, "calendar_id": calendar.pk}
    )
    assert response.status_code == 200 and response.json()["calendar_id"] == calendar.pk
