"""The dashboard charts: pure Vega-Lite specs that render to SVG (with Japanese labels) as in the PDFs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.formats import charts, charts_dashboard

JA_RAG = {
    "red": "赤",
    "amber": "黄",
    "green": "緑",
    "none": "未評価",
    "week": "週",
    "projects": "プロジェクト",
}
MONDAYS = [date(2026, 11, 2) + timedelta(days=7 * k) for k in range(4)]


def _rag_points() -> list[dict]:
    return [
        {"week": m, "label": f"2026-W{45 + k}", "red": k, "amber": 2, "green": 5 - k, "none": 1}
        for k, m in enumerate(MONDAYS)
    ]


def _heat_cells(size: int = 5) -> list[dict]:
    return [
        {"probability": p, "impact": i, "level": "high" if p + i > 7 else "low", "count": (p * i) % 4}
        for p in range(1, size + 1)
        for i in range(1, size + 1)
    ]


def _capacity_rows() -> list[dict]:
    return [
        {
            "name": name,
            "cells": [
                {"week": m, "label": f"2026-W{45 + k}", "percent": pct, "work": 40.0, "capacity": 40.0}
                for k, (m, pct) in enumerate(zip(MONDAYS, percents, strict=True))
            ],
        }
        for name, percents in (("基盤チーム", [80, 120, 150, None]), ("営業部", [0, 50, 99, 101]))
    ]


def test_rag_trend_stacks_every_colour_of_every_week():
    """Each week gives one bar segment per colour with a count, in the order the weeks were given."""
    spec = charts_dashboard.rag_trend(_rag_points(), labels=JA_RAG)
    values = spec["data"]["values"]
    week0 = [v for v in values if v["week"] == "2026-W45"]
    assert {v["rag"]: v["count"] for v in week0} == {"黄": 2, "緑": 5, "未評価": 1}  # no red segment at 0
    assert spec["encoding"]["x"]["sort"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["赤", "黄", "緑", "未評価"]


def test_risk_heat_map_puts_the_highest_probability_on_top():
    """The probability axis is sorted from the highest level down and every cell keeps its count."""
    spec = charts_dashboard.risk_heat_map(
        _heat_cells(),
        probability_labels=["極低", "低", "中", "高", "極高"],
        impact_labels=["極小", "小", "中", "大", "極大"],
        labels={"probability": "発生確率", "impact": "影響度", "risks": "リスク", "level": "レベル"},
    )
    assert spec["encoding"]["y"]["sort"][0] == "極高"
    assert len(spec["data"]["values"]) == 25
    assert {v["text"] for v in spec["data"]["values"] if v["count"] == 0} == {""}


def test_capacity_heatmap_keeps_cells_without_capacity_empty():
    """A week without capacity has no percentage (not 0 %), and rows keep the order given."""
    spec = charts_dashboard.capacity_heatmap(
        _capacity_rows(),
        labels={"row": "チーム", "week": "週", "load": "負荷率", "work": "作業", "capacity": "稼働"},
    )
    values = spec["data"]["values"]
    empty = next(v for v in values if v["row"] == "基盤チーム" and v["week"] == "2026-W48")
    assert empty["percent"] is None and empty["text"] == ""
    assert spec["encoding"]["y"]["sort"] == ["基盤チーム", "営業部"]
    assert spec["height"] == 2 * 20


@pytest.mark.parametrize(
    ("spec", "word"),
    [
        (charts_dashboard.rag_trend(_rag_points(), labels=JA_RAG), "未評価"),  # the legend
        (
            charts_dashboard.portfolio_index_trend(
                [
                    {"end": m + timedelta(days=6), "spi": 0.9 + k / 20, "cpi": 1.1 - k / 20}
                    for k, m in enumerate(MONDAYS)
                ],
                labels={"spi": "SPI", "cpi": "CPI", "date": "週末", "index": "指数"},
            ),
            "指数",  # the y axis
        ),
        (
            charts_dashboard.risk_heat_map(
                _heat_cells(3),
                probability_labels=["低", "中", "高"],
                impact_labels=["小", "中", "大"],
                labels={"probability": "発生確率", "impact": "影響度", "risks": "リスク", "level": "レベル"},
            ),
            "発生確率",  # the y axis
        ),
        (
            charts_dashboard.capacity_heatmap(
                _capacity_rows(),
                labels={"row": "チーム", "week": "週", "load": "負荷率", "work": "作業", "capacity": "稼働"},
            ),
            "基盤チーム",  # a row
        ),
    ],
    ids=["rag", "spi-cpi", "risks", "capacity"],
)
def test_every_spec_renders_to_svg_with_japanese_labels(spec, word):
    """vl-convert renders each spec (as the PDF export does) and the Japanese texts are in the SVG."""
    svg = charts.to_svg(spec)
    assert svg.startswith("<svg")
    assert word in svg


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)),
        min_size=1,
        max_size=12,
    )
)
@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded CI machine draws slowly; the test is cheap
def test_rag_trend_counts_add_up_to_the_projects_of_each_week(weeks):
    """Whatever the counts, the segments of a week sum to its projects and none is zero."""
    points = [
        {
            "week": MONDAYS[0] + timedelta(days=7 * k),
            "label": f"W{k}",
            "red": r,
            "amber": a,
            "green": g,
            "none": n,
        }
        for k, (r, a, g, n) in enumerate(weeks)
    ]
    values = charts_dashboard.rag_trend(points, labels=JA_RAG)["data"]["values"]
    for k, (r, a, g, n) in enumerate(weeks):
        assert sum(v["count"] for v in values if v["week"] == f"W{k}") == r + a + g + n
    assert all(v["count"] > 0 for v in values)
