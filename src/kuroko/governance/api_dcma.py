"""REST endpoints of schedule quality: the DCMA 14-point report of a project or of an uploaded plan file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, UploadedFile

from kuroko.engine.dcma import DcmaReport
from kuroko.governance.selectors.dcma import (
    critical_path_reason,
    dcma_for_file,
    dcma_for_project,
    dcma_rows,
    status_message,
)
from kuroko.projects.selectors import project_get
from kuroko.projects.services.import_files import read_upload

router = Router(tags=["governance"])


class DcmaTaskOut(Schema):
    id: str
    wbs: str
    name: str
    value: str  # the offending value, in words


class DcmaCheckOut(Schema):
    number: int
    key: str
    name: str
    measures: str
    unit: str  # percent | count | index | test
    value: float | None
    threshold: float | None
    threshold_text: str
    passed: bool | None  # None: not applicable
    count: int
    total: int
    tasks: list[DcmaTaskOut]


class DcmaReportOut(Schema):
    status_date: date
    project_finish: datetime | None
    baseline_finish: datetime | None
    passed: int
    failed: int
    applicable: int
    summary: str
    critical_path_task: str | None
    critical_path_note: str
    checks: list[DcmaCheckOut]


def _out(report: DcmaReport, *, stored: bool) -> dict[str, Any]:
    rows = dcma_rows(report, stored=stored)
    cpt = report.critical_path
    return {
        "status_date": report.status_date,
        "project_finish": report.project_finish,
        "baseline_finish": report.baseline_finish,
        "passed": report.passed,
        "failed": report.failed,
        "applicable": report.applicable,
        "summary": status_message(report),
        "critical_path_task": cpt.task if cpt is not None else None,
        "critical_path_note": critical_path_reason(report),
        "checks": [
            {
                "number": r.check.number,
                "key": r.check.key,
                "name": r.name,
                "measures": r.measures,
                "unit": r.check.unit,
                "value": r.check.value,
                "threshold": r.check.threshold,
                "threshold_text": r.threshold,
                "passed": r.check.passed,
                "count": r.check.count,
                "total": r.check.total,
                "tasks": [{"id": t.id, "wbs": t.wbs, "name": t.name, "value": t.value} for t in r.tasks],
            }
            for r in rows
        ],
    }


@router.get("/projects/{code}/dcma", response=DcmaReportOut)
def project_dcma(request: HttpRequest, code: str) -> Any:
    """The DCMA 14-point assessment of the project's schedule, on its status date (today if it has none).
    Task ids are the ids of the project's tasks."""
    project = project_get(request.user, code)
    return _out(dcma_for_project(request.user, project, as_of=timezone.localdate()), stored=False)


@router.post("/dcma", response=DcmaReportOut)
def file_dcma(request: HttpRequest, file: File[UploadedFile], status_date: Form[date | None] = None) -> Any:
    """The DCMA 14-point assessment of a plan file (multipart form: file — Kuroko plan JSON (.json) or MS
    Project XML (.xml); optional status_date, default the file's, else today). The plan is scheduled by
    the engine; MS Project's baseline and assignments are used when present. Nothing is stored; a file
    that cannot be read gets 422 naming the problem."""
    report = dcma_for_file(read_upload(file), file.name or "", status_date=status_date)
    return _out(report, stored=False)
