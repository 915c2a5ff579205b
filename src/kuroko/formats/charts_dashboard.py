"""Vega-Lite charts of the role dashboards (home pages) and of the portfolio report: the portfolio's SPI and
CPI per week, overall RAG counts per week, the risk heat map and the capacity heatmap. Pure: every text is
passed in already translated; the same spec is drawn in the browser and rendered to SVG for the PDF
(`kuroko.formats.charts.to_svg`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kuroko.formats.charts import SCHEMA, _config, index_trend

RAG_KEYS = ("red", "amber", "green", "none")
RAG_COLOURS = ("#dc2626", "#f59e0b", "#16a34a", "#cbd5e1")
# Risk levels as the register colours them (a level the matrix names otherwise is grey).
LEVEL_COLOURS = {"low": "#bbf7d0", "medium": "#fde68a", "high": "#fca5a5", "critical": "#ef4444"}
# Load % bands of the capacity heatmap, as the resources page steps them.
LOAD_DOMAIN = (0, 50, 80, 100, 125, 150)
LOAD_RANGE = ("#f1f5f9", "#dbeafe", "#93c5fd", "#86efac", "#fbbf24", "#f87171", "#b91c1c")


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def portfolio_index_trend(
    points: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    thresholds: tuple[float, float] = (0.9, 0.95),
    width: int | str = "container",
    height: int = 220,
) -> dict[str, Any]:
    """The portfolio's SPI and CPI at the end of each week (`points`: end, spi, cpi; None where no project
    was measured): the project page's trend chart, so both read alike. `labels`: spi, cpi, date, index."""
    return index_trend(points, labels=labels, thresholds=thresholds, width=width, height=height)


def rag_trend(
    points: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    width: int | str = "container",
    height: int = 220,
) -> dict[str, Any]:
    """Projects per overall colour at the end of each week, stacked (`points`: week (its Monday), label
    (e.g. "2026-W47"), red, amber, green, none). `labels`: red, amber, green, none, week, projects."""
    names = [labels[k] for k in RAG_KEYS]
    values = [
        {
            "week": p["label"],
            "start": _iso(p["week"]),
            "rag": labels[k],
            "order": i,
            "count": int(p.get(k) or 0),
        }
        for p in points
        for i, k in enumerate(RAG_KEYS)
        if p.get(k)
    ]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "week",
                "type": "ordinal",
                "title": labels["week"],
                "sort": [p["label"] for p in points],
                "axis": {"labelAngle": -45},
            },
            "y": {"field": "count", "type": "quantitative", "stack": "zero", "title": labels["projects"]},
            "color": {
                "field": "rag",
                "type": "nominal",
                "scale": {"domain": names, "range": list(RAG_COLOURS)},
            },
            "order": {"field": "order", "type": "ordinal"},
            "tooltip": [
                {"field": "week", "type": "ordinal", "title": labels["week"]},
                {"field": "rag", "type": "nominal", "title": " "},
                {"field": "count", "type": "quantitative", "title": labels["projects"]},
            ],
        },
    }


def risk_heat_map(
    cells: Sequence[Mapping[str, Any]],
    *,
    probability_labels: Sequence[str],
    impact_labels: Sequence[str],
    labels: Mapping[str, str],
    width: int | str = 320,
    height: int = 260,
) -> dict[str, Any]:
    """Open risks per probability × impact cell (`cells`: probability, impact (1-based), level, count),
    coloured by the matrix's level of the cell, with the count written in it. The probability axis runs
    from the lowest (bottom) to the highest (top). `labels`: probability, impact, risks, level."""
    values = [
        {
            "probability": probability_labels[c["probability"] - 1],
            "impact": impact_labels[c["impact"] - 1],
            "level": c["level"],
            "level_label": c.get("level_label", c["level"]),
            "count": int(c["count"]),
            "text": str(c["count"]) if c["count"] else "",
        }
        for c in cells
    ]
    levels = sorted(
        {v["level"] for v in values}, key=lambda k: list(LEVEL_COLOURS).index(k) if k in LEVEL_COLOURS else 9
    )
    x = {"field": "impact", "type": "ordinal", "title": labels["impact"], "sort": list(impact_labels)}
    y = {
        "field": "probability",
        "type": "ordinal",
        "title": labels["probability"],
        "sort": list(reversed(probability_labels)),
    }
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "data": {"values": values},
        "encoding": {"x": {**x, "axis": {"labelAngle": 0}}, "y": y},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 2},
                "encoding": {
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "legend": None,
                        "scale": {
                            "domain": levels,
                            "range": [LEVEL_COLOURS.get(k, "#e5e7eb") for k in levels],
                        },
                    },
                    "tooltip": [
                        {"field": "probability", "type": "ordinal", "title": labels["probability"]},
                        {"field": "impact", "type": "ordinal", "title": labels["impact"]},
                        {"field": "level_label", "type": "nominal", "title": labels["level"]},
                        {"field": "count", "type": "quantitative", "title": labels["risks"]},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 13, "fontWeight": "bold", "color": "#111827"},
                "encoding": {"text": {"field": "text"}},
            },
        ],
    }


def capacity_heatmap(
    rows: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    width: int | str = "container",
    row_height: int = 20,
) -> dict[str, Any]:
    """Load as % of capacity per row (a team or a person) and week (`rows`: name, cells: [{week (Monday),
    label ("2026-W47"), percent (None without capacity), work, capacity (hours)}]), coloured in the
    resources page's steps (over 100 % amber, then red). `labels`: row, week, load, work, capacity."""
    values = [
        {
            "row": r["name"],
            "week": c["label"],
            "start": _iso(c["week"]),
            "percent": None if c.get("percent") is None else round(float(c["percent"]), 1),
            "text": "" if c.get("percent") is None else f"{round(float(c['percent']))}",
            "work": round(float(c.get("work") or 0), 1),
            "capacity": round(float(c.get("capacity") or 0), 1),
        }
        for r in rows
        for c in r["cells"]
    ]
    weeks: list[str] = []
    for r in rows:
        for c in r["cells"]:
            if c["label"] not in weeks:
                weeks.append(c["label"])
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": max(1, len(rows)) * row_height,
        "config": _config(),
        "data": {"values": values},
        "encoding": {
            "x": {
                "field": "week",
                "type": "ordinal",
                "title": labels["week"],
                "sort": weeks,
                "axis": {"labelAngle": -45, "orient": "top"},
            },
            "y": {
                "field": "row",
                "type": "nominal",
                "title": None,
                "sort": [r["name"] for r in rows],
                "axis": {"labelLimit": 180},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 1},
                "encoding": {
                    "color": {
                        "field": "percent",
                        "type": "quantitative",
                        "title": labels["load"],
                        "scale": {
                            "type": "threshold",
                            "domain": list(LOAD_DOMAIN),
                            "range": list(LOAD_RANGE),
                        },
                        "legend": None,
                    },
                    "tooltip": [
                        {"field": "row", "type": "nominal", "title": labels["row"]},
                        {"field": "week", "type": "ordinal", "title": labels["week"]},
                        {
                            "field": "percent",
                            "type": "quantitative",
                            "title": labels["load"],
                            "format": ".0f",
                        },
                        {"field": "work", "type": "quantitative", "title": labels["work"], "format": ",.1f"},
                        {
                            "field": "capacity",
                            "type": "quantitative",
                            "title": labels["capacity"],
                            "format": ",.1f",
                        },
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 9, "color": "#111827"},
                "encoding": {"text": {"field": "text"}},
            },
        ],
    }
