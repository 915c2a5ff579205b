"""The DCMA 14-point report as an .xlsx workbook: one sheet of checks, one of the tasks each check names."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from kuroko.formats.tabular import Cell, keep_text


def write_workbook(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]], Sequence[int]]],
) -> bytes:
    """Sheets of (name, header, rows, column widths) as .xlsx bytes: a bold frozen header with a filter on
    each; text stays text (a cell starting with "=" is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, header, rows, widths in sheets:
        ws = book.create_sheet(title=name[:31])
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        ws.freeze_panes = "A2"
        head = []
        for title in header:
            cell = keep_text(WriteOnlyCell(ws, value=title))
            cell.font = bold
            head.append(cell)
        ws.append(head)
        count = 0
        for row in rows:
            ws.append([keep_text(WriteOnlyCell(ws, value=value)) for value in row])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
