"""Registers as Excel workbooks: a small framework shared by every RAID register.

A register describes its columns once (`Column`: a stable English key, a translatable header, how to
write a value from an item and how to read one back from a cell, whether it is required). With that
`export_rows(spec, items)` writes a workbook — header styled and frozen, column widths, dates as dates —
and `import_rows(spec, data)` reads one back: headers are matched in English or Japanese (or by key),
formulas are read as their values, and every problem names its row number, column and message.

The reading functions (`Column.read`) raise `CellError` with a message for the user; the service that
imports the rows then applies its own rules to the values.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kuroko.formats.tabular import keep_text

MAX_BYTES = 5 * 1024 * 1024
"""The largest workbook accepted (5 MB: thousands of rows; a register is far smaller)."""
MAX_ROWS = 5000


class CellError(ValueError):
    """A cell's value cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Column:
    """One column of a register's workbook.

    `key` is the stable English name (also accepted as a header); `header` the translatable title
    (a lazy string: written in the user's language, matched in English and Japanese); `write` turns an
    item into the cell's value (str, number, date or None); `read` turns a cell's value into the value
    for the import (raise CellError to refuse it; None: the column is not imported, e.g. a computed
    score); `required`: a row must give a value; `width` in characters; `number_format` for Excel.
    """

    key: str
    header: Any
    write: Callable[[Any], Any]
    read: Callable[[Any], Any] | None = None
    required: bool = False
    width: int = 14
    number_format: str | None = None

    def headers(self) -> set[str]:
        """Every text accepted as this column's header (normalised)."""
        names = {_norm(self.key), _norm(str(self.header))}
        for language in ("en", "ja"):
            with translation.override(language):
                names.add(_norm(str(self.header)))
        return names


@dataclass(frozen=True)
class ImportedRow:
    """One data row read from a workbook: its row number in the sheet and the values by column key."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """A problem in the workbook: the row number (1 is the header), the column's header and what is
    wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Row %(row)d") % {"row": self.row}
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold().replace(" ", "").replace("_", "")


# --- export -----------------------------------------------------------------------------------------


def export_rows(spec: Sequence[Column], items: Iterable[Any], *, sheet: str = "Sheet1") -> bytes:
    """The items as an .xlsx workbook of one sheet: a bold, filled header row frozen at the top with a
    filter, one row per item, dates as Excel dates, column widths from the spec."""
    from openpyxl import Workbook  # imported here: loading it costs ~0.1 s
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])  # Excel's limit on sheet names
    for n, column in enumerate(spec, start=1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.freeze_panes = "B2"
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F2937")
    head = []
    for column in spec:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    count = 0
    for item in items:
        cells = []
        for column in spec:
            value = column.write(item)
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            # A title like =HYPERLINK(…) typed by anyone who may raise a risk must not run in everyone's
            # export: text stays text.
            cell = keep_text(WriteOnlyCell(ws, value=value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif column.number_format and isinstance(value, int | float):
                cell.number_format = column.number_format
            cells.append(cell)
        ws.append(cells)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(spec), 1))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import -----------------------------------------------------------------------------------------


def import_rows(
    spec: Sequence[Column], data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> tuple[list[ImportedRow], list[RowError]]:
    """Read the first sheet of a workbook against the spec.

    The first row holds the headers (in any order; unknown ones are ignored, a required one missing is an
    error); empty rows are skipped. Returns the rows that were read without a problem and every problem
    (row number, column, message). A file that is not a workbook, too large or too long gives one
    problem at row 0.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if len(data) > max_bytes:
        return [], [
            RowError(0, "", _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)})
        ]
    try:
        # data_only: a formula is read as the value Excel last calculated, not as its text.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, TypeError, Exception):
        # openpyxl raises many kinds of errors on a file that is not a workbook (zipfile.BadZipFile …).
        return [], [RowError(0, "", _("The file is not an Excel workbook (.xlsx)."))]
    try:
        ws = book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return [], [RowError(1, "", _("The sheet is empty: the first row must hold the headers."))]
        positions: dict[str, int] = {}
        names = {column.key: column.headers() for column in spec}
        for index, title in enumerate(header):
            if title is None:
                continue
            text = _norm(str(title))
            for column in spec:
                if column.key not in positions and text in names[column.key]:
                    positions[column.key] = index
                    break
        errors: list[RowError] = []
        for column in spec:
            if column.required and column.key not in positions:
                errors.append(
                    RowError(1, str(column.header), _("The column is missing from the header row."))
                )
        if errors:
            return [], errors
        out: list[ImportedRow] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(out) + len(errors) >= max_rows:
                errors.append(
                    RowError(number, "", _("Too many rows: at most %(n)d are read.") % {"n": max_rows})
                )
                break
            row: dict[str, Any] = {}
            problems: list[RowError] = []
            for column in spec:
                if column.read is None or column.key not in positions:
                    continue
                index = positions[column.key]
                raw = values[index] if index < len(values) else None
                if isinstance(raw, str):
                    raw = raw.strip() or None
                if raw is None and column.required:
                    problems.append(RowError(number, str(column.header), _("A value is required.")))
                    continue
                try:
                    row[column.key] = column.read(raw)
                except CellError as exc:
                    problems.append(RowError(number, str(column.header), str(exc)))
            if problems:
                errors.extend(problems)
            else:
                out.append(ImportedRow(number, row))
        return out, errors
    finally:
        book.close()


# --- readers shared by registers ----------------------------------------------------------------------


def read_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_int(
    low: int | None = None, high: int | None = None, *, default: int | None = None
) -> Callable[[Any], int | None]:
    """A whole number, optionally within low … high; an empty cell reads as `default`."""

    def read(value: Any) -> int | None:
        if value is None:
            return default
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        result = int(number)
        if (low is not None and result < low) or (high is not None and result > high):
            raise CellError(
                _("%(value)s is outside %(low)s–%(high)s.")
                % {
                    "value": result,
                    "low": low if low is not None else "",
                    "high": high if high is not None else "",
                }
            )
        return result

    return read


def read_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def read_date(value: Any) -> date | None:
    """A date cell, or text written YYYY-MM-DD (also YYYY/MM/DD)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("/", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(_("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": value}) from None


def read_choice(
    choices: Sequence[tuple[str, Any]], *, blank: bool = False, default: str | None = None
) -> Callable[[Any], str]:
    """One of a TextChoices' values, accepted as the value itself or its label in English or Japanese;
    an empty cell reads as "" when `blank`, else as `default` (none: the value is required)."""

    def read(value: Any) -> str:
        if value is None:
            if blank:
                return ""
            if default is not None:
                return default
            raise CellError(_("A value is required."))
        text = _norm(str(value))
        for key, label in choices:
            accepted = {_norm(key), _norm(str(label))}
            for language in ("en", "ja"):
                with translation.override(language):
                    accepted.add(_norm(str(label)))
            if text in accepted:
                return key
        names = ", ".join(str(label) for _k, label in choices)
        raise CellError(_("“%(value)s” is not one of: %(names)s.") % {"value": value, "names": names})

    return read


def choice_label(choices: Sequence[tuple[str, Any]], value: str) -> str:
    """The label of a choice in the active language (for export), or the value itself."""
    return next((str(label) for key, label in choices if key == value), value or "")


# --- the risk register --------------------------------------------------------------------------------


def risk_columns(project: Any, *, units: Any = None) -> list[Column]:
    """The columns of a project's risk register workbook. People are written by name and read by name
    or e-mail address; affected tasks by WBS code; schedule impacts as durations (3d, 4h)."""
    from kuroko.engine.duration import DurationError, DurationUnits, format_duration, parse_duration
    from kuroko.people.models import Person
    from kuroko.projects.models import Task
    from kuroko.raid.models import Proximity, Risk, RiskCategory, RiskKind, RiskStatus, Strategy

    units = units or DurationUnits()
    people: dict[str, list[int]] = {}
    for someone in Person.objects.only("pk", "family_name", "given_name", "email"):
        for key in {_norm(someone.full_name), _norm(someone.email)} - {""}:
            people.setdefault(key, []).append(someone.pk)
    wbs = dict(Task.objects.filter(project=project).values_list("wbs_code", "pk"))

    def label(name: str) -> Any:
        return capfirst(getattr(Risk._meta.get_field(name), "verbose_name", name))

    def read_person(value: Any) -> int | None:
        if value is None:
            return None
        found = people.get(_norm(str(value)), [])
        if len(found) != 1:
            message = (
                _("“%(value)s” is not a person: write their name or e-mail address.")
                if not found
                else _("More than one person is called “%(value)s”: write their e-mail address.")
            )
            raise CellError(message % {"value": value})
        return found[0]

    def tasks(value: Any) -> list[int]:
        if value is None:
            return []
        out = []
        for code in str(value).replace("、", ",").replace(";", ",").split(","):
            code = code.strip()
            if not code:
                continue
            if code not in wbs:
                raise CellError(
                    _("No task with WBS code %(code)s in project %(project)s.")
                    % {"code": code, "project": project.code}
                )
            out.append(wbs[code])
        return out

    def duration(value: Any) -> int | None:
        if value is None:
            return None
        try:
            return parse_duration(read_text(value), units)
        except DurationError:
            raise CellError(
                _("“%(value)s” is not a duration; write e.g. 3d or 4h.") % {"value": value}
            ) from None

    def minutes(name: str) -> Callable[[Any], Any]:
        return lambda r: None if getattr(r, name) is None else format_duration(getattr(r, name), units)

    def choice(choices: Any, name: str) -> Callable[[Any], str]:
        return lambda r: choice_label(choices, getattr(r, name))

    def attr(name: str) -> Callable[[Any], Any]:
        return lambda r: getattr(r, name)

    def codes(risk: Any) -> str:
        return ", ".join(t.wbs_code for t in sorted(risk.tasks.all(), key=lambda t: t.row))

    impact = read_int(0, 99, default=0)  # an empty impact is none
    return [
        Column("code", _lazy("No."), lambda r: r.code, read_text, width=8),
        Column("title", label("title"), attr("title"), read_text, required=True, width=36),
        Column(
            "kind",
            label("kind"),
            choice(RiskKind.choices, "kind"),
            read_choice(RiskKind.choices, default=RiskKind.THREAT),
            width=10,
        ),
        Column(
            "category",
            label("category"),
            choice(RiskCategory.choices, "category"),
            read_choice(RiskCategory.choices, default=RiskCategory.OTHER),
            width=16,
        ),
        Column(
            "status",
            label("status"),
            choice(RiskStatus.choices, "status"),
            read_choice(RiskStatus.choices, default=RiskStatus.OPEN),
        ),
        Column("owner", label("owner"), lambda r: str(r.owner) if r.owner else None, read_person, width=16),
        Column("cause", label("cause"), attr("cause"), read_text, width=30),
        Column("event", label("event"), attr("event"), read_text, width=30),
        Column("effect", label("effect"), attr("effect"), read_text, width=30),
        Column("raised_on", label("raised_on"), attr("raised_on"), read_date, width=12),
        Column(
            "probability", label("probability"), attr("probability"), read_int(0, 99), required=True, width=10
        ),
        Column("impact_cost", label("impact_cost"), attr("impact_cost"), impact, width=10),
        Column("impact_schedule", label("impact_schedule"), attr("impact_schedule"), impact, width=10),
        Column("impact_quality", label("impact_quality"), attr("impact_quality"), impact, width=10),
        Column("score", label("score"), attr("score"), None, width=8),
        Column("level", label("level"), lambda r: r.get_level_display(), None, width=10),
        Column(
            "proximity",
            label("proximity"),
            choice(Proximity.choices, "proximity"),
            read_choice(Proximity.choices, blank=True),
            width=16,
        ),
        Column(
            "strategy",
            label("strategy"),
            choice(Strategy.choices, "strategy"),
            read_choice(Strategy.choices, blank=True),
            width=12,
        ),
        Column("response", label("response"), attr("response"), read_text, width=30),
        Column("trigger", label("trigger"), attr("trigger"), read_text, width=24),
        Column(
            "residual_probability",
            label("residual_probability"),
            attr("residual_probability"),
            read_int(0, 99),
            width=10,
        ),
        Column("residual_impact", label("residual_impact"), attr("residual_impact"), impact, width=10),
        Column("next_review", label("next_review"), attr("next_review"), read_date, width=12),
        Column("last_reviewed", label("last_reviewed"), attr("last_reviewed"), read_date, width=12),
        Column(
            "probability_percent",
            label("probability_percent"),
            attr("probability_percent"),
            read_decimal,
            width=10,
            number_format="0.##",
        ),
        Column("cost_min", label("cost_min"), attr("cost_min"), read_decimal, number_format="#,##0"),
        Column(
            "cost_most_likely",
            label("cost_most_likely"),
            attr("cost_most_likely"),
            read_decimal,
            number_format="#,##0",
        ),
        Column("cost_max", label("cost_max"), attr("cost_max"), read_decimal, number_format="#,##0"),
        Column(
            "schedule_min_minutes", _lazy("Schedule impact (min)"), minutes("schedule_min_minutes"), duration
        ),
        Column(
            "schedule_most_likely_minutes",
            _lazy("Schedule impact (most likely)"),
            minutes("schedule_most_likely_minutes"),
            duration,
        ),
        Column(
            "schedule_max_minutes", _lazy("Schedule impact (max)"), minutes("schedule_max_minutes"), duration
        ),
        Column("tasks", label("tasks"), codes, tasks, width=18),
    ]
