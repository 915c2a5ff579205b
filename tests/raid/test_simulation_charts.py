"""The schedule risk charts (`kuroko.formats.charts`): valid Vega-Lite that renders, with the data given.
No database."""

from __future__ import annotations

from datetime import date

from kuroko.formats import charts

DAYS = [date(2027, 6, d) for d in range(1, 6)]
LABELS = {"x": "Finish", "count": "Iterations", "probability": "Probability"}


def test_finish_histogram_renders_with_markers():
    """Bars per day, the cumulative line and the P80 rule render to SVG; the days are ISO text."""
    spec = charts.risk_histogram(
        [(d, n) for d, n in zip(DAYS, (1, 4, 8, 4, 3), strict=True)],
        [(d, p) for d, p in zip(DAYS, (0.05, 0.25, 0.65, 0.85, 1.0), strict=True)],
        labels=LABELS,
        markers=[(DAYS[3], "P80", "#d97706")],
    )
    assert spec["layer"][0]["data"]["values"][0] == {"x": "2027-06-01", "count": 1}
    assert spec["layer"][2]["data"]["values"] == [{"x": "2027-06-04", "label": "P80", "colour": "#d97706"}]
    svg = charts.to_svg(spec)
    assert svg.startswith("<svg") and "P80" in svg


def test_cost_histogram_draws_bins_from_their_edges():
    """Cost bins are rectangles from one edge to the next, on a scale that does not start at zero."""
    spec = charts.risk_histogram(
        [(1000.0, 1100.0, 3), (1100.0, 1200.0, 5)],
        [(1100.0, 0.375), (1200.0, 1.0)],
        labels=LABELS,
        money=True,
    )
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "rect" and bars["encoding"]["x2"] == {"field": "x2"}
    assert bars["encoding"]["x"]["scale"] == {"zero": False}
    assert bars["data"]["values"][1] == {"x": 1100.0, "x2": 1200.0, "count": 5}
    assert charts.to_svg(spec).startswith("<svg")


def test_tornado_and_criticality_keep_the_order_given():
    """Bars are sorted as given (largest first); negative correlations are coloured apart."""
    tornado = charts.tornado(
        [("1.2 Build", 0.8), ("1.3 Test", -0.3)], labels={"task": "Task", "value": "rho"}
    )
    assert [v["task"] for v in tornado["data"]["values"]] == ["1.2 Build", "1.3 Test"]
    assert tornado["encoding"]["y"]["sort"] == {"field": "order"}
    bars = charts.criticality_bars(
        [("1.2 Build", 1.0), ("1.3 Test", 0.4)], labels={"task": "T", "value": "v"}
    )
    assert bars["height"] == 36
    for spec in (tornado, bars):
        assert "1.2 Build" in charts.to_svg(spec)


def test_cumulative_overlay_has_one_line_per_run():
    """Two runs' curves share the axes, one colour each."""
    spec = charts.cumulative_overlay(
        {"#1": [(DAYS[0], 0.5), (DAYS[1], 1.0)], "#2": [(DAYS[1], 0.4), (DAYS[2], 1.0)]},
        labels={"x": "Finish", "probability": "Probability"},
    )
    line = spec["layer"][0]
    assert line["encoding"]["color"]["scale"]["domain"] == ["#1", "#2"]
    assert {v["series"] for v in line["data"]["values"]} == {"#1", "#2"}
    assert charts.to_svg(spec).startswith("<svg")
