"""Permission matrix: every HTML view and every API operation, for every role, against one explicit table.

The table (`CASES`) says, per case, which status code each role gets. Discovery tests walk
`kuroko.urls.urlpatterns` (and the ninja API's OpenAPI operations) and fail when a route or API
operation has no case, so a new endpoint cannot slip in without an entry here.

Each case runs for every role inside a savepoint that is rolled back, so every role starts from the same
data. Refused requests (403, 401, 404, 422, or a redirect to a login page) must leave the database
unchanged; allowed writes must change it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver

from kuroko.core.models import Organisation, User
from kuroko.core.services import api_token_create
from kuroko.people import services as calendar_services
from kuroko.people.selectors import default_calendar
from kuroko.projects import services
from kuroko.projects.models import Dependency, LevelingRun, Project, ProjectMember, ProjectRole, Task
from kuroko.projects.services import feeds as feed_services
from kuroko.projects.services import leveling
from tests.factories import PersonFactory, ProgramFactory, TeamFactory
from tests.governance.matrix_audits import CASES as GOVERNANCE_AUDIT_CASES
from tests.governance.matrix_audits import matrix_ids as governance_audit_ids
from tests.governance.matrix_dcma import CASES as GOVERNANCE_DCMA_CASES
from tests.governance.matrix_dcma import matrix_ids as governance_dcma_ids
from tests.governance.matrix_gates import CASES as GOVERNANCE_GATE_CASES
from tests.governance.matrix_gates import matrix_ids as governance_gate_ids
from tests.governance.matrix_quality import CASES as GOVERNANCE_QUALITY_CASES
from tests.governance.matrix_quality import matrix_ids as governance_quality_ids
from tests.governance.matrix_templates import CASES as GOVERNANCE_TEMPLATE_CASES
from tests.governance.matrix_templates import matrix_ids as governance_template_ids
from tests.permission_cases import Case, api, page
from tests.reporting.matrix_dashboard import CASES as REPORTING_DASHBOARD_CASES
from tests.reporting.matrix_dashboard import matrix_ids as reporting_dashboard_ids
from tests.reporting.matrix_exports import CASES as REPORTING_EXPORTS_CASES
from tests.reporting.matrix_exports import matrix_ids as reporting_exports_ids
from tests.reporting.matrix_meetings import CASES as REPORTING_MEETINGS_CASES
from tests.reporting.matrix_meetings import matrix_ids as reporting_meetings_ids
from tests.reporting.matrix_notifications import CASES as REPORTING_NOTIFICATIONS_CASES
from tests.reporting.matrix_notifications import matrix_ids as reporting_notifications_ids
from tests.reporting.matrix_status import CASES as REPORTING_STATUS_CASES
from tests.reporting.matrix_status import matrix_ids as reporting_status_ids

ROLES = ("admin", "pmo", "pm", "member", "executive", "outsider", "anonymous")
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")
APPS = ("core", "people", "projects", "tracking", "raid", "governance", "reporting")


def _mspdi_upload() -> Any:
    """A fresh upload of a small MS Project XML file (an upload can be read once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.projects.test_import import mspdi

    return SimpleUploadedFile("plan.xml", mspdi(), content_type="application/xml")


def _tracker_upload() -> Any:
    """A fresh upload of a one-issue Redmine CSV export."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("issues.csv", b"#,Subject,Status,Priority\r\n1,Imported,New,Normal\r\n")


def _psplib_upload() -> Any:
    """A fresh upload of a small PSPLIB file (any format goes through /imports/file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.projects.test_import_files import SMALL_SM

    return SimpleUploadedFile("small.sm", SMALL_SM.encode())


def project_form(ids: dict[str, Any], code: str) -> dict[str, Any]:
    """A complete, valid project edit form for `code` that keeps its manager."""
    rags = ("overall", "schedule", "cost", "scope", "quality", "risk")
    return {
        "version": ids[f"{code}_version"],
        "code": code,
        "name": f"{code} renamed",
        "program": ids["program"],
        "manager": ids[f"{code}_manager"],
        "sponsor": "",
        "status": "active",
        "priority": 500,
        "budget": "0",
        "planned_start": "",
        "planned_finish": "",
        "description": "",
        **{f"rag_{d}": "" for d in rags},
        **{f"rag_{d}_reason": "" for d in rags},
    }


def task_form(ids: dict[str, Any], task: str) -> dict[str, Any]:
    """A complete task edit form; a progress-only form (task owners) reads just percent_complete."""
    return {
        "version": ids[f"{task}_version"],
        "name": f"{task} edited",
        "kind": "task",
        "duration": "3d",
        "planned_start": "",
        "planned_finish": "",
        "percent_complete": 40,
        "owner": ids[f"{task}_owner"],
        "predecessors": "",
        "notes": "",
    }


def calendar_form(ids: dict[str, Any]) -> dict[str, Any]:
    """A complete, valid edit form of the default calendar."""
    week = {day: "09:00-12:00, 13:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
    return {"version": ids["calendar_version"], "name": "Head office", "kind": "organisation",
            "holiday_country": "JP", "base": "", "is_default": "on", **week, "sat": "",
            "sun": ""}  # fmt: skip


def _attendance_upload(ids: dict[str, Any]) -> Any:
    """A fresh upload of a one-row attendance CSV for the member."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = f"email,date\r\n{ids['member_email']},2026-06-03\r\n".encode()
    return SimpleUploadedFile("kintai.csv", data, content_type="text/csv")


def _contract_form(ids: dict[str, Any], *, api: bool = False) -> dict[str, Any]:
    """A complete, valid contract of the spare person."""
    return {"person_id" if api else "person": ids["spare_person"], "vendor": "ACME", "reference": "",
            "start": "2026-04-01", "end": None if api else "", "monthly_fee": "500000", "lower_hours": "140",
            "upper_hours": "180", "deduction_rate": "3571", "excess_rate": "2777"}  # fmt: skip


def _risk_row(ids: dict[str, Any]) -> dict[str, Any]:
    """The register's inline row of ALPHA's risk (owned by the member), re-scored to 4 × 4."""
    return {"version": ids["risk_version"], "title": "Vendor late", "category": "supplier",
            "owner": ids["member_person"], "probability": 4, "impact_cost": 0, "impact_schedule": 4,
            "impact_quality": 0, "status": "responding", "next_review": ""}  # fmt: skip


def _risk_form(ids: dict[str, Any]) -> dict[str, Any]:
    """The risk's whole detail form."""
    return {**_risk_row(ids), "kind": "threat", "raised_on": "2026-04-01", "cause": "", "event": "",
            "effect": "", "proximity": "", "strategy": "mitigate", "response": "Second vendor",
            "trigger": "", "residual_probability": "", "residual_impact": "", "probability_percent": "",
            "cost_min": "", "cost_most_likely": "", "cost_max": "", "schedule_min": "",
            "schedule_most_likely": "", "schedule_max": ""}  # fmt: skip


def _risk_upload() -> Any:
    """A one-row risk workbook (an upload can be read once)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Title", "Probability"])
    book.active.append(["Imported", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("risks.xlsx", buffer.getvalue())


def _register_upload(title: str = "Imported") -> Any:
    """A one-row workbook of any register but risks (only the title is required)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Title"])
    book.active.append([title])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("register.xlsx", buffer.getvalue())


def _wbs_upload() -> Any:
    """A two-row Excel WBS (an upload can be read once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.formats.test_excel_wbs import workbook

    return SimpleUploadedFile("wbs.xlsx", workbook([["WBS", "Name"], ["1", "Imported"], ["1.1", "Child"]]))


def _matrix_form(ids: dict[str, Any]) -> dict[str, Any]:
    cells = {f"cell_{p}_{i}": "high" for p in range(1, 6) for i in range(1, 6)}
    return {"size": 5, "review_days": 30, "probability_labels": "", "impact_labels": "",
            "probability_percents": "", "cost_thresholds": "", "schedule_threshold_days": "",
            **cells}  # fmt: skip


def version_of(task: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"version": ids[f"{task}_version"]}


# fmt: off
CASES: list[Case] = [
    #     admn pmo  pm   mmbr exec outs anon   (admin, pmo, pm, member, executive, outsider, anonymous)
    # --- accounts and directory pages ---------------------------------------------------------------
    page((200, 200, 200, 200, 200, 200, 302), "portfolio", "GET", "/"),
    # The timeline lists only what each role may read (checked by tests/projects/test_timeline.py).
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-timeline", "GET", "/timeline/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-timeline-svg", "GET", "/timeline.svg"),
    page((200, 200, 200, 200, 200, 200, 302), "people", "GET", "/people/"),
    page((200, 200, 200, 200, 200, 200, 302), "person-detail", "GET", "/people/{member_person}/"),
    page((200, 200, 200, 200, 200, 200, 302), "person-history", "GET", "/people/{member_person}/history/"),
    page((200, 200, 200, 200, 200, 200, 302), "profile", "GET", "/accounts/profile/"),
    page((200, 200, 200, 200, 200, 200, 302), "password_change", "GET", "/accounts/password/"),
    page((200, 200, 200, 200, 200, 200, 302), "password_change_done", "GET", "/accounts/password/done/"),
    # Signed-in users are sent on from the login page (redirect_authenticated_user).
    page((302, 302, 302, 302, 302, 302, 200), "login", "GET", "/accounts/login/"),
    page((302, 302, 302, 302, 302, 302, 302), "logout", "POST", "/accounts/logout/", writes=False),
    # The language switch works before login too (cookie only).
    page((302, 302, 302, 302, 302, 302, 302), "set-language", "POST", "/accounts/language/",
         lambda ids: {"language": "en", "next": "/"}, writes=False),
    page((302, 302, 302, 302, 302, 302, 302), "token-create", "POST", "/accounts/tokens/",
         lambda ids: {"name": "script"}),
    # The token belongs to admin: nobody else can even find it.
    page((302, 404, 404, 404, 404, 404, 302), "token-revoke", "POST",
         "/accounts/tokens/{admin_token}/revoke/"),
    # Django admin, one entry for the whole site: staff only; everyone else is sent to the admin login.
    page((200, 302, 302, 302, 302, 302, 302), "admin/", "GET", "/admin/"),
    # --- projects ----------------------------------------------------------------------------------
    page((200, 200, 200, 403, 403, 403, 302), "project-create", "GET", "/projects/new/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-create", "POST", "/projects/new/",
         lambda ids: {"code": "NEW", "name": "New", "status": "proposed", "priority": 500, "budget": "0"}),
    page((200, 200, 200, 200, 200, 403, 302), "project-detail", "GET", "/projects/ALPHA/"),
    page((200, 200, 403, 403, 200, 403, 302), "project-detail", "GET", "/projects/BETA/"),
    # pm is a plain member of GAMMA: reads it, cannot edit it.
    page((200, 200, 200, 403, 200, 403, 302), "project-detail", "GET", "/projects/GAMMA/"),
    page((200, 200, 200, 403, 403, 403, 302), "project-edit", "GET", "/projects/ALPHA/edit/"),
    page((200, 200, 403, 403, 403, 403, 302), "project-edit", "GET", "/projects/GAMMA/edit/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-edit", "POST", "/projects/ALPHA/edit/",
         lambda ids: project_form(ids, "ALPHA")),
    page((302, 302, 403, 403, 403, 403, 302), "project-edit", "POST", "/projects/BETA/edit/",
         lambda ids: project_form(ids, "BETA")),
    # Only the PMO administrator deletes projects.
    page((302, 403, 403, 403, 403, 403, 302), "project-delete", "POST", "/projects/ALPHA/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-history", "GET", "/projects/ALPHA/history/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-schedule", "GET", "/projects/ALPHA/schedule/"),
    page((200, 200, 200, 403, 403, 403, 302), "project-import", "GET", "/projects/import/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-import", "POST", "/projects/import/",
         lambda ids: {"file": _mspdi_upload(), "code": "MX-IMP"}),
    page((200, 200, 200, 200, 200, 403, 302), "project-mspdi", "GET", "/projects/ALPHA/schedule.xml"),
    # Tracker CSV: who creates projects imports one; who edits a project updates it. Uploading keeps the
    # file and shows the mapping step, writing nothing to the database.
    page((200, 200, 200, 403, 403, 403, 302), "project_import_tracker", "GET", "/projects/import/tracker/"),
    page((200, 200, 200, 403, 403, 403, 302), "project_import_tracker", "POST", "/projects/import/tracker/",
         lambda ids: {"step": "upload", "file": _tracker_upload()}, writes=False, label="upload"),
    page((200, 200, 200, 403, 403, 403, 302), "project_reimport_tracker", "GET",
         "/projects/ALPHA/import/tracker/"),
    page((200, 200, 403, 403, 403, 403, 302), "project_reimport_tracker", "GET",
         "/projects/BETA/import/tracker/"),
    page((200, 200, 200, 403, 403, 403, 302), "project_reimport_tracker", "POST",
         "/projects/ALPHA/import/tracker/", lambda ids: {"step": "upload", "file": _tracker_upload()},
         writes=False, label="upload"),
    page((422, 422, 422, 403, 403, 403, 302), "project_reimport_tracker", "POST",
         "/projects/ALPHA/import/tracker/", lambda ids: {"token": "x" * 32}, label="unknown token"),
    page((200, 200, 200, 403, 403, 403, 302), "issues-import-tracker", "GET",
         "/projects/ALPHA/issues/import-tracker/"),
    page((200, 200, 200, 403, 403, 403, 302), "issues-import-tracker", "POST",
         "/projects/ALPHA/issues/import-tracker/", lambda ids: {"step": "upload", "file": _tracker_upload()},
         writes=False, label="upload"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-schedule", "GET", "/portfolio/schedule/"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-heatmap", "GET", "/resources/"),
    # Costs: project readers see them; who edits the project keeps the budget and the expenses.
    page((200, 200, 200, 200, 200, 403, 302), "project-costs", "GET", "/projects/ALPHA/costs/"),
    page((302, 302, 302, 403, 403, 403, 302), "budget-set", "POST", "/projects/ALPHA/costs/budget/",
         lambda ids: {"month": "2027-04-01", "category": "labour", "amount": "1000"}),
    page((302, 302, 302, 403, 403, 403, 302), "expense-add", "POST", "/projects/ALPHA/costs/expenses/add/",
         lambda ids: {"date": "2027-04-09", "category": "expenses", "amount": "100", "description": "Taxi"}),
    page((302, 302, 302, 403, 403, 403, 302), "expense-delete", "POST", "/expenses/{expense}/delete/"),
    # Earned value: project readers see it; who edits the project sets its status date and milestones; a
    # milestone is achieved by who may report progress (the member owns the task); the portfolio table
    # lists what each role may read; the chart script is public (no data in it).
    page((200, 200, 200, 200, 200, 403, 302), "project-evm", "GET", "/projects/ALPHA/evm/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-evm", "GET",
         "/projects/ALPHA/evm/?status_date=2026-05-01&unit=person_days", label="date, unit"),
    page((302, 302, 302, 403, 403, 403, 302), "project-evm-status-date", "POST",
         "/projects/ALPHA/evm/status-date/", lambda ids: {"status_date": "2026-05-01"}),
    page((302, 302, 302, 403, 403, 403, 302), "evm-milestone-add", "POST",
         "/projects/ALPHA/evm/milestones/add/",
         lambda ids: {"task": ids["plain"], "name": "Signed off", "weight": "50"}),
    page((302, 302, 302, 302, 403, 403, 302), "evm-milestone-achieve", "POST",
         "/evm/milestones/{milestone}/", lambda ids: {"achieved_on": "2026-05-01"}),
    page((302, 302, 302, 403, 403, 403, 302), "evm-milestone-delete", "POST",
         "/evm/milestones/{milestone}/delete/"),
    page((200, 200, 200, 200, 200, 200, 302), "evm-portfolio", "GET", "/evm/?unit=hours"),
    page((200, 200, 200, 200, 200, 200, 200), "chart-bundle", "GET", "/charts/vega.js"),
    page((302, 302, 403, 403, 403, 403, 302), "person-rate-add", "POST", "/people/{spare_person}/rates/add/",
         lambda ids: {"effective_from": "2027-01-01", "cost_rate": "5000"}),
    # Levelling: who edits a project levels it; the PMO levels the portfolio; readers see proposals.
    page((200, 200, 200, 200, 200, 200, 302), "leveling-list", "GET", "/resources/leveling/"),
    page((302, 302, 403, 403, 403, 403, 302), "leveling-start", "POST", "/resources/leveling/new/"),
    page((200, 200, 200, 200, 200, 403, 302), "leveling-run", "GET", "/resources/leveling/{run}/"),
    page((302, 302, 302, 403, 403, 403, 302), "leveling-decide", "POST", "/resources/leveling/{run}/apply/"),
    page((302, 302, 302, 403, 403, 403, 302), "leveling-decide", "POST", "/resources/leveling/{run}/discard/",
         label="discard"),
    page((302, 302, 302, 403, 403, 403, 302), "project-level", "POST", "/projects/ALPHA/level/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-level-clear", "POST", "/projects/ALPHA/level/clear/",
         writes=False),
    # Load figures are open to every signed-in user; a cell names only tasks of readable projects.
    page((200, 200, 200, 200, 200, 200, 302), "resource-heatmap", "GET",
         "/resources/?scale=month&periods=3&project=ALPHA", label="month, project"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-cell", "GET",
         "/resources/cell/?person={member_person}&start=2026-04-06&scale=week"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-groups", "GET", "/resources/teams-skills/"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-utilisation", "GET", "/resources/utilisation/"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-utilisation-export", "GET",
         "/resources/utilisation.csv?group=team"),
    page((200, 200, 200, 200, 200, 200, 302), "resource-utilisation-export", "GET",
         "/resources/utilisation.xlsx"),
    # Staffing: who reads the project sees the suggestions; who edits it asks for a proposal and assigns.
    page((200, 200, 200, 200, 200, 200, 302), "who-is-free", "GET", "/resources/free/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-staffing", "GET", "/projects/ALPHA/staffing/"),
    page((200, 200, 200, 403, 403, 403, 302), "project-staffing-proposal", "GET",
         "/projects/ALPHA/staffing/proposal/"),
    page((200, 200, 403, 403, 403, 403, 302), "project-staffing-proposal", "GET",
         "/projects/BETA/staffing/proposal/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-staffing-apply", "POST",
         "/projects/ALPHA/staffing/apply/",
         lambda ids: {"choice": f"{ids['placeholder_assignment']}:{ids['member_person']}"}),
    # Rescheduling an already scheduled portfolio may change nothing: only the refusals are checked.
    page((302, 302, 403, 403, 403, 403, 302), "portfolio-reschedule", "POST",
         "/portfolio/schedule/reschedule/", writes=False),
    page((200, 200, 200, 403, 403, 403, 302), "project-import-update", "GET",
         "/projects/ALPHA/update-from-xml/"),
    # Uploading shows what would change and writes nothing; applying needs this session's upload token.
    page((200, 200, 200, 403, 403, 403, 302), "project-import-update", "POST",
         "/projects/ALPHA/update-from-xml/", lambda ids: {"file": _mspdi_upload()}, writes=False,
         label="dry run"),
    page((422, 422, 422, 403, 403, 403, 302), "project-import-update", "POST",
         "/projects/ALPHA/update-from-xml/", lambda ids: {"token": "x" * 32}, label="unknown token"),
    page((200, 200, 200, 200, 200, 403, 302), "project-gantt", "GET", "/projects/ALPHA/gantt/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-gantt-data", "GET", "/projects/ALPHA/gantt.json"),
    page((200, 200, 403, 403, 200, 403, 302), "project-gantt-data", "GET", "/projects/BETA/gantt.json"),
    page((200, 200, 200, 200, 200, 403, 302), "project-gantt-svg", "GET", "/projects/ALPHA/gantt.svg"),
    page((200, 200, 200, 403, 403, 403, 302), "project-gantt-edit", "POST", "/projects/ALPHA/gantt/edit/",
         lambda ids: {"op": "move", "task": ids["plain"], "start": "2026-12-01"}, json_body=True),
    page((200, 200, 200, 200, 200, 403, 302), "project-baselines", "GET", "/projects/ALPHA/baselines/"),
    page((302, 302, 302, 403, 403, 403, 302), "baseline-action", "POST",
         "/projects/ALPHA/baselines/1/capture/", lambda ids: {"name": "Agreed"}),
    page((302, 302, 302, 403, 403, 403, 302), "baseline-action", "POST",
         "/projects/ALPHA/baselines/3/compare/"),
    page((200, 200, 200, 403, 403, 403, 302), "task-add", "POST", "/projects/ALPHA/tasks/add/",
         lambda ids: {"name": "Added"}),
    page((302, 302, 302, 403, 403, 403, 302), "member-add", "POST", "/projects/ALPHA/members/add/",
         lambda ids: {"person": ids["outsider_person"], "role": "member"}),
    page((302, 302, 302, 403, 403, 403, 302), "member-remove", "POST",
         "/projects/ALPHA/members/{member_link}/remove/"),
    # --- tasks -------------------------------------------------------------------------------------
    page((200, 200, 200, 200, 200, 403, 302), "task-row", "GET", "/tasks/{owned}/"),
    page((200, 200, 200, 200, 200, 403, 302), "task-driving-path", "GET", "/tasks/{plain}/driving-path.json"),
    page((200, 200, 403, 403, 200, 403, 302), "task-row", "GET", "/tasks/{beta_task}/"),
    # The owner gets a progress form; executives change nothing.
    page((200, 200, 200, 200, 403, 403, 302), "task-edit", "GET", "/tasks/{owned}/edit/"),
    page((200, 200, 200, 403, 403, 403, 302), "task-edit", "GET", "/tasks/{plain}/edit/"),
    page((200, 200, 200, 200, 403, 403, 302), "task-edit", "POST", "/tasks/{owned}/edit/",
         lambda ids: task_form(ids, "owned")),
    page((200, 200, 200, 403, 403, 403, 302), "task-edit", "POST", "/tasks/{plain}/edit/",
         lambda ids: task_form(ids, "plain")),
    page((200, 200, 200, 403, 403, 403, 302), "task-indent", "POST", "/tasks/{plain}/indent/",
         version_of("plain")),
    # Owning a task does not allow restructuring the WBS.
    page((200, 200, 200, 403, 403, 403, 302), "task-outdent", "POST", "/tasks/{owned}/outdent/",
         version_of("owned")),
    page((200, 200, 200, 403, 403, 403, 302), "task-move", "POST", "/tasks/{plain}/move/up/",
         version_of("plain")),
    page((200, 200, 200, 403, 403, 403, 302), "task-delete", "POST", "/tasks/{plain}/delete/",
         version_of("plain")),
    page((200, 200, 200, 403, 403, 403, 302), "task-insert-below", "POST", "/tasks/{plain}/insert-below/"),
    page((200, 200, 200, 200, 200, 403, 302), "task-history", "GET", "/tasks/{owned}/history/"),
    # --- API plumbing: the schema and its offline viewer are public ---------------------------------
    page((200, 200, 200, 200, 200, 200, 200), "api:openapi-json", "GET", "/api/v1/openapi.json"),
    page((200, 200, 200, 200, 200, 200, 200), "api:openapi-view", "GET", "/api/v1/docs"),
    # ninja's root only exists to reverse operation URLs; it always answers 404.
    page((404, 404, 404, 404, 404, 404, 404), "api:api-root", "GET", "/api/v1/"),
    # --- API: programs -------------------------------------------------------------------------------
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/programs"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/programs",
        lambda ids: {"code": "PGNEW", "name": "New program"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/programs/{code}", code="pg1"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/programs/{code}",
        lambda ids: {"version": ids["program_version"], "name": "Renamed"}, code="pg1"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/programs/{code}", code="pg2"),
    # --- API: projects -------------------------------------------------------------------------------
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/projects"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/portfolio/timeline"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects",
        lambda ids: {"code": "NEWAPI", "name": "New"}),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}", code="alpha"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/projects/{code}", code="beta"),
    api((200, 200, 200, 403, 200, 403, 401), "GET", "/projects/{code}", code="gamma"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/projects/{code}",
        lambda ids: {"version": ids["ALPHA_version"], "name": "Renamed"}, code="alpha"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/projects/{code}",
        lambda ids: {"version": ids["BETA_version"], "name": "Renamed"}, code="beta"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/projects/{code}",
        lambda ids: {"version": ids["GAMMA_version"], "name": "Renamed"}, code="gamma"),
    api((204, 403, 403, 403, 403, 403, 401), "DELETE", "/projects/{code}", code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/schedule", code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/gantt", code="alpha"),
    # Resources: project members read; who edits the project assigns.
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/placeholders", code="alpha"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/resources/over-allocations"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/budget", code="alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "PUT", "/projects/{code}/budget",
        lambda ids: {"category": "labour", "month": "2027-04-01", "amount": "1000"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/expenses", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/expenses",
        lambda ids: {"date": "2027-04-09", "amount": "100", "description": "Taxi"}, code="alpha"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/expenses/{expense_id}", expense_id="expense"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/evm", code="alpha",
        query="status_date=2026-05-01&unit=hours"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/projects/{code}/evm", code="beta", label="hidden"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/evm/history", code="alpha"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/evm/portfolio", query="unit=person_months"),
    api((202, 202, 202, 403, 403, 403, 401), "POST", "/projects/{code}/leveling", lambda ids: {},
        code="alpha"),
    api((202, 202, 403, 403, 403, 403, 401), "POST", "/leveling", lambda ids: {}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/leveling"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/leveling/{run_id}", run_id="run"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/leveling/{run_id}/apply", run_id="run"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/leveling/{run_id}/discard", run_id="run"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/leveling/clear", code="alpha",
        writes=False),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/resources/load", query="scale=day&periods=14"),
    # A project filter accepts only readable projects: BETA is hidden from the project manager and members.
    api((200, 200, 422, 422, 200, 422, 401), "GET", "/resources/load", query="project=BETA",
        label="hidden project"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/resources/load/cell",
        query="person={member_person}&start=2026-04-06"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/resources/utilisation", query="group=team&months=2"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/placeholders",
        lambda ids: {"name": "Tester"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/tasks/{task_id}/assignments", task_id="plain"),
    api((200, 200, 200, 403, 403, 403, 401), "PUT", "/tasks/{task_id}/assignments",
        lambda ids: {"person_id": ids["member_person"], "units": 50}, task_id="plain"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/assignments/{assignment_id}",
        assignment_id="assignment"),
    # Staffing: candidates for who reads the project, who-is-free for everyone signed in; the proposal
    # (which writes nothing) and applying it for who edits the project.
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/assignments/{assignment_id}/candidates",
        assignment_id="placeholder_assignment"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/resources/free", query="start=2026-04-06&days=5"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/staffing/proposal", lambda ids: {},
        code="alpha", writes=False),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/projects/{code}/staffing/proposal", lambda ids: {},
        code="beta", writes=False),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/staffing/apply",
        lambda ids: [{"assignment_id": ids["placeholder_assignment"], "person_id": ids["member_person"]}],
        code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/tasks/{task_id}/driving-path", task_id="plain"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/export/mspdi", code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/baselines", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "PUT", "/projects/{code}/baselines/{number}",
        lambda ids: {"name": "Re-plan"}, code="alpha", number="bl5"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/projects/{code}/baselines/{number}",
        code="alpha", number="bl0"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/baselines/{number}/variance",
        code="alpha", number="bl0"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/imports/mspdi",
        lambda ids: {"file": _mspdi_upload(), "code": "MX-API"}),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/mspdi",
        lambda ids: {"file": _mspdi_upload()}, code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/imports/tracker",
        lambda ids: {"file": _tracker_upload(), "code": "TR-API"}),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/tracker",
        lambda ids: {"file": _tracker_upload(), "dry_run": "true"}, code="alpha", label="dry run",
        writes=False),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/projects/{code}/imports/tracker",
        lambda ids: {"file": _tracker_upload()}, code="beta"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/issues/import-tracker",
        lambda ids: {"file": _tracker_upload()}, code="alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/mspdi",
        lambda ids: {"file": _mspdi_upload(), "dry_run": "true"}, code="alpha", label="dry run",
        writes=False),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/projects/{code}/imports/mspdi",
        lambda ids: {"file": _mspdi_upload()}, code="beta"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/imports/file",
        lambda ids: {"file": _psplib_upload(), "code": "PS-API"}),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/file",
        lambda ids: {"file": _psplib_upload()}, code="alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/file",
        lambda ids: {"file": _psplib_upload(), "dry_run": "true"}, code="alpha", label="dry run",
        writes=False),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/projects/{code}/imports/file",
        lambda ids: {"file": _psplib_upload()}, code="beta"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/members", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/members",
        lambda ids: {"person_id": ids["outsider_person"]}, code="alpha"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/projects/{code}/members/{member_id}", code="alpha",
        member_id="member_link"),
    # --- API: tasks ----------------------------------------------------------------------------------
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/tasks", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/tasks", lambda ids: {"name": "Added"},
        code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/tasks/{task_id}", task_id="owned"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/tasks/{task_id}", task_id="beta_task"),
    # The owner may report progress on their task ...
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/tasks/{task_id}",
        lambda ids: {"version": ids["owned_version"], "percent_complete": 40}, task_id="owned",
        label="progress"),
    # ... but not rename it: refused as 422 naming the field the owner may not set ...
    api((200, 200, 200, 422, 403, 403, 401), "PATCH", "/tasks/{task_id}",
        lambda ids: {"version": ids["owned_version"], "name": "Renamed"}, task_id="owned", label="rename"),
    # ... and not report progress on someone else's task.
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/tasks/{task_id}",
        lambda ids: {"version": ids["plain_version"], "percent_complete": 40}, task_id="plain",
        label="progress"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/tasks/{task_id}", task_id="plain"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/tasks/{task_id}/indent", version_of("plain"),
        task_id="plain"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/tasks/{task_id}/outdent", version_of("owned"),
        task_id="owned"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/tasks/{task_id}/move",
        lambda ids: {"version": ids["plain_version"], "direction": "up"}, task_id="plain"),
    # --- API: dependencies ---------------------------------------------------------------------------
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/dependencies", query="project=ALPHA"),
    # Tasks of projects the caller cannot see are reported as unknown ids (422), not confirmed by a 403.
    api((201, 201, 201, 403, 403, 422, 401), "POST", "/dependencies",
        lambda ids: {"predecessor_id": ids["owned"], "successor_id": ids["plain"]}),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/dependencies/{dependency_id}",
        dependency_id="dependency"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/dependencies/{dependency_id}",
        lambda ids: {"lag_minutes": 480}, dependency_id="dependency"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/dependencies/{dependency_id}",
        dependency_id="dependency"),
    # --- API: people and teams: every signed-in user reads, the PMO writes ----------------------------
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/people"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/people", lambda ids: {"family_name": "New"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/people/{person_id}", person_id="spare_person"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/people/{person_id}",
        lambda ids: {"version": ids["spare_person_version"], "given_name": "Renamed"},
        person_id="spare_person"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/people/{person_id}", person_id="spare_person"),
    # Skills: everyone signed in reads; the PMO keeps the catalogue; a person may set their own skills.
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/skills"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/skills",
        lambda ids: {"category": "New", "name": "Rust"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/people/{person_id}/skills", person_id="member_person"),
    api((200, 200, 403, 200, 403, 403, 401), "PUT", "/people/{person_id}/skills/{skill_id}",
        lambda ids: {"level": 5}, person_id="member_person", skill_id="skill"),
    api((204, 204, 403, 204, 403, 403, 401), "DELETE", "/people/{person_id}/skills/{skill_id}",
        person_id="member_person", skill_id="skill"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/people/{person_id}/availability",
        person_id="spare_person"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/people/{person_id}/availability",
        lambda ids: {"start": "2030-01-01", "percent": 50}, person_id="spare_person"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/people/{person_id}/availability/{availability_id}",
        person_id="spare_person", availability_id="availability"),
    # Cost rates are confidential: the PMO keeps and reads them.
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/rate-grades"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/rate-grades",
        lambda ids: {"code": "PG", "name": "Programmer"}),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/rate-grades/{grade_id}/rates", grade_id="grade"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/rate-grades/{grade_id}/rates",
        lambda ids: {"effective_from": "2027-01-01", "cost_rate": "5000"}, grade_id="grade"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/people/{person_id}/rates", person_id="spare_person"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/people/{person_id}/rates",
        lambda ids: {"effective_from": "2027-01-01", "cost_rate": "5000"}, person_id="spare_person"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/rates/{rate_id}", rate_id="rate"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/teams"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/teams", lambda ids: {"code": "TNEW", "name": "New"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/teams/{team_id}", team_id="empty_team"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/teams/{team_id}",
        lambda ids: {"version": ids["empty_team_version"], "name": "Renamed"}, team_id="empty_team"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/teams/{team_id}", team_id="empty_team"),
    # --- working calendars: everyone signed in reads; the PMO edits; a person records their own leave -----
    page((200, 200, 200, 200, 200, 200, 302), "calendars", "GET", "/calendars/"),
    page((302, 302, 403, 403, 403, 403, 302), "calendars", "POST", "/calendars/",
         lambda ids: {"name": "New", "kind": "shared", "base": ""}),
    page((200, 200, 200, 200, 200, 200, 302), "calendar-detail", "GET", "/calendars/{calendar}/"),
    page((200, 200, 200, 200, 200, 200, 302), "calendar-year", "GET",
         "/calendars/{calendar}/year/?year=2027"),
    page((200, 200, 200, 200, 200, 200, 302), "calendar-history", "GET", "/calendars/{calendar}/history/"),
    page((302, 302, 403, 403, 403, 403, 302), "calendar-edit", "POST", "/calendars/{calendar}/edit/",
         calendar_form),
    # The member's own calendar: they may not change its week either.
    page((302, 302, 403, 403, 403, 403, 302), "calendar-edit", "POST", "/calendars/{personal_calendar}/edit/",
         lambda ids: calendar_form(ids) | {"version": ids["personal_calendar_version"], "inherit_week": "on",
                                           "kind": "person", "is_default": "", "name": "Mine",
                                           "base": ids["calendar"]}),
    page((302, 302, 403, 403, 403, 403, 302), "calendar-delete", "POST",
         "/calendars/{spare_calendar}/delete/"),
    page((302, 302, 403, 403, 403, 403, 302), "calendar-exception-add", "POST",
         "/calendars/{calendar}/exceptions/add/", lambda ids: {"name": "Closed", "start": "2026-12-28"}),
    page((302, 302, 403, 302, 403, 403, 302), "calendar-exception-add", "POST",
         "/calendars/{personal_calendar}/exceptions/add/",
         lambda ids: {"name": "Leave", "start": "2026-12-28"}),
    page((200, 200, 403, 200, 403, 403, 302), "calendar-exception-edit", "GET",
         "/calendars/{personal_calendar}/exceptions/{leave}/edit/"),
    page((302, 302, 403, 302, 403, 403, 302), "calendar-exception-edit", "POST",
         "/calendars/{personal_calendar}/exceptions/{leave}/edit/",
         lambda ids: {"version": ids["leave_version"], "name": "Trip", "start": "2026-05-07"}),
    page((302, 302, 403, 302, 403, 403, 302), "calendar-exception-delete", "POST",
         "/calendars/{personal_calendar}/exceptions/{leave}/delete/"),
    page((302, 302, 403, 403, 403, 403, 302), "person-calendar-create", "POST",
         "/people/{outsider_person}/calendar/"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/calendars"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/calendars", lambda ids: {"name": "New"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/calendars/{calendar_id}", calendar_id="calendar"),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/calendars/{calendar_id}",
        lambda ids: {"version": ids["calendar_version"], "name": "Renamed"}, calendar_id="calendar"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/calendars/{calendar_id}",
        calendar_id="spare_calendar"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/calendars/{calendar_id}/days", query="year=2026",
        calendar_id="calendar"),
    api((201, 201, 403, 201, 403, 403, 401), "POST", "/calendars/{calendar_id}/exceptions",
        lambda ids: {"name": "Leave", "start": "2026-12-28"}, calendar_id="personal_calendar"),
    # Working hours are the PMO's, even in one's own calendar: refused as 422 naming the field.
    api((201, 201, 403, 422, 403, 403, 401), "POST", "/calendars/{calendar_id}/exceptions",
        lambda ids: {"start": "2026-12-26", "intervals": [["09:00", "12:00"]]},
        calendar_id="personal_calendar", label="working day"),
    api((200, 200, 403, 200, 403, 403, 401), "PATCH", "/calendars/{calendar_id}/exceptions/{exception_id}",
        lambda ids: {"version": ids["leave_version"], "name": "Trip"}, calendar_id="personal_calendar",
        exception_id="leave"),
    api((204, 204, 403, 204, 403, 403, 401), "DELETE", "/calendars/{calendar_id}/exceptions/{exception_id}",
        calendar_id="personal_calendar", exception_id="leave"),
    # --- attendance: everyone with a person record has their own; a PM reads their projects' people;
    # the PMO reads and edits everyone's, imports, keeps rule sets and contracts -----------------------
    page((200, 200, 200, 200, 200, 200, 302), "attendance", "GET", "/attendance/"),
    page((200, 200, 200, 200, 404, 404, 302), "attendance-month", "GET",
         "/attendance/2026-06/?person={member_person}"),
    page((302, 302, 302, 302, 302, 302, 302), "attendance-clock", "POST", "/attendance/clock/in/"),
    page((200, 200, 403, 200, 404, 404, 302), "attendance-day", "GET",
         "/attendance/day/{member_person}/2026-06-02/"),
    page((302, 302, 403, 302, 404, 404, 302), "attendance-day", "POST",
         "/attendance/day/{member_person}/2026-06-02/",
         lambda ids: {"clock_in": "9:00", "clock_out": "18:00"}),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-import", "GET", "/attendance/import/"),
    # Uploading shows the column mapping and writes nothing to the database.
    page((200, 200, 403, 403, 403, 403, 302), "attendance-import", "POST", "/attendance/import/",
         lambda ids: {"file": _attendance_upload(ids)}, writes=False, label="upload"),
    page((200, 200, 200, 200, 200, 200, 302), "attendance-reconciliation", "GET",
         "/attendance/reconciliation/"),
    page((200, 200, 200, 200, 200, 200, 302), "attendance-reconciliation-month", "GET",
         "/attendance/reconciliation/2026-06/?all=1"),
    page((200, 200, 200, 200, 200, 200, 302), "attendance-overtime", "GET", "/attendance/overtime/"),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-rules", "GET", "/attendance/overtime/rules/"),
    page((302, 302, 403, 403, 403, 403, 302), "attendance-rules", "POST", "/attendance/overtime/rules/",
         lambda ids: {"name": "Strict", "monthly_limit_hours": "30", "yearly_limit_hours": "300",
                      "special_yearly_hours": "720", "special_monthly_hours": "100",
                      "special_average_hours": "80", "special_months_over": "6", "warn_percent": "80"}),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-contracts", "GET", "/attendance/contracts/"),
    page((302, 302, 403, 403, 403, 403, 302), "attendance-contracts", "POST", "/attendance/contracts/",
         lambda ids: _contract_form(ids)),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-contract-edit", "GET",
         "/attendance/contracts/{contract}/edit/"),
    page((302, 302, 403, 403, 403, 403, 302), "attendance-contract-edit", "POST",
         "/attendance/contracts/{contract}/edit/", lambda ids: _contract_form(ids) | {"vendor": "Renamed"}),
    page((302, 302, 403, 403, 403, 403, 302), "attendance-contract-delete", "POST",
         "/attendance/contracts/{contract}/delete/"),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-statements", "GET",
         "/attendance/contracts/2026-06/"),
    page((200, 200, 403, 403, 403, 403, 302), "attendance-statements-export", "GET",
         "/attendance/contracts/2026-06/statements.csv"),
    api((200, 200, 200, 200, 404, 404, 401), "GET", "/attendance/days", query="person_id={member_person}"),
    api((200, 200, 403, 200, 404, 404, 401), "PUT", "/attendance/days/{person_id}/{day}",
        lambda ids: {"clock_in": "9:00", "clock_out": "18:00"}, person_id="member_person", day="june2"),
    api((200, 200, 200, 200, 200, 200, 401), "POST", "/attendance/clock-in"),
    # Nobody has clocked in: clocking out is refused naming the field.
    api((422, 422, 422, 422, 422, 422, 401), "POST", "/attendance/clock-out"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/attendance/imports",
        lambda ids: {"file": _attendance_upload(ids), "columns": '{"person": "email", "date": "date"}'}),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/attendance/mappings"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/attendance/mappings",
        lambda ids: {"name": "Kintai", "columns": {"person": "email", "date": "date"}}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/attendance/reconciliation", query="month=2026-06"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/attendance/overtime"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/attendance/overtime/rule-sets"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/attendance/overtime/rule-sets",
        lambda ids: {"name": "Strict", "monthly_limit_hours": "30"}),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/attendance/overtime/rule-sets/{rule_set_id}",
        lambda ids: {"warn_percent": 90}, rule_set_id="rule_set"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/contracts"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/contracts",
        lambda ids: _contract_form(ids, api=True)),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/contracts/{contract_id}",
        lambda ids: {"vendor": "Renamed"}, contract_id="contract"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/contracts/{contract_id}", contract_id="contract"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/contracts/statements/{month}", month="june"),
    # --- timesheets: a person fills in their own weeks (the PMO too); the PM of a project the person works
    # in reads them and approves the project's hours; the PMO closes months. -----------------------------
    page((302, 302, 302, 302, 302, 302, 302), "timesheet-home", "GET", "/timesheets/"),
    page((200, 200, 200, 200, 200, 200, 302), "timesheet-week", "GET", "/timesheets/{ts_open_week}/"),
    page((200, 200, 200, 200, 200, 403, 302), "timesheet-week", "GET",
         "/timesheets/{ts_week}/?person={member_person}", label="someone's week"),
    page((302, 302, 403, 302, 403, 403, 302), "timesheet-save", "POST", "/timesheets/{ts_open_week}/save/",
         lambda ids: {"person": ids["member_person"], f"cell-t{ids['owned']}-0": "2h"}),
    page((200, 200, 200, 200, 200, 403, 302), "timesheet-day", "GET",
         "/timesheets/day/{ts_week}/?person={member_person}"),
    page((302, 302, 403, 302, 403, 403, 302), "timesheet-day", "POST", "/timesheets/day/{ts_open_week}/",
         lambda ids: {"person": ids["member_person"], "new-work": f"t{ids['owned']}", "new-time": "1:30"},
         label="save"),
    # The person may withdraw a submitted week; the manager of a project in it and the PMO reopen it.
    page((302, 302, 302, 302, 403, 403, 302), "timesheet-reopen", "POST", "/timesheets/{ts_sheet}/reopen/",
         lambda ids: {"reason": "Correction"}),
    page((200, 200, 200, 403, 403, 403, 302), "timesheet-approvals", "GET", "/timesheets/approvals/"),
    page((302, 302, 302, 403, 403, 403, 302), "timesheet-decide", "POST",
         "/timesheets/approvals/{ts_approval}/approve/"),
    page((302, 302, 302, 403, 403, 403, 302), "timesheet-decide", "POST",
         "/timesheets/approvals/{ts_approval}/reject/", lambda ids: {"reason": "Wrong task"}, label="reject"),
    page((200, 200, 403, 403, 403, 403, 302), "timesheet-months", "GET", "/timesheets/months/"),
    page((302, 302, 403, 403, 403, 403, 302), "timesheet-month-action", "POST",
         "/timesheets/months/{ts_month}/close/"),
    page((302, 302, 403, 403, 403, 403, 302), "timesheet-month-action", "POST",
         "/timesheets/months/{ts_closed_month}/reopen/", label="reopen"),
    page((200, 200, 403, 403, 403, 403, 302), "timesheet-month-export", "GET",
         "/timesheets/months/{ts_month}/export.csv?by=person"),
    page((200, 200, 403, 403, 403, 403, 302), "timesheet-month-export", "GET",
         "/timesheets/months/{ts_month}/export.xlsx?by=project", label="xlsx"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/timesheets/{person_id}/{week_start}",
        person_id="member_person", week_start="ts_week"),
    api((200, 200, 403, 200, 403, 403, 401), "PUT", "/timesheets/{person_id}/{week_start}",
        lambda ids: {"entries": [{"date": ids["ts_open_week"], "task": ids["owned"], "minutes": 60}]},
        person_id="member_person", week_start="ts_open_week"),
    api((200, 200, 403, 200, 403, 403, 401), "POST", "/timesheets/{person_id}/{week_start}/submit",
        person_id="member_person", week_start="ts_filled_week"),
    api((200, 200, 200, 200, 403, 403, 401), "POST", "/timesheets/{person_id}/{week_start}/reopen",
        lambda ids: {"reason": "Correction"}, person_id="member_person", week_start="ts_week"),
    api((200, 200, 200, 403, 403, 403, 401), "GET", "/timesheet-approvals"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/timesheet-approvals/{approval_id}/approve",
        approval_id="ts_approval"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/timesheet-approvals/{approval_id}/reject",
        lambda ids: {"reason": "Wrong task"}, approval_id="ts_approval"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/timesheet-months"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/timesheet-months/{month}/lines", month="ts_month"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/timesheet-months/{month}/{action}",
        month="ts_month", action="ts_close"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/timesheet-months/{month}/{action}",
        month="ts_closed_month", action="ts_reopen", label="reopen"),
    # --- risks: project readers read the register; everyone but executives raises; editors and the risk's
    # owner (the member) update it; editors delete and import; the PMO sets the matrix. --------------------
    page((200, 200, 200, 200, 200, 403, 302), "project-risks", "GET", "/projects/ALPHA/risks/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-risks", "GET",
         "/projects/ALPHA/risks/?probability=3&impact=3&status=open&sort=-review", label="cell"),
    page((302, 302, 302, 302, 403, 403, 302), "risk-create", "POST", "/projects/ALPHA/risks/add/",
         lambda ids: {"title": "New", "kind": "threat", "category": "other", "probability": 2,
                      "impact_cost": 1, "impact_schedule": 0, "impact_quality": 0}),
    page((200, 200, 200, 200, 200, 403, 302), "project-risks-export", "GET", "/projects/ALPHA/risks/export/"),
    page((200, 200, 200, 403, 403, 403, 302), "project-risks-import", "GET", "/projects/ALPHA/risks/import/"),
    # The preview writes nothing (a dry run rolled back).
    page((200, 200, 200, 403, 403, 403, 302), "project-risks-import", "POST", "/projects/ALPHA/risks/import/",
         lambda ids: {"file": _risk_upload(), "action": "preview"}, writes=False, label="preview"),
    page((200, 200, 200, 200, 200, 403, 302), "risk-detail", "GET", "/risks/{risk}/"),
    page((302, 302, 302, 302, 403, 403, 302), "risk-detail", "POST", "/risks/{risk}/", _risk_form),
    page((200, 200, 200, 200, 200, 403, 302), "risk-row", "GET", "/risks/{risk}/row/"),
    page((200, 200, 200, 200, 403, 403, 302), "risk-row-edit", "GET", "/risks/{risk}/row/edit/"),
    page((200, 200, 200, 200, 403, 403, 302), "risk-row-edit", "POST", "/risks/{risk}/row/edit/", _risk_row),
    page((302, 302, 302, 302, 403, 403, 302), "risk-review", "POST", "/risks/{risk}/review/"),
    page((302, 302, 302, 403, 403, 403, 302), "risk-delete", "POST", "/risks/{risk}/delete/"),
    page((200, 200, 403, 403, 403, 403, 302), "risk-matrix", "GET", "/raid/matrix/"),
    page((302, 302, 403, 403, 403, 403, 302), "risk-matrix", "POST", "/raid/matrix/", _matrix_form),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-risks", "GET", "/raid/risks/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-risks", "GET",
         "/raid/risks/?program=PG1&probability=3&impact=3", label="cell"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/risks", code="alpha",
        query="status=open&status=responding&sort=level"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/projects/{code}/risks", code="beta", label="hidden"),
    api((201, 201, 201, 201, 403, 403, 401), "POST", "/projects/{code}/risks",
        lambda ids: {"title": "New", "probability": 2, "impact_cost": 1}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/risks/{pk}", pk="risk"),
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/risks/{pk}",
        lambda ids: {"version": ids["risk_version"], "probability": 5}, pk="risk"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/risks/{pk}", pk="risk"),
    api((200, 200, 200, 200, 403, 403, 401), "POST", "/risks/{pk}/review",
        lambda ids: {"version": ids["risk_version"]}, pk="risk"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/raid/matrix"),
    api((200, 200, 403, 403, 403, 403, 401), "PUT", "/raid/matrix",
        lambda ids: {"size": 5, "review_days": 30}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/raid/heat-map"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/raid/heat-map", query="project=BETA", label="hidden"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/raid/top-risks", query="program=PG1&limit=5"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/raid/risks-due"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/raid/risk-trend", query="weeks=4"),
    # --- issues, action items, decisions, change requests, escalation, inbox (raid registers) -------------
    # Readers of a project read its registers; everyone but executives raises issues and action items; the
    # owner (member) updates their issue or action item; who edits the project manages the rest.
    page((200, 200, 200, 200, 200, 403, 302), "project-issues", "GET", "/projects/ALPHA/issues/"),
    page((200, 200, 200, 200, 403, 403, 302), "issue-create", "GET", "/projects/ALPHA/issues/new/"),
    page((302, 302, 302, 302, 403, 403, 302), "issue-create", "POST", "/projects/ALPHA/issues/new/",
         lambda ids: {"title": "New issue", "severity": "medium", "priority": "normal", "status": "open"}),
    page((200, 200, 200, 200, 200, 403, 302), "issue-detail", "GET", "/issues/{issue}/"),
    page((302, 302, 302, 302, 403, 403, 302), "issue-detail", "POST", "/issues/{issue}/",
         lambda ids: {"version": ids["issue_version"], "title": "Crash", "severity": "high",
                      "priority": "normal", "status": "in_progress", "owner": ids["member_person"],
                      "description": "Edited"}),
    page((200, 200, 200, 200, 200, 403, 302), "issue-row", "GET", "/issues/{issue}/row/"),
    page((200, 200, 200, 200, 403, 403, 302), "issue-row", "GET", "/issues/{issue}/row/?edit=1",
         label="edit"),
    page((200, 200, 200, 200, 403, 403, 302), "issue-row", "POST", "/issues/{issue}/row/",
         lambda ids: {"version": ids["issue_version"], "severity": "high", "priority": "normal",
                      "owner": ids["member_person"], "status": "in_progress", "escalation_level": 0}),
    page((302, 302, 302, 302, 403, 403, 302), "issue-escalate", "POST", "/issues/{issue}/escalate/",
         lambda ids: {"reason": "Stuck"}),
    page((302, 302, 302, 403, 403, 403, 302), "issue-delete", "POST", "/issues/{issue}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "issue-history", "GET", "/issues/{issue}/history/"),
    # Raising an issue from a risk changes the risk: who may edit it (the risk has no owner here).
    page((302, 302, 302, 403, 403, 403, 302), "risk-raise-issue", "POST", "/risks/{risk_plain}/raise-issue/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-issues", "GET", "/raid/issues/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-actions", "GET", "/projects/ALPHA/actions/"),
    page((200, 200, 200, 200, 403, 403, 302), "action-create", "GET", "/projects/ALPHA/actions/new/"),
    page((302, 302, 302, 302, 403, 403, 302), "action-create", "POST", "/projects/ALPHA/actions/new/",
         lambda ids: {"title": "New action", "status": "open"}),
    page((200, 200, 200, 200, 200, 403, 302), "action-detail", "GET", "/actions/{action}/"),
    page((302, 302, 302, 302, 403, 403, 302), "action-detail", "POST", "/actions/{action}/",
         lambda ids: {"version": ids["action_version"], "title": "Call", "status": "in_progress",
                      "owner": ids["member_person"]}),
    page((200, 200, 200, 200, 200, 403, 302), "action-row", "GET", "/actions/{action}/row/"),
    page((200, 200, 200, 200, 403, 403, 302), "action-row", "GET", "/actions/{action}/row/?edit=1",
         label="edit"),
    page((200, 200, 200, 200, 403, 403, 302), "action-row", "POST", "/actions/{action}/row/",
         lambda ids: {"version": ids["action_version"], "owner": ids["member_person"], "status": "done"}),
    page((302, 302, 302, 403, 403, 403, 302), "action-delete", "POST", "/actions/{action}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "action-history", "GET", "/actions/{action}/history/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-actions", "GET",
         "/raid/actions/?overdue=on&mine=on"),
    page((200, 200, 200, 200, 200, 403, 302), "project-decisions", "GET", "/projects/ALPHA/decisions/"),
    page((200, 200, 200, 403, 403, 403, 302), "decision-create", "GET", "/projects/ALPHA/decisions/new/"),
    page((302, 302, 302, 403, 403, 403, 302), "decision-create", "POST", "/projects/ALPHA/decisions/new/",
         lambda ids: {"title": "New decision", "status": "pending"}),
    page((200, 200, 200, 200, 200, 403, 302), "decision-detail", "GET", "/decisions/{decision}/"),
    page((302, 302, 302, 403, 403, 403, 302), "decision-detail", "POST", "/decisions/{decision}/",
         lambda ids: {"version": ids["decision_version"], "title": "Vendor B", "status": "pending"}),
    # Decisions and change requests are edited in their rows by who edits the project (not their owner).
    page((200, 200, 200, 200, 200, 403, 302), "decision-row", "GET", "/decisions/{decision}/row/"),
    page((200, 200, 200, 403, 403, 403, 302), "decision-row", "GET", "/decisions/{decision}/row/?edit=1",
         label="edit"),
    page((200, 200, 200, 403, 403, 403, 302), "decision-row", "POST", "/decisions/{decision}/row/",
         lambda ids: {"version": ids["decision_version"], "title": "Vendor B", "status": "pending"}),
    page((302, 302, 302, 403, 403, 403, 302), "decision-delete", "POST", "/decisions/{decision}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "decision-history", "GET", "/decisions/{decision}/history/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-changes", "GET", "/projects/ALPHA/changes/"),
    page((200, 200, 200, 403, 403, 403, 302), "change-create", "GET", "/projects/ALPHA/changes/new/"),
    page((302, 302, 302, 403, 403, 403, 302), "change-create", "POST", "/projects/ALPHA/changes/new/",
         lambda ids: {"title": "New change", "schedule_impact": "2d"}),
    page((200, 200, 200, 200, 200, 403, 302), "change-detail", "GET", "/changes/{cr_draft}/"),
    page((302, 302, 302, 403, 403, 403, 302), "change-detail", "POST", "/changes/{cr_draft}/",
         lambda ids: {"version": ids["cr_draft_version"], "title": "Renamed change",
                      "schedule_impact": "1d"}),
    page((200, 200, 200, 200, 200, 403, 302), "change-row", "GET", "/changes/{cr_draft}/row/"),
    page((200, 200, 200, 403, 403, 403, 302), "change-row", "GET", "/changes/{cr_draft}/row/?edit=1",
         label="edit"),
    page((200, 200, 200, 403, 403, 403, 302), "change-row", "POST", "/changes/{cr_draft}/row/",
         lambda ids: {"version": ids["cr_draft_version"], "title": "Renamed change",
                      "schedule_impact": "1d"}),
    page((302, 302, 302, 403, 403, 403, 302), "change-delete", "POST", "/changes/{cr_draft}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "change-history", "GET", "/changes/{cr_draft}/history/"),
    # The workflow: the PM (requester, project editor) submits; the PMO decides (no sponsor here);
    # project editors implement.
    page((302, 302, 302, 403, 403, 403, 302), "change-action", "POST", "/changes/{cr_draft}/submit/"),
    page((302, 302, 403, 403, 403, 403, 302), "change-action", "POST", "/changes/{cr_submitted}/approve/",
         label="approve"),
    page((302, 302, 302, 403, 403, 403, 302), "change-action", "POST", "/changes/{cr_approved}/implement/",
         lambda ids: {"capture_baseline": "on"}, label="implement"),
    # Excel: who reads a register exports it; who manages the project imports (an item's owner does not).
    # The preview writes nothing (a dry run rolled back).
    *(
        case
        for register in ("issues", "actions", "decisions", "changes")
        for case in (
            page((200, 200, 200, 200, 200, 403, 302), f"project-{register}-export", "GET",
                 f"/projects/ALPHA/{register}/export/"),
            page((200, 200, 200, 403, 403, 403, 302), f"project-{register}-import", "GET",
                 f"/projects/ALPHA/{register}/import/"),
            page((200, 200, 200, 403, 403, 403, 302), f"project-{register}-import", "POST",
                 f"/projects/ALPHA/{register}/import/",
                 lambda ids: {"file": _register_upload(), "action": "preview"}, writes=False,
                 label="preview"),
        )
    ),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/{register}/export", code="alpha",
        register="xl_issues"),
    api((200, 200, 403, 403, 200, 403, 401), "GET", "/projects/{code}/{register}/export", code="beta",
        register="xl_changes", label="hidden"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/{register}/import",
        lambda ids: {"file": _register_upload(), "dry_run": "true"}, code="alpha", register="xl_actions",
        writes=False, label="dry run"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/{register}/import",
        lambda ids: {"file": _register_upload()}, code="alpha", register="xl_decisions"),
    page((200, 200, 403, 403, 403, 403, 302), "escalation-rules", "GET", "/raid/escalation/"),
    page((302, 302, 403, 403, 403, 403, 302), "escalation-rules", "POST", "/raid/escalation/",
         lambda ids: {"register": "action", "days": 3, "escalate_to": 2, "active": "on"}),
    page((200, 200, 403, 403, 403, 403, 302), "escalation-rule-edit", "GET", "/raid/escalation/{rule}/"),
    page((302, 302, 403, 403, 403, 403, 302), "escalation-rule-edit", "POST", "/raid/escalation/{rule}/",
         lambda ids: {"name": "Renamed", "register": "issue", "severity": "critical", "days": 3,
                      "escalate_to": 1}),
    page((302, 302, 403, 403, 403, 403, 302), "escalation-check", "POST", "/raid/escalation/check/"),
    # The inbox is each user's own: a notification of the member is nobody else's.
    page((200, 200, 200, 200, 200, 200, 302), "inbox", "GET", "/inbox/"),
    page((404, 404, 404, 302, 404, 404, 302), "notification-open", "GET", "/inbox/{member_note}/open/"),
    page((302, 302, 302, 302, 302, 302, 302), "inbox-read-all", "POST", "/inbox/read-all/", writes=False),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/issues", code="alpha"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/issues", query="status=open&sort=escalated"),
    api((201, 201, 201, 201, 403, 403, 401), "POST", "/projects/{code}/issues",
        lambda ids: {"title": "API issue"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/issues/{issue_id}", issue_id="issue"),
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/issues/{issue_id}",
        lambda ids: {"version": ids["issue_version"], "status": "in_progress"}, issue_id="issue"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/issues/{issue_id}", issue_id="issue"),
    api((200, 200, 200, 200, 403, 403, 401), "POST", "/issues/{issue_id}/escalate",
        lambda ids: {"reason": "Stuck"}, issue_id="issue"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/risks/{risk_id}/raise-issue", lambda ids: {},
        risk_id="risk_plain"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/actions", code="alpha"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/actions", query="overdue=true&mine=true"),
    api((201, 201, 201, 201, 403, 403, 401), "POST", "/projects/{code}/actions",
        lambda ids: {"title": "API action"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/actions/{action_id}", action_id="action"),
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/actions/{action_id}",
        lambda ids: {"version": ids["action_version"], "status": "done"}, action_id="action"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/actions/{action_id}", action_id="action"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/decisions", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/decisions",
        lambda ids: {"title": "API decision"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/decisions/{decision_id}", decision_id="decision"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/decisions/{decision_id}",
        lambda ids: {"version": ids["decision_version"], "rationale": "Cheaper"}, decision_id="decision"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/decisions/{decision_id}", decision_id="decision"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/change-requests", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/change-requests",
        lambda ids: {"title": "API change", "schedule_impact": "3d"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/change-requests/{change_id}", change_id="cr_draft"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/change-requests/{change_id}",
        lambda ids: {"version": ids["cr_draft_version"], "cost_impact": "5000"}, change_id="cr_draft"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/change-requests/{change_id}", change_id="cr_draft"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/change-requests/{change_id}/{action}", lambda ids: {},
        change_id="cr_draft", action="cr_submit"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/change-requests/{change_id}/{action}",
        lambda ids: {"note": "Fine"}, change_id="cr_submitted", action="cr_approve", label="approve"),
    api((200, 200, 403, 403, 403, 403, 401), "GET", "/escalation-rules"),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/escalation-rules",
        lambda ids: {"log": "action", "days": 2}),
    api((200, 200, 403, 403, 403, 403, 401), "PATCH", "/escalation-rules/{rule_id}",
        lambda ids: {"days": 9}, rule_id="rule"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/escalation-rules/check", lambda ids: {}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/escalation-events"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/notifications"),
    api((404, 404, 404, 200, 404, 404, 401), "POST", "/notifications/{notification_id}/read",
        notification_id="member_note"),
    api((200, 200, 200, 200, 200, 200, 401), "POST", "/notifications/read-all", writes=False),
    # --- schedule risk analysis: project readers see runs, estimates and groups; who edits the project
    # estimates, groups and runs simulations; the portfolio fragment lists what each role may read. ------
    page((200, 200, 200, 200, 200, 403, 302), "project-simulation", "GET", "/projects/ALPHA/simulation/"),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-run", "POST", "/projects/ALPHA/simulation/run/",
         lambda ids: {"iterations": "100", "seed": "1", "use_range": "on", "range_min": "0.9",
                      "range_most_likely": "1", "range_max": "1.3", "distribution": "pert"}),
    page((200, 200, 200, 200, 200, 403, 302), "simulation-estimates", "GET",
         "/projects/ALPHA/simulation/estimates/"),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-estimates", "POST",
         "/projects/ALPHA/simulation/estimates/",
         lambda ids: {f"opt-{ids['plain']}": "1d", f"ml-{ids['plain']}": "2d", f"pes-{ids['plain']}": "4d"}),
    page((200, 200, 200, 403, 403, 403, 302), "simulation-estimate-row", "POST",
         "/projects/ALPHA/simulation/estimates/{plain}/",
         lambda ids: {f"opt-{ids['plain']}": "1d", f"ml-{ids['plain']}": "2d", f"pes-{ids['plain']}": "4d"}),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-estimates-bulk", "POST",
         "/projects/ALPHA/simulation/estimates/bulk/",
         lambda ids: {"action": "range", "scope": "selected", "select": [ids["plain"]], "factor_min": "1",
                      "factor_most_likely": "1", "factor_max": "2"}),
    page((200, 200, 200, 200, 200, 403, 302), "simulation-correlations", "GET",
         "/projects/ALPHA/simulation/correlations/"),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-correlations", "POST",
         "/projects/ALPHA/simulation/correlations/",
         lambda ids: {"name": "Team B", "coefficient": "0.4",
                      "tasks": [ids["sim_spare_a"], ids["sim_spare_b"]]}),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-correlation-edit", "POST",
         "/simulation/correlations/{sim_group}/", lambda ids: {"name": "Renamed", "coefficient": "0.7"}),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-correlation-delete", "POST",
         "/simulation/correlations/{sim_group}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "simulation-detail", "GET", "/simulation/{sim_run}/"),
    page((302, 302, 302, 403, 403, 403, 302), "simulation-delete", "POST", "/simulation/{sim_run}/delete/"),
    page((200, 200, 200, 200, 200, 403, 302), "simulation-compare", "GET",
         "/simulation/compare/?a={sim_run}&b={sim_run_b}"),
    page((200, 200, 200, 200, 200, 403, 302), "project-forecast-card", "GET",
         "/projects/ALPHA/forecast-card/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-forecasts", "GET",
         "/portfolio/forecasts/?code=ALPHA"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/simulation-runs", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/simulation-runs",
        lambda ids: {"iterations": 100}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/simulation-runs/compare",
        query="a={sim_run}&b={sim_run_b}"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/simulation-runs/{run_id}", run_id="sim_run"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/simulation-runs/{run_id}", run_id="sim_run"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/estimates", code="alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "PUT", "/projects/{code}/estimates",
        lambda ids: {"estimates": [{"task": ids["plain"], "minimum": "1d", "most_likely": "2d",
                                    "maximum": "3d"}]},
        code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/correlation-groups", code="alpha"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/{code}/correlation-groups",
        lambda ids: {"name": "Team B", "coefficient": "0.4",
                     "tasks": [ids["sim_spare_a"], ids["sim_spare_b"]]},
        code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/correlation-groups/{group_id}", group_id="sim_group"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/correlation-groups/{group_id}",
        lambda ids: {"coefficient": "0.7"}, group_id="sim_group"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/correlation-groups/{group_id}",
        group_id="sim_group"),
    # --- calendar feeds: the .ics needs no login (its secret URL is the key); everyone signed in manages
    # their own feed URLs (the new URL answered to the POST, 200); a project feed needs read access; only
    # the owner or a PMO admin revokes ----------------------------------------------------------------
    page((200, 200, 200, 200, 200, 200, 200), "feed_ics", "GET", "/feeds/{member_feed_secret}.ics"),
    page((404, 404, 404, 404, 404, 404, 404), "feed_ics", "GET", "/feeds/unknown-secret.ics",
         label="unknown"),
    page((200, 200, 200, 200, 200, 200, 302), "feed_tokens", "GET", "/accounts/feeds/"),
    page((200, 200, 200, 200, 200, 200, 302), "feed_tokens", "POST", "/accounts/feeds/",
         lambda ids: {"kind": "person", "name": "phone"}, label="person"),
    # BETA is not among the member's and outsider's choices: the form is shown again with its error.
    page((200, 200, 422, 422, 200, 422, 302), "feed_tokens", "POST", "/accounts/feeds/",
         lambda ids: {"kind": "project", "project": "BETA"}, label="project"),
    page((302, 404, 404, 302, 404, 404, 302), "feed_token_revoke", "POST",
         "/accounts/feeds/{member_feed}/revoke/"),
    page((200, 200, 200, 200, 200, 403, 302), "project_feed_create", "POST", "/projects/ALPHA/feed/"),
    page((200, 200, 403, 403, 200, 403, 302), "project_feed_create", "POST", "/projects/BETA/feed/"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/feeds"),
    api((201, 201, 201, 201, 201, 201, 401), "POST", "/feeds", lambda ids: {"kind": "person"},
        label="person"),
    api((201, 201, 201, 201, 201, 403, 401), "POST", "/feeds",
        lambda ids: {"kind": "project", "project": "ALPHA"}, label="project"),
    api((200, 404, 404, 200, 404, 404, 401), "DELETE", "/feeds/{feed_id}", feed_id="member_feed"),
    # Excel WBS: who may create projects imports; who edits a project updates it; readers export.
    # Uploading only shows the mapping and preview (the file waits outside the database).
    page((200, 200, 200, 403, 403, 403, 302), "project_import_excel", "GET", "/projects/import/excel/"),
    page((200, 200, 200, 403, 403, 403, 302), "project_import_excel", "POST", "/projects/import/excel/",
         lambda ids: {"step": "upload", "file": _wbs_upload()}, writes=False, label="upload"),
    page((422, 422, 422, 403, 403, 403, 302), "project_import_excel", "POST", "/projects/import/excel/",
         lambda ids: {"step": "create", "upload": "x" * 32, "code": "XL-M"}, label="unknown upload"),
    page((200, 200, 200, 403, 403, 403, 302), "project_reimport_excel", "GET",
         "/projects/ALPHA/import/excel/"),
    page((200, 200, 403, 403, 403, 403, 302), "project_reimport_excel", "POST",
         "/projects/BETA/import/excel/",
         lambda ids: {"step": "upload", "file": _wbs_upload()}, writes=False, label="upload"),
    page((200, 200, 200, 200, 200, 403, 302), "project_export_xlsx", "GET", "/projects/ALPHA/export/xlsx/"),
    page((200, 200, 200, 403, 403, 403, 302), "import_mappings", "GET", "/projects/import/mappings/"),
    page((302, 302, 302, 403, 403, 403, 302), "import_mappings", "POST", "/projects/import/mappings/",
         lambda ids: {"action": "delete", "pk": ids["xl_mapping"]}, label="delete"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/imports/excel",
        lambda ids: {"file": _wbs_upload(), "code": "XL-API"}),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/imports/excel",
        lambda ids: {"file": _wbs_upload()}, code="alpha"),
    api((200, 200, 403, 403, 403, 403, 401), "POST", "/projects/{code}/imports/excel",
        lambda ids: {"file": _wbs_upload(), "dry_run": "true"}, code="beta", label="dry run", writes=False),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/exports/xlsx", code="alpha"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/import-mappings"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/import-mappings",
        lambda ids: {"kind": "excel_wbs", "name": "Another",
                     "options": {"columns": {"wbs": "WBS", "name": "Name"}}}),
    api((204, 204, 204, 404, 404, 404, 401), "DELETE", "/import-mappings/{mapping_id}",
        mapping_id="xl_mapping"),
    # --- governance: the hub and the portfolio's gate and health cells (everyone signed in) -----------
    page((200, 200, 200, 200, 200, 200, 302), "governance-home", "GET", "/governance/"),
    page((200, 200, 200, 200, 200, 200, 302), "portfolio-governance-cells", "GET",
         "/portfolio/governance/?code=ALPHA"),
    *GOVERNANCE_TEMPLATE_CASES,
    *GOVERNANCE_GATE_CASES,
    *GOVERNANCE_DCMA_CASES,
    *GOVERNANCE_AUDIT_CASES,
    *GOVERNANCE_QUALITY_CASES,
    *REPORTING_STATUS_CASES,
    *REPORTING_EXPORTS_CASES,
    *REPORTING_MEETINGS_CASES,
    *REPORTING_DASHBOARD_CASES,
    *REPORTING_NOTIFICATIONS_CASES,
]
# fmt: on


# --- discovery: the table must cover every route and operation ----------------------------------------


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(route, key) for every URL pattern; the admin site counts as one route."""
    out: list[tuple[str, str]] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route == "admin/":
                out.append((route, "admin/"))
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            out.extend(_walk(p.url_patterns, route, ns))
        elif isinstance(p, URLPattern):
            out.append((route, f"{namespace}{p.name}" if p.name else route))
    return out


def _api_operations() -> set[str]:
    from kuroko.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_html_route_has_a_table_entry():
    """Every non-API URL pattern (and the admin site as one entry) has at least one case in the table."""
    import kuroko.urls

    keys = {c.key for c in CASES}
    routes = [
        (route, key) for route, key in _walk(kuroko.urls.urlpatterns) if not route.startswith("api/v1/")
    ]
    assert len(routes) > 20
    missing = sorted(f"{key} ({route})" for route, key in routes if key not in keys)
    assert not missing, f"URL patterns without a permission-matrix entry: {missing}"


def test_every_api_operation_has_a_table_entry():
    """Every OpenAPI operation (method + path) has a case, and every ninja URL is an operation or listed."""
    import kuroko.urls

    operations = _api_operations()
    keys = {c.key for c in CASES}
    assert len(operations) > 30
    missing = sorted(operations - keys)
    assert not missing, f"API operations without a permission-matrix entry: {missing}"
    stale = sorted(k for k in keys if k.split(" ")[0].isupper() and " /api/v1/" in k and k not in operations)
    assert not stale, f"table entries for API operations that no longer exist: {stale}"
    documented = {op.split(" ", 1)[1] for op in operations}
    for route, key in _walk(kuroko.urls.urlpatterns):
        if route.startswith("api/v1/"):
            as_openapi = "/" + route.replace("<", "{").replace(">", "}")
            assert as_openapi in documented or key in keys, (
                f"API URL {route} is neither documented nor listed"
            )


def test_every_case_key_names_a_real_route():
    """No table entry refers to a route that does not exist (renamed views must update the table)."""
    import kuroko.urls

    known = {key for _route, key in _walk(kuroko.urls.urlpatterns)} | _api_operations()
    unknown = sorted({c.key for c in CASES} - known)
    assert not unknown, f"table entries for unknown routes: {unknown}"


# --- running the table ------------------------------------------------------------------------------


@pytest.fixture
def matrix(world) -> dict[str, Any]:
    """The world plus what the table's paths need: GAMMA (pm is a plain member), a cross-project link,
    an empty program, a spare person and an empty team, an API token of admin."""
    admin = world.admin
    Organisation.current()  # created on first use; create it now so reads do not look like writes
    gamma = services.project_create(
        actor=admin,
        data={
            "code": "GAMMA",
            "name": "Gamma",
            "program": world.project.program,
            "status": "active",
        },
    )
    services.member_add(actor=admin, project=gamma, person=world.pm.person, role=ProjectRole.MEMBER)
    dependency = services.dependency_create(
        actor=admin, predecessor=world.other_task, successor=world.plain_task
    )
    ProgramFactory(code="PG2", name="Empty program")
    spare = PersonFactory(family_name="Spare", team=None)
    empty_team = TeamFactory(code="EMPTY", name="Empty team")
    token, _raw = api_token_create(user=admin, name="script")
    member_feed, member_feed_secret = feed_services.feed_token_create(
        actor=world.member, kind="project", project=world.project
    )
    calendar = default_calendar()
    personal = calendar_services.person_calendar_create(actor=admin, person=world.member.person)
    leave = calendar_services.calendar_exception_add(
        actor=world.member, calendar=personal, data={"name": "Leave", "start": date(2026, 5, 7)}
    )
    spare_calendar = calendar_services.calendar_create(actor=admin, data={"name": "Spare", "kind": "shared"})
    services.baseline_capture(actor=admin, project=world.project, number=0, name="Agreed")
    assignment = services.assignment_set(actor=admin, task=world.owned_task, person=world.member.person)
    skill = calendar_services.skill_create(actor=admin, category="Languages", name="Java")
    calendar_services.person_skill_set(actor=admin, person=world.member.person, skill=skill, level=3)
    developer = services.placeholder_create(
        actor=admin, project=world.project, data={"name": "Java developer", "skill": skill}
    )
    placeholder_assignment = services.assignment_set(
        actor=admin, task=world.plain_task, placeholder=developer
    )
    availability = calendar_services.availability_add(
        actor=admin,
        person=spare,
        data={"start": date(2026, 4, 1), "finish": date(2026, 9, 30), "percent": 50},
    )
    sim_ids = _simulation_ids(world)  # before the levelling proposal: its spare tasks change the plan
    run = LevelingRun.objects.create(
        project=world.project, status="ready", result=leveling.propose([world.project], time_limit=0.5)
    )
    grade = calendar_services.rate_role_create(actor=admin, data={"code": "SSE", "name": "Senior SE"})
    rate = calendar_services.rate_card_add(
        actor=admin, role=grade, data={"effective_from": date(2026, 4, 1), "cost_rate": 6000}
    )
    from kuroko.tracking import services as tracking_services

    milestone = tracking_services.weighted_milestone_add(
        actor=admin, task=world.owned_task, name="Screens approved", weight=40
    )
    expense = tracking_services.expense_add(
        actor=admin,
        project=world.project,
        data={"date": date(2026, 4, 9), "category": "expenses", "amount": 100, "description": "Taxi"},
    )
    from kuroko.people.models import EmploymentType
    from kuroko.tracking.models import Contract
    from kuroko.tracking.selectors.attendance import default_rule_set

    rule_set = default_rule_set()  # created on first use; create it now so reads do not look like writes
    spare.employment_type = EmploymentType.CONTRACTOR
    spare.save()
    contract = Contract.objects.create(
        person=spare,
        vendor="ACME",
        start=date(2026, 4, 1),
        monthly_fee=500000,
        deduction_rate=3571,
        excess_rate=2777,
    )
    # Timesheets: the member's week of 6 April 2026 submitted (ALPHA's hours wait for pm), the week of
    # 20 April filled in but open, March 2026 closed.
    ts_week, ts_filled = date(2026, 4, 6), date(2026, 4, 20)
    for day in (ts_week, ts_filled):
        tracking_services.timesheet_save(
            actor=world.member,
            person=world.member.person,
            week_start=day,
            entries=[{"date": day, "task": world.owned_task.pk, "minutes": 120}],
        )
    sheet = tracking_services.timesheet_submit(
        actor=world.member, person=world.member.person, week_start=ts_week
    )
    tracking_services.period_close(actor=admin, month=date(2026, 3, 1))
    from kuroko.raid import services as raid_services
    from kuroko.raid.models import RiskMatrix

    RiskMatrix.current()  # created on first use; create it now so reads do not look like writes
    risk = raid_services.risk_create(
        actor=admin,
        project=world.project,
        data={"title": "Vendor late", "owner": world.member.person, "probability": 3, "impact_cost": 3},
    )
    projects = {p.code: p for p in Project.objects.all()}
    tasks = {t.pk: t for t in Task.objects.all()}
    ids: dict[str, Any] = {
        "program": world.project.program_id,
        "program_version": world.project.program.version,
        "member_person": world.member.person.pk,
        "outsider_person": world.outsider.person.pk,
        "member_link": ProjectMember.objects.get(project=world.project, person=world.member.person).pk,
        "owned": world.owned_task.pk,
        "plain": world.plain_task.pk,
        "beta_task": world.other_task.pk,
        "dependency": dependency.pk,
        "spare_person": spare.pk,
        "spare_person_version": spare.version,
        "empty_team": empty_team.pk,
        "empty_team_version": empty_team.version,
        "admin_token": token.pk,
        "member_feed": member_feed.pk,
        "member_feed_secret": member_feed_secret,
        "calendar": calendar.pk,
        "calendar_version": calendar.version,
        "personal_calendar": personal.pk,
        "personal_calendar_version": personal.version,
        "leave": leave.pk,
        "leave_version": leave.version,
        "spare_calendar": spare_calendar.pk,
        "bl0": 0,
        "skill": skill.pk,
        "assignment": assignment.pk,
        "placeholder_assignment": placeholder_assignment.pk,
        "availability": availability.pk,
        "expense": expense.pk,
        "member_email": world.member.person.email,
        "contract": contract.pk,
        "rule_set": rule_set.pk,
        "june2": "2026-06-02",
        "june": "2026-06",
        "ts_week": ts_week.isoformat(),
        "ts_open_week": "2026-04-13",
        "ts_filled_week": ts_filled.isoformat(),
        "ts_sheet": sheet.pk,
        "ts_approval": sheet.approvals.get().pk,
        "ts_month": "2026-04",
        "ts_closed_month": "2026-03",
        "ts_close": "close",
        "ts_reopen": "reopen",
        "milestone": milestone.pk,
        "grade": grade.pk,
        "rate": rate.pk,
        "run": run.pk,
        "bl5": 5,
        "pg1": "PG1",
        "pg2": "PG2",
        "alpha": "ALPHA",
        "beta": "BETA",
        "gamma": "GAMMA",
        "risk": risk.pk,
        "risk_version": risk.version,
        **sim_ids,
    }
    for code, project in projects.items():
        ids[f"{code}_version"] = project.version
        ids[f"{code}_manager"] = project.manager_id or ""
    for name, pk in (("owned", world.owned_task.pk), ("plain", world.plain_task.pk)):
        ids[f"{name}_version"] = tasks[pk].version
        ids[f"{name}_owner"] = tasks[pk].owner_id or ""
    ids.update(_raid_items(world))
    mapping = services.import_mapping_save(
        actor=world.pm,
        kind="excel_wbs",
        name="PM layout",
        options={"columns": {"wbs": "WBS", "name": "Name"}},
    )
    ids["xl_mapping"] = mapping.pk
    # Each governance part adds the rows its cases need (tests/governance/matrix_*.py).
    for add in (
        governance_template_ids,
        governance_gate_ids,
        governance_dcma_ids,
        governance_audit_ids,
        governance_quality_ids,
        reporting_status_ids,
        reporting_exports_ids,
        reporting_meetings_ids,
        reporting_dashboard_ids,
        reporting_notifications_ids,
    ):
        ids.update(add(world, ids))
    return ids


def _raid_items(world) -> dict[str, Any]:
    """The RAID registers' rows the table's paths need: an issue and an action item of ALPHA owned by the
    member (the issue critical and open 10 days, so the escalation check has work), an open risk without
    owner, a decision, change requests in draft, submitted and approved (requested by the PM), the default
    escalation rules and an unread notification of the member."""
    from datetime import timedelta

    from django.utils import timezone

    from kuroko.core.notifications import notify
    from kuroko.raid import services as raid
    from kuroko.raid.models import EscalationRule, Issue, Risk
    from kuroko.raid.services.escalation import ensure_default_rules

    admin, pm, owner = world.admin, world.pm, world.member.person
    issue = raid.issue_create(
        actor=admin, project=world.project, data={"title": "Crash", "severity": "critical", "owner": owner}
    )
    Issue.objects.filter(pk=issue.pk).update(raised_on=timezone.localdate() - timedelta(days=10))
    risk = Risk.objects.create(
        project=world.project, number=2, title="Key person leaves", raised_on=date(2026, 4, 1)
    )
    action = raid.action_create(actor=admin, project=world.project, data={"title": "Call", "owner": owner})
    decision = raid.decision_create(actor=admin, project=world.project, data={"title": "Vendor"})
    changes = {}
    for name, steps in (
        ("cr_draft", []),
        ("cr_submitted", ["submit"]),
        ("cr_approved", ["submit", "approve"]),
    ):
        change = raid.change_request_create(actor=pm, project=world.project, data={"title": name})
        for step in steps:
            change = raid.change_request_transition(actor=admin, change=change, action=step)
        changes[name] = change
    ensure_default_rules()
    note = notify(users=[world.member], kind="test", title="Hello", email=False)[0]
    return {
        "issue": issue.pk,
        "issue_version": issue.version,
        "risk_plain": risk.pk,
        "action": action.pk,
        "action_version": action.version,
        "decision": decision.pk,
        "decision_version": decision.version,
        **{name: c.pk for name, c in changes.items()},
        "cr_draft_version": changes["cr_draft"].version,
        "cr_submit": "submit",
        "cr_approve": "approve",
        **{f"xl_{name}": name for name in ("issues", "actions", "decisions", "changes")},
        "rule": EscalationRule.objects.order_by("pk").first().pk,
        "member_note": note.pk,
    }


def _simulation_ids(world: Any) -> dict[str, Any]:
    """Two done simulation runs of ALPHA, a correlation group of its two tasks and two spare tasks."""
    from kuroko.raid.services import simulation as simulation_services

    runs = [
        simulation_services.simulation_start(
            user=world.admin,
            project=world.project,
            options={"iterations": 100, "seed": seed},
            background=False,
        )
        for seed in (1, 2)
    ]
    group = simulation_services.correlation_group_create(
        user=world.admin,
        project=world.project,
        data={"name": "Team A", "coefficient": "0.5", "tasks": [world.owned_task.pk, world.plain_task.pk]},
    )
    spare = [
        services.task_create(
            actor=world.admin, project=world.project, data={"name": name, "duration_minutes": 480}
        )
        for name in ("Spare A", "Spare B")
    ]
    return {
        "sim_run": runs[0].pk,
        "sim_run_b": runs[1].pk,
        "sim_group": group.pk,
        "sim_spare_a": spare[0].pk,
        "sim_spare_b": spare[1].pk,
    }


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the Kuroko models (history tables and login timestamps aside), for before/after checks."""
    state: dict[str, list[tuple]] = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            state[model.__name__] = list(model.objects.order_by("pk").values_list(*names))
    return state


# One Client per role for the whole module: building a client's handler loads the middleware, and
# WhiteNoise scans every static file when it does, which would dominate the run time.
_CLIENTS: dict[str, Client] = {}


def clients(world) -> dict[str, Client]:
    """A client per role, signed in as that role's account (anonymous: signed out)."""
    out = {}
    for role in ROLES:
        client = _CLIENTS.setdefault(role, Client())
        client.cookies.clear()
        if role != "anonymous":
            client.force_login(world.user(role))
        out[role] = client
    return out


def send(client: Client, case: Case, ids: dict[str, Any]) -> Any:
    path = case.path.format(**ids)
    data = case.data(ids) if case.data else None
    method = getattr(client, case.method.lower())
    if case.api:
        if data is None:
            return method(path)
        # A file upload goes as a multipart form; a list (staffing/apply) or a dict as JSON.
        if isinstance(data, dict) and any(hasattr(value, "read") for value in data.values()):
            return method(path, data=data)
        return method(path, data=json.dumps(data), content_type="application/json")
    if case.json_body:
        return method(path, data=json.dumps(data), content_type="application/json")
    return method(path, data=data or {})


def refused(response: Any) -> bool:
    """A refusal: a 4xx, or a redirect to a login page."""
    if response.status_code == 302:
        return response["Location"].startswith(LOGIN_PREFIXES)
    return response.status_code >= 400


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_permission_matrix(world, matrix, case):
    """Each role gets the table's status code; refusals change nothing, allowed writes change something."""
    writes = case.writes if case.writes is not None else case.method != "GET"
    problems: list[str] = []
    roles = clients(world)
    # Every role's request is rolled back, so one "before" serves them all.
    before = snapshot() if case.method != "GET" else None
    for role, client in roles.items():
        expected = case.expect[ROLES.index(role)]
        with transaction.atomic():
            response = send(client, case, matrix)
            after = snapshot() if case.method != "GET" else None
            transaction.set_rollback(True)
        status = response.status_code
        if status != expected:
            problems.append(f"{role}: expected {expected}, got {status}")
            continue
        open_to_all = case.key in {"logout", "set-language"}
        if role == "anonymous" and status == 302 and not refused(response) and not open_to_all:
            problems.append(f"anonymous: redirected to {response['Location']}, not to the login page")
        if refused(response):
            if before != after:
                changed = sorted(k for k in before if before[k] != after[k])
                problems.append(f"{role}: refused with {status} but changed {changed}")
        elif writes and before == after:
            problems.append(f"{role}: allowed with {status} but nothing changed")
    assert not problems, f"{case.id}:\n  " + "\n  ".join(problems)


def test_visible_projects_per_role(world, matrix):
    """Portfolio page and API list show each role exactly the projects the rules let them read."""
    expected = {
        "admin": {"ALPHA", "BETA", "GAMMA"},
        "pmo": {"ALPHA", "BETA", "GAMMA"},
        "pm": {"ALPHA", "GAMMA"},
        "member": {"ALPHA"},
        "executive": {"ALPHA", "BETA", "GAMMA"},
        "outsider": set(),
    }
    for role, client in clients(world).items():
        if role == "anonymous":
            continue
        listed = {p["code"] for p in client.get("/api/v1/projects").json()["items"]}
        assert listed == expected[role], role
        html = client.get("/").content.decode()
        shown = {code for code in ("ALPHA", "BETA", "GAMMA") if f"/projects/{code}/" in html}
        assert shown == expected[role], role
        timeline = client.get("/api/v1/portfolio/timeline").json()
        assert {p[1] for p in timeline["projects"]} == expected[role], role


def test_refused_write_leaves_database_unchanged_sanity(world, matrix):
    """The snapshot notices a change made by an allowed write (so 'unchanged' checks can fail)."""
    before = snapshot()
    Dependency.objects.filter(pk=matrix["dependency"]).update(lag_minutes=5)
    assert snapshot() != before
    assert User.objects.filter(username="admin").exists()
