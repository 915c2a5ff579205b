"""A Gantt chart as a standalone SVG document, for printing and PDF reports.

Pure: it takes rows that are already scheduled and draws them — the WBS columns on the left, a two-tier
timescale, bars with progress, baseline bars, milestones as diamonds, summary brackets, links as elbow
arrows, non-working days shaded, and lines for today and the status date. The scale is chosen from the
span so the chart fits about `width` pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

ROW = 22
HEAD = 44
COLUMNS = (("wbs", 56), ("name", 260), ("start", 82), ("finish", 82))
TABLE_W = sum(w for _n, w in COLUMNS)


@dataclass(frozen=True, slots=True)
class GanttRow:
    """One row of the chart. `kind` is "task", "summary" or "milestone"."""

    wbs: str
    name: str
    level: int
    kind: str
    start: datetime | None
    finish: datetime | None
    percent: float = 0
    critical: bool = False
    baseline_start: datetime | None = None
    baseline_finish: datetime | None = None


@dataclass(frozen=True, slots=True)
class GanttChart:
    """What to draw. `links` are (predecessor row, successor row, type) with row indexes into `rows`."""

    title: str
    rows: Sequence[GanttRow]
    links: Sequence[tuple[int, int, str]] = ()
    today: date | None = None
    status_date: date | None = None
    is_working_day: Callable[[date], bool] = lambda d: d.weekday() < 5
    labels: dict[str, str] = field(default_factory=dict)


def _span(chart: GanttChart) -> tuple[date, date]:
    moments = [m for r in chart.rows for m in (r.start, r.finish, r.baseline_start, r.baseline_finish) if m]
    if not moments:
        today = chart.today or date.today()
        return today, today + timedelta(days=30)
    first, last = min(moments).date(), max(moments).date()
    return first - timedelta(days=first.weekday() + 7), last + timedelta(days=14)


def render_gantt_svg(chart: GanttChart, *, width: int = 1400) -> str:
    """The chart as an SVG document (a string). Text is escaped; nothing is fetched."""
    first, last = _span(chart)
    days = (last - first).days + 1
    px = max(0.25, min(36.0, (width - TABLE_W) / days))
    chart_w = days * px
    total_w = TABLE_W + chart_w
    total_h = HEAD + len(chart.rows) * ROW + 30

    def x(moment: datetime | date) -> float:
        if isinstance(moment, datetime):
            delta = moment - datetime.combine(first, datetime.min.time())
            return TABLE_W + delta.total_seconds() / 86400 * px
        return TABLE_W + (moment - first).days * px

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h}" '
        f'viewBox="0 0 {total_w:.0f} {total_h}" font-family="IPAexGothic, Noto Sans CJK JP, sans-serif" '
        f'font-size="11">',
        f"<title>{escape(chart.title)}</title>",
        "<defs><marker id='a' viewBox='0 0 8 8' refX='7' refY='4' markerWidth='6' markerHeight='6' "
        "orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#475569'/></marker></defs>",
        f'<rect width="{total_w:.0f}" height="{total_h}" fill="#fff"/>',
    ]
    # Non-working days (only when a day is wide enough to see).
    if px >= 2.5:
        for n in range(days):
            day = first + timedelta(days=n)
            if not chart.is_working_day(day):
                out.append(
                    f'<rect x="{x(day):.1f}" y="{HEAD}" width="{px:.1f}" height="{total_h - HEAD - 30}" '
                    f'fill="#eef0f3"/>'
                )
    # Timescale: months above, weeks or days below (or years above, months below when narrow).
    upper_month = px >= 1.2
    day = first.replace(day=1) if upper_month else first.replace(month=1, day=1)
    while day <= last:
        nxt = (
            (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            if upper_month
            else day.replace(year=day.year + 1)
        )
        left, right = max(x(day), float(TABLE_W)), x(min(nxt, last + timedelta(days=1)))
        if right > left:
            label = f"{day.year}-{day.month:02d}" if upper_month else str(day.year)
            out.append(f'<line x1="{left:.1f}" y1="0" x2="{left:.1f}" y2="{HEAD}" stroke="#cbd5e1"/>')
            out.append(f'<text x="{left + 3:.1f}" y="15" fill="#334155">{label}</text>')
        day = nxt
    if px >= 2.5:
        step = 1 if px >= 14 else 7
        n = 0 if step == 1 else (7 - first.weekday()) % 7
        while n < days:
            d = first + timedelta(days=n)
            out.append(f'<text x="{x(d) + 2:.1f}" y="36" fill="#64748b" font-size="9">{d.day}</text>')
            n += step
    elif upper_month:
        d = first.replace(day=1)
        while d <= last:
            if d >= first:
                out.append(f'<text x="{x(d) + 2:.1f}" y="36" fill="#64748b" font-size="9">{d.month}</text>')
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    out.append(f'<line x1="0" y1="{HEAD}" x2="{total_w:.0f}" y2="{HEAD}" stroke="#94a3b8"/>')
    # Column heads.
    column_x = 4
    for name, w in COLUMNS:
        label = escape(chart.labels.get(name, name))
        out.append(f'<text x="{column_x}" y="36" font-weight="bold">{label}</text>')
        column_x += w
    # Rows.
    for i, row in enumerate(chart.rows):
        top = HEAD + i * ROW
        mid = top + ROW / 2
        if i % 2:
            out.append(f'<rect x="0" y="{top}" width="{TABLE_W}" height="{ROW}" fill="#f8fafc"/>')
        weight = ' font-weight="bold"' if row.kind == "summary" else ""
        colour = "#b91c1c" if row.critical else "#16181d"
        name = row.name if len(row.name) <= 40 else row.name[:39] + "…"
        out.append(f'<text x="4" y="{mid + 4}" fill="#64748b">{escape(row.wbs)}</text>')
        out.append(
            f'<text x="{COLUMNS[0][1] + 4 + (row.level - 1) * 10}" y="{mid + 4}" fill="{colour}"{weight}>'
            f"{escape(name)}</text>"
        )
        if row.start and row.finish:
            out.append(
                f'<text x="{TABLE_W - 160}" y="{mid + 4}" fill="#334155">{row.start:%Y-%m-%d}</text>'
                f'<text x="{TABLE_W - 78}" y="{mid + 4}" fill="#334155">{row.finish:%Y-%m-%d}</text>'
            )
        if row.baseline_start and row.baseline_finish:
            bx = x(row.baseline_start)
            out.append(
                f'<rect x="{bx:.1f}" y="{top + ROW - 7}" width="{max(2.0, x(row.baseline_finish) - bx):.1f}" '
                f'height="4" fill="#94a3b8"/>'
            )
        if not (row.start and row.finish):
            continue
        sx, fx = x(row.start), x(row.finish)
        if row.kind == "milestone":
            diamond = "#b91c1c" if row.critical else "#16181d"
            out.append(f'<path d="M{sx:.1f},{top + 4} l7,7 l-7,7 l-7,-7 z" fill="{diamond}"/>')
            out.append(f'<text x="{sx + 10:.1f}" y="{mid + 4}" fill="#334155">{row.start:%m-%d}</text>')
        elif row.kind == "summary":
            bracket = f"M{sx:.1f},{top + 6} H{fx:.1f} V{top + 16} l-5,-4 H{sx + 5:.1f} l-5,4 z"
            out.append(f'<path d="{bracket}" fill="#1f2937"/>')
        else:
            fill, done = ("#fca5a5", "#b91c1c") if row.critical else ("#93c5fd", "#1d4ed8")
            bar_w = max(2.0, fx - sx)
            out.append(
                f'<rect x="{sx:.1f}" y="{top + 5}" width="{bar_w:.1f}" height="11" rx="2" fill="{fill}"/>'
            )
            if row.percent:
                done_w = bar_w * row.percent / 100
                out.append(
                    f'<rect x="{sx:.1f}" y="{top + 8}" width="{done_w:.1f}" height="5" fill="{done}"/>'
                )
    # Links as elbow arrows.
    for a, b, kind in chart.links:
        if not (0 <= a < len(chart.rows) and 0 <= b < len(chart.rows)):
            continue
        pa, pb = chart.rows[a], chart.rows[b]
        if not (pa.start and pa.finish and pb.start and pb.finish):
            continue
        xa = x(pa.finish if kind in ("FS", "FF") else pa.start)
        xb = x(pb.finish if kind in ("FF", "SF") else pb.start)
        ya, yb = HEAD + a * ROW + ROW / 2, HEAD + b * ROW + ROW / 2
        out.append(
            f'<path d="M{xa:.1f},{ya:.1f} h5 V{yb:.1f} H{xb:.1f}" fill="none" stroke="#475569" '
            f'stroke-width="1" marker-end="url(#a)"/>'
        )
    chart_bottom = HEAD + len(chart.rows) * ROW
    # The status date counts to the end of its day.
    status_line = chart.status_date + timedelta(days=1) if chart.status_date else None
    for moment, colour in ((chart.today, "#f59e0b"), (status_line, "#2f5bd3")):
        if moment is not None and first <= moment <= last:
            lx = x(moment)
            out.append(
                f'<line x1="{lx:.1f}" y1="{HEAD}" x2="{lx:.1f}" y2="{chart_bottom}" stroke="{colour}" '
                f'stroke-dasharray="4 3"/>'
            )
    out.append(f'<line x1="{TABLE_W}" y1="0" x2="{TABLE_W}" y2="{chart_bottom}" stroke="#94a3b8"/>')
    out.append(f'<text x="4" y="{total_h - 10}" fill="#64748b" font-size="10">{escape(chart.title)}</text>')
    out.append("</svg>")
    return "\n".join(out)
