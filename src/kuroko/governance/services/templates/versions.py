"""Project types, templates and their versions: drafts, publishing, retiring."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.formats.project_template import (
    TemplateDocument,
    TemplateError,
    document_diff,
    document_from_json,
    document_to_json,
)
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import (
    ProjectTemplate,
    TemplateVersion,
    VersionStatus,
)
from kuroko.projects.models import (
    ProjectType,
)

# --- Project types ----------------------------------------------------------------------------------


def _type_values(data: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, limit in (("code", 30), ("name", 100), ("description", 0)):
        if name not in data:
            continue
        value = data[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError({name: _("Enter text.")})
        value = value.strip()
        if limit and len(value) > limit:
            raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
        out[name] = value
    if not partial:
        for name in ("code", "name"):
            if not out.get(name):
                raise ValidationError({name: _("This field is required.")})
    for name in ("code", "name"):
        if name in out and not out[name]:
            raise ValidationError({name: _("This field is required.")})
    return out


@transaction.atomic
def project_type_create(*, actor: Any, data: Mapping[str, Any]) -> ProjectType:
    """Add a project type (the PMO)."""
    require(perms.can_configure_standards(actor))
    values = _type_values(data, partial=False)
    if ProjectType.objects.filter(code=values["code"]).exists():
        raise ValidationError({"code": _("A project type with this code exists.")})
    return ProjectType.objects.create(**values)


@transaction.atomic
def project_type_update(*, actor: Any, project_type: ProjectType, data: Mapping[str, Any]) -> ProjectType:
    """Change a project type's code, name or description (the PMO)."""
    require(perms.can_configure_standards(actor))
    values = _type_values(data, partial=True)
    if (
        "code" in values
        and ProjectType.objects.filter(code=values["code"]).exclude(pk=project_type.pk).exists()
    ):
        raise ValidationError({"code": _("A project type with this code exists.")})
    for name, value in values.items():
        setattr(project_type, name, value)
    project_type.save()
    return project_type


class InUse(ValidationError):
    """The row is still used and cannot be deleted (409 in the API)."""


@transaction.atomic
def project_type_delete(*, actor: Any, project_type: ProjectType) -> None:
    """Delete a project type no project or template uses (the PMO)."""
    require(perms.can_configure_standards(actor))
    if project_type.projects.exists() or project_type.templates.exists():
        raise InUse(
            _("Project type %(name)s is used by projects or templates; change them first.")
            % {"name": project_type.name}
        )
    project_type.delete()


# --- Templates and versions -------------------------------------------------------------------------


def _problems(exc: TemplateError) -> ValidationError:
    return ValidationError({"content": exc.messages(_)})


def check_document(content: Any) -> TemplateDocument:
    """The document read from JSON, or a ValidationError on `content` listing every problem by path."""
    try:
        return document_from_json(content, metrics=METRICS)
    except TemplateError as exc:
        raise _problems(exc) from exc


@transaction.atomic
def template_create(
    *, actor: Any, code: str, name: str, project_type: ProjectType, description: str = "", content: Any = None
) -> ProjectTemplate:
    """A new template with its first draft (an empty document unless `content` is given)."""
    require(perms.can_configure_standards(actor))
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise ValidationError({"code": _("This field is required.")})
    if len(code) > 30:
        raise ValidationError({"code": _("At most %(n)s characters.") % {"n": 30}})
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if ProjectTemplate.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A template with this code exists.")})
    document = check_document(content) if content is not None else TemplateDocument()
    template = ProjectTemplate.objects.create(
        code=code, name=name[:200], project_type=project_type, description=description or ""
    )
    TemplateVersion.objects.create(
        template=template, number=1, content=document_to_json(document), created_by=actor
    )
    return template


def _next_number(template: ProjectTemplate) -> int:
    return (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _draft(template: ProjectTemplate, actor: Any) -> TemplateVersion:
    """The template's draft, created from its latest published version when there is none."""
    draft = template.versions.select_for_update().filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    return TemplateVersion.objects.create(
        template=template,
        number=_next_number(template),
        content=latest.content if latest else document_to_json(TemplateDocument()),
        created_by=actor,
    )


@transaction.atomic
def template_draft_open(*, actor: Any, template: ProjectTemplate) -> TemplateVersion:
    """The draft to edit (created from the latest published version when there is none)."""
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    return _draft(template, actor)


@transaction.atomic
def template_draft_save(
    *,
    actor: Any,
    template: ProjectTemplate,
    content: Any,
    notes: str | None = None,
    expected_number: int | None = None,
) -> TemplateVersion:
    """Save the draft's document (checked: every problem is reported by path, nothing is saved).

    `expected_number` is the draft number the editor showed: if the draft was published meanwhile (a new
    draft has another number), the save is refused rather than starting the next version from it.
    """
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    document = check_document(content)
    draft = _draft(template, actor)
    if expected_number is not None and draft.number != expected_number:
        raise ValidationError(
            _("Version %(n)s was published meanwhile; reload the draft (now version %(m)s).")
            % {"n": expected_number, "m": draft.number}
        )
    draft.content = document_to_json(document)
    if notes is not None:
        draft.notes = notes.strip()
    draft.save(update_fields=["content", "notes"])
    return draft


@transaction.atomic
def template_publish(
    *, actor: Any, template: ProjectTemplate, notes: str | None = None, expected_number: int | None = None
) -> TemplateVersion:
    """Publish the draft as the next version; from then on its content never changes.

    Refused when there is no draft, the draft is invalid, or it is the same as the latest published
    version (nothing to publish). Earlier published versions stay published until retired.
    """
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    draft = template.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ValidationError(_("There is no draft to publish."))
    if expected_number is not None and draft.number != expected_number:
        raise ValidationError(
            _("Version %(n)s was published meanwhile; reload the draft (now version %(m)s).")
            % {"n": expected_number, "m": draft.number}
        )
    document = check_document(draft.content)
    if document.is_empty:
        raise ValidationError({"content": _("The draft is empty: add phases or tasks before publishing.")})
    latest = template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    if latest is not None and document_diff(document_from_json(latest.content), document).is_empty:
        raise ValidationError(
            {
                "content": _("The draft is the same as version %(n)s; change something first.")
                % {"n": latest.number}
            }
        )
    draft.status = VersionStatus.PUBLISHED
    draft.content = document_to_json(document)
    if notes is not None:
        draft.notes = notes.strip()
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save()
    return draft


@transaction.atomic
def template_version_retire(*, actor: Any, version: TemplateVersion) -> TemplateVersion:
    """Stop offering a published version for new projects (projects that use it keep it)."""
    require(perms.can_configure_standards(actor))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    return version


@transaction.atomic
def template_update(*, actor: Any, template: ProjectTemplate, data: Mapping[str, Any]) -> ProjectTemplate:
    """Change a template's name, description, project type or whether it is offered."""
    require(perms.can_configure_standards(actor))
    for name in ("name", "description"):
        if name in data:
            value = str(data[name] or "").strip()
            if name == "name" and not value:
                raise ValidationError({"name": _("This field is required.")})
            setattr(template, name, value)
    if "project_type" in data and data["project_type"] is not None:
        template.project_type = data["project_type"]
    if "is_active" in data:
        template.is_active = bool(data["is_active"])
    template.save()
    return template
