"""Teams (a department hierarchy), people and their working calendars."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned
from kuroko.people import hours


class Team(Versioned):
    """A team or department; teams nest into a hierarchy."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RateRole(models.Model):
    """A rate grade (単価区分) such as "Senior SE" or "Programmer": people of a grade cost its rate unless
    they have a rate of their own."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rate grade")
        verbose_name_plural = _("rate grades")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class EmploymentType(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    CONTRACTOR = "contractor", _("Contractor")
    PARTNER = "partner", _("Partner company")


class Person(Versioned):
    """A person who works on projects, with or without a login account."""

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name_kana = models.CharField(_("family name (reading)"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("given name (reading)"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.EMPLOYEE
    )
    is_active = models.BooleanField(_("active"), default=True)
    rate_role = models.ForeignKey(
        RateRole,
        verbose_name=_("rate grade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text=_("Their cost per hour is the grade's, unless they have a rate of their own."),
    )
    calendar = models.ForeignKey(
        "WorkCalendar",
        verbose_name=_("working calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text=_("Empty: the organisation's default calendar."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name_kana", "family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="person_email_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # Japanese names are written family-first without a space when both parts are CJK.
        if self.given_name and _is_cjk(self.family_name) and _is_cjk(self.given_name):
            return f"{self.family_name} {self.given_name}"
        if self.given_name:
            return f"{self.given_name} {self.family_name}"
        return self.family_name

    @property
    def reading(self) -> str:
        return " ".join(p for p in (self.family_name_kana, self.given_name_kana) if p)

    def get_absolute_url(self) -> str:
        return reverse("person-detail", args=[self.pk])


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


class CalendarKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PROJECT = "project", _("Project")
    PERSON = "person", _("Person")
    SHARED = "shared", _("Shared resource")


def holiday_countries() -> dict[str, str]:
    """Country codes the `holidays` package knows, with their English names ("JP": "Japan")."""
    from holidays.registry import COUNTRIES  # imported here: loading it costs ~0.1 s

    names = {}
    for entry in COUNTRIES.values():
        names[entry[1]] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0])
    return dict(sorted(names.items()))


class WorkCalendar(Versioned):
    """When work can happen: a working week, public holidays of a country and exceptions."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CalendarKind.choices, default=CalendarKind.ORGANISATION
    )
    # Seven days, Monday first, each a list of [start, end] minutes after midnight. Null: the base
    # calendar's week (a person's calendar usually keeps the organisation's hours and adds leave).
    week = models.JSONField(_("working week"), null=True, blank=True, default=hours.default_week)
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=3,
        blank=True,
        help_text=_("Empty: no public holidays (a calendar with a base still gets the base's holidays)."),
    )
    base = models.ForeignKey(
        "self",
        verbose_name=_("base calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("The organisation calendar projects and people use unless told otherwise."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["-is_default", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_calendar"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_default=True) | models.Q(kind="organisation"),
                name="default_calendar_is_organisation",
                violation_error_message=_("Only an organisation calendar can be the default."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("calendar-detail", args=[self.pk])

    @property
    def inherits_week(self) -> bool:
        return self.week is None

    def clean(self) -> None:
        if self.week is None:
            if self.base_id is None:
                raise ValidationError(
                    {"week": _("A calendar without a base calendar needs its own working week.")}
                )
        else:
            hours.check_week(self.week)
        if self.holiday_country and self.holiday_country not in holiday_countries():
            raise ValidationError(
                {
                    "holiday_country": _("“%(code)s” is not a country with known public holidays.")
                    % {"code": self.holiday_country}
                }
            )
        if self.pk is not None and self.base_id == self.pk:
            raise ValidationError({"base": _("A calendar cannot be based on itself.")})
        if self.is_default and self.kind != CalendarKind.ORGANISATION:
            raise ValidationError({"is_default": _("Only an organisation calendar can be the default.")})


class RecurrenceKind(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


MAX_EXCEPTION_YEARS = 50


class CalendarException(Versioned):
    """Days that work differently: not at all (a company holiday, leave) or in other hours (a working
    Saturday); optionally repeating."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="exceptions"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    finish = models.DateField(_("finish"))
    # [[start, end], …] in minutes after midnight; empty: the days are not worked.
    intervals = models.JSONField(_("working hours"), default=list, blank=True)
    recurrence_kind = models.CharField(
        _("repeats"), max_length=10, choices=RecurrenceKind.choices, blank=True
    )
    recurrence_interval = models.PositiveSmallIntegerField(_("every"), default=1)
    recurrence_weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    recurrence_day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    recurrence_nth = models.SmallIntegerField(_("week of the month"), null=True, blank=True)
    recurrence_month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    recurrence_occurrences = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return self.name or f"{self.start:%Y-%m-%d}"

    @property
    def is_working(self) -> bool:
        return bool(self.intervals)

    @property
    def hours_display(self) -> str:
        return hours.format_intervals(self.intervals)

    @property
    def recurrence_display(self) -> str:
        """The recurrence in words ("Every 2 weeks on Monday, Wednesday"); empty when it does not repeat."""
        kind, n = self.recurrence_kind, self.recurrence_interval
        if not kind:
            return ""
        weekdays = ", ".join(str(hours.WEEKDAY_NAMES[d]) for d in sorted(self.recurrence_weekdays or []))
        nth = {1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), -1: _("last")}.get(
            self.recurrence_nth or 0, ""
        )
        day = self.recurrence_day or (self.start.day if self.start else 1)
        values = {"n": n, "days": weekdays, "nth": nth, "day": day, "month": self.recurrence_month}
        if kind == RecurrenceKind.DAILY:
            text = ngettext("Every day", "Every %(n)s days", n) % values
        elif kind == RecurrenceKind.WEEKLY:
            text = ngettext("Weekly on %(days)s", "Every %(n)s weeks on %(days)s", n) % values
        elif kind == RecurrenceKind.MONTHLY and self.recurrence_nth:
            text = (
                ngettext("Monthly on the %(nth)s %(days)s", "Every %(n)s months on the %(nth)s %(days)s", n)
                % values
            )
        elif kind == RecurrenceKind.MONTHLY:
            text = ngettext("Monthly on day %(day)s", "Every %(n)s months on day %(day)s", n) % values
        elif self.recurrence_nth:
            text = (
                ngettext(
                    "Yearly on the %(nth)s %(days)s of month %(month)s",
                    "Every %(n)s years on the %(nth)s %(days)s of month %(month)s",
                    n,
                )
                % values
            )
        else:
            text = (
                ngettext("Yearly on %(month)s/%(day)s", "Every %(n)s years on %(month)s/%(day)s", n) % values
            )
        if self.recurrence_occurrences:
            text = ngettext("%(text)s, once", "%(text)s, %(count)s times", self.recurrence_occurrences) % {
                "text": text,
                "count": self.recurrence_occurrences,
            }
        return text

    def clean(self) -> None:
        label = str(self)
        hours_where = _("Exception %(name)s") % {"name": label}
        try:
            hours.check_intervals(self.intervals, hours_where)
        except ValidationError as exc:
            raise ValidationError({"intervals": exc.messages}) from exc
        if self.start and self.finish:
            if self.finish < self.start:
                raise ValidationError(
                    {"finish": _("Exception %(name)s: the finish is before the start.") % {"name": label}}
                )
            if (self.finish - self.start).days > MAX_EXCEPTION_YEARS * 366:
                raise ValidationError(
                    {
                        "finish": _("Exception %(name)s: an exception covers at most %(years)s years.")
                        % {"name": label, "years": MAX_EXCEPTION_YEARS}
                    }
                )
        self._clean_recurrence(label)

    def _clean_recurrence(self, label: str) -> None:
        kind = self.recurrence_kind
        weekdays = self.recurrence_weekdays
        if not isinstance(weekdays, list) or any(type(d) is not int or not 0 <= d <= 6 for d in weekdays):
            raise ValidationError({"recurrence_weekdays": _("Weekdays run from 0 (Monday) to 6 (Sunday).")})
        if not kind:
            return
        errors: dict[str, Any] = {}
        if self.recurrence_interval < 1:
            errors["recurrence_interval"] = _("A recurrence repeats at least every 1 period.")
        if self.recurrence_occurrences is not None and not 1 <= self.recurrence_occurrences <= 1000:
            errors["recurrence_occurrences"] = _("A recurrence occurs between 1 and 1,000 times.")
        if self.recurrence_day is not None and not 1 <= self.recurrence_day <= 31:
            errors["recurrence_day"] = _("A day of the month runs from 1 to 31.")
        if self.recurrence_month is not None and not 1 <= self.recurrence_month <= 12:
            errors["recurrence_month"] = _("A month runs from 1 to 12.")
        if self.recurrence_nth is not None and self.recurrence_nth not in (1, 2, 3, 4, -1):
            errors["recurrence_nth"] = _("The week of the month is 1 to 4, or -1 for the last.")
        if kind == RecurrenceKind.WEEKLY and not weekdays:
            errors["recurrence_weekdays"] = _(
                "Exception %(name)s: a weekly recurrence needs at least one weekday."
            ) % {"name": label}
        if kind in (RecurrenceKind.MONTHLY, RecurrenceKind.YEARLY):
            if self.recurrence_nth is not None and len(weekdays) != 1:
                errors["recurrence_weekdays"] = _(
                    "Exception %(name)s: with a week of the month, choose exactly one weekday."
                ) % {"name": label}
            if self.recurrence_nth is not None and self.recurrence_day is not None:
                errors["recurrence_day"] = _(
                    "Exception %(name)s: give either a day of the month or a week of the month, not both."
                ) % {"name": label}
        if kind == RecurrenceKind.YEARLY and self.recurrence_month is None:
            errors["recurrence_month"] = _("Exception %(name)s: a yearly recurrence needs a month.") % {
                "name": label
            }
        if errors:
            raise ValidationError(errors)


class SkillCategory(models.Model):
    """A group of skills in the catalogue (languages, platforms, business domains …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skill category")
        verbose_name_plural = _("skill categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """A skill people may have and roles may ask for (Java, PMP, 勘定系業務 …)."""

    category = models.ForeignKey(
        SkillCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="skills"
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["category__name", "name"]

    def __str__(self) -> str:
        return self.name


class PersonSkill(models.Model):
    """A person's level (1–5) in a skill, with an optional certification and its expiry."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="holders"
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (basic) to 5 (expert)."),
    )
    certification = models.CharField(_("certification"), max_length=200, blank=True)
    expires = models.DateField(_("certification expires"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person skill")
        verbose_name_plural = _("person skills")
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="person_skill_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="person_skill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.skill} {self.level}"


class Availability(models.Model):
    """The share of a person's working time available to projects from `start` (to `finish`, if given):
    part-time work, secondments, joining and leaving (0 %)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="availability"
    )
    start = models.DateField(_("from"))
    finish = models.DateField(_("until"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("available %"), validators=[MaxValueValidator(100)], help_text=_("0 (not available) to 100.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="availability_percent_max_100"),
            models.CheckConstraint(
                condition=models.Q(finish__isnull=True) | models.Q(finish__gte=models.F("start")),
                name="availability_finish_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.percent}% {self.start}–{self.finish or ''}"

    def clean(self) -> None:
        if self.finish is not None and self.start is not None and self.finish < self.start:
            raise ValidationError({"finish": _("The end cannot be before the start.")})


class RateCard(models.Model):
    """A cost rate per hour (and optionally a bill rate) from `effective_from` on, for one person or for a
    rate grade; the next card of the same person or grade ends it. Rates are kept, never overwritten, so
    past costs stay as they were."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rates",
    )
    role = models.ForeignKey(
        RateRole,
        verbose_name=_("rate grade"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rates",
    )
    effective_from = models.DateField(_("effective from"))
    cost_rate = models.DecimalField(
        _("cost per hour"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    bill_rate = models.DecimalField(
        _("bill rate per hour"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        ordering = ["person", "role", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=True) & models.Q(role__isnull=False))
                | (models.Q(person__isnull=False) & models.Q(role__isnull=True)),
                name="rate_card_person_or_grade",
            ),
            models.UniqueConstraint(
                fields=["person", "effective_from"],
                condition=models.Q(person__isnull=False),
                name="rate_card_once_per_person_day",
            ),
            models.UniqueConstraint(
                fields=["role", "effective_from"],
                condition=models.Q(role__isnull=False),
                name="rate_card_once_per_grade_day",
            ),
            models.CheckConstraint(condition=models.Q(cost_rate__gte=0), name="rate_card_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.role} {self.effective_from}: {self.cost_rate}"
