"""Tables as files people open in Excel: CSV (UTF-8 with a byte order mark) and .xlsx.

Excel reads a CSV file without a byte order mark in the system's legacy code page (Shift_JIS in Japan)
and garbles Japanese names; with the mark it reads UTF-8. Lines end in CRLF as RFC 4180 says.

Text typed by users (task names, imported tracker issues) must not run as a formula in whoever opens the
file ("CSV injection"): in CSV, text starting with = + - @ (or a tab or carriage return, which Excel
skips) gets a leading apostrophe (`csv_safe`); in .xlsx, text cells are stored as text (`keep_text`),
since openpyxl would store text starting with "=" as a formula. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

Cell = str | int | float | date | None

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_safe(value: Cell) -> Cell:
    """A value as a CSV cell that spreadsheet programs show rather than run: text that would be read as a
    formula gets a leading apostrophe; numbers, and text that is only a signed number ("-5"), stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def keep_text(cell: Any) -> Any:
    """An openpyxl cell whose text stays text: openpyxl stores text starting with "=" as a formula, which
    would run in everyone's copy of the export."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as CSV bytes: UTF-8 with a BOM, CRLF line ends, None as an empty field, text that would
    run as a formula made safe (`csv_safe`)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(title) for title in header])
    for row in rows:
        writer.writerow(["" if value is None else csv_safe(value) for value in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    number_formats: Sequence[str | None] = (),
    widths: Sequence[int] = (),
) -> bytes:
    """The table as an .xlsx workbook of one sheet: a bold header row frozen at the top with a filter,
    numbers kept as numbers (with `number_formats` per column, e.g. "0.0"), column `widths` in characters.
    """
    from openpyxl import Workbook  # imported here: loading it costs ~0.1 s
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])  # Excel's limit on sheet names
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for title in header:
        cell = keep_text(WriteOnlyCell(ws, value=title))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    count = 0
    for row in rows:
        cells = []
        for n, value in enumerate(row):
            cell = keep_text(WriteOnlyCell(ws, value=value))
            fmt = number_formats[n] if n < len(number_formats) else None
            if fmt and isinstance(value, int | float):
                cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
