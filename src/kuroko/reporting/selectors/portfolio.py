"""The executive summary of a week: every readable project's colours (with the change since last week),
milestones at risk, top risks, resource hotspots, financials and pending gate decisions — read from the
week's status reports (their facts, kept as reported). Three queries whatever the number of projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kuroko.projects.models import Program, Project
from kuroko.projects.permissions import visible_projects
from kuroko.reporting.facts import MilestoneFact, ProjectFacts, RiskFact
from kuroko.reporting.models import ReportStatus, StatusReport
from kuroko.reporting.rag import ALL_DIMENSIONS, RANK
from kuroko.reporting.weeks import previous_week, week_start

REPORTED_STATUSES = ("active", "on_hold")
SUBMITTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)  # a report that counts as reported


@dataclass(slots=True)
class ProjectRow:
    """One project's line of the RAG matrix."""

    project: Project
    report: StatusReport | None
    facts: ProjectFacts | None
    rags: dict[str, str]  # the colours in effect this week, "" when not rated or not reported
    previous: dict[str, str]  # last week's colours
    changes: dict[str, str]  # "better", "worse" or "" per dimension

    @property
    def program_name(self) -> str:
        return self.project.program.name if self.project.program else ""

    @property
    def reported(self) -> bool:
        """The week's report was submitted (or reviewed); a draft or a returned report is not reported."""
        return self.report is not None and self.report.status in SUBMITTED_STATUSES

    @property
    def draft(self) -> bool:
        """The week has a report that is still being written (a draft, or returned for rework)."""
        return self.report is not None and not self.reported


@dataclass(slots=True)
class Hotspot:
    person: str
    peak_percent: float
    projects: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Financial:
    project: Project
    currency: str
    budget: float | None
    actual: float | None
    eac: float | None
    variance: float | None  # budget − EAC (+ = under budget)


@dataclass(slots=True)
class PortfolioSummary:
    week: date
    program: Program | None
    rows: list[ProjectRow]
    milestones: list[tuple[Project, MilestoneFact]]
    risks: list[tuple[Project, RiskFact]]
    hotspots: list[Hotspot]
    financials: list[Financial]
    totals: Financial | None
    gates: list[tuple[Project, dict[str, Any]]]

    @property
    def reported(self) -> int:
        """Projects whose report of the week was submitted or reviewed (drafts do not count)."""
        return sum(1 for row in self.rows if row.reported)

    def groups(self) -> list[tuple[str, list[ProjectRow]]]:
        """The rows grouped by program (in order of program name, projects without one last)."""
        out: dict[str, list[ProjectRow]] = {}
        for row in self.rows:
            out.setdefault(row.program_name, []).append(row)
        return sorted(out.items(), key=lambda item: (item[0] == "", item[0]))

    def counts(self) -> dict[str, int]:
        """Reported projects by overall colour this week ("" = not rated, not reported or a draft)."""
        out = {"red": 0, "amber": 0, "green": 0, "": 0}
        for row in self.rows:
            colour = row.rags.get("overall", "") if row.reported else ""
            out[colour] = out.get(colour, 0) + 1
        return out


def program_param(value: str | None) -> Program | None:
    """A program by code (or id); ValidationError naming the field when there is none."""
    if not value:
        return None
    program = Program.objects.filter(code=value).first()
    if program is None and value.isdigit():
        program = Program.objects.filter(pk=int(value)).first()
    if program is None:
        raise ValidationError({"program": _("There is no program %(code)s.") % {"code": value}})
    return program


def portfolio_projects(user: Any, *, program: Program | None = None) -> list[Project]:
    """The active and on-hold projects `user` reads (of `program`), by program and code."""
    qs = visible_projects(user).filter(status__in=REPORTED_STATUSES).select_related("program", "manager")
    if program is not None:
        qs = qs.filter(program=program)
    return list(qs.order_by("program__name", "code"))


def _rags(report: StatusReport | None) -> dict[str, str]:
    if report is None:
        return dict.fromkeys(ALL_DIMENSIONS, "")
    return {d: getattr(report, f"rag_{d}") or "" for d in ALL_DIMENSIONS}


def _change(now: str, before: str) -> str:
    if not now or not before or now == before:
        return ""
    return "worse" if RANK[now] > RANK[before] else "better"


def portfolio_summary(user: Any, *, week: date, program: Program | None = None) -> PortfolioSummary:
    """The executive summary of the ISO week starting `week` over the projects `user` reads."""
    week = week_start(week)
    projects = portfolio_projects(user, program=program)
    ids = [p.pk for p in projects]
    reports: dict[tuple[int, date], StatusReport] = {
        (r.project_id, r.week): r
        for r in StatusReport.objects.filter(project_id__in=ids, week__in=(week, previous_week(week)))
    }
    rows = []
    for project in projects:
        report = reports.get((project.pk, week))
        before = reports.get((project.pk, previous_week(week)))
        facts = ProjectFacts.from_dict(report.facts) if report is not None and report.facts else None
        rags, previous = _rags(report), _rags(before)
        changes = {d: _change(rags[d], previous[d]) for d in ALL_DIMENSIONS}
        rows.append(ProjectRow(project, report, facts, rags, previous, changes))
    return _summarise(rows, week=week, program=program)


def _summarise(rows: list[ProjectRow], *, week: date, program: Program | None) -> PortfolioSummary:
    milestones: list[tuple[Project, MilestoneFact]] = []
    risks: list[tuple[Project, RiskFact]] = []
    people: dict[str, Hotspot] = {}
    financials: list[Financial] = []
    gates: list[tuple[Project, dict[str, Any]]] = []
    for row in rows:
        facts = row.facts
        if facts is None:
            continue
        for m in [*facts.milestones_this_week, *facts.milestones_next]:
            if m.state == "missed" or (m.slip_days or 0) > 0:
                milestones.append((row.project, m))
        risks.extend((row.project, r) for r in facts.risks if r.change != "closed")
        for o in facts.overallocations:
            spot = people.setdefault(o.person, Hotspot(o.person, 0.0))
            spot.peak_percent = max(spot.peak_percent, o.peak_percent)
            if row.project.code not in spot.projects:
                spot.projects.append(row.project.code)
        budget = facts.budget if facts.budget is not None else facts.bac
        # Variance at completion (BAC − EAC) as reported, like the executive dashboard: the EAC forecasts
        # the baseline's cost, not the approved budget, which is shown beside it.
        variance = facts.vac
        if variance is None and facts.bac is not None and facts.eac is not None:
            variance = facts.bac - facts.eac
        if budget is not None or facts.ac is not None or facts.eac is not None:
            financials.append(Financial(row.project, facts.currency, budget, facts.ac, facts.eac, variance))
        if facts.gate and not facts.gate.get("decision"):
            gates.append((row.project, facts.gate))
    milestones.sort(key=lambda pm: (pm[1].finish, pm[0].code))
    risks.sort(key=lambda pr: (-pr[1].score, pr[0].code, pr[1].code))
    totals = None
    # Totals only add up figures of one currency (facts keep the organisation's currency of the week they
    # were drafted in, so a change of currency leaves weeks apart); otherwise no total is shown.
    if financials and len({f.currency for f in financials}) == 1:

        def total(name: str) -> float | None:
            values = [getattr(f, name) for f in financials if getattr(f, name) is not None]
            return sum(values) if values else None

        totals = Financial(
            financials[0].project,
            financials[0].currency,
            total("budget"),
            total("actual"),
            total("eac"),
            total("variance"),
        )
    return PortfolioSummary(
        week=week,
        program=program,
        rows=rows,
        milestones=milestones[:15],
        risks=risks[:10],
        hotspots=sorted(people.values(), key=lambda h: (-h.peak_percent, h.person))[:10],
        financials=financials,
        totals=totals,
        gates=gates,
    )
