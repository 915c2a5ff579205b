"""Attendance exports of time-clock systems (勤怠システム) as CSV, read through a column mapping.

`read_attendance(data, mapping)` decodes the file (UTF-8, UTF-8 with a byte order mark, or Shift_JIS —
read as Windows code page 932, its superset that Excel writes in Japan), finds the mapped columns by their
headers and reads every row into an `AttendanceRow`, collecting a `RowError` (row number, column header,
message) for every cell it cannot read rather than stopping at the first. Nothing here knows the people of
an organisation: the app matches the `person` text to its directory and adds its own row errors.

Cells read:

- dates in the mapping's `date_format` (strptime codes: `%Y-%m-%d`, `%Y/%m/%d` — which also accepts
  `2026/4/1` — , `%Y%m%d` …);
- times as `9:00`, `09:00`, `9:00:00` or, without a colon, `900` / `0900` / `1830` (hours and minutes).
  A clock-out earlier than the clock-in is the next morning; time-clock systems also write a night
  shift's clock-out as `25:30`, read as 01:30 the next morning (up to `47:59`). `-`, `--:--` and an empty
  cell mean no time;
- breaks as minutes (`60`) or hours and minutes (`1:00`);
- leave as one of the words in `LEAVE_WORDS` (有休, 年休, 午前半休, 特休, paid …, after Unicode NFKC
  normalisation and case folding); an unknown word is an error that lists the accepted ones.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from kuroko.engine.overtime import OvertimeError, worked_minutes
from kuroko.formats.encoding import EncodingError, decode_text

FIELDS = ("person", "date", "clock_in", "clock_out", "break_minutes", "leave", "note")
REQUIRED = ("person", "date")
LEAVE_CODES = ("paid", "half_am", "half_pm", "special", "unpaid")
FULL_DAY_LEAVE = ("paid", "special", "unpaid")
MAX_ROWS = 50_000

# Words time-clock systems write for each kind of leave (normalised with NFKC and casefold before lookup).
LEAVE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "paid",
            "paid leave",
            "pl",
            "有休",
            "有給",
            "有給休暇",
            "年休",
            "年次有給休暇",
            "有休(全日)",
            "全休",
        ),
        "paid",
    ),
    **dict.fromkeys(
        ("half_am", "am off", "am half", "午前半休", "午前休", "午前有休", "am半休", "前半休"), "half_am"
    ),
    **dict.fromkeys(
        ("half_pm", "pm off", "pm half", "午後半休", "午後休", "午後有休", "pm半休", "後半休"), "half_pm"
    ),
    **dict.fromkeys(("special", "special leave", "特休", "特別休暇", "慶弔", "慶弔休暇"), "special"),
    **dict.fromkeys(("unpaid", "unpaid leave", "欠勤", "無給", "無給休暇"), "unpaid"),
}
# Cells meaning "no leave" (a working day).
NO_LEAVE = frozenset(("", "-", "ー", "—", "none", "出勤", "通常", "勤務"))
NO_TIME = frozenset(("", "-", "ー", "—", "--:--", "-:-", "--"))

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DIGITS = re.compile(r"^(\d{1,2})(\d{2})$")
_BREAK = re.compile(r"^(\d{1,2}):(\d{2})$")


class AttendanceFormatError(ValueError):
    """The file as a whole cannot be read (encoding, no header, a mapped column missing, bad mapping).
    `code` says which, for a user interface to word the message; `column` names the column if any."""

    def __init__(self, message: str, *, code: str, column: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.column = column


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column header holds each field (`person` and `date` required) and how dates are written."""

    columns: Mapping[str, str]
    date_format: str = "%Y-%m-%d"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise AttendanceFormatError(
                f"Unknown fields in the mapping: {', '.join(unknown)}; fields are {', '.join(FIELDS)}.",
                code="unknown_field",
                column=unknown[0],
            )
        for name in REQUIRED:
            if not str(self.columns.get(name) or "").strip():
                raise AttendanceFormatError(
                    f"The mapping must say which column holds {name}.", code="required_field", column=name
                )
        if bool(self.columns.get("clock_in")) != bool(self.columns.get("clock_out")):
            raise AttendanceFormatError(
                "Map both clock_in and clock_out, or neither.", code="clock_pair", column="clock_out"
            )
        if "%" not in self.date_format:
            raise AttendanceFormatError(
                f"The date format {self.date_format!r} has no strptime code such as %Y.",
                code="date_format",
                column="date",
            )


@dataclass(frozen=True, slots=True)
class RowError:
    """A cell that cannot be read: the file's row number (the header is row 1), the column header, a
    `code` (for translation), an English message, and the offending text."""

    row: int
    column: str
    code: str
    message: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """One row read: whose (the text of the person column), which day, the times, breaks, leave, note
    and the minutes worked."""

    row: int
    person: str
    date: date
    clock_in: time | None = None
    clock_out: time | None = None
    break_minutes: int = 0
    leave: str = ""
    note: str = ""
    worked_minutes: int = 0


@dataclass(frozen=True, slots=True)
class AttendanceFile:
    """The rows read without error, every row error, the encoding found and the header."""

    rows: tuple[AttendanceRow, ...]
    errors: tuple[RowError, ...]
    encoding: str
    header: tuple[str, ...] = field(default=())
    row_count: int = 0  # data rows in the file, read or not


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and its encoding: UTF-8 (with or without a BOM) or Windows-31J (cp932)."""
    try:
        return decode_text(data)
    except EncodingError as exc:
        raise AttendanceFormatError(str(exc), code="encoding") from None


def read_header(data: bytes) -> tuple[str, ...]:
    """The column headers of the file (to offer them in a mapping form)."""
    text, _encoding = decode(data)
    for row in csv.reader(io.StringIO(text), dialect=_dialect(text)):
        if any(cell.strip() for cell in row):
            return tuple(cell.strip() for cell in row)
    raise AttendanceFormatError("The file is empty.", code="empty")


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def parse_time(text: str) -> tuple[time, bool] | None:
    """A clock time and whether it was written past midnight (`25:30`); None for an empty cell.
    ValueError if it cannot be read."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in NO_TIME:
        return None
    match = _TIME.match(value) or _DIGITS.match(value)
    if match is None:
        raise ValueError(value)
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 47:
        raise ValueError(value)
    return time(hour % 24, minute), hour >= 24


def parse_break(text: str) -> int:
    """Break minutes: `60` or `1:00`; empty is 0. ValueError otherwise."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in NO_TIME:
        return 0
    if value.isdigit():
        return int(value)
    match = _BREAK.match(value)
    if match is None or int(match.group(2)) > 59:
        raise ValueError(value)
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_leave(text: str) -> str:
    """The leave code of a cell ("" for none). ValueError for an unknown word."""
    value = _key(text)
    if value in NO_LEAVE:
        return ""
    if value in LEAVE_WORDS:
        return LEAVE_WORDS[value]
    raise ValueError(text)


def read_attendance(data: bytes, mapping: ColumnMapping) -> AttendanceFile:
    """Read every row of an attendance CSV file through `mapping` (see the module docstring)."""
    text, encoding = decode(data)
    reader = csv.reader(io.StringIO(text), dialect=_dialect(text))
    header: list[str] | None = None
    rows: list[AttendanceRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, date], int] = {}
    index: dict[str, int] = {}
    count = 0
    for number, cells in enumerate(reader, start=1):
        if header is None:
            if not any(cell.strip() for cell in cells):
                continue
            header = [cell.strip() for cell in cells]
            index = _columns(header, mapping)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise AttendanceFormatError(f"At most {MAX_ROWS} rows in one file.", code="too_many_rows")
        row = _row(number, cells, index, mapping, errors)
        if row is None:
            continue
        key = (_key(row.person), row.date)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    mapping.columns["date"],
                    "duplicate",
                    f"{row.person} on {row.date} is already on row {seen[key]}.",
                    f"{row.date}",
                )
            )
            continue
        seen[key] = number
        rows.append(row)
    if header is None:
        raise AttendanceFormatError("The file is empty.", code="empty")
    return AttendanceFile(tuple(rows), tuple(errors), encoding, tuple(header), count)


def _columns(header: list[str], mapping: ColumnMapping) -> dict[str, int]:
    positions = {_key(title): n for n, title in reversed(list(enumerate(header)))}
    index: dict[str, int] = {}
    for name, title in mapping.columns.items():
        if not title:
            continue
        position = positions.get(_key(title))
        if position is None:
            raise AttendanceFormatError(
                f"No column {title!r} in the file; its columns are: {', '.join(header)}.",
                code="missing_column",
                column=title,
            )
        index[name] = position
    return index


def _row(
    number: int, cells: list[str], index: dict[str, int], mapping: ColumnMapping, errors: list[RowError]
) -> AttendanceRow | None:
    before = len(errors)

    def cell(name: str) -> str:
        position = index.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def error(name: str, code: str, message: str) -> None:
        errors.append(RowError(number, mapping.columns[name], code, message, cell(name)))

    person = cell("person")
    if not person:
        error("person", "required", "Say whose attendance this is.")
    day: date | None = None
    raw_date = unicodedata.normalize("NFKC", cell("date"))
    if not raw_date:
        error("date", "required", "Enter the date.")
    else:
        try:
            day = datetime.strptime(raw_date, mapping.date_format).date()
        except ValueError:
            error("date", "date", f"{raw_date!r} is not a date written as {mapping.date_format}.")
    times: dict[str, time | None] = {"clock_in": None, "clock_out": None}
    for name in ("clock_in", "clock_out"):
        if name in index:
            try:
                parsed = parse_time(cell(name))
            except ValueError:
                error(name, "time", f"{cell(name)!r} is not a time such as 9:00, 09:00 or 900.")
                continue
            if parsed is not None:
                if parsed[1] and name == "clock_in":
                    error(name, "time", f"A clock-in cannot be past midnight ({cell(name)}).")
                    continue
                times[name] = parsed[0]
    breaks = 0
    if "break_minutes" in index:
        try:
            breaks = parse_break(cell("break_minutes"))
        except ValueError:
            error("break_minutes", "break", f"{cell('break_minutes')!r} is not minutes (60) or h:mm (1:00).")
    leave = ""
    if "leave" in index:
        try:
            leave = parse_leave(cell("leave"))
        except ValueError:
            error("leave", "leave", f"Unknown leave {cell('leave')!r}.")
    clock_in, clock_out = times["clock_in"], times["clock_out"]
    if len(errors) == before:
        if (clock_in is None) != (clock_out is None):
            missing = "clock_out" if clock_out is None else "clock_in"
            error(missing, "clock_pair", "Enter both the clock-in and the clock-out, or neither.")
        elif clock_in is not None and leave in FULL_DAY_LEAVE:
            error("leave", "leave_with_times", "A day of full leave has no clock times.")
    worked = 0
    if len(errors) == before:
        try:
            worked = worked_minutes(clock_in, clock_out, breaks)
        except OvertimeError:
            error("break_minutes", "break_too_long", "The breaks are longer than the time at work.")
    if len(errors) > before or day is None:
        return None
    return AttendanceRow(
        number,
        person,
        day,
        clock_in,
        clock_out,
        breaks,
        leave,
        cell("note")[:300],
        worked,
    )


__all__ = [
    "FIELDS",
    "FULL_DAY_LEAVE",
    "LEAVE_CODES",
    "LEAVE_WORDS",
    "REQUIRED",
    "AttendanceFile",
    "AttendanceFormatError",
    "AttendanceRow",
    "ColumnMapping",
    "RowError",
    "decode",
    "parse_break",
    "parse_leave",
    "parse_time",
    "read_attendance",
    "read_header",
]
