"""Tables as files people open in Excel: CSV (UTF-8 with a byte order mark) and .xlsx.

Excel reads a CSV file without a byte order mark in the system's legacy code page (Shift_JIS in Japan)
and garbles Japanese names; with the mark it reads UTF-8. Lines end in CRLF as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

Cell = str | int | float | date | None

BOM = "\ufeff"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as CSV bytes: UTF-8 with a BOM, CRLF line ends, None as an empty field."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
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
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    count = 0
    for row in rows:
        cells = []
        for n, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=value)
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
