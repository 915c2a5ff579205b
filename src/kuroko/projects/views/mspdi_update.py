"""Updating a project from a later version of its file (MS Project XML, or any format Kuroko imports) in
two steps: upload and see what would change, then apply.

Between the steps the uploaded file waits in the data directory (`kuroko.projects.uploads`).
"""

from __future__ import annotations

from django import forms
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
from kuroko.projects import selectors
from kuroko.projects.forms import UpdateImportForm
from kuroko.projects.models import Project
from kuroko.projects.services.import_files import import_file, mpxj_status, read_upload
from kuroko.projects.services.imports import ImportDiff
from kuroko.projects.uploads import discard_upload, keep_upload, load_upload, upload_options


def add_file_errors(form: forms.Form, exc: ValidationError) -> None:
    """An import's errors on the form: next to the field they name when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _purpose(project: Project) -> str:
    return f"mspdi-update-{project.pk}"


def _render(request: HttpRequest, project: Project, form: UpdateImportForm, **extra: object) -> HttpResponse:
    return render(
        request,
        "projects/project_import_update.html",
        {"project": project, "form": form, "mpxj_missing": mpxj_status(), **extra},
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
    upload = form.cleaned_data["file"]
    mapping = form.cleaned_data["mapping"] or None
    try:
        data = read_upload(upload)
        result = import_file(
            actor=request.user, name=upload.name, data=data, project=project, mapping=mapping, dry_run=True
        )
    except ValidationError as exc:
        add_file_errors(form, exc)
        return _render(request, project, form)
    diff = result.diff
    options = {"mapping": mapping} if mapping else {}
    token = (
        "" if diff.is_empty else keep_upload(request, _purpose(project), data, upload.name, options=options)
    )
    return _render(request, project, form, diff=diff, token=token, file_name=upload.name)


def _apply(request: HttpRequest, project: Project) -> HttpResponse:
    form = UpdateImportForm()
    kept = load_upload(request, _purpose(project), request.POST.get("token", ""))
    if kept is None:
        error = _("The uploaded file is no longer available; upload it again.")
        return _render(request, project, form, error=error)
    data, name = kept
    mapping = upload_options(request, _purpose(project)).get("mapping")
    try:
        result = import_file(
            actor=request.user, name=name or "plan.xml", data=data, project=project, mapping=mapping or None
        )
    except ValidationError as exc:
        return _render(request, project, form, error=" ".join(exc.messages))
    discard_upload(request, _purpose(project))
    diff = result.diff
    report_update(request, project, diff)
    return redirect(project)


def report_update(request: HttpRequest, project: Project, diff: ImportDiff) -> None:
    """The message after a project is updated from a file (any format): how many tasks changed."""
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
