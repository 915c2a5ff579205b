"""ISO weeks, as reports name them: a week is kept as its Monday and written "2026-W47"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2100  # reports name weeks of these years only
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")


def week_start(day: date) -> date:
    """The Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """ "2026-W47" (or "2026W47") → the Monday of that ISO week. ValueError with a message otherwise."""
    match = _WEEK.match(text.strip().upper())
    if not match:
        raise ValueError(_("%(week)s is not an ISO week such as 2026-W47.") % {"week": text.strip()[:20]})
    year, week = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("Choose a week of the years %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(_("%(year)s has no week %(week)s.") % {"year": year, "week": week}) from None


def week_from(text: str, field: str = "week") -> date:
    """`parse_week` for input: ValidationError naming the field instead of ValueError."""
    try:
        return parse_week(text)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from None


def week_param(value: str | None, *, today: date, field: str = "week") -> date:
    """A week from a form, a query or the command line: "2026-W47" or a date in it (the years 2000–2100);
    empty means this week. ValidationError naming the field otherwise."""
    if not value:
        return week_start(today)
    try:
        return parse_week(value)
    except ValueError as exc:
        problem = str(exc)
    try:
        monday = week_start(date.fromisoformat(value))
    except (ValueError, OverflowError):
        raise ValidationError({field: problem}) from None
    if not FIRST_YEAR <= monday.isocalendar()[0] <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("%(value)s is outside the years %(first)s–%(last)s.")
                % {"value": value, "first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    return monday


def next_week(monday: date) -> date:
    return monday + timedelta(days=7)


def week_label(monday: date) -> str:
    """The Monday of a week → "2026-W47"."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(monday: date) -> date:
    return monday - timedelta(days=7)
