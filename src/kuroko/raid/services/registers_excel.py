"""Importing the issue, action-item, decision and change-request registers from Excel.

The rows (read by `raid.excel.import_rows` with the register's columns from `raid.excel_registers`) go
through the same services as the register pages (`issue_create` / `issue_update`, …), so the rules,
numbering, history and notifications are the same: a row with a reference (I-001) updates that item, a
row without one adds an item. Every row is tried; if any is refused nothing is written (`ImportRefused`
lists every row with its errors), and a dry run rolls back, so the preview is exactly what importing does.

Importing needs `can_manage_raid` (an item's owner edits their own items on the page, not by file). A
change request's status is never imported: new requests are drafts, existing ones keep their status and
the approval workflow moves them; a request that is no longer editable refuses any change to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.core.permissions import require
from kuroko.projects.models import Project
from kuroko.raid import permissions as perms
from kuroko.raid.models import ActionItem, ChangeRequest, Decision, Issue
from kuroko.raid.services.actions import action_create, action_update
from kuroko.raid.services.changes import change_request_create, change_request_update
from kuroko.raid.services.common import lock_project
from kuroko.raid.services.decisions import decision_create, decision_update
from kuroko.raid.services.issues import issue_create, issue_update
from kuroko.raid.services.risks import ImportLine, ImportRefused, ImportResult, risks_import

__all__ = ["REGISTER_IMPORTS", "ImportLine", "ImportRefused", "ImportResult", "register_import"]


@dataclass(frozen=True)
class RegisterImport:
    """How rows of one register are written: its model, the many-to-many links a row may carry, and the
    service calls that add (`create(actor, project, values, links)`) and change
    (`update(actor, item, values, links)`) an item."""

    model: type[models.Model]
    links: tuple[str, ...]
    create: Callable[[Any, Project, dict[str, Any], dict[str, list[int]]], Any]
    update: Callable[[Any, Any, dict[str, Any], dict[str, list[int]]], Any]
    prefetch: tuple[str, ...] = ()


def _change_values(values: dict[str, Any]) -> dict[str, Any]:
    # An empty "requested on" keeps the date (today for a new request), as on the form.
    if values.get("requested_on", "") is None:
        values.pop("requested_on")
    return values


REGISTER_IMPORTS: dict[str, RegisterImport] = {
    "issues": RegisterImport(
        Issue,
        ("tasks",),
        lambda actor, project, values, links: issue_create(
            actor=actor, project=project, data=values, tasks=links.get("tasks")
        ),
        lambda actor, item, values, links: issue_update(
            actor=actor, issue=item, data=values, expected_version=None, tasks=links.get("tasks")
        ),
        ("tasks",),
    ),
    "actions": RegisterImport(
        ActionItem,
        (),
        lambda actor, project, values, links: action_create(actor=actor, project=project, data=values),
        lambda actor, item, values, links: action_update(
            actor=actor, action=item, data=values, expected_version=None
        ),
    ),
    "decisions": RegisterImport(
        Decision,
        ("risks", "issues", "change_requests"),
        lambda actor, project, values, links: decision_create(
            actor=actor, project=project, data=values, links=links
        ),
        lambda actor, item, values, links: decision_update(
            actor=actor, decision=item, data=values, expected_version=None, links=links
        ),
        ("risks", "issues", "change_requests"),
    ),
    "changes": RegisterImport(
        ChangeRequest,
        ("decisions",),
        lambda actor, project, values, links: change_request_create(
            actor=actor, project=project, data=_change_values(values), decisions=links.get("decisions")
        ),
        lambda actor, item, values, links: change_request_update(
            actor=actor,
            change=item,
            data=_change_values(values),
            expected_version=None,
            decisions=links.get("decisions"),
        ),
        ("decisions",),
    ),
}

# Names people read for fields whose model name is not what the workbook's column says.
LABELS = {
    "schedule_impact_minutes": gettext_lazy("schedule impact"),
    "change_requests": gettext_lazy("related change requests"),
}


def _label(model: type[models.Model], name: str) -> str:
    if name in LABELS:
        return str(capfirst(LABELS[name]))
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a message on a name that is not a field
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))


def _named(model: type[models.Model], name: str, message: str) -> str:
    """A field's message prefixed with the field's name, unless the message already starts with it."""
    if name == "__all__":
        return message
    label = _label(model, name)
    return message if message.startswith(label) else f"{label}: {message}"


def _differs(item: Any, values: Mapping[str, Any], links: Mapping[str, list[int]]) -> list[str]:
    """The labels of the fields (and links) the row changes on the item."""
    model = type(item)
    out = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        current = getattr(item, getattr(field, "attname", name))
        new = value.pk if isinstance(value, models.Model) else value
        if isinstance(current, Decimal) and new is not None:
            new = Decimal(str(new))
        if (current or None) != (new or None):
            out.append(_label(model, name))
    for name, wanted in links.items():
        if set(wanted) != {linked.pk for linked in getattr(item, name).all()}:
            out.append(_label(model, name))
    return out


@transaction.atomic
def register_import(
    *, actor: Any, project: Project, register: str, rows: Sequence[Any], dry_run: bool = True
) -> ImportResult:
    """Add or update the items of one of the project's registers (`issues`, `actions`, `decisions`,
    `changes`; `risks` is `risks_import`) from imported rows (`raid.excel.ImportedRow`). Returns every
    row with what it does (add, update with the fields it changes, unchanged); raises ImportRefused,
    having written nothing, when any row is refused. `dry_run` writes nothing either."""
    if register == "risks":
        return risks_import(actor=actor, project=project, rows=rows, dry_run=dry_run)
    spec = REGISTER_IMPORTS.get(register)
    if spec is None:
        raise ValidationError({"register": _("There is no register “%(name)s”.") % {"name": register}})
    require(perms.can_manage_raid(actor, project))
    project = lock_project(project)
    model = spec.model
    queryset = model._default_manager.filter(project=project).select_related("project")
    existing: dict[str, Any] = {
        item.code: item  # type: ignore[attr-defined]
        for item in queryset.prefetch_related(*spec.prefetch)
    }
    seen: dict[str, int] = {}
    lines: list[ImportLine] = []
    for row in rows:
        values = dict(row.values)
        code = str(values.pop("code", "") or "")
        links = {name: values.pop(name) for name in spec.links if name in values}
        line = ImportLine(row=row.number, action="add", code=code, title=str(values.get("title") or ""))
        line.values = values
        try:
            with transaction.atomic():
                if code in seen:
                    raise ValidationError(
                        _("%(code)s is already in row %(row)d.") % {"code": code, "row": seen[code]}
                    )
                if code:
                    seen[code] = row.number
                    item = existing.get(code)
                    if item is None:
                        raise ValidationError(
                            _("Project %(project)s has no %(code)s; leave the column empty to add it.")
                            % {"code": code, "project": project.code}
                        )
                    line.changes = _differs(item, values, links)
                    line.action = "update" if line.changes else "unchanged"
                    if line.changes:
                        spec.update(actor, item, values, links)
                else:
                    created = spec.create(actor, project, values, links)
                    line.code = created.code
        except ValidationError as exc:
            line.action = "error"
            if hasattr(exc, "error_dict"):
                line.errors = [
                    _named(model, name, message)
                    for name, messages in exc.message_dict.items()
                    for message in messages
                ]
            else:
                line.errors = list(exc.messages)
        lines.append(line)
    result = ImportResult(lines=lines, applied=not dry_run)
    if result.errors:
        transaction.set_rollback(True)
        result.applied = False
        raise ImportRefused(result)
    if dry_run:
        transaction.set_rollback(True)
    return result
