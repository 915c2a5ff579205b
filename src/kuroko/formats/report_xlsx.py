"""A report `Document` as an .xlsx workbook (openpyxl): a sheet per section that holds a table or a fact
sheet (a first "summary" sheet gathers the text of the others), RAG cells filled with their colour, the
tables' number formats, bold frozen headers with a filter, and text that starts with = + - @ kept as text
(never a formula). Charts and pictures are left out: a workbook carries the figures. Pure: no Django."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kuroko.formats.report_doc import (
    RAG_COLOURS,
    RAGS,
    Bullets,
    Cell,
    Document,
    KeyValues,
    Link,
    RagValue,
    Section,
    Table,
    Text,
    cell_text,
)

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\, at most 31 characters."""
    base = _BAD_SHEET.sub(" ", title).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _value(value: Cell) -> Any:
    """What goes in a cell: numbers and dates as themselves, everything else as text."""
    if value is None:
        return None
    if isinstance(value, RagValue | Link):
        return cell_text(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | date | datetime):
        return value
    return str(value)


def _has_grid(section: Section) -> bool:
    return any(isinstance(b, Table | KeyValues) for b in section.blocks)


def render_xlsx(doc: Document) -> bytes:
    """The document as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    white_bold = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="F3F4F6")
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    taken: set[str] = set()

    def put(ws: Any, row: int, col: int, value: Cell, fmt: str = "") -> None:
        cell = ws.cell(row=row, column=col, value=_value(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # "=SUM(…)" typed by a user stays text
        if isinstance(value, RagValue) and value.rag in RAGS:  # a cell not rated keeps no fill
            cell.fill = PatternFill("solid", fgColor=RAG_COLOURS[value.rag])
            cell.font = white_bold
        if isinstance(value, Link) and (url := doc.link_url(value)):
            cell.hyperlink = url
        if fmt and isinstance(cell.value, int | float):
            cell.number_format = fmt
        elif isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"

    # The first sheet: the title, the subtitle and every section's text, in order.
    summary = book.active
    summary.title = sheet_name(doc.label("summary_sheet", "Summary"), taken)
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 90
    put(summary, 1, 1, doc.title)
    summary.cell(row=1, column=1).font = Font(bold=True, size=14)
    line = 2
    if doc.subtitle:
        put(summary, line, 1, doc.subtitle)
        line += 1
    if generated := doc.generated_text():
        put(summary, line, 1, generated)
        line += 1
    for section in doc.sections:
        texts: list[Text | Bullets] = [b for b in section.blocks if isinstance(b, Text | Bullets)]
        if not texts and section.rag is None:
            continue
        line += 1
        put(summary, line, 1, section.title)
        summary.cell(row=line, column=1).font = bold
        if section.rag is not None:
            put(summary, line, 2, section.rag)
        for text_block in texts:
            bullet = isinstance(text_block, Bullets)
            items = text_block.items if isinstance(text_block, Bullets) else (text_block.text,)
            for item in items:
                line += 1
                put(summary, line, 2, ("• " if bullet else "") + item)
                summary.cell(row=line, column=2).alignment = wrap

    for section in doc.sections:
        if not _has_grid(section):
            continue
        ws = book.create_sheet(sheet_name(section.sheet or section.title, taken))
        row = 1
        widths: dict[int, int] = {}
        frozen = False
        for block in section.blocks:
            if isinstance(block, KeyValues):
                for label, value in block.items:
                    put(ws, row, 1, label)
                    ws.cell(row=row, column=1).font = bold
                    put(ws, row, 2, value)
                    widths[1] = max(widths.get(1, 0), len(label))
                    widths[2] = max(widths.get(2, 0), len(cell_text(value)))
                    row += 1
                row += 1
            elif isinstance(block, Table):
                if block.caption:
                    put(ws, row, 1, block.caption)
                    ws.cell(row=row, column=1).font = bold
                    row += 1
                if not block.rows and block.empty:
                    put(ws, row, 1, block.empty)
                    row += 2
                    continue
                head_row = row
                for col, title in enumerate(block.columns, start=1):
                    put(ws, row, col, title)
                    ws.cell(row=row, column=col).font = bold
                    ws.cell(row=row, column=col).fill = head_fill
                    widths[col] = max(widths.get(col, 0), len(title))
                for cells in block.rows:
                    row += 1
                    for col, value in enumerate(cells, start=1):
                        put(ws, row, col, value, block.number_formats.get(col - 1, ""))
                        widths[col] = max(widths.get(col, 0), min(len(cell_text(value)), 60))
                if not frozen:
                    # The first table's header stays in view; a filter on it sorts the rows.
                    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
                    last = get_column_letter(max(len(block.columns), 1))
                    ws.auto_filter.ref = f"A{head_row}:{last}{row}"
                    frozen = True
                row += 2
            elif isinstance(block, Text) and block.text:
                put(ws, row, 1, block.text)
                row += 2
        for col, width in widths.items():
            # Japanese characters are about twice as wide as Latin ones.
            ws.column_dimensions[get_column_letter(col)].width = max(8, min(width * 1.6 + 2, 70))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
