"""Reads of earned value: a project as of a status date (with its WBS, S-curve and trends), the portfolio
table (projects grouped by program, with totals) and the recorded history (EVM snapshots).

Who reads a project reads its earned value; the portfolio lists the projects the user may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.dates import in_range, parse_day
from kuroko.core.models import Organisation
from kuroko.core.permissions import reads_everything
from kuroko.engine.evm import (
    EarnedValue,
    EvmError,
    Figures,
    SeriesPoint,
    Unit,
    display_places,
    earned_value,
    figures,
    series,
)
from kuroko.formats import charts
from kuroko.projects import permissions as perms
from kuroko.projects.models import Baseline, Program, Project, Status
from kuroko.tracking.mapping import (
    NoBaseline,
    Row,
    Totals,
    effort_conversion,
    parse_unit,
    portfolio_totals,
    project_input,
)
from kuroko.tracking.models import EvmSnapshot

# Index thresholds (SPI, CPI, SPI(t), TCPI reads the other way): below RED is red, below AMBER amber.
RED, AMBER = 0.9, 0.95
# S-curves of plans longer than this are drawn by month rather than by week.
WEEKLY_LIMIT = timedelta(days=2 * 366)


def index_colour(value: float | None, *, inverse: bool = False) -> str:
    """ "red", "amber" or "green" for a performance index (SPI, CPI: 1 or more is good); `inverse` for TCPI,
    where above 1 means the rest of the work must be done more efficiently than so far."""
    if value is None:
        return ""
    if inverse:
        value = 1 / value if value > 0 else 0.0
    if value < RED:
        return "red"
    if value < AMBER:
        return "amber"
    return "green"


def parse_status_date(value: str | date | None, default: date) -> date:
    """A status date given as YYYY-MM-DD (the default when empty), or a ValidationError naming the field."""
    if value is None or value == "":
        return default
    try:
        return in_range(value) if isinstance(value, date) else parse_day(value)
    except ValueError:
        raise ValidationError(
            {"status_date": _("%(value)r is not a date like 2027-06-30.") % {"value": value}}
        ) from None


def default_status_date(project: Project | None = None) -> date:
    """The project's status date, else today."""
    if project is not None and project.status_date is not None:
        return project.status_date
    return timezone.localdate()


@dataclass(frozen=True, slots=True)
class Line:
    """A WBS row with its figures."""

    row: Row
    figures: Figures


@dataclass
class ProjectEvm:
    """Earned value of one project as of a status date (result None: see `message`)."""

    project: Project
    status_date: date
    unit: Unit
    currency: str
    places: int
    baseline: Baseline | None = None
    result: EarnedValue | None = None
    lines: list[Line] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def figures(self) -> Figures | None:
        return self.result.project if self.result else None


def project_evm(
    user: Any, project: Project, *, status_date: date | None = None, unit: str | Unit | None = None,
    with_series: bool = True,
) -> ProjectEvm:  # fmt: skip
    """Earned value of `project` as of `status_date` (default: its status date, else today) in `unit`
    (default money): the project, every WBS element and, with `with_series`, the S-curve."""
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    chosen = parse_unit(unit.value if isinstance(unit, Unit) else unit)
    day = status_date or default_status_date(project)
    org = Organisation.current()
    currency = org.currency if chosen is Unit.MONEY else ""
    out = ProjectEvm(project, day, chosen, currency, display_places(chosen, currency))
    try:
        mapped = project_input(project, status_date=day, unit=chosen, with_history=with_series)
    except NoBaseline as exc:
        out.message = str(exc)
        return out
    out.baseline = mapped.baseline
    out.warnings = mapped.warnings
    try:
        out.result = earned_value(mapped.project, status_date=day)
        if with_series and out.result.project.start is not None:
            first = out.result.project.start.date()
            finish = out.result.project.finish.date() if out.result.project.finish else day
            last = max(finish, day)
            granularity = "week" if last - first <= WEEKLY_LIMIT else "month"
            # The day before the start (the origin of the curves), the periods up to the status date (the
            # last one ends on it), then the plan after it (PV only).
            origin = first - timedelta(days=1)
            out.series = list(
                series(mapped.project, first=origin, last=origin, status_date=day, granularity="day")
            )
            if first <= day:
                out.series += series(
                    mapped.project, first=first, last=day, status_date=day, granularity=granularity
                )
            if day < last:
                later = max(first, day + timedelta(days=1))
                out.series += series(
                    mapped.project, first=later, last=last, status_date=day, granularity=granularity
                )
    except EvmError as exc:  # the mapping keeps the engine's rules; a breach is shown, not a 500
        out.message = str(exc)
        out.result = None
        return out
    elements = out.result.elements
    out.lines = [Line(row, elements[row.id]) for row in mapped.rows if row.id in elements]
    return out


def unit_label(unit: Unit, currency: str) -> str:
    """What amounts are in: the currency, hours, 人日 or 人月 (person-days and -months in English)."""
    if unit is Unit.MONEY:
        return currency
    return {
        Unit.HOURS: _("hours"),
        Unit.PERSON_DAYS: _("person-days"),
        Unit.PERSON_MONTHS: _("person-months"),
    }[unit]


def s_curve_spec(evm: ProjectEvm, *, height: int | None = None) -> dict[str, Any]:
    """The S-curve of a project's earned value as a Vega-Lite spec, the one the EVM page, the dashboards and
    the status reports draw: cumulative PV, EV and AC, the EAC forecast from AC at the status date to the
    forecast finish, a rule at the status date, amounts labelled in the unit measured (`unit_label`)."""
    f = evm.figures
    eac = None
    if f is not None and f.eac is not None:
        end = f.forecast_finish or f.finish
        if end is not None:
            eac = (max(end.date(), evm.status_date), f.eac)
    size = {} if height is None else {"height": height}
    return charts.s_curve(
        [{"end": p.end, "pv": p.pv, "ev": p.ev, "ac": p.ac} for p in evm.series],
        labels={
            "pv": _("PV (planned value)"),
            "ev": _("EV (earned value)"),
            "ac": _("AC (actual cost)"),
            "eac": _("EAC (forecast)"),
            "date": _("Date"),
            "amount": unit_label(evm.unit, evm.currency),
            "status_date": _("Status date"),
        },
        status_date=evm.status_date,
        eac=eac,
        ac_now=None if f is None else f.ac,
        **size,
    )


def trend(points: list[SeriesPoint]) -> list[dict[str, Any]]:
    """SPI and CPI at the end of each period of the S-curve up to the status date."""
    out = []
    for p in points:
        if p.ev is None:
            continue
        out.append(
            {
                "end": p.end,
                "spi": p.ev / p.pv if p.pv else None,
                "cpi": p.ev / p.ac if p.ac else None,
            }
        )
    return out


# --- the portfolio ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    project: Project
    figures: Figures | None  # None: no baseline to measure against


@dataclass
class ProgramGroup:
    program: Program | None
    lines: list[PortfolioLine]
    total: Figures | None


@dataclass
class PortfolioEvm:
    status_date: date
    unit: Unit
    currency: str
    places: int
    groups: list[ProgramGroup]
    total: Figures | None


def _sum(parts: list[Totals], *, id: str, name: str) -> Figures | None:
    if not parts:
        return None
    return figures(
        bac=sum(p.bac for p in parts),
        pv=sum(p.pv for p in parts),
        ev=sum(p.ev for p in parts),
        ac=sum(p.ac for p in parts),
        id=id,
        name=name,
    )


def portfolio_evm(
    user: Any, *, status_date: date | None = None, unit: str | Unit | None = None
) -> PortfolioEvm:
    """Every project the user may read (cancelled ones aside) measured at one status date (default
    today), grouped by program with program totals and the portfolio total. Earned schedule needs each
    project's time-phased curve and is left to the project page."""
    chosen = parse_unit(unit.value if isinstance(unit, Unit) else unit)
    day = status_date or timezone.localdate()
    org = Organisation.current()
    currency = org.currency if chosen is Unit.MONEY else ""
    projects = list(
        perms.visible_projects(user)
        .exclude(status=Status.CANCELLED)
        .select_related("program")
        .order_by("program__code", "code")
    )
    totals = portfolio_totals(projects, status_date=day, unit=chosen, all_projects=reads_everything(user))
    groups: dict[int | None, ProgramGroup] = {}
    measured_all: list[Totals] = []
    for project in projects:
        group = groups.setdefault(project.program_id, ProgramGroup(project.program, [], None))
        t = totals.get(project.pk)
        fig = None if t is None else _sum([t], id=project.code, name=project.name)
        group.lines.append(PortfolioLine(project, fig))
    for key, group in groups.items():
        parts = [t for line in group.lines if (t := totals.get(line.project.pk)) is not None]
        group.total = _sum(parts, id=str(key or ""), name=str(group.program or ""))
        measured_all.extend(parts)
    ordered = sorted(groups.values(), key=lambda g: (g.program is None, g.program.code if g.program else ""))
    return PortfolioEvm(
        day,
        chosen,
        currency,
        display_places(chosen, currency),
        ordered,
        _sum(measured_all, id="portfolio", name=_("Portfolio")),
    )


# --- history -------------------------------------------------------------------------------------------


def project_snapshots(user: Any, project: Project, *, unit: str | Unit | None = None) -> list[dict[str, Any]]:
    """The figures recorded at past status dates (EVM snapshots), oldest first, in `unit`: snapshots are
    kept in money and in hours; person-days and person-months are converted from hours."""
    if not perms.can_view_project(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    chosen = parse_unit(unit.value if isinstance(unit, Unit) else unit)
    stored = Unit.MONEY if chosen is Unit.MONEY else Unit.HOURS
    factor = 1.0 if chosen is Unit.MONEY else effort_conversion().factor(Unit.HOURS, chosen)
    out = []
    for s in EvmSnapshot.objects.filter(project=project, unit=stored.value).order_by("status_date"):
        out.append(
            {
                "status_date": s.status_date,
                "bac": s.bac * factor,
                "pv": s.pv * factor,
                "ev": s.ev * factor,
                "ac": s.ac * factor,
                "spi": s.spi,
                "cpi": s.cpi,
                "eac": None if s.eac is None else s.eac * factor,
                "spi_t": s.spi_t,
                "recorded_at": s.recorded_at,
            }
        )
    return out
