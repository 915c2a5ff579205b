"""Reads for the register workbooks: a project's whole register (every status, in number order) with what
its columns show, written as an .xlsx workbook."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.projects.models import Project
from kuroko.raid import excel
from kuroko.raid import permissions as perms
from kuroko.raid.excel_registers import REGISTERS
from kuroko.raid.models import ActionItem, ChangeRequest, Decision, Issue
from kuroko.raid.selectors import risks as risk_selectors


def register_book(register: str) -> Any:
    """The workbook description of a register (`issues`, `actions`, …): 404 for an unknown one."""
    book = REGISTERS.get(register)
    if book is None:
        raise Http404(_("There is no register “%(name)s”.") % {"name": register})
    return book


def register_items(user: Any, project: Project, register: str) -> QuerySet[Any]:
    """Every item of the project's register (whatever its status), in number order, with the rows its
    workbook's columns read."""
    register_book(register)
    if not perms.can_view_raid(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    if register == "risks":
        f = risk_selectors.RiskFilter(all_statuses=True, sort="number")
        return risk_selectors.project_risks(user, project, f).prefetch_related("tasks")
    querysets: dict[str, QuerySet[Any]] = {
        "issues": Issue.objects.select_related("owner", "risk").prefetch_related("tasks"),
        "actions": ActionItem.objects.select_related("owner", "risk", "issue", "decision", "change_request"),
        "decisions": Decision.objects.select_related("owner").prefetch_related(
            "risks", "issues", "change_requests"
        ),
        "changes": ChangeRequest.objects.select_related("owner", "requested_by", "baseline").prefetch_related(
            "decisions"
        ),
    }
    return querysets[register].filter(project=project).order_by("number")


def register_workbook(user: Any, project: Project, register: str, *, units: Any = None) -> bytes:
    """The project's register as an .xlsx workbook that imports back unchanged."""
    book = register_book(register)
    items = register_items(user, project, register)
    return excel.export_rows(book.columns(project, units=units), items, sheet=str(book.sheet))
