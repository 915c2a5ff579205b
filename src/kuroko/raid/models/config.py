"""Organisation-wide RAID settings: the risk matrix (scales and the level of each cell) and the escalation
rules, with the record of every escalation they made."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MIN_SCALE = 3
MAX_SCALE = 7


class RiskLevel(models.TextChoices):
    """The level a matrix cell gives a risk (colour on the heat map)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3, RiskLevel.CRITICAL: 4}


def default_cells(size: int) -> list[list[str]]:
    """The level of each cell (row = probability 1…size, column = impact 1…size) by the score
    probability × impact on the usual 5×5 bands: ≤ 4 low, ≤ 9 medium, ≤ 16 high, above critical; other sizes
    scale the bands by (size / 5)²."""
    factor = (size / 5) ** 2
    cells: list[list[str]] = []
    for p in range(1, size + 1):
        row = []
        for i in range(1, size + 1):
            score = p * i
            if score <= 4 * factor:
                row.append(RiskLevel.LOW.value)
            elif score <= 9 * factor:
                row.append(RiskLevel.MEDIUM.value)
            elif score <= 16 * factor:
                row.append(RiskLevel.HIGH.value)
            else:
                row.append(RiskLevel.CRITICAL.value)
        cells.append(row)
    return cells


class RiskMatrix(models.Model):
    """The organisation's probability × impact matrix (a single row, 5×5 by default).

    Labels left empty read as the translated defaults (Very low … Very high). `probability_percents` are
    the upper bounds of each probability level in percent (a quantitative probability maps to a level);
    `cost_thresholds` and `schedule_threshold_days` the upper bounds of impact levels 1 … size − 1.
    """

    size = models.PositiveSmallIntegerField(
        _("scale"),
        default=5,
        validators=[MinValueValidator(MIN_SCALE), MaxValueValidator(MAX_SCALE)],
        help_text=_("Number of probability and impact levels (3 to 7)."),
    )
    probability_labels = models.JSONField(_("probability labels"), default=list, blank=True)
    impact_labels = models.JSONField(_("impact labels"), default=list, blank=True)
    probability_percents = models.JSONField(_("probability bounds (%)"), default=list, blank=True)
    cost_thresholds = models.JSONField(_("cost impact bounds"), default=list, blank=True)
    schedule_threshold_days = models.JSONField(_("schedule impact bounds (days)"), default=list, blank=True)
    cells = models.JSONField(_("level of each cell"), default=list, blank=True)
    review_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("An open risk not reviewed for this long is overdue for review."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrix")

    def __str__(self) -> str:
        return f"{self.size}×{self.size}"

    def clean(self) -> None:
        size = self.size or 5
        for name in ("probability_labels", "impact_labels"):
            value = getattr(self, name)
            if value and (len(value) != size or not all(isinstance(v, str) for v in value)):
                raise ValidationError({name: _("Give one label per level (%(size)d).") % {"size": size}})
        for name in ("probability_percents",):
            value = self.probability_percents
            if value and (
                len(value) != size
                or any(not isinstance(v, int | float) for v in value)
                or list(value) != sorted(value)
                or value[-1] != 100
                or value[0] <= 0
            ):
                raise ValidationError(
                    {name: _("Give %(size)d ascending bounds ending at 100.") % {"size": size}}
                )
        for name in ("cost_thresholds", "schedule_threshold_days"):
            value = getattr(self, name)
            if value and (
                len(value) != size - 1
                or any(not isinstance(v, int | float) or v <= 0 for v in value)
                or list(value) != sorted(value)
            ):
                raise ValidationError(
                    {name: _("Give %(count)d positive ascending bounds.") % {"count": size - 1}}
                )
        if self.cells:
            levels = set(RiskLevel.values)
            if len(self.cells) != size or any(
                not isinstance(row, list) or len(row) != size or not set(row) <= levels for row in self.cells
            ):
                raise ValidationError(
                    {"cells": _("Give a level for each of the %(size)d×%(size)d cells.") % {"size": size}}
                )

    def level_of(self, probability: int, impact: int) -> str:
        """The level of the cell (probability, impact), both 1…size; impact 0 (no impact) is low."""
        size = self.size
        if not (1 <= probability <= size and 1 <= impact <= size):
            return RiskLevel.LOW.value
        cells = self.cells if self.cells else default_cells(size)
        return str(cells[probability - 1][impact - 1])

    @classmethod
    def current(cls) -> RiskMatrix:
        """The matrix row, created with the 5×5 defaults on first use."""
        matrix = cls.objects.order_by("pk").first()
        return matrix if matrix is not None else cls.objects.create()


class Register(models.TextChoices):
    """The RAID registers (log names used in rules, exports and links)."""

    RISK = "risk", _("Risk")
    ISSUE = "issue", _("Issue")
    ACTION = "action", _("Action item")
    DECISION = "decision", _("Decision")
    CHANGE = "change", _("Change request")


class EscalationLevel(models.IntegerChoices):
    """Who an issue has been escalated to."""

    PROJECT = 0, _("Project")
    PMO = 1, _("PMO")
    EXECUTIVE = 2, _("Executive")


class EscalationRule(models.Model):
    """When an item escalates on its own: an issue of at least `severity` open more than `days` days, a risk
    of at least `risk_level` open more than `days` days past its review date, or an action item overdue by
    more than `days` days. The item rises to `escalate_to` and the people there (and the project manager)
    are notified."""

    name = models.CharField(_("name"), max_length=200)
    register = models.CharField(
        _("register"),
        max_length=10,
        choices=[c for c in Register.choices if c[0] in ("risk", "issue", "action")],
        default=Register.ISSUE,
    )
    severity = models.CharField(_("severity at least"), max_length=10, blank=True)
    risk_level = models.CharField(
        _("risk level at least"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    days = models.PositiveSmallIntegerField(
        _("days"),
        default=7,
        validators=[MaxValueValidator(3650)],
        help_text=_("Open (or overdue) longer than this."),
    )
    escalate_to = models.PositiveSmallIntegerField(
        _("escalate to"), choices=EscalationLevel.choices[1:], default=EscalationLevel.PMO
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["register", "name"]

    def __str__(self) -> str:
        return self.name


class EscalationEvent(models.Model):
    """One escalation: which rule raised which item to which level, when (the audit trail of escalations)."""

    rule = models.ForeignKey(
        EscalationRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    register = models.CharField(_("register"), max_length=10, choices=Register.choices)
    item_id = models.PositiveIntegerField(_("item"))
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=EscalationLevel.choices)
    message = models.TextField(_("message"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), auto_now_add=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_at"]
        indexes = [models.Index(fields=["register", "item_id"], name="raid_escalation_item")]

    def __str__(self) -> str:
        return f"{self.register} {self.item_id} → {self.level}"
