"""Working hours as people type them and as calendars store them.

A day's working time is stored as a list of `[start, end]` pairs in minutes after midnight (the engine's
`Interval`), and typed as text such as `09:00-12:00, 13:00-18:00`. The checks here give the messages a
person sees; they name the day (or exception) and the interval, e.g.
"Monday: interval 13:00–12:00 ends before it starts."
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MINUTES_PER_DAY = 24 * 60

WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)

Intervals = list[list[int]]
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")
# Hyphen, en dash, em dash, tilde and the Japanese wave dash all separate start from end.
_RANGE = re.compile(r"\s*[-–—~〜～]\s*")


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_intervals(intervals: Sequence[Sequence[int]] | None) -> str:
    """`[[540, 720], [780, 1080]]` → `09:00-12:00, 13:00-18:00` (empty for a day off)."""
    return ", ".join(f"{format_time(s)}-{format_time(e)}" for s, e in intervals or ())


def hours(intervals: Sequence[Sequence[int]] | None) -> Decimal:
    """Working hours of a day, e.g. 8 or 7.5."""
    total = sum(e - s for s, e in intervals or ())
    return (Decimal(total) / 60).quantize(Decimal("0.01")).normalize()


def parse_time(text: str, where: str) -> int:
    """`09:00` or `9` → 540; `24:00` is the end of the day."""
    match = _TIME.match(text)
    if match is None:
        raise ValidationError(
            _("%(where)s: “%(text)s” is not a time; write hours like 09:00-12:00, 13:00-18:00.")
            % {"where": where, "text": text.strip()}
        )
    hh, mm = int(match.group(1)), int(match.group(2) or 0)
    if mm >= 60 or hh * 60 + mm > MINUTES_PER_DAY:
        raise ValidationError(
            _("%(where)s: %(text)s is not a time of day (00:00–24:00).")
            % {"where": where, "text": text.strip()}
        )
    return hh * 60 + mm


def parse_intervals(text: str, where: str) -> Intervals:
    """`09:00-12:00, 13:00-18:00` → `[[540, 720], [780, 1080]]`, checked; empty text is a day off."""
    out: Intervals = []
    text = _RANGE.sub("-", text.strip())
    for part in filter(None, re.split(r"[,、;\s]+", text)):
        pieces = part.split("-")
        if len(pieces) != 2:
            raise ValidationError(
                _("%(where)s: “%(text)s” is not a time range; write hours like 09:00-12:00, 13:00-18:00.")
                % {"where": where, "text": part.strip()}
            )
        out.append([parse_time(pieces[0], where), parse_time(pieces[1], where)])
    check_intervals(out, where)
    return out


def parse_pairs(pairs: Sequence[Sequence[str]], where: str) -> Intervals:
    """API form: `[["09:00", "12:00"], ["13:00", "18:00"]]` → minutes, checked."""
    out: Intervals = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValidationError(
                _('%(where)s: each interval is a pair of times, e.g. ["09:00", "12:00"].') % {"where": where}
            )
        out.append([parse_time(pair[0], where), parse_time(pair[1], where)])
    check_intervals(out, where)
    return out


def as_pairs(intervals: Sequence[Sequence[int]] | None) -> list[tuple[str, str]]:
    return [(format_time(s), format_time(e)) for s, e in intervals or ()]


def check_intervals(intervals: Any, where: str) -> None:
    """Raise a ValidationError naming `where` unless the intervals are in order, inside the day and apart."""
    if not isinstance(intervals, list) or not all(
        isinstance(i, (list, tuple)) and len(i) == 2 and all(type(v) is int for v in i) for i in intervals
    ):
        raise ValidationError(
            _("%(where)s: working hours must be a list of [start, end] pairs in minutes.") % {"where": where}
        )
    previous: Sequence[int] | None = None
    for start, end in intervals:
        shown = {"where": where, "interval": f"{format_time(start)}–{format_time(end)}"}
        if not (0 <= start <= MINUTES_PER_DAY and 0 <= end <= MINUTES_PER_DAY):
            raise ValidationError(_("%(where)s: interval %(interval)s is outside the day.") % shown)
        if end < start:
            raise ValidationError(_("%(where)s: interval %(interval)s ends before it starts.") % shown)
        if end == start:
            raise ValidationError(_("%(where)s: interval %(interval)s is empty.") % shown)
        if previous is not None and start < previous[1]:
            raise ValidationError(
                _("%(where)s: intervals %(first)s and %(second)s overlap or are out of order.")
                % {
                    "where": where,
                    "first": f"{format_time(previous[0])}–{format_time(previous[1])}",
                    "second": shown["interval"],
                }
            )
        previous = (start, end)


def check_week(week: Any) -> None:
    """Raise a ValidationError on `week` naming the weekday whose hours are wrong."""
    if not isinstance(week, list) or len(week) != 7:
        raise ValidationError({"week": _("The working week must have seven days, Monday first.")})
    for day, intervals in enumerate(week):
        try:
            check_intervals(intervals, str(WEEKDAY_NAMES[day]))
        except ValidationError as exc:
            raise ValidationError({"week": exc.messages}) from exc


def organisation_week(hours_per_day: Decimal | int | float) -> Intervals:
    """One weekday as the organisation works it: from 09:00, a lunch hour after the morning's three hours."""
    minutes = int(Decimal(hours_per_day) * 60)
    morning = min(minutes, 180)
    day = [[540, 540 + morning]]
    if minutes > morning:
        afternoon = 540 + morning + 60
        day.append([afternoon, min(afternoon + minutes - morning, MINUTES_PER_DAY)])
    return day


def default_week(hours_per_day: Decimal | int | float = 8) -> list[Intervals]:
    """Monday to Friday with the organisation's day; Saturday and Sunday off."""
    day = organisation_week(hours_per_day)
    return [[list(i) for i in day] for _ in range(5)] + [[], []]
