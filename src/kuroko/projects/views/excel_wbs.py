"""Excel WBS pages: import a workbook as a new project (upload → map columns → preview → create), update a
project from one (upload → map → diff → apply), export a project, and manage saved column mappings.

Between the steps the upload waits in the data directory (`kuroko.projects.uploads`) and the chosen
column mapping in the session; cancelling or any error writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kuroko.core import permissions as core_perms
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.formats.imported import ImportedProject, ImportFileError
from kuroko.projects import permissions as perms
from kuroko.projects import selectors
from kuroko.projects.forms_excel import ExcelCreateForm, ExcelMappingForm, ExcelUploadForm, MappingRenameForm
from kuroko.projects.models import ImportMapping, Project
from kuroko.projects.selectors import import_mappings as mapping_selectors
from kuroko.projects.services import excel_wbs as excel
from kuroko.projects.services.imports import MAX_IMPORT_BYTES
from kuroko.projects.uploads import discard_upload, keep_upload, load_upload
from kuroko.projects.views.mspdi_update import report_update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 30


def _options_key(purpose: str) -> str:
    return f"excel-options-{purpose}"


def _keep_options(request: HttpRequest, purpose: str, token: str, options: dict[str, Any]) -> None:
    """The mapping checked for the upload `token` (kept with its token, so that another tab's upload for
    the same purpose never applies this one's mapping)."""
    request.session[_options_key(purpose)] = {"token": token, "options": options}


def _kept_options(request: HttpRequest, purpose: str, token: str) -> dict[str, Any] | None:
    kept = request.session.get(_options_key(purpose))
    if not isinstance(kept, dict) or not token or kept.get("token") != token:
        return None
    options = kept.get("options")
    return options if isinstance(options, dict) else None


class _Flow:
    """One run of the import pages: the request, the upload's purpose, and the project updated (None for
    a new project)."""

    def __init__(self, request: HttpRequest, purpose: str, project: Project | None) -> None:
        self.request = request
        self.purpose = purpose
        self.project = project
        self.template = "projects/excel_reimport.html" if project else "projects/excel_import.html"

    def render(self, status: int = 200, **context: Any) -> HttpResponse:
        context.setdefault("upload_form", ExcelUploadForm(user=self.request.user))
        return render(self.request, self.template, {"project": self.project, **context}, status=status)

    def mapping_form(
        self, data: bytes, options: dict[str, Any] | None, bound: Any = None
    ) -> tuple[ExcelMappingForm, dict[str, Any]]:
        """The mapping form for the upload: prefilled from `options` (else detection), or bound to the
        posted data; and the options it shows."""
        sheet = str(options.get("sheet") or "") if options else ""
        row = _int(options.get("header_row")) if options else None
        try:
            layout = excel.excel_layout(data, sheet=sheet or None, header_row=row)
        except ValidationError:
            if not sheet:
                raise
            layout, options = excel.excel_layout(data), None  # a saved mapping of another workbook
        shown = {**layout.options(), **(options or {})}
        form = ExcelMappingForm(
            bound,
            initial=ExcelMappingForm.initial_from(shown),
            sheets=[s.name for s in layout.sheets],
            headers=layout.headers,
        )
        return form, shown

    def uploaded(self, token: str) -> tuple[bytes, str] | None:
        return load_upload(self.request, self.purpose, token)

    def upload(self) -> HttpResponse:
        form = ExcelUploadForm(self.request.POST, self.request.FILES, user=self.request.user)
        if not form.is_valid():
            return self.render(status=422, upload_form=form)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
            return self.render(status=422, upload_form=form)
        data = upload.read()
        options = None
        if form.cleaned_data["mapping"]:
            mapping = mapping_selectors.import_mapping_get(
                self.request.user, int(form.cleaned_data["mapping"]), kind=ImportMapping.Kind.EXCEL_WBS
            )
            options = dict(mapping.options)
        try:
            mapping_form, options = self.mapping_form(data, options)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render(status=422, upload_form=form)
        token = keep_upload(self.request, self.purpose, data, upload.name)
        return self.check(data, upload.name, token, mapping_form, options)

    def remap(self) -> HttpResponse:
        token = self.request.POST.get("upload", "")
        kept = self.uploaded(token)
        if kept is None:
            return self.render(
                status=422, error=_("The uploaded file is no longer available; upload it again.")
            )
        data, name = kept
        post = self.request.POST
        sheet, header_row = post.get("sheet", ""), _int(post.get("header_row"))
        wanted: dict[str, Any] = {"sheet": sheet, "header_row": header_row}
        moved = sheet != post.get("shown_sheet") or str(header_row) != post.get("shown_row")
        try:
            if moved:  # another sheet or header row: offer its headers, as detected
                layout = excel.excel_layout(data, sheet=sheet or None, header_row=header_row)
                form, shown = self.mapping_form(data, layout.options())
                return self.render(mapping=form, token=token, file_name=name, shown=shown)
            form, shown = self.mapping_form(data, wanted, post)
        except ValidationError as exc:
            return self.render(status=422, error=" ".join(exc.messages))
        context = {"mapping": form, "token": token, "file_name": name, "shown": shown}
        if not form.is_valid():
            return self.render(status=422, **context)
        options = form.options()
        if form.cleaned_data.get("save_as"):
            try:
                excel.import_mapping_save(
                    actor=self.request.user,
                    kind=ImportMapping.Kind.EXCEL_WBS,
                    name=form.cleaned_data["save_as"],
                    options=options,
                )
            except ValidationError as exc:
                form.add_error("save_as", " ".join(exc.messages))
                return self.render(status=422, **context)
            messages.success(
                self.request, _("Mapping “%(name)s” saved.") % {"name": form.cleaned_data["save_as"]}
            )
        return self.check(data, name, token, form, options)

    def check(
        self, data: bytes, name: str, token: str, form: ExcelMappingForm, options: dict[str, Any]
    ) -> HttpResponse:
        """Read the rows with the mapping: the report of every problem, else the preview (new project) or
        the diff (update)."""
        shown = options
        context: dict[str, Any] = {"mapping": form, "token": token, "file_name": name, "shown": shown}
        try:
            rows = excel.excel_rows(data, options, self.project)
        except ImportFileError as exc:
            return self.render(status=422, problems=exc.errors, **context)
        _keep_options(self.request, self.purpose, token, options)
        if self.project is None:
            return self.render(preview=_preview(rows), create=ExcelCreateForm(), **context)
        try:
            diff = excel.project_update_excel(
                actor=self.request.user, project=self.project, data=data, options=options, dry_run=True
            )
        except ValidationError as exc:
            return self.render(status=422, error=" ".join(exc.messages), **context)
        return self.render(diff=diff, **context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _preview(rows: ImportedProject) -> dict[str, Any]:
    wbs = {t.key: t.wbs or t.key for t in rows.tasks}

    def links(task: Any) -> str:
        # By WBS code, as the WBS table writes predecessors (the links hold the rows' keys).
        return ", ".join(
            wbs.get(link.predecessor, link.predecessor) + ("" if link.type == "FS" else str(link.type))
            for link in task.links
        )

    return {
        "count": len(rows.tasks),
        "rows": [
            {"task": t, "depth": t.wbs.count(".") if t.wbs else 0, "links": links(t)}
            for t in rows.tasks[:PREVIEW_ROWS]
        ],
        "more": max(len(rows.tasks) - PREVIEW_ROWS, 0),
        "warnings": rows.warnings,
        "match": rows.match,
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_import_excel(request: HttpRequest) -> HttpResponse:
    """A new project from an Excel WBS: upload, map the columns, preview, create."""
    core_perms.require(core_perms.can_create_projects(request.user))
    flow = _Flow(request, "excel-new", None)
    step = request.POST.get("step", "")
    if request.method != "POST":
        return flow.render()
    if step == "map":
        return flow.remap()
    if step == "create":
        return _create(flow)
    return flow.upload()


def _create(flow: _Flow) -> HttpResponse:
    request = flow.request
    token = request.POST.get("upload", "")
    kept = flow.uploaded(token)
    options = _kept_options(request, flow.purpose, token)
    if kept is None or options is None:
        return flow.render(status=422, error=_("The uploaded file is no longer available; upload it again."))
    data, name = kept
    create = ExcelCreateForm(request.POST)
    context: dict[str, Any] = {"token": token, "file_name": name, "create": create}
    if create.is_valid():
        try:
            project = excel.project_import_excel(
                actor=request.user,
                data=data,
                options=options,
                code=create.cleaned_data["code"],
                name=create.cleaned_data["name"],
            )
        except ValidationError as exc:
            create.add_error(None, exc)
        else:
            discard_upload(request, flow.purpose)
            request.session.pop(_options_key(flow.purpose), None)
            messages.success(
                request,
                _("Project %(code)s imported with %(count)s tasks.")
                % {"code": project.code, "count": project.tasks.count()},
            )
            return redirect(project)
    form, _options = flow.mapping_form(data, options)
    rows = excel.excel_rows(data, options)
    return flow.render(status=422, mapping=form, preview=_preview(rows), shown=options, **context)


@login_required
@require_http_methods(["GET", "POST"])
def project_reimport_excel(request: HttpRequest, code: str) -> HttpResponse:
    """Update a project from its Excel WBS: upload, map the columns, see the diff, apply."""
    project = selectors.project_get(request.user, code)
    core_perms.require(perms.can_edit_project(request.user, project))
    flow = _Flow(request, f"excel-update-{project.pk}", project)
    if request.method != "POST":
        return flow.render()
    step = request.POST.get("step", "")
    if step == "map":
        return flow.remap()
    if "token" in request.POST:  # the diff's "Apply these changes"
        return _apply(flow, project)
    return flow.upload()


def _apply(flow: _Flow, project: Project) -> HttpResponse:
    request = flow.request
    token = request.POST.get("token", "")
    kept = flow.uploaded(token)
    options = _kept_options(request, flow.purpose, token)
    if kept is None or options is None:
        return flow.render(status=422, error=_("The uploaded file is no longer available; upload it again."))
    try:
        diff = excel.project_update_excel(actor=request.user, project=project, data=kept[0], options=options)
    except ValidationError as exc:
        return flow.render(status=422, error=" ".join(exc.messages))
    discard_upload(request, flow.purpose)
    request.session.pop(_options_key(flow.purpose), None)
    report_update(request, project, diff)
    return redirect(project)


@login_required
@require_GET
def project_export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The project as an Excel WBS: the default layout, or `?mapping=<id>` for a saved mapping's."""
    project = selectors.project_get(request.user, code)
    mapping = None
    if request.GET.get("mapping"):
        pk = _int(request.GET["mapping"])
        if pk is None:
            return HttpResponse(_("Not a mapping."), status=404)
        mapping = mapping_selectors.import_mapping_get(request.user, pk, kind=ImportMapping.Kind.EXCEL_WBS)
    try:
        data = excel.project_export_xlsx(actor=request.user, project=project, mapping=mapping)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-wbs.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_mappings(request: HttpRequest) -> HttpResponse:
    """The saved column mappings of every kind: rename, delete."""
    core_perms.require(mapping_selectors.can_save_mappings(request.user))
    error = ""
    status = 200
    if request.method == "POST":
        pk = _int(request.POST.get("pk"))
        mapping = mapping_selectors.import_mapping_get(request.user, pk or 0)
        action = request.POST.get("action")
        try:
            if action == "delete":
                excel.import_mapping_delete(actor=request.user, mapping=mapping)
                messages.success(request, _("Mapping “%(name)s” deleted.") % {"name": mapping.name})
                return redirect(reverse("import_mappings"))
            if action == "rename":
                form = MappingRenameForm(request.POST)
                if form.is_valid():
                    excel.import_mapping_save(
                        actor=request.user,
                        kind=mapping.kind,
                        name=form.cleaned_data["name"],
                        options=mapping.options,
                        mapping=mapping,
                    )
                    messages.success(request, _("Mapping renamed."))
                    return redirect(reverse("import_mappings"))
                error = " ".join(str(e) for errors in form.errors.values() for e in errors)
            else:
                error = _("Unknown action.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        status = 422
    rows = [
        {"mapping": m, "can_delete": mapping_selectors.can_delete_mapping(request.user, m)}
        for m in mapping_selectors.import_mappings(request.user)
    ]
    return render(request, "projects/excel_mappings.html", {"rows": rows, "error": error}, status=status)
