"""Methodology templates: a project type's standard plan, kept as numbered versions.

A version's `content` is a template document (`kuroko.formats.project_template`): phases, a WBS skeleton
with offsets, durations, links and roles, deliverables and checklists per phase, gate criteria, default
risks and report settings. Published versions never change; the PMO edits the one draft and publishes it
as the next number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuroko.projects.models import Project, ProjectType


class ProjectTemplate(models.Model):
    """A methodology template of a project type (e.g. waterfall SI), with its numbered versions."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    project_type = models.ForeignKey(
        ProjectType, verbose_name=_("project type"), on_delete=models.PROTECT, related_name="templates"
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered for new projects"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")
        ordering = ["project_type__code", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class TemplateVersion(models.Model):
    """One numbered version of a template; its content is frozen once published."""

    template = models.ForeignKey(
        ProjectTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    content = models.JSONField(_("content"), default=dict)
    notes = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number_once"),
            # One draft at a time: the next version being edited.
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="template_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"


class TemplateUse(models.Model):
    """Which template version a project was created from (or last brought up to), and which of its tasks,
    phases and deliverables came from which template element — so that a later version can be compared."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="template_use"
    )
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="uses"
    )
    # Template task key → Task id of this project (tasks deleted since are simply missing from the project).
    task_keys = models.JSONField(_("task keys"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied"), auto_now=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("template use")
        verbose_name_plural = _("template uses")

    def __str__(self) -> str:
        return f"{self.project.code} ← {self.version}"
