"""Vega-Lite chart of the audit trend: live findings per day stacked by severity, and the average health
score on a second axis (pure: the texts are passed in, already translated)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kuroko.formats.charts import DAY, DAY_TIP, SCHEMA, _config

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_COLOURS = ("#991b1b", "#dc2626", "#f59e0b", "#9ca3af")
SCORE_COLOUR = "#2563eb"


def findings_trend(
    points: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    width: int | str = "container",
    height: int = 220,
) -> dict[str, Any]:
    """Bars of open findings per day stacked by severity (`points`: day, critical, high, medium, low,
    score) and a line of the average health score (0–100, right axis). `labels`: the four severities, date,
    findings, score."""
    names = [labels[s] for s in SEVERITIES]
    bars = [
        {"date": _iso(p["day"]), "severity": labels[s], "order": i, "count": int(p.get(s, 0))}
        for p in points
        for i, s in enumerate(SEVERITIES)
        if p.get(s)
    ]
    scores = [{"date": _iso(p["day"]), "score": p["score"]} for p in points if p.get("score") is not None]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "layer": [
            {
                "data": {"values": bars},
                "mark": {"type": "bar", "opacity": 0.85},
                "encoding": {
                    "x": {**DAY, "title": labels["date"]},
                    "y": {
                        "field": "count",
                        "type": "quantitative",
                        "stack": "zero",
                        "title": labels["findings"],
                    },
                    "color": {
                        "field": "severity",
                        "type": "nominal",
                        "scale": {"domain": names, "range": list(SEVERITY_COLOURS)},
                    },
                    "order": {"field": "order", "type": "ordinal"},
                    "tooltip": [
                        {"field": "severity", "type": "nominal", "title": " "},
                        {**DAY_TIP, "title": labels["date"]},
                        {"field": "count", "type": "quantitative", "title": labels["findings"]},
                    ],
                },
            },
            {
                "data": {"values": scores},
                "mark": {"type": "line", "point": True, "strokeWidth": 2, "color": SCORE_COLOUR},
                "encoding": {
                    "x": {**DAY, "title": labels["date"]},
                    "y": {
                        "field": "score",
                        "type": "quantitative",
                        "title": labels["score"],
                        "scale": {"domain": [0, 100]},
                        "axis": {"orient": "right", "titleColor": SCORE_COLOUR},
                    },
                    "tooltip": [
                        {**DAY_TIP, "title": labels["date"]},
                        {"field": "score", "type": "quantitative", "title": labels["score"], "format": ".1f"},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"y": "independent"}},
    }


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()
