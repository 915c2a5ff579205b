"""Health and compliance audits: rule settings per project type, findings, audit runs and daily health.

Rules themselves are code (`kuroko.governance.audit_rules`), identified by a key such as `dcma.logic`
or `hygiene.baseline`; the PMO switches them on or off and sets their thresholds per project type.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuroko.people.models import Person
from kuroko.projects.models import Project, ProjectType


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RuleSetting(models.Model):
    """The PMO's setting of one rule: for a project type, or (without one) for every project."""

    project_type = models.ForeignKey(
        ProjectType,
        verbose_name=_("project type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rule_settings",
    )
    rule = models.CharField(_("rule"), max_length=60)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text=_("Empty: the rule's own severity."),
    )
    # The rule's parameters that differ from its defaults (thresholds such as {"max_percent": 5}).
    params = models.JSONField(_("thresholds"), default=dict, blank=True)
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
        verbose_name = _("audit rule setting")
        verbose_name_plural = _("audit rule settings")
        ordering = ["project_type__code", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["project_type", "rule"], name="rule_setting_once_per_type"),
            models.UniqueConstraint(
                fields=["rule"], condition=Q(project_type__isnull=True), name="rule_setting_once_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_type or '*'} · {self.rule}"


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding", "Open")
    WAIVED = "waived", _("Waived")
    CLOSED = "closed", _("Closed")


class Finding(models.Model):
    """A rule a project violates: what, with which evidence, who fixes it by when. It closes itself when
    an audit finds the data no longer violates the rule; the PMO may waive it with a reason."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="findings"
    )
    rule = models.CharField(_("rule"), max_length=60)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    # What the rule found, as data (counts, values, the offending tasks as {"id", "wbs", "name"}); the
    # message is written from it in the reader's language.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    opened_at = models.DateTimeField(_("found"))
    last_seen_at = models.DateTimeField(_("last seen"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    waive_reason = models.TextField(_("reason for waiving"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["project", "rule", "-opened_at"]
        indexes = [models.Index(fields=["status", "project"]), models.Index(fields=["rule", "status"])]
        constraints = [
            # At most one live finding per project and rule; closed ones are history.
            models.UniqueConstraint(
                fields=["project", "rule"], condition=~Q(status="closed"), name="finding_one_live_per_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.rule}"


class AuditTrigger(models.TextChoices):
    SCHEDULED = "scheduled", _("Daily")
    MANUAL = "manual", _("On demand")
    CLI = "cli", _("Command line")


class AuditRun(models.Model):
    """One evaluation of the rules over one project or all active projects."""

    trigger = models.CharField(_("trigger"), max_length=10, choices=AuditTrigger.choices)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    opened = models.PositiveIntegerField(_("findings opened"), default=0)
    closed = models.PositiveIntegerField(_("findings closed"), default=0)

    class Meta:
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class HealthSnapshot(models.Model):
    """A project's health score and live findings on a day, for trends (the last audit of the day wins)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="health_snapshots"
    )
    day = models.DateField(_("day"))
    score = models.DecimalField(_("health score"), max_digits=5, decimal_places=1)
    # {"critical": 1, "high": 0, …} and the keys of the rules with a live finding.
    by_severity = models.JSONField(_("findings by severity"), default=dict)
    rules = models.JSONField(_("rules violated"), default=list)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        ordering = ["project", "day"]
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="health_snapshot_once_a_day")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.day} {self.score}"
