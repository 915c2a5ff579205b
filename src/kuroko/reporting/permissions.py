"""Who may read and change the reporting app's rows (status reports, schedules, meetings). Each part adds
its own functions; they build on `kuroko.core.permissions` and `kuroko.projects.permissions`."""

from __future__ import annotations

from typing import Any

from kuroko.core.models import Role
from kuroko.core.permissions import is_pmo, reads_everything, role_of
from kuroko.projects import permissions as project_perms

# --- Meetings (part C) --------------------------------------------------------------------------------


def can_organise_meetings(user: Any, project: Any = None) -> bool:
    """Create or change meetings: the project's PM and the PMO for a project; the PMO for a program or the
    whole portfolio."""
    if role_of(user) is None:
        return False
    if project is None:
        return is_pmo(user)
    return project_perms.can_edit_project(user, project)


def can_view_meeting(user: Any, meeting: Any) -> bool:
    """Read a meeting (or series): who reads its project; for a program or portfolio meeting the PMO,
    executives, its organiser and its attendees."""
    if role_of(user) is None:
        return False
    if meeting.project_id is not None:
        return project_perms.can_view_project(user, meeting.project)
    if reads_everything(user) or meeting.organizer_id == user.pk:
        return True
    return bool(meeting.attendees.filter(**_attendee_filter(meeting, user)).exists())


def _attendee_filter(row: Any, user: Any) -> dict[str, Any]:
    # A Meeting's attendees are MeetingAttendee rows; a series' are users.
    return {"user_id": user.pk} if hasattr(row, "minutes_sent_at") else {"pk": user.pk}


def can_manage_meeting(user: Any, meeting: Any) -> bool:
    """Edit a meeting's agenda and minutes, mark it held, distribute the minutes: who organises meetings
    of its project (or the PMO), and its organiser while they may still read it."""
    if can_organise_meetings(user, meeting.project if meeting.project_id is not None else None):
        return True
    role = role_of(user)
    if role is None or role == Role.EXECUTIVE or meeting.organizer_id != user.pk:
        return False
    return can_view_meeting(user, meeting)
