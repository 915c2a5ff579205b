"""Weekly status reports (週報 / 進捗報告), the PMO's RAG rule and report-level settings, report schedules
and the archive of generated report files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned
from kuroko.projects.models import Program, Project, ProjectType, Rag


class Dimension(models.TextChoices):
    """The dimensions a status report colours; the project's own RAG fields have the same names."""

    OVERALL = "overall", _("Overall")
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    SCOPE = "scope", _("Scope")
    QUALITY = "quality", _("Quality")
    RISK = "risk", _("Risks and issues")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for rework")
    REVIEWED = "reviewed", _("Reviewed")


def _rag(label: object) -> models.CharField[str, str]:
    return models.CharField(label, max_length=5, choices=Rag.choices, blank=True)  # type: ignore[arg-type]


class StatusReport(Versioned):
    """One project's status report for one ISO week: the facts drafted from the data (kept as they were when
    drafted, so old weeks stay as reported), the computed colours with their reasons, the PM's overrides and
    narrative, and the PMO's review."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_reports"
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week reported."))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default="draft")
    # The facts of the week (`kuroko.reporting.facts.ProjectFacts.to_dict()`), refreshed while a draft.
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    # {dimension: {"rag": "red", "reasons": [{"code": …, "params": {…}}, …]}} as the rules computed them;
    # reasons are stored as codes and parameters and worded in the reader's language.
    computed = models.JSONField(_("computed colours"), default=dict, blank=True)
    # {dimension: {"rag": "amber", "justification": "…"}}: the PM's overrides.
    overrides = models.JSONField(_("overrides"), default=dict, blank=True)
    # The colours in effect (override, else computed), kept as columns so that portfolio pages filter and
    # count in the database.
    rag_overall = _rag(_("overall RAG"))
    rag_schedule = _rag(_("schedule RAG"))
    rag_cost = _rag(_("cost RAG"))
    rag_scope = _rag(_("scope RAG"))
    rag_quality = _rag(_("quality RAG"))
    rag_risk = _rag(_("risk RAG"))
    summary = models.TextField(_("summary"), blank=True)
    accomplishments = models.TextField(_("accomplishments"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    drafted_at = models.DateTimeField(_("drafted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["facts"])

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["project", "-week"]
        constraints = [models.UniqueConstraint(fields=["project", "week"], name="status_report_once_a_week")]
        indexes = [models.Index(fields=["week", "status"], name="status_report_week")]

    def __str__(self) -> str:
        from kuroko.reporting.weeks import week_label

        return f"{self.project.code} {week_label(self.week)}"


class ReportComment(models.Model):
    """A comment on a status report: the PMO's review remarks and the PM's replies."""

    report = models.ForeignKey(
        StatusReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class RagRuleSetting(models.Model):
    """The PMO's setting of one RAG rule (`kuroko.reporting.rag`): for a project type, or (without one)
    for every project."""

    project_type = models.ForeignKey(
        ProjectType,
        verbose_name=_("project type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rag_rule_settings",
    )
    rule = models.CharField(_("rule"), max_length=60)
    enabled = models.BooleanField(_("enabled"), default=True)
    # The rule's thresholds that differ from its defaults (e.g. {"red_below": 0.85}).
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
        verbose_name = _("RAG rule setting")
        verbose_name_plural = _("RAG rule settings")
        ordering = ["rule", "project_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "rule"],
                condition=Q(project_type__isnull=False),
                name="rag_rule_setting_per_type",
            ),
            models.UniqueConstraint(
                fields=["rule"], condition=Q(project_type__isnull=True), name="rag_rule_setting_all"
            ),
        ]

    def __str__(self) -> str:
        return self.rule


class Audience(models.TextChoices):
    TEAM = "team", _("Project team")
    PMO = "pmo", _("PMO")
    EXECUTIVE = "executive", _("Executives")


class ReportLevel(models.Model):
    """What a status report shows to one audience (its sections), for a project type or (without one)
    for every project."""

    project_type = models.ForeignKey(
        ProjectType,
        verbose_name=_("project type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_levels",
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    # Section keys shown, in order (`kuroko.reporting.facts.SECTIONS`).
    sections = models.JSONField(_("sections"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report level")
        verbose_name_plural = _("report levels")
        ordering = ["project_type", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["project_type", "audience"],
                condition=Q(project_type__isnull=False),
                name="report_level_per_type",
            ),
            models.UniqueConstraint(
                fields=["audience"], condition=Q(project_type__isnull=True), name="report_level_all"
            ),
        ]

    def __str__(self) -> str:
        return self.audience


class ReportKind(models.TextChoices):
    PROJECT = "project", _("Project status report")
    PORTFOLIO = "portfolio", _("Portfolio summary")
    EXECUTIVE_PACK = "executive_pack", _("Executive pack")
    MINUTES = "minutes", _("Meeting minutes")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"
    PPTX = "pptx", "PowerPoint"


class ReportSchedule(models.Model):
    """A report generated on a weekday and time by the background worker and e-mailed to its subscribers."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    formats = models.JSONField(_("formats"), default=list, help_text=_("pdf, xlsx and/or pptx."))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default="pmo")
    # What it covers: one project, one program, or (neither) every project the owner may read.
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), default=4, help_text=_("0 = Monday … 6 = Sunday.")
    )
    at = models.TimeField(_("time"), default="17:00")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    subscribers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subscribers"),
        blank=True,
        related_name="report_subscriptions",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GeneratedReport(models.Model):
    """A report file that was generated (on demand or by a schedule), kept for download: the archive."""

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=5, choices=ReportFormat.choices)
    title = models.CharField(_("title"), max_length=255)
    week = models.DateField(_("week"), null=True, blank=True)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule = models.ForeignKey(
        ReportSchedule,
        verbose_name=_("schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default="pmo")
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Relative to KUROKO_DATA_DIR/reports/; never a path given by a user.
    file = models.CharField(_("file"), max_length=300)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("report", "generated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who a schedule's run made this file for (and e-mailed it to): they may download it again.
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
