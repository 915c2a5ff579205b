"""Permission-matrix cases and fixture rows of the reporting exports part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.

Everyone signed in reads the executive summary and the archive (each sees what concerns the projects they
read); a project's report exports go to its readers; the PMO schedules anything, a PM their project's
report; a schedule is seen by the PMO, its owner and subscribers (others get 404) and changed by the PMO
and its owner.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from tests.permission_cases import Case, api, page

ALL = (200, 200, 200, 200, 200, 200, 302)
READ_ALPHA = (200, 200, 200, 200, 200, 403, 302)


def _schedule_form(ids: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Weekly ALPHA", "kind": "project", "formats": ["pdf"], "audience": "team",
            "project": "ALPHA", "program": "", "weekday": "4", "at": "17:00", "subscribers": [],
            "enabled": "on"}  # fmt: skip


def _schedule_json(ids: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Weekly ALPHA", "kind": "project", "formats": ["xlsx"], "project": "ALPHA", "weekday": 0}


# fmt: off
CASES: list[Case] = [
    #     admn pmo  pm   mmbr exec outs anon
    page(ALL, "reports-home", "GET", "/reports/"),
    page(ALL, "reports-home", "GET", "/reports/?week=2026-W45&program=PG1", label="week, program"),
    page(ALL, "portfolio-export", "GET", "/reports/export/xlsx/?week=2026-W45"),
    page(READ_ALPHA, "project-status-report-export", "GET",
         "/projects/ALPHA/status-reports/2026-W45/export/xlsx/"),
    page((200, 200, 403, 403, 200, 403, 302), "project-status-report-export", "GET",
         "/projects/BETA/status-reports/2026-W45/export/xlsx/", label="BETA"),
    page(ALL, "report-archive", "GET", "/reports/archive/?kind=project&format=xlsx"),
    page(READ_ALPHA, "report-archive-download", "GET", "/reports/archive/{alpha_file}/download/"),
    page(ALL, "report-schedules", "GET", "/reports/schedules/"),
    page((200, 200, 200, 403, 403, 403, 302), "report-schedule-create", "GET", "/reports/schedules/new/"),
    page((302, 302, 302, 403, 403, 403, 302), "report-schedule-create", "POST", "/reports/schedules/new/",
         _schedule_form),
    page((200, 200, 200, 403, 404, 404, 302), "report-schedule-edit", "GET",
         "/reports/schedules/{pm_schedule}/"),
    page((302, 302, 302, 403, 404, 404, 302), "report-schedule-edit", "POST",
         "/reports/schedules/{pm_schedule}/", _schedule_form),
    page((302, 302, 302, 403, 404, 404, 302), "report-schedule-delete", "POST",
         "/reports/schedules/{pm_schedule}/delete/"),
    page((302, 302, 404, 404, 403, 404, 302), "report-schedule-run", "POST",
         "/reports/schedules/{pmo_schedule}/run/"),
    # --- API ---
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/reports/portfolio", query="week=2026-W45"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/status-reports/{week}/export/{fmt}",
        code="alpha", week="export_week", fmt="xlsx_format"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/reports/portfolio/export/{fmt}", query="week=2026-W45",
        fmt="xlsx_format"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/reports/archive"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/reports/archive/{pk}/download", pk="alpha_file"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/reports/schedules"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/reports/schedules", _schedule_json),
    api((200, 200, 200, 200, 404, 404, 401), "GET", "/reports/schedules/{pk}", pk="pm_schedule"),
    api((200, 200, 200, 403, 404, 404, 401), "PUT", "/reports/schedules/{pk}", lambda ids: {"weekday": 2},
        pk="pm_schedule"),
    api((204, 204, 204, 403, 404, 404, 401), "DELETE", "/reports/schedules/{pk}", pk="pm_schedule"),
    api((202, 202, 404, 404, 403, 404, 401), "POST", "/reports/schedules/{pk}/run", pk="pmo_schedule"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Reports of ALPHA and BETA for 2026-W45, an archived ALPHA file, the PM's ALPHA schedule (the member
    subscribed) and the PMO's portfolio schedule (the executive subscribed)."""
    from kuroko.reporting.models import ReportSchedule, StatusReport
    from kuroko.reporting.services.exports import project_report_export
    from tests.reporting.test_exports import make_facts

    week = date(2026, 11, 2)
    for project in (world.project, world.other):
        StatusReport.objects.create(
            project=project, week=week, status="submitted", facts=make_facts(project, week).to_dict(),
            rag_overall="amber",
        )  # fmt: skip
    alpha_file = project_report_export(actor=world.pmo, project=world.project, week=week, fmt="xlsx")
    pm_schedule = ReportSchedule.objects.create(
        name="ALPHA weekly", kind="project", formats=["xlsx"], audience="team", project=world.project,
        weekday=4, at=time(17, 0), owner=world.pm,
    )  # fmt: skip
    pm_schedule.subscribers.set([world.pm, world.member])
    pmo_schedule = ReportSchedule.objects.create(
        name="Portfolio", kind="portfolio", formats=["xlsx"], audience="pmo", weekday=4, at=time(17, 0),
        owner=world.pmo,
    )  # fmt: skip
    pmo_schedule.subscribers.set([world.executive])
    return {
        "alpha_file": alpha_file.pk,
        "pm_schedule": pm_schedule.pk,
        "pmo_schedule": pmo_schedule.pk,
        "export_week": "2026-W45",
        "xlsx_format": "xlsx",
    }
