"""Every project file format behind one door, for the import page, the API and the `kuroko import` and
`kuroko export` commands.

`read_file` reads a file by its extension into the records a project is imported from: an `MspdiProject`
for MS Project XML, the formats MPXJ converts (MPP, MPX, Primavera XER and P6 XML, GanttProject,
ProjectLibre, Planner), Kuroko plan JSON and PSPLIB `.sm`; or an `ImportedProject` for the tabular
formats (an Excel WBS, a tracker's CSV export). `import_file` turns either into a new project or updates
an existing one with the diff, through `project_import_source` / `project_update_source` (or their
tabular twins), so that every format gets the same mapping, re-import and schedule.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.engine.model import Calendar, Plan
from kuroko.formats import mpxj
from kuroko.formats.imported import ImportedProject, ImportFileError
from kuroko.formats.mspdi import MspdiProject
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import DAY_START
from kuroko.projects.models import Assignment, Dependency, ImportMapping, Project, Task
from kuroko.projects.services.imports import (
    MAX_IMPORT_BYTES,
    AssignmentChange,
    ImportDiff,
    LinkChange,
    TaskChange,
    _read,
    file_ids,
    project_export_mspdi,
    project_import_source,
)
from kuroko.projects.services.mspdi_update import project_update_source

# What the import page and `kuroko import` accept, by extension.
MSPDI_EXTENSIONS = frozenset({".xml"})
NATIVE_EXTENSIONS = frozenset({".json", ".sm"})
TABULAR_EXTENSIONS = frozenset({".xlsx", ".csv"})
EXTENSIONS = MSPDI_EXTENSIONS | NATIVE_EXTENSIONS | mpxj.MPXJ_EXTENSIONS | TABULAR_EXTENSIONS
EXPORT_FORMATS = ("mspdi", "xlsx", "json")


def accept_attribute() -> str:
    """The file input's `accept` list."""
    return ",".join(sorted(EXTENSIONS))


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, refused without reading it when it is larger than 20 MB."""
    if (upload.size or 0) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    data: bytes = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    return data


def _extension(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Kuroko cannot import “%(name)s”: the file types it reads are %(types)s.")
                % {"name": Path(name).name, "types": ", ".join(sorted(EXTENSIONS))}
            }
        )
    return suffix


def default_code(name: str) -> str:
    """A project code from a file name: its stem upper-cased, other characters than letters, digits, -
    and _ replaced with -, at most 30 characters (``plan v2.mpp`` → ``PLAN-V2``)."""
    code = re.sub(r"[^A-Z0-9_-]+", "-", Path(name).stem.upper()).strip("-")
    return code[:30] or "IMPORT"


# --- Reading ------------------------------------------------------------------------------------------


def mpxj_message(exc: mpxj.MpxjError, name: str) -> str:
    """A conversion error in the user's language."""
    label = Path(name).name
    if exc.kind == mpxj.MISSING:
        missing = mpxj.mpxj_requirement()
        if missing is not None and missing.what == "extra":
            return _(
                "Reading %(name)s needs MPXJ, which is not installed on the server: run %(pip)s (or %(uv)s "
                "in a source checkout)."
            ) % {"name": label, "pip": mpxj.PIP_COMMAND, "uv": mpxj.UV_COMMAND}
        if missing is not None and missing.what == "java-version":
            return _(
                "Reading %(name)s needs Java %(version)s or later, but the server has Java %(found)s: "
                "run %(command)s."
            ) % {
                "name": label,
                "version": mpxj.MIN_JAVA,
                "found": missing.found,
                "command": mpxj.JAVA_COMMAND,
            }
        return _(
            "Reading %(name)s needs Java %(version)s or later, which is not installed on the server: run "
            "%(command)s."
        ) % {"name": label, "version": mpxj.MIN_JAVA, "command": mpxj.JAVA_COMMAND}
    messages = {
        mpxj.UNRECOGNISED: _("%(name)s is not a project file that Kuroko can read."),
        mpxj.PASSWORD: _(
            "%(name)s is password-protected: save it without a password in MS Project and upload it again."
        ),
        mpxj.CORRUPT: _("%(name)s cannot be read; it may be damaged (%(detail)s)."),
        mpxj.HOSTILE: _(
            "%(name)s declares an XML document type or entities; such files are refused because they "
            "could read server files or expand without bound."
        ),
        mpxj.TOO_LARGE: _("%(name)s is too large to convert."),
        mpxj.ARCHIVE_TOO_LARGE: _(
            "%(name)s is an archive that unpacks to more than %(detail)s, which is refused."
        ),
        mpxj.TIMEOUT: _("Converting %(name)s took too long and was stopped."),
    }
    template = messages.get(exc.kind, _("%(name)s could not be converted (%(detail)s)."))
    return template % {"name": label, "detail": exc.detail or exc.kind}


def mpxj_status() -> str:
    """Empty when MPXJ can read files here; else, in the user's language, what the server needs installed
    to read MS Project .mpp, Primavera and the other formats MPXJ converts."""
    missing = mpxj.mpxj_requirement()
    if missing is None:
        return ""
    if missing.what == "extra":
        return _(
            "MS Project .mpp and .mpx, Primavera, GanttProject, ProjectLibre and Planner files need MPXJ "
            "on the server: run %(pip)s (or %(uv)s in a source checkout)."
        ) % {"pip": mpxj.PIP_COMMAND, "uv": mpxj.UV_COMMAND}
    return _(
        "MS Project .mpp and .mpx, Primavera, GanttProject, ProjectLibre and Planner files need Java "
        "%(version)s or later on the server: run %(command)s."
    ) % {"version": mpxj.MIN_JAVA, "command": mpxj.JAVA_COMMAND}


def _outline_order(plan: Plan) -> Plan:
    """The plan's tasks with every parent before its children (plan JSON may list them in any order)."""
    children: dict[str | None, list[Any]] = {}
    for task in plan.tasks:
        children.setdefault(task.parent, []).append(task)
    ordered: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        ordered.append(task)
        stack.extend(reversed(children.get(task.id, [])))
    if len(ordered) != len(plan.tasks):  # read_plan refuses missing parents and cycles; never flatten them
        raise ValidationError({"file": _("The tasks' parents in this plan go round in a circle.")})
    return dataclasses.replace(plan, tasks=tuple(ordered))


def _plan_json(data: bytes) -> MspdiProject:
    from kuroko.formats.plan_json import read_plan

    try:
        plan = read_plan(data)
    except ValueError as exc:  # PlanFormatError, or bytes that are not UTF-8
        raise ValidationError(
            {"file": _("This is not a readable Kuroko plan JSON file: %(error)s") % {"error": exc}}
        ) from exc
    except (TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # A safety net: a structure read_plan did not foresee is still the file's fault, not a server error.
        raise ValidationError(
            {
                "file": _("This is not a readable Kuroko plan JSON file: %(error)s")
                % {"error": _("an unexpected structure (%(kind)s)") % {"kind": type(exc).__name__}}
            }
        ) from exc
    default = plan.calendars == (Calendar("standard", "Standard"),)
    return MspdiProject(plan=_outline_order(plan), title=plan.name, own_calendar=not default)


def _psplib(data: bytes, name: str, start: date | None) -> MspdiProject:
    from kuroko.core.models import Organisation
    from kuroko.formats.psplib import parse_psplib, psplib_to_mspdi

    day = start or timezone.localdate()
    per_day = int(Decimal(Organisation.current().hours_per_day) * 60)
    moment = datetime.combine(day, time()) + timedelta(minutes=DAY_START)
    try:
        problem = parse_psplib(data.decode("latin-1"), name=Path(name).name)
        return psplib_to_mspdi(problem, moment, minutes_per_day=per_day)
    except ValueError as exc:  # PsplibError, or (a safety net) a plan the engine refuses
        raise ValidationError(
            {"file": _("This is not a readable PSPLIB file: %(error)s") % {"error": exc}}
        ) from exc


def _mpxj(data: bytes, name: str) -> MspdiProject:
    try:
        converted = mpxj.convert_to_mspdi(data, name, lock_dir=Path(settings.DATA_DIR) / "locks")
    except mpxj.MpxjError as exc:
        raise ValidationError({"file": mpxj_message(exc, name)}) from exc
    return _read(converted)


def _mapping_options(kind: str, mapping: str | None) -> dict[str, Any] | None:
    if not mapping:
        return None
    found = ImportMapping.objects.filter(kind=kind, name=mapping).first()
    other = None if found is not None else ImportMapping.objects.filter(name=mapping).first()
    if other is not None:
        raise ValidationError(
            {
                "mapping": _(
                    "The saved mapping “%(name)s” is for %(mapping_kind)s files; this file is read as "
                    "%(file_kind)s."
                )
                % {
                    "name": mapping,
                    "mapping_kind": other.get_kind_display(),
                    "file_kind": ImportMapping.Kind(kind).label,
                }
            }
        )
    if found is None:
        names = ", ".join(ImportMapping.objects.filter(kind=kind).values_list("name", flat=True))
        raise ValidationError(
            {
                "mapping": _("There is no saved mapping “%(name)s” for this kind of file. Saved: %(names)s.")
                % {"name": mapping, "names": names or "—"}
            }
        )
    return dict(found.options)


def _tabular(suffix: str, data: bytes, mapping: str | None) -> ImportedProject:
    from kuroko.projects.services.import_table import file_errors

    kind = ImportMapping.Kind.EXCEL_WBS if suffix == ".xlsx" else ImportMapping.Kind.TRACKER_CSV
    options = _mapping_options(kind, mapping)
    try:
        if suffix == ".xlsx":
            from kuroko.projects.services.excel_wbs import excel_rows

            return excel_rows(data, options)
        from kuroko.formats.tracker_csv import read_tracker

        return read_tracker(data, options, translate=_)
    except ImportFileError as exc:
        raise file_errors(exc) from exc


def read_file(
    name: str, data: bytes, *, mapping: str | None = None, start: date | None = None
) -> MspdiProject | ImportedProject:
    """The file `data`, named `name`, read by its extension: MS Project XML (or Primavera P6 XML, by its
    root element), the formats MPXJ converts, plan JSON and PSPLIB into an `MspdiProject`; an Excel WBS
    (.xlsx) or a tracker CSV into an `ImportedProject`, with the columns of the saved `mapping` of that
    name. A PSPLIB plan starts on `start` (default today). Raises a ValidationError on the `file` field
    (or `mapping`) that names the problem."""
    suffix = _extension(name)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    if mapping and suffix not in TABULAR_EXTENSIONS:
        raise ValidationError(
            {
                "mapping": _(
                    "A saved column mapping is for Excel WBS (.xlsx) and tracker CSV (.csv) files only; "
                    "%(name)s is neither: choose no mapping for it."
                )
                % {"name": Path(name).name}
            }
        )
    if suffix in TABULAR_EXTENSIONS:
        return _tabular(suffix, data, mapping)
    if suffix == ".json":
        return _plan_json(data)
    if suffix == ".sm":
        return _psplib(data, name, start)
    if suffix in mpxj.MPXJ_EXTENSIONS or mpxj.is_p6_xml(data):
        return _mpxj(data, name)
    return _read(data)


# --- Importing ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did (or, on a dry run, would do): the project (None after a dry run of a new
    project, which is rolled back), whether it is new, and the diff — for a new project, everything
    it holds, as added."""

    project: Project | None
    created: bool
    diff: ImportDiff


class _DryRun(Exception):
    """Raised inside the transaction of a new project's dry run, to roll it back."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def _new_project_diff(project: Project, warnings: tuple[str, ...], applied: bool) -> ImportDiff:
    """Everything a new project holds, as an `ImportDiff` of additions."""
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    links = Dependency.objects.filter(successor__project=project).select_related("predecessor", "successor")
    assignments = (
        Assignment.objects.filter(task__project=project)
        .select_related("task", "person", "placeholder")
        .order_by("task__row", "pk")
    )
    return ImportDiff(
        added=tuple(TaskChange(str(t.source_uid or ""), t.name) for t in tasks),
        links_added=tuple(
            LinkChange(
                link.predecessor.name, link.successor.name, link.type, link.lag_minutes, link.lag_elapsed
            )
            for link in links.order_by("successor__row", "predecessor__row")
        ),
        assignments=tuple(
            AssignmentChange(
                a.task.name,
                str(a.person or (a.placeholder.name if a.placeholder else "")),
                "",
                f"{a.units}%, {a.work_minutes / 60:g} h",
            )
            for a in assignments
        ),
        warnings=warnings,
        applied=applied,
    )


def import_file(
    *,
    actor: Any,
    name: str,
    data: bytes,
    project: Project | None = None,
    code: str = "",
    project_name: str = "",
    mapping: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the file `data` named `name` (any format of `read_file`).

    Without `project`: a new project with code `code` (default: the file's stem upper-cased) and name
    `project_name` (default: the file's). With `project`: that project updated from the file, tasks
    matched by the id each kept on import (see `project_update_source`). With `dry_run` nothing is
    written — a new project is created and rolled back — and the result's diff says what would be.
    Raises PermissionDenied, or a ValidationError naming the problem; nothing is half-written."""
    if project is None:
        require(core_perms.can_create_projects(actor))
    else:
        require(perms.can_edit_project(actor, project))
    source = read_file(name, data, mapping=mapping)
    if project is not None:
        if isinstance(source, ImportedProject):
            from kuroko.projects.services.import_table import project_update_table

            diff = project_update_table(actor=actor, project=project, imported=source, dry_run=dry_run)
        else:
            diff = project_update_source(actor=actor, project=project, source=source, dry_run=dry_run)
        return ImportResult(project=project, created=False, diff=diff)
    code = code.strip() or default_code(name)
    try:
        with transaction.atomic():
            created = _create(actor, source, code, project_name)
            warnings = tuple(getattr(source, "warnings", ()))
            result = ImportResult(
                project=None if dry_run else created,
                created=True,
                diff=_new_project_diff(created, warnings, applied=not dry_run),
            )
            if dry_run:
                raise _DryRun(result)
    except _DryRun as rolled_back:
        return rolled_back.result
    return result


def _create(actor: Any, source: MspdiProject | ImportedProject, code: str, project_name: str) -> Project:
    if isinstance(source, ImportedProject):
        from kuroko.projects.services.import_table import project_import_table

        return project_import_table(actor=actor, imported=source, code=code, name=project_name)
    return project_import_source(actor=actor, source=source, code=code, name=project_name)


# --- Exporting ----------------------------------------------------------------------------------------


@transaction.atomic
def project_export_plan_json(*, actor: Any, project: Project, today: date) -> str:
    """The project as Kuroko plan JSON (what `kuroko schedule` reads): its tasks, links, calendars and
    settings as the scheduler sees them, task ids being the ids a re-import matches (`source_uid`,
    given to tasks that have none yet, and saved only when the actor may edit the project); links from
    other projects' tasks become external tasks."""
    from kuroko.formats.plan_json import write_plan
    from kuroko.projects import selectors
    from kuroko.projects.mapping import project_plan

    selectors.project_get(actor, project.code)  # may the actor read it at all
    with file_ids(actor, project):
        plan, _rows = project_plan(project, today=today)
        uids = dict(Task.objects.filter(project=project).values_list("pk", "source_uid"))
    ids = {str(pk): str(uid) for pk, uid in uids.items()}

    def rename(value: str | None) -> str | None:
        return None if value is None else ids.get(value, value)

    tasks = tuple(dataclasses.replace(t, id=ids[t.id], parent=rename(t.parent)) for t in plan.tasks)
    links = tuple(
        dataclasses.replace(
            link, predecessor=ids.get(link.predecessor, link.predecessor), successor=ids[link.successor]
        )
        for link in plan.links
    )
    return write_plan(dataclasses.replace(plan, tasks=tasks, links=links, name=project.name))


def export_stem(code: str) -> str:
    """A file name stem from a project code: characters other than letters, digits, - and _ replaced
    with - (codes are validated so, but older rows may hold anything), never empty."""
    return re.sub(r"[^\w-]+", "-", code).strip("-") or "project"


def project_export_file(*, actor: Any, project: Project, format: str, today: date) -> tuple[bytes, str]:
    """The project as a file of `format` (mspdi, xlsx or json) and the file's name (the project's code,
    made safe as a file name)."""
    stem = export_stem(project.code)
    if format == "mspdi":
        return project_export_mspdi(actor=actor, project=project, today=today), f"{stem}.xml"
    if format == "json":
        text = project_export_plan_json(actor=actor, project=project, today=today)
        return text.encode("utf-8"), f"{stem}.json"
    if format == "xlsx":
        from kuroko.projects.services.excel_wbs import project_export_xlsx

        return project_export_xlsx(actor=actor, project=project, mapping=None), f"{stem}.xlsx"
    raise ValidationError(
        {
            "format": _("Choose one of the export formats %(formats)s, not “%(format)s”.")
            % {"formats": ", ".join(EXPORT_FORMATS), "format": format}
        }
    )
