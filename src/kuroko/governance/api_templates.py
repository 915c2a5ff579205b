"""REST endpoints of project types, methodology templates, projects from templates and upgrades."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.core.permissions import require
from kuroko.governance import permissions as perms
from kuroko.governance.selectors import templates as selectors
from kuroko.governance.services import templates as services
from kuroko.people.models import Person
from kuroko.projects.models import ProjectType
from kuroko.projects.selectors import project_get

router = Router(tags=["governance"])


class DetailOut(Schema):
    detail: str


def _conflict(exc: ValidationError) -> HttpStatus[Any]:
    return HttpStatus(409, {"detail": " ".join(exc.messages)})


def _signed_in(request: HttpRequest) -> None:
    require(bool(request.user.is_authenticated))


# --- Project types ----------------------------------------------------------------------------------


class ProjectTypeOut(Schema):
    code: str
    name: str
    description: str


class ProjectTypeIn(Schema):
    code: str
    name: str
    description: str = ""


class ProjectTypePatch(Schema):
    code: str | None = None
    name: str | None = None
    description: str | None = None


def _type(request: HttpRequest, code: str) -> ProjectType:
    _signed_in(request)
    return get_object_or_404(ProjectType, code=code)


def _type_by_code(code: str, field: str = "project_type") -> ProjectType:
    found = ProjectType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({field: _("There is no project type %(code)s.") % {"code": code}})
    return found


@router.get("/project-types", response=list[ProjectTypeOut])
def list_project_types(request: HttpRequest) -> Any:
    return list(selectors.project_types(request.user))


@router.post("/project-types", response={201: ProjectTypeOut})
def create_project_type(request: HttpRequest, payload: ProjectTypeIn) -> Any:
    return HttpStatus(201, services.project_type_create(actor=request.user, data=payload.dict()))


@router.patch("/project-types/{code}", response=ProjectTypeOut)
def update_project_type(request: HttpRequest, code: str, payload: ProjectTypePatch) -> Any:
    return services.project_type_update(
        actor=request.user, project_type=_type(request, code), data=payload.dict(exclude_unset=True)
    )


@router.delete("/project-types/{code}", response={204: None, 409: DetailOut})
def delete_project_type(request: HttpRequest, code: str) -> Any:
    try:
        services.project_type_delete(actor=request.user, project_type=_type(request, code))
    except services.InUse as exc:
        return _conflict(exc)
    return HttpStatus(204, None)


# --- Templates --------------------------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    status: str
    notes: str
    published_at: datetime | None


class TemplateOut(Schema):
    code: str
    name: str
    description: str
    project_type: str = Field(description="The project type's code")
    is_active: bool
    latest_published: int | None = Field(None, description="The newest published version number")


class TemplateDetailOut(TemplateOut):
    versions: list[VersionOut]


class TemplateIn(Schema):
    code: str
    name: str
    project_type: str = Field(description="The project type's code")
    description: str = ""
    content: dict[str, Any] | None = Field(None, description="The first draft's document (empty if left out)")


class DocumentOut(Schema):
    template: str
    number: int
    status: str
    notes: str
    content: dict[str, Any]


class DraftIn(Schema):
    content: dict[str, Any]
    notes: str | None = None
    number: int | None = Field(None, description="The draft number you read (refused if it was published)")


class PublishIn(Schema):
    notes: str | None = None
    number: int | None = Field(None, description="The draft number you read")


def _template_out(template: Any, latest: Any = None) -> dict[str, Any]:
    """The template as `TemplateOut`; `latest` is its newest published version number (looked up if None)."""
    if latest is None:
        found = selectors.latest_published(template)
        latest = found.number if found else None
    return {
        "code": template.code,
        "name": template.name,
        "description": template.description,
        "project_type": template.project_type.code,
        "is_active": template.is_active,
        "latest_published": latest,
    }


def _document_out(version: Any) -> dict[str, Any]:
    return {
        "template": version.template.code,
        "number": version.number,
        "status": version.status,
        "notes": version.notes,
        "content": version.content,
    }


@router.get("/templates", response=list[TemplateOut])
def list_templates(request: HttpRequest, project_type: str = "") -> Any:
    rows = selectors.templates_list(request.user, project_type=project_type)
    return [
        _template_out(t, getattr(t, "latest", None) or 0) | {"latest_published": getattr(t, "latest", None)}
        for t in rows
    ]


@router.post("/templates", response={201: TemplateOut})
def create_template(request: HttpRequest, payload: TemplateIn) -> Any:
    require(perms.can_configure_standards(request.user))
    template = services.template_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        project_type=_type_by_code(payload.project_type),
        description=payload.description,
        content=payload.content,
    )
    return HttpStatus(201, _template_out(template))


@router.get("/templates/{code}", response=TemplateDetailOut)
def get_template(request: HttpRequest, code: str) -> Any:
    template = selectors.template_get(request.user, code)
    return {**_template_out(template), "versions": selectors.versions(template)}


@router.get("/templates/{code}/versions/{number}", response=DocumentOut)
def get_version(request: HttpRequest, code: str, number: int) -> Any:
    template = selectors.template_get(request.user, code)
    return _document_out(selectors.version_get(template, number, user=request.user))


@router.get("/templates/{code}/draft", response=DocumentOut)
def get_draft(request: HttpRequest, code: str) -> Any:
    """The draft, or (when none is open) the latest published document under the next number."""
    template = selectors.template_get(request.user, code)
    draft = selectors.draft_of(template, user=request.user)
    if draft is None:  # not opened yet: what the first save starts from (nothing is written)
        draft = selectors.next_draft(template)
    return _document_out(draft)


@router.put("/templates/{code}/draft", response=DocumentOut)
def save_draft(request: HttpRequest, code: str, payload: DraftIn) -> Any:
    """Save the draft's document; 422 lists every problem with its path."""
    template = selectors.template_get(request.user, code)
    draft = services.template_draft_save(
        actor=request.user,
        template=template,
        content=payload.content,
        notes=payload.notes,
        expected_number=payload.number,
    )
    return _document_out(draft)


@router.post("/templates/{code}/publish", response={200: DocumentOut, 409: DetailOut})
def publish(request: HttpRequest, code: str, payload: PublishIn) -> Any:
    template = selectors.template_get(request.user, code)
    version = services.template_publish(
        actor=request.user, template=template, notes=payload.notes, expected_number=payload.number
    )
    return _document_out(version)


# --- Projects and templates -------------------------------------------------------------------------


class FromTemplateIn(Schema):
    template: str = Field(description="The template's code")
    version: int | None = Field(None, description="A published version (default: the latest)")
    code: str
    name: str
    start: date
    manager_id: int | None = None
    people: dict[str, int | None] = Field(default_factory=dict, description="Role key → person id")


class ProjectRefOut(Schema):
    code: str
    name: str
    project_type: str | None = None
    template: str
    version: int


class SaveAsTemplateIn(Schema):
    template: str | None = Field(None, description="An existing template's code (its draft is replaced)")
    code: str = ""
    name: str = ""
    project_type: str | None = None


class UpgradeItemOut(Schema):
    kind: str
    action: str
    key: str
    name: str
    detail: str


class UpgradeOut(Schema):
    template: str
    from_number: int
    to_number: int
    is_empty: bool
    items: list[UpgradeItemOut]


class ApplyIn(Schema):
    to_version: int
    from_version: int | None = Field(None, description="The version the preview started from")


def _person(pk: int | None, field: str) -> Person | None:
    if pk is None:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("There is no person %(id)s.") % {"id": pk}})
    return found


@router.post("/projects/from-template", response={201: ProjectRefOut})
def create_from_template(request: HttpRequest, payload: FromTemplateIn) -> Any:
    template = selectors.template_get(request.user, payload.template)
    if payload.version is None:
        version = selectors.latest_published(template)
        if version is None:
            raise ValidationError({"version": _("The template has no published version.")})
    else:
        version = template.versions.filter(number=payload.version).first()
        if version is None:
            raise ValidationError({"version": _("There is no version %(n)s.") % {"n": payload.version}})
    people = {role: _person(pk, "people") for role, pk in payload.people.items()}
    project = services.project_create_from_template(
        actor=request.user,
        version=version,
        code=payload.code,
        name=payload.name,
        start=payload.start,
        people=people,
        manager=_person(payload.manager_id, "manager_id"),
    )
    return HttpStatus(
        201,
        {
            "code": project.code,
            "name": project.name,
            "project_type": project.project_type.code if project.project_type else None,
            "template": template.code,
            "version": version.number,
        },
    )


@router.post("/projects/{code}/save-as-template", response={201: DocumentOut})
def save_as_template(request: HttpRequest, code: str, payload: SaveAsTemplateIn) -> Any:
    project = project_get(request.user, code)
    template = selectors.template_get(request.user, payload.template) if payload.template else None
    draft = services.project_save_as_template(
        actor=request.user,
        project=project,
        template=template,
        code=payload.code,
        name=payload.name,
        project_type=_type_by_code(payload.project_type) if payload.project_type else None,
    )
    return HttpStatus(201, _document_out(draft))


def _upgrade_out(diff: services.UpgradeDiff) -> dict[str, Any]:
    return {
        "template": diff.template,
        "from_number": diff.from_number,
        "to_number": diff.to_number,
        "is_empty": diff.is_empty,
        "items": [
            {"kind": i.kind, "action": i.action, "key": i.key, "name": i.name, "detail": i.detail}
            for i in diff.items
        ],
    }


@router.get("/projects/{code}/template", response=UpgradeOut)
def upgrade_preview(request: HttpRequest, code: str) -> Any:
    """The project's template version and what moving to the latest published version would do."""
    project = project_get(request.user, code)
    return _upgrade_out(services.template_upgrade_preview(project, user=request.user))


@router.post("/projects/{code}/template/apply", response={200: UpgradeOut, 409: DetailOut})
def upgrade_apply(request: HttpRequest, code: str, payload: ApplyIn) -> Any:
    project = project_get(request.user, code)
    use = getattr(project, "template_use", None)
    if use is None:
        raise ValidationError(_("This project was not created from a template."))
    version = use.version.template.versions.filter(number=payload.to_version).first()
    if version is None:
        raise ValidationError({"to_version": _("There is no version %(n)s.") % {"n": payload.to_version}})
    try:
        diff = services.template_upgrade_apply(
            actor=request.user, project=project, to_version=version, from_number=payload.from_version
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        return _conflict(exc)
    return _upgrade_out(diff)
