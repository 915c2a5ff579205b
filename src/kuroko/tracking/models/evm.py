"""Earned value in the app: weighted milestones of tasks (for the milestone method) and the EVM figures
recorded per project and status date (the history behind trends)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kuroko.projects.models import Project, Task


class WeightedMilestone(models.Model):
    """A step of a task that earns a share of its budget when achieved (the weighted-milestone method)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="ev_milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("weighted milestone")
        verbose_name_plural = _("weighted milestones")
        ordering = ["task", "pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.name}"


class EvmSnapshot(models.Model):
    """A project's EVM figures as of a status date, in money and in hours, recorded so that trends and
    history do not depend on re-deriving past progress."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evm_snapshots"
    )
    status_date = models.DateField(_("status date"))
    unit = models.CharField(_("unit"), max_length=20)
    bac = models.FloatField(_("BAC"))
    pv = models.FloatField(_("PV"))
    ev = models.FloatField(_("EV"))
    ac = models.FloatField(_("AC"))
    spi = models.FloatField(_("SPI"), null=True, blank=True)
    cpi = models.FloatField(_("CPI"), null=True, blank=True)
    eac = models.FloatField(_("EAC"), null=True, blank=True)
    spi_t = models.FloatField(_("SPI(t)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("EVM snapshot")
        verbose_name_plural = _("EVM snapshots")
        ordering = ["project", "status_date"]
        constraints = [
            models.UniqueConstraint(fields=["project", "status_date", "unit"], name="evm_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.status_date} {self.unit}"
