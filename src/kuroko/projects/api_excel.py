"""REST endpoints for Excel WBS workbooks and saved import mappings: a new project from a workbook, a project
updated from one (with `dry_run` for the diff), a project exported as one, and the mappings.

A workbook with problems answers 422 listing every one: ``{"detail": [{"loc": ["file", row, column],
"msg": …}]}`` (row and column as Excel shows them) and writes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from kuroko.formats.imported import ImportFileError
from kuroko.projects import selectors
from kuroko.projects.api import ImportDiffOut, ProjectOut
from kuroko.projects.models import ImportMapping
from kuroko.projects.selectors import import_mappings as mapping_selectors
from kuroko.projects.services import excel_wbs as excel
from kuroko.projects.services.imports import MAX_IMPORT_BYTES

router = Router(tags=["imports and exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProblemOut(Schema):
    detail: list[dict[str, Any]]


def _problems(exc: ImportFileError) -> HttpStatus[Any]:
    detail = [
        {
            "loc": ["file", *([e.row] if e.row is not None else []), *([e.column] if e.column else [])],
            "msg": e.message,
        }
        for e in exc.errors
    ]
    return HttpStatus(422, {"detail": detail})


def _options(
    upload: UploadedFile, mapping: str, options: str, user: Any
) -> tuple[bytes, dict[str, Any] | None]:
    if (upload.size or 0) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    chosen: dict[str, Any] | None = None
    if mapping:
        found = (
            mapping_selectors.import_mappings(user, kind=ImportMapping.Kind.EXCEL_WBS)
            .filter(name=mapping)
            .first()
        )
        if found is None:
            raise ValidationError(
                {"mapping": _("No Excel WBS mapping is called “%(name)s”.") % {"name": mapping}}
            )
        chosen = dict(found.options)
    elif options:
        try:
            chosen = json.loads(options)
        except ValueError:
            raise ValidationError({"options": _("The options are not valid JSON.")}) from None
        if not isinstance(chosen, dict):
            raise ValidationError({"options": _("The options must be a JSON object.")})
    return upload.read(), chosen


@router.post("/imports/excel", response={201: ProjectOut, 422: ProblemOut})
def import_excel(
    request: HttpRequest,
    file: File[UploadedFile],
    code: Form[str],
    name: Form[str] = "",
    mapping: Form[str] = "",
    options: Form[str] = "",
) -> Any:
    """Create a project from an Excel WBS (multipart form: file, code, optional name, and either the name
    of a saved mapping or the options as JSON; neither: the layout is detected)."""
    from kuroko.core.permissions import can_create_projects, require

    require(can_create_projects(request.user))
    data, chosen = _options(file, mapping, options, request.user)
    try:
        excel.excel_rows(data, chosen)
    except ImportFileError as exc:
        return _problems(exc)
    project = excel.project_import_excel(actor=request.user, data=data, options=chosen, code=code, name=name)
    return HttpStatus(201, selectors.project_get(request.user, project.code))


@router.post("/projects/{code}/imports/excel", response={200: ImportDiffOut, 422: ProblemOut})
def update_from_excel(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    mapping: Form[str] = "",
    options: Form[str] = "",
) -> Any:
    """Update the project from a later version of its Excel WBS (multipart form: file, dry_run to see the
    changes without making them, and a mapping name or options as for the import). Rows are matched by
    the ID column, or by WBS code without one."""
    from kuroko.core.permissions import require
    from kuroko.projects import permissions as perms

    project = selectors.project_get(request.user, code)
    require(perms.can_edit_project(request.user, project))
    data, chosen = _options(file, mapping, options, request.user)
    try:
        excel.excel_rows(data, chosen, project)
    except ImportFileError as exc:
        return _problems(exc)
    return excel.project_update_excel(
        actor=request.user, project=project, data=data, options=chosen, dry_run=dry_run
    )


class ExportQuery(Schema):
    mapping: int | None = None


@router.get(
    "/projects/{code}/exports/xlsx",
    response={200: None},
    openapi_extra={"responses": {"200": {"content": {XLSX: {}}}}},
)
def export_xlsx(request: HttpRequest, code: str, query: Query[ExportQuery]) -> HttpResponse:
    """The project as an Excel WBS: the default layout, or a saved mapping's (`mapping`: its id). Tasks
    get an ID first if they have none, so that the file imports back as an update."""
    project = selectors.project_get(request.user, code)
    mapping = None
    if query.mapping is not None:
        mapping = mapping_selectors.import_mapping_get(
            request.user, query.mapping, kind=ImportMapping.Kind.EXCEL_WBS
        )
    data = excel.project_export_xlsx(actor=request.user, project=project, mapping=mapping)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-wbs.xlsx"'
    return response


class MappingIn(Schema):
    kind: str = ImportMapping.Kind.EXCEL_WBS
    name: str
    options: dict[str, Any]


class MappingOut(Schema):
    id: int
    kind: str
    name: str
    options: dict[str, Any]
    created_by: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_created_by(obj: ImportMapping) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None


@router.get("/import-mappings", response=list[MappingOut])
def list_mappings(request: HttpRequest, kind: str = "") -> Any:
    """The saved import mappings (of one `kind` when given: excel_wbs or tracker_csv)."""
    return list(mapping_selectors.import_mappings(request.user, kind=kind or None))


@router.post("/import-mappings", response={201: MappingOut})
def create_mapping(request: HttpRequest, payload: MappingIn) -> Any:
    """Save a column mapping under a name (unique per kind); an Excel WBS mapping's options are checked."""
    mapping = excel.import_mapping_save(
        actor=request.user, kind=payload.kind, name=payload.name, options=payload.options
    )
    return HttpStatus(201, mapping)


@router.delete("/import-mappings/{mapping_id}", response={204: None})
def delete_mapping(request: HttpRequest, mapping_id: int) -> Any:
    """Delete a saved mapping (the PMO, or whoever saved it)."""
    mapping = mapping_selectors.import_mapping_get(request.user, mapping_id)
    excel.import_mapping_delete(actor=request.user, mapping=mapping)
    return HttpStatus(204, None)
