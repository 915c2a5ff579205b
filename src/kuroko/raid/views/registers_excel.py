"""Excel export and import pages shared by every RAID register (risks, issues, action items, decisions,
change requests).

Export: the whole register (every status) as a workbook that imports back unchanged. Import: upload a
workbook → a preview of every row (add, update, unchanged or error) → confirm, written in one
transaction; nothing is written if any row is bad or the user cancels. The upload waits in
`KUROKO_DATA_DIR/uploads/` under a random token kept in the uploader's session until it is imported,
cancelled, replaced or a day old.
"""

from __future__ import annotations

import re
import secrets
import time as clock
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.projects import selectors as project_selectors
from kuroko.raid import excel
from kuroko.raid import permissions as perms
from kuroko.raid.forms import ImportForm
from kuroko.raid.selectors.registers_excel import register_book, register_workbook
from kuroko.raid.services.registers_excel import ImportRefused, register_import


@dataclass(frozen=True)
class RegisterPage:
    """What the import page of one register says and where it leads."""

    tab: str  # the RAID tab ("risks", "issues", …) and the register's key in URLs
    list_url: str  # the register page's URL name
    name: Any  # the register's name in the breadcrumbs
    title: Any  # the page's heading
    help: Any  # how rows are matched
    note: Any = ""  # anything the import does not do


PAGES: dict[str, RegisterPage] = {
    "risks": RegisterPage(
        "risks",
        "project-risks",
        gettext_lazy("Risks"),
        gettext_lazy("Import risks from Excel"),
        gettext_lazy(
            "Upload a workbook with a header row (headers in English or Japanese, as the export writes "
            "them). A row with a number (R-001) updates that risk; a row without one adds a risk. You see "
            "every row before anything is written; if any row is wrong nothing is imported."
        ),
    ),
    "issues": RegisterPage(
        "issues",
        "project-issues",
        gettext_lazy("Issues"),
        gettext_lazy("Import issues from Excel"),
        gettext_lazy(
            "Upload a workbook with a header row (headers in English or Japanese, as the export writes "
            "them). A row with a number (I-001) updates that issue; a row without one raises an issue. "
            "An issue is resolved or closed only with its resolution. You see every row before anything "
            "is written; if any row is wrong nothing is imported."
        ),
        gettext_lazy("The escalation level is not imported: escalate an issue on its page."),
    ),
    "actions": RegisterPage(
        "actions",
        "project-actions",
        gettext_lazy("Action items"),
        gettext_lazy("Import action items from Excel"),
        gettext_lazy(
            "Upload a workbook with a header row (headers in English or Japanese, as the export writes "
            "them). A row with a number (A-001) updates that action item; a row without one adds an "
            "action item, and its owner is told. You see every row before anything is written; if any "
            "row is wrong nothing is imported."
        ),
    ),
    "decisions": RegisterPage(
        "decisions",
        "project-decisions",
        gettext_lazy("Decisions"),
        gettext_lazy("Import decisions from Excel"),
        gettext_lazy(
            "Upload a workbook with a header row (headers in English or Japanese, as the export writes "
            "them). A row with a number (D-001) updates that decision; a row without one records a "
            "decision. A decided decision needs its date and what was decided. You see every row before "
            "anything is written; if any row is wrong nothing is imported."
        ),
    ),
    "changes": RegisterPage(
        "changes",
        "project-changes",
        gettext_lazy("Change requests"),
        gettext_lazy("Import change requests from Excel"),
        gettext_lazy(
            "Upload a workbook with a header row (headers in English or Japanese, as the export writes "
            "them). A row with a number (CR-001) updates that change request; a row without one adds a "
            "change request. You see every row before anything is written; if any row is wrong nothing "
            "is imported."
        ),
        gettext_lazy(
            "The status is not imported: new change requests are drafts and existing ones keep their "
            "status; submit, approve and implement them on their pages. Only drafts and submitted "
            "requests can be changed."
        ),
    ),
}

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _page(register: str) -> RegisterPage:
    page = PAGES.get(register)
    if page is None:
        raise Http404(_("There is no register “%(name)s”.") % {"name": register})
    return page


def _units(register: str) -> Any:
    # Only risks and change requests have durations; reading the settings costs a query.
    return project_selectors.duration_units() if register in ("risks", "changes") else None


# --- export -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def register_export(request: HttpRequest, code: str, register: str) -> HttpResponse:
    """The whole register (every status) as an Excel workbook that imports back unchanged."""
    _page(register)
    project = project_selectors.project_get(request.user, code)
    body = register_workbook(request.user, project, register, units=_units(register))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{project.code}-{register}-{stamp}.xlsx"'
    return response


# --- the uploaded file between preview and confirmation ---------------------------------------------------


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _session_key(register: str) -> str:
    return f"{register}-import"


def _upload_path(register: str, token: str) -> Path | None:
    return _folder() / f"{register}-{token}.xlsx" if _TOKEN.match(token or "") else None


def _keep_upload(request: HttpRequest, register: str, data: bytes) -> str:
    """Keep the uploaded workbook until it is imported or cancelled (a day at most): the preview's
    confirmation sends only its token, kept in the uploader's session."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    now = clock.time()
    for name in PAGES:
        for old in folder.glob(f"{name}-*.xlsx"):  # uploads never confirmed
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink(missing_ok=True)
    _drop_upload(request, register)
    token = secrets.token_urlsafe(24)
    path = _upload_path(register, token)
    assert path is not None
    path.write_bytes(data)
    request.session[_session_key(register)] = token
    return token


def _uploaded(request: HttpRequest, register: str, token: str) -> bytes | None:
    path = _upload_path(register, token)
    if token != request.session.get(_session_key(register)) or path is None or not path.is_file():
        return None
    return path.read_bytes()


def _drop_upload(request: HttpRequest, register: str) -> None:
    path = _upload_path(register, request.session.pop(_session_key(register), ""))
    if path is not None:
        path.unlink(missing_ok=True)


# --- import -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register_import_page(request: HttpRequest, code: str, register: str) -> HttpResponse:
    """Upload a workbook → a preview of every row (add, update, unchanged or error) → confirm: written
    in one transaction, or nothing if any row is bad or the user cancels."""
    page = _page(register)
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_raid(request.user, project))
    template = "raid/register_import.html"
    context: dict[str, Any] = {"project": project, "tab": page.tab, "register": page, "form": ImportForm()}
    if request.method == "GET":
        return render(request, template, context)
    action = request.POST.get("action", "preview")
    if action == "cancel":
        _drop_upload(request, register)
        messages.info(request, _("Import cancelled; nothing was changed."))
        return redirect(page.list_url, code=project.code)
    if action == "apply":
        data = _uploaded(request, register, request.POST.get("token", ""))
        if data is None:
            context["error"] = _("Upload the file again (an upload is kept for a day).")
            return render(request, template, context, status=422)
    else:
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, template, context, status=422)
        data = form.cleaned_data["file"].read()
    spec = register_book(register).columns(project, units=_units(register))
    rows, problems = excel.import_rows(spec, data)
    if problems:
        context["problems"] = problems
        return render(request, template, context, status=422)
    try:
        result = register_import(
            actor=request.user, project=project, register=register, rows=rows, dry_run=action != "apply"
        )
    except ImportRefused as exc:
        context["result"] = exc.result
        return render(request, template, context, status=422)
    if action == "apply":
        _drop_upload(request, register)
        messages.success(
            request,
            _("Imported: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "added": result.count("add"),
                "updated": result.count("update"),
                "unchanged": result.count("unchanged"),
            },
        )
        return redirect(page.list_url, code=project.code)
    context["result"] = result
    context["token"] = _keep_upload(request, register, data)
    return render(request, template, context)
