"""Teams (a department hierarchy) and people."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned


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
