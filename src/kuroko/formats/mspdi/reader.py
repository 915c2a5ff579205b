"""Reading MS Project XML (MSPDI) into an `MspdiProject`: the engine's `Plan` and what MS Project stored."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element

from kuroko.engine.calendar import WorkCalendar, to_minutes
from kuroko.engine.model import (
    FULL_WEEK,
    Calendar,
    ConstraintType,
    ExternalDates,
    LagKind,
    Link,
    LinkType,
    Plan,
    Split,
    Task,
)
from kuroko.formats.mspdi.calendars import read_calendars
from kuroko.formats.mspdi.records import (
    Assignment,
    Baseline,
    MspdiError,
    MspdiProject,
    Resource,
    StoredDates,
    TaskInfo,
)
from kuroko.formats.mspdi.units import (
    ELAPSED_UNITS,
    DurationUnits,
    is_elapsed_format,
    is_percent_format,
)
from kuroko.formats.mspdi.xmlsafe import Source, load, parse

CONSTRAINTS: dict[int, ConstraintType] = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
"""MSPDI ConstraintType codes."""

LINK_TYPES: dict[int, LinkType] = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
"""MSPDI PredecessorLink Type codes."""

UNASSIGNED_RESOURCE = -65535
"""The ResourceUID of MS Project's placeholder assignment on tasks without resources."""


def read_mspdi(source: bytes | str | Path) -> MspdiProject:
    """Read an MS Project XML file (MSPDI) into the engine's plan and what MS Project stored besides.

    Parameters
    ----------
    source
        The XML as bytes or text, or a `Path` to the file. The input is treated as untrusted: documents
        with a DTD, entities or external references are refused.

    Returns
    -------
    MspdiProject
        ``plan`` holds calendars, tasks (ids are MSPDI UIDs), links and project settings; ``stored`` the
        dates and slack MS Project computed; ``warnings`` what the plan could not hold exactly.

    Raises
    ------
    MspdiError
        If the input is not well-formed MS Project XML, is hostile, or holds a value that cannot be read;
        the message names the line and element.
    """
    data, label = load(source)
    root, lines = parse(data, label)
    return _Reader(Source(root, lines, label)).read()


def _where(uid: str, name: str) -> str:
    return f"Task UID {uid} (“{name}”)" if name else f"Task UID {uid}"


class _Reader:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.warnings: list[str] = []
        self.units = DurationUnits()
        self.calendar_ids: set[str] = set()
        self.gaps: dict[str, list[tuple[datetime, datetime]]] = {}
        self.calendars: dict[str, Calendar] = {}
        self.project_calendar = ""
        self.compiled: dict[str, WorkCalendar] = {}
        self._summary_name: str | None = None

    def read(self) -> MspdiProject:
        src, root = self.src, self.src.root
        where = "Project"
        minutes_per_day = src.integer(root, "MinutesPerDay", where) or 480
        minutes_per_week = src.integer(root, "MinutesPerWeek", where) or 5 * minutes_per_day
        days_per_month = src.integer(root, "DaysPerMonth", where) or 20
        if min(minutes_per_day, minutes_per_week, days_per_month) <= 0:
            raise MspdiError(f"{src.label}: MinutesPerDay, MinutesPerWeek and DaysPerMonth must be positive.")
        self.units = DurationUnits(minutes_per_day, minutes_per_week, days_per_month)

        calendars = read_calendars(src, self.warnings)
        calendar_ids = {c.id for c in calendars}
        project_calendar = src.integer(root, "CalendarUID", where)
        calendar_id = str(project_calendar) if project_calendar is not None else None
        if calendar_id not in calendar_ids:
            fallback = next((c for c in calendars if c.base is None), None)
            if fallback is None:
                fallback = Calendar("standard", "Standard")
                calendars = (*calendars, fallback)
            self.warnings.append(
                f"The project calendar (CalendarUID {project_calendar}) is not in the file; "
                f"calendar “{fallback.name or fallback.id}” is used instead."
            )
            calendar_id = fallback.id
        self.calendar_ids = {c.id for c in calendars}
        self.calendars = {c.id: c for c in calendars}
        self.project_calendar = calendar_id

        assignments = self._assignments()
        self.gaps = self._gaps()
        tasks, infos, stored, summary, external, baselines, elements = self._tasks()
        links, lag_formats = self._links(elements, {t.id for t in tasks}, {e.id for e in external})

        start = src.moment(root, "StartDate", where) or (summary.start if summary else None)
        finish = src.moment(root, "FinishDate", where) or (summary.finish if summary else None)
        if start is None:
            starts = [s.start for s in stored.values() if s.start is not None]
            if not starts:
                raise MspdiError(f"{src.label}: the project has no <StartDate> and no task has a start.")
            start = min(starts)
        from_start = src.flag(root, "ScheduleFromStart", where)
        slack_days = src.integer(root, "CriticalSlackLimit", where) or 0
        honor = src.flag(root, "HonorConstraints", where)
        name = src.text(root, "Title") or self._summary_name or src.text(root, "Name") or ""
        try:
            plan = Plan(
                start=start,
                tasks=tuple(tasks),
                links=tuple(links),
                calendars=calendars,
                calendar=calendar_id,
                name=name,
                finish=finish,
                schedule_from_finish=from_start is False,
                status_date=src.moment(root, "StatusDate", where),
                honor_constraints=True if honor is None else honor,
                critical_float=slack_days * minutes_per_day,
                external=tuple(external),
                minutes_per_day=minutes_per_day,
                minutes_per_week=minutes_per_week,
                days_per_month=days_per_month,
            )
        except ValueError as exc:
            raise MspdiError(f"{src.label}: {exc}") from None
        return MspdiProject(
            plan=plan,
            tasks=infos,
            stored=stored,
            project_summary=summary,
            lag_formats=lag_formats,
            baselines=tuple(baselines),
            resources=self._resources(),
            assignments=assignments,
            file_name=src.text(root, "Name") or "",
            title=src.text(root, "Title") or "",
            author=src.text(root, "Author") or "",
            company=src.text(root, "Company") or "",
            save_version=src.integer(root, "SaveVersion", where),
            default_start_time=src.clock(root, "DefaultStartTime", where),
            default_finish_time=src.clock(root, "DefaultFinishTime", where, end=True),
            duration_format=src.integer(root, "DurationFormat", where),
            warnings=tuple(self.warnings),
        )

    # --- Tasks ------------------------------------------------------------------------------------------

    def _minutes(self, element: Element, tag: str, where: str, fmt: int | None) -> int | None:
        elapsed = fmt is not None and is_elapsed_format(fmt)
        value = self.src.span(element, tag, where, ELAPSED_UNITS if elapsed else self.units)
        return None if value is None else round(value)

    def _stored(self, element: Element, where: str) -> StoredDates:
        src = self.src
        total = src.number(element, "TotalSlack", where)
        free = src.number(element, "FreeSlack", where)
        return StoredDates(
            start=src.moment(element, "Start", where),
            finish=src.moment(element, "Finish", where),
            early_start=src.moment(element, "EarlyStart", where),
            early_finish=src.moment(element, "EarlyFinish", where),
            late_start=src.moment(element, "LateStart", where),
            late_finish=src.moment(element, "LateFinish", where),
            total_slack=float(total) / 10 if total is not None else None,
            free_slack=float(free) / 10 if free is not None else None,
            critical=src.flag(element, "Critical", where),
        )

    def _tasks(
        self,
    ) -> tuple[
        list[Task],
        dict[str, TaskInfo],
        dict[str, StoredDates],
        StoredDates | None,
        list[ExternalDates],
        list[Baseline],
        dict[str, Element],
    ]:
        src = self.src
        summary: StoredDates | None = None
        rows: list[tuple[int, int, Element]] = []
        external: list[ExternalDates] = []
        seen: set[str] = set()
        for position, element in enumerate(src.children(src.root, "Tasks/Task")):
            uid = src.integer(element, "UID", "Task")
            if uid is None:
                raise src.error(element, "Task", "a task needs a <UID>.")
            name = src.text(element, "Name") or ""
            where = _where(str(uid), name)
            if str(uid) in seen:
                raise src.error(element, where, f"task UID {uid} appears twice.")
            seen.add(str(uid))
            if src.flag(element, "IsNull", where):
                continue  # a blank row of the Gantt table
            level = src.integer(element, "OutlineLevel", where)
            if uid == 0 or level == 0:
                summary = self._stored(element, where)
                self._summary_name = name or None
                continue
            if src.flag(element, "ExternalTask", where):
                dates = self._stored(element, where)
                if dates.start is None or dates.finish is None:
                    self.warnings.append(f"{where}: an external task without dates was skipped.")
                else:
                    external.append(ExternalDates(str(uid), dates.start, dates.finish, name))
                continue
            rows.append((src.integer(element, "ID", where) or 0, position, element))
        # MS Project lists tasks in ID (row) order; the outline follows that order.
        if all(row for row, _, _ in rows):
            rows.sort(key=lambda r: (r[0], r[1]))

        tasks: list[Task] = []
        infos: dict[str, TaskInfo] = {}
        stored: dict[str, StoredDates] = {}
        baselines: list[Baseline] = []
        elements: dict[str, Element] = {}
        stack: list[tuple[int, str]] = []
        for row, _, element in rows:
            task, info = self._task(element, row, stack)
            tasks.append(task)
            infos[task.id] = info
            elements[task.id] = element
            stored[task.id] = self._stored(element, _where(task.id, task.name))
            baselines.extend(self._baselines(element, task.id, _where(task.id, task.name)))
        return tasks, infos, stored, summary, external, baselines, elements

    def _task(self, element: Element, row: int, stack: list[tuple[int, str]]) -> tuple[Task, TaskInfo]:
        src = self.src
        uid = str(src.integer(element, "UID", "Task"))
        name = src.text(element, "Name") or ""
        where = _where(uid, name)
        outline_number = src.text(element, "OutlineNumber") or ""
        level = src.integer(element, "OutlineLevel", where)
        if level is None:
            level = outline_number.count(".") + 1 if outline_number else 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((level, uid))

        fmt = src.integer(element, "DurationFormat", where)
        duration = self._minutes(element, "Duration", where, fmt) or 0
        code = src.integer(element, "ConstraintType", where) or 0
        constraint = CONSTRAINTS.get(code)
        if constraint is None:
            raise src.error(element, where, f"ConstraintType {code} is not one of 0–7.")
        constraint_date = src.moment(element, "ConstraintDate", where)
        if constraint_date is None and code >= 2:
            self.warnings.append(f"{where}: constraint {constraint} has no date and was read as ASAP.")
            constraint = ConstraintType.ASAP
        calendar_uid = src.integer(element, "CalendarUID", where)
        calendar = str(calendar_uid) if calendar_uid is not None and calendar_uid >= 0 else None
        if calendar is not None and calendar not in self.calendar_ids:
            self.warnings.append(
                f"{where}: calendar UID {calendar} is not in the file; the project calendar is used."
            )
            calendar = None
        percent = src.number(element, "PercentComplete", where)
        splits, split_warning = self._task_splits(uid, where, element, duration, calendar, fmt)
        manual = bool(src.flag(element, "Manual", where))
        manual_start = None
        # A manually scheduled task whose start is text (<StartText>, empty when nothing was typed) has no
        # start entered: MS Project places it as it would an automatic task and never marks it critical.
        if manual and src.child(element, "StartText") is None:
            manual_start = src.moment(element, "ManualStart", where) or src.moment(element, "Start", where)
        try:
            task = Task(
                id=uid,
                name=name,
                duration=duration,
                parent=parent,
                milestone=bool(src.flag(element, "Milestone", where)),
                elapsed=fmt is not None and is_elapsed_format(fmt),
                calendar=calendar,
                constraint=constraint,
                constraint_date=constraint_date,
                deadline=src.moment(element, "Deadline", where),
                actual_start=src.moment(element, "ActualStart", where),
                actual_finish=src.moment(element, "ActualFinish", where),
                percent_complete=float(percent) if percent is not None else 0.0,
                remaining_duration=self._minutes(element, "RemainingDuration", where, fmt),
                manual=manual,
                manual_start=manual_start,
                splits=splits,
            )
        except ValueError as exc:
            raise src.error(element, where, str(exc)) from None
        info = TaskInfo(
            id=uid,
            row=row or None,
            outline_level=level,
            outline_number=outline_number,
            wbs=src.text(element, "WBS") or "",
            duration_format=fmt,
            summary=bool(src.flag(element, "Summary", where)),
            manual=manual,
            active=src.flag(element, "Active", where) is not False,
            task_type=src.integer(element, "Type", where),
            effort_driven=src.flag(element, "EffortDriven", where),
            split=bool(task.splits) or split_warning,
            guid=src.text(element, "GUID") or "",
        )
        return task, info

    def _baselines(self, element: Element, task: str, where: str) -> list[Baseline]:
        src = self.src
        out: list[Baseline] = []
        for item in src.children(element, "Baseline"):
            fmt = src.integer(item, "DurationFormat", where)
            work = src.span(item, "Work", where, self.units)
            out.append(
                Baseline(
                    task=task,
                    number=src.integer(item, "Number", where) or 0,
                    start=src.moment(item, "Start", where),
                    finish=src.moment(item, "Finish", where),
                    duration=self._minutes(item, "Duration", where, fmt),
                    duration_format=fmt,
                    work=round(work) if work is not None else None,
                    cost=src.number(item, "Cost", where),
                )
            )
        return out

    # --- Links ------------------------------------------------------------------------------------------

    def _links(
        self, elements: dict[str, Element], tasks: set[str], external: set[str]
    ) -> tuple[list[Link], dict[tuple[str, str], int]]:
        src = self.src
        links: list[Link] = []
        formats: dict[tuple[str, str], int] = {}
        for successor, element in elements.items():
            where = _where(successor, src.text(element, "Name") or "")
            for item in src.children(element, "PredecessorLink"):
                uid = src.integer(item, "PredecessorUID", where)
                if uid is None:
                    continue
                predecessor = str(uid)
                if predecessor not in tasks and predecessor not in external:
                    self.warnings.append(
                        f"{where}: predecessor UID {uid} is not a task of the file; link skipped."
                    )
                    continue
                if predecessor == successor:
                    self.warnings.append(f"{where}: a link from the task to itself was skipped.")
                    continue
                code = src.integer(item, "Type", where)
                link_type = LINK_TYPES.get(1 if code is None else code)
                if link_type is None:
                    raise src.error(item, where, f"link Type {code} is not 0 (FF), 1 (FS), 2 (SF) or 3 (SS).")
                fmt = src.integer(item, "LagFormat", where)
                raw = src.number(item, "LinkLag", where) or Decimal(0)
                if fmt is not None and is_percent_format(fmt):
                    kind = LagKind.PERCENT
                else:
                    kind = LagKind.ELAPSED if fmt is not None and is_elapsed_format(fmt) else LagKind.WORK
                lag = raw / 10  # tenths of a minute, or tenths of a percent
                links.append(
                    Link(predecessor, successor, link_type, int(lag) if lag == int(lag) else float(lag), kind)
                )
                if fmt is not None:
                    formats[(predecessor, successor)] = fmt
        return links, formats

    # --- Resources and assignments ----------------------------------------------------------------------

    def _resources(self) -> tuple[Resource, ...]:
        src = self.src
        out: list[Resource] = []
        for element in src.children(src.root, "Resources/Resource"):
            uid = src.integer(element, "UID", "Resource")
            if uid is None:
                raise src.error(element, "Resource", "a resource needs a <UID>.")
            where = f"Resource UID {uid}"
            if src.flag(element, "IsNull", where):
                continue
            kind_code = src.integer(element, "Type", where)
            kind = {0: "material", 2: "cost"}.get(kind_code if kind_code is not None else 1, "work")
            if src.flag(element, "IsCostResource", where):
                kind = "cost"
            calendar = src.integer(element, "CalendarUID", where)
            out.append(
                Resource(
                    id=str(uid),
                    name=src.text(element, "Name") or "",
                    row=src.integer(element, "ID", where),
                    kind=kind,
                    initials=src.text(element, "Initials") or "",
                    group=src.text(element, "Group") or "",
                    email=src.text(element, "EmailAddress") or "",
                    max_units=src.number(element, "MaxUnits", where) or Decimal(1),
                    calendar=str(calendar)
                    if calendar is not None and str(calendar) in self.calendar_ids
                    else None,
                    standard_rate=src.number(element, "StandardRate", where),
                    cost_per_use=src.number(element, "CostPerUse", where),
                    generic=bool(src.flag(element, "IsGeneric", where)),
                    inactive=bool(src.flag(element, "IsInactive", where)),
                )
            )
        return tuple(out)

    def _assignments(self) -> tuple[Assignment, ...]:
        src = self.src
        out: list[Assignment] = []
        for element in src.children(src.root, "Assignments/Assignment"):
            where = f"Assignment UID {src.text(element, 'UID')}"
            uid = src.integer(element, "UID", where)
            task = src.integer(element, "TaskUID", where)
            resource = src.integer(element, "ResourceUID", where)
            if uid is None or task is None:
                continue
            work = src.span(element, "Work", where, self.units)
            actual = src.span(element, "ActualWork", where, self.units)
            remaining = src.span(element, "RemainingWork", where, self.units)
            delay = src.number(element, "Delay", where)
            out.append(
                Assignment(
                    id=str(uid),
                    task=str(task),
                    resource=None if resource is None or resource == UNASSIGNED_RESOURCE else str(resource),
                    units=src.number(element, "Units", where) or Decimal(1),
                    work=round(work) if work is not None else None,
                    actual_work=round(actual) if actual is not None else None,
                    remaining_work=round(remaining) if remaining is not None else None,
                    start=src.moment(element, "Start", where),
                    finish=src.moment(element, "Finish", where),
                    delay=float(delay) / 10 if delay else 0,
                )
            )
        return tuple(out)

    def _gaps(self) -> dict[str, list[tuple[datetime, datetime]]]:
        """Per task, the stretches without planned work between two with work, as instants: MS Project
        writes a split task's planned work (timephased data of type 1) with zero over its pauses. The work
        of all the task's assignments is merged, so a gap is a time when none of them works."""
        src = self.src
        work: dict[str, list[tuple[datetime, datetime]]] = {}
        for element in src.children(src.root, "Assignments/Assignment"):
            task = src.text(element, "TaskUID")
            if task is None:
                continue
            for item in src.children(element, "TimephasedData"):
                if src.text(item, "Type") != "1":
                    continue
                start = src.moment(item, "Start", "Timephased data")
                finish = src.moment(item, "Finish", "Timephased data")
                value = src.span(item, "Value", "Timephased data", self.units)
                if start is not None and finish is not None and value:
                    work.setdefault(task, []).append((start, finish))
        out: dict[str, list[tuple[datetime, datetime]]] = {}
        for task, spans in work.items():
            spans.sort()
            merged = [spans[0]]
            for start, finish in spans[1:]:
                if start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
                else:
                    merged.append((start, finish))
            if len(merged) > 1:
                out[task] = [(a[1], b[0]) for a, b in pairwise(merged)]
        return out

    def _task_splits(
        self, uid: str, where: str, element: Element, duration: int, calendar: str | None, fmt: int | None
    ) -> tuple[tuple[Split, ...], bool]:
        """The splits of a task from the gaps in its planned work (in working time of its calendar, from its
        start), and whether gaps that could not be read as splits were dropped (with a warning)."""
        gaps = self.gaps.get(uid)
        start = self.src.moment(element, "Start", where)
        if not gaps or start is None:
            return (), False
        key = "24h" if fmt is not None and is_elapsed_format(fmt) else (calendar or self.project_calendar)
        cal = self.compiled.get(key)
        if cal is None or not cal.starts_before(min(start, gaps[0][0])):
            model = Calendar("24h", "24 hours", FULL_WEEK) if key == "24h" else self.calendars[key]
            cal = self.compiled[key] = WorkCalendar(model, self.calendars, around=min(start, gaps[0][0]))
        try:
            origin = cal.to_work(to_minutes(start))
            paused = 0
            splits: list[Split] = []
            for a, b in gaps:
                first, last = cal.to_work(to_minutes(a)), cal.to_work(to_minutes(b))
                if last > first:  # a gap over non-working time only (a weekend) is no pause
                    splits.append(Split(first - origin - paused, last - first))
                    paused += last - first
            Task(uid, duration=duration, splits=tuple(splits))  # the task's own rules on splits
        except ValueError:
            self.warnings.append(
                f"{where}: its timephased work has gaps that do not fit its start and duration; "
                "they were not read as splits."
            )
            return (), True
        return tuple(splits), False
