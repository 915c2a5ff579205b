"""What `read_mspdi` returns besides the engine's `Plan`: MS Project's stored results, outline and display
details, baselines, resources and assignments. Frozen dataclasses; minutes everywhere (MSPDI's tenths of
minutes are divided by ten on reading).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kuroko.engine.model import Plan


class MspdiError(ValueError):
    """The input is not MS Project XML that can be read, or is hostile; the message names the problem,
    with the line and element where they are known (`line`, `element`)."""

    def __init__(self, message: str, *, line: int | None = None, element: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.element = element


@dataclass(frozen=True, slots=True)
class StoredDates:
    """The dates and slack MS Project computed and stored for one task (None where the file has none).

    Slack is in minutes (MSPDI stores tenths of minutes), measured in working time as MS Project does.
    """

    start: datetime | None = None
    finish: datetime | None = None
    early_start: datetime | None = None
    early_finish: datetime | None = None
    late_start: datetime | None = None
    late_finish: datetime | None = None
    total_slack: float | None = None
    free_slack: float | None = None
    critical: bool | None = None


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """MSPDI details of one task that the engine's `Task` does not hold, kept so that writing back
    preserves them and so that the oracle can explain why MS Project's dates may differ."""

    id: str
    row: int | None = None  # MSPDI <ID>: the row number in MS Project's Gantt table
    outline_level: int = 1
    outline_number: str = ""
    wbs: str = ""
    duration_format: int | None = None  # raw DurationFormat code (7 = days, 39 = estimated days, …)
    summary: bool = False  # as stored; the plan derives summaries from `parent`
    manual: bool = False  # manually scheduled: MS Project keeps its dates where the user put them
    active: bool = True
    task_type: int | None = None  # 0 fixed units, 1 fixed duration, 2 fixed work
    effort_driven: bool | None = None
    split: bool = False  # the assignments' timephased work has gaps: MS Project split the task (Task.splits)
    guid: str = ""


@dataclass(frozen=True, slots=True)
class Baseline:
    """One saved baseline of a task (`number` 0 is "Baseline", 1–10 are "Baseline1" … "Baseline10")."""

    task: str
    number: int
    start: datetime | None = None
    finish: datetime | None = None
    duration: int | None = None  # minutes
    duration_format: int | None = None
    work: int | None = None  # minutes
    cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource of the MSPDI file, kept for later issues (levelling, costs)."""

    id: str
    name: str = ""
    row: int | None = None
    kind: str = "work"  # work, material or cost
    initials: str = ""
    group: str = ""
    email: str = ""
    max_units: Decimal = Decimal(1)  # 1 = 100 %
    calendar: str | None = None
    standard_rate: Decimal | None = None  # per hour
    cost_per_use: Decimal | None = None
    generic: bool = False
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    """A resource assigned to a task (`resource` None is MS Project's "unassigned" placeholder)."""

    id: str
    task: str
    resource: str | None
    units: Decimal = Decimal(1)  # 1 = 100 %
    work: int | None = None  # minutes
    actual_work: int | None = None
    remaining_work: int | None = None
    start: datetime | None = None
    finish: datetime | None = None
    delay: float = 0  # minutes


@dataclass(frozen=True, slots=True)
class MspdiProject:
    """An MS Project XML file as Kuroko reads it: the engine's `plan` and what MS Project stored besides.

    `tasks`, `stored` and `lag_formats` are keyed by task id (the MSPDI UID as a string); `lag_formats` by
    (predecessor, successor). `project_summary` holds the stored dates of MS Project's task 0.
    `warnings` lists what the plan could not hold exactly (each names the calendar or task).
    """

    plan: Plan
    tasks: Mapping[str, TaskInfo] = field(default_factory=dict)
    stored: Mapping[str, StoredDates] = field(default_factory=dict)
    project_summary: StoredDates | None = None
    lag_formats: Mapping[tuple[str, str], int] = field(default_factory=dict)
    baselines: tuple[Baseline, ...] = ()
    resources: tuple[Resource, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    file_name: str = ""
    title: str = ""
    author: str = ""
    company: str = ""
    save_version: int | None = None
    default_start_time: int | None = None  # minutes after midnight
    default_finish_time: int | None = None
    duration_format: int | None = None  # the project's default DurationFormat
    warnings: tuple[str, ...] = ()
    # Set by importers of other formats (an Excel WBS, a tracker's CSV), not by MSPDI: each task's notes
    # and owner (task id → text, task id → resource id), compared and written only for the fields named
    # in `extra_fields` ("notes", "owner"), so that a file without such a column leaves them alone.
    notes: Mapping[str, str] = field(default_factory=dict)
    owners: Mapping[str, str] = field(default_factory=dict)
    extra_fields: frozenset[str] = frozenset()
    # False when the plan's calendars are the project's own (a tabular file has none): importing then
    # keeps the project's calendar instead of storing the file's.
    own_calendar: bool = True
