"""Reads of attendance (勤怠): whose attendance a user may see, a person's month, the reconciliation of
attendance with timesheet hours (勤怠乖離), overtime against the rule set (36協定) with a forecast from
planned work, and contractors' monthly statements (精算幅).

Who sees whose attendance: the PMO everyone's; a project manager their own and that of the people on the
projects they manage (read-only); everyone else their own. Only the person and the PMO change it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core import dates
from kuroko.core.models import Organisation, Role
from kuroko.core.permissions import is_pmo, role_of
from kuroko.engine import overtime as ot
from kuroko.engine.load import day_capacity
from kuroko.engine.settlement import Statement, Terms, settle
from kuroko.people.models import Person
from kuroko.projects.models import Assignment, Project, ProjectMember
from kuroko.projects.permissions import MANAGING_ROLES
from kuroko.projects.selectors.load import add_months, time_phased
from kuroko.projects.selectors.resources import person_calendars
from kuroko.tracking.models import (
    AttendanceDay,
    AttendanceMapping,
    Contract,
    IndirectCategory,
    LeaveType,
    OvertimeRuleSet,
    TimeEntry,
)

DEFAULT_RULE_SET = "36協定"


# --- who may see and change whose attendance ---------------------------------------------------------


def own_person(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def managed_people_ids(user: Any) -> set[int]:
    """People on the projects `user` manages as a project manager: members, assignees and managers."""
    me = own_person(user)
    if me is None or role_of(user) != Role.PROJECT_MANAGER:
        return set()
    projects = Project.objects.filter(
        Q(manager=me) | Q(members__person=me, members__role__in=MANAGING_ROLES)
    ).values("pk")
    ids = set(ProjectMember.objects.filter(project__in=projects).values_list("person_id", flat=True))
    ids |= set(
        Assignment.objects.filter(task__project__in=projects, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    ids |= set(
        Project.objects.filter(pk__in=projects, manager__isnull=False).values_list("manager_id", flat=True)
    )
    return ids


def attendance_people(user: Any) -> QuerySet[Person]:
    """The people whose attendance `user` may read, in directory order."""
    qs = Person.objects.select_related("calendar").order_by(
        "family_name_kana", "family_name", "given_name", "pk"
    )
    if role_of(user) is None:
        return qs.none()
    if is_pmo(user):
        return qs
    me = own_person(user)
    ids = managed_people_ids(user) | ({me.pk} if me is not None else set())
    return qs.filter(pk__in=ids)


def can_read_attendance(user: Any, person: Person) -> bool:
    return attendance_people(user).filter(pk=person.pk).exists()


def can_edit_attendance(user: Any, person: Person) -> bool:
    """The person themselves and the PMO."""
    if is_pmo(user):
        return True
    return person.user_id is not None and person.user_id == getattr(user, "pk", None)


def attendance_person(user: Any, person_id: Any = None) -> Person:
    """The person whose attendance a page shows: `person_id` if given and readable, else the user's own.
    404 for an unknown or unreadable person (the answer does not tell which)."""
    if person_id in (None, ""):
        me = own_person(user)
        if me is None:
            if is_pmo(user):
                first = attendance_people(user).filter(is_active=True).first()
                if first is not None:
                    return first
            raise Http404(_("You have no person record, so no attendance of your own."))
        return me
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404(_("No such person.")) from None
    person = attendance_people(user).filter(pk=pk).first()
    if person is None:
        raise Http404(_("No such person."))
    return person


def require_pmo(user: Any) -> None:
    if not is_pmo(user):
        raise PermissionDenied(_("Only the PMO may do this."))


# --- months --------------------------------------------------------------------------------------------


def parse_month(value: str | None) -> date:
    """`YYYY-MM` as the first of that month; ValueError otherwise (kuroko.core.dates)."""
    return dates.parse_month(value)


def month_days(month: date) -> list[date]:
    last = add_months(month, 1) - timedelta(days=1)
    return [month + timedelta(days=n) for n in range((last - month).days + 1)]


def today() -> date:
    """Today in the organisation's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def standard_minutes(person: Person, first: date, last: date) -> dict[date, int]:
    """The working minutes of each day in the person's calendar (0: not a working day)."""
    calendar = person_calendars([person], first, last)[person.pk]
    values = day_capacity(calendar, first, last)
    return {first + timedelta(days=n): int(v) for n, v in enumerate(values)}


def timesheet_minutes(person_ids: list[int], first: date, last: date) -> dict[tuple[int, date], int]:
    """Minutes logged per person and day, leave entries apart (leave is not work)."""
    rows = (
        TimeEntry.objects.filter(person_id__in=person_ids, date__gte=first, date__lte=last)
        .exclude(category=IndirectCategory.LEAVE)
        .values("person_id", "date")
        .annotate(total=Sum("minutes"))
    )
    return {(r["person_id"], r["date"]): int(r["total"]) for r in rows}


@dataclass
class DayLine:
    """One day of a person's month: the attendance row (if any), the calendar's standard minutes, the
    timesheet minutes and the overtime."""

    date: date
    day: AttendanceDay | None
    standard: int
    logged: int

    @property
    def worked(self) -> int:
        return self.day.worked_minutes if self.day is not None else 0

    @property
    def overtime(self) -> int:
        return ot.day_overtime(self.worked, self.standard)

    @property
    def working_day(self) -> bool:
        return self.standard > 0

    @property
    def open(self) -> bool:
        """Clocked in, not yet out."""
        return self.day is not None and self.day.clock_in is not None and self.day.clock_out is None


@dataclass
class AttendanceMonth:
    """A person's month of attendance, day by day, with totals."""

    person: Person
    month: date
    lines: list[DayLine]

    @property
    def worked(self) -> int:
        return sum(line.worked for line in self.lines)

    @property
    def overtime(self) -> int:
        return sum(line.overtime for line in self.lines)

    @property
    def logged(self) -> int:
        return sum(line.logged for line in self.lines)

    @property
    def days_at_work(self) -> int:
        return sum(1 for line in self.lines if line.worked > 0)

    @property
    def leave_days(self) -> Decimal:
        full = {LeaveType.PAID, LeaveType.SPECIAL, LeaveType.UNPAID}
        total = Decimal(0)
        for line in self.lines:
            if line.day is not None and line.day.leave:
                total += Decimal(1) if line.day.leave in full else Decimal("0.5")
        return total

    @property
    def previous(self) -> date:
        return add_months(self.month, -1)

    @property
    def next(self) -> date:
        return add_months(self.month, 1)


def attendance_month(user: Any, person: Person, month: date) -> AttendanceMonth:
    """The person's month (the caller got `person` through `attendance_person`, which checks reading)."""
    if not can_read_attendance(user, person):
        raise Http404(_("No such person."))
    days = month_days(month)
    rows = {
        d.date: d for d in AttendanceDay.objects.filter(person=person, date__gte=days[0], date__lte=days[-1])
    }
    standard = standard_minutes(person, days[0], days[-1])
    logged = timesheet_minutes([person.pk], days[0], days[-1])
    lines = [DayLine(d, rows.get(d), standard[d], logged.get((person.pk, d), 0)) for d in days]
    return AttendanceMonth(person, month, lines)


def attendance_days(user: Any, person: Person, month: date) -> QuerySet[AttendanceDay]:
    if not can_read_attendance(user, person):
        raise Http404(_("No such person."))
    last = add_months(month, 1) - timedelta(days=1)
    return AttendanceDay.objects.filter(person=person, date__gte=month, date__lte=last).order_by("date")


def today_day(person: Person | None) -> AttendanceDay | None:
    """Today's attendance of the person, or yesterday's if still clocked in overnight."""
    if person is None:
        return None
    now = today()
    row = AttendanceDay.objects.filter(person=person, date=now).first()
    if row is None:
        row = AttendanceDay.objects.filter(
            person=person, date=now - timedelta(days=1), clock_in__isnull=False, clock_out__isnull=True
        ).first()
    return row


# --- reconciliation (勤怠乖離) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GapLine:
    """One person's day: attendance minutes worked, timesheet minutes logged, their difference, and why
    it is flagged ("" when it is not): difference, no_attendance, no_timesheet."""

    person: Person
    date: date
    worked: int
    logged: int
    leave: str
    flag: str

    @property
    def difference(self) -> int:
        return self.worked - self.logged


@dataclass
class Reconciliation:
    """Every day in the month with attendance or timesheet hours, per person, and the tolerance used."""

    month: date
    tolerance: int
    lines: list[GapLine] = field(default_factory=list)

    @property
    def flagged(self) -> list[GapLine]:
        return [line for line in self.lines if line.flag]

    def per_person(self) -> list[dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for line in self.lines:
            row = out.setdefault(
                line.person.pk, {"person": line.person, "worked": 0, "logged": 0, "flagged": 0}
            )
            row["worked"] += line.worked
            row["logged"] += line.logged
            row["flagged"] += 1 if line.flag else 0
            row["difference"] = row["worked"] - row["logged"]
        return list(out.values())


def gap_flag(worked: int, logged: int, tolerance: int) -> str:
    if worked == 0 and logged == 0:
        return ""
    if worked == 0:
        return "no_attendance"
    if logged == 0:
        return "no_timesheet"
    return "difference" if abs(worked - logged) > tolerance else ""


def reconciliation(user: Any, month: date, *, person: Person | None = None) -> Reconciliation:
    """Attendance vs timesheet hours of every person the user may see (or one of them) in the month."""
    people = attendance_people(user)
    if person is not None:
        people = people.filter(pk=person.pk)
    people_by_id = {p.pk: p for p in people}
    days = month_days(month)
    first, last = days[0], days[-1]
    worked: dict[tuple[int, date], tuple[int, str]] = {
        (person_id, day): (minutes, leave)
        for person_id, day, minutes, leave in AttendanceDay.objects.filter(
            person_id__in=list(people_by_id), date__gte=first, date__lte=last
        ).values_list("person_id", "date", "worked_minutes", "leave")
    }
    logged = timesheet_minutes(list(people_by_id), first, last)
    tolerance = Organisation.current().attendance_tolerance_minutes
    result = Reconciliation(month, tolerance)
    order = {pk: n for n, pk in enumerate(people_by_id)}
    for key in sorted(set(worked) | set(logged), key=lambda k: (order[k[0]], k[1])):
        minutes, leave = worked.get(key, (0, ""))
        spent = logged.get(key, 0)
        if minutes == 0 and spent == 0:
            continue
        result.lines.append(
            GapLine(people_by_id[key[0]], key[1], minutes, spent, leave, gap_flag(minutes, spent, tolerance))
        )
    return result


# --- overtime (36協定) -----------------------------------------------------------------------------------


def default_rule_set() -> OvertimeRuleSet:
    """The default rule set, created with the legal defaults of the 36 agreement on first use."""
    rules = OvertimeRuleSet.objects.filter(is_default=True).first()
    if rules is None:
        rules = OvertimeRuleSet.objects.filter(name=DEFAULT_RULE_SET).first()
        if rules is not None:
            OvertimeRuleSet.objects.filter(pk=rules.pk).update(is_default=True)
            rules.is_default = True
        else:
            rules = OvertimeRuleSet.objects.create(name=DEFAULT_RULE_SET, is_default=True)
    return rules


def rule_sets() -> QuerySet[OvertimeRuleSet]:
    default_rule_set()
    return OvertimeRuleSet.objects.prefetch_related("people")


def rules_for(people: list[Person]) -> dict[int, OvertimeRuleSet]:
    """The rule set each person works under: one that names them, else the default."""
    default = default_rule_set()
    out = {p.pk: default for p in people}
    named = OvertimeRuleSet.objects.filter(is_default=False, people__in=[p.pk for p in people]).order_by(
        "name"
    )
    seen: set[int] = set()
    for rules in named.prefetch_related("people"):
        for person in rules.people.all():
            if person.pk in out and person.pk not in seen:
                out[person.pk] = rules
                seen.add(person.pk)
    return out


def engine_rules(row: OvertimeRuleSet) -> ot.RuleSet:
    return ot.RuleSet(
        monthly_limit=row.monthly_limit_hours,
        yearly_limit=row.yearly_limit_hours,
        special_clause=row.special_clause,
        special_yearly=row.special_yearly_hours,
        special_monthly=row.special_monthly_hours,
        special_average=row.special_average_hours,
        special_months_over=row.special_months_over,
        warn_percent=row.warn_percent,
    )


def rule_label(rule: ot.Rule) -> str:
    labels = {
        ot.Rule.MONTHLY: _("Monthly limit"),
        ot.Rule.YEARLY: _("Yearly limit"),
        ot.Rule.SPECIAL_MONTHLY: _("Monthly ceiling (overtime and holiday work, must stay under)"),
        ot.Rule.SPECIAL_AVERAGE: _("Average over 2–6 months (overtime and holiday work)"),
        ot.Rule.SPECIAL_YEARLY: _("Yearly limit with the special clause"),
        ot.Rule.MONTHS_OVER: _("Months over the monthly limit"),
    }
    return str(labels[rule])


def _h(value: float, limit: float | None = None) -> str:
    """Hours to one decimal; to two when one would hide the difference from the limit (80.03 vs 80)."""
    number = round(value, 1)
    if limit is not None and number == round(limit, 1) and value != limit:
        return f"{value:.2f}"
    return f"{number:g}" if number == int(number) else f"{number:.1f}"


def finding_text(finding: ot.Finding) -> str:
    """A finding in a sentence: the figure, the limit, the month(s), and whether it is a forecast."""
    months = finding.months
    figures = {
        "figure": _h(finding.figure, finding.limit),
        "limit": _h(finding.limit),
        "month": f"{months[0]:%Y-%m}" if months else "",
        "first": f"{months[0]:%Y-%m}" if months else "",
        "last": f"{months[-1]:%Y-%m}" if months else "",
        "months": ", ".join(f"{m:%Y-%m}" for m in months),
    }
    if finding.rule in (ot.Rule.MONTHLY, ot.Rule.SPECIAL_MONTHLY):
        text = _("%(month)s: %(figure)s h (limit %(limit)s h)") % figures
    elif finding.rule is ot.Rule.SPECIAL_AVERAGE:
        text = _("%(first)s to %(last)s: %(figure)s h a month on average (limit %(limit)s h)") % figures
    elif finding.rule is ot.Rule.MONTHS_OVER:
        if months:
            text = _("%(figure)s months (limit %(limit)s): %(months)s") % figures
        else:
            text = _("%(figure)s months (limit %(limit)s)") % figures
    else:
        text = _("%(figure)s h in the year (limit %(limit)s h)") % figures
    if finding.basis is ot.Basis.FORECAST:
        text = _("Forecast with planned work: %(text)s") % {"text": text}
    return text


def status_label(status: str) -> str:
    labels = {"ok": _("ok"), "warning": _("warning"), "breach": _("breach")}
    return str(labels.get(status, status))


@dataclass(frozen=True)
class FindingRow:
    """A finding as a page shows it."""

    finding: ot.Finding
    rule: str
    status: str
    text: str


def finding_rows(check: ot.OvertimeCheck, *, problems_only: bool = False) -> list[FindingRow]:
    findings = check.problems if problems_only else check.findings
    return [FindingRow(f, rule_label(f.rule), status_label(f.status), finding_text(f)) for f in findings]


@dataclass
class PersonOvertime:
    """One person's fiscal year: overtime per month (actual and forecast, minutes), the rule set and the
    engine's check."""

    person: Person
    rules: OvertimeRuleSet
    months: list[ot.MonthHours]
    check: ot.OvertimeCheck

    @property
    def status(self) -> str:
        return str(self.check.status)

    @property
    def rows(self) -> list[FindingRow]:
        return finding_rows(self.check)

    @property
    def problem_rows(self) -> list[FindingRow]:
        return finding_rows(self.check, problems_only=True)

    @property
    def cells(self) -> list[tuple[ot.MonthHours, str]]:
        """Each month with the status of its monthly rules (for colouring the month's cell)."""
        worst: dict[date, ot.Status] = {}
        rank = {ot.Status.OK: 0, ot.Status.WARNING: 1, ot.Status.BREACH: 2}
        for f in self.check.findings:
            if f.rule in (ot.Rule.MONTHLY, ot.Rule.SPECIAL_MONTHLY) and f.months:
                month = f.months[0]
                if rank[f.status] > rank[worst.get(month, ot.Status.OK)]:
                    worst[month] = f.status
        return [(m, str(worst.get(m.month, ot.Status.OK))) for m in self.months]


@dataclass
class OvertimeReport:
    fiscal_year: int
    months: tuple[date, ...]
    today: date
    people: list[PersonOvertime]


def overtime_report(
    user: Any, *, fiscal_year: int | None = None, as_of: date | None = None, person: Person | None = None
) -> OvertimeReport:
    """Each visible person's overtime in the fiscal year (Organisation.fiscal_year_start_month) and the
    rule set's findings, people with breaches first, then warnings.

    Actual overtime comes from attendance up to `as_of` (today): per day, the minutes worked beyond the
    day's working time in the person's calendar, all of them on a day that is not a working day. The
    forecast for the days after `as_of` is the planned work of the person's assignments beyond their
    capacity on each day (as the resource load computes both).
    """
    org = Organisation.current()
    now = as_of or today()
    year = fiscal_year if fiscal_year is not None else ot.fiscal_year_of(now, org.fiscal_year_start_month)
    months = ot.fiscal_year_months(year, org.fiscal_year_start_month)
    people = list(attendance_people(user).filter(is_active=True))
    if person is not None:
        people = [p for p in people if p.pk == person.pk]
    before = [add_months(months[0], -k) for k in range(ot.MAX_AVERAGE_MONTHS - 1, 0, -1)]
    first, end = before[0], add_months(months[-1], 1)
    last = end - timedelta(days=1)
    actual = _actual_overtime(people, first, min(last, now))
    planned = _planned_overtime(people, max(now + timedelta(days=1), first), last)
    rules = rules_for(people)
    out = []
    for p in people:

        def hours(m: date, p: Person = p) -> ot.MonthHours:
            return ot.MonthHours(m, actual.get((p.pk, m), 0), planned.get((p.pk, m), 0))

        year_months = [hours(m) for m in months]
        check = ot.check_overtime(engine_rules(rules[p.pk]), year_months, previous=[hours(m) for m in before])
        out.append(PersonOvertime(p, rules[p.pk], year_months, check))
    rank = {ot.Status.BREACH: 0, ot.Status.WARNING: 1, ot.Status.OK: 2}
    out.sort(key=lambda row: rank[row.check.status])
    return OvertimeReport(year, months, now, out)


def _actual_overtime(people: list[Person], first: date, last: date) -> dict[tuple[int, date], int]:
    """Overtime minutes per person and month from attendance (see `overtime_report`)."""
    out: dict[tuple[int, date], int] = defaultdict(int)
    if last < first or not people:
        return out
    rows = AttendanceDay.objects.filter(
        person_id__in=[p.pk for p in people], date__gte=first, date__lte=last, worked_minutes__gt=0
    ).values_list("person_id", "date", "worked_minutes")
    by_person: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for person_id, day, worked in rows:
        by_person[person_id].append((day, worked))
    if not by_person:
        return out
    subjects = [p for p in people if p.pk in by_person]
    calendars = person_calendars(subjects, first, last)
    per_calendar: dict[int, Any] = {}
    for person in subjects:
        cal = calendars[person.pk]
        if id(cal) not in per_calendar:
            per_calendar[id(cal)] = day_capacity(cal, first, last)
        standard = per_calendar[id(cal)]
        for day, worked in by_person[person.pk]:
            extra = ot.day_overtime(worked, int(standard[(day - first).days]))
            out[(person.pk, day.replace(day=1))] += extra
    return out


def _planned_overtime(people: list[Person], first: date, last: date) -> dict[tuple[int, date], int]:
    """Forecast overtime minutes per person and month: planned work beyond capacity, day by day."""
    out: dict[tuple[int, date], int] = defaultdict(int)
    if last < first or not people:
        return out
    bounds = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    load = time_phased(people, bounds)
    excess = (load.work - load.capacity).clip(min=0)
    for row, person in enumerate(load.people):
        for k in excess[row].nonzero()[0]:
            out[(person.pk, bounds[int(k)].replace(day=1))] += round(float(excess[row, int(k)]))
    return out


# --- import mappings -----------------------------------------------------------------------------------


def attendance_mappings(user: Any) -> QuerySet[AttendanceMapping]:
    require_pmo(user)
    return AttendanceMapping.objects.all()


# --- contracts and statements (精算幅) -------------------------------------------------------------------


def contracts(user: Any) -> QuerySet[Contract]:
    require_pmo(user)
    return Contract.objects.select_related("person").order_by("person__family_name", "person__pk", "-start")


def contracts_in(user: Any, month: date) -> QuerySet[Contract]:
    """Contracts in force on some day of the month."""
    last = add_months(month, 1) - timedelta(days=1)
    return contracts(user).filter(start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=month))


@dataclass(frozen=True)
class StatementLine:
    """One contract's month: timesheet minutes (what is settled), attendance minutes beside them, and
    the statement."""

    contract: Contract
    logged: int
    worked: int
    statement: Statement

    @property
    def hours(self) -> float:
        return self.logged / 60

    @property
    def attendance_hours(self) -> float:
        return self.worked / 60

    @property
    def short(self) -> float:
        return float(self.statement.short_hours)

    @property
    def over(self) -> float:
        return float(self.statement.over_hours)


def terms_of(contract: Contract) -> Terms:
    return Terms(
        Fraction(contract.monthly_fee),
        Fraction(contract.lower_hours),
        Fraction(contract.upper_hours),
        Fraction(contract.deduction_rate),
        Fraction(contract.excess_rate),
    )


def contract_statements(user: Any, month: date) -> list[StatementLine]:
    """Each contract in force in the month, settled on the timesheet hours of the month (all of the
    person's logged work, leave entries apart); attendance hours beside them for comparison."""
    rows = list(contracts_in(user, month))
    ids = sorted({c.person_id for c in rows})
    days = month_days(month)
    logged = dict(
        TimeEntry.objects.filter(person_id__in=ids, date__gte=days[0], date__lte=days[-1])
        .exclude(category=IndirectCategory.LEAVE)
        .values("person_id")
        .annotate(total=Sum("minutes"))
        .values_list("person_id", "total")
    )
    worked = dict(
        AttendanceDay.objects.filter(person_id__in=ids, date__gte=days[0], date__lte=days[-1])
        .values("person_id")
        .annotate(total=Sum("worked_minutes"))
        .values_list("person_id", "total")
    )
    out = []
    for contract in rows:
        minutes = int(logged.get(contract.person_id) or 0)
        out.append(
            StatementLine(
                contract,
                minutes,
                int(worked.get(contract.person_id) or 0),
                settle(terms_of(contract), Fraction(minutes, 60)),
            )
        )
    return out


__all__ = [
    "DEFAULT_RULE_SET",
    "AttendanceMonth",
    "DayLine",
    "GapLine",
    "OvertimeReport",
    "PersonOvertime",
    "Reconciliation",
    "StatementLine",
    "attendance_days",
    "attendance_mappings",
    "attendance_month",
    "attendance_people",
    "attendance_person",
    "can_edit_attendance",
    "can_read_attendance",
    "contract_statements",
    "contracts",
    "contracts_in",
    "default_rule_set",
    "engine_rules",
    "gap_flag",
    "managed_people_ids",
    "overtime_report",
    "own_person",
    "parse_month",
    "require_pmo",
    "rule_sets",
    "rules_for",
    "standard_minutes",
    "timesheet_minutes",
    "today",
    "today_day",
]
