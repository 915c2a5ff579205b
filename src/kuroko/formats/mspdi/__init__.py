"""MS Project XML (MSPDI): read a file into the engine's plan, write a plan (and its schedule) back."""

from kuroko.formats.mspdi.reader import read_mspdi
from kuroko.formats.mspdi.records import (
    Assignment,
    Baseline,
    MspdiError,
    MspdiProject,
    Resource,
    StoredDates,
    TaskInfo,
)
from kuroko.formats.mspdi.writer import write_mspdi

__all__ = [
    "Assignment",
    "Baseline",
    "MspdiError",
    "MspdiProject",
    "Resource",
    "StoredDates",
    "TaskInfo",
    "read_mspdi",
    "write_mspdi",
]
