"""Attendance: clocking in and out, editing days, the CSV import (all rows or none), reconciliation with
timesheets, overtime with a forecast, contracts and statements, and who may do what."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kuroko.core.models import Organisation
from kuroko.engine.overtime import Rule, Status
from kuroko.people.models import EmploymentType
from kuroko.projects import services as project_services
from kuroko.tracking.models import AttendanceDay, AttendanceSource, Contract, OvertimeRuleSet, TimeEntry
from kuroko.tracking.selectors import attendance as sel
from kuroko.tracking.services import attendance as svc
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = date(2026, 6, 1)  # June 2026 has no public holiday in Japan
JUNE = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def day(person, when, clock_in="9:00", clock_out="18:00", breaks=60, leave=""):
    return AttendanceDay.objects.create(
        person=person,
        date=when,
        clock_in=time.fromisoformat(clock_in.zfill(5)) if clock_in else None,
        clock_out=time.fromisoformat(clock_out.zfill(5)) if clock_out else None,
        break_minutes=breaks,
        leave=leave,
        worked_minutes=svc.day_values(
            {"clock_in": clock_in, "clock_out": clock_out, "break_minutes": breaks, "leave": leave}
        )["worked_minutes"],
    )


def log(world, person, when, minutes):
    return TimeEntry.objects.create(
        person=person, date=when, project=world.project, task=world.plain_task, minutes=minutes
    )


# --- clocking -----------------------------------------------------------------------------------------------


def test_clock_in_and_out_with_statutory_break(world):
    """Clock in 9:02, out 18:30: 9 h 28 min at work, 60 min break, 8 h 28 min worked, source clock."""
    row = svc.attendance_clock_in(actor=world.member, now=at(MONDAY, 9, 2))
    assert row.clock_in == time(9, 2) and row.source == AttendanceSource.CLOCK
    row = svc.attendance_clock_out(actor=world.member, now=at(MONDAY, 18, 30))
    assert (row.clock_out, row.break_minutes, row.worked_minutes) == (time(18, 30), 60, 508)


def test_clocking_out_after_midnight_closes_yesterday(world):
    """In at 20:00, out at 02:00 the next morning: yesterday's day, 6 h at work."""
    svc.attendance_clock_in(actor=world.member, now=at(MONDAY, 20))
    row = svc.attendance_clock_out(actor=world.member, now=at(MONDAY + timedelta(days=1), 2))
    assert row.date == MONDAY and row.worked_minutes == 360


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([("in", 9), ("in", 10)], "clock_in"),  # clocked in twice
        ([("out", 18)], "clock_out"),  # clocking out without clocking in
        ([("in", 9), ("out", 18), ("out", 19)], "clock_out"),  # clocked out twice
    ],
)
def test_clock_mistakes_are_refused(world, steps, field):
    """Clocking twice, or out before in, is refused naming the field."""
    with pytest.raises(ValidationError) as info:
        for action, hour in steps:
            fn = svc.attendance_clock_in if action == "in" else svc.attendance_clock_out
            fn(actor=world.member, now=at(MONDAY, hour))
    assert field in info.value.message_dict


def test_clocking_needs_a_person_record(world):
    """An account without a person cannot clock in."""
    world.admin.person.delete()
    world.admin.refresh_from_db()
    with pytest.raises(ValidationError):
        svc.attendance_clock_in(actor=world.admin, now=at(MONDAY, 9))


# --- editing a day ------------------------------------------------------------------------------------------


def test_day_set_edit_overnight_and_remove(world):
    """A day is set with times and breaks; an overnight shift runs to the next morning; an empty day goes."""
    person = world.member.person
    row = svc.attendance_day_set(
        actor=world.member,
        person=person,
        day=MONDAY,
        data={"clock_in": "22:00", "clock_out": "0600", "break_minutes": "1:00"},
    )
    assert row is not None and row.worked_minutes == 420 and row.source == AttendanceSource.MANUAL
    svc.attendance_day_set(
        actor=world.pmo,
        person=person,
        day=MONDAY,
        data={"leave": "half_pm", "clock_in": "9:00", "clock_out": "13:00"},
    )
    assert AttendanceDay.objects.get(person=person, date=MONDAY).worked_minutes == 240
    assert svc.attendance_day_set(actor=world.member, person=person, day=MONDAY, data={}) is None
    assert not AttendanceDay.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"clock_in": "9時", "clock_out": "18:00"}, "clock_in"),  # not a time
        ({"clock_in": "9:00", "clock_out": "18:99"}, "clock_out"),  # 99 minutes
        ({"clock_in": "", "clock_out": "18:00"}, "clock_in"),  # a clock-out without a clock-in
        (
            {"clock_in": "9:00", "clock_out": "10:00", "break_minutes": 120},
            "break_minutes",
        ),  # breaks too long
        (
            {"clock_in": "9:00", "clock_out": "18:00", "break_minutes": "lunch"},
            "break_minutes",
        ),  # not minutes
        ({"clock_in": "9:00", "clock_out": "18:00", "leave": "paid"}, "leave"),  # full leave with times
        ({"leave": "holiday"}, "leave"),  # no such leave
    ],
)
def test_bad_day_names_the_field_and_writes_nothing(world, data, field):
    """Bad input is refused naming the field; the day as it was is unchanged."""
    person = world.member.person
    good = {"clock_in": "9:00", "clock_out": "18:00", "break_minutes": 60}
    svc.attendance_day_set(actor=world.member, person=person, day=MONDAY, data=good)
    before = list(AttendanceDay.objects.values("clock_in", "clock_out", "break_minutes", "leave"))
    with pytest.raises(ValidationError) as info:
        svc.attendance_day_set(actor=world.member, person=person, day=MONDAY, data=data)
    assert field in info.value.message_dict
    assert list(AttendanceDay.objects.values("clock_in", "clock_out", "break_minutes", "leave")) == before


def test_only_the_person_and_the_pmo_edit_attendance(world):
    """The PM reads a project member's attendance but cannot change it; an outsider cannot read it."""
    person = world.member.person
    for actor in (world.pm, world.outsider, world.executive):
        with pytest.raises(PermissionDenied):
            svc.attendance_day_set(actor=actor, person=person, day=MONDAY, data={"leave": "paid"})
    assert sel.can_read_attendance(world.pm, person)
    assert not sel.can_read_attendance(world.outsider, person)
    assert not sel.can_read_attendance(world.executive, person)
    with pytest.raises(Http404):
        sel.attendance_person(world.outsider, person.pk)
    assert set(sel.attendance_people(world.pm)) >= {world.pm.person, person}
    assert world.outsider.person not in set(sel.attendance_people(world.pm))


def test_month_totals_and_overtime(world):
    """A 10-hour day on a working day is 2 h overtime; work on Saturday all overtime; half days count 0.5."""
    person = world.member.person
    day(person, MONDAY, "9:00", "20:00", 60)  # 10 h
    day(person, MONDAY + timedelta(days=5), "10:00", "13:00", 0)  # Saturday, 3 h
    day(person, MONDAY + timedelta(days=1), None, None, 0, "paid")
    day(person, MONDAY + timedelta(days=2), "9:00", "13:00", 0, "half_pm")
    month = sel.attendance_month(world.member, person, JUNE)
    assert month.worked == 600 + 180 + 240 and month.overtime == 120 + 180
    assert month.leave_days == Decimal("1.5") and month.days_at_work == 3


# --- import -------------------------------------------------------------------------------------------------

MAPPING = {
    "person": "メール",
    "date": "日付",
    "clock_in": "出勤",
    "clock_out": "退勤",
    "break_minutes": "休憩",
    "leave": "休暇",
}


def csv_file(world, *rows: str) -> bytes:
    email = world.member.person.email
    text = "メール,日付,出勤,退勤,休憩,休暇\r\n" + "".join(r.format(email=email) + "\r\n" for r in rows)
    return text.encode("cp932")


def test_import_upserts_days_and_keeps_history(world):
    """New days are created, an existing day is replaced (source import), history kept."""
    person = world.member.person
    day(person, MONDAY, "9:00", "18:00", 60)
    data = csv_file(world, "{email},2026-06-01,8:30,17:30,60,", "{email},2026-06-02,,,,有休")
    mapping = svc.mapping_of(columns=MAPPING)
    preview = svc.attendance_import(actor=world.pmo, data=data, mapping=mapping, dry_run=True)
    assert (preview.created, preview.updated, preview.ok) == (1, 1, True)
    assert AttendanceDay.objects.count() == 1  # a dry run writes nothing
    result = svc.attendance_import(actor=world.pmo, data=data, mapping=mapping)
    assert (result.created, result.updated) == (1, 1)
    monday = AttendanceDay.objects.get(person=person, date=MONDAY)
    assert monday.clock_in == time(8, 30) and monday.source == AttendanceSource.IMPORT
    assert monday.history.count() == 2
    assert AttendanceDay.objects.get(person=person, date=MONDAY + timedelta(days=1)).leave == "paid"


def test_import_with_any_bad_row_writes_nothing(world):
    """One unknown person and one bad time: both reported by row and column, no day written."""
    data = csv_file(
        world,
        "{email},2026-06-01,9:00,18:00,60,",
        "nobody@example.com,2026-06-02,9:00,18:00,60,",
        "{email},2026-06-03,9:00,1899,60,",
    )
    result = svc.attendance_import(actor=world.pmo, data=data, mapping=svc.mapping_of(columns=MAPPING))
    assert [(i.row, i.column) for i in result.issues] == [(3, "メール"), (4, "退勤")]
    assert not AttendanceDay.objects.exists()


def test_import_matches_people_by_name_or_id_and_only_pmo_imports(world):
    """People matched by id; team members and PMs may not import."""
    person = world.member.person
    data = f"id,date,leave\r\n{person.pk},2026-06-01,paid\r\n".encode()
    mapping = svc.mapping_of(columns={"person": "id", "date": "date", "leave": "leave"})
    assert svc.attendance_import(actor=world.admin, data=data, mapping=mapping, person_key="id").created == 1
    for actor in (world.pm, world.member):
        with pytest.raises(PermissionDenied):
            svc.attendance_import(actor=actor, data=data, mapping=mapping, person_key="id")


def test_mapping_is_saved_and_replaced_by_name(world):
    """Saving a mapping under an existing name replaces it; a mapping without a date column is refused."""
    svc.attendance_mapping_save(actor=world.pmo, name="KING OF TIME", columns=MAPPING)
    svc.attendance_mapping_save(actor=world.pmo, name="KING OF TIME", columns=MAPPING, date_format="%Y/%m/%d")
    assert sel.attendance_mappings(world.pmo).get().date_format == "%Y/%m/%d"
    with pytest.raises(ValidationError) as info:
        svc.attendance_mapping_save(actor=world.pmo, name="Bad", columns={"person": "メール"})
    assert "date" in info.value.message_dict


# --- reconciliation -----------------------------------------------------------------------------------------


def test_reconciliation_flags_differences_and_missing_sides(world):
    """Beyond 30 min flagged, within not; attendance without timesheet and timesheet without attendance
    flagged; leave logged in timesheets is not work."""
    person = world.member.person
    day(person, MONDAY, "9:00", "18:00", 60)  # 8 h
    log(world, person, MONDAY, 7 * 60 + 40)  # 20 min short: within the tolerance
    day(person, MONDAY + timedelta(days=1), "9:00", "19:00", 60)  # 9 h
    log(world, person, MONDAY + timedelta(days=1), 8 * 60)  # 1 h short: flagged
    day(person, MONDAY + timedelta(days=2), "9:00", "18:00", 60)  # nothing logged
    log(world, person, MONDAY + timedelta(days=3), 120)  # no attendance
    TimeEntry.objects.create(person=person, date=MONDAY + timedelta(days=4), category="leave", minutes=480)
    data = sel.reconciliation(world.pmo, JUNE)
    flags = {(line.date - MONDAY).days: line.flag for line in data.lines}
    assert flags == {0: "", 1: "difference", 2: "no_timesheet", 3: "no_attendance"}
    assert [line.difference for line in data.flagged] == [60, 480, -120]


def test_reconciliation_shows_each_role_whom_it_may_see(world):
    """The PMO sees everyone, the PM the members of their projects, a member themselves only."""
    for user in (world.member, world.outsider, world.pm):
        day(user.person, MONDAY)

    def people(user):
        return {line.person for line in sel.reconciliation(user, JUNE).lines}

    assert people(world.pmo) == {world.member.person, world.outsider.person, world.pm.person}
    assert people(world.pm) == {world.member.person, world.pm.person}
    assert people(world.member) == {world.member.person}
    Organisation.objects.update(attendance_tolerance_minutes=5)
    assert sel.reconciliation(world.pmo, JUNE).tolerance == 5


# --- overtime -----------------------------------------------------------------------------------------------


def test_overtime_report_from_attendance_with_the_default_rule_set(world):
    """Two months at 85 h and 78 h of overtime: the 2-month average breaches 80 h; the default rule set
    is created on first use."""
    person = world.member.person
    assert not OvertimeRuleSet.objects.exists()
    # A Saturday of work counts fully as overtime: 85 h in April, 78 h in May, on non-working days.
    AttendanceDay.objects.create(person=person, date=date(2026, 4, 4), worked_minutes=17 * 60)
    for d in (date(2026, 4, 5), date(2026, 4, 11), date(2026, 4, 12), date(2026, 4, 18)):
        AttendanceDay.objects.create(person=person, date=d, worked_minutes=17 * 60)
    for d in (date(2026, 5, 2), date(2026, 5, 9), date(2026, 5, 16), date(2026, 5, 23), date(2026, 5, 30)):
        AttendanceDay.objects.create(person=person, date=d, worked_minutes=15 * 60 + 36)
    report = sel.overtime_report(world.member, fiscal_year=2026, as_of=date(2026, 6, 15))
    (row,) = report.people
    assert row.months[0].actual == 85 * 60 and row.months[1].actual == 78 * 60
    assert row.rules.name == sel.DEFAULT_RULE_SET and OvertimeRuleSet.objects.get().is_default
    breach = [f for f in row.check.findings if f.rule is Rule.SPECIAL_AVERAGE and f.status is Status.BREACH]
    assert breach and breach[0].actual == 81.5
    assert "81.5" in sel.finding_text(breach[0])


def test_overtime_forecast_from_planned_work(world):
    """Two full-time assignments on the same days: the work beyond capacity is forecast overtime."""
    person = world.member.person
    world.project.planned_start = date(2026, 9, 1)
    world.project.save()
    for task in (world.owned_task, world.plain_task):
        project_services.assignment_set(actor=world.admin, task=task, person=person)
    report = sel.overtime_report(world.member, fiscal_year=2026, as_of=date(2026, 6, 15))
    (row,) = report.people
    planned = sum(m.planned for m in row.months)
    assert planned > 0 and sum(m.actual for m in row.months) == 0


def test_a_named_rule_set_overrides_the_default(world):
    """A person named in a stricter rule set is checked against it."""
    strict = svc.overtime_rule_set_save(
        actor=world.pmo,
        data={"name": "Strict", "monthly_limit_hours": Decimal(20), "special_clause": False},
        people=[world.member.person],
    )
    assert sel.rules_for([world.member.person])[world.member.person.pk] == strict
    with pytest.raises(PermissionDenied):
        svc.overtime_rule_set_save(actor=world.pm, data={"name": "Mine"})
    with pytest.raises(ValidationError) as info:
        svc.overtime_rule_set_save(actor=world.pmo, data={"name": "Bad", "warn_percent": 0})
    assert "warn_percent" in info.value.message_dict


# --- contracts and statements -------------------------------------------------------------------------------


def test_contract_statement_settles_on_timesheet_hours(world):
    """190 h logged on a 140–180 h contract: 10 h over at 2,777 = 27,770 excess."""
    contractor = PersonFactory(family_name="Sato", employment_type=EmploymentType.CONTRACTOR)
    contract = svc.contract_save(
        actor=world.pmo,
        person=contractor,
        data={"vendor": "ACME", "start": date(2026, 4, 1), "monthly_fee": "500000", "lower_hours": "140",
              "upper_hours": "180", "deduction_rate": "3571", "excess_rate": "2777"},
    )  # fmt: skip
    for n in range(19):
        log(world, contractor, MONDAY + timedelta(days=n), 10 * 60)
    (line,) = sel.contract_statements(world.pmo, JUNE)
    assert line.contract == contract and line.hours == 190
    assert (line.statement.excess, line.statement.amount) == (27770, 527770)
    assert sel.contract_statements(world.pmo, date(2026, 3, 1)) == []  # before the contract


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lower_hours": "200"}, "upper_hours"),  # the range ends before it starts
        ({"monthly_fee": "-1"}, "monthly_fee"),  # a negative fee
        ({"monthly_fee": "lots"}, "monthly_fee"),  # not a number
        ({"end": date(2026, 1, 1)}, "end"),  # ends before it starts
        ({"vendor": ""}, "vendor"),  # no vendor
    ],
)
def test_bad_contracts_name_the_field(world, data, field):
    """Bad contract terms are refused naming the field; nothing is saved."""
    base = {"vendor": "ACME", "start": date(2026, 4, 1), "monthly_fee": "500000", "lower_hours": "140",
            "upper_hours": "180", "deduction_rate": "3571", "excess_rate": "2777"}  # fmt: skip
    with pytest.raises(ValidationError) as info:
        svc.contract_save(actor=world.pmo, person=world.outsider.person, data=base | data)
    assert field in info.value.message_dict
    assert not Contract.objects.exists()


def test_contracts_are_the_pmos(world):
    """Nobody but the PMO reads or writes contracts."""
    for user in (world.pm, world.member, world.executive):
        with pytest.raises(PermissionDenied):
            sel.contracts(user)
