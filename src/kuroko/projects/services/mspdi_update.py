"""Updating an existing project from a later version of its MS Project XML file.

Tasks are matched by the MS Project UID each task kept on import (`Task.source_uid`). The update is
worked out first (an `ImportDiff`), then written in the same transaction; a dry run rolls it back.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import bulk_set, save_validated
from kuroko.formats.mspdi import MspdiProject
from kuroko.people import services as people_services
from kuroko.people.models import CalendarKind, Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, Dependency, Project, Task, TaskKind
from kuroko.projects.services.imports import (
    AssignmentChange,
    FieldChange,
    ImportDiff,
    LinkChange,
    ResourceKey,
    TaskChange,
    _calendar_name,
    _check_cycles,
    _display,
    _file_calendar,
    _file_links,
    _file_values,
    _label,
    _read,
    _store_calendar,
    extra_values,
    file_assignments,
    owner_people,
    placeholder_for,
)
from kuroko.projects.services.schedule import project_reschedule
from kuroko.projects.services.tasks import renumber

# Task fields an update from a file compares and sets, in the order the diff lists them.
UPDATED_FIELDS = (
    "name",
    "kind",
    "duration_minutes",
    "duration_elapsed",
    "percent_complete",
    "constraint_type",
    "constraint_date",
    "deadline",
    "actual_start",
    "actual_finish",
    "manual",
    "manual_start",
)
# A summary task takes these from its subtasks (Kuroko rolls them up), so the file's are not compared.
SUMMARY_DERIVED = frozenset({"kind", "duration_minutes", "duration_elapsed", "percent_complete"})

Key = tuple[str, str]
"""A task of the updated tree: ("file", UID) for the file's tasks, ("kuroko", pk) for tasks added in
Kuroko."""


def project_update_mspdi(*, actor: Any, project: Project, data: bytes, dry_run: bool = False) -> ImportDiff:
    """Update a project from a later version of the MS Project XML file it was imported from (see
    `project_update_source`)."""
    require(perms.can_edit_project(actor, project))
    return project_update_source(actor=actor, project=project, source=_read(data), dry_run=dry_run)


def project_update_source(
    *,
    actor: Any,
    project: Project,
    source: MspdiProject | Callable[[Project], MspdiProject],
    dry_run: bool = False,
) -> ImportDiff:
    """Update a project from a later version of the file it was imported from, read into an
    `MspdiProject` (MS Project XML, or another format converted to the same records).

    Tasks are matched by the id each task kept on import (`Task.source_uid`, the MS Project UID for
    MSPDI): tasks new in the file are added in their outline position; matched tasks take the file's
    name, duration, milestone flag, % complete, constraint, deadline, actual dates, parent and position
    (and notes and owner where the source has them, see `MspdiProject.extra_fields`); tasks that came
    from the file and are no longer in it are deleted (tasks added in Kuroko stay, moving up a level if
    their parent goes). Links among the file's tasks become the file's; links to or from other tasks
    stay. The project takes the file's start, finish, status date and calendar. One transaction, then
    the WBS is renumbered and the project rescheduled.

    `source` may be a function of the locked project that returns the records, called inside the
    transaction (an importer that matches rows by WBS code gives tasks their ids there, so that a dry run
    rolls that back too).

    With `dry_run` the changes are made and rolled back, so the returned diff is what applying would
    do, errors included. A file that cannot be read, or changes that break a rule, write nothing and
    raise a ValidationError on the `file` field.
    """
    require(perms.can_edit_project(actor, project))
    with transaction.atomic():
        locked = Project.objects.select_for_update(of=("self",)).select_related("calendar").get(pk=project.pk)
        records = source(locked) if callable(source) else source
        if not records.plan.tasks:
            raise ValidationError({"file": _("The file has no tasks.")})
        update = _Update(project=locked, source=records)
        diff = update.diff(applied=not dry_run)
        update.apply(actor=actor)
        if dry_run:
            transaction.set_rollback(True)
        else:
            renumber(locked)
            project_reschedule(locked)
    if not dry_run:
        project.refresh_from_db()
    return diff


def _moved(old_order: list[Key], new_order: list[Key]) -> set[Key]:
    """The items that move when `old_order` becomes `new_order` (the same items): those outside a longest
    run that keeps its relative order, so that inserting or removing one task does not "move" the others."""
    index = {key: i for i, key in enumerate(new_order)}
    tails: list[int] = []  # smallest last value of an increasing run of each length
    tail_at: list[int] = []  # where that run ends in old_order
    back = [-1] * len(old_order)
    for i, key in enumerate(old_order):
        value = index[key]
        j = bisect.bisect_left(tails, value)
        if j == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[j] = value
            tail_at[j] = i
        back[i] = tail_at[j - 1] if j else -1
    keep: set[Key] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(old_order[i])
        i = back[i]
    return set(old_order) - keep


@dataclass
class _Update:
    """The update of one project from one file: the new tree and what changes, worked out up front."""

    project: Project
    source: MspdiProject
    rows: dict[Key, Task] = field(default_factory=dict)  # surviving rows of the project
    removed: list[Task] = field(default_factory=list)  # the file's tasks no longer in the file
    old_parent: dict[Key, Key | None] = field(default_factory=dict)
    new_parent: dict[Key, Key | None] = field(default_factory=dict)
    position: dict[Key, int] = field(default_factory=dict)
    moved: set[Key] = field(default_factory=set)
    updates: dict[Key, dict[str, Any]] = field(default_factory=dict)
    links: dict[tuple[str, str], tuple[str, int, bool]] = field(default_factory=dict)
    existing_links: dict[tuple[str, str], Dependency] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    calendar_action: str = ""  # "", "create" or "replace"
    # Assignments: the file's by task UID, the project's on the file's tasks, and what to do with them.
    file_assign: dict[str, dict[ResourceKey, tuple[int, int | None]]] = field(default_factory=dict)
    assign_add: list[tuple[Key, ResourceKey, int, int | None]] = field(default_factory=list)
    assign_change: list[tuple[Assignment, int, int | None]] = field(default_factory=list)
    assign_remove: list[Assignment] = field(default_factory=list)

    def __post_init__(self) -> None:
        plan = self.source.plan
        tasks = list(Task.objects.filter(project=self.project).order_by("parent_id", "position", "pk"))
        by_pk = {t.pk: t for t in tasks}
        self.file_tasks = {t.id: t for t in plan.tasks}
        self.from_file = {t.source_uid: t for t in tasks if t.source_uid is not None}
        self.removed = sorted(
            (t for uid, t in self.from_file.items() if uid not in self.file_tasks), key=lambda t: t.row
        )
        removed = {t.pk for t in self.removed}

        def key(task: Task) -> Key:
            return ("file", task.source_uid) if task.source_uid is not None else ("kuroko", str(task.pk))

        self.old_names = {key(t): t.name for t in tasks}
        survivors = [t for t in tasks if t.pk not in removed]
        self.rows = {key(t): t for t in survivors}
        for task in survivors:
            self.old_parent[key(task)] = key(by_pk[task.parent_id]) if task.parent_id else None
        for item in plan.tasks:
            self.new_parent[("file", item.id)] = ("file", item.parent) if item.parent else None
        added_in_kuroko = [t for t in survivors if t.source_uid is None]
        for task in added_in_kuroko:
            parent = task.parent_id
            while parent is not None and parent in removed:  # its parent goes: up to the nearest that stays
                parent = by_pk[parent].parent_id
            self.new_parent[key(task)] = key(by_pk[parent]) if parent is not None else None
        self._order([key(t) for t in survivors], [key(t) for t in added_in_kuroko])
        self.links = _file_links(self.source)
        self.owners = owner_people(self.source)
        self.people: dict[int, Person] = {}
        # The links between the project's own tasks, their ends taken from the tasks read above: the
        # query joining both ends to the task table (with their source_uid conditions) took SQLite
        # ~15 s on a 10,000-task project.
        for link in Dependency.objects.filter(successor__project=self.project):
            predecessor, successor = by_pk.get(link.predecessor_id), by_pk.get(link.successor_id)
            if predecessor is None or successor is None:
                continue  # a link from another project's task
            if predecessor.source_uid is None or successor.source_uid is None:
                continue
            link.predecessor, link.successor = predecessor, successor
            self.existing_links[(str(predecessor.source_uid), str(successor.source_uid))] = link

    def _assignment_changes(self) -> tuple[AssignmentChange, ...]:
        """The file's assignments against the project's, on the file's tasks (a file without any
        assignment leaves the project's alone: it was saved without resources)."""
        if not self.source.assignments:
            return ()
        self.file_assign = file_assignments(self.source)
        existing: dict[str, dict[ResourceKey, Assignment]] = {}
        for a in Assignment.objects.filter(
            task__project=self.project, task__source_uid__isnull=False
        ).select_related("task", "placeholder"):
            who: ResourceKey = (
                (a.person_id, None) if a.person_id else (None, a.placeholder.name if a.placeholder else "")
            )
            existing.setdefault(str(a.task.source_uid), {})[who] = a
        people = Person.objects.in_bulk(
            {p for found in self.file_assign.values() for p, _n in found if p}
            | {p for found in existing.values() for p, _n in found if p}
        )

        def label(who: ResourceKey) -> str:
            person, name = who
            return str(people[person]) if person in people else str(name)

        out: list[AssignmentChange] = []
        for item in self.source.plan.tasks:
            found = self.file_assign.get(item.id, {})
            have = existing.get(item.id, {})
            name = item.name or item.id
            for who, (units, work) in found.items():
                old = have.get(who)
                new_text = f"{units}%" + (f", {work / 60:g} h" if work is not None else "")
                if old is None:
                    self.assign_add.append((("file", item.id), who, units, work))
                    out.append(AssignmentChange(name, label(who), "", new_text))
                elif old.units != units or (work is not None and old.work_minutes != work):
                    self.assign_change.append((old, units, work))
                    out.append(
                        AssignmentChange(
                            name, label(who), f"{old.units}%, {old.work_minutes / 60:g} h", new_text
                        )
                    )
            for who, old in have.items():
                if who not in found:
                    self.assign_remove.append(old)
                    out.append(
                        AssignmentChange(name, label(who), f"{old.units}%, {old.work_minutes / 60:g} h", "")
                    )
        return tuple(out)

    def _apply_assignments(self) -> None:
        placeholders: dict[str, Any] = {}
        created: list[Assignment] = []
        for key, (person, name), units, work in self.assign_add:
            task = self.rows[key]
            if task.kind != TaskKind.TASK:
                continue
            placeholder = None
            if name is not None:
                if name not in placeholders:
                    placeholders[name] = placeholder_for(self.project, name, self.source)
                placeholder = placeholders[name]
            minutes = work if work is not None else round(task.duration_minutes * units / 100)
            created.append(
                Assignment(
                    task=task, person_id=person, placeholder=placeholder, units=units, work_minutes=minutes
                )
            )
        Assignment.objects.bulk_create(created)
        Assignment.history.bulk_history_create(created)
        for assignment, units, work in self.assign_change:
            assignment.units = units
            task = self.rows[("file", str(assignment.task.source_uid))]
            assignment.work_minutes = work if work is not None else round(task.duration_minutes * units / 100)
        bulk_set([a for a, _u, _w in self.assign_change], ["units", "work_minutes"])
        Assignment.objects.filter(pk__in=[a.pk for a in self.assign_remove]).delete()

    def _order(self, survivors: list[Key], added_in_kuroko: list[Key]) -> None:
        """Positions among siblings: the file's tasks in file order; a task added in Kuroko stays right
        after the file task that was above it among the same siblings (or first), and one that moves up
        a level because its parent goes comes last."""
        old_siblings: dict[Key | None, list[Key]] = {}
        for key in survivors:  # in parent and position order
            old_siblings.setdefault(self.old_parent[key], []).append(key)
        file_siblings: dict[Key | None, list[Key]] = {}
        for item in self.source.plan.tasks:
            file_siblings.setdefault(self.new_parent[("file", item.id)], []).append(("file", item.id))
        after: dict[Key | None, dict[Key | None, list[Key]]] = {}
        for parent, keys in old_siblings.items():
            anchor: Key | None = None
            for key in keys:
                if self.new_parent[key] != parent:
                    continue
                if key[0] == "file":
                    anchor = key
                else:
                    after.setdefault(parent, {}).setdefault(anchor, []).append(key)
        last: dict[Key | None, list[Key]] = {}
        for key in added_in_kuroko:
            if self.new_parent[key] != self.old_parent[key]:
                last.setdefault(self.new_parent[key], []).append(key)
        for parent in {*file_siblings, *after, *last}:
            anchored = after.get(parent, {})
            order = list(anchored.get(None, []))
            for key in file_siblings.get(parent, []):
                order.append(key)
                order.extend(anchored.get(key, []))
            order.extend(last.get(parent, []))
            self.position.update((key, i) for i, key in enumerate(order))
            stayed = [k for k in old_siblings.get(parent, []) if self.new_parent[k] == parent]
            members = set(stayed)
            self.moved |= _moved(stayed, [k for k in order if k in members])

    def _name(self, key: Key | None) -> str:
        if key is None:
            return "—"
        if key[0] == "file" and key[1] in self.file_tasks:
            return self.file_tasks[key[1]].name or key[1]
        return self.old_names.get(key, key[1])

    def diff(self, *, applied: bool) -> ImportDiff:
        """What the update changes; also records the field values to write."""
        plan = self.source.plan
        summaries = {t.parent for t in plan.tasks if t.parent}
        added: list[TaskChange] = []
        changed: list[TaskChange] = []
        for item in plan.tasks:
            key: Key = ("file", item.id)
            row = self.rows.get(key)
            if row is None:
                added.append(TaskChange(item.id, item.name or item.id))
                continue
            values = _file_values(item)
            changes: list[FieldChange] = []
            for name in UPDATED_FIELDS:
                old, new = getattr(row, name), values[name]
                if item.id in summaries and name in SUMMARY_DERIVED:
                    continue
                if name == "kind":
                    # Summary or not follows the tree; only a milestone becoming a task (or back) counts.
                    if (old == TaskKind.MILESTONE) == (new == TaskKind.MILESTONE):
                        continue
                elif old == new:
                    continue
                changes.append(
                    FieldChange(name, _label(Task, name), _display(name, old), _display(name, new))
                )
                self.updates.setdefault(key, {})[name] = new
            for name, new in extra_values(self.source, item.id, self.owners).items():
                old = getattr(row, name)
                if old != new:
                    label = _label(Task, "owner" if name == "owner_id" else name)
                    changes.append(
                        FieldChange(name, label, self._person(old), self._person(new))
                        if name == "owner_id"
                        else FieldChange(name, label, _display(name, old), _display(name, new))
                    )
                    self.updates.setdefault(key, {})[name] = new
            changes.extend(self._tree_change(key))
            if changes:
                changed.append(TaskChange(item.id, row.name, tuple(changes)))
        for key, row in self.rows.items():
            if key[0] == "kuroko" and self.new_parent[key] != self.old_parent[key]:
                changed.append(TaskChange("", row.name, tuple(self._tree_change(key))))
        links_added, links_changed, links_removed = self._link_changes()
        assignments = self._assignment_changes()
        warnings = list(self.source.warnings)
        if not self.source.assignments and Assignment.objects.filter(task__project=self.project).exists():
            warnings.append(_("The file has no resource assignments; the project's assignments are kept."))
        return ImportDiff(
            added=tuple(added),
            changed=tuple(changed),
            removed=tuple(TaskChange(str(t.source_uid), t.name) for t in self.removed),
            links_added=links_added,
            links_changed=links_changed,
            links_removed=links_removed,
            project=tuple(self._project_changes()),
            assignments=assignments,
            warnings=tuple(warnings),
            applied=applied,
        )

    def _person(self, pk: int | None) -> str:
        if pk is None:
            return "—"
        if pk not in self.people:
            self.people.update(Person.objects.in_bulk([pk]))
        return str(self.people.get(pk, pk))

    def _tree_change(self, key: Key) -> list[FieldChange]:
        old, new = self.old_parent.get(key), self.new_parent[key]
        if old != new:
            return [FieldChange("parent", _label(Task, "parent"), self._name(old), self._name(new))]
        if key in self.moved:
            return [FieldChange("position", _("Position"), "", "")]
        return []

    def _link_changes(self) -> tuple[tuple[LinkChange, ...], tuple[LinkChange, ...], tuple[LinkChange, ...]]:
        added, changed, removed = [], [], []
        for (pred, succ), (kind, lag, elapsed) in self.links.items():
            link = self.existing_links.get((pred, succ))
            change = LinkChange(self._name(("file", pred)), self._name(("file", succ)), kind, lag, elapsed)
            if link is None:
                added.append(change)
            elif (link.type, link.lag_minutes, link.lag_elapsed) != (kind, lag, elapsed):
                changed.append(change)
        for pair, link in self.existing_links.items():
            if pair not in self.links:
                removed.append(
                    LinkChange(
                        link.predecessor.name,
                        link.successor.name,
                        link.type,
                        link.lag_minutes,
                        link.lag_elapsed,
                    )
                )
        return tuple(added), tuple(changed), tuple(removed)

    def _project_changes(self) -> list[FieldChange]:
        plan, project = self.source.plan, self.project
        start: date | None = plan.start.date()
        if project.planned_start is None and start == _derived_start(project):
            # A project without a planned start is exported with the start Kuroko derives for it (its
            # earliest task's, else today): that start coming back is no change.
            start = None
        wanted: dict[str, date | None] = {
            "planned_start": start,
            # A file scheduled from its start stores the computed finish, not a target: only a file
            # scheduled from its finish sets the planned finish.
            "planned_finish": (
                plan.finish.date() if plan.finish and plan.schedule_from_finish else project.planned_finish
            ),
            "status_date": plan.status_date.date() if plan.status_date else project.status_date,
        }
        finish, start = wanted["planned_finish"], wanted["planned_start"]
        if finish is not None and start is not None and finish < start:
            wanted["planned_finish"] = project.planned_finish  # a finish before the start: not a plan date
        self.header = {k: v for k, v in wanted.items() if getattr(project, k) != v}
        changes = [
            FieldChange(k, _label(Project, k), _display(k, getattr(project, k)), _display(k, v))
            for k, v in self.header.items()
        ]
        if not self.source.own_calendar:
            return changes
        week, exceptions = _file_calendar(self.source)
        current = project.calendar
        if _same_working_time(project, week, exceptions):
            pass  # the file's calendar is the one the project works on already (e.g. Kuroko's own export)
        elif current is None or people_services.calendar_differs(current, week, exceptions):
            # A project calendar that serves only this project is replaced; any other is left alone.
            exclusive = (
                current is not None
                and current.kind == CalendarKind.PROJECT
                and not current.is_default
                and not current.projects.exclude(pk=project.pk).exists()
                and not current.people.exists()
                and not current.derived.exists()
            )
            self.calendar_action = "replace" if exclusive else "create"
            changes.append(
                FieldChange(
                    "calendar",
                    _label(Project, "calendar"),
                    str(current) if current is not None else _("Organisation default"),
                    _calendar_name(self.source, project),
                )
            )
        return changes

    def apply(self, *, actor: Any) -> None:
        """Write the update (inside the caller's transaction).

        Rows are written in bulk, with their history records: a file of thousands of tasks is applied
        twice per update (the preview is a dry run). The values come from the engine's model, which has
        checked them when the file was read.
        """
        project = self.project
        new_rows: list[Task] = []
        for item in self.source.plan.tasks:
            key: Key = ("file", item.id)
            if key in self.rows:
                continue
            stored = self.source.stored.get(item.id)
            start = stored.start.date() if stored and stored.start else None
            finish = stored.finish.date() if stored and stored.finish else None
            row = Task(
                project=project,
                position=self.position[key],
                source_uid=item.id,
                planned_start=start,
                planned_finish=finish if finish and start and finish >= start else start,
                **_file_values(item),
                **extra_values(self.source, item.id, self.owners),
            )
            new_rows.append(row)
            self.rows[key] = row
        Task.objects.bulk_create(new_rows)  # parents are set below, once every new row has its key
        new = {row.pk for row in new_rows}
        changed: list[Task] = []
        repositioned: list[Task] = []
        for key, row in self.rows.items():
            parent = self.new_parent[key]
            parent_id = self.rows[parent].pk if parent else None
            values = self.updates.get(key, {})
            if row.pk in new or values or parent_id != row.parent_id:
                for name, value in values.items():
                    setattr(row, name, value)
                row.parent_id = parent_id
                row.position = self.position[key]
                if row.pk not in new:
                    row.version += 1
                changed.append(row)
            elif row.position != self.position[key]:
                row.position = self.position[key]
                repositioned.append(row)
        extra = [name.removesuffix("_id") for name in extra_values(self.source, "", {})]
        bulk_set(changed, [*UPDATED_FIELDS, *extra, "parent", "position", "version"])
        bulk_set(repositioned, ["position"])  # siblings shifted by an insertion: not a change of theirs
        Task.history.bulk_history_create(new_rows, default_user=actor)
        Task.history.bulk_history_create(
            [row for row in changed if row.pk not in new], update=True, default_user=actor
        )
        gone = [link.pk for pair, link in self.existing_links.items() if pair not in self.links]
        Dependency.objects.filter(pk__in=gone).delete()
        Task.objects.filter(pk__in=[t.pk for t in self.removed]).delete()
        added_links: list[Dependency] = []
        changed_links: list[Dependency] = []
        for (pred, succ), (kind, lag, elapsed) in self.links.items():
            link = self.existing_links.get((pred, succ))
            if link is None:
                pair = (self.rows[("file", pred)], self.rows[("file", succ)])
                added_links.append(
                    Dependency(
                        predecessor=pair[0],
                        successor=pair[1],
                        type=kind,
                        lag_minutes=lag,
                        lag_elapsed=elapsed,
                    )
                )
            elif (link.type, link.lag_minutes, link.lag_elapsed) != (kind, lag, elapsed):
                link.type, link.lag_minutes, link.lag_elapsed = kind, lag, elapsed
                changed_links.append(link)
        Dependency.objects.bulk_create(added_links)
        bulk_set(changed_links, ["type", "lag_minutes", "lag_elapsed"])
        Dependency.history.bulk_history_create(added_links, default_user=actor)
        Dependency.history.bulk_history_create(changed_links, update=True, default_user=actor)
        _check_cycles({row.pk: row.name for row in self.rows.values()})
        self._apply_assignments()
        if self.header:
            for name, value in self.header.items():
                setattr(project, name, value)
            self._save(project, actor)
        if self.calendar_action:
            into = project.calendar if self.calendar_action == "replace" else None
            calendar = _store_calendar(actor=actor, source=self.source, project=project, into=into)
            if project.calendar_id != calendar.pk:
                project.calendar = calendar
                self._save(project, actor)

    @staticmethod
    def _save(row: Project, actor: Any) -> None:
        try:
            save_validated(row, actor=actor)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "file": _("“%(row)s” cannot be saved: %(error)s")
                    % {"row": row, "error": " ".join(exc.messages)}
                }
            ) from exc


def _same_working_time(project: Project, week: Any, exceptions: list[dict[str, Any]]) -> bool:
    """Whether the file's calendar gives the same working time as the calendar the project is scheduled
    on now, holidays included, over the years the file's exceptions cover."""
    from kuroko.people.mapping import calendar_from_engine
    from kuroko.people.services import canonical_exceptions
    from kuroko.projects.mapping import project_calendars

    years = sorted({e["start"].year for e in exceptions} | {e["finish"].year for e in exceptions})
    span = range(years[0], years[-1] + 1) if years else range(0)
    calendars, key = project_calendars(project, span)
    by_id = {c.id: c for c in calendars}
    current_week, current_exceptions = calendar_from_engine(by_id[key], by_id)
    same_exceptions = canonical_exceptions(current_exceptions) == canonical_exceptions(exceptions)
    return bool(current_week == week and same_exceptions)


def _derived_start(project: Project) -> date:
    """The start Kuroko schedules a project without a planned start from (`mapping.project_start`): its
    earliest task's planned start, else today."""
    earliest = Task.objects.filter(project=project, planned_start__isnull=False).aggregate(
        first=Min("planned_start")
    )["first"]
    return earliest or timezone.localdate()
