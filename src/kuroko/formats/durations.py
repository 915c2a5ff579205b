"""Hours as people type them in a timesheet cell: ``2h30m``, ``2h``, ``45m``, ``2:30``, ``2.5``, ``2,5``.

Full-width digits and punctuation (``２：３０``, ``２．５``) and the Japanese units 時間 and 分
(``2時間30分``) are read as well; a number without a unit is hours. An empty cell is zero. A time is
a whole number of minutes (``0.1`` is 6 minutes; fractions of a minute are rounded half up) from zero
to 24 hours. See ``docs/guide/timesheets.md``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_MINUTES = 24 * 60
"""The most one cell may hold: a day."""

_HOURS_MINUTES = re.compile(r"^(?P<h>\d+):(?P<m>\d{1,2})$")
_UNITS = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?|\.\d+)h)?(?:(?P<m>\d+)m)?$")
_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")


class DurationTextError(ValueError):
    """A cell's text is not a time of day's work; the message names it.

    `text` is what was typed and `kind` one of ``"syntax"``, ``"negative"`` or ``"too_long"``, so that a
    user interface can word the message in the user's language.
    """

    def __init__(self, message: str, *, text: str, kind: str) -> None:
        super().__init__(message)
        self.text = text
        self.kind = kind


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and ：．，－ into ASCII; units are matched without case and spaces.
    value = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    for word, unit in (("時間", "h"), ("hours", "h"), ("hour", "h"), ("hrs", "h"), ("hr", "h")):
        value = value.replace(word, unit)
    for word in ("分", "minutes", "minute", "mins", "min"):
        value = value.replace(word, "m")
    return value.replace(",", ".")


def parse_minutes(text: str | None) -> int:
    """The minutes a cell's text stands for; an empty text is 0.

    Raises
    ------
    DurationTextError
        Naming the text when it is not a time, is negative or is more than 24 hours.
    """
    raw = (text or "").strip()
    value = _normalise(raw)
    if not value:
        return 0
    if value.startswith(("-", "−")):
        raise DurationTextError(f"“{raw}” is negative; enter the time worked.", text=raw, kind="negative")
    exact: Decimal
    match = _HOURS_MINUTES.match(value)
    if match is not None:
        if int(match["m"]) >= 60:
            raise DurationTextError(
                f"“{raw}” is not a time: the minutes after the colon must be below 60.",
                text=raw,
                kind="syntax",
            )
        exact = Decimal(int(match["h"]) * 60 + int(match["m"]))
    elif _NUMBER.match(value):
        exact = Decimal(value) * 60
    else:
        match = _UNITS.match(value)
        if match is None or not (match["h"] or match["m"]):
            raise DurationTextError(
                f"“{raw}” is not a time; write e.g. 2h30m, 2:30 or 2.5.", text=raw, kind="syntax"
            )
        try:
            hours = Decimal(match["h"]) if match["h"] else Decimal(0)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise DurationTextError(f"“{raw}” is not a time.", text=raw, kind="syntax") from None
        if match["h"] and match["m"] and int(match["m"]) >= 60:
            raise DurationTextError(
                f"“{raw}” is not a time: the minutes after the hours must be below 60.",
                text=raw,
                kind="syntax",
            )
        exact = hours * 60 + int(match["m"] or 0)
    minutes = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minutes > MAX_MINUTES:
        raise DurationTextError(f"“{raw}” is more than 24 hours.", text=raw, kind="too_long")
    return minutes


def format_minutes(minutes: int | None) -> str:
    """Minutes as a cell shows them: ``2:30``; zero or None as an empty text."""
    if not minutes:
        return ""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
