"""Working-time durations: parse what people type ("5d", "2.5 days", "3時間") into minutes and back.

Units follow MS Project: a day is `hours_per_day` working hours, a week `days_per_week` days and a month
`days_per_month` days; all are settings of the organisation. See ``docs/engine/durations.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UNITS: tuple[str, ...] = ("m", "h", "d", "w", "mo")
"""The unit keys, smallest first: minutes, hours, working days, weeks, months."""

MAX_MINUTES = 1_000_000_000
"""The longest duration (and lag) accepted, in minutes; it keeps values inside a 32-bit database integer."""


class DurationError(ValueError):
    """The text is not a duration; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class DurationUnits:
    """How many working hours make a day, and days a week and a month."""

    hours_per_day: Decimal = Decimal(8)
    days_per_week: Decimal = Decimal(5)
    days_per_month: Decimal = Decimal(20)

    def __post_init__(self) -> None:
        if not Decimal(0) < self.hours_per_day <= Decimal(24):
            raise ValueError("hours_per_day must be more than 0 and at most 24.")
        if not Decimal(0) < self.days_per_week <= Decimal(7):
            raise ValueError("days_per_week must be more than 0 and at most 7.")
        if not Decimal(0) < self.days_per_month <= Decimal(31):
            raise ValueError("days_per_month must be more than 0 and at most 31.")

    def minutes_per(self, unit: str) -> Decimal:
        """Working minutes in one `unit` (one of ``m``, ``h``, ``d``, ``w``, ``mo``).

        Raises
        ------
        ValueError
            If `unit` is not one of the unit keys.
        """
        day = self.hours_per_day * 60
        per = {
            "m": Decimal(1),
            "h": Decimal(60),
            "d": day,
            "w": day * self.days_per_week,
            "mo": day * self.days_per_month,
        }
        if unit not in per:
            raise ValueError(f"Unknown duration unit {unit!r}; use one of {', '.join(UNITS)}.")
        return per[unit]


_UNIT_WORDS: dict[str, str] = {
    # English as MS Project and people write it (matched after lower-casing), then Japanese; 人日, 人時 and
    # 人月 (person-days …) are how effort estimates are usually written.
    "m": "m min mins minute minutes 分 分間",
    "h": "h hr hrs hour hours 時間 人時",
    "d": "d day days 日 日間 人日 営業日",
    "w": "w wk wks week weeks 週 週間",
    "mo": "mo mon mons month months 月 ヶ月 ヵ月 か月 カ月 ケ月 箇月 人月",
}
_UNIT_ALIASES: dict[str, str] = {word: key for key, words in _UNIT_WORDS.items() for word in words.split()}
# A sign, a number with an optional decimal point, and an optional unit word (no digits in it).
_PATTERN = re.compile(r"([+-]?)\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([^0-9\s.,+-][^0-9]*?)?")
_ACCEPTED = "use a number with m, h, d, w or mo (e.g. 5d, 2.5h) or 分, 時間, 日, 週間, ヶ月"


def parse_duration(
    text: str, units: DurationUnits | None = None, *, default_unit: str = "d", allow_negative: bool = False
) -> int:
    """Parse a duration such as ``5d``, ``2.5 days``, ``3h``, ``1w``, ``2mo`` or ``3日`` into minutes.

    Full-width characters (``５日``) are read as their ASCII forms. A bare number is read in
    `default_unit`. The result is rounded to whole minutes, halves away from zero.

    Parameters
    ----------
    text
        What the user typed: an optional sign, a number with ``.`` as the decimal point, an optional unit.
    units
        The organisation's day, week and month lengths; MS Project's defaults (8h, 5d, 20d) if omitted.
    default_unit
        The unit of a bare number: a unit key or any accepted unit word.
    allow_negative
        Accept a leading ``-`` (for lags, where a negative value is a lead).

    Returns
    -------
    int
        Working minutes, at most `MAX_MINUTES` in magnitude.

    Raises
    ------
    DurationError
        If the text is not a number with an optional known unit, uses a comma, is negative when not
        allowed, or is longer than `MAX_MINUTES`.
    ValueError
        If `default_unit` is not a known unit.
    """
    units = units or DurationUnits()
    default_key = _UNIT_ALIASES.get(default_unit.strip().lower())
    if default_key is None:
        raise ValueError(f"Unknown default unit {default_unit!r}; use one of {', '.join(UNITS)}.")
    normalised = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if not normalised:
        raise DurationError("Enter a duration such as 5d, 3h or 2w.")
    if "," in normalised:
        # "2,5d" (decimal comma) and "1,000h" (thousands separator) cannot be told apart: refuse both.
        raise DurationError(
            f"“{text.strip()}”: write decimals with a point (2.5d) and no thousands separators."
        )
    match = _PATTERN.fullmatch(normalised)
    if match is None:
        raise DurationError(f"“{text.strip()}” is not a duration; {_ACCEPTED}.")
    sign, number_text, unit_text = match.groups()
    unit_key = default_key if unit_text is None else _UNIT_ALIASES.get(unit_text.lower())
    if unit_key is None:
        raise DurationError(f"Unknown duration unit “{unit_text}”; {_ACCEPTED}.")
    number = Decimal(number_text)
    if sign == "-" and number != 0 and not allow_negative:
        raise DurationError("A duration cannot be negative.")
    exact = number * units.minutes_per(unit_key)
    if exact > MAX_MINUTES:
        raise DurationError(f"“{text.strip()}” is too long; the limit is {MAX_MINUTES:,} minutes.")
    minutes = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -minutes if sign == "-" else minutes


def format_duration(minutes: int, units: DurationUnits | None = None, *, unit: str | None = None) -> str:
    """Format working minutes as the text people read and type, e.g. ``5d``, ``1.5h``, ``-2d``.

    Without `unit`, the unit is chosen so the text is exact and reads naturally:

    * whole or half working days → days: ``5d``, ``2.5d``, ``0.5d``, ``0d``, ``-2d``;
    * otherwise whole quarter-hours → hours: ``1.5h``, ``0.25h``, ``10h``;
    * otherwise minutes: ``500m``, ``7m``.

    So ``parse_duration(format_duration(x, u), u, allow_negative=True) == x`` for every whole number of
    minutes `x` up to `MAX_MINUTES` in magnitude. Weeks and months are never chosen automatically.

    Parameters
    ----------
    minutes
        Working minutes; negative for leads.
    units
        The organisation's day, week and month lengths; MS Project's defaults if omitted.
    unit
        Force a unit key (``m``, ``h``, ``d``, ``w``, ``mo``); the value is then rounded to 2 decimals
        (halves away from zero), so the text may not be exact.

    Returns
    -------
    str
        A number without trailing zeros followed by the unit key.

    Raises
    ------
    ValueError
        If `unit` is not a unit key.
    """
    units = units or DurationUnits()
    if unit is None:
        if Decimal(minutes) % (units.minutes_per("d") / 2) == 0:
            unit = "d"
        elif minutes % 15 == 0:
            unit = "h"
        else:
            unit = "m"
    value = (Decimal(minutes) / units.minutes_per(unit)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value == 0:
        value = Decimal(0)  # no "-0d" for tiny negative values rounded away
    return f"{value.normalize():f}{unit}"


ELAPSED_UNITS: dict[str, int] = {"em": 1, "eh": 60, "ed": 1440, "ew": 7 * 1440, "emo": 30 * 1440}
"""Elapsed (calendar) units as MS Project has them: minutes, hours, 24-hour days, 7-day weeks and
30-day months."""

_ELAPSED_WORDS: dict[str, str] = {
    "em": "em emin 経過分",
    "eh": "eh ehr 経過時間",
    "ed": "ed eday edays 経過日",
    "ew": "ew ewk 経過週",
    "emo": "emo emon 経過月",
}
_ELAPSED_ALIASES: dict[str, str] = {w: key for key, words in _ELAPSED_WORDS.items() for w in words.split()}


@dataclass(frozen=True, slots=True)
class Span:
    """A duration or lag: `minutes` of working time, or of elapsed (calendar) time when `elapsed`."""

    minutes: int
    elapsed: bool = False


def parse_span(
    text: str, units: DurationUnits | None = None, *, default_unit: str = "d", allow_negative: bool = False
) -> Span:
    """Parse working time as `parse_duration` does, or elapsed time: ``3ed`` (3 × 24 hours), ``4eh``,
    ``1ew``, ``1emo`` (30 days), ``90em``, or ``3経過日`` in Japanese.

    Raises
    ------
    DurationError
        As `parse_duration`, with elapsed units among those accepted.
    """
    normalised = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    match = _PATTERN.fullmatch(normalised)
    if match is not None and match[3] is not None and match[3].lower() in _ELAPSED_ALIASES:
        sign, number_text, unit_text = match.groups()
        number = Decimal(number_text)
        if sign == "-" and number != 0 and not allow_negative:
            raise DurationError("A duration cannot be negative.")
        exact = number * ELAPSED_UNITS[_ELAPSED_ALIASES[unit_text.lower()]]
        if exact > MAX_MINUTES:
            raise DurationError(f"“{text.strip()}” is too long; the limit is {MAX_MINUTES:,} minutes.")
        minutes = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return Span(-minutes if sign == "-" else minutes, elapsed=True)
    try:
        return Span(parse_duration(text, units, default_unit=default_unit, allow_negative=allow_negative))
    except DurationError as exc:
        if "unit" in str(exc):
            raise DurationError(f"{exc} Elapsed time is written 3ed, 4eh or 3経過日.") from exc
        raise


def format_span(minutes: int, elapsed: bool, units: DurationUnits | None = None) -> str:
    """`format_duration` for working time; for elapsed time ``3ed``, ``1.5ed``, ``5eh`` or ``7em``
    (exact, so that `parse_span` reads the text back to the same minutes)."""
    if not elapsed:
        return format_duration(minutes, units)
    if minutes % 720 == 0:
        unit = "ed"
    elif minutes % 15 == 0:
        unit = "eh"
    else:
        unit = "em"
    value = Decimal(minutes) / ELAPSED_UNITS[unit]
    return f"{value.normalize():f}{unit}"
