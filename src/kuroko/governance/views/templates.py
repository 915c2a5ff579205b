"""Pages of project types and methodology templates: lists, the draft editor, versions and their diff,
a project from a template, a project saved as a template, and a project's template upgrade."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core import permissions as core_perms
from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.formats.project_template import TemplateError, document_diff, document_from_json
from kuroko.governance import permissions as perms
from kuroko.governance.forms_templates import (
    FromTemplateForm,
    ProjectTypeForm,
    SaveAsTemplateForm,
    TemplateCreateForm,
    UploadForm,
    document_json_from_rows,
    editor_rows,
    readable_path,
    rows_from_post,
    with_blanks,
)
from kuroko.governance.metrics import metric_choices
from kuroko.governance.models import TemplateVersion
from kuroko.governance.models.gates import CriterionKind, Operator
from kuroko.governance.selectors import templates as selectors
from kuroko.governance.services import templates as services
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import ProjectType

MAX_UPLOAD = 2 * 1024 * 1024


def _messages(exc: ValidationError) -> list[str]:
    return [readable_path(m) for m in exc.messages]


# --- Project types ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_types(request: HttpRequest) -> HttpResponse:
    """Project types: list, add, rename inline, delete when unused (the PMO)."""
    can_edit = perms.can_configure_standards(request.user)
    editing = request.GET.get("edit", "")
    form = ProjectTypeForm(prefix="new")
    edit_form = None
    if request.method == "POST":
        require(can_edit)
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                form = ProjectTypeForm(request.POST, prefix="new")
                if form.is_valid():
                    services.project_type_create(actor=request.user, data=form.cleaned_data)
                    messages.success(request, _("Project type added."))
                    return redirect("project-types")
            elif action == "edit":
                row = get_object_or_404(ProjectType, code=request.POST.get("original", ""))
                edit_form = ProjectTypeForm(request.POST, prefix="edit", instance=ProjectType(pk=row.pk))
                editing = row.code
                data = {k: request.POST.get(f"edit-{k}", "") for k in ("code", "name", "description")}
                services.project_type_update(actor=request.user, project_type=row, data=data)
                messages.success(request, _("Project type saved."))
                return redirect("project-types")
            elif action == "delete":
                row = get_object_or_404(ProjectType, code=request.POST.get("original", ""))
                services.project_type_delete(actor=request.user, project_type=row)
                messages.success(request, _("Project type deleted."))
                return redirect("project-types")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    rows = list(selectors.project_types(request.user))
    if editing and edit_form is None:
        shown = next((r for r in rows if r.code == editing), None)
        if shown is not None:
            edit_form = ProjectTypeForm(prefix="edit", instance=shown)
    context = {
        "nav": "governance",
        "rows": rows,
        "form": form,
        "edit_form": edit_form,
        "editing": editing,
        "can_edit": can_edit,
    }
    return render(request, "governance/project_types.html", context)


# --- Templates ----------------------------------------------------------------------------------------


@login_required
@require_GET
def templates_list(request: HttpRequest) -> HttpResponse:
    """Every template with its type, latest published version and open draft."""
    kind = request.GET.get("type", "")
    rows = list(selectors.templates_list(request.user, project_type=kind))
    context = {
        "nav": "governance",
        "rows": rows,
        "types": ProjectType.objects.order_by("code"),
        "kind": kind,
        "can_edit": perms.can_configure_standards(request.user),
    }
    return render(request, "governance/templates_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    """A new template (its first draft is empty; edit it next)."""
    require(perms.can_configure_standards(request.user))
    form = TemplateCreateForm(request.POST or None, initial={"project_type": request.GET.get("type")})
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("template-draft", template.code)
    return render(request, "governance/template_create.html", {"nav": "governance", "form": form})


@login_required
@require_GET
def template_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A template: its versions, which projects use which version, and linked lessons."""
    template = selectors.template_get(request.user, code)
    context = {
        "nav": "governance",
        "template": template,
        "versions": selectors.versions(template),
        "uses": selectors.uses_of(request.user, template),
        "lessons": selectors.lessons_of(template),
        "can_edit": perms.can_configure_standards(request.user),
        "can_create": core_perms.can_create_projects(request.user),
    }
    return render(request, "governance/template_detail.html", context)


def _editor_context(template: Any, draft: TemplateVersion, rows: Any, errors: list[str]) -> dict[str, Any]:
    document = None
    with contextlib.suppress(TemplateError):
        document = selectors.document_of(draft)
    return {
        "nav": "governance",
        "template": template,
        "draft": draft,
        "rows": rows,
        "errors": errors,
        "metrics": metric_choices(),
        "kinds": CriterionKind.choices,
        "operators": Operator.choices,
        "upload": UploadForm(),
        "publishable": draft.pk is not None and document is not None and not document.is_empty,
    }


@login_required
@require_http_methods(["GET", "POST"])
def template_draft(request: HttpRequest, code: str) -> HttpResponse:
    """The draft editor: phases with their gate criteria, deliverables, roles, risks and the WBS skeleton
    as tables; the document can also be downloaded and uploaded as JSON."""
    template = selectors.template_get(request.user, code)
    require(perms.can_configure_standards(request.user))
    units = project_selectors.duration_units()
    # Looking does not open a draft: the first save does (from the latest published version).
    draft = selectors.draft_of(template) or selectors.next_draft(template)
    if request.method == "GET" and request.GET.get("download"):
        response = JsonResponse(draft.content, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{template.code}-v{draft.number}-draft.json"'
        return response
    errors: list[str] = []
    if request.method == "POST":
        expected = request.POST.get("number", "")
        number = int(expected) if expected.isdigit() else None
        if request.POST.get("action") == "upload":
            upload = UploadForm(request.POST, request.FILES)
            content: Any = None
            if not upload.is_valid():
                errors = [_("Choose a JSON file.")]
            elif upload.cleaned_data["file"].size > MAX_UPLOAD:
                errors = [_("The file is larger than 2 MB.")]
            else:
                try:
                    content = json.loads(upload.cleaned_data["file"].read().decode("utf-8-sig"))
                except (UnicodeDecodeError, ValueError) as exc:
                    errors = [_("The file is not JSON: %(error)s") % {"error": exc}]
            if not errors:
                try:
                    services.template_draft_save(
                        actor=request.user, template=template, content=content, expected_number=number
                    )
                except ValidationError as exc:
                    errors = _messages(exc)
                else:
                    messages.success(request, _("Draft replaced by the uploaded document."))
                    return redirect("template-draft", template.code)
            rows = editor_rows(selectors.document_or_empty(draft)[0], units)
        else:
            posted = rows_from_post(request.POST)
            content, errors = document_json_from_rows(posted, units)
            if not errors:
                try:
                    services.template_draft_save(
                        actor=request.user,
                        template=template,
                        content=content,
                        notes=request.POST.get("notes", ""),
                        expected_number=number,
                    )
                except ValidationError as exc:
                    errors = _messages(exc)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("template-draft", template.code)
            rows = with_blanks(posted)
            draft.notes = request.POST.get("notes", "")
    else:
        document, problems = selectors.document_or_empty(draft)
        errors = problems
        rows = editor_rows(document, units)
    return render(request, "governance/template_draft.html", _editor_context(template, draft, rows, errors))


@login_required
@require_POST
def template_publish(request: HttpRequest, code: str) -> HttpResponse:
    """Publish the draft as the next version."""
    template = selectors.template_get(request.user, code)
    expected = request.POST.get("number", "")
    try:
        version = services.template_publish(
            actor=request.user,
            template=template,
            notes=request.POST.get("notes") or None,
            expected_number=int(expected) if expected.isdigit() else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
        return redirect("template-draft", template.code)
    messages.success(request, _("Version %(n)s published.") % {"n": version.number})
    return redirect("template-detail", template.code)


@login_required
@require_POST
def template_retire(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Retire a published version: no longer offered for new projects."""
    template = selectors.template_get(request.user, code)
    try:
        services.template_version_retire(actor=request.user, version=selectors.version_get(template, number))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Version %(n)s retired.") % {"n": number})
    return redirect("template-detail", template.code)


def _version_view(document: Any) -> dict[str, Any]:
    """The document arranged for reading: each phase with its deliverables and criteria; tasks with levels."""
    level: dict[str, int] = {}
    tasks = []
    predecessors: dict[str, list[str]] = {}
    names = {t.key: t.name for t in document.tasks}
    for link in document.links:
        lag = f"{link.lag_days:+d}d" if link.lag_days else ""
        predecessors.setdefault(link.successor, []).append(f"{names[link.predecessor]} ({link.type}{lag})")
    parents = {t.parent for t in document.tasks if t.parent}
    for task in document.tasks:
        level[task.key] = level[task.parent] + 1 if task.parent in level else 1
        tasks.append((task, level[task.key], predecessors.get(task.key, []), task.key in parents))
    roles = {r.key: r.name for r in document.roles}
    return {
        "phases": [
            (p, [d for d in document.deliverables if d.phase == p.key], p.criteria) for p in document.phases
        ],
        "tasks": tasks,
        "roles": document.roles,
        "role_names": roles,
        "risks": document.risks,
    }


@login_required
@require_GET
def template_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One version, read-only; ``?compare=n`` shows what changed from version n."""
    template = selectors.template_get(request.user, code)
    version = selectors.version_get(template, number, user=request.user)
    if request.GET.get("download"):
        response = JsonResponse(version.content, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{template.code}-v{number}.json"'
        return response
    document, problems = selectors.document_or_empty(version)
    diff = None
    other = selectors.compared_version(request.user, template, request.GET.get("compare", ""))
    if other is not None:
        older, newer = (other, version) if other.number < version.number else (version, other)
        diff = document_diff(
            document_from_json(older.content) if older != version else document,
            document_from_json(newer.content) if newer != version else document,
        )
        other = older if older != version else newer
    context = {
        "nav": "governance",
        "template": template,
        "version": version,
        "problems": problems,
        "doc": _version_view(document),
        "diff": diff,
        "other": other,
        "others": [v for v in template.versions.order_by("number") if v.pk != version.pk],
    }
    return render(request, "governance/template_version.html", context)


# --- Projects and templates -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create_from_template(request: HttpRequest) -> HttpResponse:
    """A new project from a published template version: code, name, start and a person per role."""
    require(core_perms.can_create_projects(request.user))
    published = list(selectors.published_versions(request.user))
    choices = [
        (str(v.pk), f"{v.template.name} · v{v.number} ({v.template.project_type.name})") for v in published
    ]
    data = request.POST if request.method == "POST" else None
    chosen = (data or request.GET).get("version") or (choices[0][0] if choices else "")
    version = next((v for v in published if str(v.pk) == chosen), None)
    roles: list[tuple[str, str]] = []
    if version is not None:
        document, _problems = selectors.document_or_empty(version)
        roles = [(r.key, r.name) for r in document.roles]
    person = getattr(request.user, "person", None)
    form = FromTemplateForm(
        data,
        versions=choices,
        roles=roles,
        initial={"version": chosen, "start": timezone.localdate(), "manager": person},
    )
    if data is not None and version is not None and form.is_valid():
        try:
            project = services.project_create_from_template(
                actor=request.user,
                version=version,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                start=form.cleaned_data["start"],
                people=form.people(),
                manager=form.cleaned_data.get("manager"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Project %(code)s created from %(template)s v%(n)s.")
                % {"code": project.code, "template": version.template.name, "n": version.number},
            )
            return redirect(project.get_absolute_url())
    context = {"nav": "portfolio", "form": form, "version": version, "has_versions": bool(choices)}
    if request.htmx and request.method == "GET":
        return render(request, "governance/project_from_template.html#form", context)
    return render(request, "governance/project_from_template.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_save_as_template(request: HttpRequest, code: str) -> HttpResponse:
    """Save the project's plan as a template draft (a new template, or the draft of an existing one)."""
    project = project_selectors.project_get(request.user, code)
    require(perms.can_configure_standards(request.user))
    templates = [(t.code, f"{t.code} {t.name}") for t in selectors.templates_list(request.user)]
    form = SaveAsTemplateForm(
        request.POST or None,
        templates=templates,
        initial={"project_type": project.project_type, "name": project.name},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["template"]
        try:
            draft = services.project_save_as_template(
                actor=request.user,
                project=project,
                template=selectors.template_get(request.user, chosen) if chosen else None,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                project_type=form.cleaned_data["project_type"],
            )
        except ValidationError as exc:
            add_errors(form, exc, word=readable_path)
        else:
            messages.success(
                request,
                _("The plan of %(code)s is now the draft of %(template)s; check it and publish it.")
                % {"code": project.code, "template": draft.template.name},
            )
            return redirect("template-draft", draft.template.code)
    return render(
        request,
        "governance/project_save_as_template.html",
        {"nav": "portfolio", "project": project, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_template(request: HttpRequest, code: str) -> HttpResponse:
    """The template version a project uses and what moving to the latest published version would do."""
    project = project_selectors.project_get(request.user, code)
    use = selectors.template_use(project)
    can_apply = perms.can_manage_governance(request.user, project)
    if request.method == "POST":
        if not can_apply:
            raise PermissionDenied
        number = request.POST.get("to_version", "")
        start = request.POST.get("from_version", "")
        if use is None or not number.isdigit():
            raise Http404
        version = get_object_or_404(TemplateVersion, template=use.version.template, number=int(number))
        try:
            services.template_upgrade_apply(
                actor=request.user,
                project=project,
                to_version=version,
                from_number=int(start) if start.isdigit() else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The project now follows version %(n)s.") % {"n": version.number})
        return redirect(reverse("project-template", args=[project.code]))
    preview = None
    problem = ""
    if use is not None:
        try:
            preview = services.template_upgrade_preview(project, user=request.user)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    context = {
        "nav": "portfolio",
        "project": project,
        "use": use,
        "preview": preview,
        "problem": problem,
        "can_apply": can_apply,
    }
    return render(request, "governance/project_template.html", context)
