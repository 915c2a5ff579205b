"""Reads of project types, methodology templates and their versions (everyone signed in reads them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kuroko.core.permissions import require
from kuroko.formats.project_template import TemplateDocument, TemplateError, document_from_json
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import ProjectTemplate, TemplateUse, TemplateVersion
from kuroko.governance.models.templates import VersionStatus
from kuroko.projects.models import ProjectType
from kuroko.projects.permissions import visible_projects


def _signed_in(user: Any) -> None:
    require(bool(getattr(user, "is_authenticated", False)))


def project_types(user: Any) -> QuerySet[ProjectType]:
    """Project types with how many projects and templates use each."""
    _signed_in(user)
    return ProjectType.objects.annotate(
        project_count=Count("projects", distinct=True), template_count=Count("templates", distinct=True)
    ).order_by("code")


def templates_list(user: Any, *, project_type: str = "") -> QuerySet[ProjectTemplate]:
    """Templates with their type, latest published version number and whether a draft is open."""
    _signed_in(user)
    rows = ProjectTemplate.objects.select_related("project_type").annotate(
        latest=Max("versions__number", filter=Q(versions__status=VersionStatus.PUBLISHED)),
        drafts=Count("versions", filter=Q(versions__status=VersionStatus.DRAFT)),
    )
    if project_type:
        rows = rows.filter(project_type__code=project_type)
    return rows


def template_get(user: Any, code: str) -> ProjectTemplate:
    _signed_in(user)
    return get_object_or_404(ProjectTemplate.objects.select_related("project_type"), code=code)


def versions(template: ProjectTemplate) -> list[TemplateVersion]:
    """Every version, newest first, with how many projects use each."""
    return list(
        template.versions.annotate(use_count=Count("uses")).select_related("created_by", "published_by")
    )


def _sees_drafts(user: Any) -> bool:
    from kuroko.governance.permissions import can_configure_standards

    return bool(can_configure_standards(user))


def version_get(template: ProjectTemplate, number: int, *, user: Any = None) -> TemplateVersion:
    """One version; with `user`, a draft only for who configures standards (others get a 404)."""
    version = get_object_or_404(TemplateVersion, template=template, number=number)
    if user is not None and version.status == VersionStatus.DRAFT and not _sees_drafts(user):
        raise Http404
    return version


def compared_version(user: Any, template: ProjectTemplate, number: str) -> TemplateVersion | None:
    """The version a page compares with (`?compare=n`): none when absent or a draft the user may not see."""
    if not number.isdigit() or len(number) > 9:
        return None
    other = template.versions.filter(number=int(number)).first()
    if other is not None and other.status == VersionStatus.DRAFT and not _sees_drafts(user):
        return None
    return other


def draft_of(template: ProjectTemplate, *, user: Any = None) -> TemplateVersion | None:
    """The open draft; with `user`, only for who configures standards (others get a 404)."""
    if user is not None and not _sees_drafts(user):
        raise Http404
    return template.versions.filter(status=VersionStatus.DRAFT).first()


def next_draft(template: ProjectTemplate) -> TemplateVersion:
    """An unsaved draft as the first save would create it: the latest published content, the next number."""
    latest = latest_published(template)
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return TemplateVersion(template=template, number=number, content=latest.content if latest else {})


def latest_published(template: ProjectTemplate) -> TemplateVersion | None:
    return template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


def published_versions(user: Any) -> QuerySet[TemplateVersion]:
    """Published versions of active templates, offered for new projects."""
    _signed_in(user)
    return (
        TemplateVersion.objects.filter(status=VersionStatus.PUBLISHED, template__is_active=True)
        .select_related("template", "template__project_type")
        .order_by("template__code", "-number")
    )


def uses_of(user: Any, template: ProjectTemplate) -> list[TemplateUse]:
    """The projects (that the user may see) created from or brought up to a version of the template."""
    return list(
        TemplateUse.objects.filter(version__template=template, project__in=visible_projects(user))
        .select_related("project", "version")
        .order_by("project__code")
    )


def document_of(version: TemplateVersion) -> TemplateDocument:
    """A version's content as a document (a stored draft may be invalid: then the problems are raised)."""
    return document_from_json(version.content, metrics=METRICS)


def document_or_empty(version: TemplateVersion) -> tuple[TemplateDocument, list[str]]:
    """The document, or an empty one and the problems of the stored content."""
    try:
        return document_of(version), []
    except TemplateError as exc:
        return TemplateDocument(), exc.messages()


def lessons_of(template: ProjectTemplate) -> list[Any]:
    return list(template.lessons.order_by("-pk")[:50])


def template_use(project: Any) -> TemplateUse | None:
    """The template version the project follows (None if it was not created from a template)."""
    return (
        TemplateUse.objects.select_related("version__template__project_type").filter(project=project).first()
    )
