"""Schedule and cost risk analysis (Monte Carlo): three-point estimates per task, correlation groups, and
every simulation run with a snapshot of its inputs and its results."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuroko.projects.models import Project, Task


class DistributionChoice(models.TextChoices):
    """Distributions of `kuroko.engine.risk` (values are the engine's)."""

    PERT = "pert", _("PERT (beta)")
    TRIANGULAR = "triangular", _("Triangular")
    UNIFORM = "uniform", _("Uniform")
    LOGNORMAL = "lognormal", _("Lognormal")


class TaskEstimate(models.Model):
    """A task's three-point duration estimate (optimistic, most likely, pessimistic) in working minutes."""

    task = models.OneToOneField(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="estimate"
    )
    minimum_minutes = models.PositiveIntegerField(_("optimistic (working minutes)"))
    most_likely_minutes = models.PositiveIntegerField(_("most likely (working minutes)"))
    maximum_minutes = models.PositiveIntegerField(_("pessimistic (working minutes)"))
    distribution = models.CharField(
        _("distribution"), max_length=12, choices=DistributionChoice.choices, default=DistributionChoice.PERT
    )

    class Meta:
        verbose_name = _("duration estimate")
        verbose_name_plural = _("duration estimates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_minutes__lte=models.F("most_likely_minutes"))
                & models.Q(most_likely_minutes__lte=models.F("maximum_minutes")),
                name="raid_estimate_ordered",
                violation_error_message=_("Optimistic ≤ most likely ≤ pessimistic."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.minimum_minutes}/{self.most_likely_minutes}/{self.maximum_minutes}"

    def clean(self) -> None:
        if not (self.minimum_minutes <= self.most_likely_minutes <= self.maximum_minutes):
            raise ValidationError(_("Optimistic ≤ most likely ≤ pessimistic."))


class CorrelationGroup(models.Model):
    """Tasks whose durations move together (e.g. built by the same team): a one-factor correlation."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="correlation_groups"
    )
    name = models.CharField(_("name"), max_length=200)
    coefficient = models.DecimalField(
        _("correlation"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(0.99)],
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), related_name="correlation_groups")

    class Meta:
        verbose_name = _("correlation group")
        verbose_name_plural = _("correlation groups")
        ordering = ["project", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.coefficient})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SimulationRun(models.Model):
    """One Monte Carlo run of a project: its options, the snapshot of its inputs (plan and risk model as
    plan JSON) and its results (`kuroko.formats.risk_json.forecast_to_dict`)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="simulation_runs"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    name = models.CharField(_("label"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    iterations = models.PositiveIntegerField(
        _("iterations"), default=5000, validators=[MinValueValidator(100), MaxValueValidator(100_000)]
    )
    seed = models.PositiveIntegerField(_("seed"), default=1)
    sampling = models.CharField(_("sampling"), max_length=10, default="lhs")
    convergence_minutes = models.PositiveIntegerField(
        _("stop at convergence (working minutes)"), null=True, blank=True
    )
    # Tasks without an estimate vary by these factors of their duration (e.g. 0.9, 1.0, 1.3); null: fixed.
    range_min = models.DecimalField(
        _("optimistic factor"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    range_most_likely = models.DecimalField(
        _("most likely factor"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    range_max = models.DecimalField(
        _("pessimistic factor"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    distribution = models.CharField(
        _("distribution"), max_length=12, choices=DistributionChoice.choices, default=DistributionChoice.PERT
    )
    include_risks = models.BooleanField(_("include risk events"), default=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True, editable=False)
    results = models.JSONField(_("results"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")
        ordering = ["project", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="raid_simulation_number")]

    def __str__(self) -> str:
        return f"{self.project.code} #{self.number}"
