"""Excel WBS workbooks: a new project from one, an existing project updated from a later version (with the
diff first), a project exported as one, and the saved column mappings (`ImportMapping`) of their layouts.

The workbook is read by the pure `kuroko.formats.excel_wbs` into `ImportedProject` rows, which go through
`import_table` (and so through the MS Project XML import) like every tabular format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.engine.duration import format_span
from kuroko.formats import excel_wbs as fmt
from kuroko.formats.imported import ImportedProject, ImportFileError, RowError
from kuroko.formats.predecessors import PredecessorRef, format_predecessor
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, Dependency, ImportMapping, Project, Task, TaskKind
from kuroko.projects.selectors.import_mappings import can_delete_mapping, can_save_mappings
from kuroko.projects.services.import_table import file_errors, project_import_table, project_update_table
from kuroko.projects.services.imports import MAX_IMPORT_BYTES, ImportDiff, file_ids


def _translate(message: str) -> str:
    return _(message)


def excel_layout(data: bytes, *, sheet: str | None = None, header_row: int | None = None) -> fmt.WbsLayout:
    """What the workbook looks like: its sheets, and the guessed sheet, header row, columns and hierarchy
    (for another sheet or header row when given). Raises a ValidationError on the `file` field."""
    _check_size(data)
    try:
        layout = fmt.detect(data, translate=_translate)
        if sheet is not None and (sheet != layout.sheet or (header_row and header_row != layout.header_row)):
            row = header_row or next((s.header_row for s in layout.sheets if s.name == sheet), 1) or 1
            headers = fmt.sheet_headers(data, sheet, row, translate=_translate)
            columns, levels = fmt._guess_columns(headers)
            from dataclasses import replace

            hierarchy = layout.hierarchy
            if len(levels) >= 2:
                hierarchy = "levels"
            elif hierarchy == "levels":
                hierarchy = "outline" if "wbs" in columns else "indent"
            layout = replace(
                layout,
                sheet=sheet,
                header_row=row,
                headers=headers,
                columns=columns,
                levels=levels if hierarchy == "levels" else (),
                hierarchy=hierarchy,
            )
        elif header_row and header_row != layout.header_row:
            return excel_layout(data, sheet=layout.sheet, header_row=header_row)
    except ImportFileError as exc:
        raise file_errors(exc) from exc
    return layout


def _check_size(data: bytes) -> None:
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})


def _known_names(project: Project | None) -> list[str]:
    """The names an owner cell may hold whole (never split at a comma or slash): active people's full
    names, and the placeholders' (of the project, or of every project for a new one)."""
    from kuroko.people.models import Person
    from kuroko.projects.models import Placeholder

    people = [p.full_name for p in Person.objects.filter(is_active=True).only("family_name", "given_name")]
    placeholders = Placeholder.objects.filter(project=project) if project else Placeholder.objects.all()
    return people + list(placeholders.values_list("name", flat=True).distinct())


def excel_read(
    data: bytes, options: Mapping[str, Any] | None, project: Project | None = None
) -> ImportedProject:
    """The workbook's rows (options None: detected), or a ValidationError on the `file` field listing
    every row problem."""
    _check_size(data)
    try:
        return fmt.read_wbs(data, options, translate=_translate, known=_known_names(project))
    except ImportFileError as exc:
        raise file_errors(exc) from exc


def excel_rows(
    data: bytes, options: Mapping[str, Any] | None, project: Project | None = None
) -> ImportedProject:
    """The workbook's rows, or ImportFileError listing every problem (row, column, message) in the
    user's language, for a validation report."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError([RowError(None, "", _("The file is larger than 20 MB."))])
    return fmt.read_wbs(data, options, translate=_translate, known=_known_names(project))


def project_import_excel(
    *, actor: Any, data: bytes, options: Mapping[str, Any] | None, code: str, name: str = ""
) -> Project:
    """Create a project from an Excel WBS (see `project_import_table`); nothing is written when any row
    has a problem. Each task keeps its ID (or WBS code) as `source_uid` for later re-imports."""
    require(core_perms.can_create_projects(actor))
    imported = excel_read(data, options)
    try:
        return project_import_table(actor=actor, imported=imported, code=code, name=name or imported.name)
    except ImportFileError as exc:
        raise file_errors(exc) from exc


def project_update_excel(
    *, actor: Any, project: Project, data: bytes, options: Mapping[str, Any] | None, dry_run: bool = False
) -> ImportDiff:
    """Update a project from a later version of its Excel WBS: rows matched by ID, or by WBS code when
    no ID column is mapped; the diff of what changes (a dry run writes nothing)."""
    require(perms.can_edit_project(actor, project))
    imported = excel_read(data, options, project)
    try:
        return project_update_table(actor=actor, project=project, imported=imported, dry_run=dry_run)
    except ImportFileError as exc:
        raise file_errors(exc) from exc


def default_headers() -> dict[str, str]:
    """The default layout's headers in the active language."""
    return {
        "id": _("ID"),
        "wbs": _("WBS"),
        "level": _("Level"),
        "name": _("Task name"),
        "owner": _("Owner"),
        "start": _("Planned start"),
        "finish": _("Planned finish"),
        "duration": _("Duration"),
        "actual_start": _("Actual start"),
        "actual_finish": _("Actual finish"),
        "progress": _("Progress %"),
        "work": _("Effort (h)"),
        "predecessors": _("Predecessors"),
        "notes": _("Notes"),
        "milestone": _("Milestone"),
    }


@transaction.atomic
def project_export_xlsx(*, actor: Any, project: Project, mapping: ImportMapping | None = None) -> bytes:
    """The project as an Excel WBS: the clean default layout, or a saved mapping's layout (its sheet,
    header row, columns and hierarchy), so that the file imports back. Tasks without a `source_uid` get
    one first (as for MS Project XML, saved only when the actor may edit the project), so that the ID
    column matches the tasks on re-import and an unedited file changes nothing."""
    from kuroko.projects import selectors

    selectors.project_get(actor, project.code)  # may the actor read it at all
    with file_ids(actor, project):
        return _workbook(project, mapping)


def _workbook(project: Project, mapping: ImportMapping | None) -> bytes:
    from kuroko.projects import selectors

    units = selectors.duration_units()
    if mapping is not None:
        if mapping.kind != ImportMapping.Kind.EXCEL_WBS:
            raise ValidationError({"mapping": _("This mapping is not for Excel WBS files.")})
        try:
            layout = fmt.layout_from_options(mapping.options, _translate)
        except ImportFileError as exc:
            raise ValidationError({"mapping": [e.message for e in exc.errors]}) from exc
    else:
        layout = fmt.default_layout(
            default_headers(), sheet=project.code, hours_per_day=float(units.hours_per_day)
        )
    by_id = layout.references == "id" and "id" in layout.columns
    tasks = list(Task.objects.filter(project=project).select_related("owner").order_by("row"))
    names = {t.pk: (str(t.source_uid) if by_id else t.wbs_code) for t in tasks}
    predecessors: dict[int, list[str]] = {}
    for succ, pred, kind, lag, elapsed in (
        Dependency.objects.filter(successor__project=project, predecessor__project=project)
        .order_by("predecessor__row")
        .values_list("successor_id", "predecessor_id", "type", "lag_minutes", "lag_elapsed")
    ):
        ref = PredecessorRef(None, names[pred], kind, lag, elapsed)
        predecessors.setdefault(succ, []).append(format_predecessor(ref, units))
    from kuroko.people.models import Person

    found_by_task: dict[int, list[tuple[int | None, str, int]]] = {}
    unassigned = _("Unassigned")
    for task_id, person, placeholder, minutes in (
        Assignment.objects.filter(task__project=project)
        .order_by("pk")
        .values_list("task_id", "person_id", "placeholder__name", "work_minutes")
    ):
        found_by_task.setdefault(task_id, []).append((person, placeholder or "", minutes))
    person_ids = {p for found in found_by_task.values() for p, _n, _w in found if p}
    full_names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=person_ids)}
    rows = []
    for task in tasks:
        summary = task.kind == TaskKind.SUMMARY
        found = found_by_task.get(task.pk, [])
        owners = [full_names.get(p, "") if p else n for p, n, _w in found]
        owners = [o for o in owners if o and o != unassigned]
        owner = task.owner.full_name if task.owner else None
        if owner:
            owners = [owner, *[o for o in owners if o != owner]]
        work: int | None = sum(w for _p, _n, w in found) if found and not summary else None
        rows.append(
            fmt.WbsRow(
                level=task.outline_level,
                name=task.name,
                id=str(task.source_uid or ""),
                wbs=task.wbs_code,
                owners=tuple(owners),
                start=task.planned_start,
                finish=task.planned_finish,
                duration="" if summary else format_span(task.duration_minutes, task.duration_elapsed, units),
                actual_start=timezone.localtime(task.actual_start).date() if task.actual_start else None,
                actual_finish=timezone.localtime(task.actual_finish).date() if task.actual_finish else None,
                progress=task.percent_complete,
                work=work,
                predecessors=", ".join(predecessors.get(task.pk, [])),
                notes=task.notes,
                milestone=task.kind == TaskKind.MILESTONE,
                summary=summary,
            )
        )
    try:
        return fmt.write_wbs(rows, layout, title=f"{project.code} {project.name}")
    except fmt.TooDeep as exc:
        raise ValidationError(
            {
                "mapping": _(
                    "The project's tasks are %(depth)s levels deep, but this mapping has columns for "
                    "%(columns)s levels; add level columns to the mapping or export in the default layout."
                )
                % {"depth": exc.depth, "columns": exc.columns}
            }
        ) from exc


# --- Saved mappings -----------------------------------------------------------------------------------


@transaction.atomic
def import_mapping_save(
    *,
    actor: Any,
    kind: str,
    name: str,
    options: Mapping[str, Any],
    mapping: ImportMapping | None = None,
) -> ImportMapping:
    """Save a column mapping under a name (a new one, or `mapping` renamed or with new options). The
    options of an Excel WBS mapping are checked. The name is unique per kind."""
    require(can_save_mappings(actor))
    if mapping is not None:
        require(can_delete_mapping(actor, mapping))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})
    if kind not in ImportMapping.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of mapping.")})
    if not isinstance(options, Mapping):
        raise ValidationError({"options": _("The mapping's settings are not valid.")})
    if kind == ImportMapping.Kind.EXCEL_WBS:
        try:
            options = fmt.layout_from_options(options, _translate).options()
        except ImportFileError as exc:
            raise ValidationError({"options": [e.message for e in exc.errors]}) from exc
    clash = ImportMapping.objects.filter(kind=kind, name=name)
    if mapping is not None:
        clash = clash.exclude(pk=mapping.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("A mapping of this kind is already called “%(name)s”.") % {"name": name}}
        )
    if mapping is None:
        mapping = ImportMapping(kind=kind, created_by=actor)
    mapping.name = name
    mapping.options = dict(options)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("A mapping of this kind is already called “%(name)s”.") % {"name": name}}
        ) from None
    return mapping


@transaction.atomic
def import_mapping_delete(*, actor: Any, mapping: ImportMapping) -> None:
    """Delete a saved mapping (the PMO, or whoever created it)."""
    require(can_delete_mapping(actor, mapping))
    mapping.delete()
