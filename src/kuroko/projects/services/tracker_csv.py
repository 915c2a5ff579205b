"""Projects from the CSV exports of Redmine, Jira and Backlog (`kuroko.formats.tracker_csv`): a new
project, or an existing one updated with a diff, through the tabular import (`import_table`); and the
saved column mappings of those files (`ImportMapping` of kind "tracker_csv")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.formats.imported import ImportedProject, ImportFileError, RowError
from kuroko.formats.tracker_csv import read_table, read_tracker
from kuroko.projects import permissions as perms
from kuroko.projects.models import ImportMapping, Project
from kuroko.projects.services.import_table import (
    file_errors,
    project_import_table,
    project_update_table,
    table_source,
)
from kuroko.projects.services.imports import MAX_IMPORT_BYTES, ImportDiff


class TrackerFileRefused(ValidationError):
    """The file cannot be imported: a ValidationError on `file` (one message per problem) that keeps the
    problems as `rows` (row, column, message) for a row report or the API."""

    def __init__(self, exc: ImportFileError) -> None:
        super().__init__(file_errors(exc).error_dict)
        self.rows: tuple[RowError, ...] = exc.errors


def tracker_read(data: bytes, options: Mapping[str, Any] | None) -> ImportedProject:
    """The file's tasks, or a ValidationError on `file` with one message per problem (row, column)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        return read_tracker(data, options, translate=_)
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc


def tracker_preview(data: bytes, options: Mapping[str, Any] | None) -> ImportedProject:
    """The file's tasks as a new project would get them, checked as creating it checks them (dates
    against the default calendar) without writing anything; TrackerFileRefused lists the problems."""
    imported = tracker_read(data, options)
    try:
        table_source(imported, project=None, current={}, current_links=())
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc
    return imported


def project_import_tracker(
    *, actor: Any, data: bytes, options: Mapping[str, Any] | None, code: str, name: str = ""
) -> Project:
    """Create a project from a tracker's CSV export: an issue becomes a task keyed by its number, parents
    become the WBS, blocks/precedes relations links (see `kuroko.formats.tracker_csv`)."""
    require(core_perms.can_create_projects(actor))
    imported = tracker_read(data, options)
    try:
        return project_import_table(actor=actor, imported=imported, code=code, name=name)
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc


def project_update_tracker(
    *,
    actor: Any,
    project: Project,
    data: bytes,
    options: Mapping[str, Any] | None,
    dry_run: bool = False,
) -> ImportDiff:
    """Update a project from a later export of the same tracker: issues matched to tasks by number or
    key, with the diff of what changes (nothing is written on a dry run)."""
    require(perms.can_edit_project(actor, project))
    imported = tracker_read(data, options)
    try:
        return project_update_table(actor=actor, project=project, imported=imported, dry_run=dry_run)
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc


@transaction.atomic
def tracker_mapping_save(*, actor: Any, name: str, options: Mapping[str, Any]) -> ImportMapping:
    """Save the named tracker CSV mapping, replacing the saver's own (or, for the PMO, any) mapping of that
    name; a name another user's mapping has is refused (see `import_mapping_save`).

    A field mapped to no column is kept as "" (“—”), so that using the mapping again leaves it out rather
    than taking the tracker's usual column for it; fields the mapping does not name at all (a mapping
    saved on the RAID page has no parent column) are detected from each file's header.
    """
    from kuroko.projects.selectors.import_mappings import can_delete_mapping
    from kuroko.projects.services.excel_wbs import import_mapping_save

    clean: dict[str, Any] = {
        "tracker": str(options.get("tracker") or ""),
        "columns": {str(k): str(v or "") for k, v in dict(options.get("columns") or {}).items()},
        "date_format": str(options.get("date_format") or ""),
        "estimate_unit": str(options.get("estimate_unit") or ""),
    }
    if options.get("hours_per_day") not in (None, ""):
        clean["hours_per_day"] = str(options["hours_per_day"])
    closed = options.get("closed_statuses")
    if isinstance(closed, list | tuple) and closed:
        clean["closed_statuses"] = [str(word) for word in closed]
    kind = ImportMapping.Kind.TRACKER_CSV
    existing = ImportMapping.objects.filter(kind=kind, name=(name or "").strip()).first()
    if existing is not None and not can_delete_mapping(actor, existing):
        existing = None  # not theirs to replace: saving under that name is refused as a clash
    return import_mapping_save(actor=actor, kind=kind, name=name, options=clean, mapping=existing)


def tracker_mappings() -> list[ImportMapping]:
    """The saved tracker CSV mappings, by name."""
    return list(ImportMapping.objects.filter(kind=ImportMapping.Kind.TRACKER_CSV).order_by("name"))


def tracker_header(data: bytes) -> tuple[str, ...]:
    """The header of a tracker CSV export (to offer its columns in the mapping step), or
    TrackerFileRefused when the file cannot be read as CSV text."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        return read_table(data, translate=_).header
    except ImportFileError as exc:
        raise TrackerFileRefused(exc) from exc


def tracker_options(*, options: str = "", mapping: str = "") -> dict[str, Any] | None:
    """The options of an API call: a JSON object, or the saved mapping of that name (options given
    override its keys); None for the defaults detected from the file. ValidationError when unreadable."""
    import json

    chosen: dict[str, Any] = {}
    if mapping:
        saved = ImportMapping.objects.filter(kind=ImportMapping.Kind.TRACKER_CSV, name=mapping).first()
        if saved is None:
            raise ValidationError({"mapping": _("There is no saved mapping “%(name)s”.") % {"name": mapping}})
        chosen.update(saved.options)
    if options:
        try:
            given = json.loads(options)
        except ValueError:
            given = None
        if not isinstance(given, dict):
            raise ValidationError({"options": _("The options must be a JSON object.")})
        chosen.update(given)
    return chosen or None
