"""Attendance (勤怠): when people were at work, their leave, the overtime rules they work under, and the
contracts of contractors settled on the hours they worked (精算幅)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kuroko.people.models import Person


class LeaveType(models.TextChoices):
    PAID = "paid", _("Paid leave")
    HALF_AM = "half_am", _("Half day off (morning)")
    HALF_PM = "half_pm", _("Half day off (afternoon)")
    SPECIAL = "special", _("Special leave")
    UNPAID = "unpaid", _("Unpaid leave")


class AttendanceSource(models.TextChoices):
    CLOCK = "clock", _("Clocked in the app")
    MANUAL = "manual", _("Entered")
    IMPORT = "import", _("Imported")


class AttendanceDay(models.Model):
    """One person's attendance on one day: clock-in and clock-out with breaks, and/or leave."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attendance_days"
    )
    date = models.DateField(_("date"))
    clock_in = models.TimeField(_("clock in"), null=True, blank=True)
    clock_out = models.TimeField(
        _("clock out"), null=True, blank=True, help_text=_("Earlier than the clock-in: the next morning.")
    )
    break_minutes = models.PositiveIntegerField(_("breaks (minutes)"), default=0)
    leave = models.CharField(_("leave"), max_length=10, choices=LeaveType.choices, blank=True)
    # Clock-out minus clock-in minus breaks, kept so that monthly sums and overtime read one column.
    worked_minutes = models.PositiveIntegerField(_("worked (minutes)"), default=0, editable=False)
    source = models.CharField(
        _("source"), max_length=10, choices=AttendanceSource.choices, default=AttendanceSource.MANUAL
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        ordering = ["person", "date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="attendance_once_per_day"),
            models.CheckConstraint(condition=Q(worked_minutes__lte=24 * 60), name="attendance_within_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date}"


class AttendanceMapping(models.Model):
    """A saved column mapping for importing an attendance system's CSV export."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # Field → column header, e.g. {"person": "社員番号", "date": "日付", "clock_in": "出勤", ...}.
    columns = models.JSONField(_("columns"), default=dict)
    person_key = models.CharField(
        _("people matched by"),
        max_length=10,
        choices=[("email", _("Email")), ("name", _("Name")), ("id", _("Kuroko ID"))],
        default="email",
    )
    date_format = models.CharField(_("date format"), max_length=30, default="%Y-%m-%d")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance import mapping")
        verbose_name_plural = _("attendance import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _hours(default: int, label: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=1,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(9999))],
    )


class OvertimeRuleSet(models.Model):
    """Overtime limits people work under. The default follows Japan's 36 agreement (36協定): 45 h a month
    and 360 h a year; under the special clause at most 720 h a year, under 100 h in any month, at most
    80 h on average over any 2–6 consecutive months, and over 45 h in at most 6 months of the year."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Applies to everyone not named in another rule set.")
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), blank=True, related_name="overtime_rule_sets"
    )
    monthly_limit_hours = _hours(45, _("monthly limit (h)"))
    yearly_limit_hours = _hours(360, _("yearly limit (h)"))
    special_clause = models.BooleanField(_("special clause (特別条項)"), default=True)
    special_yearly_hours = _hours(720, _("yearly limit with the special clause (h)"))
    special_monthly_hours = _hours(100, _("monthly ceiling with the special clause (h, must stay under)"))
    special_average_hours = _hours(80, _("average over 2–6 months (h)"))
    special_months_over = models.PositiveSmallIntegerField(
        _("months a year over the monthly limit"), default=6, validators=[MaxValueValidator(12)]
    )
    warn_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at (% of a limit)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overtime rule set")
        verbose_name_plural = _("overtime rule sets")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="overtime_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A contractor's contract settled on hours (精算幅): a monthly fee covers hours between the lower and
    upper bounds; below, hours short are deducted at the deduction rate; above, hours over are paid at the
    excess rate."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="contracts"
    )
    vendor = models.CharField(_("vendor"), max_length=200)
    reference = models.CharField(_("contract number"), max_length=100, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    monthly_fee = models.DecimalField(
        _("monthly fee"), max_digits=12, decimal_places=0, validators=[MinValueValidator(Decimal(0))]
    )
    lower_hours = models.DecimalField(
        _("settlement range from (h)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(140),
        validators=[MinValueValidator(Decimal(0))],
    )
    upper_hours = models.DecimalField(
        _("settlement range to (h)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(180),
        validators=[MinValueValidator(Decimal(0))],
    )
    deduction_rate = models.DecimalField(
        _("deduction per hour short"),
        max_digits=10,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    excess_rate = models.DecimalField(
        _("excess per hour over"), max_digits=10, decimal_places=0, validators=[MinValueValidator(Decimal(0))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["person", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lower_hours__lte=models.F("upper_hours")), name="contract_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="contract_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.vendor}"

    def clean(self) -> None:
        if (
            self.lower_hours is not None
            and self.upper_hours is not None
            and self.lower_hours > self.upper_hours
        ):
            raise ValidationError({"upper_hours": _("The range ends before it starts.")})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The contract ends before it starts.")})
