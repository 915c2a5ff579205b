"""Weekly status reports: gathering the facts, drafting, the PM's narrative and overrides, submitting and
the PMO's review. (The status-report part fills this module; the signature below is a contract other
parts call.)"""

from __future__ import annotations

from datetime import date
from typing import Any

from kuroko.reporting.models import StatusReport


def report_get_or_draft(*, project: Any, week: date, actor: Any = None) -> StatusReport:
    """The project's report of the ISO week starting `week` (a Monday): the existing one, else a new draft
    gathered from the data now. Raises PermissionDenied when `actor` (None = the system) may not read the
    project."""
    raise NotImplementedError
