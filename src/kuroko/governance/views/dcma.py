"""Schedule quality pages: a project's DCMA 14-point report and its Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kuroko.formats.dcma_xlsx import write_workbook
from kuroko.governance.selectors.dcma import critical_path_reason, dcma_for_project, dcma_rows, status_message
from kuroko.projects.selectors import project_get


@login_required
@require_GET
def project_dcma(request: HttpRequest, code: str) -> HttpResponse:
    """The fourteen checks of the project's schedule, each opening onto the tasks it names."""
    project = project_get(request.user, code)
    try:
        report = dcma_for_project(request.user, project, as_of=timezone.localdate())
    except ValidationError as exc:  # e.g. a status date out of range: say so on the project page
        messages.error(request, " ".join(exc.messages))
        return redirect("project-detail", project.code)
    rows = dcma_rows(report)
    context = {
        "nav": "portfolio",
        "project": project,
        "report": report,
        "rows": rows,
        "summary": status_message(report),
        "own_status_date": project.status_date is not None,
        "cpt_reason": critical_path_reason(report),
    }
    return render(request, "governance/dcma_project.html", context)


@login_required
@require_GET
def project_dcma_export(request: HttpRequest, code: str) -> HttpResponse:
    """The report and the task lists as an Excel workbook."""
    project = project_get(request.user, code)
    try:
        report = dcma_for_project(request.user, project, as_of=timezone.localdate())
    except ValidationError as exc:  # e.g. a status date out of range: say so on the project page
        messages.error(request, " ".join(exc.messages))
        return redirect("project-detail", project.code)
    rows = dcma_rows(report)
    checks = [
        (
            r.check.number,
            r.name,
            r.measures,
            r.threshold,
            r.check.count,
            r.check.total,
            r.value,
            r.state_label,
        )
        for r in rows
    ]
    tasks = [(r.check.number, r.name, t.wbs, t.name, t.value) for r in rows for t in r.tasks]
    body = write_workbook(
        [
            (
                _("Checks"),
                [
                    "#",
                    _("Check"),
                    _("What it measures"),
                    _("Threshold"),
                    _("Count"),
                    _("Total"),
                    _("Value"),
                    _("Result"),
                ],
                checks,
                [4, 28, 60, 12, 8, 8, 10, 8],
            ),
            (
                _("Tasks"),
                ["#", _("Check"), _("WBS"), _("Task"), _("Offending value")],
                tasks,
                [4, 28, 10, 40, 50],
            ),
        ]
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{project.code}-dcma-{report.status_date:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
