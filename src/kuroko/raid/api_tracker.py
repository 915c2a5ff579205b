"""REST endpoint importing a tracker's CSV export (Redmine, Jira, Backlog) as issues of a project, the
same rules as the page: a dry run answers what each row does and writes nothing; a file or row that
cannot be imported answers 422 with every problem (row, column, message) and writes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from kuroko.projects import selectors as project_selectors
from kuroko.projects.api_tracker import TrackerProblemOut, problems
from kuroko.projects.services.import_files import read_upload
from kuroko.projects.services.tracker_csv import TrackerFileRefused, tracker_options
from kuroko.raid.api_registers_excel import ImportRowOut, _rows
from kuroko.raid.services.registers_excel import ImportRefused
from kuroko.raid.services.tracker_import import issues_import_tracker

router = Router(tags=["risks, issues and decisions"])


class TrackerImportOut(Schema):
    dry_run: bool
    applied: bool
    counts: dict[str, int]
    rows: list[ImportRowOut]
    warnings: list[str]


class TrackerRowsProblemOut(TrackerProblemOut):
    rows: list[ImportRowOut] = []


@router.post(
    "/projects/{code}/issues/import-tracker",
    response={200: TrackerImportOut, 422: TrackerRowsProblemOut},
)
def import_issues_tracker(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    options: Form[str] = "",
    mapping: Form[str] = "",
) -> Any:
    """Add or update the project's issues from a Redmine, Jira or Backlog CSV export (multipart: file,
    dry_run for the preview, options as JSON or a saved mapping's name). Issues are matched by their
    tracker number or key. All rows or none."""
    project = project_selectors.project_get(request.user, code)
    chosen = tracker_options(options=options, mapping=mapping)
    try:
        result = issues_import_tracker(
            actor=request.user, project=project, data=read_upload(file), options=chosen, dry_run=dry_run
        )
    except TrackerFileRefused as exc:
        return problems(exc)
    except ImportRefused as exc:
        detail = [
            {"loc": ["file", line.row], "msg": message, "row": line.row, "column": "", "message": message}
            for line in exc.result.errors
            for message in line.errors
        ]
        return HttpStatus(422, {"detail": detail, "rows": _rows(exc.result)})
    return {
        "dry_run": dry_run,
        "applied": result.applied,
        "counts": result.counts,
        "rows": _rows(result),
        "warnings": result.warnings,
    }
