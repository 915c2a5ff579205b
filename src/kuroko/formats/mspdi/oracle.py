"""The MS Project oracle: compare the schedule Kuroko's engine computes for a plan read from MS Project XML
with the dates and slack MS Project stored in the same file, and print the differences as a table.

Used by ``tests/formats/test_mspdi_oracle.py`` and ``scripts/mspdi-diff``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kuroko.engine.model import Schedule, Task, TaskSchedule
from kuroko.formats.mspdi.records import MspdiProject, StoredDates

FIELDS: tuple[str, ...] = (
    "start",
    "finish",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_slack",
    "free_slack",
    "critical",
)
"""The compared fields, in StoredDates' names (Kuroko's floats are its total_float and free_float)."""

_KUROKO_FIELD = {"total_slack": "total_float", "free_slack": "free_float"}

NOTES = {
    "manual": "manually scheduled in MS Project: its dates are the user's, not the scheduler's",
    "split": "split in MS Project, but the gaps in its timephased work did not fit its start and duration",
    "resources": "has resource assignments: MS Project schedules them on resource calendars and units",
    "progress": "has progress (actual dates or % complete)",
    "inactive": "inactive in MS Project",
    "summary": "summary task: its dates roll up from its children",
}
"""What the notes column means: reasons MS Project's value may legitimately differ."""


@dataclass(frozen=True, slots=True)
class Row:
    """One compared value: MS Project's and Kuroko's, formatted, with the difference and notes."""

    task: str
    name: str
    field: str
    ms_project: str
    kuroko: str
    delta: str
    notes: str
    match: bool


@dataclass(frozen=True, slots=True)
class Report:
    """The comparison for one file: every compared value, or the error the engine raised."""

    label: str
    rows: tuple[Row, ...] = ()
    tasks: int = 0
    error: str | None = None

    @property
    def differences(self) -> tuple[Row, ...]:
        """The rows where Kuroko differs from MS Project."""
        return tuple(r for r in self.rows if not r.match)

    @property
    def ok(self) -> bool:
        """Whether the engine ran and reproduced every stored value."""
        return self.error is None and not self.differences


def _moment(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M %a") if value is not None else "—"


def _days(minutes: float, per_day: int) -> str:
    days = minutes / per_day
    return f"{days:+.2f}".rstrip("0").rstrip(".") + "d" if days != int(days) else f"{int(days):+d}d"


def _slack(value: float | None, per_day: int) -> str:
    if value is None:
        return "—"
    minutes = int(value) if value == int(value) else value
    return f"{minutes} min ({_days(value, per_day).lstrip('+')})"


def _moment_delta(expected: datetime, actual: datetime) -> str:
    seconds = int((actual - expected).total_seconds())
    sign = "+" if seconds >= 0 else "-"
    days, rest = divmod(abs(seconds) // 60, 1440)
    hours, minutes = divmod(rest, 60)
    return f"{sign}{days}d {hours:02d}:{minutes:02d}" if days else f"{sign}{hours:02d}:{minutes:02d}"


def _notes(project: MspdiProject, task: Task, resource_tasks: set[str], summaries: set[str]) -> str:
    task_id = task.id
    info = project.tasks.get(task_id)
    notes = []
    if task.manual:
        notes.append("manual")
    if info is not None and info.split and not task.splits:
        notes.append("split")
    if task_id in resource_tasks:
        notes.append("resources")
    if task.percent_complete > 0 or task.actual_start or task.actual_finish:
        notes.append("progress")
    if info is not None and not info.active:
        notes.append("inactive")
    if task_id in summaries:
        notes.append("summary")
    return ", ".join(notes)


def _compare_one(
    task: str,
    name: str,
    notes: str,
    stored: StoredDates,
    computed: TaskSchedule,
    fields: Sequence[str],
    per_day: int,
) -> list[Row]:
    rows: list[Row] = []
    for field in fields:
        expected = getattr(stored, field)
        if expected is None:
            continue  # MS Project did not store it: nothing to compare
        actual = getattr(computed, _KUROKO_FIELD.get(field, field))
        if field == "critical":
            match = bool(actual) == expected
            rows.append(
                Row(
                    task,
                    name,
                    field,
                    "yes" if expected else "no",
                    "yes" if actual else "no",
                    "",
                    notes,
                    match,
                )
            )
        elif field in {"total_slack", "free_slack"}:
            match = abs(float(actual) - expected) < 0.5
            delta = "" if match else f"{actual - expected:+g} min ({_days(actual - expected, per_day)})"
            rows.append(
                Row(
                    task, name, field, _slack(expected, per_day), _slack(actual, per_day), delta, notes, match
                )
            )
        else:
            match = actual == expected
            delta = "" if match else _moment_delta(expected, actual)
            rows.append(Row(task, name, field, _moment(expected), _moment(actual), delta, notes, match))
    return rows


def compare(project: MspdiProject, schedule: Schedule, *, fields: Sequence[str] = FIELDS) -> list[Row]:
    """Every value MS Project stored for a task (and the project's start and finish), next to Kuroko's.

    A task the schedule lacks gives one row with field ``(missing)``.
    """
    plan = project.plan
    resource_tasks = {a.task for a in project.assignments if a.resource is not None}
    summaries = {t.parent for t in plan.tasks if t.parent is not None}
    rows: list[Row] = []
    summary = project.project_summary
    if summary is not None:
        for field, expected, actual in (
            ("start", summary.start, schedule.project_start),
            ("finish", summary.finish, schedule.project_finish),
        ):
            if expected is not None and field in fields:
                match = expected == actual
                delta = "" if match else _moment_delta(expected, actual)
                rows.append(
                    Row("0", "(project)", field, _moment(expected), _moment(actual), delta, "", match)
                )
    for task in plan.tasks:
        stored = project.stored.get(task.id)
        if stored is None:
            continue
        notes = _notes(project, task, resource_tasks, summaries)
        computed = schedule.tasks.get(task.id)
        if computed is None:
            rows.append(
                Row(task.id, task.name, "(missing)", "scheduled", "not in the schedule", "", notes, False)
            )
            continue
        rows.extend(_compare_one(task.id, task.name, notes, stored, computed, fields, plan.minutes_per_day))
    return rows


def check(project: MspdiProject, *, label: str = "", fields: Sequence[str] = FIELDS) -> Report:
    """Schedule `project.plan` with the engine and compare the result with what MS Project stored."""
    from kuroko.engine.cpm import schedule as run  # imported here: the oracle reports a broken engine

    try:
        computed = run(project.plan)
    except Exception as exc:  # the report shows any engine failure instead of crashing the harness
        return Report(label, tasks=len(project.plan.tasks), error=f"{type(exc).__name__}: {exc}")
    return Report(label, tuple(compare(project, computed, fields=fields)), len(project.plan.tasks))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_report(report: Report, *, matches: bool = False) -> str:
    """A plain-text table of the differences (or of every compared value with `matches`), one line per
    value, grouped by task, with a summary line first and the meaning of the notes last."""
    if report.error is not None:
        return f"{report.label}: the engine failed on {report.tasks} tasks: {report.error}"
    shown = [r for r in report.rows if matches or not r.match]
    differing = {r.task for r in report.differences if r.task != "0"}
    project = " and the project's dates" if any(r.task == "0" for r in report.differences) else ""
    head = (
        f"{report.label}: {len(report.differences)} of {len(report.rows)} values differ, "
        f"in {len(differing)} of {report.tasks} tasks{project}"
    )
    if not shown:
        return head + " — matches MS Project."
    header = ("", "UID", "Task", "Field", "MS Project", "Kuroko", "Δ (Kuroko − MSP)", "Notes")
    table = [
        ("" if r.match else "✗", r.task, _clip(r.name, 28), r.field, r.ms_project, r.kuroko, r.delta, r.notes)
        for r in shown
    ]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [head, line(header), line(tuple("-" * w for w in widths))]
    previous = None
    for row, cells in zip(shown, table, strict=True):
        if previous is not None and row.task != previous:
            out.append("")
        out.append(line(cells))
        previous = row.task
    used = sorted({note for r in shown for note in r.notes.split(", ") if note})
    if used:
        out.append("")
        out.extend(f"  {note}: {NOTES[note]}" for note in used)
    return "\n".join(out)
