"""What the tabular importers (an Excel WBS, a tracker's CSV export) read a file into: rows of tasks with
their outline, dates, progress, owner, effort, notes and predecessors, before any of it meets the
database. `kuroko.projects.services.import_table` turns it into the same records as MS Project XML, so
that a new project, a re-import with its diff, and the schedule all work the same way for every format.

Errors name the row and the column (`RowError`); an importer collects them all and raises one
`ImportFileError`, so that the user sees every problem of the file at once and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kuroko.engine.model import LinkType


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of the file: the row number as the user sees it (1 = the first row of the sheet or
    file; None for the file as a whole), the column's header text ("" when not about one column), and
    the message, in the user's language."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportFileError(ValueError):
    """The file cannot be imported; `errors` lists every problem found (row, column, message)."""

    def __init__(self, errors: list[RowError] | tuple[RowError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:20]))


@dataclass(frozen=True, slots=True)
class ImportedLink:
    """A predecessor of an imported task: the predecessor's `key`, the link type, and the lag in minutes
    (working minutes, or elapsed minutes when `elapsed`; negative for a lead)."""

    predecessor: str
    type: LinkType = LinkType.FS
    lag: int = 0
    elapsed: bool = False


@dataclass(frozen=True, slots=True)
class ImportedTask:
    """One row of the file that is a task.

    `key` identifies the task across imports: the file's ID column, the tracker's issue number, or (with
    no such column) the WBS code; it becomes `Task.source_uid`. `parent` is the parent's key. Fields the
    file does not have are None (or "" for text): a re-import leaves those alone on existing tasks.
    Durations and work are in minutes; dates are days (the importer does not know times of day).
    """

    key: str
    name: str
    row: int | None = None
    parent: str | None = None
    wbs: str = ""
    milestone: bool = False
    duration: int | None = None
    elapsed: bool = False
    start: date | None = None
    finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    percent_complete: int | None = None
    owners: tuple[str, ...] = ()  # names or e-mail addresses, as written in the file
    work: int | None = None  # effort in minutes (shared among the owners)
    notes: str | None = None
    links: tuple[ImportedLink, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedProject:
    """A file read by a tabular importer, tasks in outline order (a parent before its children).

    `columns` names the task fields the file has ("duration", "start", "finish", "actual_start",
    "actual_finish", "percent_complete", "owners", "work", "notes", "links"), so that a re-import only
    compares and sets those. `match` says how a re-import finds the existing task of a row: "id" by
    `key` (the task's `source_uid`), "wbs" by the WBS code.
    """

    tasks: tuple[ImportedTask, ...]
    name: str = ""
    columns: frozenset[str] = frozenset()
    match: str = "id"
    warnings: tuple[str, ...] = ()
