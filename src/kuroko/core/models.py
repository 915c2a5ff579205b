"""Accounts, roles, organisation settings and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """Organisation-wide role of an account; project-level rights follow from membership."""

    PMO_ADMIN = "pmo_admin", _("PMO administrator")
    PMO_MEMBER = "pmo_member", _("PMO member")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    TEAM_MEMBER = "team_member", _("Team member")
    EXECUTIVE = "executive", _("Executive")


class User(AbstractUser):
    """A login account with an organisation role and a preferred language."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEAM_MEMBER)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_pmo_admin(self) -> bool:
        return self.is_superuser or self.role == Role.PMO_ADMIN


class Organisation(models.Model):
    """Organisation-wide settings (a single row)."""

    name = models.CharField(_("name"), max_length=200, default="Kuroko")
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year start month"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    hours_per_day = models.DecimalField(
        _("hours per person-day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    # MS Project's calendar options: a week of 1w and a month of 1mo in working hours.
    hours_per_week = models.DecimalField(
        _("hours per person-week"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("168"))],
    )
    hours_per_month = models.DecimalField(
        _("hours per person-month"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("160"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("744"))],
    )
    holiday_country = models.CharField(_("default holiday country"), max_length=2, default="JP")
    attendance_tolerance_minutes = models.PositiveSmallIntegerField(
        _("attendance tolerance (minutes)"),
        default=30,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "A day whose attendance and timesheet hours differ by more than this is flagged (勤怠乖離)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        day, week, month = self.hours_per_day, self.hours_per_week, self.hours_per_month
        if day and week and not day <= week <= 7 * day:
            raise ValidationError({"hours_per_week": _("A week is one to seven person-days.")})
        if day and month and not day <= month <= 31 * day:
            raise ValidationError({"hours_per_month": _("A month is one to 31 person-days.")})

    @classmethod
    def current(cls) -> Organisation:
        """The organisation row, created with defaults on first use."""
        org = cls.objects.order_by("pk").first()
        return org if org is not None else cls.objects.create()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 hash is stored."""

    PREFIX = "kuroko_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """A new raw token and its hash."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class Notification(models.Model):
    """A message in a user's inbox (assignments, approvals, escalations …), with a link to the item; also
    sent by e-mail when the user has an address."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when the notification went into a daily digest e-mail (so it is sent in one digest only).
    digested_at = models.DateTimeField(_("sent in digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    """How a user receives one kind of notification (the inbox always has it)."""

    IMMEDIATE = "immediate", _("Inbox and e-mail at once")
    DIGEST = "digest", _("Inbox and the daily digest")
    INBOX = "inbox", _("Inbox only")


class NotificationPreference(models.Model):
    """A user's choice of delivery for one kind of notification (`kuroko.core.notifications.KINDS`);
    without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class PeriodicRun(models.Model):
    """A slot of a periodic background job that has been queued (`kuroko.core.scheduler`): unique per job
    and slot, so that several workers queue each slot once."""

    name = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    enqueued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-slot", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"
