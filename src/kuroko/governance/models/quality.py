"""Quality management: size, review and test figures per project and phase, the defect register, the
indicator bands per project type, and the lessons-learned register."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuroko.governance.models.gates import Phase
from kuroko.governance.models.templates import ProjectTemplate
from kuroko.projects.models import Project, ProjectType, Task

_NON_NEGATIVE = [MinValueValidator(0)]


def _amount(label: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, null=True, blank=True, validators=_NON_NEGATIVE
    )


def _count(label: Any) -> models.PositiveIntegerField:  # type: ignore[type-arg]
    return models.PositiveIntegerField(label, null=True, blank=True)


class QualityRecord(models.Model):
    """Size, review and test figures of a project's phase (or of the whole project when no phase)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="quality_records"
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quality_records",
    )
    size_kloc = _amount(_("size (KLOC)"))
    size_fp = _amount(_("size (function points)"))
    size_pages = _amount(_("size (pages)"))
    review_hours = _amount(_("review effort (hours)"))
    review_findings = _count(_("review findings"))
    reviews_planned = _count(_("reviews planned"))
    reviews_done = _count(_("reviews held"))
    tests_planned = _count(_("test cases planned"))
    tests_executed = _count(_("test cases executed"))
    tests_passed = _count(_("test cases passed"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quality record")
        verbose_name_plural = _("quality records")
        ordering = ["project", "phase__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "phase"], name="quality_record_once_per_phase"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(phase__isnull=True), name="quality_record_once_per_project"
            ),
            models.CheckConstraint(
                condition=Q(tests_executed__isnull=True)
                | Q(tests_planned__isnull=True)
                | Q(tests_executed__lte=F("tests_planned")),
                name="quality_executed_within_planned",
            ),
            models.CheckConstraint(
                condition=Q(tests_passed__isnull=True)
                | Q(tests_executed__isnull=True)
                | Q(tests_passed__lte=F("tests_executed")),
                name="quality_passed_within_executed",
            ),
            models.CheckConstraint(
                condition=Q(reviews_done__isnull=True)
                | Q(reviews_planned__isnull=True)
                | Q(reviews_done__lte=F("reviews_planned")),
                name="quality_reviews_within_planned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.phase or _('whole project')}"


class DefectSeverity(models.IntegerChoices):
    CRITICAL = 1, _("1 – Critical")
    MAJOR = 2, _("2 – Major")
    MINOR = 3, _("3 – Minor")
    COSMETIC = 4, _("4 – Cosmetic")


class DefectStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("defect status", "Open")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", _("Closed")


class Defect(models.Model):
    """A defect (不具合) found in review or test: when, how severe, in which phase it was found and in
    which it was made, and when it was fixed — the data of the convergence curve."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="defects"
    )
    key = models.CharField(_("key"), max_length=40, blank=True, help_text=_("The tracker's number, if any."))
    title = models.CharField(_("title"), max_length=300)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=DefectSeverity.choices, default=DefectSeverity.MINOR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DefectStatus.choices, default=DefectStatus.OPEN
    )
    phase_found = models.ForeignKey(
        Phase,
        verbose_name=_("phase found"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phase_injected = models.ForeignKey(
        Phase,
        verbose_name=_("phase injected"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_on = models.DateField(_("found on"))
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        ordering = ["project", "found_on", "pk"]
        indexes = [models.Index(fields=["project", "status", "severity"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=F("found_on")),
                name="defect_fixed_after_found",
            ),
            models.UniqueConstraint(fields=["project", "key"], condition=~Q(key=""), name="defect_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key or self.pk} {self.title}"


class QualityIndicator(models.Model):
    """The accepted band of one quality indicator (e.g. defects per KLOC between 3 and 8) for a project
    type, or for every project when no type is set. Values outside the band are coloured and audited."""

    project_type = models.ForeignKey(
        ProjectType,
        verbose_name=_("project type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quality_indicators",
    )
    # A metric key of kuroko.governance.metrics (defect_density_kloc, review_findings_per_page, …).
    metric = models.CharField(_("indicator"), max_length=40)
    lower = models.DecimalField(_("lower bound"), max_digits=12, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("upper bound"), max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("quality indicator")
        verbose_name_plural = _("quality indicators")
        ordering = ["project_type__code", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "metric"], name="quality_indicator_once_per_type"
            ),
            models.UniqueConstraint(
                fields=["metric"],
                condition=Q(project_type__isnull=True),
                name="quality_indicator_once_default",
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(upper__gte=F("lower")),
                name="quality_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_type or '*'} · {self.metric}"


class LessonCategory(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    SCOPE = "scope", _("Scope and requirements")
    RISK = "risk", _("Risk")
    PEOPLE = "people", _("People and organisation")
    COMMUNICATION = "communication", _("Communication")
    TECHNICAL = "technical", _("Technical")
    VENDOR = "vendor", _("Vendors and procurement")
    OTHER = "other", _("Other")


class Lesson(models.Model):
    """A lesson learned (教訓): what happened, why, and what to do next time; linked to the project it came
    from and to the templates it should change."""

    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=LessonCategory.choices)
    situation = models.TextField(_("what happened"))
    cause = models.TextField(_("why"), blank=True)
    recommendation = models.TextField(_("recommendation"))
    positive = models.BooleanField(_("worked well"), default=False)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    phase_name = models.CharField(_("phase"), max_length=200, blank=True)
    templates = models.ManyToManyField(
        ProjectTemplate, verbose_name=_("templates"), blank=True, related_name="lessons"
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Comma-separated."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
