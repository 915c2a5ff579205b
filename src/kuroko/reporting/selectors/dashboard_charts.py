"""The charts of the dashboards (Vega-Lite specs from `kuroko.formats.charts_dashboard` and
`kuroko.formats.charts`), each with a description and its figures as a small table (the text alternative),
and `report_charts`, the same trend charts as report-document charts for the portfolio exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import reads_everything
from kuroko.formats import charts_dashboard
from kuroko.formats.report_doc import Chart
from kuroko.people.models import Person
from kuroko.projects import permissions as perms
from kuroko.projects.models import Project, Rag, Status
from kuroko.projects.selectors.load import LoadFilter, LoadQuery, load_grid, period_start
from kuroko.raid.models import (
    RiskLevel,
)
from kuroko.raid.selectors.risks import heat_map, matrix_info, visible_risks
from kuroko.reporting.selectors.dashboard import (
    HOTSPOT_WEEKS,
    _hotspots,
    _live_projects,
    _url,
    live_totals,
    managed_projects,
)
from kuroko.reporting.selectors.dashboard_trends import (
    IndexPoint,
    RagPoint,
    index_points,
    rag_points,
)
from kuroko.reporting.weeks import week_label, week_start
from kuroko.tracking.selectors.evm import AMBER, RED

# --- charts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardChart:
    """A chart of a board: its spec, title, what it shows in words, and the figures behind it as a small
    table (the text alternative)."""

    key: str
    title: str
    description: str
    spec: dict[str, Any]
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    url: str = ""

    @property
    def spec_id(self) -> str:
        return f"spec-{self.key}"


def _index_labels() -> dict[str, str]:
    return {"spi": "SPI", "cpi": "CPI", "date": _("Week ending"), "index": _("Index")}


def _rag_labels() -> dict[str, str]:
    return {
        "red": str(Rag.RED.label),
        "amber": str(Rag.AMBER.label),
        "green": str(Rag.GREEN.label),
        "none": _("Not rated"),
        "week": _("Week"),
        "projects": _("Projects"),
    }


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def index_chart(points: list[IndexPoint]) -> DashboardChart:
    spec = charts_dashboard.portfolio_index_trend(
        [{"end": p.end, "spi": p.spi, "cpi": p.cpi} for p in points],
        labels=_index_labels(),
        thresholds=(RED, AMBER),
    )
    return DashboardChart(
        "spi-cpi",
        _("Portfolio SPI and CPI"),
        _("Schedule and cost performance indices of the measured projects at the end of each week."),
        spec,
        (_("Week"), "SPI", "CPI", _("Projects measured")),
        tuple((p.label, _fmt(p.spi), _fmt(p.cpi), p.projects) for p in points),
        _url("evm-portfolio"),
    )


def rag_chart(points: list[RagPoint]) -> DashboardChart:
    labels = _rag_labels()
    spec = charts_dashboard.rag_trend(
        [
            {
                "week": p.week,
                "label": p.label,
                "red": p.red,
                "amber": p.amber,
                "green": p.green,
                "none": p.none,
            }
            for p in points
        ],
        labels=labels,
    )
    return DashboardChart(
        "rag",
        _("Projects by overall RAG"),
        _("Projects per overall colour each week: from the status reports, else the project's own colour."),
        spec,
        (_("Week"), labels["red"], labels["amber"], labels["green"], labels["none"]),
        tuple((p.label, p.red, p.amber, p.green, p.none) for p in points),
        _url("reports-home"),
    )


def risk_chart(user: Any, program: Any = None) -> DashboardChart:
    info = matrix_info()
    result = heat_map(visible_risks(user, program=getattr(program, "code", None)), info)
    level_labels = dict(RiskLevel.choices)
    cells = [
        {
            "probability": c.probability,
            "impact": c.impact,
            "level": c.level,
            "level_label": str(level_labels.get(c.level, c.level)),
            "count": c.count,
        }
        for row in result.rows
        for c in row
    ]
    spec = charts_dashboard.risk_heat_map(
        cells,
        probability_labels=result.probability_labels,
        impact_labels=result.impact_labels,
        labels={
            "probability": _("Probability"),
            "impact": _("Impact"),
            "risks": _("Open risks"),
            "level": _("Level"),
        },
    )
    rows = tuple(
        (result.probability_labels[row[0].probability - 1], *[c.count for c in row]) for row in result.rows
    )
    return DashboardChart(
        "risks",
        _("Risk heat map"),
        _("Open risks by probability and their largest impact: %(n)s on the map.") % {"n": result.total},
        spec,
        (_("Probability") + " \\ " + _("Impact"), *result.impact_labels),
        rows,
        _url("portfolio-risks"),
    )


def capacity_chart(grid: Any, *, by_team: bool) -> DashboardChart:
    """Load % per team (or person) and week from a load grid."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in grid.rows:
        name = (
            (str(row.person.team.name) if row.person.team_id else _("No team"))
            if by_team
            else str(row.person)
        )
        groups[name].append(row)
    rows: list[dict[str, Any]] = []
    for name, members in sorted(groups.items()):
        cells = []
        for k, monday in enumerate(grid.starts):
            work = sum(r.cells[k].work for r in members)
            capacity = sum(r.cells[k].capacity for r in members)
            cells.append(
                {
                    "week": monday,
                    "label": week_label(monday),
                    "work": work / 60,
                    "capacity": capacity / 60,
                    "percent": 100 * work / capacity if capacity > 0 else None,
                }
            )
        rows.append({"name": name, "cells": cells})
    spec = charts_dashboard.capacity_heatmap(
        rows,
        labels={
            "row": _("Team") if by_team else _("Person"),
            "week": _("Week"),
            "load": _("Load %"),
            "work": _("Work (h)"),
            "capacity": _("Capacity (h)"),
        },
    )
    return DashboardChart(
        "capacity",
        _("Capacity heatmap"),
        _("Booked work as a percentage of capacity per team and week (over 100 %: over-allocated).")
        if by_team
        else _("Your booked work as a percentage of your capacity per week."),
        spec,
        (_("Team") if by_team else _("Person"), *[week_label(m) for m in grid.starts]),
        tuple(
            (r["name"], *["—" if c["percent"] is None else f"{c['percent']:.0f}%" for c in r["cells"]])
            for r in rows
        ),
        _url("resource-heatmap"),
    )


def s_curve_chart(user: Any, project: Project) -> DashboardChart | None:
    """The project's S-curve (PV, EV, AC and the EAC forecast) as the EVM page draws it; None without a
    baseline to measure against."""
    from kuroko.tracking.selectors.evm import project_evm, s_curve_spec

    evm = project_evm(user, project)
    f = evm.figures
    if f is None or not evm.series:
        return None
    spec = s_curve_spec(evm, height=200)
    return DashboardChart(
        f"s-curve-{project.code}",
        _("S-curve of %(code)s") % {"code": project.code},
        _("Cumulative PV, EV and AC of %(name)s up to %(day)s.")
        % {"name": project.name, "day": evm.status_date},
        spec,
        ("PV", "EV", "AC", "SPI", "CPI"),
        ((f"{f.pv:,.0f}", f"{f.ev:,.0f}", f"{f.ac:,.0f}", _fmt(f.spi), _fmt(f.cpi)),),
        _url("project-evm", project.code),
    )


def pmo_charts(user: Any, *, today: date, program: Any = None, load: Any = None) -> list[DashboardChart]:
    """The PMO's charts: SPI/CPI and RAG trends, the risk heat map and the capacity heatmap by team
    (`load`: the load grid already read for the hotspots, if any)."""
    projects = _live_projects(user, program)
    ids = [p.pk for p in projects]
    grid = load if load is not None else _hotspots(user, today=today)[1]
    return [
        index_chart(index_points(ids, last=today, current=_current(projects, today))),
        rag_chart(rag_points(projects, last=today)),
        risk_chart(user, program),
        capacity_chart(grid, by_team=True),
    ]


def executive_charts(user: Any, *, today: date, program: Any = None) -> list[DashboardChart]:
    projects = _live_projects(user, program)
    return [
        index_chart(index_points([p.pk for p in projects], last=today, current=_current(projects, today))),
        rag_chart(rag_points(projects, last=today)),
        risk_chart(user, program),
    ]


def _current(projects: list[Project], today: date) -> dict[int, tuple[float, float, float]]:
    return {pid: (t.pv, t.ev, t.ac) for pid, t in live_totals(projects, today).items()}


def pm_charts(user: Any, *, today: date, limit: int = 3) -> list[DashboardChart]:
    """S-curves of the PM's first active projects and the heat map of their risks."""
    projects = [p for p in managed_projects(user) if p.status == Status.ACTIVE]
    out = [c for p in projects[:limit] if (c := s_curve_chart(user, p)) is not None]
    if projects:
        info = matrix_info()
        from kuroko.raid.models import Risk

        result = heat_map(Risk.objects.filter(project__in=[p.pk for p in projects]), info)
        cells = [
            {"probability": c.probability, "impact": c.impact, "level": c.level, "count": c.count}
            for row in result.rows
            for c in row
        ]
        out.append(
            DashboardChart(
                "risks",
                _("Risks of my projects"),
                _("Open risks by probability and their largest impact: %(n)s on the map.")
                % {"n": result.total},
                charts_dashboard.risk_heat_map(
                    [
                        {**c, "level_label": str(dict(RiskLevel.choices).get(str(c["level"]), c["level"]))}
                        for c in cells
                    ],
                    probability_labels=result.probability_labels,
                    impact_labels=result.impact_labels,
                    labels={
                        "probability": _("Probability"),
                        "impact": _("Impact"),
                        "risks": _("Open risks"),
                        "level": _("Level"),
                    },
                ),
                (_("Probability") + " \\ " + _("Impact"), *result.impact_labels),
                tuple(
                    (result.probability_labels[r[0].probability - 1], *[c.count for c in r])
                    for r in result.rows
                ),
                _url("portfolio-risks"),
            )
        )
    return out


def member_charts(user: Any, *, today: date) -> list[DashboardChart]:
    """The team member's own load for the coming weeks."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    grid = load_grid(
        user,
        LoadQuery(period_start("week", today), "week", HOTSPOT_WEEKS, _OnePerson(person=person)),
    )
    return [capacity_chart(grid, by_team=False)] if grid.rows else []


@dataclass(frozen=True)
class _OnePerson(LoadFilter):
    """A load filter of one person (the heatmap's own filters pick groups)."""

    person: Person | None = None

    def people(self) -> list[Person]:
        return [self.person] if self.person is not None and self.person.is_active else []


def report_charts(user: Any, *, week: date, program: Any = None) -> list[Chart]:
    """The portfolio trend charts (SPI/CPI, RAG counts) of the projects `user` reads, as of the end of the
    ISO week starting `week`, as report-document charts (the same specs the dashboards draw)."""
    if not reads_everything(user) and not perms.visible_projects(user).exists():
        return []
    last = week_start(week) + timedelta(days=6)
    projects = _live_projects(user, program)
    out = []
    today = timezone.localdate()
    current = _current(projects, today) if week_start(today) == week_start(last) else None
    for chart in (
        index_chart(index_points([p.pk for p in projects], last=last, current=current)),
        rag_chart(rag_points(projects, last=last)),
    ):
        out.append(Chart(spec=chart.spec, title=chart.title))
    return out
