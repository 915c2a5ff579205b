"""Vega-Lite chart specifications built from plain data: the same spec is drawn in the browser (by the
vega-embed bundle Kuroko serves itself, `javascript_bundle`) and rendered to SVG for print and PDF
(`to_svg`). Pure: no Django; `vl-convert-python` is imported only when a bundle or an SVG is asked for.

Every text of a chart (titles, axis and legend labels) is passed in, already translated.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# PV, EV, AC, EAC: the colours of MS Project's and most EVM tools' S-curves (blue, green, red, grey).
COLOURS = ("#2563eb", "#16a34a", "#dc2626", "#6b7280")
# Dates are days: read and shown in UTC so that no time zone moves them to 9 AM or the day before.
DAY = {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate", "axis": {"format": "%Y-%m-%d"}}
DAY_TIP = {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate", "format": "%Y-%m-%d"}
FONT = "system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans CJK JP', sans-serif"


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e5e7eb"},
        "legend": {"orient": "top", "labelFontSize": 11, "title": None},
    }


def _iso(day: date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def s_curve(
    points: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    status_date: date,
    eac: tuple[date, float] | None = None,
    ac_now: float | None = None,
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """Cumulative PV, EV and AC at the end of each period (`points`: end, pv, ev, ac; EV and AC None after
    the status date), the EAC projection as a dashed line from AC at the status date to `eac` (date,
    amount), and a rule at the status date. `labels`: pv, ev, ac, eac, date, amount, status_date."""
    names = [labels["pv"], labels["ev"], labels["ac"], labels["eac"]]
    values: list[dict[str, Any]] = []
    for p in points:
        day = _iso(p["end"])
        for key, name in zip(("pv", "ev", "ac"), names, strict=False):
            if p.get(key) is not None:
                values.append({"date": day, "series": name, "value": p[key]})
    if eac is not None and ac_now is not None:
        values.append({"date": _iso(status_date), "series": names[3], "value": ac_now})
        values.append({"date": _iso(eac[0]), "series": names[3], "value": eac[1]})
    colour = {"field": "series", "type": "nominal", "scale": {"domain": names, "range": list(COLOURS)}}
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": False, "strokeWidth": 2},
                "encoding": {
                    "x": {**DAY, "title": labels["date"]},
                    "y": {"field": "value", "type": "quantitative", "title": labels["amount"]},
                    "color": colour,
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": names, "range": [[1, 0], [1, 0], [1, 0], [6, 4]]},
                    },
                    "tooltip": [
                        {"field": "series", "type": "nominal", "title": " "},
                        {**DAY_TIP, "title": labels["date"]},
                        {
                            "field": "value",
                            "type": "quantitative",
                            "title": labels["amount"],
                            "format": ",.0f",
                        },
                    ],
                },
            },
            {
                "data": {"values": [{"date": _iso(status_date), "label": labels["status_date"]}]},
                "mark": {"type": "rule", "color": "#f59e0b", "strokeDash": [3, 3]},
                "encoding": {
                    "x": DAY,
                    "tooltip": [{"field": "label", "type": "nominal", "title": " "}],
                },
            },
        ],
    }


def index_trend(
    points: Sequence[Mapping[str, Any]],
    *,
    labels: Mapping[str, str],
    thresholds: tuple[float, float] = (0.9, 0.95),
    width: int | str = "container",
    height: int = 200,
) -> dict[str, Any]:
    """SPI and CPI over time (`points`: end, spi, cpi; None where undefined), with rules at 1 and at the
    red and amber thresholds, on a scale from 0.5 to 1.5 (values beyond it sit at its edge; the tooltip
    gives them). `labels`: spi, cpi, date, index."""
    names = [labels["spi"], labels["cpi"]]
    values = [
        {"date": _iso(p["end"]), "series": name, "value": p[key]}
        for p in points
        for key, name in (("spi", names[0]), ("cpi", names[1]))
        if p.get(key) is not None
    ]
    red, amber = thresholds
    domain = (0.5, 1.5)
    rules = [
        {"y": 1.0, "colour": "#16a34a"},
        {"y": amber, "colour": "#f59e0b"},
        {"y": red, "colour": "#dc2626"},
    ]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "layer": [
            {
                "data": {"values": rules},
                "mark": {"type": "rule", "strokeDash": [4, 3], "opacity": 0.7},
                "encoding": {
                    "y": {"field": "y", "type": "quantitative"},
                    "color": {"field": "colour", "type": "nominal", "scale": None, "legend": None},
                },
            },
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": True, "strokeWidth": 2},
                "encoding": {
                    "x": {**DAY, "title": labels["date"]},
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": labels["index"],
                        # Early periods plan little, so their indices swing wildly: keep 0.5–1.5 readable.
                        "scale": {"domain": list(domain), "clamp": True},
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": names, "range": [COLOURS[0], COLOURS[2]]},
                    },
                    "tooltip": [
                        {"field": "series", "type": "nominal", "title": " "},
                        {**DAY_TIP, "title": labels["date"]},
                        {"field": "value", "type": "quantitative", "title": labels["index"], "format": ".2f"},
                    ],
                },
            },
        ],
    }


def to_svg(spec: Mapping[str, Any], *, width: int = 720) -> str:
    """The chart as a standalone SVG document (a "container" width becomes `width` pixels)."""
    import vl_convert

    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
    return str(vl_convert.vegalite_to_svg(fixed))


@functools.cache
def javascript_bundle() -> str:
    """vega, vega-lite and vega-embed as one script that sets `window.vegaEmbed` (no CDN; ~0.9 MB)."""
    import vl_convert

    return str(vl_convert.javascript_bundle())  # type: ignore[call-arg]


def bundle_version() -> str:
    """A version string for the bundle's URL, so browsers cache it until the package changes."""
    import vl_convert

    return str(getattr(vl_convert, "__version__", "1"))


# --- schedule risk analysis (Monte Carlo) ------------------------------------------------------------

PROBABILITY_AXIS = {"format": ".0%"}


def _markers(markers: Sequence[tuple[Any, str, str]], x: Mapping[str, Any]) -> dict[str, Any]:
    """Vertical rules with a label at the top: (position, label, colour)."""
    values = [
        {"x": _iso(v) if isinstance(v, date) else v, "label": text, "colour": c} for v, text, c in markers
    ]
    return {
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5},
                "encoding": {
                    "x": {**x, "field": "x", "title": None},
                    "color": {"field": "colour", "type": "nominal", "scale": None, "legend": None},
                    "tooltip": [{"field": "label", "type": "nominal", "title": " "}],
                },
            },
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 3,
                    "dy": -4,
                    "baseline": "bottom",
                    "fontSize": 10,
                },
                "encoding": {
                    "x": {**x, "field": "x", "title": None},
                    "y": {"value": 0},
                    "text": {"field": "label"},
                    "color": {"field": "colour", "type": "nominal", "scale": None, "legend": None},
                },
            },
        ],
    }


def risk_histogram(
    histogram: Sequence[tuple[Any, ...]],
    cumulative: Sequence[tuple[Any, float]],
    *,
    labels: Mapping[str, str],
    markers: Sequence[tuple[Any, str, str]] = (),
    money: bool = False,
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """The distribution of a simulated finish (days) or cost (`money`): bars of the iterations per day
    (`histogram`: (day, count)) or per bin ((from, to, count)), the cumulative probability as a line on the
    right axis (`cumulative`: (value, probability)), and rules at `markers` (value, label, colour) such as
    P50, P80 and the deadline. `labels`: x, count, probability."""
    if money:
        # Amounts start far from zero: a scale from 0 would squeeze every bar into one corner.
        x: dict[str, Any] = {"type": "quantitative", "axis": {"format": ",.0f"}, "scale": {"zero": False}}
        tip: dict[str, Any] = {"type": "quantitative", "format": ",.0f"}
        bars = [{"x": low, "x2": high, "count": n} for low, high, n in histogram]
    else:
        x = {"type": "temporal", "timeUnit": "utcyearmonthdate", "axis": {"format": "%Y-%m-%d"}}
        tip = {"type": "temporal", "timeUnit": "utcyearmonthdate", "format": "%Y-%m-%d"}
        bars = [{"x": _iso(v), "count": n} for v, n in histogram]
    curve = [{"x": v if money else _iso(v), "p": p} for v, p in cumulative]
    bar_encoding: dict[str, Any] = {
        "x": {**x, "field": "x", "title": labels["x"]},
        "y": {"field": "count", "type": "quantitative", "title": labels["count"], "scale": {"domainMin": 0}},
        "tooltip": [
            {**tip, "field": "x", "title": labels["x"]},
            {"field": "count", "type": "quantitative", "title": labels["count"]},
        ],
    }
    if money:
        # A bin spans [x, x2): drawn as a rectangle from the axis up to its count.
        bar_encoding["x2"] = {"field": "x2"}
        bar_encoding["y2"] = {"datum": 0}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": bars},
            "mark": {"type": "rect" if money else "bar", "color": "#93c5fd", "opacity": 0.9},
            "encoding": bar_encoding,
        },
        {
            "data": {"values": curve},
            "mark": {
                "type": "line",
                "color": COLOURS[0],
                "strokeWidth": 2,
                # A day's probability holds until the next day; a cost's is known at each bin's edge.
                "interpolate": "linear" if money else "step-after",
            },
            "encoding": {
                "x": {**x, "field": "x", "title": labels["x"]},
                "y": {
                    "field": "p",
                    "type": "quantitative",
                    "title": labels["probability"],
                    "scale": {"domain": [0, 1]},
                    "axis": {**PROBABILITY_AXIS, "orient": "right"},
                },
                "tooltip": [
                    {**tip, "field": "x", "title": labels["x"]},
                    {"field": "p", "type": "quantitative", "title": labels["probability"], "format": ".1%"},
                ],
            },
        },
    ]
    if markers:
        layers.append(_markers(markers, x))
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": _config(),
        "layer": layers,
        "resolve": {"scale": {"y": "independent"}},
    }


def tornado(
    items: Sequence[tuple[str, float]],
    *,
    labels: Mapping[str, str],
    width: int | str = "container",
    bar_height: int = 18,
) -> dict[str, Any]:
    """Sensitivity as a tornado: one horizontal bar per task (`items`: (label, correlation −1…1)) in the
    order given (largest first); positive bars (longer task → later finish) red, negative blue.
    `labels`: task, value."""
    values = [{"task": name, "value": value, "order": k} for k, (name, value) in enumerate(items)]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": max(1, len(values)) * bar_height,
        "config": _config(),
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "task",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelLimit": 260},
            },
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": labels["value"],
                "scale": {"domain": [-1, 1]},
            },
            "color": {
                "condition": {"test": "datum.value < 0", "value": COLOURS[0]},
                "value": COLOURS[2],
            },
            "tooltip": [
                {"field": "task", "type": "nominal", "title": labels["task"]},
                {"field": "value", "type": "quantitative", "title": labels["value"], "format": ".2f"},
            ],
        },
    }


def criticality_bars(
    items: Sequence[tuple[str, float]],
    *,
    labels: Mapping[str, str],
    width: int | str = "container",
    bar_height: int = 18,
) -> dict[str, Any]:
    """Criticality index: one horizontal bar per task (`items`: (label, fraction 0–1 of iterations on the
    critical path)) in the order given. `labels`: task, value."""
    values = [{"task": name, "value": value, "order": k} for k, (name, value) in enumerate(items)]
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": max(1, len(values)) * bar_height,
        "config": _config(),
        "data": {"values": values},
        "mark": {"type": "bar", "color": COLOURS[2]},
        "encoding": {
            "y": {
                "field": "task",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelLimit": 260},
            },
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": labels["value"],
                "scale": {"domain": [0, 1]},
                "axis": PROBABILITY_AXIS,
            },
            "tooltip": [
                {"field": "task", "type": "nominal", "title": labels["task"]},
                {"field": "value", "type": "quantitative", "title": labels["value"], "format": ".0%"},
            ],
        },
    }


def cumulative_overlay(
    series: Mapping[str, Sequence[tuple[Any, float]]],
    *,
    labels: Mapping[str, str],
    markers: Sequence[tuple[Any, str, str]] = (),
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """The cumulative finish curves of several runs on one chart (`series`: name → (day, probability)),
    to compare runs. `labels`: x, probability."""
    names = list(series)
    values = [{"x": _iso(d), "p": p, "series": name} for name, points in series.items() for d, p in points]
    x = {"type": "temporal", "timeUnit": "utcyearmonthdate", "axis": {"format": "%Y-%m-%d"}}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "line", "strokeWidth": 2, "interpolate": "step-after"},
            "encoding": {
                "x": {**x, "field": "x", "title": labels["x"]},
                "y": {
                    "field": "p",
                    "type": "quantitative",
                    "title": labels["probability"],
                    "scale": {"domain": [0, 1]},
                    "axis": PROBABILITY_AXIS,
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "scale": {
                        "domain": names,
                        # Run A orange, run B blue: two curves that often overlap stay apart to the eye.
                        "range": ["#ea580c", COLOURS[0], COLOURS[1], COLOURS[2]][: len(names)]
                        or [COLOURS[0]],
                    },
                },
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": " "},
                    {
                        "field": "x",
                        "type": "temporal",
                        "timeUnit": "utcyearmonthdate",
                        "format": "%Y-%m-%d",
                        "title": labels["x"],
                    },
                    {"field": "p", "type": "quantitative", "title": labels["probability"], "format": ".1%"},
                ],
            },
        }
    ]
    if markers:
        layers.append(_markers(markers, x))
    return {"$schema": SCHEMA, "width": width, "height": height, "config": _config(), "layer": layers}
