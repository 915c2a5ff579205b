"""The printable portfolio timeline (pure SVG renderer, no database)."""

from __future__ import annotations

from datetime import date, datetime
from xml.etree import ElementTree

import pytest

from kuroko.formats.timeline_svg import (
    TimelineChart,
    TimelineItem,
    TimelineLink,
    TimelineProject,
    render_timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def chart(**overrides) -> TimelineChart:
    alpha = TimelineProject(
        code="A-1",
        name="Core <banking> & more",
        group="Core",
        start=datetime(2026, 4, 6, 9),
        finish=datetime(2026, 9, 30, 18),
        percent=40,
        colour="amber",
        phases=(TimelineItem("Design", datetime(2026, 4, 6, 9), datetime(2026, 6, 1, 18)),),
        milestones=(TimelineItem("Go-live", datetime(2026, 9, 30, 18), datetime(2026, 9, 30, 18), True),),
    )
    beta = TimelineProject(
        code="B-1", name="Beta", group="", start=datetime(2026, 5, 1, 9), finish=datetime(2026, 12, 1, 18)
    )
    values = {
        "title": "Portfolio timeline",
        "projects": (alpha, beta),
        "links": (TimelineLink(0, 1, datetime(2026, 6, 1, 18), datetime(2026, 5, 1, 9), broken=True),),
        "today": date(2026, 7, 1),
        "labels": {"project": "Project", "no_program": "No program"},
    }
    return TimelineChart(**(values | overrides))


def test_document_is_well_formed_and_escapes_text():
    """The SVG parses as XML; names with markup characters are escaped, not injected."""
    svg = render_timeline_svg(chart())
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    text = "".join(root.itertext())
    assert "Core <banking> & more" in text
    assert "No program" in text  # the heading of projects without a program


def test_phases_milestones_links_and_today():
    """Phases are thin bars, milestones diamonds (red when critical), a broken link is red and dashed."""
    svg = render_timeline_svg(chart())
    assert 'height="6"' in svg  # the phase
    assert svg.count(" l6,6 l-6,6 l-6,-6 z") == 1  # the milestone
    assert 'fill="#b91c1c"/>' in svg  # critical milestone
    assert 'stroke-dasharray="4 2" marker-end="url(#ar)"' in svg  # broken link
    assert 'stroke="#f59e0b"' in svg  # today


def test_without_phases_only_the_spans_are_drawn():
    """show_phases=False leaves out phases and milestones and makes the rows lower."""
    full, plain = render_timeline_svg(chart()), render_timeline_svg(chart(show_phases=False))
    assert 'height="6"' not in plain and " l6,6 " not in plain
    height = lambda svg: float(ElementTree.fromstring(svg).get("height"))  # noqa: E731
    assert height(plain) < height(full)


def test_empty_chart_draws_an_empty_axis():
    """No projects: a valid document with the timescale only."""
    ElementTree.fromstring(render_timeline_svg(chart(projects=(), links=())))


def test_links_to_unknown_rows_are_skipped():
    """A link whose row index is outside the chart is ignored, not drawn somewhere wrong."""
    svg = render_timeline_svg(chart(links=(TimelineLink(0, 7, datetime(2026, 6, 1), datetime(2026, 7, 1)),)))
    assert "marker-end" not in svg


def test_colour_must_be_a_rag_colour():
    """A project's colour is green, amber, red or empty."""
    with pytest.raises(ValueError, match="green, amber, red or empty"):
        TimelineProject(code="X", name="X", group="", start=None, finish=None, colour="purple")
