"""Reads of the people directory and working calendars (every signed-in user may read them)."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.core.models import Organisation
from kuroko.core.permissions import role_of
from kuroko.people import hours
from kuroko.people.models import (
    Availability,
    CalendarException,
    CalendarKind,
    Person,
    PersonSkill,
    RateCard,
    RateRole,
    Skill,
    Team,
    WorkCalendar,
)


def person_list(
    user: Any, *, q: str = "", team: int | None = None, employment_type: str = "", active: bool | None = True
) -> QuerySet[Person]:
    if role_of(user) is None:
        raise PermissionDenied
    qs = Person.objects.select_related("team").annotate(project_count=Count("memberships", distinct=True))
    if q:
        qs = qs.filter(
            Q(family_name__icontains=q)
            | Q(given_name__icontains=q)
            | Q(family_name_kana__icontains=q)
            | Q(given_name_kana__icontains=q)
            | Q(email__icontains=q)
        )
    if team:
        qs = qs.filter(team_id__in=team_and_descendants(team))
    if employment_type:
        qs = qs.filter(employment_type=employment_type)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("family_name_kana", "family_name", "given_name", "pk")


def person_get(user: Any, pk: int) -> Person:
    if role_of(user) is None:
        raise PermissionDenied
    person = Person.objects.select_related("team", "user", "calendar").filter(pk=pk).first()
    if person is None:
        raise Http404(_("No person with id %(id)s.") % {"id": pk})
    return person


def team_list(user: Any) -> QuerySet[Team]:
    if role_of(user) is None:
        raise PermissionDenied
    return Team.objects.select_related("parent").annotate(size=Count("members")).order_by("code")


def team_and_descendants(team_id: int) -> list[int]:
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    out = [team_id]
    frontier = {team_id}
    while frontier:
        frontier = {pk for pk, parent in parents.items() if parent in frontier}
        out.extend(frontier)
    return out


def team_path(team: Team | None) -> list[Team]:
    """The team and its ancestors, top first (for breadcrumbs)."""
    path: list[Team] = []
    seen: set[int] = set()
    while team is not None and team.pk not in seen:
        seen.add(team.pk)
        path.append(team)
        team = team.parent
    return path[::-1]


# --- working calendars ------------------------------------------------------------------------------


def calendar_list(user: Any) -> QuerySet[WorkCalendar]:
    if role_of(user) is None:
        raise PermissionDenied
    return WorkCalendar.objects.select_related("base").annotate(
        people_count=Count("people", distinct=True), exception_count=Count("exceptions", distinct=True)
    )


def calendar_get(user: Any, pk: int) -> WorkCalendar:
    if role_of(user) is None:
        raise PermissionDenied
    calendar = (
        WorkCalendar.objects.select_related("base")
        .prefetch_related(Prefetch("exceptions", CalendarException.objects.order_by("start", "pk")))
        .filter(pk=pk)
        .first()
    )
    if calendar is None:
        raise Http404(_("No calendar with id %(id)s.") % {"id": pk})
    return calendar


def calendar_exception_get(user: Any, calendar: WorkCalendar, pk: int) -> CalendarException:
    if role_of(user) is None:
        raise PermissionDenied
    row = CalendarException.objects.select_related("calendar").filter(pk=pk, calendar=calendar).first()
    if row is None:
        raise Http404(_("No exception with id %(id)s in this calendar.") % {"id": pk})
    return row


def default_calendar() -> WorkCalendar:
    """The default organisation calendar, created from the organisation settings if there is none
    (a migration creates it; a database emptied by hand has none)."""
    calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        org = Organisation.current()
        calendar = WorkCalendar.objects.create(
            name=_("Organisation calendar"),
            kind=CalendarKind.ORGANISATION,
            week=hours.default_week(org.hours_per_day),
            holiday_country=org.holiday_country,
            is_default=True,
        )
    return calendar


def person_calendar(person: Person) -> WorkCalendar:
    """The calendar a person works by: their own, else the organisation's default."""
    return person.calendar if person.calendar_id is not None else default_calendar()  # type: ignore[return-value]


def base_choices(calendar: WorkCalendar | None = None) -> QuerySet[WorkCalendar]:
    """Calendars another calendar may be based on: not itself and none derived from it."""
    qs = WorkCalendar.objects.all()
    if calendar is not None and calendar.pk is not None:
        qs = qs.exclude(pk__in=calendar_and_derived(calendar.pk))
    return qs


def calendar_and_derived(pk: int) -> list[int]:
    bases = dict(WorkCalendar.objects.values_list("pk", "base_id"))
    out = [pk]
    frontier = {pk}
    while frontier:
        frontier = {c for c, b in bases.items() if b in frontier and c not in out}
        out.extend(frontier)
    return out


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the month view."""

    date: date
    minutes: int
    name: str = ""  # the exception or holiday that applies
    exception: bool = False

    @property
    def working(self) -> bool:
        return self.minutes > 0

    @property
    def hours(self) -> str:
        return str(hours.hours([[0, self.minutes]]))


@dataclass(frozen=True, slots=True)
class Month:
    first: date
    weeks: list[list[Day | None]]


@dataclass(slots=True)
class CalendarYear:
    """Working and non-working days of one year, as the scheduling engine computes them."""

    year: int
    months: list[Month] = field(default_factory=list)
    working_days: int = 0
    working_minutes: int = 0
    error: str = ""

    @property
    def working_hours(self) -> str:
        return str(hours.hours([[0, self.working_minutes]]))


def calendar_year(calendar: WorkCalendar, year: int) -> CalendarYear:
    """Each day of `year` with its working time, through the engine's compiled calendar."""
    from kuroko.engine.calendar import WorkCalendar as Compiled
    from kuroko.engine.calendar import occurrences
    from kuroko.people.mapping import calendars_to_engine

    out = CalendarYear(year)
    engine_calendars = calendars_to_engine(calendar, range(year - 1, year + 2))
    try:
        compiled = Compiled(
            engine_calendars[-1],
            {c.id: c for c in engine_calendars},
            around=datetime(year, 1, 1),
            years=2,
            lookback=0,
        )
    except ValueError:
        out.error = _("This calendar has no working time at all: give it working hours or a base calendar.")
        return out
    names: dict[date, str] = {}
    for engine_calendar in engine_calendars:  # base first, so the calendar's own names win
        for exception in engine_calendar.exceptions:
            for day in occurrences(exception):
                if day.year == year:
                    names[day] = exception.name or _("Exception")
    first = date(year, 1, 1)
    minutes: dict[date, int] = {}
    for n in range((date(year + 1, 1, 1) - first).days):
        day = first + timedelta(days=n)
        start = datetime.combine(day, datetime.min.time())
        minutes[day] = compiled.working_minutes(start, start + timedelta(days=1))
    for month in range(1, 13):
        weeks: list[list[Day | None]] = []
        for week in stdlib_calendar.Calendar().monthdatescalendar(year, month):
            weeks.append(
                [Day(d, minutes[d], names.get(d, ""), d in names) if d.month == month else None for d in week]
            )
        out.months.append(Month(date(year, month, 1), weeks))
    out.working_days = sum(1 for m in minutes.values() if m)
    out.working_minutes = sum(minutes.values())
    return out


def skill_catalogue() -> QuerySet[Skill]:
    """Every skill with its category, by category and name (everyone signed in may read it)."""
    return Skill.objects.select_related("category").annotate(people=Count("holders"))


def person_skills(person: Person) -> QuerySet[PersonSkill]:
    return PersonSkill.objects.filter(person=person).select_related("skill__category")


def person_availability(person: Person) -> QuerySet[Availability]:
    return Availability.objects.filter(person=person).order_by("start")


# --- Cost rates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """The rate in force on a day and where it comes from (the person's own card or their grade's)."""

    cost: Any  # Decimal per hour
    bill: Any  # Decimal per hour, or None
    effective_from: date
    source: str  # "person" or "grade"


def rate_roles() -> QuerySet[RateRole]:
    return RateRole.objects.annotate(people_count=Count("people")).order_by("code")


def person_rates(person: Person) -> QuerySet[RateCard]:
    """The person's own rate cards, newest first."""
    return RateCard.objects.filter(person=person).order_by("-effective_from")


def role_rates(role: RateRole) -> QuerySet[RateCard]:
    return RateCard.objects.filter(role=role).order_by("-effective_from")


def rate_timelines(people: list[Person]) -> dict[int, list[tuple[date, Rate]]]:
    """Each person's rates in force from each change on, oldest first: their own cards where they have
    one in force, else their grade's. One query for any number of people."""
    roles = {p.rate_role_id for p in people if p.rate_role_id}
    own: dict[int, list[RateCard]] = {}
    by_role: dict[int, list[RateCard]] = {}
    query = RateCard.objects.filter(Q(person__in=[p.pk for p in people]) | Q(role__in=roles))
    for card in query.order_by("effective_from"):
        if card.person_id:
            own.setdefault(card.person_id, []).append(card)
        elif card.role_id:
            by_role.setdefault(card.role_id, []).append(card)
    out: dict[int, list[tuple[date, Rate]]] = {}
    for person in people:
        mine = own.get(person.pk, [])
        grade = by_role.get(person.rate_role_id, []) if person.rate_role_id else []
        changes = sorted({c.effective_from for c in (*mine, *grade)})
        timeline: list[tuple[date, Rate]] = []
        for day in changes:
            found = _in_force(mine, day)
            rate = (
                Rate(found.cost_rate, found.bill_rate, found.effective_from, "person")
                if found
                else _grade_rate(grade, day)
            )
            if rate is not None and (not timeline or timeline[-1][1] != rate):
                timeline.append((day, rate))
        out[person.pk] = timeline
    return out


def _in_force(cards: list[RateCard], day: date) -> RateCard | None:
    found = None
    for card in cards:  # oldest first
        if card.effective_from <= day:
            found = card
    return found


def _grade_rate(cards: list[RateCard], day: date) -> Rate | None:
    card = _in_force(cards, day)
    return Rate(card.cost_rate, card.bill_rate, card.effective_from, "grade") if card else None


def rate_in(timeline: list[tuple[date, Rate]], day: date) -> Rate | None:
    """The rate of a timeline (from `rate_timelines`) in force on `day`, or None before its first."""
    found = None
    for start, rate in timeline:  # oldest first
        if start > day:
            break
        found = rate
    return found


def rate_on(person: Person, day: date) -> Rate | None:
    """The person's rate on `day`: their own card in force, else their grade's, else None."""
    return rate_in(rate_timelines([person])[person.pk], day)
