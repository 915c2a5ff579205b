"""The report document renderers: PDF, Excel and PowerPoint files read back (no database)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.formats import charts
from kuroko.formats.report_doc import (
    Bullets,
    Chart,
    Document,
    KeyValues,
    Link,
    RagValue,
    Section,
    Svg,
    Table,
    Text,
)
from kuroko.formats.report_xlsx import render_xlsx, sheet_name

GANTT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120">'
    '<rect x="10" y="10" width="200" height="20" fill="#2563eb"/><text x="10" y="80">設計</text></svg>'
)


def s_curve() -> dict:
    points = [{"end": date(2026, 4, d), "pv": d * 10.0, "ev": d * 9.0, "ac": d * 11.0} for d in range(1, 15)]
    return charts.s_curve(
        points,
        labels={"pv": "PV", "ev": "EV", "ac": "AC", "eac": "EAC", "date": "日付", "amount": "円",
                "status_date": "基準日"},
        status_date=date(2026, 4, 10),
    )  # fmt: skip


def document(rows: int = 5, risk_title: str = "ベンダー納期遅延") -> Document:
    risks = tuple(
        (
            f"R-{n:03d}",
            f"{risk_title} {n}",
            n * 1.5,
            RagValue("red" if n % 2 else "green", "赤" if n % 2 else "緑"),
        )
        for n in range(rows)
    )
    return Document(
        title="週報 ALPHA 基幹システム更改",
        subtitle="2026-W47",
        generated_at=datetime(2026, 11, 20, 17, 0),
        language="ja",
        labels={"red": "赤", "amber": "黄", "green": "緑", "generated": "作成 {when}", "continued": "(続き)"},
        sections=(
            Section(
                "概要",
                (
                    Text("結合テストの遅れを取り戻しつつあります。", "lead"),
                    KeyValues(
                        (("全体", RagValue("amber", "黄")), ("SPI", 0.93), ("完了予定", date(2026, 12, 18)))
                    ),
                    Bullets(("要員を2名追加", "顧客レビューを前倒し")),
                ),
                rag=RagValue("amber", "黄"),
            ),
            Section(
                "リスク",
                (
                    Table(
                        ("コード", "リスク", "スコア", "評価色"),
                        risks,
                        numeric=(2,),
                        number_formats={2: "0.00"},
                    ),
                ),
            ),
            Section("課題", (Table(("コード", "課題"), (), empty="未解決の課題はありません。"),)),
            Section(
                "グラフ",
                (Chart(s_curve(), title="Sカーブ"), Svg(GANTT, title="ガントチャート")),
                new_page=True,
            ),
            Section(
                "リンク", (Table(("プロジェクト",), ((Link("ALPHA", "https://kuroko.example/p/ALPHA"),),)),)
            ),
        ),
    )


def test_xlsx_sheets_colours_formats_and_japanese():
    """The workbook has a summary sheet and a sheet per table section, RAG fills, number formats, a frozen
    bold header and Japanese text."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render_xlsx(document())))
    assert book.sheetnames[:4] == ["Summary", "概要", "リスク", "課題"]
    summary = book["Summary"]
    assert summary["A1"].value == "週報 ALPHA 基幹システム更改"
    assert "結合テストの遅れを取り戻しつつあります。" in [c.value for c in summary["B"]]
    risks = book["リスク"]
    assert [c.value for c in risks[1]] == ["コード", "リスク", "スコア", "評価色"]
    assert risks["A1"].font.bold and risks.freeze_panes == "A2"
    assert risks["C3"].value == 1.5 and risks["C3"].number_format == "0.00"
    assert risks["D3"].value == "赤" and risks["D3"].fill.fgColor.rgb.endswith("DC2626")
    assert risks["D2"].fill.fgColor.rgb.endswith("16A34A")
    assert book["課題"]["A1"].value == "未解決の課題はありません。"
    facts = book["概要"]
    assert facts["B5"].value == datetime(2026, 12, 18) and facts["B5"].number_format == "yyyy-mm-dd"
    assert book["リンク"]["A2"].hyperlink.target == "https://kuroko.example/p/ALPHA"


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1:A9)",  # a formula
        "+81 3 1234",  # a plus sign (a phone number)
        "-1 day",  # a minus sign
        "@cmd",  # an at sign (a Lotus-style function)
    ],
)
def test_xlsx_text_that_looks_like_a_formula_stays_text(text):
    """A typed text starting with = + - @ is written as text, never as a formula."""
    from openpyxl import load_workbook

    doc = Document(title="t", sections=(Section("s", (Table(("a",), ((text,),)),)),))
    cell = load_workbook(io.BytesIO(render_xlsx(doc)))["s"]["A2"]
    assert cell.value == text and cell.data_type == "s"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=6))
def test_sheet_names_are_valid_and_unique(titles):
    """Any section titles give valid (≤ 31 characters, no []:*?/\\), distinct worksheet names."""
    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in titles]
    assert len({n.lower() for n in names}) == len(names)
    assert all(0 < len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def _pptx_texts(data: bytes) -> list[list[str]]:
    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        out.append(texts)
    return out


def test_pptx_title_slide_sections_pictures_and_east_asian_font():
    """16:9, a title slide, a slide per section with its table, RAG cells filled, the charts as pictures,
    and every run naming IPAexGothic as its East Asian font."""
    from pptx import Presentation
    from pptx.util import Inches

    from kuroko.formats.report_pptx import render_pptx

    data = render_pptx(document())
    prs = Presentation(io.BytesIO(data))
    assert prs.slide_width == Inches(13.333) and prs.slide_height == Inches(7.5)
    texts = _pptx_texts(data)
    assert "週報 ALPHA 基幹システム更改" in texts[0]
    assert any("概要" in t for t in texts[1]) and "黄" in " ".join(texts[1])
    assert "ベンダー納期遅延 3" in texts[2]
    assert "未解決の課題はありません。" in texts[3]
    # The graph section's two pictures (the S-curve and the Gantt chart), on its slide and the one after.
    graphs = [slide for slide, t in zip(prs.slides, texts, strict=True) if any("グラフ" in x for x in t)]
    assert sum(1 for slide in graphs for s in slide.shapes if s.shape_type == 13) == 2
    xml = prs.slides[2].shapes[-1]._element.xml
    assert 'typeface="IPAexGothic"' in xml and "<a:ea " in xml
    table = next(s for s in prs.slides[2].shapes if s.has_table).table
    assert table.cell(2, 3).fill.fore_color.rgb == (0xDC, 0x26, 0x26)


def test_pptx_long_table_continues_on_further_slides():
    """A table too long for one slide is split between rows, its header repeated, nothing lost."""
    from kuroko.formats.report_pptx import render_pptx

    texts = _pptx_texts(render_pptx(document(rows=60)))
    risk_slides = [t for t in texts if "コード" in t and any(x.startswith("R-") for x in t)]
    assert len(risk_slides) >= 3
    codes = [x for t in risk_slides for x in t if x.startswith("R-")]
    assert codes == [f"R-{n:03d}" for n in range(60)]
    assert any("(続き)" in x for x in risk_slides[1])


def test_pdf_holds_the_texts_in_japanese():
    """The PDF's extracted text has the title, the Japanese sections and table cells, and page numbers."""
    from pypdf import PdfReader

    from kuroko.formats.report_pdf import render_pdf

    reader = PdfReader(io.BytesIO(render_pdf(document(rows=3))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "週報 ALPHA 基幹システム更改",
        "リスク",
        "ベンダー納期遅延 2",
        "未解決の課題はありません。",
    ):
        assert expected in text
    assert len(reader.pages) >= 2
    assert "Page 1 of" in text


def test_documents_render_without_optional_parts():
    """An empty document still renders in every format."""
    from kuroko.formats.report_pdf import render_pdf
    from kuroko.formats.report_pptx import render_pptx

    doc = Document(title="Empty", sections=())
    assert render_xlsx(doc)[:2] == b"PK"
    assert render_pptx(doc)[:2] == b"PK"
    assert render_pdf(doc)[:4] == b"%PDF"


def test_pdf_and_pptx_write_numbers_in_their_column_formats():
    """A table's number formats ("0.0", "#,##0", "0%") shape the numbers in PDF and PowerPoint as in Excel."""
    from pypdf import PdfReader

    from kuroko.formats.report_doc import number_text
    from kuroko.formats.report_pdf import render_pdf
    from kuroko.formats.report_pptx import render_pptx

    assert number_text(16.0, "0.0") == "16.0" and number_text(1234567.4, "#,##0") == "1,234,567"
    assert number_text(0.126, "0%") == "13%" and number_text("16", "0.0") == "16"
    doc = Document(
        title="Scores",
        subtitle="",
        generated_at=datetime(2026, 11, 20, 17, 0),
        language="en",
        sections=(
            Section(
                "Risks",
                (Table(("Code", "Score"), (("R-001", 16.0), ("R-002", 7.25)), numeric=(1,),
                       number_formats={1: "0.0"}),),
            ),
        ),
    )  # fmt: skip
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(doc))).pages)
    assert "16.0" in text and "16.00" not in text and "7.2" in text and "7.25" not in text
    slides = " ".join(x for t in _pptx_texts(render_pptx(doc)) for x in t)
    assert "16.0" in slides and "16.00" not in slides


# --- links and the generated line -------------------------------------------------------------------

BASE = "https://pmo.example.com/"


def linked(base_url: str = "") -> Document:
    """A table of three links: an absolute address, a path of the site and something that is neither."""
    rows = (
        (Link("ALPHA", "https://kuroko.example/p/ALPHA"),),
        (Link("BETA", "/projects/BETA/status-reports/"),),
        (Link("GAMMA", "javascript:alert(1)"),),
    )
    return Document(
        title="Links", sections=(Section("Links", (Table(("Project",), rows),)),), base_url=base_url
    )


def test_link_url_is_absolute_or_nothing():
    """A link's address is absolute: a path gets the document's base; without a base, or for anything that
    is not http(s), there is none (the renderers then write the text alone)."""
    doc = linked(BASE)
    assert doc.link_url(Link("A", "https://kuroko.example/p/A")) == "https://kuroko.example/p/A"
    assert doc.link_url(Link("B", "/projects/B/")) == "https://pmo.example.com/projects/B/"
    assert doc.link_url(Link("C", "javascript:alert(1)")) == ""
    assert doc.link_url(Link("D", "projects/D/")) == ""
    assert linked().link_url(Link("B", "/projects/B/")) == ""
    assert linked().link_url(Link("A", "http://kuroko.example/p/A")) == "http://kuroko.example/p/A"


def test_generated_line_is_worded_once_for_every_format():
    """The "Generated …" line is the document's label with the time; empty without a time."""
    assert document().generated_text() == "作成 2026-11-20 17:00"
    assert Document(title="t", sections=(), generated_at=datetime(2026, 1, 2, 3, 4)).generated_text() == (
        "Generated 2026-01-02 03:04"
    )
    assert Document(title="t", sections=()).generated_text() == ""


def _pdf_links(data: bytes) -> set[str]:
    from pypdf import PdfReader

    return {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(data)).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    }


def _pptx_links(data: bytes) -> set[str]:
    from pptx import Presentation

    return {
        run.hyperlink.address
        for slide in Presentation(io.BytesIO(data)).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
        for para in cell.text_frame.paragraphs
        for run in para.runs
        if run.hyperlink.address
    }


def _xlsx_links(data: bytes) -> set[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {c.hyperlink.target for ws in book for row in ws.iter_rows() for c in row if c.hyperlink}


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "xlsx"])
@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (BASE, {"https://kuroko.example/p/ALPHA", "https://pmo.example.com/projects/BETA/status-reports/"}),
        ("", {"https://kuroko.example/p/ALPHA"}),  # no base: a path is written as text, not a broken link
    ],
)
def test_every_format_links_absolute_addresses_only(fmt, base_url, expected):
    """PDF, PowerPoint and Excel link a path through the document's base, and never link a relative path or
    another scheme; the text of every link is written either way."""
    from kuroko.formats.report_pdf import render_pdf
    from kuroko.formats.report_pptx import render_pptx

    render, read = {
        "pdf": (render_pdf, _pdf_links),
        "pptx": (render_pptx, _pptx_links),
        "xlsx": (render_xlsx, _xlsx_links),
    }[fmt]
    data = render(linked(base_url))
    assert read(data) == expected
    if fmt == "pdf":
        from pypdf import PdfReader

        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    elif fmt == "pptx":
        text = " ".join(x for t in _pptx_texts(data) for x in t)
    else:
        from openpyxl import load_workbook

        text = " ".join(
            str(c.value) for ws in load_workbook(io.BytesIO(data)) for r in ws.iter_rows() for c in r
        )
    assert all(name in text for name in ("ALPHA", "BETA", "GAMMA"))
