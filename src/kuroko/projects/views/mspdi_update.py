"""Updating a project from MS Project XML in two steps: upload and see what would change, then apply.

Between the steps the uploaded file waits in the data directory under a random token that only the
uploader's session knows; it is deleted when applied, when replaced by another upload, or after a day.
Files of up to 20 MB are too large to send back through the confirmation form.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kuroko.core import permissions as core_perms
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.projects import permissions as perms
from kuroko.projects import selectors, services
from kuroko.projects.forms import UpdateImportForm
from kuroko.projects.models import Project

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _session_key(project: Project) -> str:
    return f"mspdi-update-{project.pk}"


def _path(token: str) -> Path | None:
    return upload_dir() / f"mspdi-{token}.xml" if _TOKEN.match(token) else None


def _discard(token: str | None) -> None:
    path = _path(token or "")
    if path is not None:
        path.unlink(missing_ok=True)


def _keep(request: HttpRequest, project: Project, data: bytes) -> str:
    """Store the upload for the confirmation step; returns its token (also kept in the session)."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("mspdi-*.xml"):  # uploads never confirmed
        if now - old.stat().st_mtime > STALE_SECONDS:
            old.unlink(missing_ok=True)
    _discard(request.session.get(_session_key(project)))
    token = secrets.token_urlsafe(24)
    path = _path(token)
    assert path is not None
    path.write_bytes(data)
    request.session[_session_key(project)] = token
    return token


def _render(request: HttpRequest, project: Project, form: UpdateImportForm, **extra: object) -> HttpResponse:
    return render(
        request,
        "projects/project_import_update.html",
        {"project": project, "form": form, **extra},
        status=422 if form.errors or extra.get("error") else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_import_update(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the upload form. POST with a file: what the update would change (nothing is written yet).
    POST with the token of that upload: apply it."""
    project = selectors.project_get(request.user, code)
    core_perms.require(perms.can_edit_project(request.user, project))
    if request.method == "POST" and "token" in request.POST:
        return _apply(request, project)
    form = UpdateImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render(request, project, form)
    data = form.cleaned_data["file"].read()
    try:
        diff = services.project_update_mspdi(actor=request.user, project=project, data=data, dry_run=True)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render(request, project, form)
    token = "" if diff.is_empty else _keep(request, project, data)
    return _render(request, project, form, diff=diff, token=token, file_name=form.cleaned_data["file"].name)


def _apply(request: HttpRequest, project: Project) -> HttpResponse:
    form = UpdateImportForm()
    token = request.POST.get("token", "")
    path = _path(token)
    if token != request.session.get(_session_key(project)) or path is None or not path.is_file():
        error = _("The uploaded file is no longer available; upload it again.")
        return _render(request, project, form, error=error)
    try:
        diff = services.project_update_mspdi(actor=request.user, project=project, data=path.read_bytes())
    except ValidationError as exc:
        return _render(request, project, form, error=" ".join(exc.messages))
    _discard(token)
    request.session.pop(_session_key(project), None)
    messages.success(
        request,
        _(
            "Project %(code)s updated from the file. Tasks added: %(added)s, changed: %(changed)s, "
            "removed: %(removed)s."
        )
        % {
            "code": project.code,
            "added": len(diff.added),
            "changed": len(diff.changed),
            "removed": len(diff.removed),
        },
    )
    return redirect(project)
