"""A report `Document` as PDF, through WeasyPrint: the document becomes one HTML page with print CSS
(A4 landscape, page numbers, RAG colours), charts as SVG from the same Vega-Lite specs the browser draws,
and IPAexGothic embedded so that Japanese renders on any machine. Pure: no Django; WeasyPrint is imported
when a PDF is asked for (it takes about a second to load)."""

from __future__ import annotations

import base64
from html import escape

from kuroko.formats import charts, fonts
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
    number_text,
)


def _css(doc: Document) -> str:
    font = fonts.japanese_font_path()
    face = f"@font-face {{ font-family: '{fonts.FAMILY}'; src: url('{font.as_uri()}'); }}" if font else ""
    page = escape(doc.label("page", "Page {page} of {pages}"))
    page_css = page.replace("{page}", '" counter(page) "').replace("{pages}", '" counter(pages) "')
    return f"""{face}
@page {{ size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
  @bottom-right {{ content: "{page_css}"; font-size: 8pt; color: #6b7280; }}
  @bottom-left {{ content: "{escape(doc.title)}"; font-size: 8pt; color: #6b7280; }} }}
body {{ font-family: '{fonts.FAMILY}', sans-serif; font-size: 9.5pt; color: #111827; }}
h1 {{ font-size: 17pt; margin: 0 0 2mm; }} h2 {{ font-size: 12.5pt; margin: 5mm 0 2mm;
  border-bottom: 1px solid #d1d5db; padding-bottom: 1mm; }}
.subtitle, .muted {{ color: #6b7280; font-size: 8.5pt; }} .lead {{ font-size: 11pt; }}
section.break {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }}
th, td {{ border: 1px solid #d1d5db; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
th {{ background: #f3f4f6; }} td.num {{ text-align: right; }} caption {{ text-align: left; color: #6b7280; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: 0.8mm 4mm; }} dt {{ color: #4b5563; }}
dd {{ margin: 0; }}
.rag {{ display: inline-block; min-width: 10mm; padding: 0 1.5mm; border-radius: 1mm; color: white; }}
img.chart {{ max-width: 100%; }}
"""


def _rag(value: RagValue) -> str:
    colour = RAG_COLOURS.get(value.rag, RAG_COLOURS[""])
    return f'<span class="rag" style="background:#{colour}">{escape(value.text or value.rag or "–")}</span>'


def _cell(value: Cell, doc: Document, number_format: str = "") -> str:
    if isinstance(value, RagValue):
        return _rag(value)
    if isinstance(value, Link) and (url := doc.link_url(value)):
        return f'<a href="{escape(url)}">{escape(value.text)}</a>'
    return escape(number_text(value, number_format)).replace("\n", "<br>")


def _svg_img(svg: str, css_class: str = "chart") -> str:
    data = base64.b64encode(svg.encode()).decode()
    return f'<img class="{css_class}" src="data:image/svg+xml;base64,{data}">'


def _block(block: Block, doc: Document) -> str:
    if isinstance(block, Text):
        return f'<p class="{block.style}">{escape(block.text).replace(chr(10), "<br>")}</p>'
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, KeyValues):
        pairs = "".join(f"<dt>{escape(k)}</dt><dd>{_cell(v, doc)}</dd>" for k, v in block.items)
        return f"<dl>{pairs}</dl>"
    if isinstance(block, Table):
        if not block.rows and block.empty:
            return f'<p class="muted">{escape(block.empty)}</p>'
        head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="num">{_cell(c, doc, block.number_formats.get(i, ""))}</td>'
                if i in block.numeric
                else f"<td>{_cell(c, doc, block.number_formats.get(i, ''))}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>"
            for row in block.rows
        )
        caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Chart):
        fonts.register_chart_font()
        title = f"<h3>{escape(block.title)}</h3>" if block.title else ""
        return title + _svg_img(charts.to_svg(block.spec, width=block.width))
    if isinstance(block, Svg):
        title = f"<h3>{escape(block.title)}</h3>" if block.title else ""
        return title + _svg_img(block.svg)
    raise TypeError(f"unknown block {type(block).__name__}")


def _section(section: Section, doc: Document) -> str:
    rag = " " + _rag(section.rag) if section.rag else ""
    css = ' class="break"' if section.new_page else ""
    inner = "".join(_block(b, doc) for b in section.blocks)
    return f"<section{css}><h2>{escape(section.title)}{rag}</h2>{inner}</section>"


def document_html(doc: Document) -> str:
    """The document as one self-contained HTML page (what the PDF prints)."""
    subtitle = " · ".join(escape(t) for t in (doc.subtitle, doc.generated_text()) if t)
    body = "".join(_section(s, doc) for s in doc.sections)
    return (
        f'<!doctype html><html lang="{escape(doc.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(doc.title)}</title><style>{_css(doc)}</style></head><body>"
        f'<h1>{escape(doc.title)}</h1><p class="subtitle">{subtitle}</p>{body}</body></html>'
    )


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes."""
    from weasyprint import HTML

    return bytes(HTML(string=document_html(doc)).write_pdf())
