"""Writes of attendance (勤怠): clocking in and out, editing a day, importing a time-clock CSV (all rows or
none), saving import mappings, overtime rule sets and contractors' contracts.

A person edits their own attendance and the PMO anyone's; mappings, rule sets and contracts are the
PMO's. Every write is one transaction; bad input raises a ValidationError naming the field (or, for an
import, every bad row and column) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.engine import overtime as ot
from kuroko.formats import attendance_csv as fmt
from kuroko.people.models import Person
from kuroko.tracking.models import (
    AttendanceDay,
    AttendanceMapping,
    AttendanceSource,
    Contract,
    LeaveType,
    OvertimeRuleSet,
)
from kuroko.tracking.selectors.attendance import can_edit_attendance, own_person, require_pmo

FULL_DAY = {LeaveType.PAID, LeaveType.SPECIAL, LeaveType.UNPAID}


def _require_edit(actor: Any, person: Person) -> None:
    if not can_edit_attendance(actor, person):
        raise PermissionDenied(_("Only the person and the PMO change attendance."))


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now) if now is not None else timezone.localtime()


def _minute(moment: datetime) -> time:
    return time(moment.hour, moment.minute)


# --- clocking in and out -------------------------------------------------------------------------------


@transaction.atomic
def attendance_clock_in(*, actor: Any, now: datetime | None = None) -> AttendanceDay:
    """Clock the actor in today (server time in the organisation's time zone)."""
    person = own_person(actor)
    if person is None:
        raise ValidationError({"person": _("You have no person record to clock in with.")})
    moment = _now(now)
    row = (
        AttendanceDay.objects.select_for_update(of=("self",))
        .filter(person=person, date=moment.date())
        .first()
    )
    if row is not None and row.clock_in is not None:
        raise ValidationError(
            {"clock_in": _("You clocked in at %(time)s today already.") % {"time": f"{row.clock_in:%H:%M}"}}
        )
    if row is not None and row.leave in FULL_DAY:
        raise ValidationError({"leave": _("Today is a day of leave; change the day to work on it.")})
    row = row or AttendanceDay(person=person, date=moment.date())
    row.clock_in, row.clock_out, row.source = _minute(moment), None, AttendanceSource.CLOCK
    row.worked_minutes = 0
    row.save()
    return row


@transaction.atomic
def attendance_clock_out(*, actor: Any, now: datetime | None = None) -> AttendanceDay:
    """Clock the actor out of today's day, or of yesterday's when they clocked in before midnight. With
    no breaks entered, the statutory minimum break is applied (over 6 h: 45 min; over 8 h 45 min: 60)."""
    person = own_person(actor)
    if person is None:
        raise ValidationError({"person": _("You have no person record to clock out with.")})
    moment = _now(now)
    rows = AttendanceDay.objects.select_for_update(of=("self",)).filter(
        person=person, clock_in__isnull=False, clock_out__isnull=True
    )
    row = rows.filter(date=moment.date()).first()
    if row is None:
        row = rows.filter(date=moment.date() - timedelta(days=1)).first()
        if row is not None and row.clock_in is not None and _minute(moment) >= row.clock_in:
            row = None  # more than a day since clocking in: a forgotten clock-out, to be entered by hand
    if row is None:
        done = AttendanceDay.objects.filter(
            person=person, date=moment.date(), clock_out__isnull=False
        ).first()
        if done is not None and done.clock_out is not None:
            message = _("You clocked out at %(time)s today already; edit the day to change it.") % {
                "time": f"{done.clock_out:%H:%M}"
            }
        else:
            message = _("Clock in first.")
        raise ValidationError({"clock_out": message})
    assert row.clock_in is not None
    row.clock_out = _minute(moment)
    span = ot.span_minutes(row.clock_in, row.clock_out)
    if not row.break_minutes:
        row.break_minutes = ot.statutory_break(span)
    row.break_minutes = min(row.break_minutes, span)
    row.worked_minutes = ot.worked_minutes(row.clock_in, row.clock_out, row.break_minutes)
    row.save()
    return row


# --- editing a day --------------------------------------------------------------------------------------


def _time(value: Any, name: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return time(value.hour, value.minute)
    try:
        parsed = fmt.parse_time(str(value))
    except ValueError:
        raise ValidationError({name: _("Enter a time such as 9:00, 09:00 or 900.")}) from None
    if parsed is None:
        return None
    if parsed[1] and name == "clock_in":
        raise ValidationError({name: _("A clock-in cannot be past midnight.")})
    return parsed[0]


def _break(value: Any) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    else:
        try:
            minutes = fmt.parse_break(str(value))
        except ValueError:
            raise ValidationError(
                {"break_minutes": _("Enter minutes (60) or hours and minutes (1:00).")}
            ) from None
    if minutes < 0 or minutes > 24 * 60:
        raise ValidationError({"break_minutes": _("Breaks run from 0 to 1440 minutes.")})
    return minutes


def _leave(value: Any) -> str:
    text = str(value or "")
    if text and text not in LeaveType.values:
        raise ValidationError(
            {"leave": _("Choose a kind of leave: %(choices)s.") % {"choices": ", ".join(LeaveType.values)}}
        )
    return text


def day_values(data: dict[str, Any]) -> dict[str, Any]:
    """Check a day's clock-in, clock-out, breaks, leave and note; the cleaned values with the minutes
    worked. A ValidationError names every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, parse in (
        ("clock_in", lambda v: _time(v, "clock_in")),
        ("clock_out", lambda v: _time(v, "clock_out")),
        ("break_minutes", _break),
        ("leave", _leave),
    ):
        try:
            values[name] = parse(data.get(name))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    values["note"] = str(data.get("note") or "")[:300]
    if not errors:
        if values["clock_in"] is None and values["clock_out"] is not None:
            errors["clock_in"] = [_("Enter the clock-in as well.")]
        elif values["clock_in"] is not None and values["leave"] in FULL_DAY:
            errors["leave"] = [_("A day of full leave has no clock times.")]
        else:
            try:
                values["worked_minutes"] = ot.worked_minutes(
                    values["clock_in"], values["clock_out"], values["break_minutes"]
                )
            except ot.OvertimeError:
                errors["break_minutes"] = [_("The breaks are longer than the time at work.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def attendance_day_set(
    *, actor: Any, person: Person, day: date, data: dict[str, Any]
) -> AttendanceDay | None:
    """Set a person's day (clock-in, clock-out — earlier than the clock-in: the next morning —, breaks,
    leave, note). A day left without times, leave or note is removed (None)."""
    _require_edit(actor, person)
    values = day_values(data)
    row = AttendanceDay.objects.select_for_update(of=("self",)).filter(person=person, date=day).first()
    if values["clock_in"] is None and not values["leave"] and not values["note"]:
        if row is not None:
            row.delete()
        return None
    row = row or AttendanceDay(person=person, date=day)
    for name, value in values.items():
        setattr(row, name, value)
    row.source = AttendanceSource.MANUAL
    row.save()
    return row


# --- importing a time-clock CSV ---------------------------------------------------------------------------

ROW_MESSAGES = {
    "required": lambda e: _("This cell is empty."),
    "date": lambda e: _("%(value)s is not a date in the mapping's date format.") % {"value": repr(e.value)},
    "time": lambda e: (
        _("%(value)s is not a time such as 9:00, 09:00, 900 or 25:30.") % {"value": repr(e.value)}
    ),
    "break": lambda e: (
        _("%(value)s is not minutes (60) or hours and minutes (1:00).") % {"value": repr(e.value)}
    ),
    "leave": lambda e: (
        _(
            "Unknown leave %(value)s: use 有休, 午前半休, 午後半休, 特休, 欠勤 (or paid, half_am, "
            "half_pm, special, unpaid)."
        )
        % {"value": repr(e.value)}
    ),
    "duplicate": lambda e: _("This person's day is already on an earlier row."),
    "clock_pair": lambda e: _("Enter both the clock-in and the clock-out, or neither."),
    "leave_with_times": lambda e: _("A day of full leave has no clock times."),
    "break_too_long": lambda e: _("The breaks are longer than the time at work."),
}

FILE_MESSAGES = {
    "encoding": lambda e: _(
        "The file is neither UTF-8 nor Shift_JIS text: save it as CSV and upload it again."
    ),
    "empty": lambda e: _("The file is empty."),
    "missing_column": lambda e: _("The file has no column %(column)s.") % {"column": repr(e.column)},
    "too_many_rows": lambda e: _("At most %(count)s rows in one file.") % {"count": fmt.MAX_ROWS},
    "unknown_field": lambda e: _("Unknown field %(column)s in the mapping.") % {"column": e.column},
    "required_field": lambda e: _("Say which column holds %(column)s.") % {"column": e.column},
    "clock_pair": lambda e: _("Map both the clock-in and the clock-out columns, or neither."),
    "date_format": lambda e: _("The date format needs strptime codes such as %Y-%m-%d."),
}


@dataclass(frozen=True)
class ImportIssue:
    """One cell that stops the import: file row, column header, message."""

    row: int
    column: str
    message: str
    value: str = ""


@dataclass
class ImportResult:
    """What an import did (or, as a dry run, would do): days created and updated, and the problems
    that stop it (nothing is written when there are any)."""

    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    preview: list[fmt.AttendanceRow] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.issues


def mapping_of(*, columns: dict[str, Any], date_format: str = "%Y-%m-%d") -> fmt.ColumnMapping:
    """A column mapping checked as the format reader needs it; a ValidationError names the field."""
    clean = {k: str(v).strip() for k, v in columns.items() if v not in (None, "") and str(v).strip()}
    try:
        return fmt.ColumnMapping(clean, date_format or "%Y-%m-%d")
    except fmt.AttendanceFormatError as exc:
        raise ValidationError({exc.column or "columns": FILE_MESSAGES[exc.code](exc)}) from None


def _people_index(person_key: str, keys: set[str]) -> dict[str, Person]:
    people = Person.objects.all()
    if person_key == "email":
        found = {p.email.strip().casefold(): p for p in people.exclude(email="")}
        return {k: found[k.strip().casefold()] for k in keys if k.strip().casefold() in found}
    if person_key == "id":
        ids = {k: int(k) for k in keys if k.isdigit()}
        rows = people.in_bulk(list(ids.values()))
        return {k: rows[v] for k, v in ids.items() if v in rows}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        for name in {p.full_name, f"{p.family_name}{p.given_name}", f"{p.family_name} {p.given_name}"}:
            by_name.setdefault(" ".join(name.split()).casefold(), []).append(p)
    out = {}
    for k in keys:
        matches = {p.pk: p for p in by_name.get(" ".join(k.split()).casefold(), [])}
        if len(matches) == 1:
            out[k] = next(iter(matches.values()))
    return out


@transaction.atomic
def attendance_import(
    *,
    actor: Any,
    data: bytes,
    mapping: fmt.ColumnMapping,
    person_key: str = "email",
    dry_run: bool = False,
) -> ImportResult:
    """Import attendance days from a time-clock CSV file: each row sets one person's day (created or
    replaced, source "import"). Every row is checked first — unreadable cells, unknown people, a day
    twice — and if any row has a problem nothing is written and every problem is returned. `dry_run`
    checks and counts without writing. Only the PMO imports."""
    require_pmo(actor)
    if person_key not in {"email", "name", "id"}:
        raise ValidationError({"person_key": _("Match people by email, name or id.")})
    try:
        parsed = fmt.read_attendance(data, mapping)
    except fmt.AttendanceFormatError as exc:
        raise ValidationError({"file": FILE_MESSAGES[exc.code](exc)}) from None
    result = ImportResult(encoding=parsed.encoding, rows=parsed.row_count, dry_run=dry_run)
    result.issues = [ImportIssue(e.row, e.column, ROW_MESSAGES[e.code](e), e.value) for e in parsed.errors]
    keys = {row.person for row in parsed.rows}
    people = _people_index(person_key, keys)
    result.people = people
    person_column = mapping.columns["person"]
    for row in parsed.rows:
        if row.person not in people:
            result.issues.append(
                ImportIssue(
                    row.row, person_column, _("No person %(key)s.") % {"key": repr(row.person)}, row.person
                )
            )
    # Two spellings of one person's name or email on one day.
    seen: dict[tuple[int, date], int] = {}
    for row in parsed.rows:
        person = people.get(row.person)
        if person is None:
            continue
        if (person.pk, row.date) in seen:
            result.issues.append(
                ImportIssue(
                    row.row, mapping.columns["date"], _("This person's day is already on an earlier row.")
                )
            )
        seen[(person.pk, row.date)] = row.row
    result.issues.sort(key=lambda i: (i.row, i.column))
    result.preview = list(parsed.rows[:20])
    existing = set(
        AttendanceDay.objects.filter(
            person_id__in={p.pk for p in people.values()}, date__in={r.date for r in parsed.rows}
        ).values_list("person_id", "date")
    )
    for row in parsed.rows:
        person = people.get(row.person)
        if person is not None:
            if (person.pk, row.date) in existing:
                result.updated += 1
            else:
                result.created += 1
    if result.issues or dry_run:
        return result
    rows = AttendanceDay.objects.select_for_update(of=("self",)).filter(
        person_id__in={p.pk for p in people.values()}, date__in={r.date for r in parsed.rows}
    )
    current = {(d.person_id, d.date): d for d in rows}
    create: list[AttendanceDay] = []
    update: list[AttendanceDay] = []
    for row in parsed.rows:
        person = people[row.person]
        day = current.get((person.pk, row.date)) or AttendanceDay(person=person, date=row.date)
        day.clock_in, day.clock_out, day.break_minutes = row.clock_in, row.clock_out, row.break_minutes
        day.leave, day.note, day.worked_minutes = row.leave, row.note, row.worked_minutes
        day.source = AttendanceSource.IMPORT
        (update if day.pk else create).append(day)
    # save() one by one keeps the history (django-simple-history) of every day changed.
    for day in [*create, *update]:
        day.save()
    return result


@transaction.atomic
def attendance_mapping_save(
    *,
    actor: Any,
    name: str,
    columns: dict[str, Any],
    person_key: str = "email",
    date_format: str = "%Y-%m-%d",
) -> AttendanceMapping:
    """Save a named column mapping (replacing the one of that name)."""
    require_pmo(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    mapping = mapping_of(columns=columns, date_format=date_format)
    if person_key not in {"email", "name", "id"}:
        raise ValidationError({"person_key": _("Match people by email, name or id.")})
    row = AttendanceMapping.objects.filter(name=name[:100]).first() or AttendanceMapping(name=name[:100])
    row.columns = dict(mapping.columns)
    row.person_key, row.date_format = person_key, mapping.date_format[:30]
    if row.pk is None:
        row.created_by = actor if getattr(actor, "pk", None) else None
    row.save()
    return row


# --- overtime rule sets ----------------------------------------------------------------------------------

RULE_FIELDS = (
    "monthly_limit_hours",
    "yearly_limit_hours",
    "special_clause",
    "special_yearly_hours",
    "special_monthly_hours",
    "special_average_hours",
    "special_months_over",
    "warn_percent",
)


@transaction.atomic
def overtime_rule_set_save(
    *,
    actor: Any,
    data: dict[str, Any],
    rule_set: OvertimeRuleSet | None = None,
    people: list[Person] | None = None,
) -> OvertimeRuleSet:
    """Create or change a rule set (name, limits, warning %, the people it applies to). The default rule
    set applies to everyone not named in another one."""
    require_pmo(actor)
    row = rule_set or OvertimeRuleSet()
    if "name" in data or row.pk is None:
        row.name = str(data.get("name") or "").strip()[:100]
        if not row.name:
            raise ValidationError({"name": _("Give the rule set a name.")})
    for name in RULE_FIELDS:
        if name in data and data[name] is not None:
            setattr(row, name, data[name])
    if "is_default" in data:
        row.is_default = bool(data["is_default"])
    row.full_clean(validate_constraints=False)
    try:
        ot.RuleSet(
            monthly_limit=row.monthly_limit_hours,
            yearly_limit=row.yearly_limit_hours,
            special_yearly=row.special_yearly_hours,
            special_monthly=row.special_monthly_hours,
            special_average=row.special_average_hours,
            special_months_over=row.special_months_over,
            warn_percent=row.warn_percent,
        )
    except ot.OvertimeError as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    if row.is_default:
        OvertimeRuleSet.objects.exclude(pk=row.pk).filter(is_default=True).update(is_default=False)
    row.save()
    if people is not None:
        row.people.set(people)
    return row


# --- contracts ------------------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "vendor",
    "reference",
    "start",
    "end",
    "monthly_fee",
    "lower_hours",
    "upper_hours",
    "deduction_rate",
    "excess_rate",
)


def _decimal_or_error(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({name: _("Enter a number of zero or more.")})
    return number


@transaction.atomic
def contract_save(
    *, actor: Any, data: dict[str, Any], contract: Contract | None = None, person: Person | None = None
) -> Contract:
    """Add a contract of a contractor, or change one: vendor, dates, monthly fee, settlement range
    (精算幅) and the deduction and excess rates per hour."""
    require_pmo(actor)
    row = contract or Contract()
    if person is not None:
        row.person = person
    if row.person_id is None:
        raise ValidationError({"person": _("Choose the person the contract is for.")})
    for name in CONTRACT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in {"monthly_fee", "lower_hours", "upper_hours", "deduction_rate", "excess_rate"}:
            value = _decimal_or_error(value, name) if value not in (None, "") else None
        if name in {"vendor", "reference"}:
            value = str(value or "").strip()
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def contract_remove(*, actor: Any, contract: Contract) -> None:
    require_pmo(actor)
    contract.delete()


__all__ = [
    "CONTRACT_FIELDS",
    "RULE_FIELDS",
    "ImportIssue",
    "ImportResult",
    "attendance_clock_in",
    "attendance_clock_out",
    "attendance_day_set",
    "attendance_import",
    "attendance_mapping_save",
    "contract_remove",
    "contract_save",
    "day_values",
    "mapping_of",
    "overtime_rule_set_save",
]
