"""Thin views: parse the request, call a selector or service, render a template or partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from kuroko.core import permissions as core_perms
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.selectors import history
from kuroko.core.versioning import ConflictError
from kuroko.people import selectors as people_selectors
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects import selectors, services
from kuroko.projects.forms import (
    ImportForm,
    MemberForm,
    NewTaskForm,
    PortfolioFilterForm,
    ProgressForm,
    ProjectForm,
    TaskForm,
)
from kuroko.projects.models import ProjectMember, Status, Task, TaskKind

PAGE_SIZE = 50


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every project the user may see, filtered, sorted and paginated, with summary counts."""
    form = PortfolioFilterForm(request.GET or None, managers=selectors.managers_for_filter(request.user))
    project_filter = form.to_filter()
    projects = selectors.project_list(request.user, project_filter)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filter": project_filter,
        "page": page,
        "summary": selectors.portfolio_summary(projects),
        "statuses": Status.choices,
        "query": query.urlencode(),
        "can_create": core_perms.can_create_projects(request.user),
    }
    template = "projects/portfolio.html#results" if request.htmx else "projects/portfolio.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    core_perms.require(core_perms.can_create_projects(request.user))
    form = ProjectForm(request.POST or None, initial={"status": Status.PROPOSED})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, data=form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project %(code)s created.") % {"code": project.code})
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    core_perms.require(perms.can_edit_project(request.user, project))
    form = ProjectForm(request.POST or None, instance=project)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_update(
                actor=request.user,
                project=project,
                data=form.changes(),
                expected_version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            conflict = exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
            return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def project_delete(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    services.project_delete(actor=request.user, project=project)
    messages.success(request, _("Project %(code)s deleted.") % {"code": code})
    return redirect("portfolio")


def _wbs_context(request: HttpRequest, project: Any, **extra: Any) -> dict[str, Any]:
    units = selectors.duration_units()
    return {
        "project": project,
        "rows": selectors.wbs_rows(request.user, project, units=units),
        "units": units,
        "can_edit": perms.can_edit_project(request.user, project),
        "new_task_form": NewTaskForm(),
        **extra,
    }


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    context = _wbs_context(
        request,
        project,
        milestones=selectors.milestones(project),
        members=selectors.members(project),
        member_form=MemberForm(),
        can_delete=perms.can_delete_project(request.user, project),
        levelled=Task.objects.filter(project=project, level_start__isnull=False).count(),
    )
    return render(request, "projects/project_detail.html", context)


def _render_wbs(request: HttpRequest, project: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    if extra.get("editing"):
        task = Task.objects.select_related("project").get(pk=extra["editing"])
        extra.update(task=task, form=_task_form(request, task))
    return render(
        request, "projects/project_detail.html#wbs", _wbs_context(request, project, **extra), status=status
    )


def _task_form(request: HttpRequest, task: Task, data: Any = None) -> TaskForm | ProgressForm:
    units = selectors.duration_units()
    if perms.can_edit_project(request.user, task.project):
        row = next(
            r for r in selectors.wbs_rows(request.user, task.project, units=units) if r.task.pk == task.pk
        )
        return TaskForm(
            data,
            initial=TaskForm.initial_for(task, row.predecessors, units),
            units=units,
            owners=Person.objects.filter(is_active=True),
            summary=task.kind == TaskKind.SUMMARY,
        )
    core_perms.require(perms.can_update_progress(request.user, task))
    return ProgressForm(data, initial={"version": task.version, "percent_complete": task.percent_complete})


def _edit_row(
    request: HttpRequest, task: Task, form: Any, *, status: int = 200, conflict: ConflictError | None = None
) -> HttpResponse:
    response = render(
        request,
        "projects/project_detail.html#task_edit",
        {"task": task, "form": form, "project": task.project, "conflict": conflict},
        status=status,
    )
    return reswap(retarget(response, f"#task-{task.pk}"), "outerHTML")


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row as a form. POST: save it and return the whole WBS (roll-ups may change)."""
    task = selectors.task_get(request.user, pk)
    if request.method == "GET":
        return _edit_row(request, task, _task_form(request, task))
    form = _task_form(request, task, request.POST)
    if not form.is_valid():
        return _edit_row(request, task, form, status=422)
    try:
        with transaction.atomic():
            services.task_update(
                actor=request.user,
                task=task,
                data=form.changes()
                if isinstance(form, TaskForm)
                else {"percent_complete": form.cleaned_data["percent_complete"]},
                expected_version=form.cleaned_data.get("version"),
            )
            if isinstance(form, TaskForm):
                services.task_set_predecessors(
                    actor=request.user, task=task, refs=form.cleaned_data["predecessors"]
                )
    except ConflictError as exc:
        task.refresh_from_db()
        return _edit_row(request, task, _task_form(request, task), status=409, conflict=exc)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _edit_row(request, task, form, status=422)
    return _render_wbs(request, task.project, flash=task.pk)


@login_required
def task_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only row (used by Cancel)."""
    task = selectors.task_get(request.user, pk)
    row = next(r for r in selectors.wbs_rows(request.user, task.project) if r.task.pk == pk)
    return render(
        request,
        "projects/project_detail.html#task_row",
        {
            "row": row,
            "project": task.project,
            "can_edit": perms.can_edit_project(request.user, task.project),
            "units": selectors.duration_units(),
        },
    )


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version")
    return int(value) if value and value.isdigit() else None


def _structure(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    try:
        result = action(task)
    except ConflictError as exc:
        return _render_wbs(request, task.project, status=409, error=str(exc))
    except ValidationError as exc:
        return _render_wbs(request, task.project, status=422, error=" ".join(exc.messages))
    editing = result.pk if isinstance(result, Task) and request.POST.get("edit") else None
    flash = result.pk if isinstance(result, Task) else None
    return _render_wbs(request, task.project, flash=flash, editing=editing)


# Tree operations on one task; each answers with the re-rendered WBS (codes and roll-ups change).
STRUCTURE: dict[str, Any] = {
    "indent": lambda actor, task, version: services.task_indent(
        actor=actor, task=task, expected_version=version
    ),
    "outdent": lambda actor, task, version: services.task_outdent(
        actor=actor, task=task, expected_version=version
    ),
    "up": lambda actor, task, version: services.task_move(
        actor=actor, task=task, direction="up", expected_version=version
    ),
    "down": lambda actor, task, version: services.task_move(
        actor=actor, task=task, direction="down", expected_version=version
    ),
    "delete": lambda actor, task, version: services.task_delete(
        actor=actor, task=task, expected_version=version
    ),
    # Insert a new task right below this one (same level); the view opens it for editing.
    "insert-below": lambda actor, task, version: services.task_create(
        actor=actor, project=task.project, data={"name": _("New task")}, after=task
    ),
}


@login_required
@require_POST
def task_structure(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    operation = STRUCTURE.get(action)
    if operation is None:  # the URL patterns admit only the actions above
        raise Http404
    return _structure(request, pk, lambda task: operation(request.user, task, _version(request)))


@login_required
@require_POST
def task_add(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    core_perms.require(
        perms.can_edit_project(request.user, project)
    )  # before saying what is wrong with the form
    form = NewTaskForm(request.POST)
    if not form.is_valid():
        return _render_wbs(request, project, status=422, new_task_form=form)
    try:
        task = services.task_create(
            actor=request.user, project=project, data={"name": form.cleaned_data["name"]}
        )
    except ValidationError as exc:
        return _render_wbs(request, project, status=422, error=" ".join(exc.messages))
    return _render_wbs(request, project, flash=task.pk)


@login_required
@require_POST
def member_add(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    core_perms.require(perms.can_edit_project(request.user, project))
    form = MemberForm(request.POST)
    if form.is_valid():
        services.member_add(
            actor=request.user,
            project=project,
            person=form.cleaned_data["person"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("%(person)s added.") % {"person": form.cleaned_data["person"]})
    else:
        messages.error(request, _("Choose a person and a role."))
    return redirect(f"{project.get_absolute_url()}#members")


@login_required
@require_POST
def member_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    member = get_object_or_404(ProjectMember, pk=pk, project=project)
    try:
        services.member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(person)s removed.") % {"person": member.person})
    return redirect(f"{project.get_absolute_url()}#members")


@login_required
def project_history(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(request.user, code)
    return render(
        request,
        "core/history.html",
        {
            "object": project,
            "entries": history(project),
            "back": project.get_absolute_url(),
            "project": project,
        },
    )


@login_required
def task_history(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    return render(
        request,
        "core/history.html",
        {
            "object": task,
            "entries": history(task),
            "back": task.project.get_absolute_url(),
            "project": task.project,
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person with the projects and open tasks the viewer may see."""
    person = people_selectors.person_get(request.user, pk)
    pmo = core_perms.can_edit_directory(request.user)  # rates are confidential: the PMO only
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "team_path": people_selectors.team_path(person.team),
            "projects": selectors.person_projects(request.user, person),
            "tasks": selectors.person_tasks(request.user, person),
            "skills": people_selectors.person_skills(person),
            "availability": people_selectors.person_availability(person),
            "can_edit": pmo,
            "rates": people_selectors.person_rates(person) if pmo else None,
            "rate_today": people_selectors.rate_on(person, timezone.localdate()) if pmo else None,
        },
    )


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.person_get(request.user, pk)
    return render(
        request,
        "core/history.html",
        {
            "object": person,
            "entries": history(person),
            "back": person.get_absolute_url(),
        },
    )


@login_required
def project_schedule(request: HttpRequest, code: str) -> HttpResponse:
    """The project scheduled by the engine: early and late dates, float and the critical path."""
    project = selectors.project_get(request.user, code)
    computed = selectors.project_schedule(request.user, project, today=timezone.localdate())
    return render(
        request,
        "projects/project_schedule.html",
        {
            "project": project,
            "schedule": computed,
            "units": selectors.duration_units(),
        },
    )


@login_required
def project_mspdi(request: HttpRequest, code: str) -> HttpResponse:
    """The project as MS Project XML, with the dates the engine computes."""
    project = selectors.project_get(request.user, code)
    document = services.project_export_mspdi(actor=request.user, project=project, today=timezone.localdate())
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{project.code}.xml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: HttpRequest) -> HttpResponse:
    """A new project from a project file of any format Kuroko reads (see `services.import_files`)."""
    from kuroko.projects.services.import_files import import_file, mpxj_status, read_upload
    from kuroko.projects.views.mspdi_update import add_file_errors

    core_perms.require(core_perms.can_create_projects(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                actor=request.user,
                name=upload.name,
                data=read_upload(upload),
                code=form.cleaned_data["code"],
                project_name=form.cleaned_data["name"],
                mapping=form.cleaned_data["mapping"] or None,
            )
        except ValidationError as exc:
            add_file_errors(form, exc)
        else:
            project = result.project
            assert project is not None
            messages.success(
                request,
                _("Project %(code)s imported with %(count)s tasks.")
                % {"code": project.code, "count": len(result.diff.added)},
            )
            for warning in result.diff.warnings:
                messages.warning(request, warning)
            return redirect(project)
    context = {"form": form, "mpxj_missing": mpxj_status()}
    return render(request, "projects/project_import.html", context, status=422 if form.errors else 200)
