"""REST endpoints for attendance: days, clock-in/out, CSV import (with a dry run), import mappings,
reconciliation with timesheets, overtime and rule sets, contractors' contracts and monthly statements."""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from kuroko.formats.attendance_csv import FIELDS
from kuroko.people.models import Person
from kuroko.tracking.models import AttendanceMapping, LeaveType, OvertimeRuleSet
from kuroko.tracking.selectors import attendance as sel
from kuroko.tracking.services import attendance as svc

router = Router(tags=["attendance"])


def _month(value: str | None, name: str = "month") -> date:
    if not value:
        return sel.today().replace(day=1)
    try:
        return sel.parse_month(value)
    except ValueError:
        raise ValidationError({name: _("Enter a month as YYYY-MM.")}) from None


class AttendanceDayOut(Schema):
    person_id: int
    date: date
    clock_in: time | None
    clock_out: time | None
    break_minutes: int
    leave: str
    worked_minutes: int
    source: str
    note: str


class AttendanceDayIn(Schema):
    clock_in: str | None = Field(None, description="9:00, 09:00 or 900; empty: none")
    clock_out: str | None = Field(
        None, description="Earlier than the clock-in, or 24:00–47:59: the next morning"
    )
    break_minutes: int | str | None = Field(0, description="Minutes, or h:mm")
    leave: LeaveType | None = None
    note: str = ""


class ImportIssueOut(Schema):
    row: int
    column: str
    message: str
    value: str


class ImportOut(Schema):
    dry_run: bool
    encoding: str
    rows: int
    created: int
    updated: int
    issues: list[ImportIssueOut]


class ImportRefusedOut(Schema):
    detail: list[dict[str, Any]]
    created: int
    updated: int


class MappingOut(Schema):
    id: int
    name: str
    columns: dict[str, str]
    person_key: str
    date_format: str


class MappingIn(Schema):
    name: str
    columns: dict[str, str] = Field(description="Field → column header; fields: " + ", ".join(FIELDS))
    person_key: str = "email"
    date_format: str = "%Y-%m-%d"


class GapOut(Schema):
    person_id: int
    person: str
    date: date
    worked_minutes: int
    logged_minutes: int
    difference_minutes: int
    leave: str
    flag: str = Field(description="'' (fine), difference, no_attendance or no_timesheet")


class ReconciliationOut(Schema):
    month: date
    tolerance_minutes: int
    days: list[GapOut]


class FindingOut(Schema):
    rule: str
    status: str
    basis: str
    actual: float
    forecast: float
    limit: float
    months: list[date]
    text: str


class MonthOut(Schema):
    month: date
    actual_minutes: int
    planned_minutes: int


class PersonOvertimeOut(Schema):
    person_id: int
    person: str
    rule_set: str
    status: str
    months: list[MonthOut]
    findings: list[FindingOut]


class OvertimeOut(Schema):
    fiscal_year: int
    as_of: date
    people: list[PersonOvertimeOut]


class RuleSetOut(Schema):
    id: int
    name: str
    is_default: bool
    monthly_limit_hours: Decimal
    yearly_limit_hours: Decimal
    special_clause: bool
    special_yearly_hours: Decimal
    special_monthly_hours: Decimal
    special_average_hours: Decimal
    special_months_over: int
    warn_percent: int
    people: list[int]

    @staticmethod
    def resolve_people(obj: OvertimeRuleSet) -> list[int]:
        return [p.pk for p in obj.people.all()]


class RuleSetIn(Schema):
    name: str | None = None
    is_default: bool | None = None
    monthly_limit_hours: Decimal | None = None
    yearly_limit_hours: Decimal | None = None
    special_clause: bool | None = None
    special_yearly_hours: Decimal | None = None
    special_monthly_hours: Decimal | None = None
    special_average_hours: Decimal | None = None
    special_months_over: int | None = None
    warn_percent: int | None = None
    people: list[int] | None = None


class ContractOut(Schema):
    id: int
    person_id: int
    vendor: str
    reference: str
    start: date
    end: date | None
    monthly_fee: Decimal
    lower_hours: Decimal
    upper_hours: Decimal
    deduction_rate: Decimal
    excess_rate: Decimal


class ContractIn(Schema):
    person_id: int | None = None
    vendor: str | None = None
    reference: str | None = None
    start: date | None = None
    end: date | None = None
    monthly_fee: Decimal | None = None
    lower_hours: Decimal | None = None
    upper_hours: Decimal | None = None
    deduction_rate: Decimal | None = None
    excess_rate: Decimal | None = None


class StatementOut(Schema):
    contract_id: int
    person_id: int
    person: str
    vendor: str
    timesheet_hours: float
    attendance_hours: float
    short_hours: float
    over_hours: float
    fee: int
    deduction: int
    excess: int
    amount: int


# --- days and clocking -------------------------------------------------------------------------------------


@router.get("/attendance/days", response=list[AttendanceDayOut])
def list_days(request: HttpRequest, month: str | None = None, person_id: int | None = None) -> Any:
    """A person's attendance days in a month (default: yours, this month)."""
    person = sel.attendance_person(request.user, person_id)
    return list(sel.attendance_days(request.user, person, _month(month)))


@router.put("/attendance/days/{person_id}/{day}", response={200: AttendanceDayOut, 204: None})
def set_day(request: HttpRequest, person_id: int, day: date, payload: AttendanceDayIn) -> Any:
    """Set a day; a day left without times, leave or note is removed (204)."""
    person = sel.attendance_person(request.user, person_id)
    row = svc.attendance_day_set(actor=request.user, person=person, day=day, data=payload.dict())
    return row if row is not None else HttpStatus(204, None)


@router.post("/attendance/clock-in", response=AttendanceDayOut)
def clock_in(request: HttpRequest) -> Any:
    return svc.attendance_clock_in(actor=request.user)


@router.post("/attendance/clock-out", response=AttendanceDayOut)
def clock_out(request: HttpRequest) -> Any:
    return svc.attendance_clock_out(actor=request.user)


# --- import ---------------------------------------------------------------------------------------------


@router.post("/attendance/imports", response={200: ImportOut, 422: ImportRefusedOut})
def import_attendance(
    request: HttpRequest,
    file: File[UploadedFile],
    mapping_id: Form[int | None] = None,
    columns: Form[str] = "",
    person_key: Form[str] = "email",
    date_format: Form[str] = "%Y-%m-%d",
    dry_run: Form[bool] = False,
) -> Any:
    """Import a time-clock CSV (multipart): a saved mapping (`mapping_id`) or `columns` as JSON
    (`{"person": "社員番号", "date": "日付", …}`). All rows or none: any problem answers 422 listing each
    row and column; `dry_run` checks without writing."""
    sel.require_pmo(request.user)
    if mapping_id is not None:
        saved = get_object_or_404(AttendanceMapping, pk=mapping_id)
        mapping = svc.mapping_of(columns=dict(saved.columns), date_format=saved.date_format)
        person_key = saved.person_key
    else:
        try:
            parsed = json.loads(columns or "{}")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ValidationError({"columns": _("Give the columns as a JSON object: field → header.")})
        mapping = svc.mapping_of(columns=parsed, date_format=date_format)
    result = svc.attendance_import(
        actor=request.user, data=file.read(), mapping=mapping, person_key=person_key, dry_run=dry_run
    )
    if result.issues:
        detail = [
            {"loc": ["file", i.row, i.column], "msg": i.message, "type": "value_error", "value": i.value}
            for i in result.issues
        ]
        return HttpStatus(422, {"detail": detail, "created": result.created, "updated": result.updated})
    return {
        "dry_run": dry_run,
        "encoding": result.encoding,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "issues": [],
    }


@router.get("/attendance/mappings", response=list[MappingOut])
def list_mappings(request: HttpRequest) -> Any:
    return sel.attendance_mappings(request.user)


@router.post("/attendance/mappings", response={201: MappingOut})
def save_mapping(request: HttpRequest, payload: MappingIn) -> Any:
    """Save a named mapping (replacing the one of that name)."""
    row = svc.attendance_mapping_save(actor=request.user, **payload.dict())
    return HttpStatus(201, row)


# --- reconciliation and overtime ---------------------------------------------------------------------------


@router.get("/attendance/reconciliation", response=ReconciliationOut)
def get_reconciliation(
    request: HttpRequest, month: str | None = None, person_id: int | None = None, flagged: bool = False
) -> Any:
    """Attendance vs timesheet minutes per person and day for everyone you may see (or one person)."""
    person = sel.attendance_person(request.user, person_id) if person_id is not None else None
    data = sel.reconciliation(request.user, _month(month), person=person)
    lines = data.flagged if flagged else data.lines
    return {
        "month": data.month,
        "tolerance_minutes": data.tolerance,
        "days": [
            {
                "person_id": line.person.pk,
                "person": str(line.person),
                "date": line.date,
                "worked_minutes": line.worked,
                "logged_minutes": line.logged,
                "difference_minutes": line.difference,
                "leave": line.leave,
                "flag": line.flag,
            }
            for line in lines
        ],
    }


@router.get("/attendance/overtime", response=OvertimeOut)
def get_overtime(request: HttpRequest, year: int | None = None, person_id: int | None = None) -> Any:
    """Overtime per month of the fiscal year (actual and planned minutes) and the rule set's findings."""
    if year is not None and not 1900 <= year <= 2999:
        raise ValidationError({"year": _("Enter a fiscal year such as 2026.")})
    person = sel.attendance_person(request.user, person_id) if person_id is not None else None
    report = sel.overtime_report(request.user, fiscal_year=year, person=person)
    return {
        "fiscal_year": report.fiscal_year,
        "as_of": report.today,
        "people": [
            {
                "person_id": row.person.pk,
                "person": str(row.person),
                "rule_set": row.rules.name,
                "status": row.status,
                "months": [
                    {"month": m.month, "actual_minutes": m.actual, "planned_minutes": m.planned}
                    for m in row.months
                ],
                "findings": [
                    {
                        "rule": str(f.finding.rule),
                        "status": str(f.finding.status),
                        "basis": str(f.finding.basis),
                        "actual": f.finding.actual,
                        "forecast": f.finding.forecast,
                        "limit": f.finding.limit,
                        "months": list(f.finding.months),
                        "text": f.text,
                    }
                    for f in row.rows
                ],
            }
            for row in report.people
        ],
    }


@router.get("/attendance/overtime/rule-sets", response=list[RuleSetOut])
def list_rule_sets(request: HttpRequest) -> Any:
    sel.require_pmo(request.user)
    return list(sel.rule_sets())


def _people(ids: list[int] | None) -> list[Person] | None:
    if ids is None:
        return None
    found = Person.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"people": _("No person with id %(ids)s.") % {"ids": ", ".join(missing)}})
    return list(found.values())


@router.post("/attendance/overtime/rule-sets", response={201: RuleSetOut})
def add_rule_set(request: HttpRequest, payload: RuleSetIn) -> Any:
    sel.require_pmo(request.user)  # before the people are looked up: their ids are not for everyone
    data = payload.dict(exclude_none=True)
    people = _people(data.pop("people", None))
    return HttpStatus(201, svc.overtime_rule_set_save(actor=request.user, data=data, people=people))


@router.patch("/attendance/overtime/rule-sets/{rule_set_id}", response=RuleSetOut)
def change_rule_set(request: HttpRequest, rule_set_id: int, payload: RuleSetIn) -> Any:
    sel.require_pmo(request.user)
    row = get_object_or_404(OvertimeRuleSet, pk=rule_set_id)
    data = payload.dict(exclude_none=True)
    people = _people(data.pop("people", None))
    return svc.overtime_rule_set_save(actor=request.user, data=data, rule_set=row, people=people)


# --- contracts --------------------------------------------------------------------------------------------


@router.get("/contracts", response=list[ContractOut])
def list_contracts(request: HttpRequest) -> Any:
    return sel.contracts(request.user)


def _person(person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("No person with id %(id)s.") % {"id": person_id}})
    return person


@router.post("/contracts", response={201: ContractOut})
def add_contract(request: HttpRequest, payload: ContractIn) -> Any:
    sel.require_pmo(request.user)
    data = payload.dict(exclude_unset=True)
    person = _person(data.pop("person_id", None))
    return HttpStatus(201, svc.contract_save(actor=request.user, data=data, person=person))


@router.patch("/contracts/{contract_id}", response=ContractOut)
def change_contract(request: HttpRequest, contract_id: int, payload: ContractIn) -> Any:
    contract = get_object_or_404(sel.contracts(request.user), pk=contract_id)
    data = payload.dict(exclude_unset=True)
    person = _person(data.pop("person_id", None))
    return svc.contract_save(actor=request.user, data=data, contract=contract, person=person)


@router.delete("/contracts/{contract_id}", response={204: None})
def remove_contract(request: HttpRequest, contract_id: int) -> Any:
    contract = get_object_or_404(sel.contracts(request.user), pk=contract_id)
    svc.contract_remove(actor=request.user, contract=contract)
    return HttpStatus(204, None)


@router.get("/contracts/statements/{month}", response=list[StatementOut])
def list_statements(request: HttpRequest, month: str) -> Any:
    """Each contract's settlement for the month (YYYY-MM), from the month's timesheet hours."""
    return [
        {
            "contract_id": line.contract.pk,
            "person_id": line.contract.person_id,
            "person": str(line.contract.person),
            "vendor": line.contract.vendor,
            "timesheet_hours": round(line.hours, 4),
            "attendance_hours": round(line.attendance_hours, 4),
            "short_hours": round(line.short, 4),
            "over_hours": round(line.over, 4),
            "fee": line.statement.fee,
            "deduction": line.statement.deduction,
            "excess": line.statement.excess,
            "amount": line.statement.amount,
        }
        for line in sel.contract_statements(request.user, _month(month))
    ]
