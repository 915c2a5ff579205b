"""The neutral report document that every export renders: a status report, the portfolio summary, the
executive pack and meeting minutes are each built as a `Document` (by the reporting app, with every text
already translated), and `report_pdf`, `report_xlsx` and `report_pptx` turn a document into a file. Pure:
no Django.

A document is a title and a list of sections; a section is a heading and blocks. In a PDF each section
flows on (or starts a new page when `new_page`); in a PowerPoint pack each section is a slide (a long
table continues on further slides); in a workbook each section with a table is a sheet (`sheet` names it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

RAGS = ("red", "amber", "green")


@dataclass(frozen=True, slots=True)
class RagValue:
    """A colour cell: `rag` is "red", "amber", "green" or "" (not rated); `text` is what is written in it
    (the translated colour name, or a short reason)."""

    rag: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """Text with an address (an absolute URL, or a path the renderer is given a base for)."""

    text: str
    url: str


Cell = str | int | float | Decimal | date | datetime | RagValue | Link | None


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph; `style` is "" (body), "lead" (larger, first in a section) or "muted" (small, grey)."""

    text: str
    style: str = ""


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyValues:
    """Label and value pairs (a fact sheet); a value may be a RAG cell."""

    items: tuple[tuple[str, Cell], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table: header texts and rows of cells. `numeric` lists the columns aligned right (numbers);
    `number_formats` maps a column to an Excel number format ("0.00", "#,##0", "0%")."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[int, ...] = ()
    number_formats: Mapping[int, str] = field(default_factory=dict)
    caption: str = ""
    empty: str = ""  # written instead of the table when it has no rows


@dataclass(frozen=True, slots=True)
class Chart:
    """A Vega-Lite specification (`kuroko.formats.charts`): drawn as SVG in a PDF, as PNG in PowerPoint."""

    spec: Mapping[str, Any]
    title: str = ""
    width: int = 720


@dataclass(frozen=True, slots=True)
class Svg:
    """A ready SVG picture (the Gantt chart of `gantt_svg`)."""

    svg: str
    title: str = ""


Block = Text | Bullets | KeyValues | Table | Chart | Svg


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    new_page: bool = False
    sheet: str = ""  # the worksheet name in a workbook (defaults to the title, shortened)
    rag: RagValue | None = None  # a colour shown beside the heading (a project's overall status)


@dataclass(frozen=True, slots=True)
class Document:
    """A whole report. `labels` carries the few words a renderer writes itself, translated by the caller:
    "page" ("Page {page} of {pages}"), "generated" ("Generated {when}"), "red", "amber", "green",
    "none" (no colour)."""

    title: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    generated_at: datetime | None = None
    language: str = "en"
    labels: Mapping[str, str] = field(default_factory=dict)
    base_url: str = ""  # prefixed to Link urls that start with "/"

    def label(self, key: str, default: str) -> str:
        return self.labels.get(key, default)


def cell_text(value: Cell, *, decimals: int = 2) -> str:
    """A cell as plain text (dates ISO, decimals with `decimals` places, None empty)."""
    if value is None:
        return ""
    if isinstance(value, RagValue):
        return value.text or value.rag
    if isinstance(value, Link):
        return value.text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | Decimal):
        return f"{value:,.{decimals}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
