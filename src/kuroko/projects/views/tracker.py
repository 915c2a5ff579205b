"""Importing a tracker's CSV export (Redmine, Jira, Backlog) as a new project or as an update of one.

Steps: upload → mapping (tracker detected, columns prefilled from the header or a saved mapping, all
editable; the mapping may be saved under a name) → preview (the tasks, or the row report of every problem)
→ create; an update shows the diff instead and applies it. The file waits between the steps in the data
directory (`kuroko.projects.uploads`); the chosen options wait in the session beside its token.
`MappingStep` is shared with the RAID issue import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kuroko.core import permissions as core_perms
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.formats.tracker_csv import default_options
from kuroko.projects import permissions as perms
from kuroko.projects import selectors, services
from kuroko.projects.forms_tracker import (
    TASK_FIELDS,
    TrackerCreateForm,
    TrackerMappingForm,
    TrackerUploadForm,
)
from kuroko.projects.models import Project
from kuroko.projects.services.tracker_csv import tracker_header, tracker_preview, tracker_read
from kuroko.projects.uploads import discard_upload, keep_upload, load_upload
from kuroko.projects.views.mspdi_update import report_update

TEMPLATE = "projects/tracker_import.html"


@dataclass
class MappingStep:
    """The upload and mapping steps of one page: its upload purpose, fields and template context."""

    request: HttpRequest
    purpose: str
    fields: dict[str, Any]
    context: dict[str, Any]
    template: str = TEMPLATE

    def render(self, step: str, status: int = 200, **extra: Any) -> HttpResponse:
        context = {**self.context, "step": step, **extra}
        if "upload_form" not in context:
            context["upload_form"] = TrackerUploadForm()
        return render(self.request, self.template, context, status=status)

    def refused(self, exc: ValidationError, step: str, **extra: Any) -> HttpResponse:
        """A page with every problem of the file: the row report when there are rows."""
        rows = getattr(exc, "rows", None)
        return self.render(step, 422, problems=rows, error="" if rows else " ".join(exc.messages), **extra)

    def upload(self) -> HttpResponse:
        """Keep the uploaded file and offer the mapping, prefilled."""
        form = TrackerUploadForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.render("upload", 422, upload_form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            header = tracker_header(data)
        except ValidationError as exc:
            return self.refused(exc, "upload", upload_form=form)
        token = keep_upload(self.request, self.purpose, data, upload.name)
        saved = form.cleaned_data.get("mapping")
        options = default_options(header)
        if saved is not None:
            options = {**options, **{k: v for k, v in saved.options.items() if v}}
            options["columns"] = {
                **default_options(header)["columns"],
                **dict(saved.options.get("columns") or {}),
            }
        mapping = TrackerMappingForm(
            initial=TrackerMappingForm.initial_from(options), header=header, fields=self.fields
        )
        return self.render("mapping", mapping=mapping, token=token, file_name=upload.name)

    def mapped(self) -> tuple[bytes, str, str, dict[str, Any]] | HttpResponse:
        """The kept file and the options of a posted mapping (saved under its name if one is given), or
        the page to show instead."""
        token = self.request.POST.get("token", "")
        kept = load_upload(self.request, self.purpose, token)
        if kept is None:
            return self.render(
                "upload", 422, error=_("The uploaded file is no longer available; upload it again.")
            )
        data, name = kept
        header = tracker_header(data)
        mapping = TrackerMappingForm(self.request.POST, header=header, fields=self.fields)
        if not mapping.is_valid():
            return self.render("mapping", 422, mapping=mapping, token=token, file_name=name)
        options = mapping.options()
        if mapping.cleaned_data.get("mapping_name"):
            try:
                services.tracker_mapping_save(
                    actor=self.request.user, name=mapping.cleaned_data["mapping_name"], options=options
                )
            except ValidationError as exc:
                mapping.add_error("mapping_name", exc.messages)
                return self.render("mapping", 422, mapping=mapping, token=token, file_name=name)
        self.request.session[f"{self.purpose}-options"] = options
        return data, token, name, options

    def again(self, exc: ValidationError, token: str, name: str, options: dict[str, Any]) -> HttpResponse:
        """The mapping step again with the row report of the file read through it."""
        data = load_upload(self.request, self.purpose, token)
        header = tracker_header(data[0]) if data else ()
        mapping = TrackerMappingForm(
            initial=TrackerMappingForm.initial_from(options), header=header, fields=self.fields
        )
        return self.refused(exc, "mapping", mapping=mapping, token=token, file_name=name)

    def kept(self) -> tuple[bytes, str, str, dict[str, Any]] | None:
        """The kept file, its token and name, and the options chosen for it; None when gone."""
        token = self.request.POST.get("token", "")
        kept = load_upload(self.request, self.purpose, token)
        options = self.request.session.get(f"{self.purpose}-options")
        if kept is None or options is None:
            return None
        return kept[0], token, kept[1], options

    def discard(self) -> None:
        discard_upload(self.request, self.purpose)
        self.request.session.pop(f"{self.purpose}-options", None)


def _outline(imported: Any) -> list[dict[str, Any]]:
    depth: dict[str, int] = {}
    rows = []
    for task in imported.tasks:
        level = depth[task.parent] + 1 if task.parent in depth else 0
        depth[task.key] = level
        rows.append(
            {
                "task": task,
                "indent": level * 1.25,
                "links": ", ".join(f"#{link.predecessor}" for link in task.links),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def project_import_tracker(request: HttpRequest) -> HttpResponse:
    """A new project from a tracker's CSV export: upload → mapping → preview → create."""
    core_perms.require(core_perms.can_create_projects(request.user))
    page = MappingStep(
        request,
        "tracker-new",
        TASK_FIELDS,
        {"title": _("New project from tracker CSV"), "new": True, "cancel_url": reverse("portfolio")},
    )
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "upload":
        return page.upload()
    if step == "preview":
        got = page.mapped()
        if isinstance(got, HttpResponse):
            return got
        data, token, name, options = got
        try:
            imported = tracker_preview(data, options)
        except ValidationError as exc:
            return page.again(exc, token, name, options)
        return page.render(
            "preview",
            imported=imported,
            outline=_outline(imported),
            create=TrackerCreateForm(),
            token=token,
            file_name=name,
        )
    if step == "create":
        kept = page.kept()
        if kept is None:
            return page.render(
                "upload", 422, error=_("The uploaded file is no longer available; upload it again.")
            )
        data, token, name, options = kept
        create = TrackerCreateForm(request.POST)
        if create.is_valid():
            try:
                project = services.project_import_tracker(
                    actor=request.user,
                    data=data,
                    options=options,
                    code=create.cleaned_data["code"],
                    name=create.cleaned_data["name"],
                )
            except ValidationError as exc:
                if getattr(exc, "rows", None):
                    return page.again(exc, token, name, options)
                create.add_error(None, exc)
            else:
                page.discard()
                messages.success(
                    request,
                    _("Project %(code)s imported with %(count)s tasks.")
                    % {"code": project.code, "count": project.tasks.count()},
                )
                return redirect(project)
        imported = tracker_read(data, options)
        return page.render(
            "preview",
            422,
            imported=imported,
            outline=_outline(imported),
            create=create,
            token=token,
            file_name=name,
        )
    return page.render("upload")


@login_required
@require_http_methods(["GET", "POST"])
def project_reimport_tracker(request: HttpRequest, code: str) -> HttpResponse:
    """Update the project from a later export of its tracker: upload → mapping → the diff → apply."""
    project: Project = selectors.project_get(request.user, code)
    core_perms.require(perms.can_edit_project(request.user, project))
    url = reverse("project_reimport_tracker", args=[project.code])
    page = MappingStep(
        request,
        f"tracker-update-{project.pk}",
        TASK_FIELDS,
        {
            "title": _("Update from tracker CSV"),
            "project": project,
            "cancel_url": project.get_absolute_url(),
            "apply_url": url,
            "uid_label": "#",
        },
    )
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "upload":
        return page.upload()
    if step == "preview":
        got = page.mapped()
        if isinstance(got, HttpResponse):
            return got
        data, token, name, options = got
        try:
            diff = services.project_update_tracker(
                actor=request.user, project=project, data=data, options=options, dry_run=True
            )
        except ValidationError as exc:
            return page.again(exc, token, name, options)
        return page.render("diff", diff=diff, token=token, file_name=name)
    if request.method == "POST" and "token" in request.POST:  # the diff's "Apply these changes"
        kept = page.kept()
        if kept is None:
            return page.render(
                "upload", 422, error=_("The uploaded file is no longer available; upload it again.")
            )
        data, token, name, options = kept
        try:
            diff = services.project_update_tracker(
                actor=request.user, project=project, data=data, options=options
            )
        except ValidationError as exc:
            return page.again(exc, token, name, options)
        page.discard()
        report_update(request, project, diff)
        return redirect(project)
    return page.render("upload")
