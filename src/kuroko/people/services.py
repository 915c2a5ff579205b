"""Writes to the people directory and working calendars: the PMO maintains people, teams and calendars;
a person may record leave in their own calendar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.events import calendar_changed, rate_cards_changed
from kuroko.core.models import Organisation
from kuroko.core.permissions import can_edit_directory, require
from kuroko.core.services import apply_changes, save_validated, update_row
from kuroko.core.versioning import check_version
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
    SkillCategory,
    Team,
    WorkCalendar,
)
from kuroko.people.permissions import can_edit_calendar, can_edit_leave

PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
    "user",
    "team",
    "employment_type",
    "is_active",
    "calendar",
    "rate_role",
)
TEAM_FIELDS = ("code", "name", "parent")


@transaction.atomic
def person_create(*, actor: Any, data: Mapping[str, Any]) -> Person:
    require(can_edit_directory(actor))
    person = Person()
    apply_changes(person, data, PERSON_FIELDS)
    save_validated(person, actor=actor)
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, data: Mapping[str, Any], expected_version: int | None
) -> Person:
    require(can_edit_directory(actor))
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = update_row(
        person, actor=actor, changes=data, allowed=PERSON_FIELDS, expected_version=expected_version
    )
    if "rate_role" in changed:  # another grade: every day's rate may differ
        rate_cards_changed.send(sender=Person, person_ids=[person.pk], since=None)
    return person


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    """Delete a person who has no project history; otherwise mark them inactive instead."""
    require(can_edit_directory(actor))
    if person.memberships.exists() or person.owned_tasks.exists() or person.managed_projects.exists():
        raise ValidationError(
            _("%(person)s is on projects; mark them inactive instead of deleting them.") % {"person": person}
        )
    person.delete()


@transaction.atomic
def team_create(*, actor: Any, data: Mapping[str, Any]) -> Team:
    require(can_edit_directory(actor))
    team = Team()
    apply_changes(team, data, TEAM_FIELDS)
    _check_team_cycle(team)
    save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_update(*, actor: Any, team: Team, data: Mapping[str, Any], expected_version: int | None) -> Team:
    require(can_edit_directory(actor))
    team = Team.objects.select_for_update().get(pk=team.pk)
    check_version(team, expected_version)
    if apply_changes(team, data, TEAM_FIELDS):
        _check_team_cycle(team)
        save_validated(team, actor=actor)
    return team


@transaction.atomic
def team_delete(*, actor: Any, team: Team) -> None:
    require(can_edit_directory(actor))
    if team.children.exists() or team.members.exists():
        raise ValidationError(_("Team %(team)s still has members or sub-teams.") % {"team": team})
    team.delete()


def _check_team_cycle(team: Team) -> None:
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    current = team.parent_id
    seen = set()
    while current is not None:
        if current == team.pk or current in seen:
            raise ValidationError({"parent": _("A team cannot be inside itself.")})
        seen.add(current)
        current = parents.get(current)


# --- working calendars ------------------------------------------------------------------------------

CALENDAR_FIELDS = ("name", "kind", "week", "holiday_country", "base", "is_default")
EXCEPTION_FIELDS = (
    "name",
    "start",
    "finish",
    "intervals",
    "recurrence_kind",
    "recurrence_interval",
    "recurrence_weekdays",
    "recurrence_day",
    "recurrence_nth",
    "recurrence_month",
    "recurrence_occurrences",
)


@transaction.atomic
def calendar_create(*, actor: Any, data: Mapping[str, Any]) -> WorkCalendar:
    """A new calendar. Without a week it works the organisation's default week (or, with a base, the
    base's); an organisation calendar without a country gets the organisation's public holidays."""
    require(can_edit_calendar(actor))
    data = dict(data)
    org = Organisation.current()
    if "week" not in data:
        data["week"] = None if data.get("base") else hours.default_week(org.hours_per_day)
    if (
        "holiday_country" not in data
        and data.get("kind", CalendarKind.ORGANISATION) == CalendarKind.ORGANISATION
    ):
        data["holiday_country"] = org.holiday_country
    calendar = WorkCalendar()
    apply_changes(calendar, data, CALENDAR_FIELDS)
    _save_calendar(calendar, actor=actor)
    return calendar


@transaction.atomic
def calendar_update(
    *, actor: Any, calendar: WorkCalendar, data: Mapping[str, Any], expected_version: int | None
) -> WorkCalendar:
    require(can_edit_calendar(actor, calendar))
    calendar = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
    check_version(calendar, expected_version)
    was_default = calendar.is_default
    if apply_changes(calendar, data, CALENDAR_FIELDS):
        if was_default and not calendar.is_default:
            raise ValidationError(
                {
                    "is_default": _(
                        "There must be one default organisation calendar: make another calendar the "
                        "default instead."
                    )
                }
            )
        _save_calendar(calendar, actor=actor)
        _announce(calendar.pk)
    return calendar


def _announce(calendar_id: int) -> None:
    """Tell the apps above that a calendar's working time changed (projects reschedule)."""
    from kuroko.people.selectors import calendar_and_derived

    ids = calendar_and_derived(calendar_id)
    if WorkCalendar.objects.filter(pk__in=ids, is_default=True).exists():
        ids = [*ids, 0]  # 0: the organisation default, used by projects with no calendar of their own
    calendar_changed.send(sender=WorkCalendar, calendar_ids=ids)


def _save_calendar(calendar: WorkCalendar, *, actor: Any) -> None:
    _check_calendar_cycle(calendar)
    if calendar.is_default:
        # One default: the new default takes over (history records the change on the old one too).
        for old in WorkCalendar.objects.select_for_update().filter(is_default=True).exclude(pk=calendar.pk):
            old.is_default = False
            save_validated(old, actor=actor)
    save_validated(calendar, actor=actor)


def _check_calendar_cycle(calendar: WorkCalendar) -> None:
    bases = dict(WorkCalendar.objects.values_list("pk", "base_id"))
    current = calendar.base_id
    seen = set()
    while current is not None:
        if current == calendar.pk or current in seen:
            raise ValidationError(
                {"base": _("A calendar cannot be based on itself or on a calendar derived from it.")}
            )
        seen.add(current)
        current = bases.get(current)


@transaction.atomic
def calendar_delete(*, actor: Any, calendar: WorkCalendar) -> None:
    """Delete a calendar; people who used it go back to the organisation's default calendar."""
    require(can_edit_calendar(actor, calendar))
    if calendar.is_default:
        raise ValidationError(
            _("%(calendar)s is the default calendar; make another calendar the default first.")
            % {"calendar": calendar}
        )
    derived = list(calendar.derived.order_by("name").values_list("name", flat=True))
    if derived:
        raise ValidationError(
            _("%(calendar)s is the base of %(derived)s; change or delete those calendars first.")
            % {"calendar": calendar, "derived": ", ".join(derived)}
        )
    calendar.delete()


@transaction.atomic
def person_calendar_create(*, actor: Any, person: Person) -> WorkCalendar:
    """A personal calendar for `person`, based on their current calendar (or the default): same week and
    holidays, ready for their leave."""
    require(can_edit_calendar(actor))
    from kuroko.people.selectors import person_calendar

    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.calendar is not None and person.calendar.kind == CalendarKind.PERSON:
        return person.calendar
    calendar = WorkCalendar(
        name=_("Calendar of %(person)s") % {"person": person},
        kind=CalendarKind.PERSON,
        week=None,
        holiday_country="",
        base=person_calendar(person),
    )
    save_validated(calendar, actor=actor)
    person.calendar = calendar
    save_validated(person, actor=actor)
    return calendar


def _require_exception_rights(actor: Any, calendar: WorkCalendar, exception: CalendarException) -> None:
    """The PMO may do anything; the calendar's owner may only record days off."""
    if can_edit_calendar(actor, calendar):
        return
    require(can_edit_leave(actor, calendar))
    if exception.intervals:
        raise ValidationError(
            {"intervals": _("You can record days off in your calendar; working hours are set by the PMO.")}
        )


@transaction.atomic
def calendar_exception_add(
    *, actor: Any, calendar: WorkCalendar, data: Mapping[str, Any]
) -> CalendarException:
    require(can_edit_leave(actor, calendar))
    data = dict(data)
    if not data.get("finish") and data.get("start"):
        data["finish"] = data["start"]
    exception = CalendarException(calendar=calendar)
    apply_changes(exception, data, EXCEPTION_FIELDS)
    _require_exception_rights(actor, calendar, exception)
    save_validated(exception, actor=actor)
    _announce(calendar.pk)
    return exception


@transaction.atomic
def calendar_exception_update(
    *, actor: Any, exception: CalendarException, data: Mapping[str, Any], expected_version: int | None
) -> CalendarException:
    calendar = exception.calendar
    require(can_edit_leave(actor, calendar))
    exception = CalendarException.objects.select_for_update().select_related("calendar").get(pk=exception.pk)
    _require_exception_rights(actor, calendar, exception)  # the row as it is: leave stays leave
    data = dict(data)
    if "finish" in data and not data["finish"]:
        data["finish"] = data.get("start") or exception.start
    update_row(
        exception, actor=actor, changes=data, allowed=EXCEPTION_FIELDS, expected_version=expected_version
    )
    _require_exception_rights(actor, calendar, exception)  # and as it would become
    _announce(calendar.pk)
    return exception


@transaction.atomic
def calendar_exception_delete(*, actor: Any, exception: CalendarException) -> None:
    require(can_edit_leave(actor, exception.calendar))
    _require_exception_rights(actor, exception.calendar, exception)
    exception.delete()
    _announce(exception.calendar_id)


def canonical_exceptions(exceptions: list[dict[str, Any]]) -> list[str]:
    """Exception fields in a form that compares equal whatever their order."""
    return sorted(repr(sorted(e.items())) for e in exceptions)


_canonical = canonical_exceptions


def calendar_differs(calendar: WorkCalendar, week: Any, exceptions: list[dict[str, Any]]) -> bool:
    """Whether a stored calendar's own week and exceptions differ from these (from `calendar_from_engine`),
    or it takes public holidays or a base calendar that a calendar read from a file does not have."""
    from kuroko.people.mapping import stored_calendar_fields

    stored_week, stored_exceptions = stored_calendar_fields(calendar)
    return (
        bool(calendar.holiday_country)
        or calendar.base_id is not None
        or stored_week != week
        or _canonical(stored_exceptions) != _canonical(exceptions)
    )


@transaction.atomic
def calendar_import(
    *,
    actor: Any,
    name: str,
    week: Any,
    exceptions: list[dict[str, Any]],
    into: WorkCalendar | None = None,
) -> WorkCalendar:
    """Store a calendar read from a file (see `people.mapping.calendar_from_engine`) as a project
    calendar with no public holidays (the file's exceptions carry them), or replace the week and
    exceptions of `into`, a project calendar no one else uses.

    The caller checks the permission: the projects app imports a project's plan with its calendar, which
    its project manager may do although they may not edit organisation calendars. An exception the file
    could hold but a stored calendar cannot is refused with a ValidationError naming it.
    """
    if into is None:
        calendar = WorkCalendar(kind=CalendarKind.PROJECT, holiday_country="")
    else:
        calendar = WorkCalendar.objects.select_for_update().get(pk=into.pk)
        calendar.exceptions.all().delete()
    calendar.name = name[:200]
    calendar.week = week
    calendar.holiday_country = ""
    calendar.base = None
    save_validated(calendar, actor=actor)
    for fields in exceptions:
        exception = CalendarException(calendar=calendar, **fields)
        save_validated(exception, actor=actor)
    # No calendar_changed signal: `into` serves only the caller's project, which the caller reschedules.
    return calendar


# --- Skills and availability --------------------------------------------------------------------------


@transaction.atomic
def skill_create(*, actor: Any, category: str, name: str) -> Skill:
    """Add a skill to the catalogue under `category` (created if new). The PMO keeps the catalogue."""
    require(can_edit_directory(actor))
    category_name, skill_name = category.strip(), name.strip()
    if not category_name:
        raise ValidationError({"category": _("Name the skill's category.")})
    if not skill_name:
        raise ValidationError({"name": _("Name the skill.")})
    if Skill.objects.filter(name__iexact=skill_name).exists():
        raise ValidationError({"name": _("“%(name)s” is already in the catalogue.") % {"name": skill_name}})
    group, _created = SkillCategory.objects.get_or_create(name=category_name)
    skill = Skill(category=group, name=skill_name)
    skill.full_clean()
    skill.save()
    return skill


def _may_edit_skills_of(actor: Any, person: Person) -> bool:
    """The PMO, and a person for their own skills (they know them best; the PMO can correct)."""
    return can_edit_directory(actor) or (
        person.user_id is not None and person.user_id == getattr(actor, "pk", None)
    )


@transaction.atomic
def person_skill_set(
    *, actor: Any, person: Person, skill: Skill, level: int, certification: str = "", expires: Any = None
) -> PersonSkill:
    """Give a person a skill at `level` (1–5), or change it, with an optional certification and expiry."""
    require(_may_edit_skills_of(actor, person))
    row = PersonSkill.objects.filter(person=person, skill=skill).first() or PersonSkill(
        person=person, skill=skill
    )
    row.level, row.certification, row.expires = level, certification, expires
    row.full_clean(validate_unique=False)
    row.save()
    return row


@transaction.atomic
def person_skill_remove(*, actor: Any, person: Person, skill: Skill) -> None:
    require(_may_edit_skills_of(actor, person))
    deleted, _details = PersonSkill.objects.filter(person=person, skill=skill).delete()
    if not deleted:
        raise ValidationError(
            {"skill": _("%(person)s does not have %(skill)s.") % {"person": person, "skill": skill}}
        )


@transaction.atomic
def availability_add(*, actor: Any, person: Person, data: Mapping[str, Any]) -> Availability:
    """Record the share of a person's time available to projects over a period (the PMO)."""
    require(can_edit_directory(actor))
    row = Availability(person=person)
    apply_changes(row, data, ("start", "finish", "percent", "note"))
    row.full_clean()
    overlapping = Availability.objects.filter(person=person).exclude(finish__lt=row.start)
    if row.finish is not None:
        overlapping = overlapping.exclude(start__gt=row.finish)
    if overlapping.exists():
        raise ValidationError(
            {"start": _("This period overlaps another availability period of this person.")}
        )
    row.save()
    return row


@transaction.atomic
def availability_remove(*, actor: Any, availability: Availability) -> None:
    require(can_edit_directory(actor))
    availability.delete()


# --- Cost rates (confidential: the PMO keeps and reads them) -----------------------------------------


@transaction.atomic
def rate_role_create(*, actor: Any, data: Mapping[str, Any]) -> RateRole:
    """Add a rate grade (単価区分) to the catalogue."""
    require(can_edit_directory(actor))
    row = RateRole()
    apply_changes(row, data, ("code", "name"))
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def rate_card_add(
    *, actor: Any, data: Mapping[str, Any], person: Person | None = None, role: RateRole | None = None
) -> RateCard:
    """A new rate from a day on, for a person or for a rate grade. The rate it follows stays (past costs
    keep their rate); a second rate on the same day for the same person or grade is refused."""
    require(can_edit_directory(actor))
    if (person is None) == (role is None):
        raise ValidationError({"person": _("A rate is for one person or for one rate grade.")})
    row = RateCard(person=person, role=role)
    apply_changes(row, data, ("effective_from", "cost_rate", "bill_rate", "note"))
    row.full_clean(validate_unique=False, validate_constraints=False)
    same_day = RateCard.objects.filter(effective_from=row.effective_from)
    same_day = same_day.filter(person=person) if person is not None else same_day.filter(role=role)
    if same_day.exists():
        raise ValidationError(
            {"effective_from": _("There is already a rate from %(day)s.") % {"day": row.effective_from}}
        )
    row.save()
    _announce_rates(row)
    return row


def _announce_rates(card: RateCard) -> None:
    """Tell the apps above whose rate in force changed from which day (tracking reprices hours)."""
    if card.person_id is not None:
        people = [card.person_id]
    else:
        people = list(Person.objects.filter(rate_role_id=card.role_id).values_list("pk", flat=True))
    rate_cards_changed.send(sender=RateCard, person_ids=people, since=card.effective_from)


@transaction.atomic
def rate_card_remove(*, actor: Any, rate: RateCard) -> None:
    require(can_edit_directory(actor))
    rate.delete()
    _announce_rates(rate)
