"""A report `Document` as a PowerPoint deck (python-pptx): 16:9, a title slide, then each section on a
slide of its own; blocks that do not fit continue on further slides (a long table is split between rows
and its header repeated). RAG cells are filled with their colour; charts are drawn as PNG from the same
Vega-Lite specs (`vl_convert`), the Gantt SVG through `vl_convert.svg_to_png`. Every text run names
IPAexGothic as its East Asian font as well as its Latin one, so Japanese renders in PowerPoint and
LibreOffice alike. Pure: no Django."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from kuroko.formats import fonts
from kuroko.formats.report_doc import (
    RAG_COLOURS,
    Block,
    Bullets,
    Cell,
    Chart,
    Document,
    KeyValues,
    Link,
    RagValue,
    Section,
    Svg,
    Table,
    Text,
    cell_text,
    number_text,
)

GREY = (0x6B, 0x72, 0x80)
DARK = (0x11, 0x18, 0x27)

# Slide geometry in inches (16:9 is 13.333 × 7.5).
WIDTH, HEIGHT = 13.333, 7.5
LEFT, TOP, BOTTOM = 0.5, 1.15, 7.05
ROW_H = 0.3  # a table row
LINE_H = 0.27  # a line of body text
CHARS_PER_LINE = 150  # Latin characters in a line of body text across the slide
IMAGE_H = 3.3  # a chart


@dataclass(slots=True)
class _Slide:
    """The slide being filled and the height used on it so far."""

    slide: Any
    y: float


class _Deck:
    def __init__(self, doc: Document) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.doc = doc
        self.prs = Presentation()
        self.prs.slide_width = Inches(WIDTH)
        self.prs.slide_height = Inches(HEIGHT)
        self.blank = self.prs.slide_layouts[6]
        self.number = 0

    # --- text ------------------------------------------------------------------------------------

    def style(self, run: Any, *, size: float, bold: bool = False, rgb: tuple[int, int, int] = DARK) -> None:
        """Size, weight, colour and the Latin and East Asian font of a run (in the schema's order)."""
        from pptx.dml.color import RGBColor
        from pptx.oxml.ns import qn
        from pptx.util import Pt

        font = run.font
        font.size = Pt(size)
        font.bold = bold
        font.color.rgb = RGBColor(*rgb)  # type: ignore[no-untyped-call]
        font.name = fonts.FAMILY
        rpr = run._r.get_or_add_rPr()
        latin = rpr.find(qn("a:latin"))
        if rpr.find(qn("a:ea")) is None:
            ea = rpr.makeelement(qn("a:ea"), {"typeface": fonts.FAMILY})
            latin.addnext(ea)

    def textbox(
        self,
        slide: Any,
        x: float,
        y: float,
        w: float,
        h: float,
        lines: list[str],
        *,
        size: float = 12,
        bold: bool = False,
        rgb: tuple[int, int, int] = DARK,
        bullets: bool = False,
    ) -> Any:
        from pptx.util import Inches

        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        frame = box.text_frame
        frame.word_wrap = True
        for n, line in enumerate(lines):
            para = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = ("• " if bullets else "") + line
            self.style(run, size=size, bold=bold, rgb=rgb)
        return box

    # --- slides ----------------------------------------------------------------------------------

    def footer(self, slide: Any) -> None:
        self.number += 1
        self.textbox(slide, LEFT, HEIGHT - 0.4, 9, 0.3, [self.doc.title], size=8, rgb=GREY)
        self.textbox(slide, WIDTH - 1.5, HEIGHT - 0.4, 1.0, 0.3, [str(self.number)], size=8, rgb=GREY)

    def title_slide(self) -> None:
        slide = self.prs.slides.add_slide(self.blank)
        self.textbox(slide, 0.8, 2.4, WIDTH - 1.6, 1.2, [self.doc.title], size=32, bold=True)
        lines = [self.doc.subtitle] if self.doc.subtitle else []
        if generated := self.doc.generated_text():
            lines.append(generated)
        if lines:
            self.textbox(slide, 0.8, 3.7, WIDTH - 1.6, 1.0, lines, size=16, rgb=GREY)
        self.footer(slide)

    def section_slide(self, section: Section, *, more: bool = False) -> _Slide:
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Inches

        slide = self.prs.slides.add_slide(self.blank)
        title = section.title + (" " + self.doc.label("continued", "(continued)") if more else "")
        self.textbox(slide, LEFT, 0.3, WIDTH - 3.0, 0.7, [title], size=24, bold=True)
        if section.rag is not None:
            shape = slide.shapes.add_shape(
                MSO_SHAPE.ROUNDED_RECTANGLE, Inches(WIDTH - 2.4), Inches(0.4), Inches(1.9), Inches(0.5)
            )
            self.fill(shape, section.rag.rag)
            shape.line.fill.background()
            para = shape.text_frame.paragraphs[0]
            run = para.add_run()
            run.text = self.rag_text(section.rag)
            self.style(run, size=12, bold=True, rgb=(0xFF, 0xFF, 0xFF))
        self.footer(slide)
        return _Slide(slide, TOP)

    def fill(self, shape_or_cell: Any, rag: str) -> None:
        from pptx.dml.color import RGBColor

        shape_or_cell.fill.solid()
        colour = RAG_COLOURS.get(rag, RAG_COLOURS[""])
        shape_or_cell.fill.fore_color.rgb = RGBColor.from_string(colour)  # type: ignore[no-untyped-call]

    def rag_text(self, value: RagValue) -> str:
        return value.text or self.doc.label(value.rag or "none", value.rag or "–")

    # --- blocks ----------------------------------------------------------------------------------

    def section(self, section: Section) -> None:
        page = self.section_slide(section)
        for block in section.blocks:
            page = self.block(section, page, block)

    def room(self, section: Section, page: _Slide, needed: float) -> _Slide:
        """The current slide if `needed` inches fit below what is on it, else a continuation slide."""
        if page.y + needed <= BOTTOM or page.y <= TOP:
            return page
        return self.section_slide(section, more=True)

    def block(self, section: Section, page: _Slide, block: Block) -> _Slide:
        if isinstance(block, Text):
            lines = block.text.splitlines() or [""]
            height = sum(max(1, -(-len(line) // CHARS_PER_LINE)) for line in lines) * LINE_H + 0.15
            page = self.room(section, page, height)
            size = {"lead": 15, "muted": 10}.get(block.style, 12)
            rgb = GREY if block.style == "muted" else DARK
            self.textbox(page.slide, LEFT, page.y, WIDTH - 2 * LEFT, height, lines, size=size, rgb=rgb)
            page.y += height
            return page
        if isinstance(block, Bullets):
            items = list(block.items)
            while items:
                fit = max(1, int((BOTTOM - page.y) // LINE_H))
                chunk, items = items[:fit], items[fit:]
                height = len(chunk) * LINE_H + 0.1
                self.textbox(page.slide, LEFT, page.y, WIDTH - 2 * LEFT, height, chunk, bullets=True)
                page.y += height
                if items:
                    page = self.section_slide(section, more=True)
            return page
        if isinstance(block, KeyValues):
            table = Table(columns=("", ""), rows=tuple((label, value) for label, value in block.items))
            return self.table(section, page, table, header=False)
        if isinstance(block, Table):
            return self.table(section, page, block)
        if isinstance(block, Chart):
            import vl_convert

            fonts.register_chart_font()
            spec = dict(block.spec)
            if spec.get("width") == "container":
                spec["width"] = block.width
            png = vl_convert.vegalite_to_png(spec, scale=2)
            return self.picture(section, page, png, block.title, IMAGE_H)
        if isinstance(block, Svg):
            import vl_convert

            fonts.register_chart_font()
            png = vl_convert.svg_to_png(block.svg, scale=1.5)
            return self.picture(section, page, png, block.title, BOTTOM - TOP - 0.4)
        raise TypeError(f"unknown block {type(block).__name__}")

    def picture(self, section: Section, page: _Slide, png: bytes, title: str, max_h: float) -> _Slide:
        from pptx.util import Inches

        width, height = _png_size(png)
        box_w, box_h = WIDTH - 2 * LEFT, max_h
        scale = min(box_w / width, box_h / height)
        w, h = width * scale, height * scale
        needed = h + (0.35 if title else 0)
        page = self.room(section, page, needed)
        if title:
            self.textbox(page.slide, LEFT, page.y, box_w, 0.35, [title], size=12, bold=True)
            page.y += 0.35
        page.slide.shapes.add_picture(io.BytesIO(png), Inches(LEFT), Inches(page.y), Inches(w), Inches(h))
        page.y += h + 0.15
        return page

    def table(self, section: Section, page: _Slide, table: Table, *, header: bool = True) -> _Slide:
        if table.caption:
            page = self.room(section, page, LINE_H + ROW_H * 2)
            self.textbox(
                page.slide, LEFT, page.y, WIDTH - 2 * LEFT, LINE_H, [table.caption], size=11, bold=True
            )
            page.y += LINE_H + 0.05
        if not table.rows:
            if table.empty:
                page = self.room(section, page, LINE_H)
                self.textbox(
                    page.slide, LEFT, page.y, WIDTH - 2 * LEFT, LINE_H, [table.empty], size=11, rgb=GREY
                )
                page.y += LINE_H + 0.1
            return page
        rows = list(table.rows)
        while rows:
            page = self.room(section, page, ROW_H * (3 if header else 2))
            fit = max(1, int((BOTTOM - page.y) // ROW_H) - (1 if header else 0))
            chunk, rows = rows[:fit], rows[fit:]
            self.grid(page, table, chunk, header=header)
            page.y += ROW_H * (len(chunk) + (1 if header else 0)) + 0.2
            if rows:
                page = self.section_slide(section, more=True)
        return page

    def grid(self, page: _Slide, table: Table, rows: list[tuple[Cell, ...]], *, header: bool) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Inches

        ncols = max(len(table.columns), max((len(r) for r in rows), default=1))
        nrows = len(rows) + (1 if header else 0)
        width = WIDTH - 2 * LEFT
        shape = page.slide.shapes.add_table(
            nrows, ncols, Inches(LEFT), Inches(page.y), Inches(width), Inches(ROW_H * nrows)
        )
        grid = shape.table
        grid.first_row = header
        # Columns as wide as their longest text (within bounds), sharing the slide's width.
        lengths = [
            max(
                [len(table.columns[c]) if c < len(table.columns) else 0]
                + [min(len(cell_text(r[c])), 60) for r in rows if c < len(r)]
                + [4]
            )
            for c in range(ncols)
        ]
        total = sum(lengths)
        for c in range(ncols):
            grid.columns[c].width = Inches(width * lengths[c] / total)
        for r in range(nrows):
            grid.rows[r].height = Inches(ROW_H)

        def put(r: int, c: int, value: Cell, *, bold: bool = False) -> None:
            cell = grid.cell(r, c)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            frame = cell.text_frame
            frame.word_wrap = True
            para = frame.paragraphs[0]
            run = para.add_run()
            rgb = DARK
            if isinstance(value, RagValue):
                run.text = self.rag_text(value)
                self.fill(cell, value.rag)
                rgb, bold = (0xFF, 0xFF, 0xFF), True
            else:
                run.text = number_text(value, table.number_formats.get(c, "") if not header or r > 0 else "")
                if not header or r > 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)  # type: ignore[no-untyped-call]
            if isinstance(value, Link) and (url := self.doc.link_url(value)):
                run.hyperlink.address = url
            if c in table.numeric and (not header or r > 0):
                para.alignment = PP_ALIGN.RIGHT
            self.style(run, size=10, bold=bold, rgb=(0xFF, 0xFF, 0xFF) if header and r == 0 else rgb)

        if header:
            for c, title in enumerate(table.columns):
                put(0, c, title, bold=True)
        for r, cells in enumerate(rows, start=1 if header else 0):
            for c in range(ncols):
                put(r, c, cells[c] if c < len(cells) else None, bold=not header and c == 0)


def _png_size(png: bytes) -> tuple[float, float]:
    """Width and height of a PNG in pixels (read from its IHDR chunk)."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return float(max(width, 1)), float(max(height, 1))


def render_pptx(doc: Document) -> bytes:
    """The document as .pptx bytes."""
    deck = _Deck(doc)
    deck.title_slide()
    for section in doc.sections:
        deck.section(section)
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return buffer.getvalue()
