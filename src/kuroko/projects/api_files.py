"""REST endpoints that import a project file of any format Kuroko reads (see
`projects.services.import_files`): a new project, or an existing one updated with the diff."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, UploadedFile
from ninja import Status as HttpStatus

from kuroko.projects import selectors
from kuroko.projects.api import ImportDiffOut, ProjectOut
from kuroko.projects.services.import_files import import_file, read_upload

router = Router(tags=["projects"])


@router.post("/imports/file", response={201: ProjectOut})
def import_any_file(
    request: HttpRequest,
    file: File[UploadedFile],
    code: Form[str] = "",
    name: Form[str] = "",
    mapping: Form[str] = "",
) -> Any:
    """Create a project from a project file (multipart form: file; optional code — default the file's
    name in capitals —, name, and for .xlsx and .csv the name of a saved column mapping). Formats, by
    extension: MS Project XML (.xml; Primavera P6 XML too), .mpp, .mpx, .xer, .pmxml, .gan, .pod,
    .planner (these through MPXJ, which needs Java on the server), Kuroko plan JSON (.json), PSPLIB
    (.sm), Excel WBS (.xlsx), tracker CSV (.csv)."""
    result = import_file(
        actor=request.user,
        name=file.name or "",
        data=read_upload(file),
        code=code,
        project_name=name,
        mapping=mapping or None,
    )
    assert result.project is not None
    return HttpStatus(201, selectors.project_get(request.user, result.project.code))


@router.post("/projects/{code}/imports/file", response=ImportDiffOut)
def update_from_file(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    mapping: Form[str] = "",
) -> Any:
    """Update the project from a later version of its file, in any format of `POST /imports/file`
    (multipart form: file, dry_run to see the changes without making them, mapping for .xlsx and .csv).
    Tasks are matched by the ID they kept from the file."""
    project = selectors.project_get(request.user, code)
    return import_file(
        actor=request.user,
        name=file.name or "",
        data=read_upload(file),
        project=project,
        mapping=mapping or None,
        dry_run=dry_run,
    ).diff
