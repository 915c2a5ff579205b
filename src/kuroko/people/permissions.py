"""Who may change working calendars.

The PMO maintains every calendar. A person whose own calendar it is (a calendar of kind *person* that their
person row uses) may record their leave in it: non-working exceptions, nothing else.
"""

from __future__ import annotations

from typing import Any

from kuroko.core.permissions import is_pmo, role_of
from kuroko.people.models import CalendarKind, Person, WorkCalendar


def can_read_calendars(user: Any) -> bool:
    return role_of(user) is not None


def can_edit_calendar(user: Any, calendar: WorkCalendar | None = None) -> bool:
    """The week, holidays, base and every kind of exception: the PMO."""
    return is_pmo(user)


def owns_calendar(user: Any, calendar: WorkCalendar) -> bool:
    """The calendar is the personal calendar of the user's own person row."""
    if role_of(user) is None or calendar.kind != CalendarKind.PERSON:
        return False
    return Person.objects.filter(calendar=calendar, user=user).exists()


def can_edit_leave(user: Any, calendar: WorkCalendar) -> bool:
    """Non-working exceptions (leave): the PMO, and the person whose calendar it is."""
    return can_edit_calendar(user, calendar) or owns_calendar(user, calendar)
