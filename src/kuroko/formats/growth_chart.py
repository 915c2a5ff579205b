"""The Vega-Lite spec of a defect convergence chart (信頼度成長曲線): cumulative defects found and fixed,
the fitted reliability growth curve and its asymptote (the estimated total). Pure: no Django.

Every text of the chart is passed in, already translated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kuroko.formats.charts import DAY, DAY_TIP, SCHEMA, _config

# Found (red), fixed (green), fitted curve (blue, dashed).
COLOURS = ("#dc2626", "#16a34a", "#2563eb")


def growth_chart(
    points: Sequence[tuple[date, int, int]],
    *,
    curve: Sequence[tuple[date, float]] = (),
    total: float | None = None,
    labels: Mapping[str, str],
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """`points`: (period end, cumulative found, cumulative fixed); `curve`: (day, fitted cumulative count);
    `total`: the asymptote. `labels`: found, fixed, fitted, total, date, count."""
    names = [labels["found"], labels["fixed"], labels["fitted"]]
    values: list[dict[str, Any]] = []
    for day, found, fixed in points:
        values.append({"date": day.isoformat(), "series": names[0], "value": found})
        values.append({"date": day.isoformat(), "series": names[1], "value": fixed})
    for day, value in curve:
        values.append({"date": day.isoformat(), "series": names[2], "value": round(value, 2)})
    colour = {"field": "series", "type": "nominal", "scale": {"domain": names, "range": list(COLOURS)}}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "line", "strokeWidth": 2, "interpolate": "step-after"},
            "transform": [{"filter": {"field": "series", "oneOf": names[:2]}}],
            "encoding": {
                "x": {**DAY, "title": labels["date"]},
                "y": {"field": "value", "type": "quantitative", "title": labels["count"]},
                "color": colour,
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": " "},
                    {**DAY_TIP, "title": labels["date"]},
                    {"field": "value", "type": "quantitative", "title": labels["count"]},
                ],
            },
        },
        {
            "data": {"values": values},
            "mark": {"type": "line", "strokeWidth": 2, "strokeDash": [6, 4]},
            "transform": [{"filter": {"field": "series", "equal": names[2]}}],
            "encoding": {
                "x": DAY,
                "y": {"field": "value", "type": "quantitative"},
                "color": colour,
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": " "},
                    {**DAY_TIP, "title": labels["date"]},
                    {"field": "value", "type": "quantitative", "title": labels["count"], "format": ",.1f"},
                ],
            },
        },
    ]
    if total is not None:
        layers.append(
            {
                "data": {"values": [{"value": round(total, 1), "label": labels["total"]}]},
                "mark": {"type": "rule", "color": "#6b7280", "strokeDash": [2, 3]},
                "encoding": {
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [
                        {"field": "label", "type": "nominal", "title": " "},
                        {"field": "value", "type": "quantitative", "title": labels["count"]},
                    ],
                },
            }
        )
    return {"$schema": SCHEMA, "width": width, "height": height, "config": _config(), "layer": layers}
