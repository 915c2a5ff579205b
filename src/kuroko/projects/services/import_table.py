"""Importing tabular files (an Excel WBS, a tracker's CSV export) read into `ImportedProject` rows: a new
project, or an existing project updated with a diff, through the same records and code as MS Project
XML (`project_import_source`, `project_update_source`).

Dates are taken the way MS Project takes typed dates: a task without predecessors whose start is given
starts no earlier than that day (an SNET constraint); a start and a finish without a duration give the
duration (the working time between them on the project calendar). On a re-import, a row whose dates
equal the task's current dates changes neither its constraint nor its duration, so that exporting a
project and importing the file again changes nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.dates import EARLIEST_YEAR, LATEST_YEAR
from kuroko.core.permissions import require
from kuroko.core.services import bulk_set
from kuroko.engine.calendar import WorkCalendar
from kuroko.engine.model import ConstraintType, LagKind, Link, LinkType, Plan
from kuroko.engine.model import Task as EngineTask
from kuroko.formats.imported import ImportedProject, ImportedTask, ImportFileError, RowError
from kuroko.formats.mspdi import Assignment, MspdiProject, Resource, StoredDates
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import DAY_START, naive, project_calendars
from kuroko.projects.models import Dependency, Project, Task, TaskKind
from kuroko.projects.services.imports import ImportDiff, project_import_source
from kuroko.projects.services.mspdi_update import project_update_source

PLACEHOLDER_KEY = "unassigned"


def file_errors(exc: ImportFileError) -> ValidationError:
    """An importer's row errors as a ValidationError on the `file` field, one message per problem."""
    return ValidationError({"file": [_row_message(e) for e in exc.errors]})


def _row_message(error: RowError) -> str:
    if error.row is not None and error.column:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": error.row,
            "column": error.column,
            "message": error.message,
        }
    if error.row is not None:
        return _("Row %(row)s: %(message)s") % {"row": error.row, "message": error.message}
    if error.column:
        return _("Column “%(column)s”: %(message)s") % {"column": error.column, "message": error.message}
    return error.message


def project_import_table(*, actor: Any, imported: ImportedProject, code: str, name: str = "") -> Project:
    """Create a project from a tabular file's rows, scheduled on the organisation's default calendar.
    Each task keeps its key as `source_uid`, so that a later version of the file updates the project."""
    require(core_perms.can_create_projects(actor))
    source = table_source(imported, project=None, current={}, current_links=())
    return project_import_source(actor=actor, source=source, code=code, name=name or imported.name)


def project_update_table(
    *, actor: Any, project: Project, imported: ImportedProject, dry_run: bool = False
) -> ImportDiff:
    """Update a project from a later version of its tabular file: rows matched to tasks by key
    (`source_uid`) or by WBS code (`imported.match`), with the diff of what changes (see
    `project_update_source`). Fields the file has no column for are left alone."""
    require(perms.can_edit_project(actor, project))

    def records(locked: Project) -> MspdiProject:
        keyed = _keyed(imported, locked) if imported.match == "wbs" else imported
        tasks = list(Task.objects.filter(project=locked, source_uid__isnull=False).select_related("owner"))
        current = {str(t.source_uid): t for t in tasks}
        pairs = Dependency.objects.filter(successor__project=locked, predecessor__project=locked).values_list(
            "predecessor__source_uid", "successor__source_uid", "type", "lag_minutes", "lag_elapsed"
        )
        source = table_source(
            keyed,
            project=locked,
            current=current,
            current_links=tuple(pairs),
            current_work=_current_work(locked),
        )
        if imported.match == "id" and current and not any(t.key in current for t in imported.tasks):
            warning = _(
                "No row matched a task of the project by ID, so every row would be added. Map the WBS "
                "code column instead to match rows by WBS code."
            )
            source = _with_warning(source, warning)
        return source

    return project_update_source(actor=actor, project=project, source=records, dry_run=dry_run)


def _current_work(project: Project) -> dict[str, dict[str, tuple[int, int]]]:
    """Each task's assignments (by `source_uid`) as {person's full name or placeholder: (units %, work)}."""
    from kuroko.projects.models import Assignment as AssignmentRow

    out: dict[str, dict[str, tuple[int, int]]] = {}
    from kuroko.people.models import Person

    rows = AssignmentRow.objects.filter(task__project=project, task__source_uid__isnull=False).values_list(
        "task__source_uid",
        "person__family_name",
        "person__given_name",
        "placeholder__name",
        "units",
        "work_minutes",
    )
    for uid, family, given, placeholder, units, work in rows:
        name = Person(family_name=family, given_name=given or "").full_name if family else placeholder or ""
        out.setdefault(str(uid), {})[name] = (units, work)
    return out


def _with_warning(source: MspdiProject, warning: str) -> MspdiProject:
    from dataclasses import replace

    return replace(source, warnings=(*source.warnings, warning))


def _keyed(imported: ImportedProject, project: Project) -> ImportedProject:
    """The rows keyed by the `source_uid` of the task with the same WBS code (tasks without one get the
    next free number first, as an MS Project export would); rows matching no task get new numbers."""
    from dataclasses import replace

    tasks = list(Task.objects.filter(project=project).order_by("row"))
    used = [int(str(t.source_uid)) for t in tasks if t.source_uid and str(t.source_uid).isdigit()]
    next_uid = max(used, default=0)
    missing = [t for t in tasks if not t.source_uid]
    for task in missing:
        next_uid += 1
        task.source_uid = str(next_uid)
    bulk_set(missing, ["source_uid"])
    by_wbs = {t.wbs_code: str(t.source_uid) for t in tasks}
    taken = set(by_wbs.values())
    keys: dict[str, str] = {}
    for item in imported.tasks:
        found = by_wbs.get(item.wbs) if item.wbs else None
        if found is None or (found in taken and found in keys.values()):
            next_uid += 1
            while str(next_uid) in taken:
                next_uid += 1
            found = str(next_uid)
        keys[item.key] = found
    return replace(
        imported,
        tasks=tuple(
            replace(
                item,
                key=keys[item.key],
                parent=keys.get(item.parent) if item.parent else None,
                links=tuple(
                    replace(link, predecessor=keys.get(link.predecessor, link.predecessor))
                    for link in item.links
                ),
            )
            for item in imported.tasks
        ),
    )


@dataclass
class _Calendar:
    work: WorkCalendar

    def day_start(self, day: date) -> datetime:
        moment = datetime.combine(day, time())
        found = self.work.next_working(moment)
        return found if found.date() == day else moment + timedelta(minutes=DAY_START)

    def day_end(self, day: date) -> datetime:
        moment = datetime.combine(day, time())
        minutes = self.work.working_minutes(moment, datetime.combine(day, time(23, 59)))
        return self.work.add(moment, minutes) if minutes > 0 else moment + timedelta(minutes=DAY_START + 540)

    def between(self, start: date, finish: date) -> int:
        return self.work.working_minutes(
            datetime.combine(start, time()), datetime.combine(finish, time(23, 59))
        )


def table_source(
    imported: ImportedProject,
    *,
    project: Project | None,
    current: Mapping[str, Task],
    current_links: tuple[tuple[Any, ...], ...],
    current_work: Mapping[str, dict[str, tuple[int, int]]] | None = None,
) -> MspdiProject:
    """The rows as the records an MS Project file is read into, scheduled on the project's calendar (or
    the organisation's default for a new project). `current` holds the project's tasks by `source_uid`
    and `current_links` its links as (predecessor uid, successor uid, type, lag, elapsed), for a
    re-import: a field the file has no column for keeps the task's value. `current_work` holds each
    task's assignments by resource name as (units %, work minutes): a row naming the same people with the
    same total effort keeps them as they are. Raises ImportFileError."""
    from kuroko.projects.selectors import duration_units

    columns = imported.columns
    today = timezone.localdate()
    errors, days, refused = _dates_in_range(imported)
    starts = [t.start for t in imported.tasks if t.start and t.key not in refused]
    if project is not None and project.planned_start:
        first = project.planned_start
    else:
        first = min(starts) if starts else today
    # The calendar is compiled around every date of the rows (an actual start years before the plan's
    # start, a due date years after it), not only the plan's start.
    earliest, latest = min([first, *days]), max([first, *days])
    calendars, key = project_calendars(project or Project(), range(earliest.year - 2, latest.year + 11))
    by_id = {c.id: c for c in calendars}
    calendar = _Calendar(
        WorkCalendar(
            by_id[key],
            by_id,
            around=datetime.combine(earliest, time()),
            years=latest.year - earliest.year + 12,
            lookback=2,
        )
    )
    per_day = round(Decimal(duration_units().hours_per_day) * 60)
    keys = {t.key for t in imported.tasks}
    parents = {t.parent for t in imported.tasks if t.parent}
    tasks: list[EngineTask] = []
    stored: dict[str, StoredDates] = {}
    notes: dict[str, str] = {}
    owners: dict[str, str] = {}
    resources: dict[str, Resource] = {}
    assignments: list[Assignment] = []
    for item in imported.tasks:
        if item.key in refused:
            continue
        row = current.get(item.key)
        try:
            task = _task(item, row, columns, calendar, per_day, item.key in parents)
            if item.start or item.finish:
                stored[item.key] = StoredDates(
                    start=calendar.day_start(item.start) if item.start else None,
                    finish=calendar.day_end(item.finish) if item.finish else None,
                )
        except (ValueError, OverflowError) as exc:  # HorizonError is a ValueError
            errors.append(RowError(item.row, "", str(exc)))
            continue
        tasks.append(task)
        if item.notes is not None:
            notes[item.key] = item.notes
        summary = item.key in parents
        # Each name once (a repeated name must not halve the effort), as typed otherwise.
        names = list(
            dict.fromkeys(unicodedata.normalize("NFKC", n).strip() for n in item.owners if n.strip())
        )
        kept = (current_work or {}).get(item.key)
        owner = row.owner.full_name if row is not None and row.owner is not None else None
        if names and kept and set(names) == set(kept) and (owner is None or owner in names):
            # The row lists the task's assignees, as an export writes them: its owner stays.
            if owner is not None:
                owners[item.key] = _resource(resources, owner).id
        elif names:
            owners[item.key] = _resource(resources, names[0]).id
        if summary or task.milestone:
            continue
        if item.work is None and not kept and row is not None and names == [owner]:
            continue  # the owner alone, of a task without assignments (as exported): none added
        if item.work is not None and not names:
            names = [PLACEHOLDER_KEY]
        if (
            kept
            and {n.strip() for n in names} == set(kept)
            and item.work == sum(w for _u, w in kept.values())
        ):
            # The task's own split of the effort (a file has one total per row): unchanged.
            for name, (percent, minutes) in kept.items():
                resource = _resource(resources, name)
                assignments.append(
                    Assignment(
                        id=f"{item.key}:{resource.id}",
                        task=item.key,
                        resource=resource.id,
                        units=Decimal(percent) / 100,
                        work=minutes,
                    )
                )
            continue
        for name in names:
            resource = _resource(resources, name)
            work = round(item.work / len(names)) if item.work is not None else None
            units = Decimal(1)
            if work is not None and task.duration > 0:
                units = min(max(Decimal(work) / Decimal(task.duration), Decimal("0.01")), Decimal(10))
            assignments.append(
                Assignment(
                    id=f"{item.key}:{resource.id}",
                    task=item.key,
                    resource=resource.id,
                    units=units,
                    work=work,
                )
            )
    links: list[Link] = []
    if "links" in columns:
        for item in imported.tasks:
            for link in item.links:
                if link.predecessor not in keys:
                    errors.append(
                        RowError(
                            item.row,
                            "",
                            _("The predecessor %(key)s is not in the file.") % {"key": link.predecessor},
                        )
                    )
                elif link.predecessor == item.key:
                    errors.append(RowError(item.row, "", _("A task cannot be its own predecessor.")))
                else:
                    links.append(
                        Link(
                            link.predecessor,
                            item.key,
                            LinkType(link.type),
                            link.lag,
                            LagKind.ELAPSED if link.elapsed else LagKind.WORK,
                        )
                    )
    else:
        for pred, succ, kind, lag, elapsed in current_links:
            if pred in keys and succ in keys:
                links.append(
                    Link(
                        str(pred),
                        str(succ),
                        LinkType(kind),
                        lag,
                        LagKind.ELAPSED if elapsed else LagKind.WORK,
                    )
                )
    if errors:
        raise ImportFileError(errors)
    if not tasks:
        raise ImportFileError([RowError(None, "", _("The file has no tasks."))])
    if PLACEHOLDER_KEY in resources:
        resources[PLACEHOLDER_KEY] = Resource(id=PLACEHOLDER_KEY, name=_("Unassigned"))
    extra = {f for f, column in (("notes", "notes"), ("owner", "owners")) if column in columns}
    plan = Plan(
        start=datetime.combine(first, time()) + timedelta(minutes=DAY_START),
        tasks=tuple(tasks),
        links=tuple(links),
        calendars=calendars,
        calendar=key,
        name=imported.name,
        finish=datetime.combine(project.planned_finish, time(23, 59))
        if project and project.planned_finish
        else None,
        status_date=(
            datetime.combine(project.status_date, time(23, 59)) if project and project.status_date else None
        ),
    )
    return MspdiProject(
        plan=plan,
        stored=stored,
        resources=tuple(resources.values()),
        assignments=tuple(assignments),
        title=imported.name,
        warnings=imported.warnings,
        notes=notes,
        owners=owners,
        extra_fields=frozenset(extra),
        own_calendar=False,
    )


def _dates_in_range(imported: ImportedProject) -> tuple[list[RowError], list[date], set[str]]:
    """The rows' dates outside the years Kuroko accepts (1900–2999, as `kuroko.core.dates`), each a row
    error naming its column; the dates within them; the keys of the rows refused."""
    errors: list[RowError] = []
    days: list[date] = []
    refused: set[str] = set()
    fields = (
        ("start", _("Planned start")),
        ("finish", _("Planned finish")),
        ("actual_start", _("Actual start")),
        ("actual_finish", _("Actual finish")),
    )
    for item in imported.tasks:
        for field, column in fields:
            day = getattr(item, field)
            if day is None:
                continue
            if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                days.append(day)
            else:
                refused.add(item.key)
                errors.append(
                    RowError(
                        item.row,
                        column,
                        _("%(date)s is outside the years %(first)s–%(last)s.")
                        % {"date": day.isoformat(), "first": EARLIEST_YEAR, "last": LATEST_YEAR},
                    )
                )
    return errors, days, refused


def _resource(resources: dict[str, Resource], name: str) -> Resource:
    key = name if name == PLACEHOLDER_KEY else f"r:{name.strip()}"
    if key not in resources:
        text = name.strip()
        resources[key] = Resource(id=key, name=text[:200], email=text if "@" in text else "")
    return resources[key]


def _same_day(moment: datetime | None, day: date | None) -> bool:
    return moment is not None and day is not None and timezone.localtime(moment).date() == day


def _task(
    item: ImportedTask,
    row: Task | None,
    columns: frozenset[str],
    calendar: _Calendar,
    per_day: int,
    summary: bool,
) -> EngineTask:
    """The engine task of one row; `row` is the task it updates (None for a new one)."""
    same_dates = (
        row is not None
        and item.start == row.planned_start
        and (item.finish is None or item.finish == row.planned_finish)
    )
    elapsed = item.elapsed if item.duration is not None else bool(row and row.duration_elapsed)
    milestone = item.milestone or (item.duration == 0 and not summary)
    if item.duration is not None:
        duration = item.duration
    elif item.start and item.finish and not same_dates and not milestone:
        if item.finish < item.start:
            raise ValueError(_("The finish is before the start."))
        duration = calendar.between(item.start, item.finish)
        if duration <= 0:
            raise ValueError(_("There is no working time between the start and the finish."))
    elif row is not None:
        duration = row.duration_minutes
        milestone = milestone or (row.kind == TaskKind.MILESTONE and "duration" not in columns)
    else:
        duration = per_day  # MS Project's "1 day?" for a task typed without a duration
    constraint, constraint_date = ConstraintType.ASAP, None
    unlinked = not item.links or "links" not in columns
    if item.start and not same_dates and not summary:
        if unlinked:
            constraint, constraint_date = ConstraintType.SNET, datetime.combine(item.start, time())
    elif (
        item.finish
        and not item.start
        and not summary
        and unlinked
        and (row is None or item.finish != row.planned_finish)
    ):
        # Only a finish (a tracker's due date): "finish no earlier than", as MS Project takes a typed
        # finish, so that the task ends on that day rather than at the project's start.
        constraint, constraint_date = ConstraintType.FNET, datetime.combine(item.finish, time(23, 59))
    elif row is not None:
        constraint, constraint_date = ConstraintType(row.constraint_type), naive(row.constraint_date)
    percent = item.percent_complete
    if percent is None:
        percent = row.percent_complete if row is not None else (100 if item.actual_finish else 0)
    actual_start = calendar.day_start(item.actual_start) if item.actual_start else None
    actual_finish = calendar.day_end(item.actual_finish) if item.actual_finish else None
    if row is not None:
        # An actual date equal to the task's (its day) changes nothing, as for planned dates.
        if "actual_start" not in columns or _same_day(row.actual_start, item.actual_start):
            actual_start = naive(row.actual_start)
        if "actual_finish" not in columns or _same_day(row.actual_finish, item.actual_finish):
            actual_finish = naive(row.actual_finish)
    if actual_finish and not actual_start:
        actual_start = actual_finish
    return EngineTask(
        id=item.key,
        name=item.name,
        duration=0 if milestone else duration,
        parent=item.parent,
        milestone=milestone,
        elapsed=elapsed and not milestone,
        constraint=constraint,
        constraint_date=constraint_date,
        deadline=naive(row.deadline) if row is not None else None,
        actual_start=actual_start,
        actual_finish=actual_finish,
        percent_complete=percent,
        # A re-import keeps a manually scheduled task manual, where the user put it.
        manual=bool(row and row.manual and not summary),
        manual_start=naive(row.manual_start) if row and row.manual and not summary else None,
    )
