"""The portfolio timeline as a standalone SVG document, for printing and reports.

Pure: it takes projects that are already scheduled and draws one row per project under its program's
heading — the project's span as a bar coloured by its overall RAG with its % complete shaded, under it
(optionally) its phases as thin bars and its milestones as diamonds — a two-tier timescale, a line for
today, and the links between tasks of different projects as elbow arrows (red when broken or critical).
The scale is chosen from the span so the chart fits about `width` pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

HEAD = 44
LABEL_W = 320
GROUP_H = 24
ROW_PLAIN = 24
ROW_PHASES = 36

# Bar fill and border by overall RAG colour ("" = not assessed).
RAG_COLOURS = {
    "green": ("#bbf7d0", "#15803d"),
    "amber": ("#fde68a", "#b45309"),
    "red": ("#fecaca", "#b91c1c"),
    "": ("#e2e8f0", "#64748b"),
}


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """A phase (a bar from `start` to `finish`) or a milestone (a diamond at `start`)."""

    name: str
    start: datetime
    finish: datetime
    critical: bool = False


@dataclass(frozen=True, slots=True)
class TimelineProject:
    """One row: a project's span, progress and colour, with its phases and milestones."""

    code: str
    name: str
    group: str  # the program's name; "" for projects without one
    start: datetime | None
    finish: datetime | None
    percent: float = 0
    colour: str = ""
    phases: Sequence[TimelineItem] = ()
    milestones: Sequence[TimelineItem] = ()

    def __post_init__(self) -> None:
        if self.colour not in RAG_COLOURS:
            raise ValueError(
                f"The colour of {self.code} must be green, amber, red or empty, not {self.colour!r}."
            )


@dataclass(frozen=True, slots=True)
class TimelineLink:
    """An arrow from row `source` at `start` (the predecessor's date) to row `target` at `end`."""

    source: int
    target: int
    start: datetime
    end: datetime
    broken: bool = False
    critical: bool = False


@dataclass(frozen=True, slots=True)
class TimelineChart:
    """What to draw. Projects of one group must be next to each other (a heading starts each group)."""

    title: str
    projects: Sequence[TimelineProject]
    links: Sequence[TimelineLink] = ()
    today: date | None = None
    show_phases: bool = True
    labels: dict[str, str] = field(default_factory=dict)


def _span(chart: TimelineChart) -> tuple[date, date]:
    moments: list[datetime] = []
    for p in chart.projects:
        moments += [m for m in (p.start, p.finish) if m is not None]
        if chart.show_phases:
            moments += [m for item in (*p.phases, *p.milestones) for m in (item.start, item.finish)]
    days = [m.date() for m in moments] + ([chart.today] if chart.today else [])
    if not days:
        return date.today().replace(day=1), date.today().replace(day=1) + timedelta(days=365)
    first, last = min(days), max(days)
    return first.replace(day=1), last + timedelta(days=31)


def _next_month(day: date, months: int = 1) -> date:
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def render_timeline_svg(chart: TimelineChart, *, width: int = 1400) -> str:
    """The chart as an SVG document (a string). Text is escaped; nothing is fetched."""
    first, last = _span(chart)
    days = (last - first).days + 1
    px = max(0.05, (width - LABEL_W) / days)
    chart_w = days * px
    total_w = LABEL_W + chart_w
    row_h = ROW_PHASES if chart.show_phases else ROW_PLAIN
    # Rows: a heading per group, then its projects.
    tops: list[float] = []
    headings: list[tuple[float, str]] = []
    y = float(HEAD)
    group: str | None = None
    for p in chart.projects:
        if p.group != group:
            group = p.group
            headings.append((y, p.group or chart.labels.get("no_program", "")))
            y += GROUP_H
        tops.append(y)
        y += row_h
    body_bottom = y
    total_h = body_bottom + 30

    def x(moment: datetime | date) -> float:
        if isinstance(moment, datetime):
            delta = moment - datetime.combine(first, datetime.min.time())
            return LABEL_W + delta.total_seconds() / 86400 * px
        return LABEL_W + (moment - first).days * px

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="IPAexGothic, Noto Sans CJK JP, sans-serif" '
        f'font-size="11">',
        f"<title>{escape(chart.title)}</title>",
        "<defs>"
        "<marker id='a' viewBox='0 0 8 8' refX='7' refY='4' markerWidth='6' markerHeight='6' orient='auto'>"
        "<path d='M0,0 L8,4 L0,8 z' fill='#2f5bd3'/></marker>"
        "<marker id='ar' viewBox='0 0 8 8' refX='7' refY='4' markerWidth='6' markerHeight='6' orient='auto'>"
        "<path d='M0,0 L8,4 L0,8 z' fill='#b91c1c'/></marker></defs>",
        f'<rect width="{total_w:.0f}" height="{total_h:.0f}" fill="#fff"/>',
    ]
    # Group headings across the whole width.
    for top, name in headings:
        out.append(f'<rect x="0" y="{top:.0f}" width="{total_w:.0f}" height="{GROUP_H}" fill="#eef2f7"/>')
        out.append(f'<text x="6" y="{top + 16:.0f}" font-weight="bold" fill="#1f2937">{escape(name)}</text>')
    # Timescale: years above; months (wide), quarters, or nothing below.
    lower = 1 if px >= 2.2 else 3 if px >= 0.7 else 0
    year = date(first.year, 1, 1)
    while year <= last:
        nxt = date(year.year + 1, 1, 1)
        left, right = max(x(year), float(LABEL_W)), x(min(nxt, last))
        if right > left:
            out.append(
                f'<line x1="{left:.1f}" y1="0" x2="{left:.1f}" y2="{body_bottom:.0f}" stroke="#cbd5e1"/>'
            )
            out.append(f'<text x="{left + 3:.1f}" y="15" fill="#334155">{year.year}</text>')
        year = nxt
    if lower:
        month = date(first.year, (first.month - 1) // lower * lower + 1, 1)
        while month <= last:
            if month >= first and month.month != 1:
                mx = x(month)
                out.append(
                    f'<line x1="{mx:.1f}" y1="22" x2="{mx:.1f}" y2="{body_bottom:.0f}" stroke="#eef0f3"/>'
                )
            if month >= first:
                text = str(month.month) if lower == 1 else f"Q{(month.month - 1) // 3 + 1}"
                out.append(f'<text x="{x(month) + 2:.1f}" y="36" fill="#64748b" font-size="9">{text}</text>')
            month = _next_month(month, lower)
    out.append(f'<line x1="0" y1="{HEAD}" x2="{total_w:.0f}" y2="{HEAD}" stroke="#94a3b8"/>')
    out.append(f'<text x="6" y="36" font-weight="bold">{escape(chart.labels.get("project", ""))}</text>')
    # Project rows.
    for i, (p, top) in enumerate(zip(chart.projects, tops, strict=True)):
        if i % 2:
            out.append(f'<rect x="0" y="{top:.0f}" width="{LABEL_W}" height="{row_h}" fill="#f8fafc"/>')
        name = p.name if len(p.name) <= 34 else p.name[:33] + "…"
        out.append(
            f'<text x="14" y="{top + 15:.0f}"><tspan fill="#64748b">{escape(p.code)}</tspan> '
            f"{escape(name)}</text>"
        )
        if p.start is not None and p.finish is not None:
            fill, stroke = RAG_COLOURS[p.colour]
            sx = x(p.start)
            bar_w = max(2.0, x(p.finish) - sx)
            out.append(
                f'<rect x="{sx:.1f}" y="{top + 5:.0f}" width="{bar_w:.1f}" height="13" rx="2" fill="{fill}" '
                f'stroke="{stroke}"/>'
            )
            if p.percent:
                out.append(
                    f'<rect x="{sx:.1f}" y="{top + 9:.0f}" width="{bar_w * min(p.percent, 100) / 100:.1f}" '
                    f'height="5" fill="{stroke}"/>'
                )
        if chart.show_phases:
            lane = top + 25
            for n, phase in enumerate(p.phases):
                px0 = x(phase.start)
                colour = "#b91c1c" if phase.critical else ("#475569" if n % 2 == 0 else "#94a3b8")
                out.append(
                    f'<rect x="{px0:.1f}" y="{lane - 3:.0f}" width="{max(1.5, x(phase.finish) - px0):.1f}" '
                    f'height="6" fill="{colour}"/>'
                )
            for milestone in p.milestones:
                mx = x(milestone.start)
                colour = "#b91c1c" if milestone.critical else "#111827"
                out.append(f'<path d="M{mx:.1f},{lane - 6:.0f} l6,6 l-6,6 l-6,-6 z" fill="{colour}"/>')
    # Links between projects.
    for link in chart.links:
        if not (0 <= link.source < len(tops) and 0 <= link.target < len(tops)):
            continue
        offset = 25 if chart.show_phases else 11.5
        xa, xb = x(link.start), x(link.end)
        ya, yb = tops[link.source] + offset, tops[link.target] + offset
        red = link.broken or link.critical
        if xb - 8 >= xa:
            path = f"M{xa:.1f},{ya:.1f} h5 V{yb:.1f} H{xb:.1f}"
        elif xb >= xa:  # too close for an elbow: straight onto the successor's row
            path = f"M{xb:.1f},{ya:.1f} V{yb + (-7 if yb > ya else 7):.1f}"
        else:
            mid = yb - (row_h / 2 if yb > ya else -row_h / 2)
            path = f"M{xa:.1f},{ya:.1f} h5 V{mid:.1f} H{xb - 8:.1f} V{yb:.1f} H{xb:.1f}"
        dash = ' stroke-dasharray="4 2"' if link.broken else ""
        out.append(
            f'<path d="{path}" fill="none" stroke="{"#b91c1c" if red else "#2f5bd3"}" '
            f'stroke-width="{1.6 if red else 1}"{dash} marker-end="url(#{"ar" if red else "a"})"/>'
        )
    if chart.today is not None and first <= chart.today <= last:
        tx = x(chart.today)
        out.append(
            f'<line x1="{tx:.1f}" y1="{HEAD}" x2="{tx:.1f}" y2="{body_bottom:.0f}" stroke="#f59e0b" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out.append(f'<line x1="{LABEL_W}" y1="0" x2="{LABEL_W}" y2="{body_bottom:.0f}" stroke="#94a3b8"/>')
    out.append(
        f'<text x="4" y="{total_h - 10:.0f}" fill="#64748b" font-size="10">{escape(chart.title)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)
