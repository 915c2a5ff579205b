"""Reporting models: weekly status reports and their settings, report schedules and the archive of
generated files, and meetings (series, occurrences, agenda, attendance)."""

from kuroko.reporting.models.meetings import (
    AgendaItem,
    Attendance,
    Frequency,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
)
from kuroko.reporting.models.reports import (
    Audience,
    Dimension,
    GeneratedReport,
    RagRuleSetting,
    ReportComment,
    ReportFormat,
    ReportKind,
    ReportLevel,
    ReportSchedule,
    ReportStatus,
    StatusReport,
)

__all__ = [
    "AgendaItem",
    "Attendance",
    "Audience",
    "Dimension",
    "Frequency",
    "GeneratedReport",
    "Meeting",
    "MeetingAttendee",
    "MeetingKind",
    "MeetingSeries",
    "MeetingStatus",
    "RagRuleSetting",
    "ReportComment",
    "ReportFormat",
    "ReportKind",
    "ReportLevel",
    "ReportSchedule",
    "ReportStatus",
    "StatusReport",
]
