"""REST endpoints for the register workbooks: export a project's risks, issues, action items, decisions or
change requests as .xlsx, and import one back (multipart), the same rules as the pages.

`{register}` is `risks`, `issues`, `actions`, `decisions` or `changes` (also `change-requests`, as the
register's own endpoints are named). An import with `dry_run` answers the preview — every row with what
importing does — and writes nothing; without it the rows are written in one transaction. Any problem (a
cell that cannot be read, a row the register's rules refuse) answers 422 with every problem
(`{"detail": [{"loc": ["file", row, column], "msg": …}], "rows": […]}`) and writes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from kuroko.core.permissions import require
from kuroko.projects import selectors as project_selectors
from kuroko.raid import excel
from kuroko.raid import permissions as perms
from kuroko.raid.selectors.registers_excel import register_book, register_workbook
from kuroko.raid.services.registers_excel import ImportRefused, ImportResult, register_import

router = Router(tags=["risks, issues and decisions"])

RegisterName = Literal["risks", "issues", "actions", "decisions", "changes", "change-requests"]
# "register" is a name pydantic's path model already has: the parameter is read under an alias.
RegisterPath = Annotated[RegisterName, Path(alias="register", description="The register's name.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register(name: str) -> str:
    return "changes" if name == "change-requests" else name


def _units(register: str) -> Any:
    return project_selectors.duration_units() if register in ("risks", "changes") else None


class ImportRowOut(Schema):
    row: int
    action: Literal["add", "update", "unchanged", "error"]
    code: str
    title: str
    changes: list[str]
    errors: list[str]


class ImportOut(Schema):
    dry_run: bool
    applied: bool
    counts: dict[str, int]
    rows: list[ImportRowOut]


class ImportProblemOut(Schema):
    detail: list[dict[str, Any]]
    rows: list[ImportRowOut]


def _rows(result: ImportResult) -> list[dict[str, Any]]:
    return [
        {
            "row": line.row,
            "action": line.action,
            "code": line.code,
            "title": line.title,
            "changes": line.changes,
            "errors": line.errors,
        }
        for line in result.lines
    ]


@router.get(
    "/projects/{code}/{register}/export",
    response={200: None},
    openapi_extra={"responses": {"200": {"content": {XLSX: {}}}}},
)
def export_register(request: HttpRequest, code: str, register_name: RegisterPath) -> HttpResponse:
    """The project's whole register (every status) as an Excel workbook that imports back unchanged."""
    name = _register(register_name)
    project = project_selectors.project_get(request.user, code)
    response = HttpResponse(
        register_workbook(request.user, project, name, units=_units(name)), content_type=XLSX
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{project.code}-{name}-{stamp}.xlsx"'
    return response


@router.post("/projects/{code}/{register}/import", response={200: ImportOut, 422: ImportProblemOut})
def import_register(
    request: HttpRequest,
    code: str,
    register_name: RegisterPath,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> Any:
    """Import a workbook into the register (multipart: `file`, and `dry_run` for the preview). A row
    with a reference (I-001) updates that item; a row without one adds an item. All rows or none."""
    name = _register(register_name)
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_raid(request.user, project))
    if (file.size or 0) > excel.MAX_BYTES:
        message = _("The file is larger than %(mb)d MB.") % {"mb": excel.MAX_BYTES // (1024 * 1024)}
        return HttpStatus(422, {"detail": [{"loc": ["file"], "msg": message}], "rows": []})
    spec = register_book(name).columns(project, units=_units(name))
    rows, problems = excel.import_rows(spec, file.read())
    if problems:
        detail = [
            {"loc": ["file", p.row, p.column] if p.column else ["file", p.row], "msg": p.message}
            for p in problems
        ]
        return HttpStatus(422, {"detail": detail, "rows": []})
    try:
        result = register_import(
            actor=request.user, project=project, register=name, rows=rows, dry_run=dry_run
        )
    except ImportRefused as exc:
        detail = [
            {"loc": ["file", line.row], "msg": message}
            for line in exc.result.errors
            for message in line.errors
        ]
        return HttpStatus(422, {"detail": detail, "rows": _rows(exc.result)})
    return {
        "dry_run": dry_run,
        "applied": result.applied,
        "counts": result.counts,
        "rows": _rows(result),
    }
