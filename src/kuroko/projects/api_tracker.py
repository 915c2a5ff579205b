"""REST endpoints for tracker CSV exports (Redmine, Jira, Backlog): a new project, or an update of one
with the same diff as MS Project XML. Options are a JSON object (`tracker`, `columns`, `date_format`,
`estimate_unit`) or the name of a saved mapping; without either the tracker and its columns are detected
from the header. A file that cannot be imported answers 422 with every problem:
`{"detail": [{"loc": ["file", row, column], "msg": …, "row": …, "column": …, "message": …}]}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from kuroko.projects import selectors, services
from kuroko.projects.api import ImportDiffOut, ProjectOut
from kuroko.projects.services.import_files import read_upload
from kuroko.projects.services.tracker_csv import TrackerFileRefused, tracker_options

router = Router(tags=["projects"])

OPTIONS_HELP = "JSON object: tracker, columns {field: header}, date_format, estimate_unit"


class RowProblemOut(Schema):
    loc: list[Any]
    msg: str
    row: int | None
    column: str
    message: str


class TrackerProblemOut(Schema):
    detail: list[RowProblemOut]


def problems(exc: TrackerFileRefused) -> HttpStatus[Any]:
    """The 422 answer listing every problem of the file by row and column."""
    detail = [
        {
            "loc": ["file", *([p.row] if p.row is not None else []), *([p.column] if p.column else [])],
            "msg": message,
            "row": p.row,
            "column": p.column,
            "message": p.message,
        }
        for p, message in zip(exc.rows, exc.messages, strict=False)
    ]
    return HttpStatus(422, {"detail": detail})


@router.post("/imports/tracker", response={201: ProjectOut, 422: TrackerProblemOut})
def import_tracker(
    request: HttpRequest,
    file: File[UploadedFile],
    code: Form[str],
    name: Form[str] = "",
    options: Form[str] = "",
    mapping: Form[str] = "",
) -> Any:
    """Create a project from a Redmine, Jira or Backlog CSV export (multipart: file, code, optional name,
    options as JSON or the name of a saved mapping). Issues become tasks keyed by their number."""
    chosen = tracker_options(options=options, mapping=mapping)
    try:
        project = services.project_import_tracker(
            actor=request.user, data=read_upload(file), options=chosen, code=code, name=name or code
        )
    except TrackerFileRefused as exc:
        return problems(exc)
    return HttpStatus(201, selectors.project_get(request.user, project.code))


@router.post("/projects/{code}/imports/tracker", response={200: ImportDiffOut, 422: TrackerProblemOut})
def update_from_tracker(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    options: Form[str] = "",
    mapping: Form[str] = "",
) -> Any:
    """Update the project from a later export of its tracker (multipart: file, dry_run to see the changes
    without making them, options or mapping). Issues are matched to tasks by their number or key."""
    project = selectors.project_get(request.user, code)
    chosen = tracker_options(options=options, mapping=mapping)
    try:
        return services.project_update_tracker(
            actor=request.user, project=project, data=read_upload(file), options=chosen, dry_run=dry_run
        )
    except TrackerFileRefused as exc:
        return problems(exc)
