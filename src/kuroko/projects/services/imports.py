"""Importing MS Project XML (MSPDI): a new project from a file, or an existing project updated from a
later version of its file (tasks matched by their MS Project UID)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.core.services import bulk_set
from kuroko.core.templatetags.kuroko import localise_duration
from kuroko.engine.duration import format_duration, format_span
from kuroko.engine.graph import find_cycle
from kuroko.engine.model import LagKind
from kuroko.engine.model import Task as EngineTask
from kuroko.formats.mspdi import MspdiError, MspdiProject, read_mspdi
from kuroko.people import services as people_services
from kuroko.people.mapping import calendar_from_engine
from kuroko.people.models import WorkCalendar
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import aware
from kuroko.projects.models import Dependency, Project, Task, TaskKind
from kuroko.projects.services.bulk_insert import insert_with_history
from kuroko.projects.services.portfolio import project_create
from kuroko.projects.services.schedule import project_reschedule
from kuroko.projects.services.tasks import renumber

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else aware(moment)


def _read(data: bytes) -> MspdiProject:
    """The file read, or a ValidationError on the `file` field that names the problem."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    try:
        source = read_mspdi(data)
    except MspdiError as exc:
        raise ValidationError(
            {"file": _("This is not a readable MS Project XML file: %(error)s") % {"error": exc}}
        ) from exc
    if not source.plan.tasks:
        raise ValidationError({"file": _("The file has no tasks.")})
    return source


# --- What an update changes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a task or of the project: its label and the old and new values as text."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class TaskChange:
    """A task the update adds, changes or removes (`uid` is its MS Project UID)."""

    uid: str
    name: str
    changes: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes)


@dataclass(frozen=True, slots=True)
class LinkChange:
    """A link among the file's tasks that the update adds, changes or removes."""

    predecessor: str
    successor: str
    type: str
    lag_minutes: int
    lag_elapsed: bool = False

    @property
    def lag_text(self) -> str:
        """The lag as typed in the WBS: 2d, or 2ed for elapsed time."""
        from kuroko.projects.selectors import duration_units

        return localise_duration(format_span(self.lag_minutes, self.lag_elapsed, duration_units()))


@dataclass(frozen=True, slots=True)
class AssignmentChange:
    """A resource assignment on one of the file's tasks that the update adds, changes or removes."""

    task: str
    resource: str
    old: str  # "" when added
    new: str  # "" when removed


@dataclass(frozen=True, slots=True)
class ImportDiff:
    """What updating a project from an MS Project XML file changes (or, on a dry run, would change)."""

    added: tuple[TaskChange, ...] = ()
    changed: tuple[TaskChange, ...] = ()
    removed: tuple[TaskChange, ...] = ()
    links_added: tuple[LinkChange, ...] = ()
    links_changed: tuple[LinkChange, ...] = ()
    links_removed: tuple[LinkChange, ...] = ()
    project: tuple[FieldChange, ...] = ()
    assignments: tuple[AssignmentChange, ...] = ()
    warnings: tuple[str, ...] = ()
    applied: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.links_added
            or self.links_changed
            or self.links_removed
            or self.project
            or self.assignments
        )


def _display(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if field == "duration_minutes":
        from kuroko.projects.selectors import duration_units

        return localise_duration(format_duration(int(value), duration_units()))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field == "kind":
        return str(TaskKind(value).label)
    if field == "percent_complete":
        return f"{value}%"
    return str(value)


def _label(model: type[Any], field: str) -> str:
    if field == "duration_minutes":
        return _("Duration")  # shown as 2d or 1.5h, not in minutes
    return str(model._meta.get_field(field).verbose_name)


# --- Shared by both imports ---------------------------------------------------------------------------


def _file_values(task: EngineTask) -> dict[str, Any]:
    """The task fields a file task sets (the same on a new import and on an update)."""
    return {
        "name": task.name[:255] or task.id,
        "kind": TaskKind.MILESTONE if task.milestone else TaskKind.TASK,
        "duration_minutes": 0 if task.milestone else task.duration,
        "duration_elapsed": task.elapsed and not task.milestone,
        "percent_complete": round(task.percent_complete),
        "constraint_type": str(task.constraint),
        "constraint_date": _aware(task.constraint_date),
        "deadline": _aware(task.deadline),
        "actual_start": _aware(task.actual_start),
        "actual_finish": _aware(task.actual_finish),
        "manual": task.manual,
        "manual_start": _aware(task.manual_start),
    }


def _file_links(source: MspdiProject) -> dict[tuple[str, str], tuple[str, int, bool]]:
    """The file's links among its tasks: (predecessor UID, successor UID) → (type, lag in minutes, whether
    the lag is elapsed time). Percentage lags become working minutes of the predecessor's duration."""
    durations = {t.id: (0 if t.milestone else t.duration) for t in source.plan.tasks}
    links: dict[tuple[str, str], tuple[str, int, bool]] = {}
    for link in source.plan.links:
        if link.predecessor not in durations or link.successor not in durations:
            continue  # a link to another project's task: not part of this file's plan
        lag = link.lag
        if link.lag_kind == LagKind.PERCENT:
            lag = durations[link.predecessor] * link.lag / 100
        elapsed = link.lag_kind == LagKind.ELAPSED and round(lag) != 0
        links[(link.predecessor, link.successor)] = (str(link.type), round(lag), elapsed)
    return links


def _check_cycles(names: Mapping[int, str]) -> None:
    """Refuse links that now form a cycle (the file's own, or with links added in Kuroko)."""
    found = find_cycle(Dependency.objects.values_list("predecessor_id", "successor_id"))
    if found is None:
        return
    cycle = [int(str(pk)) for pk in found]
    labels = dict(names)
    labels.update(
        Task.objects.filter(pk__in=[pk for pk in cycle if pk not in names]).values_list("pk", "name")
    )
    path = " → ".join(labels.get(pk, str(pk)) for pk in cycle)  # [a, b, …, a]
    raise ValidationError({"file": _("The links would form a cycle: %(cycle)s.") % {"cycle": path}})


def _calendar_name(source: MspdiProject, project: Project) -> str:
    calendar = next(c for c in source.plan.calendars if c.id == source.plan.calendar)
    return f"{calendar.name or _('Standard')} ({project.code})"


def _file_calendar(source: MspdiProject) -> tuple[Any, list[dict[str, Any]]]:
    by_id = {c.id: c for c in source.plan.calendars}
    return calendar_from_engine(by_id[source.plan.calendar], by_id)


def _store_calendar(
    *, actor: Any, source: MspdiProject, project: Project, into: WorkCalendar | None = None
) -> WorkCalendar:
    """The file's project calendar as a stored calendar (new, or replacing `into`)."""
    week, exceptions = _file_calendar(source)
    name = _calendar_name(source, project)
    try:
        return people_services.calendar_import(
            actor=actor, name=name, week=week, exceptions=exceptions, into=into
        )
    except ValidationError as exc:
        raise ValidationError(
            {
                "file": _("The file's calendar “%(name)s” cannot be stored: %(error)s")
                % {"name": name, "error": " ".join(exc.messages)}
            }
        ) from exc


# --- A new project ------------------------------------------------------------------------------------


def project_import_mspdi(*, actor: Any, data: bytes, code: str, name: str = "") -> Project:
    """Create a project from an MS Project XML file (see `project_import_source`)."""
    require(core_perms.can_create_projects(actor))
    return project_import_source(actor=actor, source=_read(data), code=code, name=name)


def owner_people(source: MspdiProject) -> dict[str, int | None]:
    """Each task's owner as a person pk (the resource's e-mail, else exactly its full name; None when
    no active person matches), for sources that set owners (`extra_fields` has "owner")."""
    from kuroko.people.models import Person

    if "owner" not in source.extra_fields:
        return {}
    resources = {r.id: r for r in source.resources}
    people = list(Person.objects.filter(is_active=True))
    by_email = {p.email.lower(): p.pk for p in people if p.email}
    by_name = {p.full_name: p.pk for p in people}
    out: dict[str, int | None] = {}
    for task in source.plan.tasks:
        resource = resources.get(source.owners.get(task.id, ""))
        if resource is None:
            out[task.id] = None
            continue
        found = by_email.get(resource.email.lower()) if resource.email else None
        out[task.id] = found or by_name.get(resource.name)
    return out


def extra_values(source: MspdiProject, task_id: str, owners: Mapping[str, int | None]) -> dict[str, Any]:
    """The notes and owner the source sets on a task (only the fields it has columns for)."""
    values: dict[str, Any] = {}
    if "notes" in source.extra_fields:
        values["notes"] = source.notes.get(task_id, "")
    if "owner" in source.extra_fields:
        values["owner_id"] = owners.get(task_id)
    return values


@transaction.atomic
def project_import_source(*, actor: Any, source: MspdiProject, code: str, name: str = "") -> Project:
    """Create a project from a file read into an `MspdiProject` (MS Project XML, or any format converted
    to the same records): its tasks in outline order with durations, milestones, the dates stored, and
    its links (type and lag), scheduled on the file's project calendar (stored as a project calendar,
    exceptions and recurrences included). Each task keeps its id in the file (`source_uid`), so that a
    later version of the file can update the project. One transaction: a file that cannot be read
    creates nothing, and the error names the line or element."""
    require(core_perms.can_create_projects(actor))
    if not source.plan.tasks:
        raise ValidationError({"file": _("The file has no tasks.")})
    plan = source.plan
    project = project_create(
        actor=actor,
        data={
            "code": code,
            "name": name or plan.name or source.title or code,
            "status": "proposed",
            "planned_start": plan.start.date(),
            # A FinishDate before the StartDate (MS Project keeps a stale one) is no plan date.
            "planned_finish": plan.finish.date() if plan.finish and plan.finish >= plan.start else None,
            "status_date": plan.status_date.date() if plan.status_date else None,
        },
    )
    if source.own_calendar:
        project.calendar = _store_calendar(actor=actor, source=source, project=project)
        Project.objects.filter(pk=project.pk).update(calendar=project.calendar)
    rows: dict[str, Task] = {}
    positions: dict[str | None, int] = {}
    owners = owner_people(source)
    # Written level by level with bulk inserts (a parent has its pk before its children are inserted):
    # creating 10,000 tasks one by one, each with its history record, took most of an import's time.
    levels: list[list[Task]] = []
    depth: dict[str, int] = {}
    for task in plan.tasks:  # MSPDI lists tasks in outline order: parents come first
        parent = rows.get(task.parent) if task.parent else None
        position = positions.get(task.parent, 0)
        positions[task.parent] = position + 1
        stored = source.stored.get(task.id)
        start = stored.start.date() if stored and stored.start else None
        finish = stored.finish.date() if stored and stored.finish else None
        rows[task.id] = Task(
            project=project,
            parent=parent,
            position=position,
            source_uid=task.id,
            planned_start=start,
            planned_finish=finish if finish and start and finish >= start else start,
            **_file_values(task),
            **extra_values(source, task.id, owners),
        )
        depth[task.id] = depth[task.parent] + 1 if parent is not None and task.parent else 0
        while len(levels) <= depth[task.id]:
            levels.append([])
        levels[depth[task.id]].append(rows[task.id])

    def task_pks() -> dict[Any, int]:
        return dict(Task.objects.filter(project=project).values_list("source_uid", "pk"))

    for level in levels:
        for row in level:
            row.parent_id = row.parent.pk if row.parent is not None else None
        insert_with_history(Task, level, key=lambda t: t.source_uid, lookup=task_pks, user=actor)
    links = [
        Dependency(
            predecessor=rows[pred], successor=rows[succ], type=kind, lag_minutes=lag, lag_elapsed=elapsed
        )
        for (pred, succ), (kind, lag, elapsed) in _file_links(source).items()
    ]

    def link_pks() -> dict[Any, int]:
        pairs = Dependency.objects.filter(successor__project=project).values_list(
            "predecessor_id", "successor_id", "pk"
        )
        return {(pred, succ): pk for pred, succ, pk in pairs}

    insert_with_history(
        Dependency, links, key=lambda d: (d.predecessor_id, d.successor_id), lookup=link_pks, user=actor
    )
    _check_cycles({t.pk: t.name for t in rows.values()})
    _import_assignments(source, project, rows, actor=actor)
    renumber(project)
    project_reschedule(project)
    return project


def give_source_uids(project: Project) -> None:
    """Tasks without a file id (`source_uid`) get the next free number in the project, in outline order,
    so that an exported file brought back as an update changes these same tasks."""
    missing = list(Task.objects.filter(project=project, source_uid__isnull=True).order_by("row"))
    if not missing:
        return
    used = Task.objects.filter(project=project, source_uid__isnull=False).values_list("source_uid", flat=True)
    next_uid = max((int(str(u)) for u in used if str(u).isdigit()), default=0)
    for task in missing:
        next_uid += 1
        task.source_uid = str(next_uid)
    bulk_set(missing, ["source_uid"])


class _ReadOnly(Exception):
    """Raised at the end of a read-only export, to roll back the file ids it gave."""


@contextmanager
def file_ids(actor: Any, project: Project) -> Iterator[None]:
    """Within the block, every task of the project has a file id (`give_source_uids`). They are kept
    when `actor` may edit the project; for a reader (an executive exporting a file) they are given in a
    savepoint that is rolled back after the block, so the file has the same ids and nothing is saved."""
    if perms.can_edit_project(actor, project):
        give_source_uids(project)
        yield
        return
    try:
        with transaction.atomic():
            give_source_uids(project)
            yield
            raise _ReadOnly
    except _ReadOnly:
        pass


@transaction.atomic
def project_export_mspdi(*, actor: Any, project: Project, today: date) -> bytes:
    """The project as MS Project XML. Tasks that have no MS Project UID yet get one (the next free
    number in the project, in outline order), so that the file, edited in MS Project and brought back as
    an update, changes these same tasks; tasks added in Kuroko later have none and are kept by updates.
    The ids are saved only when the actor may edit the project (see `file_ids`)."""
    from kuroko.projects import selectors

    selectors.project_get(actor, project.code)  # may the actor read it at all
    with file_ids(actor, project):
        data = selectors.project_mspdi(actor, project, today=today)
    return data


ResourceKey = tuple[int | None, str | None]
"""Who an assignment is for: (person pk, None) or (None, placeholder name)."""


def file_assignments(source: MspdiProject) -> dict[str, dict[ResourceKey, tuple[int, int | None]]]:
    """The file's resource assignments on its work tasks, by task UID: who (a resource becomes the person
    with its e-mail or, failing that, exactly its name, and otherwise a placeholder with its name) →
    (units %, work minutes or None when the file has none). Summaries, milestones, unassigned rows and
    material or cost resources are left out."""
    from kuroko.people.models import Person

    plan_tasks = {t.id: t for t in source.plan.tasks}
    summaries = {t.parent for t in source.plan.tasks if t.parent}
    resources = {r.id: r for r in source.resources if r.kind == "work"}
    people = list(Person.objects.filter(is_active=True))
    by_email = {p.email.lower(): p for p in people if p.email}
    by_name = {p.full_name: p for p in people}
    who: dict[str, ResourceKey] = {}
    out: dict[str, dict[ResourceKey, tuple[int, int | None]]] = {}
    for item in source.assignments:
        task = plan_tasks.get(item.task)
        resource = resources.get(item.resource or "")
        if task is None or resource is None or task.milestone or task.id in summaries:
            continue
        if resource.id not in who:
            person = by_email.get(resource.email.lower()) if resource.email else None
            person = person or by_name.get(resource.name)
            who[resource.id] = (person.pk, None) if person else (None, (resource.name or resource.id)[:200])
        units = min(max(int((item.units * 100).to_integral_value()), 1), 1000) if item.units else 100
        # The same resource twice on a task: the first counts (MS Project does not allow it either).
        out.setdefault(task.id, {}).setdefault(who[resource.id], (units, item.work))
    return out


def placeholder_for(project: Project, name: str, source: MspdiProject) -> Any:
    """The project's placeholder of that name, created (with the resource's max units) if needed."""
    from kuroko.projects.models import Placeholder

    units = next((r.max_units for r in source.resources if (r.name or r.id)[:200] == name), 1)
    placeholder, _new = Placeholder.objects.get_or_create(
        project=project, name=name, defaults={"quantity": max(1, int(units))}
    )
    return placeholder


def _import_assignments(
    source: MspdiProject, project: Project, rows: Mapping[str, Task], *, actor: Any = None
) -> None:
    """The file's resource assignments on its tasks (see `file_assignments`)."""
    from kuroko.people.models import Person
    from kuroko.projects.models import Assignment

    assignments = file_assignments(source)
    people = Person.objects.in_bulk({p for found in assignments.values() for p, _n in found if p})
    created: list[Assignment] = []
    placeholders: dict[str, Any] = {}
    for uid, found in assignments.items():
        task = rows.get(uid)
        if task is None or task.kind != TaskKind.TASK:
            continue
        for (person_id, name), (units, work) in found.items():
            placeholder = None
            if name is not None:
                if name not in placeholders:
                    placeholders[name] = placeholder_for(project, name, source)
                placeholder = placeholders[name]
            minutes = work if work is not None else round(task.duration_minutes * units / 100)
            created.append(
                Assignment(
                    task=task,
                    person=people.get(person_id) if person_id else None,
                    placeholder=placeholder,
                    units=units,
                    work_minutes=max(minutes, 0),
                )
            )

    def assignment_pks() -> dict[Any, int]:
        found = Assignment.objects.filter(task__project=project).values_list(
            "task_id", "person_id", "placeholder_id", "pk"
        )
        return {(task, person, placeholder): pk for task, person, placeholder, pk in found}

    insert_with_history(
        Assignment,
        created,
        key=lambda a: (a.task_id, a.person_id, a.placeholder_id),
        lookup=assignment_pks,
        user=actor,
    )
