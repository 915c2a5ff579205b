"""Writing an `MspdiProject` or a bare `Plan` (and, optionally, its computed `Schedule`) as MS Project XML.

Elements are written in the order of Microsoft's schema (mspdi_pj12.xsd), which MS Project enforces.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from kuroko.engine.calendar import WorkCalendar, from_minutes, to_minutes
from kuroko.engine.model import FULL_WEEK, Calendar, LagKind, Link, Plan, Schedule, Task
from kuroko.formats.mspdi.calendars import write_calendars
from kuroko.formats.mspdi.reader import CONSTRAINTS, LINK_TYPES, UNASSIGNED_RESOURCE
from kuroko.formats.mspdi.records import Assignment, Baseline, MspdiProject, StoredDates, TaskInfo
from kuroko.formats.mspdi.units import (
    DEFAULT_ELAPSED_FORMAT,
    DEFAULT_PERCENT_FORMAT,
    DEFAULT_WORK_FORMAT,
    format_datetime,
    format_iso_duration,
    format_time,
    is_elapsed_format,
    is_estimated_format,
    is_known_format,
    is_percent_format,
)
from kuroko.formats.mspdi.xmlsafe import NAMESPACE

SAVE_VERSION = 14  # Project 2010 and later read it; Project 2013–2021 write 14 too
_CONSTRAINT_CODES = {constraint: code for code, constraint in CONSTRAINTS.items()}
_LINK_CODES = {link_type: code for code, link_type in LINK_TYPES.items()}
_RESOURCE_TYPES = {"material": 0, "work": 1, "cost": 2}


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _text(value: str | int | float | bool | Decimal | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    return str(value)


def _add(parent: Element, tag: str, value: str | int | float | bool | Decimal | datetime | None) -> None:
    text = _text(value)
    if text is None:
        return
    SubElement(parent, _q(tag)).text = text


def _uids(ids: Iterable[str], *, first: int = 1) -> dict[str, int]:
    """MSPDI needs integer UIDs: ids that are already integers ≥ `first` keep theirs, others get new ones."""
    ids = list(ids)
    out: dict[str, int] = {}
    for value in ids:
        if (
            value.isdigit()
            and str(int(value)) == value
            and int(value) >= first
            and int(value) not in out.values()
        ):
            out[value] = int(value)
    following = max([*out.values(), first - 1]) + 1
    for value in ids:
        if value not in out:
            out[value] = following
            following += 1
    return out


def _outline(plan: Plan) -> list[tuple[Task, int, str]]:
    """Tasks in outline order (parents first, children in plan order) with level and outline number."""
    ids = {t.id for t in plan.tasks}
    children: dict[str | None, list[Task]] = {}
    for task in plan.tasks:
        parent = task.parent if task.parent in ids else None
        children.setdefault(parent, []).append(task)
    out: list[tuple[Task, int, str]] = []

    def walk(parent: str | None, level: int, prefix: str, path: tuple[str, ...]) -> None:
        for number, task in enumerate(children.get(parent, []), start=1):
            if task.id in path:
                continue  # a parent loop: the engine refuses such plans; write what can be written
            code = f"{prefix}{number}"
            out.append((task, level, code))
            walk(task.id, level + 1, f"{code}.", (*path, task.id))

    walk(None, 1, "", ())
    return out


def _duration_format(task: Task, info: TaskInfo | None) -> int:
    fmt = info.duration_format if info else None
    if (
        fmt is not None
        and is_known_format(fmt)
        and not is_percent_format(fmt)
        and is_elapsed_format(fmt) == task.elapsed
    ):
        return fmt
    return DEFAULT_ELAPSED_FORMAT if task.elapsed else DEFAULT_WORK_FORMAT


def _lag_format(link: Link, stored: int | None) -> int:
    if stored is not None and is_known_format(stored) and stored not in {21, 53}:
        percent, elapsed = is_percent_format(stored), is_elapsed_format(stored)
        if (link.lag_kind == LagKind.PERCENT) == percent and (link.lag_kind == LagKind.ELAPSED) == (
            elapsed and not percent
        ):
            return stored
    if link.lag_kind == LagKind.PERCENT:
        return DEFAULT_PERCENT_FORMAT
    return DEFAULT_ELAPSED_FORMAT if link.lag_kind == LagKind.ELAPSED else DEFAULT_WORK_FORMAT


def _dates(parent: Element, dates: StoredDates) -> None:
    _add(parent, "EarlyStart", dates.early_start)
    _add(parent, "EarlyFinish", dates.early_finish)
    _add(parent, "LateStart", dates.late_start)
    _add(parent, "LateFinish", dates.late_finish)
    _add(parent, "FreeSlack", round(dates.free_slack * 10) if dates.free_slack is not None else None)
    _add(parent, "TotalSlack", round(dates.total_slack * 10) if dates.total_slack is not None else None)


def _scheduled(project: MspdiProject, schedule: Schedule | None, task_id: str) -> StoredDates:
    if schedule is not None and task_id in schedule.tasks:
        s = schedule.tasks[task_id]
        return StoredDates(
            s.start, s.finish, s.early_start, s.early_finish, s.late_start, s.late_finish,
            s.total_float, s.free_float, s.critical,
        )  # fmt: skip
    return project.stored.get(task_id, StoredDates())


def write_mspdi(project: MspdiProject | Plan, schedule: Schedule | None = None) -> bytes:
    """MS Project XML (UTF-8) for a project read by `read_mspdi`, or for a plan.

    Parameters
    ----------
    project
        What to write. An `MspdiProject` keeps its outline numbers, WBS codes, display formats,
        baselines, resources and assignments; a bare `Plan` gets outline-derived ones.
    schedule
        Computed dates to write as each task's Start, Finish, early/late dates, slack and Critical flag.
        Without it, the dates MS Project stored (if the project was read from a file) are written back.

    Returns
    -------
    bytes
        The document, which MS Project and MPXJ read. Ids that are not integers get new UIDs.
    """
    if isinstance(project, Plan):
        project = MspdiProject(plan=project)
    plan = project.plan
    task_uids = _uids([*(t.id for t in plan.tasks), *(e.id for e in plan.external)])
    calendar_uids = _uids(c.id for c in plan.calendars)
    resource_uids = _uids((r.id for r in project.resources), first=0)

    root = Element(_q("Project"))
    _add(root, "SaveVersion", SAVE_VERSION)
    _add(root, "Name", project.file_name or f"{plan.name or 'project'}.xml")
    # The plan's name is read from <Title>, else from the name of task 0, which is always written.
    _add(root, "Title", plan.name if project.title else None)
    _add(root, "Company", project.company or None)
    _add(root, "Author", project.author or None)
    _add(root, "ScheduleFromStart", not plan.schedule_from_finish)
    _add(root, "StartDate", plan.start)
    finish = (
        schedule.project_finish if schedule is not None and not plan.schedule_from_finish else plan.finish
    )
    _add(root, "FinishDate", finish)
    _add(root, "CriticalSlackLimit", plan.critical_float // plan.minutes_per_day)
    _add(root, "CalendarUID", calendar_uids[plan.calendar])
    if project.default_start_time is not None:
        _add(root, "DefaultStartTime", format_time(project.default_start_time))
    if project.default_finish_time is not None:
        _add(root, "DefaultFinishTime", format_time(project.default_finish_time))
    _add(root, "MinutesPerDay", plan.minutes_per_day)
    _add(root, "MinutesPerWeek", plan.minutes_per_week)
    _add(root, "DaysPerMonth", plan.days_per_month)
    _add(root, "DurationFormat", project.duration_format or DEFAULT_WORK_FORMAT)
    _add(root, "HonorConstraints", plan.honor_constraints)
    _add(root, "StatusDate", plan.status_date)
    _add(root, "NewTasksAreManual", False)

    write_calendars(_q, root, plan, calendar_uids)
    tasks = SubElement(root, _q("Tasks"))
    self_summary = SubElement(tasks, _q("Task"))
    _add(self_summary, "UID", 0)
    _add(self_summary, "ID", 0)
    _add(self_summary, "Name", plan.name or None)
    _add(self_summary, "Type", 1)
    _add(self_summary, "IsNull", False)
    _add(self_summary, "WBS", 0)
    _add(self_summary, "OutlineNumber", 0)
    _add(self_summary, "OutlineLevel", 0)
    summary_dates = project.project_summary or StoredDates()
    if schedule is not None:
        summary_dates = StoredDates(schedule.project_start, schedule.project_finish)
    _add(self_summary, "Start", summary_dates.start)
    _add(self_summary, "Finish", summary_dates.finish)
    _add(self_summary, "Summary", True)
    _add(self_summary, "Critical", summary_dates.critical)
    _dates(self_summary, summary_dates)

    links_to: dict[str, list[Link]] = {}
    for link in plan.links:
        links_to.setdefault(link.successor, []).append(link)
    external_ids = {e.id for e in plan.external}
    baselines: dict[str, list[Baseline]] = {}
    for baseline in project.baselines:
        baselines.setdefault(baseline.task, []).append(baseline)
    outline = _outline(plan)
    parents = {t.parent for t in plan.tasks}
    # Keep MS Project's row numbers while they still run in outline order (blank rows leave gaps).
    rows = [project.tasks[t.id].row if t.id in project.tasks else None for t, _, _ in outline]
    known = [r for r in rows if r is not None]
    keep_rows = len(known) == len(rows) and all(a < b for a, b in pairwise(known))
    for number, (task, level, code) in enumerate(outline, start=1):
        info = project.tasks.get(task.id)
        summary = task.id in parents
        dates = _scheduled(project, schedule, task.id)
        fmt = _duration_format(task, info)
        element = SubElement(tasks, _q("Task"))
        _add(element, "UID", task_uids[task.id])
        _add(element, "GUID", info.guid if info and info.guid else None)
        _add(element, "ID", info.row if keep_rows and info else number)
        _add(element, "Active", info.active if info else True)
        _add(element, "Manual", task.manual)
        _add(element, "Name", task.name or None)
        _add(element, "Type", info.task_type if info else None)
        _add(element, "IsNull", False)
        _add(element, "WBS", info.wbs if info and info.wbs else code)
        keep_number = info is not None and info.outline_number and info.outline_level == level
        _add(element, "OutlineNumber", info.outline_number if info and keep_number else code)
        _add(element, "OutlineLevel", level)
        if (
            task.manual and task.manual_start is None
        ):  # a manually scheduled task without dates: its start, finish and duration are blank
            for tag in ("StartText", "FinishText", "DurationText"):
                SubElement(element, _q(tag)).text = ""
        _add(element, "Start", dates.start)
        _add(element, "Finish", dates.finish)
        _add(element, "Duration", format_iso_duration(task.duration))
        if task.manual:
            _add(element, "ManualStart", task.manual_start or dates.start)
            _add(element, "ManualFinish", dates.finish)
            _add(element, "ManualDuration", format_iso_duration(task.duration))
        _add(element, "DurationFormat", fmt)
        _add(element, "EffortDriven", info.effort_driven if info else None)
        _add(element, "Estimated", is_estimated_format(fmt))
        _add(element, "Milestone", task.milestone)
        _add(element, "Summary", summary)
        _add(element, "Critical", dates.critical)
        _dates(element, dates)
        _add(element, "PercentComplete", round(task.percent_complete))
        _add(element, "ActualStart", task.actual_start)
        _add(element, "ActualFinish", task.actual_finish)
        if task.remaining_duration is not None:
            _add(element, "RemainingDuration", format_iso_duration(task.remaining_duration))
        _add(element, "ConstraintType", _CONSTRAINT_CODES[task.constraint])
        _add(element, "CalendarUID", calendar_uids.get(task.calendar, -1) if task.calendar else -1)
        _add(element, "ConstraintDate", task.constraint_date)
        _add(element, "Deadline", task.deadline)
        for link in links_to.get(task.id, []):
            if link.predecessor not in task_uids:
                continue
            item = SubElement(element, _q("PredecessorLink"))
            _add(item, "PredecessorUID", task_uids[link.predecessor])
            _add(item, "Type", _LINK_CODES[link.type])
            _add(item, "CrossProject", link.predecessor in external_ids)
            _add(item, "LinkLag", round(link.lag * 10))
            _add(
                item,
                "LagFormat",
                _lag_format(link, project.lag_formats.get((link.predecessor, link.successor))),
            )
        for baseline in sorted(baselines.get(task.id, []), key=lambda b: b.number):
            item = SubElement(element, _q("Baseline"))
            _add(item, "Number", baseline.number)
            _add(item, "Start", baseline.start)
            _add(item, "Finish", baseline.finish)
            if baseline.duration is not None:
                _add(item, "Duration", format_iso_duration(baseline.duration))
            _add(item, "DurationFormat", baseline.duration_format)
            if baseline.work is not None:
                _add(item, "Work", format_iso_duration(baseline.work))
            _add(item, "Cost", baseline.cost)
    for external in plan.external:
        element = SubElement(tasks, _q("Task"))
        _add(element, "UID", task_uids[external.id])
        _add(element, "Name", external.name or None)
        _add(element, "IsNull", False)
        _add(element, "OutlineLevel", 1)
        _add(element, "Start", external.start)
        _add(element, "Finish", external.finish)
        _add(element, "ExternalTask", True)

    _write_resources(root, project, resource_uids, calendar_uids)
    work = {
        task.id: _work_segments(task, start, plan)
        for task in plan.tasks
        if task.splits and (start := _scheduled(project, schedule, task.id).start) is not None
    }
    _write_assignments(root, project, task_uids, resource_uids, work)
    indent(root, space="\t")
    body = tostring(root, encoding="unicode", default_namespace=NAMESPACE)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n").encode("utf-8")


def _write_resources(
    root: Element, project: MspdiProject, uids: dict[str, int], calendar_uids: dict[str, int]
) -> None:
    if not project.resources:
        return
    resources = SubElement(root, _q("Resources"))
    for number, resource in enumerate(project.resources):
        element = SubElement(resources, _q("Resource"))
        _add(element, "UID", uids[resource.id])
        _add(element, "ID", resource.row if resource.row is not None else number)
        _add(element, "Name", resource.name or None)
        _add(element, "Type", _RESOURCE_TYPES.get(resource.kind, 1))
        _add(element, "IsNull", False)
        _add(element, "Initials", resource.initials or None)
        _add(element, "Group", resource.group or None)
        _add(element, "EmailAddress", resource.email or None)
        _add(element, "MaxUnits", resource.max_units)
        _add(element, "StandardRate", resource.standard_rate)
        _add(element, "CostPerUse", resource.cost_per_use)
        _add(element, "CalendarUID", calendar_uids.get(resource.calendar) if resource.calendar else None)
        _add(element, "IsGeneric", resource.generic)
        _add(element, "IsInactive", resource.inactive)
        _add(element, "IsCostResource", resource.kind == "cost")


def _work_segments(task: Task, start: datetime, plan: Plan) -> list[tuple[datetime, datetime, int]]:
    """A split task's stretches of work and its pauses from `start`, as (start, finish, working minutes of
    work; 0 for a pause), on the task's calendar."""
    by_id = {c.id: c for c in plan.calendars}
    model = Calendar("24h", "24 hours", FULL_WEEK) if task.elapsed else by_id[task.calendar or plan.calendar]
    cal = WorkCalendar(model, by_id, around=start)
    position = cal.to_work(to_minutes(start))
    out: list[tuple[datetime, datetime, int]] = []
    done = 0
    for split in task.splits:
        end = position + split.after - done
        out.append(
            (from_minutes(cal.start_at(position)), from_minutes(cal.finish_at(end)), split.after - done)
        )
        position = end + split.length
        out.append((from_minutes(cal.finish_at(end)), from_minutes(cal.start_at(position)), 0))
        done = split.after
    end = position + task.duration - done
    out.append((from_minutes(cal.start_at(position)), from_minutes(cal.finish_at(end)), task.duration - done))
    return out


def _write_assignments(
    root: Element,
    project: MspdiProject,
    task_uids: dict[str, int],
    resource_uids: dict[str, int],
    work: dict[str, list[tuple[datetime, datetime, int]]],
) -> None:
    assignments = [a for a in project.assignments if a.task in task_uids]
    # A split task needs an assignment to carry its timephased work: MS Project's placeholder (no
    # resource) when it has none.
    assigned = {a.task for a in assignments}
    assignments.extend(
        Assignment(f"split-{task}", task, None, start=segments[0][0], finish=segments[-1][1])
        for task, segments in work.items()
        if task not in assigned
    )
    if not assignments:
        return
    element = SubElement(root, _q("Assignments"))
    used = _uids((a.id for a in assignments), first=0)
    for assignment in assignments:
        item = SubElement(element, _q("Assignment"))
        resource = resource_uids.get(assignment.resource) if assignment.resource is not None else None
        _add(item, "UID", used[assignment.id])
        _add(item, "TaskUID", task_uids[assignment.task])
        _add(item, "ResourceUID", UNASSIGNED_RESOURCE if resource is None else resource)
        if assignment.actual_work is not None:
            _add(item, "ActualWork", format_iso_duration(assignment.actual_work))
        _add(item, "Delay", round(assignment.delay * 10))
        _add(item, "Finish", assignment.finish)
        if assignment.remaining_work is not None:
            _add(item, "RemainingWork", format_iso_duration(assignment.remaining_work))
        _add(item, "Start", assignment.start)
        _add(item, "Units", assignment.units)
        if assignment.work is not None:
            _add(item, "Work", format_iso_duration(assignment.work))
        # Planned work by stretch, zero over the pauses: how MS Project stores a split task.
        for start, finish, minutes in work.get(assignment.task, ()):
            data = SubElement(item, _q("TimephasedData"))
            _add(data, "Type", 1)
            _add(data, "UID", used[assignment.id])
            _add(data, "Start", start)
            _add(data, "Finish", finish)
            _add(data, "Unit", 2)
            _add(data, "Value", format_iso_duration(round(minutes * assignment.units)))
