"""RAID issues from a tracker's CSV export (Redmine, Jira, Backlog; read by `kuroko.formats.tracker_csv`).

Each row is an issue keyed by its tracker number or key (`Issue.external_key`): a new key raises an issue
through `issue_create` (numbered, with its history), a known key updates its title, description, status,
priority, severity, owner and due date through `issue_update`, so the register's own rules apply (a
resolved or closed issue needs its resolution: the import writes "Resolved in the tracker (#12)." when the
issue has none). Status and priority words are read in English and Japanese (`STATUS_WORDS`). A status
the import does not know (a tracker's own workflow step) makes a new issue open and leaves an imported one
as it is, with one warning per word; an unknown priority or severity is an error on its row. Every row is
tried; if any is refused nothing is written, and a dry run writes nothing either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.formats.imported import ImportFileError
from kuroko.formats.tracker_csv import (
    TrackerIssue,
    priority_code,
    read_tracker_issues,
    severity_code,
    status_code,
)
from kuroko.people.models import Person
from kuroko.projects.models import Project
from kuroko.projects.services.imports import MAX_IMPORT_BYTES
from kuroko.projects.services.tracker_csv import TrackerFileRefused
from kuroko.raid import permissions as perms
from kuroko.raid.models import Issue, IssueStatus, Priority, Severity
from kuroko.raid.services.common import lock_project
from kuroko.raid.services.issues import issue_create, issue_update
from kuroko.raid.services.registers_excel import _differs, _named
from kuroko.raid.services.risks import ImportLine, ImportRefused, ImportResult

STATUS = {
    "open": IssueStatus.OPEN,
    "in_progress": IssueStatus.IN_PROGRESS,
    "resolved": IssueStatus.RESOLVED,
    "closed": IssueStatus.CLOSED,
    "rejected": IssueStatus.CLOSED,
}
PRIORITY = {
    "low": Priority.LOW,
    "normal": Priority.NORMAL,
    "high": Priority.HIGH,
    "urgent": Priority.URGENT,
    "immediate": Priority.URGENT,
}
# Without a severity column, the tracker's priority gives the severity.
SEVERITY_OF_PRIORITY = {
    "low": Severity.LOW,
    "normal": Severity.MEDIUM,
    "high": Severity.HIGH,
    "urgent": Severity.HIGH,
    "immediate": Severity.CRITICAL,
}


@dataclass
class TrackerImportResult(ImportResult):
    """What importing the rows does, and what the user should know (owners not found)."""

    warnings: list[str] = field(default_factory=list)


def _people() -> tuple[dict[str, Person], dict[str, Person]]:
    people = list(Person.objects.filter(is_active=True))
    return (
        {p.email.lower(): p for p in people if p.email},
        {" ".join(p.full_name.split()).casefold(): p for p in people},
    )


def _values(
    row: TrackerIssue,
    item: Issue | None,
    people: tuple[dict[str, Person], dict[str, Person]],
    unknown_owners: set[str],
    unknown_statuses: dict[str, list[int]],
) -> tuple[dict[str, Any], list[str]]:
    """The issue's fields from the row, and the row's errors (unknown words)."""
    errors: list[str] = []
    values: dict[str, Any] = {"title": row.title}
    if "description" in row.mapped:
        values["description"] = row.description
    status = status_code(row.status)
    if status is None:
        unknown_statuses.setdefault(" ".join(row.status.split()), []).append(row.row)
        if item is None:
            values["status"] = IssueStatus.OPEN
    elif status:
        values["status"] = STATUS[status]
        resolved = values["status"] in (IssueStatus.RESOLVED, IssueStatus.CLOSED)
        if resolved and not (item is not None and item.resolution.strip()):
            if status == "rejected":
                values["resolution"] = _("Rejected in the tracker (%(key)s).") % {"key": row.key}
            else:
                values["resolution"] = _("Resolved in the tracker (%(key)s).") % {"key": row.key}
    elif item is None:
        values["status"] = IssueStatus.OPEN
    priority = priority_code(row.priority)
    if priority is None:
        errors.append(
            _("Unknown priority “%(value)s”: use Low, Normal, High, Urgent or Immediate.")
            % {"value": row.priority}
        )
    elif priority:
        values["priority"] = PRIORITY[priority]
    severity = severity_code(row.severity)
    if severity is None:
        errors.append(
            _("Unknown severity “%(value)s”: use Low, Medium, High or Critical.") % {"value": row.severity}
        )
    elif severity:
        values["severity"] = severity
    elif priority and "severity" not in row.mapped:
        values["severity"] = SEVERITY_OF_PRIORITY[priority]
    if "owner" in row.mapped:
        by_email, by_name = people
        text = row.owner.strip()
        owner = by_email.get(text.lower()) or by_name.get(" ".join(text.split()).casefold()) if text else None
        if text and owner is None:
            unknown_owners.add(text)
        values["owner"] = owner
    if "finish" in row.mapped:
        values["due_date"] = row.due_date
    return values, errors


@transaction.atomic
def issues_import_tracker(
    *,
    actor: Any,
    project: Project,
    data: bytes,
    options: Mapping[str, Any] | None,
    dry_run: bool = True,
) -> TrackerImportResult:
    """Add or update the project's issues from a tracker's CSV export (see the module docstring).
    Returns every row with what it does; raises TrackerFileRefused when the file cannot be read and
    ImportRefused when any row is refused, having written nothing."""
    require(perms.can_manage_raid(actor, project))
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        rows = read_tracker_issues(data, options, translate=_)
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc
    project = lock_project(project)
    existing = {
        i.external_key: i
        for i in Issue.objects.filter(project=project)
        .exclude(external_key="")
        .select_related("project")
        .prefetch_related("tasks")
    }
    people = _people()
    unknown_owners: set[str] = set()
    unknown_statuses: dict[str, list[int]] = {}
    lines: list[ImportLine] = []
    for row in rows:
        item = existing.get(row.key)
        line = ImportLine(row=row.row, action="add", code=item.code if item else "", title=row.title)
        values, errors = _values(row, item, people, unknown_owners, unknown_statuses)
        if errors:
            line.action, line.errors = "error", errors
            lines.append(line)
            continue
        try:
            with transaction.atomic():
                if item is not None:
                    line.changes = _differs(item, values, {})
                    line.action = "update" if line.changes else "unchanged"
                    if line.changes:
                        issue_update(actor=actor, issue=item, data=values, expected_version=None)
                else:
                    created = issue_create(
                        actor=actor,
                        project=project,
                        data=values,
                        external_key=row.key,
                        raised_on=row.raised_on,
                    )
                    line.code = created.code
        except ValidationError as exc:
            line.action = "error"
            if hasattr(exc, "error_dict"):
                line.errors = [
                    _named(Issue, name, message)
                    for name, messages in exc.message_dict.items()
                    for message in messages
                ]
            else:
                line.errors = list(exc.messages)
        lines.append(line)
    warnings = [
        _(
            "Unknown status “%(value)s” (rows %(rows)s): new issues are imported as open, issues imported "
            "before keep their status."
        )
        % {
            "value": word,
            "rows": ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else ""),
        }
        for word, numbers in unknown_statuses.items()
    ]
    if unknown_owners:
        warnings.append(
            _("No person matches these assignees, so their issues have no owner: %(names)s.")
            % {"names": ", ".join(sorted(unknown_owners)[:10])}
        )
    result = TrackerImportResult(lines=lines, applied=not dry_run, warnings=warnings)
    if result.errors:
        transaction.set_rollback(True)
        result.applied = False
        raise ImportRefused(result)
    if dry_run:
        transaction.set_rollback(True)
    return result
