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
# The colour of each RAG value as RGB hex digits (the PDF's CSS, PowerPoint's fills and Excel's fills); ""
# is "not rated" (grey).
RAG_COLOURS = {"red": "DC2626", "amber": "F59E0B", "green": "16A34A", "": "9CA3AF"}
# The addresses a link may open: anything else (a relative path without a base, javascript:, file:) is
# written as its text alone.
LINK_SCHEMES = ("https://", "http://")


@dataclass(frozen=True, slots=True)
class RagValue:
    """A colour cell: `rag` is "red", "amber", "green" or "" (not rated); `text` is what is written in it
    (the translated colour name, or a short reason)."""

    rag: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """Text with an address: an absolute URL, or a path of the site (see `Document.link_url`)."""

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
    base_url: str = ""  # the site's address ("https://pmo.example.com"), put before Link urls that are paths

    def label(self, key: str, default: str) -> str:
        return self.labels.get(key, default)

    def generated_text(self) -> str:
        """The "Generated {when}" line with the document's time; empty without one."""
        if self.generated_at is None:
            return ""
        when = self.generated_at.strftime("%Y-%m-%d %H:%M")
        return self.label("generated", "Generated {when}").replace("{when}", when)

    def link_url(self, link: Link) -> str:
        """The absolute address a link opens: its url when absolute (http or https), a path ("/…") after
        `base_url`; empty when there is none (a path without a base, another scheme), and the renderers
        then write the link's text alone rather than a link that would not open."""
        url = link.url
        if url.startswith("/") and not url.startswith("//") and self.base_url:
            url = self.base_url.rstrip("/") + url
        return url if url.lower().startswith(LINK_SCHEMES) else ""


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


def number_text(value: Cell, number_format: str = "") -> str:
    """A cell as text, a number written as its column's Excel number format says ("0.0" → one place,
    "#,##0" → thousands without places, "0%" → a percentage), as the workbook shows it."""
    if not number_format or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return cell_text(value)
    body = number_format.split(";")[0]
    places = len(body.split(".", 1)[1].rstrip("%")) if "." in body else 0
    grouping = "," if "," in body else ""
    if body.endswith("%"):
        return f"{float(value) * 100:{grouping}.{places}f}%"
    return f"{value:{grouping}.{places}f}"
