"""Importing a tracker's CSV export (Redmine, Jira, Backlog) as issues of a project: upload → mapping
(the same step as the project import) → a preview of every row (add, update, unchanged or error) →
import, in one transaction; nothing is written if any row is bad or the user cancels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.projects import selectors as project_selectors
from kuroko.projects.forms_tracker import ISSUE_FIELDS
from kuroko.projects.views.tracker import MappingStep
from kuroko.raid import permissions as perms
from kuroko.raid.services.registers_excel import ImportRefused
from kuroko.raid.services.tracker_import import issues_import_tracker


@login_required
@require_http_methods(["GET", "POST"])
def issues_import_tracker_page(request: HttpRequest, code: str) -> HttpResponse:
    """Upload → mapping → preview → import the project's issues from a tracker CSV export."""
    project = project_selectors.project_get(request.user, code)
    require(perms.can_manage_raid(request.user, project))
    page = MappingStep(
        request,
        f"tracker-issues-{project.pk}",
        ISSUE_FIELDS,
        {
            "title": _("Import issues from tracker CSV"),
            "project": project,
            "tab": "issues",
            "issues": True,
            "cancel_url": reverse("project-issues", args=[project.code]),
        },
        template="raid/issue_import_tracker.html",
    )
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "upload":
        return page.upload()
    if step in ("preview", "apply"):
        if step == "preview":
            got = page.mapped()
            if isinstance(got, HttpResponse):
                return got
        else:
            kept = page.kept()
            if kept is None:
                error = _("The uploaded file is no longer available; upload it again.")
                return page.render("upload", 422, error=error)
            got = kept
        data, token, name, options = got
        try:
            result = issues_import_tracker(
                actor=request.user, project=project, data=data, options=options, dry_run=step == "preview"
            )
        except ImportRefused as exc:
            return page.render("preview", 422, result=exc.result, token=token, file_name=name)
        except ValidationError as exc:
            return page.again(exc, token, name, options)
        if step == "apply":
            page.discard()
            messages.success(
                request,
                _("Imported: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "added": result.count("add"),
                    "updated": result.count("update"),
                    "unchanged": result.count("unchanged"),
                },
            )
            return redirect("project-issues", code=project.code)
        return page.render("preview", result=result, token=token, file_name=name)
    if step == "cancel":
        page.discard()
        messages.info(request, _("Import cancelled; nothing was changed."))
        return redirect("project-issues", code=project.code)
    return page.render("upload")
